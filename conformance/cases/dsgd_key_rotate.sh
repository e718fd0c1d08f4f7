#!/bin/sh
# dsgd_key_rotate: `dsgctl key rotate kek` on a running dsgd (docs/keys.md, "Rotating the KEK"). A portal user uploads a pseudorandom file of 4 segments through the file API and downloads it back. Without an administrator's login the command is refused (77) and the KEK is unchanged; `dsgctl key rotate` of anything but kek is a usage error (64). With the login it exits 0 and prints "2 data keys re-wrapped", the old KEK ID (the first 8 bytes of HMAC-SHA-256(KEK, "dsg KEK ID") of the KEK saved before, in hex) and the new one (that of var/keys/kek after, a different key); kek.new is gone, kek and both wrapped keys are 0600 with their owners, both wrapped files changed, and no object file changed (content is not rewritten); the auth and share roles kept their pids. The audit trail holds a system record (type 101, source master) kek-rotated with both KEK IDs, the count and the administrator, and the control records of `key rotate kek` (requested, then ok, admin kanri1). The file downloads with the same bytes; after dsgd restarts, and after a restart that finds the state a crash after the re-wrapping leaves (kek.new holding the KEK that wraps both data keys, kek another key), which the master finishes before starting roles, logging and recording it, the file downloads again with the same bytes. With dsgd stopped, `dsgctl storage decrypt --key var/keys/kek` decrypts the object (0) and a copy of the old KEK is exit 2 stor.key.
# @relation(REQ-STOR-008)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (make deps-test) is needed"

# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"
# kek_id FILE: the KEK ID of the key in FILE (docs/keys.md)
kek_id() {
    python3 -c 'import hashlib, hmac, sys; print(hmac.new(open(sys.argv[1], "rb").read(), b"dsg KEK ID", hashlib.sha256).hexdigest()[:16])' "$1"
}

share_one_file 13
download before

keys=$t/var/keys
cp "$keys/kek" "$t/old.kek"
for w in auth/totp.key.wrapped share/store.key.wrapped; do cp "$t/var/$w" "$t/old.$(basename "$w")"; done
objects >"$t/objects.before"
old_id=$(kek_id "$t/old.kek")
auth_pid=$(worker_pid auth) share_pid=$(worker_pid share)

# refused: without a login (77), of another key or none (64); nothing changed
expect_exit 77 "no login" env DSGCTL_TOKEN_FILE="$t/none.token" "${DSGCTL:?}" key rotate kek --socket "$sock"
grep -q admin_login_required "$t/err" || fail "no login: $(cat "$t/err")"
expect_exit 64 "other key" ctl key rotate auth
grep -qF "only the key-encryption key rotates: kek, not 'auth'" "$t/err" || fail "other key: $(cat "$t/err")"
expect_exit 64 "no key" ctl key rotate
cmp -s "$keys/kek" "$t/old.kek" || fail "a refused rotation changed the KEK"

# the rotation
expect_exit 0 "rotate" ctl key rotate kek
cp "$t/out" "$t/rotate.out"
new_id=$(kek_id "$keys/kek")
[ "$new_id" != "$old_id" ] || fail "rotate: the KEK ID did not change"
grep -qF "rotated the key-encryption key $t/var/keys/kek: 2 data keys re-wrapped" "$t/rotate.out" ||
    fail "rotate: $(cat "$t/rotate.out")"
grep -qx "old KEK ID $old_id" "$t/rotate.out" || fail "rotate: want old KEK ID $old_id: $(cat "$t/rotate.out")"
grep -qx "new KEK ID $new_id" "$t/rotate.out" || fail "rotate: want new KEK ID $new_id: $(cat "$t/rotate.out")"
[ ! -e "$keys/kek.new" ] || fail "kek.new is left"
[ "$(stat -c '%a %U %s' "$keys/kek")" = "600 root 32" ] || fail "kek: $(stat -c '%a %U %s' "$keys/kek")"
for w in auth/totp.key.wrapped share/store.key.wrapped; do
    [ "$(stat -c '%a %U %s' "$t/var/$w")" = "600 dsg 40" ] || fail "$w: $(stat -c '%a %U %s' "$t/var/$w")"
    ! cmp -s "$t/var/$w" "$t/old.$(basename "$w")" || fail "$w was not re-wrapped"
    [ ! -e "$t/var/$w.new" ] || fail "$w.new is left"
