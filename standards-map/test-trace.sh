#!/bin/sh
# test-trace.sh: self-test of standards-map/trace.sh.
#
# Builds a small repository (two spec files, a clause catalogue, markers in
# src/, tests/, fuzz/ and conformance/cases/, test and proof results, a
# symbols file) under a temporary directory. The clean tree must give no gap
# and an exact trace.csv; then each case breaks one thing and checks that the
# matching gap is reported, that --strict exits 1 and that a plain run exits 0.
# Runs once per awk found (awk, mawk, gawk): trace.sh must work with all.
#
#   standards-map/test-trace.sh        exit 0 if every check passes
set -eu
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
trace=$here/trace.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/test-trace.XXXXXX")
trap 'rm -rf "$work"' EXIT
tab=$(printf '\t')
cr=$(printf '\r')

checks=0 fails=0 case=- awk_name=-
pass() { checks=$((checks + 1)); }
fail() {
	checks=$((checks + 1)); fails=$((fails + 1))
	printf 'FAIL [%s] %s: %s\n' "$awk_name" "$case" "$*" >&2
}

# ---------------------------------------------------------------- fixture
# The clean tree. Line numbers matter: trace.csv names markers by path:line.
make_base() {
	r=$1
	mkdir -p "$r/spec" "$r/standards-map" "$r/src/demo" "$r/tests" \
	    "$r/fuzz/demo/corpus" "$r/conformance/cases" "$r/build/results" "$r/build/proof"

	cat >"$r/standards-map/clauses.tsv" <<'EOF'
part	clause_id	raw_id	confidence	title_ja	services	note
本紙	第1-(1)	第1-(1)	exact	目録の作成	4.2.1	as written
付紙	第2-1	第2-1	exact	"引用" & <タグ>, 一覧	4.2.1	as written
付紙	第3-(1)-ア	第3-(1)-ア)	near-certain	記録を行うこと	4.2.1	opening parenthesis missing
EOF

	# spec/README.md documents the form; it is never parsed as requirements.
	cat >"$r/spec/README.md" <<'EOF'
## REQ-SHARE-900: an example in the README, not a requirement
- status: bogus
EOF
	cat >"$r/spec/demo.md" <<'EOF'
# 4.2.1 テスト共有サービス (SHARE)

Prose about the service. A fenced example is not a requirement:

```
## REQ-SHARE-901: example
- status: bogus
```

## REQ-SHARE-001: Names with "bad" <ext> & more are refused
- statement: The gateway SHALL refuse an upload whose name ends in a forbidden extension.
- source: 4.2.1 利用不可拡張子一覧
- clauses: 本紙 第1-(1); 付紙 第2-1
- verify: test, proof
- status: implemented
- rationale: 付紙 第2-1 の要件。
- config: share.extra = "" (source: ANSSI)

## REQ-SHARE-002: The list is reviewed
- statement: The extension list SHALL match the spec's table.
- source: 4.2.1
- clauses: 付紙 第3-(1)-ア
- verify: inspection
- status: implemented
- rationale: review.

