#!/bin/sh
# dsgd_area_rights: access rights to areas are grants made and ended only by rights applications another administrator approves, and the access decision reads only the grants in force. dsgctl rights refuses bad arguments before contacting dsgd (exit 64: no subject, both subjects, a bad user ID, unknown operations, no end, a bad area or folder number, a bad grant number); an account no application named holds no right (deny for every operation); a grant application changes nothing until approved, and its applicant cannot approve it (self_approval); an application for an unknown area or folder, or past the contract's end, is refused (unknown_area, unknown_folder, bad_field); once another administrator approves it, the account may do the granted operations on the folder and everything under it and nothing else, in no other area; a grant to an organisation group covers each account checked as a member; `rights list`, `area rights` and `account rights` show the same grants from both sides (an account's side with its organisation's grants, taken from the auth role's record of the account; an unknown account is refused); a revoke application, once approved, ends the grant (deny again; `--all` still lists it, revoked); every application, decision and refusal is in the audit trail as 監査ログ・カスタムレポート (type 23: rights-applied, rights-granted, rights-revoked, rights-refused, event SecurityChange for a grant made or ended) and each grant made or ended also as アカウント管理操作ログ (4140, 4141, the area as share name); share.db's triggers refuse deleting a grant.
# @relation(REQ-ACCT-009, REQ-ACCT-010, REQ-SHARE-007, REQ-SHARE-009, REQ-LOG-038, REQ-ACCT-018)
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
check() {   # USER ORG|- FOLDER OP: allow or deny, as the share role answers
    if [ "$2" = - ]; then
        root_ctl rights check --account "$1" --area 1 --folder "$3" --op "$4"
    else
        root_ctl rights check --account "$1" --org "$2" --area 1 --folder "$3" --op "$4"
    fi
}
expect_decision() {   # WANT USER ORG FOLDER OP
    got=$(check "$2" "$3" "$4" "$5" 2>"$t/err") || fail "check $*: $(cat "$t/err")"
    case $got in "$1"*) ;; *) fail "check $2 $3 folder $4 $5: got '$got', want $1" ;; esac
}

# bad arguments: refused before any daemon is asked
expect_exit 64 "no subject" "$DSGCTL" rights apply --area 1 --folder 1 --ops read \
    --until 2099-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
expect_exit 64 "two subjects" "$DSGCTL" rights apply --account tanaka --org X --area 1 --folder 1 \
    --ops read --until 2099-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
expect_exit 64 "bad user ID" "$DSGCTL" rights apply --account 'ta naka' --area 1 --folder 1 --ops read \
    --until 2099-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
expect_exit 64 "unknown operation" "$DSGCTL" rights apply --account tanaka --area 1 --folder 1 \
    --ops read,print --until 2099-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
grep -q 'ops' "$t/err" || fail "unknown operation: $(cat "$t/err")"
expect_exit 64 "no end" "$DSGCTL" rights apply --account tanaka --area 1 --folder 1 --ops read \
    --applicant a --reason r --socket "$sock"
expect_exit 64 "bad folder" "$DSGCTL" rights apply --account tanaka --area 1 --folder 0 --ops read \
    --until 2099-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
expect_exit 64 "bad grant" "$DSGCTL" rights revoke x --applicant a --reason r --socket "$sock"
expect_exit 64 "bad op to check" "$DSGCTL" rights check --account tanaka --area 1 --folder 1 --op print \
    --socket "$sock"
expect_exit 69 "no daemon" "$DSGCTL" rights applications --socket "$sock"

printf 'log.ack_timeout = 1s\ndsgd.ping_interval = 1h\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth share; do wait_log "master: $role\\[[0-9]+\\] ready"; done
admin_login
member_login

# tanaka, an account of 下請電機; an area: root 1, 共通 2, テスト重工 3, 下請電機 4
expect_exit 0 "register tanaka" root_ctl account apply register --user-id tanaka --applicant 総務部 \
    --reason 新規契約 --name 田中 --org 下請電機 --org-kind vendor --contract C-9 --type company \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-03-31T15:00:00Z
