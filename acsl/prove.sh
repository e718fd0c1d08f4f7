#!/bin/sh
# Runs Frama-C WP on every module of acsl/manifest.tsv.
#
#   prove.sh check    prove, then fail on any unproved goal, failed smoke test,
#                     module under its goal floor, unlisted axiom/admit, or a
#                     per-function count different from acsl/proof-summary.tsv
#   prove.sh record   prove, then write acsl/proof-summary.tsv (review the diff)
#
# Writes build/proof/<module>.tsv (function, proved, total), the WP log
# build/proof/<module>.log and build/proof-summary.tsv.
set -u
mode=${1:-check}
out=${PROVE_OUT:-build/proof}
manifest=${PROVE_MANIFEST:-acsl/manifest.tsv}
committed=${PROVE_SUMMARY:-acsl/proof-summary.tsv}
FRAMAC=${FRAMAC:-frama-c}   # tests/prove-selftest.sh substitutes a fake
summary=${PROVE_OUT:-build/proof}-summary.tsv   # beside, not in, build/proof/: make trace reads *.tsv there
# Each module is proved in three passes of one Frama-C run (docs/toolchain.md,
# "Prover settings and why"):
#  1. every goal and every smoke test, with CVC4 alone and a budget of
#     WP_FIRST_STEPS steps per goal: a step budget, unlike a time limit,
#     gives the same verdicts on a loaded machine, and a smoke test (which
#     passes when the prover cannot refute its context) costs that budget
#     and no more;
#  2. only the goals the first pass left unproved, with CVC4 alone and
#     WP_TIMEOUT seconds each. The slowest goals (json_out's key and
#     put_word postconditions, json_tok's add_token frame) take CVC4 about
#     10 s with another proof sharing the cores: 60 s keeps a wide margin
#     and costs nothing on goals that prove;
#  3. what is still unproved, with Z3 beside CVC4 (-wp-prover after -then
#     adds provers to the earlier ones), WP_TIMEOUT seconds each: a few
#     goals CVC4 gives up on at once, which Z3 proves. Racing the two
#     provers on every goal of pass 2 instead doubled that pass's CPU.
WP_FIRST_STEPS=${WP_FIRST_STEPS:-50000}
WP_TIMEOUT=${WP_TIMEOUT:-60}
# Modules are proved PROVE_JOBS at a time, each with WP_PAR prover
# processes: Frama-C's own work (parsing, VC generation, Qed) is
# single-threaded, and provers spend part of their time starting up, so
# overlapping two modules keeps both cores busy (docs/toolchain.md).
PROVE_JOBS=${PROVE_JOBS:-2}
WP_PAR=${WP_PAR:-2}
# A smoke test's time limit, beside its step budget (WP's default is 2 s).
WP_SMOKE_TIMEOUT=${WP_SMOKE_TIMEOUT:-1}
# Which smoke tests run: "all" WP's kinds, or "no-dead-code" (the
# default of `make prove` and `make test`): every kind but the per-block
# dead-code tests, which `make prove-full` adds (docs/toolchain.md,
# "Smoke tests").
WP_SMOKE=${WP_SMOKE:-no-dead-code}
case "$WP_SMOKE" in
all) smoke_kinds="" ;;
no-dead-code) smoke_kinds="-wp-no-smoke-dead-code" ;;
*) echo "prove: WP_SMOKE is all or no-dead-code, not '$WP_SMOKE'" >&2; exit 2 ;;
esac
# Extra WP options for every pass, for measurements (docs/toolchain.md).
WP_EXTRA=${WP_EXTRA:-}
# The provers' recorded answers (docs/toolchain.md, "The provers' answers
# on record"): acsl/wp-cache.tsv holds, for every prover call of the last
# full `make prove-record`, the digest WP computes over the whole goal it
# sends (every hypothesis, the prover, its version and limits) and the
# answer. `check` replays it: WP still generates and simplifies every goal,
# and asks a prover only for a goal whose digest is not on record, so a
# changed goal is always proved afresh. `record` asks the provers for every
# goal and writes the file anew; WP_CACHE=none (make prove-full) never
# reads it.
cache_file=${PROVE_CACHE:-acsl/wp-cache.tsv}
case "$mode" in record) WP_CACHE=rebuild ;; *) WP_CACHE=${WP_CACHE:-replay} ;; esac
case "$WP_CACHE" in
replay | rebuild) cache_dir=${PROVE_OUT:-build/proof}-cache
    cache_opts="-wp-cache $WP_CACHE -wp-cache-dir $cache_dir" ;;
