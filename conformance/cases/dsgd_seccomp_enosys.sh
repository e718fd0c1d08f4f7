#!/bin/sh
# dsgd_seccomp_enosys: under the portal filter clone3 and a syscall number above the highest libseccomp knows return ENOSYS (the worker stays up), and replacing the SIGSYS handler kills the whole process (the master logs SIGSYS and restarts it).
# @relation(REQ-RUN-003)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

for hook in clone3 newsys; do
    : >"$t/log"
    rm -rf "$t/var"
    DSG_TEST_HOOK=portal:$hook dsgd_start "$DSGD_TEST"
    wait_log "portal\\[[0-9]+\\]: test hook $hook: failed: Function not implemented"
    pid=$(worker_pid portal)
    ! log_has 'killed by seccomp' || fail "$hook: trapped instead of ENOSYS"
    alive "$pid" || fail "$hook: portal died"
    dsgd_stop
    [ "$got" -eq 0 ] || fail "$hook: dsgd exit $got"
    ! log_has 'restart' || fail "$hook: a worker was restarted"
done

: >"$t/log"
rm -rf "$t/var"
DSG_TEST_HOOK=portal:sigsys dsgd_start "$DSGD_TEST"
wait_log 'portal\[[0-9]+\]: test hook sigsys: running'
first=$(worker_pid portal)
wait_log "master: portal\\[$first\\] killed by signal 31 \\(SIGSYS\\)"
wait_log 'master: portal\[[0-9]+\] started \(restart 1'
! log_has 'test hook sigsys: (succeeded|failed)' || fail "sigaction(SIGSYS) returned"
dsgd_stop
[ "$got" -eq 0 ] || fail "sigsys: dsgd exit $got"
exit 0
