# html.awk: build/trace/index.html, a static page for certification
# reviewers (no JavaScript): summary, gaps, one section per service, then
# one table per clause of the catalogue.
#
# in  -v counts= -v gaps= -v svcs= -v reqinfo= -v cites= -v catalogue=
#     (see join.awk and parse-spec.awk for the columns)
# out stdout

BEGIN {
	FS = "\t"
	load(); head(); summary(); gaplist(); services(); clauses()
	print "</body>\n</html>"
}

function cannot_read(f) {
	print "trace: cannot read " f > "/dev/stderr"
	exit 2
}

# Escape the four characters that matter in text and attribute values.
function h(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
	return s
}

function load(   line, r, f, id) {
	while ((r = (getline line < counts)) > 0) { split(line, f, "\t"); C[f[1]] = f[2] }
	if (r < 0) cannot_read(counts)
	while ((r = (getline line < gaps)) > 0) { ngap++; G[ngap] = line }
	if (r < 0) cannot_read(gaps)
	while ((r = (getline line < svcs)) > 0) {
		split(line, f, "\t"); nsvc++; spath[nsvc] = f[1]; stitle[nsvc] = f[2]
	}
	if (r < 0) cannot_read(svcs)
	# reqinfo: 1 id 2 path 3 line 4 title 5 status 6 verify 7 clauses 8 reason
	# 9 malformed 10 statement 11 source 12 code_refs 13 functions
	# 14 proof_status 15 proof_detail 16 tests 17 test_status 18 fuzz 19 gap
	while ((r = (getline line < reqinfo)) > 0) {
		split(line, f, "\t"); id = f[1]
		nreq++; rid[nreq] = id; R[id] = line
		rstatus[id] = f[5]; rgap[id] = f[19]; rtests[id] = f[17]
		svcreqs[f[2]] = svcreqs[f[2]] " " nreq
	}
	if (r < 0) cannot_read(reqinfo)
	while ((r = (getline line < cites)) > 0) {
		split(line, f, "\t")
		citedby[f[2], f[3]] = citedby[f[2], f[3]] " " f[1]
		if (!((f[2], f[3]) in seenclause)) { seenclause[f[2], f[3]] = 1; ncu++; cup[ncu] = f[2]; cui[ncu] = f[3] }
		hascite[f[1]] = 1
	}
	if (r < 0) cannot_read(cites)
}

function head() {
	print "<!DOCTYPE html>"
	print "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
	print "<title>dsg traceability report</title>"
	print "<style>"
	print "body{font-family:sans-serif;margin:1.5em;line-height:1.4}"
	print "table{border-collapse:collapse;margin:.5em 0 1.5em}"
	print "th,td{border:1px solid #bbb;padding:.2em .5em;vertical-align:top;text-align:left}"
	print "th{background:#eee}"
	print ".pass{background:#d9f2d9;color:#135213}"
	print ".gap,.fail,.missing{background:#f8d7d7;color:#8a1111}"
	print ".planned,.none{background:#eeeeee;color:#555}"
	print ".excluded,.withdrawn{background:#f3f3f3;color:#666;font-style:italic}"
	print "td.list{font-family:monospace;font-size:90%}"
	print "</style>\n</head>\n<body>"
	print "<h1>dsg traceability report</h1>"
	print "<p>Requirements (spec/*.md), the clause catalogue (standards-map/clauses.tsv),"
	print "<code>@relation</code> markers in src/, tests/, fuzz/ and conformance/cases/,"
	print "test results (build/results/) and proof results (build/proof/).</p>"
	print "<p><a href=\"#summary\">Summary</a> · <a href=\"#gaps\">Gaps</a> · <a href=\"#services\">Requirements by service</a> · <a href=\"#clauses\">Clauses</a></p>"
}

function trow(label, value, cls) {
	printf "<tr><th>%s</th><td%s>%s</td></tr>\n", h(label), (cls == "" ? "" : " class=\"" cls "\""), h(value)
}

function ratio_class(a, b) { return a == b ? "pass" : "gap" }

