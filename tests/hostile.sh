#!/bin/sh
# hostile.sh - grade deliberately hostile copies of the solutions (see
# tests/hostile.txt) and prove the grader contains them: every listed test
# fails, grading finishes, and no process, temp dir or socket file is
# left behind.  Called by `make check`.
set -u
MAKE=${MAKE:-make}
work=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
tree=$work/hostile
# The tree's build products go under build/, in a dir of its own: gone
# with the tree.
built=$($MAKE --no-print-directory -s print-build-dir LABS="$tree")
trap 'rm -rf "$work" "$built"' EXIT INT TERM
marker=$work/start
: > "$marker"
# The graders' temp roots go here, where nothing else runs.
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp
# Every hostile case fails anyway: shorter limits, same verdicts.
export CK_TIMEOUT_MULTIPLIER=0.4
bad=0 cases=0

leftovers() {   # processes still running from the hostile tree's build
	ps -eo pid=,args= | awk -v t="hostile-" 'index($0, "build/" t) && !/awk/ { print }'
}

while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	lab=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $1}' | cut -d' ' -f1)
	file=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $1}' | cut -d' ' -f2)
	script=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $2}')
	tests=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $3}')
	what=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $4}')
	dir=$(ls -d solutions/"$lab"-* 2>/dev/null | head -n 1)
	[ -n "$dir" ] || continue
	name=${dir#solutions/}
	cases=$((cases + 1))
	# -p: only the edited file is rebuilt; the one the previous case
	# edited is made newer than its object again.
	rm -rf "$tree"; mkdir -p "$tree"; cp -Rp "$dir" "$tree/$name"
	[ -f "$tree/${prev:-none}" ] && touch "$tree/$prev"
	prev=$name/$file
	sed "$script" "$dir/$file" > "$tree/$name/$file"
	if cmp -s "$dir/$file" "$tree/$name/$file"; then
		echo "STALE  $lab $what: the edit no longer applies"; bad=$((bad + 1)); continue
	fi
	for t in $(echo "$tests" | tr ',' ' '); do
		out=$($MAKE --no-print-directory -s test LABS="$tree" LAB="$lab" T="$t" NO_COLOR=1 2>&1)
		if ! printf '%s\n' "$out" | grep -q "^FAIL  $t "; then
			echo "ESCAPED $lab $what: $t did not fail"
			printf '%s\n' "$out" | tail -n 5 | sed 's/^/    /'
			bad=$((bad + 1))
		fi
	done
	left=$(leftovers)
	if [ -n "$left" ]; then
		echo "LEFTOVER $lab $what: processes still running:"
		echo "$left" | sed 's/^/    /'
		echo "$left" | awk '{print $1}' | xargs kill -9 2>/dev/null
		bad=$((bad + 1))
	fi
done < tests/hostile.txt

dirs=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 2>/dev/null)
socks=$(find "$TMPDIR" -type s 2>/dev/null)
[ -n "$dirs" ] && { echo "LEFTOVER temp dirs: $dirs"; bad=$((bad + 1)); }
[ -n "$socks" ] && { echo "LEFTOVER socket files: $socks"; bad=$((bad + 1)); }
echo "hostile trees: $cases, contained: $((cases - bad < 0 ? 0 : cases - bad)), problems: $bad"
[ $bad -eq 0 ]
