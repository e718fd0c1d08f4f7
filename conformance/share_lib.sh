# conformance/share_lib.sh — what the cases of the share role's file API
# (and its benchmark, tests/bench/file_transfer.sh) share: a gateway with
# administrators, portal users with bearer sessions, an area with grants,
# and the file API's requests. Sourced after conformance/lib.sh and
# account_case_setup:
#
#   . "$(dirname "${CONFORMANCE_LIB:?}")/share_lib.sh"
#
# POSIX sh; defines functions only. Every function fails the case (lib.sh's
# fail) on an unexpected answer.
#
#   ctl ARGS...              dsgctl as root (kanri1's login) on the case's socket
#   member_ctl ARGS...       dsgctl as nobody with kanri2's login: the second
#                            administrator, who approves what kanri1 entered
#   share_gateway_conf [CONF-LINES]
#                            the gateway's configuration in $t/gw.conf: the
#                            Ministry network, a cheap scrypt, the
#                            administrators' TOTP (lib.sh's admin_conf with
#                            $SHARE_ADMIN_SKEW, default 1) and CONF-LINES
#   share_restart            dsgd started again on $t/gw.conf, its roles
#                            ready; the log of the run before is kept in
#                            $t/log.old, so that only this run's lines are
#                            waited for
#   share_gateway_start [CONF-LINES]
#                            share_gateway_conf, then dsgd with the share
#                            role, the administrators logged in and the case
#                            organisations (lib.sh's case_orgs) registered
#   share_user USER ORG APPLICATION
#                            registers USER (a Ministry user of ORG, by
#                            application number APPLICATION, which the
#                            second administrator approves), logs it in with
#                            password and TOTP and leaves its bearer token in
#                            $t/USER.token and its otpauth URI in
#                            $t/USER.otpauth (for logging in again)
#   share_webauthn_conf      prints the configuration lines share_company_user
#                            needs, for share_gateway_start's CONF-LINES: the
#                            software authenticator's AAGUID allowed, self
#                            attestation accepted, a roots file ($t/roots.pem,
#                            made here: the auth role reads one); the
#                            authenticator's AAGUID is 40414243-...-4a4b4c4d4e4f
#   share_company_user USER ORG APPLICATION
#                            registers USER (a company user of ORG, the prime
#                            テスト重工 for instance, by application number
#                            APPLICATION, which the second administrator
#                            approves), logs it in with the issued password,
#                            a new one and a WebAuthn registration by the
#                            software authenticator ($WEBAUTHN_CLIENT, its key
#                            in $t/USER.key.pem), then again with an assertion,
#                            and leaves that session's bearer token in
#                            $t/USER.token; the client's origin is
#                            $SHARE_ORIGIN (default https://localhost:8443,
#                            portal.origin's default)
#   share_login_again USER OFFSET
#                            USER's password and TOTP login (the code of the
#                            time step OFFSET from now: a step's code is
#                            accepted once), its bearer token in $t/USER.token
#   share_area APPLICATION CONTRACT PROJECT
#                            an area from application APPLICATION; sets
#                            area_root to its root folder's number
#   share_grant APPLICATION USER AREA FOLDER OPS
#                            a grant by rights application APPLICATION
#   js NAME EXPR             the Python expression EXPR over the JSON answer
#                            $t/NAME.body as `a`
#   share NAME WANT METHOD PATH TOKEN|- [curl args]
#                            one request, the answer in $t/NAME.body and its
#                            head in $t/NAME.h; fails unless the status is WANT
#   post NAME WANT PATH TOKEN JSON
#   jstr TEXT                TEXT as a JSON string
#   sha FILE, size FILE      SHA-256 in hex, size in bytes
#   begin NAME WANT TOKEN FOLDER FILE-NAME SIZE
#                            the first step of an upload; sets u, file and
#                            version when WANT is 201
#   upload NAME TOKEN FOLDER FILE-NAME FILE
#                            both steps, each 201, the first with a time to
#                            send the content in, the second's answer checked
#                            against FILE (its size, SHA-256 and state clean)
#   fetch NAME TOKEN FILE-ID [VERSION]
#                            a download, 200, into $t/NAME.body
#   backup_keys              the backup destination $dest (made), the
#                            operator's key pair $t/op.key and $t/op.pub,
#                            and their configuration lines $dest_conf and
#                            $key_conf
#   share_one_file SEED [CONF]  a gateway (CONF: more configuration lines) (administrators' TOTP skew 3, for
#                            cases that log in again after restarts) with
#                            sato of 防衛装備庁 granted list,read,upload on
#                            the root of one area, and a file of 200 KiB + 7
#                            pseudorandom bytes (Python's random, SEED) in
#                            $t/design.bin uploaded there: token, file set
#   download NAME            the file through the file API as sato: 200 and
#                            the bytes of $t/design.bin

