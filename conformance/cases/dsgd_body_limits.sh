#!/bin/sh
# dsgd_body_limits: with portal.upload_max_bytes = 1 MiB and portal.body_timeout = 1s, requests to the sink role's upload route get: 100 Continue for curl's "Expect: 100-continue" (the 1 MiB uploads would otherwise wait out the 1 s body timeout), 417 expectation-failed for any other expectation, 413 body-too-large at once for a declared Content-Length of 1 MiB + 1 (and the sink never hears of it), 413 for a chunked body as soon as it passes 1 MiB, 400 bad-body for malformed chunked framing, 408 body-timeout for a body that stops arriving, a sink that still takes uploads after 80 clients went away in the middle of their bodies (it is told each time), 504 answer-timeout while the sink is stopped (SIGSTOP), 503 service-unavailable while the sink is down, and 503 when the sink is killed in the middle of a body; each closes its connection when the body was not read whole and keeps it otherwise (504, and 503 for a request without a body), exactly 1 MiB still passes, the portal is never restarted, and each answer is in the access log with its status.
# @relation(REQ-RUN-013, REQ-RUN-014, REQ-RUN-017, REQ-LOG-031)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
raw=$(dirname "$CONFORMANCE_LIB")/https_raw.py
path=/api/v1/test/sink

# raw NAME WANT-STATUS WANT-CODE close|open [https_raw options] < request
raw() {
    name=$1 want=$2 code=$3 conn=$4
    shift 4
    python3 "$raw" "$DSGD_PORT" "$t/var/tls/cert.pem" "$@" >"$t/$name.out" 2>"$t/$name.err" ||
        fail "$name: $(cat "$t/$name.err")"
    header=-
    [ "$conn" = close ] && header=close
    first=$(head -n 1 "$t/$name.out")
    case $first in
    "$want	$header	"*"\"error\":\"$code\""*) ;;
    *) fail "$name: want $want $code, Connection $header, got: $(cat "$t/$name.out")" ;;
    esac
    if [ "$conn" = close ]; then
        grep -qx closed "$t/$name.out" || fail "$name: the connection stayed open"
    else
        ! grep -qx closed "$t/$name.out" || fail "$name: the connection was closed"
    fi
}
curl_post() {   # curl_post NAME CURL-ARGS...: status in $t/NAME.code
    name=$1
    shift
    portal_curl "$path" -o "$t/$name.json" -w '%{http_code}' "$@" >"$t/$name.code" 2>"$t/$name.err"
}
head_cl() { printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: limits-%s\r\nContent-Length: %s\r\n\r\n' "$path" "$1" "$2"; }
head_chunked() { printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: limits-%s\r\nTransfer-Encoding: chunked\r\n\r\n' "$path" "$1"; }

printf 'dsgd.roles = "portal, ctl, sink"\nportal.upload_max_bytes = 1048576\nportal.body_timeout = 1s\ndsgd.restart_delay = 3s\n' >"$t/dsgd.conf"
dsgd_start "$DSGD_TEST" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\]: routes of role 4: 6'
portal=$(worker_pid portal) sink=$(worker_pid sink)

# exactly the limit passes, both framings
head -c 1048576 /dev/urandom >"$t/limit"
curl_post exact -T "$t/limit" -A limits-exact
[ "$(cat "$t/exact.code")" = 200 ] || fail "1 MiB: $(cat "$t/exact.code") $(cat "$t/exact.json")"
curl_post exact_chunked -T - -H 'Transfer-Encoding: chunked' -A limits-exact-chunked <"$t/limit"
[ "$(cat "$t/exact_chunked.code")" = 200 ] || fail "1 MiB chunked: $(cat "$t/exact_chunked.code")"

head_cl over 1048577 | raw declared 413 body-too-large close
{ head_chunked chunked; printf '100000\r\n'; head -c 1048576 /dev/zero; printf '\r\n1\r\nx\r\n0\r\n\r\n'; } |
    raw chunked 413 body-too-large close
printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: limits-expect\r\nExpect: later\r\nContent-Length: 5\r\n\r\nhello' "$path" |
    raw expect 417 expectation-failed close
{ head_chunked badchunk; printf 'zz\r\nhello\r\n0\r\n\r\n'; } | raw badchunk 400 bad-body close
{ head_cl slow 10; printf 'hello'; } | raw slow 408 body-timeout close --wait 5

# 80 clients that go away in the middle of a body (more than the sink's 64
# exchange slots): the sink is told each time, so the next upload still passes
python3 - "$DSGD_PORT" "$t/var/tls/cert.pem" "$path" <<'PY' || fail "gone clients"
import socket, ssl, sys
port, ca, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
for i in range(80):
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(("POST %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: limits-gone\r\n"
                       "Content-Length: 100\r\n\r\nabc" % path).encode())
PY
curl_post after_gone -T "$t/limit" -A limits-after-gone
[ "$(cat "$t/after_gone.code")" = 200 ] || fail "after 80 clients went away: $(cat "$t/after_gone.code") $(cat "$t/after_gone.json")"

kill -STOP "$sink"
# the body was read whole: the connection stays in step and open
{ head_cl stopped 5; printf 'hello'; } | raw stopped 504 answer-timeout open --wait 3
kill -CONT "$sink"

# killed in the middle of a body: the portal ends the exchange with 503
head -c 900000 /dev/urandom >"$t/slow"
curl_post midway -T "$t/slow" --limit-rate 100K -A limits-midway &
curl_pid=$!
sleep 1
kill -9 "$sink"
wait "$curl_pid"
[ "$(cat "$t/midway.code")" = 503 ] || fail "sink killed midway: $(cat "$t/midway.code") $(cat "$t/midway.json")"
grep -q '"error":"service-unavailable"' "$t/midway.json" || fail "midway: $(cat "$t/midway.json")"

# down (restart delay 3 s): the master answers for it
head_cl down 0 | raw down 503 service-unavailable open --wait 1

[ "$(worker_pid portal)" = "$portal" ] || fail "the portal was restarted"
wait_until 10 sh -c "[ \"\$(grep -c 'master: portal\\[[0-9]*\\]: routes of role 4: 6' '$t/log')\" -eq 2 ]"
curl_post again -T "$t/limit" -A limits-again
[ "$(cat "$t/again.code")" = 200 ] || fail "after the sink's restart: $(cat "$t/again.code")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
python3 - "$t/export" <<'PY' || fail "access records: $(grep 'limits-' "$t/export" | head -12)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["fields"]["user_agent"], r["fields"]["status"]) for r in rows
       if r["source"] == "portal" and r["type"] == 16 and r["fields"]["user_agent"].startswith("limits-")
       and r["fields"]["user_agent"] != "limits-gone"]
want = [("limits-exact", "200"), ("limits-exact-chunked", "200"), ("limits-over", "413"),
        ("limits-chunked", "413"), ("limits-expect", "417"), ("limits-badchunk", "400"), ("limits-slow", "408"),
        ("limits-after-gone", "200"),
        ("limits-stopped", "504"), ("limits-midway", "503"), ("limits-down", "503"),
        ("limits-again", "200")]
assert got == want, got
for r in rows:
    if r["source"] == "portal" and r["type"] == 16 and r["fields"]["user_agent"].startswith("limits-"):
        curl = r["fields"]["user_agent"] in ("limits-exact", "limits-exact-chunked", "limits-midway",
                                             "limits-again", "limits-after-gone")
        assert r["fields"]["url"] == "/api/v1/test/sink", r
        assert r["fields"]["method"] == ("PUT" if curl else "POST"), r   # curl -T uploads with PUT
PY
exit 0
