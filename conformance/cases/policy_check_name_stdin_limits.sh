#!/bin/sh
# policy_check_name_stdin_limits: --stdin judges every name however long, in bounded memory; a cut name is shown with its length.
# @relation(REQ-SHARE-005)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091 # lib.sh is followed with -x
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}

# repeat N CHAR: N bytes of CHAR on stdout
repeat() {
    head -c "$1" /dev/zero | tr '\000' "$2"
}

# Up to 4096 bytes a name is shown whole (the policy's limit is 765 bytes);
# a longer one is shown as its first 4096 bytes, "..." and its length.
repeat 4096 a >"$t/a4096"
a4096=$(cat "$t/a4096")
{ repeat 4096 a; printf '\n'; repeat 4097 a; printf '\n'; } >"$t/in"
{
    line invalid "$a4096" too-long
    line invalid "$a4096..." 'too-long (4097 bytes)'
} >"$t/want"
check "4096 and 4097 bytes" 2 "$t/want" policy check-name --stdin <"$t/in"

# A 1 MiB name, then a forbidden one: both judged.
{ repeat 1048576 a; printf '\nx.exe\n'; } >"$t/in"
{
    line invalid "$a4096..." 'too-long (1048576 bytes)'
    line forbidden x.exe .exe
} >"$t/want"
check "1 MiB name, then x.exe" 2 "$t/want" policy check-name --stdin <"$t/in"

# The same with -0, and without a final delimiter.
{ repeat 1048576 a; printf '\000x.exe'; } >"$t/in"
check "1 MiB name, then x.exe, -0" 2 "$t/want" policy check-name --stdin -0 <"$t/in"

# A cut that falls inside a character drops the character's kept bytes
# rather than showing them as \xNN: 4095 bytes of a, then U+65E5 (3 bytes).
{ repeat 4095 a; printf '\346\227\245\346\227\245\n'; } >"$t/in"
line invalid "$(repeat 4095 a)..." 'too-long (4101 bytes)' >"$t/want"
check "cut inside a character" 2 "$t/want" policy check-name --stdin <"$t/in"

# In little memory: 300 MB in one name must not end the reading as if the
# input had ended (a read that gives up fails open: x.exe would go
# unjudged and the exit status would be 0). A sanitizer build cannot start
# under a 200 MB address-space limit; the plain build runs this part.
# shellcheck disable=SC3045 # ulimit -v: dash, bash, busybox sh all have it
if (ulimit -v 200000 && "$DSGCTL" --version) >/dev/null 2>&1; then
    {
        line allowed a.txt -
        line invalid "$(repeat 4096 x)..." 'too-long (314572800 bytes)'
        line forbidden x.exe .exe
    } >"$t/want"
    # shellcheck disable=SC3045
    (
        ulimit -v 200000 || fail "ulimit -v 200000"
        { printf 'a.txt\n'; repeat 314572800 x; printf '\nx.exe\n'; } |
            check "300 MB name under ulimit -v 200000" 2 "$t/want" policy check-name --stdin
    ) || exit 1
fi
exit 0
