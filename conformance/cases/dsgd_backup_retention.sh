#!/bin/sh
# dsgd_backup_retention: the retention job (docs/backup.md, "Retention"). A bkup.retention_clock_check that is neither kernel nor none stops the start. With bkup.retention_days = 0, bkup.retention_min_count = 2 and bkup.retention_clock_check = none (warned at the start), four `dsgctl backup now` runs leave the newest two: the first two are deleted after the third and fourth runs end (directory and state file gone, `dsgctl backup list` no longer shows them) and each deletion is a backup-deleted record naming the ID, its age, the kept count and that the clock was not checked. `dsgctl backup delete` does not exist (exit 64). A copy of the newest backup renamed to an ID a day in the future stops the job: after a fifth run nothing is deleted and backup-retention-skipped says the clock is behind that backup. With the default bkup.retention_clock_check = kernel, the job follows what the kernel says (read here with adjtimex through Python's ctypes): on an unsynchronised clock (TIME_ERROR, STA_UNSYNC, or a maximum error above 1 s, as in most containers) nothing is deleted at the start nor after a sixth run, and the skip is recorded once; on a synchronised clock the oldest backups beyond the newest two are deleted.
# @relation(REQ-BKUP-008, REQ-BKUP-014, REQ-NTP-003)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

backup_keys
keep='bkup.retention_days = 0
bkup.retention_min_count = 2'

printf '%s\n%s\nbkup.retention_clock_check = chrony\n' "$dest_conf" "$key_conf" >"$t/bad.conf"
start_refused "clock check" "bkup.retention_clock_check: kernel or none, not 'chrony'" -f "$t/bad.conf"

# restart_with CONF-LINES: dsgd again on them, kanri1 logged in
restart_with() {
    [ -z "${dsgd_pid:-}" ] || dsgd_stop
    SHARE_ADMIN_SKEW=3 share_gateway_conf "$1"
    share_restart
    admin_login
}

state_of() { ctl backup list 2>/dev/null | awk -v id="$1" '$1 == id { print $6 }'; }
verified() { [ "$(state_of "$1")" = verified ]; }
# backup_now: a run, verified; its ID in $id
backup_now() {
    sleep 1   # IDs are whole seconds
    expect_exit 0 "backup now" ctl backup now
    id=$(sed -n 's/^verified the backup \([0-9T]*Z\) in .*/\1/p' "$t/out")
    [ -n "$id" ] || fail "backup now: no ID in $(cat "$t/out")"
    wait_until 60 verified "$id" || fail "backup $id not verified: $(ctl backup list 2>&1)"
}
gone() { [ ! -e "$dest/$1" ] && [ ! -e "$dest/$1.state" ]; }
there() { [ -d "$dest/$1" ] && [ -f "$dest/$1.state" ]; }

restart_with "$dest_conf
$key_conf
$keep
bkup.retention_clock_check = none"
log_has 'WARNING: bkup.retention_clock_check = none' || fail "no warning: $(grep retention "$t/log")"
backup_now
id1=$id
backup_now
id2=$id
there "$id1" || fail "$id1 deleted while among the newest two: $(ls "$dest")"
backup_now
id3=$id
wait_until 10 gone "$id1" || fail "$id1 not deleted: $(ls "$dest")"
there "$id2" || fail "$id2 deleted too early: $(ls "$dest")"
backup_now
id4=$id
wait_until 10 gone "$id2" || fail "$id2 not deleted: $(ls "$dest")"
there "$id3" && there "$id4" || fail "the newest two are not kept: $(ls "$dest")"
ctl backup list >"$t/list" 2>&1 || fail "list: $(cat "$t/list")"
! grep -q -e "^$id1 " -e "^$id2 " "$t/list" || fail "list shows deleted backups: $(cat "$t/list")"
log_has "master: backup retention: deleted $id1: backup, age [0-9]+ days" ||
    fail "no log line: $(grep retention "$t/log")"
expect_exit 64 "backup delete" ctl backup delete "$id3"
grep -q "unknown command 'delete'" "$t/err" || fail "backup delete: $(cat "$t/err")"

# a backup in the future (a copy renamed): the job stops
fut=$(date -u -d '+1 day' +%Y%m%dT%H%M%SZ)
cp -a "$dest/$id4" "$dest/$fut"
sed "s/^id .*/id $fut/" "$dest/$id4.state" >"$dest/$fut.state"
backup_now
id5=$id
wait_log "backup retention: nothing deleted: the clock is behind the newest backup $fut" 10
there "$id3" && there "$id4" && there "$id5" || fail "deleted while the clock is behind: $(ls "$dest")"
rm -rf "${dest:?}/$fut" "$dest/$fut.state"

# the kernel's word (read only; this case never sets the clock)
kernel=$(python3 - <<'PY'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(512)   # struct timex, modes 0: read only
rc = libc.adjtimex(buf)
status = int.from_bytes(buf.raw[40:44], "little", signed=True)
maxerror = int.from_bytes(buf.raw[24:32], "little", signed=True)   # microseconds
print("unsynced" if rc < 0 or rc == 5 or status & 0x40 or maxerror > 1000000 else "synced")
PY
) || fail "adjtimex: $kernel"
restart_with "$dest_conf
$key_conf
$keep"
! log_has 'WARNING: bkup.retention_clock_check' || fail "a warning with the kernel check"
if [ "$kernel" = unsynced ]; then
    wait_log 'backup retention: nothing deleted: the kernel reports the clock unsynchronised' 10
    backup_now
    id6=$id
    skipped_twice() { [ "$(grep -c 'backup retention: nothing deleted: the kernel' "$t/log")" -ge 2 ]; }
    wait_until 10 skipped_twice || fail "the run after $id6: $(grep retention "$t/log")"
    there "$id3" && there "$id4" && there "$id5" && there "$id6" ||
        fail "deleted on an unsynchronised clock: $(ls "$dest")"
else
    wait_until 10 gone "$id3" || fail "$id3 not deleted on a synchronised clock: $(ls "$dest")"
    there "$id4" && there "$id5" || fail "the newest two are not kept: $(ls "$dest")"
fi

# the audit trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" "$kernel" "$fut" "$id1" "$id2" <<'PY' || fail "trail: $(grep -e retention -e deleted "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ev = [(r["fields"]["event"], r["fields"].get("detail", "")) for r in recs
      if r.get("type") == 101 and r.get("source") == "master"
      and r["fields"].get("event", "").startswith("backup-")]
kernel, fut, deleted = sys.argv[2], sys.argv[3], sys.argv[4:]
for bid in deleted:
    d = [d for e, d in ev if e == "backup-deleted" and d.startswith(bid + ": backup, age ")]
    assert len(d) == 1, (bid, ev)
    assert "older than bkup.retention_days 0" in d[0], d
    assert "2 verified backups kept (bkup.retention_min_count 2)" in d[0], d
    assert "clock not checked (bkup.retention_clock_check = none)" in d[0], d
behind = [d for e, d in ev if e == "backup-retention-skipped" and "behind the newest backup " + fut in d]
assert len(behind) == 1, ev
assert behind[0].endswith("; clock not checked (bkup.retention_clock_check = none)"), behind
unsynced = [d for e, d in ev if e == "backup-retention-skipped" and "kernel reports the clock" in d]
if kernel == "unsynced":
    assert len(unsynced) == 1, ev
    assert len([1 for e, d in ev if e == "backup-deleted"]) == 2, ev
else:
    assert not unsynced, ev
    assert len([1 for e, d in ev if e == "backup-deleted"]) == 3, ev
PY
dsgd_stop
exit 0
