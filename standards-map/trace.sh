#!/bin/sh
# trace.sh: the traceability report of dsg (issue 2, point 8).
#
#   standards-map/trace.sh [--strict] --root DIR --out DIR [--symbols FILE]
#
# Joins the requirements (DIR/spec/*.md, form in spec/README.md), the clause
# catalogue (DIR/standards-map/clauses.tsv), the @relation markers in
# DIR/src, DIR/tests, DIR/fuzz and DIR/conformance/cases, the test results
# (DIR/build/results/*.tsv) and the proof results (DIR/build/proof/*.tsv),
# and writes trace.csv, index.html, gaps.txt and summary.txt to --out; the
# summary is printed too.
#
# Exit: 0; 1 with --strict when there is any gap; 2 on a usage error or an
# unreadable input. POSIX sh and awk only (mawk and gawk): reviewers need
# neither Python nor Perl. AWK=... picks another awk (the self-test does).
set -eu
LC_ALL=C     # byte semantics for awk and sort: Japanese passes through as is
export LC_ALL

prog=trace.sh
AWK=${AWK:-awk}
lib=$(cd "$(dirname "$0")" && pwd)/trace

usage() {
	echo "usage: standards-map/trace.sh [--strict] --root DIR --out DIR [--symbols FILE]"
}
die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 2
}
need_arg() {
	[ "$2" -ge 2 ] || { printf '%s: %s needs an argument\n' "$prog" "$1" >&2; usage >&2; exit 2; }
}

strict=0 root= out= symbols=
while [ $# -gt 0 ]; do
	case $1 in
	--strict) strict=1 ;;
	--root) need_arg "$1" $#; root=$2; shift ;;
	--root=*) root=${1#--root=} ;;
	--out) need_arg "$1" $#; out=$2; shift ;;
	--out=*) out=${1#--out=} ;;
	--symbols) need_arg "$1" $#; symbols=$2; shift ;;
	--symbols=*) symbols=${1#--symbols=} ;;
	-h|--help) usage; exit 0 ;;
	*) printf '%s: unknown argument: %s\n' "$prog" "$1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
[ -n "$root" ] && [ -n "$out" ] || { usage >&2; exit 2; }

