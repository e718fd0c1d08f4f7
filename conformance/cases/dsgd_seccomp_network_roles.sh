#!/bin/sh
# dsgd_seccomp_network_roles: with the test hooks, each role that parses input from outside the host's processes — the portal (TLS, HTTP) and ctl (the control socket) — is killed by its filter when, once sandboxed, it calls openat, openat2, creat (where the architecture has it), socket, execve or execveat; the master logs "killed by seccomp: <syscall>" with role and pid, restarts the role, and the restarted role runs sandboxed (Seccomp 2) and serves (a TLS handshake, `dsgctl status`); no hook call ever returns.
# @relation(REQ-RUN-004)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
sock=$t/var/run/dsgctl.sock

calls="openat openat2 socket execve execveat"
[ "$(uname -m)" = x86_64 ] && calls="$calls creat"
for role in portal ctl; do
    for sys in $calls; do
        : >"$t/log"
        rm -rf "${t:?}/var"
        DSG_TEST_HOOK=$role:$sys dsgd_start "$DSGD_TEST"
        wait_log "$role\\[[0-9]+\\]: test hook $sys: running"
        first=$(worker_pid "$role")
        wait_log "master: $role\\[$first\\] killed by seccomp: $sys \\(syscall [0-9]+, arch 0x[0-9a-f]+\\)"
        wait_log "master: $role\\[[0-9]+\\] started \\(restart 1, restarted after [0-9]+ ms\\)"
        second=$(worker_pid "$role")
        [ "$second" != "$first" ] || fail "$role $sys: no new pid"
        wait_log "master: $role\\[$second\\] ready"
        ! log_has "test hook $sys: (succeeded|failed)" || fail "$role $sys: the call returned instead of trapping"
        grep -q '^Seccomp:[[:space:]]2$' "/proc/$second/status" || fail "$role $sys: restarted $role not sandboxed"
        if [ "$role" = portal ]; then
            openssl s_client -connect "127.0.0.1:$DSGD_PORT" -brief </dev/null >"$t/tls" 2>&1 ||
                fail "portal $sys: the restarted portal does not serve: $(cat "$t/tls")"
        else
            "$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err" ||
                fail "ctl $sys: the restarted ctl does not serve: exit $? $(cat "$t/err")"
        fi
        [ ! -e /tmp/dsg-hook-creat ] || fail "$role $sys: a file was created"
        dsgd_stop
        [ "$got" -eq 0 ] || fail "$role $sys: dsgd exit $got after SIGTERM"
    done
done
exit 0
