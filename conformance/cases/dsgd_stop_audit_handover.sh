#!/bin/sh
# dsgd_stop_audit_handover: a clean stop keeps every access record the portal queued before it: 60 requests answered, then SIGTERM at once, while logd commits slowly (test hook slow-commit: the portal's bus window is full and most records wait in its queue), the same with SIGHUP restarting the portal for changed portal settings, and on the release build as it runs; every request's 別紙 #16 record is in the offline export, in order, and after the stop the final checkpoint covers every record. When logd commits nothing at all (test hook no-commit), the stop still ends within dsgd.shutdown_timeout and the log counts every record lost: what the portal could not hand over and what logd never confirmed add up to the 60 requests, and none is stored.
# @relation(REQ-LOG-043, REQ-LOG-031, REQ-RUN-009)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
n=60

# burst TAG [SIGNAL]: n GETs on one keep-alive connection, User-Agent
# TAG-1..TAG-n, each answered 200, then SIGNAL (default TERM) to the master
# as soon as the last answer is in; $t/TAG.term holds when (ns since the epoch)
burst() {
    python3 - "$DSGD_PORT" "$t/var/tls/cert.pem" "$1" "$n" "$dsgd_pid" "${2:-TERM}" <<'PY' || fail "requests $1"
import http.client, os, signal, socket, ssl, sys, time
port, ca, tag, n, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
sig = getattr(signal, "SIG" + sys.argv[6])
ctx = ssl.create_default_context(cafile=ca)
c = http.client.HTTPSConnection("localhost", port, context=ctx)
c.sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), 10), server_hostname="localhost")
for i in range(1, n + 1):
    c.request("GET", "/api/v1/health?n=%d" % i, headers={"User-Agent": "%s-%d" % (tag, i)})
    r = c.getresponse()
    r.read()
    assert r.status == 200, (i, r.status)
open(os.environ["CONFORMANCE_TMP"] + "/" + tag + ".term", "w").write("%d\n" % time.time_ns())
os.kill(pid, sig)
PY
}

# records TAG: the User-Agents of TAG's access records in the offline export,
# one per line, in store order
records() {
    "$DSGCTL" log export --offline "$t/var/logd" --format jsonl --source portal --type 16 >"$t/export" ||
        fail "export"
    python3 - "$t/export" "$1" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["type"] == 16 and r["fields"]["user_agent"].startswith(sys.argv[2] + "-"):
        print(r["fields"]["user_agent"])
PY
}

# stopped: the master exits 0 on its own (dsgd_stop without the SIGTERM)
stopped() {
    wait_until 15 not_alive "$dsgd_pid"
    wait "$dsgd_pid"
    got=$?
    [ "$got" -eq 0 ] || fail "dsgd exit $got"
}

seq "$n" | sed 's/^/slow-/' >"$t/want.slow"
seq "$n" | sed 's/^/reload-/' >"$t/want.reload"
seq "$n" | sed 's/^/release-/' >"$t/want.release"

# 1. logd slow: the records wait in the portal's queue when SIGTERM comes
DSG_TEST_HOOK=logd:slow-commit dsgd_start "$DSGD_TEST"
wait_log 'logd\[[0-9]+\]: test hook slow-commit: running'
wait_log 'master: portal\[[0-9]+\] ready'
burst slow
stopped
log_has 'logd\[[0-9]+\]: audit: final checkpoint written' || fail "no final checkpoint"
! log_has 'records dropped|lost|not confirmed' || fail "$(grep -E 'dropped|lost|confirmed' "$t/log")"
records slow >"$t/got.slow"
cmp -s "$t/want.slow" "$t/got.slow" ||
    fail "slow logd: $(wc -l <"$t/got.slow") of $n access records stored: $(tr '\n' ' ' <"$t/got.slow")"
