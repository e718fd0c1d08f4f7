#!/bin/sh
# dsgd_share_files: the share role's file API end to end (docs/sharing.md, "The file API"), for two portal users of different organisations logged in with password and TOTP (bearer tokens): sato (防衛装備庁) granted list,read,upload,new-version,create-folder,search on the root of an area made from an approved application, ueda (内局, another Ministry organisation) granted list,read,search on its 共通 folder only, both grants approved by a second administrator. Checked: GET /api/v1/share/areas lists the area with its project, contract, root folder and contract end (RFC 3339 with milliseconds) to sato, and nothing to ueda before its grant, the area after it; no or an unknown session gets 401 session_expired, a malformed id or body 400 bad_request (a JSON error); sato creates a sub-folder (201, then listed under the root) and a second of the same name is 409 name_taken; a file with a Japanese name (設計書.txt) uploaded in two steps (201 with its file, version 1 and expires_in, then the content: 201 with size, SHA-256 and state clean) downloads back byte-identical with Content-Disposition attachment whose filename* (RFC 8187, UTF-8) decodes to the name, X-Content-Type-Options: nosniff and Content-Security-Policy: sandbox; default-src 'none'; a second upload of that name is version 2 of the same file, the default download is version 2 and ?version=1 still gives version 1 unchanged, /versions lists 2 then 1 with their sizes, SHA-256, uploader, time and state, and the folder lists the file at version 2; a 1 MiB + 7 byte pseudorandom upload round-trips with equal SHA-256; a marker written in an uploaded text file is in no file under the state directory (objects, share.db and its WAL included) while dsgd runs; a.EXE is refused 422 forbidden_extension, a/b and con.txt 422 invalid_name, at the first step, leaving no file in var/share, and none of them is ever listed; the content in another session (ueda's token on sato's upload) is 403 access_denied, an unknown upload 403 access_denied, both recorded as access-denied with the sender unknown (user ID -), a body shorter or longer than the size announced 400 size_mismatch; uploads without a clean version are listed to their uploader as pending or failed, and a failed version is 409 not_clean; the EICAR test file (put together here from two halves) is 422 infected, listed to sato as infected, refused to sato (409 not_clean) and neither listed, served nor its versions shown to ueda (404 not_found or 409 not_clean, never its bytes, name or digest); ueda lists 共通 with sato's clean file only and downloads it, gets 404 not_found for the root, for sato's sub-folder, for the versions and content of a file outside its grant and for creating a folder under the root, and 403 access_denied for creating a folder or beginning an upload in 共通, which it may list; the audit trail holds 監査ログ・カスタムレポート (type 23) with every field (time with milliseconds, event source api, app ID portal, the client's address) for the file API: file-uploaded (event Create, each version), file-downloaded (View, each version, ueda's too), upload-refused (forbidden_extension, invalid_name, size_mismatch) and upload-infected naming sato, access-denied naming ueda with the operations list, read, create-folder and upload, each with the area as site ID, and no upload or folder creation by ueda; the marker is not in the trail; the infected upload is also one マルウェア検知ログ record (type 17) with the client's address, the file's name, folder, SHA-256 and size, the detection EICAR-Test-File, the engine, action quarantined and the uploader. Rename, move and delete: refused 403 access_denied without the operation granted (rename by sato, a move by ueda); with it, a rename shows the new name in the listing and still downloads, a rename to a forbidden extension is 422, a move takes the file out of 共通 (ueda no longer lists or downloads it: 404) into the sub-folder, a delete takes it out of listings, downloads and /versions (404), each recorded once as file-renamed (from= and to=), file-moved (both paths) and file-deleted (event Delete). Folders, with the same rights: a rename shows the new name in the listing, a name taken is 409 name_taken and the root's rename 422 bad_state; a move takes the folder under another with its sub-folder and file (which still downloads), a move under its own sub-folder is 422 invalid_move and into a third area (where sato may create folders) 422 other_area; ueda gets 403 access_denied for renaming or moving a folder of 共通 and 404 for deleting one outside its grant; a delete of a folder holding a sub-folder and a file takes all three out of listings, downloads, /versions and search (404, no result), a second delete, a folder created in the deleted sub-folder or a search of the deleted folder is 404, and a new folder of the deleted one's name is created; each recorded once as folder-renamed (from=; to=), folder-moved (both paths), folder-deleted (event Delete, name=; folders=2; files=1), and the refusals as change-refused with their codes and access-denied naming ueda. Search (GET /api/v1/share/search): one- and two-character Japanese queries, two words (one in the name, one in the text, split at U+3000), the text of the newest clean version only, scope name or text, the folder, uploader, from and to filters, the marker found by its words by both accounts while in 共通, never a file outside ueda's grant nor the infected one; a renamed file is found by its new name, a deleted one no more, a moved one no more by ueda; a query without a character, an unknown or repeated parameter, a bad scope or bytes that are not UTF-8 are 400 bad_query; var/share/search.db holds none of the names, words or the marker; each search is recorded as searched (event Search) with the query's length and the number of results, never its words. A second area whose contract ends 40 s after it is made is listed by dsgctl area list as ending (the first as active); sato's upload there stands until the end, after which sato gets 403 contract_ended for its folder, the file's download and versions, a new upload and a search of that area, the area leaves sato's areas and searches, ueda (never granted there) still gets 404, and dsgctl area list --json gives it contract_state ended. Closing it (REQ-SHARE-021): an application to close the running area is refused contract_active; one for the ended area is pending, a second for it contract_taken, its approval by whoever applied self_approval; approved by the second administrator, it answers that the area was closed and 1 file deleted, a further application is area_closed, dsgctl area list --json shows the area closed with who and when, sato's download of its deleted file is 404 not_found, its folder still 403 contract_ended, and ueda still gets 404, and dsgctl share history area:2 shows area-close-applied and area-closed with the contract and the file count. A revoke of ueda's grant, once approved, ends ueda's session (401 session_expired), recorded as 認証ログ logout-forced for ueda only ("its rights were reduced"); sato's session goes on.
# @relation(REQ-LOG-032, REQ-SHARE-014, REQ-SHARE-021, REQ-SHARE-015, REQ-SHARE-012, REQ-ACCT-010, REQ-SHARE-009, REQ-SHARE-007, REQ-SHARE-008, REQ-SHARE-010, REQ-SHARE-011, REQ-SHARE-013, REQ-SHARE-016, REQ-STOR-001)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"
# refused NAME WANT METHOD PATH TOKEN|- CODE [curl args]: share, and the answer's error is CODE
refused() {
    rn=$1 rc=$6 rw=$2 rm=$3 rp=$4 rt=$5
    shift 6
    share "$rn" "$rw" "$rm" "$rp" "$rt" "$@"
    re=$(js "$rn" 'a["error"]') || exit 1
    [ "$re" = "$rc" ] || fail "$rn: error $re, want $rc: $(cat "$t/$rn.body")"
}
# content NAME WANT TOKEN UPLOAD FILE: the second step, FILE's bytes
content() {
    share "$1" "$2" PUT "/api/v1/share/uploads/content?upload=$4" "$3" \
        -H 'Content-Type: application/octet-stream' --data-binary "@$5"
}
same() {   # same NAME FILE: the download NAME is FILE's bytes
    cmp -s "$t/$1.body" "$2" || fail "$1: the content downloaded differs from $2's ($(wc -c <"$t/$1.body") bytes)"
}
# names NAME: the children of the folder listing NAME, "kind:name:state" one a line
names() {
    js "$1" '"\n".join("%s:%s:%s" % (c["kind"], c["name"], c.get("state", "")) for c in a["children"])'
}
listed() {   # listed NAME ENTRY: the listing NAME has the child ENTRY (kind:name:state)
    ln=$(names "$1") || exit 1
    printf '%s\n' "$ln" | grep -qxF "$2" || fail "$1: no $2 in $(printf '%s' "$ln" | tr '\n' ' ')"
}
# found NAME TOKEN WANT [curl -G args]: a search, 200, whose results are the
# files WANT ("[3, 5]", by number)
found() {
    fn=$1 ft=$2 fw=$3
    shift 3
    share "$fn" 200 GET /api/v1/share/search "$ft" -G "$@"
    [ "$(js "$fn" 'sorted(x["file"] for x in a["results"])')" = "$fw" ] ||
        fail "$fn: $(cat "$t/$fn.body"), want the files $fw"
}
unlisted() {   # unlisted NAME FILE-NAME: no child of that name
    ln=$(names "$1") || exit 1
    ! printf '%s\n' "$ln" | cut -d: -f2 | grep -qxF "$2" || fail "$1: $2 is listed: $(printf '%s' "$ln" | tr '\n' ' ')"
}

