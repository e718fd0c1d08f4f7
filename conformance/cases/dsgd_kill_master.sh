#!/bin/sh
# dsgd_kill_master: SIGKILL of the portal, of ctl and of auth while requests are answered (each restarted by the master; auth just after an application was stored), then of the master itself: every worker sees its channel close and exits within 5 s (no orphan keeps a port, a socket or a database); a new dsgd on the same state directory then starts (the unlocked pidfile and the stale control socket are replaced), serves /api/v1/health and reports every role running; after a clean stop the audit, account and share databases pass `PRAGMA integrity_check`, the application is still there and `dsgctl log verify --offline --key` finds every chain intact, with the access records of requests answered before the kills in it.
# @relation(REQ-RUN-035, REQ-RUN-021, REQ-RUN-020, REQ-LOG-043, REQ-ACCT-001)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

health() {
    curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
        -A "$1" "https://localhost:$DSGD_PORT/api/v1/health" 2>"$t/err"
}
{ admin_conf; echo 'auth.scrypt_n = 1024'; } >"$t/admin.conf"
dsgd_start "$DSGD" -f "$t/admin.conf"
for role in portal logd ctl auth share; do wait_log "master: $role\\[[0-9]+\\] ready"; done
admin_login
"$DSGCTL" account apply register --user-id kill.test --applicant a --reason r --name n --org o \
    --org-kind prime --contract c --type company --expiry 2099-01-01T00:00:00Z \
    --contract-end 2099-01-01T00:00:00Z --socket "$t/var/run/dsgctl.sock" >"$t/apply" 2>&1 ||
    fail "apply: $(cat "$t/apply")"
for role in portal ctl auth; do
    health "before-kill-$role" >/dev/null || fail "health: $(cat "$t/err")"
    old=$(worker_pid "$role")
    kill -9 "$old"
    wait_log "master: $role\\[$old\\] killed by signal 9"
    wait_until 10 sh -c "[ \"\$(grep -c 'master: $role\\[[0-9]*\\] ready' '$t/log')\" -ge 2 ]"
done
health "before-kill-master" >/dev/null || fail "health: $(cat "$t/err")"
sleep 0.5   # the access record on its way to logd
first=$dsgd_pid
workers=$(descendants "$first")
[ "$(echo "$workers" | wc -w)" -eq 5 ] || fail "want 5 workers, got '$workers'"
kill -9 "$first"
for p in $workers; do
    wait_until 5 not_alive "$p"
done
[ -S "$t/var/run/dsgctl.sock" ] || fail "the control socket should be left behind by a killed master"

: >"$t/log"
dsgd_start "$DSGD"
for role in portal logd ctl auth share; do wait_log "master: $role\\[[0-9]+\\] ready"; done
[ "$(cat "$t/var/dsgd.pid")" = "$dsgd_pid" ] || fail "pidfile not replaced"
body=$(curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
    "https://localhost:$DSGD_PORT/api/v1/health" 2>"$t/err") || fail "health: $(cat "$t/err")"
[ "$body" = '{"status":"ok"}' ] || fail "health: $body"
"$DSGCTL" status --socket "$t/var/run/dsgctl.sock" >"$t/status" 2>"$t/err" || fail "status: $(cat "$t/err")"
[ "$(grep -Ec '^(portal|logd|ctl|auth|share) +running ' "$t/status")" -eq 5 ] || fail "status: $(cat "$t/status")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
d=$t/var/logd
[ "$(sqlite3 "$d/audit.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check failed"
[ "$(sqlite3 "$t/var/auth/auth.db" 'PRAGMA integrity_check')" = ok ] || fail "auth.db integrity_check failed"
[ "$(sqlite3 "$t/var/share/share.db" 'PRAGMA integrity_check')" = ok ] || fail "share.db integrity_check failed"
[ "$(sqlite3 "$t/var/auth/auth.db" "SELECT state FROM accounts WHERE user_id = 'kill.test'")" = pending ] ||
    fail "the application's account is gone"
"$DSGCTL" log pubkey "$d" >"$t/pub" || fail "pubkey"
"$DSGCTL" log verify --offline --pubkey "$t/pub" --key "$d/chain.key" "$d" >"$t/verify" 2>&1 ||
    fail "verify: $(cat "$t/verify")"
"$DSGCTL" log export --offline "$d" --format jsonl >"$t/export" || fail "export"
for agent in before-kill-portal before-kill-ctl before-kill-auth before-kill-master; do
    grep -q "\"user_agent\":\"$agent\"" "$t/export" || fail "no access record of $agent"
done
exit 0
