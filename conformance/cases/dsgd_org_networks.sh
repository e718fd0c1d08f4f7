#!/bin/sh
# dsgd_org_networks: accounts reach DSG only from their organisation's registered networks. dsgctl org checks its arguments before contacting dsgd (exit 64 naming the argument: a kind other than company or ministry, a missing --networks, a network list the proved parser refuses, an empty ORG; even with no daemon) and needs an administrator's login (77 admin_login_required without one); `org add` registers an organisation with its kind and networks (a second time: org_exists, exit 1), `org networks` replaces them (unknown_org for an organisation not registered), `org list` and `org show` (text and --json) show the kind, the networks and who registered and changed them, and when. On the login API, with clients bound to other loopback addresses (curl --interface 127.0.0.2): a company user's password step from inside the registered networks goes on (next password-change) and from outside them is refused with exactly the body of a wrong password (401 {"error":"auth_failed",...}), so is any step of an account whose organisation is not registered, and a later step of a login begun inside, sent from outside, which ends that login; a Ministry user of an unregistered organisation logs in from auth.ministry_networks only; a Ministry user's session used from outside its organisation's networks and auth.ministry_networks is refused with 403 {"error":"network_not_allowed","message":...} and stays usable from inside, and `org networks` adding the address lets the next request through; each refusal is in the trail as 認証ログ "network-refused" with a detail saying the network is not allowed (the address and the reason), and each org command as アカウント管理操作ログ: 4130 (registered, kind and networks), 4131 (networks before -> after), 4190 (refused), naming the administrator.
# @relation(REQ-ACCT-016, REQ-MFA-012, REQ-ACCT-018, REQ-ACCT-020, REQ-ACCT-012)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

org() { "${DSGCTL:?}" org "$@" --socket "$sock"; }
from() {   # from ADDR NAME WANT-STATUS PATH JSON [curl args]: api_step from the client address ADDR
    addr=$1
    shift
    n=$1 w=$2 p=$3 b=$4
    shift 4
    api_step "$n" "$w" "$p" "$b" --interface "$addr" "$@"
}
same_refusal() {
    [ "$(cat "$t/$1.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted"}' ] || fail "$1: $(cat "$t/$1.json")"
}

# arguments are checked before dsgd is contacted
expect_exit 64 "bad kind" org add 北星工業 --kind prime --networks 127.0.0.1/32
grep -q -- "--kind is company or ministry" "$t/err" || fail "bad kind: $(cat "$t/err")"
expect_exit 64 "no networks" org add 北星工業 --kind company
grep -q -- "--networks" "$t/err" || fail "no networks: $(cat "$t/err")"
expect_exit 64 "host bits" org add 北星工業 --kind company --networks 127.0.0.1/8
grep -q -- "--networks: not a network list: host-bits-set at byte 0" "$t/err" || fail "host bits: $(cat "$t/err")"
expect_exit 64 "empty entry" org networks 北星工業 127.0.0.1/32,
grep -q "CIDR" "$t/err" || fail "empty entry: $(cat "$t/err")"
expect_exit 64 "empty org" org show ''
grep -q "ORG is" "$t/err" || fail "empty org: $(cat "$t/err")"
expect_exit 69 "no daemon" org list

cat >"$t/gw.conf" <<'CONF'
auth.ministry_networks = "127.0.0.1/32"
auth.scrypt_n = 1024
log.ack_timeout = 5s
CONF
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth portal; do wait_log "master: $role\\[[0-9]+\\] ready"; done
wait_log 'master: portal\[[0-9]+\]: routes of role [0-9]+: 25'
expect_exit 77 "no login" org list
grep -q admin_login_required "$t/err" || fail "no login: $(cat "$t/err")"
admin_login
member_login

# the organisations
expect_exit 0 "add 北星工業" org add 北星工業 --kind company --networks 127.0.0.1/32,192.0.2.0/24
expect_exit 1 "add again" org add 北星工業 --kind ministry --networks 10.0.0.0/8
grep -q "org_exists" "$t/err" || fail "add again: $(cat "$t/err")"
expect_exit 1 "unknown org" org networks 未登録 127.0.0.0/8
grep -q "unknown_org" "$t/err" || fail "unknown org: $(cat "$t/err")"
expect_exit 0 "add 防衛装備庁" org add 防衛装備庁 --kind ministry --networks 127.0.0.1/32
expect_exit 0 "list" org list
grep -Eq '^company +[0-9T:.Z-]+ +kanri1 +北星工業 / 127.0.0.1/32,192.0.2.0/24$' "$t/out" ||
    fail "list: $(cat "$t/out")"
expect_exit 0 "list --json" org list --json
python3 - "$t/out" <<'PY' || fail "list --json: $(cat "$t/out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["org"] for r in rows] == ["北星工業", "防衛装備庁"], rows
assert rows[1]["kind"] == "ministry" and rows[1]["networks"] == "127.0.0.1/32", rows
assert rows[0]["registered_by"] == "kanri1" and rows[0]["changed_by"] == "kanri1", rows
PY
expect_exit 0 "show" org show 北星工業
grep -qx "networks: 127.0.0.1/32,192.0.2.0/24" "$t/out" && grep -q "^registered: .* by kanri1$" "$t/out" ||
    fail "show: $(cat "$t/out")"
expect_exit 1 "show unknown" org show 南風商事
grep -q unknown_org "$t/err" || fail "show unknown: $(cat "$t/err")"

# the accounts: kita (北星工業, registered), mina (南風商事, not), sato and
# ueda (Ministry: 防衛装備庁, registered; 内局, not)
n=3
for spec in kita:北星工業:prime:company mina:南風商事:vendor:company sato:防衛装備庁:ministry:ministry \
    ueda:内局:ministry:ministry; do
    IFS=: read -r u o k ty <<EOS
