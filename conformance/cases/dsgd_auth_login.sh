#!/bin/sh
# dsgd_auth_login: the login API end to end for a Ministry user on a Ministry network (auth.ministry_networks = 127.0.0.0/8): GET /api/v1/auth/notice answers auth.logon_notice as configured ('|', quotes and Japanese included) with no credential; an application approved by another administrator, the initial password and enrolment code issued on sheets; POST /api/v1/auth/login with the issued password answers next "password-change"; the enrolment before the change is refused (403 password_change_required); a weak new password is refused (400 weak_password, naming the rules it breaks) and the login goes on; a good one answers next "enrol-totp"; the enrolment code answers an otpauth:// URI and next "confirm-totp"; a code of that secret (computed here, RFC 6238) completes the login with Set-Cookie __Host-dsg_session (Secure, HttpOnly, SameSite=Strict, Max-Age = auth.session_max_lifetime) and "previous_login": null with "failures_since": 1 (the wrong password before it), and with "bearer": true the token is in the body too, with the first login as "previous_login" (its UTC RFC 3339 time and computer name 127.0.0.1) and "failures_since": 1 (a replayed TOTP code), the count 0 again in auth.db; GET /api/v1/auth/session answers the user ID for the cookie and for the bearer token; the same code again is refused (replay); logout ends the session (the cookie cleared, then 401 session_expired); a suspended account's correct password gets exactly the answer of a wrong password and of an unknown user ID (401 {"error":"auth_failed","message":...}, one fixed message); `dsgctl account sessions` lists the live session (never its token) and `account logout USER SESSION` ends it (the bearer token then gets 401; a second logout is no_session); after a resume the password step goes on to "totp"; three wrong passwords lock the account (state locked in auth.db) and the correct one then gets the same 401, until `dsgctl account unlock` (active again; a second unlock is not_locked), the lock recorded as 4123 (a warning by system:auth) and the unlock and logout as 4116 and 4118 in アカウント管理操作ログ and as "unlocked" and "logout-forced" in 認証ログ; a body that is not the step's JSON object gets 400 bad_request; failed steps from one source beyond auth.source_failures_per_minute (12 here) within a minute are answered 429 {"error":"rate_limited","message":...} before any hash, a correct password included, and recorded as rate-limited; every step is in the trail as 認証ログ (type 14) with event time, computer name (the client address), user ID, an empty Windows account name (a browser reports none) and event, an unknown user ID recorded only as a keyed hash, no password, code or token anywhere in the trail.
# @relation(REQ-ACCT-018, REQ-MFA-014, REQ-ACCT-015, REQ-MFA-013, REQ-MFA-001, REQ-MFA-002, REQ-MFA-005, REQ-MFA-006, REQ-MFA-009, REQ-MFA-011, REQ-MFA-012, REQ-MFA-017, REQ-ACCT-014, REQ-LOG-029, REQ-MFA-021, REQ-MFA-024, REQ-MFA-025, REQ-ACCT-022)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

