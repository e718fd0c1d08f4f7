#!/bin/sh
# dsgd_share_storage: the share role's encrypted object store end to end (spec/stor.md), for a portal user (sato, password and TOTP, bearer token) granted list,read,upload,new-version on the root of an area, and a second user (ueda) granted list,read on its 共通 folder. Checked: a 300 KiB pseudorandom upload is stored as one new file under var/share/objects/<ab>/<hex id>.<version> of 80 + 4 x 65552 + 45072 bytes; with one byte of it flipped in segment 2 while dsgd runs, its download answers 200 with Content-Length 307200 and then ends short (curl exit 18 or 56), with a prefix of the original of at most the 2 x 65536 bytes of the segments before the damaged one, and the audit trail holds an integrity-failed record (監査ログ・カスタムレポート, type 23) of sato naming stor.integrity, the object's ID, its version and segment 2; two uploads of the same size whose object files are swapped each fail the same way (200, then cut short after no byte, an integrity-failed record naming the object asked for); an object whose wrapped data key has a flipped byte fails the same way with stor.key, recorded key-open-failed; each failure is also a security alert (ALERT on the master's log, from the share role). The share role killed with SIGKILL while an upload's content arrives (curl --limit-rate) is restarted by the master, whose new role logs that one unfinished upload was removed and one interrupted upload marked failed, and records it (type 101, event storage-swept, the only such record: the first start swept nothing); objects/tmp is then empty, no new object file is left, /versions shows that version failed, the folder listing shows the file to its uploader only with state failed and not to ueda, neither the version nor the file downloads (404 or 409), `PRAGMA integrity_check` of share.db, opened read-only by the sqlite3 CLI (or python3's sqlite3 module without it), says ok, and a new upload of the same name is clean and downloads back. A unique marker in two uploaded text files (one committed, one interrupted while its temporary file was being written) is found by grep in no file under var/ (objects, their temporary files, share.db and its WAL) either while the temporary file exists or afterwards. A 256 MiB pseudorandom upload (AES-128-CTR of zeros) is clean with the source's SHA-256 and downloads back with the same SHA-256, and the peak RSS (VmHWM) of the portal and of the share role after it exceeds their peak after a 1 MiB upload and download by at most 64 MiB each (a scaled form of the 4 GiB of REQ-STOR-013).
# @relation(REQ-STOR-015, REQ-STOR-001, REQ-STOR-003, REQ-STOR-005, REQ-STOR-012, REQ-STOR-013)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"
bound_kib=65536
objects=$t/var/share/objects

# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"
names() {
    js "$1" '"\n".join("%s:%s:%s" % (c["kind"], c["name"], c.get("state", "")) for c in a["children"])'
}
# N pseudorandom bytes, the same every time: AES-128-CTR of zeros
stream() {
    head -c "$1" /dev/zero |
        openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv "$2" 2>/dev/null
}
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
# committed: the committed object files, one path a line
committed() { find "$objects" -path "$objects/tmp" -prune -o -type f -print | sort; }
# new_object BEFORE: the one object file committed since the list BEFORE
new_object() {
    committed | comm -13 "$1" - >"$t/new"
    [ "$(wc -l <"$t/new")" -eq 1 ] || fail "want one new object file, got: $(cat "$t/new")"
    cat "$t/new"
}
# broken NAME FILE PATH WANT-LENGTH MAX-BYTES: the download of PATH answers
# 200 with Content-Length WANT-LENGTH, then ends short (curl exit 18 or 56)
# with a prefix of FILE of at most MAX-BYTES bytes
broken() {
    : >"$t/$1.body"   # curl makes no file when no byte comes
    portal_curl "$3" -H "Authorization: Bearer $sato" -D "$t/$1.h" -o "$t/$1.body" \
        -w '%{http_code}' >"$t/$1.code" 2>"$t/$1.err"
    rc=$?
    case $rc in
    18 | 56) ;;
    *) fail "$1: curl exit $rc, want 18 or 56 (status $(cat "$t/$1.code"), $(size "$t/$1.body") bytes): $(cat "$t/$1.err")" ;;
    esac
    [ "$(cat "$t/$1.code")" = 200 ] || fail "$1: status $(cat "$t/$1.code")"
    tr -d '\r' <"$t/$1.h" | grep -qix "content-length: $4" || fail "$1: the head: $(cat "$t/$1.h")"
    got_bytes=$(size "$t/$1.body")
    echo "# $1: curl exit $rc after $got_bytes of $4 bytes"
    [ "$got_bytes" -le "$5" ] || fail "$1: $got_bytes bytes received, more than the $5 before the damaged segment"
    head -c "$got_bytes" "$2" | cmp -s - "$t/$1.body" || fail "$1: the bytes received are not a prefix of the original"
}
# no_marker WHEN: the marker is in no file under the state directory
no_marker() {
    grep -rlaF -D skip -- "$marker" "$t/var" >"$t/leaks" 2>&1
    case $? in
    0) fail "$1: the marker is in the clear in: $(cat "$t/leaks")" ;;
    1) ;;
    *) fail "$1: grep over the state directory: $(cat "$t/leaks")" ;;
    esac
}

