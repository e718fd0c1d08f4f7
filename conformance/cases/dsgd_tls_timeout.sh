#!/bin/sh
# dsgd_tls_timeout: with the default portal.handshake_timeout (10 s), five TCP clients that connect and send nothing are each dropped by the portal between 9.5 and 13 s after connecting, and logged as a handshake timeout; with portal.header_timeout = 10s from a configuration file (dsgd -f; the default is 60 s) a TLS client that completes the handshake and sends no request gets 408 with the JSON error request-timeout and is dropped (logged as a request head timeout); while TLS 1.3 clients connecting meanwhile are served (the portal serves connections concurrently and is not restarted).
# @relation(REQ-RUN-043, REQ-RUN-047, REQ-RUN-018)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
[ -x "${TCP_IDLE:-}" ] || fail "TCP_IDLE helper missing (build/tests/tcp_idle)"

printf '# the request head timeout, shortened for the test\nportal.header_timeout = 10s\n' >"$t/dsgd.conf"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'portal\[[0-9]+\]: TLS ready.*handshake timeout 10000 ms.*request head timeout 10000 ms'
wait_log 'master: portal\[[0-9]+\] ready'
"$TCP_IDLE" 127.0.0.1 "$DSGD_PORT" 5 20 >"$t/idle.out" 2>&1 &
ipid=$!
wait_until 5 grep -qs '^connected 5$' "$t/idle.out"
# a TLS client that sends no request: dropped after the request head timeout
s0=$(date +%s)
sleep 20 | { timeout 25 openssl s_client -connect "127.0.0.1:$DSGD_PORT" -quiet >"$t/silent.out" 2>&1
              echo "$(($(date +%s) - s0))" >"$t/silent.secs"; } &
# meanwhile, others are served
for i in 1 2 3; do
    printf 'GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
        timeout 10 openssl s_client -connect "127.0.0.1:$DSGD_PORT" -tls1_3 -quiet >"$t/served$i.out" 2>&1
    grep -q '^HTTP/1.1 200 OK' "$t/served$i.out" ||
        fail "client $i not served while idle clients wait: $(cat "$t/served$i.out")"
    sleep 1
done
wait "$ipid"
rc=$?
cat "$t/idle.out" >&2
[ "$rc" -eq 0 ] || fail "idle clients still open: $(cat "$t/idle.out")"
for ms in $(sed -n 's/^closed after \([0-9]*\) ms$/\1/p' "$t/idle.out"); do
    [ "$ms" -ge 9500 ] && [ "$ms" -le 13000 ] || fail "an idle client was dropped after $ms ms, want about 10000"
done
[ "$(grep -c '^closed after' "$t/idle.out")" -eq 5 ] || fail "want 5 closed: $(cat "$t/idle.out")"
[ "$(grep -c 'portal\[[0-9]*\]: 127\.0\.0\.1:[0-9]*: handshake timeout (10000 ms): dropping the connection' "$t/log")" -eq 5 ] ||
    fail "want 5 handshake-timeout lines: $(grep timeout "$t/log")"
wait_until 10 test -s "$t/silent.secs"
secs=$(cat "$t/silent.secs")
[ "$secs" -ge 9 ] && [ "$secs" -le 13 ] || fail "the silent TLS client was dropped after $secs s, want about 10"
log_has 'portal\[[0-9]+\]: 127\.0\.0\.1:[0-9]+: request head timeout \(10000 ms\): answering 408' ||
    fail "no request head timeout logged"
grep -q '^HTTP/1.1 408 Request Timeout' "$t/silent.out" || fail "the silent client got no 408: $(cat "$t/silent.out")"
grep -q '^{"error":"request-timeout",' "$t/silent.out" || fail "the 408 has no JSON error body"
[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 1 ] || fail "the portal restarted"
! log_has 'killed by seccomp' || fail "killed by seccomp"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
