#!/bin/sh
# dsgd_pidfile: a second dsgd on the same state directory exits non-zero naming the running pid and leaves the first untouched; a stale pidfile of a dead pid is replaced; without -d dsgd daemonizes, logs to var/dsgd.log and writes the daemon's pid.
# @relation(REQ-RUN-035, REQ-RUN-009)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'
ws=$(descendants "$dsgd_pid" | sort | tr '\n' ' ')
"$DSGD" -d -s "$t/var" -l "127.0.0.1:$DSGD_PORT" 2>"$t/second.err"
got=$?
[ "$got" -ne 0 ] || fail "a second dsgd on the same state directory exited 0"
grep -q "already running (pid $dsgd_pid, pidfile $t/var/dsgd.pid)" "$t/second.err" ||
    fail "second instance message: $(cat "$t/second.err")"
[ "$(cat "$t/var/dsgd.pid")" = "$dsgd_pid" ] || fail "pidfile changed by the second instance"
[ "$(descendants "$dsgd_pid" | sort | tr '\n' ' ')" = "$ws" ] || fail "workers changed"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

# a stale pidfile: a pid that has exited
sh -c 'exit 0' &
dead=$!
wait "$dead"
printf '%s\n' "$dead" >"$t/var/dsgd.pid"
: >"$t/log"
dsgd_start "$DSGD"
wait_log "removing stale pidfile $t/var/dsgd.pid \\(pid $dead is not running\\)"
wait_log 'master: portal\[[0-9]+\] ready'
[ "$(cat "$t/var/dsgd.pid")" = "$dsgd_pid" ] || fail "stale pidfile not replaced"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

# without -d: daemonizes, the parent returns 0, the log goes to var/dsgd.log
"$DSGD" -s "$t/var" -l "127.0.0.1:$DSGD_PORT" 2>"$t/daemon.err"
got=$?
[ "$got" -eq 0 ] || fail "daemon start exit $got: $(cat "$t/daemon.err")"
has_pidfile() { [ -s "$t/var/dsgd.pid" ]; }
wait_until 5 has_pidfile
dpid=$(cat "$t/var/dsgd.pid")
dsgd_pid=$dpid   # for the cleanup trap
trap 'dsgd_cleanup' EXIT
daemon_ready() { grep -q 'master: logd\[[0-9]*\] ready' "$t/var/dsgd.log" && grep -q 'master: portal\[[0-9]*\] ready' "$t/var/dsgd.log"; }
wait_until 5 daemon_ready
alive "$dpid" || fail "daemon $dpid not running"
[ "$(awk '{ print $7 }' "/proc/$dpid/stat")" = 0 ] || fail "daemon has a controlling terminal"
kill -TERM "$dpid"
wait_until 10 not_alive "$dpid"
[ ! -e "$t/var/dsgd.pid" ] || fail "daemon left its pidfile"
grep -q 'master: stopped' "$t/var/dsgd.log" || fail "daemon log has no 'stopped'"
exit 0