$spec
EOS
    expect_exit 0 "register $u" as_root apply register --user-id "$u" --applicant 人事課 --reason 着任 \
        --name "$u" --org "$o" --org-kind "$k" --contract C-9 --type "$ty" \
        --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
    expect_exit 0 "approve $u" as_member approve "$n"
    expect_exit 0 "password $u" as_root credentials "$u" --sheet password
    sed -n 's/^password: //p' "$t/out" >"$t/$u.pw"
    expect_exit 0 "code $u" as_root credentials "$u" --sheet code
    sed -n 's/^code: //p' "$t/out" >"$t/$u.code"
    n=$((n + 1))
done
body() { python3 -c 'import json,sys; print(json.dumps({"user_id": sys.argv[1], "password": sys.argv[2]}))' "$1" "$(cat "$t/$1.pw")"; }

# the password step: inside, outside, an unregistered organisation
from 127.0.0.1 kita_in 200 /api/v1/auth/login "$(body kita)"
[ "$(api_member kita_in next)" = password-change ] || fail "kita_in: $(cat "$t/kita_in.json")"
from 127.0.0.1 wrong 401 /api/v1/auth/login '{"user_id":"kita","password":"Wrong-passw0rd-1"}'
same_refusal wrong
from 127.0.0.2 kita_out 401 /api/v1/auth/login "$(body kita)"
same_refusal kita_out
from 127.0.0.1 mina_in 401 /api/v1/auth/login "$(body mina)"
same_refusal mina_in
from 127.0.0.2 ueda_out 401 /api/v1/auth/login "$(body ueda)"
same_refusal ueda_out
from 127.0.0.1 ueda_in 200 /api/v1/auth/login "$(body ueda)"   # auth.ministry_networks

# a later step of a login begun inside, sent from outside: refused, and the login ended
login=$(api_member kita_in login)
from 127.0.0.2 step_out 401 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
same_refusal step_out
from 127.0.0.1 step_in 401 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
[ "$(api_member step_in error)" = login_incomplete ] || fail "step_in: $(cat "$t/step_in.json")"

# a Ministry user's session, then used from outside
from 127.0.0.1 s_login 200 /api/v1/auth/login "$(body sato)"
login=$(api_member s_login login)
from 127.0.0.1 s_change 200 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
from 127.0.0.1 s_enrol 200 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$(cat "$t/sato.code")\"}"
uri=$(api_member s_enrol otpauth)
from 127.0.0.1 s_totp 200 /api/v1/auth/totp "{\"login\":\"$login\",\"code\":\"$(totp_code "$uri" 0)\",\"bearer\":true}"
token=$(api_member s_totp token)
from 127.0.0.1 s_in 200 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $token"
from 127.0.0.2 s_out 403 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $token"
[ "$(cat "$t/s_out.json")" = '{"error":"network_not_allowed","message":"this account may not be used from this network"}' ] ||
    fail "s_out: $(cat "$t/s_out.json")"
from 127.0.0.2 s_out_change 403 /api/v1/auth/password/change '{}' -H "Authorization: Bearer $token"
from 127.0.0.1 s_still 200 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $token"
expect_exit 0 "networks" org networks 防衛装備庁 127.0.0.1/32,127.0.0.2/32
grep -q "were 127.0.0.1/32" "$t/out" || fail "networks: $(cat "$t/out")"
from 127.0.0.2 s_now 200 /api/v1/auth/session '' -X GET -H "Authorization: Bearer $token"
[ "$(api_member s_now user_id)" = sato ] || fail "s_now: $(cat "$t/s_now.json")"
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT networks || '|' || changed_by FROM organisations WHERE org = '防衛装備庁'")" = \
  "127.0.0.1/32,127.0.0.2/32|kanri1" ] || fail "auth.db: the change is not stored"

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" <<'PY' || fail "trail: $(grep -E '"type":1[45]' "$t/export" | tail -20)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
auth = [r["fields"] for r in recs if r.get("type") == 14 and r["fields"]["event"] == "network-refused"]
def one(user, start, why):
    got = [f for f in auth if f["user_id"] == user and f["detail"].startswith(start) and why in f["detail"]]
    assert got, (user, start, why, auth)
    return got[0]
f = one("kita", "network not allowed: 127.0.0.2", "outside the registered networks of its organisation")
assert f["computer_name"] == "127.0.0.2", f
one("mina", "network not allowed: 127.0.0.1", "the organisation is not registered (organisation 南風商事)")
one("ueda", "network not allowed: 127.0.0.2", "the organisation is not registered")
one("sato", "session request: network not allowed: 127.0.0.2", "outside the registered networks")
assert len([f for f in auth if f["user_id"] == "kita"]) == 2, auth   # the password step, the later step
ops = [r["fields"] for r in recs if r.get("type") == 15]
reg = [f for f in ops if f["event_id"] == "4130"]
assert len(reg) == 2 and all(f["user_name"].startswith("actor=kanri1 ") for f in reg), reg
assert any(f["detail"] == "organisation 北星工業 registered: kind company; networks - -> "
           "127.0.0.1/32,192.0.2.0/24" for f in reg), reg
ch = [f for f in ops if f["event_id"] == "4131"]
assert len(ch) == 1 and ch[0]["detail"] == ("organisation 防衛装備庁 networks 127.0.0.1/32 -> "
                                            "127.0.0.1/32,127.0.0.2/32"), ch
assert ch[0]["level"] == "情報" and ch[0]["task_category"] == "organisation", ch
ref = [f for f in ops if f["event_id"] == "4190" and "org" in f["detail"]]
assert any("org_exists" in f["detail"] for f in ref) and any("unknown_org" in f["detail"] for f in ref), ref
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
