#!/bin/sh
# dsgd_sanitizer_build: the ASan/UBSan dsgd, whose workers run without the sandbox, says so: the master's start line ends "SANITIZER BUILD: WORKER SANDBOX OFF", each worker logs "SANDBOX OFF", `dsgctl status` heads its table with "sandbox OFF (sanitizer build)" and `--json` gives "sandbox": "off (sanitizer build)", matching /proc (Seccomp 0) while the workers still run as dsg with NoNewPrivs; the release dsgd, on which every sandbox case runs, reports "sandbox on" and holds no test-hook or sanitizer symbol.
# @relation(REQ-RUN-006)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
[ -x "${DSGD_ASAN:-}" ] || fail "DSGD_ASAN=${DSGD_ASAN:-} is not the ASan dsgd (make conformance builds it)"
sock=$t/var/run/dsgctl.sock
chmod 755 "$t"   # without its chroot, logd (user dsg) reaches var/logd through it

ASAN_OPTIONS=detect_leaks=0 dsgd_start "$DSGD_ASAN"
wait_log 'master: dsgd [0-9.]+ started: .*; SANITIZER BUILD: WORKER SANDBOX OFF$'
wait_log 'master: ctl\[[0-9]+\] ready' 20
wait_log 'master: logd\[[0-9]+\] ready' 20
wait_log 'master: portal\[[0-9]+\] ready' 20
for role in portal logd ctl; do
    log_has "master: $role\\[[0-9]+\\]: SANDBOX OFF: sanitizer build" || fail "$role does not say its sandbox is off"
done
"$DSGCTL" status --socket "$sock" >"$t/table" 2>"$t/err" || fail "status: exit $? $(cat "$t/err") $(tail -n 15 "$t/log")"
head -n 1 "$t/table" | grep -q ', sandbox OFF (sanitizer build)$' || fail "status head: $(head -n 1 "$t/table")"
"$DSGCTL" status --json --socket "$sock" >"$t/json" 2>"$t/err" || fail "status --json: exit $? $(cat "$t/err")"
python3 - "$t/json" <<'PY' || fail "status --json: $(cat "$t/json")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["sandbox"] == "off (sanitizer build)", doc["sandbox"]
for r in doc["roles"]:
    status = dict(l.split(":", 1) for l in open("/proc/%d/status" % r["pid"]).read().splitlines() if ":" in l)
    assert r["seccomp"] == int(status["Seccomp"]) == 0, r
    assert r["uid"] == int(status["Uid"].split()[0]) != 0, r
    assert r["no_new_privs"] == 1, r
PY
dsgd_stop

# the release build, which the sandbox cases run
: >"$t/log"
rm -rf "${t:?}/var"
dsgd_start "$DSGD"
wait_log 'master: ctl\[[0-9]+\] ready'
! log_has 'SANITIZER|SANDBOX OFF' || fail "the release dsgd says its sandbox is off"
"$DSGCTL" status --socket "$sock" >"$t/table" 2>"$t/err" || fail "release status: exit $? $(cat "$t/err")"
head -n 1 "$t/table" | grep -q ', sandbox on$' || fail "release status head: $(head -n 1 "$t/table")"
! nm "$DSGD" 2>/dev/null | grep -Eq 'dsgd_test_hook|__asan_|__ubsan_' || fail "the release dsgd holds test-hook or sanitizer symbols"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