same_refusal() {   # same_refusal NAME: 401 auth_failed with its one message, and nothing else
    [ "$(cat "$t/$1.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted"}' ] || fail "$1: $(cat "$t/$1.json")"
    ! grep -qi '^set-cookie:' "$t/$1.h" || fail "$1: a cookie"
}

cat >"$t/gw.conf" <<'EOF'
auth.ministry_networks = "127.0.0.0/8"
auth.scrypt_n = 1024
auth.source_failures_per_minute = 12
auth.logon_notice = "Authorised users only | 利用は記録されます \"DSG\""
log.ack_timeout = 5s
EOF
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'
admin_login
member_login
case_orgs

# the notice, before any credential
api_step notice 200 /api/v1/auth/notice '' -X GET
[ "$(api_member notice notice)" = 'Authorised users only | 利用は記録されます "DSG"' ] ||
    fail "notice: $(cat "$t/notice.json")"

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
api_step before 401 /api/v1/auth/login '{"user_id":"sato","password":"Wrong-passw0rd-0"}'
api_step login 200 /api/v1/auth/login "{\"user_id\":\"sato\",\"password\":$pw_json}"
[ "$(api_member login next)" = password-change ] || fail "login: $(cat "$t/login.json")"
login=$(api_member login login)
api_step early 403 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$code\"}"
[ "$(api_member early error)" = password_change_required ] || fail "early: $(cat "$t/early.json")"
api_step weak 400 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"short\"}"
[ "$(api_member weak error)" = weak_password ] && [ "$(api_member weak next)" = password-change ] &&
    [ "$(api_member weak rules)" = "['too-short', 'few-classes']" ] || fail "weak: $(cat "$t/weak.json")"
api_step change 200 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
[ "$(api_member change next)" = enrol-totp ] || fail "change: $(cat "$t/change.json")"
api_step enrol 200 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$code\"}"
[ "$(api_member enrol next)" = confirm-totp ] || fail "enrol: $(cat "$t/enrol.json")"
uri=$(api_member enrol otpauth)
case $uri in otpauth://totp/*secret=*) ;; *) fail "enrol: $uri" ;; esac
c1=$(totp_code "$uri" 0)
api_step confirm 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$c1\"}"
[ "$(api_member confirm next)" = session ] && [ "$(api_member confirm user_id)" = sato ] ||
    fail "confirm: $(cat "$t/confirm.json")"
grep -i '^set-cookie:' "$t/confirm.h" | tr -d '\r' >"$t/sc"
grep -Eqx 'Set-Cookie: __Host-dsg_session=[A-Za-z0-9_-]{22}; Path=/; Max-Age=43200; Secure; HttpOnly; SameSite=Strict' \
    "$t/sc" || fail "cookie: $(cat "$t/sc")"
cookie=$(sed 's/^Set-Cookie: \(__Host-dsg_session=[^;]*\);.*/\1/' "$t/sc")
! grep -q token "$t/confirm.json" || fail "a token in the body unasked: $(cat "$t/confirm.json")"
python3 - "$t/confirm.json" <<'PY' || fail "confirm: $(cat "$t/confirm.json")"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["previous_login"] is None and a["failures_since"] == 1, a
PY

api_step session 200 /api/v1/auth/session '' -X GET -H "Cookie: $cookie"
[ "$(api_member session user_id)" = sato ] || fail "session: $(cat "$t/session.json")"

# a second session, as an API client: the token in the body; the first code is spent
api_step login2 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
[ "$(api_member login2 next)" = totp ] || fail "login2: $(cat "$t/login2.json")"
login=$(api_member login2 login)
api_step replay 401 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$c1\"}"
api_step login3 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
login=$(api_member login3 login)
c2=$(totp_code "$uri" 1)   # the next step's code: inside the ±1 window, never used
api_step api 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$c2\",\"bearer\":true}"
bearer=$(api_member api token)
python3 - "$t/api.json" <<'PY' || fail "api: $(cat "$t/api.json")"
import json, re, sys
a = json.load(open(sys.argv[1]))
p = a["previous_login"]
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", p["time"]), a
assert p["computer"] == "127.0.0.1" and a["failures_since"] == 1, a
PY
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT last_login_computer, failures_since_login FROM accounts WHERE user_id = 'sato'")" = '127.0.0.1|0' ] ||
    fail "last login not stored"
api_step bearer 200 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $bearer"

api_step logout 200 /api/v1/auth/logout '' -H "Cookie: $cookie"
grep -i '^set-cookie:' "$t/logout.h" | tr -d '\r' | grep -qx \
    'Set-Cookie: __Host-dsg_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict' ||
    fail "logout: $(cat "$t/logout.h")"
api_step ended 401 /api/v1/auth/session '' -X GET -H "Cookie: $cookie"
[ "$(api_member ended error)" = session_expired ] || fail "ended: $(cat "$t/ended.json")"

# an administrator sees and ends sessions
expect_exit 0 "sessions" as_member sessions sato
[ "$(grep -Ec '^[0-9a-f]{12} ' "$t/out")" = 1 ] || fail "sessions: $(cat "$t/out")"
sid=$(awk 'NR == 2 { print $1 }' "$t/out")
expect_exit 0 "sessions --json" as_member sessions sato --json
python3 - "$t/out" "$sid" <<'PY' || fail "sessions --json: $(cat "$t/out")"
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])]
assert len(s) == 1 and s[0]["session"] == sys.argv[2], s
assert s[0]["factor"] == "totp" and s[0]["computer"] == "127.0.0.1", s
PY
expect_exit 64 "bad session" as_member logout sato xyz
expect_exit 0 "forced logout" as_member logout sato "$sid"
api_step forced 401 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $bearer"
expect_exit 1 "no session left" as_member logout sato
grep -q 'error no_session' "$t/err" || fail "no session: $(cat "$t/err")"

# suspended, unknown, wrong: one answer
expect_exit 0 "suspend" as_root apply suspend --user-id sato --applicant 人事課 --reason 休職
expect_exit 0 "approve suspension" as_member approve 4
api_step suspended 401 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
same_refusal suspended
api_step unknown 401 /api/v1/auth/login '{"user_id":"Typed-Secret-9","password":"Brand-new-passw0rd"}'
same_refusal unknown
expect_exit 0 "resume" as_root apply resume --user-id sato --applicant 人事課 --reason 復職
expect_exit 0 "approve resumption" as_member approve 5
api_step resumed 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
[ "$(api_member resumed next)" = totp ] || fail "resumed: $(cat "$t/resumed.json")"
for i in 1 2 3; do
    api_step "wrong$i" 401 /api/v1/auth/login '{"user_id":"sato","password":"Wrong-passw0rd-x"}'
    same_refusal "wrong$i"