ctl() { "${DSGCTL:?}" "$@" --socket "$sock"; }
member_ctl() {
    setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --groups="$adm_gid" -- \
        env DSGCTL_TOKEN_FILE="$CONFORMANCE_TMP/member/admin.token" \
        "${DSGCTL:?}" "$@" --socket "$sock"
}

share_gateway_conf() {
    {
        printf 'auth.ministry_networks = "127.0.0.0/8"\n'
        printf 'auth.scrypt_n = 1024\n'
        printf 'log.ack_timeout = %s\n' "${SHARE_ACK_TIMEOUT:-5s}"
        admin_conf "${SHARE_ADMIN_SKEW:-1}"
        printf '%s\n' "${1:-}"
    } >"$t/gw.conf"
}

share_restart() {
    if [ -s "$t/log" ]; then cat "$t/log" >>"$t/log.old" && : >"$t/log"; fi
    dsgd_start "${DSGD:?}" -f "$t/gw.conf"
    for role in logd ctl auth share portal; do wait_log "master: $role\\[[0-9]+\\] ready.*" 10; done
    wait_log 'master: portal\[[0-9]+\]: routes of role 7: [0-9]+'   # share's
}

share_gateway_start() {
    share_gateway_conf "${1:-}"
    dsgd_start "${DSGD:?}" -f "$t/gw.conf"
    for role in logd ctl auth share portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
    wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'   # auth's
    wait_log 'master: portal\[[0-9]+\]: routes of role 7: [0-9]+'   # share's (role 7)
    admin_login
    member_login
    case_orgs
}

share_user() {
    su_who=$1 su_org=$2
    expect_exit 0 "register $su_who" ctl account apply register --user-id "$su_who" --applicant 人事課 \
        --reason 着任 --name "$su_who" --org "$su_org" --org-kind ministry --contract C-9 --type ministry \
        --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
    expect_exit 0 "approve $su_who" member_ctl account approve "$3"
    expect_exit 0 "password $su_who" ctl account credentials "$su_who" --sheet password
    su_pw=$(sed -n 's/^password: //p' "$t/out")
    expect_exit 0 "code $su_who" ctl account credentials "$su_who" --sheet code
    su_code=$(sed -n 's/^code: //p' "$t/out")
    api_step "$su_who-login" 200 /api/v1/auth/login "{\"user_id\":\"$su_who\",\"password\":$(jstr "$su_pw")}"
    su_login=$(api_member "$su_who-login" login)
    api_step "$su_who-change" 200 /api/v1/auth/password \
        "{\"login\":\"$su_login\",\"password\":\"Brand-new-passw0rd\"}"
    api_step "$su_who-enrol" 200 /api/v1/auth/totp/enrol "{\"login\":\"$su_login\",\"code\":\"$su_code\"}"
    api_step "$su_who-totp" 200 /api/v1/auth/totp \
        "{\"login\":\"$su_login\",\"code\":\"$(totp_code "$(api_member "$su_who-enrol" otpauth)" 0)\",\"bearer\":true}"
    api_member "$su_who-totp" token >"$t/$su_who.token"
    api_member "$su_who-enrol" otpauth >"$t/$su_who.otpauth"
}

share_webauthn_conf() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=Test-Root \
        -days 30 -keyout "$t/roots.key" -out "$t/roots.pem" >/dev/null 2>&1 || fail "openssl req"
    printf 'auth.webauthn_aaguid_allowlist = "40414243-4445-4647-4849-4a4b4c4d4e4f"\n'
    printf 'auth.webauthn_self_attestation = true\n'
    printf 'auth.webauthn_attestation_roots = "%s"\n' "$t/roots.pem"
}

