#!/bin/sh
# dsgd_kill_master: after SIGKILL of the master every worker sees its channel close and exits within 5 s (no orphan keeps a port, a socket or a database); a new dsgd on the same state directory then starts (the unlocked pidfile and the stale control socket are replaced), serves /api/v1/health and reports every role running in dsgctl status.
# @relation(REQ-RUN-035, REQ-RUN-021)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

dsgd_start "$DSGD"
for role in portal logd ctl; do wait_log "master: $role\\[[0-9]+\\] ready"; done
first=$dsgd_pid
workers=$(descendants "$first")
[ "$(echo "$workers" | wc -w)" -eq 3 ] || fail "want 3 workers, got '$workers'"
kill -9 "$first"
for p in $workers; do
    wait_until 5 not_alive "$p"
done
[ -S "$t/var/run/dsgctl.sock" ] || fail "the control socket should be left behind by a killed master"

: >"$t/log"
dsgd_start "$DSGD"
for role in portal logd ctl; do wait_log "master: $role\\[[0-9]+\\] ready"; done
[ "$(cat "$t/var/dsgd.pid")" = "$dsgd_pid" ] || fail "pidfile not replaced"
body=$(curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
    "https://localhost:$DSGD_PORT/api/v1/health" 2>"$t/err") || fail "health: $(cat "$t/err")"
[ "$body" = '{"status":"ok"}' ] || fail "health: $body"
"$DSGCTL" status --socket "$t/var/run/dsgctl.sock" >"$t/status" 2>"$t/err" || fail "status: $(cat "$t/err")"
[ "$(grep -Ec '^(portal|logd|ctl) +running ' "$t/status")" -eq 3 ] || fail "status: $(cat "$t/status")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
