#!/bin/sh
# Checks the exported symbols: every one defined by the library starts with
# dsg_, and program objects export main only.
# usage: check-symbols.sh [--list] LIBRARY... -- PROGRAM_OBJECT...
# With --list, prints the exported functions (for make trace) instead.
# NM names the nm to run (default nm). Fails (exit 1) if no library is
# given, if nm fails on any file, or if the libraries export nothing: an
# unread file must not pass as one that exports nothing.
set -eu
nm=${NM:-nm}
list=0
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
libs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do libs="$libs $1"; shift; done
[ $# -gt 0 ] && shift
progs="$*"
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
    for obj in $progs; do
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
        [ "$sym" = main ] || { echo "check-symbols: $obj exports $sym (programs export main only)" >&2; bad=1; }
    done < "$tmp/one"
done
[ "$bad" -eq 0 ] && echo "check-symbols: every exported symbol starts with dsg_ ($nsyms symbols)"
exit "$bad"
