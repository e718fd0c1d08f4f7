#!/bin/sh
# policy_check_name_usage: usage errors exit 64 with a message naming the problem and print no verdicts; help and version exit 0.
# @relation(REQ-SHARE-005)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091 # lib.sh is followed with -x
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

# usage LABEL PATTERN ARGS...: dsgctl ARGS exits 64, prints nothing on
# stdout, and its stderr matches the grep pattern PATTERN.
usage() {
    label=$1 pattern=$2
    shift 2
    run "$label" 64 "$@"
    [ ! -s "$t/out" ] || fail "$label: printed on stdout: $(cat "$t/out")"
    grep -q -e "$pattern" "$t/err" || fail "$label: stderr does not match '$pattern': $(cat "$t/err")"
}

# helps LABEL PATTERN ARGS...: dsgctl ARGS exits 0 and its stdout matches.
helps() {
    label=$1 pattern=$2
    shift 2
    run "$label" 0 "$@"
    grep -q -e "$pattern" "$t/out" || fail "$label: stdout does not match '$pattern'"
    [ ! -s "$t/err" ] || fail "$label: unexpected stderr: $(cat "$t/err")"
}

usage "no names" 'no names' policy check-name
usage "only --add-ext" 'no names' policy check-name --add-ext foo
usage "only --" 'no names' policy check-name --
usage "unknown option" "unknown option '--bogus'" policy check-name --bogus x.pdf
usage "unknown option after a name" "unknown option '--bogus'" policy check-name x.exe --bogus
usage "unknown short option" "unknown option '-x'" policy check-name -x
usage "name starting with -" "unknown option '-report.pdf'" policy check-name -report.pdf
usage "bad --add-ext" "bad --add-ext 'a\.\.b'" policy check-name --add-ext a..b x.pdf
usage "bad --add-ext=" "bad --add-ext 'a/b'" policy check-name --add-ext=a/b x.pdf
usage "empty --add-ext" "bad --add-ext ''" policy check-name --add-ext '' x.pdf
usage "--add-ext ." "bad --add-ext '\.'" policy check-name --add-ext . x.pdf
usage "too long --add-ext" "bad --add-ext" policy check-name --add-ext abcdefghijklmnopqrstuvwxyzabcdefg x.pdf
usage "non-ASCII --add-ext" "bad --add-ext" policy check-name --add-ext "$(printf '\303\251')" x.pdf
usage "missing --add-ext value" '--add-ext needs an extension' policy check-name --add-ext
usage "-0 without --stdin" '-0 needs --stdin' policy check-name -0 x.pdf
usage "--stdin with names" 'cannot be combined' policy check-name --stdin x.pdf
usage "bad option text is escaped" "unknown option '--x\\\\x1B'" policy check-name "$(printf -- '--x\033')"

# too many extensions
set --
i=0
while [ "$i" -lt 65 ]; do
    set -- "$@" --add-ext "e$i"
    i=$((i + 1))
done
usage "65 --add-ext" 'too many --add-ext' policy check-name "$@" x.pdf

usage "no arguments" 'usage: dsgctl' 
usage "unknown group" "unknown command group 'nosuch'" nosuch
usage "group without command" 'usage: dsgctl policy' policy
usage "unknown command" "unknown command 'nosuch'" policy nosuch
usage "help for unknown group" "unknown command group 'nosuch'" help nosuch
usage "help for unknown command" "unknown command 'nosuch'" help policy nosuch

helps "--help" 'dsgctl <group> <command>' --help
helps "--help lists status" '^  status ' --help
helps "help status" 'usage: dsgctl status' help status
helps "status --help" '--json' status --help
helps "help" 'policy' help
helps "help policy" 'check-name' help policy
helps "policy --help" 'check-name' policy --help
helps "help policy check-name" 'usage: dsgctl policy check-name' help policy check-name
helps "check-name --help" '--stdin' policy check-name --help
helps "check-name -h" '--add-ext' policy check-name -h

run "--version" 0 --version
printf 'dsgctl (dsg) 0.1.0\n' >"$t/want"
cmp -s "$t/want" "$t/out" || fail "--version: got $(cat "$t/out")"

# names after "--" may start with "-"
run "names after --" 0 policy check-name -- -report.pdf --stdin
printf 'allowed\t-report.pdf\t-\nallowed\t--stdin\t-\n' >"$t/want"
cmp -s "$t/want" "$t/out" || fail "names after --: wrong output: $(cat "$t/out")"
exit 0
