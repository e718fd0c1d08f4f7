#!/bin/sh
# dsgd_account_portal_apply: applications from the portal (REQ-ACCT-001's second path). sato, a logged-in Ministry user of 防衛装備庁, registers a colleague (kato) with POST /api/v1/auth/applications: 201 with the application's number and sato as applicant; `dsgctl account applications` shows it pending, entered by sato, and `--json` names sato as applicant; the administrator approves it and kato is active. A body without the reason, without the contract, without the expiry, with a bad user ID, or naming an applicant itself is 400 naming the item and stores nothing; no session (and a session token that is not one) is 401; a registration into another organisation (内局, or the prime テスト重工), of an administrator, or a suspension of ueda (内局) or of an administrator is 403 other_organisation or admin_account; a suspension of kato (sato's colleague) is 201; a user ID already taken is 409 user_id_taken; GET /api/v1/auth/applications lists sato's own applications, newest first with their states, and not ueda's. The page /apply: without a session it sends to /login; with one it shows the form (escaped, ja and en) with a CSRF token; its POST with the token stores an application (the page shows the number and the user's own applications with their states; ueda's page shows none), without the token or with another's it is 403 and stores nothing, from another origin 403, with a missing item 400 naming it. The trail holds each entered application as アカウント管理操作ログ 4100 with source dsgd/auth (portal), actor sato, the client's address as computer name and no uid or pid, and the refusals as 4190 warnings.
# @relation(REQ-ACCT-001, REQ-ACCT-018, REQ-SHARE-022)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

share_gateway_start
share_user sato 防衛装備庁 3
expect_exit 0 "org 内局" ctl org add 内局 --kind ministry --networks 127.0.0.0/8
share_user ueda 内局 4
tok=$(cat "$t/sato.token")

# app KIND USER [MEMBERS]: an application's JSON; MEMBERS replace the defaults
# (a registration of a Ministry user of 防衛装備庁), "-name" drops one
app() {
    python3 - "$@" <<'PY'
import json, sys
kind, user = sys.argv[1], sys.argv[2]
a = {"kind": kind, "user_id": user, "reason": "着任"}
if kind == "register":
    a.update({"name": "加藤 <b>次郎</b>", "org": "防衛装備庁", "org_kind": "ministry", "contract": "C-9",
              "type": "ministry", "expiry": 4070908800, "contract_end": 4086000000})
for m in sys.argv[3:]:
    if m.startswith("-"):
        a.pop(m[1:])
    else:
        k, v = m.split("=", 1)
        a[k] = int(v) if v.isdigit() else v
print(json.dumps(a, ensure_ascii=False))
PY
}
apps=/api/v1/auth/applications

# ---- the API -------------------------------------------------------------
post reg 201 $apps "$tok" "$(app register Kato)"
[ "$(js reg 'a["id"]')" = 5 ] || fail "reg: $(cat "$t/reg.body")"
[ "$(js reg 'a["applicant"]')" = sato ] && [ "$(js reg 'a["user_id"]')" = kato ] &&
    [ "$(js reg 'a["state"]')" = pending ] || fail "reg: $(cat "$t/reg.body")"
expect_exit 0 "applications" ctl account applications --pending
grep -Eq '^5 +register +kato +pending +[0-9T:.-]+Z +sato$' "$t/out" || fail "pending: $(cat "$t/out")"
expect_exit 0 "applications json" ctl account applications --json
grep '"id":5,' "$t/out" | grep -q '"applicant":"sato"' || fail "json: $(cat "$t/out")"
expect_exit 0 "approve" member_ctl account approve 5
grep -q '^application 5 approved: kato is active$' "$t/out" || fail "approve: $(cat "$t/out")"
expect_exit 0 "show kato" ctl account show kato
grep -q 'active' "$t/out" || fail "kato: $(cat "$t/out")"

# a missing or bad item: 400 naming it, nothing stored
refused400() {   # NAME FIELD JSON
    post "$1" 400 $apps "$tok" "$3"
    [ "$(js "$1" 'a["field"]')" = "$2" ] || fail "$1: $(cat "$t/$1.body")"
    grep -qF "$2" "$t/$1.body" || fail "$1: $(cat "$t/$1.body")"
}
refused400 no-reason reason "$(app register k2 -reason)"
refused400 no-contract contract "$(app register k2 -contract)"
refused400 no-expiry expiry "$(app register k2 -expiry)"
refused400 no-org org "$(app register k2 -org)"
refused400 bad-id user-id "$(app register 'k 2')"
refused400 applicant applicant "$(app register k2 applicant=mallory)"
[ "$(js no-reason 'a["error"]')" = missing_field ] || fail "no-reason: $(cat "$t/no-reason.body")"
[ "$(js bad-id 'a["error"]')" = bad_field ] || fail "bad-id: $(cat "$t/bad-id.body")"

