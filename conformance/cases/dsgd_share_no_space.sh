#!/bin/sh
# dsgd_share_no_space: the share role's area on its own small file system (a 6 MiB tmpfs on var/share). An upload whose declared size would not fit in the free space is refused at its start with 507 and error stor.no_space, before any byte is sent: no file row, no temporary file and no object is left, and the folder lists nothing; an upload that fits is stored (201, listed, downloads byte-identical); a second upload that would no longer fit beside it is 507 too, and the first file is still whole afterwards. `dsgctl storage usage` (text and --json) shows each area: the protected information (one object, its bytes, on the 6 MiB file system, owner dsg), the share databases apart from it, the audit trail, the keys (root's) and the backups (not measured: bkup.dest is not set); an unknown option is a usage error.
# @relation(REQ-STOR-014)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

mkdir -p "$t/var/share"
mount -t tmpfs -o size=6m,mode=0700 dsg-conformance "$t/var/share" || fail "cannot mount a tmpfs on var/share"
trap 'cleanup_all; umount -l "$t/var/share" 2>/dev/null' EXIT
chown dsg:dsg "$t/var/share"
share_gateway_start
trap 'cleanup_all; umount -l "$t/var/share" 2>/dev/null' EXIT   # dsgd_start set its own
share_user sato 防衛装備庁 3
share_area 1 C-9 装備研究
share_grant 1 sato 1 "$area_root" list,read,upload
token=$(cat "$t/sato.token")

files_left() {   # the files under var/share but the databases and the key
    find "$t/var/share" -type f ! -name 'share.db*' ! -name 'search.db*' ! -name 'store.key.wrapped' | wc -l
}
before=$(files_left)
begin big 507 "$token" "$area_root" big.bin 8388608
[ "$(js big 'a["error"]')" = stor.no_space ] || fail "big: $(cat "$t/big.body")"
[ "$(sqlite3 "$t/var/share/share.db" "SELECT count(*) FROM files WHERE name = 'big.bin'")" = 0 ] ||
    fail "a file row of the refused upload"
[ "$(files_left)" = "$before" ] || fail "files left by the refused upload: $(find "$t/var/share" -type f)"
share listed 200 GET "/api/v1/share/folder?id=$area_root" "$token"
! grep -q 'big.bin' "$t/listed.body" || fail "the refused upload is listed: $(cat "$t/listed.body")"

head -c 3000000 /dev/urandom >"$t/fits.bin"
upload fits "$token" "$area_root" fits.bin "$t/fits.bin"
fits_file=$file
begin second 507 "$token" "$area_root" second.bin 3000000
[ "$(js second 'a["error"]')" = stor.no_space ] || fail "second: $(cat "$t/second.body")"
fetch again "$token" "$fits_file"
cmp -s "$t/again.body" "$t/fits.bin" || fail "the stored file changed"

# the areas as `dsgctl storage usage` shows them: the object on the small
# file system, the databases apart from it, no backups configured
expect_exit 0 "storage usage" ctl storage usage
grep -Eq '^protected-information +dsg +1 ' "$t/out" || fail "usage: $(cat "$t/out")"
grep -Eq '^backups +- .*\(bkup.dest is not set\)$' "$t/out" || fail "usage: $(cat "$t/out")"
expect_exit 0 "storage usage --json" ctl storage usage --json
python3 - "$t/out" "$t/var" <<'PY' || fail "usage --json: $(cat "$t/out")"
import json, sys
areas = {a["area"]: a for a in json.load(open(sys.argv[1]))["areas"]}
assert sorted(areas) == ["accounts", "audit-trail", "backups", "keys", "protected-information",
                         "share-databases"], sorted(areas)
p, d = areas["protected-information"], areas["share-databases"]
assert p["directory"] == sys.argv[2] + "/share/objects" and p["owner"] == "dsg", p
assert p["measured"] and p["complete"] and p["files"] == 1 and p["used_bytes"] >= 3000000, p
assert p["filesystem_bytes"] == 6 * 1024 * 1024 and p["free_bytes"] < 3 * 1024 * 1024, p
assert d["measured"] and d["files"] >= 2 and d["used_bytes"] < 3000000, d   # share.db, search.db, the key
assert d["free_bytes"] == p["free_bytes"], (d, p)
assert areas["audit-trail"]["measured"] and areas["audit-trail"]["files"] >= 1, areas["audit-trail"]
assert areas["keys"]["owner"] == "root", areas["keys"]
b = areas["backups"]
assert not b["measured"] and b["why"] == "bkup.dest is not set" and b["directory"] == "", b
PY
expect_exit 64 "storage usage --bogus" ctl storage usage --bogus
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
[ "$(sqlite3 "$t/var/share/share.db" 'PRAGMA integrity_check')" = ok ] || fail "share.db integrity"
exit 0
