#!/bin/sh
# Self-test of the helper scripts that turn runs into results: each must
# fail, or leave no result, when what it runs fails, instead of passing on
# stale or missing data. Fakes stand in for the programs they run (a Check
# binary, nm, a libFuzzer binary); runs in a second, nothing is built.
#   tests/run-check.sh     a binary that dies before writing its TAP log
#   tests/check-symbols.sh nm failing on a file; no library given
#   fuzz/fuzz.sh           ci with a fresh output corpus every run; merge
#                          over FUZZ_MAX_CORPUS leaves the corpus unchanged;
#                          a target's ci-runs file caps its ci runs, and a
#                          bad one fails the target
# Run from the source tree (make test does).
set -u
root=$(pwd)
t=$(mktemp -d "${TMPDIR:-/tmp}/dsg-tools-selftest.XXXXXX")
trap 'rm -rf "$t"' EXIT
failures=0
cases=0

# expect NAME WANT_RC GOT_RC: counts a case, and a failure if GOT_RC differs.
expect() {
    cases=$((cases + 1))
    if [ "$3" -ne "$2" ]; then
        echo "tools-selftest: $1: exit $3, want $2" >&2
        [ ! -s "$t/stderr" ] || sed 's/^/    /' "$t/stderr" >&2
        failures=$((failures + 1))
    fi
}

# problem NAME MESSAGE: counts a failed check within a case.
problem() {
    echo "tools-selftest: $1: $2" >&2
    failures=$((failures + 1))
}

# --- run-check.sh: a stale TAP log is not read as this run's ---------------
mkdir "$t/rc"
printf 'ok 1 - tests/check_x.c:core:test_stale: Passed\n' > "$t/rc/r.tap"
printf 'check:test_stale\tpass\n' > "$t/rc/r.tsv"
printf '#!/bin/sh\nexit 1\n' > "$t/rc/dies"
chmod +x "$t/rc/dies"
sh "$root/tests/run-check.sh" fake "$t/rc/dies" "$t/rc/r.tsv" > "$t/stdout" 2> "$t/stderr"
expect "run-check: binary dies before its TAP log" 1 $?
if [ -f "$t/rc/r.tsv" ] && grep -q pass "$t/rc/r.tsv"; then
    problem "run-check: binary dies before its TAP log" "stale pass rows left in the results"
fi

# A binary that writes its log: the rows come from this run only.
cat > "$t/rc/works" <<'BIN'
#!/bin/sh
printf 'ok 1 - tests/check_x.c:core:test_new: Passed\n' > "$CK_TAP_LOG_FILE_NAME"
BIN
chmod +x "$t/rc/works"
sh "$root/tests/run-check.sh" fake "$t/rc/works" "$t/rc/r.tsv" > "$t/stdout" 2> "$t/stderr"
expect "run-check: binary writes its log" 0 $?
printf 'check:test_new\tpass\n' | cmp -s - "$t/rc/r.tsv" ||
    problem "run-check: binary writes its log" "wrong results: $(cat "$t/rc/r.tsv")"

