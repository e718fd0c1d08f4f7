#!/bin/sh
# dsgd_log_export_online: `dsgctl log export` without --offline asks the running logd, through the control socket and ctl, for its records: an export larger than one bus message arrives in several pieces, each record with its sequence number and chain values (hash, prev, mac, enc) so that the chain recomputes from the export alone, with the checkpoints that cover the selected records, one of which verifies with openssl against the public key; --type, --source, --since and --until select, JSON Lines and RFC 5424; the online and the offline export of the same selection hold the same records; a client that goes away in the middle leaves dsgd able to answer the next command; bad selections are refused (64) and a user outside dsgadm too (77).
# @relation(REQ-LOG-045, REQ-LOG-010, REQ-LOG-042, REQ-RUN-021)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"
sock=$t/var/run/dsgctl.sock
d=$t/var/logd

{ admin_conf 10; echo 'auth.scrypt_n = 1024'; } >"$t/admin.conf"
up() {
    : >"$t/log"
    dsgd_start "$DSGD" -f "$t/admin.conf"
    for role in portal logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
    wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
    admin_login
}
up
curl -sS --cacert "$t/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
    "https://localhost:$DSGD_PORT/api/v1/health?i=[1-300]" >/dev/null 2>"$t/err" || fail "curl: $(cat "$t/err")"
sleep 1   # the access records on their way to logd
until=$(date -u -d '@'$(($(date +%s) + 1)) +%Y-%m-%dT%H:%M:%SZ)
sleep 1.2
# a stop signs everything with a final checkpoint
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
up

export_online() {   # export_online LABEL WANT-EXIT ARGS...
    label=$1 want=$2
    shift 2
    "$DSGCTL" log export --socket "$sock" "$@" >"$t/out" 2>"$t/err"
    rc=$?
    [ "$rc" -eq "$want" ] || fail "$label: exit $rc, want $want: $(head -c 300 "$t/out") $(cat "$t/err")"
}
count() {   # count PATTERN: lines of the last export holding the fixed string
    grep -cF -- "$1" "$t/out"
}

# everything, in several pieces
export_online "all" 0 --format jsonl
[ "$(count '"type_name":"portal_access"')" -ge 300 ] || fail "all: $(count '"type_name":"portal_access"') access records"
wait_log 'audit: exported [0-9]+ bytes in ([2-9]|[1-9][0-9]+) piece\(s\)'
"$DSGCTL" log pubkey "$d" >"$t/pub.pem" || fail "pubkey"

# the chain recomputes from the export; checkpoints sign heads it holds
python3 - "$t/out" "$t/cp" <<'PY' || fail "the exported chain does not verify: $(cat "$t/err.py" 2>/dev/null)"
import hashlib, json, sys
recs, cps = {}, []
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o["type_name"] == "checkpoint":
        cps.append(o)
    else:
        recs.setdefault(o["source"], {})[o["seq"]] = o
for src, rs in recs.items():
    for seq, o in rs.items():
        prev = bytes(32) if seq == 1 else bytes.fromhex(o["prev"])
        if hashlib.sha256(prev + bytes.fromhex(o["enc"])).hexdigest() != o["hash"]:
            sys.exit("hash of %s %d" % (src, seq))
        if seq - 1 in rs and rs[seq - 1]["hash"] != o["prev"]:
            sys.exit("link of %s %d" % (src, seq))
checked = 0
for c in cps:
    r = recs.get(c["source"], {}).get(c["seq"])
    if r is not None:
        if r["hash"] != c["head"]:
            sys.exit("checkpoint %s %d" % (c["source"], c["seq"]))
        checked += 1
if checked == 0:
    sys.exit("no checkpoint of an exported record")
c = cps[0]
open(sys.argv[2] + ".msg", "wb").write(c["anchor"].rsplit(" ", 1)[0].encode())
open(sys.argv[2] + ".sig", "wb").write(bytes.fromhex(c["sig"]))
PY
openssl pkeyutl -verify -pubin -inkey "$t/pub.pem" -rawin -in "$t/cp.msg" -sigfile "$t/cp.sig" >/dev/null 2>&1 ||
    fail "an exported checkpoint does not verify with the public key"

# selections
export_online "by type" 0 --format jsonl --type system
[ "$(count '"type_name":"system"')" -ge 1 ] || fail "by type: no system record"
[ "$(count '"type_name":"portal_access"')" -eq 0 ] || fail "by type: access records"
export_online "by source" 0 --format rfc5424 --source portal --type 16 --until "$until"
[ "$(grep -c '^<110>1 .* portal_access \[dsg@32473 source="portal" ' "$t/out")" -ge 300 ] || fail "by source: $(head -c 300 "$t/out")"
[ "$(grep -vc 'source="portal"' "$t/out")" -eq 0 ] || fail "by source: other sources"
export_online "before anything" 0 --format jsonl --until 2001-01-01T00:00:00Z
[ ! -s "$t/out" ] || fail "before anything: $(head -c 300 "$t/out")"
export_online "by source, jsonl" 0 --format jsonl --source portal --until "$until"
grep -v '"type_name":"checkpoint"' "$t/out" >"$t/online.jsonl"

# bad input
export_online "no format" 64
export_online "bad format" 64 --format xml
export_online "bad type" 64 --format jsonl --type 9999
export_online "bad time" 64 --format jsonl --since yesterday
grep -q 'RFC 3339' "$t/err" || fail "bad time: $(cat "$t/err")"
export_online "local time" 64 --format jsonl --since 2025-01-01T00:00:00+09:00
export_online "empty range" 64 --format jsonl --since 2025-01-02T00:00:00Z --until 2025-01-01T00:00:00Z
export_online "bad source" 64 --format jsonl --source 'a b'
chmod 755 "$t"
setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups -- \
    "$DSGCTL" log export --socket "$sock" --format jsonl >/dev/null 2>&1
[ $? -eq 77 ] || fail "non-member: want 77"

# a client that reads a little and goes away; dsgd answers the next one
"$DSGCTL" log export --socket "$sock" --format jsonl 2>/dev/null | head -c 100 >/dev/null
wait_log 'log export --format jsonl: the client went away during the answer' 10
"$DSGCTL" log verify --socket "$sock" >"$t/out" 2>"$t/err" || fail "verify after an abandoned export: $(cat "$t/out" "$t/err")"
export_online "after an abandoned one" 0 --format jsonl --type 16
[ "$(count '"type_name":"portal_access"')" -ge 300 ] || fail "after an abandoned one: short"

# the same selection offline
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
"$DSGCTL" log export --offline "$d" --format jsonl --source portal --until "$until" >"$t/out" 2>"$t/err" ||
    fail "offline export: $(cat "$t/err")"
grep -v '"type_name":"checkpoint"' "$t/out" >"$t/offline.jsonl"
cmp -s "$t/online.jsonl" "$t/offline.jsonl" || fail "the online and offline exports differ"
exit 0
