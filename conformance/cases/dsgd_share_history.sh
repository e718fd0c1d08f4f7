#!/bin/sh
# dsgd_share_history: `dsgctl share history ITEM` draws an item's access history from the audit trail (REQ-SHARE-017). sato uploads a file into one area and downloads it and lists its versions, and uploads a second file into a second area; then, through the running logd: `share history file:F` shows a header and one tab-separated line per record of that file and its versions (time, user sato, event, location /装備研究, data name=design.bin ...), upload, download and versions listing included, in the order recorded, and nothing of the folder or of the other file; `share history area:A` shows every record of the first area and none of the second; `log export --type 23 --site A` exports only the first area's records; `--json` gives the same records as JSON Lines; a bad item (dir:3, file:0) is a usage error (64) that names the forms; the readings are recorded as control records naming the item; once the file is deleted, its history still holds every earlier line unchanged and then the deletion. After dsgd stops, `share history --offline` of var/logd prints the same lines as the running logd did.
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

# a deleted file keeps its history, the deletion included
share_grant 3 sato "$area1" "$root1" delete
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
