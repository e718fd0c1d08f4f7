#!/bin/sh
# dsgd_http_malformed: each request of the committed corpus conformance/http-corpus/ (smuggling forms CL.TE and TE.CL, differing or malformed Content-Length, unsupported transfer codings, obsolete line folding, bare CR or LF, missing or duplicate Host, bad versions and the HTTP/2 preface, unknown/CONNECT/TRACE methods, absolute-form and fragment targets, NUL raw and encoded, traversal in every encoding, encoded separators, empty segments, bad escapes, encoded CR LF, invalid UTF-8, header NUL, too many or too large headers, too long targets and request lines) gets exactly the status and stable error code listed in expect.tsv, a JSON {"error","message"} body with the security headers, and the connection closed; the portal worker survives all of them (never restarted, never killed) and still answers /api/v1/health.
# @relation(REQ-RUN-047, REQ-RUN-015, REQ-RUN-012)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
need_root
need_dsg_user
command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
dir=$(dirname "$CONFORMANCE_LIB")
corpus=$dir/http-corpus

dsgd_start "$DSGD"
wait_log 'master: portal\[[0-9]+\] ready'
cert=$t/var/tls/cert.pem
n=0
tab=$(printf '\t')
while IFS="$tab" read -r file status code what; do
    case $file in '#'* | '') continue ;; esac
    [ -f "$corpus/$file" ] || fail "$file: listed but missing"
    python3 "$dir/https_raw.py" "$DSGD_PORT" "$cert" <"$corpus/$file" >"$t/out" 2>"$t/err" ||
        fail "$file ($what): $(cat "$t/err")"
    case $(head -n 1 "$t/out") in
    "$status${tab}close$tab{\"error\":\"$code\",\"message\":"*) ;;
    *) fail "$file ($what): want $status $code, got $(cat "$t/out")" ;;
    esac
    [ "$(sed -n 2p "$t/out")" = closed ] || fail "$file ($what): connection not closed: $(cat "$t/out")"
    n=$((n + 1))
done <"$corpus/expect.tsv"
[ "$n" -ge 40 ] || fail "only $n corpus entries ran"
[ "$(find "$corpus" -name '*.http' | wc -l)" -eq "$n" ] || fail "a corpus file is not listed in expect.tsv"
printf 'GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n' |
    python3 "$dir/https_raw.py" "$DSGD_PORT" "$cert" --wait 1 >"$t/out" 2>"$t/err" || fail "health: $(cat "$t/err")"
[ "$(cat "$t/out")" = "200$tab-$tab{\"status\":\"ok\"}" ] || fail "health after the corpus: $(cat "$t/out")"
[ "$(grep -c 'master: portal\[[0-9]*\] started' "$t/log")" -eq 1 ] || fail "the portal restarted"
! log_has 'killed by' || fail "$(grep 'killed by' "$t/log")"
dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
exit 0
