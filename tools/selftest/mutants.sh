#!/bin/sh
# mutants.sh - `make mutants`: seed realistic student mistakes, one at a
# time, into a copy of solutions/, grade each copy, and report which test
# caught it.  A mutant that scores full marks survived: the grader misses
# that mistake.  The mistakes are listed in mutants.txt, beside; one
# marked "robust" is graded by the robustness suite (make robust) instead, and
# survives if it survives every attack; one marked "memcheck" is graded
# with every program under valgrind (make memcheck).
# For a mutant inside a TODO's solution region, it also reports whether
# the first failure's "look at:" names that TODO (one of the region's,
# when it holds several) and its file: the hints' hit rate.
# Environment: MAKE; LAB=NN to try one lab's mutants only; JOBS (default
# 2) mutants graded at once, each worker in a tree of its own (two graders
# at once never interfere: make stress checks it).
set -u
MAKE=${MAKE:-make}
JOBS=${JOBS:-2}
work=$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX")
# Each worker's tree builds under build/, in a dir of its own: removed
# at the end with the trees.
built=
w=0
while [ $w -lt "$JOBS" ]; do
	built="$built $($MAKE --no-print-directory -s print-build-dir LABS="$work/tree$w")"
	w=$((w + 1))
done
trap 'rm -rf "$work" $built' EXIT INT TERM

field() {   # LINE N: the Nth " :: "-separated field
	printf '%s\n' "$1" | awk -F ' :: ' -v n="$2" '{print $n}'
}

# The TODOs of the solution region holding line LINE of FILE ("1 2 3":
# those the starter lines before the region name), or nothing when the
# line is given code, outside every region.
region_todos() {   # FILE LINE
	awk -v at="$2" '
	/\/\/ STARTER:/ { s = $0; while (match(s, /TODO [0-9]+/)) {
		todos = todos " " substr(s, RSTART + 5, RLENGTH - 5); s = substr(s, RSTART + RLENGTH) }
		next }
	/\/\/ BEGIN SOLUTION/ { inside = 1; next }
	/\/\/ END SOLUTION/ { inside = 0; todos = ""; next }
	NR == at { if (inside) print todos; exit }' "$1"
}

# Does the "look at:" line HINT name one of TODOS (the first TODO it
# names, a range wholly inside them) in FILE (the first file it names)?
hint_is_right() {   # HINT TODOS FILE
	printf '%s\n' "$1" | awk -v todos=" $2 " -v file="$3" '{
		if (!match($0, /TODO [0-9]+(-[0-9]+)?/)) exit 1
		split(substr($0, RSTART + 5, RLENGTH - 5), r, "-"); hi = r[2] == "" ? r[1] : r[2]
		for (n = r[1]; n <= hi; n++) if (index(todos, " " n " ") == 0) exit 1
		if (!match($0, /[a-z_0-9]+\.[ch]/) || substr($0, RSTART, RLENGTH) != file) exit 1
		exit 0 }'
}