share_company_user() {
    sc_who=$1 sc_client=${WEBAUTHN_CLIENT:?build/tools/webauthn-client (make conformance builds it)}
    expect_exit 0 "register $sc_who" ctl account apply register --user-id "$sc_who" --applicant 人事課 \
        --reason 着任 --name "$sc_who" --org "$2" --org-kind prime --contract C-9 --type company \
        --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
    expect_exit 0 "approve $sc_who" member_ctl account approve "$3"
    expect_exit 0 "password $sc_who" ctl account credentials "$sc_who" --sheet password
    sc_pw=$(sed -n 's/^password: //p' "$t/out")
    expect_exit 0 "code $sc_who" ctl account credentials "$sc_who" --sheet code
    sc_code=$(sed -n 's/^code: //p' "$t/out")
    api_step "$sc_who-login" 200 /api/v1/auth/login "{\"user_id\":\"$sc_who\",\"password\":$(jstr "$sc_pw")}"
    sc_login=$(api_member "$sc_who-login" login)
    api_step "$sc_who-change" 200 /api/v1/auth/password \
        "{\"login\":\"$sc_login\",\"password\":\"Brand-new-passw0rd\"}"
    [ "$(api_member "$sc_who-change" next)" = enrol-webauthn ] || fail "$sc_who-change: $(cat "$t/$sc_who-change.json")"
    api_step "$sc_who-create" 200 /api/v1/auth/webauthn/options "{\"login\":\"$sc_login\",\"code\":\"$sc_code\"}"
    "$sc_client" create "$t/$sc_who.key.pem" "$t/$sc_who-create.json" "${SHARE_ORIGIN:-https://localhost:8443}" "$sc_login" \
        404142434445464748494a4b4c4d4e4f >"$t/$sc_who-register.in" || fail "$sc_who: webauthn-client create"
    api_step "$sc_who-register" 200 /api/v1/auth/webauthn/register "$(cat "$t/$sc_who-register.in")"
    [ "$(api_member "$sc_who-register" next)" = session ] || fail "$sc_who-register: $(cat "$t/$sc_who-register.json")"
    api_step "$sc_who-again" 200 /api/v1/auth/login "{\"user_id\":\"$sc_who\",\"password\":\"Brand-new-passw0rd\"}"
    sc_login=$(api_member "$sc_who-again" login)
    [ "$(api_member "$sc_who-again" next)" = webauthn ] || fail "$sc_who-again: $(cat "$t/$sc_who-again.json")"
    api_step "$sc_who-get" 200 /api/v1/auth/webauthn/options "{\"login\":\"$sc_login\"}"
    "$sc_client" get "$t/$sc_who.key.pem" "$t/$sc_who-get.json" "${SHARE_ORIGIN:-https://localhost:8443}" "$sc_login" 1 \
        >"$t/$sc_who-assert.in" || fail "$sc_who: webauthn-client get"
    api_step "$sc_who-assert" 200 /api/v1/auth/webauthn/assert \
        "$(python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); j["bearer"] = True; print(json.dumps(j))' \
            "$t/$sc_who-assert.in")"
    api_member "$sc_who-assert" token >"$t/$sc_who.token"
}

share_login_again() {
    api_step "$1-again" 200 /api/v1/auth/login "{\"user_id\":\"$1\",\"password\":\"Brand-new-passw0rd\"}"
    sl_login=$(api_member "$1-again" login)
    api_step "$1-again-totp" 200 /api/v1/auth/totp \
        "{\"login\":\"$sl_login\",\"code\":\"$(totp_code "$(cat "$t/$1.otpauth")" "$2")\",\"bearer\":true}"
    api_member "$1-again-totp" token >"$t/$1.token"
}

