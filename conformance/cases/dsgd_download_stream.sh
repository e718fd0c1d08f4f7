#!/bin/sh
# dsgd_download_stream: answers stream from the role serving the route through the bus and the portal to the client, as far as the client reads (the test build's sink streams GET /api/v1/test/download?bytes=N, byte k being k mod 251, once its record is stored): 0 bytes, 1 byte, 1 MiB + 1 and 3 MiB arrive whole and exact with Content-Length, Content-Type application/octet-stream, Content-Disposition attachment, X-Content-Type-Options: nosniff and Content-Security-Policy: sandbox; default-src 'none'; HEAD gets the same head and no content, and the connection serves the next request; a download the service aborts (abort=K) ends the connection short of its length, so curl reports a partial transfer (exit 18); a 1 GiB download read at full speed arrives whole (its length and SHA-256 checked) while the peak RSS (VmHWM) of the portal and the sink grows by at most 16 MiB each over that after the 3 MiB download; a client that reads slowly (curl --limit-rate) still gets its whole content; no worker is restarted, and the health endpoint still answers.
# @relation(REQ-RUN-013, REQ-STOR-013, REQ-STOR-005, REQ-SHARE-013)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
bound_kib=16384

hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
# pattern N: the N bytes the sink streams
pattern() {
    python3 -c 'import sys
n = int(sys.argv[1]); block = bytes(k % 251 for k in range(251 * 4096))
while n > 0:
    sys.stdout.buffer.write(block[:min(n, len(block))]); n -= min(n, len(block))' "$1"
}
# download NAME BYTES [CURL-ARGS...]: content in $t/NAME, head in $t/NAME.head
download() {
    name=$1 bytes=$2
    shift 2
    portal_curl "/api/v1/test/download?bytes=$bytes" -D "$t/$name.head" -o "$t/$name" "$@" \
        2>"$t/$name.err" || fail "$name: curl: $(cat "$t/$name.err")"
    grep -q "^HTTP/1.1 200 " "$t/$name.head" || { cat "$t/log" >&2; fail "$name: $(head -1 "$t/$name.head")"; }
}
has_header() {   # has_header NAME LINE
    tr -d '\r' <"$t/$1.head" | grep -qixF "$2" || fail "$1: no '$2' in $(tr -d '\r' <"$t/$1.head")"
}
exact() {   # exact NAME BYTES: the content is the pattern, whole
    pattern "$2" | cmp -s - "$t/$1" || fail "$1: the content is not the $2 bytes streamed"
    has_header "$1" "Content-Length: $2"
}

printf 'dsgd.roles = "portal, ctl, sink"\n' >"$t/dsgd.conf"
dsgd_start "$DSGD_TEST" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: portal\[[0-9]+\]: routes of role 4: 6'
portal=$(worker_pid portal) sink=$(worker_pid sink)

for n in 0 1 1048577 3145728; do
    download "d$n" "$n"
    exact "d$n" "$n"
done
has_header d1 'Content-Type: application/octet-stream'
has_header d1 'Content-Disposition: attachment; filename="t.bin"'
has_header d1 'X-Content-Type-Options: nosniff'
has_header d1 "Content-Security-Policy: sandbox; default-src 'none'"
has_header d1 'Cache-Control: no-store'
base_portal=$(hwm "$portal") base_sink=$(hwm "$sink")

# HEAD: the head alone, and the same connection answers the next request
base="https://localhost:$DSGD_PORT/api/v1/test/download"
tls="--cacert $t/var/tls/cert.pem --resolve localhost:$DSGD_PORT:127.0.0.1"
# shellcheck disable=SC2086
curl -sS $tls -I "$base?bytes=5000" -o "$t/head.out" --next $tls -o "$t/after" "$base?bytes=5" \
    -w '%{num_connects}' >"$t/head.conns" 2>"$t/head.err" || fail "HEAD: curl: $(cat "$t/head.err")"
tr -d '\r' <"$t/head.out" | grep -qx 'Content-Length: 5000' || fail "HEAD: $(cat "$t/head.out")"
tr -d '\r' <"$t/head.out" | grep -qx "Content-Security-Policy: sandbox; default-src 'none'" ||
    fail "HEAD: $(cat "$t/head.out")"
pattern 5 | cmp -s - "$t/after" || fail "the request after a HEAD did not get its content"
[ "$(cat "$t/head.conns")" = 0 ] || fail "the request after a HEAD needed a new connection"

# aborted by the service: short of its length, never complete
rc=0
portal_curl "/api/v1/test/download?bytes=1000000&abort=300000" -o "$t/aborted" 2>"$t/aborted.err" || rc=$?
[ "$rc" -eq 18 ] || [ "$rc" -eq 56 ] || fail "aborted download: curl exit $rc, want 18 or 56 ($(cat "$t/aborted.err"))"
short=$(wc -c <"$t/aborted")
[ "$short" -lt 1000000 ] || fail "aborted download: $short bytes arrived"
pattern "$short" | cmp -s - "$t/aborted" || fail "aborted download: the bytes before the abort differ"

# a slow reader gets it all; so does a fast one, in flat memory
download slow 400000 --limit-rate 200k
exact slow 400000
want=$(pattern 1073741824 | sha256sum | cut -d' ' -f1)
portal_curl "/api/v1/test/download?bytes=1073741824" -o - 2>"$t/big.err" | sha256sum | cut -d' ' -f1 >"$t/big.sum"
[ "$(cat "$t/big.sum")" = "$want" ] || fail "1 GiB download: SHA-256 $(cat "$t/big.sum"), want $want ($(cat "$t/big.err"))"
peak_portal=$(hwm "$portal") peak_sink=$(hwm "$sink")
echo "# VmHWM after 3 MiB: portal $base_portal kB, sink $base_sink kB; after 1 GiB: portal $peak_portal kB, sink $peak_sink kB"
[ $((peak_portal - base_portal)) -le $bound_kib ] || fail "the portal grew by $((peak_portal - base_portal)) kB"
[ $((peak_sink - base_sink)) -le $bound_kib ] || fail "the sink grew by $((peak_sink - base_sink)) kB"

[ "$(worker_pid portal)" = "$portal" ] && [ "$(worker_pid sink)" = "$sink" ] || fail "a worker was restarted"
portal_curl /api/v1/health | grep -qx '{"status":"ok"}' || fail "health"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
