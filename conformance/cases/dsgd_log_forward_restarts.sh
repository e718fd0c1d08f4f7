#!/bin/sh
# dsgd_log_forward_restarts: forwarding survives its own roles going down. The collector receives the portal's records 1-3; logfwd is killed (SIGKILL): the master restarts it, connects again and hands it the new socket, and records 4-5 arrive; logd is killed (SIGKILL): the master has logfwd drop the connection (so that the new logd starts the stream at a frame boundary), the restarted logd loads its cursor from its database, and records 6-7 arrive. Across the three connections the collector holds every record 1-7 of the portal (a record may come twice), as whole RFC 5425 frames, and nothing is killed by seccomp.
# @relation(REQ-LOG-047, REQ-LOG-010, REQ-RUN-053)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
coll=127.0.0.1:$FWD_PORT

requests() {   # requests FROM TO: portal records FROM..TO
    i=$1
    while [ "$i" -le "$2" ]; do
        portal_curl "/api/v1/health?n=$i" -o /dev/null || fail "request $i"
        i=$((i + 1))
    done
}
ups_are() {   # ups_are N: logd has been told N times that a connection is up
    [ "$(grep -c "logd\\[[0-9]*\\]: forward: $coll: connection [0-9]* up" "$t/log")" -eq "$1" ]
}

collector_pki
cat >"$t/dsgd.conf" <<EOF
log.forward = "$coll"
log.forward_ca = "$t/pki/ca.pem"
log.forward_retry_max = 1s
EOF
collector_start c good
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\] ready'
wait_until 10 ups_are 1
requests 1 3
wait_until 20 collector_has c portal 3
sleep 0.5

# logfwd killed
fwd=$(worker_pid logfwd)
kill -9 "$fwd"
wait_log "master: logfwd\\[$fwd\\] killed by signal 9"
wait_log "logd\\[[0-9]+\\]: forward: $coll: connection 1 down" 10
wait_until 20 ups_are 2
requests 4 5
wait_until 20 collector_has c portal 5
sleep 0.5

# logd killed
logd=$(worker_pid logd)
kill -9 "$logd"
wait_log "master: logd\\[$logd\\] killed by signal 9"
wait_log "logfwd\\[[0-9]+\\]: forward: $coll: connection 2 down: closed at the master's request \\(logd restarted\\)" 10
wait_until 20 ups_are 3
requests 6 7
wait_until 20 collector_has c portal 7

collector_frames c >/dev/null
seqs=$(collector_seqs c portal | tr '\n' ' ')
[ "$(collector_seqs c portal | sort -n | uniq | tr '\n' ' ')" = "1 2 3 4 5 6 7 " ] ||
    fail "the portal's records arrived as $seqs"
echo "# the portal's records as received: $seqs"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! log_has 'killed by seccomp' || fail "a worker was killed by seccomp"
exit 0
