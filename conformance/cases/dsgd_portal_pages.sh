#!/bin/sh
# dsgd_portal_pages: the web portal's pages (docs/portal.md) fetched with curl as a browser would. Login through the forms: GET /login is text/html; charset=utf-8 with the page CSP (default-src 'none'; script-src 'self'; style-src 'self'; ... no 'unsafe-inline'), nosniff, Referrer-Policy same-origin, no-store, a password field and no inline script or style; POST /login with sato's user ID and password gives the TOTP form (a password-type numeric field), POST /login/totp with the code 303s to /areas with the same session cookie the API sets (__Host-dsg_session, Secure, HttpOnly, SameSite=Strict); a wrong password, an unknown user and a wrong code get one and the same failure page (401), recorded as the API's steps are; a login POST whose Origin is another site's, or null (a page that withholds its origin), is 403 and changes nothing; pages are served with Referrer-Policy: same-origin, so the forms post their own origin. A first login through the pages (suzuki, just registered): the issued password gives the password-change form (new-password fields), two passwords that differ and a weak one (naming the rule) are refused 400 on the same form, a good one gives the enrolment form, the enrolment code gives the new secret's otpauth URI, and its code 303s to /areas with a session cookie. Language: Japanese by default, English from Accept-Language, the lang=en switch sets the dsg_lang cookie and the cookie then wins over Accept-Language. The stylesheet and the WebAuthn script are served with their types. Logout: GET /logout shows a form with a CSRF token; a POST without the token, with another session's token or from another origin is 403 csrf (the session still works, recorded as csrf-refused), with it the session ends (the cookie cleared, the session 401 on the API). Share pages (each the file API's answer rendered): /areas lists sato's area and not an area granted to nobody, and sends a request without a session to /login; the folder page lists sub-folders and files (size, version, uploader, download and versions links) with a create-folder form and a multipart upload form carrying a CSRF token; a sub-folder named <script>alert('x')<script> made through the form comes out escaped, a form without the token or with a wrong one is 403 csrf and creates nothing; a pseudorandom file uploaded through the multipart form (named 設計 &'書.bin: escaped on the page) is listed with its size and downloads byte-identical through the download route, its versions page links version 1; a.exe through the form is 422 forbidden_extension naming .exe, con.txt 422 invalid_name, an upload without the CSRF part or from another origin 403, none of them listed and no object stored for them (files under var/share counted), the refusal recorded upload-refused, the form's upload recorded file-uploaded, the forged forms csrf-refused; the search page gives the form, then sato's file for 設計 (in English with lang=en) with the words escaped in the form; ueda (granted 共通 only) gets 404 for the root, 共通 without sato's file, and no result for 設計. Rename and delete through the forms: the versions page reached from the folder has the file's rename and delete forms (not when reached without its folder); a rename without the token is 403 and changes nothing, with it the file is listed under its new name; the <script> folder is deleted from its own page's form and leaves the listing; the file deleted leaves it too; each recorded (file-renamed, folder-deleted, file-deleted). The access history page (sato holds history): the folder page links the folder's, the area's and each file's history, the versions page the file's; /history?item=folder:F of the <script> folder is a page with the page headers whose table shows sato's folder-created row and the name escaped (heading and data), in English with lang=en for a file (its upload and rename rows, the uploaded name 設計 &'書.bin escaped, the period form with the item), since selects by time (the form keeps it), a period without records says so, a bad item is 400; ueda (no history right) has no link on 共通's page and gets the 403 access_denied page without a table for 共通 and 404 for sato's root; without a session the page sends to /login; the page's reading is on record (dsgctl share history shows sato's history-read). The login pages' failed steps are in 認証ログ as the API's are (credential-refused, password-refused of the unknown user). A locked account (suzuki after three wrong passwords) gets the same failure page for its right password, recorded locked. Every password, one-time code and enrolment code field of every page fetched is type="password" and carries no value.
# @relation(REQ-SHARE-022, REQ-SHARE-010, REQ-MFA-021, REQ-ACCT-014, REQ-SHARE-017, REQ-MFA-012)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

