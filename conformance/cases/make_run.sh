#!/bin/sh
# make_run: `make run` (here with RUN_STATE pointing into the test's directory) builds and starts dsgd in the foreground on embedded defaults, prints the URL, and serves GET https://localhost:8443/api/v1/health with {"status":"ok"} (certificate verified for localhost) from sandboxed workers (dsgctl status: every role running with NoNewPrivs and a seccomp filter, uid not 0); Ctrl-C (SIGINT to the foreground process group) stops dsgd cleanly: "stopped" logged, no worker left, pidfile and control socket removed.
# @relation(REQ-RUN-025, REQ-RUN-011)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
root=$(cd "$(dirname "$CONFORMANCE_LIB")/.." && pwd)
if command -v ss >/dev/null 2>&1 && ss -ltn | grep -q '127\.0\.0\.1:8443 \|\*:8443 \|0\.0\.0\.0:8443 '; then
    fail "port 8443 is in use: make run serves it"
fi

# a process group of its own, as a shell gives a foreground job
setsid make -s -C "$root" run RUN_STATE="$t/var" >"$t/run.out" 2>"$t/log" &
mpid=$!
trap 'kill -9 -"$mpid" 2>/dev/null' EXIT
trap 'exit 1' TERM INT
wait_until 120 grep -q 'https://localhost:8443/api/v1/health' "$t/run.out"
wait_until 30 log_has 'master: portal\[[0-9]+\] ready'
wait_until 10 log_has 'master: ctl\[[0-9]+\] ready'
wait_until 10 log_has 'master: logd\[[0-9]+\] ready'
body=$(curl -sS --cacert "$t/var/tls/cert.pem" https://localhost:8443/api/v1/health 2>"$t/curl.err") ||
    fail "curl: $(cat "$t/curl.err")"
[ "$body" = '{"status":"ok"}' ] || fail "health: $body"
"$DSGCTL" status --socket "$t/var/run/dsgctl.sock" >"$t/status" 2>"$t/err" || fail "status: $(cat "$t/err")"
for role in portal logd ctl; do
    grep -Eq "^$role +running +[0-9]+ +[1-9][0-9]* +[0-9]+s +0 +yes +filter " "$t/status" ||
        fail "$role is not sandboxed: $(cat "$t/status")"
done
dsgd=$(cat "$t/var/dsgd.pid")
workers=$(descendants "$dsgd")

kill -INT -"$mpid"     # Ctrl-C
wait "$mpid"
wait_until 10 log_has 'master: stopped'
! alive "$dsgd" || fail "dsgd still running"
for p in $workers; do ! alive "$p" || fail "worker $p still running"; done
[ ! -e "$t/var/dsgd.pid" ] || fail "pidfile left behind"
[ ! -e "$t/var/run/dsgctl.sock" ] || fail "control socket left behind"
log_has 'master: SIGINT received: stopping every worker' || fail "the stop is not logged: $(tail -5 "$t/log")"
trap - EXIT
exit 0