## REQ-SHARE-003: Planned work, no test yet
- statement: The gateway SHALL log each refusal.
- source: 4.2.1
- clauses: none (from the spec's text alone)
- verify: test
- status: planned
- rationale: audit.

## REQ-SHARE-004: Organisational
- statement: A staffed line SHALL answer.
- source: 4.2.1
- clauses: 付紙 第2-1
- verify: inspection
- status: excluded
- reason: organisational, outside software.
- rationale: the spec asks for it.

## Notes

- status: this bullet is prose after the requirements, not a field.
EOF
	# CRLF line ends on purpose: the parser must not keep the CRs.
	sed "s/\$/$cr/" >"$r/spec/log.md" <<'EOF'
# Audit trail (LOG)

## REQ-LOG-001: Every refusal is logged
- statement: The gateway SHALL write one audit record per refusal.
- source: 別紙 #16
- clauses: none (cross-cutting)
- verify: test
- status: implemented
- rationale: 監査。
EOF

	# src: a header with an ACSL contract and an attribute between marker and
	# name, the declaration spanning lines; a .c file with a marker inside a
	# block comment spanning two lines, "static inline", an attribute with
	# nested parentheses, a "/*" inside a string, and a one-line marker.
	cat >"$r/src/demo/demo.h" <<'EOF'
#include <stddef.h>

/* @relation(REQ-SHARE-001) */
/*@ requires \valid_read(x + (0 .. n - 1));
    ensures \result >= 0; */
__attribute__((warn_unused_result))
int dsg_demo_check(const char *x,
                   size_t n);
EOF
	cat >"$r/src/demo/demo.c" <<'EOF'
#include "demo.h"

static const char *s = "/* not a comment";

/*
 * Helper.
 * @relation(REQ-SHARE-001,
 *           REQ-LOG-001)
 */
static inline
enum dsg_v __attribute__((nonnull (1)))
dsg_demo_helper(const char *p)
{
	return p == s;
}

/* @relation(REQ-LOG-001) */ int dsg_log_write(void) { return 0; }
EOF
	cat >"$r/tests/check_demo.c" <<'EOF'
#include <check.h>

/* @relation(REQ-SHARE-001) */
START_TEST(test_demo_edge)
{
}
END_TEST

// @relation(REQ-SHARE-001, REQ-LOG-001)
START_TEST(test_demo_ok)
{
}
END_TEST
EOF
	cat >"$r/conformance/cases/log-write.sh" <<'EOF'
#!/bin/sh
# @relation(REQ-LOG-001)
exit 0
EOF
	# A case name with a comma and quotes: trace.csv must quote it (RFC 4180).
	cat >"$r/conformance/cases/odd,\"case\".sh" <<'EOF'
# @relation(REQ-LOG-001)
EOF
	cat >"$r/fuzz/demo/fuzz_demo.c" <<'EOF'
/* @relation(REQ-SHARE-001) */
int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }
EOF
	printf 'seed\n' >"$r/fuzz/demo/corpus/seed1"

	printf 'check:test_demo_edge\tpass\ncheck:test_demo_ok\tpass\n' >"$r/build/results/check.tsv"
	printf 'conformance:log-write\tpass\nconformance:odd,"case"\tpass\n' >"$r/build/results/conformance.tsv"
	printf 'fuzz:demo\tpass\n' >"$r/build/results/fuzz.tsv"
	printf 'function\tproved\ttotal\ndsg_demo_check\t12\t12\ndsg_demo_helper\t3\t3\n' >"$r/build/proof/demo.tsv"
	printf 'dsg_demo_check\ndsg_demo_helper\ndsg_log_write\n' >"$r/symbols.txt"
}

# ---------------------------------------------------------------- helpers
# new_case NAME: a fresh copy of the clean tree in $root.
new_case() {
	case=$1
	root=$work/$awk_name/$1
	mkdir -p "$root"
	cp -R "$pristine/." "$root/"
}

# edit FILE SED-SCRIPT (sed -i is not POSIX)
edit() {
	sed "$2" "$1" >"$1.new" && mv "$1.new" "$1"
}

# run [trace.sh options]: runs on $root, output in $root/out.
run() {
	rc=0
	AWK=$awk "$trace" --root "$root" --out "$root/out" "$@" \
	    >"$root/stdout" 2>"$root/stderr" || rc=$?
}
run_sym() { run --symbols "$root/symbols.txt" "$@"; }

expect_rc() {
	if [ "$rc" -eq "$1" ]; then pass; else fail "exit status $rc, want $1 ($(head -c 300 "$root/stderr"))"; fi
}

# expect_gap KIND DETAIL: that exact line is in gaps.txt.
expect_gap() {
	if grep -Fx "$1$tab$2" "$root/out/gaps.txt" >/dev/null; then pass
	else fail "no gap line '$1	$2'; gaps.txt: $(cat "$root/out/gaps.txt")"; fi
}
# expect_gap_kind KIND SUBSTRING: some KIND line contains SUBSTRING.
expect_gap_kind() {
	if grep "^$1$tab" "$root/out/gaps.txt" | grep -F -- "$2" >/dev/null; then pass
	else fail "no $1 gap with '$2'; gaps.txt: $(cat "$root/out/gaps.txt")"; fi
}
expect_no_gap_kind() {
	if grep "^$1$tab" "$root/out/gaps.txt" >/dev/null; then
		fail "unexpected $1 gap: $(grep "^$1$tab" "$root/out/gaps.txt")"
	else pass; fi
}
# expect_row CSV-LINE: trace.csv holds that row (CR removed).
expect_row() {
	if tr -d '\r' <"$root/out/trace.csv" | grep -Fx -- "$1" >/dev/null; then pass
	else fail "no trace.csv row '$1'"; fi
}
expect_html() {
	if grep -F -- "$1" "$root/out/index.html" >/dev/null; then pass
	else fail "index.html lacks '$1'"; fi
}

