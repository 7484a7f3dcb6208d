# export.awk - the roster, and the gradebook in the columns an LMS
# imports.  Needs csv.awk first.
#   awk ... -v mode=check ROSTER              the roster's errors, exit 2
#   awk ... -v mode=export -v canvas=F -v moodle=F ROSTER GRADEBOOK
# The roster: a header naming its columns (any order, any case):
# directory, name, id required; email, login, section, canvas_id
# optional; any other column is refused (a misspelt one would vanish).
# Its directory is the student's subdirectory of SUBMISSIONS.  The
# exports hold the students that are in both, in roster order; the others
# are reported (on standard output), never guessed at.

BEGIN {
	split("directory name id email login section canvas_id", known, " ")
	for (i in known) isknown[known[i]] = 1
}

FNR == 1 { sub(/^\357\273\277/, "") }    # the byte order mark of a spreadsheet's export

FILENAME == ARGV[1] && FNR == 1 {
	n = csv_split($0, H)
	if (n < 0) die("its header is malformed CSV")
	for (i = 1; i <= n; i++) {
		c = tolower(H[i]); gsub(/^[ \t]+|[ \t]+$/, "", c)
		if (!(c in isknown)) die("unknown column \"" H[i] "\" (the columns: directory, name, id; optional: email, login, section, canvas_id)")
		if (c in col) die("column " c " twice")
		col[c] = i
	}
	if (!("directory" in col) || !("name" in col) || !("id" in col))
		die("its header must name the columns directory, name and id (it says: " $0 ")")
	ncols = n
	next
}
FILENAME == ARGV[1] {
	if ($0 ~ /^[ \t\r]*$/) next
	n = csv_split($0, F)
	if (n < 0) die("line " FNR ": malformed CSV (a quote left open?)")
	if (n != ncols) die("line " FNR ": " n " fields, the header has " ncols)
	d = F[col["directory"]]
	if (d == "" || F[col["id"]] == "" || F[col["name"]] == "") die("line " FNR ": directory, name and id must not be empty")
	if (d in rdir) die("line " FNR ": directory " d " twice (also line " rdir[d] ")")
	if (F[col["id"]] in rid) die("line " FNR ": id " F[col["id"]] " twice (also line " rid[F[col["id"]]] ")")
	rdir[d] = FNR; rid[F[col["id"]]] = FNR
	order[++nr] = d
	for (c in col) R[d, c] = F[col[c]]
	next
}

# The gradebook: student, NN-name..., total, notes, graded, grader.
FNR == 1 {
	n = csv_split($0, H)
	if (n < 0 || H[1] != "student") die2("not a gradebook (its header: " $0 ")")
	for (i = 2; i <= n; i++) if (H[i] ~ /^[0-9][0-9]-/) labcol[++nl] = i
	next
}
{
	n = csv_split($0, F)
	if (n < 0) die2("line " FNR ": malformed CSV")
	if (n < labcol[nl]) { ungraded[F[1]] = 1; next }   # "not graded"
	for (i = 1; i <= nl; i++) S[F[1], i] = F[labcol[i]]
	graded[F[1]] = 1; gorder[++ng] = F[1]
}

END {
	if (failed) exit 2
	if (mode == "check") exit 0
	canvas_head = "\"Student\",\"ID\",\"SIS User ID\",\"SIS Login ID\",\"Section\""
	moodle_head = "\"ID number\",\"Email address\",\"Full name\""
	for (i = 1; i <= nl; i++) {
		item = H[labcol[i]]; sub(/-/, " ", item); item = "Lab " item
		canvas_head = canvas_head "," csv_q(item)
		moodle_head = moodle_head "," csv_q(item)
	}
	print canvas_head > canvas
	print moodle_head > moodle
	for (j = 1; j <= nr; j++) {
		d = order[j]
		if (!(d in graded)) {
			printf "roster: %s (%s, %s): no graded submission: left out of the exports\n", d, R[d, "name"], R[d, "id"]
			continue
		}
		scores = ""
		for (i = 1; i <= nl; i++) scores = scores "," S[d, i]
		print csv_q(R[d, "name"]) "," csv_q(R[d, "canvas_id"]) "," csv_q(R[d, "id"]) "," \
		      csv_q(R[d, "login"]) "," csv_q(R[d, "section"]) scores > canvas
		print csv_q(R[d, "id"]) "," csv_q(R[d, "email"]) "," csv_q(R[d, "name"]) scores > moodle
		exported++
	}
	for (j = 1; j <= ng; j++)
		if (!(gorder[j] in rdir))
			printf "roster: %s is in the gradebook but not in the roster: left out of the exports\n", gorder[j]
	for (d in ungraded)
		if (d in rdir) printf "roster: %s: its grading did not finish: left out of the exports\n", d
	printf "roster: %d of %d roster entries exported\n", exported + 0, nr
}

function die(msg) {
	printf "roster %s: %s\n", ARGV[1], msg > "/dev/stderr"
	failed = 1; exit 2
}
function die2(msg) {
	printf "gradebook %s: %s\n", FILENAME, msg > "/dev/stderr"
	failed = 1; exit 2
}
