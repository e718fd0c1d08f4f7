#!/bin/sh
# dsgd_restart_backoff: a worker killed with SIGKILL is logged with its signal and restarted after the initial delay (100 ms); killed again soon after, the delay doubles (200 ms); the other worker is untouched.
# @relation(REQ-RUN-034)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'
logd=$(worker_pid logd)
p1=$(worker_pid portal)
kill -9 "$p1"
wait_log "master: portal\\[$p1\\] killed by signal 9 \\(SIGKILL\\)"
wait_log 'master: portal: restarting in 100 ms \(backoff\)'
wait_log 'master: portal\[[0-9]+\] started \(restart 1, restarted after 100 ms\)'
p2=$(worker_pid portal)
[ "$p2" != "$p1" ] || fail "no new portal"
wait_log "master: portal\\[$p2\\] ready"
kill -9 "$p2"
wait_log "master: portal\\[$p2\\] killed by signal 9"
wait_log 'master: portal: restarting in 200 ms \(backoff\)'
wait_log 'master: portal\[[0-9]+\] started \(restart 2, restarted after 200 ms\)'
p3=$(worker_pid portal)
wait_log "master: portal\\[$p3\\] ready"
alive "$p3" || fail "third portal not running"
[ "$(worker_pid logd)" = "$logd" ] && alive "$logd" || fail "logd was disturbed"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