expect_exit 0 "approve tanaka" member_ctl account approve 3
expect_exit 0 "area apply" root_ctl area apply --contract C-9 --project 装備研究 --prime テスト重工 \
    --vendor 下請電機 --contract-end 2099-03-31T15:00:00Z --applicant 調達部 --reason 新規契約
expect_exit 0 "area approve" member_ctl area approve 1

# no application named tanaka: no right at all
for op in list read upload delete grant; do expect_decision deny tanaka - 3 "$op"; done

expect_exit 1 "unknown area" root_ctl rights apply --account tanaka --area 9 --folder 3 --ops read \
    --until 2099-01-01T00:00:00Z --applicant 総務部 --reason 業務
grep -q 'error unknown_area' "$t/err" || fail "unknown area: $(cat "$t/err")"
expect_exit 1 "folder of no area" root_ctl rights apply --account tanaka --area 1 --folder 99 --ops read \
    --until 2099-01-01T00:00:00Z --applicant 総務部 --reason 業務
grep -q 'error unknown_folder' "$t/err" || fail "unknown folder: $(cat "$t/err")"
expect_exit 1 "past the contract's end" root_ctl rights apply --account tanaka --area 1 --folder 3 \
    --ops read --until 2099-06-01T00:00:00Z --applicant 総務部 --reason 業務
grep -q 'until' "$t/err" || fail "past the contract: $(cat "$t/err")"

expect_exit 0 "grant application" root_ctl rights apply --account Tanaka --area 1 --folder 3 \
    --ops list,read,upload --until 2099-01-01T00:00:00Z --applicant 総務部 --reason 業務
grep -q '^rights application 1 (grant): pending$' "$t/out" || fail "apply: $(cat "$t/out")"
expect_decision deny tanaka - 3 read   # pending: nothing yet
expect_exit 1 "self-approval" root_ctl rights approve 1
grep -q 'error self_approval' "$t/err" || fail "self-approval: $(cat "$t/err")"
expect_exit 0 "approval" member_ctl rights approve 1
grep -q '^rights application 1 approved: grant 1 made$' "$t/out" || fail "approve: $(cat "$t/out")"

# the granted operations on the folder, nothing else, nowhere else
for op in list read upload; do expect_decision allow tanaka - 3 "$op"; done
for op in delete rename new-version create-folder grant; do expect_decision deny tanaka - 3 "$op"; done
expect_decision deny tanaka - 2 read   # 共通: not granted
expect_decision deny tanaka - 1 read   # the root above it
expect_decision deny suzuki - 3 read   # another account

# an organisation group's grant covers its members as they are checked
expect_exit 0 "group application" member_ctl rights apply --org 下請電機 --area 1 --folder 2 --ops list,read \
    --until 2099-01-01T00:00:00Z --applicant 総務部 --reason 共有
expect_exit 0 "group approval" root_ctl rights approve 2
expect_decision allow sato 下請電機 2 read
expect_decision deny sato テスト重工 2 read
expect_decision deny sato - 2 read

# both sides list the same grant
expect_exit 0 "rights list --area" root_ctl rights list --area 1
grep -q '^1 .*account=tanaka area 1 folder 3 list,read,upload ' "$t/out" &&
    grep -q '^2 .*org=下請電機 area 1 folder 2 list,read ' "$t/out" || fail "by area: $(cat "$t/out")"
expect_exit 0 "area rights" root_ctl area rights 1
cp "$t/out" "$t/by-area"
# the account's side: its own grant, then its organisation's, which covers it
expect_exit 0 "account rights" root_ctl account rights tanaka
[ "$(wc -l <"$t/out")" -eq 2 ] && sed -n 1p "$t/out" | grep -q '^1 .*account=tanaka area 1 folder 3 ' &&
    sed -n 2p "$t/out" | grep -q '^2 .*org=下請電機 area 1 folder 2 ' || fail "by account: $(cat "$t/out")"