origin="https://localhost:$DSGD_PORT"
# page NAME WANT METHOD PATH [curl args]: one page request, the answer in
# $t/NAME.html and its head in $t/NAME.h; fails unless the status is WANT
page() {
    pn=$1 pw=$2 pm=$3 pp=$4
    shift 4
    status=$(portal_curl "$pp" -X "$pm" -D "$t/$pn.h" -o "$t/$pn.html" -w '%{http_code}' "$@" \
        2>"$t/$pn.err") || fail "$pn: $pm $pp: curl: $(cat "$t/$pn.err")"
    [ "$status" = "$pw" ] || fail "$pn: $pm $pp: status $status, want $pw: $(head -c 600 "$t/$pn.html")"
}
# form NAME WANT PATH DATA [curl args]: a form post from the portal's own origin
form() {
    fn=$1 fw=$2 fp=$3 fd=$4
    shift 4
    page "$fn" "$fw" POST "$fp" -H "Origin: $origin" --data-raw "$fd" "$@"
}
has() {   # has NAME TEXT: the page NAME holds TEXT
    grep -qF -- "$2" "$t/$1.html" || fail "$1: no \"$2\" in $(head -c 1500 "$t/$1.html")"
}
hasnt() {
    ! grep -qF -- "$2" "$t/$1.html" || fail "$1: \"$2\" should not be in the page"
}
header() {   # header NAME LINE: the head of NAME has LINE (case-insensitive name)
    tr -d '\r' <"$t/$1.h" | grep -qiF -- "$2" || fail "$1: no header \"$2\" in $(cat "$t/$1.h")"
}
hidden() {   # hidden NAME FIELD: the value of a hidden field of page NAME
    sed -n "s/.*name=\"$2\" value=\"\\([^\"]*\\)\".*/\\1/p" "$t/$1.html" | head -n 1
}
cookie_of() {   # cookie_of NAME: the session cookie NAME's answer set
    tr -d '\r' <"$t/$1.h" | sed -n 's/^set-cookie: __Host-dsg_session=\([^;]*\);.*/\1/Ip'
}
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
csp="Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
page_headers() {
    header "$1" 'Content-Type: text/html; charset=utf-8'
    header "$1" "$csp"
    header "$1" 'X-Content-Type-Options: nosniff'
    header "$1" 'Referrer-Policy: same-origin'
    header "$1" 'Cache-Control: no-store'
    hasnt "$1" 'unsafe-inline'
    hasnt "$1" '<style'
    hasnt "$1" ' style='
    ! grep -Eq ' on[a-z]+=' "$t/$1.html" || fail "$1: an event handler attribute"
    ! grep -Eq '<script>' "$t/$1.html" || fail "$1: an inline script"
}
# login_pages USER PASSWORD OTPAUTH OFFSET: password and TOTP through the
# forms; the session token in $session
login_pages() {
    form "$1-pw" 200 /login "user_id=$(urlenc "$1")&password=$(urlenc "$2")" \
        -H 'Content-Type: application/x-www-form-urlencoded'
    has "$1-pw" 'action="/login/totp"'
    lp_login=$(hidden "$1-pw" login)
    [ -n "$lp_login" ] || fail "$1-pw: no login field"
    form "$1-totp" 303 /login/totp "login=$lp_login&code=$(totp_code "$3" "$4")"
    header "$1-totp" 'Location: /areas'
    session=$(cookie_of "$1-totp")
    [ -n "$session" ] || fail "$1-totp: no session cookie: $(cat "$t/$1-totp.h")"
}

share_gateway_start
share_user sato 防衛装備庁 3
expect_exit 0 "org 内局" ctl org add 内局 --kind ministry --networks 127.0.0.0/8
share_user ueda 内局 4

