#!/bin/sh
# Fuzzing driver for every harness fuzz/<target>/fuzz_<target>.c.
#
#   fuzz.sh replay BINDIR RESULTS.tsv TARGET...  corpus replay (plain programs, no clang)
#   fuzz.sh ci     BINDIR RESULTS.tsv TARGET...  corpus + fixed seed, FUZZ_RUNS executions
#   fuzz.sh run    BINDIR -           TARGET...  FUZZ_SECONDS per target, new inputs to build/fuzz/
#   fuzz.sh merge  BINDIR -           TARGET...  minimise build/fuzz/ finds into the corpus
#
# A crash, leak or sanitizer report fails the target and leaves the
# reproducer under build/fuzz/<target>/. An empty corpus fails.
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

dict_args() {
    [ -f "fuzz/$1/$1.dict" ] && echo "-dict=fuzz/$1/$1.dict"
    return 0
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
        # shellcheck disable=SC2046 # dict_args is empty or one word
        "$bindir/$t" -seed="$FUZZ_SEED" -runs="$FUZZ_RUNS" $(dict_args "$t") \
            -artifact_prefix="$work/$t/artifacts/" -print_final_stats=1 \
            "$work/$t/new" "$(corpus_of "$t")" ;;
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

# Minimise what `make fuzz` found into the committed corpus, under a cap.
merge_target() {
    t=$1
    corpus=$(corpus_of "$t")
    before=$(ls "$corpus" | wc -l)
    "$bindir/$t" -merge=1 "$corpus" "$work/$t/new" || return 1
    after=$(ls "$corpus" | wc -l)
    if [ "$after" -gt "$FUZZ_MAX_CORPUS" ]; then
        echo "fuzz: $t: corpus has $after files, over FUZZ_MAX_CORPUS=$FUZZ_MAX_CORPUS; not committed as is" >&2
        return 1
    fi
    echo "fuzz: $t: corpus $before -> $after files"
}

[ $# -gt 0 ] || { echo "fuzz: no targets" >&2; exit 2; }
[ "$results" = "-" ] || : > "$results"
for t in "$@"; do
    echo "== fuzz $mode: $t"
    if one_target "$t"; then
        record "$t" pass
    else
        record "$t" fail
        echo "fuzz: $t FAILED; reproducers (if any) in $work/$t/artifacts/" >&2
        status=1
    fi
done
exit "$status"
