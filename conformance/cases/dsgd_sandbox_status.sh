#!/bin/sh
# dsgd_sandbox_status: every worker of a root-started release dsgd is re-exec'd with only fds 0-3 (the portal also 4, its listening socket; its setup pipe, fd 5, is read and closed before the sandbox; logd also 4, the socket backup pipes come on, and the files of its audit store, opened once sandboxed), runs as dsg with NoNewPrivs 1 and Seccomp 2; logd is chrooted to var/logd (0700, owned by dsg) under Landlock where offered; the handshake completes.
# @relation(REQ-RUN-002, REQ-RUN-030, REQ-RUN-032, REQ-RUN-005)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready \(HELLO version 1\)'
wait_log 'master: logd\[[0-9]+\] ready \(HELLO version 1\)'
wait_log 'logd\[[0-9]+\]: sandbox complete'
wait_log 'portal\[[0-9]+\]: sandbox complete'
dsg_uid=$(id -u dsg)
master_exe=$(readlink "/proc/$dsgd_pid/exe")

n=0
for role in portal logd; do
    pid=$(worker_pid "$role")
    alive "$pid" || fail "$role worker not running (pid '$pid')"
    st=/proc/$pid/status
    grep -q '^NoNewPrivs:[[:space:]]1$' "$st" || fail "$role: NoNewPrivs is not 1: $(grep NoNewPrivs "$st")"
    grep -q '^Seccomp:[[:space:]]2$' "$st" || fail "$role: Seccomp is not 2: $(grep Seccomp: "$st")"
    # real, effective, saved and filesystem uid: all dsg, none 0
    uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")
    [ "$uids" = "$dsg_uid $dsg_uid $dsg_uid $dsg_uid" ] || fail "$role: Uid is '$uids', want $dsg_uid x4"
    grep -q '^Groups:[[:space:]]*$' "$st" || fail "$role: supplementary groups kept: $(grep Groups "$st")"
    # re-exec'd from the master's binary as --worker ROLE (OpenSSH style)
    [ "$(readlink "/proc/$pid/exe")" = "$master_exe" ] || fail "$role: not the master's binary"
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    case $cmd in
    *" --worker $role "*) ;;
    *) fail "$role: command line '$cmd'" ;;
    esac
    # every other descriptor closed: 0, 1, 2 (log pipe), 3 (IPC socket);
    # the portal keeps 4 (the listening socket) and has closed 5 (setup pipe);
    # logd keeps 4 (the socket backup pipes come on, docs/backup.md) and
    # its 5 and up are its audit store, opened once sandboxed (docs/audit.md)
    want="0 1 2 3 "
    [ "$role" = portal ] && want="0 1 2 3 4 "
    fds=$(ls "/proc/$pid/fd" | sort -n | tr '\n' ' ')
    if [ "$role" = logd ]; then
        want="0 1 2 3 4 "
        readlink "/proc/$pid/fd/4" | grep -q '^socket:' || fail "logd: fd 4 is not a socket"
        for fd in $(ls "/proc/$pid/fd" | sort -n); do
            [ "$fd" -ge 5 ] || continue
            case $(readlink "/proc/$pid/fd/$fd") in
            "$t/var/logd/"audit.db | "$t/var/logd/"audit.db-wal | "$t/var/logd/"audit.db-shm | "$t/var/logd/"anchor.log) ;;
            *) fail "logd: fd $fd is $(readlink "/proc/$pid/fd/$fd"), not a file of its store" ;;
            esac
        done
        fds=$(ls "/proc/$pid/fd" | sort -n | awk '$1 < 5' | tr '\n' ' ')
    fi
    [ "$fds" = "$want" ] || fail "$role: open descriptors '$fds', want $want"
    readlink "/proc/$pid/fd/3" | grep -q '^socket:' || fail "$role: fd 3 is not a socket"
    n=$((n + 1))
done
[ "$n" -eq 2 ] || fail "checked $n workers, want 2"

# logd is confined to var/logd: chroot (its root is that directory)
logd=$(worker_pid logd)
[ "$(readlink "/proc/$logd/root")" = "$t/var/logd" ] ||
    fail "logd root is $(readlink "/proc/$logd/root"), want $t/var/logd"
[ "$(readlink "/proc/$(worker_pid portal)/root")" = / ] || fail "portal should not be chrooted"
[ "$(stat -c '%a %U' "$t/var/logd")" = "700 dsg" ] ||
    fail "var/logd is $(stat -c '%a %U' "$t/var/logd"), want 700 dsg"
# the log says whether Landlock is in force
log_has 'logd\[[0-9]+\]: sandbox: uid [0-9]+ gid [0-9]+, chroot .*/var/logd, Landlock (active \(ABI [0-9]+\)|unavailable)' ||
    fail "logd's sandbox line does not say chroot and Landlock state"
# timestamps: UTC RFC 3339 with milliseconds on every master line
bad=$(grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z dsgd\[[0-9]+\] ' "$t/log" | head -n 1)
[ -z "$bad" ] || fail "log line without an RFC 3339 UTC millisecond timestamp: $bad"

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got after SIGTERM"
exit 0