# ---- the login page -----------------------------------------------------
page login 200 GET /login
page_headers login
has login '<html lang="ja">'
has login 'type="password"'
has login 'action="/login"'
has login 'href="/static/portal.css"'
page css 200 GET /static/portal.css
header css 'Content-Type: text/css; charset=utf-8'
page js 200 GET /static/webauthn.js
header js 'Content-Type: text/javascript; charset=utf-8'
grep -qF 'navigator.credentials.get' "$t/js.html" || fail "js: not the WebAuthn script"

# languages: default ja, Accept-Language, the switch and its cookie
page login-en 200 GET /login -H 'Accept-Language: en-GB,en;q=0.9'
has login-en '<html lang="en">'
has login-en 'Log in'
page login-switch 200 GET '/login?lang=en' -H 'Accept-Language: ja'
has login-switch '<html lang="en">'
header login-switch 'Set-Cookie: dsg_lang=en; Path=/;'
page login-cookie 200 GET /login -H 'Accept-Language: en' -b 'dsg_lang=ja'
has login-cookie '<html lang="ja">'
has login-cookie 'ログイン'

# one failure page for every failure
form bad-pw 401 /login 'user_id=sato&password=wrong-password-1' \
    -H 'Content-Type: application/x-www-form-urlencoded'
form bad-user 401 /login 'user_id=nobody-here&password=wrong-password-1' \
    -H 'Content-Type: application/x-www-form-urlencoded'
page_headers bad-pw
has bad-pw 'id="failed"'
cmp -s "$t/bad-pw.html" "$t/bad-user.html" || fail "a wrong password and an unknown user got different pages"
page evil-login 403 POST /login -H 'Origin: https://evil.example' \
    --data-raw 'user_id=sato&password=Brand-new-passw0rd'
hasnt evil-login 'action="/login/totp"'
page null-login 403 POST /login -H 'Origin: null' \
    --data-raw 'user_id=sato&password=Brand-new-passw0rd'   # a page that withholds its origin
hasnt null-login 'action="/login/totp"'

login_pages sato Brand-new-passw0rd "$(cat "$t/sato.otpauth")" 1
header sato-totp 'Secure; HttpOnly; SameSite=Strict'
sato=$session
share whoami 200 GET /api/v1/auth/session - -b "__Host-dsg_session=$sato"

# a wrong code: the same failure message, on the code form again
form ueda-pw 200 /login "user_id=ueda&password=Brand-new-passw0rd"
form ueda-badcode 401 /login/totp "login=$(hidden ueda-pw login)&code=000000"
has ueda-badcode 'id="failed"'

# a first login through the pages: the issued password changed, the TOTP
# secret enrolled with the enrolment code, its first code
expect_exit 0 "register suzuki" ctl account apply register --user-id suzuki --applicant 人事課 \
    --reason 着任 --name suzuki --org 防衛装備庁 --org-kind ministry --contract C-9 --type ministry \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "approve suzuki" member_ctl account approve 5
expect_exit 0 "password suzuki" ctl account credentials suzuki --sheet password
su_pw=$(sed -n 's/^password: //p' "$t/out")
expect_exit 0 "code suzuki" ctl account credentials suzuki --sheet code
su_code=$(sed -n 's/^code: //p' "$t/out")
form su-pw 200 /login "user_id=suzuki&password=$(urlenc "$su_pw")"
has su-pw 'action="/login/password"'
has su-pw 'autocomplete="new-password"'
form su-differ 400 /login/password "login=$(hidden su-pw login)&password=Brand-new-passw0rd&password2=Brand-new-passw0rX"
has su-differ 'id="failed"'
form su-weak 400 /login/password "login=$(hidden su-differ login)&password=short&password2=short"
has su-weak 'id="failed"'
has su-weak '<code>'
form su-new 200 /login/password "login=$(hidden su-weak login)&password=Brand-new-passw0rd&password2=Brand-new-passw0rd"
has su-new 'action="/login/totp/enrol"'
form su-enrol 200 /login/totp/enrol "login=$(hidden su-new login)&code=$(urlenc "$su_code")"
has su-enrol 'id="otpauth"'
su_uri=$(python3 -c 'import html, re, sys; print(html.unescape(re.search(r"id=\"otpauth\">([^<]*)<", open(sys.argv[1]).read()).group(1)))' "$t/su-enrol.html")
case $su_uri in otpauth://totp/*) ;; *) fail "su-enrol: otpauth '$su_uri'" ;; esac
form su-confirm 303 /login/totp "login=$(hidden su-enrol login)&code=$(totp_code "$su_uri" 0)"
header su-confirm 'Location: /areas'
[ -n "$(cookie_of su-confirm)" ] || fail "su-confirm: no session cookie"