none) cache_dir= cache_opts="-wp-cache none" ;;
*) echo "prove: WP_CACHE is replay or none, not '$WP_CACHE'" >&2; exit 2 ;;
esac
export WHY3CONFIG="${DSG_WHY3CONFIG:-$PWD/build/why3.conf}"   # never the user's home
mkdir -p "$out"
status=0

fail() { echo "prove: $*" >&2; status=1; }

# In a lane (a background job), failures are written down for the main
# shell to report: a subshell cannot set its status.
lane_fail() { echo "prove: $*" >> "$out/$module.failed"; }

why3_config() {
    has_provers() { grep -q 'name = "CVC4"' "$WHY3CONFIG" && grep -q 'name = "Z3"' "$WHY3CONFIG"; }
    [ -s "$WHY3CONFIG" ] && has_provers && return 0
    why3 config detect > "$out/why3-detect.log" 2>&1 || { cat "$out/why3-detect.log" >&2; return 1; }
    has_provers || {
        echo "prove: why3 did not find both CVC4 and Z3 (see $out/why3-detect.log)" >&2; return 1; }
}

# ACSL constructs that assume something without proof (axioms, axiomatic
# blocks, admitted lemmas) must be justified. Lemmas WP proves are fine.
check_assumptions() {
    grep -rnE '\b(axiom|axiomatic|admit)\b' src acsl --include='*.c' --include='*.h' |
        while IFS=: read -r file line text; do
            name=$(printf '%s\n' "$text" | sed -nE 's/.*\b(axiom|axiomatic|admit)[[:space:]]+(lemma[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*).*/\3/p')
            grep -qF -- "- admitted: $file: $name" acsl/ASSUMPTIONS.md ||
                echo "prove: $file:$line: '$name' is admitted without a justification in acsl/ASSUMPTIONS.md"
        done > "$out/assumptions.txt"
    if [ -s "$out/assumptions.txt" ]; then cat "$out/assumptions.txt" >&2; return 1; fi
}

# Functions defined in a source file (definitions start at column 0).
functions_of() {
    sed -nE 's/^[A-Za-z_][A-Za-z0-9_ *]*[ *]([A-Za-z_][A-Za-z0-9_]*)\(.*/\1/p' "$1" | sort -u
}

prove_module() {
    module=$1 source=$2
    log="$out/$module.log"
    echo "== prove $module ($source)"
    rm -f "$out/$module.tsv" "$out/$module.errors" "$out/$module.failed"   # never a stale result
    rm -rf "$out/$module.session"   # nor a cached prover answer
    started=$(date +%s)
    # shellcheck disable=SC2086 # smoke_kinds and WP_EXTRA are lists of options
    "$FRAMAC" -cpp-extra-args="-I. -Isrc" -machdep x86_64 "$source" \
        -kernel-warn-key annot:missing-spec=abort \
        -kernel-warn-key typing:implicit-function-declaration=abort \
        -wp -wp-rte -wp-no-init-const \
        -warn-unsigned-overflow -warn-unsigned-downcast -warn-signed-downcast \
        -warn-invalid-pointer -wp-smoke-tests \
        -wp-prover cvc4 -wp-steps "$WP_FIRST_STEPS" -wp-par "$WP_PAR" \
        -wp-timeout "$WP_TIMEOUT" -wp-smoke-timeout "$WP_SMOKE_TIMEOUT" \
        -wp-session "$out/$module.session" $smoke_kinds $cache_opts $WP_EXTRA \
        -then -wp -wp-no-smoke-tests -wp-steps 0 -wp-timeout "$WP_TIMEOUT" \
        -then -wp -wp-prover z3 \
        < /dev/null > "$log" 2>&1
    rc=$?
    grep -E '^\[wp\] (Proved goals|Warning)|^\[kernel\].*(error|Error)' "$log"
    echo "prove: $module took $(( $(date +%s) - started )) s"
    [ "$rc" -eq 0 ] || { lane_fail "$module: frama-c exited $rc (see $log)"; return; }
    functions_of "$source" > "$out/$module.functions"
    awk -v module="$module" -v fns="$out/$module.functions" -f acsl/wp-log.awk "$log" \
        > "$out/$module.tsv" 2> "$out/$module.errors"
    if [ -s "$out/$module.errors" ]; then
        cat "$out/$module.errors" >> "$out/$module.failed"
        lane_fail "$module: unproved goals or failed smoke tests"
    fi
}

why3_config || exit 1
check_assumptions || status=1

# The cache directory WP reads (and, recording, fills) from nothing but
# acsl/wp-cache.tsv: one JSON file a digest.
if [ -n "$cache_dir" ]; then
    rm -rf "$cache_dir" && mkdir -p "$cache_dir" || exit 1
    if [ "$WP_CACHE" = replay ] && [ -f "$cache_file" ]; then
        awk -F'\t' -v d="$cache_dir" '$1 ~ /^[0-9a-f]+$/ && NF == 2 { print $2 > (d "/" $1 ".json"); close(d "/" $1 ".json") }' \
            "$cache_file"
    fi
