#!/bin/sh
# dsgd_log_forward: with log.forward naming two local collectors (openssl s_server with a certificate of a test CA for 127.0.0.1, on two ports) and log.forward_ca that CA, the release dsgd starts the logfwd role; the master connects and hands it the socket, logfwd verifies the collector and sends every record and checkpoint as an RFC 5424 message framed by octet counting over TLS: the collector's bytes are nothing but whole "MSG-LEN SP MSG" frames, every record of the portal's five requests arrives with its source, its seq (1 to 5, in order) and its fields, and a sixth whose message is longer than one 60000-byte batch arrives whole, each message exactly the line `dsgctl log export --format rfc5424` gives for it, records chain (hash over prev and enc), and the checkpoints arrive after the records they sign and verify with openssl against logd's public key; logfwd runs sandboxed (Seccomp 2, NoNewPrivs 1) holding no regular file, nothing is killed by seccomp, the second collector gets the same records on its own connection, and after a clean stop logd's database holds each collector's cursor, at the portal's last record. With log.forward empty (the default) no logfwd runs.
# @relation(REQ-LOG-010, REQ-LOG-047, REQ-RUN-053)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is needed"
sock=$t/var/run/dsgctl.sock

# the default: no collector, no logfwd
dsgd_start "$DSGD"
wait_log 'master: logd\[[0-9]+\] ready'
wait_log 'master: logfwd: log.forward names no collector: not started'
! log_has 'logfwd\[[0-9]+\] started' || fail "logfwd started without log.forward"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
rm -rf "${t:?}/var"
: >"$t/log"

collector_pki
port1=$FWD_PORT port2=$((FWD_PORT + 1))
FWD_PORT=$port2 collector_start c2 good
FWD_PORT=$port1
collector_start c1 good
cat >"$t/dsgd.conf" <<EOF
log.forward = "127.0.0.1:$port1, 127.0.0.1:$port2"
log.forward_ca = "$t/pki/ca.pem"
log.checkpoint_interval = 1s
log.max_field_bytes = 8192
auth.scrypt_n = 1024
EOF
admin_conf >>"$t/dsgd.conf"
dsgd_start "$DSGD" -f "$t/dsgd.conf"
wait_log "master: log.forward 127.0.0.1:$FWD_PORT: connected; socket passed to logfwd \\(connection 1\\)" 10
wait_log "logfwd\\[[0-9]+\\]: forward: 127.0.0.1:$FWD_PORT: connection 1 up: TLSv1\\.[23] [A-Z0-9_-]+, certificate verified" 10
wait_log "logd\\[[0-9]+\\]: forward: 127.0.0.1:$FWD_PORT: connection 1 up: sending from the stored cursor"
wait_log 'master: auth\[[0-9]+\] ready'
admin_login
for i in 1 2 3 4 5; do
    portal_curl "/api/v1/health?n=$i" -o /dev/null || fail "request $i"
done
"$DSGCTL" status --socket "$sock" >/dev/null 2>"$t/err" || fail "dsgctl status: $(cat "$t/err")"
wait_until 20 collector_has c1 portal 5
# the checkpoint that signs portal 5 (log.checkpoint_interval 1s)
cp_covers() {
    python3 "$(dirname "$CONFORMANCE_LIB")/syslog_frames.py" checkpoints "$t/c1.out" 2>/dev/null |
        awk '$1 == "portal" && $2 >= 5 { f = 1 } END { exit !f }'
}
wait_until 20 cp_covers

# logfwd: sandboxed, no file
fwd=$(worker_pid logfwd)
grep -q '^Seccomp:[[:space:]]2$' "/proc/$fwd/status" || fail "logfwd is not under its seccomp filter"
grep -q '^NoNewPrivs:[[:space:]]1$' "/proc/$fwd/status" || fail "logfwd lacks no_new_privs"
for f in /proc/"$fwd"/fd/*; do
    target=$(readlink "$f")
    case $target in
    /dev/null | pipe:* | socket:*) ;;
    *) fail "logfwd holds $target on fd ${f##*/}" ;;
    esac
done

# every message: one of the export's lines, exactly
collector_frames c1 >"$t/c1.msgs"
"$DSGCTL" log export --socket "$sock" --format rfc5424 >"$t/export" 2>"$t/err" ||
    fail "dsgctl log export: $(cat "$t/err")"
"$DSGCTL" log pubkey "$t/var/logd" >"$t/pub.pem" || fail "dsgctl log pubkey"
python3 - "$t/c1.msgs" "$t/export" "$t/cp" <<'PY' || fail "the forwarded messages are wrong"
import hashlib, re, sys
msgs = open(sys.argv[1]).read().splitlines()
export = set(open(sys.argv[2]).read().splitlines())
sd = re.compile(r'^<110>1 (\S+) - dsg-logd - (\S+) \[dsg@32473 source="([^"]*)" seq="([0-9]+)"')
def param(m, k):
    return re.search(r' %s="([^"]*)"' % k, m).group(1)
