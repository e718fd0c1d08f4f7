#!/bin/sh
# dsgd_terminal_cert: registered terminals by client certificate. A test CA (openssl) issues three client certificates; portal.client_ca names the CA and auth.ministry_networks holds no loopback address. `dsgctl terminal register` registers the first as the Ministry terminal mod-pc-01 of 防衛装備庁 (recorded as 4132), the second stays unregistered; a bad --kind, a second registration of the name or of the certificate and an unregistered organisation are refused. A Ministry user (sato) from outside auth.ministry_networks: with the registered certificate, the password step requires TOTP (the exemption) and the first login enrols TOTP and opens a session; without a certificate, and with the unregistered one, the same password step requires WebAuthn and a TOTP step is refused; the login page's password step (POST /login) likewise gives the TOTP form with the registered certificate and none without one. POST /api/v1/auth/terminal-logon: 403 terminal_required without a certificate and with the unregistered one (recorded as terminal-logon-denied with the client address); with the registered one, the password and a fresh TOTP code answer {"decision":"allow","user_id":"sato"} and no session cookie, a wrong password 401 auth_failed with "decision":"deny", the code replayed 401 deny, a body without windows_account 400 bad_request. A company user (suzuki) with WebAuthn enrolled at the portal, at the registered company terminal tj-pc-7: the first request answers "decision":"pending" with request options (UV required, the one credential); the assertion sent with the Ministry terminal's certificate is 401 login_incomplete, one sent to the portal's /api/v1/auth/webauthn/assert is refused (a terminal logon's login), and one from tj-pc-7 answers {"decision":"allow","user_id":"suzuki"} with no cookie; recorded as terminal-logon-challenge, -denied and -allowed with tj-pc-7 and TJ\suzuki. After `dsgctl terminal revoke mod-pc-01` (recorded as 4133; listed as revoked by `dsgctl terminal list --json`; a second revoke refused terminal_revoked) the certificate loses the exemption (WebAuthn again) and terminal-logon answers 403. 認証ログ: the steps with the registered certificate name mod-pc-01 as computer name, those without it the client's address 127.0.0.1; terminal-logon-allowed and -denied carry the Windows account MOD\sato in windows_account and in the detail; no password or code in the trail. A portal.client_ca the master cannot read refuses the start (exit 1, the file named, no worker started).
# @relation(REQ-MFA-002, REQ-MFA-016, REQ-MFA-017, REQ-SHARE-022)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"
client=${WEBAUTHN_CLIENT:?build/tools/webauthn-client (make conformance builds it)}
origin=https://localhost:8443
aaguid=404142434445464748494a4b4c4d4e4f

# the test PKI: a CA and two client certificates it issues
pki=$t/pki
mkdir -p "$pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj '/CN=DSG test terminal CA' -keyout "$pki/ca.key" -out "$pki/ca.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
    >"$pki/log" 2>&1 || fail "CA: $(cat "$pki/log")"
for n in t1 t2 t3; do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$n" \
        -keyout "$pki/$n.key" -out "$pki/$n.csr" >"$pki/log" 2>&1 || fail "$n: $(cat "$pki/log")"
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' >"$pki/ext"
    openssl x509 -req -in "$pki/$n.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
        -days 2 -extfile "$pki/ext" -out "$pki/$n.pem" >"$pki/log" 2>&1 ||
        fail "$n: $(cat "$pki/log")"
done
fp1=$(openssl x509 -in "$pki/t1.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
    tr 'A-F' 'a-f')

cat >"$t/gw.conf" <<EOF
auth.ministry_networks = "10.99.0.0/16"
portal.client_ca = "$pki/ca.pem"
auth.scrypt_n = 1024
auth.webauthn_aaguid_allowlist = "40414243-4445-4647-4849-4a4b4c4d4e4f"
auth.webauthn_self_attestation = true
log.ack_timeout = 5s
EOF
admin_conf 4 >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'
log_has 'client certificates asked for' || fail "the portal does not ask for client certificates"
admin_login
member_login
case_orgs

term() { "${DSGCTL:?}" terminal "$@" --socket "$sock"; }
expect_exit 64 "register, bad kind" term register mod-pc-01 --org 防衛装備庁 --kind army \
    --cert "$pki/t1.pem"