share_gateway_start 'share.deleted_retention_days = 0'

# sato of 防衛装備庁 and ueda of 内局, each with a bearer session
expect_exit 0 "org 内局" ctl org add 内局 --kind ministry --networks 127.0.0.0/8
share_user sato 防衛装備庁 3
share_user ueda 内局 4
sato=$(cat "$t/sato.token") ueda=$(cat "$t/ueda.token")

# the area: root 1, 共通 2; sato on the root, ueda on 共通
share_area 1 C-9 装備研究
grep -Eqx ' *1 +0 +装備研究' "$t/out" && grep -Eqx ' *2 +1 +共通' "$t/out" || fail "area show: $(cat "$t/out")"
root=1 common=2
share_grant 1 sato 1 "$root" list,read,upload,new-version,delete
share_grant 2 ueda 1 "$common" list,read

# 1. a flipped byte in the middle of a 300 KiB object (REQ-STOR-003, 005)
head -c 307200 /dev/urandom >"$t/seg.bin"
committed >"$t/before"
upload seg "$sato" "$root" segments.bin "$t/seg.bin"
seg_file=$file
obj=$(new_object "$t/before") || exit 1
seg_id=$(basename "$obj" | cut -d. -f1) seg_ver=$(basename "$obj" | cut -d. -f2)
[ "$seg_ver" = "$version" ] && [ "$(basename "$(dirname "$obj")")" = "$(printf %s "$seg_id" | cut -c1-2)" ] ||
    fail "the object file $obj: not <ab>/<id>.$version"
[ "$(size "$obj")" -eq $((80 + 4 * 65552 + 45072)) ] || fail "$obj: $(size "$obj") bytes"
fetch seg-good "$sato" "$seg_file"
cmp -s "$t/seg-good.body" "$t/seg.bin" || fail "seg-good: the content differs before the damage"
at=$(($(size "$obj") / 2))
damaged=$(((at - 80) / 65552))
python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0x40]))' \
    "$obj" "$at" || fail "cannot flip byte $at of $obj"
broken seg-bad "$t/seg.bin" "/api/v1/share/download?file=$seg_file" 307200 $((damaged * 65536))

# two objects of the same size swapped
head -c 100000 /dev/urandom >"$t/a.bin"
head -c 100000 /dev/urandom >"$t/b.bin"
committed >"$t/before"
upload swap-a "$sato" "$root" a.bin "$t/a.bin"
a_file=$file a_obj=$(new_object "$t/before") || exit 1
committed >"$t/before"
upload swap-b "$sato" "$root" b.bin "$t/b.bin"
b_file=$file b_obj=$(new_object "$t/before") || exit 1
[ "$(size "$a_obj")" -eq "$(size "$b_obj")" ] || fail "the two objects differ in size"
mv "$a_obj" "$t/swap" && mv "$b_obj" "$a_obj" && mv "$t/swap" "$b_obj" || fail "cannot swap $a_obj and $b_obj"
broken swap-a-bad "$t/a.bin" "/api/v1/share/download?file=$a_file" 100000 0
broken swap-b-bad "$t/b.bin" "/api/v1/share/download?file=$b_file" 100000 0
a_id=$(basename "$a_obj" | cut -d. -f1) b_id=$(basename "$b_obj" | cut -d. -f1)

