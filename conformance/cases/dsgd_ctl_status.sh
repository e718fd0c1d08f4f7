#!/bin/sh
# dsgd_ctl_status: dsgd serves its control socket from a sandboxed ctl worker: the socket is mode 0660, owner root, group dsgadm, in a 0750 root:dsgadm directory; `dsgctl status` (root) lists portal, logd, ctl, auth and share as running with their pids, a non-zero uid, uptime, restarts and the sandbox the kernel reports (NoNewPrivs 1, seccomp filter, the chroot of logd, auth and share and Landlock ABI), and `--json` gives the same as one JSON object whose figures match /proc; a restarted portal shows one restart; a user in group dsgadm (supplementary) is served, a user outside it is refused by the socket's permissions (exit 77) and, when it can connect, by the ctl worker's SO_PEERCRED/SO_PEERGROUPS check (exit 77, logged with uid, gid and pid); every command and every refusal is logged with uid and pid and recorded in the audit trail (type 102 control: uid, gid, pid, command, result); an unknown command gets `error unknown-command`; no daemon gives exit 69, a bad option 64; administrative paths on the TLS port are 404.
# @relation(REQ-RUN-021, REQ-RUN-023, REQ-RUN-022, REQ-LOG-043, REQ-ACCT-019)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
command -v setpriv >/dev/null 2>&1 || fail "setpriv (util-linux) is needed"
adm_gid=$(getent group dsgadm | cut -d: -f3)
nobody_uid=$(id -u nobody)
sock=$t/var/run/dsgctl.sock
chmod 755 "$t"   # nobody must reach the socket's directory

dsgd_start "$DSGD"
wait_log 'master: control socket .*/var/run/dsgctl\.sock \(mode 0660, group dsgadm\)'
wait_log 'master: ctl\[[0-9]+\] ready'
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'master: logd\[[0-9]+\] ready'

[ "$(stat -c '%a %U %G %F' "$sock")" = "660 root dsgadm socket" ] || fail "socket: $(stat -c '%a %U %G %F' "$sock")"
[ "$(stat -c '%a %U %G' "$t/var/run")" = "750 root dsgadm" ] || fail "socket dir: $(stat -c '%a %U %G' "$t/var/run")"

# the table
"$DSGCTL" status --socket "$sock" >"$t/table" 2>"$t/err" || fail "status: exit $? $(cat "$t/err")"
head -n 1 "$t/table" | grep -q "^dsgd 0\.1\.0, pid $dsgd_pid, up [0-9]*s, configuration generation 1, sandbox on$" ||
    fail "status head: $(head -n 1 "$t/table")"
for role in portal logd ctl auth share; do
    grep -Eq "^$role +running +[0-9]+ +[1-9][0-9]* +[0-9]+s +0 +yes +filter " "$t/table" ||
        fail "status row of $role: $(cat "$t/table")"
done
grep -Eq "^logd .* $t/var/logd\$" "$t/table" || fail "logd's root is not its directory: $(grep ^logd "$t/table")"
grep -Eq "^auth .* $t/var/auth\$" "$t/table" || fail "auth's root is not its directory: $(grep ^auth "$t/table")"
grep -Eq "^share .* $t/var/share\$" "$t/table" || fail "share's root is not its directory: $(grep ^share "$t/table")"

# JSON, checked against /proc
"$DSGCTL" status --json --socket "$sock" >"$t/json" 2>"$t/err" || fail "status --json: exit $? $(cat "$t/err")"
python3 - "$t/json" "$dsgd_pid" "$t/var/logd" <<'PY' || fail "status --json does not match /proc: $(cat "$t/json")"
import json, os, sys
doc = json.load(open(sys.argv[1]))
assert doc["pid"] == int(sys.argv[2]) and doc["sandbox"] == "on", doc
roles = {r["name"]: r for r in doc["roles"]}
assert sorted(roles) == ["auth", "ctl", "logd", "portal", "share"], roles
for name, r in roles.items():
    status = dict(l.split(":", 1) for l in open("/proc/%d/status" % r["pid"]).read().splitlines() if ":" in l)
    assert r["state"] == "running", r
    assert r["uid"] == int(status["Uid"].split()[0]) != 0, (r, status["Uid"])
    assert r["no_new_privs"] == int(status["NoNewPrivs"]) == 1, r
    assert r["seccomp"] == int(status["Seccomp"]) == 2, r
    assert r["root"] == os.readlink("/proc/%d/root" % r["pid"]), r
    assert r["restarts"] == 0 and r["uptime_ms"] >= 0, r
