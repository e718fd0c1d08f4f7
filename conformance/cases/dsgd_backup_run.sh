#!/bin/sh
# dsgd_backup_run: `dsgctl backup now` on a running dsgd (docs/backup.md, "The backup run"). A portal user uploads a pseudorandom file. Without bkup.recipient_pubkey, and then without bkup.dest, `dsgctl backup now` is refused (exit 1, naming the missing key), and each refusal is a backup-failed record and an ALERT line of the master. With both (the operator's key pair from `dsgctl backup keygen`), it starts a backup (exit 0, its ID), which `dsgctl backup list` soon shows verified with the roles auth,logd,share; `dsgctl backup pubkey` prints the signing key, a second call the same key. `dsgctl backup verify` passes with that key, and with --key the operator's private key; decrypted into a fresh directory, the backup holds auth/auth.db, logd/audit.db, logd/anchor.log, share/share.db, share/search.db, the file's object and the master's configuration in force and public keys (logd's checkpoint key, the portal's certificate, the backup-signing key, each byte-identical), every database passes PRAGMA integrity_check, the object decrypted with `dsgctl storage decrypt` under the KEK is the uploaded file byte for byte, `dsgctl log verify --offline` passes on the restored trail with logd's public key, and no key is in it in the clear (no KEK, chain.key, sign.key or TLS key, nothing holding a PEM private key): the auth and share roles' data keys are there only wrapped under the KEK, byte-identical to their files (a restore needs them with the escrowed KEK), and the objects decrypt with the backup's own wrapped key. A second backup taken while the user uploads ten more files verifies too, its databases pass integrity_check and every object it holds decrypts. The audit trail holds backup-started, backup-verified and the refusals as system records of the master with the administrator, and the control records of `backup now` (requested, then ok). A temporary database copy a killed run left beside a role's store is removed when the role starts. `backup now` waits for the run's end: off a terminal it prints the result line alone (verified, with the ID, the directory, the roles, members and bytes), on a terminal it also shows the run on stderr; with --no-wait it answers once the run started.
# @relation(REQ-BKUP-001, REQ-BKUP-002, REQ-BKUP-003, REQ-BKUP-004, REQ-BKUP-005, REQ-BKUP-009, REQ-BKUP-014, REQ-BKUP-015, REQ-BKUP-016)
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

# restart_with CONF-LINES: dsgd again on them, kanri1 and sato logged in
restart_with() {
    dsgd_stop
    SHARE_ADMIN_SKEW=3 share_gateway_conf "$1"
    share_restart
    admin_login
    share_login_again sato "$2"
    token=$(cat "$t/sato.token")
}

# a file uploaded, no recipient key: refused
share_one_file 29 "$dest_conf"
expect_exit 1 "no recipient key" ctl backup now
grep -qF "no bkup.recipient_pubkey" "$t/err" "$t/out" || fail "no recipient key: $(cat "$t/out" "$t/err")"
log_has 'master: ALERT: backup: not started: no bkup.recipient_pubkey; admin kanri1' ||
    fail "no alert: $(grep backup "$t/log")"
[ -z "$(ls -A "$dest")" ] || fail "a refused backup wrote into bkup.dest: $(ls -A "$dest")"

# no destination: refused; a temporary copy a killed run left beside a
# store (plaintext) is gone once its role starts
printf 'SQLite format 3' >"$t/var/auth/.backup-auth.db"
printf 'SQLite format 3' >"$t/var/share/.backup-search.db"
restart_with "$key_conf" 1
[ ! -e "$t/var/auth/.backup-auth.db" ] && [ ! -e "$t/var/share/.backup-search.db" ] ||
    fail "a temporary copy survived its role's start"
log_has 'auth\[[0-9]+\]: backup: removed .backup-auth.db, left by a copy cut short' ||
    fail "no word of the removed copy: $(grep 'backup:' "$t/log")"
expect_exit 1 "no dest" ctl backup now
grep -qF "no bkup.dest" "$t/err" "$t/out" || fail "no dest: $(cat "$t/out" "$t/err")"

