#!/bin/sh
# dsgd_audit_fail_closed_http: with log.ack_timeout = 1s, the test build's sink answers POST /api/v1/test/audited (which records a system event test-audited) only once logd has stored its record: 200 with logd running; while logd is stopped (SIGSTOP) the request is held and answered 503 with {"error":"audit-unavailable",...} after about log.ack_timeout (0.9 to 5 s), GET /api/v1/health answers 200 within 0.5 s while it is held, the sink logs the failure, and the master raises its alert on its own log (ALERT) and at LOG_ALERT on the host's syslog (<25>); once logd runs again (SIGCONT) the route answers 200; when logd's file system (a tmpfs) is full the route answers 503 audit-unavailable at once (under 0.9 s) with the master's alert that logd could not store records, and 200 again once there is room; no worker is restarted or killed by seccomp, and the exported trail holds the sink's test-audited records of the requests made with logd running and of the one held while it was stopped.
# @relation(REQ-LOG-008)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
unavailable='{"error":"audit-unavailable","message":"the audit trail did not store the record of this request; try again later"}'
stored="{\"bytes\":2,\"sha256\":\"$(printf '{}' | sha256sum | cut -d' ' -f1)\"}"

# audited NAME: POST {} to the audited route with the query case=NAME (the
# record's detail); status and time in $t/NAME.code, answer in $t/NAME.json
audited() {
    portal_curl "/api/v1/test/audited?case=$1" -H 'Content-Type: application/json' -d '{}' \
        -o "$t/$1.json" -w '%{http_code} %{time_total}\n' >"$t/$1.code" 2>"$t/$1.err" ||
        fail "$1: curl: $(cat "$t/$1.err")"
}
ms() { awk '{ printf "%d\n", $2 * 1000 }' "$t/$1.code"; }
answered() {   # answered NAME STATUS BODY
    [ "$(cut -d' ' -f1 "$t/$1.code")" = "$2" ] && [ "$(cat "$t/$1.json")" = "$3" ] ||
        fail "$1: $(cat "$t/$1.code") $(cat "$t/$1.json"), want $2 $3"
}

# no PING while logd is stopped: the case is about the audit path, not liveness
printf 'dsgd.roles = "portal, ctl, sink"\nlog.ack_timeout = 1s\ndsgd.ping_interval = 1h\n' >"$t/gw.conf"
# logd's directory on a small tmpfs, to fill it later
mkdir -p "$t/var/logd"
mount -t tmpfs -o size=8m,mode=0700 dsg-conformance "$t/var/logd" || fail "cannot mount a tmpfs on var/logd"
syslog_capture
dsgd_start_syslog "$DSGD_TEST" -f "$t/gw.conf"
trap 'cleanup_all; umount "$t/var/logd" 2>/dev/null' EXIT
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: portal\[[0-9]+\]: routes of role 4: 6'
logd=$(worker_pid logd) portal=$(worker_pid portal) sink=$(worker_pid sink)

audited up
answered up 200 "$stored"

# logd stopped: the answer is held until the master reports the record late
kill -STOP "$logd"
audited stopped &
held=$!
sleep 0.3
portal_curl /api/v1/health -o "$t/health.json" -w '%{http_code} %{time_total}\n' >"$t/health.code" ||
    fail "health while an answer is held: curl"
[ ! -s "$t/stopped.code" ] || fail "the held request was answered before health: $(cat "$t/stopped.code")"
answered health 200 '{"status":"ok"}'
[ "$(ms health)" -lt 500 ] || fail "health took $(ms health) ms while an answer was held"
wait "$held"
answered stopped 503 "$unavailable"
[ "$(ms stopped)" -ge 900 ] && [ "$(ms stopped)" -lt 5000 ] ||
    fail "the held request failed after $(ms stopped) ms, want about 1000"
log_has "sink\\[[0-9]+\\]: exchange [0-9]+: its audit record was not stored: answering 503 audit-unavailable" ||
    fail "the sink did not log the failure"
wait_log 'master: ALERT: audit: logd has not stored the records of (sink|portal) within 1000 ms \(log\.ack_timeout'
wait_until 5 syslog_has '^<25>.*dsgd\[[0-9]+\]: audit: logd has not stored the records of (sink|portal) within 1000 ms'

kill -CONT "$logd"
wait_log 'master: audit: logd stores records again'
audited after
answered after 200 "$stored"

# logd cannot write (its file system full): the request fails at once, alert included
dd if=/dev/zero of="$t/var/logd/filler" bs=64k >/dev/null 2>&1
audited full
answered full 503 "$unavailable"
[ "$(ms full)" -lt 900 ] || fail "with logd's disk full the request failed after $(ms full) ms, want at once"
wait_log 'master: ALERT: audit: logd could not store records of (sink|portal)'
wait_until 5 syslog_has '^<25>.*dsgd\[[0-9]+\]: audit: logd could not store records of (sink|portal)'
rm -f "$t/var/logd/filler"
audited room
answered room 200 "$stored"

[ "$(worker_pid logd)" = "$logd" ] && [ "$(worker_pid portal)" = "$portal" ] &&
    [ "$(worker_pid sink)" = "$sink" ] || fail "a worker was restarted"
! log_has 'killed by seccomp' || fail "$(grep 'killed by seccomp' "$t/log")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
python3 - "$t/export" <<'PY' || fail "test-audited records: $(grep '"source":"sink"' "$t/export" | tail -8)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
seen = [r["fields"].get("detail") for r in rows
        if r["source"] == "sink" and r["type"] == 101 and r["fields"]["event"] == "test-audited"]
for want in ["case=up", "case=stopped", "case=after", "case=room"]:
    assert want in seen, (want, seen)
PY
exit 0
