#!/bin/sh
# dsgd_restart_burst: a role that exits more than dsgd.restart_burst times (2 here) within dsgd.restart_interval is marked `failed` in `dsgctl status` (table and JSON) and not restarted, and the master raises an alert both on its log ("ALERT: portal exited more than 2 times ...") and on the host's syslog at LOG_ALERT (facility daemon, priority <25>); the other roles are untouched; `dsgctl role restart portal` starts it again at once (exit 0) and it serves; `role restart` with an unknown role or none exits 64 naming the problem; ctl, which serves the command, is not restarted while running (exit 70); a running logd is restarted on request; a logd over its burst is failed too: the master raises a second alert, drops (and counts) the records it cannot store, so commands fail closed with exit 75 instead of stalling, and `dsgctl role restart logd` (whose request cannot be recorded first) brings it back, after which commands succeed.
# @relation(REQ-RUN-008)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
sock=$t/var/run/dsgctl.sock

printf 'dsgd.restart_burst = 2\ndsgd.restart_interval = 30s\nauth.scrypt_n = 1024\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
syslog_capture
dsgd_start_syslog "$DSGD" -f "$t/gw.conf"
wait_log 'master: ctl\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: auth\[[0-9]+\] ready'
admin_login
logd=$(worker_pid logd)

# three exits within the interval: the third is one more than the burst
for i in 1 2 3; do
    wait_log 'master: portal\[[0-9]+\] ready'
    p=$(worker_pid portal)
    kill -9 "$p"
    wait_log "master: portal\\[$p\\] killed by signal 9"
    [ "$i" -eq 3 ] || wait_until 5 sh -c "[ \"\$(sed -n 's/.* master: portal\\[\\([0-9]*\\)\\] ready.*/\\1/p' '$t/log' | tail -n 1)\" != $p ]"
done
wait_log 'master: ALERT: portal exited more than 2 times within 30000 ms \(dsgd\.restart_burst, dsgd\.restart_interval\): marked failed and not restarted until `dsgctl role restart portal`'
wait_until 5 syslog_has '^<25>.*dsgd\[[0-9]+\]: portal exited more than 2 times within 30000 ms'
sleep 1
[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 3 ] || fail "a failed portal was restarted: $(grep 'portal\[' "$t/log")"
"$DSGCTL" status --socket "$sock" >"$t/table" || fail "status: exit $?"
grep -Eq '^portal +failed +- ' "$t/table" || fail "portal not failed: $(cat "$t/table")"
grep -Eq '^logd +running ' "$t/table" || fail "logd: $(cat "$t/table")"
"$DSGCTL" status --json --socket "$sock" >"$t/json" || fail "status --json"
python3 -c 'import json,sys; r={x["name"]: x for x in json.load(open(sys.argv[1]))["roles"]}; assert r["portal"]["state"] == "failed" and r["portal"]["pid"] == 0, r' "$t/json" ||
    fail "status --json: $(cat "$t/json")"

# bad input
"$DSGCTL" role restart bogus --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
[ "$rc" -eq 64 ] || fail "unknown role: exit $rc, want 64"
grep -q 'no such role (roles: portal, logd, ctl, auth, share) (unknown-role)' "$t/err" || fail "unknown role: $(cat "$t/err")"
"$DSGCTL" role restart --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
[ "$rc" -eq 64 ] && grep -q 'no role given' "$t/err" || fail "no role: exit $rc $(cat "$t/err")"
"$DSGCTL" role restart 'Portal;x' --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
[ "$rc" -eq 64 ] || fail "a malformed role: exit $rc"
"$DSGCTL" role restart ctl --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
[ "$rc" -eq 70 ] || fail "ctl restarting itself: exit $rc, want 70"

# the operator starts it again
"$DSGCTL" role restart portal --socket "$sock" >"$t/out" 2>"$t/err" || fail "role restart portal: exit $? $(cat "$t/err")"
grep -Eq '^portal: was failed, started \(pid [0-9]+\)$' "$t/out" || fail "role restart portal: $(cat "$t/out")"
wait_log 'master: portal: restarted by dsgctl role restart \(it was failed\)'
wait_until 10 sh -c "'$DSGCTL' status --socket '$sock' | grep -Eq '^portal +running +[0-9]+ +[0-9]+ +[0-9]+s +3 '"
openssl s_client -connect "127.0.0.1:$DSGD_PORT" -brief </dev/null >"$t/tls" 2>&1 || fail "the restarted portal does not serve: $(cat "$t/tls")"
[ "$(worker_pid logd)" = "$logd" ] && alive "$logd" || fail "logd was disturbed"

# a running role is restarted on request, without counting towards the burst
"$DSGCTL" role restart logd --socket "$sock" >"$t/out" 2>"$t/err" || fail "role restart logd: exit $? $(cat "$t/err")"
wait_until 10 sh -c "[ \"\$(sed -n 's/.* master: logd\\[\\([0-9]*\\)\\] ready.*/\\1/p' '$t/log' | tail -n 1)\" != $logd ]"
log_has 'ctl\[[0-9]+\]: uid 0 pid [0-9]+: role restart portal: ok' || fail "role restart not logged"

# logd over its burst: records are dropped (commands fail closed, exit 75)
# until `role restart logd`, which is not held on a record first
wait_log "master: logd\\[[0-9]+\\] ready"
for i in 1 2 3; do
    l=$(worker_pid logd)
    wait_log "master: logd\\[$l\\] ready"
    kill -9 "$l"
    wait_log "master: logd\\[$l\\] killed by signal 9"
    [ "$i" -eq 3 ] || wait_until 5 sh -c "[ \"\$(sed -n 's/.* master: logd\\[\\([0-9]*\\)\\] ready.*/\\1/p' '$t/log' | tail -n 1)\" != $l ]"
done
wait_log 'master: ALERT: audit: logd is failed: audit records are dropped and counted'
wait_until 5 syslog_has '^<25>.*dsgd\[[0-9]+\]: audit: logd is failed'
"$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
[ "$rc" -eq 75 ] && grep -q '(audit-unavailable)' "$t/err" || fail "status with logd failed: exit $rc $(cat "$t/err")"
"$DSGCTL" role restart logd --socket "$sock" >"$t/out" 2>"$t/err" || fail "role restart logd: exit $? $(cat "$t/err")"
grep -Eq '^logd: was failed, started \(pid [0-9]+\)$' "$t/out" || fail "role restart logd: $(cat "$t/out")"
wait_log 'master: audit: [0-9]+ messages of audit records were dropped while logd was failed'
"$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err" || fail "status after logd is back: exit $? $(cat "$t/err")"
grep -Eq '^logd +running ' "$t/out" || fail "logd not running: $(cat "$t/out")"
! log_has 'killed by seccomp' || fail "$(grep 'killed by seccomp' "$t/log")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
