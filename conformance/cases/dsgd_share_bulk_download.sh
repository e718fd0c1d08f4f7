#!/bin/sh
# dsgd_share_bulk_download: POST /api/v1/share/download-bulk end to end (docs/sharing.md, "Bulk downloads"), with share.bulk_download_threshold = 2 and auth.reauth_max_age = 5s. sato (防衛装備庁) uploads into the 共通 folder of an area a file with a long Japanese name (pseudorandom, 200 KiB + 7 bytes), 報告書.txt, an empty file, and 報告書.txt again in a sub-folder of 共通, and 秘密.txt into the root; ueda (内局) holds list,read on 共通 only. Checked: two files (no more than the threshold) under ueda's login, older than 5 s, answer 200 with Content-Type application/x-tar, Content-Length the archive's length, Content-Disposition attachment (RFC 8187 filename*), X-Content-Type-Options: nosniff and Content-Security-Policy: sandbox; default-src 'none', and tar -x gives both files byte-identical under their Japanese names; a 128 MiB pseudorandom file (AES-128-CTR of zeros) uploaded and downloaded in a bulk download with another comes out with its SHA-256 while the share role's peak RSS (VmHWM) grows by at most 32 MiB over both; a list naming 秘密.txt (which ueda may not list) is 404 not_found with no byte of a file and without the name, one naming 一覧のみ.txt (in a folder where ueda holds list only) 403 access_denied, without the name, and one naming a file that does not exist 404; an empty list, 101 files, a string id, another member and an element without a file are 400 bad_request (a body that is not JSON 400 bad-json, from the portal); four files (over the threshold) under that old login are 401 reauth_required, recorded; after ueda logs in again with password and TOTP, the same four answer 200, and 100 files (the most one request takes: the same file named 100 times) 200 with 100 entries; tar -x gives the four byte-identical with their Japanese names, the sub-folder's 報告書.txt as 報告書 (2).txt, and nothing else; the archive's headers pass python's tarfile (pax path records, ustar checksums); a version asked for ({"file": I, "version": 1}) is served; the folder page of 共通 has a box for each clean file and a download-selected form with a CSRF token: posted without the token 403, with it two ticked files come as the same tar; 70 ticked (the same two files 35 times: more fields than the other forms take) once that login is over 5 s old give the error page naming reauth_required with a link to /login; the trail holds 監査ログ・カスタムレポート file-downloaded for each file of each bulk download (version, size, "; bulk") with ueda as user ID, one bulk-download record per archive sent with files=N and the archive's bytes, reauth-required with the count and threshold, and access-denied naming ueda for 秘密.txt and 一覧のみ.txt.
# @relation(REQ-MFA-015, REQ-SHARE-013, REQ-SHARE-008, REQ-SHARE-016)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v tar >/dev/null 2>&1 || fail "tar is needed"
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

long=防衛装備品の設計書_最終版_第三版_二〇二六年度_改訂.pdf   # over 100 bytes of UTF-8
# bulk NAME WANT TOKEN JSON: the answer's body in $t/NAME.body, head in $t/NAME.h
bulk() { post "$1" "$2" /api/v1/share/download-bulk "$3" "$4"; }
has_header() {   # has_header NAME LINE
    tr -d '\r' <"$t/$1.h" | grep -qixF "$2" || fail "$1: no '$2' in $(tr -d '\r' <"$t/$1.h")"
}
# extract NAME: tar -x of $t/NAME.body into $t/NAME.d
extract() {
    rm -rf "$t/$1.d" && mkdir "$t/$1.d" || fail "mkdir $1.d"
    tar -x -f "$t/$1.body" -C "$t/$1.d" 2>"$t/$1.tar.err" || fail "$1: tar -x: $(cat "$t/$1.tar.err")"
}
same() {   # same NAME ENTRY FILE: the extracted ENTRY is FILE, byte for byte
    cmp -s "$t/$1.d/$2" "$3" || fail "$1: $2 is not $(basename "$3") ($(ls "$t/$1.d" | tr '\n' ' '))"
}
entries() { (cd "$t/$1.d" && ls -A | LC_ALL=C sort | tr '\n' '|'); }
refused_json() {   # refused_json NAME CODE: a JSON error of that code
    [ "$(js "$1" 'a["error"]')" = "$2" ] || fail "$1: $(head -c 300 "$t/$1.body"), want $2"
}

