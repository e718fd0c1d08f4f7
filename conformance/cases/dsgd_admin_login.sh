#!/bin/sh
# dsgd_admin_login: every administrative dsgctl command needs a DSG administrator's own login on top of the control socket's group check; `dsgctl login` shows auth.logon_notice before any credential and, once logged in, the previous login (time, computer; "none" at first) and the failed attempts since it. Before any login, `account list`, `config show`, `log verify` and `role restart` are refused with exit 77 and code admin_login_required while `status` (the health probe) answers; root bootstraps kanri1 and kanri2 without a login; `dsgctl login` takes the issued password, a new one, the enrolment code and a code of the TOTP secret it shows (secrets one a line on standard input, none on the command line) and keeps the token in $DSGCTL_TOKEN_FILE, mode 0600; a wrong password and a wrong code are refused (exit 1); a decision on an application under a login older than auth.reauth_max_age (3 s here) is refused (77, reauth_required) and goes through after a new login; the token works for root only: a dsgadm member presenting a copy is refused (77), and a token file readable by others is refused; the portal refuses the administrator's token (401) and an administrator's password step on the portal (401 auth_failed, recorded as network-refused: the administrators' organisation has no registered network); `dsgctl logout` ends the token (a saved copy is refused afterwards) and removes the file; the trail names the administrator in every control record of a command it ran (uid and pid too), records each login step as "login ROUTE" only, and holds no password, code or token; every refused attempt at an administrative function — a client outside dsgadm, a command without a valid login (none, or a copied token), an administrative path on the TLS port (/api/v1/admin..., answered 404) — is also a warning (警告, event 4191 from ctl with uid and pid, 4192 from the portal with the client's address) in アカウント管理操作ログ naming what was attempted.
# @relation(REQ-ACCT-012, REQ-ACCT-013, REQ-ACCT-011, REQ-ACCT-020, REQ-MFA-014, REQ-MFA-015, REQ-MFA-017, REQ-RUN-021)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

{ printf 'auth.scrypt_n = 1024\nauth.reauth_max_age = 3s\n'; admin_conf 10; } >"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done

# no login yet: refused, but for the health probe
for cmd in "account list" "config show" "log verify" "role restart portal"; do
    # shellcheck disable=SC2086
    expect_exit 77 "$cmd without a login" "$DSGCTL" $cmd --socket "$sock"
    grep -q '(admin_login_required)' "$t/err" || fail "$cmd: $(cat "$t/err")"
done
expect_exit 0 "status without a login" "$DSGCTL" status --socket "$sock"
# outside dsgadm: refused by the socket's mode, or, past a mode opened by
# mistake, by ctl, which records the attempt
chmod 0755 "$t/var/run"
chmod 0666 "$sock"
expect_exit 77 "outside dsgadm" setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --clear-groups -- \
    "$DSGCTL" status --socket "$sock"
chmod 0660 "$sock"
chmod 0750 "$t/var/run"
grep -q '(not-authorized)' "$t/err" || fail "outside dsgadm: $(cat "$t/err")"
# administration is not on the TLS port
status=$(portal_curl '/api/v1/admin/accounts?all=1' -o /dev/null -w '%{http_code}')
[ "$status" = 404 ] || fail "an administrative path on the TLS port: $status"

expect_exit 0 "bootstrap" as_root bootstrap kanri1 kanri2
cp "$t/out" "$t/admins.sheets"
pw=$(sheet kanri1 password)
code=$(sheet kanri1 code)
admin_login
grep -q '^otpauth://totp/DSG:kanri1?secret=' "$t/login.out" && grep -q '^logged in as kanri1$' "$t/login.out" ||
    fail "first login: $(cat "$t/login.out")"
# the logon notice first, and the previous login after (none yet)
[ "$(head -n 1 "$t/login.out")" = 'This system is for authorised use only. Its use is monitored and recorded; unauthorised use is prohibited.' ] &&
    grep -q '^previous login: none$' "$t/login.out" && grep -q '^failed attempts since: 0$' "$t/login.out" ||
    fail "notice and previous login: $(cat "$t/login.out")"