login_pages ueda Brand-new-passw0rd "$(cat "$t/ueda.otpauth")" 1
ueda=$session

# ---- share pages ---------------------------------------------------------
share_area 1 C-9 装備研究
root=$area_root common=2
share_grant 1 sato 1 "$root" list,read,upload,new-version,create-folder,search,rename,delete,history
share_grant 2 ueda 1 "$common" list,read,search
share_area 2 C-10 秘密計画
ck="__Host-dsg_session=$sato"
page areas 200 GET /areas -b "$ck"
page_headers areas
has areas '装備研究'
has areas "href=\"/folder?id=$root\""
hasnt areas '秘密計画'
page areas-nobody 303 GET /areas
header areas-nobody 'Location: /login'
page folder 200 GET "/folder?id=$root" -b "$ck"
page_headers folder
has folder '共通'
has folder 'enctype="multipart/form-data"'
fcsrf=$(hidden folder csrf)
[ "${#fcsrf}" -eq 43 ] || fail "folder: CSRF token '$fcsrf'"

# a sub-folder through the form; its name comes out escaped; no token, nothing made
evil="<script>alert('x')<script>"
form mkdir 303 /folder/create "csrf=$fcsrf&parent=$root&name=$(urlenc "$evil")" \
    -b "$ck" -H 'Content-Type: application/x-www-form-urlencoded'
header mkdir "Location: /folder?id=$root"
form mkdir-nocsrf 403 /folder/create "parent=$root&name=forged" -b "$ck" \
    -H 'Content-Type: application/x-www-form-urlencoded'
has mkdir-nocsrf 'id="code">csrf<'
form mkdir-badcsrf 403 /folder/create "csrf=$(printf '%043d' 0)&parent=$root&name=forged2" -b "$ck" \
    -H 'Content-Type: application/x-www-form-urlencoded'
page_headers mkdir-nocsrf
page folder2 200 GET "/folder?id=$root" -b "$ck"
has folder2 '&lt;script&gt;alert(&#39;x&#39;)&lt;script&gt;'
hasnt folder2 "<script>alert"
hasnt folder2 'forged'

# uploads through the multipart form
python3 -c 'import random; r = random.Random(7); open("design.bin", "wb").write(bytes(r.getrandbits(8) for _ in range(150001)))'
printf 'MZ not really\n' >"$t/a.exe"
before=$(find "$t/var/share" -type f | wc -l)
page upload 303 POST "/upload?folder=$root" -b "$ck" -H "Origin: $origin" \
    -F "csrf=$fcsrf" -F "file=@$t/design.bin;filename=設計 &'書.bin"
header upload "Location: /folder?id=$root"
page upload-exe 422 POST "/upload?folder=$root" -b "$ck" -F "csrf=$fcsrf" -F "file=@$t/a.exe;filename=a.exe"
page_headers upload-exe
has upload-exe 'id="code">forbidden_extension<'
has upload-exe 'id="detail">.exe<'
page upload-con 422 POST "/upload?folder=$root" -b "$ck" -F "csrf=$fcsrf" -F "file=@$t/a.exe;filename=con.txt"
has upload-con 'id="code">invalid_name<'
has upload-con 'id="detail">'
page upload-nocsrf 403 POST "/upload?folder=$root" -b "$ck" -F "file=@$t/a.exe;filename=b.txt"
page upload-evil 403 POST "/upload?folder=$root" -b "$ck" -H 'Origin: https://evil.example' \
    -F "csrf=$fcsrf" -F "file=@$t/a.exe;filename=c.txt"
