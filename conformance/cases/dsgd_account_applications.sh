#!/bin/sh
# dsgd_account_applications: accounts change only through applications decided by someone else. dsgctl refuses bad arguments before contacting dsgd (exit 64 naming the option, even with no daemon); root enters a registration (the account is PENDING, its user ID folded and taken: a second registration, in any case, is refused with user_id_taken, exit 1); root cannot approve its own application (self_approval, exit 1); a member of dsgadm approves it and the account is active; a resume of an active account is refused by the state machine (refused_in_state) and changes nothing, then is rejected; a suspension entered by the member is approved by root; the active account's initial password and enrolment code are issued on sheets, once each (a second is already_issued), stored only as an scrypt hash and a SHA-256, and are nowhere in the trail or the databases in the clear; a deletion retires the user ID for good (user_id_retired) and the account is still shown; `list`, `show` and `applications` (text and --json) show the same, long answers streamed whole; every operation is in the audit trail as アカウント管理操作ログ (type 15: event IDs 4100, 4110, 4111, 4113, 4102, 4120, 4121, and 4190 warnings for refusals, with the actor's uid, the host as computer name and an RFC 3339 date) after the control record of its request; an account whose expiry passes is moved to EXPIRED by the sweep (auth.expiry_sweep_interval) and recorded as an automatic action (4117, actor system:auth); while logd is stopped an application fails closed (exit 75) and is not stored; auth.db is the auth role's alone (owner dsg, mode 0600, in the 0700 var/auth/), passes integrity_check, and its triggers refuse deleting an account.
# @relation(REQ-ACCT-001, REQ-ACCT-002, REQ-ACCT-003, REQ-ACCT-004, REQ-ACCT-006, REQ-ACCT-007, REQ-ACCT-018, REQ-ACCT-020, REQ-LOG-030, REQ-ENROL-006, REQ-MFA-006, REQ-MFA-009, REQ-ACCT-022, REQ-ACCT-023, REQ-ENROL-004, REQ-ACCT-013)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup

register() {
    echo "register --user-id $1 --applicant 総務部 --reason 新規契約 --name 田中 --org テスト重工 --org-kind prime --contract C-1 --type company --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z"
}

# bad arguments: refused before any daemon is asked (no dsgd runs yet)
# shellcheck disable=SC2046
expect_exit 64 "bad user ID" "$DSGCTL" account apply $(register 'ta@naka') --socket "$sock"
grep -q 'user-id' "$t/err" || fail "bad user ID: $(cat "$t/err")"
expect_exit 64 "expiry after the contract" "$DSGCTL" account apply register --user-id x --applicant a \
    --reason r --name n --org o --org-kind prime --contract c --type company \
    --expiry 2099-12-01T00:00:00Z --contract-end 2099-01-01T00:00:00Z --socket "$sock"
grep -q 'after the end of the contract' "$t/err" || fail "expiry: $(cat "$t/err")"
expect_exit 64 "no reason" "$DSGCTL" account apply suspend --user-id x --applicant a --socket "$sock"
grep -q 'reason' "$t/err" || fail "no reason: $(cat "$t/err")"
expect_exit 64 "unknown kind" "$DSGCTL" account apply promote --user-id x --socket "$sock"
expect_exit 64 "bad type" "$DSGCTL" account apply register --user-id x --type root --socket "$sock"
expect_exit 64 "bad approve ID" "$DSGCTL" account approve 1x --socket "$sock"
expect_exit 64 "reject without reason" "$DSGCTL" account reject 1 --socket "$sock"
expect_exit 69 "no daemon" "$DSGCTL" account list --socket "$sock"

printf 'log.ack_timeout = 1s\ndsgd.ping_interval = 1h\nauth.expiry_sweep_interval = 1s\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
expect_exit 77 "no administrator's login" as_root list
grep -q 'admin_login_required' "$t/err" || fail "no login: $(cat "$t/err")"
admin_login
member_login