# no session: 401
post none 401 $apps - "$(app register k3)"
post forged 401 $apps "not-a-session-token" "$(app register k3)"
share list-none 401 GET $apps -

# another organisation, an administrator: 403
refused403() {   # NAME CODE JSON
    post "$1" 403 $apps "$tok" "$3"
    [ "$(js "$1" 'a["error"]')" = "$2" ] || fail "$1: $(cat "$t/$1.body")"
}
refused403 other-org other_organisation "$(app register k4 org=内局)"
refused403 prime other_organisation \
    "$(app register k4 org=テスト重工 org_kind=prime type=company)"
refused403 admin admin_account "$(app register k4 type=admin)"
refused403 suspend-ueda other_organisation "$(app suspend ueda)"
refused403 suspend-admin other_organisation "$(app suspend kanri1)"
refused403 suspend-nobody other_organisation "$(app suspend nosuchuser)"
expect_exit 0 "applications after refusals" ctl account applications
[ "$(grep -c ' sato$' "$t/out")" = 1 ] || fail "refused ones stored: $(cat "$t/out")"

# a colleague's suspension; an ID taken
post suspend-kato 201 $apps "$tok" "$(app suspend kato)"
post taken 409 $apps "$tok" "$(app register kato)"
[ "$(js taken 'a["error"]')" = user_id_taken ] || fail "taken: $(cat "$t/taken.body")"

# sato's own applications, newest first; none of ueda's
share mine 200 GET $apps "$tok"
[ "$(js mine '[(x["id"], x["kind"], x["user_id"], x["state"]) for x in a["applications"]]')" = \
  "[(6, 'suspend', 'kato', 'pending'), (5, 'register', 'kato', 'approved')]" ] ||
    fail "mine: $(cat "$t/mine.body")"
[ "$(js mine 'a["more"]')" = False ] || fail "mine: $(cat "$t/mine.body")"
share theirs 200 GET $apps "$(cat "$t/ueda.token")"
[ "$(js theirs 'a["applications"]')" = "[]" ] || fail "theirs: $(cat "$t/theirs.body")"
post bad-json 400 $apps "$tok" '{"kind":"register",'
[ "$(js bad-json 'a["error"]')" = bad-json ] || fail "bad-json: $(cat "$t/bad-json.body")"
post unknown-member 400 $apps "$tok" '{"kind":"register","admin":true}'
[ "$(js unknown-member 'a["error"]')" = bad_request ] || fail "unknown-member: $(cat "$t/unknown-member.body")"

# ---- the page /apply ----------------------------------------------------------
origin="https://localhost:$DSGD_PORT"
ck="__Host-dsg_session=$tok"
page() {   # page NAME WANT METHOD PATH [curl args]: the answer in $t/NAME.html
    pn=$1 pw=$2 pm=$3 pp=$4
    shift 4
    status=$(portal_curl "$pp" -X "$pm" -D "$t/$pn.h" -o "$t/$pn.html" -w '%{http_code}' "$@" \
        2>"$t/$pn.err") || fail "$pn: $pm $pp: curl: $(cat "$t/$pn.err")"
    [ "$status" = "$pw" ] || fail "$pn: $pm $pp: status $status, want $pw: $(head -c 600 "$t/$pn.html")"
}
form() {   # form NAME WANT DATA [curl args]: a post of the form from the portal's origin
    fn=$1 fw=$2 fd=$3
    shift 3
    page "$fn" "$fw" POST /apply -H "Origin: $origin" -H 'Content-Type: application/x-www-form-urlencoded' \
        --data-raw "$fd" "$@"
}
has() { grep -qF -- "$2" "$t/$1.html" || fail "$1: no \"$2\" in $(head -c 1500 "$t/$1.html")"; }
hasnt() { ! grep -qF -- "$2" "$t/$1.html" || fail "$1: \"$2\" should not be in the page"; }
hidden() { sed -n "s/.*name=\"$2\" value=\"\([^\"]*\)\".*/\1/p" "$t/$1.html" | head -n 1; }
urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
stored() { ctl account applications >"$t/apps" 2>&1 || fail "applications: $(cat "$t/apps")"; grep -c ' sato$' "$t/apps"; }

