#!/bin/sh
# dsgd_storage_decrypt: the offline decryptor on an object dsgd stored (docs/keys.md, "Recovering an object offline"). A portal user uploads a pseudorandom file of 4 segments (200 KiB + 7 bytes) through the file API; dsgd is stopped, share.db names the object ID of the version and is moved away. Then `dsgctl storage decrypt --key var/keys/kek OBJECT` (the store key found at var/share/store.key.wrapped) writes the same bytes with --out FILE (mode 0600, no FILE.partial) and to standard output, exit 0, with no daemon, socket or database; a second run with the same --out is 73 and leaves FILE as it was. A copy of the object with one byte of segment 2 flipped is exit 1 stor.integrity naming the object, version and segment 2, and leaves neither FILE nor FILE.partial, while to standard output the two verified segments before it have been written; the object under another object's name is exit 1; another 32-byte KEK is exit 2 stor.key naming both key files, and the auth role's wrapped data key given as the store key (it unwraps under the KEK, but is not the store key) is exit 2; a wrapped store key of 39 bytes is 64 and a missing KEK 66, each naming its file; no --key, no object, a name that is not <32 hex>.<version> and an unknown option are 64, each before any file is read.
# @relation(REQ-STOR-011)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (make deps-test) is needed"

# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"
decrypt() {
    dn=$1 dw=$2
    shift 2
    "${DSGCTL:?}" storage decrypt "$@" >"$t/$dn.out" 2>"$t/$dn.err"
    dg=$?
    [ "$dg" -eq "$dw" ] || fail "$dn: exit $dg, want $dw: $(cat "$t/$dn.err")"
}
# err_has NAME TEXT: the message of NAME holds TEXT
err_has() {
    grep -qF -- "$2" "$t/$1.err" || fail "$1: no '$2' in: $(cat "$t/$1.err")"
}
# nothing_at FILE: neither FILE nor FILE.partial
nothing_at() {
    [ ! -e "$1" ] && [ ! -e "$1.partial" ] || fail "$1 or $1.partial was left behind"
}

share_gateway_start
share_user sato 防衛装備庁 3
share_area 1 C-9 装備研究
share_grant 1 sato 1 "$area_root" list,read,upload

python3 -c 'import random, sys; r = random.Random(11); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(204807)))' \
    >"$t/design.bin"
upload content "$(cat "$t/sato.token")" "$area_root" design.bin "$t/design.bin"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd stopped with $got"
id=$(sqlite3 "$t/var/share/share.db" "SELECT lower(hex(object_id)) FROM versions WHERE file = $file AND version = $version") ||
    fail "share.db: no object for file $file version $version"
printf '%s\n' "$id" | grep -Eqx '[0-9a-f]{32}' || fail "share.db: object ID '$id'"
mkdir "$t/aside"
mv "$t/var/share/share.db"* "$t/aside/" || fail "cannot move share.db away"
[ ! -e "$sock" ] || fail "the control socket is still there"
shard=$(printf '%s' "$id" | cut -c1-2)
obj=$t/var/share/objects/$shard/$id.$version
[ -f "$obj" ] || fail "no object file $obj: $(find "$t/var/share/objects" -type f)"
kek=$t/var/keys/kek

# the round trip, to a file and to standard output
decrypt file 0 --key "$kek" "$obj" --out "$t/plain"
cmp -s "$t/plain" "$t/design.bin" || fail "the decrypted file differs from the upload"
[ "$(stat -c %a "$t/plain")" = 600 ] || fail "the decrypted file has mode $(stat -c %a "$t/plain")"
[ ! -e "$t/plain.partial" ] || fail "plain.partial is left"
grep -qF "204807 bytes, every segment verified" "$t/file.out" || fail "file: $(cat "$t/file.out")"
decrypt stdout 0 --key "$kek" "$obj"
cmp -s "$t/stdout.out" "$t/design.bin" || fail "standard output differs from the upload"
decrypt again 73 --key "$kek" "$obj" --out "$t/plain"
err_has again "exists"
cmp -s "$t/plain" "$t/design.bin" || fail "the existing output was changed"

# one byte of segment 2 flipped, in a copy under the same name
mkdir "$t/copy"
cp "$obj" "$t/copy/$id.$version"
python3 - "$t/copy/$id.$version" <<'PY' || fail "cannot flip a byte"
import sys
with open(sys.argv[1], "r+b") as f:
    off = 80 + 2 * (65536 + 16) + 100
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x20]))
PY
decrypt flipped 1 --key "$kek" --store-key "$t/var/share/store.key.wrapped" "$t/copy/$id.$version" \
    --out "$t/flipped"
err_has flipped stor.integrity
err_has flipped "object $id version $version"
err_has flipped "segment 2"
nothing_at "$t/flipped"
decrypt flipped-stdout 1 --key "$kek" --store-key "$t/var/share/store.key.wrapped" "$t/copy/$id.$version"
[ "$(wc -c <"$t/flipped-stdout.out")" -eq 131072 ] || fail "flipped-stdout: $(wc -c <"$t/flipped-stdout.out") bytes written, want the 2 segments before the bad one"
head -c 131072 "$t/design.bin" | cmp -s - "$t/flipped-stdout.out" || fail "flipped-stdout: the verified segments differ"

# under another object's name
other=00112233445566778899aabbccddeeff
cp "$obj" "$t/copy/$other.$version"
decrypt swapped 1 --key "$kek" --store-key "$t/var/share/store.key.wrapped" "$t/copy/$other.$version" \
    --out "$t/swapped"
err_has swapped stor.integrity
nothing_at "$t/swapped"

# the wrong keys
head -c 32 /dev/urandom >"$t/other.kek"
decrypt wrong-kek 2 --key "$t/other.kek" --store-key "$t/var/share/store.key.wrapped" "$obj" --out "$t/wrong"
err_has wrong-kek stor.key
err_has wrong-kek "$t/other.kek"
err_has wrong-kek "$t/var/share/store.key.wrapped"
nothing_at "$t/wrong"
# the auth role's data key, wrapped under the same KEK: it unwraps, but is not the store key
decrypt wrong-store-key 2 --key "$kek" --store-key "$t/var/auth/totp.key.wrapped" "$obj" --out "$t/wrong"
err_has wrong-store-key stor.key
nothing_at "$t/wrong"

# key files of the wrong length, or missing
head -c 39 "$t/var/share/store.key.wrapped" >"$t/short.key"
decrypt short-key 64 --key "$kek" --store-key "$t/short.key" "$obj" --out "$t/wrong"
err_has short-key "$t/short.key"
err_has short-key "39 bytes"
decrypt no-kek 66 --key "$t/none/kek" "$obj" --out "$t/wrong"
err_has no-kek "$t/none/kek"
nothing_at "$t/wrong"

# bad arguments, refused before any file is read
decrypt no-key 64 "$obj"
err_has no-key "one of --key KEKFILE (the master's var/keys/kek) and --escrow ESCROWFILE is required"
decrypt no-object 64 --key "$kek"
err_has no-object "no object given"
decrypt bad-name 64 --key "$t/none/kek" "$t/design.bin"
err_has bad-name "<32 hex digits>.<version>"
decrypt bad-option 64 --key "$kek" "$obj" --force
err_has bad-option "unknown option '--force'"
exit 0