share_gateway_start "$(printf 'share.bulk_download_threshold = 2\nauth.reauth_max_age = 5s')"
expect_exit 0 "org 内局" ctl org add 内局 --kind ministry --networks 127.0.0.0/8
share_user sato 防衛装備庁 3
share_user ueda 内局 4
login_at=$(date +%s)
sato=$(cat "$t/sato.token") ueda=$(cat "$t/ueda.token")
share_area 1 C-9 装備研究
root=$area_root
expect_exit 0 "area show" ctl area show 1
common=$(awk '$3 == "共通" { print $1 }' "$t/out")
[ -n "$common" ] || fail "area show: no 共通: $(cat "$t/out")"
share_grant 1 sato 1 "$root" list,read,upload,create-folder
share_grant 2 ueda 1 "$common" list,read
post mkdir 201 /api/v1/share/folders "$sato" "{\"parent\":$common,\"name\":\"下位\"}"
sub=$(js mkdir 'a["folder"]') || exit 1
post mkdir2 201 /api/v1/share/folders "$sato" "{\"parent\":$root,\"name\":\"一覧のみ\"}"
listonly=$(js mkdir2 'a["folder"]') || exit 1
share_grant 3 ueda 1 "$listonly" list

python3 -c 'import random; r = random.Random(7); import sys; sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(204807)))' >"$t/a.bin"
printf '報告書の本文 1\n' >"$t/b.txt"
printf '下位フォルダの報告書 2\n' >"$t/c.txt"
: >"$t/e.bin"
printf '秘密\n' >"$t/d.txt"
upload a "$sato" "$common" "$long" "$t/a.bin"
fa=$file
upload b "$sato" "$common" 報告書.txt "$t/b.txt"
fb=$file
upload c "$sato" "$sub" 報告書.txt "$t/c.txt"
fc=$file
begin e.begin 201 "$sato" "$common" 空.bin 0
fe=$file
share e 201 PUT "/api/v1/share/uploads/content?upload=$u" "$sato" -H 'Content-Type: application/octet-stream' --data-binary @"$t/e.bin"
upload d "$sato" "$root" 秘密.txt "$t/d.txt"
fd=$file
upload l "$sato" "$listonly" 一覧のみ.txt "$t/d.txt"
fl=$file

# two files, no more than the threshold: an old login will do
while [ $(($(date +%s) - login_at)) -le 6 ]; do sleep 1; done
bulk two 200 "$ueda" "{\"files\":[$fa,{\"file\":$fb,\"version\":1}]}"
has_header two 'Content-Type: application/x-tar'
has_header two "Content-Length: $(size "$t/two.body")"
has_header two 'X-Content-Type-Options: nosniff'
has_header two "Content-Security-Policy: sandbox; default-src 'none'"
tr -d '\r' <"$t/two.h" | grep -qiE '^Content-Disposition: attachment; filename="files-[0-9]{8}-[0-9]{6}\.tar"; filename\*=UTF-8'"''"'files-[0-9]{8}-[0-9]{6}\.tar$' ||
    fail "two: $(grep -i disposition "$t/two.h")"
extract two
same two "$long" "$t/a.bin"
same two 報告書.txt "$t/b.txt"
[ "$(entries two)" = "$(printf '%s|%s|' "$long" 報告書.txt | tr '|' '\n' | LC_ALL=C sort | tr '\n' '|')" ] ||
    fail "two: $(entries two)"

# flat memory: a 128 MiB file goes through the share role one piece at a time
hwm() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
head -c 134217728 /dev/zero |
    openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 01 2>/dev/null >"$t/big.bin"