share_gateway_start

# two portal users of two Ministry organisations (TOTP from auth.ministry_networks),
# sato of 防衛装備庁 and ueda of 内局, each with a bearer session
expect_exit 0 "org 内局" ctl org add 内局 --kind ministry --networks 127.0.0.0/8
share_user sato 防衛装備庁 3
share_user ueda 内局 4
sato=$(cat "$t/sato.token") ueda=$(cat "$t/ueda.token")

# the area: root 1, 共通 2, テスト重工 3, 下請電機 4
expect_exit 0 "area apply" ctl area apply --contract C-9 --project 装備研究 --prime テスト重工 \
    --vendor 下請電機 --contract-end 2099-03-31T15:00:00Z --applicant 調達部 --reason 新規契約
expect_exit 0 "area approve" member_ctl area approve 1
expect_exit 0 "area show" ctl area show 1
grep -Eqx ' *1 +0 +装備研究' "$t/out" && grep -Eqx ' *2 +1 +共通' "$t/out" || fail "area show: $(cat "$t/out")"
root=1 common=2
expect_exit 0 "sato's grant" ctl rights apply --account sato --area 1 --folder "$root" \
    --ops list,read,upload,new-version,create-folder,search --until 2099-01-01T00:00:00Z --applicant 調達部 --reason 業務
expect_exit 0 "approve sato's grant" member_ctl rights approve 1

# the areas of each account; no session, an unknown one
share areas-sato 200 GET /api/v1/share/areas "$sato"
[ "$(js areas-sato '[(x["area"], x["project"], x["contract"], x["root"], x["contract_end"]) for x in a["areas"]]')" = \
  "[(1, '装備研究', 'C-9', $root, '2099-03-31T15:00:00.000Z')]" ] || fail "areas-sato: $(cat "$t/areas-sato.body")"
share areas-ueda 200 GET /api/v1/share/areas "$ueda"
[ "$(js areas-ueda 'a["areas"]')" = "[]" ] || fail "areas of ueda, who holds no grant: $(cat "$t/areas-ueda.body")"
refused no-session 401 GET /api/v1/share/areas - session_expired
refused bad-session 401 GET "/api/v1/share/folder?id=$root" AAAAAAAAAAAAAAAAAAAAAA session_expired
expect_exit 0 "ueda's grant" ctl rights apply --account ueda --area 1 --folder "$common" --ops list,read,search \
    --until 2099-01-01T00:00:00Z --applicant 調達部 --reason 業務
expect_exit 0 "approve ueda's grant" member_ctl rights approve 2
share areas-ueda2 200 GET /api/v1/share/areas "$ueda"
[ "$(js areas-ueda2 '[(x["area"], x["root"]) for x in a["areas"]]')" = "[(1, $root)]" ] ||
    fail "areas-ueda2: $(cat "$t/areas-ueda2.body")"

# a second area whose contract ends in 40 s, sato granted on it until then
# (REQ-SHARE-021): ending now, ended at the end of this case
ends=$(date -u -d '+40 seconds' +%Y-%m-%dT%H:%M:%SZ)
expect_exit 0 "short area apply" ctl area apply --contract C-10 --project 短期研究 --prime テスト重工 \
    --contract-end "$ends" --applicant 調達部 --reason 短期契約
expect_exit 0 "short area approve" member_ctl area approve 2
expect_exit 0 "short area show" ctl area show 2
root2=$(awk '$2 == 0 && $3 == "短期研究" { print $1 }' "$t/out")
[ -n "$root2" ] || fail "short area show: no root: $(cat "$t/out")"
expect_exit 0 "sato's short grant" ctl rights apply --account sato --area 2 --folder "$root2" \
    --ops list,read,upload --until "$ends" --applicant 調達部 --reason 業務