# Resolve paths before working from the root, so relative ones keep meaning.
[ -d "$root" ] || die "no such directory: $root"
root=$(cd "$root" && pwd)
if [ -n "$symbols" ]; then
	[ -r "$symbols" ] && [ ! -d "$symbols" ] || die "cannot read symbols file: $symbols"
	case $symbols in /*) ;; *) symbols=$PWD/$symbols ;; esac
fi
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)
cd "$root"
[ -r standards-map/clauses.tsv ] || die "cannot read $root/standards-map/clauses.tsv"
[ -d spec ] || die "no spec/ directory in $root"

# Work in a scratch directory inside --out, then move the finished files in:
# a failed run never leaves a half-written report.
tmp=$(mktemp -d "$out/.trace.XXXXXX") || die "cannot create a scratch directory in $out"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# File lists: one path a line, relative to the root, C-sorted.
for f in spec/*.md; do
	[ -e "$f" ] || continue
	[ "$f" = spec/README.md ] && continue
	[ -r "$f" ] || die "cannot read $root/$f"
	echo "$f"
done >"$tmp/spec.list"
for d in src tests fuzz conformance/cases; do
	if [ -d "$d" ]; then
		find "$d" -type f \( -name '*.[ch]' -o -path 'conformance/cases/*' \) -print
	fi
done | sort >"$tmp/marker.list"
for kind in results proof; do
	for f in build/$kind/*.tsv; do
		[ -e "$f" ] || continue
		[ -r "$f" ] || die "cannot read $root/$f"
		echo "$f"
	done >"$tmp/$kind.list"
done

# Each step exits 2 on an unreadable file; anything else failing is ours.
step() {
	"$@" || { rc=$?; [ $rc -eq 2 ] && exit 2; die "internal error in $*"; }
}

svcs="SHARE ACCT MFA FW AV THREAT VULN CONF NOC SOC HELP ENROL NET VIRT STOR BKUP PATCH DNS NTP LOGA INFO RUN LOG"
step "$AWK" -v list="$tmp/spec.list" -v svcs="$svcs" \
	-v reqs="$tmp/reqs.tsv" -v cites="$tmp/cites.tsv" \
	-v svcout="$tmp/svcs.tsv" -v gaps="$tmp/gaps.spec" \
	-f "$lib/lib.awk" -f "$lib/parse-spec.awk"
touch "$tmp/reqs.tsv" "$tmp/cites.tsv" "$tmp/svcs.tsv" "$tmp/gaps.spec"
step "$AWK" -v list="$tmp/marker.list" -f "$lib/lib.awk" -f "$lib/scan-markers.awk" \
	>"$tmp/markers.tsv"
step "$AWK" -v catalogue=standards-map/clauses.tsv \
	-v reqs="$tmp/reqs.tsv" -v cites="$tmp/cites.tsv" -v markers="$tmp/markers.tsv" \
	-v results="$tmp/results.list" -v proofs="$tmp/proof.list" -v symbols="$symbols" \
	-v rows="$tmp/rows.tsv" -v reqinfo="$tmp/reqinfo.tsv" \
	-v gaps="$tmp/gaps.join" -v counts="$tmp/counts.tsv" \
	-f "$lib/join.awk"
touch "$tmp/rows.tsv" "$tmp/reqinfo.tsv" "$tmp/gaps.join"

# trace.csv sorted by clause_part, clause_id, req_id (C order).
sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3 "$tmp/rows.tsv" |
	step "$AWK" -f "$lib/csv.awk" >"$tmp/trace.csv"
sort -u "$tmp/gaps.spec" "$tmp/gaps.join" >"$tmp/gaps.txt"
step "$AWK" -v counts="$tmp/counts.tsv" -v gaps="$tmp/gaps.txt" -v svcs="$tmp/svcs.tsv" \
	-v reqinfo="$tmp/reqinfo.tsv" -v cites="$tmp/cites.tsv" \
	-v catalogue=standards-map/clauses.tsv \
	-f "$lib/html.awk" >"$tmp/index.html"

# summary.txt: a few lines of counts, with the gaps counted by kind.
step "$AWK" -v gaps="$tmp/gaps.txt" '
BEGIN { FS = "\t" }
{ C[$1] = $2 }
END {
	while ((r = (getline line < gaps)) > 0) {
		n++; k = substr(line, 1, index(line, "\t") - 1)
		if (!(k in bykind)) order[++nk] = k
		bykind[k]++
	}
	printf "requirements: %d (implemented %d, planned %d, excluded %d, withdrawn %d%s)\n", \
	    C["requirements"], C["implemented"], C["planned"], C["excluded"], C["withdrawn"], \
	    (C["other"] > 0 ? ", malformed status " C["other"] : "")
	printf "implemented and passing: %d/%d\n", C["impl_test_pass"], C["impl_test"]
	printf "proved: %d/%d\n", C["impl_proved"], C["impl_proof"]
	printf "clauses cited: %d/%d\n", C["clauses_cited"], C["clauses"]
	if (C["symbols"] != "-") printf "exported functions served: %d/%d\n", C["symbols_served"], C["symbols"]
	s = ""
	for (i = 1; i <= nk; i++) s = s (i > 1 ? ", " : "") order[i] " " bykind[order[i]]
	printf "gaps: %d%s\n", n, (n ? " (" s ")" : "")
}' "$tmp/counts.tsv" >"$tmp/summary.txt"

for f in trace.csv index.html gaps.txt summary.txt; do
	mv -f "$tmp/$f" "$out/$f"
done
cat "$out/summary.txt"
if [ "$strict" -eq 1 ] && [ -s "$out/gaps.txt" ]; then
	echo "$prog: gaps found, see $out/gaps.txt and $out/index.html" >&2
	exit 1
fi
exit 0
