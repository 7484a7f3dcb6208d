#!/bin/sh
# grade-all.sh - build each lab of a tree on its own, run the labs'
# graders side by side, print each lab's results in order, then the
# totals.  Called by `make test` and `make list`, which set:
#   LABS (the tree, absolute), B (its build dir), MAKE, PRELOAD_DIR,
#   T (one test, optional), RESULTS (Gradescope results.json, optional),
#   LOGS (a dir for check's TAP and XML logs, optional),
#   ROBUST (1: the robustness suite's attacks instead of the graded tests).
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
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

# A lab that scores 0 without running: one line for the tally and, with
# RESULTS, one Gradescope test carrying the reason.
# A JSON string is valid UTF-8 without raw control characters.
zero() {    # NUM TITLE REASON_FILE [WHAT]
	echo "$1 $2 0 ${ROBUST:+1}${ROBUST:-100} 0 1 0 0" > "$work/$1.tally"
	if [ -n "${RESULTS:-}" ]; then
		msg=$(sed '/^make/d' "$3" | tail -n 30 | { iconv -c -f UTF-8 -t UTF-8 2>/dev/null || cat; } |
			tr -d '\000-\010\013-\037' | sed 's/\\/\\\\/g; s/"/\\"/g; s/	/ /g' | awk '{printf "%s\\n", $0}')
		printf '{"name": "lab %s %s", "number": "%s.00", "score": 0, "max_score": 100, "status": "failed", "tags": ["lab%s"], "visibility": "visible", "output": "%s"}\n' \
			"$1" "${4:-builds}" "$1" "$1" "$msg" > "$work/$1.json"
	fi
}

# 1. Build, one lab at a time (each with all cores).
for lab in "$@"; do
	num=${lab%%-*} title=${lab#*-}
	if [ ! -d "$LABS/$lab" ]; then
		echo "FAIL  $lab is missing from $LABS" > "$work/$num.out"
		zero "$num" "$title" "$work/$num.out" "is missing"
	elif ! $MAKE --no-print-directory -s -j"$jobs" build-lab LAB="$num" > "$work/$num.build" 2>&1; then
		{
			echo "FAIL  lab $num ($title) does not build: 0/100. The compiler said:"
			sed '/^make/d' "$work/$num.build" | tail -n 30 | sed 's/^/      /'
			echo "lab $num ($title): 0/100  (did not build)"
		} > "$work/$num.out"
		zero "$num" "$title" "$work/$num.build"
	elif [ $list = yes ]; then
		"$B/$lab/grade" --list
	fi
done
[ $list = yes ] && exit 0

if [ -n "${LOGS:-}" ]; then mkdir -p "$LOGS" || exit 2; fi

# 2. Grade: the labs' graders run side by side (their tests are mostly
# waiting on sockets); each lab's lines are shown once it is done.
for lab in "$@"; do
	num=${lab%%-*}
	[ -f "$work/$num.out" ] && continue
	"$B/$lab/grade" --preload "$PRELOAD_DIR" --tally "$work/$num.tally" \
		${ROBUST:+--robust} ${T:+--only "$T"} ${RESULTS:+--json "$work/$num.json"} \
		${LOGS:+--tap "$LOGS/$lab.tap" --xml "$LOGS/$lab.xml"} \
		> "$work/$num.out" 2>&1 &
	echo $! > "$work/$num.pid"
done
status=0
for lab in "$@"; do
	num=${lab%%-*}
	if [ -f "$work/$num.pid" ]; then
		wait "$(cat "$work/$num.pid")"
		rc=$?
		if [ $rc -eq 2 ]; then   # an unknown test name, a bad option
			cat "$work/$num.out" >&2; exit 2
		fi
		# Fail closed: a grader that stopped before its tally scores 0.
		if [ ! -s "$work/$num.tally" ]; then
			echo "FAIL  lab $num: its grader stopped before the end (status $rc): 0/100" >> "$work/$num.out"
			zero "$num" "${lab#*-}" "$work/$num.out" "grader stopped"
		fi
	fi
	cat "$work/$num.out"
done

cat "$work"/*.tally > "$work/tally" 2>/dev/null
awk -v robust="${ROBUST:-}" '{ s += $3; m += $4; p += $5; f += $6; k += $7; kp += $8 }
     END {
	printf "%s: %d/%d", robust ? "attacks survived" : "score", s, m
	if (k) printf "  (%d skipped, %d points out of the total)", k, kp
	printf "\n%d passed, %d failed", p, f
	if (k) printf ", %d skipped", k
	printf "\n"
	exit !(f == 0 && s == m)
     }' "$work/tally" || status=1

if [ -n "${RESULTS:-}" ]; then
	{
		# A skipped test's points leave its lab's total (SPEC 5): the
		# score is scaled so that the tests that ran carry the lab's points.
		awk '{ s += $4 > 0 ? $3 * ($4 + $8) / $4 : 0
		       o = o sprintf("lab %s (%s): %d/%d%s\\n", $1, $2, $3, $4, $7 ? " (" $7 " skipped)" : "") }
		     END { printf "{\"score\": %.2f, \"output\": \"%s\", \"visibility\": \"visible\", \"stdout_visibility\": \"visible\", \"tests\": [\n", s, o }' "$work/tally"
		cat "$work"/*.json 2>/dev/null | sed '$!s/$/,/'
		echo ']}'
	} > "$RESULTS"
fi
exit $status
