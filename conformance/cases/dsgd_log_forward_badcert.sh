#!/bin/sh
# dsgd_log_forward_badcert: logfwd sends nothing to a collector it cannot verify. A collector whose certificate is signed by a CA other than log.forward_ca, and one whose certificate (from the right CA) is for another address, each see the TLS handshake refused: logfwd logs "TLS handshake refused: certificate verify failed" with OpenSSL's reason, logd is never told the connection is up, the collector receives no byte, and the master keeps connecting again with backoff; the same collector with a certificate for its address is then served (over TLS 1.2, so that both versions run under logfwd's filter). With log.forward naming the collector as NAME@ADDR:PORT, a certificate for the address only is refused (hostname mismatch) and one for NAME is served. Nothing is killed by seccomp.
# @relation(REQ-LOG-047, REQ-RUN-053, REQ-LOG-010)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"

refused() {   # refused NAME WHY: the handshake with collector NAME is refused for WHY
    wait_log "logfwd\\[[0-9]+\\]: forward: $coll: connection [0-9]+ failed: TLS handshake refused: certificate verify failed: $2" 10
    wait_log "master: log.forward $coll: TLS not established; connecting again in [0-9]+ ms" 10
    sleep 1.5   # more attempts, all refused
    ! log_has "logd\\[[0-9]+\\]: forward: $coll: connection [0-9]+ up" ||
        fail "$1: logd was told the connection is up"
    [ ! -s "$t/$1.out" ] || fail "$1 received $(wc -c <"$t/$1.out") bytes"
    collector_stop
}
served() {   # served NAME: collector NAME gets logd's first record
    wait_log "logd\\[[0-9]+\\]: forward: $coll: connection [0-9]+ up: sending from the stored cursor" 10
    wait_until 20 collector_has "$1" logd 1
    collector_frames "$1" >/dev/null
}
config() {
    cat >"$t/dsgd.conf" <<EOC
log.forward = "$1"
log.forward_ca = "$t/pki/ca.pem"
log.forward_retry_max = 1s
EOC
}

collector_pki
coll=127.0.0.1:$FWD_PORT
config "$coll"
collector_start rogue rogue
dsgd_start "$DSGD" -f "$t/dsgd.conf"
refused rogue "unable to get local issuer certificate"
collector_start wrongip wrongip
refused wrongip "IP address mismatch"
collector_start good good -tls1_2
served good
log_has "logfwd\\[[0-9]+\\]: forward: $coll: connection [0-9]+ up: TLSv1\\.2 ECDHE-ECDSA-" ||
    fail "the TLS 1.2 collector was not served with an ECDHE-ECDSA AEAD suite"
collector_stop
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

# by name: the certificate must carry NAME
rm -rf "${t:?}/var"
: >"$t/log"
coll="collector.test@127.0.0.1:$FWD_PORT"
config "$coll"
collector_start byaddr good
dsgd_start "$DSGD" -f "$t/dsgd.conf"
refused byaddr "hostname mismatch"
collector_start named named
served named
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! log_has 'killed by seccomp' || fail "a worker was killed by seccomp: $(grep 'killed by seccomp' "$t/log")"
exit 0