done
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT state FROM accounts WHERE user_id = 'sato'")" = locked ] ||
    fail "not locked"
api_step locked 401 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
same_refusal locked
expect_exit 0 "unlock" as_member unlock sato
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT state FROM accounts WHERE user_id = 'sato'")" = active ] ||
    fail "not unlocked"
api_step unlocked 200 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'
expect_exit 1 "unlock an open account" as_member unlock sato
grep -q 'error not_locked' "$t/err" || fail "not locked: $(cat "$t/err")"

# bad bodies
api_step nojson 400 /api/v1/auth/login 'user_id=sato'
api_step extra 400 /api/v1/auth/login '{"user_id":"sato","password":"x","admin":true}'
api_step missing 400 /api/v1/auth/totp '{"login":"x"}'

# throttling by source: failed steps from 127.0.0.1 up to the limit, then
# 429 before any hash, for a correct password too
limited=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13; do
    status=$(portal_curl /api/v1/auth/login -X POST -H 'Content-Type: application/json' \
        --data-binary "{\"user_id\":\"nobody$i\",\"password\":\"x\"}" -o "$t/flood.json" \
        -w '%{http_code}') || fail "flood: curl"
    if [ "$status" = 429 ]; then limited=1; break; fi
    [ "$status" = 401 ] || fail "flood $i: status $status: $(cat "$t/flood.json")"
done
[ "$limited" = 1 ] || fail "no 429 after 13 failures with auth.source_failures_per_minute = 12"
[ "$(cat "$t/flood.json")" = '{"error":"rate_limited","message":"too many failed attempts from this address; try again later"}' ] || fail "flood: $(cat "$t/flood.json")"
api_step throttled 429 /api/v1/auth/login '{"user_id":"sato","password":"Brand-new-passw0rd"}'

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
for secret in "$pw" "$code" Brand-new-passw0rd Typed-Secret-9 "${cookie#*=}" "$bearer"; do
    ! grep -qF -- "$secret" "$t/export" || fail "a secret is in the trail: $secret"
done
python3 - "$t/export" "$(uname -n)" <<'PY' || fail "trail: $(grep '"type":14' "$t/export")"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
auth = [r["fields"] for r in recs if r.get("type") == 14 and not r["fields"]["user_id"].startswith("kanri")]
events = [f["event"] for f in auth]
for want in ["password-accepted", "password-change-refused", "password-changed",
             "totp-enrolment-begun", "totp-enrolled", "session-used", "credential-refused",
             "totp-accepted", "logout", "password-refused", "locked", "unlocked",
             "logout-forced", "rate-limited"]:
    assert want in events, (want, events)
for f in auth:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", f["event_time"]), f
    admin = f["event"] in ("unlocked", "logout-forced")   # dsgctl, on the gateway
    assert f["computer_name"] == (sys.argv[2] if admin else "127.0.0.1"), f
    assert (f["user_id"] == "sato" or re.fullmatch(r"unknown:[0-9a-f]{16}", f["user_id"])
            or (f["user_id"] == "-" and f["event"] in ("session-refused", "rate-limited"))), f
    assert f["windows_account"] == "", f   # a browser reports no Windows account
unknown = [f for f in auth if f["user_id"].startswith("unknown:")]
assert unknown and unknown[0]["detail"] == "no such account", unknown
ops = [r["fields"] for r in recs if r.get("type") == 15]
assert any(f["event_id"] == "4116" and f["user_name"].endswith("account=sato") for f in ops), ops
lock = [f for f in ops if f["event_id"] == "4123"]
assert len(lock) == 1 and lock[0]["user_name"] == "actor=system:auth account=sato", lock
assert lock[0]["level"] == "警告" and "state active -> locked" in lock[0]["detail"], lock
assert any(f["event_id"] == "4118" and "1 session ended" in f["detail"] for f in ops), ops
locked = [f for f in auth if f["event"] == "locked"]
assert locked and locked[0]["detail"] == "password wrong (failure 3 of 3); the account is now locked", locked
wrong = [f for f in auth if f["event"] == "credential-refused" and f["detail"].startswith("password wrong")]
runs = [[f["detail"] for f in wrong[i:i + 2]] for i in range(len(wrong))]
assert ["password wrong (failure 1 of 3)", "password wrong (failure 2 of 3)"] in runs, wrong
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
