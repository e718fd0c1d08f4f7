#!/bin/sh
# policy_check_name_add_ext: --add-ext forbids more extensions; no option removes or weakens the 130 of the baseline.
# @relation(REQ-SHARE-004)
# @relation(REQ-SHARE-001, REQ-SHARE-005)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091 # lib.sh is followed with -x
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

# without --add-ext, .xyz is allowed; with it, forbidden in any case
line allowed x.XYZ - >"$t/want"
check "baseline only" 0 "$t/want" policy check-name x.XYZ
{
    line forbidden x.XYZ .xyz
    line forbidden x.xyz. .xyz
    line allowed x.xyz.txt -
    line forbidden x.exe .exe
} >"$t/want"
check "--add-ext .xyz" 1 "$t/want" policy check-name --add-ext .xyz x.XYZ x.xyz. x.xyz.txt x.exe
check "--add-ext=xyz" 1 "$t/want" policy check-name --add-ext=xyz x.XYZ x.xyz. x.xyz.txt x.exe
check "--add-ext XYZ after names" 1 "$t/want" policy check-name x.XYZ x.xyz. x.xyz.txt x.exe --add-ext XYZ

# multi-part and several extensions; the longest match is reported
{
    line forbidden x.TAR.XZ .tar.xz
    line allowed x.xz -
    line forbidden a.foo .foo
    line forbidden a.old.tar.gz .old.tar.gz
    line forbidden a.new.tar.gz .tar.gz
} >"$t/want"
check "several" 1 "$t/want" policy check-name --add-ext .Tar.XZ --add-ext foo \
    --add-ext old.tar.gz x.TAR.XZ x.xz a.foo a.old.tar.gz a.new.tar.gz

# 64 extensions may be added (the 65th is a usage error: see the usage case)
set --
i=0
while [ "$i" -lt 64 ]; do
    set -- "$@" --add-ext "e$i"
    i=$((i + 1))
done
{
    line forbidden x.e0 .e0
    line forbidden x.e63 .e63
    line allowed x.e64 -
} >"$t/want"
check "64 extensions" 1 "$t/want" policy check-name "$@" x.e0 x.e63 x.e64

# Adding a baseline extension changes nothing, and no option takes one
# away: whatever is added, all 130 stay forbidden.
baseline='ade adp asa ashx asmx asp bas bat cdx cer chm class cmd cnt com config
cpl crt csh der dll eml exe fxp gadget grp hlp hpj hta htr htw ida idc idq ins
isp its jse json ksh lnk mad maf mag mam maq mar mas mat mau mav maw mcf mda mdb
mde mdt mdw mdz msc msg msh msh1 msh1xml msh2 msh2xml mshxml msi ms-one-stub msp
mst ops pcd pif pl prf prg printer ps1 ps1xml ps2 ps2xml psc1 psc2 pst reg rem
scf scr sct shb shs shtm shtml soap stm svc url vb vbe vbs vsix ws wsc wsf wsh
xamlx 7z 7zip afz bz2 bzip bzip2 cab gz gzip hqx lzh rar sea sit sitx tar.bz2
tar.gz tar.Z tbz tgz uu Z zip'
: >"$t/in"
: >"$t/want"
count=0
for e in $baseline; do
    printf 'x.%s\n' "$e" >>"$t/in"
    lower=$(printf '%s' "$e" | tr '[:upper:]' '[:lower:]')
    line forbidden "x.$e" ".$lower" >>"$t/want"
    count=$((count + 1))
done
[ "$count" -eq 130 ] || fail "the case lists $count baseline extensions, not 130"
run "130 baseline" 1 policy check-name --stdin <"$t/in"
cmp -s "$t/want" "$t/out" || fail "130 baseline: wrong output"
run "130 baseline with extras" 1 policy check-name --add-ext exe --add-ext .TAR.GZ \
    --add-ext z "$@" --stdin <"$t/in"
cmp -s "$t/want" "$t/out" || fail "130 baseline with extras: wrong output"

# There is no option to remove or allow an extension ...
for opt in --remove-ext --del-ext --delete-ext --rm-ext --allow-ext --no-baseline \
    --no-default --exclude-ext --allow; do
    run "$opt" 64 policy check-name "$opt" exe x.exe
    grep -q "unknown option" "$t/err" || fail "$opt: not refused as unknown"
done
"$DSGCTL" policy check-name --add-ext=-exe x.exe >"$t/out" 2>"$t/err"
line forbidden x.exe .exe >"$t/want"
cmp -s "$t/want" "$t/out" || fail "--add-ext=-exe weakened .exe"
# ... and the help lists only --add-ext, --stdin, -0 and --help.
"$DSGCTL" help policy check-name >"$t/help" 2>&1 || fail "help: exit $?"
tr -c 'a-z-' '\n' <"$t/help" | grep -e '^--[a-z]' | sort -u >"$t/opts"
printf '%s\n' --add-ext --help --stdin >"$t/want"
cmp -s "$t/want" "$t/opts" || fail "help lists options: $(cat "$t/opts")"
exit 0