[ "$(stat -c '%a %U' "$DSGCTL_TOKEN_FILE")" = "600 root" ] || fail "token file: $(stat -c '%a %U' "$DSGCTL_TOKEN_FILE")"
token=$(cat "$DSGCTL_TOKEN_FILE")
expect_exit 0 "account list after the login" as_root list
grep -q '^kanri1 ' "$t/out" || fail "list: $(cat "$t/out")"
expect_exit 0 "config show after the login" "$DSGCTL" config show --socket "$sock"

# wrong credentials: refused, the token file left alone
printf 'Wrong-Password-1\n' >"$t/in"
expect_exit 1 "wrong password" "$DSGCTL" login --user kanri1 --socket "$sock" <"$t/in"
grep -q 'refused (auth_failed)' "$t/err" || fail "wrong password: $(cat "$t/err")"
printf '%s\n000000\n' "$ADMIN_PASSWORD" >"$t/in"
expect_exit 1 "wrong code" "$DSGCTL" login --user kanri1 --socket "$sock" <"$t/in"
[ "$(cat "$DSGCTL_TOKEN_FILE")" = "$token" ] || fail "a refused login replaced the token"

# the token is root's: a member of dsgadm cannot use a copy of it
mkdir -p "$t/member"
cp "$DSGCTL_TOKEN_FILE" "$t/member/admin.token"
chown nobody "$t/member" "$t/member/admin.token"
expect_exit 77 "another user's token" as_member list
grep -q "another user's" "$t/err" || fail "another user's token: $(cat "$t/err")"
chmod 644 "$DSGCTL_TOKEN_FILE"
expect_exit 77 "token readable by others" as_root list
grep -q 'not a private file' "$t/err" || fail "mode 644: $(cat "$t/err")"
chmod 600 "$DSGCTL_TOKEN_FILE"

# a decision needs a login younger than auth.reauth_max_age (3 s here)
expect_exit 0 "an application" as_root apply suspend --user-id kanri2 --applicant a --reason r
sleep 4
expect_exit 77 "a decision under an old login" as_root approve 3
grep -q '(reauth_required)' "$t/err" || fail "old login: $(cat "$t/err")"
admin_login   # it shows the first login and the two refusals since
grep -Eq "^previous login: [0-9-]+T[0-9:.]+Z from $(uname -n)\$" "$t/login.out" &&
    grep -q '^failed attempts since: 2$' "$t/login.out" || fail "previous login: $(cat "$t/login.out")"
token=$(cat "$DSGCTL_TOKEN_FILE")
expect_exit 1 "a decision under a fresh login" as_root approve 3
grep -q 'self_approval' "$t/err" || fail "fresh login: $(cat "$t/err")"

# the portal is not for administrators
status=$(portal_curl /api/v1/auth/session -H "Authorization: Bearer $token" -o "$t/s.json" -w '%{http_code}')
[ "$status" = 401 ] || fail "the portal accepted an administrator's token: $status $(cat "$t/s.json")"
body=$(python3 -c 'import json,sys; print(json.dumps({"user_id": "kanri1", "password": sys.argv[1]}))' "$ADMIN_PASSWORD")
status=$(portal_curl /api/v1/auth/login -X POST -H 'Content-Type: application/json' --data-binary "$body" \
    -o "$t/l.json" -w '%{http_code}')
