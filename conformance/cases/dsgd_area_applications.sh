#!/bin/sh
# dsgd_area_applications: areas of protected-information sharing are created per project only by approving an application decided by someone else. dsgctl area refuses bad arguments before contacting dsgd (exit 64 naming the item: no contract, no prime, no end date, an end in the past, a vendor twice, a vendor that is the prime, a bad ID; even with no daemon); without an administrator's login nothing runs (77); an application is pending and creates nothing; its applicant cannot approve it (self_approval, exit 1); a second application for the same contract is refused (contract_taken); another administrator's approval creates, at once, the area with its contract's end and the common folder structure of share.area_template (the project's root folder, then here 共通, the prime's folder, each vendor's in order, and a fixed 受領; a template dsgd cannot use is refused at load, naming file, line and key); an application rejected with a reason creates nothing and cannot be decided again (already_decided); list, show and applications (text and --json) agree; every application, decision and refusal is in the audit trail as 監査ログ・カスタムレポート (type 23: site ID, item ID and type, the administrator as user ID, the area's path, an RFC 3339 time, event and custom event name, event source dsgctl, source name dsgd/share, the event's data, app ID) after the control record of its request; share.db is the share role's alone (owner dsg, mode 0600, in the 0700 var/share/), passes integrity_check, and its triggers refuse deleting an area.
# @relation(REQ-SHARE-006, REQ-LOG-038, REQ-RUN-020)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup

area_root() { "${DSGCTL:?}" area "$@" --socket "$sock"; }
area_member() {
    setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --groups="$adm_gid" -- \
        env DSGCTL_TOKEN_FILE="$CONFORMANCE_TMP/member/admin.token" \
        "${DSGCTL:?}" area "$@" --socket "$sock"
}
application() {   # CONTRACT PROJECT: the options of an area application
    echo "--contract $1 --project $2 --prime テスト重工 --vendor 下請電機 --vendor 協力工業 --contract-end 2099-03-31T15:00:00Z --applicant 調達部 --reason 新規契約"
}

# bad arguments: refused before any daemon is asked (no dsgd runs yet)
expect_exit 64 "no contract" "$DSGCTL" area apply --project P --prime A --contract-end 2099-01-01T00:00:00Z \
    --applicant a --reason r --socket "$sock"
grep -q 'contract' "$t/err" || fail "no contract: $(cat "$t/err")"
expect_exit 64 "no prime" "$DSGCTL" area apply --contract C --project P --contract-end 2099-01-01T00:00:00Z \
    --applicant a --reason r --socket "$sock"
grep -q 'prime' "$t/err" || fail "no prime: $(cat "$t/err")"
expect_exit 64 "no end date" "$DSGCTL" area apply --contract C --project P --prime A --applicant a --reason r \
    --socket "$sock"
grep -q 'contract_end' "$t/err" || fail "no end: $(cat "$t/err")"
expect_exit 64 "an end in the past" "$DSGCTL" area apply --contract C --project P --prime A \
    --contract-end 2001-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
grep -q 'contract_end' "$t/err" || fail "past end: $(cat "$t/err")"
expect_exit 64 "a vendor twice" "$DSGCTL" area apply --contract C --project P --prime A --vendor B --vendor B \
    --contract-end 2099-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
grep -q 'vendors' "$t/err" || fail "vendor twice: $(cat "$t/err")"
expect_exit 64 "the prime as a vendor" "$DSGCTL" area apply --contract C --project P --prime A --vendor A \
    --contract-end 2099-01-01T00:00:00Z --applicant a --reason r --socket "$sock"
expect_exit 64 "bad date" "$DSGCTL" area apply --contract C --project P --prime A --contract-end tomorrow \
    --applicant a --reason r --socket "$sock"