function summary() {
	print "<h2 id=\"summary\">Summary</h2>\n<table>"
	trow("Requirements", C["requirements"], "")
	trow("Implemented", C["implemented"], "")
	trow("Planned", C["planned"], "planned")
	trow("Excluded (with reason)", C["excluded"], "excluded")
	trow("Withdrawn (with reason)", C["withdrawn"], "withdrawn")
	if (C["other"] > 0) trow("Malformed status", C["other"], "gap")
	trow("Implemented with passing tests (verify: test)", C["impl_test_pass"] "/" C["impl_test"], ratio_class(C["impl_test_pass"], C["impl_test"]))
	trow("Implemented and proved (verify: proof)", C["impl_proved"] "/" C["impl_proof"], ratio_class(C["impl_proved"], C["impl_proof"]))
	trow("Clauses cited by a requirement not excluded or withdrawn", C["clauses_cited"] "/" C["clauses"], ratio_class(C["clauses_cited"], C["clauses"]))
	if (C["symbols"] != "-")
		trow("Exported functions serving a requirement", C["symbols_served"] "/" C["symbols"], ratio_class(C["symbols_served"], C["symbols"]))
	trow("Gaps", ngap + 0, ngap ? "gap" : "pass")
	print "</table>"
}

function gaplist(   i, f) {
	print "<h2 id=\"gaps\">Gaps</h2>"
	if (ngap == 0) { print "<p class=\"pass\">None.</p>"; return }
	print "<table>\n<tr><th>kind</th><th>detail</th></tr>"
	for (i = 1; i <= ngap; i++) {
		split(G[i], f, "\t")
		printf "<tr class=\"gap\"><td>%s</td><td>%s</td></tr>\n", h(f[1]), h(f[2])
	}
	print "</table>"
}

# Sections in spec order (4.2.1 ... 4.2.21), then the cross-cutting files.
function svc_key(i,   t, a) {
	t = stitle[i]
	if (match(t, /^[0-9]+\.[0-9]+\.[0-9]+/)) {
		split(substr(t, 1, RLENGTH), a, ".")
		return sprintf("0 %05d %05d %05d", a[1], a[2], a[3])
	}
	return "1 " spath[i]
}

function services(   i, j, k, o, key, n, a) {
	for (i = 1; i <= nsvc; i++) { o[i] = i; key[i] = svc_key(i) }
	for (i = 2; i <= nsvc; i++)          # insertion sort: a couple of dozen files
		for (j = i; j > 1 && key[o[j - 1]] > key[o[j]]; j--) { k = o[j]; o[j] = o[j - 1]; o[j - 1] = k }
	print "<h2 id=\"services\">Requirements by service</h2>"
	print "<ul>"
	for (i = 1; i <= nsvc; i++)
		printf "<li><a href=\"#%s\">%s</a></li>\n", h(anchor_of(spath[o[i]])), h(stitle[o[i]])
	print "</ul>"
	for (i = 1; i <= nsvc; i++) {
		k = o[i]
		printf "<h3 id=\"%s\">%s</h3>\n", h(anchor_of(spath[k])), h(stitle[k])
		n = split(svcreqs[spath[k]], a, " ")
		printf "<p>%s: %d requirement%s%s.</p>\n", h(spath[k]), n, (n == 1 ? "" : "s"), svc_counts(a, n)
		if (n == 0) continue
		print "<table>\n<tr><th>ID</th><th>title</th><th>status</th><th>verify</th><th>clauses</th><th>code refs</th><th>proof</th><th>tests</th><th>fuzz</th></tr>"
		for (j = 1; j <= n; j++) req_row(rid[a[j]])
		print "</table>"
	}
}

