#!/bin/sh
# dsgd_http_session: the session credential crosses the portal both ways (the test build's sink, POST /api/v1/test/session, answers {"token":"<what it received>"} and sets the cookie its query asks for): a request without credential reaches the role with an empty token and gets no Set-Cookie; "Authorization: Bearer T" (scheme in any case) and the cookie __Host-dsg_session=T among other cookies each reach it as T, and both together when equal; set=T&max_age=900 gives exactly "Set-Cookie: __Host-dsg_session=T; Path=/; Max-Age=900; Secure; HttpOnly; SameSite=Strict" with Cache-Control: no-store, clear=1 gives the same with an empty value and Max-Age=0, and curl's cookie engine keeps the cookie and sends it back; the portal answers 400 before the role hears of the request to two Authorization headers (duplicate-authorization), a Basic scheme (unsupported-auth-scheme), a token that is empty, 65 bytes long or has a "." (bad-token, bearer or cookie), a malformed Cookie header (bad-cookie), two __Host-dsg_session cookies (duplicate-session-cookie) and a bearer token and cookie that differ (credential-mismatch); the portal is never restarted by any of it.
# @relation(REQ-ACCT-014, REQ-RUN-013, REQ-RUN-017)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

tok=q1w2E3r4T5y6U7i8O9p0-_                      # 22 base64url bytes: 128 bits
t64=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_
attrs='Path=/; Max-Age=900; Secure; HttpOnly; SameSite=Strict'

# session NAME WANT-STATUS QUERY [curl args]: headers in $t/NAME.h, body in
# $t/NAME.json
session() {
    name=$1 want=$2 query=$3
    shift 3
    code=$(portal_curl "/api/v1/test/session$query" -X POST -D "$t/$name.h" -o "$t/$name.json" \
        -w '%{http_code}' "$@" 2>"$t/$name.err") || fail "$name: curl: $(cat "$t/$name.err")"
    [ "$code" = "$want" ] || fail "$name: status $code, want $want: $(cat "$t/$name.json")"
}
got_token() {   # got_token NAME TOKEN: the role received TOKEN
    [ "$(cat "$t/$1.json")" = "{\"token\":\"$2\"}" ] ||
        fail "$1: the sink answered $(cat "$t/$1.json"), want token '$2'"
}
set_cookie() {   # set_cookie NAME LINE: the answer's only Set-Cookie is LINE
    grep -i '^set-cookie:' "$t/$1.h" | tr -d '\r' >"$t/$1.sc"
    printf '%s\n' "$2" | cmp -s - "$t/$1.sc" || fail "$1: Set-Cookie $(cat "$t/$1.sc"), want $2"
    tr -d '\r' <"$t/$1.h" | grep -qx 'Cache-Control: no-store' || fail "$1: no Cache-Control: no-store"
}
no_cookie() {
    ! grep -qi '^set-cookie:' "$t/$1.h" || fail "$1: a Set-Cookie: $(grep -i '^set-cookie:' "$t/$1.h")"
}
refused() {   # refused NAME CODE [curl args]: 400 CODE from the portal
    case_name=$1 error=$2
    shift 2
    session "$case_name" 400 '' "$@"
    grep -q "^{\"error\":\"$error\",\"message\":\"" "$t/$case_name.json" ||
        fail "$case_name: want $error: $(cat "$t/$case_name.json")"
    no_cookie "$case_name"
}

printf 'dsgd.roles = "portal, ctl, sink"\n' >"$t/dsgd.conf"
dsgd_start "$DSGD_TEST" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\]: routes of role 4: 6'
portal=$(worker_pid portal)

session none 200 ''
got_token none ''
no_cookie none
session bearer 200 '' -H "Authorization: Bearer $tok"
got_token bearer "$tok"
session bearer_case 200 '' -H "Authorization: bEARER $t64"
got_token bearer_case "$t64"
session cookie 200 '' -H "Cookie: theme=dark; __Host-dsg_session=$tok; lang=ja"
got_token cookie "$tok"
session both 200 '' -H "Authorization: Bearer $tok" -H "Cookie: __Host-dsg_session=$tok"
got_token both "$tok"

session set 200 "?set=$tok&max_age=900"
got_token set ''
set_cookie set "Set-Cookie: __Host-dsg_session=$tok; $attrs"
session clear 200 '?clear=1' -H "Authorization: Bearer $tok"
got_token clear "$tok"
set_cookie clear 'Set-Cookie: __Host-dsg_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict'
session sink_refuses 400 '?set=a.b&max_age=900'
no_cookie sink_refuses

# a real client's cookie engine takes the cookie as set and sends it back
session jar_set 200 "?set=$tok&max_age=900" -c "$t/jar"
session jar_use 200 '' -b "$t/jar"
got_token jar_use "$tok"

refused two_auth duplicate-authorization -H "Authorization: Bearer $tok" -H "Authorization: Bearer $tok"
refused basic unsupported-auth-scheme -H 'Authorization: Basic Zm9vOmJhcg=='
refused empty_bearer bad-token -H 'Authorization: Bearer'
refused long_bearer bad-token -H "Authorization: Bearer ${t64}A"
refused dot_bearer bad-token -H 'Authorization: Bearer a.b'
refused empty_cookie bad-token -H 'Cookie: __Host-dsg_session='
refused long_cookie bad-token -H "Cookie: __Host-dsg_session=${t64}A"
refused dot_cookie bad-token -H 'Cookie: __Host-dsg_session=a.b'
refused bad_cookie bad-cookie -H 'Cookie: a=1;b=2'
refused two_cookies duplicate-session-cookie -H "Cookie: __Host-dsg_session=$tok; __Host-dsg_session=other"
refused mismatch credential-mismatch -H "Authorization: Bearer $tok" -H 'Cookie: __Host-dsg_session=other'
grep -Eq 'bad-separator at byte [0-9]+' "$t/bad_cookie.json" ||
    fail "bad_cookie: the message does not name the parser's error: $(cat "$t/bad_cookie.json")"

[ "$(worker_pid portal)" = "$portal" ] || fail "the portal was restarted"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