# Grade mutant LINE in worker W's tree; print its verdict, one of
# "caught", "SURVIVED", "STALE" first.
try_mutant() {   # W LINE
	w=$1 line=$2
	lab=$(field "$line" 1 | cut -d' ' -f1)
	file=$(field "$line" 1 | cut -d' ' -f2)
	script=$(field "$line" 2) what=$(field "$line" 3) how=$(field "$line" 4)
	dir=$(ls -d solutions/"$lab"-* 2>/dev/null | head -n 1)
	if [ -z "$dir" ]; then
		printf 'STALE     %s %s: there is no solutions/%s-*\n' "$lab" "$what" "$lab"
		return
	fi
	name=${dir#solutions/}
	tree=$work/tree$w
	rm -rf "$tree"; mkdir -p "$tree"
	# -p keeps timestamps, so only the mutated file is rebuilt; the file
	# this worker's previous mutant changed is made newer than its object.
	cp -Rp "$dir" "$tree/$name"
	prev=$(cat "$work/prev$w" 2>/dev/null)
	[ -n "$prev" ] && [ -f "$tree/$prev" ] && touch "$tree/$prev"
	echo "$name/$file" > "$work/prev$w"
	if ! sed "$script" "$dir/$file" > "$tree/$name/$file" 2>/dev/null; then
		printf 'STALE     %s %s: not a sed script sed takes (%s)\n' "$lab" "$what" "$script"
		return
	fi
	if cmp -s "$dir/$file" "$tree/$name/$file"; then
		printf 'STALE     %s %s: the edit no longer applies (%s)\n' "$lab" "$what" "$script"
		return
	fi
	if [ "$how" = robust ] || [ "$how" = memcheck ]; then
		what="$what ($how)"
		out=$($MAKE --no-print-directory -s "$how" LABS="$tree" LAB="$lab" NO_COLOR=1 2>&1)
	else
		out=$($MAKE --no-print-directory -s test LABS="$tree" LAB="$lab" NO_COLOR=1 2>&1)
	fi
	if printf '%s\n' "$out" | grep -q "^FAIL  lab $lab (.*) does not build"; then
		printf 'STALE     %s %s: the mutant does not build\n' "$lab" "$what"
	elif printf '%s\n' "$out" | grep -q "^lab $lab .*: \([0-9]*\)/\1\( attacks survived\)\{0,1\}\$"; then
		printf 'SURVIVED  %s %s\n' "$lab" "$what"
	else
		by=$(printf '%s\n' "$out" | awk '$1 == "FAIL" { printf "%s%s", sep, $2; sep = ", " }')
		printf 'caught    %s %s\n          by: %s\n' "$lab" "$what" "$by"
		at=$(cmp "$dir/$file" "$tree/$name/$file" | sed 's/.*line //')
		todos=$(region_todos "$dir/$file" "$at")
		[ -n "$todos" ] || return 0
		hint=$(printf '%s\n' "$out" | grep -m 1 'look at:' | sed 's/^ *look at: *//')
		if hint_is_right "$hint" "$todos" "$file"; then verdict=right; else verdict=WRONG; fi
		printf '          hint %s (the mistake is in TODO%s of %s): %s\n' \
			"$verdict" "$(echo "$todos" | sed 's/ /, /g; s/^,//')" "$file" "$hint"
	fi
}

# The mutants to try, numbered; worker W takes every JOBS-th one.
grep -v '^#' tools/selftest/mutants.txt | grep -v '^$' |
	awk -v lab="${LAB:-}" 'lab == "" || $1 == lab' > "$work/list"
w=0
while [ $w -lt "$JOBS" ]; do
	awk -v w=$w -v j="$JOBS" '(NR - 1) % j == w { print NR "\t" $0 }' "$work/list" |
	while IFS='	' read -r n line; do
		try_mutant $w "$line" > "$work/out.$n"
	done &
	w=$((w + 1))
done
wait

# The verdicts in the list's order, then the tally.
n=1 total=$(wc -l < "$work/list")
while [ $n -le "$total" ]; do
	cat "$work/out.$n"
	n=$((n + 1))
done > "$work/all"
cat "$work/all"
caught=$(grep -c '^caught' "$work/all")
survived=$(grep -c '^SURVIVED' "$work/all")
broken=$(grep -c '^STALE' "$work/all")
echo "mutants: $total, caught $caught, survived $survived, stale $broken"
in_todo=$(grep -c '^          hint ' "$work/all")
right=$(grep -c '^          hint right' "$work/all")
[ "$in_todo" -gt 0 ] &&
	echo "hints: $right of the $in_todo caught mutants inside a TODO's code name that TODO and its file first ($((100 * right / in_todo))%)"
[ "$total" -gt 0 ] && echo "catch rate: $((100 * caught / total))%"
# The hints must lead somewhere: at least 90% name the mistake's TODO.
hints_ok=true
if [ "$in_todo" -gt 0 ] && [ $((100 * right)) -lt $((90 * in_todo)) ]; then
	echo "hints: below 90% (tests/diagnose/): the hints no longer follow the cause"
	hints_ok=false
fi
[ "$survived" -eq 0 ] && [ "$broken" -eq 0 ] && [ "$total" -gt 0 ] && $hints_ok
