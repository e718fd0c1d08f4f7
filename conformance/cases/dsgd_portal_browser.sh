#!/bin/sh
# dsgd_portal_browser: the web portal in a real browser (docs/portal.md): headless Chromium driven through chromedriver by conformance/webdriver_portal.py (W3C WebDriver over plain HTTP and JSON, the test certificate ignored). sato (防衛装備庁, granted list,read,upload on an area's root) logs in through the login page with the password, then the TOTP form; opens the area's folder from the areas page; uploads a file with the folder page's file input and sees it listed on the page the form returns to; opens the logout form. yamada (a company user of テスト重工 whose second factor is a security key, registered by the software authenticator through the API with portal.origin set to this gateway's origin) logs in with the password, then the WebAuthn page: WebDriver's virtual authenticator, given that credential's key, answers the navigator.credentials.get that /static/webauthn.js makes with the login API's options, and the areas page follows. The browser's console reports no Content Security Policy violation and no error on any of these pages (no inline script or style to refuse), and the file the browser sent downloads back byte-identical through the file API. Needs root (as every gateway case) and chromium with chromium-driver (make deps-test installs both); without root it fails as the other cases do.
# @relation(REQ-SHARE-022, REQ-SHARE-010, REQ-MFA-021)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
chromedriver=${CHROMEDRIVER:-$(command -v chromedriver || echo /usr/bin/chromedriver)}
[ -x "$chromedriver" ] || fail "chromedriver (make deps-test: chromium-driver) is needed"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

SHARE_ORIGIN="https://localhost:$DSGD_PORT"
share_gateway_start "$(share_webauthn_conf)
portal.origin = \"$SHARE_ORIGIN\""
share_user sato 防衛装備庁 3
share_company_user yamada テスト重工 4
share_area 1 C-9 装備研究
share_grant 1 sato 1 "$area_root" list,read,upload

wd_port=$((DSGD_PORT + 1))
"$chromedriver" --port="$wd_port" >"$t/chromedriver.log" 2>&1 &
wd_pid=$!
trap 'kill "$wd_pid" 2>/dev/null; dsgd_cleanup' EXIT
wait_until 10 sh -c "curl -s http://127.0.0.1:$wd_port/status | grep -q '\"ready\": *true'"

python3 -c 'import random; r = random.Random(11); open("browser-upload.bin", "wb").write(bytes(r.getrandbits(8) for _ in range(70001)))'
HOME=$t python3 "$(dirname "$CONFORMANCE_LIB")/webdriver_portal.py" "$wd_port" \
    "https://localhost:$DSGD_PORT" sato Brand-new-passw0rd "$(cat "$t/sato.otpauth")" \
    "$t/browser-upload.bin" >"$t/browser.out" 2>&1 ||
    fail "the browser: $(cat "$t/browser.out")"
grep -q '^upload: browser-upload.bin listed' "$t/browser.out" || fail "no upload: $(cat "$t/browser.out")"
grep -q '^console: no CSP violation' "$t/browser.out" || fail "console: $(cat "$t/browser.out")"

# a company user's second factor, a security key: the virtual authenticator
# holds the key the software authenticator registered
HOME=$t python3 "$(dirname "$CONFORMANCE_LIB")/webdriver_portal.py" webauthn "$wd_port" \
    "https://localhost:$DSGD_PORT" yamada Brand-new-passw0rd "$t/yamada.key.pem" \
    "$t/yamada-create.json" >"$t/browser-wa.out" 2>&1 ||
    fail "the browser, with a security key: $(cat "$t/browser-wa.out")"
grep -q '^WebAuthn step: /areas' "$t/browser-wa.out" || fail "no WebAuthn login: $(cat "$t/browser-wa.out")"
grep -q '^console: no CSP violation' "$t/browser-wa.out" || fail "console: $(cat "$t/browser-wa.out")"

# what the browser sent is what is stored
token=$(cat "$t/sato.token")
share listing 200 GET "/api/v1/share/folder?id=$area_root" "$token"
file=$(js listing '[c["id"] for c in a["children"] if c["name"] == "browser-upload.bin"][0]') || exit 1
fetch got "$token" "$file"
cmp -s "$t/got.body" "$t/browser-upload.bin" || fail "the browser's upload differs from its file"