[ "$status" = 401 ] && [ "$(cat "$t/l.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted"}' ] ||
    fail "an administrator's password step on the portal: $status $(cat "$t/l.json")"

# logout: the token ends, the file goes
expect_exit 0 "logout" "$DSGCTL" logout --socket "$sock"
grep -q '^logged out$' "$t/out" || fail "logout: $(cat "$t/out")"
[ ! -e "$DSGCTL_TOKEN_FILE" ] || fail "the token file is still there"
expect_exit 77 "after logout" as_root list
printf '%s\n' "$token" >"$t/old.token"
chmod 600 "$t/old.token"
expect_exit 77 "an ended token" env DSGCTL_TOKEN_FILE="$t/old.token" "$DSGCTL" account list --socket "$sock"
expect_exit 77 "a second logout" "$DSGCTL" logout --socket "$sock"

# the trail
admin_login
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
for secret in "$pw" "$code" "$ADMIN_PASSWORD" "$token" Wrong-Password-1; do
    ! grep -qF -- "$secret" "$t/export" || fail "a secret is in the trail: $secret"
done
python3 - "$t/export" "$nobody_uid" "$(uname -n)" <<'PY' || fail "trail: $(grep '"type":102' "$t/export" | head -c 3000)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ctl = [r["fields"] for r in recs if r.get("type") == 102]
ran = [f for f in ctl if f["command"] == "account list" and f["result"] == "ok"]
assert ran and all(f["admin"] == "kanri1" and f["uid"] == "0" and f["pid"] for f in ran), ran
refused = [f for f in ctl if f["result"] == "admin_login_required"]
assert {f["command"] for f in refused} >= {"account list", "config show", "log verify", "role restart portal"}, refused
assert all("admin" not in f for f in refused), refused
assert any(f["uid"] == sys.argv[2] for f in refused), refused   # the member's copy of the token
logins = {f["command"] for f in ctl if f["command"].startswith("login")}
assert logins == {"login notice", "login login", "login password", "login totp/enrol", "login totp"}, logins
assert any(f["command"] == "logout" and f["result"] == "ok" for f in ctl), ctl
auth = [r["fields"] for r in recs if r.get("type") == 14]
mine = [f for f in auth if f["user_id"] == "kanri1"]
events = {f["event"] for f in mine}
for want in ("password-accepted", "password-changed", "totp-enrolled", "totp-accepted", "logout"):
    assert want in events, (want, events)
portal = [f for f in mine if f["computer_name"] == "127.0.0.1"]   # the token and the login refused
# the password step is refused before its password is judged: the organisation of the
# administrators, DSG administration, has no registered network (REQ-ACCT-016)
assert sorted(f["event"] for f in portal) == ["network-refused", "session-refused"], portal
assert all(f["computer_name"] == sys.argv[3] for f in mine if f not in portal), mine
assert any(f["event"] == "admin-token-refused" and "another user" in f.get("detail", "") for f in auth), auth
# every refused attempt is a warning in アカウント管理操作ログ, with who or where and what
warn = [r["fields"] for r in recs if r.get("type") == 15 and r["fields"]["event_id"] in ("4191", "4192")]
assert all(f["level"] == "警告" and f["log_name"] == "Security" and f["keywords"] == "failure" for f in warn), warn
ctl_warn = [f for f in warn if f["event_id"] == "4191"]
assert all(f["source_name"] == "dsgd/ctl" and f["computer_name"] == sys.argv[3] for f in ctl_warn), ctl_warn
assert any(f["user_name"] == "actor=uid:0 account=-" and f["uid"] == "0" and f["detail"].startswith("account list refused on the control socket: admin_login_required") for f in ctl_warn), ctl_warn
assert any(f["uid"] == sys.argv[2] and "not-authorized" in f["detail"] and f["detail"].startswith("status refused") for f in ctl_warn), ctl_warn
assert any(f["uid"] == sys.argv[2] and "admin_login_required" in f["detail"] for f in ctl_warn), ctl_warn   # the copied token
tls = [f for f in warn if f["event_id"] == "4192"]
assert len(tls) == 1 and tls[0]["source_name"] == "dsgd/portal" and tls[0]["computer_name"] == "127.0.0.1", tls
assert tls[0]["detail"].startswith("GET /api/v1/admin/accounts?all=1 refused on the TLS port (404)") and "uid" not in tls[0], tls
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
