#!/bin/sh
# dsgd_log_forward_outage: a collector that goes away loses nothing. The collector (openssl s_server) receives the portal's records 1-3, is killed, and while it is down the portal makes records 4-7 and the master keeps trying to connect (backoff up to log.forward_retry_max); a new collector on the same port receives from the last record the first one acknowledged, so that the two together hold every record 1-7 of the portal, none missing (one may come twice). Then that collector is killed too, the portal makes records 8-9 and dsgd is stopped: logd's database keeps the collector's cursor at the last acknowledged record (7), and after a restart of dsgd a third collector receives exactly 8 and 9 of the portal (nothing already acknowledged, nothing lost) and logd's records of the stop; each collector's bytes are whole RFC 5425 frames, and nothing is killed by seccomp.
# @relation(REQ-LOG-010, REQ-LOG-047)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is needed"
coll=127.0.0.1:$FWD_PORT

requests() {   # requests FROM TO: portal records FROM..TO
    i=$1
    while [ "$i" -le "$2" ]; do
        portal_curl "/api/v1/health?n=$i" -o /dev/null || fail "request $i"
        i=$((i + 1))
    done
}
portal_up() {
    wait_log 'master: portal\[[0-9]+\] ready'
    wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
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

# 1. records 1-3 reach the first collector
collector_start c1 good
dsgd_start "$DSGD" -f "$t/dsgd.conf"
portal_up
wait_until 10 ups_are 1
requests 1 3
wait_until 20 collector_has c1 portal 3
sleep 0.5   # logfwd's acknowledgement of them on its way to logd

# 2. the collector goes away; 4-7 are made meanwhile
collector_stop
wait_log "logd\\[[0-9]+\\]: forward: $coll: connection 1 down" 10
requests 4 7
wait_log "log.forward $coll: connect: Connection refused; connecting again in [0-9]+ ms" 10
sleep 1.5

# 3. back: nothing is missing
collector_start c2 good
wait_until 20 ups_are 2
wait_until 20 collector_has c2 portal 7
got_all=$( (collector_seqs c1 portal; collector_seqs c2 portal) | sort -n | uniq | tr '\n' ' ')
[ "$got_all" = "1 2 3 4 5 6 7 " ] || fail "the portal's records across the outage: $got_all"
first2=$(collector_seqs c2 portal | head -n 1)
[ "$first2" -le 4 ] || fail "the second collector started at $first2: records were skipped"
[ "$(collector_seqs c2 portal | tr '\n' ' ')" = "$(seq "$first2" 7 | tr '\n' ' ')" ] ||
    fail "the second collector got the portal's records out of order: $(collector_seqs c2 portal | tr '\n' ' ')"
echo "# second collector resent from portal seq $first2"
sleep 0.5

# 4. down again, 8-9 made, dsgd stopped: the cursor is stored
collector_stop
wait_log "logd\\[[0-9]+\\]: forward: $coll: connection 2 down" 10
requests 8 9
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
cur=$(sqlite3 "$t/var/logd/audit.db" \
    "SELECT seq FROM forward_cursor WHERE collector = '$coll' AND source = 'portal'")
[ "$cur" = 7 ] || fail "the stored cursor of portal is '$cur', want 7"
stopped=$(sqlite3 "$t/var/logd/audit.db" "SELECT max(seq) FROM records WHERE source = 'logd'")

# 5. dsgd again, a third collector: from the cursor on
collector_start c3 good
: >"$t/log"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
portal_up
wait_until 20 collector_has c3 portal 9
[ "$(collector_seqs c3 portal | tr '\n' ' ')" = "8 9 " ] ||
    fail "after the restart the collector got the portal's $(collector_seqs c3 portal | tr '\n' ' '), want 8 9"
wait_until 20 collector_has c3 logd "$stopped"
for c in c1 c2 c3; do collector_frames "$c" >/dev/null; done
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! log_has 'killed by seccomp' || fail "a worker was killed by seccomp"
exit 0
