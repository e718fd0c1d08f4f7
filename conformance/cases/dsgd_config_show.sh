#!/bin/sh
# dsgd_config_show: `dsgctl config show` prints through the control socket the configuration the running dsgd uses, one line per registry key in dsgd.conf syntax marked `# FILE:LINE` for a value from the file of -f, `# command line -s|-l` for an option, or `# default (source: ...)` with the default's source, the paths as resolved (the pidfile under the state directory); the output loads with `dsgd -n`; `--json` says the same per key (origin, file and line, option, default, source); after a SIGHUP that changes the file the new values and lines are shown with the new generation, while a restart-only key the file changed keeps the value in force; bad options exit 64, and each call is recorded as a control command.
# @relation(REQ-RUN-018)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
need_dsgadm_group
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
sock=$t/var/run/dsgctl.sock

printf '# gateway\n\ndsgd.restart_burst = 4\nportal.max_connections = 32\nlog.ack_timeout = 3s\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
"$DSGCTL" config show --socket "$sock" >"$t/show" 2>"$t/err"
[ $? -eq 77 ] && grep -q admin_login_required "$t/err" || fail "config show without a login: $(cat "$t/err")"
admin_login

"$DSGCTL" config show --socket "$sock" >"$t/show" 2>"$t/err" || fail "config show: exit $? $(cat "$t/err")"
has() { grep -Fqx -- "$1" "$t/show" || fail "config show lacks '$1': $(cat "$t/show")"; }
has "# dsgd configuration in force, generation 1"
has "dsgd.restart_burst = 4  # $t/gw.conf:3"
has "portal.max_connections = 32  # $t/gw.conf:4"
has "log.ack_timeout = 3s  # $t/gw.conf:5"
has "dsgd.state_dir = \"$t/var\"  # command line -s"
has "portal.listen = \"127.0.0.1:$DSGD_PORT\"  # command line -l"
has "dsgd.restart_interval = 10s  # default (source: systemd StartLimitIntervalSec default)"
grep -Fq "dsgd.pidfile = \"$t/var/dsgd.pid\"  # default (source: embedded default" "$t/show" || fail "pidfile: $(grep pidfile "$t/show")"
grep -Fq "ctl.socket = \"$sock\"  # default (source:" "$t/show" || fail "ctl.socket: $(grep ctl.socket "$t/show")"
"$DSGD" -n -f "$t/show" >"$t/out" 2>"$t/err" || fail "config show output does not load: $(cat "$t/err")"

"$DSGCTL" config show --json --socket "$sock" >"$t/json" 2>"$t/err" || fail "config show --json: exit $? $(cat "$t/err")"
python3 - "$t/json" "$t/gw.conf" "$t/show" <<'PY' || fail "config show --json: $(head -c 600 "$t/json")"
import json, sys
doc = json.load(open(sys.argv[1]))
keys = {k["key"]: k for k in doc["keys"]}
assert doc["config_generation"] == 1
assert len(keys) == len(doc["keys"]), "a key twice"
shown = [l for l in open(sys.argv[3]) if not l.startswith("#")]
assert len(shown) == len(keys), (len(shown), len(keys))
b = keys["dsgd.restart_burst"]
assert (b["value"], b["origin"], b["file"], b["line"], b["default"]) == ("4", "file", sys.argv[2], 3, "5"), b
assert b["source"] == "systemd StartLimitBurst default", b
assert keys["portal.listen"]["origin"] == "command-line" and keys["portal.listen"]["option"] == "-l"
d = keys["dsgd.restart_delay"]
assert (d["value"], d["origin"]) == ("100ms", "default") and "line" not in d, d
assert all(k["source"] for k in doc["keys"])
PY

# SIGHUP: new values and lines, a new generation; a restart-only key keeps the value in force
printf 'dsgd.restart_burst = 6\nctl.socket = "/tmp/elsewhere.sock"\n\nportal.max_connections = 16\n' >"$t/gw.conf"
admin_conf >>"$t/gw.conf"
kill -HUP "$dsgd_pid"
wait_log 'SIGHUP: configuration reloaded, generation 2'
"$DSGCTL" config show --socket "$sock" >"$t/show" 2>"$t/err" || fail "config show after SIGHUP: $(cat "$t/err")"
has "# dsgd configuration in force, generation 2"
has "dsgd.restart_burst = 6  # $t/gw.conf:1"
has "portal.max_connections = 16  # $t/gw.conf:4"
grep -q '^log\.ack_timeout = 2s  # default' "$t/show" || fail "log.ack_timeout not back to its default"
grep -Fq "ctl.socket = \"$sock\"  # default" "$t/show" || fail "ctl.socket in force: $(grep ctl.socket "$t/show")"

"$DSGCTL" config show --bogus --socket "$sock" >/dev/null 2>"$t/err"; [ $? -eq 64 ] || fail "bad option: want 64"
"$DSGCTL" config bogus >/dev/null 2>"$t/err"; [ $? -eq 64 ] || fail "unknown config command: want 64"
"$DSGCTL" config show --socket "$t/nowhere.sock" >/dev/null 2>&1; [ $? -eq 69 ] || fail "no daemon: want 69"
log_has 'ctl\[[0-9]+\]: uid 0 pid [0-9]+: config show --json: ok' || fail "config show --json not logged"
! log_has 'killed by seccomp' || fail "$(grep 'killed by seccomp' "$t/log")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