# gap_case KIND DETAIL: the gap is reported; --strict fails, a plain run not.
gap_case() {
	run_sym --strict; expect_rc 1; expect_gap "$1" "$2"
	run_sym; expect_rc 0; expect_gap "$1" "$2"
	expect_html "$1"
}
gap_case_kind() {
	run_sym --strict; expect_rc 1; expect_gap_kind "$1" "$2"
	run_sym; expect_rc 0
}

# ---------------------------------------------------------------- cases
clean_tree() {
	new_case clean
	run_sym --strict; expect_rc 0
	if [ -s "$root/out/gaps.txt" ]; then fail "gaps in the clean tree: $(cat "$root/out/gaps.txt")"; else pass; fi
	# trace.csv, byte for byte: BOM, CRLF, sorted by part/id/req (C order:
	# none < 付紙 < 本紙), RFC 4180 quoting of the odd conformance case.
	{
		printf '\357\273\277'
		printf '%s\r\n' \
		    'clause_part,clause_id,req_id,req_status,code_refs,proof_status,tests,test_status,fuzz' \
		    'none,,REQ-LOG-001,implemented,src/demo/demo.c:17;src/demo/demo.c:7,proved,"check:test_demo_ok;conformance:log-write;conformance:odd,""case""",pass,' \
		    'none,,REQ-SHARE-003,planned,,n/a,,none,' \
		    '付紙,第2-1,REQ-SHARE-001,implemented,src/demo/demo.c:7;src/demo/demo.h:3,proved,check:test_demo_edge;check:test_demo_ok,pass,fuzz:demo' \
		    '付紙,第2-1,REQ-SHARE-004,excluded,,n/a,,none,' \
		    '付紙,第3-(1)-ア,REQ-SHARE-002,implemented,,n/a,,none,' \
		    '本紙,第1-(1),REQ-SHARE-001,implemented,src/demo/demo.c:7;src/demo/demo.h:3,proved,check:test_demo_edge;check:test_demo_ok,pass,fuzz:demo'
	} >"$root/want.csv"
	if cmp -s "$root/want.csv" "$root/out/trace.csv"; then pass
	else fail "trace.csv differs: $(diff "$root/want.csv" "$root/out/trace.csv" | tr -d '\r' | head -20)"; fi
	printf '%s\n' \
	    'requirements: 5 (implemented 3, planned 1, excluded 1, withdrawn 0)' \
	    'implemented and passing: 2/2' \
	    'proved: 1/1' \
	    'clauses cited: 3/3' \
	    'exported functions served: 3/3' \
	    'gaps: 0' >"$root/want.txt"
	if cmp -s "$root/want.txt" "$root/out/summary.txt" && cmp -s "$root/want.txt" "$root/stdout"; then pass
	else fail "summary differs: $(cat "$root/stdout")"; fi
	# index.html: charset, no script, escaped text, sections, reasons, colours.
	expect_html '<meta charset="utf-8">'
	if grep -i '<script' "$root/out/index.html" >/dev/null; then fail "index.html has a script"; else pass; fi
	expect_html 'Names with &quot;bad&quot; &lt;ext&gt; &amp; more are refused'
	expect_html '&quot;引用&quot; &amp; &lt;タグ&gt;, 一覧'
	expect_html '<h3 id="svc-demo">4.2.1 テスト共有サービス (SHARE)</h3>'
	expect_html '<h3 id="svc-log">Audit trail (LOG)</h3>'
	expect_html 'reason: organisational, outside software.'
	expect_html '<p class="pass">None.</p>'
	expect_html '<td class="planned">planned</td>'
	expect_html 'check:test_demo_edge pass'
	expect_html '第3-(1)-ア)'
	if grep -F 'REQ-SHARE-90' "$root/out/index.html" >/dev/null; then
		fail "README.md or a fenced example was parsed as a requirement"; else pass; fi
	# Without --symbols there is no symbol line; planned without tests is no gap.
	run; expect_rc 0
	if grep '^exported' "$root/stdout" >/dev/null; then fail "symbols counted without --symbols"; else pass; fi
	# Idempotent: a second run writes the same bytes; no scratch left behind.
	cp "$root/out/trace.csv" "$root/first.csv"; run; cmp -s "$root/first.csv" "$root/out/trace.csv" && pass || fail "not deterministic"
	if ls -a "$root/out" | grep '^\.trace' >/dev/null; then fail "scratch directory left in --out"; else pass; fi
}

