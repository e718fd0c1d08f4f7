#!/bin/sh
# dsgd_logd_settings: logd runs with the log.* keys of `dsgd -f FILE` (log.checkpoint_records = 3, log.retention_days = 30, log.max_field_bytes = 512, log.checkpoint_interval = 5s), as its start line says and as it acts (a checkpoint after every 3 records); SIGHUP with log.retention_days = 60 restarts logd alone, which then keeps records 60 days, the master's "reloaded" record (naming logd's settings as changed) stored before logd restarts with them; the chain still verifies offline afterwards.
# @relation(REQ-LOG-007, REQ-LOG-004, REQ-RUN-048, REQ-ACCT-019)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

conf() {
    printf 'log.checkpoint_records = 3\nlog.retention_days = %s\nlog.max_field_bytes = 512\nlog.checkpoint_interval = 5s\n' "$1" >"$t/dsgd.conf"
}
conf 30
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'logd\[[0-9]+\]: audit: store open \(checkpoint every 3 records or 5000 ms, fields cut at 512 bytes, records kept 30 days\)'
wait_log 'master: portal\[[0-9]+\] ready'
portal=$(worker_pid portal) logd=$(worker_pid logd)
# three groups of three, a second apart, so that logd commits (and checkpoints) each group on
# its own even on a loaded machine, where records queued together are committed together
for i in 1 2 3 4 5 6 7 8 9; do
    portal_curl "/api/v1/health?n=$i" >/dev/null 2>&1 || fail "health $i"
    [ $((i % 3)) -ne 0 ] || sleep 1
done

conf 60
kill -HUP "$dsgd_pid"
wait_log 'master: SIGHUP: configuration reloaded, generation 2; restarting logd to apply it'
wait_log 'logd\[[0-9]+\]: audit: store open \(.* records kept 60 days\)'
[ "$(worker_pid portal)" = "$portal" ] || fail "the portal was restarted"
[ "$(worker_pid logd)" != "$logd" ] || fail "logd was not restarted"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
"$DSGCTL" log pubkey "$t/var/logd" >"$t/pub" || fail "pubkey"
"$DSGCTL" log verify --offline --pubkey "$t/pub" "$t/var/logd" >"$t/verify" 2>&1 || fail "verify: $(cat "$t/verify")"
# with log.checkpoint_records = 3, the portal's 9 records are covered by a
# checkpoint every 3 (the default, 1000, gives only the final one)
"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
python3 - "$t/export" <<'PY' || fail "checkpoints: $(grep '"type":100' "$t/export" | head -5)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
portal = [r for r in rows if r["source"] == "portal" and r["type"] == 100]
assert len(portal) >= 3, len(portal)
# the change to logd's settings is on record before logd restarts with it
reloads = [r for r in rows if r["source"] == "master" and r.get("fields", {}).get("event") == "reloaded"]
assert len(reloads) == 1 and "settings changed: logd" in reloads[0]["fields"]["detail"], reloads
starts = [r for r in rows if r["source"] == "logd" and r.get("fields", {}).get("event") == "started"]
assert len(starts) == 2 and starts[0]["recorded_at"] <= reloads[0]["recorded_at"] <= starts[1]["recorded_at"], (starts, reloads)
PY
exit 0
