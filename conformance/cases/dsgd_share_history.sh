#!/bin/sh
# dsgd_share_history: `dsgctl share history ITEM` draws an item's access history from the audit trail (REQ-SHARE-017). sato uploads a file into one area and downloads it and lists its versions, and uploads a second file into a second area; then, through the running logd: `share history file:F` shows a header and one tab-separated line per record of that file and its versions (time, user sato, event, location /装備研究, data name=design.bin ...), upload, download and versions listing included, in the order recorded, and nothing of the folder or of the other file; `share history area:A` shows every record of the first area and none of the second; `log export --type 23 --site A` exports only the first area's records; `--json` gives the same records as JSON Lines; a bad item (dir:3, file:0) is a usage error (64) that names the forms; the readings are recorded as control records naming the item; The portal's history (GET /api/v1/share/history?item=...): suzuki, who may read the file but holds no history right, gets 403 access_denied and no row for the file, its folder and the area (404 for a file of another area); once sato is granted history on the area's root, the file's history is JSON rows of time, user, event, location and data in time order, sato's and suzuki's (suzuki's refusal included) and no folder row, the folder's has its listing and no upload, the area's its upload and nothing of the other area, since/until select by time; a bad item or time, a missing item, a repeated parameter or since after until is 400, an unknown file 404, no session 401; each reading is on record as history-read naming the item (dsgctl share history shows it), suzuki's refusal as access-denied operation=history. After suzuki's account is deleted (an approved delete application), the history still holds every earlier line unchanged, suzuki's download included, in dsgctl and in the portal (REQ-SHARE-020). after 1000 more listings of the file's versions its history is cut at 1000 rows, the oldest first, with truncated: true, the reading's record ending rows=1000; truncated and the page (through the session cookie) saying so (id=cut); with logd stopped, a history waits and a second one meanwhile is 503 busy; logd killed, the waiting one is 503 audit-unavailable (logd stopped before it finished) and, logd back, the history is served again; once the file is deleted, its history still holds every earlier line unchanged and then the deletion; so does a folder's (created, listed, then deleted: the portal's history of it is then 404, dsgctl's still whole). After dsgd stops, `share history --offline` of var/logd prints the same lines as the running logd did.
# @relation(REQ-SHARE-017, REQ-SHARE-020)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"
tab=$(printf '\t')

share_one_file 17
area1=1 file1=$file root1=$area_root
download dl
share vl 200 GET "/api/v1/share/versions?file=$file1" "$token"
share_area 2 C-10 別事業
share_grant 2 sato 2 "$area_root" list,read,upload
printf 'other area\n' >"$t/other.txt"
upload other "$token" "$area_root" other.txt "$t/other.txt"
file2=$file
[ "$file2" != "$file1" ] || fail "two uploads, one file number"

# history TAG ARGS...: share history through the running logd into $t/TAG
history() {
    h=$1
    shift
    expect_exit 0 "share history $*" ctl share history "$@"
    cp "$t/out" "$t/$h"
}

history file1 "file:$file1"
head -n 1 "$t/file1" | grep -q "^# time${tab}user${tab}event${tab}location${tab}data\$" ||
    fail "no header: $(head -n 1 "$t/file1")"
sed 1d "$t/file1" >"$t/file1.lines"
[ -s "$t/file1.lines" ] || fail "file:$file1: no history"
awk -F '\t' 'NF != 5 { bad = 1 } END { exit bad }' "$t/file1.lines" ||
    fail "lines without five columns: $(cat "$t/file1.lines")"
cut -f 3 "$t/file1.lines" >"$t/file1.events"
for e in upload-begun file-uploaded file-downloaded versions-listed; do
    grep -qx "$e" "$t/file1.events" || fail "file:$file1: no $e in $(tr '\n' ' ' <"$t/file1.events")"
done
! grep -q 'folder-listed\|other.txt' "$t/file1.lines" || fail "another item's record: $(cat "$t/file1.lines")"
[ "$(cut -f 2 "$t/file1.lines" | sort -u)" = sato ] || fail "users: $(cut -f 2 "$t/file1.lines" | sort -u)"
grep -q "${tab}file-uploaded${tab}/装備研究${tab}name=design\\.bin; .*size=204807" "$t/file1.lines" ||
    fail "the upload's line: $(grep file-uploaded "$t/file1.lines")"
# in the order recorded: begun, uploaded, downloaded, versions listed
[ "$(grep -n . "$t/file1.events" | grep -E 'upload-begun|file-uploaded|file-downloaded|versions-listed' | cut -d: -f2 | tr '\n' ' ')" = \
  "upload-begun file-uploaded file-downloaded versions-listed " ] ||
    fail "order: $(tr '\n' ' ' <"$t/file1.events")"
awk -F '\t' '{ print $1 }' "$t/file1.lines" | sort -c || fail "times out of order"