clause_uncited() {
	new_case clause-uncited-only-excluded
	edit "$root/spec/demo.md" 's/^- clauses: 本紙 第1-(1); 付紙 第2-1$/- clauses: 本紙 第1-(1)/'
	gap_case clause-uncited '付紙 第2-1 "引用" & <タグ>, 一覧 (cited only by excluded/withdrawn REQ-SHARE-004)'

	new_case clause-uncited-missing-row
	edit "$root/spec/demo.md" 's/^- clauses: 付紙 第3-(1)-ア$/- clauses: none (moved)/'
	gap_case clause-uncited '付紙 第3-(1)-ア 記録を行うこと'
	expect_row '付紙,第3-(1)-ア,,missing,,,,,'
	expect_row 'none,,REQ-SHARE-002,implemented,,n/a,,none,'
}

clause_unknown() {
	new_case clause-unknown
	edit "$root/spec/demo.md" 's/^- clauses: 付紙 第3-(1)-ア$/- clauses: 付紙 第3-(1)-ア; 付紙 第9-9/'
	gap_case clause-unknown 'REQ-SHARE-002 cites 付紙 第9-9 (spec/demo.md:19)'
	expect_row '付紙,第9-9,REQ-SHARE-002,implemented,,n/a,,none,'

	new_case clause-unknown-fullwidth   # （ア） is not (ア): no silent match
	edit "$root/spec/demo.md" 's/^- clauses: 付紙 第3-(1)-ア$/- clauses: 付紙 第3-（1）-ア/'
	gap_case clause-unknown 'REQ-SHARE-002 cites 付紙 第3-（1）-ア (spec/demo.md:19)'
	expect_gap_kind clause-uncited '第3-(1)-ア'
}

req_untested() {
	new_case req-untested-fail
	edit "$root/build/results/check.tsv" 's/^check:test_demo_edge\tpass/check:test_demo_edge\tfail/'
	gap_case req-untested 'REQ-SHARE-001: test_status fail (check:test_demo_edge=fail;check:test_demo_ok=pass)'
	expect_gap test-fail 'check:test_demo_edge (build/results/check.tsv)'
	expect_row '本紙,第1-(1),REQ-SHARE-001,implemented,src/demo/demo.c:7;src/demo/demo.h:3,proved,check:test_demo_edge;check:test_demo_ok,fail,fuzz:demo'

	new_case req-untested-not-run     # one test passes, one has no result
	edit "$root/build/results/check.tsv" '/^check:test_demo_edge/d'
	gap_case req-untested 'REQ-SHARE-001: test_status none (check:test_demo_edge=none;check:test_demo_ok=pass)'

	new_case req-untested-no-test
	edit "$root/tests/check_demo.c" 's/@relation(REQ-SHARE-001, REQ-LOG-001)/@relation(REQ-SHARE-001)/'
	rm "$root/conformance/cases/"*.sh
	gap_case req-untested 'REQ-LOG-001: test_status none (no test names it)'

	new_case req-untested-fuzz-fail   # a failing fuzz target is never hidden
	printf 'fuzz:demo\tfail\n' >"$root/build/results/fuzz.tsv"
	gap_case req-untested 'REQ-SHARE-001: test_status fail (check:test_demo_edge=pass;check:test_demo_ok=pass)'
	expect_gap test-fail 'fuzz:demo (build/results/fuzz.tsv)'
}

req_unproved() {
	new_case req-unproved-goal
	edit "$root/build/proof/demo.tsv" 's/^dsg_demo_check\t12\t12$/dsg_demo_check\t11\t12/'
	gap_case req-unproved 'REQ-SHARE-001: proof_status unproved (dsg_demo_check 11/12; dsg_demo_helper 3/3)'
	expect_row '本紙,第1-(1),REQ-SHARE-001,implemented,src/demo/demo.c:7;src/demo/demo.h:3,unproved,check:test_demo_edge;check:test_demo_ok,pass,fuzz:demo'

	new_case req-unproved-no-result
	rm "$root/build/proof/demo.tsv"
	gap_case req-unproved 'REQ-SHARE-001: proof_status unproved (dsg_demo_check (no proof result); dsg_demo_helper (no proof result))'
	expect_row 'none,,REQ-LOG-001,implemented,src/demo/demo.c:17;src/demo/demo.c:7,n/a,"check:test_demo_ok;conformance:log-write;conformance:odd,""case""",pass,'

	new_case req-unproved-zero-goals  # "0 of 0" is a dropped contract
	printf 'function\tproved\ttotal\ndsg_demo_check\t0\t0\n' >"$root/build/proof/demo.tsv"
	gap_case req-unproved 'REQ-SHARE-001: proof_status unproved (dsg_demo_check 0/0; dsg_demo_helper (no proof result))'

	new_case req-unproved-partial   # one marked function proved, another never run
	printf 'function\tproved\ttotal\ndsg_demo_check\t12\t12\n' >"$root/build/proof/demo.tsv"
	gap_case req-unproved 'REQ-SHARE-001: proof_status unproved (dsg_demo_check 12/12; dsg_demo_helper (no proof result))'
}

