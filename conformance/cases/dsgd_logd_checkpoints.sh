#!/bin/sh
# dsgd_logd_checkpoints: with log.checkpoint_interval = 1s (and log.checkpoint_records at its default of 1000), records are covered by a signed checkpoint in anchor.log within the interval, before any stop; every line of anchor.log verifies with `dsgctl log pubkey` and openssl; chain.key, sign.key and anchor.log belong to logd's user with mode 0600 in its 0700 directory; the RFC 5424 export carries the checkpoints as `checkpoint` messages of dsg-logd.
# @relation(REQ-LOG-004)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v openssl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 || fail "openssl and python3 (make deps-test) are needed"

printf 'log.checkpoint_interval = 1s\n' >"$t/dsgd.conf"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\] ready'
for i in 1 2 3; do portal_curl "/api/v1/health?cp=$i" >/dev/null 2>&1 || fail "health $i"; done
# within the interval (and a little), without a stop: a checkpoint of the portal's 3 records
wait_until 5 grep -q '^dsg-anchor-1 portal 3 ' "$t/var/logd/anchor.log"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
uid=$(id -u dsg)
[ "$(stat -c '%a %u' "$t/var/logd")" = "700 $uid" ] || fail "var/logd: $(stat -c '%a %u' "$t/var/logd")"
for f in chain.key sign.key anchor.log; do
    [ "$(stat -c '%a %u' "$t/var/logd/$f")" = "600 $uid" ] || fail "$f: $(stat -c '%a %u' "$t/var/logd/$f")"
done

# every checkpoint verifies with the exported public key: SIG is the
# Ed25519 signature, in hex, over the line before " SIG"
"$DSGCTL" log pubkey "$t/var/logd" >"$t/pub.pem" || fail "pubkey"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "${line% *}" >"$t/msg"
    python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))' "${line##* }" >"$t/sig" ||
        fail "line $n: signature not hex"
    openssl pkeyutl -verify -pubin -inkey "$t/pub.pem" -rawin -in "$t/msg" -sigfile "$t/sig" >/dev/null 2>&1 ||
        fail "line $n of anchor.log does not verify: $line"
done <"$t/var/logd/anchor.log"
[ "$n" -ge 2 ] || fail "anchor.log has $n line(s)"

"$DSGCTL" log export --offline "$t/var/logd" --format rfc5424 >"$t/export" || fail "export"
grep -q '^<110>1 [^ ]* - dsg-logd - checkpoint \[' "$t/export" || fail "no checkpoint in the RFC 5424 export: $(head -3 "$t/export")"
exit 0
