#!/bin/sh
# selftest.sh RESULTS - `make check`: RESULTS, the results.json of a run of
# the reference solutions (make test LABS=solutions RESULTS=...), is valid
# Gradescope output at full marks with every test of the tables once; and
# the validator (results-check.c) rejects what Gradescope would not take
# or what the grader must never write.
set -u
MAKE=${MAKE:-make}
unset MAKEFLAGS MFLAGS MAKELEVEL
RC=build/tools/results-check
[ $# -eq 1 ] && [ -s "$1" ] || { echo "usage: selftest.sh RESULTS.json (from the solutions' run)" >&2; exit 2; }
$MAKE --no-print-directory -s WERROR=1 "$RC" || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/gsself.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
$MAKE --no-print-directory -s list LABS=solutions LAB= T= > "$work/list" || exit 1
"$RC" --full --list "$work/list" "$1" || exit 1

# Each of these must be refused.
t='{"name": "a", "number": "01.01", "score": 1, "max_score": 1, "status": "passed", "output": "x"}'
bad=0
reject() {      # WHY JSON
	printf '%s\n' "$2" > "$work/bad.json"
	if "$RC" -q "$work/bad.json" 2> /dev/null; then
		echo "results-check accepted $1: $2"; bad=1
	fi
}
reject "a raw tab in a string" "{\"score\": 1, \"tests\": [{\"name\": \"a	b\", \"number\": \"01.01\", \"score\": 1, \"max_score\": 1, \"status\": \"passed\", \"output\": \"x\"}]}"
reject "invalid UTF-8" "$(printf '{"score": 1, "tests": [{"name": "a\377", "number": "01.01", "score": 1, "max_score": 1, "status": "passed", "output": "x"}]}')"
reject "a trailing comma" "{\"score\": 1, \"tests\": [$t,]}"
reject "an unknown key" "{\"score\": 1, \"tests\": [$t], \"scores\": 1}"
reject "a bad visibility" "{\"score\": 1, \"visibility\": \"public\", \"tests\": [$t]}"
reject "a bad status" "{\"score\": 1, \"tests\": [{\"name\": \"a\", \"number\": \"01.01\", \"score\": 1, \"max_score\": 1, \"status\": \"ok\", \"output\": \"x\"}]}"
reject "a failed test at full points" "{\"score\": 1, \"tests\": [{\"name\": \"a\", \"number\": \"01.01\", \"score\": 1, \"max_score\": 1, \"status\": \"failed\", \"output\": \"x\"}]}"
reject "a score above max_score" "{\"score\": 2, \"tests\": [{\"name\": \"a\", \"number\": \"01.01\", \"score\": 2, \"max_score\": 1, \"status\": \"failed\", \"output\": \"x\"}]}"
reject "a top-level score that is not the sum" "{\"score\": 5, \"tests\": [$t]}"
reject "a number given twice" "{\"score\": 2, \"tests\": [$t, $t]}"
reject "a score as a string" "{\"score\": \"1\", \"tests\": [$t]}"
reject "no output" "{\"score\": 1, \"tests\": [{\"name\": \"a\", \"number\": \"01.01\", \"score\": 1, \"max_score\": 1, \"status\": \"passed\"}]}"
reject "text after the object" "{\"score\": 1, \"tests\": [$t]} x"
# And the solutions' file, one test short or with a test's points changed,
# no longer matches the tables.
sed '2d' "$1" > "$work/short.json"
"$RC" -q --list "$work/list" "$work/short.json" 2> /dev/null && { echo "results-check accepted a missing test"; bad=1; }
sed '2s/"max_score": \([0-9]*\)/"max_score": 99/; 2s/"score": \([0-9]*\)/"score": 99/' "$1" > "$work/points.json"
"$RC" -q --list "$work/list" "$work/points.json" 2> /dev/null && { echo "results-check accepted a test with the wrong points"; bad=1; }
exit $bad
