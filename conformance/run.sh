#!/bin/sh
# conformance/run.sh — runs the black-box conformance cases.
#
# Every conformance/cases/*.sh runs, in C-locale sorted order, under sh with
#   DSGCTL           absolute path of the dsgctl under test
#                    ($DSGCTL, default build/bin/dsgctl in the source tree)
#   DSGD             absolute path of the release dsgd under test
#                    ($DSGD, default build/bin/dsgd): sandbox tests use it
#   DSGD_TEST        absolute path of the dsgd built with -DDSG_TEST_HOOKS
#                    ($DSGD_TEST, default build/test/dsgd): hook tests only
#   DSGD_ASAN        absolute path of the dsgd built with ASan/UBSan, whose
#                    workers run without the sandbox ($DSGD_ASAN, default
#                    build/asan/bin/dsgd): the case that checks it says so
#   TCP_IDLE         absolute path of the helper that opens idle TCP
#                    connections ($TCP_IDLE, default build/tests/tcp_idle)
#   BKUP_MAKE        the helper that makes a backup from files with the library
#                    (default build/tests/bkup_make)
#   CONFORMANCE_TMP  a fresh, empty directory of its own (removed afterwards)
#   DSGCTL_TOKEN_FILE  $CONFORMANCE_TMP/admin.token: where dsgctl login keeps
#                    the administrator's token (admin_login in lib.sh), never
#                    the operator's own
#   CONFORMANCE_LIB  absolute path of conformance/lib.sh, the helpers a case
#                    sources (fail, line, run, check; see that file)
# and stdin from /dev/null. A case passes when it exits 0. CASES="a b" runs
# only the cases named (without .sh).
#
# Results: TAP version 13 on stdout and in build/conformance/results.tap (a
# failed case carries its exit status and stderr in a YAML block), and one
# "conformance:<case><TAB>pass|fail" line per case in
# build/results/conformance.tsv. With RESULTS_NAME=NAME (e.g. a second run
# against a sanitizer build) they go to build/conformance/NAME.tap and
# build/results/NAME.tsv instead; the test IDs stay conformance:<case>.
# Exit status: 0 all passed, 1 some case failed, 2 no cases.
set -u
LC_ALL=C
export LC_ALL

root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
build=$root/build
case_timeout=${CONFORMANCE_TIMEOUT:-120}

# abs PATH: PATH made absolute (cases run in their own directory)
abs() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
    esac
}
DSGCTL=$(abs "${DSGCTL:-$root/build/bin/dsgctl}")
DSGD=$(abs "${DSGD:-$root/build/bin/dsgd}")
DSGD_TEST=$(abs "${DSGD_TEST:-$root/build/test/dsgd}")
TCP_IDLE=$(abs "${TCP_IDLE:-$root/build/tests/tcp_idle}")
DSGD_ASAN=$(abs "${DSGD_ASAN:-$root/build/asan/bin/dsgd}")
BKUP_MAKE=$(abs "${BKUP_MAKE:-$root/build/tests/bkup_make}")
export DSGCTL DSGD DSGD_TEST TCP_IDLE DSGD_ASAN BKUP_MAKE
CONFORMANCE_LIB=$root/conformance/lib.sh
export CONFORMANCE_LIB

mkdir -p "$build/conformance" "$build/results" || exit 2
results_name=${RESULTS_NAME:-conformance}
case $results_name in
'' | */* | .*) echo "conformance: bad RESULTS_NAME '$results_name'" >&2; exit 2 ;;
esac
if [ "$results_name" = conformance ]; then
    tap=$build/conformance/results.tap
else
    tap=$build/conformance/$results_name.tap
fi
tsv=$build/results/$results_name.tsv
tap_new=$tap.new.$$
tsv_new=$tsv.new.$$
work=
tmp=
trap 'rm -f "$tap_new" "$tsv_new"; rm -rf ${work:+"$work"} ${tmp:+"$tmp"}' EXIT
trap 'exit 130' INT TERM

if [ -n "${CASES:-}" ]; then   # a subset, by name, for development
    set --
    for name in $CASES; do set -- "$@" "$root/conformance/cases/$name.sh"; done
else
    set -- "$root"/conformance/cases/*.sh
fi
if [ ! -f "$1" ]; then
    echo "conformance: no cases in $root/conformance/cases" >&2
    exit 2
fi

# run_case CASE OUTDIR TMPDIR: runs CASE in TMPDIR, its stdout and stderr
# going to OUTDIR; returns its exit status.
run_case() {
    if command -v timeout >/dev/null 2>&1; then
        (cd "$3" && CONFORMANCE_TMP=$3 DSGCTL_TOKEN_FILE=$3/admin.token \
            timeout "$case_timeout" sh "$1") \
            </dev/null >"$2/stdout" 2>"$2/stderr"
    else
        (cd "$3" && CONFORMANCE_TMP=$3 DSGCTL_TOKEN_FILE=$3/admin.token sh "$1") \
            </dev/null >"$2/stdout" 2>"$2/stderr"
    fi
}

# The failed case's status and stderr as a TAP 13 YAML block.
diagnostic() {
    printf '  ---\n  exit: %s\n' "$1"
    if [ -s "$2" ]; then
        printf '  stderr: |\n'
        sed 's/^/    /' "$2"
    else
        printf '  stderr: ""\n'
    fi
    printf '  ...\n'
}

{
    printf 'TAP version 13\n1..%s\n' "$#"
    [ -x "$DSGCTL" ] || printf '# DSGCTL=%s is not an executable file\n' "$DSGCTL"
    [ -x "$DSGD" ] || printf '# DSGD=%s is not an executable file\n' "$DSGD"
    [ -x "$DSGD_TEST" ] || printf '# DSGD_TEST=%s is not an executable file\n' "$DSGD_TEST"
    [ -x "$TCP_IDLE" ] || printf '# TCP_IDLE=%s is not an executable file\n' "$TCP_IDLE"
    [ -x "$BKUP_MAKE" ] || printf '# BKUP_MAKE=%s is not an executable file\n' "$BKUP_MAKE"
} >"$tap_new"
: >"$tsv_new"

n=0
failed=0
for c in "$@"; do
    n=$((n + 1))
    name=$(basename "$c" .sh)
    work=$(mktemp -d "${TMPDIR:-/tmp}/dsg-conformance-out.XXXXXX") || exit 2
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/dsg-conformance.XXXXXX") || exit 2
    started=$(date +%s)
    run_case "$c" "$work" "$tmp"
    status=$?
    seconds=$(($(date +%s) - started))
    if [ "$status" -eq 0 ]; then
        printf 'ok %s - %s\n' "$n" "$name" >>"$tap_new"
        grep '^# ' "$work/stdout" >>"$tap_new" || :   # what a case measured, as TAP comments
        printf '# %s: %s s\n' "$name" "$seconds" >>"$tap_new"
        printf 'conformance:%s\tpass\n' "$name" >>"$tsv_new"
    else
        failed=$((failed + 1))
        printf 'not ok %s - %s\n' "$n" "$name" >>"$tap_new"
        diagnostic "$status" "$work/stderr" >>"$tap_new"
        printf 'conformance:%s\tfail\n' "$name" >>"$tsv_new"
    fi
    rm -rf "$work" "$tmp"
    work=
    tmp=
done
printf '# %s of %s cases passed\n' "$((n - failed))" "$n" >>"$tap_new"

mv "$tap_new" "$tap" && mv "$tsv_new" "$tsv" || exit 2
cat "$tap"
[ "$failed" -eq 0 ] || exit 1
exit 0
