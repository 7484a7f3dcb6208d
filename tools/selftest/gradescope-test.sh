#!/bin/sh
# gradescope-test.sh - `make gradescope-test`: the Gradescope autograder,
# run locally.  Packs it (make gradescope-zip), unpacks it into a
# simulated /autograder (AUTOGRADER_ROOT) the way Gradescope does, builds
# what setup.sh builds (not its apt-get: this machine has check; as root
# the students' code runs as a uid of its own), then runs run_autograder
# on submissions of each kind and checks the score of every results.json,
# and that the solutions' has every test at full marks
# (gradescope-full-marks.sh).  That what the grader writes is valid JSON
# is its writer's unit test's (make check).
set -u
MAKE=${MAKE:-make}
work=$(mktemp -d "${TMPDIR:-/tmp}/gstest.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
bad=0 cases=0
$MAKE --no-print-directory -s list LABS=solutions > "$work/list" || exit 1
labs=$(ls tests | sed -n 's/^\([0-9][0-9]-.*\)\.c$/\1/p')
first=$(echo "$labs" | head -n 1)
n=$(echo "$labs" | wc -l)

image() {       # NAME [LAB]: a simulated /autograder from a fresh zip
	$MAKE --no-print-directory -s gradescope-zip ZIP="$work/$1.zip" LAB="${2:-}" > /dev/null || exit 1
	mkdir -p "$work/$1/source"
	unzip -q "$work/$1.zip" -d "$work/$1/source" || exit 1
	[ -x "$work/$1/source/run_autograder" ] && [ -f "$work/$1/source/setup.sh" ] ||
		{ echo "FAIL  the zip lacks run_autograder or setup.sh at its root"; exit 1; }
	[ -e "$work/$1/source/solutions" ] && { echo "FAIL  the zip holds solutions/"; exit 1; }
	(cd "$work/$1/source" && $MAKE --no-print-directory -s grade-class-prep > /dev/null) || exit 1
	cp "$work/$1/source/run_autograder" "$work/$1/run_autograder"
}

run() {         # IMAGE CASE EXPECTED-SCORE [grep PATTERN that the results must hold]
	cases=$((cases + 1))
	img=$work/$1
	rm -rf "$img/results"
	t0=$(date +%s)
	AUTOGRADER_ROOT=$img sh "$img/run_autograder" > "$work/$2.stdout" 2>&1
	t=$(($(date +%s) - t0))
	r=$img/results/results.json
	if [ ! -s "$r" ]; then
		echo "FAIL  $2: no results.json"; tail -n 10 "$work/$2.stdout"; bad=$((bad + 1)); return
	fi
	score=$(sed -n '1s/.*"score": \([0-9.]*\).*/\1/p' "$r")
	if [ "${score%.00}" != "$3" ]; then
		echo "FAIL  $2: score $score, expected $3"; bad=$((bad + 1)); return
	fi
	if [ -n "${4:-}" ] && ! grep -q -- "$4" "$r"; then
		echo "FAIL  $2: results.json does not hold \"$4\""; bad=$((bad + 1)); return
	fi
	echo "ok    $2: score $score (${t}s)"
	cp "$r" "$work/$2.json"
}

image all
image one "${first%%-*}"

# 1. The reference solutions, as a GitHub repository (labs/ inside).
mkdir -p "$work/all/submission/labs"; cp -R solutions/. "$work/all/submission/labs/"
run all "solutions-as-a-repository" $((100 * n))
[ -f "$work/solutions-as-a-repository.json" ] && { sh tools/selftest/gradescope-full-marks.sh "$work/solutions-as-a-repository.json" "$work/list" ||
	{ echo "FAIL  the solutions' results.json is not full marks with every test"; bad=$((bad + 1)); }; }
# 2. The starter code, as the lab directories of a zipped folder.
rm -rf "$work/all/submission"; mkdir -p "$work/all/submission/my-labs"; cp -R labs/. "$work/all/submission/my-labs/"
sc=$($MAKE --no-print-directory -s test LABS=labs NO_COLOR=1 2>/dev/null | sed -n 's|^score: \([0-9]*\)/.*|\1|p')
run all "starter-code" "$sc"
# 3. The solutions with a first lab that does not compile: 0 on that lab,
# the compiler's messages shown, the others graded.
rm -rf "$work/all/submission"; mkdir -p "$work/all/submission"; cp -R solutions/. "$work/all/submission/"
f=$(ls "$work/all/submission/$first/"*.c | head -n 1)
echo 'this is not C;' >> "$f"
run all "a-lab-that-does-not-compile" $((100 * n - 100)) 'error: '
# 4. One lab's files uploaded flat to a per-lab autograder.
mkdir -p "$work/one/submission"; cp solutions/"$first"/*.c solutions/"$first"/*.h "$work/one/submission/"
run one "one-lab-uploaded-flat" 100 'Graded your files as lab'
# 5. Nothing usable.
rm -rf "$work/all/submission"; mkdir -p "$work/all/submission"; echo "hello" > "$work/all/submission/notes.txt"
run all "an-empty-submission" 0 'no lab in it'

# Left behind: a process of a grading uid no grading holds now (another
# grading on this machine holds its own: tests/grade-all.sh), or one
# running in our work dir.
leftover=$(ps -eo pid=,uid=,args= | while read -r pid uid args; do
	case $uid in 640[0-9][0-9]) [ -d "/tmp/socklabs-uid-$uid" ] || { echo "$args"; continue; } ;; esac
	case $(readlink "/proc/$pid/cwd" 2>/dev/null) in "$work"/*) echo "$args" ;; esac
done | head -n 3)
[ -n "$leftover" ] && { echo "FAIL  processes left behind: $leftover"; bad=$((bad + 1)); }
echo "gradescope-test: $((cases - bad)) of $cases cases as expected"
[ $bad -eq 0 ]
