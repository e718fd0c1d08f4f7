#!/bin/sh
# dsgd_backup_daily: the daily backup (REQ-BKUP-001, docs/backup.md "The daily timer"). A bkup.daily_time that is not HH:MM (24:00, 2:00) and a bkup.recipient_pubkey that holds a private key are refused at start (exit 1, naming the key). With bkup.dest holding an earlier backup's state (2020-01-01), bkup.daily_time two minutes ago and bkup.catch_up_delay = 3s, dsgd, which was not running at that time, starts the missed backup by itself within the delay of its start: its log says the daily backup is due, and DEST/ID.state soon says verified, actor dsgd, roles auth,logd,share, and the backup directory is there; no second backup follows within the next 3 s. Started again, dsgd starts none (today's was made).
# @relation(REQ-BKUP-001)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user

dest=$t/dest
mkdir -p "$dest"
"$DSGCTL" backup keygen --out "$t/op.key" --pub "$t/op.pub" >/dev/null 2>"$t/err" ||
    fail "keygen: $(cat "$t/err")"
conf() {
    {
        printf 'bkup.dest = "%s"\nbkup.allow_same_fs = true\n' "$dest"
        printf 'bkup.recipient_pubkey = "%s"\n' "${2:-$t/op.pub}"
        printf 'bkup.daily_time = "%s"\nbkup.catch_up_delay = 3s\n' "$1"
    } >"$t/gw.conf"
}

conf 24:00
start_refused "24:00" "bkup.daily_time: HH:MM \\(UTC, 00:00 to 23:59\\), not '24:00'" -f "$t/gw.conf"
conf 2:00
start_refused "2:00" "bkup.daily_time" -f "$t/gw.conf"
conf 02:00 "$t/op.key"
start_refused "private key" "bkup.recipient_pubkey $t/op.key holds a private key" -f "$t/gw.conf"

# an earlier backup, the daily time missed while dsgd was down
printf 'id 20200101T000000Z\nstate verified\n' >"$dest/20200101T000000Z.state"
conf "$(date -u -d '2 minutes ago' +%H:%M)"
start=$(date +%s)
dsgd_start "$DSGD" -f "$t/gw.conf"
made() { [ "$(grep -l '^state verified$' "$dest"/*.state 2>/dev/null | wc -l)" -ge 2 ]; }
wait_until 30 made || fail "no catch-up backup: $(ls "$dest"; grep backup "$t/log")"
new=$(ls "$dest" | grep -v '^20200101' | grep '\.state$')
id=${new%.state}
[ -d "$dest/$id" ] || fail "no backup directory $id"
grep -qx 'actor dsgd' "$dest/$new" || fail "$new: $(cat "$dest/$new")"
grep -qx 'roles auth,logd,share' "$dest/$new" || fail "$new: $(cat "$dest/$new")"
log_has 'master: backup: the daily backup is due' || fail "no log line: $(grep backup "$t/log")"
took=$(( $(date +%s) - start ))
[ "$took" -le 12 ] || fail "the catch-up came $took s after the start"
sleep 3
[ "$(ls "$dest" | grep -c '\.state$')" -eq 2 ] || fail "a second backup: $(ls "$dest")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"

# started again: today's backup is there, none is started
: >"$t/log"
dsgd_start "$DSGD" -f "$t/gw.conf"
wait_log 'master: share\[[0-9]+\] ready' 10
sleep 5
[ "$(ls "$dest" | grep -c '\.state$')" -eq 2 ] || fail "a backup after the restart: $(ls "$dest")"
! log_has 'daily backup is due' || fail "the timer fired again: $(grep backup "$t/log")"
dsgd_stop
exit 0
