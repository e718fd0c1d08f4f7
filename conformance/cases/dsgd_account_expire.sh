#!/bin/sh
# dsgd_account_expire: `dsgctl account expire` runs the expiry sweep at once instead of waiting auth.expiry_sweep_interval (here an hour): an active account whose expiry has passed becomes expired, the command prints the move and the counts (`1 account expired, 0 suspended for inactivity`), and the move is recorded as アカウント管理操作ログ event 4117 with the administrator who asked as its actor (log name Application), after the control record of the request; a second run finds nothing; an argument is refused before dsgd is asked (exit 64); without an administrator's login nothing runs (77).
# @relation(REQ-ACCT-023, REQ-ACCT-004, REQ-ACCT-020, REQ-ACCT-018)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup

expect_exit 64 "an argument" "$DSGCTL" account expire now --socket "$sock"
printf 'log.ack_timeout = 1s\ndsgd.ping_interval = 1h\nauth.expiry_sweep_interval = 1h\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
expect_exit 77 "no login" as_root expire
admin_login
member_login

soon=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 "register" as_root apply register --user-id kigen --applicant 総務部 --reason 短期 \
    --name 期限 --org テスト重工 --org-kind prime --contract C-1 --type company --expiry "$soon" \
    --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "approve" as_member approve 3
expect_exit 0 "nothing due yet" as_root expire
grep -qx '0 accounts expired, 0 suspended for inactivity' "$t/out" || fail "early: $(cat "$t/out")"
sleep 5
expect_exit 0 "show before" as_root show kigen
grep -q '^state: active$' "$t/out" || fail "the hourly sweep ran: $(cat "$t/out")"
expect_exit 0 "expire" as_root expire
grep -q "^kigen: expiry .* passed; state active -> expired$" "$t/out" &&
    grep -qx '1 account expired, 0 suspended for inactivity' "$t/out" || fail "expire: $(cat "$t/out")"
expect_exit 0 "show after" as_root show kigen
grep -q '^state: expired$' "$t/out" || fail "not expired: $(cat "$t/out")"
expect_exit 0 "again" as_root expire
grep -qx '0 accounts expired, 0 suspended for inactivity' "$t/out" || fail "again: $(cat "$t/out")"

"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" <<'PY' || fail "trail: $(grep '"event_id":"4117"' "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
moves = [(i, r["fields"]) for i, r in enumerate(recs) if r.get("type") == 15 and r["fields"]["event_id"] == "4117"]
assert len(moves) == 1, moves
i, f = moves[0]
assert f["log_name"] == "Application" and f["user_name"] == "actor=kanri1 account=kigen", f
assert f["uid"] == "0" and "state active -> expired" in f["detail"], f
# the request's control record (the same dsgctl process) was stored first
asked = [r for r in recs if r.get("type") == 102 and r["fields"]["command"] == "account expire"
         and r["fields"]["result"] == "requested" and r["fields"]["pid"] == f["pid"]]
assert len(asked) == 1 and asked[0]["recorded_at"] <= recs[i]["recorded_at"], (asked, recs[i])
PY
dsgd_stop
