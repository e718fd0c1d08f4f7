#!/bin/sh
# dsgd_tls_client_reset: 50 TLS clients that send a request and at once reset the connection (SO_LINGER 0), so the portal's answer is written to a dead socket, do not kill the portal (no SIGPIPE: it gets EPIPE), which is never restarted and still answers a normal client afterwards.
# @relation(REQ-RUN-042, REQ-RUN-043)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"

dsgd_start "$DSGD"
wait_log 'portal\[[0-9]+\]: TLS ready'
wait_log 'master: portal\[[0-9]+\] ready'
cat >"$t/rst.py" <<'PY'
import socket, ssl, struct, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
for i in range(50):
    t = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))),
                        server_hostname="localhost")
    t.send(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    t.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    t.close()
PY
python3 "$t/rst.py" "$DSGD_PORT" 2>"$t/py.err" || fail "client: $(cat "$t/py.err")"
sleep 1
printf 'GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -connect "127.0.0.1:$DSGD_PORT" -quiet >"$t/after.out" 2>&1
grep -q '^HTTP/1.1 200 OK' "$t/after.out" || fail "not answered after the resets: $(cat "$t/after.out")"
! log_has 'killed by signal' || fail "$(grep 'killed by signal' "$t/log")"
! log_has 'killed by seccomp' || fail "$(grep 'killed by seccomp' "$t/log")"
[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 1 ] || fail "the portal restarted"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
