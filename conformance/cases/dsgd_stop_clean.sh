#!/bin/sh
# dsgd_stop_clean: on SIGTERM dsgd stops accepting connections (once the portal has gone the port refuses connections although the master still runs, here waiting for a ctl that ignores SHUTDOWN, a test hook), aborts the in-flight request of a connected TLS client (its connection is closed), stops every worker, SIGKILLs one still running three quarters into dsgd.shutdown_timeout (3 s in this test build, so at 2250 ms), lets logd stop last in the quarter kept for it and write its final checkpoint, removes its pidfile and exits 0 within the timeout.
# @relation(REQ-RUN-009)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"

DSG_TEST_SHUTDOWN_MS=3000 DSG_TEST_HOOK=ctl:no-shutdown dsgd_start "$DSGD_TEST"
wait_log 'ctl\[[0-9]+\]: test hook no-shutdown: SHUTDOWN will be ignored'
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'

# a client in the middle of a request: handshake done, head not complete
python3 - "$DSGD_PORT" "$t/var/tls/cert.pem" "$t/client" <<'PY' &
import socket, ssl, sys, time
ctx = ssl.create_default_context(cafile=sys.argv[2])
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="localhost")
s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n")
open(sys.argv[3], "w").write("connected\n")
s.settimeout(20)
try:
    got = s.recv(4096)
except (ssl.SSLError, OSError) as e:
    got = b""
open(sys.argv[3], "a").write("closed %r\n" % got[:40])
PY
client=$!
wait_until 5 grep -q connected "$t/client"

start=$(date +%s%N)
kill -TERM "$dsgd_pid"
wait_log 'master: portal\[[0-9]+\] exited with status 0'
wait_until 5 grep -q '^closed' "$t/client"
alive "$dsgd_pid" || fail "the master exited before ctl's shutdown timeout"
python3 - "$DSGD_PORT" <<'PY' || fail "the port still accepts connections while dsgd stops"
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2).close()
except ConnectionRefusedError:
    sys.exit(0)
sys.exit(1)
PY
wait_until 10 not_alive "$dsgd_pid"
wait "$dsgd_pid"; got=$?
took=$(( ($(date +%s%N) - start) / 1000000 ))
wait "$client" 2>/dev/null
[ "$got" -eq 0 ] || fail "dsgd exit $got"
[ "$took" -lt 3600 ] || fail "dsgd took $took ms to stop (timeout 3000 ms)"
log_has 'master: ctl\[[0-9]+\] did not stop within 2250 ms: SIGKILL' || fail "ctl was not killed three quarters into the timeout"
log_has 'master: logd\[[0-9]+\]: audit: final checkpoint written' || fail "no final checkpoint"
log_has 'master: stopped' || fail "no 'stopped'"
[ ! -e "$t/var/dsgd.pid" ] || fail "the pidfile is left behind"
[ -z "$(descendants "$dsgd_pid")" ] || fail "a worker is left"
exit 0
