# lib.awk: functions shared by parse-spec.awk and scan-markers.awk. trace.sh
# passes it with an extra -f before each of them:
#
#   $AWK ... -f trace/lib.awk -f trace/parse-spec.awk
#
# Functions only (no BEGIN or rules); written for mawk and gawk alike.
#
#   cannot_read(f)        "trace: cannot read F" on stderr, then exit 2 (the
#                         status trace.sh gives for an unreadable input)
#   trim(s)               s without leading and trailing blanks and tabs
#   read_list(f, paths)   reads the path list f (one path a line, relative to
#                         the root; empty lines skipped) into paths[1..n] and
#                         returns n; an unreadable list is cannot_read(f)

function cannot_read(f) {
	print "trace: cannot read " f > "/dev/stderr"
	exit 2
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

function read_list(f, paths,   r, p, n) {
	n = 0
	while ((r = (getline p < f)) > 0)
		if (p != "") paths[++n] = p
	if (r < 0) cannot_read(f)
	close(f)
	return n
}