expect_exit 0 "approve sato's short grant" member_ctl rights approve 3
expect_exit 0 "area list" ctl area list
grep -Eq "^2 +C-10 +[^ ]+ +ending +テスト重工 +短期研究\$" "$t/out" &&
    grep -Eq "^1 +C-9 +[^ ]+ +active " "$t/out" || fail "area list: $(cat "$t/out")"
printf '短期の資料\n' >"$t/short.txt"
upload short "$sato" "$root2" 短期.txt "$t/short.txt"
short=$file
# no search granted there: a search of the area is denied, and a search of
# every area shows nothing of it
refused short-search 403 GET /api/v1/share/search "$sato" access_denied -G --data-urlencode area=2
found short-search-all "$sato" "[]" --data-urlencode q=短期

# a sub-folder, and its name again
post mkdir 201 /api/v1/share/folders "$sato" "{\"parent\":$root,\"name\":\"設計\"}"
sub=$(js mkdir 'a["folder"]') || exit 1
refused mkdir-again 409 POST /api/v1/share/folders "$sato" name_taken \
    -H 'Content-Type: application/json' --data-binary "{\"parent\":$root,\"name\":\"設計\"}"
share root-sato 200 GET "/api/v1/share/folder?id=$root" "$sato"
[ "$(js root-sato '(a["folder"], a["area"], a["name"], a["parent"])')" = "($root, 1, '装備研究', None)" ] ||
    fail "root-sato: $(cat "$t/root-sato.body")"
[ "$(js root-sato '[c["id"] for c in a["children"] if c["name"] == "設計" and c["kind"] == "folder"]')" = "[$sub]" ] ||
    fail "root-sato: the sub-folder $sub: $(cat "$t/root-sato.body")"
listed root-sato folder:共通:

# a Japanese name, two versions
printf '設計書 第1版\n' >"$t/v1.txt"
printf '設計書 第2版: 改訂\n' >"$t/v2.txt"
upload doc1 "$sato" "$sub" 設計書.txt "$t/v1.txt"
doc=$file
[ "$version" = 1 ] || fail "doc1: version $version, want 1"
fetch get1 "$sato" "$doc"
same get1 "$t/v1.txt"
python3 - "$t/get1.h" <<'PY' || fail "get1: the head: $(cat "$t/get1.h")"
import sys, urllib.parse
head = {}
for l in open(sys.argv[1], encoding="latin-1").read().splitlines()[1:]:
    if ":" in l:
        k, v = l.split(":", 1)
        head[k.strip().lower()] = v.strip()
d = head["content-disposition"]
assert d.split(";")[0].strip() == "attachment", d
star = [p.strip() for p in d.split(";") if p.strip().lower().startswith("filename*=")]
assert len(star) == 1, d
charset, lang, value = star[0].split("=", 1)[1].split("'", 2)
assert charset.upper() == "UTF-8", d
assert value.upper().startswith("%E8%A8%AD%E8%A8%88%E6%9B%B8"), d
assert urllib.parse.unquote(value, errors="strict") == "設計書.txt", d
assert head["x-content-type-options"] == "nosniff", head
assert head["content-security-policy"] == "sandbox; default-src 'none'", head
PY
upload doc2 "$sato" "$sub" 設計書.txt "$t/v2.txt"
[ "$file" = "$doc" ] && [ "$version" = 2 ] || fail "doc2: file $file version $version, want file $doc version 2"
fetch get2 "$sato" "$doc"
same get2 "$t/v2.txt"
fetch get-v1 "$sato" "$doc" 1
same get-v1 "$t/v1.txt"
share versions 200 GET "/api/v1/share/versions?file=$doc" "$sato"
python3 - "$t/versions.body" "$doc" "$(wc -c <"$t/v2.txt")" "$(sha "$t/v2.txt")" \
    "$(wc -c <"$t/v1.txt")" "$(sha "$t/v1.txt")" <<'PY' || fail "versions: $(cat "$t/versions.body")"
import json, re, sys
a = json.load(open(sys.argv[1]))
assert a["file"] == int(sys.argv[2]) and a["name"] == "設計書.txt", a
v = a["versions"]
assert [(x["version"], x["size"], x["sha256"]) for x in v] == \
    [(2, int(sys.argv[3]), sys.argv[4]), (1, int(sys.argv[5]), sys.argv[6])], v
for x in v:
    assert x["uploaded_by"] == "sato" and x["state"] == "clean", x
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", x["uploaded_at"]), x
PY
share sub-sato 200 GET "/api/v1/share/folder?id=$sub" "$sato"
[ "$(js sub-sato '[(c["kind"], c["id"], c["version"], c["uploaded_by"], len(c["uploaded_at"])) for c in a["children"]]')" = \
  "[('file', $doc, 2, 'sato', 24)]" ] || fail "sub-sato: $(cat "$t/sub-sato.body")"

# a large pseudorandom file; a marker in a text file stored nowhere in the clear
head -c 1048583 /dev/urandom >"$t/big.bin"
upload big "$sato" "$sub" big.bin "$t/big.bin"
fetch get-big "$sato" "$file"
[ "$(sha "$t/get-big.body")" = "$(sha "$t/big.bin")" ] || fail "get-big: the SHA-256 differs"
marker="DSG-PLAINTEXT-MARKER-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
printf '共有メモ %s\n' "$marker" >"$t/memo.txt"
upload memo "$sato" "$common" 共有メモ.txt "$t/memo.txt"
memo=$file
grep -rlaF -D skip -- "$marker" "$t/var" >"$t/leaks" 2>&1
case $? in
0) fail "the marker is in the clear in: $(cat "$t/leaks")" ;;
1) ;;
*) fail "grep over the state directory: $(cat "$t/leaks")" ;;
esac
[ -s "$t/var/share/share.db" ] || fail "no var/share/share.db"

# names the policy refuses, before any byte; none is ever listed
stored() { find "$t/var/share" -type f ! -name 'share.db*' | sort; }
stored >"$t/stored.before"
refused exe 422 POST /api/v1/share/uploads "$sato" forbidden_extension \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$sub,\"name\":\"a.EXE\",\"size\":3}"
i=0
for bad in a/b con.txt; do
    i=$((i + 1))
    refused "invalid$i" 422 POST /api/v1/share/uploads "$sato" invalid_name \
        -H 'Content-Type: application/json' --data-binary "{\"folder\":$sub,\"name\":\"$bad\",\"size\":3}"
