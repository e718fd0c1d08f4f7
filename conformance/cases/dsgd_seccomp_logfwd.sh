#!/bin/sh
# dsgd_seccomp_logfwd: with the test hooks, logfwd — the role that reads what collectors send — is killed by its filter when, once sandboxed, it calls openat, openat2, creat (where the architecture has it), socket, execve or execveat; the master logs "killed by seccomp: <syscall>" with role and pid, restarts it, hands the new logfwd a fresh connection, and the restarted logfwd runs sandboxed (Seccomp 2, NoNewPrivs 1) and forwards (the collector receives logd's records); no hook call ever returns.
# @relation(REQ-RUN-053, REQ-RUN-004, REQ-LOG-047)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"

collector_pki
cat >"$t/dsgd.conf" <<EOF
log.forward = "127.0.0.1:$FWD_PORT"
log.forward_ca = "$t/pki/ca.pem"
log.forward_retry_max = 1s
EOF
calls="openat openat2 socket execve execveat"
[ "$(uname -m)" = x86_64 ] && calls="$calls creat"
for sys in $calls; do
    : >"$t/log"
    rm -rf "${t:?}/var" "$t/c.out"
    collector_start c good
    DSG_TEST_HOOK=logfwd:$sys dsgd_start "$DSGD_TEST" -f "$t/dsgd.conf"
    wait_log "logfwd\\[[0-9]+\\]: test hook $sys: running"
    first=$(worker_pid logfwd)
    wait_log "master: logfwd\\[$first\\] killed by seccomp: $sys \\(syscall [0-9]+, arch 0x[0-9a-f]+\\)"
    wait_log "master: logfwd\\[[0-9]+\\] started \\(restart 1, restarted after [0-9]+ ms\\)"
    second=$(worker_pid logfwd)
    [ "$second" != "$first" ] || fail "$sys: no new pid"
    wait_log "master: logfwd\\[$second\\] ready"
    ! log_has "test hook $sys: (succeeded|failed)" || fail "$sys: the call returned instead of trapping"
    wait_log "logfwd\\[$second\\]: forward: 127.0.0.1:$FWD_PORT: connection [0-9]+ up" 10
    wait_until 20 collector_has c logd 1
    grep -q '^Seccomp:[[:space:]]2$' "/proc/$second/status" || fail "$sys: restarted logfwd not sandboxed"
    grep -q '^NoNewPrivs:[[:space:]]1$' "/proc/$second/status" || fail "$sys: no no_new_privs"
    [ ! -e /tmp/dsg-hook-creat ] || fail "$sys: a file was created"
    dsgd_stop
    [ "$got" -eq 0 ] || fail "$sys: dsgd exit $got"
    collector_stop
done
exit 0