# shellcheck disable=SC2046
expect_exit 0 "register" as_root apply $(register Tanaka)
grep -q '^application 3 register tanaka: pending$' "$t/out" || fail "register: $(cat "$t/out")"
# shellcheck disable=SC2046
expect_exit 1 "second registration" as_root apply $(register TANAKA)
grep -q 'error user_id_taken' "$t/err" || fail "taken: $(cat "$t/err")"
expect_exit 1 "self-approval" as_root approve 3
grep -q 'error self_approval' "$t/err" || fail "self-approval: $(cat "$t/err")"
expect_exit 0 "list pending" as_root list
grep -Eq '^tanaka +company +prime +pending ' "$t/out" || fail "pending: $(cat "$t/out")"
expect_exit 0 "approval by another administrator" as_member approve 3
grep -q '^application 3 approved: tanaka is active$' "$t/out" || fail "approve: $(cat "$t/out")"
expect_exit 1 "decided twice" as_member approve 3
grep -q 'error already_decided' "$t/err" || fail "twice: $(cat "$t/err")"

# the initial password and the enrolment code: each shown once, kept only
# as what verifies it, never in the trail
expect_exit 0 "initial password" as_root credentials tanaka --sheet password
grep -q '^DSG initial password for tanaka (田中, テスト重工)$' "$t/out" || fail "sheet: $(cat "$t/out")"
pw=$(sed -n 's/^password: //p' "$t/out")
[ "${#pw}" -ge 16 ] || fail "initial password too short: $(cat "$t/out")"
grep -q '^valid until: [0-9-]*T[0-9:.]*Z$' "$t/out" || fail "sheet: $(cat "$t/out")"
expect_exit 1 "a second initial password" as_root credentials tanaka --sheet password
grep -q 'error already_issued' "$t/err" || fail "second sheet: $(cat "$t/err")"
expect_exit 0 "enrolment code" as_member credentials tanaka --sheet code
code=$(sed -n 's/^code: //p' "$t/out")
echo "$code" | grep -Eq '^([0-9a-f]{4}-){7}[0-9a-f]{4}$' || fail "code: $(cat "$t/out")"
expect_exit 64 "bad sheet" "$DSGCTL" account credentials tanaka --sheet pin --socket "$sock"
sqlite3 "$t/var/auth/auth.db" "SELECT verifier FROM credentials WHERE kind = 'password'" |
    grep -q '^\$scrypt\$ln=17,r=8,p=1\$' || fail "the password is not stored as its scrypt hash"

expect_exit 0 "resume of an active account" as_root apply resume --user-id tanaka --applicant a --reason r
expect_exit 1 "refused by the state machine" as_member approve 4
grep -q 'error refused_in_state' "$t/err" || fail "state machine: $(cat "$t/err")"
expect_exit 0 "show after refusal" as_root show tanaka
grep -q '^state: active$' "$t/out" || fail "refusal changed the account: $(cat "$t/out")"
expect_exit 0 "reject" as_member reject 4 --reason "not suspended"
expect_exit 0 "suspend entered by the member" as_member apply suspend --user-id tanaka --applicant a --reason r
expect_exit 0 "suspension approved by root" as_root approve 5
grep -q 'tanaka is suspended' "$t/out" || fail "suspend: $(cat "$t/out")"
expect_exit 0 "delete" as_root apply delete --user-id tanaka --applicant a --reason "契約終了"
expect_exit 0 "deletion approved" as_member approve 6
# the deleted account keeps its times and every move with its application
expect_exit 0 "show a deleted account" as_root show tanaka
for want in '^state: deleted$' '^registered_at: [0-9-]*T' '^suspended_at: [0-9-]*T' '^deleted_at: [0-9-]*T' \
    '^history:$' '^  [0-9TZ:.-]* applied - -> pending application 3 by kanri1$' \
    '^  [0-9TZ:.-]* approve pending -> active application 3 by kanri2$' \
    '^  [0-9TZ:.-]* suspend active -> suspended application 5 by kanri1$' \
    '^  [0-9TZ:.-]* delete suspended -> deleted application 6 by kanri2$'; do
    grep -q -- "$want" "$t/out" || fail "show: no '$want': $(cat "$t/out")"
