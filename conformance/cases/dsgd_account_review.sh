#!/bin/sh
# dsgd_account_review: `dsgctl account review` lists every account that is not deleted (a rejected registration's deleted account is not in it) with its type, organisation, contract, state, expiry, last successful login and its computer name (an administrator's login through dsgctl: the daemon's host name) and its rights (its own grants and its organisation group's, AREA/FOLDER:OPS), and flags: expired (an expiry passed, before any sweep), no_active_contract (the contract's end passed), inactive (an account without a login, activated six days ago, with auth.inactivity_disable_days = 10: beyond half of it; its activation is set back in auth.db, as no login can be made days ago), foreign_rights (a grant to an account of an organisation that is neither the area's prime nor a vendor; not for an account of the area's vendor, nor for a Ministry account through its organisation group's grant); --org keeps one organisation's accounts; text (a table, "-" for no flag), csv (RFC 4180 with a header row, read by python3's csv module) and json (one object a line) say the same; exit 0 with flags raised; bad arguments are refused before dsgd is asked (64), no daemon is 69, no administrator's login 77.
# @relation(REQ-ACCT-008, REQ-ACCT-020)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup

root_ctl() { "${DSGCTL:?}" "$@" --socket "$sock"; }
member_ctl() {
    setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --groups="$adm_gid" -- \
        env DSGCTL_TOKEN_FILE="$CONFORMANCE_TMP/member/admin.token" \
        "${DSGCTL:?}" "$@" --socket "$sock"
}
register() {   # USER ORG ORG_KIND TYPE CONTRACT EXPIRY CONTRACT_END APPLICATION
    expect_exit 0 "register $1" as_root apply register --user-id "$1" --applicant 総務部 \
        --reason 新規契約 --name "$1" --org "$2" --org-kind "$3" --contract "$5" --type "$4" \
        --expiry "$6" --contract-end "$7"
    expect_exit 0 "approve $1" as_member approve "$8"
}

expect_exit 64 "bad format" "$DSGCTL" account review --format xml --socket "$sock"
expect_exit 64 "no organisation" "$DSGCTL" account review --org --socket "$sock"
expect_exit 64 "an argument" "$DSGCTL" account review everyone --socket "$sock"
expect_exit 69 "no daemon" "$DSGCTL" account review --socket "$sock"

printf 'log.ack_timeout = 1s\ndsgd.ping_interval = 1h\nauth.expiry_sweep_interval = 1h\n' >"$t/gw.conf"
printf 'auth.inactivity_disable_days = 10\n' >>"$t/gw.conf"
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth share; do wait_log "master: $role\\[[0-9]+\\] ready"; done
expect_exit 77 "no login" as_root review
admin_login
member_login

far=2099-01-01T00:00:00Z
end=2099-03-31T15:00:00Z
register tanaka 下請電機 vendor company C-9 "$far" "$end" 3
register gaibu 他社工業 prime company C-7 "$far" "$end" 4
register boei 防衛装備庁 ministry ministry C-9 "$far" "$end" 5
register furui テスト重工 prime company C-9 "$far" "$end" 6
expect_exit 0 "register torikeshi" as_root apply register --user-id torikeshi --applicant 総務部 \
    --reason 誤登録 --name 取消 --org テスト重工 --org-kind prime --contract C-9 --type company \
    --expiry "$far" --contract-end "$end"
expect_exit 0 "reject torikeshi" as_member reject 7 --reason 誤登録
soon=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%SZ)
register kigen テスト重工 prime company C-1 "$soon" "$soon" 8
# furui activated six days ago, never logged in
ago=$(($(date -u +%s) - 6 * 86400))
sqlite3 "$t/var/auth/auth.db" "UPDATE accounts SET registered_at = $ago, activated_at = $ago,
    changed_at = $ago WHERE user_id = 'furui'" || fail "furui's activation could not be set back"

# area 1 of C-9: root 1, 共通 2, テスト重工 3, 下請電機 4
expect_exit 0 "area apply" root_ctl area apply --contract C-9 --project 装備研究 --prime テスト重工 \
    --vendor 下請電機 --contract-end "$end" --applicant 調達部 --reason 新規契約