req_no_code() {
	new_case req-no-code
	# Break the binding: the markers now sit on a variable, not on a function.
	edit "$root/src/demo/demo.h" 's/^\/\* @relation(REQ-SHARE-001) \*\/$/extern int dsg_x;/'
	edit "$root/src/demo/demo.c" 's/^ \* @relation(REQ-SHARE-001,$/ * (none)/; s/^ \*           REQ-LOG-001)$/ */'
	gap_case req-no-code 'REQ-SHARE-001: implemented but no @relation marker in src/'
	expect_gap symbol-unserved dsg_demo_check
	expect_gap symbol-unserved dsg_demo_helper
	# inspection-only REQ-SHARE-002 has no marker and is no gap.
	if grep 'REQ-SHARE-002' "$root/out/gaps.txt" >/dev/null; then fail "inspection-only requirement reported"; else pass; fi
}

marker_unknown() {
	new_case marker-unknown-src
	printf '/* @relation(REQ-SHARE-999) */\nint dsg_demo_more(void);\n' >>"$root/src/demo/demo.h"
	gap_case marker-unknown 'REQ-SHARE-999 at src/demo/demo.h:9'
	printf 'dsg_demo_more\n' >>"$root/symbols.txt"
	gap_case symbol-unserved dsg_demo_more

	new_case marker-unknown-test-and-case
	printf '/* @relation(REQ-FOO-001) */\nSTART_TEST(test_x)\n{\n}\nEND_TEST\n' >>"$root/tests/check_demo.c"
	printf '# @relation()\n' >>"$root/conformance/cases/log-write.sh"
	printf '/* @relation(REQ-LOG-002\n' >>"$root/fuzz/demo/fuzz_demo.c"
	gap_case marker-unknown 'REQ-FOO-001 at tests/check_demo.c:14'
	expect_gap marker-unknown 'empty @relation() at conformance/cases/log-write.sh:4'
	expect_gap marker-unknown 'unterminated @relation( at fuzz/demo/fuzz_demo.c:3'
}

symbol_unserved() {
	new_case symbol-unserved
	printf 'dsg_orphan\n' >>"$root/symbols.txt"
	gap_case symbol-unserved dsg_orphan
	expect_row '本紙,第1-(1),REQ-SHARE-001,implemented,src/demo/demo.c:7;src/demo/demo.h:3,proved,check:test_demo_edge;check:test_demo_ok,pass,fuzz:demo'
	if grep 'exported functions served: 3/4' "$root/stdout" >/dev/null; then pass; else fail "symbol count: $(cat "$root/stdout")"; fi
}

