#!/bin/sh
# Runs the Check unit tests and turns Check's TAP log into trace results.
# usage: run-check.sh LABEL BINARY RESULTS.tsv
set -eu
label=$1 bin=$2 results=$3
tap=${results%.tsv}.tap
echo "== unit tests ($label build)"
# A binary that dies before Check opens its log must not leave the rows of
# an earlier run to be read as this run's.
rm -f "$tap" "$results"
status=0
CK_TAP_LOG_FILE_NAME=$tap CK_FORK=yes "$bin" || status=$?
if [ ! -f "$tap" ]; then
    echo "run-check: $bin wrote no TAP log ($tap); exit status $status" >&2
    exit 1
fi
# "ok 3 - tests/check_x.c:core:test_name: Passed" -> "check:test_name<TAB>pass"
awk '/^(not )?ok [0-9]+ - / {
        verdict = ($1 == "ok") ? "pass" : "fail"
        line = $0; sub(/^(not )?ok [0-9]+ - /, "", line)
        n = split(line, part, ":")
        if (n >= 3) printf "check:%s\t%s\n", part[3], verdict
     }' "$tap" > "$results"
if [ ! -s "$results" ]; then
    echo "run-check: no test results in $tap" >&2
    exit 1
fi
exit "$status"