share_area() {
    expect_exit 0 "area apply $1" ctl area apply --contract "$2" --project "$3" --prime テスト重工 \
        --vendor 下請電機 --contract-end 2099-03-31T15:00:00Z --applicant 調達部 --reason 新規契約
    expect_exit 0 "area approve $1" member_ctl area approve "$1"
    expect_exit 0 "area show $1" ctl area show "$1"
    area_root=$(awk -v p="$3" '$2 == 0 && $3 == p { print $1 }' "$t/out")
    [ -n "$area_root" ] || fail "area show $1: no root folder $3: $(cat "$t/out")"
}

share_grant() {
    expect_exit 0 "grant $1" ctl rights apply --account "$2" --area "$3" --folder "$4" --ops "$5" \
        --until 2099-01-01T00:00:00Z --applicant 調達部 --reason 業務
    expect_exit 0 "approve grant $1" member_ctl rights approve "$1"
}

js() {
    python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$t/$1.body" "$2" 2>"$t/js.err" || fail "$1: $2: $(tail -n 1 "$t/js.err") in $(head -c 300 "$t/$1.body")"
}

share() {
    sn=$1 sw=$2 sm=$3 sp=$4 st=$5
    shift 5
    [ "$st" = - ] || set -- -H "Authorization: Bearer $st" "$@"
    status=$(portal_curl "$sp" -X "$sm" -H 'Expect:' -D "$t/$sn.h" -o "$t/$sn.body" -w '%{http_code}' \
        "$@" 2>"$t/$sn.err") || fail "$sn: $sm $sp: curl: $(cat "$t/$sn.err")"
    [ "$status" = "$sw" ] || fail "$sn: $sm $sp: status $status, want $sw: $(head -c 300 "$t/$sn.body")"
}

post() {
    share "$1" "$2" POST "$3" "$4" -H 'Content-Type: application/json' --data-binary "$5"
}

jstr() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }

begin() {
    post "$1" "$2" /api/v1/share/uploads "$3" "{\"folder\":$4,\"name\":$(jstr "$5"),\"size\":$6}"
    if [ "$2" = 201 ]; then
        u=$(js "$1" 'a["upload"]') && file=$(js "$1" 'a["file"]') && version=$(js "$1" 'a["version"]') || exit 1
    fi
}

upload() {
    begin "$1.begin" 201 "$2" "$3" "$4" "$(size "$5")"
    [ "$(js "$1.begin" 'a["expires_in"] > 0')" = True ] || fail "$1.begin: $(cat "$t/$1.begin.body")"
    share "$1" 201 PUT "/api/v1/share/uploads/content?upload=$u" "$2" \
        -H 'Content-Type: application/octet-stream' -T "$5"
    [ "$(js "$1" '(a["file"], a["version"], a["size"], a["sha256"], a["state"])')" = \
      "($file, $version, $(size "$5"), '$(sha "$5")', 'clean')" ] ||
        fail "$1: $(cat "$t/$1.body"), want file $file version $version of $(size "$5") bytes, $(sha "$5"), clean"
}

fetch() {
    share "$1" 200 GET "/api/v1/share/download?file=$3${4:+&version=$4}" "$2"
}

backup_keys() {
    dest=$t/dest
    mkdir -p "$dest"
    "${DSGCTL:?}" backup keygen --out "$t/op.key" --pub "$t/op.pub" >/dev/null 2>"$t/err" ||
        fail "keygen: $(cat "$t/err")"
    dest_conf="bkup.dest = \"$dest\"
bkup.allow_same_fs = true"
    key_conf="bkup.recipient_pubkey = \"$t/op.pub\""
}

share_one_file() {
    SHARE_ADMIN_SKEW=3 share_gateway_conf "${2:-}"
    share_restart
    admin_login
    member_login
    case_orgs
    share_user sato 防衛装備庁 3
    token=$(cat "$t/sato.token")
    share_area 1 C-9 装備研究
    share_grant 1 sato 1 "$area_root" list,read,upload
    python3 -c 'import random, sys; r = random.Random(int(sys.argv[1])); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(204807)))' \
        "$1" >"$t/design.bin"
    upload content "$token" "$area_root" design.bin "$t/design.bin"
}

download() {
    fetch "$1" "$token" "$file"
    cmp -s "$t/$1.body" "$t/design.bin" || fail "$1: the download differs from the upload"
}
