#!/bin/sh
# policy_check_name_unprivileged: check-name works as an unprivileged user, with no daemon, no HOME and an empty environment.
# @relation(REQ-SHARE-005)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091 # lib.sh is followed with -x
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

# The binary and the files it sees are copied into a directory any user can
# read, so that "nobody" can run it wherever the build tree lives.
chmod 0755 "$t" || fail "chmod $t"
cp "$DSGCTL" "$t/dsgctl" || fail "cannot copy $DSGCTL"
chmod 0755 "$t/dsgctl"
printf 'report.pdf\nx.tar.gz\n' >"$t/in"
chmod 0644 "$t/in"

# as USER CMD...: runs CMD as USER (when root) in an empty environment
# (no HOME, no XDG_RUNTIME_DIR, no socket path), from /.
as() {
    user=$1
    shift
    if [ "$(id -u)" -ne 0 ]; then
        (cd / && env -i PATH=/usr/bin:/bin "$@")
    elif command -v setpriv >/dev/null 2>&1; then
        uid=$(id -u "$user") && gid=$(id -g "$user") || return 125
        (cd / && setpriv --reuid="$uid" --regid="$gid" --clear-groups \
            env -i PATH=/usr/bin:/bin "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u "$user" -- env -i PATH=/usr/bin:/bin "$@")
    else
        # su takes one command line: quote each word
        cmd=
        for w in "$@"; do
            cmd="$cmd '$(printf '%s' "$w" | sed "s/'/'\\\\''/g")'"
        done
        (cd / && su -s /bin/sh "$user" -c "exec env -i PATH=/usr/bin:/bin $cmd")
    fi
}

user=nobody
if [ "$(id -u)" -eq 0 ]; then
    id -u "$user" >/dev/null 2>&1 || fail "no user $user to drop to"
    uid=$(as "$user" id -u) || fail "cannot run as $user"
    [ "$uid" -ne 0 ] || fail "still root after dropping to $user"
fi
# no HOME, no XDG_RUNTIME_DIR in the environment the program gets
env_seen=$(as "$user" env)
case $env_seen in
*HOME=* | *XDG_RUNTIME_DIR=* | *DSG*=*) fail "environment not empty: $env_seen" ;;
esac

printf 'allowed\treport.pdf\t-\nforbidden\tx.tar.gz\t.tar.gz\n' >"$t/want"

as "$user" "$t/dsgctl" policy check-name report.pdf x.tar.gz >"$t/out" 2>"$t/err"
got=$?
[ "$got" -eq 1 ] || fail "args as $user: exit $got, want 1: $(cat "$t/err")"
cmp -s "$t/want" "$t/out" || fail "args as $user: wrong output: $(cat "$t/out")"
[ ! -s "$t/err" ] || fail "args as $user: unexpected stderr: $(cat "$t/err")"

as "$user" "$t/dsgctl" policy check-name --stdin <"$t/in" >"$t/out" 2>"$t/err"
got=$?
[ "$got" -eq 1 ] || fail "--stdin as $user: exit $got, want 1: $(cat "$t/err")"
cmp -s "$t/want" "$t/out" || fail "--stdin as $user: wrong output: $(cat "$t/out")"

as "$user" "$t/dsgctl" policy check-name report.pdf >"$t/out" 2>"$t/err"
got=$?
[ "$got" -eq 0 ] || fail "allowed as $user: exit $got, want 0: $(cat "$t/err")"

as "$user" "$t/dsgctl" policy check-name a:b >"$t/out" 2>"$t/err"
got=$?
[ "$got" -eq 2 ] || fail "invalid as $user: exit $got, want 2: $(cat "$t/err")"
exit 0