expect_exit 64 "register, no certificate" term register mod-pc-01 --org 防衛装備庁 \
    --kind ministry --cert "$pki/none.pem"
expect_exit 1 "register, unknown org" term register x-01 --org 未登録 --kind ministry \
    --cert "$pki/t1.pem"
grep -q unknown_org "$t/err" || fail "unknown org: $(cat "$t/err")"
expect_exit 0 "register" term register mod-pc-01 --org 防衛装備庁 --kind ministry --cert "$pki/t1.pem"
grep -q "sha256 $fp1" "$t/out" || fail "register: $(cat "$t/out") (want $fp1)"
expect_exit 1 "register again" term register mod-pc-01 --org 防衛装備庁 --kind ministry \
    --cert "$pki/t2.pem"
grep -q terminal_exists "$t/err" || fail "register again: $(cat "$t/err")"
expect_exit 1 "register the certificate again" term register mod-pc-02 --org 防衛装備庁 \
    --kind ministry --cert "$pki/t1.pem"
grep -q certificate_registered "$t/err" || fail "certificate again: $(cat "$t/err")"

# a Ministry user, from outside auth.ministry_networks
expect_exit 0 "apply" as_root apply register --user-id sato --applicant 人事課 --reason 着任 \
    --name 佐藤 --org 防衛装備庁 --org-kind ministry --contract C-9 --type ministry \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "approve" as_member approve 3
expect_exit 0 "password sheet" as_root credentials sato --sheet password
pw=$(sed -n 's/^password: //p' "$t/out")
expect_exit 0 "code sheet" as_root credentials sato --sheet code
code=$(sed -n 's/^code: //p' "$t/out")
pw_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$pw")
new=Terminal-passw0rd-7
t1="--cert $pki/t1.pem --key $pki/t1.key"
t2="--cert $pki/t2.pem --key $pki/t2.key"
t3="--cert $pki/t3.pem --key $pki/t3.key"

# the first login at the registered Ministry terminal: TOTP is enrolled
# shellcheck disable=SC2086
api_step first 200 /api/v1/auth/login "{\"user_id\":\"sato\",\"password\":$pw_json}" $t1
login=$(api_member first login)
# shellcheck disable=SC2086
api_step change 200 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"$new\"}" $t1
[ "$(api_member change next)" = enrol-totp ] || fail "change: $(cat "$t/change.json")"
# shellcheck disable=SC2086
api_step enrol 200 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$code\"}" $t1
uri=$(api_member enrol otpauth)
# shellcheck disable=SC2086
api_step confirm 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$uri" -1)\"}" $t1
[ "$(api_member confirm next)" = session ] || fail "confirm: $(cat "$t/confirm.json")"

# password steps: the registered certificate exempts, none and the unregistered one do not
pw_body="{\"user_id\":\"sato\",\"password\":\"$new\"}"
# shellcheck disable=SC2086
api_step with_t1 200 /api/v1/auth/login "$pw_body" $t1
[ "$(api_member with_t1 next)" = totp ] || fail "with the terminal: $(cat "$t/with_t1.json")"
api_step no_cert 200 /api/v1/auth/login "$pw_body"
# shellcheck disable=SC2086
api_step with_t2 200 /api/v1/auth/login "$pw_body" $t2
for n in no_cert with_t2; do
    case $(api_member "$n" next) in
    webauthn | enrol-webauthn) ;;
    *) fail "$n: $(cat "$t/$n.json")" ;;
    esac
done
api_step no_cert_totp 401 /api/v1/auth/totp "{\"login\":\"$(api_member no_cert login)\",\"code\":\"$(totp_code "$uri" 0)\"}"
[ "$(api_member no_cert_totp error)" = login_incomplete ] || fail "no_cert_totp: $(cat "$t/no_cert_totp.json")"

# the login page's password step carries the certificate as the API's does
login_page() {   # login_page NAME [curl args]: sato's password posted to /login
    lp=$1
    shift
    status=$(portal_curl /login -X POST -H "Origin: https://localhost:$DSGD_PORT" \
        --data-raw "user_id=sato&password=$new" -o "$t/$lp.html" -w '%{http_code}' "$@" \
        2>"$t/$lp.err") || fail "$lp: curl: $(cat "$t/$lp.err")"
    [ "$status" = 200 ] || fail "$lp: status $status: $(head -c 600 "$t/$lp.html")"
}
# shellcheck disable=SC2086
login_page page_t1 $t1
grep -qF 'action="/login/totp"' "$t/page_t1.html" || fail "page_t1: no TOTP form: $(head -c 600 "$t/page_t1.html")"
login_page page_none
! grep -qF 'action="/login/totp"' "$t/page_none.html" || fail "page_none: a TOTP form without the terminal"

