#!/bin/sh
# dsgd_backup_offline: `dsgctl backup keygen|verify|decrypt` offline on a backup made with the library (build/tests/bkup_make: an SQLite database in WAL mode, an object of 200 KiB + 7 bytes under objects/ab/, an empty file). keygen writes the X25519 pair (private 0600, public 0644) and refuses existing files (exit 1). verify without --key checks the signature, sizes and hashes, with --key decrypts everything and checks the database, exit 0 with one result line and nothing on stderr when stderr is not a terminal, leaving $TMPDIR empty; with stderr on a pseudo-terminal it shows members and bytes done there, with the same exit status and result line. The signature also verifies with openssl pkeyutl. decrypt restores byte-identical files into NEWDIR/ROLE/NAME (0600), whose database passes integrity_check, and refuses a NEWDIR that is not empty (exit 1). A byte flipped in a member, the manifest edited, an extra file, two members swapped and another recipient key are exit 1 naming the member or the signature; a missing DIR, --pubkey, --key or --to, an unknown option and a --pubkey file that is not a key are exit 64.
# @relation(REQ-BKUP-003, REQ-BKUP-004, REQ-BKUP-005, REQ-BKUP-006, REQ-BKUP-015)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
[ -x "${BKUP_MAKE:-}" ] || fail "BKUP_MAKE=${BKUP_MAKE:-} is not an executable (make build/tests/bkup_make)"

id=20261127T030000Z
# has NAME TEXT: the file $t/NAME holds TEXT
has() {
    grep -qF -- "$2" "$t/$1" || fail "no '$2' in $1: $(cat "$t/$1")"
}
mode() { stat -c %a "$1"; }

# the operator's key pair
run keygen 0 backup keygen --out "$t/op.key" --pub "$t/op.pub"
[ "$(mode "$t/op.key")" = 600 ] || fail "op.key has mode $(mode "$t/op.key")"
[ "$(mode "$t/op.pub")" = 644 ] || fail "op.pub has mode $(mode "$t/op.pub")"
grep -q 'BEGIN PUBLIC KEY' "$t/op.pub" || fail "op.pub is not a PEM public key"
cp "$t/op.key" "$t/op.key.before"
run keygen-again 1 backup keygen --out "$t/op.key" --pub "$t/op2.pub"
cmp -s "$t/op.key" "$t/op.key.before" || fail "keygen replaced op.key"
[ ! -e "$t/op2.pub" ] || fail "keygen wrote op2.pub after refusing"
run keygen-other 0 backup keygen --out "$t/other.key" --pub "$t/other.pub"

# the data and its backup
mkdir "$t/src" "$t/dest" "$t/tmp"
sqlite3 "$t/src/auth.db" "PRAGMA journal_mode=WAL; CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
    INSERT INTO t(b) SELECT 'row ' || i FROM n;" >/dev/null || fail "sqlite3 failed"
python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(204807)))' \
    >"$t/src/object"
: >"$t/src/empty"
"$BKUP_MAKE" "$t/dest" "$id" "$t/op.pub" "$t/sign.key" "$t/sign.pub" \
    auth:auth.db="$t/src/auth.db" share:objects/ab/cdef01="$t/src/object" \
    logd:anchor.log="$t/src/empty" 2>"$t/make.err" || fail "bkup_make: $(cat "$t/make.err")"
bk=$t/dest/$id
[ -f "$bk/manifest" ] && [ -f "$bk/manifest.sig" ] || fail "no manifest in $bk"
[ ! -e "$bk.partial" ] || fail "$bk.partial is left"

# verify, without and with the key; nothing on stderr off a terminal
export TMPDIR="$t/tmp"
run verify 0 backup verify "$bk" --pubkey "$t/sign.pub"
has out "3 members"
has out "not decrypted"
[ ! -s "$t/err" ] || fail "verify wrote on stderr off a terminal: $(cat "$t/err")"
[ "$(wc -l <"$t/out")" -eq 1 ] || fail "verify printed more than its result line"
run verify-key 0 backup verify "$bk" --pubkey "$t/sign.pub" --key "$t/op.key"
has out "every member decrypted"
[ ! -s "$t/err" ] || fail "verify --key wrote on stderr: $(cat "$t/err")"
[ -z "$(ls -A "$t/tmp")" ] || fail "verify left files in TMPDIR: $(ls -A "$t/tmp")"
cp "$t/out" "$t/verify.out"
if command -v openssl >/dev/null 2>&1; then
    openssl pkeyutl -verify -pubin -inkey "$t/sign.pub" -rawin -in "$bk/manifest" \
        -sigfile "$bk/manifest.sig" >/dev/null 2>&1 || fail "openssl does not verify manifest.sig"