"$DSGCTL" log pubkey "$t/var/logd" >"$t/pub" || fail "pubkey"
"$DSGCTL" log verify --offline --pubkey "$t/pub" "$t/var/logd" >"$t/verify" 2>&1 ||
    fail "verify: $(cat "$t/verify")"
grep -q '; 0 record(s) after the last checkpoint' "$t/verify" ||
    fail "records outside the final checkpoint: $(cat "$t/verify")"

# 2. the same for the portal's restart on SIGHUP (portal settings changed)
mv "$t/log" "$t/log.slow"
printf 'portal.hsts_max_age = 600\nlog.ack_timeout = 10s\n' >"$t/dsgd.conf"
DSG_TEST_HOOK=logd:slow-commit dsgd_start "$DSGD_TEST" -f "$t/dsgd.conf"
wait_log 'logd\[[0-9]+\]: test hook slow-commit: running'
wait_log 'master: portal\[[0-9]+\] ready'
printf 'portal.hsts_max_age = 1200\nlog.ack_timeout = 10s\n' >"$t/dsgd.conf"
burst reload HUP
wait_log 'master: SIGHUP: configuration reloaded, generation 2; restarting the portal'
wait_until 15 sh -c "[ \"\$(grep -c 'master: portal\\[[0-9]*\\] ready' '$t/log')\" -eq 2 ]"
log_has 'master: portal\[[0-9]+\] exited with status 0' ||
    fail "the portal did not stop cleanly for the reload: $(grep -E 'portal\[|SIGHUP' "$t/log" | tail -n 20)"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! log_has 'records dropped|lost|not confirmed' || fail "$(grep -E 'dropped|lost|confirmed' "$t/log")"
records reload >"$t/got.reload"
cmp -s "$t/want.reload" "$t/got.reload" ||
    fail "portal restart: $(wc -l <"$t/got.reload") of $n access records stored"

# 3. the release build, as it runs
mv "$t/log" "$t/log.reload"
dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
burst release
stopped
! log_has 'records dropped|lost|not confirmed' || fail "$(grep -E 'dropped|lost|confirmed' "$t/log")"
records release >"$t/got.release"
cmp -s "$t/want.release" "$t/got.release" ||
    fail "release: $(wc -l <"$t/got.release") of $n access records stored"

# 4. logd commits nothing: the stop is bounded, and the loss is counted
mv "$t/log" "$t/log.release"
DSG_TEST_SHUTDOWN_MS=2000 DSG_TEST_HOOK=logd:no-commit dsgd_start "$DSGD_TEST"
wait_log 'logd\[[0-9]+\]: test hook no-commit: running'
wait_log 'master: portal\[[0-9]+\] ready'
burst stalled
stopped
took=$(( ($(date +%s%N) - $(cat "$t/stalled.term")) / 1000000 ))
[ "$took" -lt 2600 ] || fail "dsgd took $took ms to stop (timeout 2000 ms)"
echo "# logd committing nothing: stopped $took ms after SIGTERM (dsgd.shutdown_timeout 2000 ms)"
portal_lost=$(sed -n 's/.*portal\[[0-9]*\]: audit: \([0-9]*\) record(s) still queued at SHUTDOWN .* lost.*/\1/p' "$t/log")
master_lost=$(sed -n 's/.*master: audit: \([0-9]*\) record(s) of the roles .* lost.*/\1/p' "$t/log")
# the portal says nothing when it handed every record over before the stop
# (its queue drains whenever the master's window has room)
if [ -z "$portal_lost" ] && ! log_has 'portal\[[0-9]+\]: audit: .*SHUTDOWN'; then
    portal_lost=0
fi
[ -n "$portal_lost" ] && [ -n "$master_lost" ] && [ $((portal_lost + master_lost)) -eq "$n" ] ||
    fail "lost: portal '$portal_lost' + master '$master_lost' != $n: $(grep -E 'lost|SHUTDOWN|hand' "$t/log")"
[ -z "$(records stalled)" ] || fail "records stored although logd committed nothing"
exit 0
