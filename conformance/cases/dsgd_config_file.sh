#!/bin/sh
# dsgd_config_file: `dsgd -n` checks the embedded defaults and a configuration file and exits 0 saying so; a file with an unknown key, a duplicate key, a malformed value, a value out of range or a syntax error makes `dsgd -n` exit 1 with FILE:LINE, the key and the problem on stderr, and a dsgd started with such a file exits 1 the same way without starting anything; a missing file is named; values from the file take effect (the portal listens on the address portal.listen in the file names).
# @relation(REQ-RUN-018)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

check_ok() {
    "$DSGD" -n "$@" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq 0 ] || fail "dsgd -n $*: exit $rc: $(cat "$t/err")"
    grep -q 'configuration OK' "$t/out" || fail "dsgd -n $*: no OK line: $(cat "$t/out")"
}

# check_bad FILE-CONTENT EXPECTED-STDERR-ERE
check_bad() {
    printf '%b' "$1" >"$t/bad.conf"
    "$DSGD" -n -f "$t/bad.conf" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq 1 ] || fail "dsgd -n on '$1': exit $rc, want 1"
    grep -Eq -- "$2" "$t/err" || fail "dsgd -n on '$1': stderr '$(cat "$t/err")' does not match '$2'"
    [ ! -s "$t/out" ] || fail "dsgd -n on '$1' printed: $(cat "$t/out")"
}

check_ok
printf '# a comment\n\nportal.header_timeout = 30s\r\nshare.forbidden_extensions_extra = ".foo, bar"\n' >"$t/good.conf"
check_ok -f "$t/good.conf"

check_bad 'portal.header_timeout = 30s\nportal.bogus = 1\n' "bad\\.conf:2:1: portal\\.bogus: unknown key"
check_bad 'portal.listen = "127.0.0.1:1"\nportal.listen = "127.0.0.1:2"\n' "bad\\.conf:2:.*portal\\.listen.*(duplicate|line 1)"
check_bad 'portal.header_timeout = soon\n' "bad\\.conf:1:.*portal\\.header_timeout"
check_bad 'portal.max_connections = 300\n' "bad\\.conf:1:.*portal\\.max_connections.*(range|256)"
check_bad 'portal.listen "127.0.0.1:1"\n' "bad\\.conf:1:"
check_bad 'portal.listen = "127.0.0.1:99999"\n' "bad port"
"$DSGD" -n -f "$t/no-such.conf" >"$t/out" 2>"$t/err"
[ $? -eq 1 ] && grep -q 'no-such\.conf' "$t/err" || fail "a missing file is not named: $(cat "$t/err")"

# a bad file stops dsgd before anything starts
"$DSGD" -d -s "$t/var-bad" -f "$t/bad.conf" 2>"$t/err"
[ $? -eq 1 ] || fail "dsgd started with a bad file"
[ ! -e "$t/var-bad" ] || fail "dsgd created its state directory despite a bad file"

# values from the file take effect: dsgd started without -l listens where the file says
need_root
need_dsg_user
printf 'portal.listen = "127.0.0.1:%s"\ndsgd.shutdown_timeout = 5s\n' "$DSGD_PORT" >"$t/run.conf"
"$DSGD" -d -s "$t/var" -f "$t/run.conf" 2>>"$t/log" &
dsgd_pid=$!
trap 'dsgd_cleanup' EXIT
wait_log "portal\\[[0-9]+\\]: TLS ready" 10
tls_probe file -tls1_3
[ "$got" -eq 0 ] || fail "no TLS on the port portal.listen names: $(cat "$t/file.out")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
