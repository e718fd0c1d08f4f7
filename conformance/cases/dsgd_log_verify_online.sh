#!/bin/sh
# dsgd_log_verify_online: `dsgctl log verify` without --offline asks the running logd, through the control socket, to check its own store with its own keys: intact after requests (exit 0, the unanchored tail checked with the chain key); after dsgd is stopped and its audit.db edited, or a record deleted, or two records swapped (sqlite3, triggers dropped), the restarted dsgd's logd reports the break with its source, sequence number and kind (exit 1); a user outside dsgadm is refused (exit 77), and when logd does not answer (SIGSTOP) dsgctl exits 69.
# @relation(REQ-LOG-005, REQ-RUN-021)
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

{ admin_conf 10; echo 'auth.scrypt_n = 1024'; } >"$t/admin.conf"
up() {
    : >"$t/log"
    dsgd_start "$DSGD" -f "$t/admin.conf"
    for role in portal logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
    wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
    admin_login
}
requests() {
    for i in 1 2 3 4; do
        curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
            "https://localhost:$DSGD_PORT/api/v1/health?i=$i" >/dev/null 2>"$t/err" || fail "curl: $(cat "$t/err")"
    done
    sleep 0.5   # the access records on their way to logd
}
verify_online() {   # verify_online LABEL WANT-EXIT
    "$DSGCTL" log verify --socket "$sock" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq "$2" ] || fail "$1: exit $rc, want $2: $(cat "$t/out" "$t/err")"
}
tamper() {
    dsgd_stop
    [ "$got" -eq 0 ] || fail "dsgd exit $got"
    rm -rf "$t/saved" && cp -a "$d" "$t/saved"
    sqlite3 "$d/audit.db" "DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete; $1" >/dev/null ||
        fail "sqlite3: $1"
    up
}
restore() {
    dsgd_stop
    rm -rf "$d" && cp -a "$t/saved" "$d"
    up
}

up
requests
verify_online "intact" 0
grep -Eq '^OK: 0 break\(s\); 5 source\(s\), [0-9]+ record\(s\), [0-9]+ checkpoint\(s\); [0-9]+ record\(s\) after the last checkpoint \(checked with the chain key\)$' "$t/out" ||
    fail "intact: $(cat "$t/out")"
log_has 'ctl\[[0-9]+\]: uid 0 pid [0-9]+: log verify: ok' || fail "the command is not logged"

# a user outside dsgadm
chmod 755 "$t"
setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups -- \
    "$DSGCTL" log verify --socket "$sock" >/dev/null 2>&1
[ $? -eq 77 ] || fail "non-member: want 77"

tamper "UPDATE records SET body = CAST(replace(CAST(body AS TEXT), '?i=2', '?i=9') AS BLOB) WHERE source = 'portal' AND seq = 2"
verify_online "edited" 1
grep -q '^BREAK source=portal seq=2 kind=edited: ' "$t/out" || fail "edited: $(cat "$t/out")"
grep -q '^BROKEN: ' "$t/out" || fail "edited: no BROKEN line"
restore

tamper "DELETE FROM records WHERE source = 'portal' AND seq = 3"
verify_online "deleted" 1
grep -q '^BREAK source=portal seq=3 kind=deleted: ' "$t/out" || fail "deleted: $(cat "$t/out")"
restore

tamper "UPDATE records SET seq = 100 WHERE source = 'portal' AND seq = 2; UPDATE records SET seq = 2 WHERE source = 'portal' AND seq = 3; UPDATE records SET seq = 3 WHERE source = 'portal' AND seq = 100"
verify_online "swapped" 1
grep -q '^BREAK source=portal seq=2 kind=reordered: ' "$t/out" || fail "swapped: $(cat "$t/out")"

# logd not answering (stopped): no report within the time, exit 69
logd=$(worker_pid logd)
kill -STOP "$logd"
"$DSGCTL" log verify --socket "$sock" >"$t/out" 2>"$t/err"
rc=$?
kill -CONT "$logd" 2>/dev/null
[ "$rc" -eq 69 ] || fail "logd stopped: exit $rc $(cat "$t/out" "$t/err")"
dsgd_stop
exit 0
