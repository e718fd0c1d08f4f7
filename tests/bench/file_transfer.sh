#!/bin/sh
# tests/bench/file_transfer.sh — upload and download throughput of one file
# over HTTPS through the share role, beside nginx serving the same file
# from the same certificate, and beside AES-GCM's speed on this machine
# (make bench-files; needs root, nginx, curl). Not a test: it prints
# figures and fails only when it cannot run.
#
#   SIZE_MIB (1024) of pseudorandom bytes, one upload, then RUNS (3)
#   downloads from each server, alternating; curl pinned to CPU
#   $CLIENT_CPU, dsgd and nginx to CPU $SERVER_CPU (taskset).
#   A download through dsgd pays AES-256-GCM twice (the stored segments,
#   then TLS); `openssl speed -evp aes-256-gcm` gives that ceiling.
#   Peak RSS (VmHWM) of the portal and the share role before the upload
#   and after the runs (SIZE_MIB=4096 RUNS=1 is REQ-STOR-013's 4 GiB).
#
# The gateway is set up as the share conformance cases set it up
# (conformance/lib.sh, conformance/share_lib.sh): two administrators, a
# Ministry user with a bearer session, an area and a grant.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
NGINX_PORT=${NGINX_PORT:-18445}
out=$root/build/bench/files
for tool in nginx curl taskset openssl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is not installed" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (dsgd drops its workers to user dsg)" >&2; exit 2; }
rm -rf "$out" && mkdir -p "$out"

export DSGD=${DSGD:-$root/build/bin/dsgd} DSGCTL=${DSGCTL:-$root/build/bin/dsgctl}
export CONFORMANCE_LIB=$root/conformance/lib.sh
CONFORMANCE_TMP=$(mktemp -d /tmp/dsg-bench-files.XXXXXX)
export CONFORMANCE_TMP DSGCTL_TOKEN_FILE=$CONFORMANCE_TMP/admin.token
t=$CONFORMANCE_TMP
set +eu   # the libraries' functions fail the run themselves
# shellcheck source=../../conformance/lib.sh disable=SC1091
. "$CONFORMANCE_LIB"
# shellcheck source=../../conformance/share_lib.sh disable=SC1091
. "$root/conformance/share_lib.sh"
account_case_setup
stop_all() {
    [ -f "$t/nginx.pid" ] && kill "$(cat "$t/nginx.pid")" 2>/dev/null
    dsgd_cleanup
    rm -rf "$t"
}

taskset -p -c "$SERVER_CPU" $$ >/dev/null   # dsgd and its workers inherit it
share_gateway_start
trap stop_all EXIT INT TERM   # after dsgd_start's own
taskset -p -c "$CLIENT_CPU" $$ >/dev/null
share_user sato 防衛装備庁 3
sato=$(cat "$t/sato.token")
share_area 1 C-9 装備研究
share_grant 1 sato 1 "$area_root" list,read,upload

echo "bench: writing $SIZE_MIB MiB of pseudorandom bytes"
head -c $((SIZE_MIB * 1048576)) /dev/zero |
    openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 >"$t/big.bin" 2>/dev/null

hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
idle_portal=$(hwm "$(worker_pid portal)") idle_share=$(hwm "$(worker_pid share)")

# MiB/s of a curl transfer's bytes and seconds
mibs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1048576 }'; }
begin up.begin 201 "$sato" "$area_root" big.bin "$(size "$t/big.bin")"
up_s=$(portal_curl "/api/v1/share/uploads/content?upload=$u" -X PUT -H "Authorization: Bearer $sato" \
    -H 'Content-Type: application/octet-stream' -H 'Expect:' -T "$t/big.bin" -o "$t/up.body" \
    -w '%{time_total}')
[ "$(js up 'a["state"]')" = clean ] || { echo "bench: the upload was not stored: $(cat "$t/up.body")" >&2; exit 1; }
big=$file

# nginx: the same file and certificate, one worker, an access log
mkdir -p "$t/www" && ln "$t/big.bin" "$t/www/big.bin"
sed -e "s|@DIR@|$t|g" -e "s|@PORT@|$NGINX_PORT|g" "$root/tests/bench/nginx-files.conf.in" >"$t/nginx.conf"
taskset -c "$SERVER_CPU" nginx -c "$t/nginx.conf" -e "$t/nginx-error.log" >"$out/nginx.log" 2>&1 &
i=0
until curl -sfk -o /dev/null "https://127.0.0.1:$NGINX_PORT/big.bin" -r 0-0; do
    i=$((i + 1)); [ "$i" -lt 50 ] || { cat "$t/nginx-error.log" >&2; exit 1; }; sleep 0.2
done

printf 'server\trun\tMiB/s\n' | tee "$out/results.tsv"
download() {   # download SERVER RUN
    if [ "$1" = dsgd ]; then
        s=$(portal_curl "/api/v1/share/download?file=$big" -H "Authorization: Bearer $sato" \
            -o "$t/down.bin" -w '%{time_total}')
    else
        s=$(curl -sk "https://127.0.0.1:$NGINX_PORT/big.bin" -o "$t/down.bin" -w '%{time_total}')
    fi
    cmp -s "$t/down.bin" "$t/big.bin" || { echo "bench: $1 run $2 sent other bytes" >&2; exit 1; }
    rm -f "$t/down.bin"
    printf '%s\t%s\t%s\n' "$1" "$2" "$(mibs "$(size "$t/big.bin")" "$s")" | tee -a "$out/results.tsv"
}
n=1
while [ "$n" -le "$RUNS" ]; do
    download dsgd "$n"
    download nginx "$n"
    n=$((n + 1))
done
median() { awk -F'\t' -v s="$1" '$1 == s { print $3 }' "$out/results.tsv" | sort -g |
           awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
gcm=$(openssl speed -evp aes-256-gcm -bytes 65536 -seconds 3 2>/dev/null |
      awk 'toupper($1) == "AES-256-GCM" { v = $NF; sub(/k$/, "", v); printf "%.1f", v * 1000 / 1048576 }')
d=$(median dsgd) ng=$(median nginx)
printf 'upload\tdsgd %s MiB/s\n' "$(mibs "$(size "$t/big.bin")" "$up_s")"
printf 'download\tdsgd %s MiB/s\tnginx %s MiB/s\tratio dsgd/nginx %s\n' "$d" "$ng" \
    "$(awk -v a="$d" -v b="$ng" 'BEGIN { printf "%.2f", a / b }')"
printf 'ceiling\topenssl speed -evp aes-256-gcm (64 KiB blocks, one core): %s MiB/s; twice over: %s MiB/s\n' \
    "$gcm" "$(awk -v g="$gcm" 'BEGIN { printf "%.1f", g / 2 }')"
printf 'VmHWM\tportal %s kB (%s before the upload)\tshare %s kB (%s before)\tnginx %s kB\n' \
    "$(hwm "$(worker_pid portal)")" "$idle_portal" "$(hwm "$(worker_pid share)")" "$idle_share" \
    "$(hwm "$(cat "$t/nginx.pid")")"
