#!/bin/sh
# dsgd_auth_webauthn: WebAuthn enrolment and login through the login API end to end, with a software authenticator (build/tools/webauthn-client: packed self attestation, ES256) answering the options as a browser would; dsgd runs with auth.webauthn_aaguid_allowlist naming one AAGUID, auth.webauthn_self_attestation = true and auth.webauthn_attestation_roots naming a PEM file (read by the auth role before its sandbox: its log says so). A company user's first login: the issued password, a new one, next "enrol-webauthn"; the options without the enrolment code are refused (401 auth_failed); with it they are PublicKeyCredentialCreationOptions (rp.id = auth.rp_id, a 32-byte challenge, pubKeyCredParams alg -7 only, userVerification "required", attestation "direct", no credential to exclude) and next "register-webauthn"; the registration completes the login with the session cookie and the credential is in auth.db (self attestation, the AAGUID) with the enrolment code ended, and `dsgctl account show` lists it as its one factor with its type, enrolment time and AAGUID and nothing else (text and --json). The next login: next "webauthn"; the options are PublicKeyCredentialRequestOptions (rpId, userVerification "required", allowCredentials the enrolled ID); the assertion completes the login, with "bearer" the token in the body; in that session POST /api/v1/auth/password/change/options answers request options of the session (UV required, the enrolled credential) and /api/v1/auth/password/change with the assertion and the current and new passwords changes the password and ends the other (cookie) session ({"sessions_ended":1}), the spent challenge then answering 400 second_factor_required; the same assertion in a later login is refused (another challenge), so is one without UV and one whose counter does not grow (401 auth_failed), and these three failures lock the account; a second user's authenticator of a model off the allowlist is refused at registration and stores nothing; a body whose members are not base64url gets 400 bad_request; every step is in the trail as 認証ログ (type 14), with no code, challenge or token in it.
# @relation(REQ-MFA-010, REQ-MFA-002, REQ-MFA-003, REQ-MFA-004, REQ-MFA-006, REQ-MFA-011, REQ-LOG-029, REQ-MFA-021, REQ-MFA-022, REQ-MFA-023, REQ-MFA-025, REQ-MFA-018)
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

# step NAME WANT-STATUS PATH BODY-FILE: the answer in $t/NAME.json, its headers in $t/NAME.h
step() {
    name=$1 want=$2 path=$3 body=$4
    status=$(portal_curl "$path" -X POST -H 'Content-Type: application/json' --data-binary "@$body" \
        -D "$t/$name.h" -o "$t/$name.json" -w '%{http_code}' 2>"$t/$name.err") ||
        fail "$name: curl: $(cat "$t/$name.err")"
    [ "$status" = "$want" ] || fail "$name: status $status, want $want: $(cat "$t/$name.json")"
}
body() {   # body FILE JSON
    printf '%s' "$2" >"$t/$1"
}
member() {   # member NAME JSON-PATH: a member of $t/NAME.json (Python subscripts)
    python3 -c 'import json,sys; print(eval("j" + sys.argv[2], {"j": json.load(open(sys.argv[1]))}))' \
        "$t/$1.json" "$2"
}
# login USER PASSWORD NAME: the password step, the login ID in $login
login() {
    body "$3.in" "{\"user_id\":\"$1\",\"password\":\"$2\"}"
    step "$3" 200 /api/v1/auth/login "$t/$3.in"
    login=$(member "$3" '["login"]')
}
# options NAME [CODE]: the options of $login
options() {
    if [ $# -eq 2 ]; then body "$1.in" "{\"login\":\"$login\",\"code\":\"$2\"}"
    else body "$1.in" "{\"login\":\"$login\"}"; fi
    step "$1" 200 /api/v1/auth/webauthn/options "$t/$1.in"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=Test-Root \
    -days 30 -keyout "$t/root.key" -out "$t/roots.pem" >/dev/null 2>&1 || fail "openssl req"
cat >"$t/gw.conf" <<EOF
auth.scrypt_n = 1024
auth.webauthn_aaguid_allowlist = "40414243-4445-4647-4849-4a4b4c4d4e4f"
auth.webauthn_self_attestation = true
auth.webauthn_attestation_roots = "$t/roots.pem"
log.ack_timeout = 5s
EOF
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'
admin_login
member_login
case_orgs
grep -qF "auth: 1 WebAuthn attestation root from $t/roots.pem" "$t/log" ||
    fail "the roots were not read: $(grep auth "$t/log")"

for u in suzuki tanaka; do
    expect_exit 0 "register $u" as_root apply register --user-id "$u" --applicant 人事課 \
        --reason 着任 --name 鈴木 --org テスト重工 --org-kind prime --contract C-9 --type company \
        --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
done
expect_exit 0 "approve" as_member approve 3
expect_exit 0 "approve" as_member approve 4
expect_exit 0 "password sheet" as_root credentials suzuki --sheet password
pw=$(sed -n 's/^password: //p' "$t/out")
expect_exit 0 "code sheet" as_root credentials suzuki --sheet code
code=$(sed -n 's/^code: //p' "$t/out")
pw_json=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1])[1:-1])' "$pw")