# spec_case NAME SED-SCRIPT DETAIL: one malformation of spec/demo.md.
spec_case() {
	new_case "spec-malformed-$1"
	edit "$root/spec/demo.md" "$2"
	gap_case spec-malformed "$3"
}
spec_malformed() {
	spec_case missing-field '/^- statement: The extension list/d' \
	    'spec/demo.md:19: REQ-SHARE-002: missing field statement'
	spec_case bad-status 's/^- status: planned$/- status: later/' \
	    "spec/demo.md:27: REQ-SHARE-003: bad status 'later'"
	spec_case bad-verify 's/^- verify: test, proof$/- verify: test, fuzz/' \
	    "spec/demo.md:10: REQ-SHARE-001: bad verify value 'fuzz'"
	spec_case bad-id 's/^## REQ-SHARE-003:/## REQ-SHARE-03:/' \
	    'spec/demo.md:27: REQ-SHARE-03: bad ID form (want REQ-<SVC>-<NNN>)'
	spec_case unknown-prefix 's/^## REQ-SHARE-003:/## REQ-FOO-003:/' \
	    'spec/demo.md:27: REQ-FOO-003: unknown service prefix FOO'
	spec_case wrong-prefix 's/^## REQ-SHARE-003:/## REQ-LOG-003:/' \
	    'spec/demo.md:27: REQ-LOG-003: prefix LOG in a file titled (SHARE)'
	spec_case duplicate 's/^## REQ-SHARE-003:/## REQ-SHARE-002:/' \
	    'spec/demo.md:27: REQ-SHARE-002: duplicate ID (first at spec/demo.md:19)'
	spec_case no-reason '/^- reason: organisational/d' \
	    'spec/demo.md:35: REQ-SHARE-004: excluded without reason'
	spec_case withdrawn-no-reason 's/^- status: planned$/- status: withdrawn/' \
	    'spec/demo.md:27: REQ-SHARE-003: withdrawn without reason'
	spec_case none-no-reason 's/^- clauses: none (from the spec.s text alone)$/- clauses: none/' \
	    'spec/demo.md:27: REQ-SHARE-003: clauses: none without (reason)'
	spec_case bad-part 's/^- clauses: 付紙 第3-(1)-ア$/- clauses: 別紙 第3-(1)-ア/' \
	    "spec/demo.md:19: REQ-SHARE-002: clause '別紙 第3-(1)-ア': part must be 本紙 or 付紙"
	spec_case twice '/^- rationale: review.$/a\
- status: planned' \
	    'spec/demo.md:19: REQ-SHARE-002: field status given twice'
}

test_fail() {
	new_case test-fail-unnamed         # a failing test no marker names
	printf 'check:test_other\tfail\n' >>"$root/build/results/check.tsv"
	gap_case test-fail 'check:test_other (build/results/check.tsv)'

	new_case test-fail-planned         # planned: test-fail, but no req-untested
	printf '/* @relation(REQ-SHARE-003) */\nSTART_TEST(test_log)\n{\n}\nEND_TEST\n' >>"$root/tests/check_demo.c"
	printf 'check:test_log\terror\n' >>"$root/build/results/check.tsv"
	gap_case test-fail "check:test_log (build/results/check.tsv says 'error')"
	expect_no_gap_kind req-untested
	expect_row 'none,,REQ-SHARE-003,planned,,n/a,check:test_log,fail,'

	new_case test-fail-any-file        # pass in one file, fail in another
	printf 'check:test_demo_ok\tfail\n' >"$root/build/results/check-asan.tsv"
	gap_case test-fail 'check:test_demo_ok (build/results/check-asan.tsv)'
	expect_gap_kind req-untested 'REQ-LOG-001: test_status fail'
}

usage_errors() {
	new_case usage
	rc=0; AWK=$awk "$trace" >/dev/null 2>&1 || rc=$?; expect_rc 2
	rc=0; AWK=$awk "$trace" --root "$root" >/dev/null 2>&1 || rc=$?; expect_rc 2
	rc=0; AWK=$awk "$trace" --root "$root" --out "$root/out" --bogus >/dev/null 2>&1 || rc=$?; expect_rc 2
	rc=0; AWK=$awk "$trace" --root "$root" --out >/dev/null 2>&1 || rc=$?; expect_rc 2
	rc=0; AWK=$awk "$trace" --root "$root/nonexistent" --out "$root/out" >/dev/null 2>&1 || rc=$?; expect_rc 2
	run --symbols "$root/no-such-file"; expect_rc 2
	rm "$root/standards-map/clauses.tsv"
	run; expect_rc 2
	new_case unreadable
	mkdir "$root/build/results/dir.tsv"   # readable by root, yet not a file
	run; expect_rc 2
}

# ---------------------------------------------------------------- main
pristine=$work/pristine
make_base "$pristine"

awks=awk
for a in mawk gawk; do
	command -v "$a" >/dev/null 2>&1 && awks="$awks $a"
done
for awk in $awks; do
	awk_name=$awk
	clean_tree
	clause_uncited
	clause_unknown
	req_untested
	req_unproved
	req_no_code
	marker_unknown
	symbol_unserved
	spec_malformed
	test_fail
	usage_errors
done

if [ "$fails" -gt 0 ]; then
	echo "test-trace: $fails of $checks checks failed (awks: $awks)" >&2
	exit 1
fi
echo "test-trace: all $checks checks passed (awks: $awks)"