# a damaged wrapped data key (header bytes 16..55): the data key does not
# open (stor.key), recorded key-open-failed and alerted (REQ-STOR-015)
head -c 100000 /dev/urandom >"$t/k.bin"
committed >"$t/before"
upload key-damaged "$sato" "$root" k.bin "$t/k.bin"
k_file=$file k_obj=$(new_object "$t/before") || exit 1
python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(30); b = f.read(1); f.seek(30); f.write(bytes([b[0] ^ 0x01]))' "$k_obj" ||
    fail "cannot flip a byte of $k_obj's wrapped key"
broken key-bad "$t/k.bin" "/api/v1/share/download?file=$k_file" 100000 0
k_id=$(basename "$k_obj" | cut -d. -f1)
wait_log "share\\[[0-9]+\\]: ALERT: share: key-open-failed: file $k_file version 1: stor.key"
for f in "$seg_file" "$a_file" "$b_file"; do
    log_has "share\\[[0-9]+\\]: ALERT: share: integrity-failed: file $f version 1: stor.integrity" ||
        fail "no alert of file $f: $(grep ALERT "$t/log")"
done

# 2. the share role killed during an upload's content (REQ-STOR-012), with
# a marker in that content while its temporary file is written (REQ-STOR-001)
marker="DSG-PLAINTEXT-MARKER-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
yes "中断メモ $marker" | head -c 2097152 >"$t/slow.txt"
committed >"$t/before"
begin slow-begin 201 "$sato" "$common" 中断.txt "$(size "$t/slow.txt")"
slow=$u slow_file=$file slow_ver=$version
portal_curl "/api/v1/share/uploads/content?upload=$slow" -H "Authorization: Bearer $sato" -H 'Expect:' \
    -H 'Content-Type: application/octet-stream' --limit-rate 200K -T "$t/slow.txt" \
    -o "$t/slow.body" -w '%{http_code}' >"$t/slow.code" 2>"$t/slow.err" &
curl_pid=$!
tmp_written() { [ -n "$(find "$objects/tmp" -type f -size +0c)" ]; }
wait_until 5 tmp_written
sleep 1
tmp_files=$(find "$objects/tmp" -type f -printf '%f: %s bytes ')
no_marker "during the upload ($tmp_files)"
echo "# searched during the upload, objects/tmp holding $tmp_files"
share_pid=$(worker_pid share)
kill -KILL "$share_pid" || fail "cannot kill the share role ($share_pid)"
restarted() { [ -n "$(worker_pid share)" ] && [ "$(worker_pid share)" != "$share_pid" ]; }
wait_until 10 restarted
wait_log "master: share\\[$(worker_pid share)\\] ready" 10
wait_log 'share: 1 unfinished upload removed'
wait_log 'share: 1 interrupted upload marked failed'
wait_until 20 not_alive "$curl_pid"
wait "$curl_pid"
echo "# the interrupted upload: curl exit $?, status $(cat "$t/slow.code"): $(head -c 200 "$t/slow.body") $(cat "$t/slow.err")"
[ -z "$(ls -A "$objects/tmp")" ] || fail "objects/tmp after the restart: $(ls -la "$objects/tmp")"
# the sweep on record (REQ-STOR-012): the restart's, one of each (the first start's found nothing)
"$DSGCTL" log export --type 101 --format jsonl --socket "$sock" >"$t/export101" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export101" <<'PY' || fail "storage-swept: $(grep storage-swept "$t/export101")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
swept = [(r["source"], r["fields"]["detail"]) for r in recs if r.get("type") == 101 and
         r["fields"]["event"] == "storage-swept"]
assert swept == [
    ("share", "1 unfinished upload file removed; 1 interrupted version marked failed; 0 orphaned objects removed")], swept
