#!/bin/sh
# dsgd_logd_kill9: logd is killed with SIGKILL while it appends records (test hook append-many) and again while it starts; each time the master restarts it, the restarted logd opens the same store and continues the chains; after a clean stop `PRAGMA integrity_check` says ok and `dsgctl log verify --offline --key` finds the trail intact.
# @relation(REQ-RUN-020, REQ-LOG-003)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v sqlite3 >/dev/null || fail "the sqlite3 program is missing (make deps-test)"

DSG_TEST_HOOK=logd:append-many dsgd_start "$DSGD_TEST"
wait_log 'logd\[[0-9]+\]: test hook append-many: running'
sleep 0.5
first=$(worker_pid logd)
kill -9 "$first"
wait_log "master: logd\\[$first\\] killed by signal 9" 5
# while it starts again: kill the next one as soon as it exists
wait_until 5 sh -c "[ \"\$(sed -n 's/.* master: logd\\[\\([0-9]*\\)\\] started.*/\\1/p' '$t/log' | tail -n 1)\" != $first ]"
second=$(worker_pid logd)
kill -9 "$second" 2>/dev/null
wait_until 10 sh -c "[ \"\$(sed -n 's/.* master: logd\\[\\([0-9]*\\)\\] started.*/\\1/p' '$t/log' | tail -n 1)\" != $second ]"
third=$(worker_pid logd)
wait_log "logd\\[$third\\]: audit: recorded logd started" 10
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
log_has "logd\\[$third\\]: audit: final checkpoint written" || fail "no final checkpoint"

d=$t/var/logd
[ "$(sqlite3 "$d/audit.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed"
n=$(sqlite3 "$d/audit.db" "SELECT count(*) FROM records WHERE source = 'portal'")
[ "$n" -gt 0 ] || fail "no record was appended before the kill"
run "pubkey" 0 log pubkey "$d"
cp "$t/out" "$t/pub.pem"
run "verify after kill -9" 0 log verify --offline --pubkey "$t/pub.pem" --key "$d/chain.key" "$d"
grep -q '^OK: 0 break(s); 3 source(s)' "$t/out" || fail "verify: $(cat "$t/out")"   # logd, a role's, the master's
# the records of the killed appender are checked by the chain key, not by a checkpoint
exit 0
