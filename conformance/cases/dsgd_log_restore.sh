#!/bin/sh
# dsgd_log_restore: `dsgctl log restore --offline DIR --from COPY` with dsgd stopped: dsgd runs and makes records, stops; its audit.db is copied (sqlite3 .backup); dsgd runs again and makes more records, stops; bad input (no --from, a missing copy, a file that is not an audit store, a copy from another store) is refused with a clear error and exit 64, 74 or 65 and changes nothing; the restore keeps the current database aside, puts the copy in place (owned by logd's user) and leaves a marker; at its next start logd appends a signed restore record to each source that lost records and removes the marker; `dsgctl log verify` online and offline (public key, chain key) accept the chain and report the gap (GAP lines, exit 0); `dsgctl log export` shows the restore records; deleting a restore record is found (deleted); a copy put in place by hand, without the command, makes logd refuse to start.
# @relation(REQ-LOG-046, REQ-LOG-015, REQ-LOG-005, REQ-LOG-010)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v sqlite3 >/dev/null || fail "the sqlite3 program is missing (make deps-test)"
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
sock=$t/var/run/dsgctl.sock
d=$t/var/logd
db=$d/audit.db

{ admin_conf 10; echo 'auth.scrypt_n = 1024'; } >"$t/admin.conf"
up() {
    : >"$t/log"
    dsgd_start "$DSGD" -f "$t/admin.conf"
    for role in portal logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
    wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
    admin_login
}
down() {
    dsgd_stop
    [ "$got" -eq 0 ] || fail "dsgd exit $got"
}
requests() {
    curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
        "https://localhost:$DSGD_PORT/api/v1/health?i=[1-$1]" >/dev/null 2>"$t/err" || fail "curl: $(cat "$t/err")"
    sleep 0.5   # the access records on their way to logd
}
rows() {   # rows WHERE
    sqlite3 "$db" "SELECT count(*) FROM records WHERE $1" || fail "sqlite3"
}
restore() {  # restore LABEL WANT-EXIT ARGS...
    label=$1 want=$2
    shift 2
    "$DSGCTL" log restore "$@" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq "$want" ] || fail "$label: exit $rc, want $want: $(cat "$t/out" "$t/err")"
}
state() {
    (cd "$d" && ls -A && cat audit.db anchor.log | sha256sum)
}

up
requests 3
down
sqlite3 "$db" ".backup '$t/older.db'" || fail "sqlite3 .backup"
portal_then=$(rows "source = 'portal'")
up
requests 4
down
portal_top=$(rows "source = 'portal'")
[ "$portal_top" -gt "$portal_then" ] || fail "no new portal records: $portal_top, was $portal_then"

# bad input: a clear error, nothing changed
before=$(state)
restore "no --from" 64 --offline "$d"
restore "missing copy" 74 --offline "$d" --from "$t/nonexistent.db"
grep -q 'nonexistent.db: No such file or directory; nothing changed' "$t/err" || fail "missing: $(cat "$t/err")"
echo 'not a database' >"$t/text.db"
restore "not a store" 65 --offline "$d" --from "$t/text.db"
grep -q 'is not an audit store' "$t/err" || fail "not a store: $(cat "$t/err")"
# another store: the same records under other keys are made by another logd; here an edited copy stands for it
cp "$t/older.db" "$t/edited.db"
sqlite3 "$t/edited.db" "DROP TRIGGER records_no_update; UPDATE records SET body = CAST(replace(CAST(body AS TEXT), 'health', 'wealth') AS BLOB) WHERE source = 'portal' AND seq = 1" ||
    fail "sqlite3 edit"
restore "altered copy" 65 --offline "$d" --from "$t/edited.db"
grep -q 'does not verify against the keys and checkpoints' "$t/err" || fail "altered: $(cat "$t/err")"
[ "$(state)" = "$before" ] || fail "a refused restore changed $d"

