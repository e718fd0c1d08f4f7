#!/bin/sh
# dsgd_ipc_liveness: with a short test PING interval, workers that answer PING with PONG stay up across many pings; a portal that stops answering, or that sends a frame the decoder refuses, or a bus message of a kind its role may not send, has its channel closed and is restarted, and the last is on record in the audit trail as the master's channel-closed record.
# @relation(REQ-RUN-030, REQ-RUN-037, REQ-RUN-007, REQ-LOG-006)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

DSG_TEST_PING_MS=100 DSG_TEST_HOOK=portal:no-pong dsgd_start "$DSGD_TEST"
wait_log 'master: logd\[[0-9]+\] ready'
logd=$(worker_pid logd)
wait_log 'portal\[[0-9]+\]: test hook no-pong'
first=$(worker_pid portal)
wait_log "master: portal\\[$first\\]: no PONG within the ping timeout: closing its channel and restarting it"
wait_log 'master: portal\[[0-9]+\] started \(restart 1'
second=$(worker_pid portal)
wait_log "master: portal\\[$second\\] ready"
# ten PING intervals later the answering workers are the same processes
sleep 1
alive "$second" && [ "$(worker_pid portal)" = "$second" ] || fail "the answering portal was restarted"
alive "$logd" && [ "$(worker_pid logd)" = "$logd" ] || fail "logd was restarted"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

: >"$t/log"
rm -rf "$t/var"
DSG_TEST_HOOK=portal:bad-frame dsgd_start "$DSGD_TEST"
wait_log 'portal\[[0-9]+\]: test hook bad-frame'
first=$(worker_pid portal)
wait_log "master: portal\\[$first\\]: bad frame \\(unknown-type\\): closing its channel and restarting it"
wait_log 'master: portal\[[0-9]+\] started \(restart 1'
second=$(worker_pid portal)
wait_log "master: portal\\[$second\\] ready"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

# a well-formed message of a kind the portal may not send (only the master
# asks logd to verify): channel closed, portal restarted, and on record
: >"$t/log"
rm -rf "$t/var"
DSG_TEST_HOOK=portal:bus-forbidden dsgd_start "$DSGD_TEST"
wait_log 'portal\[[0-9]+\]: test hook bus-forbidden'
first=$(worker_pid portal)
wait_log "master: portal\\[$first\\]: a message its role may not send: closing its channel and restarting it"
wait_log 'master: portal\[[0-9]+\] started \(restart 1'
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
grep '"source":"master"' "$t/export" | grep '"event":"channel-closed"' |
    grep -q "\"detail\":\"portal\[$first\]: a message its role may not send\"" ||
    fail "no record of the closed channel: $(grep '"master"' "$t/export")"
exit 0
