#!/bin/sh
# policy_check_name_verdicts: allowed, forbidden and invalid lines, and exit 0/1/2, through dsgctl.
# @relation(REQ-SHARE-001, REQ-SHARE-002, REQ-SHARE-003)
# @relation(REQ-SHARE-005)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091 # lib.sh is followed with -x
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

jp_docx=$(printf '\350\250\255\350\250\210\346\233\270.docx')   # 設計書.docx
jp_txt=$(printf '\345\240\261\345\221\212.txt')                 # 報告.txt

# all allowed: exit 0
{
    line allowed report.pdf -
    line allowed "$jp_docx" -
    line allowed "$jp_txt" -
    line allowed x.exe.txt -
    line allowed exe -
} >"$t/want"
check "allowed names" 0 "$t/want" policy check-name report.pdf "$jp_docx" "$jp_txt" x.exe.txt exe

# forbidden, the longest extension reported: exit 1
{
    line forbidden x.tar.gz .tar.gz
    line allowed report.pdf -
    line forbidden x.gz .gz
    line forbidden x.TAR.Z .tar.z
    line forbidden a.EXE .exe
    line forbidden .gz .gz
    line forbidden tar.gz .gz
    line forbidden "$(printf '\345\240\261\345\221\212.exe')" .exe
} >"$t/want"
check "forbidden names" 1 "$t/want" policy check-name x.tar.gz report.pdf x.gz x.TAR.Z \
    a.EXE .gz tar.gz "$(printf '\345\240\261\345\221\212.exe')"

# as Windows sees it: folded letters and trailing dots and spaces
vbs=$(printf 'x.vb\305\277')         # x.vbſ
msi=$(printf 'setup.ms\304\261')     # setup.msı
MSI=$(printf 'SETUP.MS\304\260')     # SETUP.MSİ
ksh=$(printf 'x.\342\204\252sh')     # x.Ksh (Kelvin sign)
{
    line forbidden "$vbs" .vbs
    line forbidden "$msi" .msi
    line forbidden "$MSI" .msi
    line forbidden "$ksh" .ksh
    line forbidden 'a.exe. . ' .exe
    line forbidden 'a.exe   ' .exe
} >"$t/want"
check "folded names" 1 "$t/want" policy check-name "$vbs" "$msi" "$MSI" "$ksh" 'a.exe. . ' 'a.exe   '

# invalid, with the rule broken: exit 2 (even with forbidden names around)
long=$(printf '%0256d' 0 | tr 0 a)
{
    line forbidden x.exe .exe
    line invalid '' empty
    line invalid . dot-name
    line invalid .. dot-name
    line invalid ' . ' blank
    line invalid name:stream 'reserved-char at byte 4'
    line invalid "file::\$DATA" 'reserved-char at byte 4'
    line invalid '../x' 'reserved-char at byte 2'
    line invalid CON device-name
    line invalid 'CON .txt' device-name
    line invalid nul.tar.gz device-name
    line invalid "$(printf 'COM\302\271')" device-name
    line invalid "$long" too-long
    line allowed report.pdf -
} >"$t/want"
check "invalid names" 2 "$t/want" policy check-name x.exe '' . .. ' . ' name:stream \
    "file::\$DATA" ../x CON 'CON .txt' nul.tar.gz "$(printf 'COM\302\271')" "$long" report.pdf

# lookalikes that are fine
{
    line allowed CONSOLE -
    line allowed xcon -
    line allowed "$(printf '\357\275\230.\357\275\205\357\275\230\357\275\205')" -
} >"$t/want"
check "lookalikes" 0 "$t/want" policy check-name CONSOLE xcon \
    "$(printf '\357\275\230.\357\275\205\357\275\230\357\275\205')"

# 255 UTF-16 units are fine, 256 are not
ok255=$(printf '%0255d' 0 | tr 0 a)
{
    line allowed "$ok255" -
} >"$t/want"
check "255 units" 0 "$t/want" policy check-name "$ok255"
exit 0
