# scan-markers.awk: find the @relation(REQ-...) markers (spec/README.md,
# "Markers") and bind each to what it names.
#
# in   -v list=FILE   paths relative to the root, one per line: src/**/*.[ch],
#                     tests/**/*.c, fuzz/<target>/**/*.c, conformance/cases/**
# out  stdout, TSV:   kind req_id path line target
#   kind src          target = the function declared or defined next ("" if none)
#   kind test         target = check:<name> of the next START_TEST(<name>)
#   kind conformance  target = conformance:<case>
#   kind fuzz         target = fuzz:<target>
# An empty marker is written with req_id ""; an unterminated one with
# req_id "(unterminated)", so join.awk reports both as marker-unknown.
#
# Globals for the file being scanned: path, kind, target; pending markers
# (npend, pid[], pline[]) wait in src and tests for what they name.
# Needs lib.awk (cannot_read, trim, read_list) given first with -f.

BEGIN {
	OFS = "\t"
	n = read_list(list, paths)
	for (i = 1; i <= n; i++) { path = paths[i]; scan() }
}

# The kind of a file follows from where it lives; files that match no rule
# (e.g. fuzz/common.c outside a target directory) are not scanned.
function kind_of(   rest) {
	target = ""
	if (path ~ /^src\/.*\.[ch]$/) return "src"
	if (path ~ /^tests\/.*\.c$/) return "test"
	if (path ~ /^fuzz\/[^\/]+\/.*\.c$/) {
		rest = substr(path, 6); sub(/\/.*/, "", rest)
		target = "fuzz:" rest
		return "fuzz"
	}
	if (path ~ /^conformance\/cases\/./) {
		# conformance/cases/<case>.sh, <case>.expected, <case>/...: all are <case>
		rest = substr(path, 19); sub(/\/.*/, "", rest); sub(/\..*/, "", rest)
		target = "conformance:" rest
		return "conformance"
	}
	return ""
}