done
stored | cmp -s - "$t/stored.before" || fail "a refused upload left files: $(stored | comm -13 "$t/stored.before" -)"
share sub-sato2 200 GET "/api/v1/share/folder?id=$sub" "$sato"
for bad in a.EXE a/b con.txt b; do unlisted sub-sato2 "$bad"; done

# the content step: another session, an unknown upload, the wrong size
printf 'abcdefghij' >"$t/ten"
printf 'abcde' >"$t/five"
printf 'abcdefghijklmno' >"$t/fifteen"
begin other-begin 201 "$sato" "$sub" 他人.txt 10
refused other 403 PUT "/api/v1/share/uploads/content?upload=$(js other-begin 'a["upload"]')" "$ueda" access_denied \
    -H 'Content-Type: application/octet-stream' --data-binary "@$t/ten"
other=$(js other-begin 'a["upload"]') || exit 1
# an upload of the same form that nobody began: its first character changed within its class
unknown=$(python3 -c 'import sys; u = sys.argv[1]; c = u[0]
for k in ("0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "-_"):
    if c in k: c = k[1] if c == k[0] else k[0]
print(c + u[1:])' "$other")
[ "$unknown" != "$other" ] || fail "cannot make an unknown upload from $other"
refused unknown-upload 403 PUT "/api/v1/share/uploads/content?upload=$unknown" "$sato" access_denied \
    -H 'Content-Type: application/octet-stream' --data-binary "@$t/ten"
begin short-begin 201 "$sato" "$sub" 短い.txt 10
refused short 400 PUT "/api/v1/share/uploads/content?upload=$(js short-begin 'a["upload"]')" "$sato" size_mismatch \
    -H 'Content-Type: application/octet-stream' --data-binary "@$t/five"
begin long-begin 201 "$sato" "$sub" 長い.txt 10
refused long 400 PUT "/api/v1/share/uploads/content?upload=$(js long-begin 'a["upload"]')" "$sato" size_mismatch \
    -H 'Content-Type: application/octet-stream' --data-binary "@$t/fifteen"
share sub-sato3 200 GET "/api/v1/share/folder?id=$sub" "$sato"   # no clean version: listed to its uploader
listed sub-sato3 file:他人.txt:pending
listed sub-sato3 file:短い.txt:failed
listed sub-sato3 file:長い.txt:failed
refused short-get 409 GET "/api/v1/share/download?file=$(js short-begin 'a["file"]')&version=1" "$sato" not_clean

# the EICAR test file: refused, listed to its uploader only, served to no one
# shellcheck disable=SC2016 # the halves as they are, $ and \ included
h1='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR' h2='-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s%s' "$h1" "$h2" >"$t/eicar.txt"
begin eicar-begin 201 "$sato" "$common" eicar.txt 68
eicar=$(js eicar-begin 'a["file"]') || exit 1
refused eicar 422 PUT "/api/v1/share/uploads/content?upload=$(js eicar-begin 'a["upload"]')" "$sato" infected \
    -H 'Content-Type: application/octet-stream' --data-binary "@$t/eicar.txt"
share common-sato 200 GET "/api/v1/share/folder?id=$common" "$sato"
listed common-sato file:eicar.txt:infected
listed common-sato file:共有メモ.txt:clean
refused eicar-sato 409 GET "/api/v1/share/download?file=$eicar&version=1" "$sato" not_clean

# ueda: what its grant covers, and nothing else
share common-ueda 200 GET "/api/v1/share/folder?id=$common" "$ueda"
[ "$(names common-ueda)" = "file:共有メモ.txt:clean" ] || fail "common-ueda: $(cat "$t/common-ueda.body")"
fetch memo-ueda "$ueda" "$memo"
same memo-ueda "$t/memo.txt"
for v in '' '&version=1'; do   # no listing shows it to ueda: 404, or 409 not_clean at most
    status=$(portal_curl "/api/v1/share/download?file=$eicar$v" -H "Authorization: Bearer $ueda" \
        -o "$t/eicar-ueda.body" -w '%{http_code}' 2>"$t/eicar-ueda.err") || fail "eicar-ueda: curl: $(cat "$t/eicar-ueda.err")"
    case $status in
    404) [ "$(js eicar-ueda 'a["error"]')" = not_found ] || fail "eicar-ueda$v: $(cat "$t/eicar-ueda.body")" ;;
    409) [ "$(js eicar-ueda 'a["error"]')" = not_clean ] || fail "eicar-ueda$v: $(cat "$t/eicar-ueda.body")" ;;
    *) fail "eicar-ueda$v: status $status: $(head -c 300 "$t/eicar-ueda.body")" ;;
    esac
done
refused root-ueda 404 GET "/api/v1/share/folder?id=$root" "$ueda" not_found
refused sub-ueda 404 GET "/api/v1/share/folder?id=$sub" "$ueda" not_found
refused versions-ueda 404 GET "/api/v1/share/versions?file=$doc" "$ueda" not_found
refused get-ueda 404 GET "/api/v1/share/download?file=$doc" "$ueda" not_found
refused mkdir-root-ueda 404 POST /api/v1/share/folders "$ueda" not_found \
    -H 'Content-Type: application/json' --data-binary "{\"parent\":$root,\"name\":\"上田\"}"
refused mkdir-ueda 403 POST /api/v1/share/folders "$ueda" access_denied \
    -H 'Content-Type: application/json' --data-binary "{\"parent\":$common,\"name\":\"上田\"}"
refused begin-ueda 403 POST /api/v1/share/uploads "$ueda" access_denied \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$common,\"name\":\"上田.txt\",\"size\":10}"
share common-ueda2 200 GET "/api/v1/share/folder?id=$common" "$ueda"
[ "$(names common-ueda2)" = "file:共有メモ.txt:clean" ] || fail "common-ueda2: $(cat "$t/common-ueda2.body")"