# the first login: the issued password, a new one, the WebAuthn enrolment
login suzuki "$pw_json" first
[ "$(member first '["next"]')" = password-change ] || fail "first: $(cat "$t/first.json")"
body change.in "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
step change 200 /api/v1/auth/password "$t/change.in"
[ "$(member change '["next"]')" = enrol-webauthn ] || fail "change: $(cat "$t/change.json")"
body nocode.in "{\"login\":\"$login\"}"
step nocode 401 /api/v1/auth/webauthn/options "$t/nocode.in"
[ "$(cat "$t/nocode.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted"}' ] || fail "nocode: $(cat "$t/nocode.json")"
login suzuki Brand-new-passw0rd second
[ "$(member second '["next"]')" = enrol-webauthn ] || fail "second: $(cat "$t/second.json")"
options create "$code"
python3 - "$t/create.json" <<'PY' || fail "creation options: $(cat "$t/create.json")"
import base64, json, sys
j = json.load(open(sys.argv[1]))
assert j["next"] == "register-webauthn", j
pk = j["publicKey"]
assert pk["rp"]["id"] == "localhost", pk
assert len(base64.urlsafe_b64decode(pk["challenge"] + "==")) == 32, pk
assert len(base64.urlsafe_b64decode(pk["user"]["id"] + "==")) == 32, pk
assert pk["user"]["name"] == "suzuki", pk
assert pk["pubKeyCredParams"] == [{"type": "public-key", "alg": -7}], pk
assert pk["authenticatorSelection"]["userVerification"] == "required", pk
assert pk["attestation"] == "direct" and pk["excludeCredentials"] == [], pk
PY
"$client" create "$t/key.pem" "$t/create.json" "$origin" "$login" "$aaguid" >"$t/register.in" ||
    fail "webauthn-client create"
step register 200 /api/v1/auth/webauthn/register "$t/register.in"
[ "$(member register '["next"]')" = session ] && [ "$(member register '["user_id"]')" = suzuki ] ||
    fail "register: $(cat "$t/register.json")"
grep -Eqi '^set-cookie: __Host-dsg_session=[A-Za-z0-9_-]{22};' "$t/register.h" ||
    fail "no session cookie: $(cat "$t/register.h")"
db="$t/var/auth/auth.db"
[ "$(sqlite3 "$db" "SELECT attested, hex(aaguid), sign_count FROM webauthn_credentials WHERE user_id = 'suzuki'")" = \
  "0|40414243444546474849$(echo 4A4B4C4D4E4F)|0" ] ||
    fail "stored: $(sqlite3 "$db" 'SELECT * FROM webauthn_credentials')"
[ "$(sqlite3 "$db" "SELECT count(*) FROM credentials WHERE user_id = 'suzuki' AND kind = 'enrolment_code' AND ended_at IS NULL")" = 0 ] ||
    fail "the enrolment code is still live"
# dsgctl account show lists the factor: its type, enrolment time and AAGUID, nothing else
expect_exit 0 "show suzuki" as_root show suzuki
sed -n '/^factors:$/,/^history:$/p' "$t/out" >"$t/factors"
grep -Eqx '  [0-9]{4}-[0-9-]{5}T[0-9:.]{12}Z webauthn aaguid 40414243-4445-4647-4849-4a4b4c4d4e4f' "$t/factors" &&
    [ "$(wc -l <"$t/factors")" = 3 ] || fail "show: factors: $(cat "$t/out")"
expect_exit 0 "show suzuki --json" as_root show suzuki --json
python3 - "$t/out" <<'PY' || fail "show --json: factors: $(cat "$t/out")"
import json, sys
f = json.load(open(sys.argv[1]))["factors"]
assert len(f) == 1 and sorted(f[0]) == ["aaguid", "enrolled_at", "type"], f
assert f[0]["type"] == "webauthn" and f[0]["aaguid"] == "40414243-4445-4647-4849-4a4b4c4d4e4f", f
PY

# the next login: an assertion
login suzuki Brand-new-passw0rd third
[ "$(member third '["next"]')" = webauthn ] || fail "third: $(cat "$t/third.json")"
options get
python3 - "$t/get.json" <<'PY' || fail "request options: $(cat "$t/get.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["next"] == "assert-webauthn", j
pk = j["publicKey"]
assert pk["rpId"] == "localhost" and pk["userVerification"] == "required", pk
assert len(pk["allowCredentials"]) == 1 and pk["allowCredentials"][0]["type"] == "public-key", pk
PY
"$client" get "$t/key.pem" "$t/get.json" "$origin" "$login" 1 >"$t/assert.in" ||
    fail "webauthn-client get"
python3 - "$t/assert.in" "$t/get.json" <<'PY' || fail "the credential ID is not the one allowed"
import json, sys
a, o = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["credentialId"] == o["publicKey"]["allowCredentials"][0]["id"]
PY
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["bearer"]=True; print(json.dumps(j))' \
    "$t/assert.in" >"$t/bearer.in"
step assert 200 /api/v1/auth/webauthn/assert "$t/bearer.in"
[ "$(member assert '["next"]')" = session ] || fail "assert: $(cat "$t/assert.json")"
token=$(member assert '["token"]')
portal_curl /api/v1/auth/session -H "Authorization: Bearer $token" -o "$t/session.json" \
    -w '%{http_code}' >"$t/status" 2>/dev/null
[ "$(cat "$t/status")" = 200 ] || fail "session: $(cat "$t/session.json")"

# a password change in the bearer session: assertion options of the
# session, the assertion, the current and new passwords; the register
# step's cookie session ends
cookie=$(grep -i '^set-cookie:' "$t/register.h" | tr -d '\r' | sed 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/')
portal_curl /api/v1/auth/password/change/options -X POST -H 'Content-Type: application/json' \
    --data-binary '{}' -H "Authorization: Bearer $token" -o "$t/pco.json" -w '%{http_code}' \
    >"$t/status" 2>/dev/null
[ "$(cat "$t/status")" = 200 ] || fail "change options: $(cat "$t/pco.json")"
python3 - "$t/pco.json" <<'PY' || fail "change options: $(cat "$t/pco.json")"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["next"] == "assert-webauthn" and "login" not in j, j
assert j["publicKey"]["userVerification"] == "required", j
assert len(j["publicKey"]["allowCredentials"]) == 1, j
PY
"$client" get "$t/key.pem" "$t/pco.json" "$origin" "" 2 >"$t/pca.in" || fail "webauthn-client get"
python3 - "$t/pca.in" >"$t/pc.in" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
del j["login"]
j["current_password"], j["new_password"] = "Brand-new-passw0rd", "Another-passw0rd-2"
print(json.dumps(j))
PY
portal_curl /api/v1/auth/password/change -X POST -H 'Content-Type: application/json' \
    --data-binary "@$t/pc.in" -H "Authorization: Bearer $token" -o "$t/pc.json" -w '%{http_code}' \
    >"$t/status" 2>/dev/null
[ "$(cat "$t/status")" = 200 ] && [ "$(cat "$t/pc.json")" = '{"user_id":"suzuki","sessions_ended":1}' ] ||
    fail "change: $(cat "$t/status") $(cat "$t/pc.json")"
portal_curl /api/v1/auth/session -H "Cookie: $cookie" -o "$t/gone.json" -w '%{http_code}' \
    >"$t/status" 2>/dev/null
[ "$(cat "$t/status")" = 401 ] || fail "the other session: $(cat "$t/gone.json")"
sed 's/"Brand-new-passw0rd"/"Another-passw0rd-2"/; s/"Another-passw0rd-2"}/"Third-passw0rd-3x"}/' \
    "$t/pc.in" >"$t/pc2.in"
portal_curl /api/v1/auth/password/change -X POST -H 'Content-Type: application/json' \
    --data-binary "@$t/pc2.in" -H "Authorization: Bearer $token" -o "$t/pc2.json" -w '%{http_code}' \
    >"$t/status" 2>/dev/null
[ "$(cat "$t/status")" = 400 ] && [ "$(cat "$t/pc2.json")" = '{"error":"second_factor_required","message":"a password change needs the second factor of the session"}' ] ||
    fail "the spent challenge: $(cat "$t/status") $(cat "$t/pc2.json")"

# refusals: the same assertion again, no UV, a counter that does not grow
login suzuki Another-passw0rd-2 replay
options replay-options
sed "s/\"login\":\"[^\"]*\"/\"login\":\"$login\"/" "$t/assert.in" >"$t/replay.in"
step replay 401 /api/v1/auth/webauthn/assert "$t/replay.in"
login suzuki Another-passw0rd-2 nouv
options nouv-options
"$client" get "$t/key.pem" "$t/nouv-options.json" "$origin" "$login" 2 01 >"$t/nouv.in"
step nouv 401 /api/v1/auth/webauthn/assert "$t/nouv.in"
login suzuki Another-passw0rd-2 stale
options stale-options
"$client" get "$t/key.pem" "$t/stale-options.json" "$origin" "$login" 1 >"$t/stale.in"
step stale 401 /api/v1/auth/webauthn/assert "$t/stale.in"
for n in replay nouv stale; do
    [ "$(cat "$t/$n.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted"}' ] || fail "$n: $(cat "$t/$n.json")"
done
[ "$(sqlite3 "$db" "SELECT sign_count FROM webauthn_credentials WHERE user_id = 'suzuki'")" = 2 ] ||
    fail "the counter moved"

# a model off the allowlist
expect_exit 0 "password sheet" as_root credentials tanaka --sheet password
pw2=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1])[1:-1])' "$(sed -n 's/^password: //p' "$t/out")")
expect_exit 0 "code sheet" as_root credentials tanaka --sheet code
code2=$(sed -n 's/^code: //p' "$t/out")
login tanaka "$pw2" t1
body t1c.in "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
step t1c 200 /api/v1/auth/password "$t/t1c.in"
options t1o "$code2"
"$client" create "$t/key2.pem" "$t/t1o.json" "$origin" "$login" eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee \
    >"$t/t1r.in" || fail "webauthn-client create"