# both: a backup, verified
restart_with "$dest_conf
$key_conf" 2
expect_exit 0 "backup now" ctl backup now
id=$(sed -n 's/^verified the backup \([0-9T]*Z\) in .*/\1/p' "$t/out")
[ -n "$id" ] || fail "backup now: no ID in $(cat "$t/out")"
grep -qE "^verified the backup $id in $dest/$id \(roles auth,logd,share\): [0-9]+ members, [0-9]+ bytes; signature, sizes and SHA-256 checked$" "$t/out" &&
    [ "$(wc -l <"$t/out")" -eq 1 ] && [ ! -s "$t/err" ] || fail "backup now off a terminal: $(cat "$t/out" "$t/err")"
state_of() { ctl backup list 2>/dev/null | awk -v id="$1" '$1 == id { print $6 }'; }
verified() { [ "$(state_of "$1")" = verified ]; }
wait_until 60 verified "$id" || fail "backup $id not verified: $(ctl backup list 2>&1)"
ctl backup list | awk -v id="$id" '$1 == id && $4 == "auth,logd,share" { ok = 1 } END { exit !ok }' ||
    fail "list: $(ctl backup list 2>&1)"
ctl backup pubkey >"$t/sign.pub" 2>"$t/err" || fail "pubkey: $(cat "$t/err")"
ctl backup pubkey >"$t/sign2.pub" 2>"$t/err" || fail "pubkey: $(cat "$t/err")"
grep -q 'BEGIN PUBLIC KEY' "$t/sign.pub" && cmp -s "$t/sign.pub" "$t/sign2.pub" || fail "pubkey: $(cat "$t/sign.pub" "$t/sign2.pub")"
bk=$dest/$id
expect_exit 0 "verify" "$DSGCTL" backup verify "$bk" --pubkey "$t/sign.pub"
expect_exit 0 "verify --key" "$DSGCTL" backup verify "$bk" --pubkey "$t/sign.pub" --key "$t/op.key"
grep -qF "every database passes integrity_check" "$t/out" || fail "verify --key: $(cat "$t/out")"

# check_restored ID: decrypted into $t/r-ID; every database intact, every
# object decrypts under the KEK, no key file
check_restored() {
    r=$t/r-$1
    expect_exit 0 "decrypt $1" "$DSGCTL" backup decrypt "$dest/$1" --pubkey "$t/sign.pub" --key "$t/op.key" --to "$r"
    for db in auth/auth.db logd/audit.db share/share.db share/search.db; do
        [ "$(sqlite3 "file:$r/$db?mode=ro" 'PRAGMA integrity_check')" = ok ] || fail "$1: $db is not intact"
    done
    [ -f "$r/logd/anchor.log" ] || fail "$1: no anchor.log"
    keys=$(find "$r" \( -name '*.key*' -o -name kek -o -name key.pem \) ! -name '*.key.wrapped' | head -n 3)
    [ -z "$keys" ] || fail "$1: key files in the backup: $keys"
    cmp -s "$r/auth/totp.key.wrapped" "$t/var/auth/totp.key.wrapped" &&
        cmp -s "$r/share/store.key.wrapped" "$t/var/share/store.key.wrapped" ||
        fail "$1: the wrapped data keys: $(ls "$r/auth" "$r/share")"
    ! grep -rlq -e 'PRIVATE KEY' "$r" || fail "$1: a private key in the backup: $(grep -rl 'PRIVATE KEY' "$r")"
    cmp -s "$r/master/logd-sign.pub" "$t/var/logd/sign.pub" || fail "$1: master/logd-sign.pub"
    cmp -s "$r/master/tls-cert.pem" "$t/var/tls/cert.pem" || fail "$1: master/tls-cert.pem"
    cmp -s "$r/master/backup-sign.pub" "$t/sign.pub" || fail "$1: master/backup-sign.pub"
    grep -q "^bkup.dest *= *$dest" "$r/master/config" || grep -qF "$dest" "$r/master/config" ||
        fail "$1: master/config: $(head -c 300 "$r/master/config")"
    n=0
    for obj in $(find "$r/share/objects" -type f); do
        rm -f "$t/plain"
        "$DSGCTL" storage decrypt --key "$t/var/keys/kek" --store-key "$r/share/store.key.wrapped" \
            "$obj" --out "$t/plain" >/dev/null 2>"$t/dec.err" || fail "$1: $obj: $(cat "$t/dec.err")"
        n=$((n + 1))
    done
}
check_restored "$id"
[ "$n" -eq 1 ] || fail "first backup: $n objects, want 1"
obj=$(find "$t/r-$id/share/objects" -type f)
rm -f "$t/plain"
"$DSGCTL" storage decrypt --key "$t/var/keys/kek" --store-key "$t/var/share/store.key.wrapped" "$obj" \
    --out "$t/plain" >/dev/null 2>"$t/dec.err" || fail "decrypt: $(cat "$t/dec.err")"