recs, cps, order = {}, [], []
for m in msgs:
    if m not in export:
        sys.exit("not an export line: " + m[:300])
    g = sd.match(m)
    kind, src, seq = g.group(2), g.group(3), int(g.group(4))
    if kind == "checkpoint":
        cps.append((src, seq, m))
        signed = recs.get(src, {}).get(seq)
        if signed is None:
            sys.exit("checkpoint %s %d before its record" % (src, seq))
        if param(m, "head") != param(signed, "hash"):
            sys.exit("checkpoint %s %d: head is not the record's hash" % (src, seq))
        continue
    recs.setdefault(src, {})[seq] = m
    order.append((src, seq))
portal = [s for (src, s) in order if src == "portal"]
if portal != [1, 2, 3, 4, 5]:
    sys.exit("portal records arrived as %s" % portal)
for seq in range(1, 6):
    m = recs["portal"][seq]
    want = {"url": "/api/v1/health?n=%d" % seq, "method": "GET", "status": "200",
            "source_ip": "127.0.0.1"}
    if "- portal_access [dsg@32473 " not in m or param(m, "type") != "16":
        sys.exit("portal %d is not an access record" % seq)
    for k, v in want.items():
        if param(m, k) != v:
            sys.exit("portal %d: %s is %r, want %r" % (seq, k, param(m, k), v))
for src, rs in recs.items():
    for seq, m in rs.items():
        prev = bytes(32) if param(m, "prev") == "" else bytes.fromhex(param(m, "prev"))
        if hashlib.sha256(prev + bytes.fromhex(param(m, "enc"))).hexdigest() != param(m, "hash"):
            sys.exit("%s %d: the hash does not cover prev and enc" % (src, seq))
        if seq - 1 in rs and param(rs[seq - 1], "hash") != param(m, "prev"):
            sys.exit("%s %d: does not link to %d" % (src, seq, seq - 1))
if "ctl" not in recs or "logd" not in recs:
    sys.exit("no record of ctl or logd arrived: %s" % sorted(recs))
line = cps[-1][2].split("] ", 1)[1]
open(sys.argv[3] + ".msg", "wb").write(line.rsplit(" ", 1)[0].encode())
open(sys.argv[3] + ".sig", "wb").write(bytes.fromhex(line.rsplit(" ", 1)[1]))
print("# %d messages, %d checkpoints" % (len(msgs), len(cps)))
PY
openssl pkeyutl -verify -pubin -inkey "$t/pub.pem" -rawin -in "$t/cp.msg" -sigfile "$t/cp.sig" \
    >/dev/null 2>&1 || fail "a forwarded checkpoint does not verify with logd's public key"

# a record whose message is longer than one batch (60000 bytes) arrives
# whole: 8192 bytes of obs-text in the User-Agent are shown as \xNN
ua=$(head -c 8192 /dev/zero | tr '\0' '\377')
portal_curl "/api/v1/health?n=6&$(head -c 6000 /dev/zero | tr '\0' a)" -H "User-Agent: $ua" \
    -o /dev/null || fail "the long request"
wait_until 20 collector_has c1 portal 6
"$DSGCTL" log export --socket "$sock" --format rfc5424 --source portal >"$t/export" 2>"$t/err" ||
    fail "dsgctl log export: $(cat "$t/err")"
# (sort -u: after a reconnection a message may come twice, REQ-LOG-047; a
# checkpoint of portal 6 names the same source and seq)
collector_frames c1 | grep -F ' source="portal" seq="6" ' | grep -vF ' - checkpoint [' |
    sort -u >"$t/long"
[ "$(wc -l <"$t/long")" -eq 1 ] || fail "portal 6 arrived as $(wc -l <"$t/long") different messages"
[ "$(wc -c <"$t/long")" -gt 60000 ] || fail "portal 6 is only $(wc -c <"$t/long") bytes"
grep -qxFf "$t/long" "$t/export" || fail "portal 6 is not its export line"
echo "# a message of $(wc -c <"$t/long") bytes arrived whole"
sed -n 's/.*\(logfwd\[[0-9]*\]: forward: .*\)/# \1/p' "$t/log" | head -n 2

# the second collector got the same messages, on its own connection
wait_until 20 collector_has c2 portal 6
# (records only: a checkpoint written meanwhile may reach one collector first)
collector_frames c1 | grep -F ' source="portal" ' | grep -vF ' - checkpoint [' | sort -u >"$t/p1"
collector_frames c2 | grep -F ' source="portal" ' | grep -vF ' - checkpoint [' | sort -u >"$t/p2"
[ "$(wc -l <"$t/p1")" -ge 6 ] || fail "the first collector holds $(wc -l <"$t/p1") records of the portal"
cmp -s "$t/p1" "$t/p2" ||
    fail "the two collectors got different records of the portal: $(diff "$t/p1" "$t/p2" | cut -c1-160 | head -n 6)"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! log_has 'killed by seccomp' || fail "a worker was killed by seccomp: $(grep 'killed by seccomp' "$t/log")"
cur=$(sqlite3 "$t/var/logd/audit.db" \
    "SELECT seq FROM forward_cursor WHERE collector = '127.0.0.1:$FWD_PORT' AND source = 'portal'")
[ "$cur" = 6 ] || fail "the stored cursor of portal is '$cur', want 6"
n=$(sqlite3 "$t/var/logd/audit.db" "SELECT count(*) FROM forward_anchor")
[ "$n" = 2 ] || fail "$n collectors have a stored cursor, want 2"
exit 0