role=$(worker_pid share)
base_role=$(hwm "$role")
upload big "$sato" "$common" 大容量.bin "$t/big.bin"
fbig=$file
bulk big 200 "$ueda" "{\"files\":[$fbig,$fb]}"
peak_role=$(hwm "$role")
echo "# share role VmHWM: $base_role kB before a 128 MiB upload and its bulk download, $peak_role kB after"
[ "$(worker_pid share)" = "$role" ] || fail "the share role was restarted"
[ $((peak_role - base_role)) -le 32768 ] || fail "the share role grew by $((peak_role - base_role)) kB"
[ "$(tar -x -O -f "$t/big.body" 大容量.bin | sha256sum | cut -d' ' -f1)" = "$(sha "$t/big.bin")" ] ||
    fail "big: the 128 MiB file differs"
bigsize=$(size "$t/big.body")
rm -f "$t/big.bin" "$t/big.body"

# a file the account may not list, or none at all: refused, nothing sent, nothing named
bulk secret 404 "$ueda" "{\"files\":[$fa,$fd]}"
refused_json secret not_found
! grep -q '秘密' "$t/secret.body" || fail "secret: the answer names the file: $(cat "$t/secret.body")"
# one ueda may list but not read: 403, still unnamed
bulk listed 403 "$ueda" "{\"files\":[$fa,$fl]}"
refused_json listed access_denied
! grep -q '一覧' "$t/listed.body" || fail "listed: the answer names the file"
bulk none 404 "$ueda" "{\"files\":[$fb,999999]}"
refused_json none not_found
for body in '{"files":[]}' '{"file":[1]}' '{"files":["1"]}' '{"files":[1],"x":1}' '{"files":[{"version":1}]}' \
    "{\"files\":[$(python3 -c 'print(",".join(["1"] * 101))')]}"; do
    bulk bad 400 "$ueda" "$body"
    refused_json bad bad_request
done
bulk bad 400 "$ueda" 'not json'   # the portal's JSON check, before the role
refused_json bad bad-json

# four files, more than the threshold, under a login older than auth.reauth_max_age
bulk stale 401 "$ueda" "{\"files\":[$fa,$fb,$fc,$fe]}"
refused_json stale reauth_required
# both factors again: a fresh login
share_login_again ueda 1
ueda=$(cat "$t/ueda.token")
bulk four 200 "$ueda" "{\"files\":[$fa,$fb,$fc,$fe]}"
# the most one request takes: the same file 100 times, each its own entry
bulk hundred 200 "$ueda" "{\"files\":[$(python3 -c 'import sys; print(",".join([sys.argv[1]] * 100))' "$fb")]}"
python3 -c 'import sys, tarfile; n = len(tarfile.open(sys.argv[1], "r:").getmembers()); sys.exit(n != 100)' \
    "$t/hundred.body" || fail "hundred: not 100 entries"
has_header four "Content-Length: $(size "$t/four.body")"
extract four
same four "$long" "$t/a.bin"
same four 報告書.txt "$t/b.txt"
same four '報告書 (2).txt' "$t/c.txt"
same four 空.bin "$t/e.bin"
[ "$(entries four)" = "$(printf '%s|%s|%s|%s|' "$long" 報告書.txt '報告書 (2).txt' 空.bin | tr '|' '\n' | LC_ALL=C sort | tr '\n' '|')" ] ||
    fail "four: $(entries four)"
python3 - "$t/four.body" "$long" <<'PY' || fail "four: tarfile: $(cat "$t/py.err" 2>/dev/null)"
import sys, tarfile
with tarfile.open(sys.argv[1], "r:") as tf:
    names = [m.name for m in tf.getmembers()]
    assert names == [sys.argv[2], "報告書.txt", "報告書 (2).txt", "空.bin"], names
    assert all(m.isreg() and m.mode == 0o644 for m in tf.getmembers())
    assert tf.getmembers()[0].pax_headers.get("path") == sys.argv[2]
PY

# the folder page's download-selected form: the files ticked, as the API's bulk download
ck="__Host-dsg_session=$ueda" origin="https://localhost:$DSGD_PORT"
share page 200 GET "/folder?id=$common" - -b "$ck"
grep -qF 'action="/download-selected"' "$t/page.body" || fail "page: no download-selected form"
for f in "$fa" "$fb" "$fe"; do
    grep -qF "name=\"file\" form=\"bulk\" value=\"$f\"" "$t/page.body" || fail "page: no box for file $f"