# search (REQ-SHARE-015): names and the newest clean text, one and two
# characters, only what the account may read; the index holds no text
big=$(js big.begin 'a["file"]') || exit 1
found find-name "$sato" "[$doc]" --data-urlencode q=設計
found find-one "$sato" "[$memo]" --data-urlencode q=メ
found find-text "$sato" "[$doc]" --data-urlencode q=改訂
found find-old-text "$sato" "[]" --data-urlencode q=第1版
found find-text-only "$sato" "[$doc]" --data-urlencode q=改訂 --data-urlencode scope=text
found find-name-only "$sato" "[]" --data-urlencode q=改訂 --data-urlencode scope=name
found find-two-words "$sato" "[$doc]" --data-urlencode 'q=設計書　第2版'
found find-marker "$sato" "[$memo]" --data-urlencode "q=$marker"
found find-marker-ueda "$ueda" "[$memo]" --data-urlencode "q=$marker"
found find-ueda "$ueda" "[]" --data-urlencode q=設計
found find-eicar "$sato" "[]" --data-urlencode q=eicar
found find-sub "$sato" "[$doc, $big]" --data-urlencode folder="$sub"
found find-uploader "$sato" "[]" --data-urlencode uploader=ueda
found find-future "$sato" "[]" --data-urlencode from=2099-01-01T00:00:00Z
found find-area "$sato" "[$doc, $big, $memo]" --data-urlencode area=1 --data-urlencode to=2099-01-01T00:00:00Z
[ "$(js find-name '[(x["name"], x["path"], x["version"], x["uploaded_by"]) for x in a["results"]]')" = \
  "[('設計書.txt', '/装備研究/設計', 2, 'sato')]" ] || fail "find-name: $(cat "$t/find-name.body")"
refused find-nothing 400 GET /api/v1/share/search "$sato" bad_query -G --data-urlencode q=「」
refused find-unknown 400 GET "/api/v1/share/search?q=a&x=1" "$sato" bad_query
refused find-twice 400 GET "/api/v1/share/search?q=a&q=b" "$sato" bad_query
refused find-scope 400 GET "/api/v1/share/search?q=a&scope=all2" "$sato" bad_query
refused find-bad-utf8 400 GET "/api/v1/share/search?q=%E8%A8" "$sato" bad_query
[ -s "$t/var/share/search.db" ] || fail "no var/share/search.db"
for word in 設計 共有メモ 改訂 "$marker"; do
    ! cat "$t/var/share/search.db"* | grep -qaF -- "$word" || fail "search.db holds '$word' in the clear"
done

# the trail: 監査ログ・カスタムレポート of the uploads, downloads, refusals
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
memo_size=$(wc -c <"$t/memo.txt")
python3 - "$t/export" "$doc" "$memo" "$eicar" "$memo_size" <<'PY' || fail "trail: $(grep -E '"(file|upload|access|folder)-' "$t/export" | cut -c1-300 | head -20)"
import json, re, sys
doc, memo, eicar, memo_size = sys.argv[2:6]
recs = [json.loads(l) for l in open(sys.argv[1])]
share = [r["fields"] for r in recs if r.get("type") == 23 and r["fields"].get("event_source") == "api"]
# the content refused to a session that did not begin the upload (ueda's on
# sato's, and an unknown upload): on record, the sender unknown to the role
anon = [f for f in share if f["user_id"] == "-"]
assert len(anon) == 2 and all(f["custom_event_name"] == "access-denied" and
                              f["event_data"].startswith("operation=upload-content") for f in anon), anon
share = [f for f in share if f["user_id"] != "-"]
# the short area's one upload; the searches over both areas name none
short = [f for f in share if f["site_id"] == "2"]
assert [(f["custom_event_name"], f["user_id"], f["event_data"]) for f in short] == [
    ("upload-begun", "sato", "name=短期.txt; version=1; size=16"),
    ("file-uploaded", "sato", "name=短期.txt; version=1; size=16; state=clean"),
    ("access-denied", "sato", "operation=search")], short
searched = [f for f in share if f["custom_event_name"] == "searched"]
share = [f for f in share if f["site_id"] != "2" and f["custom_event_name"] != "searched"]
assert len([f for f in searched if f["user_id"] == "sato"]) == 14, searched
assert len([f for f in searched if f["user_id"] == "ueda"]) == 2, searched
for f in searched:
    one = f["site_id"] == "1"
    assert f["event"] == "Search" and f["item_type"] == "area", f
    assert (f["site_id"], f["item_id"]) == (("1", "1") if one else ("-", "-")), f
    assert re.fullmatch(r"query_bytes=\d+; filters=\d; areas=%s; results=\d+" % ("1" if one else "2"),
                        f["event_data"]), f
for f in share:   # every field of 別紙 #23, as docs/events.md gives them for the file API
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", f["occurred_gmt"]), f
    assert f["source_name"] == "dsgd/share" and f["app_id"] == "portal", f
    assert f["client_address"] == "127.0.0.1" and f["user_id"] in ("sato", "ueda"), f
    assert f["item_type"] in ("area", "folder", "file", "version") and f["item_id"] and f["document_location"], f
def some(name, user, at_least):
    got = [f for f in share if f["custom_event_name"] == name and f["user_id"] == user]
    assert len(got) >= at_least, (name, user, at_least, got)
    assert all(f["site_id"] == "1" for f in got), got
    return got
up = some("file-uploaded", "sato", 4)   # 設計書.txt twice, big.bin, 共有メモ.txt
assert all(f["event"] == "Create" and "state=clean" in f["event_data"] for f in up), up
assert [f["event_data"].split("; ")[1] for f in up if f["item_id"] == doc] == ["version=1", "version=2"], up
assert all(f["document_location"].startswith("/装備研究/設計") for f in up if f["item_id"] == doc), up
down = some("file-downloaded", "sato", 4)
assert all(f["event"] == "View" for f in down), down
assert [f["event_data"].split("; ")[0] for f in down if f["item_id"] == doc] == ["version=1", "version=2", "version=1"], down
theirs = some("file-downloaded", "ueda", 1)
assert [(f["item_id"], f["event_data"]) for f in theirs] == [(memo, "version=1; size=" + memo_size)], theirs
refused = some("upload-refused", "sato", 5)
for code, n in (("forbidden_extension", 1), ("invalid_name", 2), ("size_mismatch", 2)):
    assert len([f for f in refused if code in f["event_data"]]) == n, (code, refused)