after=$(find "$t/var/share" -type f | wc -l)
page folder3 200 GET "/folder?id=$root" -b "$ck"
has folder3 '設計 &amp;&#39;書.bin'
has folder3 '<td class="num">150001</td>'
hasnt folder3 'a.exe'
hasnt folder3 'con.txt'
hasnt folder3 'b.txt'
hasnt folder3 'c.txt'
fid=$(sed -n 's/.*href="\/api\/v1\/share\/download?file=\([0-9]*\)".*/\1/p' "$t/folder3.html" | head -n 1)
[ -n "$fid" ] || fail "folder3: no download link"
share dl 200 GET "/api/v1/share/download?file=$fid" - -b "$ck"
cmp -s "$t/dl.body" "$t/design.bin" || fail "the download differs from the upload through the form"
page versions 200 GET "/versions?file=$fid" -b "$ck"
has versions "download?file=$fid&amp;version=1"
hasnt versions 'action="/file/rename"'   # reached without its folder: no forms
has folder3 "/versions?file=$fid&amp;folder=$root\""
share listing 200 GET "/api/v1/share/folder?id=$root" - -b "$ck"
[ "$(js listing '[c["name"].encode().hex() for c in a["children"] if c["kind"] == "file"]')" = \
  "['$(printf '%s' "設計 &'書.bin" | od -An -tx1 | tr -d ' \n')']" ] ||
    fail "listing: $(cat "$t/listing.body")"
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export23" 2>"$t/err" ||
    fail "log export 23: $(cat "$t/err")"
grep '"upload-refused"' "$t/export23" | grep -q 'forbidden_extension' || fail "no upload-refused record of a.exe"
[ "$(grep -c '"csrf-refused"' "$t/export23")" -ge 3 ] || fail "csrf-refused records of the share pages"
grep '"file-uploaded"' "$t/export23" | grep -q 'size=150001' || fail "no file-uploaded record"
# a.exe refused before any byte was stored: one object more (the good upload's), no more
[ "$((after - before))" -le 2 ] || fail "files under var/share: $before before, $after after"

# search: the form, then the API's results (only what the account may read)
page search-form 200 GET /search -b "$ck"
page_headers search-form
has search-form 'action="/search"'
hasnt search-form 'class="results"'
page search 200 GET "/search?q=$(urlenc '設計')&lang=en" -b "$ck"
has search '<html lang="en">'
has search '設計 &amp;&#39;書.bin'
has search "download?file=$fid\""
page search-evil 200 GET "/search?q=$(urlenc '設計"><b>')" -b "$ck"
has search-evil 'value="設計&quot;&gt;&lt;b&gt;"'

# ueda: only 共通
cu="__Host-dsg_session=$ueda"
page ueda-root 404 GET "/folder?id=$root" -b "$cu"
page ueda-common 200 GET "/folder?id=$common" -b "$cu"
hasnt ueda-common '設計'
page ueda-search 200 GET "/search?q=$(urlenc '設計')" -b "$cu"
has ueda-search 'id="none"'
hasnt ueda-search '書.bin'

# rename and delete through the forms: a file's on its versions page, a
# folder's on its own page; without the token nothing changes
page versions2 200 GET "/versions?file=$fid&folder=$root" -b "$ck"
has versions2 'action="/file/rename"'
has versions2 'action="/file/delete"'
form rename-nocsrf 403 /file/rename "file=$fid&back=$root&name=forged.bin" -b "$ck" \
    -H 'Content-Type: application/x-www-form-urlencoded'
form rename 303 /file/rename "csrf=$fcsrf&file=$fid&back=$root&name=renamed.bin" -b "$ck" \
    -H 'Content-Type: application/x-www-form-urlencoded'