PY
committed | cmp -s - "$t/before" || fail "the interrupted upload left: $(committed | comm -13 "$t/before" -)"
# the role answers again once its routes are back
common_listed() {
    [ "$(portal_curl "/api/v1/share/folder?id=$common" -H "Authorization: Bearer $sato" \
        -o "$t/common-sato.body" -w '%{http_code}' 2>/dev/null)" = 200 ]
}
wait_until 10 common_listed
echo "# the interrupted upload listed to sato as: $(names common-sato | grep -F ':中断.txt:' || echo nothing)"
case $(names common-sato | grep -F ':中断.txt:') in
'' | file:中断.txt:failed) ;;
*) fail "common-sato: $(cat "$t/common-sato.body")" ;;
esac
share common-ueda 200 GET "/api/v1/share/folder?id=$common" "$ueda"
! names common-ueda | cut -d: -f2 | grep -qxF 中断.txt || fail "common-ueda: $(cat "$t/common-ueda.body")"
share slow-versions 200 GET "/api/v1/share/versions?file=$slow_file" "$sato"
[ "$(js slow-versions '[(x["version"], x["state"]) for x in a["versions"]]')" = "[($slow_ver, 'failed')]" ] ||
    fail "slow-versions: $(cat "$t/slow-versions.body")"
for v in "&version=$slow_ver" ''; do
    status=$(portal_curl "/api/v1/share/download?file=$slow_file$v" -H "Authorization: Bearer $sato" \
        -o "$t/slow-get.body" -w '%{http_code}' 2>"$t/slow-get.err") || fail "slow-get: curl: $(cat "$t/slow-get.err")"
    case $status in
    404) [ "$(js slow-get 'a["error"]')" = not_found ] || fail "slow-get$v: $(cat "$t/slow-get.body")" ;;
    409) [ "$(js slow-get 'a["error"]')" = not_clean ] || fail "slow-get$v: $(cat "$t/slow-get.body")" ;;
    *) fail "slow-get$v: status $status: $(head -c 300 "$t/slow-get.body")" ;;
    esac
    echo "# the interrupted upload's download${v:+ $v}: $status $(js slow-get 'a["error"]')"
done
db=$t/var/share/share.db   # read-only: the role keeps its WAL and shared memory files
if command -v sqlite3 >/dev/null 2>&1; then
    check_db() { sqlite3 -readonly "$db" 'PRAGMA integrity_check'; }
else
    echo "# no sqlite3 CLI: python3's sqlite3 module checks share.db"
    check_db() {
        python3 -c 'import sqlite3, sys, urllib.parse
db = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(sys.argv[1]), uri=True)
print(db.execute("PRAGMA integrity_check").fetchone()[0])' "$db"
    }
fi
[ "$(check_db 2>&1)" = ok ] || fail "share.db: integrity_check: $(check_db 2>&1)"
printf '中断メモ 再送 %s\n' "$marker" >"$t/again.txt"
upload again "$sato" "$common" 中断.txt "$t/again.txt"
fetch again-get "$sato" "$file"
cmp -s "$t/again-get.body" "$t/again.txt" || fail "again-get: the content differs"
share common-sato2 200 GET "/api/v1/share/folder?id=$common" "$sato"
names common-sato2 | grep -qxF file:中断.txt:clean || fail "common-sato2: $(cat "$t/common-sato2.body")"

# 4. the marker in a committed text file, then in no file under var/ (REQ-STOR-001)
printf '共有メモ %s\n' "$marker" >"$t/memo.txt"
upload memo "$sato" "$common" 共有メモ.txt "$t/memo.txt"
no_marker "after the uploads"
[ -s "$db" ] || fail "no var/share/share.db"
echo "# searched: $(find "$t/var" -type f | wc -l) files, $(cd "$t/var/share" && echo *)"

# 3. 256 MiB up and down, the peak RSS of the portal and the role (REQ-STOR-013, scaled)
portal=$(worker_pid portal) role=$(worker_pid share)
stream 1048576 1 >"$t/small.bin"
upload small "$sato" "$root" small.bin "$t/small.bin"
fetch small-get "$sato" "$file"
cmp -s "$t/small-get.body" "$t/small.bin" || fail "small-get: the content differs"
base_portal=$(hwm "$portal") base_role=$(hwm "$role")
stream 268435456 2 >"$t/huge.bin"
upload huge "$sato" "$root" huge.bin "$t/huge.bin"
huge_sha=$(js huge 'a["sha256"]') || exit 1   # the source's, checked by upload
rm -f "$t/huge.bin"
{
    portal_curl "/api/v1/share/download?file=$file" -H "Authorization: Bearer $sato" -D "$t/huge-get.h" \
        -o - 2>"$t/huge-get.err"
    echo $? >"$t/huge-get.rc"
} | sha256sum | cut -d' ' -f1 >"$t/huge-get.sha"
[ "$(cat "$t/huge-get.rc")" = 0 ] && head -n 1 "$t/huge-get.h" | grep -q ' 200' ||
    fail "huge-get: curl exit $(cat "$t/huge-get.rc"): $(cat "$t/huge-get.err" "$t/huge-get.h")"
