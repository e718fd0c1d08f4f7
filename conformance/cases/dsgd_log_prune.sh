#!/bin/sh
# dsgd_log_prune: `dsgctl log prune --before T` through the control socket, ctl and logd: a T that does not parse, that is in the future or that is younger than log.retention_days (365 days) is refused with a clear error and removes nothing; a cut older than the retention keeps the records no verified backup holds yet (pruned 0, the count held back, a warning on logd's log: REQ-BKUP-010), and once `dsgctl backup now` has verified (logd keeps the time its copy of the trail was made in var/logd/backed-up) removes the records recorded before it (their recorded_at set back to 2020 with sqlite3) in one transaction, leaves a signed prune record per source naming who asked (uid, pid), the cut and the count, and both `dsgctl log verify` online and offline (public key, chain key) still find the rest intact; a record deleted after the pruned ones without a prune record is found (deleted); logd prunes by itself at start what is older than the retention; a user outside dsgadm is refused (77); --uid sent by a client is refused.
# @relation(REQ-LOG-044, REQ-LOG-007, REQ-LOG-005, REQ-RUN-021, REQ-BKUP-010)
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

mkdir -p "$t/dest"
"$DSGCTL" backup keygen --out "$t/op.key" --pub "$t/op.pub" >/dev/null 2>"$t/err" || fail "keygen: $(cat "$t/err")"
{ admin_conf 10; echo 'auth.scrypt_n = 1024'; echo "bkup.dest = \"$t/dest\""
  echo 'bkup.allow_same_fs = true'; echo "bkup.recipient_pubkey = \"$t/op.pub\""; } >"$t/admin.conf"
up() {
    : >"$t/log"
    dsgd_start "$DSGD" -f "$t/admin.conf"
    for role in portal logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
    wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
    admin_login
}
requests() {
    curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
        "https://localhost:$DSGD_PORT/api/v1/health?i=[1-$1]" >/dev/null 2>"$t/err" || fail "curl: $(cat "$t/err")"
    sleep 0.5   # the access records on their way to logd
}
rows() {   # rows WHERE: the records that match, read while logd runs
    sqlite3 "$db" "SELECT count(*) FROM records WHERE $1" || fail "sqlite3"
}
age() {    # age WHERE: their recorded_at set back to 2020 (the body and chains stay as they are)
    sqlite3 "$db" "DROP TRIGGER records_no_update; UPDATE records SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE $1; CREATE TRIGGER records_no_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;" ||
        fail "sqlite3: age $1"
}
prune() {  # prune LABEL WANT-EXIT T
    "$DSGCTL" log prune --socket "$sock" --before "$3" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq "$2" ] || fail "$1: exit $rc, want $2: $(cat "$t/out" "$t/err")"
}
body_has() {   # body_has WHERE TEXT: the records that match and whose encoding holds TEXT
    sqlite3 "$db" "SELECT count(*) FROM records WHERE $1 AND instr(body, CAST('$2' AS BLOB)) > 0" || fail "sqlite3"
}
days_ago() {
    date -u -d "@$(($(date +%s) - $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ
}

up
requests 6
total=$(rows "type != 102")   # ctl records each command (type 102)

# bad cuts: nothing removed, nothing recorded
prune "malformed" 64 "2020-01-01"
grep -q 'RFC 3339' "$t/err" || fail "malformed: $(cat "$t/err")"
prune "not UTC" 64 "2020-01-01T00:00:00+09:00"
grep -q 'must end in Z' "$t/err" || fail "not UTC: $(cat "$t/err")"
prune "no date" 64 "2020-02-30T00:00:00Z"
prune "future" 64 "$(date -u -d '@'$(($(date +%s) + 86400)) +%Y-%m-%dT%H:%M:%SZ)"
grep -q 'in the future' "$t/err" || fail "future: $(cat "$t/err")"
prune "younger than the retention" 65 "$(days_ago 10)"
grep -q 'younger than log.retention_days (365 days)' "$t/err" || fail "young: $(cat "$t/err")"
[ "$(rows "type != 102")" -eq "$total" ] || fail "a refused prune changed the store: $(rows "type != 102") rows, was $total"
[ "$(rows 'type = 103')" -eq 0 ] || fail "a refused prune left a prune record"
log_has 'audit: prune before .* refused: the cut .* is younger than log.retention_days' || fail "the refusal is not logged"
"$DSGCTL" log prune --socket "$sock" >/dev/null 2>&1
[ $? -eq 64 ] || fail "no --before: want 64"

# a client may not name who it is (logged in, so that the line gets that far)
printf 'token=%s log prune --before 2020-01-01T00:00:00Z --uid 5\n' "$(cat "$DSGCTL_TOKEN_FILE")" >"$t/line"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$sock" "$t/line" >"$t/raw" <<'PY' || fail "python3 client"
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(open(sys.argv[2], 'rb').read())
out = b''
while True:
    b = s.recv(4096)
    if not b: break
    out += b
sys.stdout.write(out.decode())
PY
    grep -q '^error bad-request --uid, --pid and --admin are set by dsgd' "$t/raw" || fail "--uid from a client: $(cat "$t/raw")"
fi

# a user outside dsgadm
chmod 755 "$t"
setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups -- \
    "$DSGCTL" log prune --socket "$sock" --before 2020-06-01T00:00:00Z >/dev/null 2>&1
[ $? -eq 77 ] || fail "non-member: want 77"

