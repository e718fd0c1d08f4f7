#!/bin/sh
# dsgd_tls_refused: the portal refuses what its TLS policy excludes, each with the alert a client sees: a client limited to TLS 1.0, then to TLS 1.1, gets a protocol_version alert (70) — while the same client (OPENSSL_CONF=/dev/null, @SECLEVEL=0) completes TLS 1.0 against `openssl s_server -tls1` started here on another port; a TLS 1.2 client offering only non-AEAD suites (ECDHE-ECDSA-AES128-SHA256, ECDHE-ECDSA-AES128-SHA, AES128-GCM-SHA256 without ECDHE) gets handshake_failure (40), and so does a client offering only ChaCha20-Poly1305 (outside the algorithm register) over TLS 1.2 or 1.3; a client whose ALPN lists only h2 gets no_application_protocol (120); the server's choice wins (server preference); the portal logs each failure and stays up.
# @relation(REQ-STOR-006, REQ-RUN-040, REQ-RUN-042, REQ-RUN-010)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"

dsgd_start "$DSGD"
wait_log 'portal\[[0-9]+\]: TLS ready'
cert=$t/var/tls/cert.pem
key=$t/var/tls/key.pem
old_client="-cipher ALL:@SECLEVEL=0"

# positive control: the old client does complete TLS 1.0 with a server that allows it
cport=$((DSGD_PORT + 1))
OPENSSL_CONF=/dev/null openssl s_server -accept "127.0.0.1:$cport" -cert "$cert" -key "$key" \
    -tls1 -cipher 'ALL:@SECLEVEL=0' -naccept 1 -quiet </dev/null >"$t/s_server.out" 2>&1 &
spid=$!
trap 'kill "$spid" 2>/dev/null; dsgd_cleanup' EXIT
server_up() { OPENSSL_CONF=/dev/null openssl s_client -connect "127.0.0.1:$cport" -tls1 $old_client </dev/null >"$t/control.out" 2>&1; }
wait_until 10 server_up
grep -Eq '^New, TLSv1(\.0)?, Cipher is ' "$t/control.out" ||
    fail "control: the old client did not complete TLS 1.0 with s_server -tls1: $(cat "$t/control.out")"

# the same client against the portal: protocol_version, for 1.0 and 1.1
for v in 1 1_1; do
    OPENSSL_CONF=/dev/null timeout 10 openssl s_client -connect "127.0.0.1:$DSGD_PORT" -tls$v \
        $old_client </dev/null >"$t/old$v.out" 2>&1
    got=$?
    [ "$got" -ne 0 ] || fail "TLS $v: handshake completed"
    grep -q 'alert protocol version' "$t/old$v.out" && grep -q 'SSL alert number 70' "$t/old$v.out" ||
        fail "TLS $v: no protocol_version alert: $(cat "$t/old$v.out")"
done

# TLS 1.2 with non-AEAD (or non-ECDHE) suites only: handshake_failure
for c in ECDHE-ECDSA-AES128-SHA256 ECDHE-ECDSA-AES128-SHA AES128-GCM-SHA256; do
    tls_probe "c$c" -tls1_2 -cipher "$c"
    [ "$got" -ne 0 ] || fail "$c: handshake completed"
    grep -q 'SSL alert number 40' "$t/c$c.out" || fail "$c: no handshake_failure alert: $(cat "$t/c$c.out")"
done

# ChaCha20-Poly1305 only, outside the algorithm register: handshake_failure
# over TLS 1.2, and over TLS 1.3 (the only TLS 1.3 suite offered)
tls_probe chacha12 -tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305
[ "$got" -ne 0 ] || fail "ChaCha20-Poly1305 over TLS 1.2: handshake completed"
grep -q 'SSL alert number 40' "$t/chacha12.out" || fail "ChaCha20 TLS 1.2: $(cat "$t/chacha12.out")"
tls_probe chacha13 -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
[ "$got" -ne 0 ] || fail "TLS_CHACHA20_POLY1305_SHA256: handshake completed"
grep -q 'SSL alert number 40' "$t/chacha13.out" || fail "ChaCha20 TLS 1.3: $(cat "$t/chacha13.out")"

# ALPN without http/1.1: no_application_protocol
tls_probe alpn -alpn h2
[ "$got" -ne 0 ] || fail "ALPN h2 only: handshake completed"
grep -q 'SSL alert number 120' "$t/alpn.out" || fail "ALPN h2: $(cat "$t/alpn.out")"

# server preference: a client preferring AES256-GCM still gets the server's first choice, AES128-GCM
tls_probe pref -tls1_2 -cipher 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256'
grep -q '^New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256$' "$t/pref.out" ||
    fail "server preference: $(grep '^New,' "$t/pref.out")"

# logged, and the portal is the same process, still sandboxed
wait_log 'portal\[[0-9]+\]: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: .*unsupported protocol'
wait_log 'portal\[[0-9]+\]: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: .*no shared cipher'
wait_log 'portal\[[0-9]+\]: TLS handshake with 127\.0\.0\.1:[0-9]+ failed: .*no application protocol'
[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 1 ] || fail "the portal restarted"
! log_has 'killed by seccomp' || fail "killed by seccomp: $(grep 'killed by seccomp' "$t/log")"
grep -q '^Seccomp:[[:space:]]2$' "/proc/$(portal_pid)/status" || fail "portal not sandboxed"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