history area1 "area:$area1"
grep -q "${tab}file-uploaded${tab}" "$t/area1" || fail "area:$area1: $(cat "$t/area1")"
! grep -q 'other\.txt\|/別事業' "$t/area1" || fail "area:$area1 shows the other area: $(cat "$t/area1")"
[ "$(sed 1d "$t/area1" | wc -l)" -gt "$(wc -l <"$t/file1.lines")" ] ||
    fail "area:$area1 holds no more than the file's history"
history file2 "file:$file2"
grep -q "${tab}file-uploaded${tab}/別事業${tab}name=other\\.txt" "$t/file2" || fail "file:$file2: $(cat "$t/file2")"

expect_exit 0 "log export --site" ctl log export --type 23 --site "$area1" --format jsonl
python3 - "$t/out" "$area1" <<'PY' || fail "log export --site $area1: $(head -c 600 "$t/out")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
share = [r for r in recs if r["type"] == 23]
assert share, "no record"
assert all(r["fields"]["site_id"] == sys.argv[2] for r in share), "another area"
assert all(r["type"] in (23, 100) for r in recs), "another type"
PY

history file1json "file:$file1" --json
python3 - "$t/file1json" "$file1" "$(sed 1d "$t/file1" | wc -l)" <<'PY' || fail "--json: $(head -c 600 "$t/file1json")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
share = [r for r in recs if r["type"] == 23]
assert len(share) == int(sys.argv[3]), (len(share), sys.argv[3])
assert all(r["fields"]["item_id"] == sys.argv[2] and r["fields"]["item_type"] in ("file", "version")
           for r in share)
assert all("hash" in r and "enc" in r for r in share)
PY

for bad in dir:3 file:0 "file:$file1:2"; do
    expect_exit 64 "share history $bad" ctl share history "$bad"
    grep -q 'area:ID, folder:ID or file:ID\|is not a number' "$t/err" || fail "$bad: $(cat "$t/err")"
done
expect_exit 64 "share history without an item" ctl share history

