#!/bin/sh
# dsgd_json_body: with portal.api_max_body_bytes = 64 KiB, portal.json_max_depth = 8 and portal.json_max_tokens = 1000, a JSON route (the test build's sink, POST /api/v1/test/json) gets a well-formed body whole and unchanged (length and SHA-256, Content-Length and chunked, one of 60 KiB), while the portal answers itself, before the role hears of the body: 415 unsupported-media-type without application/json, 400 bad-json naming the tokenizer's error and offset for a trailing comma, a duplicate member name, nesting deeper than 8 and more than 1000 values, and 413 body-too-large over 64 KiB; pipelined requests mixing bodies for both routes and health checks are answered in order on one connection; the portal is never restarted by any of it, and a portal killed and started again gets the sink's routes from the master and serves them.
# @relation(REQ-RUN-016, REQ-RUN-044, REQ-RUN-013)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"

post() {   # post NAME WANT-STATUS FILE [curl args]: the answer in $t/NAME.json
    name=$1 want=$2 file=$3
    shift 3
    code=$(portal_curl /api/v1/test/json -o "$t/$name.json" -w '%{http_code}' \
        --data-binary "@$file" "$@" 2>"$t/$name.err") ||
        fail "$name: curl: $(cat "$t/$name.err")"
    [ "$code" = "$want" ] || fail "$name: status $code, want $want: $(cat "$t/$name.json")"
}
json_post() { post "$@" -H 'Content-Type: application/json'; }
same_body() {   # the sink saw exactly FILE
    want=$(sha256sum "$2" | cut -d' ' -f1)
    printf '{"bytes":%s,"sha256":"%s"}' "$(wc -c <"$2" | tr -d ' ')" "$want" | cmp -s - "$t/$1.json" ||
        fail "$1: the sink answered $(cat "$t/$1.json")"
}
error_is() {   # the answer's error code and a message matching a pattern
    grep -q "\"error\":\"$2\"" "$t/$1.json" && grep -Eq "$3" "$t/$1.json" ||
        fail "$1: want $2 matching '$3': $(cat "$t/$1.json")"
}

printf 'dsgd.roles = "portal, ctl, sink"\nportal.api_max_body_bytes = 65536\nportal.json_max_depth = 8\nportal.json_max_tokens = 1000\n' >"$t/dsgd.conf"
dsgd_start "$DSGD_TEST" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\]: routes of role 4: 6'
portal=$(worker_pid portal)

printf '{"name":"設計書","tags":["a","b"],"n":1.5e3,"ok":true,"none":null}' >"$t/good"
json_post good 200 "$t/good"
same_body good "$t/good"
json_post chunked 200 "$t/good" -H 'Transfer-Encoding: chunked'
same_body chunked "$t/good"
json_post charset 200 "$t/good" -H 'Content-Type: application/json; charset=utf-8'
python3 -c 'import json; print(json.dumps({"items": ["x" * 100 for _ in range(590)]}), end="")' >"$t/big"
json_post big 200 "$t/big"
same_body big "$t/big"

post notype 415 "$t/good" -H 'Content-Type: text/plain'
error_is notype unsupported-media-type 'application/json'
printf '{"a":1,}' >"$t/comma"
json_post comma 400 "$t/comma"
error_is comma bad-json 'unexpected at byte 7'
printf '{"a":1,"\\u0061":2}' >"$t/dup"
json_post dup 400 "$t/dup"
error_is dup bad-json 'duplicate-key'
printf '[[[[[[[[[1]]]]]]]]]' >"$t/deep"
json_post deep 400 "$t/deep"
error_is deep bad-json 'depth'
python3 -c 'print("[" + ",".join(["1"] * 1000) + "]", end="")' >"$t/many"
json_post many 400 "$t/many"
error_is many bad-json 'too-many-tokens'
head -c 65537 /dev/zero | tr '\0' ' ' >"$t/over"
json_post over 413 "$t/over"
error_is over body-too-large 'larger'

# pipelined: a body for the upload route, the health check, a chunked JSON
# body, the health check again; answered in order on one connection
printf 'POST /api/v1/test/sink HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhelloGET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\nPOST /api/v1/test/json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
    python3 "$(dirname "$CONFORMANCE_LIB")/https_raw.py" "$DSGD_PORT" "$t/var/tls/cert.pem" --expect 4 >"$t/pipe" 2>"$t/pipe.err" ||
    fail "pipelined: $(cat "$t/pipe.err")"
printf '%s\n' \
    '200	-	{"bytes":5,"sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}' \
    '200	-	{"status":"ok"}' \
    '200	-	{"bytes":2,"sha256":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}' \
    '200	close	{"status":"ok"}' closed | cmp -s - "$t/pipe" || fail "pipelined: $(cat "$t/pipe")"

[ "$(worker_pid portal)" = "$portal" ] || fail "the portal was restarted"

# a portal that starts again learns the sink's routes from the master
kill -9 "$portal"
wait_until 10 sh -c "[ \"\$(grep -c 'master: portal\\[[0-9]*\\]: routes of role 4: 6' '$t/log')\" -ge 2 ]"
json_post again 200 "$t/good"
same_body again "$t/good"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