cmp -s "$t/plain" "$t/design.bin" || fail "the object in the backup is not the uploaded file"
"$DSGCTL" log verify --offline --pubkey "$t/r-$id/master/logd-sign.pub" "$t/r-$id/logd" >"$t/lv.out" 2>&1 ||
    fail "log verify --offline on the restored trail: $(cat "$t/lv.out")"

# a second backup while files are uploaded
sleep 1   # IDs are whole seconds
(
    i=0
    while [ "$i" -lt 10 ]; do
        head -c $((70000 + i)) /dev/urandom >"$t/more$i.bin"
        upload "more$i" "$token" "$area_root" "more$i.bin" "$t/more$i.bin"
        i=$((i + 1))
    done
) >"$t/uploads.out" 2>&1 &
up=$!
expect_exit 0 "backup now (under writes)" ctl backup now
id2=$(sed -n 's/^verified the backup \([0-9T]*Z\) in .*/\1/p' "$t/out")
wait "$up" || fail "uploads during the backup: $(cat "$t/uploads.out")"
wait_until 60 verified "$id2" || fail "backup $id2 not verified: $(ctl backup list 2>&1)"
expect_exit 0 "verify 2" "$DSGCTL" backup verify "$dest/$id2" --pubkey "$t/sign.pub" --key "$t/op.key"
check_restored "$id2"
[ "$n" -ge 1 ] || fail "second backup: $n objects"

# on a terminal (REQ-BKUP-015): what the run does goes to stderr, the
# result line alone to stdout; --no-wait answers once the run started
sleep 1
python3 "$(dirname "$CONFORMANCE_LIB")/pty_run.py" "$t/tty.out" "$t/tty.err" "$DSGCTL" backup now --socket "$sock" ||
    fail "backup now on a terminal: $(cat "$t/tty.out" "$t/tty.err")"
grep -q "started the backup" "$t/tty.err" || fail "nothing on the terminal: $(cat "$t/tty.err")"
grep -qE "^verified the backup [0-9T]+Z in $dest/[0-9T]+Z \(roles auth,logd,share\): " "$t/tty.out" &&
    [ "$(wc -l <"$t/tty.out")" -eq 1 ] || fail "backup now on a terminal: stdout $(cat "$t/tty.out")"
sleep 1
expect_exit 0 "backup now --no-wait" ctl backup now --no-wait
id3=$(sed -n 's/^started the backup \([0-9T]*Z\) in .*/\1/p' "$t/out")
[ -n "$id3" ] || fail "--no-wait: $(cat "$t/out")"
wait_until 60 verified "$id3" || fail "backup $id3 not verified: $(ctl backup list 2>&1)"

# the audit trail
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" "$id" "$id2" <<'PY' || fail "trail: $(grep -e backup "$t/export")"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ev = [(r["fields"]["event"], r["fields"].get("detail", "")) for r in recs
      if r.get("type") == 101 and r.get("source") == "master"
      and r["fields"].get("event", "").startswith("backup-")]
for bid in sys.argv[2:]:
    assert any(e == "backup-started" and d.startswith(bid + " ") and "admin kanri1" in d for e, d in ev), ev
    assert any(e == "backup-verified" and d.startswith(bid + ":") and "admin kanri1" in d for e, d in ev), ev
assert any(e == "backup-failed" and "no bkup.recipient_pubkey" in d for e, d in ev), ev
assert any(e == "backup-failed" and "no bkup.dest" in d for e, d in ev), ev
ctl = [(r["fields"]["result"], r["fields"].get("admin")) for r in recs
       if r.get("type") == 102 and r["fields"]["command"] == "backup now"]
assert ("requested", "kanri1") in ctl and ("ok", "kanri1") in ctl, ctl
PY
exit 0
