#!/bin/sh
# dsgd_key_escrow: `dsgctl key export` and `dsgctl key import` (docs/keys.md, "Escrowing the keys"). A portal user uploads a pseudorandom file through the file API. With the administrator's login, the running dsgd's keys are exported under a passphrase (scrypt, N = 2^14 here) and to an X25519 public key: each file is 0600, starts with the magic DSGE, version 1 and its mode, and holds none of the key bytes in the clear; a destination in the state directory (through a symbolic link too), an existing file, a passphrase of 15 bytes and no login are refused, and write nothing; a `key export` line of another form sent by hand is a usage error (ok 64) and ctl keeps running. dsgd is stopped; var/keys/kek and logd's chain.key and sign.key are deleted; `dsgctl storage decrypt --escrow` then decrypts the stored object byte-identical from either escrow file alone (the passphrase file or the private key) with the wrapped store key, a wrong passphrase exits 2 stor.key leaving no output, and --escrow without --store-key is a usage error (64). Imports refused change nothing in the state directory: dsgd running (1), a wrong passphrase (exit 2), a wrong private key (2), a flipped byte (2), a file of the other mode and a file cut short (65); and imports into another installation's state directory (a wrapped data key this KEK does not open; a copy of the trail whose sign.pub is another key's: 1) write no key there. The passphrase file's import writes the three keys back byte for byte (0600; the KEK root's, logd's keys dsg's) and the marker var/keys/imported; the public-key file's import then gives the same keys. dsgd starts (the marker is recorded and removed), the file downloads byte-identical, `dsgctl log verify` passes, the trail holds key-exported for both modes (with the administrator and the KEK ID, HMAC-SHA-256 of the KEK under "dsg KEK ID") and keys-imported (with the same KEK ID), the control records of `key export` show only the mode, and no key byte (KEK, chain key, sign.key, nor the passphrase or its scrypt key) is in the trail or dsgd's log.
# @relation(REQ-STOR-011, REQ-STOR-009)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"

# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

share_one_file 13
download before

keys=$t/var/keys logd=$t/var/logd
for f in "$keys/kek" "$logd/chain.key" "$logd/sign.key"; do cp "$f" "$t/orig.$(basename "$f")"; done
mkdir -m 700 "$t/escrow"
printf 'a long passphrase for the escrow\n' >"$t/pass"
printf 'another passphrase of the operator\n' >"$t/wrong-pass"
printf 'fifteen bytes..' >"$t/short-pass"
openssl genpkey -algorithm X25519 -out "$t/op.key" 2>/dev/null || fail "openssl genpkey X25519"
openssl pkey -in "$t/op.key" -pubout -out "$t/op.pub" 2>/dev/null || fail "openssl pkey -pubout"
openssl genpkey -algorithm X25519 -out "$t/other.key" 2>/dev/null || fail "openssl genpkey X25519"

# refused exports: no login, in the state directory (also through a link),
# an existing file, a short passphrase; nothing written
expect_exit 77 "export without login" env DSGCTL_TOKEN_FILE="$t/none.token" "${DSGCTL:?}" key export \
    --to "$t/escrow/nologin.dsge" --passphrase-file "$t/pass" --socket "$sock"
expect_exit 73 "export into the state dir" ctl key export --to "$t/var/escrow.dsge" --passphrase-file "$t/pass"
grep -qF "lies in the state directory" "$t/err" || fail "export into the state dir: $(cat "$t/err")"
ln -s "$t/var/keys" "$t/keys-link"
expect_exit 73 "export through a link" ctl key export --to "$t/keys-link/escrow.dsge" --recipient "$t/op.pub"
: >"$t/escrow/exists.dsge"
expect_exit 73 "export over a file" ctl key export --to "$t/escrow/exists.dsge" --recipient "$t/op.pub"
expect_exit 64 "short passphrase" ctl key export --to "$t/escrow/short.dsge" --passphrase-file "$t/short-pass" --scrypt-n 16384
expect_exit 64 "both modes" ctl key export --to "$t/escrow/both.dsge" --passphrase-file "$t/pass" --recipient "$t/op.pub"
for f in "$t/var/escrow.dsge" "$t/var/keys/escrow.dsge" "$t/escrow/nologin.dsge" "$t/escrow/short.dsge" \
    "$t/escrow/both.dsge"; do
    [ ! -e "$f" ] || fail "a refused export wrote $f"
done
[ ! -s "$t/escrow/exists.dsge" ] || fail "an export replaced an existing file"