page nosession 303 GET /apply
tr -d '\r' <"$t/nosession.h" | grep -qi '^location: /login' || fail "nosession: $(cat "$t/nosession.h")"
page apply 200 GET /apply -b "$ck"
has apply '<html lang="ja">'
has apply 'アカウント申請'
has apply '<form method="post" action="/apply">'
has apply '<b id="org">防衛装備庁</b>'
has apply '<option value="register"'
has apply 'href="/apply"'
csrf=$(hidden apply csrf)
[ "${#csrf}" = 43 ] || fail "apply: no CSRF token: $(cat "$t/apply.html")"
page apply-en 200 GET '/apply?lang=en' -b "$ck"
has apply-en 'Account application'
page areas 200 GET /areas -b "$ck"
has areas 'href="/apply"'

before=$(stored)
evil='<script>alert(1)</script>'
fields="kind=register&user_id=mori&reason=$(urlenc 着任)&name=$(urlenc "$evil")&contract=C-9&expiry=2099-01-01&contract_end=2099-06-30"
form nocsrf 403 "$fields" -b "$ck"
form badcsrf 403 "csrf=$(printf '%043d' 0)&$fields" -b "$ck"
page otherorigin 403 POST /apply -H "Origin: https://evil.example" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data-raw "csrf=$csrf&$fields" -b "$ck"
[ "$(stored)" = "$before" ] || fail "a forged form stored an application: $(cat "$t/apps")"
form noreason 400 "csrf=$csrf&kind=register&user_id=mori&reason=&name=n&contract=C-9&expiry=2099-01-01&contract_end=2099-06-30" -b "$ck"
has noreason 'missing_field'
has noreason 'reason'
form evil 400 "csrf=$csrf&kind=register&user_id=mori&reason=r&name=$(urlenc "$evil")&contract=&expiry=2099-01-01&contract_end=2099-06-30" -b "$ck"
has evil 'contract'
has evil '&lt;script&gt;alert(1)&lt;/script&gt;'
hasnt evil "$evil"
[ "$(stored)" = "$before" ] || fail "a refused form stored an application: $(cat "$t/apps")"
form applied 201 "csrf=$csrf&$fields" -b "$ck"
has applied '<b id="number">7</b>'
has applied '<tr><td>7</td><td>登録</td><td>mori</td><td><code>pending</code></td></tr>'
has applied '<tr><td>5</td><td>登録</td><td>kato</td><td><code>approved</code></td></tr>'
page ueda-apply 200 GET /apply -b "__Host-dsg_session=$(cat "$t/ueda.token")"
has ueda-apply '申請はまだありません。'
hasnt ueda-apply 'mori'
[ "$(stored)" = $((before + 1)) ] || fail "the form's application: $(cat "$t/apps")"
grep -Eq '^7 +register +mori +pending ' "$t/apps" || fail "the form's application: $(cat "$t/apps")"
form other 403 "csrf=$csrf&kind=suspend&user_id=ueda&reason=r&name=&contract=&expiry=&contract_end=" -b "$ck"
has other 'other_organisation'

# ---- the trail ---------------------------------------------------------------
trail() {
    ctl log export --format jsonl >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
    python3 - "$t/export" "$@" <<'PY' || fail "trail: $(grep -a 'portal)' "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ops = [r["fields"] for r in recs if r.get("type") == 15 and r["fields"]["source_name"] == "dsgd/auth (portal)"]
entered = [f for f in ops if f["event_id"] == "4100"]
refused = [f for f in ops if f["event_id"] == "4190"]
assert [f["user_name"] for f in entered[:2]] == ["actor=sato account=kato"] * 2, entered
assert int(sys.argv[2]) == len(entered) and int(sys.argv[3]) == len(refused), (len(entered), len(refused))
for f in ops:
    assert f["user_name"].startswith("actor=sato account="), f
    assert f["computer_name"] in ("127.0.0.1", "::ffff:127.0.0.1"), f
    assert "uid" not in f and "pid" not in f, f
    assert f["log_name"] == "Application", f
    assert f["level"] == ("警告" if f["event_id"] == "4190" else "情報"), f
assert "application 5: register kato entered at the portal, pending" in entered[0]["detail"], entered[0]
assert any("other_organisation" in f["detail"] for f in refused), refused
assert any("missing_field: reason" in f["detail"] for f in refused), refused
PY
}
trail 3 16

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
