#!/bin/sh
# dsgd_tls_key_perms: the master refuses to start (exit 1, a message naming the key, its mode and `chmod 600`, no worker started, no pidfile left, nothing listening) when var/tls/key.pem is group-readable (0640), world-readable (0604) or owned by another user, and when only one of cert.pem and key.pem exists; with the key back to 0600 root it starts again.
# @relation(REQ-RUN-041)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

# a first start generates the pair
dsgd_start "$DSGD"
wait_log 'portal\[[0-9]+\]: TLS ready'
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
key=$t/var/tls/key.pem
cert=$t/var/tls/cert.pem

# refused: starts, must exit 1 at once with MESSAGE (an ERE) in its log
refused() {
    start_refused "$1" "$2"
    ! timeout 5 openssl s_client -connect "127.0.0.1:$DSGD_PORT" </dev/null >/dev/null 2>&1 ||
        fail "$1: something answers on the portal port"
}

chmod 640 "$key"
refused "group-readable" "private key $key has owner uid 0 and mode 0640: it must be owned by uid 0 with no group or other permissions \\(chmod 600 $key\\): refusing to start"
chmod 604 "$key"
refused "world-readable" "private key $key has owner uid 0 and mode 0604: .*refusing to start"
chmod 600 "$key"
chown dsg "$key"
refused "owned by dsg" "private key $key has owner uid $(id -u dsg) and mode 0600: .*refusing to start"
chown root "$key"
mv "$key" "$t/key.saved"
refused "key missing" "$cert exists but $key does not: provide both"
mv "$t/key.saved" "$key"

# back to 0600 root: starts, and reuses the pair
: >"$t/log"
dsgd_start "$DSGD"
wait_log 'portal\[[0-9]+\]: TLS ready'
! log_has 'generated a self-signed' || fail "a new pair was generated"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