grep -q 'contract-end' "$t/err" || fail "bad date: $(cat "$t/err")"
expect_exit 64 "unknown option" "$DSGCTL" area apply --owner A --socket "$sock"
expect_exit 64 "bad approve ID" "$DSGCTL" area approve 0 --socket "$sock"
expect_exit 64 "reject without reason" "$DSGCTL" area reject 1 --socket "$sock"
expect_exit 64 "bad show ID" "$DSGCTL" area show x1 --socket "$sock"
expect_exit 69 "no daemon" "$DSGCTL" area list --socket "$sock"
# a folder template dsgd cannot use is refused at load, naming the key
printf 'share.area_template = "共通, ../x"\n' >"$t/bad.conf"
expect_exit 1 "bad template" "$DSGD" -n -f "$t/bad.conf"
grep -q 'bad.conf:1.*share.area_template' "$t/err" || fail "bad template: $(cat "$t/err")"

printf 'log.ack_timeout = 1s\ndsgd.ping_interval = 1h\nshare.area_template = "共通, {org}, 受領"\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth share; do wait_log "master: $role\\[[0-9]+\\] ready"; done
expect_exit 77 "no administrator's login" area_root list
grep -q 'admin_login_required' "$t/err" || fail "no login: $(cat "$t/err")"
admin_login
member_login

# shellcheck disable=SC2046
expect_exit 0 "apply" area_root apply $(application DSG-2026-0042 装備研究)
grep -q '^application 1 area 装備研究 (contract DSG-2026-0042): pending$' "$t/out" || fail "apply: $(cat "$t/out")"
expect_exit 0 "nothing created yet" area_root list
[ "$(wc -l <"$t/out")" -eq 1 ] || fail "an area before approval: $(cat "$t/out")"
expect_exit 1 "self-approval" area_root approve 1
grep -q 'error self_approval' "$t/err" || fail "self-approval: $(cat "$t/err")"
# shellcheck disable=SC2046
expect_exit 1 "the same contract again" area_member apply $(application DSG-2026-0042 別名)
grep -q 'error contract_taken' "$t/err" || fail "contract taken: $(cat "$t/err")"
expect_exit 0 "approval by another administrator" area_member approve 1
grep -q '^application 1 approved: area 1 装備研究$' "$t/out" || fail "approve: $(cat "$t/out")"
expect_exit 1 "decided twice" area_member approve 1
grep -q 'error already_decided' "$t/err" || fail "twice: $(cat "$t/err")"
expect_exit 1 "unknown application" area_member approve 99
grep -q 'error unknown_application' "$t/err" || fail "unknown: $(cat "$t/err")"

# the area and its common folder structure
expect_exit 0 "show" area_root show 1
grep -q '^contract: DSG-2026-0042$' "$t/out" && grep -q '^prime: テスト重工$' "$t/out" &&
    grep -q '^contract_end: 2099-03-31T15:00:00.000Z$' "$t/out" || fail "show: $(cat "$t/out")"
expect_exit 0 "show --json" area_root show 1 --json
python3 - "$t/out" <<'PY' || fail "folders: $(cat "$t/out")"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["id"] == 1 and a["project"] == "装備研究" and a["application"] == 1, a
f = a["folders"]
assert [x["name"] for x in f] == ["装備研究", "共通", "テスト重工", "下請電機", "協力工業", "受領"], f
root = f[0]["id"]
assert f[0]["parent"] == 0 and all(x["parent"] == root for x in f[1:]), f
assert [x["org"] for x in f] == ["", "", "テスト重工", "下請電機", "協力工業", ""], f
PY

# a rejected application creates nothing
# shellcheck disable=SC2046
expect_exit 0 "second application" area_member apply $(application DSG-2026-0043 試験評価)
expect_exit 0 "reject" area_root reject 2 --reason "契約未締結"
grep -q '^application 2 rejected$' "$t/out" || fail "reject: $(cat "$t/out")"
expect_exit 1 "approve after rejection" area_root approve 2
grep -q 'error already_decided' "$t/err" || fail "after rejection: $(cat "$t/err")"
expect_exit 0 "list" area_root list
[ "$(wc -l <"$t/out")" -eq 2 ] && grep -Eq '^1 +DSG-2026-0042 +2099-03-31T15:00:00.000Z +active +テスト重工 +装備研究$' "$t/out" ||
    fail "list: $(cat "$t/out")"
