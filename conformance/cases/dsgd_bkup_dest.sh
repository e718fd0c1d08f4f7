#!/bin/sh
# dsgd_bkup_dest: dsgd checks bkup.dest against its state directory when it starts (REQ-BKUP-016). Refused with exit 1, a message naming the directory and no worker started and no pidfile left: a destination that does not exist, one inside the state directory, one that holds the state directory, and one on the state directory's filesystem while bkup.allow_same_fs is false (the message names bkup.allow_same_fs). With bkup.allow_same_fs = true that destination is accepted, dsgd starts and logs a WARNING naming it, again at the next start; a destination on another filesystem (/dev/shm, where this machine has a tmpfs on another device) starts without a warning; no bkup.dest starts as before.
# @relation(REQ-BKUP-016)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

refused() { start_refused "$1" "$2" -f "$t/gw.conf"; }

# started WANT-WARNING: dsgd starts on gw.conf, its portal ready, then stops;
# its log holds the warning or, with WANT-WARNING 0, none
started() {
    : >"$t/log"
    dsgd_start "$DSGD" -f "$t/gw.conf"
    wait_log 'master: portal\[[0-9]+\] ready'
    dsgd_stop
    [ "$got" -eq 0 ] || fail "dsgd exit $got"
    if [ "$1" -eq 1 ]; then
        grep -q "WARNING: bkup.dest $t/same is on the filesystem of the state directory" "$t/log" ||
            fail "no warning: $(grep -i bkup "$t/log")"
    else
        ! grep -q 'WARNING: bkup.dest' "$t/log" || fail "a warning: $(grep WARNING "$t/log")"
    fi
}

mkdir -p "$t/var/inside" "$t/same"
printf 'bkup.dest = "%s"\n' "$t/missing" >"$t/gw.conf"
refused missing "bkup.dest $t/missing: No such file or directory"
printf 'bkup.dest = "%s"\nbkup.allow_same_fs = true\n' "$t/var/inside" >"$t/gw.conf"
refused inside "bkup.dest $t/var/inside and the state directory $t/var lie one inside the other"
printf 'bkup.dest = "%s"\nbkup.allow_same_fs = true\n' "$t" >"$t/gw.conf"
refused holding "lie one inside the other"
printf 'bkup.dest = "%s"\n' "$t/same" >"$t/gw.conf"
refused same-fs "bkup.dest $t/same is on the filesystem of the state directory $t/var .*bkup.allow_same_fs = true"

printf 'bkup.dest = "%s"\nbkup.allow_same_fs = true\n' "$t/same" >"$t/gw.conf"
started 1
started 1   # at every start

: >"$t/gw.conf"
started 0
if [ -d /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$t/var")" ]; then
    other=$(mktemp -d /dev/shm/dsg-bkdest.XXXXXX)
    printf 'bkup.dest = "%s"\n' "$other" >"$t/gw.conf"
    started 0
    rmdir "$other"
else
    echo "# no tmpfs on another device at /dev/shm: another filesystem not checked"
fi
exit 0
