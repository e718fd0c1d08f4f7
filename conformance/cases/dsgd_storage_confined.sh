#!/bin/sh
# dsgd_storage_confined: with the test hooks, logd (chrooted to var/logd, Landlock where offered) tries to open /etc/passwd, a ../ path, the control socket in another role's directory (../run/dsgctl.sock) and /proc: each open fails with an error, the worker logs it and stays up, and nothing is restarted.
# @relation(REQ-RUN-032, REQ-RUN-005)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

DSG_TEST_HOOK=logd:open-outside dsgd_start "$DSGD_TEST"
wait_log 'logd\[[0-9]+\]: test hook open-outside: open /proc/self/status failed: '
pid=$(worker_pid logd)
log_has 'logd\[[0-9]+\]: test hook open-outside: open /etc/passwd failed: ' || fail "no failure for /etc/passwd"
log_has 'logd\[[0-9]+\]: test hook open-outside: open \.\./\.\./\.\./\.\./etc/passwd failed: ' ||
    fail "no failure for ../../../../etc/passwd"
log_has 'logd\[[0-9]+\]: test hook open-outside: open \.\./run/dsgctl\.sock failed: ' ||
    fail "no failure for ../run/dsgctl.sock"
! log_has 'OPENED' || fail "logd opened a file outside var/logd: $(grep OPENED "$t/log")"
# still up, answering the master, and never restarted
sleep 0.2
alive "$pid" || fail "logd died"
! log_has 'killed by seccomp|restart' || fail "logd was killed or restarted"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
log_has "master: logd\\[$pid\\] exited with status 0" || fail "logd did not exit cleanly on SHUTDOWN"
exit 0