done
# shellcheck disable=SC2046
expect_exit 1 "retired user ID" as_root apply $(register tanaka)
grep -q 'error user_id_retired' "$t/err" || fail "retired: $(cat "$t/err")"
expect_exit 0 "list without deleted" as_root list
! grep -q '^tanaka ' "$t/out" || fail "deleted account listed: $(cat "$t/out")"
expect_exit 0 "list --all --json" as_root list --all --json
python3 - "$t/out" <<'PY' || fail "list --json: $(cat "$t/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["type"] != "admin"]
assert len(rows) == 1, rows   # before the short-lived account and the bulk
r = rows[0]
assert r["user_id"] == "tanaka" and r["state"] == "deleted" and r["name"] == "田中", r
assert r["suspended_at"] and r["deleted_at"] and r["activated_at"], r
assert r["expiry"] == "2099-01-01T00:00:00.000Z", r
PY
expect_exit 0 "applications" as_root applications --json
[ "$(grep -c '"state":"approved"' "$t/out")" -eq 5 ] || fail "applications: $(cat "$t/out")"
[ "$(grep -c '"state":"rejected"' "$t/out")" -eq 1 ] || fail "applications: $(cat "$t/out")"

# the expiry sweep: an account whose expiry passes becomes EXPIRED by
# itself (auth.expiry_sweep_interval = 1s here)
soon=$(date -u -d "@$(($(date +%s) + 4))" +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 "short-lived registration" as_root apply register --user-id shortlived --applicant a \
    --reason r --name n --org o --org-kind vendor --contract c --type company \
    --expiry "$soon" --contract-end "$soon"
id=$(sed -n 's/^application \([0-9]*\) register shortlived: pending$/\1/p' "$t/out")
expect_exit 0 "short-lived approval" as_member approve "$id"
grep -q 'shortlived is active' "$t/out" || fail "short-lived: $(cat "$t/out")"
wait_until 15 sh -c "'$DSGCTL' account show shortlived --socket '$sock' | grep -q '^state: expired\$'" ||
    fail "not expired: $("$DSGCTL" account show shortlived --socket "$sock")"
# a resume cannot bring it back: only a new expiry can (the state machine)
expect_exit 0 "resume of an expired account" as_root apply resume --user-id shortlived --applicant a --reason r
id=$(sed -n 's/^application \([0-9]*\) resume shortlived: pending$/\1/p' "$t/out")
expect_exit 1 "resume refused" as_member approve "$id"
grep -q 'error refused_in_state' "$t/err" || fail "resume of expired: $(cat "$t/err")"
expect_exit 0 "resume rejected" as_member reject "$id" --reason "expired"

# fail-closed: with logd stopped the request cannot be recorded, so the
# application is not made
logd=$(worker_pid logd)
kill -STOP "$logd"
expect_exit 75 "apply while logd is stopped" as_root apply suspend --user-id tanaka --applicant a --reason r
grep -q 'audit-unavailable' "$t/err" || fail "fail-closed: $(cat "$t/err")"
kill -CONT "$logd"
wait_log 'master: audit: logd stores records again'
expect_exit 0 "applications after the outage" as_root applications --pending
[ "$(wc -l <"$t/out")" -eq 1 ] || fail "an application was stored while logd was stopped: $(cat "$t/out")"

# long answers come in pieces (over 4000 bytes: streamed through the bus)
i=0
while [ $i -lt 60 ]; do
    i=$((i + 1))
    # shellcheck disable=SC2046
    as_root apply $(register "bulk$i") >/dev/null 2>"$t/err" || fail "bulk $i: $(cat "$t/err")"
done
expect_exit 0 "long list" as_root list --json
[ "$(wc -l <"$t/out")" -eq 63 ] && [ "$(wc -c <"$t/out")" -gt 8000 ] || fail "long list: $(wc -lc <"$t/out")"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$t/out" || fail "long list is not JSON lines"
expect_exit 0 "long applications" as_root applications --pending
[ "$(wc -l <"$t/out")" -eq 61 ] || fail "pending: $(wc -l <"$t/out")"

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
! grep -qF -- "$pw" "$t/export" && ! grep -qF -- "$code" "$t/export" || fail "a secret is in the trail"
! grep -rqaF -- "$pw" "$t/var/auth" "$t/var/logd" || fail "the initial password is stored somewhere"
python3 - "$t/export" "$nobody_uid" "$(uname -n)" <<'PY' || fail "trail: $(grep account_ops "$t/export")"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ops = [r["fields"] for r in recs if r.get("type") == 15 and r["fields"]["source_name"] == "dsgd/auth"]
refused = [r["fields"] for r in recs if r.get("type") == 15 and r["fields"]["source_name"] == "dsgd/ctl"]
assert [f["event_id"] for f in refused] == ["4191"] and refused[0]["detail"].startswith("account list refused"), refused
ids = [f["event_id"] for f in ops]
for want in ["4100", "4110", "4111", "4113", "4102", "4120", "4121", "4190"]:
    assert want in ids, (want, ids)
for f in ops:
    assert f["source_name"] == "dsgd/auth" and f["computer_name"] == sys.argv[3], f
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", f["date"]), f
    assert f["level"] == ("警告" if f["event_id"] == "4190" else "情報"), f
    if f["event_id"] != "4117":   # an automatic action names the role, not a dsgctl
        # the administrator logged in as that Unix user (the bootstrap: root itself)
        boot = f["user_name"].endswith(("account=kanri1", "account=kanri2"))
        actor = "kanri2" if f["uid"] == sys.argv[2] else ("uid:0" if boot else "kanri1")
        assert f["user_name"].startswith("actor=" + actor + " account="), f
approved = [f for f in ops if f["event_id"] == "4110"][0]
assert approved["uid"] == sys.argv[2] and "pending -> active" in approved["detail"], approved
swept = [f for f in ops if f["event_id"] == "4117"]
assert len(swept) == 1 and swept[0]["log_name"] == "System", swept
assert swept[0]["user_name"] == "actor=system:auth account=shortlived" and "uid" not in swept[0], swept
assert "active -> expired" in swept[0]["detail"], swept
selfapp = [f for f in ops if f["event_id"] == "4190" and "self_approval" in f["detail"]]
assert selfapp and selfapp[0]["uid"] == "0", ops
ctl = [r["fields"] for r in recs if r.get("type") == 102 and r["fields"]["command"].startswith("account approve")]
assert any(c["result"] == "requested" for c in ctl), ctl
assert all(c.get("admin") == ("kanri2" if c["uid"] == sys.argv[2] else "kanri1") for c in ctl), ctl
logins = [r["fields"] for r in recs if r.get("type") == 102 and r["fields"]["command"].startswith("login")]
assert logins and all(c["command"] in ("login notice", "login login", "login password", "login totp/enrol", "login totp") for c in logins), logins
refused = [r["fields"] for r in recs if r.get("type") == 102 and r["fields"]["result"] == "admin_login_required"]
assert refused and refused[0]["command"] == "account list" and "admin" not in refused[0], refused
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
[ "$(stat -c '%U %a' "$t/var/auth/auth.db")" = "dsg 600" ] || fail "auth.db: $(stat -c '%U %a' "$t/var/auth/auth.db")"
[ "$(stat -c '%U %a' "$t/var/auth")" = "dsg 700" ] || fail "var/auth: $(stat -c '%U %a' "$t/var/auth")"
[ "$(sqlite3 "$t/var/auth/auth.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
! sqlite3 "$t/var/auth/auth.db" "DELETE FROM accounts" 2>/dev/null || fail "an account could be deleted"
[ "$(sqlite3 "$t/var/auth/auth.db" 'SELECT count(*) FROM accounts')" = 64 ] || fail "accounts changed"
exit 0