# terminal-logon
c2=$(totp_code "$uri" 1)
logon() { printf '{"user_id":"sato","password":"%s","code":"%s","windows_account":"MOD\\\\sato"}' "$1" "$2"; }
api_step tl_none 403 /api/v1/auth/terminal-logon "$(logon "$new" "$c2")"
# shellcheck disable=SC2086
api_step tl_t2 403 /api/v1/auth/terminal-logon "$(logon "$new" "$c2")" $t2
for n in tl_none tl_t2; do
    [ "$(cat "$t/$n.json")" = '{"error":"terminal_required","message":"this request needs a registered terminal'"'"'s client certificate"}' ] ||
        fail "$n: $(cat "$t/$n.json")"
done
# shellcheck disable=SC2086
api_step tl_bad 400 /api/v1/auth/terminal-logon '{"user_id":"sato","password":"x","code":"1"}' $t1
# shellcheck disable=SC2086
api_step tl_wrong 401 /api/v1/auth/terminal-logon "$(logon Wrong-passw0rd-1 "$c2")" $t1
[ "$(cat "$t/tl_wrong.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted","decision":"deny"}' ] ||
    fail "tl_wrong: $(cat "$t/tl_wrong.json")"
# shellcheck disable=SC2086
api_step tl_allow 200 /api/v1/auth/terminal-logon "$(logon "$new" "$c2")" $t1
[ "$(cat "$t/tl_allow.json")" = '{"decision":"allow","user_id":"sato"}' ] || fail "tl_allow: $(cat "$t/tl_allow.json")"
! grep -qi '^set-cookie:' "$t/tl_allow.h" || fail "tl_allow: a session cookie"
# shellcheck disable=SC2086
api_step tl_replay 401 /api/v1/auth/terminal-logon "$(logon "$new" "$c2")" $t1
[ "$(api_member tl_replay decision)" = deny ] || fail "tl_replay: $(cat "$t/tl_replay.json")"

# a company user with WebAuthn at a company terminal: two requests
expect_exit 0 "register tj-pc-7" term register tj-pc-7 --org テスト重工 --kind company \
    --cert "$pki/t3.pem"
expect_exit 0 "apply suzuki" as_root apply register --user-id suzuki --applicant 人事課 \
    --reason 着任 --name 鈴木 --org テスト重工 --org-kind prime --contract C-9 --type company \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "approve suzuki" as_member approve 4
expect_exit 0 "suzuki's password sheet" as_root credentials suzuki --sheet password
spw=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$(sed -n 's/^password: //p' "$t/out")")
expect_exit 0 "suzuki's code sheet" as_root credentials suzuki --sheet code
scode=$(sed -n 's/^code: //p' "$t/out")
api_step s_first 200 /api/v1/auth/login "{\"user_id\":\"suzuki\",\"password\":$spw}"
slogin=$(api_member s_first login)
api_step s_change 200 /api/v1/auth/password "{\"login\":\"$slogin\",\"password\":\"$new\"}"
api_step s_create 200 /api/v1/auth/webauthn/options "{\"login\":\"$slogin\",\"code\":\"$scode\"}"
"$client" create "$t/key.pem" "$t/s_create.json" "$origin" "$slogin" "$aaguid" >"$t/s_register.in" ||
    fail "webauthn-client create"
api_step s_register 200 /api/v1/auth/webauthn/register "$(cat "$t/s_register.in")"
tw='"windows_account":"TJ\\suzuki"'
# shellcheck disable=SC2086
api_step tw_first 200 /api/v1/auth/terminal-logon "{\"user_id\":\"suzuki\",\"password\":\"$new\",$tw}" $t3
python3 - "$t/tw_first.json" <<'PY' || fail "tw_first: $(cat "$t/tw_first.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert sorted(j) == ["decision", "login", "next", "publicKey"], j
assert j["decision"] == "pending" and j["next"] == "assert-webauthn", j
pk = j["publicKey"]
assert pk["userVerification"] == "required" and len(pk["allowCredentials"]) == 1, pk
PY
tlogin=$(api_member tw_first login)
"$client" get "$t/key.pem" "$t/tw_first.json" "$origin" "$tlogin" 1 >"$t/tw.raw" ||
    fail "webauthn-client get"
tw_body=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["windows_account"]="TJ\\suzuki"; print(json.dumps(j))' "$t/tw.raw")
# shellcheck disable=SC2086
api_step tw_other 401 /api/v1/auth/terminal-logon "$tw_body" $t1   # another terminal
[ "$(api_member tw_other error)" = login_incomplete ] || fail "tw_other: $(cat "$t/tw_other.json")"
# shellcheck disable=SC2086
api_step tw_first2 200 /api/v1/auth/terminal-logon "{\"user_id\":\"suzuki\",\"password\":\"$new\",$tw}" $t3
tlogin=$(api_member tw_first2 login)
"$client" get "$t/key.pem" "$t/tw_first2.json" "$origin" "$tlogin" 2 >"$t/tw.raw" ||
    fail "webauthn-client get"
tw_body=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["windows_account"]="TJ\\suzuki"; print(json.dumps(j))' "$t/tw.raw")
api_step tw_portal 401 /api/v1/auth/webauthn/assert "$(cat "$t/tw.raw")" $t3   # not at the portal
# shellcheck disable=SC2086
api_step tw_first3 200 /api/v1/auth/terminal-logon "{\"user_id\":\"suzuki\",\"password\":\"$new\",$tw}" $t3
tlogin=$(api_member tw_first3 login)
"$client" get "$t/key.pem" "$t/tw_first3.json" "$origin" "$tlogin" 3 >"$t/tw.raw" ||
    fail "webauthn-client get"
tw_body=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["windows_account"]="TJ\\suzuki"; print(json.dumps(j))' "$t/tw.raw")
# shellcheck disable=SC2086
api_step tw_allow 200 /api/v1/auth/terminal-logon "$tw_body" $t3
[ "$(cat "$t/tw_allow.json")" = '{"decision":"allow","user_id":"suzuki"}' ] || fail "tw_allow: $(cat "$t/tw_allow.json")"
! grep -qi '^set-cookie:' "$t/tw_allow.h" || fail "tw_allow: a session cookie"

# revoked: the certificate names no terminal
expect_exit 0 "revoke" term revoke mod-pc-01
expect_exit 1 "revoke again" term revoke mod-pc-01
grep -q terminal_revoked "$t/err" || fail "revoke again: $(cat "$t/err")"
expect_exit 0 "list" term list --json
python3 - "$t/out" "$fp1" <<'PY' || fail "list: $(cat "$t/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["name"] for r in rows] == ["mod-pc-01", "tj-pc-7"], rows
assert (rows[1]["org"], rows[1]["kind"], rows[1]["state"]) == ("テスト重工", "company", "live"), rows
r = rows[0]
assert (r["name"], r["org"], r["kind"], r["fingerprint"], r["state"]) == \
    ("mod-pc-01", "防衛装備庁", "ministry", sys.argv[2], "revoked"), r
