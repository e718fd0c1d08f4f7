#!/bin/sh
# Checks the exported symbols: every one defined by the library starts with
# dsg_, program objects (dsgctl's files) export main and dsgctl_* only, and
# daemon objects (dsgd, after a second --) export main and dsgd_* only.
# usage: check-symbols.sh [--list] LIBRARY... -- PROGRAM_OBJECT... [-- DAEMON_OBJECT...]
#        check-symbols.sh --hooks RELEASE_BINARY HOOK_BINARY
# With --list, prints the exported functions (for make trace) instead.
# With --hooks (REQ-RUN-033): the release binary must have no test-hook
# symbol (any symbol, local too, containing "test_hook", nor the test
# builds' sink role, dsgd_sink_*) nor the string DSG_TEST_HOOK, and the
# hook build must have them, so the check cannot pass by looking at the
# wrong file.
# NM names the nm to run (default nm). Fails (exit 1) if no library is
# given, if nm fails on any file, or if the libraries export nothing: an
# unread file must not pass as one that exports nothing.
set -eu
nm=${NM:-nm}
list=0
if [ "${1:-}" = "--hooks" ]; then
    [ $# -eq 3 ] || { echo "check-symbols: --hooks RELEASE HOOK_BUILD" >&2; exit 1; }
    # hooks FILE: the number of test-hook symbols and strings in FILE
    hooks() {
        if ! "$nm" -a "$1" > "${TMPDIR:-/tmp}/dsg-hooks.$$" 2>&1; then
            echo "check-symbols: $nm failed on $1" >&2
            rm -f "${TMPDIR:-/tmp}/dsg-hooks.$$"
            exit 1
        fi
        n1=$(grep -cE 'test_hook|dsgd_sink_' "${TMPDIR:-/tmp}/dsg-hooks.$$" || :)
        rm -f "${TMPDIR:-/tmp}/dsg-hooks.$$"
        n2=$(grep -c -a 'DSG_TEST_HOOK' "$1" || :)
        echo "$((n1 + n2))"
    }
    rel=$(hooks "$2") hk=$(hooks "$3")
    if [ "$rel" -ne 0 ]; then
        echo "check-symbols: release binary $2 contains test hooks:" >&2
        "$nm" -a "$2" | grep -E 'test_hook|dsgd_sink_' >&2 || :
        exit 1
    fi
    if [ "$hk" -eq 0 ]; then
        echo "check-symbols: hook build $3 has no test-hook symbol: the check looks at the wrong thing" >&2
        exit 1
    fi
    echo "check-symbols: $2 has no test hook; $3 has $hk hook symbols/strings"
    exit 0
fi
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
libs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do libs="$libs $1"; shift; done
[ $# -gt 0 ] && shift
progs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do progs="$progs $1"; shift; done
[ $# -gt 0 ] && shift
daemon="$*"
if [ -z "$libs" ]; then
    echo "check-symbols: no library given" >&2
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dsg-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# defined FILE OUT: "type name" of each global symbol FILE defines, to OUT.
# nm -g --defined-only prints "addr type name"; lowercase types are local.
defined() {
    if ! "$nm" -g --defined-only "$1" > "$tmp/nm.out" 2> "$tmp/nm.err"; then
        echo "check-symbols: $nm failed on $1:" >&2
        sed 's/^/    /' "$tmp/nm.err" >&2
        exit 1
    fi
    awk 'NF == 3 && $2 ~ /^[A-Z]$/ { print $2, $3 }' "$tmp/nm.out" > "$2"
}

: > "$tmp/lib.syms"
for f in $libs; do
    defined "$f" "$tmp/one"
    cat "$tmp/one" >> "$tmp/lib.syms"
done
sort -u "$tmp/lib.syms" -o "$tmp/lib.syms"
nsyms=$(awk 'END { print NR }' "$tmp/lib.syms")
if [ "$nsyms" -eq 0 ]; then
    echo "check-symbols: the library exports no symbols:$libs" >&2
    exit 1
fi

if [ "$list" -eq 1 ]; then
    cp "$tmp/lib.syms" "$tmp/all.syms"
    for obj in $progs $daemon; do
        defined "$obj" "$tmp/one"
        cat "$tmp/one" >> "$tmp/all.syms"
    done
    awk '$1 == "T" { print $2 }' "$tmp/all.syms" | sort -u
    exit 0
fi
bad=0
awk '{ print $2 }' "$tmp/lib.syms" | sort -u > "$tmp/names"
while read -r sym; do
    case "$sym" in
    dsg_*) ;;
    _init|_fini|_edata|_end|__bss_start) ;;   # added by the linker to a .so
    *) echo "check-symbols: library exports $sym (must start with dsg_)" >&2; bad=1 ;;
    esac
done < "$tmp/names"
for obj in $progs; do
    defined "$obj" "$tmp/one"
    while read -r _ sym; do
        case $sym in
        main|dsgctl_*) ;;
        *) echo "check-symbols: $obj exports $sym (programs export main and dsgctl_* only)" >&2; bad=1 ;;
        esac
    done < "$tmp/one"
done
for obj in $daemon; do
    defined "$obj" "$tmp/one"
    while read -r _ sym; do
        case "$sym" in
        main|dsgd_*) ;;
        *) echo "check-symbols: $obj exports $sym (dsgd objects export main and dsgd_* only)" >&2; bad=1 ;;
        esac
    done < "$tmp/one"
done
[ "$bad" -eq 0 ] && echo "check-symbols: every exported symbol starts with dsg_ ($nsyms symbols)"
exit "$bad"