# each reading is on record, naming the item
expect_exit 0 "control records" ctl log export --type control --format jsonl
grep -q "\"command\":\"log export --item file:$file1 --type 23" "$t/out" ||
    fail "no control record of the history: $(grep -o '"command":"log export[^"]*"' "$t/out")"
grep -q "\"command\":\"log export --site $area1 --type 23" "$t/out" ||
    fail "no control record of the area history"

# the portal's history (GET /api/v1/share/history): suzuki may read the
# file but holds no history right: 403 and no row; sato, granted history
# on the area's root, sees the rows of the file, its folder and the area
share fl 200 GET "/api/v1/share/folder?id=$root1" "$token"
share_user suzuki 防衛装備庁 4
token2=$(cat "$t/suzuki.token")
share_grant 3 suzuki "$area1" "$root1" list,read
fetch dl2 "$token2" "$file1"
share hist-no 403 GET "/api/v1/share/history?item=file:$file1" "$token2"
[ "$(js hist-no 'a["error"]')" = access_denied ] || fail "hist-no: $(cat "$t/hist-no.body")"
! grep -q 'rows\|design\|upload' "$t/hist-no.body" || fail "hist-no: history leaked: $(cat "$t/hist-no.body")"
share hist-no-folder 403 GET "/api/v1/share/history?item=folder:$root1" "$token2"
share hist-no-area 403 GET "/api/v1/share/history?item=area:$area1" "$token2"
share hist-no-other 404 GET "/api/v1/share/history?item=file:$file2" "$token2"
share_grant 4 sato "$area1" "$root1" history
share hist-file 200 GET "/api/v1/share/history?item=file%3A$file1" "$token"
python3 - "$t/hist-file.body" <<'PY' || fail "hist-file: $(head -c 800 "$t/hist-file.body")"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["item"].startswith("file:") and a["name"] == "design.bin" and a["location"] == "/装備研究", a
rows = a["rows"]
assert all(sorted(r) == ["data", "event", "location", "time", "user"] for r in rows), rows
events = [r["event"] for r in rows]
want = ["upload-begun", "file-uploaded", "file-downloaded", "versions-listed"]
assert [e for e in events if e in want][:4] == want, events
assert "access-denied" in events and {r["user"] for r in rows} == {"sato", "suzuki"}, rows
assert [r["time"] for r in rows] == sorted(r["time"] for r in rows), "time order"
assert not any(r["event"] == "folder-listed" for r in rows), "a folder's row"
assert "truncated" not in a
PY
share hist-folder 200 GET "/api/v1/share/history?item=folder:$root1&since=2000-01-01T00:00:00Z" "$token"
python3 - "$t/hist-folder.body" <<'PY' || fail "hist-folder: $(head -c 800 "$t/hist-folder.body")"
import json, sys
a = json.load(open(sys.argv[1]))
events = [r["event"] for r in a["rows"]]
assert "folder-listed" in events and "file-uploaded" not in events, events
PY
share hist-area 200 GET "/api/v1/share/history?item=area:$area1" "$token"
[ "$(js hist-area 'len([r for r in a["rows"] if r["event"] == "file-uploaded"])')" -ge 1 ] ||
    fail "hist-area: $(head -c 600 "$t/hist-area.body")"
! grep -q 'other\.txt' "$t/hist-area.body" || fail "hist-area shows the other area"
share hist-future 200 GET "/api/v1/share/history?item=file:$file1&since=2098-01-01T00:00:00Z" "$token"
[ "$(js hist-future 'len(a["rows"])')" = 0 ] || fail "hist-future: $(cat "$t/hist-future.body")"
for q in "item=dir:3" "item=file:0" "item=file:$file1&since=yesterday" "since=2026-01-01T00:00:00Z" \
         "item=file:$file1&item=file:$file1" "item=file:$file1&%69tem=area:1" \
         "item=file:$file1&since=2026-01-01T00:00:00Z&si%6Ece=2026-01-02T00:00:00Z" \
         "item=file:$file1&since=2027-01-01T00:00:00Z&until=2026-01-01T00:00:00Z"; do
    share hist-bad 400 GET "/api/v1/share/history?$q" "$token"
done
share hist-none 404 GET "/api/v1/share/history?item=file:999999" "$token"
share hist-nosession 401 GET "/api/v1/share/history?item=file:$file1" -

# the readings are on record, naming the item: dsgctl shows them
history afterread "file:$file1"
grep -q "${tab}sato${tab}history-read${tab}/装備研究${tab}item=file:$file1; " "$t/afterread" ||
    fail "no history-read: $(cut -f 2,3 "$t/afterread" | tr '\n' ' ')"
grep -q "${tab}suzuki${tab}access-denied${tab}.*operation=history" "$t/afterread" ||
    fail "suzuki's refusal not on record: $(cut -f 2,3 "$t/afterread" | tr '\n' ' ')"
history area1read "area:$area1"
grep -q "${tab}sato${tab}history-read${tab}.*item=area:$area1; " "$t/area1read" ||
    fail "no history-read of the area: $(cut -f 2,3 "$t/area1read" | tr '\n' ' ')"

# a deleted account's records stay in the history (REQ-SHARE-020)
expect_exit 0 "delete suzuki" ctl account apply delete --user-id suzuki --applicant 人事課 --reason 契約終了
expect_exit 0 "approve the deletion" member_ctl account approve 5
expect_exit 0 "suzuki deleted" ctl account show suzuki
grep -qi deleted "$t/out" || fail "suzuki not deleted: $(cat "$t/out")"
history afterdel "file:$file1"
python3 - "$t/afterread" "$t/afterdel" <<'PY' || fail "after suzuki's deletion: $(cat "$t/afterdel")"
import sys
before = open(sys.argv[1]).read().splitlines()
after = open(sys.argv[2]).read().splitlines()
assert after[:len(before)] == before, "earlier lines changed"
assert any(l.split("\t")[1:3] == ["suzuki", "file-downloaded"] for l in after), "suzuki's download gone"
PY
share hist-afterdel 200 GET "/api/v1/share/history?item=file:$file1" "$token"
[ "$(js hist-afterdel '[r["event"] for r in a["rows"] if r["user"] == "suzuki"][0]')" = file-downloaded ] ||
    fail "hist-afterdel: $(head -c 600 "$t/hist-afterdel.body")"

# a long history is cut at 1000 rows, said so in the answer, the record
# and the page: 1000 more listings of the file's versions
for i in $(seq 1000); do
    printf 'url = "https://localhost:%s/api/v1/share/versions?file=%s"\noutput = "/dev/null"\n' \
        "$DSGD_PORT" "$file1"
done >"$t/many.cfg"
portal_curl / -o /dev/null -Z --parallel-max 16 -H "Authorization: Bearer $token" -K "$t/many.cfg" 2>"$t/many.err" ||
    fail "1000 listings: $(cat "$t/many.err")"
share hist-many 200 GET "/api/v1/share/history?item=file:$file1" "$token"
[ "$(js hist-many '(len(a["rows"]), a.get("truncated"), a["rows"][0]["event"])')" = "(1000, True, 'upload-begun')" ] ||
    fail "hist-many: $(head -c 300 "$t/hist-many.body")"
history many "file:$file1"
grep -q "${tab}sato${tab}history-read${tab}.*; rows=1000; truncated\$" "$t/many" ||
    fail "the cut reading's record: $(grep history-read "$t/many" | tail -n 2)"
share hist-page 200 GET "/history?item=file:$file1&since=2000-01-01T00:00:00Z" - \
    -b "__Host-dsg_session=$token"
grep -q 'id="cut"' "$t/hist-page.body" || fail "hist-page: no cut notice: $(tail -c 400 "$t/hist-page.body")"
[ "$(grep -o '<tr><td>' "$t/hist-page.body" | wc -l)" -ge 300 ] || fail "hist-page: few rows"

# logd cannot answer: fail closed. With logd stopped, a history waits for
# it and a second one meanwhile is 503 busy; logd killed, the first is 503
# audit-unavailable; once logd is back, the history is served again.
logd_pid=$(worker_pid logd)
alive "$logd_pid" || fail "no logd"
kill -STOP "$logd_pid"
portal_curl "/api/v1/share/history?item=file:$file1" -H "Authorization: Bearer $token" \
    -o "$t/hist-stopped.body" -w '%{http_code}' >"$t/hist-stopped.code" 2>"$t/hist-stopped.err" &
held=$!
sleep 1
share hist-busy 503 GET "/api/v1/share/history?item=folder:$root1" "$token"
[ "$(js hist-busy 'a["error"]')" = busy ] || fail "hist-busy: $(cat "$t/hist-busy.body")"
kill -KILL "$logd_pid"
wait "$held" || fail "the held history: curl: $(cat "$t/hist-stopped.err")"
[ "$(cat "$t/hist-stopped.code")" = 503 ] && grep -q '"audit-unavailable"' "$t/hist-stopped.body" ||
    fail "history without logd: $(cat "$t/hist-stopped.code") $(cat "$t/hist-stopped.body")"
wait_log "share: history of file:$file1: logd answered 69: logd stopped before it finished"
logd_back() {
    lb=$(worker_pid logd)
    [ -n "$lb" ] && [ "$lb" != "$logd_pid" ] && log_has "master: logd\\[$lb\\] ready"
}
wait_until 20 logd_back
share hist-back 200 GET "/api/v1/share/history?item=file:$file1" "$token"
[ "$(js hist-back 'a["rows"][0]["event"]')" = upload-begun ] || fail "hist-back: $(head -c 400 "$t/hist-back.body")"

# a deleted file keeps its history, the deletion included; so does a
# deleted folder
share_grant 5 sato "$area1" "$root1" delete,create-folder
post mk 201 /api/v1/share/folders "$token" "{\"parent\":$root1,\"name\":\"一時\"}"
sub=$(js mk 'a["folder"]')
share sublist 200 GET "/api/v1/share/folder?id=$sub" "$token"
history subbefore "folder:$sub"
post subdel 200 /api/v1/share/folders/delete "$token" "{\"folder\":$sub}"
share subgone 404 GET "/api/v1/share/history?item=folder:$sub" "$token"
history subafter "folder:$sub"
python3 - "$t/subbefore" "$t/subafter" <<'PY' || fail "after the folder's deletion: $(cat "$t/subafter")"
import sys
before = open(sys.argv[1]).read().splitlines()
after = open(sys.argv[2]).read().splitlines()
assert [l.split("\t")[2] for l in before[1:]] == ["folder-created", "folder-listed"], before
assert after[:len(before)] == before, "earlier lines changed"
assert "folder-deleted" in [l.split("\t")[2] for l in after[len(before):]], after
PY
post del 200 /api/v1/share/delete "$token" "{\"file\":$file1}"
share gone 404 GET "/api/v1/share/versions?file=$file1" "$token"
history deleted "file:$file1"
python3 - "$t/file1" "$t/deleted" <<'PY' || fail "after the deletion: $(cat "$t/deleted")"
import sys
before = open(sys.argv[1]).read().splitlines()
after = open(sys.argv[2]).read().splitlines()
assert after[:len(before)] == before, "earlier lines changed"
events = [l.split("\t")[2] for l in after[len(before):]]
assert "file-deleted" in events, events
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
expect_exit 0 "share history --offline" "$DSGCTL" share history "file:$file1" --offline "$t/var/logd"
cmp -s "$t/out" "$t/deleted" || fail "offline differs: $(diff "$t/deleted" "$t/out")"
# options before the item, --offline before its directory
expect_exit 0 "share history --json --offline" "$DSGCTL" share history --json --offline "file:$file1" "$t/var/logd"
[ "$(grep -c '"type":23' "$t/out")" -eq "$(sed 1d "$t/deleted" | wc -l)" ] ||
    fail "--json --offline: $(head -c 400 "$t/out")"
expect_exit 64 "share history --offline without DIR" "$DSGCTL" share history "file:$file1" --offline
expect_exit 74 "share history of no copy" "$DSGCTL" share history "file:$file1" --offline "$t/none"
[ ! -s "$t/out" ] || fail "a header before the failure: $(cat "$t/out")"
exit 0
