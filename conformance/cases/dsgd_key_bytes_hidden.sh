#!/bin/sh
# dsgd_key_bytes_hidden: no key byte leaves the key memory (docs/keys.md, "Key bytes in memory"). With backups configured (bkup.dest, the operator's recipient key), a portal user uploads, downloads and searches a file, so every key has been used; the test then knows every key: the KEK (var/keys/kek), the share and auth data keys (unwrapped from their wrapped files with `openssl enc -id-aes256-wrap-pad` under the KEK), the search index's key (HMAC-SHA-256 of the share data key) and logd's chain key. gdb writes a core of the master and of the share, auth and logd roles twice: as the kernel would (mappings marked MADV_DONTDUMP left out), where no key is found, raw or in hex; and with those mappings included, where each process's own keys are found (the search can see them: they are in memory, only kept out of dumps). No key is in a backup (`dsgctl backup now`, verified), neither in its files as written nor in its members decrypted with the operator's key, nor in the audit trail's files, an export of it or dsgd's log, and every role runs with RLIMIT_CORE 0.
# @relation(REQ-STOR-010)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v gdb >/dev/null 2>&1 || fail "gdb (make deps-test) is needed"
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

backup_keys
share_one_file 23 "$dest_conf
$key_conf"
download fetched
share found 200 GET "/api/v1/share/search?q=design" "$token"

# every key, in hex
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
unwrap() {   # unwrap WRAPPED: the data key it holds under the KEK, in hex
    openssl enc -d -id-aes256-wrap-pad -K "$(hex "$t/var/keys/kek")" -iv A65959A6 -in "$1" \
        -out "$t/unwrapped" 2>"$t/err" || fail "unwrap $1: $(cat "$t/err")"
    [ "$(stat -c %s "$t/unwrapped")" = 32 ] || fail "unwrap $1: $(stat -c %s "$t/unwrapped") bytes"
    hex "$t/unwrapped"
    rm -f "$t/unwrapped"
}
kek=$(hex "$t/var/keys/kek")
share_key=$(unwrap "$t/var/share/store.key.wrapped")
auth_key=$(unwrap "$t/var/auth/totp.key.wrapped")
search_key=$(python3 -c 'import hashlib, hmac, sys
print(hmac.new(bytes.fromhex(sys.argv[1]), b"dsg-search-index-v1", hashlib.sha256).hexdigest())' "$share_key")
chain_key=$(hex "$t/var/logd/chain.key")
for k in "$kek" "$share_key" "$auth_key" "$search_key" "$chain_key"; do
    [ "${#k}" -eq 64 ] || fail "a key of ${#k} hex digits: $k"
done
printf 'kek %s\nshare %s\nauth %s\nsearch %s\nchain %s\n' "$kek" "$share_key" "$auth_key" \
    "$search_key" "$chain_key" >"$t/keys"

# absent KEYS FILE...: none of the keys named (raw or as hex) in any FILE
absent() {
    python3 - "$t/keys" "$@" <<'PY'
import sys
keys = dict(l.split() for l in open(sys.argv[1]))
names, files = sys.argv[2].split(","), sys.argv[3:]
bad = []
for path in files:
    data = open(path, "rb").read()
    for n in names:
        k = bytes.fromhex(keys[n])
        if k in data or keys[n].encode() in data or keys[n].upper().encode() in data:
            bad.append("%s in %s" % (n, path))
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
}
# present KEYS FILE: every key named is in FILE, raw
present() {
    python3 - "$t/keys" "$1" "$2" <<'PY'
import sys
keys = dict(l.split() for l in open(sys.argv[1]))
data = open(sys.argv[3], "rb").read()
missing = [n for n in sys.argv[2].split(",") if bytes.fromhex(keys[n]) not in data]
print(" ".join(missing))
sys.exit(1 if missing else 0)
PY
}
core() {   # core NAME PID [on]: a core of PID, with the excluded mappings when "on"
    gdb -batch -nx -q -ex "set dump-excluded-mappings ${3:-off}" \
        -ex "generate-core-file $t/core.$1" -p "$2" >"$t/gdb.$1" 2>&1 ||
        fail "gdb on $1 ($2): $(tail -n 5 "$t/gdb.$1")"
    [ -s "$t/core.$1" ] || fail "no core of $1: $(tail -n 5 "$t/gdb.$1")"
}
all=kek,share,auth,search,chain
check_process() {   # check_process NAME PID OWN-KEYS
    core "$1" "$2"
    out=$(absent "$all" "$t/core.$1") || fail "a core of $1 as the kernel writes it holds $out"
    rm -f "$t/core.$1"
    core "$1-all" "$2" on
    out=$(present "$3" "$t/core.$1-all") ||
        fail "the test cannot see $1's own keys in its memory: $out missing"
    rm -f "$t/core.$1-all"
}
check_process master "$dsgd_pid" share,auth
check_process share "$(worker_pid share)" share,search
check_process auth "$(worker_pid auth)" auth
check_process logd "$(worker_pid logd)" chain

for role in share auth logd portal ctl; do
    pid=$(worker_pid "$role")
    grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits" ||
        fail "$role: $(grep 'core file' "/proc/$pid/limits")"
done

# a backup, as written and as restored with the operator's key
expect_exit 0 "backup now" ctl backup now
id=$(sed -n 's/^verified the backup \([0-9T]*Z\) in .*/\1/p' "$t/out")
[ -n "$id" ] || fail "backup now: no ID in $(cat "$t/out")"
verified() { ctl backup list 2>/dev/null | awk -v id="$id" '$1 == id && $6 == "verified" { ok = 1 } END { exit !ok }'; }
wait_until 60 verified || fail "backup $id not verified: $(ctl backup list 2>&1)"
ctl backup pubkey >"$t/sign.pub" 2>"$t/err" || fail "pubkey: $(cat "$t/err")"
expect_exit 0 "decrypt" "$DSGCTL" backup decrypt "$dest/$id" --pubkey "$t/sign.pub" --key "$t/op.key" \
    --to "$t/restored"
[ "$(find "$t/restored" -type f | wc -l)" -ge 5 ] || fail "restored: $(find "$t/restored" -type f)"
# shellcheck disable=SC2046 # one argument per file
out=$(absent "$all" $(find "$dest/$id" "$t/restored" -type f)) || fail "key bytes in the backup: $out"

"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" ||
    fail "log export: $(cat "$t/err")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
out=$(absent "$all" "$t/export" "$t/log" "$t"/var/logd/audit.db*) || fail "key bytes: $out"
exit 0
