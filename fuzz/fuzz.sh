#!/bin/sh
# Fuzzing driver for every harness fuzz/<target>/fuzz_<target>.c.
#
#   fuzz.sh replay BINDIR RESULTS.tsv TARGET...  corpus replay (plain programs, no clang)
#   fuzz.sh ci     BINDIR RESULTS.tsv TARGET...  corpus + fixed seed, FUZZ_RUNS executions
#                                                (fewer where fuzz/<t>/ci-runs says so),
#                                                new inputs to a fresh build/fuzz/<t>/ci-new
#   fuzz.sh run    BINDIR -           TARGET...  FUZZ_SECONDS per target, new inputs to build/fuzz/
#   fuzz.sh merge  BINDIR -           TARGET...  minimise build/fuzz/ finds into the corpus,
#                                                unless that puts it over FUZZ_MAX_CORPUS
#
# A crash, leak or sanitizer report fails the target and leaves the
# reproducer under build/fuzz/<target>/. An empty corpus fails.
#
# fuzz/<target>/ci-runs, optional: a slow target's ci budget, one number
# of runs ('#' starts a comment). ci runs the smaller of it and FUZZ_RUNS,
# so a lower FUZZ_RUNS still shortens every target. Anything but one
# positive number fails the target.
set -u
mode=$1 bindir=$2 results=$3
shift 3
work=build/fuzz
status=0

corpus_of() { echo "fuzz/$1/corpus"; }

check_corpus() {
    if [ -z "$(ls -A "$(corpus_of "$1")" 2>/dev/null)" ]; then
        echo "fuzz: $1: empty or missing corpus $(corpus_of "$1")" >&2
        return 1
    fi
}

# ci_runs T: the number of runs of T in ci mode.
ci_runs() {
    f=fuzz/$1/ci-runs
    if [ ! -f "$f" ]; then
        echo "$FUZZ_RUNS"
        return 0
    fi
    text=$(sed 's/#.*//' "$f" | tr -d ' \t\r\n')
    n=${text#"${text%%[!0]*}"}   # without leading zeros
    case $n in
    '' | *[!0-9]*)
        echo "fuzz: $1: $f must hold one positive number of runs, not '$text'" >&2
        return 1 ;;
    esac
    if [ "${#n}" -gt 9 ] || [ "$n" -ge "$FUZZ_RUNS" ]; then
        echo "$FUZZ_RUNS"
    else
        echo "$n"
    fi
}

dict_args() {
    [ -f "fuzz/$1/$1.dict" ] && echo "-dict=fuzz/$1/$1.dict"
    return 0
}

# fixed_addresses COMMAND...: runs COMMAND without address space layout
# randomisation (setarch -R), or as it is, with a warning, where that is
# not possible.
fixed_addresses() {
    if setarch "$(uname -m)" -R true 2>/dev/null; then
        setarch "$(uname -m)" -R "$@"
    else
        echo "fuzz: setarch -R is not available here; the run may not be reproducible" >&2
        "$@"
    fi
}

record() {
    [ "$results" = "-" ] && return 0
    printf 'fuzz:%s\t%s\n' "$1" "$2" >> "$results"
}

one_target() {
    t=$1
    check_corpus "$t" || return 1
    mkdir -p "$work/$t/new" "$work/$t/artifacts"
    case "$mode" in
    replay)
        "$bindir/$t" "$(corpus_of "$t")"/* ;;
    ci)
        # Same seed, same runs, same inputs: the same run. So a fresh, empty
        # output corpus (what earlier runs found must not change this one),
        # no -reload (it rereads that corpus on a timer), and no address
        # randomisation (compared pointers feed libFuzzer's mutations).
        runs=$(ci_runs "$t") || return 1
        echo "fuzz: $t: $runs runs"
        rm -rf "$work/$t/ci-new" && mkdir -p "$work/$t/ci-new" || return 1
        # shellcheck disable=SC2046 # dict_args is empty or one word
        fixed_addresses "$bindir/$t" -seed="$FUZZ_SEED" -runs="$runs" -reload=0 \
            $(dict_args "$t") -artifact_prefix="$work/$t/artifacts/" -print_final_stats=1 \
            "$work/$t/ci-new" "$(corpus_of "$t")" ;;
    run)
        # shellcheck disable=SC2046
        "$bindir/$t" -max_total_time="$FUZZ_SECONDS" $(dict_args "$t") \
            -artifact_prefix="$work/$t/artifacts/" -print_final_stats=1 \
            "$work/$t/new" "$(corpus_of "$t")" ;;
    merge)
        merge_target "$t" ;;
    *)
        echo "fuzz: unknown mode $mode" >&2; return 2 ;;
    esac
}

# count_files DIR: the number of entries in DIR.
count_files() {
    find "$1" -mindepth 1 -maxdepth 1 | wc -l
}

# Minimise what `make fuzz` found into the committed corpus, under a cap.
# The merge runs on a copy (build/fuzz/<t>/merge); the committed corpus
# changes only if the result is within FUZZ_MAX_CORPUS.
merge_target() {
    t=$1
    corpus=$(corpus_of "$t")
    merged=$work/$t/merge
    rm -rf "$merged" && mkdir -p "$merged" && cp -p "$corpus"/* "$merged"/ || return 1
    before=$(count_files "$corpus")
    "$bindir/$t" -merge=1 "$merged" "$work/$t/new" || return 1
    after=$(count_files "$merged")
    if [ "$after" -gt "$FUZZ_MAX_CORPUS" ]; then
        echo "fuzz: $t: merged corpus would have $after files, over FUZZ_MAX_CORPUS=$FUZZ_MAX_CORPUS; $corpus left as it was (the merge is in $merged)" >&2
        return 1
    fi
    cp -p "$merged"/* "$corpus"/ || return 1
    rm -rf "$merged"
    echo "fuzz: $t: corpus $before -> $after files"
}

# run_target T: one_target T with its output and verdict kept under
# build/fuzz/T/, for the report below.
run_target() {
    mkdir -p "$work/$1" || return 1
    if one_target "$1" > "$work/$1/$mode.out" 2>&1; then v=pass; else v=fail; fi
    echo "$v" > "$work/$1/$mode.verdict"
}

[ $# -gt 0 ] || { echo "fuzz: no targets" >&2; exit 2; }
[ "$results" = "-" ] || : > "$results"
# Targets are dealt in turn to FUZZ_JOBS lanes (default: one per core);
# each lane runs its targets one after another. A target's run does not
# depend on what runs beside it: ci runs a fixed number of inputs.
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
lane=0
while [ "$lane" -lt "$jobs" ]; do
    i=0
    for t in "$@"; do
        [ $((i % jobs)) -eq "$lane" ] && { rm -f "$work/$t/$mode.verdict"; run_target "$t"; }
        i=$((i + 1))
    done &
    lane=$((lane + 1))
done
wait
for t in "$@"; do
    echo "== fuzz $mode: $t"
    cat "$work/$t/$mode.out" 2>/dev/null
    if [ "$(cat "$work/$t/$mode.verdict" 2>/dev/null)" = pass ]; then
        record "$t" pass
    else
        record "$t" fail
        echo "fuzz: $t FAILED; reproducers (if any) in $work/$t/artifacts/" >&2
        status=1
    fi
done
exit "$status"
