#!/bin/sh
# dsgd_account_factor_reset: a lost or compromised second factor is replaced only through a reset-factor application. A Ministry user registered by one administrator and approved by the other logs in for the first time (issued password, new password, TOTP enrolment with the enrolment code) and holds a session; a second login waits after its password step; `dsgctl account apply reset-factor` entered by kanri1 is refused to kanri1 (self_approval) and approved by kanri2: the account stays active, its TOTP secret is revoked (revoked_at set, the secret overwritten with zeroes in auth.db), the session answers 401 session_expired and the waiting login's TOTP step 401; the next login asks for an enrolment (next "enrol-totp"), a code of the old secret is no step (401 login_incomplete) and the enrolment code of the first sheet is spent (401); one new code sheet is issued (128 bits, stored only as its SHA-256, valid for auth.enrolment_code_lifetime; a second is already_issued), enrols a new secret and the login opens a session; later logins take the new secret's codes and refuse the old one's; a reset of a deleted account (a rejected registration's) is refused_in_state; the trail holds 4100 for the application, 4122 for the approval (naming the revoked factor and the ended session), 4190 for the refusals, 4121 for the new code and, as 認証ログ, factor-reset and logout-forced; no password, code, secret or token anywhere in the trail.
# @relation(REQ-MFA-006, REQ-ACCT-001, REQ-ACCT-002, REQ-ACCT-018, REQ-MFA-017, REQ-ACCT-015)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

db_q() { sqlite3 "$t/var/auth/auth.db" "$1"; }
# enrol_and_login CODE NAME: a login that enrols a TOTP secret with CODE;
# the secret's URI in $t/NAME.uri, the session token in $t/NAME.token
enrol_and_login() {
    api_step "$2-pw" 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
    [ "$(api_member "$2-pw" next)" = enrol-totp ] || fail "$2: $(cat "$t/$2-pw.json")"
    l=$(api_member "$2-pw" login)
    api_step "$2-enrol" 200 /api/v1/auth/totp/enrol "{\"login\":\"$l\",\"code\":\"$1\"}"
    api_member "$2-enrol" otpauth >"$t/$2.uri"
    api_step "$2-confirm" 200 /api/v1/auth/totp \
        "{\"login\":\"$l\",\"code\":\"$(totp_code "$(cat "$t/$2.uri")" 0)\",\"bearer\":true}"
    [ "$(api_member "$2-confirm" next)" = session ] || fail "$2: $(cat "$t/$2-confirm.json")"
    api_member "$2-confirm" token >"$t/$2.token"
}

cat >"$t/gw.conf" <<'EOF'
auth.ministry_networks = "127.0.0.0/8"
auth.scrypt_n = 1024
log.ack_timeout = 5s
EOF
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'
admin_login
member_login
case_orgs

# registration (3), approved by the other administrator; both sheets
expect_exit 0 "register" as_root apply register --user-id sato --applicant 人事課 --reason 着任 \
    --name 佐藤 --org 防衛装備庁 --org-kind ministry --contract C-9 --type ministry \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "approve" as_member approve 3
expect_exit 0 "password sheet" as_root credentials sato --sheet password
pw=$(sed -n 's/^password: //p' "$t/out")
expect_exit 0 "code sheet" as_root credentials sato --sheet code
code=$(sed -n 's/^code: //p' "$t/out")
pw_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$pw")

# the first login: the issued password, a new one, the TOTP enrolment
api_step login 200 /api/v1/auth/login "{\"user_id\":\"sato\",\"password\":$pw_json}"
login=$(api_member login login)
api_step change 200 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
[ "$(api_member change next)" = enrol-totp ] || fail "change: $(cat "$t/change.json")"
api_step enrol 200 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$code\"}"
old_uri=$(api_member enrol otpauth)
api_step confirm 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$old_uri" 0)\",\"bearer\":true}"
token=$(api_member confirm token)
api_step session 200 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $token"
# a second login waits after its password step
api_step waiting 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
[ "$(api_member waiting next)" = totp ] || fail "waiting: $(cat "$t/waiting.json")"
waiting=$(api_member waiting login)

# the reset: entered by kanri1 (4), refused to kanri1, approved by kanri2
expect_exit 64 "reset without reason" as_root apply reset-factor --user-id sato --applicant 佐藤
expect_exit 0 "reset" as_root apply reset-factor --user-id sato --applicant 佐藤 --reason スマートフォン紛失
grep -q '^application 4 reset-factor sato: pending' "$t/out" || fail "reset: $(cat "$t/out")"
expect_exit 1 "self approval" as_root approve 4
grep -q 'error self_approval' "$t/err" || fail "self approval: $(cat "$t/err")"
[ "$(db_q "SELECT count(*) FROM totp WHERE user_id = 'sato' AND revoked_at IS NULL")" = 1 ] ||
    fail "the factor went before the approval"
expect_exit 0 "approve reset" as_member approve 4
grep -q '^application 4 approved: sato is active' "$t/out" || fail "approve reset: $(cat "$t/out")"
grep -q 'TOTP revoked, 0 WebAuthn credentials revoked, 0 live enrolment codes ended, 1 session ended, 1 login in progress dropped' "$t/out" ||
    fail "approve reset: $(cat "$t/out")"
[ "$(db_q "SELECT state FROM accounts WHERE user_id = 'sato'")" = active ] || fail "state changed"
[ "$(db_q "SELECT revoked_at IS NOT NULL, secret = zeroblob(length(secret)) FROM totp WHERE user_id = 'sato'")" = '1|1' ] ||
    fail "the secret is not revoked: $(db_q "SELECT revoked_at FROM totp")"
