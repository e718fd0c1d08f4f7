#!/bin/sh
# dsgd_backup_restore: the restore drill (docs/backup.md, "Restoring a backup"). A portal user uploads a pseudorandom file and one with a Japanese name; the keys are escrowed under a passphrase (`dsgctl key export`); `dsgctl backup now` makes a verified backup B1, which holds each role's wrapped data key (the KEK opens them; no key in the clear); a third file is uploaded after it; the KEK is rotated and a second backup B2 is taken. `dsgctl backup verify ID` checks the running dsgd's backups with its signing key and dsgd records each result (backup-checked): B1 passes keyless and with the operator's key, a copy with a changed byte fails naming share/share.db; --socket with the offline form is a usage error. Drills on the running gateway (`dsgctl backup drill`, the administrator's login): B1 passes (the scratch directory removed again, dsgd records backup-drill passed and keeps var/last-drill), B2 with the old escrow fails (recorded failed), a scratch directory inside the state directory is refused, and the live KEK and state are untouched. dsgd is stopped and its whole state directory deleted. Refused, leaving the new state directory as it was: a restore into a directory that is not empty (exit 1), a wrong escrow passphrase (exit 2), a restore without --escrow (64). B2 with the escrow taken before the rotation fails once its members are in place (the escrowed KEK does not open B2's wrapped data keys, exit 1, naming the key), and dsgd then refuses to start on that directory (the partial marker: exit 1, "did not finish its verification"). B1 with the escrow restores, with progress on stderr when it is a pseudo-terminal and only the result line when not (exit 0: members, databases, the escrowed keys opening its data keys and verifying its trail, every object checked under the KEK), the roles' directories owned by dsg with mode 0700 and the master's members in var/restored-backup; dsgd starts on it: the two files download byte-identical, the file uploaded after B1 is not there, the user and the administrator log in with password and TOTP, `dsgctl log verify` passes across the restore, and the trail holds backup-restored naming B1 and the import of the keys, once (the marker is gone), and the restored gateway, which has no passed drill, warns so at its start.
# @relation(REQ-BKUP-005, REQ-BKUP-006, REQ-BKUP-007, REQ-BKUP-003, REQ-BKUP-014, REQ-BKUP-015)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

backup_keys
printf 'a long passphrase for the escrow\n' >"$t/pass"
printf 'another passphrase of the operator\n' >"$t/wrong-pass"
mkdir -p "$t/escrow"

# two files, the escrow, B1
share_one_file 31 "$dest_conf
$key_conf"
file1=$file
printf 'protected text of the 装備研究 project\n' >"$t/plan.txt"
upload plan "$token" "$area_root" "研究計画書.txt" "$t/plan.txt"
file2=$file
expect_exit 0 "export" ctl key export --to "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --scrypt-n 16384
state_of() { ctl backup list 2>/dev/null | awk -v id="$1" '$1 == id { print $6 }'; }
verified() { [ "$(state_of "$1")" = verified ]; }
backup_now() {
    expect_exit 0 "backup now" ctl backup now
    id=$(sed -n 's/^verified the backup \([0-9T]*Z\) in .*/\1/p' "$t/out")
    [ -n "$id" ] || fail "backup now: no ID in $(cat "$t/out")"
    wait_until 60 verified "$id" || fail "backup $id not verified: $(ctl backup list 2>&1)"
}
backup_now
b1=$id
ctl backup pubkey >"$t/sign.pub" 2>"$t/err" || fail "pubkey: $(cat "$t/err")"

# each role's wrapped data key is in the backup, as stored
expect_exit 0 "decrypt B1" "$DSGCTL" backup decrypt "$dest/$b1" --pubkey "$t/sign.pub" --key "$t/op.key" --to "$t/d1"
cmp -s "$t/d1/share/store.key.wrapped" "$t/var/share/store.key.wrapped" || fail "B1: no share/store.key.wrapped"
cmp -s "$t/d1/auth/totp.key.wrapped" "$t/var/auth/totp.key.wrapped" || fail "B1: no auth/totp.key.wrapped"
[ -z "$(find "$t/d1" -name kek -o -name chain.key -o -name sign.key -o -name key.pem | head -n 1)" ] ||
    fail "B1 holds a key in the clear: $(find "$t/d1" -name kek -o -name chain.key -o -name sign.key)"

# after B1: a third file, a new KEK, B2
printf 'written after the backup\n' >"$t/late.txt"
upload late "$token" "$area_root" late.txt "$t/late.txt"
file3=$file
expect_exit 0 "rotate" ctl key rotate kek
sleep 1   # IDs are whole seconds
backup_now
b2=$id

# the running dsgd's backups verified by ID, the results recorded; a
# copy with a changed byte fails, naming its member
expect_exit 0 "verify B1" ctl backup verify "$b1"
grep -qF "verified the backup $dest/$b1: " "$t/out" && grep -qF "recorded the verification of $b1: passed" "$t/out" ||
    fail "verify B1: $(cat "$t/out")"