# --- check-symbols.sh: nm failing is a failure ------------------------------
mkdir "$t/sym"
cat > "$t/sym/nm" <<'NM'
#!/bin/sh
# fake nm: "lib" exports dsg_ok, "prog" exports main, anything else fails
for a in "$@"; do f=$a; done
case $f in
*/lib) echo "0000000000000000 T dsg_ok" ;;
*/prog) echo "0000000000000000 T main" ;;
*) echo "nm: $f: file format not recognized" >&2; exit 1 ;;
esac
NM
chmod +x "$t/sym/nm"
: > "$t/sym/lib"
: > "$t/sym/prog"
: > "$t/sym/bad"
symbols() {
    NM="$t/sym/nm" PATH="$t/sym:$PATH" sh "$root/tests/check-symbols.sh" "$@" \
        > "$t/stdout" 2> "$t/stderr"
}
symbols "$t/sym/lib" -- "$t/sym/prog"
expect "check-symbols: good library and program" 0 $?
symbols "$t/sym/lib" "$t/sym/bad" -- "$t/sym/prog"
expect "check-symbols: nm fails on a library" 1 $?
symbols "$t/sym/bad" -- "$t/sym/prog"
expect "check-symbols: nm fails on the only library" 1 $?
symbols "$t/sym/lib" -- "$t/sym/bad"
expect "check-symbols: nm fails on a program object" 1 $?
symbols -- "$t/sym/prog"
expect "check-symbols: no library" 1 $?
symbols --list "$t/sym/lib" -- "$t/sym/prog"
expect "check-symbols --list: good" 0 $?
printf 'dsg_ok\nmain\n' | cmp -s - "$t/stdout" ||
    problem "check-symbols --list: good" "listed '$(cat "$t/stdout")', want dsg_ok and main"
symbols --list "$t/sym/bad" -- "$t/sym/prog"
expect "check-symbols --list: nm fails" 1 $?
symbols --list -- "$t/sym/prog"
expect "check-symbols --list: no library" 1 $?

# --- fuzz.sh: ci starts from an empty output corpus; merge respects the cap -
mkdir -p "$t/fz/fuzz/fake/corpus" "$t/fz/bin"
printf 'a' > "$t/fz/fuzz/fake/corpus/seed-a"
printf 'b' > "$t/fz/fuzz/fake/corpus/seed-b"
cat > "$t/fz/bin/fake" <<'FUZZER'
#!/bin/sh
# fake libFuzzer: ci/run mode fails unless its output corpus (the first
# directory) is empty, then adds a file to it; -merge=1 copies every file of
# the other directories into the first.
merge=0
dirs=
for a in "$@"; do
    case $a in
    -merge=1) merge=1 ;;
    -*) ;;
    *) dirs="$dirs $a" ;;
    esac