assert roles["logd"]["root"] == sys.argv[3], roles["logd"]
assert roles["auth"]["root"] == sys.argv[3][:-len("logd")] + "auth", roles["auth"]
assert roles["share"]["root"] == sys.argv[3][:-len("logd")] + "share", roles["share"]
PY

# a member of dsgadm (supplementary group only) is served
setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --groups="$adm_gid" -- \
    "$DSGCTL" status --socket "$sock" >"$t/member" 2>"$t/err" || fail "dsgadm member: exit $? $(cat "$t/err")"
grep -q '^portal ' "$t/member" || fail "dsgadm member: $(cat "$t/member")"
log_has "ctl\\[[0-9]+\\]: uid $nobody_uid pid [0-9]+: status: ok" || fail "the member's command is not logged"

# a user outside dsgadm: refused by the socket's mode ...
setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --clear-groups -- \
    "$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err"
[ $? -eq 77 ] || fail "non-member: want exit 77, got $? $(cat "$t/err")"
grep -q 'Permission denied' "$t/err" || fail "non-member: $(cat "$t/err")"
# ... and, when it can connect at all, by the ctl worker's own check
chmod 0755 "$t/var/run"
chmod 0666 "$sock"
setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --clear-groups -- \
    "$DSGCTL" status --socket "$sock" >"$t/out" 2>"$t/err"
rc=$?
chmod 0660 "$sock"
chmod 0750 "$t/var/run"
[ "$rc" -eq 77 ] || fail "non-member past the mode: want exit 77, got $rc $(cat "$t/err")"
grep -q '(not-authorized)' "$t/err" || fail "non-member past the mode: $(cat "$t/err")"
log_has "ctl\\[[0-9]+\\]: refused uid $nobody_uid gid $(id -g nobody) pid [0-9]+: not uid 0 and not in group dsgadm: status" ||
    fail "the refusal is not logged"

# an unknown command, sent raw
printf 'reboot now\n' | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.buffer.read())
print(s.makefile("rb").read().decode(), end="")' "$sock" >"$t/raw"
grep -q '^error unknown-command ' "$t/raw" || fail "unknown command: $(cat "$t/raw")"
log_has 'ctl\[[0-9]+\]: uid 0 pid [0-9]+: reboot now: error unknown-command' || fail "unknown command not logged"

# usage and an absent daemon
"$DSGCTL" status --bogus >/dev/null 2>&1; [ $? -eq 64 ] || fail "bad option: want 64"
"$DSGCTL" status --socket "$t/nowhere.sock" >/dev/null 2>"$t/err"; [ $? -eq 69 ] || fail "no daemon: want 69"
grep -q 'cannot reach dsgd' "$t/err" || fail "no daemon: $(cat "$t/err")"

# a restarted portal counts one restart
old=$(sed -n 's/^portal *running *\([0-9]*\) .*/\1/p' "$t/table")
kill -9 "$old"
wait_until 10 sh -c "'$DSGCTL' status --socket '$sock' | grep -Eq '^portal +running +[0-9]+ +[0-9]+ +[0-9]+s +1 '"

# the TLS port has no administrative paths
for p in /api/v1/status /api/v1/admin /api/v1/ctl /status /admin /api/v1/log/verify; do
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n' "$p" |
        python3 "$(dirname "$CONFORMANCE_LIB")/https_raw.py" "$DSGD_PORT" "$t/var/tls/cert.pem" --wait 1 >"$t/out" 2>"$t/err" ||
        fail "GET $p: $(cat "$t/err")"
    grep -q '^404	-	{"error":"not-found"' "$t/out" || fail "GET $p: $(cat "$t/out")"
done

! log_has 'killed by seccomp' || fail "$(grep 'killed by seccomp' "$t/log")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
[ ! -e "$sock" ] || fail "the control socket is left behind"

# every command and refusal is in the audit trail, with the kernel's uid, gid and pid
"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
python3 - "$t/export" "$nobody_uid" <<'PY' || fail "control records: $(grep '"control"' "$t/export" | head -5)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ctl = [r["fields"] for r in rows if r["source"] == "ctl" and r["type"] == 102]
seen = {(f["uid"], f["command"], f["result"]) for f in ctl}
nobody = sys.argv[2]
for want in [("0", "status", "ok"), ("0", "status --json", "ok"), (nobody, "status", "ok"),
             (nobody, "status", "not-authorized"), ("0", "reboot now", "unknown-command")]:
    assert want in seen, (want, seen)
assert all(f["pid"].isdigit() and int(f["pid"]) > 1 and f["gid"].isdigit() for f in ctl), ctl
PY
exit 0