# a line of another form, sent by hand, is a usage error (64); ctl stays up
ctl_pid=$(worker_pid ctl)
python3 - "$sock" "$(cat "$t/admin.token")" <<'PY' >"$t/raw.out" 2>&1 || fail "raw key export: $(cat "$t/raw.out")"
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(("token=%s key export passphrase 1024 8 1 zz %s\n" % (sys.argv[2], "00" * 32)).encode())
answer = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    answer += b
assert answer.startswith(b"ok 64\n") and b"not of the form dsgctl sends" in answer, answer
PY
[ "$(worker_pid ctl)" = "$ctl_pid" ] && alive "$ctl_pid" || fail "ctl was restarted by a malformed key export"

# the exports
expect_exit 0 "export passphrase" ctl key export --to "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --scrypt-n 16384
grep -qE "^wrote the escrow file $t/escrow/pass.dsge: passphrase \(scrypt\), [0-9]+ bytes, SHA-256 [0-9a-f]{64}$" "$t/out" ||
    fail "export passphrase: $(cat "$t/out")"
expect_exit 0 "export public" ctl key export --to "$t/escrow/pub.dsge" --recipient "$t/op.pub"
grep -qF "public key (X25519)" "$t/out" || fail "export public: $(cat "$t/out")"
for f in pass pub; do
    [ "$(stat -c '%a %U' "$t/escrow/$f.dsge")" = "600 root" ] || fail "$f.dsge: $(stat -c '%a %U' "$t/escrow/$f.dsge")"
done
python3 - "$t" <<'PY' || fail "escrow files"
import sys
t = sys.argv[1]
keys = [open(t + "/orig." + n, "rb").read() for n in ("kek", "chain.key")]
pem = open(t + "/orig.sign.key", "rb").read()
for name, mode in (("pass", 1), ("pub", 2)):
    b = open("%s/escrow/%s.dsge" % (t, name), "rb").read()
    assert b[:6] == b"DSGE\x01" + bytes([mode]), b[:6]
    for k in keys:
        assert k not in b and k.hex().encode() not in b, name
    assert b"PRIVATE KEY" not in b and pem.split(b"\n")[1] not in b, name
b = open(t + "/escrow/pass.dsge", "rb").read()
assert int.from_bytes(b[6:10], "big") == 16384 and b[10:18] == bytes([0, 0, 0, 8, 0, 0, 0, 1]), b[6:18]
PY
log_has "master: keys: the KEK $t/var/keys/kek \\(KEK ID [0-9a-f]{16}\\) and logd's chain.key and sign.key exported \\(admin kanri1 uid 0 pid [0-9]+\\): passphrase" ||
    fail "no export in the log: $(grep 'keys:' "$t/log")"

# an import while dsgd runs is refused
expect_exit 1 "import while running" "${DSGCTL:?}" key import "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --state-dir "$t/var"
grep -qF "dsgd is running" "$t/err" || fail "import while running: $(cat "$t/err")"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd stopped with $got"
rm -f "$keys/kek" "$logd/chain.key" "$logd/sign.key"
# with no KEK left, the escrow files alone decrypt the stored object offline (REQ-STOR-011)
object=$(find "$t/var/share/objects" -path "$t/var/share/objects/tmp" -prune -o -type f -print)
[ "$(printf '%s\n' "$object" | wc -l)" = 1 ] || fail "want one object file: $object"
store_key=$t/var/share/store.key.wrapped
expect_exit 0 "decrypt with the passphrase" "${DSGCTL:?}" storage decrypt --escrow "$t/escrow/pass.dsge" \
    --passphrase-file "$t/pass" --store-key "$store_key" "$object" --out "$t/by-pass.bin"
cmp -s "$t/by-pass.bin" "$t/design.bin" || fail "decrypt with the passphrase: other bytes"
expect_exit 0 "decrypt with the private key" "${DSGCTL:?}" storage decrypt --escrow "$t/escrow/pub.dsge" \
    --escrow-key "$t/op.key" --store-key "$store_key" "$object" --out "$t/by-key.bin"
cmp -s "$t/by-key.bin" "$t/design.bin" || fail "decrypt with the private key: other bytes"
expect_exit 2 "decrypt with a wrong passphrase" "${DSGCTL:?}" storage decrypt --escrow "$t/escrow/pass.dsge" \
    --passphrase-file "$t/wrong-pass" --store-key "$store_key" "$object" --out "$t/none.bin"
