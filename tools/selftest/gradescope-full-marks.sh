#!/bin/sh
# gradescope-full-marks.sh RESULTS LIST - is RESULTS, a results.json of
# the reference solutions, full marks with every test of LIST (the
# graders' --list output: "NN  name  points  what") once, at its table's
# points?  A test this machine skipped (0 of 0, its output "skipped: ...")
# leaves its lab's total, and the top-level score is scaled back to the
# tables' total.
#
# No JSON parser: it reads the fields where the grader writes them, one
# test a line in a fixed order (tests/results-json.c, whose exact output
# test_results_json.c checks), and tests/grade-all.sh the first line and
# the last.  Each problem is printed; exit 1 if there is any.
set -u
[ $# -eq 2 ] && [ -s "$1" ] && [ -s "$2" ] ||
	{ echo "usage: gradescope-full-marks.sh RESULTS.json LIST" >&2; exit 2; }
awk '
function problem(text) { print "full-marks: " text; bad = 1 }
NR == FNR { points[$1 "." $2] = $3; total += $3; next }
FNR == 1 {
	if (!match($0, /"score": [0-9.]+, /) || $0 !~ /"tests": \[$/)
		problem("line 1 is not the top level of results.json: " $0)
	else
		top = substr($0, RSTART + 9, RLENGTH - 11) + 0
	next
}
$0 == "]}" { closed = 1; next }
{
	# {"name": "N", "number": "NN.MM", "score": S, "max_score": M, "status": "X", ...
	if (closed || $0 !~ /^\{"name": "[A-Za-z0-9_]+", "number": "[0-9][0-9]\.[0-9]+", "score": [0-9]+, "max_score": [0-9]+, "status": "[a-z]+", /) {
		problem("line " FNR " is not a test as the grader writes it: " substr($0, 1, 100)); next
	}
	split($0, f, "\"")
	name = f[4]; number = f[8]; status = f[16]
	sub(/^: /, "", f[11]); sub(/^: /, "", f[13])
	s = f[11] + 0; m = f[13] + 0
	key = substr(number, 1, 2) "." name
	sum += s
	if (numbers[number]++) problem("test number " number " appears twice")
	if (!(key in points)) { problem("test " number " " name " is not in the tables"); next }
	if (seen[key]++) { problem("test " number " " name " appears twice"); next }
	if (m == 0 && s == 0 && status == "passed" && $0 ~ /"output": "skipped: /) next
	if (status != "passed" || s != m || m != points[key])
		problem("test " number " " name ": " s "/" m ", " status " (its table: " points[key] " points, full marks expected)")
}
END {
	if (!closed) problem("results.json does not end with ]}")
	for (key in points)
		if (!(key in seen)) problem("test " key " is missing")
	if (top < total - 0.005 || top > total + 0.005)
		problem("top-level score " top ", not the tables'\'' total " total)
	if (sum > top + 0.005)
		problem("top-level score " top " is below the sum of the tests'\'' scores, " sum)
	exit bad
}' "$2" "$1"
