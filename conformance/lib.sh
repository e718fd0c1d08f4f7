# conformance/lib.sh — helpers shared by the conformance cases.
#
# Not a case (run.sh runs conformance/cases/*.sh only): run.sh exports its
# absolute path as CONFORMANCE_LIB, and each case sources it after set -u:
#
#   set -u
#   . "${CONFORMANCE_LIB:?}"
#   t=${CONFORMANCE_TMP:?}
#
# POSIX sh. It defines functions only and runs nothing when sourced.
#
#   fail MESSAGE...          "FAIL: MESSAGE" on stderr, then exit 1.
#   line VERDICT NAME DETAIL one line of `dsgctl policy check-name` output
#                            (three tab-separated fields) on stdout.
#   run LABEL STATUS ARGS... runs "$DSGCTL" ARGS with stdout in
#                            $CONFORMANCE_TMP/out and stderr in
#                            $CONFORMANCE_TMP/err; fails unless it exits
#                            STATUS. Sets got to the exit status.
#   check LABEL STATUS EXPECTED ARGS...
#                            run, then stdout must be exactly the file
#                            EXPECTED (both shown with od -c if not) and
#                            stderr empty.
#
# Standard input: run and check pass the caller's stdin on to dsgctl, and
# run.sh gives every case /dev/null. To feed dsgctl input, redirect the
# call itself:
#
#   check "LF-separated" 2 "$t/want" policy check-name --stdin <"$t/in"
#
# The functions set the globals label, want, expected and got (POSIX sh has
# no local variables); a case should not rely on their values, except got
# after run.

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

line() {
    printf '%s\t%s\t%s\n' "$1" "$2" "$3"
}

run() {
    label=$1 want=$2
    shift 2
    "${DSGCTL:?}" "$@" >"${CONFORMANCE_TMP:?}/out" 2>"$CONFORMANCE_TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$label: exit $got, want $want"
}

check() {
    label=$1 want=$2 expected=$3
    shift 3
    run "$label" "$want" "$@"
    if ! cmp -s "$expected" "$CONFORMANCE_TMP/out"; then
        printf 'expected:\n' >&2
        od -c "$expected" >&2
        printf 'got:\n' >&2
        od -c "$CONFORMANCE_TMP/out" >&2
        fail "$label: wrong output"
    fi
    [ ! -s "$CONFORMANCE_TMP/err" ] ||
        fail "$label: unexpected stderr: $(cat "$CONFORMANCE_TMP/err")"
}