grep -qF "stor.key: $t/escrow/pass.dsge" "$t/err" && [ ! -e "$t/none.bin" ] && [ ! -e "$t/none.bin.partial" ] ||
    fail "decrypt with a wrong passphrase: $(cat "$t/err")"
expect_exit 64 "decrypt from an escrow file without the store key" "${DSGCTL:?}" storage decrypt \
    --escrow "$t/escrow/pass.dsge" --passphrase-file "$t/pass" "$object"
# what an import changes: the files in var but the run directory, with their content, owner and mode
state() { (cd "$t/var" && find . -path ./run -prune -o -type f -print0 | sort -z | xargs -0 stat -c '%n %a %U %s %Y' && ls keys logd); }
state >"$t/state.before"

# refused imports change nothing
expect_exit 2 "wrong passphrase" "${DSGCTL:?}" key import "$t/escrow/pass.dsge" --passphrase-file "$t/wrong-pass" --state-dir "$t/var"
grep -qF "the wrong passphrase or key" "$t/err" || fail "wrong passphrase: $(cat "$t/err")"
expect_exit 2 "wrong key" "${DSGCTL:?}" key import "$t/escrow/pub.dsge" --key "$t/other.key" --state-dir "$t/var"
expect_exit 65 "mode mismatch" "${DSGCTL:?}" key import "$t/escrow/pub.dsge" --passphrase-file "$t/pass" --state-dir "$t/var"
grep -qF "protected the other way" "$t/err" || fail "mode mismatch: $(cat "$t/err")"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[80] ^= 1; open(sys.argv[2], "wb").write(b)' \
    "$t/escrow/pub.dsge" "$t/escrow/flipped.dsge"
expect_exit 2 "flipped byte" "${DSGCTL:?}" key import "$t/escrow/flipped.dsge" --key "$t/op.key" --state-dir "$t/var"
head -c 100 "$t/escrow/pub.dsge" >"$t/escrow/cut.dsge"
expect_exit 65 "cut short" "${DSGCTL:?}" key import "$t/escrow/cut.dsge" --key "$t/op.key" --state-dir "$t/var"
grep -qF "cut short" "$t/err" || fail "cut short: $(cat "$t/err")"
state >"$t/state.after"
cmp -s "$t/state.before" "$t/state.after" || fail "a refused import changed the state: $(diff "$t/state.before" "$t/state.after")"

# another installation: a wrapped data key this KEK does not open, a
# sign.pub of another key; refused, nothing changed
mkdir -m 755 "$t/other" && mkdir -m 700 "$t/other/auth" "$t/other/keys"
head -c 40 /dev/urandom >"$t/other/auth/totp.key.wrapped"
expect_exit 1 "another KEK" "${DSGCTL:?}" key import "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --state-dir "$t/other"
grep -qF "the imported KEK does not open $t/other/auth/totp.key.wrapped" "$t/err" || fail "another KEK: $(cat "$t/err")"
rm "$t/other/auth/totp.key.wrapped"
cp -a "$logd" "$t/other/logd"
openssl genpkey -algorithm ED25519 2>/dev/null | openssl pkey -pubout >"$t/other/logd/sign.pub" 2>/dev/null
expect_exit 1 "another sign key" "${DSGCTL:?}" key import "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --state-dir "$t/other"
grep -qF "the escrowed sign.key is not the key of $t/other/logd/sign.pub" "$t/err" || fail "another sign key: $(cat "$t/err")"
[ ! -e "$t/other/keys/kek" ] && [ ! -e "$t/other/logd/chain.key" ] || fail "a refused import wrote keys into $t/other"

# the import: the keys back, byte for byte, with their owners and modes
expect_exit 0 "import passphrase" "${DSGCTL:?}" key import "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --state-dir "$t/var"
grep -qF "imported the KEK into $t/var/keys/kek (it opens 2 wrapped data keys)" "$t/out" || fail "import: $(cat "$t/out")"
grep -qF "they verify its audit trail" "$t/out" || fail "import: $(cat "$t/out")"
for f in "$keys/kek" "$logd/chain.key" "$logd/sign.key"; do
    cmp -s "$f" "$t/orig.$(basename "$f")" || fail "$f is not the key exported"
    [ ! -e "$f.new" ] || fail "$f.new is left"
done
[ "$(stat -c '%a %U' "$keys/kek")" = "600 root" ] || fail "kek: $(stat -c '%a %U' "$keys/kek")"
for f in chain.key sign.key; do
    [ "$(stat -c '%a %U' "$logd/$f")" = "600 dsg" ] || fail "$f: $(stat -c '%a %U' "$logd/$f")"
