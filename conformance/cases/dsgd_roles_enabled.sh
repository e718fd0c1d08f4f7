#!/bin/sh
# dsgd_roles_enabled: dsgd.roles chooses the roles started besides logd: with "ctl, auth" the portal is not started and its port refuses connections, no certificate is generated, and `dsgctl status` lists no portal; with "portal" no control socket is created and the portal serves; `dsgctl role restart portal` (by a logged-in administrator) on a dsgd without it is refused (exit 64) and starts nothing; `dsgd -n` rejects an unknown role and a role named twice, naming file and line; a release dsgd does not know the test builds' sink.
# @relation(REQ-RUN-001)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

roles_bad() {   # roles_bad VALUE WANT-ERE
    printf '# roles\ndsgd.roles = "%s"\n' "$1" >"$t/bad.conf"
    "$DSGD" -n -f "$t/bad.conf" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "dsgd -n with dsgd.roles = '$1': exit $rc"
    grep -Eq "bad\\.conf:2: dsgd\\.roles: $2" "$t/err" || fail "dsgd -n with '$1': $(cat "$t/err")"
}
roles_bad "portal, dns" "'dns': no such role"
roles_bad "ctl, ctl" "'ctl' is named twice"
roles_bad "portal, sink" "'sink': no such role"

# without the portal (auth for the administrator's login)
printf 'dsgd.roles = "ctl, auth"\nauth.scrypt_n = 1024\n' >"$t/dsgd.conf"
admin_conf >>"$t/dsgd.conf"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'master: ctl\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: auth\[[0-9]+\] ready'
admin_login
log_has 'master: portal: not in dsgd.roles: not started' || fail "no line for the portal left out"
! log_has 'portal\[[0-9]+\] started' || fail "the portal was started"
[ ! -e "$t/var/tls/cert.pem" ] || fail "a certificate was generated for a portal that is not started"
! portal_curl /api/v1/health >/dev/null 2>&1 || fail "the portal's port answers"
"$DSGCTL" status --socket "$t/var/run/dsgctl.sock" >"$t/status" 2>&1 || fail "status: $(cat "$t/status")"
grep -q '^logd ' "$t/status" && grep -q '^ctl ' "$t/status" || fail "status: $(cat "$t/status")"
! grep -q '^portal ' "$t/status" || fail "status lists the portal: $(cat "$t/status")"
"$DSGCTL" role restart portal --socket "$t/var/run/dsgctl.sock" >"$t/rr" 2>&1
rc=$?
[ "$rc" -eq 64 ] || fail "role restart portal: exit $rc: $(cat "$t/rr")"
grep -q 'portal is not in dsgd.roles' "$t/rr" || fail "role restart portal: $(cat "$t/rr")"
sleep 0.3
! log_has 'portal\[[0-9]+\] started' || fail "role restart started the portal"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

# without ctl
rm -rf "${t:?}/var"
printf 'dsgd.roles = "portal"\n' >"$t/dsgd.conf"
: >"$t/log"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log 'master: portal\[[0-9]+\] ready'
log_has 'master: ctl: not in dsgd.roles: not started' || fail "no line for ctl left out"
[ ! -e "$t/var/run/dsgctl.sock" ] || fail "the control socket was created"
portal_curl /api/v1/health | grep -qx '{"status":"ok"}' || fail "health"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
