#!/bin/sh
# dsgd_config_reload: with `dsgd -f FILE`, SIGHUP after portal.hsts_max_age changed from 600 to 1200 logs "configuration reloaded, generation 2; restarting the portal", the new portal answers with max-age=1200 and logd and ctl keep their pids; a file with an unknown key then changes nothing (the error names file, line and column; generation 2 stays; the portal is not restarted and still sends 1200); a changed ctl.socket is logged as applying at restart and the socket stays where it was; dsgctl status shows the generation.
# @relation(REQ-RUN-048, REQ-RUN-018, REQ-RUN-009)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"

hsts() {
    curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" -D - -o /dev/null \
        "https://localhost:$DSGD_PORT/api/v1/health" 2>"$t/curl.err" |
        sed -n 's/^Strict-Transport-Security: max-age=\([0-9]*\)\r$/\1/p'
}
pid_of() { sed -n "s/.*master: $1\\[\\([0-9]*\\)\\] ready.*/\\1/p" "$t/log" | tail -n 1; }

printf 'portal.hsts_max_age = 600\n' >"$t/dsgd.conf"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: ctl\[[0-9]+\] ready'
[ "$(hsts)" = 600 ] || fail "max-age before the reload: '$(hsts)' $(cat "$t/curl.err")"
portal=$(pid_of portal) logd=$(pid_of logd) ctl=$(pid_of ctl)

printf '# raised\nportal.hsts_max_age = 1200\n' >"$t/dsgd.conf"
kill -HUP "$dsgd_pid"
wait_log 'master: SIGHUP: configuration reloaded, generation 2; restarting the portal to apply it'
wait_log 'master: portal: starting again with configuration generation 2'
wait_until 10 sh -c "[ \"\$(grep -c 'master: portal\\[[0-9]*\\] ready' '$t/log')\" -eq 2 ]"
[ "$(pid_of portal)" != "$portal" ] || fail "the portal was not restarted"
[ "$(pid_of logd)" = "$logd" ] && [ "$(pid_of ctl)" = "$ctl" ] || fail "logd or ctl was restarted"
wait_until 5 sh -c "[ \"\$(curl -sS --cacert '$t/var/tls/cert.pem' --resolve 'localhost:$DSGD_PORT:127.0.0.1' -D - -o /dev/null https://localhost:$DSGD_PORT/api/v1/health | tr -d '\\r' | sed -n 's/^Strict-Transport-Security: max-age=//p')\" = 1200 ]"
log_has 'master: portal\[[0-9]+\] exited with status 0' || fail "the portal did not stop cleanly for the reload"
! log_has 'portal: restarting in [0-9]+ ms \(backoff\)' || fail "the reload restart went through the backoff"

# an invalid file: nothing changes
portal=$(pid_of portal)
printf 'portal.hsts_max_age = 60\nportal.no_such_key = 1\n' >"$t/dsgd.conf"
kill -HUP "$dsgd_pid"
wait_log "master: SIGHUP: configuration not reloaded, generation 2 stays in force: .*dsgd\\.conf:2:1: .*no_such_key"
sleep 0.5
[ "$(pid_of portal)" = "$portal" ] || fail "the portal was restarted for an invalid file"
[ "$(hsts)" = 1200 ] || fail "max-age after the invalid file: '$(hsts)'"

# a setting that applies only at restart
printf 'portal.hsts_max_age = 1200\nctl.socket = "%s/other.sock"\n' "$t" >"$t/dsgd.conf"
kill -HUP "$dsgd_pid"
wait_log "master: SIGHUP: ctl.socket changed to '.*/other\\.sock': it applies when dsgd restarts"
wait_log 'master: SIGHUP: configuration reloaded, generation 3; workers keep running'
[ "$(hsts)" = 1200 ] || fail "the portal does not answer"
[ ! -e "$t/other.sock" ] || fail "the control socket moved on a reload"
"$DSGCTL" status --socket "$t/var/run/dsgctl.sock" | head -n 1 | grep -q 'configuration generation 3,' ||
    fail "dsgctl status does not show generation 3"

! log_has 'killed by' || fail "$(grep 'killed by' "$t/log")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
