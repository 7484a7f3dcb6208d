#!/bin/sh
# stress.sh - `make stress`: grade the solutions N times in a row (N=20 by
# default), then two graders at once, and report every run that is not
# full marks.  A flaky test is a defect: this is how they are found.
set -u
MAKE=${MAKE:-make}
N=${N:-20}
out=$(mktemp -d "${TMPDIR:-/tmp}/stress.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM
bad=0

grade() {   # LOG
	$MAKE --no-print-directory -s test LABS=solutions ${LAB:+LAB=$LAB} NO_COLOR=1 > "$1" 2>&1
}
report() {  # WHAT LOG STATUS
	if [ "$3" -eq 0 ]; then
		printf '%-22s %s\n' "$1" "$(grep '^score:' "$2")"
	else
		printf '%-22s NOT FULL MARKS: %s\n' "$1" "$(grep '^score:' "$2")"
		grep -A 8 '^FAIL' "$2" | sed 's/^/    /'
		bad=$((bad + 1))
	fi
}

$MAKE --no-print-directory -s build-lab LABS=solutions ${LAB:+LAB=$LAB} >/dev/null 2>&1
i=1
while [ $i -le "$N" ]; do
	grade "$out/run$i"; report "run $i of $N" "$out/run$i" $?
	i=$((i + 1))
done
grade "$out/a" & a=$!
grade "$out/b" & b=$!
wait $a; sa=$?
wait $b; sb=$?
report "concurrent grader 1" "$out/a" $sa
report "concurrent grader 2" "$out/b" $sb
echo "stress: $((N + 2)) runs, $bad not at full marks"
[ $bad -eq 0 ]