while read -r l; do grep -qxF "$l" "$t/by-area" || fail "the two sides disagree on: $l"; done <"$t/out"
expect_exit 1 "rights of no account" root_ctl account rights nobody.here
grep -q 'unknown_account' "$t/err" || fail "no account: $(cat "$t/err")"
expect_exit 0 "org rights" root_ctl rights list --org 下請電機
grep -q '^2 .*org=下請電機 ' "$t/out" || fail "by org: $(cat "$t/out")"

# a revoke ends the grant
expect_exit 0 "revoke application" root_ctl rights revoke 1 --applicant 総務部 --reason 異動
expect_decision allow tanaka - 3 read   # not yet
expect_exit 0 "revoke approval" member_ctl rights approve 3
grep -q '^rights application 3 approved: grant 1 revoked$' "$t/out" || fail "revoke: $(cat "$t/out")"
expect_decision deny tanaka - 3 read
expect_exit 0 "account rights after revoke" root_ctl account rights tanaka
[ "$(wc -l <"$t/out")" -eq 1 ] && grep -q '^2 .*org=下請電機 ' "$t/out" ||
    fail "a revoked grant is listed: $(cat "$t/out")"
expect_exit 0 "account rights --all" root_ctl account rights tanaka --all
grep -q '^1 .* revoked ' "$t/out" || fail "--all: $(cat "$t/out")"
expect_decision allow tanaka 下請電機 2 read   # its organisation's grant still covers it
expect_exit 1 "revoke twice" member_ctl rights revoke 1 --applicant 総務部 --reason 異動
grep -q 'error unknown_grant' "$t/err" || fail "revoked twice: $(cat "$t/err")"
expect_exit 0 "reject" member_ctl rights apply --account suzuki --area 1 --folder 4 --ops read \
    --until 2099-01-01T00:00:00Z --applicant 総務部 --reason 業務
expect_exit 0 "rejected" root_ctl rights reject 4 --reason 不要
expect_decision deny suzuki - 4 read
expect_exit 0 "applications" root_ctl rights applications
[ "$(grep -c ' approved ' "$t/out")" -eq 3 ] && [ "$(grep -c ' rejected ' "$t/out")" -eq 1 ] ||
    fail "applications: $(cat "$t/out")"

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" <<'PY' || fail "trail: $(grep '"type":23' "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
share = [r["fields"] for r in recs if r.get("type") == 23 and r["fields"]["custom_event_name"].startswith("rights-")]
names = [f["custom_event_name"] for f in share]
assert names.count("rights-applied") == 4 and names.count("rights-granted") == 2, names
assert names.count("rights-revoked") == 1 and names.count("rights-rejected") == 1, names
assert names.count("rights-refused") == 5, names
made = [f for f in share if f["custom_event_name"] == "rights-granted"][0]
assert (made["item_type"], made["item_id"], made["site_id"], made["event"]) == ("grant", "1", "1", "SecurityChange"), made
assert "account=tanaka; area=1; folder=3; ops=list,read,upload" in made["event_data"], made
ended = [f for f in share if f["custom_event_name"] == "rights-revoked"][0]
assert ended["event"] == "SecurityChange" and ended["item_id"] == "1", ended
# and each rights change as アカウント管理操作ログ, with the area as share name
ops = [r["fields"] for r in recs if r.get("type") == 15 and r["fields"]["source_name"] == "dsgd/share"]
assert [f["event_id"] for f in ops] == ["4140", "4140", "4141"], ops
assert [f["user_name"] for f in ops] == ["actor=kanri2 account=tanaka", "actor=kanri1 org=下請電機",
                                         "actor=kanri2 account=tanaka"], ops
assert all(f["share_name"] == "装備研究" and f["task_category"] == "rights" for f in ops), ops
PY
! sqlite3 "$t/var/share/share.db" 'DELETE FROM grants' 2>/dev/null || fail "a grant could be deleted"
dsgd_stop
