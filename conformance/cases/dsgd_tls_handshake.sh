#!/bin/sh
# dsgd_tls_handshake: a root-started release dsgd generates var/tls/{cert,key}.pem at first start (ECDSA P-256, CN localhost, SAN DNS:localhost and IP:127.0.0.1, 365 days, key 0600 and dir 0700 owned by root), logs the certificate's SHA-256 fingerprint and reuses the pair on restart; TLS 1.3 and TLS 1.2 handshakes with AEAD suites and ALPN http/1.1 succeed and verify for localhost and 127.0.0.1 with the certificate as the only CA; no session ticket is issued; while serving, the portal shows Seccomp 2 and NoNewPrivs 1, holds no regular file (fds 0-1 /dev/null, 2 pipe, 3-4 sockets) and is never killed by its filter.
# @relation(REQ-RUN-040, REQ-RUN-041, REQ-RUN-042, REQ-RUN-010, REQ-RUN-004, REQ-RUN-011)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"

dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'portal\[[0-9]+\]: TLS ready'
log_has "master: generated a self-signed ECDSA P-256 certificate" || fail "no certificate generated"
log_has "master: portal: listening on 127.0.0.1:$DSGD_PORT: https://localhost:$DSGD_PORT/" ||
    fail "the listening URL is not logged"
cert=$t/var/tls/cert.pem
key=$t/var/tls/key.pem

# the files: modes and owners
[ "$(stat -c '%a %U' "$t/var/tls")" = "700 root" ] || fail "var/tls is $(stat -c '%a %U' "$t/var/tls")"
[ "$(stat -c '%a %U' "$key")" = "600 root" ] || fail "key.pem is $(stat -c '%a %U' "$key")"

# the certificate: what it says
openssl x509 -in "$cert" -noout -text >"$t/cert.txt" || fail "cert.pem does not parse"
grep -q 'Subject: CN = localhost' "$t/cert.txt" || fail "subject: $(grep Subject: "$t/cert.txt")"
grep -q 'Issuer: CN = localhost' "$t/cert.txt" || fail "not self-issued"
grep -q 'ASN1 OID: prime256v1' "$t/cert.txt" || fail "not a P-256 key"
grep -q 'Signature Algorithm: ecdsa-with-SHA256' "$t/cert.txt" || fail "not signed with ECDSA SHA-256"
[ "$(openssl x509 -in "$cert" -noout -ext subjectAltName | sed -n 2p | tr -d ' ')" = "DNS:localhost,IPAddress:127.0.0.1" ] ||
    fail "SAN: $(openssl x509 -in "$cert" -noout -ext subjectAltName)"
nb=$(date -d "$(openssl x509 -in "$cert" -noout -startdate | cut -d= -f2)" +%s)
na=$(date -d "$(openssl x509 -in "$cert" -noout -enddate | cut -d= -f2)" +%s)
[ $((na - nb)) -eq $((365 * 86400)) ] || fail "validity $((na - nb)) s, want 365 days"
openssl pkey -in "$key" -pubout >"$t/key.pub" 2>/dev/null || fail "key.pem does not parse"
openssl x509 -in "$cert" -noout -pubkey >"$t/cert.pub"
cmp -s "$t/key.pub" "$t/cert.pub" || fail "key.pem does not match cert.pem"
# the fingerprint the master logs is the certificate's
fp=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | cut -d= -f2)
log_has "master: portal certificate .*/var/tls/cert.pem, SHA-256 fingerprint $fp\$" ||
    fail "fingerprint $fp not logged"

# handshakes: TLS 1.3 and 1.2, verified against the generated certificate
for v in 1_3 1_2; do
    tls_probe "hs$v" -tls$v -servername localhost -verify_hostname localhost -CAfile "$cert" \
        -verify_return_error -alpn http/1.1
    [ "$got" -eq 0 ] || fail "TLS $v: s_client exit $got: $(cat "$t/hs$v.out")"
    o=$t/hs$v.out
    grep -q 'Verify return code: 0 (ok)' "$o" || fail "TLS $v: not verified: $(grep -i verif "$o")"
    grep -q 'Verified peername: localhost' "$o" || fail "TLS $v: name localhost not verified"
    grep -q 'ALPN protocol: http/1.1' "$o" || fail "TLS $v: no ALPN http/1.1"
    case $v in
    1_3) grep -Eq '^New, TLSv1.3, Cipher is TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384)$' "$o" ||
             fail "TLS 1.3: $(grep '^New,' "$o")" ;;
    1_2) grep -Eq '^New, TLSv1.2, Cipher is ECDHE-ECDSA-(AES128-GCM-SHA256|AES256-GCM-SHA384)$' "$o" ||
             fail "TLS 1.2: $(grep '^New,' "$o")"
         grep -q 'Compression: NONE' "$o" || fail "TLS 1.2: compression"
         ! grep -q 'TLS session ticket' "$o" || fail "TLS 1.2: a session ticket was issued" ;;
    esac
done
# verified as 127.0.0.1 too (the IP SAN)
tls_probe ip -verify_ip 127.0.0.1 -CAfile "$cert" -verify_return_error
[ "$got" -eq 0 ] && grep -q 'Verify return code: 0 (ok)' "$t/ip.out" || fail "IP SAN not verified"
# and refused for another name (the check is real)
tls_probe other -servername example.org -verify_hostname example.org -CAfile "$cert" -verify_return_error
[ "$got" -ne 0 ] || fail "the certificate verified for example.org"

# the portal while serving: sandboxed, no file, never killed
p=$(portal_pid)
alive "$p" || fail "portal not running"
grep -q '^Seccomp:[[:space:]]2$' "/proc/$p/status" || fail "portal Seccomp: $(grep Seccomp: "/proc/$p/status")"
grep -q '^NoNewPrivs:[[:space:]]1$' "/proc/$p/status" || fail "portal NoNewPrivs"
for fd in /proc/"$p"/fd/*; do
    l=$(readlink "$fd")
    case $l in
    /dev/null | pipe:* | socket:*) ;;
    *) fail "portal holds $fd -> $l" ;;
    esac
    [ ! -f "$fd" ] || [ "$l" = /dev/null ] || fail "portal holds a regular file: $fd -> $l"
done
! log_has 'killed by seccomp' || fail "a worker was killed by seccomp: $(grep 'killed by seccomp' "$t/log")"
[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 1 ] || fail "the portal restarted"

# restart: the same pair is reused
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
: >"$t/log"
dsgd_start "$DSGD"
wait_log 'portal\[[0-9]+\]: TLS ready'
! log_has 'generated a self-signed' || fail "a new certificate was generated on restart"
log_has "SHA-256 fingerprint $fp\$" || fail "restart: another fingerprint"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