some("upload-infected", "sato", 1)
assert [f for f in share if f["custom_event_name"] == "upload-infected"][0]["item_id"] == eicar, share
denied = some("access-denied", "ueda", 6)
ops = {f["event_data"] for f in denied}
assert {"operation=list", "operation=read", "operation=create-folder", "operation=upload"} <= ops, denied
assert not [f for f in share if f["user_id"] == "ueda" and f["custom_event_name"] in
            ("file-uploaded", "upload-begun", "folder-created")], share
PY
! grep -qF -- "$marker" "$t/export" || fail "the marker is in the trail"
# the infected upload is also マルウェア検知ログ (type 17)
"$DSGCTL" log export --type 17 --format jsonl --socket "$sock" >"$t/export17" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export17" "$(sha "$t/eicar.txt")" <<'PY' || fail "マルウェア検知ログ: $(cat "$t/export17")"
import json, re, sys
recs = [json.loads(l)["fields"] for l in open(sys.argv[1]) if json.loads(l).get("type") == 17]
assert len(recs) == 1, recs
f = recs[0]
assert (f["device_ip"], f["file_name"], f["location"], f["sha256"], f["size"], f["detection_name"],
        f["definitions_version"], f["action"], f["user"]) == \
    ("127.0.0.1", "eicar.txt", "/装備研究/共通", sys.argv[2], "68", "EICAR-Test-File", "built-in",
     "quarantined", "sato"), f
assert f["engine_version"].startswith("builtin-eicar "), f
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", f["detected_at"]), f
PY

# the infected file's versions are not shown to ueda either (no listing
# shows it the file: REQ-SHARE-008, 014); malformed requests
status=$(portal_curl "/api/v1/share/versions?file=$eicar" -H "Authorization: Bearer $ueda" \
    -o "$t/eicar-versions.body" -w '%{http_code}' 2>"$t/eicar-versions.err") ||
    fail "eicar-versions: curl: $(cat "$t/eicar-versions.err")"
case $status in
404) [ "$(js eicar-versions 'a["error"]')" = not_found ] || fail "eicar-versions: $(cat "$t/eicar-versions.body")" ;;
409) [ "$(js eicar-versions 'a["error"]')" = not_clean ] || fail "eicar-versions: $(cat "$t/eicar-versions.body")" ;;
*) fail "eicar-versions: ueda, who is never shown the infected file, got $status: $(cat "$t/eicar-versions.body")" ;;
esac
refused bad-id 400 GET /api/v1/share/folder?id=x1 "$sato" bad_request
refused mkdir-bad 400 POST /api/v1/share/folders "$sato" bad_request \
    -H 'Content-Type: application/json' --data-binary "{\"parent\":\"$root\",\"name\":\"設計\"}"

# rename, move and delete: only with the operation granted (REQ-SHARE-012)
refused rename-denied 403 POST /api/v1/share/rename "$sato" access_denied \
    -H 'Content-Type: application/json' --data-binary "{\"file\":$doc,\"name\":\"設計書-改.txt\"}"
expect_exit 0 "sato's changes" ctl rights apply --account sato --area 1 --folder "$root" \
    --ops rename,move,delete --until 2099-01-01T00:00:00Z --applicant 調達部 --reason 整理
expect_exit 0 "approve sato's changes" member_ctl rights approve 4
post rename 200 /api/v1/share/rename "$sato" "{\"file\":$doc,\"name\":\"設計書-改.txt\"}"
[ "$(js rename 'a["file"]')" = "$doc" ] || fail "rename: $(cat "$t/rename.body")"
refused rename-exe 422 POST /api/v1/share/rename "$sato" forbidden_extension \
    -H 'Content-Type: application/json' --data-binary "{\"file\":$doc,\"name\":\"設計書.exe\"}"
share sub-renamed 200 GET "/api/v1/share/folder?id=$sub" "$sato"
listed sub-renamed file:設計書-改.txt:clean
unlisted sub-renamed 設計書.txt
fetch get-renamed "$sato" "$doc"
same get-renamed "$t/v2.txt"
refused move-ueda 403 POST /api/v1/share/move "$ueda" access_denied \
    -H 'Content-Type: application/json' --data-binary "{\"file\":$memo,\"folder\":$sub}"
post move 200 /api/v1/share/move "$sato" "{\"file\":$memo,\"folder\":$sub}"
share sub-moved 200 GET "/api/v1/share/folder?id=$sub" "$sato"
listed sub-moved file:共有メモ.txt:clean
share common-moved 200 GET "/api/v1/share/folder?id=$common" "$ueda"
unlisted common-moved 共有メモ.txt
refused memo-gone 404 GET "/api/v1/share/download?file=$memo" "$ueda" not_found
post delete 200 /api/v1/share/delete "$sato" "{\"file\":$big}"
share sub-deleted 200 GET "/api/v1/share/folder?id=$sub" "$sato"
unlisted sub-deleted big.bin
refused big-gone 404 GET "/api/v1/share/download?file=$big" "$sato" not_found
refused big-versions-gone 404 GET "/api/v1/share/versions?file=$big" "$sato" not_found
found find-renamed "$sato" "[$doc]" --data-urlencode q=改 --data-urlencode scope=name
found find-deleted "$sato" "[]" --data-urlencode q=big
found find-moved "$ueda" "[]" --data-urlencode "q=$marker"
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export2" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export2" "$doc" "$memo" "$big" <<'PY' || fail "the changes' records: $(grep -o '"custom_event_name":"file-[a-z]*"' "$t/export2")"
import json, sys
recs = [json.loads(l)["fields"] for l in open(sys.argv[1]) if json.loads(l).get("type") == 23]
def one(name, item):
    got = [f for f in recs if f["custom_event_name"] == name and f["item_id"] == item]
    assert len(got) == 1 and got[0]["user_id"] == "sato", (name, got)
    return got[0]
r = one("file-renamed", sys.argv[2])
assert r["event_data"] == "from=設計書.txt; to=設計書-改.txt", r
m = one("file-moved", sys.argv[3])
assert m["event_data"] == "name=共有メモ.txt; from=/装備研究/共通; to=/装備研究/設計", m
d = one("file-deleted", sys.argv[4])
assert d["event"] == "Delete" and d["event_data"] == "name=big.bin", d
PY

