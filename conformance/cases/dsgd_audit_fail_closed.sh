#!/bin/sh
# dsgd_audit_fail_closed: with log.ack_timeout = 1s, while logd is stopped (SIGSTOP) a control command whose audit record logd does not store in time fails: `dsgctl status` exits 75 after about log.ack_timeout with `audit-unavailable` on stderr, and `dsgctl role restart portal` exits 75 without restarting the portal (its request is recorded before it runs); the master raises an alert independent of logd, on its own log ("master: ALERT: audit: logd has not stored the records of ctl within 1000 ms") and at LOG_ALERT on the host's syslog (<25>); once logd runs again (SIGCONT) the master logs that logd stores records again and the same commands succeed (exit 0), and the trail holds the commands, their failures (result audit-unavailable) and the restart's request; when logd cannot write (its file system, a tmpfs here, full) the command fails at once with exit 75 and the master raises the alert ("logd could not store records of ctl") the same two ways, and commands succeed again once there is room.
# @relation(REQ-LOG-008)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
sock=$t/var/run/dsgctl.sock

# no PING while logd is stopped: the case is about the audit path, not liveness
printf 'log.ack_timeout = 1s\ndsgd.ping_interval = 1h\nauth.scrypt_n = 1024\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
# logd's directory on a small tmpfs, to fill it later
mkdir -p "$t/var/logd"
mount -t tmpfs -o size=8m,mode=0700 dsg-conformance "$t/var/logd" || fail "cannot mount a tmpfs on var/logd"
syslog_capture
dsgd_start_syslog "$DSGD" -f "$t/gw.conf"
trap 'cleanup_all; umount "$t/var/logd" 2>/dev/null' EXIT
wait_log 'master: ctl\[[0-9]+\] ready'
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: auth\[[0-9]+\] ready'
admin_login
logd=$(worker_pid logd)
portal=$(worker_pid portal)
"$DSGCTL" status --socket "$sock" >/dev/null 2>"$t/err" || fail "status with logd up: exit $? $(cat "$t/err")"

kill -STOP "$logd"
start=$(date +%s%N)
"$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$rc" -eq 75 ] || fail "status with logd stopped: exit $rc, want 75 $(cat "$t/err")"
grep -q '(audit-unavailable)$' "$t/err" || fail "status with logd stopped: $(cat "$t/err")"
[ ! -s "$t/out" ] || fail "status printed its output although its record was not stored: $(cat "$t/out")"
[ "$took" -ge 900 ] && [ "$took" -lt 5000 ] || fail "status failed after $took ms, want about 1000"
wait_log 'master: ALERT: audit: logd has not stored the records of ctl within 1000 ms \(log\.ack_timeout'
wait_until 5 syslog_has '^<25>.*dsgd\[[0-9]+\]: audit: logd has not stored the records of ctl within 1000 ms'
log_has "ctl\\[[0-9]+\\]: uid 0 pid [0-9]+: status: error audit-unavailable" || fail "the failure is not logged"

"$DSGCTL" role restart portal --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
[ "$rc" -eq 75 ] || fail "role restart with logd stopped: exit $rc, want 75 $(cat "$t/err")"
[ "$(worker_pid portal)" = "$portal" ] && alive "$portal" || fail "the portal was restarted although the request was not recorded"
! log_has 'restarted by dsgctl role restart' || fail "the restart ran"

kill -CONT "$logd"
wait_log 'master: audit: logd stores records again'
"$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err" || fail "status after SIGCONT: exit $? $(cat "$t/err")"
grep -q '^logd ' "$t/out" || fail "status after SIGCONT: $(cat "$t/out")"
"$DSGCTL" role restart portal --socket "$sock" >"$t/out" 2>"$t/err" || fail "role restart after SIGCONT: exit $? $(cat "$t/err")"
wait_log 'master: portal: restarted by dsgctl role restart'
[ "$(worker_pid logd)" = "$logd" ] || fail "logd was restarted"

# logd cannot write (its file system full): the command fails at once, alert included
dd if=/dev/zero of="$t/var/logd/filler" bs=64k >/dev/null 2>&1
"$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err"; rc=$?
[ "$rc" -eq 75 ] || fail "status with logd's disk full: exit $rc, want 75 $(cat "$t/err")"
wait_log 'master: ALERT: audit: logd could not store records of ctl'
wait_until 5 syslog_has '^<25>.*dsgd\[[0-9]+\]: audit: logd could not store records of ctl'
rm -f "$t/var/logd/filler"
"$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err" || fail "status after freeing the disk: exit $? $(cat "$t/err")"
! log_has 'killed by seccomp' || fail "$(grep 'killed by seccomp' "$t/log")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
python3 - "$t/export" <<'PY' || fail "control records: $(grep '"type":102' "$t/export" | tail -8)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
seen = [(r["fields"]["command"], r["fields"]["result"]) for r in rows if r["source"] == "ctl" and r["type"] == 102]
for want in [("status", "ok"), ("status", "audit-unavailable"), ("role restart portal", "requested"),
             ("role restart portal", "audit-unavailable")]:
    assert want in seen, (want, seen)
assert seen.count(("role restart portal", "ok")) == 1, seen
PY
exit 0
