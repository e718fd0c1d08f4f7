#!/bin/sh
# dsgd_sandbox_fail: with the test hooks, a failure forced in each sandbox step (rlimits, chroot, drop-user, no-new-privs, landlock, sigsys-handler, seccomp) makes the worker exit 1 before its handshake, logging the failed step; the master logs the exit and restarts it.
# @relation(REQ-RUN-002)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

for step in rlimits chroot drop-user no-new-privs landlock sigsys-handler seccomp; do
    : >"$t/log"
    rm -rf "$t/var"
    DSG_TEST_HOOK=logd:fail-$step dsgd_start "$DSGD_TEST"
    wait_log "logd\\[[0-9]+\\]: sandbox step $step failed: forced by the test hook: exiting"
    # the failed worker's pid from its own line: by now the master may have started the next
    first=$(sed -n "s/.* master: logd\\[\\([0-9]*\\)\\]: sandbox step $step failed.*/\\1/p" "$t/log" | head -n 1)
    wait_log "master: logd\\[$first\\] exited with status 1"
    ! log_has "master: logd\\[$first\\] ready" || fail "$step: the failed worker did its handshake"
    wait_log 'master: logd\[[0-9]+\] started \(restart 1'
    wait_log "master: logd\\[$(worker_pid logd)\\] ready"
    dsgd_stop
    [ "$got" -eq 0 ] || fail "$step: dsgd exit $got"
done
exit 0