assert r["registered_by"] == "kanri1" and r["revoked_by"] == "kanri1", r
PY
# shellcheck disable=SC2086
api_step revoked 200 /api/v1/auth/login "$pw_body" $t1
case $(api_member revoked next) in
webauthn | enrol-webauthn) ;;
*) fail "revoked: $(cat "$t/revoked.json")" ;;
esac
# shellcheck disable=SC2086
api_step tl_revoked 403 /api/v1/auth/terminal-logon "$(logon "$new" "$(totp_code "$uri" 2)")" $t1

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
for secret in "$pw" "$code" "$new" "$c2"; do
    ! grep -qF -- "\"$secret\"" "$t/export" || fail "a secret is in the trail: $secret"
done
python3 - "$t/export" <<'PY' || fail "trail: $(grep '"type":14' "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
auth = [r["fields"] for r in recs if r.get("type") == 14 and r["fields"]["user_id"] in ("sato", "-")]
by_event = {}
for f in auth:
    by_event.setdefault(f["event"], []).append(f)
# the first login at the terminal and the exempted password step name mod-pc-01
terminal = [f for f in auth if f["computer_name"] == "mod-pc-01"]
assert {"totp-enrolled", "password-accepted"} <= {f["event"] for f in terminal}, terminal
assert all(f["computer_name"] in ("mod-pc-01", "127.0.0.1") for f in auth), auth
plain = [f for f in auth if f["event"] == "password-accepted" and f["computer_name"] == "127.0.0.1"]
assert len(plain) >= 3, plain   # no certificate, the unregistered one, the revoked one
win = "MOD\\\\sato"   # the export shows a backslash as \\ (REQ-LOG-013)
allowed = by_event["terminal-logon-allowed"]
assert len(allowed) == 1, allowed   # sato's (suzuki's below)
a = allowed[0]
assert a["computer_name"] == "mod-pc-01" and a["windows_account"] == win, a
assert a["detail"].startswith("windows account " + win + "; totp-accepted: "), a
denied = by_event["terminal-logon-denied"]
named = [f for f in denied if f["computer_name"] == "mod-pc-01" and f["user_id"] == "sato"]
assert len(named) == 2 and all(f["windows_account"] == win and f["user_id"] == "sato"
                               for f in named), named