header rename "Location: /folder?id=$root"
eid=$(sed -n 's/.*<a href="\/folder?id=\([0-9]*\)">&lt;script.*/\1/p' "$t/folder3.html" | head -n 1)
[ -n "$eid" ] || fail "folder3: no link to the <script> folder"
# the access history page (REQ-SHARE-017): linked from the folder and
# versions pages for sato, who holds history; the <script> folder's page
# shows its creation with the name escaped, in English with lang=en; ueda,
# who does not, has no link and gets the refusal page, nothing of the rows
page hist-links 200 GET "/folder?id=$root" -b "$ck"
has hist-links "href=\"/history?item=folder%3A$root\""
has hist-links "href=\"/history?item=area%3A1\""
has hist-links "href=\"/history?item=file%3A$fid\""
has versions2 "href=\"/history?item=file%3A$fid\""
page hist-evil 200 GET "/history?item=folder%3A$eid" -b "$ck"
page_headers hist-evil
has hist-evil '<table class="history">'
has hist-evil '<td>sato</td><td>folder-created</td>'
has hist-evil 'name=&lt;script&gt;alert(&#39;x&#39;)&lt;script&gt;'
has hist-evil '<b id="item-name">&lt;script&gt;alert(&#39;x&#39;)&lt;script&gt;</b>'
has hist-evil 'アクセス履歴'
hasnt hist-evil "<script>alert"
page hist-file 200 GET "/history?item=file%3A$fid&lang=en" -b "$ck"
has hist-file 'Access history'
has hist-file '<td>file-uploaded</td>'
has hist-file '<td>file-renamed</td>'
has hist-file 'name=設計 &amp;&#39;書.bin'
hasnt hist-file "&'書"
has hist-file 'name="item" value="file:'
page hist-area 200 GET "/history?item=area%3A1&since=2000-01-01T00%3A00%3A00Z" -b "$ck"
has hist-area '<td>folder-created</td>'
has hist-area 'value="2000-01-01T00:00:00.000Z"'
page hist-empty 200 GET "/history?item=file%3A$fid&since=2098-01-01T00%3A00%3A00Z" -b "$ck"
has hist-empty 'id="none"'
page hist-bad 400 GET "/history?item=dir%3A1" -b "$ck"
has hist-bad 'id="code">bad_request<'
page ueda-common2 200 GET "/folder?id=$common" -b "$cu"
hasnt ueda-common2 '/history?'
page ueda-hist 403 GET "/history?item=folder%3A$common" -b "$cu"
page_headers ueda-hist
has ueda-hist 'id="code">access_denied<'
hasnt ueda-hist '<table'
page ueda-hist-root 404 GET "/history?item=folder%3A$root" -b "$cu"
page hist-nosession 303 GET "/history?item=folder%3A$root"
header hist-nosession 'Location: /login'
"$DSGCTL" share history "folder:$eid" --socket "$sock" >"$t/hist-evil.txt" 2>"$t/err" ||
    fail "share history folder:$eid: $(cat "$t/err")"
grep -q "sato$(printf '\t')history-read" "$t/hist-evil.txt" ||
    fail "the page's reading is not on record: $(cat "$t/hist-evil.txt")"

page evil-folder 200 GET "/folder?id=$eid" -b "$ck"
has evil-folder 'action="/folder/delete"'
form rmdir 303 /folder/delete "csrf=$fcsrf&folder=$eid&back=$root" -b "$ck" \
    -H 'Content-Type: application/x-www-form-urlencoded'
header rmdir "Location: /folder?id=$root"
page folder4 200 GET "/folder?id=$root" -b "$ck"
has folder4 'renamed.bin'
hasnt folder4 'forged.bin'
hasnt folder4 '&lt;script'
form rm 303 /file/delete "csrf=$fcsrf&file=$fid&back=$root" -b "$ck" \
    -H 'Content-Type: application/x-www-form-urlencoded'
page folder5 200 GET "/folder?id=$root" -b "$ck"
hasnt folder5 'renamed.bin'
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export23b" 2>"$t/err" ||
    fail "log export 23: $(cat "$t/err")"