done
[ "$(stat -c '%a %U' "$keys/imported")" = "600 root" ] || fail "no marker: $(ls -l "$keys")"
sha=$(sha256sum "$t/escrow/pass.dsge" | cut -d' ' -f1)
grep -qx "SHA-256 $sha" "$keys/imported" || fail "marker: $(cat "$keys/imported")"
# the public-key file holds the same keys
rm -f "$keys/kek" "$keys/imported" "$logd/chain.key" "$logd/sign.key"
expect_exit 0 "import public" "${DSGCTL:?}" key import "$t/escrow/pub.dsge" --key "$t/op.key" --state-dir "$t/var"
for f in "$keys/kek" "$logd/chain.key" "$logd/sign.key"; do
    cmp -s "$f" "$t/orig.$(basename "$f")" || fail "$f (public key) is not the key exported"
done
grep -qx "mode public key" "$keys/imported" || fail "marker: $(cat "$keys/imported")"

# dsgd starts with the imported keys; the file downloads the same
share_restart
log_has "master: keys: the keys were imported from an escrow file while dsgd was stopped: .*SHA-256 $(sha256sum "$t/escrow/pub.dsge" | cut -d' ' -f1)" ||
    fail "no import in the log: $(grep 'keys' "$t/log")"
[ ! -e "$keys/imported" ] || fail "the marker is left after the start"
share_login_again sato 1
token=$(cat "$t/sato.token")
download after-import
admin_login
expect_exit 0 "log verify" ctl log verify
grep -q '^OK' "$t/out" || fail "log verify: $(cat "$t/out")"

# the trail: key-exported (both modes), keys-imported, control records
# that show only the mode; no key bytes in the trail or the log
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t" <<'PY' || fail "trail: $(grep -e 'key-' -e 'keys-' -e 'key export' "$t/export")"
import base64, hashlib, json, re, sys
t = sys.argv[1]
recs = [json.loads(l) for l in open(t + "/export")]
def sysrec(ev):
    return [r["fields"]["detail"] for r in recs if r.get("type") == 101 and
            r.get("source") == "master" and r["fields"].get("event") == ev]
exp = sysrec("key-exported")
assert len(exp) == 2, exp
import hmac
kek_id = hmac.new(open(t + "/orig.kek", "rb").read(), b"dsg KEK ID", hashlib.sha256).hexdigest()[:16]
assert re.fullmatch(r"the KEK \(KEK ID " + kek_id + r"\) and logd's chain.key and sign.key; "
                    r"passphrase \(scrypt N=16384 r=8 p=1\); "
                    r"\d+ bytes, SHA-256 [0-9a-f]{64}; admin kanri1 uid 0 pid \d+", exp[0]), exp
assert "public key (X25519 recipient SHA-256 " in exp[1], exp
imp = sysrec("keys-imported")
assert len(imp) == 1 and "mode public key" in imp[0] and "uid 0" in imp[0], imp
assert imp[0].endswith("; KEK ID " + kek_id), imp
cmds = [(r["fields"]["command"], r["fields"]["result"]) for r in recs if r.get("type") == 102 and
        r["fields"]["command"].startswith("key export")]
assert ("key export passphrase", "requested") in cmds and ("key export passphrase", "ok") in cmds, cmds
assert ("key export public", "ok") in cmds, cmds
# the key bytes, the passphrase and its scrypt key, in every spelling the text could hold
esc = open(t + "/escrow/pass.dsge", "rb").read()
pw = open(t + "/pass", "rb").read().rstrip(b"\n")
derived = hashlib.scrypt(pw, salt=esc[18:34], n=16384, r=8, p=1, dklen=32)
secrets = [open(t + "/orig.kek", "rb").read(), open(t + "/orig.chain.key", "rb").read(), derived]
pem = open(t + "/orig.sign.key", "rb").read()
needles = [pw, pem.split(b"\n")[1]]
for s in secrets:
    needles += [s, s.hex().encode(), s.hex().upper().encode(), base64.b64encode(s),
                base64.urlsafe_b64encode(s).rstrip(b"=")]
for name in ("export", "log", "log.old", "var/logd/audit.db"):
    try:
        data = open(t + "/" + name, "rb").read()
    except FileNotFoundError:
        continue
    for n in needles:
        assert n not in data, "a key in %s" % name
PY
exit 0
