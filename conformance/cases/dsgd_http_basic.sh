#!/bin/sh
# dsgd_http_basic: the portal serves HTTP/1.1 over TLS: GET /api/v1/health answers 200 with exactly {"status":"ok"} (curl, certificate verified for localhost; also when the head arrives byte by byte), HEAD the same headers without a body, POST 405 with Allow: GET, HEAD; /api/v2/… 404 unknown-api-version, other paths 404 not-found; every answer carries Content-Type application/json, Content-Length, a Date, the security headers with Strict-Transport-Security max-age from portal.hsts_max_age, and errors a {"error","message"} body; three pipelined requests are answered in order on one connection, which closes after the one that asks for it; HTTP/1.0 closes unless it asks for keep-alive; curl reuses a kept-alive connection; a connection idle for portal.keepalive_timeout (2 s here) is closed.
# @relation(REQ-RUN-047, REQ-RUN-015, REQ-RUN-018)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
raw=$(dirname "$CONFORMANCE_LIB")/https_raw.py

printf 'portal.keepalive_timeout = 2s\nportal.hsts_max_age = 600\n' >"$t/dsgd.conf"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'portal\[[0-9]+\]: TLS ready.*keep-alive timeout 2000 ms'
wait_log 'master: portal\[[0-9]+\] ready'
cert=$t/var/tls/cert.pem
tab=$(printf '\t')
https() {   # https LABEL WANT-OUTPUT ARGS... < request
    label=$1 want=$2
    shift 2
    python3 "$raw" "$DSGD_PORT" "$cert" "$@" >"$t/raw.out" 2>"$t/raw.err" ||
        fail "$label: $(cat "$t/raw.err")"
    printf '%s\n' "$want" >"$t/raw.want"
    cmp -s "$t/raw.want" "$t/raw.out" || fail "$label: got $(cat "$t/raw.out")"
}
get() { printf '%s %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n' "$1" "$2" "${3:-}"; }

get GET /api/v1/health | https "health" "200$tab-$tab{\"status\":\"ok\"}" --wait 1
get GET /api/v1/health | https "health in pieces" "200$tab-$tab{\"status\":\"ok\"}" --pieces --wait 1
get HEAD /api/v1/health | https "HEAD" "200$tab-$tab" --head --wait 1
get GET /api/v2/health | https "v2" "404$tab-$tab{\"error\":\"unknown-api-version\",\"message\":\"this server serves the API under /api/v1/\"}" --wait 1
get GET /api/v1/nope | https "unknown API path" "404$tab-$tab{\"error\":\"not-found\",\"message\":\"no such resource\"}" --wait 1
get GET / | https "root" "404$tab-$tab{\"error\":\"not-found\",\"message\":\"no such resource\"}" --wait 1

# pipelining: three requests in one write, answered in order; the third closes
{ get GET /api/v1/health; get GET /nope; get GET /api/v1/health 'Connection: close\r\n'; } |
    https "pipelined" "$(printf '200\t-\t{"status":"ok"}\n404\t-\t{"error":"not-found","message":"no such resource"}\n200\tclose\t{"status":"ok"}\nclosed')" --expect 3

# HTTP/1.0: closes unless asked to keep the connection
printf 'GET /api/v1/health HTTP/1.0\r\n\r\n' | https "HTTP/1.0" "$(printf '200\tclose\t{"status":"ok"}\nclosed')"
printf 'GET /api/v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n' |
    https "HTTP/1.0 keep-alive" "200${tab}keep-alive$tab{\"status\":\"ok\"}" --wait 1

# idle keep-alive connections close after portal.keepalive_timeout (2 s)
s0=$(date +%s%N)
get GET /api/v1/health | https "keep-alive timeout" "$(printf '200\t-\t{"status":"ok"}\nclosed')" --expect 2 --wait 6
ms=$((($(date +%s%N) - s0) / 1000000))
[ "$ms" -ge 1500 ] && [ "$ms" -le 4500 ] || fail "idle connection closed after $ms ms, want about 2000"

# curl: the certificate verifies for localhost; headers; connection reuse
curl_get() {
    curl -sS --http1.1 --cacert "$cert" --resolve "localhost:$DSGD_PORT:127.0.0.1" -D "$t/curl.head" \
        -o "$t/curl.body" -w '%{http_code} %{ssl_verify_result}\n' "$@" >"$t/curl.out" 2>"$t/curl.err" ||
        fail "curl $*: $(cat "$t/curl.err")"
}
crlf=$(printf '\r')
curl_get "https://localhost:$DSGD_PORT/api/v1/health"
[ "$(cat "$t/curl.out")" = "200 0" ] || fail "curl: $(cat "$t/curl.out")"
[ "$(cat "$t/curl.body")" = '{"status":"ok"}' ] || fail "curl body: $(cat "$t/curl.body")"
for h in "Strict-Transport-Security: max-age=600" "X-Content-Type-Options: nosniff" \
    "Content-Security-Policy: frame-ancestors 'none'; default-src 'none'" \
    "Referrer-Policy: no-referrer" "Cache-Control: no-store" "Content-Type: application/json" \
    "Content-Length: 15"; do
    grep -qxF "$h$crlf" "$t/curl.head" || fail "curl: header '$h' missing"
done
grep -q "^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] 20[0-9][0-9] [0-9:]* GMT$crlf\$" "$t/curl.head" ||
    fail "no IMF-fixdate Date header"
curl_get -X POST -d x "https://localhost:$DSGD_PORT/api/v1/health"
[ "$(cat "$t/curl.out")" = "405 0" ] || fail "POST: $(cat "$t/curl.out")"
grep -qxF "Allow: GET, HEAD$crlf" "$t/curl.head" || fail "405 without Allow"
grep -qxF '{"error":"method-not-allowed","message":"this resource answers GET and HEAD only"}' "$t/curl.body" ||
    fail "405 body: $(cat "$t/curl.body")"
curl -sS -v --http1.1 --cacert "$cert" --resolve "localhost:$DSGD_PORT:127.0.0.1" -o /dev/null -o /dev/null \
    "https://localhost:$DSGD_PORT/api/v1/health" "https://localhost:$DSGD_PORT/api/v1/health" 2>"$t/reuse.err" ||
    fail "curl twice: $(cat "$t/reuse.err")"
grep -qi 're-using existing connection' "$t/reuse.err" || fail "curl did not reuse the connection"

[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 1 ] || fail "the portal restarted"
! log_has 'killed by seccomp' || fail "killed by seccomp"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