expect_exit 0 "verify B1 --key" ctl backup verify "$b1" --key "$t/op.key"
grep -qF "every database passes integrity_check" "$t/out" || fail "verify B1 --key: $(cat "$t/out")"
bad=20200101T000000Z
cp -a "$dest/$b1" "$dest/$bad"
python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(200); b = f.read(1); f.seek(200); f.write(bytes([b[0] ^ 0xff]))' \
    "$dest/$bad/share/share.db" || fail "cannot change a byte of the copy"
expect_exit 1 "verify a changed copy" ctl backup verify "$bad"
grep -qF "FAILED (bkup.tampered): share/share.db" "$t/err" && grep -qF "recorded the verification of $bad: failed" "$t/out" ||
    fail "verify changed: $(cat "$t/out" "$t/err")"
rm -rf "${dest:?}/$bad"
expect_exit 64 "verify --socket with DIR" "$DSGCTL" backup verify "$dest/$b1" --pubkey "$t/sign.pub" --socket "$sock"

# drills on the running gateway: B1 passes, B2 with the old escrow fails,
# a scratch directory in the state directory is refused; live state is
# not touched
cp "$t/var/keys/kek" "$t/kek.live"
drill() {
    db=$1
    shift
    ctl backup drill "$dest/$db" --pubkey "$t/sign.pub" --key "$t/op.key" --escrow "$t/escrow/pass.dsge" \
        --passphrase-file "$t/pass" "$@"
}
expect_exit 0 "drill B1" drill "$b1" --work "$t/drill"
grep -qE "^drill passed: restored the backup $b1 into $t/drill: .* 2 objects checked under the KEK; removed it again$" "$t/out" ||
    fail "drill B1: $(cat "$t/out")"
grep -qF "recorded the drill of $b1: passed" "$t/out" || fail "drill B1 not recorded: $(cat "$t/out")"
[ ! -e "$t/drill" ] || fail "the drill left $t/drill"
expect_exit 1 "drill B2" drill "$b2" --work "$t/drill"
grep -qF "the imported KEK does not open" "$t/err" || fail "drill B2: $(cat "$t/err")"
grep -qF "recorded the drill of $b2: failed" "$t/out" || fail "drill B2 not recorded: $(cat "$t/out")"
[ ! -e "$t/drill" ] || fail "the failed drill left $t/drill"
expect_exit 1 "drill in the state dir" drill "$b1" --work "$t/var/drill"
grep -qF "lies in dsgd's state directory" "$t/err" || fail "drill in var: $(cat "$t/err")"
[ ! -e "$t/var/drill" ] && [ ! -e "$t/var/keys/restored" ] && [ ! -e "$t/var/keys/imported" ] &&
    [ ! -e "$t/var/restored-backup" ] && cmp -s "$t/kek.live" "$t/var/keys/kek" || fail "a drill touched live state"
[ -s "$t/var/last-drill" ] && grep -q "^$b1 " "$t/var/last-drill" || fail "last-drill: $(cat "$t/var/last-drill" 2>&1)"

"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export.before" 2>"$t/err" || fail "export: $(cat "$t/err")"

# the disaster: dsgd stopped, its state directory gone
dsgd_stop
rm -rf "$t/var"

restore() {
    rb=$1
    shift
    "$DSGCTL" backup restore "$dest/$rb" --pubkey "$t/sign.pub" --key "$t/op.key" "$@"
}

# refusals
mkdir -p "$t/full" && printf x >"$t/full/keep"
expect_exit 1 "not empty" restore "$b1" --escrow "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --to "$t/full"
grep -qF "exists and is not empty" "$t/err" || fail "not empty: $(cat "$t/err")"
[ "$(ls -A "$t/full")" = keep ] || fail "a refused restore wrote into $t/full: $(ls -A "$t/full")"
expect_exit 2 "wrong passphrase" restore "$b1" --escrow "$t/escrow/pass.dsge" --passphrase-file "$t/wrong-pass" --to "$t/var"
[ ! -e "$t/var" ] || fail "a restore refused for its escrow made $t/var"
expect_exit 64 "no escrow" restore "$b1" --passphrase-file "$t/pass" --to "$t/var"

# B2 under the KEK before the rotation: fails after its members are in
# place, and dsgd refuses that directory
expect_exit 1 "B2 with the old escrow" restore "$b2" --escrow "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --to "$t/var"
grep -qF "the imported KEK does not open" "$t/err" || fail "B2: $(cat "$t/err")"
[ -f "$t/var/keys/restore-partial" ] || fail "B2: no partial marker: $(ls -R "$t/var" | head -n 20)"
start_refused "unverified restore" "did not finish its verification" -f "$t/gw.conf"
rm -rf "$t/var"

