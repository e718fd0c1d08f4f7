#!/bin/sh
# dsgd_totp_at_rest: TOTP secrets are stored only sealed under the auth role's data key, which is stored only wrapped under the master's key-encryption key (docs/keys.md). The first start creates var/keys (0700 root), var/keys/kek (32 bytes, 0600 root; the log names it with its KEK ID, recorded key-generated in the trail, and no later start says so again; logd records keys-generated naming its signing key by its public key's SHA-256 and its chain key by an HMAC ID, once) and var/auth/totp.key.wrapped (40 bytes, 0600, owned by dsg, the auth role's user, written by the master under its filesystem IDs); after the administrators' TOTP enrolments no file of var/auth holds the base32 secret of an otpauth URI (strings) nor its raw bytes, and auth.db's secret column (sqlite3 hex) is 48 bytes of nonce, ciphertext and tag, marked sealed; the auth role is never given the key on its command line; `dsgctl account show` lists the TOTP factor by its type and enrolment time only (text and --json); the secrets open again after a restart (a login with a code of the enrolled secret). A start with the KEK at mode 0644 is refused (exit 1, the file, owner, mode and `chmod 600` named, no worker started); so is one with the keys directory at 0755, one with the KEK missing while the wrapped data key exists (restore it from its backup), one with a KEK of 31 bytes and one with another KEK of 32 bytes (the wrapped key does not unwrap); each refused start raises an alert (ALERT on the master's log) and the next start that opens the keys records them as key-open-failed, its note then removed; with the KEK back, a secret put back in the clear (as before auth.db schema version 8) is sealed before the auth role serves (its log says so, the clear bytes gone from every file of var/auth) and the logins work again.
# @relation(REQ-MFA-018, REQ-STOR-007, REQ-STOR-015)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (make deps-test) is needed"
command -v strings >/dev/null 2>&1 || fail "strings (binutils) is needed"

admin_conf 4 >"$t/gw.conf"
echo 'auth.scrypt_n = 1024' >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
admin_login
member_login

kek=$t/var/keys/kek
wrapped=$t/var/auth/totp.key.wrapped
mode_is() {   # mode_is PATH MODE OWNER [SIZE]
    [ "$(stat -c '%a %U' "$1")" = "$2 $3" ] || fail "$1: $(stat -c '%a %U' "$1"), want $2 $3"
    [ -z "${4:-}" ] || [ "$(stat -c %s "$1")" = "$4" ] || fail "$1: $(stat -c %s "$1") bytes, want $4"
}
mode_is "$t/var/keys" 700 root
mode_is "$kek" 600 root 32
kek_id=$(sed -n "s|.*master: keys: generated the key-encryption key $kek (mode 0600, KEK ID \([0-9a-f]\{16\}\)): escrow it with .dsgctl key export.*|\1|p" "$t/log")
[ -n "$kek_id" ] || fail "the first start did not say where the KEK is: $(grep 'keys:' "$t/log")"
mode_is "$wrapped" 600 dsg 40

# the enrolled secrets, as the otpauth URIs gave them
for state in "$t/kanri1.totp" "$t/member/kanri2.totp"; do
    python3 - "$state" >"$t/secret" <<'PY' || fail "no URI in $state"
