#!/bin/sh
# Checks the exported symbols: every one defined by the library starts with
# dsg_, and program objects export main only.
# usage: check-symbols.sh [--list] LIBRARY... -- PROGRAM_OBJECT...
# With --list, prints the exported functions (for make trace) instead.
set -eu
list=0
if [ "${1:-}" = "--list" ]; then list=1; shift; fi
libs=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do libs="$libs $1"; shift; done
[ $# -gt 0 ] && shift
progs="$*"
# nm -g --defined-only prints "addr type name"; lowercase types are local.
defined() { nm -g --defined-only "$@" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[A-Z]$/ { print $2, $3 }'; }
# shellcheck disable=SC2086 # lists of paths
if [ "$list" -eq 1 ]; then
    { defined $libs; [ -z "$progs" ] || defined $progs; } |
        awk '$1 == "T" { print $2 }' | sort -u
    exit 0
fi
bad=0
# shellcheck disable=SC2086
for sym in $(defined $libs | awk '{ print $2 }' | sort -u); do
    case "$sym" in
    dsg_*) ;;
    _init|_fini|_edata|_end|__bss_start) ;;   # added by the linker to a .so
    *) echo "check-symbols: library exports $sym (must start with dsg_)" >&2; bad=1 ;;
    esac
done
for obj in $progs; do
    for sym in $(defined "$obj" | awk '{ print $2 }'); do
        [ "$sym" = main ] || { echo "check-symbols: $obj exports $sym (programs export main only)" >&2; bad=1; }
    done
done
[ "$bad" -eq 0 ] && echo "check-symbols: every exported symbol starts with dsg_ ($(defined $libs | sort -u | wc -l) symbols)"
exit "$bad"