function anchor_of(p) { sub(/^.*\//, "", p); sub(/\.md$/, "", p); return "svc-" p }

function svc_counts(a, n,   j, s, c, id, passing, out) {
	passing = 0
	for (j = 1; j <= n; j++) {
		id = rid[a[j]]
		c[rstatus[id]]++
		if (rstatus[id] == "implemented" && rtests[id] == "pass" && !rgap[id]) passing++
	}
	out = ""
	if (c["implemented"]) out = out ", " c["implemented"] " implemented (" passing " passing)"
	if (c["planned"]) out = out ", " c["planned"] " planned"
	if (c["excluded"]) out = out ", " c["excluded"] " excluded"
	if (c["withdrawn"]) out = out ", " c["withdrawn"] " withdrawn"
	return out == "" ? "" : " (" substr(out, 3) ")"
}

# The class of a requirement's status cell: green only when implemented
# with no gap; planned stays grey, never green.
function status_class(id,   s) {
	s = rstatus[id]
	if (rgap[id]) return "gap"
	if (s == "implemented") return "pass"
	if (s == "planned" || s == "excluded" || s == "withdrawn") return s
	return "gap"
}

# "check:a=pass;conformance:b=none" as one line per test, coloured.
function testlist(s,   a, n, i, p, out, st) {
	if (s == "") return ""
	n = split(s, a, ";"); out = ""
	for (i = 1; i <= n; i++) {
		p = length(a[i]); while (p > 0 && substr(a[i], p, 1) != "=") p--
		st = substr(a[i], p + 1)
		out = out (i > 1 ? "<br>" : "") "<span class=\"" st "\">" h(substr(a[i], 1, p - 1)) " " st "</span>"
	}
	return out
}

function req_row(id,   f, st, ps, pcls) {
	split(R[id], f, "\t")
	st = h(f[5] == "" ? "(no status)" : f[5])
	if (f[8] != "") st = st "<br><small>reason: " h(f[8]) "</small>"
	if (f[9]) st = st "<br><small>malformed in spec (see Gaps)</small>"
	ps = f[14]
	pcls = ps == "proved" ? "pass" : (ps == "unproved" ? (f[5] == "implemented" ? "fail" : "none") : "none")
	printf "<tr id=\"%s\"><td>%s<br><small>%s</small></td><td>%s</td><td class=\"%s\">%s</td>", \
	    h(id), h(id), h(f[2] ":" f[3]), h(f[4]), status_class(id), st
	printf "<td>%s</td><td>%s</td><td class=\"list\">%s</td>", h(f[6]), h(f[7]), semi(f[12])
	printf "<td class=\"%s\">%s%s</td>", pcls, h(ps), (f[15] == "" ? "" : "<br><small>" h(f[15]) "</small>")
	printf "<td class=\"list\">%s</td><td class=\"list\">%s</td></tr>\n", testlist(f[16]), testlist(f[18])
}

function semi(s) { s = h(s); gsub(/;/, "<br>", s); return s }

# The clause catalogue in its own order, each with the requirements citing
# it; then clauses cited but not in the catalogue; then "none".
function clauses(   line, r, f, i, k, who, cls) {
	print "<h2 id=\"clauses\">Clauses</h2>"
	print "<table>\n<tr><th>part</th><th>clause id</th><th>raw id</th><th>confidence</th><th>title</th><th>requirements citing it</th></tr>"
	while ((r = (getline line < catalogue)) > 0) {
		sub(/\r$/, "", line)
		split(line, f, "\t")
		if (line == "" || f[1] == "part") continue
		k = f[1] SUBSEP f[2]; incat[k] = 1
		who = reqlinks(citedby[k])
		cls = live_count(citedby[k]) ? "" : " class=\"missing\""
		if (who == "") who = "no requirement"
		else if (cls != "") who = who "<br>(none that is not excluded or withdrawn)"
		printf "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td%s>%s</td></tr>\n", \
		    h(f[1]), h(f[2]), h(f[3]), h(f[4]), h(f[5]), cls, who
	}
	if (r < 0) cannot_read(catalogue)
	for (i = 1; i <= ncu; i++) {
		k = cup[i] SUBSEP cui[i]
		if (k in incat) continue
		printf "<tr class=\"missing\"><td>%s</td><td>%s</td><td></td><td></td><td>not in the catalogue</td><td>%s</td></tr>\n", \
		    h(cup[i]), h(cui[i]), reqlinks(citedby[k])
	}
	who = ""
	for (i = 1; i <= nreq; i++) if (!(rid[i] in hascite)) who = who " " rid[i]
	if (who != "")
		printf "<tr><td>none</td><td></td><td></td><td></td><td>requirements citing no clause</td><td>%s</td></tr>\n", reqlinks(who)
	print "</table>"
}

function live_count(ids,   a, n, i, c) {
	n = split(ids, a, " "); c = 0
	for (i = 1; i <= n; i++) if (rstatus[a[i]] != "excluded" && rstatus[a[i]] != "withdrawn") c++
	return c
}

function reqlinks(ids,   a, n, i, out) {
	n = split(ids, a, " "); out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? "<br>" : "") "<a href=\"#" h(a[i]) "\">" h(a[i]) "</a> <span class=\"" status_class(a[i]) "\">" h(rstatus[a[i]]) "</span>"
	return out
}
