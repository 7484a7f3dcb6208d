#!/bin/sh
# mutants.sh - `make mutants`: seed realistic student mistakes, one at a
# time, into a copy of solutions/, grade each copy, and report which test
# caught it.  A mutant that scores full marks survived: the grader misses
# that mistake.  The mistakes are listed in tools/mutants.txt; one marked
# "robust" is graded by the robustness suite (make robust) instead, and
# survives if it survives every attack; one marked "memcheck" is graded
# with every program under valgrind (make memcheck).
# Environment: MAKE; LAB=NN to try one lab's mutants only.
set -u
MAKE=${MAKE:-make}
work=$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
total=0 caught=0 survived=0 broken=0

while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	lab=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $1}' | cut -d' ' -f1)
	file=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $1}' | cut -d' ' -f2)
	script=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $2}')
	what=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $3}')
	how=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $4}')
	[ -n "${LAB:-}" ] && [ "$lab" != "$LAB" ] && continue
	dir=$(ls -d solutions/"$lab"-* 2>/dev/null | head -n 1)
	[ -n "$dir" ] || continue
	name=${dir#solutions/}
	total=$((total + 1))
	rm -rf "$work/tree"; mkdir -p "$work/tree"
	# -p keeps timestamps, so only the mutated file is rebuilt; the file
	# the previous mutant changed is made newer than its object again.
	cp -Rp "$dir" "$work/tree/$name"
	[ -f "$work/tree/${prev:-none}" ] && touch "$work/tree/$prev"
	prev=$name/$file
	sed "$script" "$dir/$file" > "$work/tree/$name/$file"
	if cmp -s "$dir/$file" "$work/tree/$name/$file"; then
		printf 'STALE     %s %s: the edit no longer applies (%s)\n' "$lab" "$what" "$script"
		broken=$((broken + 1)); continue
	fi
	if [ "$how" = robust ] || [ "$how" = memcheck ]; then
		what="$what ($how)"
		out=$($MAKE --no-print-directory -s "$how" LABS="$work/tree" LAB="$lab" NO_COLOR=1 2>&1)
	else
		out=$($MAKE --no-print-directory -s test LABS="$work/tree" LAB="$lab" NO_COLOR=1 2>&1)
	fi
	if printf '%s\n' "$out" | grep -q "^lab $lab .*: \([0-9]*\)/\1\( attacks survived\)\{0,1\}\$"; then
		printf 'SURVIVED  %s %s\n' "$lab" "$what"
		survived=$((survived + 1))
	else
		by=$(printf '%s\n' "$out" | awk '$1 == "FAIL" { printf "%s%s", sep, $2; sep = ", " }')
		printf 'caught    %s %s\n          by: %s\n' "$lab" "$what" "$by"
		caught=$((caught + 1))
	fi
done < tools/mutants.txt

echo "mutants: $total, caught $caught, survived $survived, stale $broken"
[ $total -gt 0 ] && echo "catch rate: $((100 * caught / total))%"
[ $survived -eq 0 ] && [ $broken -eq 0 ]
