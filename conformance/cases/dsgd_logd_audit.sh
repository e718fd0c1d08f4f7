#!/bin/sh
# dsgd_logd_audit: dsgd runs three times as root; logd records its start and stop with a signed checkpoint at each stop; `dsgctl log verify --offline` finds the copy intact (exit 0), then finds each tampering of a copy (sqlite3, or an edit of anchor.log) with its kind and first bad sequence number (exit 1); export and pubkey work; usage errors exit 64.
# @relation(REQ-LOG-003, REQ-LOG-004, REQ-LOG-005, REQ-LOG-006, REQ-LOG-010, REQ-LOG-040, REQ-LOG-041, REQ-LOG-042, REQ-RUN-020)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v sqlite3 >/dev/null || fail "the sqlite3 program is missing (make deps-test)"

for round in 1 2 3; do
    : >"$t/log"
    dsgd_start "$DSGD"
    wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
    dsgd_stop
    [ "$got" -eq 0 ] || fail "round $round: dsgd exit $got"
    log_has 'logd\[[0-9]+\]: audit: final checkpoint written' || fail "round $round: no final checkpoint"
    ! log_has 'killed by seccomp' || fail "round $round: $(grep 'killed by seccomp' "$t/log")"
done
d=$t/var/logd
# the store is logd's: owner dsg, keys 0600 (REQ-LOG-006)
for f in audit.db chain.key sign.key anchor.log; do
    [ "$(stat -c %U "$d/$f")" = dsg ] || fail "$f is not owned by dsg"
done
for f in audit.db chain.key sign.key anchor.log; do
    [ "$(stat -c %a "$d/$f")" = 600 ] || fail "$f has mode $(stat -c %a "$d/$f")"
done
[ "$(stat -c %a "$d")" = 700 ] || fail "var/logd has mode $(stat -c %a "$d")"

run "pubkey" 0 log pubkey "$d"
cp "$t/out" "$t/pub.pem"
grep -q 'BEGIN PUBLIC KEY' "$t/pub.pem" || fail "no public key"
run "intact" 0 log verify --offline --pubkey "$t/pub.pem" "$d"
# 18 of logd's and the master's starts and stops, 2 of the first start's
# key generation (master: key-generated; logd: keys-generated)
grep -q '^OK: 0 break(s); 2 source(s), 20 record(s), 6 checkpoint(s); 0 record(s) after' "$t/out" ||
    fail "intact: $(cat "$t/out")"
run "intact with the chain key" 0 log verify --offline --pubkey "$t/pub.pem" --key "$d/chain.key" "$d"
# verification leaves nothing behind in the directory it read
[ ! -e "$d/audit.db-shm" ] && [ ! -e "$d/audit.db-wal" ] || fail "verify left -shm/-wal files"

# fresh copy, SQL as an attacker who can write the file, then verify
tampered() {
    rm -rf "$t/copy"
    cp -a "$d" "$t/copy"
    sqlite3 "$t/copy/audit.db" "DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete; $1" >/dev/null ||
        fail "sqlite3: $1"
}
expect_break() {
    run "$1" 1 log verify --offline --pubkey "$t/pub.pem" "$t/copy"
    grep -q "^BREAK source=$2 seq=$3 kind=$4: " "$t/out" || fail "$1: want seq=$3 kind=$4, got: $(cat "$t/out")"
    grep -q '^BROKEN: ' "$t/out" || fail "$1: no BROKEN summary"
}
# logd's records: 1 started, 2 keys-generated, 3 stopped, then started and
# stopped at each run
tampered "UPDATE records SET body = CAST(replace(CAST(body AS TEXT), 'stopped', 'stoppex') AS BLOB) WHERE seq = 3"
expect_break "edited" logd 3 edited
tampered "DELETE FROM records WHERE seq = 3"
expect_break "deleted" logd 3 deleted
tampered "UPDATE records SET seq = 100 WHERE seq = 3; UPDATE records SET seq = 3 WHERE seq = 4; UPDATE records SET seq = 4 WHERE seq = 100"
expect_break "swapped" logd 3 reordered
tampered "UPDATE records SET seq = seq + 1000 WHERE seq >= 3; UPDATE records SET seq = seq - 999 WHERE seq >= 1000; INSERT INTO records SELECT source, 3, type, recorded_at, body, hash, mac FROM records WHERE seq = 4"
expect_break "inserted" logd 3 inserted
tampered "DELETE FROM records WHERE seq >= 5"
expect_break "truncated" logd 5 truncated
tampered "SELECT 1"
sed -i '2s/\(.\)$/x/' "$t/copy/anchor.log"   # the second checkpoint's signature
expect_break "bad signature" - 0 "bad signature"
tampered "SELECT 1"
sed -i '1s/ 3 / 2 /' "$t/copy/anchor.log"   # a checkpoint that claims another seq
expect_break "forged checkpoint" logd 2 "bad signature"
# another store's public key verifies no checkpoint
mkdir -m 700 "$t/other"
dsgd_pid=
DSG_TEST_HOOK= "$DSGD" -d -s "$t/other" -l "127.0.0.1:$DSGD_PORT" 2>"$t/other.log" &
dsgd_pid=$!
wait_until 5 test -s "$t/other/logd/sign.pub"
dsgd_stop
run "other pubkey" 0 log pubkey "$t/other/logd"
cp "$t/out" "$t/other.pem"
run "wrong public key" 1 log verify --offline --pubkey "$t/other.pem" "$d"
[ "$(grep -c 'kind=bad signature' "$t/out")" -eq 6 ] || fail "wrong key: $(cat "$t/out")"

# export: logd's seven records (with keys-generated), the master's twelve
# role-exited and its key-generated, six checkpoints; each line one JSON
# object or syslog message
run "export jsonl" 0 log export --offline "$d" --format jsonl
[ "$(grep -c '"type_name":"system"' "$t/out")" -eq 20 ] || fail "jsonl: $(cat "$t/out")"
[ "$(grep -c '"source":"master".*"event":"role-exited"' "$t/out")" -eq 12 ] || fail "jsonl: master"
[ "$(grep -c '"type_name":"checkpoint"' "$t/out")" -eq 6 ] || fail "jsonl checkpoints"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$t/out" || fail "jsonl does not parse"
run "export rfc5424" 0 log export --offline "$d" --format rfc5424
[ "$(grep -c '^<110>1 [0-9-]*T[0-9:.]*Z - dsg-logd - system \[dsg@32473 source="logd" seq="' "$t/out")" -eq 7 ] ||
    fail "rfc5424: $(cat "$t/out")"

# usage errors
run "no --offline" 64 log verify --pubkey "$t/pub.pem" "$d"
run "no --pubkey" 64 log verify --offline "$d"
run "no directory" 64 log verify --offline --pubkey "$t/pub.pem"
run "bad format" 64 log export --offline "$d" --format xml
run "unknown option" 64 log pubkey --bogus "$d"
run "unreadable copy" 74 log verify --offline --pubkey "$t/pub.pem" "$t/nowhere"
run "export of an unreadable copy" 74 log export --offline "$t/nowhere" --format jsonl
run "pubkey of an unreadable directory" 74 log pubkey "$t/nowhere"
exit 0
