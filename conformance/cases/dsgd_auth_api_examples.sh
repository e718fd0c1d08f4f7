#!/bin/sh
# dsgd_auth_api_examples: every ```http-example block of docs/accounts.md ("The login API") is replayed in order against a running dsgd by conformance/api_examples.py: a Ministry user sato on a Ministry network (auth.ministry_networks = 127.0.0.0/8: TOTP) and a company user suzuki (WebAuthn, with build/tools/webauthn-client, a self-attesting authenticator of an allowlisted AAGUID), both registered and approved by administrators, their issued passwords and enrolment codes from the sheets; each answer must have the documented status, the documented headers (Set-Cookie, Cache-Control) and a JSON object with exactly the documented members at every level, constants equal (the error codes and their fixed messages, next steps, user IDs, rules, counts), the varying values (login IDs, tokens, challenges, times, the TOTP secret) matching their placeholders and reused by later requests; every route of src/run/auth_http.c has an example; any disagreement fails the case, naming the block.
# @relation(REQ-MFA-020, REQ-MFA-012, REQ-MFA-001, REQ-MFA-014, REQ-MFA-010)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
client=${WEBAUTHN_CLIENT:?build/tools/webauthn-client (make conformance builds it)}
root=$(cd "$(dirname "$CONFORMANCE_LIB")/.." && pwd)

# the failed steps of the examples stay far from the source limit
cat >"$t/gw.conf" <<'EOF_CONF'
auth.ministry_networks = "127.0.0.0/8"
auth.scrypt_n = 1024
auth.source_failures_per_minute = 1000
auth.webauthn_aaguid_allowlist = "40414243-4445-4647-4849-4a4b4c4d4e4f"
auth.webauthn_self_attestation = true
log.ack_timeout = 5s
EOF_CONF
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'
admin_login
member_login
case_orgs

# sato (Ministry) and suzuki (company): registered, approved, their sheets
n=3
for u in sato suzuki; do
    type=ministry org=防衛装備庁 kind=ministry
    [ "$u" = suzuki ] && type=company org=テスト重工 kind=prime
    expect_exit 0 "register $u" as_root apply register --user-id "$u" --applicant 人事課 \
        --reason 着任 --name "$u" --org "$org" --org-kind "$kind" --contract C-9 --type "$type" \
        --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
    expect_exit 0 "approve $u" as_member approve "$n"
    n=$((n + 1))
done
set --
for u in sato suzuki; do
    expect_exit 0 "$u password sheet" as_root credentials "$u" --sheet password
    pw=$(sed -n 's/^password: //p' "$t/out")
    # the placeholder stands inside a JSON string
    pw=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1])[1:-1])' "$pw")
    expect_exit 0 "$u code sheet" as_root credentials "$u" --sheet code
    code=$(sed -n 's/^code: //p' "$t/out")
    set -- "$@" "$u-issued-password=$pw" "$u-enrolment-code=$code"
done

python3 "$root/conformance/api_examples.py" "$root/docs/accounts.md" "$root/src/run/auth_http.c" \
    "$DSGD_PORT" "$t/var/tls/cert.pem" "$client" "$t/key.pem" https://localhost:8443 \
    404142434445464748494a4b4c4d4e4f "$@" >"$t/replay.out" 2>&1 ||
    fail "the documented examples and dsgd disagree: $(cat "$t/replay.out")"
grep -q '^api_examples: [0-9]* examples agree, 14 routes covered$' "$t/replay.out" ||
    fail "replay: $(cat "$t/replay.out")"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
