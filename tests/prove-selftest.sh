#!/bin/sh
# Self-test of acsl/prove.sh: a fake frama-c replays canned WP logs, and each
# kind of proof failure must make `prove.sh` exit non-zero (and `record`
# refuse to write). Runs in a second; no prover needed.
set -u
root=$(pwd)
t=$(mktemp -d "${TMPDIR:-/tmp}/dsg-prove-selftest.XXXXXX")
trap 'rm -rf "$t"' EXIT
failures=0

# The module "fake": two functions, as prove.sh's functions_of finds them.
printf 'int f(void)\n{\n    return 0;\n}\nint g(int x)\n{\n    return x;\n}\n' > "$t/fake.c"
printf 'fake\t%s\t3\tclaims\n' "$t/fake.c" > "$t/manifest.tsv"
printf '[ATP]\nname = "CVC4"\n[ATP]\nname = "Z3"\n' > "$t/why3.conf"
# The fake also plays WP's cache: recording (-wp-cache rebuild) it writes
# one answer into the -wp-cache-dir; replaying, it fails unless that
# answer is there again.
cat > "$t/frama-c" <<'FAKE'
#!/bin/sh
mode= dir=
while [ $# -gt 0 ]; do
    case $1 in
    -wp-cache) mode=$2; shift ;;
    -wp-cache-dir) dir=$2; shift ;;
    esac
    shift
done
case $mode in
rebuild) printf '{ "prover": "CVC4:1.8", "verdict": "valid" }\n' > "$dir/0a1b.json" ;;
replay) [ -z "${FAKE_WANT_CACHE:-}" ] || [ -f "$dir/0a1b.json" ] || exit 3 ;;
esac
cat "$FAKE_WP_LOG"
exit "${FAKE_WP_RC:-0}"
FAKE
chmod +x "$t/frama-c"

good_log() {
    cat <<'LOG'
[wp] [Qed] Goal typed_f_ensures : Valid (2ms)
[wp] [CVC4 1.8] Goal typed_f_assert_rte_mem_access : Valid (Qed:1ms) (20ms) (100)
[wp] [Z3 4.8.12] Goal typed_g_ensures : Valid (30ms) (200)
[wp] [Passed] Smoke-test typed_f_wp_smoke_default_requires
[wp] Proved goals:    4 / 4
LOG
}
printf 'module\tfunction\tproved\ttotal\nfake\tf\t2\t2\nfake\tg\t1\t1\n' > "$t/summary.tsv"

# expect NAME WANT_RC MODE: runs prove.sh on $t/log, checks its status.
expect() {
    name=$1 want=$2 mode=$3
    FRAMAC="$t/frama-c" FAKE_WP_LOG="$t/log" DSG_WHY3CONFIG="$t/why3.conf" \
        PROVE_MANIFEST="$t/manifest.tsv" PROVE_SUMMARY="$t/summary.tsv" \
        PROVE_OUT="$t/out" PROVE_CACHE="$t/cache.tsv" sh "$root/acsl/prove.sh" "$mode" \
        > "$t/stdout" 2> "$t/stderr"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "prove-selftest: $name: exit $got, want $want" >&2
        sed 's/^/    /' "$t/stderr" >&2
        failures=$((failures + 1))
    fi
}

good_log > "$t/log"
expect "all goals proved" 0 check

good_log | sed 's/\[Passed\] Smoke-test/[Failed] Smoke-test/' > "$t/log"
expect "failed smoke test" 1 check

good_log | sed 's/Goal typed_g_ensures : Valid (30ms) (200)/Goal typed_g_ensures/; s/\[Z3 4.8.12\]/[Failed]/' > "$t/log"
expect "unproved goal" 1 check

good_log | sed 's/typed_g_ensures : Valid (30ms) (200)/typed_g_ensures : Timeout (20s)/' > "$t/log"
expect "timeout" 1 check

good_log | grep -v typed_g_ensures | sed 's|4 / 4|3 / 3|' > "$t/log"
expect "under the goal floor" 1 check

good_log | sed 's/4 \/ 4/5 \/ 5/' > "$t/log"
expect "goal count disagrees with WP's summary" 1 check

good_log > "$t/log"
FAKE_WP_RC=1 expect "frama-c failed" 1 check
unset FAKE_WP_RC

good_log | sed 's/typed_g_ensures/typed_g_ensures_2/' > "$t/log"
sed -i 's/fake\tg\t1\t1/fake\tg\t1\t2/' "$t/summary.tsv"
expect "counts differ from the committed summary" 1 check
sed -i 's/fake\tg\t1\t2/fake\tg\t1\t1/' "$t/summary.tsv"

cp "$t/summary.tsv" "$t/summary.before"
good_log | sed 's/\[Passed\] Smoke-test/[Failed] Smoke-test/' > "$t/log"
expect "record refuses a failed proof" 1 record
cmp -s "$t/summary.tsv" "$t/summary.before" || {
    echo "prove-selftest: record wrote the summary of a failed proof" >&2
    failures=$((failures + 1))
}

# A record writes the provers' answers down; a check finds them again.
good_log > "$t/log"
expect "record" 0 record
grep -qx '0a1b	{ "prover": "CVC4:1.8", "verdict": "valid" }' "$t/cache.tsv" || {
    echo "prove-selftest: record did not write the prover's answer: $(cat "$t/cache.tsv")" >&2
    failures=$((failures + 1))
}
FAKE_WANT_CACHE=1 expect "a check replays the recorded answers" 0 check
rm "$t/cache.tsv"
FAKE_WANT_CACHE=1 expect "a check without the record finds none" 1 check
unset FAKE_WANT_CACHE

# Each later pass (prove.sh: CVC4 with the full timeout, then Z3 beside
# it) retries only what the passes before it left unproved; a goal's last
# verdict counts.
second_pass() {   # second_pass VERDICT: typed_g_ensures retried
    good_log | sed 's/typed_g_ensures : Valid (30ms) (200)/typed_g_ensures : Timeout (10s)/'
    printf '[wp] Proved goals:    1 / 1\n' | sed "s|^|[wp] [Z3 4.8.12] Goal typed_g_ensures : $1 (1s)\n|"
}
second_pass Valid > "$t/log"
expect "unproved in the first pass, proved in the second" 0 check
second_pass Timeout > "$t/log"
expect "unproved in both passes" 1 check
{ second_pass Unknown
  printf '[wp] [Z3 4.8.12] Goal typed_g_ensures : Valid (1s)\n[wp] Proved goals:    1 / 1\n'; } > "$t/log"
expect "unproved in two passes, proved in the third" 0 check
{ good_log; printf '[wp] [Z3 4.8.12] Goal typed_g_extra : Valid (1s)\n[wp] Proved goals:    1 / 1\n'; } > "$t/log"
expect "a goal first seen in the second pass" 1 check

if [ "$failures" -ne 0 ]; then
    echo "prove-selftest: $failures case(s) failed" >&2
    exit 1
fi
echo "prove-selftest: all 16 cases detected as they should be"