import base64, json, sys, urllib.parse
uri = json.load(open(sys.argv[1]))["uri"]
b32 = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
raw = base64.b32decode(b32 + "=" * (-len(b32) % 8))
print(b32, raw.hex().upper())
PY
    read -r b32 hex <"$t/secret"
    [ "${#b32}" -ge 26 ] || fail "secret: $b32"
    ! strings -a -n 8 "$t"/var/auth/* | grep -q "$b32" || fail "strings shows the base32 secret $b32"
    python3 - "$hex" "$t"/var/auth/* <<'PY' || fail "a file of var/auth holds the raw secret"
import sys
raw = bytes.fromhex(sys.argv[1])
for p in sys.argv[2:]:
    with open(p, "rb") as f:
        assert raw not in f.read(), p
PY
    sqlite3 "$t/var/auth/auth.db" 'SELECT hex(secret) FROM totp' >"$t/hex" ||
        fail "sqlite3: $(cat "$t/hex")"
    ! grep -q "$hex" "$t/hex" || fail "auth.db shows the secret's bytes $hex"
done
[ "$(sqlite3 "$t/var/auth/auth.db" 'SELECT count(*), sum(sealed = 1 AND length(secret) = 48) FROM totp')" = '2|2' ] ||
    fail "totp rows: $(sqlite3 "$t/var/auth/auth.db" 'SELECT user_id, sealed, length(secret) FROM totp')"
# dsgctl account show lists the TOTP factor by type and enrolment time only
expect_exit 0 "show kanri1" as_root show kanri1
sed -n '/^factors:$/,/^history:$/p' "$t/out" >"$t/factors"
grep -Eqx '  [0-9]{4}-[0-9-]{5}T[0-9:.]{12}Z totp' "$t/factors" && [ "$(wc -l <"$t/factors")" = 3 ] ||
    fail "show: factors: $(cat "$t/out")"
expect_exit 0 "show kanri1 --json" as_root show kanri1 --json
python3 - "$t/out" <<'PY' || fail "show --json: factors: $(cat "$t/out")"
import json, sys
f = json.load(open(sys.argv[1]))["factors"]
assert len(f) == 1 and f[0]["type"] == "totp" and sorted(f[0]) == ["enrolled_at", "type"], f
PY
auth=$(worker_pid auth)
tr '\0' ' ' <"/proc/$auth/cmdline" >"$t/cmdline"
! grep -Eq -- ' -K |key' "$t/cmdline" || fail "the auth role's command line: $(cat "$t/cmdline")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
grep '"event":"key-generated"' "$t/export" | grep -q "KEK ID $kek_id: the key-encryption key generated at the first start" ||
    fail "no key-generated record of $kek_id: $(grep -c key-generated "$t/export")"
python3 - "$t/export" "$t/var/logd" <<'PY' || fail "logd's keys-generated: $(grep keys-generated "$t/export")"
import base64, hashlib, hmac, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
made = [r["fields"]["detail"] for r in rows
        if r["source"] == "logd" and r.get("fields", {}).get("event") == "keys-generated"]
pem = open(sys.argv[2] + "/sign.pub").read().split("-----")[2]
pub = base64.b64decode("".join(pem.split()))[-32:]
chain = open(sys.argv[2] + "/chain.key", "rb").read()
want = ("sign.key (Ed25519, public key SHA-256 %s) and chain.key (ID %s) generated for an empty store"
        % (hashlib.sha256(pub).hexdigest()[:16],
           hmac.new(chain, b"dsg chain key ID", hashlib.sha256).hexdigest()[:16]))
assert made == [want], (made, want)
PY

# refused: starts, must exit 1 at once with MESSAGE (an ERE) in its log
refused() { start_refused "$1" "$2" -f "$t/gw.conf"; }
chmod 644 "$kek"
refused "kek 0644" "auth: key file $kek has owner uid 0 and mode 0644: it must be owned by uid 0 with no group or other permissions \\(chmod 600 $kek\\): refusing to start"
grep -q "ALERT: keys: auth: key file $kek has owner uid 0 and mode 0644" "$t/err" ||
    fail "no alert of the refused key: $(cat "$t/err")"
chmod 600 "$kek"
chmod 755 "$t/var/keys"
refused "keys 0755" "auth: key directory $t/var/keys has owner uid 0 and mode 0755: .*\\(chmod 700 $t/var/keys\\): refusing to start"
chmod 700 "$t/var/keys"
mv "$kek" "$t/kek.saved"
refused "kek missing" "auth: the key-encryption key $kek is missing while the wrapped data key $wrapped exists: restore $kek from its backup"
[ ! -e "$kek" ] || fail "a new KEK was made beside the wrapped data key"
head -c 31 "$t/kek.saved" >"$kek" && chmod 600 "$kek"
refused "kek short" "auth: key file $kek: not 32 bytes: refusing to start"
head -c 32 /dev/urandom >"$kek"
refused "another kek" "auth: .*does not unwrap under the key-encryption key"
mv "$t/kek.saved" "$kek"
cp "$wrapped" "$t/wrapped.before"

# kanri1's secret put back in the clear, as a version before schema 8 left it
hex1=$(python3 -c 'import base64, json, sys, urllib.parse
uri = json.load(open(sys.argv[1]))["uri"]
b = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
print(base64.b32decode(b + "=" * (-len(b) % 8)).hex().upper())' "$t/kanri1.totp")
sqlite3 "$t/var/auth/auth.db" "UPDATE totp SET secret = x'$hex1', sealed = 0 WHERE user_id = 'kanri1'" ||
    fail "cannot put the clear secret back"

# back as it was: the same keys, the clear secret sealed before the role
# serves, the secrets open (a TOTP login)
: >"$t/log"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
! log_has 'generated the key-encryption key' || fail "a second start generated a KEK"
log_has 'auth: 1 TOTP secret\(s\) stored in the clear sealed under the data key' ||
    fail "the clear secret was not sealed: $(cat "$t/log")"
cmp -s "$wrapped" "$t/wrapped.before" || fail "the wrapped data key changed"
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT sealed, length(secret) FROM totp WHERE user_id = 'kanri1'")" = '1|48' ] ||
    fail "kanri1's row: $(sqlite3 "$t/var/auth/auth.db" "SELECT sealed, hex(secret) FROM totp WHERE user_id = 'kanri1'")"
python3 - "$hex1" "$t"/var/auth/* <<'PY' || fail "a file of var/auth still holds the clear secret"
import sys
raw = bytes.fromhex(sys.argv[1])
for p in sys.argv[2:]:
    with open(p, "rb") as f:
        assert raw not in f.read(), p
PY
admin_login
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
# the refused starts, noted while logd could not run, recorded by this one
"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
python3 - "$t/export" "$kek" <<'PY' || fail "key-open-failed: $(grep key-open-failed "$t/export")"
import json, sys
rows = [json.loads(l).get("fields", {}) for l in open(sys.argv[1])]
recs = [f["detail"] for f in rows if f.get("event") == "key-open-failed"]
assert len(recs) >= 3, recs   # the first refusals, as far as 1 KiB of notes holds them
assert all(d.startswith("a start refused for its keys at 20") for d in recs), recs
assert "auth: key file %s has owner uid 0 and mode 0644" % sys.argv[2] in recs[0], recs
assert "auth: key directory " in recs[1], recs
assert "is missing while the wrapped data key" in recs[2], recs
PY
[ ! -e "$t/var/keys/open-failed" ] || fail "the note of the failures is left"
exit 0
