# parse-spec.awk: read the requirement files of spec/ in the fixed form that
# spec/README.md defines, check that form, and flatten it into TSV tables for
# join.awk. Written for mawk and gawk alike (no gensub/asort, no {n} intervals).
#
# in   -v list=FILE    spec paths, one per line, relative to the repository root
#      -v svcs="A B"   the service prefixes an ID may carry (spec/README.md)
# out  -v reqs=FILE    id path line title status verify clauses reason malformed statement source
#      -v cites=FILE   req_id part clause_id path line
#      -v svcout=FILE  path title (one per spec file, in list order)
#      -v gaps=FILE    spec-malformed <detail>
# Tabs inside values become spaces: every table here is tab-separated.
# Needs lib.awk (cannot_read, trim, read_list) given first with -f.

BEGIN {
	FS = OFS = "\t"
	n = split("statement source clauses verify status reason rationale config", k, " ")
	for (i = 1; i <= n; i++) known[k[i]] = 1
	# Fields every requirement must carry; reason is checked with status.
	nreq = split("statement source clauses verify status rationale", required, " ")
	n = split(svcs, k, " ")
	for (i = 1; i <= n; i++) svc_ok[k[i]] = 1
	n = read_list(list, paths)
	for (i = 1; i <= n; i++) parse(paths[i])
}

function malformed(msg) {
	print "spec-malformed", cur_path ":" cur_line ": " cur_id ": " msg > gaps
	cur_bad = 1
}

# One spec file: a `# ` title, prose, then `## REQ-...` sections. Lines inside
# fenced code blocks are prose, never headings or fields (Markdown semantics).
function parse(path,   line, lno, r, fence, title, prefix) {
	title = ""; prefix = ""; fence = 0; lno = 0; cur_id = ""
	while ((r = (getline line < path)) > 0) {
		lno++
		sub(/\r$/, "", line)
		gsub(/\t/, " ", line)
		if (line ~ /^[ \t]*(```|~~~)/) { fence = !fence; continue }
		if (fence) continue
		if (line ~ /^# /) {
			close_req()
			if (title == "") {
				title = trim(substr(line, 3))
				# "# 4.2.1 保護情報共有サービス (SHARE)": IDs in this file use SHARE.
				if (match(title, /\([A-Z]+\)$/))
					prefix = substr(title, RSTART + 1, RLENGTH - 2)
			}
		} else if (line ~ /^## /) {
			close_req()
			if (line ~ /^## +REQ-/) open_req(path, lno, line, prefix)
		} else if (cur_id != "" && line ~ /^- [a-z_]+:/) {
			field(line)
		}
	}
	if (r < 0) cannot_read(path)
	close(path)
	close_req()
	print path, (title == "" ? path : title) > svcout
}

# "## REQ-SHARE-001: title" opens a requirement.
function open_req(path, lno, line, prefix,   h, p, svc) {
	h = trim(substr(line, 4))
	cur_path = path; cur_line = lno; cur_bad = 0
	delete F
	p = index(h, ":")
	if (p > 0) {
		cur_id = trim(substr(h, 1, p - 1))
		cur_title = trim(substr(h, p + 1))
	} else {
		cur_id = h; sub(/[ \t].*/, "", cur_id)
		cur_title = trim(substr(h, length(cur_id) + 1))
		malformed("heading is not '## <ID>: <title>'")
	}
	if (cur_title == "") malformed("empty title")
	if (cur_id !~ /^REQ-[A-Z]+-[0-9][0-9][0-9]$/) {
		malformed("bad ID form (want REQ-<SVC>-<NNN>)")
	} else {
		svc = substr(cur_id, 5, length(cur_id) - 8)
		if (!(svc in svc_ok)) malformed("unknown service prefix " svc)
		else if (prefix != "" && svc != prefix)
			malformed("prefix " svc " in a file titled (" prefix ")")
	}
	if (cur_id in seen) {
		# Keep the first definition; the second is reported, not merged.
		malformed("duplicate ID (first at " seen[cur_id] ")")
		cur_id = ""
		return
	}
	seen[cur_id] = path ":" lno
}

# "- key: value", one line each. Unknown keys are prose bullets, not fields.
function field(line,   p, key, val) {
	p = index(line, ":")
	key = substr(line, 3, p - 3)
	val = trim(substr(line, p + 1))
	if (!(key in known)) return
	if (key == "config") return
	if (key in F) malformed("field " key " given twice")
	F[key] = val
}

function close_req(   i, status, verify) {
	if (cur_id == "") return
	for (i = 1; i <= nreq; i++)
		if (F[required[i]] == "") malformed("missing field " required[i])
	status = F["status"]
	if (status != "" && status !~ /^(implemented|planned|excluded|withdrawn)$/)
		malformed("bad status '" status "'")
	if ((status == "excluded" || status == "withdrawn") && F["reason"] == "")
		malformed(status " without reason")
	verify = check_verify(F["verify"])
	clauses = check_clauses(F["clauses"])
	print cur_id, cur_path, cur_line, cur_title, status, verify, clauses, \
	    F["reason"], cur_bad, F["statement"], F["source"] > reqs
	cur_id = ""
}

# verify: a ","-separated subset of test, proof, inspection. Returns the
# valid members joined with ",", each once, in their canonical order.
function check_verify(v,   a, n, i, w, has, out) {
	if (v == "") return ""
	n = split(v, a, ",")
	for (i = 1; i <= n; i++) {
		w = trim(a[i])
		if (w == "test" || w == "proof" || w == "inspection") has[w] = 1
		else malformed("bad verify value '" w "'")
	}
	out = ""
	if ("test" in has) out = "test"
	if ("proof" in has) out = out (out == "" ? "" : ",") "proof"
	if ("inspection" in has) out = out (out == "" ? "" : ",") "inspection"
	return out
}

# clauses: "<part> <ID>; <part> <ID>..." or "none (<reason>)". Writes one
# cites row per distinct pair and returns the pairs joined with "; ".
function check_clauses(v,   a, n, i, item, part, cid, out, done) {
	if (v == "") return ""
	if (v ~ /^none([ (]|$)/) {
		if (v !~ /^none *\(.*[^ ].*\)$/) malformed("clauses: none without (reason)")
		return v
	}
	out = ""
	n = split(v, a, ";")
	for (i = 1; i <= n; i++) {
		item = trim(a[i])
		if (item == "") continue
		if (!match(item, /[ \t]+/)) {
			malformed("clause '" item "' is not '<part> <ID>'")
			continue
		}
		part = substr(item, 1, RSTART - 1)
		cid = trim(substr(item, RSTART + RLENGTH))
		if (part != "本紙" && part != "付紙") {
			malformed("clause '" item "': part must be 本紙 or 付紙")
			continue
		}
		if ((part SUBSEP cid) in done) continue
		done[part, cid] = 1
		print cur_id, part, cid, cur_path, cur_line > cites
		out = out (out == "" ? "" : "; ") part " " cid
	}
	return out
}