# the restore
restore "restore" 0 --offline "$d" --from "$t/older.db"
grep -q "^restored $d: [0-9]* signed record(s) of [0-9]* source(s) are not in the copy; the previous database is kept as audit.db.before-restore-" "$t/out" ||
    fail "restore: $(cat "$t/out")"
ls "$d"/audit.db.before-restore-* >/dev/null 2>&1 || fail "the previous database was not kept"
[ -f "$d/restore.pending" ] || fail "no marker"
[ "$(stat -c %U "$db")" = dsg ] || fail "audit.db is owned by $(stat -c %U "$db"), not dsg"
[ "$(rows "source = 'portal'")" -eq "$portal_then" ] || fail "the copy is not in place"
restore "pending" 65 --offline "$d" --from "$t/older.db"
grep -q 'already pending' "$t/err" || fail "pending: $(cat "$t/err")"

up
wait_log 'audit: the store was restored: [0-9]+ source\(s\) go on after a signed restore record'
[ ! -e "$d/restore.pending" ] || fail "the marker is still there"
[ "$(rows "source = 'portal' AND type = 104 AND seq = $portal_top + 1")" -eq 1 ] ||
    fail "no restore record of portal numbered after its last checkpoint ($portal_top)"
"$DSGCTL" log verify --socket "$sock" >"$t/out" 2>"$t/err" || fail "online verify after the restore: $(cat "$t/out" "$t/err")"
grep -q "^GAP source=portal: records $((portal_then + 1))\\.\\.$portal_top lost by a restore on 20" "$t/out" ||
    fail "online verify: no gap: $(cat "$t/out")"
grep -q '^OK: 0 break(s);.* gap(s) left by restores' "$t/out" || fail "online verify: $(cat "$t/out")"
"$DSGCTL" log export --socket "$sock" --type restore --format jsonl >"$t/export" 2>"$t/err" ||
    fail "online export: $(cat "$t/err")"
grep '"type_name":"restore"' "$t/export" | grep '"source":"portal"' | grep -q "\"lost_to\":\"$portal_top\"" ||
    fail "the export does not show portal's restore record: $(cat "$t/export")"
requests 2
down

"$DSGCTL" log pubkey "$d" >"$t/pub.pem" || fail "pubkey"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" --key "$d/chain.key" "$d" >"$t/out" 2>&1 ||
    fail "offline verify after the restore: $(cat "$t/out")"
grep -q "^GAP source=portal: records $((portal_then + 1))\\.\\.$portal_top lost by a restore on " "$t/out" ||
    fail "offline verify: no gap: $(cat "$t/out")"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" "$d" >"$t/out" 2>&1 ||
    fail "offline verify (public key only) after the restore: $(cat "$t/out")"
grep -q '^GAP source=portal' "$t/out" || fail "offline verify (public key only): $(cat "$t/out")"
"$DSGCTL" log export --offline "$d" --format rfc5424 >"$t/export" 2>"$t/err" || fail "offline export: $(cat "$t/err")"
grep -q ' restore \[dsg@32473 source="portal"' "$t/export" || fail "the offline export does not show the restore record"

# a restore record deleted: the gap is a deletion
cp -a "$d" "$t/copy"
sqlite3 "$t/copy/audit.db" "DROP TRIGGER records_no_delete; DELETE FROM records WHERE source = 'portal' AND type = 104" || fail "sqlite3"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" "$t/copy" >"$t/out" 2>&1
[ $? -eq 1 ] || fail "a deleted restore record is not found: $(cat "$t/out")"
grep -q "^BREAK source=portal seq=$((portal_then + 1)) kind=deleted: " "$t/out" || fail "deleted: $(cat "$t/out")"

# a copy put in place by hand: logd refuses to start, and says why
cp "$t/older.db" "$db" && chown dsg: "$db"
: >"$t/log"
dsgd_start "$DSGD"
wait_log "lost outside 'dsgctl log restore'" 10
dsgd_cleanup
exit 0