# folders: rename, move and delete, with the same rights (REQ-SHARE-012);
# a third area, where sato may create folders, receives no folder of area 1
expect_exit 0 "third area apply" ctl area apply --contract C-11 --project 整理研究 --prime テスト重工 \
    --contract-end 2099-03-31T15:00:00Z --applicant 調達部 --reason 整理
expect_exit 0 "third area approve" member_ctl area approve 3
expect_exit 0 "third area show" ctl area show 3
root3=$(awk '$2 == 0 && $3 == "整理研究" { print $1 }' "$t/out")
[ -n "$root3" ] || fail "third area show: no root: $(cat "$t/out")"
expect_exit 0 "sato's third grant" ctl rights apply --account sato --area 3 --folder "$root3" \
    --ops list,create-folder --until 2099-01-01T00:00:00Z --applicant 調達部 --reason 整理
expect_exit 0 "approve sato's third grant" member_ctl rights approve 5
mkfolder() {   # mkfolder NAME PARENT FOLDER-NAME: sato creates it; its number in $folder
    post "$1" 201 /api/v1/share/folders "$sato" "{\"parent\":$2,\"name\":$(jstr "$3")}"
    folder=$(js "$1" 'a["folder"]') || exit 1
}
mkfolder fmk-a "$root" 資料
fa=$folder
mkfolder fmk-b "$fa" 図面
fb=$folder
mkfolder fmk-c "$root" 保管
fc=$folder
mkfolder fmk-d "$common" 共有
fd=$folder
printf '図面一覧 第1版\n' >"$t/fdoc.txt"
upload fdoc "$sato" "$fb" 図面一覧.txt "$t/fdoc.txt"
fdoc=$file
post frename 200 /api/v1/share/folders/rename "$sato" "{\"folder\":$fa,\"name\":\"資料-改\"}"
[ "$(js frename 'a["folder"]')" = "$fa" ] || fail "frename: $(cat "$t/frename.body")"
share root-frenamed 200 GET "/api/v1/share/folder?id=$root" "$sato"
listed root-frenamed folder:資料-改:
unlisted root-frenamed 資料
refused frename-taken 409 POST /api/v1/share/folders/rename "$sato" name_taken \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$fa,\"name\":\"保管\"}"
refused frename-root 422 POST /api/v1/share/folders/rename "$sato" bad_state \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$root,\"name\":\"新\"}"
post fmove 200 /api/v1/share/folders/move "$sato" "{\"folder\":$fa,\"parent\":$fc}"
[ "$(js fmove 'a["folder"]')" = "$fa" ] || fail "fmove: $(cat "$t/fmove.body")"
share fc-moved 200 GET "/api/v1/share/folder?id=$fc" "$sato"
listed fc-moved folder:資料-改:
share root-fmoved 200 GET "/api/v1/share/folder?id=$root" "$sato"
unlisted root-fmoved 資料-改
fetch fdoc-moved "$sato" "$fdoc"
same fdoc-moved "$t/fdoc.txt"
refused fmove-cycle 422 POST /api/v1/share/folders/move "$sato" invalid_move \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$fa,\"parent\":$fb}"
refused fmove-area 422 POST /api/v1/share/folders/move "$sato" other_area \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$fa,\"parent\":$root3}"
# ueda, without the rights: 403 where it may list, 404 elsewhere
refused frename-ueda 403 POST /api/v1/share/folders/rename "$ueda" access_denied \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$fd,\"name\":\"上田\"}"
refused fmove-ueda 403 POST /api/v1/share/folders/move "$ueda" access_denied \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$fd,\"parent\":$common}"
refused fdelete-ueda 404 POST /api/v1/share/folders/delete "$ueda" not_found \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$fa}"
refused fdelete-bad 400 POST /api/v1/share/folders/delete "$sato" bad_request \
    -H 'Content-Type: application/json' --data-binary "{\"file\":$fa}"
found find-fdoc "$sato" "[$fdoc]" --data-urlencode q=図面一覧
# the delete: the folder, its sub-folder and its file leave listings,
# downloads, versions and search; the name is free again
post fdelete 200 /api/v1/share/folders/delete "$sato" "{\"folder\":$fa}"
share fc-deleted 200 GET "/api/v1/share/folder?id=$fc" "$sato"
unlisted fc-deleted 資料-改
refused fa-gone 404 GET "/api/v1/share/folder?id=$fa" "$sato" not_found
refused fb-gone 404 GET "/api/v1/share/folder?id=$fb" "$sato" not_found
refused fdoc-gone 404 GET "/api/v1/share/download?file=$fdoc" "$sato" not_found
refused fdoc-versions-gone 404 GET "/api/v1/share/versions?file=$fdoc" "$sato" not_found
refused fdelete-again 404 POST /api/v1/share/folders/delete "$sato" not_found \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$fa}"
refused fmk-gone 404 POST /api/v1/share/folders "$sato" not_found \
    -H 'Content-Type: application/json' --data-binary "{\"parent\":$fb,\"name\":\"新\"}"
found find-fdeleted "$sato" "[]" --data-urlencode q=図面一覧
refused find-in-fdeleted 404 GET /api/v1/share/search "$sato" not_found -G --data-urlencode "folder=$fa"
mkfolder fmk-again "$fc" 資料-改
share fc-again 200 GET "/api/v1/share/folder?id=$fc" "$sato"
[ "$(js fc-again '[c["id"] for c in a["children"] if c["name"] == "資料-改"]')" = "[$folder]" ] ||
    fail "fc-again: $(cat "$t/fc-again.body")"
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export3" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export3" "$fa" "$fd" <<'PY' || fail "the folder changes' records: $(grep -E '"custom_event_name":"(folder-[a-z]*|change-refused)"' "$t/export3" | cut -c1-400)"
import json, sys
recs = [json.loads(l)["fields"] for l in open(sys.argv[1]) if json.loads(l).get("type") == 23]
fa, fd = sys.argv[2:4]
def only(name, item, user="sato"):
    got = [f for f in recs if f["custom_event_name"] == name and f["item_id"] == item and f["user_id"] == user]
    assert len(got) == 1, (name, item, user, got)
    assert got[0]["item_type"] == "folder" and got[0]["site_id"] == "1", got
    return got[0]