fi

# Lanes: modules dealt costliest first to the lane with the least work so
# far; each lane proves its modules one after another in a background job,
# with its output kept apart so that the log reads module by module. A
# module's cost is its wall-clock seconds in acsl/prove-costs.tsv (the
# "took" lines of a recent `make test`), else its goal floor / 5 (about
# what a goal costs). A stale cost only unbalances the lanes.
costs=${PROVE_COSTS:-acsl/prove-costs.tsv}
[ -f "$costs" ] || costs=/dev/null
grep -vE '^(#|$)' "$manifest" > "$out/manifest.list"
awk -F'\t' 'NR == FNR { if ($0 !~ /^#/) cost[$1] = $2; next }
     { print (($1 in cost) ? cost[$1] : $3 / 5) "\t" $0 }' "$costs" "$out/manifest.list" |
    sort -t "$(printf '\t')" -k1,1nr |
    awk -F'\t' -v jobs="$PROVE_JOBS" '
        BEGIN { if (jobs < 1) jobs = 1 }
        { best = 1; for (l = 2; l <= jobs; l++) if (work[l] < work[best]) best = l
          work[best] += $1; print best "\t" $2 "\t" $3 }' > "$out/lanes.list"
lanes=$(cut -f1 "$out/lanes.list" | sort -u)
for lane in $lanes; do
    awk -F'\t' -v l="$lane" '$1 == l { print $2 "\t" $3 }' "$out/lanes.list" |
        while IFS="$(printf '\t')" read -r module source; do
            prove_module "$module" "$source"
        done > "$out/lane$lane.out" 2>&1 &
done
wait
for lane in $lanes; do cat "$out/lane$lane.out"; rm -f "$out/lane$lane.out"; done

# Results, in manifest order.
: > "$out/summary.rows"
while IFS="$(printf '\t')" read -r module source floor claims; do
    if [ -s "$out/$module.failed" ]; then
        cat "$out/$module.failed" >&2
        status=1
    fi
    total=$(awk -F'\t' 'NR > 1 { t += $3 } END { print t + 0 }' "$out/$module.tsv" 2>/dev/null || echo 0)
    if [ "$total" -lt "$floor" ]; then
        fail "$module: $total goals, under its floor of $floor (a dropped contract?)"
    fi
    [ -s "$out/$module.tsv" ] &&
        awk -F'\t' -v m="$module" 'NR > 1 { printf "%s\t%s\t%s\t%s\n", m, $1, $2, $3 }' \
            "$out/$module.tsv" >> "$out/summary.rows"
done < "$out/manifest.list"
{ printf 'module\tfunction\tproved\ttotal\n'; LC_ALL=C sort "$out/summary.rows"; } > "$summary"
rm -f "$out/summary.rows" "$out/manifest.list" "$out/lanes.list"

# What the provers answered from the record, and what they had to prove.
if [ "$WP_CACHE" = replay ]; then
    cat "$out"/*.log 2>/dev/null | awk '/^\[wp\] \[Cache\]/ { for (i = 3; i <= NF; i++) {
            split($i, kv, ":"); if (kv[1] == "found") f += kv[2]; else if (kv[1] == "missed" || kv[1] == "updated") m += kv[2] } }
        END { printf "prove: %d prover answers replayed from the record, %d asked afresh\n", f, m }'
fi

case "$mode" in
record)
    if [ "$status" -ne 0 ]; then
        echo "prove: not recording $committed nor $cache_file: the proof failed" >&2
    else
        cp "$summary" "$committed"
        echo "prove: recorded $committed"
        find "$cache_dir" -name '*.json' -exec awk '
            FNR == 1 { if (name != "") print name "\t" text; name = FILENAME; text = ""
                       sub(/.*\//, "", name); sub(/\.json$/, "", name) }
            { text = text $0 }
            END { if (name != "") print name "\t" text }' {} + | LC_ALL=C sort > "$cache_file"
        echo "prove: recorded $cache_file ($(wc -l < "$cache_file") prover answers)"
    fi ;;
check)
    if ! cmp -s "$summary" "$committed"; then
        diff -u "$committed" "$summary" >&2
        fail "per-function goal counts differ from $committed; review, then 'make prove-record'"
    fi ;;
*)
    echo "usage: prove.sh check|record" >&2; exit 2 ;;
esac
awk -F'\t' 'NR > 1 { p += $3; t += $4 } END { printf "prove: %d/%d goals proved in %d functions\n", p, t, NR - 1 }' "$summary"
exit "$status"