done
set -- $dirs
out=$1
shift
if [ "$merge" -eq 1 ]; then
    for d in "$@"; do
        for f in "$d"/*; do [ ! -f "$f" ] || cp "$f" "$out"/; done
    done
    exit 0
fi
if [ -n "$(ls -A "$out")" ]; then
    echo "stat::new_units_added: 0"
    echo "fake: output corpus $out is not empty" >&2
    exit 1
fi
echo found > "$out/unit-1"
echo "stat::new_units_added: 1"
FUZZER
chmod +x "$t/fz/bin/fake"
fuzz() {
    (cd "$t/fz" && FUZZ_SEED=1 FUZZ_RUNS=10 FUZZ_SECONDS=1 sh "$root/fuzz/fuzz.sh" "$@") \
        > "$t/stdout" 2> "$t/stderr"
}
fuzz ci bin "$t/fz/ci1.tsv" fake
expect "fuzz ci: first run" 0 $?
fuzz ci bin "$t/fz/ci2.tsv" fake
expect "fuzz ci: second run starts from an empty output corpus" 0 $?

# Lanes: targets run side by side, and the results keep the targets' order
# and verdicts; a failing target fails the run.
mkdir -p "$t/fz/fuzz/crash/corpus"
printf 'c' > "$t/fz/fuzz/crash/corpus/seed-c"
printf '#!/bin/sh\necho "==1==ERROR: AddressSanitizer: fake crash"\nexit 1\n' > "$t/fz/bin/crash"
chmod +x "$t/fz/bin/crash"
FUZZ_JOBS=2 fuzz ci bin "$t/fz/ci3.tsv" crash fake
expect "fuzz ci: two lanes, one target crashes" 1 $?
printf 'fuzz:crash\tfail\nfuzz:fake\tpass\n' | cmp -s - "$t/fz/ci3.tsv" ||
    problem "fuzz ci: two lanes, one target crashes" "results: $(tr '\n' ' ' < "$t/fz/ci3.tsv")"
grep -q 'fake crash' "$t/stdout" ||
    problem "fuzz ci: two lanes, one target crashes" "the crashing target's output is not shown"

# A per-target budget: fuzz/<t>/ci-runs caps FUZZ_RUNS (10 here) for t
# alone; a file that is not one positive number fails the target.
mkdir -p "$t/fz/fuzz/slow/corpus" "$t/fz/fuzz/quick/corpus"
printf 's' > "$t/fz/fuzz/slow/corpus/seed-s"
printf 'q' > "$t/fz/fuzz/quick/corpus/seed-q"
printf '# signatures: slow\n3\n' > "$t/fz/fuzz/slow/ci-runs"
cat > "$t/fz/bin/runs" <<'FUZZER'
#!/bin/sh
# fake libFuzzer: prints the -runs it was given
for a in "$@"; do case $a in -runs=*) echo "given ${a#-runs=} runs" ;; esac; done
FUZZER
chmod +x "$t/fz/bin/runs"
cp "$t/fz/bin/runs" "$t/fz/bin/slow"
cp "$t/fz/bin/runs" "$t/fz/bin/quick"
fuzz ci bin "$t/fz/ci4.tsv" slow quick
expect "fuzz ci: ci-runs" 0 $?
grep -q 'given 3 runs' "$t/fz/build/fuzz/slow/ci.out" ||
    problem "fuzz ci: ci-runs" "slow ran $(cat "$t/fz/build/fuzz/slow/ci.out"), want 3 runs"
grep -q 'given 10 runs' "$t/fz/build/fuzz/quick/ci.out" ||
    problem "fuzz ci: ci-runs" "quick ran $(cat "$t/fz/build/fuzz/quick/ci.out"), want FUZZ_RUNS"
printf '50\n' > "$t/fz/fuzz/slow/ci-runs"
fuzz ci bin "$t/fz/ci5.tsv" slow
expect "fuzz ci: ci-runs above FUZZ_RUNS" 0 $?
grep -q 'given 10 runs' "$t/fz/build/fuzz/slow/ci.out" ||
    problem "fuzz ci: ci-runs above FUZZ_RUNS" "slow ran $(cat "$t/fz/build/fuzz/slow/ci.out"), want 10 runs"
for bad in 0 ten '-5'; do
    printf '%s\n' "$bad" > "$t/fz/fuzz/slow/ci-runs"
    fuzz ci bin "$t/fz/ci6.tsv" slow
    expect "fuzz ci: ci-runs '$bad'" 1 $?
    grep -q 'must hold one positive number of runs' "$t/fz/build/fuzz/slow/ci.out" ||
        problem "fuzz ci: ci-runs '$bad'" "no error naming the file: $(cat "$t/fz/build/fuzz/slow/ci.out")"
done

mkdir -p "$t/fz/build/fuzz/fake/new"
for n in 1 2 3; do printf 'new%s' "$n" > "$t/fz/build/fuzz/fake/new/new-$n"; done
corpus_files() { (cd "$t/fz/fuzz/fake/corpus" && find . -type f | LC_ALL=C sort); }
corpus_files > "$t/fz/corpus.before"
FUZZ_MAX_CORPUS=4 fuzz merge bin - fake
expect "fuzz merge: over the cap" 1 $?
corpus_files | cmp -s - "$t/fz/corpus.before" ||
    problem "fuzz merge: over the cap" "the committed corpus changed: $(corpus_files | tr '\n' ' ')"
FUZZ_MAX_CORPUS=5 fuzz merge bin - fake
expect "fuzz merge: within the cap" 0 $?
n=$(find "$t/fz/fuzz/fake/corpus" -type f | wc -l)
[ "$n" -eq 5 ] || problem "fuzz merge: within the cap" "corpus has $n files, want 5"

if [ "$failures" -ne 0 ]; then
    echo "tools-selftest: $failures problem(s) in $cases cases" >&2
    exit 1
fi
echo "tools-selftest: all $cases cases behaved as they should"
