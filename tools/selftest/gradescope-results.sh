#!/bin/sh
# gradescope-results.sh RESULTS - `make check`: RESULTS, the results.json
# of a run of the reference solutions (make test LABS=solutions
# RESULTS=...), is full marks with every test of the tables once
# (gradescope-full-marks.sh); and that check refuses the same file with a
# test missing, doubled, failed or at other points, or with a wrong
# top-level score.  That the file is valid JSON whatever the tests print
# is the writer's unit test's (make check's "grader unit tests").
set -u
MAKE=${MAKE:-make}
unset MAKEFLAGS MFLAGS MAKELEVEL
[ $# -eq 1 ] && [ -s "$1" ] || { echo "usage: gradescope-results.sh RESULTS.json (from the solutions' run)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/gsself.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
$MAKE --no-print-directory -s list LABS=solutions LAB= T= > "$work/list" || exit 1
sh tools/selftest/gradescope-full-marks.sh "$1" "$work/list" || exit 1

# Each of these must be refused.
bad=0
reject() {      # FILE SED-SCRIPT WHAT
	sed "$2" "$1" > "$work/bad.json"
	cmp -s "$1" "$work/bad.json" && { echo "gradescope-results.sh: could not make $3"; bad=1; return; }
	if sh tools/selftest/gradescope-full-marks.sh "$work/bad.json" "$work/list" > /dev/null; then
		echo "gradescope-full-marks.sh accepted $3"; bad=1
	fi
}
reject "$1" '2d' "a missing test"
reject "$1" '2p' "a test given twice"
reject "$1" '2s/"score": [0-9]*, "max_score": \([0-9]*\), "status": "passed"/"score": 0, "max_score": \1, "status": "failed"/' "a failed test"
reject "$1" '2s/"score": [0-9]*, "max_score": [0-9]*,/"score": 99, "max_score": 99,/' "a test at other points"
reject "$1" '1s/"score": [0-9.]*/"score": 1.00/' "a wrong top-level score"
reject "$1" '$d' "a file cut short"
exit $bad
