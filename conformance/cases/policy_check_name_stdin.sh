#!/bin/sh
# policy_check_name_stdin: --stdin reads LF-separated names (a CR stays in the name), -0 NUL-separated ones.
# @relation(REQ-SHARE-005)
# @relation(REQ-SHARE-003)
set -u
t=${CONFORMANCE_TMP:?}

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

line() {
    printf '%s\t%s\t%s\n' "$1" "$2" "$3"
}

# check_in LABEL STATUS EXPECTED INPUT ARGS...: dsgctl ARGS with INPUT on
# stdin exits STATUS, prints exactly EXPECTED and nothing on stderr.
check_in() {
    label=$1 want=$2 expected=$3 input=$4
    shift 4
    "$DSGCTL" "$@" <"$input" >"$t/out" 2>"$t/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$label: exit $got, want $want"
    if ! cmp -s "$expected" "$t/out"; then
        printf 'expected:\n' >&2
        od -c "$expected" >&2
        printf 'got:\n' >&2
        od -c "$t/out" >&2
        fail "$label: wrong output"
    fi
    [ ! -s "$t/err" ] || fail "$label: unexpected stderr: $(cat "$t/err")"
}

# LF mode: one name per line; CR is part of the name; an empty line is an
# empty name; the last name needs no LF.
printf 'report.pdf\nx.tar.gz\na.exe\r\n\n\345\240\261\345\221\212.txt' >"$t/in"
{
    line allowed report.pdf -
    line forbidden x.tar.gz .tar.gz
    line invalid 'a.exe\r' 'control-char at byte 5'
    line invalid '' empty
    line allowed "$(printf '\345\240\261\345\221\212.txt')" -
} >"$t/want"
check_in "LF-separated" 2 "$t/want" "$t/in" policy check-name --stdin

# a final LF ends the last name; it does not start an empty one
printf 'a.txt\nb.pdf\n' >"$t/in"
{
    line allowed a.txt -
    line allowed b.pdf -
} >"$t/want"
check_in "final LF" 0 "$t/want" "$t/in" policy check-name --stdin

printf 'x.exe\nreport.pdf\n' >"$t/in"
{
    line forbidden x.exe .exe
    line allowed report.pdf -
} >"$t/want"
check_in "forbidden only" 1 "$t/want" "$t/in" policy check-name --stdin

# NUL mode: LF, CR and tab are ordinary (invalid) bytes inside a name
printf 'a\nb.txt\000x.exe\000c\r.txt\000tab\there\000last.pdf' >"$t/in"
{
    line invalid 'a\nb.txt' 'control-char at byte 1'
    line forbidden x.exe .exe
    line invalid 'c\r.txt' 'control-char at byte 1'
    line invalid 'tab\there' 'control-char at byte 3'
    line allowed last.pdf -
} >"$t/want"
check_in "NUL-separated" 2 "$t/want" "$t/in" policy check-name --stdin -0
check_in "NUL-separated, -0 first" 2 "$t/want" "$t/in" policy check-name -0 --stdin

printf 'x.tgz\000' >"$t/in"
line forbidden x.tgz .tgz >"$t/want"
check_in "final NUL" 1 "$t/want" "$t/in" policy check-name --stdin -0

printf '\000' >"$t/in"
line invalid '' empty >"$t/want"
check_in "one empty name" 2 "$t/want" "$t/in" policy check-name --stdin -0

# no input, no names: nothing to refuse
: >"$t/in"
: >"$t/want"
check_in "empty input" 0 "$t/want" "$t/in" policy check-name --stdin
check_in "empty input, -0" 0 "$t/want" "$t/in" policy check-name --stdin -0

# --add-ext applies to names read from stdin
printf 'x.XYZ\ny.pdf\n' >"$t/in"
{
    line forbidden x.XYZ .xyz
    line allowed y.pdf -
} >"$t/want"
check_in "--add-ext with --stdin" 1 "$t/want" "$t/in" policy check-name --add-ext .xyz --stdin

# a long name on stdin is judged too long and printed whole
i=0
: >"$t/long"
while [ "$i" -lt 40 ]; do
    printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' >>"$t/long"
    i=$((i + 1))
done
long=$(cat "$t/long")
{ cat "$t/long"; printf '.exe\nok.txt\n'; } >"$t/in"
{
    line invalid "$long.exe" too-long
    line allowed ok.txt -
} >"$t/want"
check_in "4004-byte name" 2 "$t/want" "$t/in" policy check-name --stdin

# many names
i=0
: >"$t/in"
: >"$t/want"
while [ "$i" -lt 500 ]; do
    printf 'file%s.pdf\nfile%s.exe\n' "$i" "$i" >>"$t/in"
    line allowed "file$i.pdf" - >>"$t/want"
    line forbidden "file$i.exe" .exe >>"$t/want"
    i=$((i + 1))
done
check_in "1000 names" 1 "$t/want" "$t/in" policy check-name --stdin

# a read error (stdin is a directory) is exit 74, with a message
mkdir "$t/dir"
"$DSGCTL" policy check-name --stdin <"$t/dir" >"$t/out" 2>"$t/err"
got=$?
[ "$got" -eq 74 ] || fail "read error: exit $got, want 74"
[ ! -s "$t/out" ] || fail "read error: unexpected output"
grep -q 'standard input' "$t/err" || fail "read error: stderr does not say what failed"
exit 0