[ "$(cat "$t/huge-get.sha")" = "$huge_sha" ] || fail "huge-get: SHA-256 $(cat "$t/huge-get.sha"), want $huge_sha"
peak_portal=$(hwm "$portal") peak_role=$(hwm "$role")
echo "# VmHWM after 1 MiB: portal $base_portal kB, share $base_role kB; after 256 MiB: portal $peak_portal kB, share $peak_role kB"
[ "$(worker_pid portal)" = "$portal" ] && [ "$(worker_pid share)" = "$role" ] || fail "a worker was restarted"
[ $((peak_portal - base_portal)) -le $bound_kib ] || fail "the portal grew by $((peak_portal - base_portal)) kB"
[ $((peak_role - base_role)) -le $bound_kib ] || fail "the share role grew by $((peak_role - base_role)) kB"

# the trail: the three integrity failures, each naming what failed (REQ-STOR-003, 005)
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export" "$seg_id" "$seg_ver" "$damaged" "$a_id" "$b_id" <<'PY' || fail "integrity-failed: $(grep -o '"event_data":"stor[^"]*"' "$t/export")"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
bad = [r["fields"] for r in recs if r.get("type") == 23 and r["fields"]["custom_event_name"] == "integrity-failed"]
assert len(bad) == 3, bad
key = [r["fields"] for r in recs if r.get("type") == 23 and r["fields"]["custom_event_name"] == "key-open-failed"]
assert len(key) == 1 and key[0]["user_id"] == "sato" and key[0]["event_data"].startswith("stor.key"), key
for f in bad:
    assert f["user_id"] == "sato", f
    assert f["event_data"].startswith("stor.integrity: "), f
seg, ver, damaged = sys.argv[2], sys.argv[3], sys.argv[4]
assert re.search(r"\bobject %s version %s: segment %s\b" % (seg, ver, damaged), bad[0]["event_data"]), bad[0]
for f, asked in zip(bad[1:], sys.argv[5:]):
    assert re.search(r"\bobject %s version 1\b" % asked, f["event_data"]), ("the object asked for", asked, f)
PY

# a deleted file's versions kept share.deleted_retention_days (here 0),
# then purged at the share role's next round: its start (REQ-SHARE-012)
committed >"$t/before-purge"
printf '消す予定の資料\n' >"$t/doomed.txt"
upload purged "$sato" "$root" 消す.txt "$t/doomed.txt"
doomed=$file
doomed_obj=$(new_object "$t/before-purge") || exit 1
post delete-doomed 200 /api/v1/share/delete "$sato" "{\"file\":$doomed}"
[ -f "$doomed_obj" ] || fail "the deleted file's object went before the purge"
share_pid=$(worker_pid share)
kill -KILL "$share_pid" || fail "cannot kill the share role ($share_pid)"
wait_until 10 restarted
wait_log 'share: 1 version of deleted files purged' 10
[ ! -e "$doomed_obj" ] || fail "the purge left $doomed_obj"
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export-purge" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export-purge" "$doomed" <<'PY' || fail "version-purged: $(grep version-purged "$t/export-purge")"
import json, sys
recs = [json.loads(l)["fields"] for l in open(sys.argv[1]) if json.loads(l).get("type") == 23]
p = [f for f in recs if f["custom_event_name"] == "version-purged"]
assert len(p) == 1, p
f = p[0]
assert (f["user_id"], f["event"], f["item_type"], f["item_id"], f["site_id"], f["event_source"],
        f["app_id"]) == ("system:share", "Delete", "version", sys.argv[2], "1", "dsgd", "dsgd"), f
assert f["event_data"].startswith("name=消す.txt; version=1; deleted_at="), f
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
no_marker "after dsgd stopped"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
