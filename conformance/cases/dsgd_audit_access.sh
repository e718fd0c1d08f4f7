#!/bin/sh
# dsgd_audit_access: every answer of the portal becomes a 別紙 #16 ポータルサイトアクセスログ record in logd's store, passed over the bus through the master: access time, source IP, URL, method, User-Agent and status all taken from the request (distinct User-Agents and paths per request, a 404, a traversal 400 with its URL, an unparsable head with URL and method "-", an unauthenticated request the share role refuses); secrets in a query are redacted and a long User-Agent is cut at 512 bytes; requests answered just before SIGTERM are stored too (logd stops last), the chain verifies offline with the public key, and the final checkpoint covers the portal's last record.
# @relation(REQ-LOG-043, REQ-LOG-031, REQ-LOG-004, REQ-RUN-049, REQ-SHARE-018)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
raw=$(dirname "$CONFORMANCE_LIB")/https_raw.py

dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
wait_log 'logd\[[0-9]+\]: audit: recorded logd started'
start=$(date -u +%Y-%m-%dT%H:%M:%S)
tag=$$
get() {   # get PATH AGENT WANT-STATUS
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: %s\r\nConnection: close\r\n\r\n' "$1" "$2" |
        python3 "$raw" "$DSGD_PORT" "$t/var/tls/cert.pem" >"$t/out" 2>"$t/err" || fail "GET $1: $(cat "$t/err")"
    cut -f1 "$t/out" | head -n 1 | grep -qx "$3" || fail "GET $1: $(cat "$t/out")"
}
for i in 1 2 3 4 5; do get "/api/v1/health?n=$i" "probe-$tag/$i" 200; done
get "/api/v1/health?password=hunter2&n=6&otp_code=123456" "probe-$tag/6" 200
long=$(python3 -c 'print("L" * 700)')
get "/api/v1/share/areas?session=s3cr3t" "probe-$tag/$long" 401
get /nope "probe-$tag/404" 404
get /a/%2e%2e/b "probe-$tag/400" 400
printf 'GET /x HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n' |
    python3 "$raw" "$DSGD_PORT" "$t/var/tls/cert.pem" >"$t/out" 2>"$t/err" || fail "obs-fold: $(cat "$t/err")"
dsgd_stop       # at once: the last records are still on their way
[ "$got" -eq 0 ] || fail "dsgd exit $got"
log_has 'audit: final checkpoint written' || fail "no final checkpoint"
! log_has 'records dropped|lost|refused' || fail "$(grep -E 'dropped|lost|refused' "$t/log")"

"$DSGCTL" log pubkey "$t/var/logd" >"$t/pub" || fail "pubkey"
"$DSGCTL" log verify --offline --pubkey "$t/pub" "$t/var/logd" >"$t/verify" 2>&1 || fail "verify: $(cat "$t/verify")"
"$DSGCTL" log export --offline "$t/var/logd" --format jsonl >"$t/export" || fail "export"
python3 - "$t/export" "$tag" "$start" <<'PY' || fail "access records: $(grep '"portal"' "$t/export" | head -3)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
tag, start = sys.argv[2], sys.argv[3]
recs = [r for r in rows if r["source"] == "portal" and r["type"] == 16]
cps = [r for r in rows if r["source"] == "portal" and r["type"] == 100]
want = [("/api/v1/health?n=%d" % i, "probe-%s/%d" % (tag, i), "200") for i in range(1, 6)]
want += [("/api/v1/health?password=*&n=6&otp_code=*", "probe-%s/6" % tag, "200"),
         ("/api/v1/share/areas?session=*", ("probe-%s/" % tag + "L" * 700)[:512], "401")]
want += [("/nope", "probe-%s/404" % tag, "404"), ("/a/%2e%2e/b", "probe-%s/400" % tag, "400"), ("-", "", "400")]
got = [(r["fields"]["url"], r["fields"]["user_agent"], r["fields"]["status"]) for r in recs]
assert got == want, got
for r in recs:
    f = r["fields"]
    assert f["source_ip"] == "127.0.0.1", f
    assert f["method"] == ("-" if f["url"] == "-" else "GET"), f
    assert f["access_time"][:19] >= start and f["access_time"].endswith("Z") and len(f["access_time"]) == 24, f
assert [r["seq"] for r in recs] == list(range(1, len(want) + 1)), [r["seq"] for r in recs]
assert cps and cps[-1]["seq"] == len(want), cps
PY
exit 0