fi

# progress on a terminal (REQ-BKUP-015): stderr on a pseudo-terminal
python3 "$(dirname "$CONFORMANCE_LIB")/pty_run.py" "$t/tty.out" "$t/tty.err" "$DSGCTL" backup verify "$bk" --pubkey "$t/sign.pub" \
    --key "$t/op.key" || fail "verify on a terminal failed: $(cat "$t/tty.err")"
has tty.err "members"
has tty.err "MiB"
cmp -s "$t/tty.out" "$t/verify.out" || fail "the result line differs on a terminal: $(cat "$t/tty.out")"

# decrypt into a fresh directory
run decrypt 0 backup decrypt "$bk" --pubkey "$t/sign.pub" --key "$t/op.key" --to "$t/restored"
has out "3 members"
[ ! -s "$t/err" ] || fail "decrypt wrote on stderr: $(cat "$t/err")"
cmp -s "$t/restored/auth/auth.db" "$t/src/auth.db" || fail "auth.db differs after restore"
cmp -s "$t/restored/share/objects/ab/cdef01" "$t/src/object" || fail "the object differs"
cmp -s "$t/restored/logd/anchor.log" "$t/src/empty" || fail "the empty member differs"
[ "$(mode "$t/restored/share/objects/ab/cdef01")" = 600 ] || fail "restored file mode"
[ "$(sqlite3 "$t/restored/auth/auth.db" 'PRAGMA integrity_check')" = ok ] ||
    fail "the restored database fails integrity_check"
run decrypt-again 1 backup decrypt "$bk" --pubkey "$t/sign.pub" --key "$t/op.key" --to "$t/restored"
has err "not empty"

# damage: each on a fresh copy, exit 1 naming what failed
# damaged LABEL TEXT ARGS...: verify of $t/copy exits 1, stderr holds TEXT
damaged() {
    dl=$1 dt=$2
    shift 2
    run "$dl" 1 backup verify "$t/copy" --pubkey "$t/sign.pub" "$@"
    has err "$dt"
    [ ! -s "$t/out" ] || fail "$dl: printed a result: $(cat "$t/out")"
}
fresh() { rm -rf "$t/copy" && cp -a "$bk" "$t/copy"; }

fresh
python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(70000); b = f.read(1); f.seek(70000); f.write(bytes([b[0] ^ 0x01]))' \
    "$t/copy/share/objects/ab/cdef01" || fail "cannot flip a byte"   # written over, a byte may stay
damaged flipped "share/objects/ab/cdef01" --key "$t/op.key"
has err "bkup.tampered"
fresh
sed -i 's/ schema 1$/ schema 2/' "$t/copy/manifest"
damaged manifest "manifest.sig"
has err "bkup.signature"
fresh
: >"$t/copy/share/objects/ab/extra"
damaged extra "share/objects/ab/extra"
has err "bkup.extra"
fresh
mv "$t/copy/auth/auth.db" "$t/swap"
mv "$t/copy/logd/anchor.log" "$t/copy/auth/auth.db"
mv "$t/swap" "$t/copy/logd/anchor.log"
damaged swapped "auth/auth.db"
fresh
damaged wrong-key "bkup.wrong_key" --key "$t/other.key"
has err "auth/auth.db"
[ -z "$(ls -A "$t/tmp")" ] || fail "a failed verify left files in TMPDIR"

# usage errors: exit 64
run no-dir 64 backup verify --pubkey "$t/sign.pub"
run no-pubkey 64 backup verify "$bk"
has err "--pubkey"
run unknown 64 backup verify "$bk" --pubkey "$t/sign.pub" --bogus
run not-a-key 64 backup verify "$bk" --pubkey "$t/op.key"
has err "not an Ed25519 public key"
run decrypt-no-key 64 backup decrypt "$bk" --pubkey "$t/sign.pub" --to "$t/x"
run decrypt-no-to 64 backup decrypt "$bk" --pubkey "$t/sign.pub" --key "$t/op.key"
[ ! -e "$t/x" ] || fail "decrypt made NEWDIR on a usage error"
run help 0 help backup verify
has out "usage: dsgctl backup verify"
exit 0
