#!/bin/sh
# dsgd_unit_privileges: the release dsgd started as root as the systemd unit starts it — no_new_privs set and the capability bounding set reduced to the unit's CapabilityBoundingSet (read from dist/dsgd.service.in), -s and -p as in its ExecStart — creates its directories, drops its workers to dsg, sandboxes them (chroot, Landlock, seccomp), serves GET /api/v1/health and answers dsgctl status on its control socket, a second start reuses the directories it made, SIGTERM stops it with status 0 and removes the pidfile, and a worker that ignores SHUTDOWN is still SIGKILLed (CAP_KILL); without one of CAP_FOWNER, CAP_DAC_READ_SEARCH or CAP_SYS_CHROOT it does not get that far, so none of them is superfluous.
# @relation(REQ-RUN-024)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v setpriv >/dev/null 2>&1 || fail "setpriv (util-linux) is needed"
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
root=$(cd "$(dirname "$CONFORMANCE_LIB")/.." && pwd) || fail "no source tree"

# CAP_SETUID CAP_CHOWN ... -> -all,+setuid,+chown,...
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$root/dist/dsgd.service.in")
[ -n "$caps" ] || fail "dsgd.service.in has no CapabilityBoundingSet"
bounding=-all
for c in $caps; do
    bounding="$bounding,+$(printf '%s' "${c#CAP_}" | tr '[:upper:]' '[:lower:]')"
done

# unit_start BIN [BOUNDING]: BIN as the unit runs it, in the background.
unit_start() {
    setpriv --no-new-privs --bounding-set "${2:-$bounding}" --inh-caps -all \
        "$1" -d -s "$t/var" -p "$t/dsgd.pid" -l "127.0.0.1:$DSGD_PORT" 2>>"$t/log" &
    dsgd_pid=$!
    trap 'dsgd_cleanup' EXIT
}

# shellcheck disable=SC2317 # called through wait_until
health() {
    code=$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' \
        "https://127.0.0.1:$DSGD_PORT/api/v1/health") || :
    [ "$code" = 200 ]
}

serves_then_stops() {
    wait_log 'master: portal\[[0-9]+\] ready'
    wait_log 'master: logd\[[0-9]+\] ready'
    wait_log 'master: ctl\[[0-9]+\] ready'
    grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$dsgd_pid/status" || fail "the master has no no_new_privs"
    [ "$(grep -c 'sandbox complete: seccomp filter loaded' "$t/log")" -ge 3 ] ||
        fail "the workers are not sandboxed: $(cat "$t/log")"
    wait_until 10 health
    "$DSGCTL" status --socket "$t/var/run/dsgctl.sock" >"$t/status" 2>&1 ||
        fail "dsgctl status: $(cat "$t/status")"
    ! log_has 'failed|killed by seccomp' || fail "a step failed: $(cat "$t/log")"
    dsgd_stop
    [ "$got" -eq 0 ] || fail "exit $got after SIGTERM, want 0"
    [ ! -e "$t/dsgd.pid" ] || fail "pidfile left behind"
}

unit_start "$DSGD"
serves_then_stops
[ "$(stat -c '%a %U' "$t/var/logd")" = "700 dsg" ] || fail "var/logd is $(stat -c '%a %U' "$t/var/logd")"
: >"$t/log"
unit_start "$DSGD"
serves_then_stops

# a worker that ignores SHUTDOWN: the master must be able to kill it
: >"$t/log"
DSG_TEST_SHUTDOWN_MS=300 DSG_TEST_HOOK=logd:no-shutdown unit_start "$DSGD_TEST"
wait_log 'logd\[[0-9]+\]: test hook no-shutdown: SHUTDOWN will be ignored'
wait_log 'master: portal\[[0-9]+\] ready'
logd=$(worker_pid logd)
dsgd_stop
[ "$got" -eq 0 ] || fail "exit $got with a stuck worker, want 0"
log_has "master: logd\\[$logd\\] killed by signal 9" || fail "the stuck logd was not killed: $(cat "$t/log")"

# each of these is needed: without it logd never becomes ready
for drop in fowner dac_read_search sys_chroot; do
    : >"$t/log"
    unit_start "$DSGD" "$(printf '%s' "$bounding" | sed "s/,+$drop//")"
    wait_until 10 log_has 'cannot chmod|is not a directory|sandbox step chroot failed'
    ! log_has 'master: logd\[[0-9]+\] ready' || fail "logd got ready without CAP_$drop"
    dsgd_cleanup
    wait "$dsgd_pid" 2>/dev/null
    dsgd_pid=
done
exit 0