refused = [f for f in denied if f["computer_name"] == "127.0.0.1"]
assert len(refused) == 3 and all(f["user_id"] == "-" and f["windows_account"] == ""
                                 for f in refused), refused
assert sorted(f["detail"] for f in refused) == [
    "no client certificate",
    "the client certificate is not a live registered terminal's",
    "the client certificate is not a live registered terminal's"], refused
for f in auth:
    if f["event"] not in ("terminal-logon-allowed", "terminal-logon-denied"):
        assert f["windows_account"] == "", f
# suzuki, WebAuthn at tj-pc-7: the challenge, the decision; the assertion at mod-pc-01 denied
suz = [r["fields"] for r in recs if r.get("type") == 14 and r["fields"]["user_id"] == "suzuki"]
tj = "TJ\\\\suzuki"
ch = [f for f in suz if f["event"] == "terminal-logon-challenge"]
assert len(ch) == 3 and all(f["computer_name"] == "tj-pc-7" and f["windows_account"] == tj
                            for f in ch), ch
ok = [f for f in suz if f["event"] == "terminal-logon-allowed"]
assert len(ok) == 1 and ok[0]["computer_name"] == "tj-pc-7", ok
assert ok[0]["detail"].startswith("windows account " + tj + "; webauthn-accepted: "), ok
other = [f for f in suz if f["event"] == "terminal-logon-denied"]
assert len(other) == 1 and other[0]["computer_name"] == "mod-pc-01", other
assert "began at terminal tj-pc-7" in other[0]["detail"], other
assert any(f["event"] == "step-refused" and f["computer_name"] == "tj-pc-7" and
           "at the terminal logon only" in f["detail"] for f in suz), suz
ops = [r["fields"] for r in recs if r.get("type") == 15]
reg = [f for f in ops if f["event_id"] == "4132"]
rev = [f for f in ops if f["event_id"] == "4133"]
assert len(reg) == 2 and "terminal mod-pc-01 registered: organisation 防衛装備庁; kind ministry" in reg[0]["detail"], reg
assert "terminal tj-pc-7 registered: organisation テスト重工; kind company" in reg[1]["detail"], reg
assert len(rev) == 1 and "terminal mod-pc-01 revoked" in rev[0]["detail"], rev
assert any(f["event_id"] == "4190" and "terminal_exists" in f["detail"] for f in ops), ops
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"

# a portal.client_ca the master cannot read: the start is refused, no worker started
sed "s|^portal.client_ca = .*|portal.client_ca = \"$pki/missing.pem\"|" "$t/gw.conf" >"$t/bad.conf"
"$DSGD" -d -s "$t/var" -l "127.0.0.1:$DSGD_PORT" -f "$t/bad.conf" 2>"$t/err" &
pid=$!
wait_until 10 not_alive "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "missing CA: exit $rc, want 1: $(cat "$t/err")"
grep -q "portal.client_ca $pki/missing.pem: cannot read it" "$t/err" || fail "missing CA: $(cat "$t/err")"
! grep -q 'started' "$t/err" || fail "missing CA: a worker was started"
exit 0
