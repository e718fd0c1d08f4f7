#!/bin/sh
# dsgd_account_bootstrap: the first two administrators are registered once, by root, outside the application flow. dsgctl refuses one ID, the same ID twice and a bad ID before contacting dsgd (exit 64); a dsgadm member who is not root is refused (root_required, exit 1) and nothing is stored; root registers two administrators, both ACTIVE, each with an initial password and an enrolment code printed once (stored only as an scrypt hash and a SHA-256, nowhere in the trail or the databases in the clear); a second bootstrap is refused with already_bootstrapped; the registrations are recorded as アカウント管理操作ログ (event 4115, root's uid and pid) with the sheets' records (4120, 4121) and the refusals as warnings (4190); each registration is an application entered by uid:0 and approved by system:bootstrap.
# @relation(REQ-ACCT-021, REQ-ACCT-002, REQ-MFA-006, REQ-MFA-009, REQ-LOG-030)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup

expect_exit 64 "one administrator" as_root bootstrap admin1
expect_exit 64 "the same one twice" as_root bootstrap Admin1 admin1
grep -q 'two different administrators' "$t/err" || fail "twice: $(cat "$t/err")"
expect_exit 64 "bad user ID" as_root bootstrap admin1 'ad min'
expect_exit 64 "three" as_root bootstrap a b c

printf 'log.ack_timeout = 1s\ndsgd.ping_interval = 1h\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done

expect_exit 1 "not root" as_member bootstrap admin1 admin2
grep -q 'error root_required' "$t/err" || fail "not root: $(cat "$t/err")"
[ "$(sqlite3 "$t/var/auth/auth.db" 'SELECT count(*) FROM accounts')" = 0 ] ||
    fail "accounts after a refused bootstrap"

expect_exit 0 "bootstrap" as_root bootstrap Kanri1 kanri2
cp "$t/out" "$t/sheets"
cp "$t/out" "$t/admins.sheets"   # for admin_login
admin_login
for a in kanri1 kanri2; do
    grep -q "^administrator $a: active$" "$t/sheets" || fail "$a: $(cat "$t/sheets")"
    grep -q "^DSG initial password for $a " "$t/sheets" || fail "$a password: $(cat "$t/sheets")"
    grep -q "^DSG enrolment code for $a " "$t/sheets" || fail "$a code: $(cat "$t/sheets")"
done
[ "$(grep -c '^password: ' "$t/sheets")" -eq 2 ] && [ "$(grep -c '^code: ' "$t/sheets")" -eq 2 ] ||
    fail "sheets: $(cat "$t/sheets")"
expect_exit 0 "list" as_root list
grep -Eq '^kanri1 +admin +ministry +active ' "$t/out" && grep -Eq '^kanri2 +admin +ministry +active ' "$t/out" ||
    fail "list: $(cat "$t/out")"
expect_exit 1 "second bootstrap" as_root bootstrap kanri3 kanri4
grep -q 'error already_bootstrapped' "$t/err" || fail "second: $(cat "$t/err")"
expect_exit 0 "applications" as_root applications
for a in kanri1 kanri2; do
    grep -Eq "^[0-9]+ +register +$a +approved +.* uid:0$" "$t/out" || fail "application of $a: $(cat "$t/out")"
done

"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
for secret in $(sed -n 's/^\(password\|code\): //p' "$t/sheets"); do
    ! grep -qF -- "$secret" "$t/export" || fail "a secret is in the trail"
    ! grep -rqaF -- "$secret" "$t/var/auth" "$t/var/logd" || fail "a secret is stored somewhere"
done
python3 - "$t/export" "$nobody_uid" <<'PY' || fail "trail: $(grep account_ops "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ops = [r["fields"] for r in recs if r.get("type") == 15]
boot = [f for f in ops if f["event_id"] == "4115"]
assert sorted(f["user_name"] for f in boot) == ["actor=uid:0 account=kanri1", "actor=uid:0 account=kanri2"], boot
assert all(f["uid"] == "0" and f["pid"] for f in boot), boot
assert len([f for f in ops if f["event_id"] in ("4120", "4121")]) == 4, ops
refusals = [f for f in ops if f["event_id"] == "4190"]
assert any("root_required" in f["detail"] and f["uid"] == sys.argv[2] for f in refusals), refusals
assert any("already_bootstrapped" in f["detail"] and f["uid"] == "0" for f in refusals), refusals
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT count(*) FROM accounts WHERE type = 'admin' AND state = 'active'")" = 2 ] ||
    fail "administrators in auth.db"
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT DISTINCT entered_by || ' ' || decided_by FROM applications")" = "uid:0 system:bootstrap" ] ||
    fail "applications in auth.db: $(sqlite3 "$t/var/auth/auth.db" 'SELECT * FROM applications')"
exit 0
