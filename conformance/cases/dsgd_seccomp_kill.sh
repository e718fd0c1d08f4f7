#!/bin/sh
# dsgd_seccomp_kill: with the test hooks, a sandboxed portal that calls openat, then one that calls socket, is killed by its filter, the master logs "killed by seccomp: <syscall>" with role and pid, and a new portal starts and completes the handshake; the kill and the exit are in the audit trail as the master's system records (seccomp-kill, role-exited).
# @relation(REQ-RUN-003, REQ-RUN-031)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

for sys in openat socket; do
    : >"$t/log"
    rm -rf "$t/var"
    DSG_TEST_HOOK=portal:$sys dsgd_start "$DSGD_TEST"
    wait_log "portal\\[[0-9]+\\]: test hook $sys: running"
    first=$(worker_pid portal)
    wait_log "master: portal\\[$first\\] killed by seccomp: $sys \\(syscall [0-9]+, arch 0x[0-9a-f]+\\)"
    wait_log "master: portal\\[$first\\] exited with status 99"
    wait_log "master: portal: restarting in [0-9]+ ms \\(backoff\\)"
    wait_log "master: portal\\[[0-9]+\\] started \\(restart 1, restarted after [0-9]+ ms\\)"
    second=$(worker_pid portal)
    [ "$second" != "$first" ] || fail "$sys: no new portal pid"
    wait_log "master: portal\\[$second\\] ready"
    alive "$second" || fail "$sys: the restarted portal is not running"
    # the call never succeeded, and the handler reported it before exiting
    ! log_has "test hook $sys: (succeeded|failed)" || fail "$sys: the call returned instead of trapping"
    grep -q '^Seccomp:[[:space:]]2$' "/proc/$second/status" || fail "$sys: restarted portal not sandboxed"
    dsgd_stop
    [ "$got" -eq 0 ] || fail "$sys: dsgd exit $got after SIGTERM"
    # the audit trail has it too, as the master's system records
    "$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "$sys: export"
    python3 - "$t/export" "$first" "$sys" <<'PY' || fail "$sys: master records: $(grep '"master"' "$t/export")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
pid, name = sys.argv[2], sys.argv[3]
got = [(r["fields"]["event"], r["fields"]["detail"]) for r in rows if r["source"] == "master" and r["type"] == 101]
assert ("seccomp-kill", "portal[%s]: %s (syscall " % (pid, name)) in [(e, d[:d.index("(syscall ") + 9]) for e, d in got if e == "seccomp-kill"], got
assert ("role-exited", "portal[%s]: status 99" % pid) in got, got
PY
done
exit 0