expect_exit 0 "area approve" member_ctl area approve 1
grant() {   # N --account USER | --org ORG, FOLDER, OPS
    expect_exit 0 "grant $3" root_ctl rights apply "$2" "$3" --area 1 --folder "$4" --ops "$5" \
        --until "$far" --applicant 総務部 --reason 業務
    expect_exit 0 "approve grant $1" member_ctl rights approve "$1"
}
grant 1 --account tanaka 4 list,read
grant 2 --account gaibu 2 list,read,upload
grant 3 --org 防衛装備庁 1 list
sleep 5

expect_exit 0 "review json" root_ctl account review --format json
cp "$t/out" "$t/review.jsonl"
expect_exit 0 "review csv" root_ctl account review --format csv
cp "$t/out" "$t/review.csv"
expect_exit 0 "review text" root_ctl account review
cp "$t/out" "$t/review.txt"
expect_exit 0 "review of one organisation" root_ctl account review --org 他社工業 --format json
cp "$t/out" "$t/org.jsonl"
python3 - "$t" "$(uname -n)" <<'PY' || fail "review: $(cat "$t/review.jsonl")"
import csv, json, sys
t, host = sys.argv[1], sys.argv[2]
rows = {r["user_id"]: r for r in map(json.loads, open(t + "/review.jsonl"))}
assert sorted(rows) == ["boei", "furui", "gaibu", "kanri1", "kanri2", "kigen", "tanaka"], sorted(rows)
want = {"tanaka": [], "gaibu": ["foreign_rights"], "boei": [], "furui": ["inactive"],
        "kigen": ["expired", "no_active_contract"], "kanri1": []}
for u, flags in want.items():
    assert rows[u]["flags"] == flags, (u, rows[u])
assert rows["tanaka"]["rights"] == ["1/4:list,read"], rows["tanaka"]
assert rows["gaibu"]["rights"] == ["1/2:list,read,upload"], rows["gaibu"]
assert rows["boei"]["rights"] == ["1/1:list"], rows["boei"]
assert rows["furui"]["rights"] == [] and rows["furui"]["last_login"] is None, rows["furui"]
t1 = rows["tanaka"]
assert (t1["type"], t1["org"], t1["org_kind"], t1["contract"], t1["state"]) == \
    ("company", "下請電機", "vendor", "C-9", "active"), t1
assert t1["expiry"] == "2099-01-01T00:00:00.000Z" and t1["contract_end"] == "2099-03-31T15:00:00.000Z", t1
assert rows["kigen"]["state"] == "active", rows["kigen"]   # no sweep ran: the expiry decides
k = rows["kanri1"]
assert k["last_login"] is not None and k["last_login_computer"] == host, k
with open(t + "/review.csv", newline="") as f:
    table = list(csv.reader(f))
assert table[0] == ["user_id", "name", "type", "org", "org_kind", "contract", "state", "expiry",
                    "contract_end", "last_login", "last_login_computer", "rights", "flags"], table[0]
by = {r[0]: dict(zip(table[0], r)) for r in table[1:]}
assert sorted(by) == sorted(rows), sorted(by)
for u, r in rows.items():
    assert by[u]["flags"] == ",".join(r["flags"]), (u, by[u])
    assert by[u]["rights"] == " ".join(r["rights"]), (u, by[u])
    assert by[u]["org"] == r["org"] and by[u]["last_login"] == (r["last_login"] or ""), (u, by[u])
assert by["kigen"]["flags"] == "expired,no_active_contract", by["kigen"]
text = open(t + "/review.txt").read().splitlines()
assert text[0].split()[:8] == ["USER_ID", "TYPE", "ORG_KIND", "STATE", "EXPIRY", "LAST_LOGIN",
                               "COMPUTER", "FLAGS"], text[0]
line = {l.split()[0]: l.split() for l in text[1:]}
assert line["kigen"][7] == "expired,no_active_contract" and line["tanaka"][7] == "-", line
assert line["gaibu"][7] == "foreign_rights" and line["tanaka"][-1] == "1/4:list,read", line
org = [json.loads(l) for l in open(t + "/org.jsonl")]
assert [r["user_id"] for r in org] == ["gaibu"] and org[0]["flags"] == ["foreign_rights"], org
PY
dsgd_stop
