#!/bin/sh
# dsgd_admin_login_webauthn: an administrator logs in with WebAuthn, the default second factor of administrators (auth.admin_second_factor = webauthn), through `dsgctl login --webauthn-helper CMD`: the helper gets each step's answer (the publicKey options) on standard input and prints the next step's body, here from the software authenticator build/tools/webauthn-client. The first login takes the issued password, a new one and the enrolment code, and registers the credential (packed self attestation of an allowlisted AAGUID); the next login asserts it; account commands then run under the login. Without the helper, dsgctl says the account's factor is WebAuthn and names the option (exit 64) and stores no token.
# @relation(REQ-ACCT-012, REQ-MFA-022, REQ-MFA-023)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
client=${WEBAUTHN_CLIENT:?build/tools/webauthn-client (make conformance builds it)}

cat >"$t/gw.conf" <<'EOF'
auth.scrypt_n = 1024
auth.webauthn_aaguid_allowlist = "40414243-4445-4647-4849-4a4b4c4d4e4f"
auth.webauthn_self_attestation = true
EOF
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
expect_exit 0 "bootstrap" as_root bootstrap kanri1 kanri2
cp "$t/out" "$t/admins.sheets"
pw=$(sheet kanri1 password)
code=$(sheet kanri1 code)

# the helper: the authenticator of a browser, for dsgctl
cat >"$t/authn.sh" <<EOF
#!/bin/sh
cat >"$t/opts.json"
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$t/opts.json" "\$1"; }
login=\$(field login)
case \$(field next) in
register-webauthn)
    exec "$client" create "$t/key.pem" "$t/opts.json" https://localhost:8443 "\$login" 404142434445464748494a4b4c4d4e4f ;;
assert-webauthn)
    n=\$(( \$(cat "$t/count" 2>/dev/null || echo 0) + 1 ))
    echo "\$n" >"$t/count"
    exec "$client" get "$t/key.pem" "$t/opts.json" https://localhost:8443 "\$login" "\$n" ;;
esac
exit 1
EOF
chmod 755 "$t/authn.sh"

# without the helper: the factor is named, nothing stored
printf '%s\n%s\n%s\n%s\n' "$pw" "$ADMIN_PASSWORD" "$ADMIN_PASSWORD" "$code" >"$t/in"
expect_exit 64 "no helper" "$DSGCTL" login --user kanri1 --socket "$sock" <"$t/in"
grep -q 'WebAuthn: give --webauthn-helper CMD' "$t/err" || fail "no helper: $(cat "$t/err")"
[ ! -e "$DSGCTL_TOKEN_FILE" ] || fail "a token without a login"

# the first login went as far as the enrolment: its password is changed
# and its code is not spent, so the next one registers the credential
printf '%s\n%s\n' "$ADMIN_PASSWORD" "$code" >"$t/in"
expect_exit 0 "first login" "$DSGCTL" login --user kanri1 --webauthn-helper "$t/authn.sh" --socket "$sock" <"$t/in"
grep -q '^logged in as kanri1$' "$t/out" || fail "first login: $(cat "$t/out" "$t/err")"
expect_exit 0 "account list" as_root list
grep -q '^kanri1 ' "$t/out" || fail "list: $(cat "$t/out")"
expect_exit 0 "logout" "$DSGCTL" logout --socket "$sock"

printf '%s\n' "$ADMIN_PASSWORD" >"$t/in"
expect_exit 0 "next login" "$DSGCTL" login --user kanri1 --webauthn-helper "$t/authn.sh" --socket "$sock" <"$t/in"
grep -q '^previous login: ' "$t/out" || fail "next login: $(cat "$t/out" "$t/err")"
expect_exit 0 "show after the WebAuthn login" as_root show kanri1
grep -q 'webauthn aaguid 40414243-4445-4647-4849-4a4b4c4d4e4f' "$t/out" || fail "show: $(cat "$t/out")"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
