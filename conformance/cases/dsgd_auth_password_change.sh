#!/bin/sh
# dsgd_auth_password_change: a logged-in Ministry user changes the password through POST /api/v1/auth/password/change (auth.ministry_networks = 127.0.0.0/8, TOTP): after a first login (a cookie session) and a second one (a bearer session), the change in the bearer session is refused without a session (401 session_expired), with a weak new password (400 weak_password, naming the rules), without a TOTP code (400 second_factor_required), with a wrong current password (401 auth_failed), with the current password as the new one (400 password_reused) and with a wrong code (401 auth_failed); with the current password, a good new one and a fresh code it answers 200 {"user_id","sessions_ended":1}: the cookie session then gets 401 session_expired, the bearer session goes on, the same code is refused a second time, the old password gets 401 and the new one logs in; the session of a TOTP login asks for no assertion options (400 totp_session); the change is recorded as 認証ログ "password-changed" and the ended session as "logout-forced", the refusals as "password-change-refused" and "credential-refused", with no password or code in the trail.
# @relation(REQ-MFA-010, REQ-MFA-017)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

cat >"$t/gw.conf" <<'EOF'
auth.ministry_networks = "127.0.0.0/8"
auth.scrypt_n = 1024
auth.source_failures_per_minute = 100
auth.totp_skew_steps = 3
log.ack_timeout = 5s
EOF
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'
admin_login
member_login
case_orgs

expect_exit 0 "register" as_root apply register --user-id sato --applicant 人事課 --reason 着任 \
    --name 佐藤 --org 防衛装備庁 --org-kind ministry --contract C-9 --type ministry \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "approve" as_member approve 3
expect_exit 0 "password sheet" as_root credentials sato --sheet password
pw=$(sed -n 's/^password: //p' "$t/out")
expect_exit 0 "code sheet" as_root credentials sato --sheet code
code=$(sed -n 's/^code: //p' "$t/out")
pw_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$pw")

# the first login (a cookie session), then a second one (a bearer session)
api_step login 200 /api/v1/auth/login "{\"user_id\":\"sato\",\"password\":$pw_json}"
login=$(api_member login login)
api_step change 200 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
api_step enrol 200 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$code\"}"
uri=$(api_member enrol otpauth)
api_step first 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$uri" 0)\"}"
cookie=$(grep -i '^set-cookie:' "$t/first.h" | tr -d '\r' | sed 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/')
api_step login2 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
login=$(api_member login2 login)
api_step second 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$uri" 1)\",\"bearer\":true}"
bearer=$(api_member second token)
# a code is accepted once and only after the last one accepted: the next
# step's (auth.totp_skew_steps = 3 lets the case run without waiting for
# the clock)
c3=$(totp_code "$uri" 2)

change() {   # change NAME WANT-STATUS CURRENT NEW CODE [curl args]
    n=$1 w=$2 cur=$3 new=$4 c=$5
    shift 5
    if [ -n "$c" ]; then b="{\"current_password\":\"$cur\",\"new_password\":\"$new\",\"code\":\"$c\"}"
    else b="{\"current_password\":\"$cur\",\"new_password\":\"$new\"}"; fi
    api_step "$n" "$w" /api/v1/auth/password/change "$b" "$@"
}
auth="Authorization: Bearer $bearer"
change nosession 401 Brand-new-passw0rd Another-passw0rd-2 "$c3"
[ "$(api_member nosession error)" = session_expired ] || fail "nosession: $(cat "$t/nosession.json")"
change weak 400 Brand-new-passw0rd short "$c3" -H "$auth"
[ "$(api_member weak error)" = weak_password ] && [ "$(api_member weak rules)" = "['too-short', 'few-classes']" ] ||
    fail "weak: $(cat "$t/weak.json")"
change nocode 400 Brand-new-passw0rd Another-passw0rd-2 "" -H "$auth"
[ "$(api_member nocode error)" = second_factor_required ] || fail "nocode: $(cat "$t/nocode.json")"
change wrongpw 401 Wrong-passw0rd-x Another-passw0rd-2 "$c3" -H "$auth"
[ "$(cat "$t/wrongpw.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted"}' ] || fail "wrongpw: $(cat "$t/wrongpw.json")"
change reused 400 Brand-new-passw0rd Brand-new-passw0rd "$c3" -H "$auth"
[ "$(api_member reused error)" = password_reused ] || fail "reused: $(cat "$t/reused.json")"
change wrongcode 401 Brand-new-passw0rd Another-passw0rd-2 000000 -H "$auth"
change changed 200 Brand-new-passw0rd Another-passw0rd-2 "$c3" -H "$auth"
[ "$(cat "$t/changed.json")" = '{"user_id":"sato","sessions_ended":1}' ] ||
    fail "changed: $(cat "$t/changed.json")"
api_step cookiegone 401 /api/v1/auth/session '' -X GET -H "Cookie: $cookie"
api_step bearerstays 200 /api/v1/auth/session '' -X GET -H "$auth"
change again 401 Another-passw0rd-2 Third-passw0rd-3x "$c3" -H "$auth"
api_step oldpw 401 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
api_step newpw 200 /api/v1/auth/login '{"user_id":"sato","password":"Another-passw0rd-2"}'
[ "$(api_member newpw next)" = totp ] || fail "newpw: $(cat "$t/newpw.json")"
api_step options 400 /api/v1/auth/password/change/options '{}' -H "$auth"
[ "$(api_member options error)" = totp_session ] || fail "options: $(cat "$t/options.json")"
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT count(*) FROM credentials WHERE user_id = 'sato' AND kind = 'password' AND ended_at IS NULL")" = 1 ] ||
    fail "not one live password"

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
for secret in "$pw" "$code" Brand-new-passw0rd Another-passw0rd-2 "$c3" "$bearer"; do
    ! grep -qF -- "$secret" "$t/export" || fail "a secret is in the trail: $secret"
done
python3 - "$t/export" <<'PY' || fail "trail: $(grep '"type":14' "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
auth = [r["fields"] for r in recs if r.get("type") == 14]
changed = [f for f in auth if f["event"] == "password-changed" and "in a session" in f["detail"]]
assert len(changed) == 1 and "1 other session ended" in changed[0]["detail"], changed
forced = [f for f in auth if f["event"] == "logout-forced"]
assert len(forced) == 1 and "the password changed" in forced[0]["detail"], forced
assert forced[0]["user_id"] == "sato" and forced[0]["computer_name"] == "127.0.0.1", forced
refused = [f["detail"] for f in auth if f["event"] == "password-change-refused"]
assert any("too-short" in d for d in refused) and any("last 5" in d for d in refused), refused
creds = [f["detail"] for f in auth if f["event"] == "credential-refused"]
assert any(d.startswith("current password wrong") for d in creds), creds
assert any(d.startswith("TOTP code") for d in creds), creds
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
