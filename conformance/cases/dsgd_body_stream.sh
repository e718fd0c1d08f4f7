#!/bin/sh
# dsgd_body_stream: request bodies stream from the client through the portal and the bus to the role serving the route (the test build's sink role, which answers each body's length and SHA-256): a 1 MiB and a 256 MiB Content-Length body and a 4 GiB chunked body of pseudorandom bytes each arrive whole and in order (length and SHA-256 match), and the peak RSS (VmHWM) of the portal and of the sink after the 4 GiB body exceeds their peak after the 1 MiB body by at most 16 MiB each; neither is restarted, and the health endpoint still answers.
# @relation(REQ-RUN-013, REQ-RUN-017, REQ-RUN-050)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
bound_kib=16384

# N pseudorandom bytes, the same every time: AES-128-CTR of zeros
stream() {
    head -c "$1" /dev/zero |
        openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 2>/dev/null
}
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
post() {   # post NAME CURL-ARGS...: the sink's answer in $t/NAME.json
    name=$1
    shift
    portal_curl /api/v1/test/sink -o "$t/$name.json" -w '%{http_code}' "$@" >"$t/$name.code" 2>"$t/$name.err" ||
        fail "$name: curl: $(cat "$t/$name.err")"
    [ "$(cat "$t/$name.code")" = 200 ] || fail "$name: status $(cat "$t/$name.code"): $(cat "$t/$name.json")"
}
expect() {   # expect NAME BYTES: the sink saw BYTES bytes with the stream's SHA-256
    want=$(stream "$2" | sha256sum | cut -d' ' -f1)
    printf '{"bytes":%s,"sha256":"%s"}' "$2" "$want" | cmp -s - "$t/$1.json" ||
        fail "$1: the sink answered $(cat "$t/$1.json"), want $2 bytes with SHA-256 $want"
}

printf 'dsgd.roles = "portal, ctl, sink"\n' >"$t/dsgd.conf"
dsgd_start "$DSGD_TEST" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: portal\[[0-9]+\]: routes of role 4: 6'
portal=$(worker_pid portal) sink=$(worker_pid sink)

stream 1048576 >"$t/small"
post small -T "$t/small"
expect small 1048576
base_portal=$(hwm "$portal") base_sink=$(hwm "$sink")

stream 268435456 >"$t/medium"
post medium -T "$t/medium"
rm -f "$t/medium"
expect medium 268435456

stream 4294967296 | post huge -T - -H 'Transfer-Encoding: chunked'
expect huge 4294967296
peak_portal=$(hwm "$portal") peak_sink=$(hwm "$sink")
echo "# VmHWM after 1 MiB: portal $base_portal kB, sink $base_sink kB; after 4 GiB: portal $peak_portal kB, sink $peak_sink kB"
[ $((peak_portal - base_portal)) -le $bound_kib ] || fail "the portal grew by $((peak_portal - base_portal)) kB"
[ $((peak_sink - base_sink)) -le $bound_kib ] || fail "the sink grew by $((peak_sink - base_sink)) kB"

[ "$(worker_pid portal)" = "$portal" ] && [ "$(worker_pid sink)" = "$sink" ] || fail "a worker was restarted"
portal_curl /api/v1/health | grep -qx '{"status":"ok"}' || fail "health"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
