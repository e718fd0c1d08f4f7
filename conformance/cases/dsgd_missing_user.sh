#!/bin/sh
# dsgd_missing_user: dsgd started as root whose worker user does not exist exits 1 with a message naming the user and how to create it, starts no worker, creates no user and leaves no pidfile.
# @relation(REQ-RUN-036, REQ-RUN-024)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root

user=dsg-no-such-user
! id -u "$user" >/dev/null 2>&1 || fail "user $user exists on this machine"
"$DSGD" -d -s "$t/var" -l "127.0.0.1:$DSGD_PORT" -u "$user" 2>"$t/err" &
pid=$!
wait_until 5 not_alive "$pid"
wait "$pid"
got=$?
[ "$got" -eq 1 ] || fail "exit $got, want 1"
grep -q "user '$user' does not exist" "$t/err" || fail "message does not name the user: $(cat "$t/err")"
grep -q "useradd --system --no-create-home --shell /usr/sbin/nologin $user" "$t/err" ||
    fail "message does not say how to create it: $(cat "$t/err")"
grep -q 'dsgd never creates users' "$t/err" || fail "message: $(cat "$t/err")"
! grep -q 'started' "$t/err" || fail "a worker was started"
! id -u "$user" >/dev/null 2>&1 || fail "dsgd created the user"
[ ! -e "$t/var/dsgd.pid" ] || fail "pidfile left behind"
exit 0