r = only("folder-renamed", fa)
assert r["event"] == "Custom" and r["event_data"] == "from=資料; to=資料-改", r
assert r["document_location"] == "/装備研究", r
m = only("folder-moved", fa)
assert m["event_data"] == "from=/装備研究/資料-改; to=/装備研究/保管/資料-改", m
d = only("folder-deleted", fa)
assert d["event"] == "Delete" and d["event_data"] == "name=資料-改; folders=2; files=1", d
assert d["document_location"] == "/装備研究/保管", d
refused = sorted(f["event_data"].split("; refused: ")[1] for f in recs
                 if f["custom_event_name"] == "change-refused" and f["item_id"] in (fa, "1"))
assert refused == ["bad_state", "invalid_move", "name_taken", "other_area"], refused
ops = sorted(f["event_data"] for f in recs if f["custom_event_name"] == "access-denied"
             and f["user_id"] == "ueda" and f["item_id"] in (fa, fd))
assert ops == ["operation=delete", "operation=move", "operation=rename"], ops
PY

# the short contract has ended: sato's operations there are over, ueda
# (never granted) learns nothing (REQ-SHARE-021)
while [ "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \< "$ends" ] || [ "$(date -u +%Y-%m-%dT%H:%M:%SZ)" = "$ends" ]; do
    sleep 1
done
refused ended-folder 403 GET "/api/v1/share/folder?id=$root2" "$sato" contract_ended
refused ended-download 403 GET "/api/v1/share/download?file=$short" "$sato" contract_ended
refused ended-versions 403 GET "/api/v1/share/versions?file=$short" "$sato" contract_ended
refused ended-begin 403 POST /api/v1/share/uploads "$sato" contract_ended \
    -H 'Content-Type: application/json' --data-binary "{\"folder\":$root2,\"name\":\"後.txt\",\"size\":3}"
refused ended-search 403 GET /api/v1/share/search "$sato" contract_ended -G --data-urlencode area=2
refused ended-ueda 404 GET "/api/v1/share/folder?id=$root2" "$ueda" not_found
found ended-search-all "$sato" "[]" --data-urlencode q=短期
share ended-areas 200 GET /api/v1/share/areas "$sato"
[ "$(js ended-areas '[x["area"] for x in a["areas"]]')" = "[1, 3]" ] || fail "ended-areas: $(cat "$t/ended-areas.body")"
expect_exit 0 "area list ended" ctl area list --json
python3 - "$t/out" <<'PY' || fail "area list --json: $(cat "$t/out")"
import json, sys
states = {a["id"]: a["contract_state"] for a in map(json.loads, open(sys.argv[1]))}
assert states == {1: "active", 2: "ended", 3: "active"}, states
PY

# the ended area is closed by an approved application (REQ-SHARE-021): not
# while a contract runs, not by whoever applied; the closing deletes its
# file and the area takes nothing more
expect_exit 1 "close a running area" ctl area close 1 --applicant 調達部 --reason 整理
grep -q 'contract_active' "$t/err" || fail "close a running area: $(cat "$t/err")"
expect_exit 0 "close the ended area" ctl area close 2 --applicant 調達部 --reason 契約終了
closing=$(sed -n 's/^application \([0-9]*\) close area 2: pending$/\1/p' "$t/out")
[ -n "$closing" ] || fail "close the ended area: $(cat "$t/out")"
expect_exit 1 "close it twice" ctl area close 2 --applicant 調達部 --reason 契約終了
grep -q 'contract_taken' "$t/err" || fail "close it twice: $(cat "$t/err")"
expect_exit 1 "approve one's own closing" ctl area approve "$closing"
grep -q 'self_approval' "$t/err" || fail "approve one's own closing: $(cat "$t/err")"
expect_exit 0 "approve the closing" member_ctl area approve "$closing"
grep -q "^application $closing approved: area 2 短期研究 closed, 1 file deleted\$" "$t/out" ||
    fail "approve the closing: $(cat "$t/out")"
expect_exit 1 "close a closed area" ctl area close 2 --applicant 調達部 --reason 再度
grep -q 'area_closed' "$t/err" || fail "close a closed area: $(cat "$t/err")"
expect_exit 0 "area list closed" ctl area list --json
python3 - "$t/out" <<'PY' || fail "area list --json: $(cat "$t/out")"
import json, sys
areas = {a["id"]: a for a in map(json.loads, open(sys.argv[1]))}
assert {i: a["contract_state"] for i, a in areas.items()} == {1: "active", 2: "closed", 3: "active"}
assert areas[2]["closed_by"] and areas[2]["closing"] > 0 and areas[2]["closed_at"].endswith("Z")
PY
refused closed-download 404 GET "/api/v1/share/download?file=$short" "$sato" not_found
refused closed-folder 403 GET "/api/v1/share/folder?id=$root2" "$sato" contract_ended
refused closed-ueda 404 GET "/api/v1/share/folder?id=$root2" "$ueda" not_found
expect_exit 0 "the closed area's history" ctl share history area:2
grep -q "	area-close-applied	" "$t/out" && grep -q "	area-closed	/短期研究	application $closing approved; contract=C-10; files=1\$" "$t/out" ||
    fail "the closed area's history: $(cat "$t/out")"

# a revoke ends the sessions of its subject (REQ-ACCT-010)
share before-revoke 200 GET /api/v1/share/areas "$ueda"
expect_exit 0 "revoke ueda" ctl rights revoke 2 --applicant 調達部 --reason 異動
expect_exit 0 "approve the revoke" member_ctl rights approve 6
refused after-revoke 401 GET /api/v1/share/areas "$ueda" session_expired
share sato-stays 200 GET /api/v1/share/areas "$sato"
"$DSGCTL" log export --type 14 --format jsonl --socket "$sock" >"$t/export14" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export14" <<'PY' || fail "logout-forced: $(grep -o '"event":"logout-forced"[^}]*' "$t/export14")"
import json, sys
recs = [json.loads(l)["fields"] for l in open(sys.argv[1]) if json.loads(l).get("type") == 14]
forced = [f for f in recs if f["event"] == "logout-forced" and f["user_id"] == "ueda"]
assert len(forced) == 1 and forced[0]["detail"] == \
    "1 session ended, 0 logins in progress dropped: its rights were reduced", forced
assert not [f for f in recs if f["event"] == "logout-forced" and f["user_id"] == "sato"], recs
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