expect_exit 0 "list --json" area_root list --json
python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert [(a["contract"], a["contract_state"]) for a in l] == [("DSG-2026-0042", "active")], l' \
    "$t/out" || fail "list --json: $(cat "$t/out")"
expect_exit 0 "applications --json" area_root applications --json
python3 - "$t/out" <<'PY' || fail "applications: $(cat "$t/out")"
import json, sys
l = [json.loads(x) for x in open(sys.argv[1])]
assert [(a["id"], a["state"], a["area"]) for a in l] == [(2, "rejected", 0), (1, "approved", 1)], l
assert l[1]["application"]["vendors"] == ["下請電機", "協力工業"], l
PY
expect_exit 0 "pending applications" area_root applications --pending
[ "$(wc -l <"$t/out")" -eq 1 ] || fail "pending: $(cat "$t/out")"
expect_exit 1 "unknown area" area_root show 7
grep -q 'error unknown_area' "$t/err" || fail "unknown area: $(cat "$t/err")"

# the trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" "$nobody_uid" <<'PY' || fail "trail: $(grep '"type":23' "$t/export")"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
share = [r["fields"] for r in recs if r.get("type") == 23]
names = [f["custom_event_name"] for f in share]
assert names == ["area-applied", "area-refused", "area-refused", "area-created", "area-refused",
                 "area-refused", "area-applied", "area-rejected", "area-refused"], names
for f in share:
    assert f["source_name"] == "dsgd/share" and f["event_source"] == "dsgctl" and f["app_id"] == "dsgctl", f
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", f["occurred_gmt"]), f
    assert f["user_id"] == ("kanri2" if f["uid"] == sys.argv[2] else "kanri1"), f
created = share[3]
assert (created["site_id"], created["item_id"], created["item_type"], created["event"]) == ("1", "1", "area", "Create"), created
assert created["document_location"] == "/装備研究", created
assert created["event_data"] == "application 1 approved; folders: /装備研究/共通, /装備研究/テスト重工, /装備研究/下請電機, /装備研究/協力工業, /装備研究/受領", created
applied = share[0]
assert applied["item_type"] == "application" and applied["item_id"] == "1" and applied["site_id"] == "-", applied
assert "contract=DSG-2026-0042" in applied["event_data"] and "vendors=下請電機,協力工業" in applied["event_data"], applied
assert "self_approval" in share[1]["event_data"] and "contract_taken" in share[2]["event_data"], share
assert share[7]["event_data"] == "application 2 rejected; reason: 契約未締結", share[7]
# the approval's control record (type 102, the same dsgctl process) was stored first
made = [r for r in recs if r.get("type") == 23 and r["fields"]["custom_event_name"] == "area-created"][0]
control = [r for r in recs if r.get("type") == 102 and r["fields"]["command"].startswith("area approve 1")
           and r["fields"]["result"] == "requested" and r["fields"]["pid"] == made["fields"]["pid"]]
assert len(control) == 1 and control[0]["recorded_at"] <= made["recorded_at"], (control, made)
PY

# share.db: the share role's alone, consistent, nothing deleted
[ "$(stat -c '%a %U' "$t/var/share")" = "700 dsg" ] || fail "var/share: $(stat -c '%a %U' "$t/var/share")"
[ "$(stat -c '%a %U' "$t/var/share/share.db")" = "600 dsg" ] || fail "share.db: $(stat -c '%a %U' "$t/var/share/share.db")"
[ "$(sqlite3 "$t/var/share/share.db" 'PRAGMA integrity_check')" = ok ] || fail "share.db integrity_check"
! sqlite3 "$t/var/share/share.db" 'DELETE FROM areas' 2>/dev/null || fail "an area could be deleted"
dsgd_stop
