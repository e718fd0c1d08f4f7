#!/bin/sh
# dsgd_tls_cipher_config: `dsgd -n` accepts the default TLS 1.2 cipher list and lists of AEAD suites with ECDHE key exchange, and rejects (exit 1, nothing on stdout) a portal.tls12_ciphers that selects a CBC suite, a suite without ECDHE (RSA, DHE, PSK key exchange), an alias that expands to either, or no suite at all, naming the file, the line and the offending suite as OpenSSL names it; a portal.tls_min_version below TLSv1.2 is rejected the same way; a dsgd started with such a file exits 1 and starts nothing; an accepted list is what the portal offers (only the configured ChaCha20 suite completes TLS 1.2), and portal.tls_min_version = TLSv1.3 refuses TLS 1.2.
# @relation(REQ-RUN-010)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

# cipher_bad LIST EXPECTED-STDERR-ERE
cipher_bad() {
    printf '# TLS\n\nportal.tls12_ciphers = "%s"\n' "$1" >"$t/c.conf"
    "$DSGD" -n -f "$t/c.conf" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "dsgd -n with '$1': exit $rc, want 1"
    grep -Eq -- "^dsgd: $t/c\\.conf:3: portal\\.tls12_ciphers: $2\$" "$t/err" ||
        fail "dsgd -n with '$1': stderr '$(cat "$t/err")' does not match '$2'"
    [ ! -s "$t/out" ] || fail "dsgd -n with '$1' printed: $(cat "$t/out")"
}

cipher_ok() {
    printf 'portal.tls12_ciphers = "%s"\n' "$1" >"$t/c.conf"
    "$DSGD" -n -f "$t/c.conf" >"$t/out" 2>"$t/err" || fail "dsgd -n with '$1': exit $? $(cat "$t/err")"
    grep -q 'configuration OK' "$t/out" || fail "dsgd -n with '$1': $(cat "$t/out")"
}

"$DSGD" -n >"$t/out" 2>"$t/err" || fail "the embedded defaults: $(cat "$t/err")"
cipher_ok "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
cipher_ok "ECDHE+AESGCM"
cipher_ok "ECDHE-RSA-AES256-GCM-SHA384"

cipher_bad "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA" "suite AES128-SHA is not an AEAD suite \\(AES-GCM\\)"
cipher_bad "ECDHE-RSA-AES128-SHA256" "suite ECDHE-RSA-AES128-SHA256 is not an AEAD suite .*"
cipher_bad "AES128-GCM-SHA256" "suite AES128-GCM-SHA256 has no ECDHE key exchange"
cipher_bad "ECDHE-ECDSA-AES128-GCM-SHA256:DHE-RSA-CHACHA20-POLY1305" "suite DHE-RSA-CHACHA20-POLY1305 has no ECDHE key exchange"
cipher_bad "ECDHE+AESGCM:ECDHE+CHACHA20" "suite ECDHE-[A-Z]+-CHACHA20-POLY1305 uses a cipher outside the algorithm register \\(AES-GCM only\\)"
cipher_bad "ECDHE-ECDSA-AES128-CCM" "suite ECDHE-ECDSA-AES128-CCM uses a cipher outside the algorithm register \\(AES-GCM only\\)"
cipher_bad "PSK-AES256-GCM-SHA384" "suite PSK-AES256-GCM-SHA384 has no ECDHE key exchange"
cipher_bad "HIGH" "suite [A-Z0-9-]+ (is not an AEAD suite .*|has no ECDHE key exchange)"
cipher_bad "nonsense" "'nonsense' selects no cipher suite OpenSSL knows"

printf 'portal.tls_min_version = TLSv1\n' >"$t/v.conf"
"$DSGD" -n -f "$t/v.conf" >"$t/out" 2>"$t/err"
[ $? -eq 1 ] || fail "tls_min_version TLSv1 accepted"
grep -q "v\\.conf:1: portal\\.tls_min_version: 'TLSv1': want TLSv1.2 or TLSv1.3" "$t/err" || fail "$(cat "$t/err")"

# a dsgd started with a rejected list starts nothing
printf 'portal.tls12_ciphers = "AES256-SHA"\n' >"$t/c.conf"
"$DSGD" -d -s "$t/var" -l "127.0.0.1:$DSGD_PORT" -f "$t/c.conf" >"$t/out" 2>"$t/err"
[ $? -eq 1 ] || fail "dsgd started with a CBC suite"
grep -q 'c\.conf:1: portal\.tls12_ciphers: suite AES256-SHA is not an AEAD suite' "$t/err" || fail "$(cat "$t/err")"
[ ! -e "$t/var" ] || fail "dsgd created its state directory before refusing"

# an accepted list is what the portal offers: with only the AES-256-GCM
# suite, a TLS 1.2 client offering only AES-128-GCM fails and one offering
# AES-256-GCM completes; with TLSv1.3 as the minimum, TLS 1.2 is refused
need_root
need_dsg_user
printf 'portal.tls12_ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384"\n' >"$t/c.conf"
dsgd_start "$DSGD" -f "$t/c.conf"
wait_log 'master: portal\[[0-9]+\] ready'
tls_probe aes256 -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
[ "$got" -eq 0 ] && grep -q 'Cipher is ECDHE-ECDSA-AES256-GCM-SHA384' "$t/aes256.out" ||
    fail "TLS 1.2 with the configured suite: $(tail -5 "$t/aes256.out")"
tls_probe aes -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
[ "$got" -ne 0 ] || fail "TLS 1.2 with a suite the configured list leaves out completed"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
printf 'portal.tls_min_version = TLSv1.3\n' >"$t/v.conf"
dsgd_start "$DSGD" -f "$t/v.conf"
wait_log 'master: portal\[[0-9]+\] ready'
tls_probe v12 -tls1_2
[ "$got" -ne 0 ] || fail "TLS 1.2 completed with portal.tls_min_version = TLSv1.3"
tls_probe v13 -tls1_3
[ "$got" -eq 0 ] || fail "TLS 1.3 with portal.tls_min_version = TLSv1.3: $(tail -5 "$t/v13.out")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