done
objects >"$t/objects.after"
cmp -s "$t/objects.before" "$t/objects.after" || fail "object files changed: $(diff "$t/objects.before" "$t/objects.after")"
[ "$(worker_pid auth)" = "$auth_pid" ] && [ "$(worker_pid share)" = "$share_pid" ] ||
    fail "a role was restarted: auth $auth_pid -> $(worker_pid auth), share $share_pid -> $(worker_pid share)"
alive "$auth_pid" && alive "$share_pid" || fail "a role is gone"
log_has "master: keys: $t/var/keys/kek rotated \\(admin kanri1 uid 0 pid [0-9]+\\): 2 data keys re-wrapped, KEK ID $old_id -> $new_id" ||
    fail "no rotation in the log: $(grep 'keys:' "$t/log")"
download after-rotation

# the audit trail: the master's record and the control records
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" "$old_id" "$new_id" <<'PY' || fail "trail: $(grep -e kek -e 'key rotate' "$t/export")"
import json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
old, new = sys.argv[2], sys.argv[3]
rot = [r for r in recs if r.get("type") == 101 and r.get("source") == "master"
       and r["fields"].get("event") == "kek-rotated"]
assert len(rot) == 1, rot
assert re.fullmatch(r"KEK ID %s -> %s: 2 data keys re-wrapped; admin kanri1 uid 0 pid \d+" % (old, new),
                    rot[0]["fields"]["detail"]), rot
ctl = [(r["fields"]["result"], r["fields"].get("admin")) for r in recs
       if r.get("type") == 102 and r["fields"]["command"] == "key rotate kek"]
assert ("requested", "kanri1") in ctl and ("ok", "kanri1") in ctl, ctl
assert ("admin_login_required", None) in ctl, ctl
PY

# after a restart, and after one that finds a rotation a crash left after
# its step 2: both data keys under kek.new, kek another key
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd stopped with $got"
share_restart
log_has "finished the interrupted rotation" && fail "a rotation was finished with nothing left"
share_login_again sato 1
token=$(cat "$t/sato.token")
download after-restart
dsgd_stop
cp "$keys/kek" "$t/new.kek"
mv "$keys/kek" "$keys/kek.new"
head -c 32 /dev/urandom >"$keys/kek"
chmod 600 "$keys/kek"
crashed_id=$(kek_id "$keys/kek")
share_restart
log_has "master: keys: finished the interrupted rotation of $t/var/keys/kek: 2 data keys re-wrapped, KEK ID $crashed_id -> $new_id" ||
    fail "no finished rotation in the log: $(grep 'keys' "$t/log")"
[ ! -e "$keys/kek.new" ] || fail "kek.new is left after the start"
cmp -s "$keys/kek" "$t/new.kek" || fail "kek is not the KEK of kek.new after the start"
share_login_again sato 2
token=$(cat "$t/sato.token")
download after-recovery
admin_login
"$DSGCTL" log export --type 101 --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
grep -F '"kek-rotated"' "$t/export" | grep -qF "KEK ID $crashed_id -> $new_id: 2 data keys re-wrapped; an interrupted rotation finished at start" ||
    fail "no record of the finished rotation: $(grep kek "$t/export")"

# offline: the new KEK opens the object, the old one does not
dsgd_stop
id=$(sqlite3 "$t/var/share/share.db" "SELECT lower(hex(object_id)) FROM versions WHERE file = $file AND version = $version") ||
    fail "share.db: no object for file $file version $version"
obj=$t/var/share/objects/$(printf '%s' "$id" | cut -c1-2)/$id.$version
"${DSGCTL:?}" storage decrypt --key "$keys/kek" "$obj" --out "$t/plain" >"$t/dec.out" 2>"$t/dec.err" ||
    fail "decrypt with the new KEK: $(cat "$t/dec.err")"
cmp -s "$t/plain" "$t/design.bin" || fail "the decrypted file differs from the upload"
"${DSGCTL:?}" storage decrypt --key "$t/old.kek" --store-key "$t/var/share/store.key.wrapped" "$obj" \
    --out "$t/old-plain" >"$t/dec.out" 2>"$t/dec.err"
dg=$?
[ "$dg" -eq 2 ] || fail "decrypt with the old KEK: exit $dg, want 2: $(cat "$t/dec.err")"
grep -qF stor.key "$t/dec.err" || fail "decrypt with the old KEK: $(cat "$t/dec.err")"
[ ! -e "$t/old-plain" ] || fail "the old KEK left an output file"
exit 0
