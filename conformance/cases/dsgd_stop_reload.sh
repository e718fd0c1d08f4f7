#!/bin/sh
# dsgd_stop_reload: SIGHUP with nothing changed reloads (generation 2) and keeps the same worker pids; SIGTERM sends SHUTDOWN to every worker, which exit 0, and the master removes its pidfile and exits 0 with no process left; SIGINT does the same; a worker that ignores SHUTDOWN (test hook) is SIGKILLed after the shutdown timeout and the master still exits 0.
# @relation(REQ-RUN-035, REQ-RUN-048, REQ-RUN-009)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'
[ -f "$t/var/dsgd.pid" ] || fail "no pidfile"
[ "$(cat "$t/var/dsgd.pid")" = "$dsgd_pid" ] || fail "pidfile says $(cat "$t/var/dsgd.pid"), want $dsgd_pid"
before=$(descendants "$dsgd_pid" | sort | tr '\n' ' ')
kill -HUP "$dsgd_pid"
wait_log 'master: SIGHUP: configuration reloaded, generation 2; workers keep running'
sleep 0.2
after=$(descendants "$dsgd_pid" | sort | tr '\n' ' ')
[ "$before" = "$after" ] || fail "worker pids changed on SIGHUP: '$before' -> '$after'"
alive "$dsgd_pid" || fail "master died on SIGHUP"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got after SIGTERM, want 0"
for p in $before; do
    ! alive "$p" || fail "worker $p still running after the master exited"
done
[ ! -e "$t/var/dsgd.pid" ] || fail "pidfile left behind"
log_has 'master: portal\[[0-9]+\] exited with status 0' || fail "portal did not exit 0"
log_has 'master: logd\[[0-9]+\] exited with status 0' || fail "logd did not exit 0"
log_has 'master: stopped' || fail "no 'stopped' line"

# SIGINT (Ctrl-C under make run) is the same clean stop
: >"$t/log"
dsgd_start "$DSGD"
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: portal\[[0-9]+\] ready'
ws=$(descendants "$dsgd_pid")
kill -INT "$dsgd_pid"
wait_until 10 not_alive "$dsgd_pid"
wait "$dsgd_pid"
got=$?
[ "$got" -eq 0 ] || fail "dsgd exit $got after SIGINT, want 0"
for p in $ws; do ! alive "$p" || fail "worker $p left after SIGINT"; done
[ ! -e "$t/var/dsgd.pid" ] || fail "pidfile left after SIGINT"

# a worker that ignores SHUTDOWN is killed when the timeout (300 ms here) ends
: >"$t/log"
DSG_TEST_SHUTDOWN_MS=300 DSG_TEST_HOOK=logd:no-shutdown dsgd_start "$DSGD_TEST"
wait_log 'logd\[[0-9]+\]: test hook no-shutdown: SHUTDOWN will be ignored'
wait_log 'master: portal\[[0-9]+\] ready'
logd=$(worker_pid logd)
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got after SIGTERM with a stuck worker, want 0"
log_has "master: logd\\[$logd\\] did not stop within 300 ms: SIGKILL" || fail "no SIGKILL line for the stuck logd"
log_has "master: logd\\[$logd\\] killed by signal 9" || fail "stuck logd not killed"
! alive "$logd" || fail "stuck logd still running"
[ ! -e "$t/var/dsgd.pid" ] || fail "pidfile left after a forced stop"
exit 0