for e in file-renamed folder-deleted file-deleted; do
    grep -q "\"$e\"" "$t/export23b" || fail "no $e record of the forms"
done

# ---- logout: a form with a CSRF token ------------------------------------
page logout-form 200 GET /logout -b "__Host-dsg_session=$sato"
page_headers logout-form
csrf=$(hidden logout-form csrf)
[ "${#csrf}" -eq 43 ] || fail "logout-form: CSRF token '$csrf'"
page logout-form2 200 GET /logout -b "__Host-dsg_session=$ueda"
csrf2=$(hidden logout-form2 csrf)
[ "$csrf" != "$csrf2" ] || fail "two sessions got the same CSRF token"
form logout-none 403 /logout '' -b "__Host-dsg_session=$sato"
has logout-none 'class="error"'
form logout-other 403 /logout "csrf=$csrf2" -b "__Host-dsg_session=$sato"
page logout-evil 403 POST /logout -H 'Origin: https://evil.example' --data-raw "csrf=$csrf" \
    -b "__Host-dsg_session=$sato"
share still 200 GET /api/v1/auth/session - -b "__Host-dsg_session=$sato"
form logout 200 /logout "csrf=$csrf" -b "__Host-dsg_session=$sato"
header logout 'Set-Cookie: __Host-dsg_session=; Path=/; Max-Age=0'
share gone 401 GET /api/v1/auth/session - -b "__Host-dsg_session=$sato"
share other-still 200 GET /api/v1/auth/session - -b "__Host-dsg_session=$ueda"
"$DSGCTL" log export --type 14 --format jsonl --socket "$sock" >"$t/export14" 2>"$t/err" ||
    fail "log export 14: $(cat "$t/err")"
[ "$(grep -c '"csrf-refused"' "$t/export14")" -ge 3 ] ||
    fail "csrf-refused records: $(grep -c csrf-refused "$t/export14"), want 3 or more"
grep -q '"event":"logout"' "$t/export14" || fail "no logout record: $(tail -n 3 "$t/export14")"
# the pages' failed steps are the API's, recorded as such
grep '"user_id":"sato"' "$t/export14" | grep -q '"credential-refused"' ||
    fail "no credential-refused record of sato's wrong password"
grep '"user_id":"unknown:' "$t/export14" | grep -q '"password-refused"' ||
    fail "no password-refused record of the unknown user"
grep '"user_id":"ueda"' "$t/export14" | grep -q '"credential-refused"' ||
    fail "no credential-refused record of ueda's wrong code"

# a locked account gets the one failure page: suzuki locked by
# auth.lockout_threshold (3) wrong passwords, then the right one
for i in 1 2 3; do
    form su-wrong-$i 401 /login "user_id=suzuki&password=wrong-password-$i"
done
form su-locked 401 /login "user_id=suzuki&password=Brand-new-passw0rd"
cmp -s "$t/bad-pw.html" "$t/su-locked.html" || fail "a locked account and a wrong password got different pages"
"$DSGCTL" log export --type 14 --format jsonl --socket "$sock" >"$t/export14" 2>"$t/err" ||
    fail "log export 14: $(cat "$t/err")"
grep '"user_id":"suzuki"' "$t/export14" | grep -q '"event":"locked"' ||
    fail "no locked record of suzuki: $(grep suzuki "$t/export14" | tail -n 3)"

# every password, one-time code and enrolment code field of every page is
# masked and never filled in (REQ-MFA-012)
python3 - "$t" <<'PY' || fail "an unmasked secret field"
import glob, html.parser, sys
secret = {"password", "password2", "code", "current_password"}
class Inputs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []
    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.found.append(dict(attrs))
seen = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.html")):
    p = Inputs()
    p.feed(open(path, encoding="utf-8", errors="replace").read())
    for a in p.found:
        if a.get("name") in secret:
            seen += 1
            assert a.get("type") == "password", (path, a)
            assert "value" not in a, (path, a)
assert seen >= 6, seen
PY