# B1 restored on a terminal (progress on stderr, REQ-BKUP-015), then
# off one (the result line alone) as the state directory
python3 "$(dirname "$CONFORMANCE_LIB")/pty_run.py" "$t/tty.out" "$t/tty.err" "$DSGCTL" backup restore "$dest/$b1" --pubkey "$t/sign.pub" \
    --key "$t/op.key" --escrow "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --to "$t/var-tty" ||
    fail "restore on a terminal: $(cat "$t/tty.err")"
grep -q "restoring: .* members" "$t/tty.err" && grep -q "checking objects: .*share objects/" "$t/tty.err" ||
    fail "no progress on the terminal: $(cat "$t/tty.err")"
rm -rf "$t/var-tty"
expect_exit 0 "restore B1" restore "$b1" --escrow "$t/escrow/pass.dsge" --passphrase-file "$t/pass" --to "$t/var"
[ ! -s "$t/err" ] || fail "restore off a terminal wrote on stderr: $(cat "$t/err")"
sed "s|$t/var-tty|$t/var|" "$t/tty.out" | cmp -s - "$t/out" || fail "the result lines differ: $(cat "$t/tty.out" "$t/out")"
grep -qE "^restored the backup $b1 into $t/var: [0-9]+ members, [0-9]+ bytes decrypted and verified.* 2 objects checked under the KEK" "$t/out" ||
    fail "restore B1: $(cat "$t/out")"
[ ! -e "$t/var/keys/restore-partial" ] && [ -f "$t/var/keys/restored" ] || fail "B1: markers: $(ls -l "$t/var/keys")"
for r in auth logd share; do
    [ "$(stat -c '%U %a' "$t/var/$r")" = "dsg 700" ] || fail "$r: $(stat -c '%U %a' "$t/var/$r")"
    [ -z "$(find "$t/var/$r" ! -user dsg | head -n 1)" ] || fail "$r: not all dsg's: $(find "$t/var/$r" ! -user dsg)"
done
[ "$(stat -c '%U %a' "$t/var/keys/kek")" = "root 600" ] || fail "kek: $(stat -c '%U %a' "$t/var/keys/kek")"
cmp -s "$t/var/restored-backup/backup-sign.pub" "$t/sign.pub" || fail "restored-backup: $(ls "$t/var/restored-backup")"

# dsgd on it
share_restart
log_has 'master: backup: the state directory was restored from a backup: the backup '"$b1" ||
    fail "no word of the restore: $(grep backup "$t/log")"
log_has 'master: WARNING: backup: no restore drill has passed on this gateway' ||
    fail "no drill warning: $(grep -i drill "$t/log")"
admin_login
share_login_again sato 1
token=$(cat "$t/sato.token")
fetch got1 "$token" "$file1"
cmp -s "$t/got1.body" "$t/design.bin" || fail "file 1 differs after the restore"
fetch got2 "$token" "$file2"
cmp -s "$t/got2.body" "$t/plan.txt" || fail "file 2 differs after the restore"
share got3 404 GET "/api/v1/share/download?file=$file3" "$token"
expect_exit 0 "log verify" ctl log verify
grep -q '^OK' "$t/out" || fail "log verify: $(cat "$t/out")"
[ ! -e "$t/var/keys/restored" ] || fail "the restored marker is left after it was recorded"

"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" "$b1" <<'PY' || fail "trail: $(grep -e restored -e imported "$t/export")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ev = [(r["fields"]["event"], r["fields"].get("detail", "")) for r in recs
      if r.get("type") == 101 and r.get("source") == "master"]
restored = [d for e, d in ev if e == "backup-restored"]
assert len(restored) == 1 and restored[0].startswith("the backup %s restored from " % sys.argv[2]), restored
assert "verified at " in restored[0] and "objects checked under the escrowed KEK" in restored[0], restored
assert any(e == "keys-imported" for e, d in ev), ev
PY
python3 - "$t/export.before" "$b1" "$b2" <<'PY' || fail "trail before: $(grep -e drill "$t/export.before")"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ev = [(r["fields"]["event"], r["fields"].get("detail", "")) for r in recs
      if r.get("type") == 101 and r.get("source") == "master"]
drills = [d for e, d in ev if e == "backup-drill"]
assert any(d.startswith(sys.argv[2] + " passed; admin kanri1 uid 0 pid ") for d in drills), drills
assert any(d.startswith(sys.argv[3] + " failed; admin kanri1 uid 0 pid ") for d in drills), drills
ctl = [r["fields"]["result"] for r in recs if r.get("type") == 102
       and r["fields"]["command"].startswith("backup drill")]
assert "requested" in ctl and "ok" in ctl, ctl
checked = [d for e, d in ev if e == "backup-checked"]
assert any(d.startswith(sys.argv[2] + " passed: signature, sizes and SHA-256; admin kanri1") for d in checked), checked
assert any(d.startswith(sys.argv[2] + " passed: signature, sizes and SHA-256, every member decrypted") for d in checked), checked
assert any(d.startswith("20200101T000000Z failed: ") for d in checked), checked
PY
exit 0