# portal's first three records made old: no verified backup holds them
# yet, so they stay, and logd warns (REQ-BKUP-010)
age "source = 'portal' AND seq <= 3"
prune "held back" 0 "2021-01-01T00:00:00Z"
grep -q '^pruned 0 record(s): the 3 record(s) recorded before 2021-01-01T00:00:00.000Z are in no verified backup yet' "$t/out" ||
    fail "held back: $(cat "$t/out")"
[ "$(rows "source = 'portal' AND seq <= 3")" -eq 3 ] || fail "records no backup holds were pruned"
log_has 'WARNING: audit: 3 record\(s\) recorded before 2021-01-01T00:00:00.000Z are held back from pruning: no verified backup holds them yet' ||
    fail "no warning of the records held back"

# a verified backup holds them: a cut before 2021 removes exactly them
"$DSGCTL" backup now --socket "$sock" >"$t/out" 2>"$t/err" || fail "backup now: $(cat "$t/out" "$t/err")"
wait_log 'audit: the verified backup [0-9T]+Z holds the records recorded before ' 60
[ -s "$d/backed-up" ] || fail "no $d/backed-up"
prune "old records" 0 "2021-01-01T00:00:00Z"
grep -q '^pruned 3 record(s) of 1 source(s) recorded before 2021-01-01T00:00:00.000Z' "$t/out" || fail "pruned: $(cat "$t/out")"
[ "$(rows "source = 'portal' AND seq <= 3")" -eq 0 ] || fail "records 1..3 of portal are still there"
[ "$(rows "source = 'portal' AND type = 103")" -eq 1 ] || fail "no prune record in portal"
# items are back to back in the encoding: each field name, then its value
[ "$(body_has "source = 'portal' AND type = 103" pruned_to3head)" -eq 1 ] || fail "the prune record does not say pruned_to 3"
[ "$(body_has "source = 'portal' AND type = 103" uid0pid)" -eq 1 ] || fail "the prune record does not name uid 0"
[ "$(body_has "source = 'portal' AND type = 103" adminkanri1)" -eq 1 ] || fail "the prune record does not name the administrator"
[ "$(body_has "source = 'portal' AND type = 103" triggerdsgctlremoved3)" -eq 1 ] || fail "the prune record does not name its trigger and count"
[ "$(body_has "source = 'portal' AND type = 103" before2021-01-01T00:00:00.000Z)" -eq 1 ] || fail "the prune record does not name the cut"
[ "$(rows "source = 'logd' AND type = 103")" -eq 1 ] || fail "no prune record in logd"
log_has 'ctl\[[0-9]+\]: uid 0 pid [0-9]+: log prune --before 2021-01-01T00:00:00\.0.*: ok' || fail "the command is not logged by ctl"
log_has 'audit: pruned 3 record\(s\) of 1 source\(s\) recorded before 2021-01-01T00:00:00.000Z \(uid 0 pid [0-9]+\)' || fail "the prune is not logged by logd"
# DELETE is refused again
sqlite3 "$db" "DELETE FROM records WHERE source = 'portal' AND seq = 4" 2>/dev/null && fail "DELETE is allowed after a prune"

"$DSGCTL" log verify --socket "$sock" >"$t/out" 2>"$t/err" || fail "online verify after the prune: $(cat "$t/out" "$t/err")"
grep -q '^OK: 0 break' "$t/out" || fail "online verify: $(cat "$t/out")"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
"$DSGCTL" log pubkey "$d" >"$t/pub.pem" || fail "pubkey"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" --key "$d/chain.key" "$d" >"$t/out" 2>&1 ||
    fail "offline verify after the prune: $(cat "$t/out")"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" "$d" >"$t/out" 2>&1 ||
    fail "offline verify (public key only) after the prune: $(cat "$t/out")"

# deleting the next record without pruning is found
cp -a "$d" "$t/copy"
sqlite3 "$t/copy/audit.db" "DROP TRIGGER records_no_delete; DELETE FROM records WHERE source = 'portal' AND seq = 4" || fail "sqlite3"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" "$t/copy" >"$t/out" 2>&1
[ $? -eq 1 ] || fail "a deletion after the pruned records is not found: $(cat "$t/out")"
grep -q '^BREAK source=portal seq=4 kind=deleted: ' "$t/out" || fail "deleted: $(cat "$t/out")"
# and so is deleting at the start of a source that was never pruned
rm -rf "$t/copy" && cp -a "$d" "$t/copy"
sqlite3 "$t/copy/audit.db" "DROP TRIGGER records_no_delete; DELETE FROM records WHERE source = 'logd' AND seq = 1" || fail "sqlite3"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" "$t/copy" >"$t/out" 2>&1
[ $? -eq 1 ] || fail "a deletion at the start is not found: $(cat "$t/out")"
grep -q '^BREAK source=logd seq=1 kind=deleted: ' "$t/out" || fail "deleted at the start: $(cat "$t/out")"

# logd prunes at start what is older than the retention
age "source = 'portal' AND seq IN (4, 5)"
up
wait_log 'audit: retention pruned 2 record\(s\) of 1 source\(s\) recorded before '
[ "$(rows "source = 'portal' AND seq <= 5 AND type != 103")" -eq 0 ] || fail "retention left records 4, 5"
[ "$(body_has "source = 'portal' AND type = 103" triggerretentionremoved2)" -eq 1 ] || fail "the automatic prune record does not say retention"
"$DSGCTL" log verify --socket "$sock" >"$t/out" 2>"$t/err" || fail "online verify after the automatic prune: $(cat "$t/out" "$t/err")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
"$DSGCTL" log verify --offline --pubkey "$t/pub.pem" --key "$d/chain.key" "$d" >"$t/out" 2>&1 ||
    fail "offline verify after the automatic prune: $(cat "$t/out")"
exit 0
