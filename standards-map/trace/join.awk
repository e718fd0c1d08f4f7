# join.awk: join requirements, clauses, markers, test results and proof
# results; derive each requirement's code refs, tests, test_status and
# proof_status (issue 2 point 8); find the gaps.
#
# in   -v catalogue=FILE  standards-map/clauses.tsv (with its header)
#      -v reqs= -v cites= (from parse-spec.awk), -v markers= (scan-markers.awk)
#      -v results=FILE    list of build/results/*.tsv paths
#      -v proofs=FILE     list of build/proof/*.tsv paths
#      -v symbols=FILE    exported function names, or "" when not given
# out  -v rows=FILE       clause_part clause_id req_id req_status code_refs
#                         proof_status tests test_status fuzz  (unsorted)
#      -v reqinfo=FILE    the reqs columns, then code_refs functions
#                         proof_status proof_detail tests(id=status;...)
#                         test_status fuzz(id=status;...) gap(0/1)
#      -v gaps=FILE       kind detail (the shell sorts them)
#      -v counts=FILE     key value

BEGIN {
	FS = OFS = "\t"
	load_catalogue(); load_reqs(); load_cites(); load_markers()
	load_results(); load_proofs()
	if (symbols != "") load_symbols()
	for (i = 1; i <= nreq; i++) derive(rid[i])
	clause_rows()
	write_counts()
}

function cannot_read(f) {
	print "trace: cannot read " f > "/dev/stderr"
	exit 2
}

function trim(s) {
	sub(/^[ \t\r]+/, "", s)
	sub(/[ \t\r]+$/, "", s)
	return s
}

function gap(kind, detail) { print kind, detail > gaps }

# Add x to the ";"-list s unless already there; keep it sorted (C order),
# so every multi-valued cell is deterministic. Lists are short.
function add(s, x,   a, n, i, out, done) {
	if (s == "") return x
	n = split(s, a, ";")
	out = ""; done = 0
	for (i = 1; i <= n; i++) {
		if (a[i] == x) return s
		if (!done && x < a[i]) { out = out (out == "" ? "" : ";") x; done = 1 }
		out = out (out == "" ? "" : ";") a[i]
	}
	if (!done) out = out ";" x
	return out
}

function load_catalogue(   line, r, f, n) {
	while ((r = (getline line < catalogue)) > 0) {
		sub(/\r$/, "", line)
		n = split(line, f, "\t")
		if (line == "" || f[1] == "part") continue   # header
		ncl++
		clp[ncl] = f[1]; cli[ncl] = f[2]; clt[ncl] = f[5]
		incat[f[1], f[2]] = 1
	}
	if (r < 0) cannot_read(catalogue)
}

function load_reqs(   line, r, f) {
	while ((r = (getline line < reqs)) > 0) {
		split(line, f, "\t")
		nreq++; rid[nreq] = f[1]
		row[f[1]] = line
		status[f[1]] = f[5]; verify[f[1]] = f[6]
		where[f[1]] = f[2] ":" f[3]
		bad[f[1]] = f[9] + 0
	}
	if (r < 0) cannot_read(reqs)
}

function load_cites(   line, r, f) {
	while ((r = (getline line < cites)) > 0) {
		split(line, f, "\t")
		ncite++
		cr[ncite] = f[1]; cp[ncite] = f[2]; ci[ncite] = f[3]
		ncites[f[1]]++
		if (!((f[2], f[3]) in incat)) bad[f[1]] = 1  # shown red; gap in clause_rows
	}
	if (r < 0) cannot_read(cites)
}

