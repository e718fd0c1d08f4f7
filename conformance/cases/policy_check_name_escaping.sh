#!/bin/sh
# policy_check_name_escaping: control, invisible, space-like, private-use and non-UTF-8 characters in names are printed escaped, exactly.
# @relation(REQ-SHARE-005)
# @relation(REQ-SHARE-003)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091 # lib.sh is followed with -x
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

# The names, built from octal escapes; the expected column is literal text
# (printf %s prints backslashes as they are).
tab=$(printf 'a\tb.txt')
esc=$(printf '\033[31mred.txt')
rlo=$(printf 'exe\342\200\256txt.exe')
latin1=$(printf 'caf\351.txt')
nl=$(printf 'a\nb.txt')
cr=$(printf 'a\rb.txt')
del=$(printf 'a\177.txt')
nel=$(printf 'a\302\205.txt')
us=$(printf 'a\037.txt')
trunc=$(printf 'x\342\202')
overlong=$(printf '\300\257x.txt')
surrogate=$(printf 'x\355\240\200.txt')
lone=$(printf '\200x.txt')
{
    line invalid 'a\tb.txt' 'control-char at byte 1'
    line invalid '\x1B[31mred.txt' 'control-char at byte 0'
    line invalid 'exe\u{202E}txt.exe' 'bidi-control at byte 3'
    line invalid 'caf\xE9.txt' 'bad-utf8 at byte 3'
    line invalid 'a\nb.txt' 'control-char at byte 1'
    line invalid 'a\rb.txt' 'control-char at byte 1'
    line invalid 'a\x7F.txt' 'control-char at byte 1'
    line invalid 'a\u{0085}.txt' 'control-char at byte 1'
    line invalid 'a\x1F.txt' 'control-char at byte 1'
    line invalid 'x\xE2\x82' 'bad-utf8 at byte 1'
    line invalid '\xC0\xAFx.txt' 'bad-utf8 at byte 0'
    line invalid 'x\xED\xA0\x80.txt' 'bad-utf8 at byte 1'
    line invalid '\x80x.txt' 'bad-utf8 at byte 0'
    line invalid 'a\\b.txt' 'reserved-char at byte 1'
} >"$t/want"
check "invalid names escaped" 2 "$t/want" policy check-name "$tab" "$esc" "$rlo" \
    "$latin1" "$nl" "$cr" "$del" "$nel" "$us" "$trunc" "$overlong" "$surrogate" \
    "$lone" 'a\b.txt'

# Allowed names with invisible characters are shown escaped; Japanese,
# accented letters and spaces are shown as they are.
zwsp=$(printf 're\342\200\213port.pdf')
bom=$(printf '\357\273\277report.pdf')
ls_=$(printf 'a\342\200\250b.pdf')
ps=$(printf 'a\342\200\251b.pdf')
wj=$(printf 'a\342\201\240b.pdf')
zwnj=$(printf 'a\342\200\214b.pdf')
zwj=$(printf 'a\342\200\215b.pdf')
jp=$(printf '\345\240\261\345\221\212 \346\233\270.pdf')
cafe=$(printf 'caf\303\251.pdf')
{
    line allowed 're\u{200B}port.pdf' -
    line allowed '\u{FEFF}report.pdf' -
    line allowed 'a\u{2028}b.pdf' -
    line allowed 'a\u{2029}b.pdf' -
    line allowed 'a\u{2060}b.pdf' -
    line allowed 'a\u{200C}b.pdf' -
    line allowed 'a\u{200D}b.pdf' -
    line allowed "$jp" -
    line allowed "$cafe" -
    line allowed ' lead and trail spaced .pdf' -
} >"$t/want"
check "allowed names escaped" 0 "$t/want" policy check-name "$zwsp" "$bom" "$ls_" "$ps" \
    "$wj" "$zwnj" "$zwj" "$jp" "$cafe" ' lead and trail spaced .pdf'

# A forbidden name keeps its escapes too.
{
    line forbidden 'x\u{200B}.exe' .exe
} >"$t/want"
check "forbidden name escaped" 1 "$t/want" policy check-name "$(printf 'x\342\200\213.exe')"

# Characters an operator could misread for nothing or for a plain space are
# escaped even where the policy allows them: a name that looks like x.exe
# but ends in a no-break space, tag characters, a soft hyphen, the other
# non-ASCII spaces, Hangul fillers, variation selectors, invisible
# operators, noncharacters and private-use characters.
nbsp=$(printf 'x.exe\302\240')
tags=$(printf 'flag\363\240\201\247\363\240\201\242\363\240\201\277.pdf')
shy=$(printf 're\302\255port.pdf')
spaces=$(printf 'a\341\232\200b\342\200\202c\342\200\257d\343\200\200e.pdf')
fillers=$(printf '\341\205\237\343\205\244.pdf')
selectors=$(printf 'a\357\270\217b\363\240\204\200c\341\240\216d\315\217e.pdf')
operators=$(printf 'a\342\201\241b\342\201\252c\357\277\271d.pdf')
nonchars=$(printf 'a\357\267\220b\357\277\276c\360\237\277\277d.pdf')
private=$(printf 'a\356\200\200b\363\260\200\200c\364\217\277\275d.pdf')
{
    line allowed 'x.exe\u{00A0}' -
    line allowed 'flag\u{E0067}\u{E0062}\u{E007F}.pdf' -
    line allowed 're\u{00AD}port.pdf' -
    line allowed 'a\u{1680}b\u{2002}c\u{202F}d\u{3000}e.pdf' -
    line allowed '\u{115F}\u{3164}.pdf' -
    line allowed 'a\u{FE0F}b\u{E0100}c\u{180E}d\u{034F}e.pdf' -
    line allowed 'a\u{2061}b\u{206A}c\u{FFF9}d.pdf' -
    line allowed 'a\u{FDD0}b\u{FFFE}c\u{1FFFF}d.pdf' -
    line allowed 'a\u{E000}b\u{F0000}c\u{10FFFD}d.pdf' -
} >"$t/want"
check "misreadable characters escaped" 0 "$t/want" policy check-name "$nbsp" "$tags" \
    "$shy" "$spaces" "$fillers" "$selectors" "$operators" "$nonchars" "$private"

# A combining mark is escaped where nothing visible of the name comes before
# it (it would sit on the TAB, or on the escape before it); after a letter
# it is part of that letter.
lead=$(printf '\314\201a.pdf')
after_escape=$(printf 'a\342\200\213\314\201b.pdf')
after_letter=$(printf 'cafe\314\201.pdf')
{
    line allowed '\u{0301}a.pdf' -
    line allowed 'a\u{200B}\u{0301}b.pdf' -
    line allowed "$after_letter" -
} >"$t/want"
check "combining marks" 0 "$t/want" policy check-name "$lead" "$after_escape" "$after_letter"
exit 0