[ "$(db_q "SELECT from_state || '>' || to_state || ' ' || application FROM history WHERE user_id = 'sato' AND event = 'reset-factor'")" = 'active>active 4' ] ||
    fail "history: $(db_q "SELECT * FROM history WHERE user_id = 'sato'")"

# the session and the waiting login are gone; the old secret opens nothing
api_step gone 401 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $token"
[ "$(api_member gone error)" = session_expired ] || fail "gone: $(cat "$t/gone.json")"
api_step stale 401 /api/v1/auth/totp "{\"login\":\"$waiting\",\"code\":\"$(totp_code "$old_uri" 1)\"}"
api_step next 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
[ "$(api_member next next)" = enrol-totp ] || fail "next: $(cat "$t/next.json")"
login=$(api_member next login)
api_step old 401 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$old_uri" 0)\"}"
[ "$(api_member old error)" = login_incomplete ] || fail "old: $(cat "$t/old.json")"
api_step again 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
login=$(api_member again login)
api_step spent 401 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$code\"}"

# one new code sheet, then the enrolment of a new secret
expect_exit 0 "new code sheet" as_root credentials sato --sheet code
code2=$(sed -n 's/^code: //p' "$t/out")
[ -n "$code2" ] && [ "$code2" != "$code" ] || fail "new code: $(cat "$t/out")"
# 128 bits, stored only as its SHA-256, for auth.enrolment_code_lifetime (7 days)
echo "$code2" | grep -Eqx '([0-9a-f]{4}-){7}[0-9a-f]{4}' || fail "new code: $code2"
digest=$(printf '%s' "$code2" | tr -d '-' | sha256sum | cut -d' ' -f1)
[ "$(db_q "SELECT count(*) FROM credentials WHERE user_id = 'sato' AND kind = 'enrolment_code' AND ended_at IS NULL AND verifier = '$digest' AND expires_at - issued_at = 604800")" = 1 ] ||
    fail "the new code is not stored as its hash: $(db_q "SELECT * FROM credentials WHERE kind = 'enrolment_code'")"
! cat "$t/var/auth/auth.db"* | grep -aqF -- "$code2" || fail "the code itself is in auth.db"
expect_exit 1 "second new code" as_root credentials sato --sheet code
grep -q 'error already_issued' "$t/err" || fail "second new code: $(cat "$t/err")"
enrol_and_login "$code2" fresh
new_uri=$(cat "$t/fresh.uri")
[ "$new_uri" != "$old_uri" ] || fail "the same secret again"
api_step fresh-session 200 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $(cat "$t/fresh.token")"
# the next login: the new secret's code, not the old one's
api_step later 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
[ "$(api_member later next)" = totp ] || fail "later: $(cat "$t/later.json")"
login=$(api_member later login)
api_step later-old 401 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$old_uri" 1)\"}"
api_step later2 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
login=$(api_member later2 login)
api_step later-new 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$new_uri" 1)\"}"

# no reset for a deleted account
expect_exit 0 "register kato" as_root apply register --user-id kato --applicant 人事課 --reason 着任 \
    --name 加藤 --org 防衛装備庁 --org-kind ministry --contract C-9 --type ministry \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "reject kato" as_member reject 5 --reason 重複
expect_exit 1 "reset deleted" as_root apply reset-factor --user-id kato --applicant 人事課 --reason 紛失
grep -q 'error refused_in_state' "$t/err" || fail "reset deleted: $(cat "$t/err")"

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
for secret in "$pw" "$code" "$code2" Brand-new-passw0rd "$token" "$(cat "$t/fresh.token")" \
    "$(python3 -c 'import sys,urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["secret"][0])' "$old_uri")" \
    "$(python3 -c 'import sys,urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["secret"][0])' "$new_uri")"; do
    ! grep -qF -- "$secret" "$t/export" || fail "a secret is in the trail: $secret"
done
python3 - "$t/export" <<'PY' || fail "trail: $(grep -E '"type":1[45]' "$t/export" | grep sato)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ops = [r["fields"] for r in recs if r.get("type") == 15]
def one(pred, what):
    got = [f for f in ops if pred(f)]
    assert got, (what, ops)
    return got[0]
one(lambda f: f["event_id"] == "4100" and "application 4: reset-factor sato entered" in f["detail"]
    and "actor=kanri1" in f["user_name"], "entered")
f = one(lambda f: f["event_id"] == "4122", "approved")
assert "actor=kanri2 account=sato" == f["user_name"], f
assert "application 4 (reset-factor) approved; state active -> active" in f["detail"], f
assert "TOTP revoked" in f["detail"] and "1 session ended" in f["detail"], f
assert f["level"] == "情報" and f["task_category"] == "account", f
one(lambda f: f["event_id"] == "4190" and "self_approval" in f["detail"], "self approval")
one(lambda f: f["event_id"] == "4190" and "refused_in_state" in f["detail"]
    and f["user_name"].endswith("account=kato"), "deleted")
one(lambda f: f["event_id"] == "4190" and "already_issued" in f["detail"], "second code")
assert len([f for f in ops if f["event_id"] == "4121" and f["user_name"].endswith("account=sato")]) == 2, ops
auth = [r["fields"] for r in recs if r.get("type") == 14 and r["fields"]["user_id"] == "sato"]
events = [f["event"] for f in auth]
reset = [f for f in auth if f["event"] == "factor-reset"]
assert len(reset) == 1 and "TOTP revoked" in reset[0]["detail"], events
forced = [f for f in auth if f["event"] == "logout-forced"]
assert forced and forced[-1]["detail"] == "1 session ended by a factor reset", forced
i = events.index("factor-reset")
assert "totp-enrolled" in events[i:], events      # the new factor, after the reset
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
