#!/bin/sh
# tests/bench/http_health.sh — small-response HTTPS throughput and latency,
# dsgd against nginx, side by side in one run (make bench; needs root, wrk,
# nginx). Not a test: it prints figures and fails only when it cannot run.
#
#   GET /api/v1/health over TLS 1.3 (TLS_AES_128_GCM_SHA256, P-256 ECDSA
#   certificate, X25519), keep-alive, wrk -t1 -c$CONNS -d$SECONDS.
#   Servers pinned to CPU $SERVER_CPU, wrk to CPU $CLIENT_CPU (taskset).
#   nginx: tests/bench/nginx.conf.in (one worker, access log on).
#
# Output: one line per server and run ("server req/s p50 p99"), then the
# ratios dsgd/nginx of the medians; the raw wrk output in build/bench/.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
DSGD=${DSGD:-$root/build/bin/dsgd}
CONNS=${CONNS:-64}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
RUNS=${RUNS:-3}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
DSGD_PORT=${DSGD_PORT:-18443}
NGINX_PORT=${NGINX_PORT:-18444}
out=$root/build/bench
for tool in wrk nginx taskset; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is not installed (apt-get install wrk nginx)" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (dsgd drops its workers to user dsg)" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$out"
dir=$(mktemp -d /tmp/dsg-bench.XXXXXX)
chmod 755 "$dir"
cleanup() {
    [ -f "$dir/var/dsgd.pid" ] && kill "$(cat "$dir/var/dsgd.pid")" 2>/dev/null
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null
    sleep 0.5
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

printf 'portal.max_connections = 256\n' >"$dir/dsgd.conf"
taskset -c "$SERVER_CPU" "$DSGD" -d -f "$dir/dsgd.conf" -s "$dir/var" -l "127.0.0.1:$DSGD_PORT" \
    >"$out/dsgd.log" 2>&1 &
sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$NGINX_PORT|g" "$root/tests/bench/nginx.conf.in" >"$dir/nginx.conf"
i=0
until curl -sfk "https://127.0.0.1:$DSGD_PORT/api/v1/health" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 50 ] || { cat "$out/dsgd.log" >&2; exit 1; }; sleep 0.2
done
taskset -c "$SERVER_CPU" nginx -c "$dir/nginx.conf" -e "$dir/nginx-error.log" >"$out/nginx.log" 2>&1 &
i=0
until curl -sfk "https://127.0.0.1:$NGINX_PORT/api/v1/health" >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -lt 50 ] || { cat "$dir/nginx-error.log" >&2; exit 1; }; sleep 0.2
done
[ "$(curl -sk "https://127.0.0.1:$NGINX_PORT/api/v1/health")" = "$(curl -sk "https://127.0.0.1:$DSGD_PORT/api/v1/health")" ] ||
    { echo "bench: the two servers answer differently" >&2; exit 1; }

# wrk's "Requests/sec" and its latency percentiles, in ms
ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }'; }
one_run() {   # one_run NAME PORT N
    f=$out/$1-$3.txt
    taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency \
        "https://127.0.0.1:$2/api/v1/health" >"$f" 2>&1
    grep -q 'Non-2xx\|Socket errors' "$f" && { echo "bench: $1 run $3 had errors:" >&2; cat "$f" >&2; exit 1; }
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$f")
    p50=$(awk '$1 == "50%" { print $2 }' "$f" | ms)
    p99=$(awk '$1 == "99%" { print $2 }' "$f" | ms)
    printf '%s\t%s\t%s\t%s\n' "$1" "$rps" "$p50" "$p99" | tee -a "$out/results.tsv"
}
printf 'server\treq/s\tp50_ms\tp99_ms\n' | tee "$out/results.tsv"
n=1
while [ "$n" -le "$RUNS" ]; do   # alternate, so drift hits both alike
    one_run dsgd "$DSGD_PORT" "$n"
    one_run nginx "$NGINX_PORT" "$n"
    n=$((n + 1))
done
median() { awk -F'\t' -v s="$1" -v c="$2" '$1 == s { print $c }' "$out/results.tsv" | sort -g |
           awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
d_rps=$(median dsgd 2); n_rps=$(median nginx 2); d_p99=$(median dsgd 4); n_p99=$(median nginx 4)
printf 'median\tdsgd %s req/s p99 %s ms\tnginx %s req/s p99 %s ms\n' "$d_rps" "$d_p99" "$n_rps" "$n_p99"
awk -v a="$d_rps" -v b="$n_rps" -v c="$d_p99" -v d="$n_p99" \
    'BEGIN { printf "ratio\tthroughput dsgd/nginx %.2f\tp99 dsgd/nginx %.2f\n", a / b, c / d }'
echo "cipher: $(echo | openssl s_client -connect "127.0.0.1:$DSGD_PORT" 2>/dev/null | awk '/Cipher is/ { print $NF; exit }') (dsgd), $(echo | openssl s_client -connect "127.0.0.1:$NGINX_PORT" 2>/dev/null | awk '/Cipher is/ { print $NF; exit }') (nginx)"
