#!/bin/sh
# dsgd_share_fail_closed: the share role stops when the audit trail stops storing its records (REQ-SHARE-019; docs/sharing.md, "When the audit trail stops"). A portal user's area holds one file; log.ack_timeout is 1 s and logd is stopped (SIGSTOP). The rename in flight when logd stopped is answered 503 audit-unavailable after about log.ack_timeout (its change is made, and its record is stored once logd runs again). From then on every request is refused 503 audit-unavailable at once (under 0.9 s), before it reads or changes anything: a second rename, a sub-folder, the first step of an upload, a download (no byte of the file), a listing. The master raises its alert. Once logd runs again (SIGCONT) requests are served again; the file has the first new name, not the second; there is no new folder and no new upload; the trail holds the first rename's record and a refusal record (audit-unavailable) for the requests refused.
# @relation(REQ-SHARE-019)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"

# no PING while logd is stopped: the case is about the audit path, not liveness
SHARE_ACK_TIMEOUT=1s
share_one_file 43 'dsgd.ping_interval = 1h'
share_grant 2 sato 1 "$area_root" rename
logd=$(worker_pid logd)
unavailable='"error":"audit-unavailable"'

# timed NAME WANT ARGS...: share's request, its time in ms in $t/NAME.ms
timed() {
    tn=$1
    shift
    s0=$(date +%s%N)
    "$@"
    echo $((($(date +%s%N) - s0) / 1000000)) >"$t/$tn.ms"
}
refused_at_once() {   # refused_at_once NAME: 503 audit-unavailable under 0.9 s
    grep -qF "$unavailable" "$t/$1.body" || fail "$1: $(head -c 300 "$t/$1.body")"
    [ "$(cat "$t/$1.ms")" -lt 900 ] || fail "$1: answered after $(cat "$t/$1.ms") ms, not at once"
}

kill -STOP "$logd" || fail "cannot stop logd"
# in flight when logd stopped: held, then 503 after log.ack_timeout
post first 503 /api/v1/share/rename "$token" "{\"file\":$file,\"name\":\"first.bin\"}"
grep -qF "$unavailable" "$t/first.body" || fail "first: $(cat "$t/first.body")"
log_has 'master: ALERT: ' || fail "no alert of the master"

# from then on: refused at once, nothing read or changed
timed second post second 503 /api/v1/share/rename "$token" "{\"file\":$file,\"name\":\"second.bin\"}"
refused_at_once second
timed folder post folder 503 /api/v1/share/folders "$token" "{\"parent\":$area_root,\"name\":\"new\"}"
refused_at_once folder
timed upload post upload 503 /api/v1/share/uploads "$token" "{\"folder\":$area_root,\"name\":\"late.bin\",\"size\":10}"
refused_at_once upload
timed download share download 503 GET "/api/v1/share/download?file=$file" "$token"
refused_at_once download
! cmp -s "$t/download.body" "$t/design.bin" || fail "the file was served while logd was stopped"
timed listing share listing 503 GET "/api/v1/share/folder?id=$area_root" "$token"
refused_at_once listing

kill -CONT "$logd" || fail "cannot continue logd"
served() {
    portal_curl "/api/v1/share/folder?id=$area_root" -H "Authorization: Bearer $token" \
        -o "$t/after.body" -w '%{http_code}' >"$t/after.code" 2>&1
    grep -q '^200$' "$t/after.code"
}
i=0
while ! served && [ "$i" -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
served || fail "not served again after logd ran again: $(cat "$t/after.code" "$t/after.body")"
python3 - "$t/after.body" <<'PY' || fail "after: $(cat "$t/after.body")"
import json, sys
a = json.load(open(sys.argv[1]))
names = sorted(c["name"] for c in a["children"] if c["kind"] == "file")
assert names == ["first.bin"], names
assert not any(c["name"] in ("new", "late.bin") for c in a["children"]), a["children"]
PY

"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" || fail "export: $(cat "$t/err")"
python3 - "$t/export" <<'PY' || fail "trail: $(grep -e renamed -e audit-unavailable "$t/export" | head -c 2000)"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
share = [r["fields"] for r in recs if r.get("source") == "share"]
renamed = [f for f in share if f.get("custom_event_name") == "file-renamed"]
assert len(renamed) == 1 and "to=first.bin" in renamed[0]["event_data"], renamed
refused = [f for f in share if f.get("custom_event_name") == "audit-unavailable"]
assert len(refused) >= 5, refused
assert all("refused before it read or changed anything" in f["event_data"] for f in refused), refused
PY
exit 0