done
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$t/page.body" | head -n 1)
[ -n "$csrf" ] || fail "page: no CSRF token"
selected() {   # selected NAME WANT FORM
    share "$1" "$2" POST /download-selected - -b "$ck" -H "Origin: $origin" \
        -H 'Content-Type: application/x-www-form-urlencoded' --data-raw "$3"
}
selected sel-forged 403 "back=$common&file=$fa"
selected sel 200 "csrf=$csrf&back=$common&file=$fa&file=$fe"
has_header sel 'Content-Type: application/x-tar'
has_header sel "Content-Security-Policy: sandbox; default-src 'none'"
extract sel
same sel "$long" "$t/a.bin"
same sel 空.bin "$t/e.bin"
[ "$(entries sel | tr '|' '\n' | grep -c .)" = 2 ] || fail "sel: $(entries sel)"
# three ticked once the new login is older than auth.reauth_max_age: the
# page says to log in again, and links the login page
relogin_at=$(date +%s)
while [ $(($(date +%s) - relogin_at)) -le 6 ]; do sleep 1; done
# (70 boxes: more fields than the other forms take)
many=$(python3 -c 'import sys; print("&".join(["file=" + sys.argv[1], "file=" + sys.argv[2]] * 35))' "$fa" "$fb")
selected sel-stale 401 "csrf=$csrf&back=$common&$many"
grep -qF 'reauth_required' "$t/sel-stale.body" && grep -qF 'href="/login"' "$t/sel-stale.body" ||
    fail "sel-stale: $(head -c 600 "$t/sel-stale.body")"

# the trail
"$DSGCTL" log export --type 23 --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export" "$fa" "$fb" "$fc" "$fe" "$fd" "$fl" "$fbig" "$(size "$t/two.body")" "$bigsize" "$(size "$t/four.body")" "$(size "$t/sel.body")" "$(size "$t/hundred.body")" <<'PY' ||
import json, sys
fa, fb, fc, fe, fd, fl, fbig, two, big, four, sel, hundred = sys.argv[2:14]
recs = [json.loads(l)["fields"] for l in open(sys.argv[1]) if json.loads(l).get("type") == 23]
ueda = [f for f in recs if f["user_id"] == "ueda" and f["event_source"] == "api"]
got = [(f["custom_event_name"], f["item_id"], f["event_data"]) for f in ueda]
down = [g for g in got if g[0] == "file-downloaded"]
assert [g[1] for g in down] == [fa, fb, fbig, fb, fa, fb, fc, fe] + [fb] * 100 + [fa, fe], down
assert all(g[2].endswith("; bulk") and g[2].startswith("version=1; size=") for g in down), down
assert [f["event"] for f in ueda if f["custom_event_name"] == "file-downloaded"] == ["View"] * 110
bulks = [g for g in got if g[0] == "bulk-download"]
assert [f["site_id"] for f in ueda if f["custom_event_name"] == "bulk-download"] == ["1"] * 5
assert bulks == [("bulk-download", "-", "files=2; bytes=" + two),
                 ("bulk-download", "-", "files=2; bytes=" + big),
                 ("bulk-download", "-", "files=4; bytes=" + four),
                 ("bulk-download", "-", "files=100; bytes=" + hundred),
                 ("bulk-download", "-", "files=2; bytes=" + sel)], bulks
reauth = [g for g in got if g[0] == "reauth-required"]
assert reauth == [("reauth-required", "-", "bulk download of 4 files; threshold=2"),
                  ("reauth-required", "-", "bulk download of 70 files; threshold=2")], reauth
denied = [g for g in got if g[0] == "access-denied"]
assert ("access-denied", fd, "operation=read") in denied and \
    ("access-denied", fl, "operation=read") in denied, denied
PY
    fail "trail: $(grep -E 'bulk|file-downloaded|reauth|access-denied' "$t/export" | cut -c1-300 | head -20)"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
