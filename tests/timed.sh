#!/bin/sh
# Runs one step of `make test`, recording its name, seconds, status and the
# epoch seconds it started and ended (steps can overlap: the report's wall
# line is the first start to the last end).
# usage: timed.sh TIMES.tsv NAME COMMAND...   |   timed.sh --report TIMES.tsv
set -u
if [ "$1" = "--report" ]; then
    echo
    echo "== make test: time budget (seconds, measured on this machine)"
    awk -F'\t' '{ printf "  %-12s %6d  %s\n", $1, $2, $3; total += $2; if ($3 != "ok") bad++
                  if (NR == 1 || $4 < first) first = $4; if ($5 > last) last = $5 }
         END { printf "  %-12s %6d\n  %-12s %6d\n", "steps", total, "wall", last - first
               exit bad > 0 }' "$2" || {
        echo "make test: FAILED (see the steps marked failed above)" >&2
        exit 1
    }
    echo "make test: all steps passed"
    exit 0
fi
times=$1 name=$2
shift 2
start=$(date +%s)
echo "==== $name: $*"
if "$@"; then result=ok; else result=failed; fi
end=$(date +%s)
printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$((end - start))" "$result" "$start" "$end" >> "$times"
echo "==== $name: $result ($((end - start)) s)"
exit 0
