#!/bin/sh
# dsgd_audit_storage: with logd's directory on a 4 MiB tmpfs and log.storage_warn_percent = 20, dsgctl status shows the share in use; filling the file system past 20 % raises an alert on the master's log and the host's syslog (LOG_ALERT) and records a `storage-warning` in the audit trail, filling it further raises them again only at the next 5 % step, and freeing the space ends the warning.
# @relation(REQ-LOG-009)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
sock=$t/var/run/dsgctl.sock

printf 'log.storage_warn_percent = 20\n' >"$t/gw.conf"
mkdir -p "$t/var/logd"
mount -t tmpfs -o size=4m,mode=0700 dsg-conformance "$t/var/logd" || fail "cannot mount a tmpfs on var/logd"
syslog_capture
dsgd_start_syslog "$DSGD" -f "$t/gw.conf"
trap 'cleanup_all; umount "$t/var/logd" 2>/dev/null' EXIT
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: ctl\[[0-9]+\] ready'
"$DSGCTL" status --socket "$sock" >"$t/status" 2>&1 || fail "status: $(cat "$t/status")"
grep -Eq '^audit storage: [0-9]+% used of 4 MiB, warning at 20%$' "$t/status" || fail "status: $(cat "$t/status")"
! log_has 'ALERT: audit: the audit trail' || fail "an alert before the file system filled"

# past 20 %: one alert (the check runs every 10 s)
dd if=/dev/zero of="$t/var/logd/filler1" bs=1024 count=1000 status=none
wait_log 'master: ALERT: audit: the audit trail.s file system is 2[0-9]% full \(log.storage_warn_percent 20%\)' 15
wait_until 5 syslog_has '<25>.*audit trail.s file system is 2[0-9]% full'
sleep 11
[ "$(grep -c 'ALERT: audit: the audit trail' "$t/log")" -eq 1 ] || fail "the alert repeated at the same step"
# past the next steps: again
dd if=/dev/zero of="$t/var/logd/filler2" bs=1024 count=600 status=none
wait_log 'master: ALERT: audit: the audit trail.s file system is (3[5-9]|4[0-9])% full' 15
"$DSGCTL" status --json --socket "$sock" >"$t/json" 2>&1 || fail "status --json: $(cat "$t/json")"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["audit_storage"]; assert s["used_percent"] >= 35 and s["warn_percent"] == 20 and s["capacity_bytes"] == 4 << 20, s' "$t/json" ||
    fail "status --json: $(cat "$t/json")"
rm -f "$t/var/logd/filler1" "$t/var/logd/filler2"
wait_log 'master: audit: the audit trail.s file system is [0-9]+% full again, under 20%' 15
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
[ "$(grep '"source":"master"' "$t/export" | grep -c '"event":"storage-warning"')" -eq 2 ] ||
    fail "storage-warning records: $(grep storage-warning "$t/export")"
exit 0
