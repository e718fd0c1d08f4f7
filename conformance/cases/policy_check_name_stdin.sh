#!/bin/sh
# policy_check_name_stdin: --stdin reads LF-separated names (a CR stays in the name), -0 NUL-separated ones.
# @relation(REQ-SHARE-005)
# @relation(REQ-SHARE-003)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091 # lib.sh is followed with -x
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

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
check "LF-separated" 2 "$t/want" policy check-name --stdin <"$t/in"

# a final LF ends the last name; it does not start an empty one
printf 'a.txt\nb.pdf\n' >"$t/in"
{
    line allowed a.txt -
    line allowed b.pdf -
} >"$t/want"
check "final LF" 0 "$t/want" policy check-name --stdin <"$t/in"

printf 'x.exe\nreport.pdf\n' >"$t/in"
{
    line forbidden x.exe .exe
    line allowed report.pdf -
} >"$t/want"
check "forbidden only" 1 "$t/want" policy check-name --stdin <"$t/in"

# NUL mode: LF, CR and tab are ordinary (invalid) bytes inside a name
printf 'a\nb.txt\000x.exe\000c\r.txt\000tab\there\000last.pdf' >"$t/in"
{
    line invalid 'a\nb.txt' 'control-char at byte 1'
    line forbidden x.exe .exe
    line invalid 'c\r.txt' 'control-char at byte 1'
    line invalid 'tab\there' 'control-char at byte 3'
    line allowed last.pdf -
} >"$t/want"
check "NUL-separated" 2 "$t/want" policy check-name --stdin -0 <"$t/in"
check "NUL-separated, -0 first" 2 "$t/want" policy check-name -0 --stdin <"$t/in"

printf 'x.tgz\000' >"$t/in"
line forbidden x.tgz .tgz >"$t/want"
check "final NUL" 1 "$t/want" policy check-name --stdin -0 <"$t/in"

printf '\000' >"$t/in"
line invalid '' empty >"$t/want"
check "one empty name" 2 "$t/want" policy check-name --stdin -0 <"$t/in"

# no input, no names: nothing to refuse
: >"$t/in"
: >"$t/want"
check "empty input" 0 "$t/want" policy check-name --stdin <"$t/in"
check "empty input, -0" 0 "$t/want" policy check-name --stdin -0 <"$t/in"

# --add-ext applies to names read from stdin
printf 'x.XYZ\ny.pdf\n' >"$t/in"
{
    line forbidden x.XYZ .xyz
    line allowed y.pdf -
} >"$t/want"
check "--add-ext with --stdin" 1 "$t/want" policy check-name --add-ext .xyz --stdin <"$t/in"

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
check "4004-byte name" 2 "$t/want" policy check-name --stdin <"$t/in"

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
check "1000 names" 1 "$t/want" policy check-name --stdin <"$t/in"

# a read error (stdin is a directory) is exit 74, with a message
mkdir "$t/dir"
run "read error" 74 policy check-name --stdin <"$t/dir"
[ ! -s "$t/out" ] || fail "read error: unexpected output"
grep -q 'standard input' "$t/err" || fail "read error: stderr does not say what failed"
exit 0
