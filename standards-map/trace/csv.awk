# csv.awk: TSV rows (already sorted) to trace.csv: UTF-8 with a BOM so Excel
# reads the Japanese correctly, CRLF line ends and RFC 4180 quoting.

BEGIN {
	FS = "\t"
	printf "\357\273\277"
	printf "clause_part,clause_id,req_id,req_status,code_refs,proof_status,tests,test_status,fuzz\r\n"
}

# RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled.
function q(s) {
	if (s !~ /[",\r\n]/) return s
	gsub(/"/, "\"\"", s)
	return "\"" s "\""
}

{
	out = q($1)
	for (i = 2; i <= 9; i++) out = out "," q($i)
	printf "%s\r\n", out
}
