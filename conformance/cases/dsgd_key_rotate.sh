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

ctl() { "${DSGCTL:?}" "$@" --socket "$sock"; }
member_ctl() {
    setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --groups="$adm_gid" -- \
        env DSGCTL_TOKEN_FILE="$CONFORMANCE_TMP/member/admin.token" \
        "${DSGCTL:?}" "$@" --socket "$sock"
}
jstr() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$1"; }
field() {
    python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$t/$1.json" "$2" 2>"$t/field.err" || fail "$1: $2: $(tail -n 1 "$t/field.err")"
}
# kek_id FILE: the KEK ID of the key in FILE (docs/keys.md)
kek_id() {
    python3 -c 'import hashlib, hmac, sys; print(hmac.new(open(sys.argv[1], "rb").read(), b"dsg KEK ID", hashlib.sha256).hexdigest()[:16])' "$1"
}
# download NAME: the uploaded file through the file API, 200 and the same bytes
download() {
    status=$(portal_curl "/api/v1/share/download?file=$file" -H "Authorization: Bearer $token" \
        -o "$t/$1.body" -w '%{http_code}' 2>"$t/$1.err") || fail "$1: curl: $(cat "$t/$1.err")"
    [ "$status" = 200 ] || fail "$1: status $status: $(cat "$t/$1.body")"
    cmp -s "$t/$1.body" "$t/design.bin" || fail "$1: the download differs from the upload"
}
# sato_login OFFSET: sato's password and TOTP login (the code of the time
# step OFFSET from now), a bearer session in $token
sato_login() {
    api_step login 200 /api/v1/auth/login "{\"user_id\":\"sato\",\"password\":\"Brand-new-passw0rd\"}"
    login=$(api_member login login)
    api_step totp 200 /api/v1/auth/totp \
        "{\"login\":\"$login\",\"code\":\"$(totp_code "$otpauth" "$1")\",\"bearer\":true}"
    token=$(api_member totp token)
}
# start: dsgd started, its roles ready; the log of an earlier run is kept
# in log.old, so that only this run's lines are waited for
start() {
    if [ -s "$t/log" ]; then cat "$t/log" >>"$t/log.old" && : >"$t/log"; fi
    dsgd_start "$DSGD" -f "$t/gw.conf"
    for role in logd ctl auth share portal; do wait_log "master: $role\\[[0-9]+\\] ready.*" 10; done
    wait_log 'master: portal\[[0-9]+\]: routes of role 7: [0-9]+'   # share's
}
# objects: the SHA-256 of every object file, by name
objects() { (cd "$t/var/share/objects" && find . -type f | sort | xargs sha256sum); }

cat >"$t/gw.conf" <<'EOF'
auth.ministry_networks = "127.0.0.0/8"
auth.scrypt_n = 1024
log.ack_timeout = 5s
EOF
admin_conf 3 >>"$t/gw.conf"
start
admin_login
member_login
case_orgs

# sato of 防衛装備庁, logged in with password and TOTP, a bearer session
expect_exit 0 "register sato" ctl account apply register --user-id sato --applicant 人事課 --reason 着任 \
    --name sato --org 防衛装備庁 --org-kind ministry --contract C-9 --type ministry \
    --expiry 2099-01-01T00:00:00Z --contract-end 2099-06-30T00:00:00Z
expect_exit 0 "approve sato" member_ctl account approve 3
expect_exit 0 "password" ctl account credentials sato --sheet password
pw=$(sed -n 's/^password: //p' "$t/out")
expect_exit 0 "code" ctl account credentials sato --sheet code
code=$(sed -n 's/^code: //p' "$t/out")
api_step login 200 /api/v1/auth/login "{\"user_id\":\"sato\",\"password\":$(jstr "$pw")}"
login=$(api_member login login)
api_step change 200 /api/v1/auth/password "{\"login\":\"$login\",\"password\":\"Brand-new-passw0rd\"}"
api_step enrol 200 /api/v1/auth/totp/enrol "{\"login\":\"$login\",\"code\":\"$code\"}"
otpauth=$(api_member enrol otpauth)
api_step totp 200 /api/v1/auth/totp \
    "{\"login\":\"$login\",\"code\":\"$(totp_code "$otpauth" 0)\",\"bearer\":true}"
token=$(api_member totp token)

# an area (root folder 1) and sato's grant to upload into it and read
expect_exit 0 "area apply" ctl area apply --contract C-9 --project 装備研究 --prime テスト重工 \
    --vendor 下請電機 --contract-end 2099-03-31T15:00:00Z --applicant 調達部 --reason 新規契約
expect_exit 0 "area approve" member_ctl area approve 1
expect_exit 0 "grant" ctl rights apply --account sato --area 1 --folder 1 \
    --ops list,read,upload --until 2099-01-01T00:00:00Z --applicant 調達部 --reason 業務
expect_exit 0 "approve grant" member_ctl rights approve 1

# the upload: 200 KiB + 7 pseudorandom bytes, and its download
python3 -c 'import random, sys; r = random.Random(13); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(204807)))' \
    >"$t/design.bin"
api_step begin 201 /api/v1/share/uploads "{\"folder\":1,\"name\":\"design.bin\",\"size\":204807}" \
    -H "Authorization: Bearer $token"
upload=$(api_member begin upload) file=$(api_member begin file) version=$(api_member begin version)
status=$(portal_curl "/api/v1/share/uploads/content?upload=$upload" -X PUT -H 'Expect:' \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/octet-stream' \
    --data-binary "@$t/design.bin" -o "$t/content.json" -w '%{http_code}' 2>"$t/content.err") ||
    fail "content: curl: $(cat "$t/content.err")"
[ "$status" = 201 ] || fail "content: status $status: $(cat "$t/content.json")"
[ "$(field content 'a["state"], a["size"]')" = "('clean', 204807)" ] || fail "content: $(cat "$t/content.json")"
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
start
log_has "finished the interrupted rotation" && fail "a rotation was finished with nothing left"
sato_login 1
download after-restart
dsgd_stop
cp "$keys/kek" "$t/new.kek"
mv "$keys/kek" "$keys/kek.new"
head -c 32 /dev/urandom >"$keys/kek"
chmod 600 "$keys/kek"
crashed_id=$(kek_id "$keys/kek")
start
log_has "master: keys: finished the interrupted rotation of $t/var/keys/kek: 2 data keys re-wrapped, KEK ID $crashed_id -> $new_id" ||
    fail "no finished rotation in the log: $(grep 'keys' "$t/log")"
[ ! -e "$keys/kek.new" ] || fail "kek.new is left after the start"
cmp -s "$keys/kek" "$t/new.kek" || fail "kek is not the KEK of kek.new after the start"
sato_login 2
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
