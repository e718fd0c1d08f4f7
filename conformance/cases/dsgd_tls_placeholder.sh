#!/bin/sh
# dsgd_tls_placeholder: until HTTP request handling is built, the portal answers every request head (also one that arrives in pieces) with exactly one well-formed HTTP/1.1 response — status line `HTTP/1.1 503 Service Unavailable`, CRLF line ends, Content-Type application/json, Content-Length equal to the body's length, Connection: close, the security headers Strict-Transport-Security max-age=63072000, X-Content-Type-Options nosniff, Content-Security-Policy frame-ancestors 'none'; default-src 'none', Referrer-Policy no-referrer, Cache-Control no-store — and the JSON body {"error":"not-ready","message":"request handling is not built yet"}, then closes; curl over TLS verified for localhost gets the same; a request head over 8 KiB is closed without an answer.
# @relation(REQ-RUN-043)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"

dsgd_start "$DSGD"
wait_log 'portal\[[0-9]+\]: TLS ready'
wait_log 'master: portal\[[0-9]+\] ready'
cert=$t/var/tls/cert.pem
body='{"error":"not-ready","message":"request handling is not built yet"}'
crlf=$(printf '\r')
{
    printf 'HTTP/1.1 503 Service Unavailable\r\n'
    printf 'Content-Type: application/json\r\n'
    printf 'Strict-Transport-Security: max-age=63072000\r\n'
    printf 'X-Content-Type-Options: nosniff\r\n'
    printf "Content-Security-Policy: frame-ancestors 'none'; default-src 'none'\\r\\n"
    printf 'Referrer-Policy: no-referrer\r\n'
    printf 'Cache-Control: no-store\r\n'
    printf 'Connection: close\r\n'
    printf 'Content-Length: %s\r\n' "${#body}"
    printf '\r\n%s' "$body"
} >"$t/want"

# the exact bytes, for a head sent at once and for one sent in three pieces
raw() {
    timeout 10 openssl s_client -connect "127.0.0.1:$DSGD_PORT" -quiet -CAfile "$cert" \
        -verify_return_error 2>"$t/raw.err"
}
printf 'GET / HTTP/1.1\r\nHost: localhost:%s\r\n\r\n' "$DSGD_PORT" | raw >"$t/got1"
cmp -s "$t/want" "$t/got1" || { od -c "$t/got1" >&2; fail "response (one piece) differs"; }
{ printf 'GET /api/v1/health HTTP/1.1\r\n'; sleep 0.3; printf 'Host: localhost\r\n'; sleep 0.3
  printf 'Accept: application/json\r\n\r\n'; } | raw >"$t/got2"
cmp -s "$t/want" "$t/got2" || { od -c "$t/got2" >&2; fail "response (three pieces) differs"; }

# the header block parses: every line ends in CRLF, Content-Length is the body's
hdr_end=$(grep -c '' "$t/got1")
sed -n '1,/^\r$/p' "$t/got1" >"$t/head"
[ "$(grep -vc "$crlf\$" "$t/head")" -eq 0 ] || fail "a header line without CRLF"
cl=$(sed -n 's/^Content-Length: \([0-9]*\)\r$/\1/p' "$t/head")
[ "$(sed '1,/^\r$/d' "$t/got1" | tr -d '\n' | wc -c)" -eq "$cl" ] || fail "Content-Length $cl is not the body's length"
[ "$hdr_end" -gt 0 ] || fail "empty response"
if command -v python3 >/dev/null 2>&1; then
    sed '1,/^\r$/d' "$t/got1" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d=={"error":"not-ready","message":"request handling is not built yet"}' ||
        fail "the body is not the JSON object"
fi

# curl, verifying the certificate for localhost
if command -v curl >/dev/null 2>&1; then
    curl -sS --http1.1 --cacert "$cert" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
        -D "$t/curl.head" -o "$t/curl.body" -w '%{http_code} %{ssl_verify_result}\n' \
        "https://localhost:$DSGD_PORT/" >"$t/curl.out" 2>"$t/curl.err" || fail "curl: $(cat "$t/curl.err")"
    [ "$(cat "$t/curl.out")" = "503 0" ] || fail "curl: $(cat "$t/curl.out")"
    [ "$(cat "$t/curl.body")" = "$body" ] || fail "curl body: $(cat "$t/curl.body")"
    for h in "Strict-Transport-Security: max-age=63072000" "X-Content-Type-Options: nosniff" \
        "Content-Security-Policy: frame-ancestors 'none'; default-src 'none'" \
        "Referrer-Policy: no-referrer" "Cache-Control: no-store" "Content-Type: application/json" \
        "Connection: close"; do
        grep -qxF "$h$crlf" "$t/curl.head" || fail "curl: header '$h' missing"
    done
fi

# a head that never ends within 8 KiB: closed, no answer
{ printf 'GET / HTTP/1.1\r\nX-Long: '; head -c 9000 /dev/zero | tr '\0' a; printf '\r\n\r\n'; } | raw >"$t/got3"
[ ! -s "$t/got3" ] || fail "an over-long head was answered: $(head -c 100 "$t/got3")"
wait_log 'portal\[[0-9]+\]: 127\.0\.0\.1:[0-9]+: request head longer than 8192 bytes: closing'

[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 1 ] || fail "the portal restarted"
! log_has 'killed by seccomp' || fail "killed by seccomp"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
