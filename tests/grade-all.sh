#!/bin/sh
# grade-all.sh - build each lab of a tree on its own and run its grader;
# then the totals.  Called by `make test` and `make list`, which set:
#   LABS (the tree, absolute), B (its build dir), MAKE, PRELOAD_DIR,
#   T (one test, optional), RESULTS (Gradescope results.json, optional).
# A lab that does not build scores 0 with the compiler's messages, and the
# other labs are still graded.
set -u
list=no
if [ "${1:-}" = --list ]; then list=yes; shift; fi
[ $# -gt 0 ] || { echo "grade: no lab matches (LAB=${LAB:-})" >&2; exit 2; }
if [ -n "${T:-}" ] && [ $# -ne 1 ]; then
	echo "grade: T=$T needs one lab: add LAB=NN" >&2; exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/grade-all.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
tally=$work/tally
: > "$tally"
status=0

for lab in "$@"; do
	num=${lab%%-*}
	title=${lab#*-}
	if [ ! -d "$LABS/$lab" ]; then
		echo "FAIL  $lab is missing from $LABS"
		echo "$num $title 0 100 0 1 0 0" >> "$tally"
		status=1
		continue
	fi
	if ! $MAKE --no-print-directory -s -j"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)" build-lab LAB="$num" > "$work/build.log" 2>&1; then
		echo "FAIL  lab $num ($title) does not build: 0/100. The compiler said:"
		grep -v '^make' "$work/build.log" | tail -n 30 | sed 's/^/      /'
		echo "lab $num ($title): 0/100  (did not build)"
		echo "$num $title 0 100 0 1 0 0" >> "$tally"
		if [ -n "${RESULTS:-}" ]; then
			msg=$(tail -n 30 "$work/build.log" | sed 's/\\/\\\\/g; s/"/\\"/g' | awk '{printf "%s\\n", $0}')
			printf '{"name": "lab %s builds", "score": 0, "max_score": 100, "status": "failed", "output": "%s"}\n' "$num" "$msg" >> "$work/json"
		fi
		status=1
		continue
	fi
	grade="$B/$lab/grade"
	if [ $list = yes ]; then
		"$grade" --list
		continue
	fi
	"$grade" --preload "$PRELOAD_DIR" --tally "$tally" \
		${T:+--only "$T"} ${RESULTS:+--json "$work/json"} || status=$?
	[ $status -eq 2 ] && exit 2      # an unknown test name: already said
done
[ $list = yes ] && exit 0

awk '{ s += $3; m += $4; p += $5; f += $6; k += $7; kp += $8 }
     END {
	printf "score: %d/%d", s, m
	if (k) printf "  (%d skipped, %d points out of the total)", k, kp
	printf "\n%d passed, %d failed", p, f
	if (k) printf ", %d skipped", k
	printf "\n"
     }' "$tally"

if [ -n "${RESULTS:-}" ]; then
	{
		awk '{ s += $3 } END { printf "{\"score\": %d, \"output\": \"Socket Labs grader\", \"visibility\": \"visible\", \"stdout_visibility\": \"visible\", \"tests\": [\n", s }' "$tally"
		[ -f "$work/json" ] && sed '$!s/$/,/' "$work/json"
		echo ']}'
	} > "$RESULTS"
fi
exit $status
