#!/bin/sh
# dsgd_hooks_release: the release dsgd ignores DSG_TEST_HOOK (its portal stays up and sandboxed) and nm finds no test-hook symbol in it while the hook build has them; the sandbox cases run the release binary.
# @relation(REQ-RUN-033, REQ-RUN-006)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

root=$(cd "$(dirname "$CONFORMANCE_LIB")/.." && pwd)
sh "$root/tests/check-symbols.sh" --hooks "$DSGD" "$DSGD_TEST" >"$t/nm.out" 2>&1 ||
    fail "check-symbols --hooks: $(cat "$t/nm.out")"
[ "$DSGD" != "$DSGD_TEST" ] || fail "DSGD and DSGD_TEST are the same file"

DSG_TEST_HOOK=portal:openat dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
pid=$(worker_pid portal)
sleep 0.3
alive "$pid" || fail "release portal died"
! log_has 'test hook|killed by seccomp|restart' || fail "the release build ran a test hook"
grep -q '^Seccomp:[[:space:]]2$' "/proc/$pid/status" || fail "release portal not sandboxed"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
