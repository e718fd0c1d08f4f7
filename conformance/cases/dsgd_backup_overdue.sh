#!/bin/sh
# dsgd_backup_overdue: dsgd watches the age of its newest verified backup (REQ-BKUP-013; docs/backup.md, "Overdue backups"). bkup.dest holds a verified backup of 2026-11-01 and a failed one of yesterday: at start the master raises its alert (ALERT on its log, naming bkup.dest and the age in hours) and records backup-overdue once, not again within the run; a destination whose newest verified backup is younger than 24 h + bkup.max_duration raises nothing; a running backup's state is not a verified backup.
# @relation(REQ-BKUP-013)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

state() {   # state DEST ID STATE
    printf 'id %s\nstate %s\nstart -\nend -\nroles auth\nmembers 0\nsize 0\nactor dsgd\nreason -\ncurrent -\n' \
        "$2" "$3" >"$1/$2.state"
    chmod 600 "$1/$2.state"
}
started() {   # started DEST: dsgd on it until its roles are ready, then stopped
    printf 'bkup.dest = "%s"\nbkup.allow_same_fs = true\n' "$1" >"$t/gw.conf"
    : >"$t/log"
    dsgd_start "$DSGD" -f "$t/gw.conf"
    wait_log 'master: logd\[[0-9]+\] ready'
    wait_log 'master: portal\[[0-9]+\] ready'
    sleep 1   # a turn of the master's loop after the start
    dsgd_stop
    [ "$got" -eq 0 ] || fail "dsgd exit $got"
}

mkdir -p "$t/old" "$t/fresh"
state "$t/old" 20261101T020000Z verified
state "$t/old" "$(date -u -d yesterday +%Y%m%dT%H%M%SZ)" failed
started "$t/old"
grep -qE "master: ALERT: backup: the newest verified backup in $t/old is [0-9]+ hours old \\(over 24 h \\+ bkup.max_duration\\)" "$t/log" ||
    fail "no alert: $(grep -i backup "$t/log")"
[ "$(grep -c 'ALERT: backup: the newest verified backup' "$t/log")" -eq 1 ] || fail "more than one alert"
"${DSGCTL:?}" log verify --offline --pubkey "$t/var/logd/sign.pub" "$t/var/logd" >/dev/null 2>&1 ||
    fail "the trail does not verify"
sqlite3 "$t/var/logd/audit.db" "SELECT count(*) FROM records WHERE source = 'master' AND instr(body, CAST('backup-overdue' AS BLOB)) > 0" >"$t/n" 2>&1 ||
    fail "sqlite3: $(cat "$t/n")"
[ "$(cat "$t/n")" -eq 1 ] || fail "backup-overdue records: $(cat "$t/n")"

state "$t/fresh" "$(date -u -d '-2 hours' +%Y%m%dT%H%M%SZ)" verified
state "$t/fresh" "$(date -u -d '-1 hours' +%Y%m%dT%H%M%SZ)" running
started "$t/fresh"
! grep -q 'ALERT: backup' "$t/log" || fail "an alert for a fresh backup: $(grep ALERT "$t/log")"
exit 0