# Markers naming a known requirement feed its cells; others are gaps.
function load_markers(   line, r, f, id, at) {
	while ((r = (getline line < markers)) > 0) {
		split(line, f, "\t")
		id = f[2]; at = f[3] ":" f[4]
		nmark++
		if (id == "") { gap("marker-unknown", "empty @relation() at " at); continue }
		if (id == "(unterminated)") { gap("marker-unknown", "unterminated @relation( at " at); continue }
		if (!(id in status)) { gap("marker-unknown", id " at " at); continue }
		if (f[1] == "src") {
			code[id] = add(code[id], at)
			if (f[5] != "") { fns[id] = add(fns[id], f[5]); served[f[5]] = 1 }
		} else if (f[1] == "fuzz") {
			fuzz[id] = add(fuzz[id], f[5])
		} else {
			tests[id] = add(tests[id], f[5])
		}
	}
	if (r < 0) cannot_read(markers)
}

# A test is pass only if every line naming it says pass. Any other word
# (fail, error, timeout...) counts as a failure: never hide one.
function load_results(   file, line, r, q, f, id, st) {
	while ((q = (getline file < results)) > 0) {
		while ((r = (getline line < file)) > 0) {
			sub(/\r$/, "", line)
			if (line ~ /^[ \t]*(#|$)/) continue
			split(line, f, "\t")
			id = trim(f[1]); st = trim(f[2])
			if (id == "test_id") continue          # a header, if any
			if (st != "pass") {
				tstat[id] = "fail"
				tfail[id] = add(tfail[id], file (st == "fail" ? "" : " says '" st "'"))
			} else if (!(id in tstat)) tstat[id] = "pass"
		}
		if (r < 0) cannot_read(file)
		close(file)
	}
	if (q < 0) cannot_read(results)
	for (id in tfail) gap("test-fail", id " (" tfail[id] ")")
}

# function proved total. A function is complete only if every row has
# proved == total > 0: "0 of 0" (a dropped contract) proves nothing.
function load_proofs(   file, line, r, q, f, fn) {
	while ((q = (getline file < proofs)) > 0) {
		while ((r = (getline line < file)) > 0) {
			sub(/\r$/, "", line)
			split(line, f, "\t")
			fn = trim(f[1])
			if (fn == "" || fn == "function") continue
			if (f[2] !~ /^[0-9]+$/ || f[3] !~ /^[0-9]+$/ || f[2] + 0 < f[3] + 0 || f[3] + 0 == 0)
				pbad[fn] = 1
			pdone[fn] += f[2]; ptotal[fn] += f[3]
		}
		if (r < 0) cannot_read(file)
		close(file)
	}
	if (q < 0) cannot_read(proofs)
}

function load_symbols(   line, r, n, f) {
	while ((r = (getline line < symbols)) > 0) {
		# One name a line; tolerate raw `nm` lines by taking the last field.
		n = split(line, f, " ")
		if (n == 0 || (f[n] in symseen)) continue
		symseen[f[n]] = 1
		nsym++
		if (f[n] in served) nserved++
		else gap("symbol-unserved", f[n])
	}
	if (r < 0) cannot_read(symbols)
}

function has(list, w) { return index("," list ",", "," w ",") > 0 }

function derive(id,   a, n, i, t, nt, nres, anyfail, st, any, unp, det, tl, fl, ts, ps, gapped) {
	# test_status: fail if any named test (or fuzz target) failed; pass if
	# there is at least one test and every test has a pass; else none.
	nt = split(tests[id], a, ";"); nres = 0; anyfail = 0; tl = ""
	for (i = 1; i <= nt; i++) {
		t = a[i]; st = (t in tstat) ? tstat[t] : "none"
		if (st != "none") nres++
		if (st == "fail") anyfail = 1
		tl = tl (tl == "" ? "" : ";") t "=" st
	}
	n = split(fuzz[id], a, ";"); fl = ""
	for (i = 1; i <= n; i++) {
		t = a[i]; st = (t in tstat) ? tstat[t] : "none"
		if (st == "fail") anyfail = 1
		fl = fl (fl == "" ? "" : ";") t "=" st
	}
	ts = anyfail ? "fail" : (nt > 0 && nres == nt) ? "pass" : "none"

	# proof_status over the marked functions. Where verify says proof, every
	# marked function must have a complete proof result.
	n = split(fns[id], a, ";"); any = 0; unp = 0; missing = 0; det = ""
	for (i = 1; i <= n; i++) {
		if (a[i] in ptotal) {
			any = 1
			if (a[i] in pbad) unp = 1
			det = det (det == "" ? "" : "; ") a[i] " " pdone[a[i]] "/" ptotal[a[i]]
		} else {
			missing = 1
			det = det (det == "" ? "" : "; ") a[i] " (no proof result)"
		}
	}
	if (unp || (missing && has(verify[id], "proof"))) ps = "unproved"
	else if (any) ps = "proved"
	else ps = has(verify[id], "proof") ? "unproved" : "n/a"
	rps[id] = ps; rts[id] = ts

	gapped = bad[id]      # malformed spec entry, or a clause not in the catalogue
	if (status[id] == "implemented") {
		if (has(verify[id], "test") && ts != "pass") {
			gap("req-untested", id ": test_status " ts (tests[id] == "" ? " (no test names it)" : " (" tl ")"))
			gapped = 1
		}
		if (has(verify[id], "proof") && ps != "proved") {
			gap("req-unproved", id ": proof_status " ps (det == "" ? " (no marked function)" : " (" det ")"))
			gapped = 1
		}
		if (code[id] == "" && verify[id] != "inspection") {
			gap("req-no-code", id ": implemented but no @relation marker in src/")
			gapped = 1
		}
		if (has(verify[id], "test")) { n_it++; if (ts == "pass") n_itp++ }
		if (has(verify[id], "proof")) { n_ip++; if (ps == "proved") n_ipp++ }
	}
	print row[id], code[id], fns[id], ps, det, tl, ts, fl, gapped > reqinfo
}

function csvrow(part, cid, id) {
	if (id == "") { print part, cid, "", "missing", "", "", "", "", "" > rows; return }
	print part, cid, id, status[id], code[id], rps[id], tests[id], rts[id], fuzz[id] > rows
}

function clause_rows(   i, id, k, live) {
	for (i = 1; i <= ncite; i++) {
		id = cr[i]; k = cp[i] SUBSEP ci[i]
		csvrow(cp[i], ci[i], id)
		if (!(k in incat))
			gap("clause-unknown", id " cites " cp[i] " " ci[i] " (" where[id] ")")
		cited[k] = 1
		live = (status[id] != "excluded" && status[id] != "withdrawn")
		if (live) livecited[k] = 1
		else deadby[k] = add(deadby[k], id)
	}
	for (i = 1; i <= nreq; i++)
		if (!(rid[i] in ncites)) csvrow("none", "", rid[i])
	for (i = 1; i <= ncl; i++) {
		k = clp[i] SUBSEP cli[i]
		if (!(k in cited)) csvrow(clp[i], cli[i], "")
		if (k in livecited) ncited++
		else gap("clause-uncited", clp[i] " " cli[i] " " clt[i] \
		    ((k in deadby) ? " (cited only by excluded/withdrawn " deadby[k] ")" : ""))
	}
}

function write_counts(   i, s) {
	for (i = 1; i <= nreq; i++) {
		s = status[rid[i]]
		if (s ~ /^(implemented|planned|excluded|withdrawn)$/) bystatus[s]++
		else bystatus["other"]++
	}
	print "requirements", nreq + 0 > counts
	print "implemented", bystatus["implemented"] + 0 > counts
	print "planned", bystatus["planned"] + 0 > counts
	print "excluded", bystatus["excluded"] + 0 > counts
	print "withdrawn", bystatus["withdrawn"] + 0 > counts
	print "other", bystatus["other"] + 0 > counts
	print "impl_test", n_it + 0 > counts
	print "impl_test_pass", n_itp + 0 > counts
	print "impl_proof", n_ip + 0 > counts
	print "impl_proved", n_ipp + 0 > counts
	print "clauses", ncl + 0 > counts
	print "clauses_cited", ncited + 0 > counts
	print "markers", nmark + 0 > counts
	print "symbols", (symbols == "" ? "-" : nsym + 0) > counts
	print "symbols_served", nserved + 0 > counts
}