step t1r 401 /api/v1/auth/webauthn/register "$t/t1r.in"
[ "$(sqlite3 "$db" "SELECT count(*) FROM webauthn_credentials WHERE user_id = 'tanaka'")" = 0 ] ||
    fail "a credential of a model off the allowlist was stored"

# three refusals on the WEBAUTHN counter locked suzuki
[ "$(sqlite3 "$db" "SELECT state FROM accounts WHERE user_id = 'suzuki'")" = locked ] ||
    fail "three WebAuthn failures did not lock"
body locked.in '{"user_id":"suzuki","password":"Another-passw0rd-2"}'
step locked 401 /api/v1/auth/login "$t/locked.in"

# bodies whose members are not base64url
login tanaka Brand-new-passw0rd bad
options bad-options "$code2"
body badb64.in "{\"login\":\"$login\",\"attestationObject\":\"a+b/\",\"clientDataJSON\":\"AA\"}"
step badb64 400 /api/v1/auth/webauthn/register "$t/badb64.in"
body padded.in "{\"login\":\"$login\",\"attestationObject\":\"AA==\",\"clientDataJSON\":\"AA\"}"
step padded 400 /api/v1/auth/webauthn/register "$t/padded.in"

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
challenge=$(member create '["publicKey"]["challenge"]')
for secret in "$code" "$code2" "$challenge" "$token"; do
    ! grep -qF -- "$secret" "$t/export" || fail "a secret is in the trail: $secret"
done
python3 - "$t/export" <<'PY' || fail "trail: $(grep '"type":14' "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
auth = [r["fields"] for r in recs if r.get("type") == 14]
events = [f["event"] for f in auth]
for want in ["webauthn-enrolment-begun", "webauthn-enrolled", "webauthn-challenge",
             "webauthn-accepted", "credential-refused", "locked"]:
    assert want in events, (want, events)
refused = [f["detail"] for f in auth if f["event"] in ("credential-refused", "locked")]
locked = [f["detail"] for f in auth if f["event"] == "locked"]
assert len(locked) == 1 and "counter" in locked[0] and "now locked" in locked[0], locked
assert any("client-data" in d for d in refused), refused
assert any("flags" in d for d in refused), refused
assert any("counter" in d for d in refused), refused
assert any("aaguid-not-allowed" in d for d in refused), refused
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