function scan(   line, lno, r, s, p, code, st0, pre, mpos) {
	kind = kind_of()
	if (kind == "") return
	npend = 0; mk_open = 0; incomment = 0; acc = ""; accn = 0; pp_cont = 0
	lno = 0
	while ((r = (getline line < path)) > 0) {
		lno++
		sub(/\r$/, "", line)
		# 1. Markers on this line, or the tail of one opened on an earlier line.
		mpos = 0
		s = line
		if (mk_open) s = take(strip_leader(s))
		while ((p = index(s, "@relation(")) > 0) {
			if (mpos == 0) mpos = length(line) - length(s) + p
			s = substr(s, p + 10)
			mk_open = 1; mk_buf = ""; mk_line = lno; mk_lines = 0
			s = take(s)
		}
		if (mk_open && ++mk_lines > 5) {
			print kind, "(unterminated)", path, mk_line, ""
			mk_open = 0
		}
		# 2. Bind pending markers to what follows them.
		if (kind == "test") {
			if (npend && line ~ /^[ \t]*START_TEST[ \t]*\(/) {
				s = line; sub(/^[ \t]*START_TEST[ \t]*\([ \t]*/, "", s)
				match(s, /^[A-Za-z_][A-Za-z0-9_]*/)
				flush("check:" substr(s, 1, RLENGTH))
			}
		} else if (kind == "src") {
			st0 = incomment
			code = strip(line)
			if (mpos > 0) {
				# Code before the marker on its line belongs to something else.
				s = incomment; incomment = st0
				pre = strip(substr(line, 1, mpos - 1))
				incomment = s
				if (pre ~ /[^ \t]/) code = ""
			}
			if (npend) feed(code)
		}
	}
	if (r < 0) cannot_read(path)
	close(path)
	if (mk_open) print kind, "(unterminated)", path, mk_line, ""
	if (npend) {
		if (kind == "test")
			print "trace: warning: " path ":" pline[1] \
			    ": @relation not followed by START_TEST; ignored" > "/dev/stderr"
		else
			flush("")
	}
}

# Continuation lines of a marker may start with a comment leader: *, // or #.
function strip_leader(s) {
	sub(/^[ \t]*(\*|\/\/|#)?/, "", s)
	return s
}

# Consume marker text up to ")"; return what follows it on the line.
function take(s,   q) {
	q = index(s, ")")
	if (q == 0) { mk_buf = mk_buf " " s; return "" }
	mk_buf = mk_buf " " substr(s, 1, q - 1)
	mk_open = 0
	ids(mk_buf, mk_line)
	return substr(s, q + 1)
}

# "REQ-A-001, REQ-B-002": conformance and fuzz markers name their target at
# once; src and test markers wait for the function or test that follows.
function ids(buf, lno,   a, n, i, id, got) {
	n = split(buf, a, ",")
	got = 0
	for (i = 1; i <= n; i++) {
		id = trim(a[i])
		if (id == "") continue
		got = 1
		pend(id, lno)
	}
	if (!got) pend("", lno)
}

function pend(id, lno) {
	if (kind == "conformance" || kind == "fuzz") {
		print kind, id, path, lno, target
		return
	}
	npend++
	pid[npend] = id; pline[npend] = lno
}

function flush(tgt,   i) {
	for (i = 1; i <= npend; i++) print kind, pid[i], path, pline[i], tgt
	npend = 0; acc = ""; accn = 0
}

# C without comments, string and character literals kept whole (so a "/*"
# inside a string opens no comment). incomment carries over between lines.
function strip(s,   out, i, n, c, q) {
	if (!incomment && s !~ /[\/"']/) return s
	out = ""; n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (incomment) {
			if (c == "*" && substr(s, i + 1, 1) == "/") { incomment = 0; i++; out = out " " }
			continue
		}
		if (c == "/" && substr(s, i + 1, 1) == "*") { incomment = 1; i++; continue }
		if (c == "/" && substr(s, i + 1, 1) == "/") break
		if (c == "\"" || c == "'") {
			q = c; out = out c
			for (i++; i <= n; i++) {
				c = substr(s, i, 1); out = out c
				if (c == "\\") { i++; out = out substr(s, i, 1); continue }
				if (c == q) break
			}
			continue
		}
		out = out c
	}
	return out
}

# Accumulate the code after a src marker until the function name shows: the
# identifier just before the first "(" that is not an attribute's. Blank
# lines, comments (ACSL contracts included) and preprocessor lines are
# skipped. A ";", "{", "}" or "=" before any "(" means the marker sits on
# something that is not a function (a variable, a struct): no name.
function feed(code,   s, pre, rest, e, p, head) {
	if (pp_cont) { pp_cont = (code ~ /\\[ \t]*$/); return }
	if (code !~ /[^ \t]/) return
	if (code ~ /^[ \t]*#/) { pp_cont = (code ~ /\\[ \t]*$/); return }
	acc = acc " " code; accn++
	s = acc
	gsub(/\[\[[^]]*\]\]/, " ", s)                   # C23 [[attributes]]
	while (match(s, /__attribute(__)?[ \t]*\(/)) {  # GNU __attribute__((...))
		pre = substr(s, 1, RSTART - 1)
		rest = substr(s, RSTART + RLENGTH - 1)      # starts at its "("
		e = close_paren(rest)
		if (e == 0) return                          # it goes on next line
		s = pre " " substr(rest, e + 1)
	}
	p = index(s, "(")
	if (p == 0) {
		if (s ~ /[;{}=]/ || accn >= 10) flush("")
		return
	}
	head = substr(s, 1, p - 1)
	if (head ~ /[;{}=]/ || head ~ /^[ \t]*typedef[ \t]/) { flush(""); return }
	sub(/[ \t]+$/, "", head)
	if (match(head, /[A-Za-z_][A-Za-z0-9_]*$/)) flush(substr(head, RSTART))
	else flush("")
}

# Index of the ")" closing the "(" at s[1], or 0 if s ends first.
function close_paren(s,   i, n, c, d) {
	n = length(s); d = 0
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c == "(") d++
		else if (c == ")" && --d == 0) return i
	}
	return 0
}
