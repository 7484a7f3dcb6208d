#!/bin/sh
# trace-docs.sh - the drawings of the reference exchanges in the handouts
# (solutions/NN-name/README.md, copied to labs/ by mkstarter) and in
# docs/trace.md.
#
#   trace-docs.sh update FILE...   redraw every trace block in each FILE
#   trace-docs.sh check FILE...    exit 1 unless each FILE has a trace block and
#                             every block holds a drawing (no exchange is
#                             run: make check calls it)
#
# A block in FILE is:
#   <!-- trace NN: drawn by `make trace-docs` -->
#   ```
#   (make trace LAB=NN NORMALISE=1, of solutions/)
#   ```
#   <!-- end trace NN -->
# or, to draw a mistake, the same with
#   <!-- trace NN, with the mistake "WHAT": drawn by `make trace-docs` -->
# where WHAT is a mistake of tools/selftest/mutants.txt (its third field): the
# block then draws solutions/ with that mistake seeded, up to where the
# exchange stopped.
#
# A drawing is one run: the two programs may interleave their calls
# differently the next time, so a redrawn block can differ in its order
# without anything having changed.  A lab whose exchange cannot run here
# (no ::1 for lab 04) keeps its block, saying so.
#
# Environment (set by the Makefile): MAKE, B, EXCHANGE, TRACE_LIB, DRAW.
set -u
MAKE=${MAKE:-make}
cmd=${1:-}
[ $# -gt 0 ] && shift
work=$(mktemp -d "${TMPDIR:-/tmp}/guide.XXXXXX") || exit 2
# (the build dirs of mistakes' trees are listed in $work/builds)
trap 'rm -rf $(cat "$work/builds" 2>/dev/null) "$work"' EXIT INT TERM

# The drawing of lab $1 into $2, from build dir $3 (default $B); with $4
# non-empty the exchange may fail (a mistake's drawing).
generate() {
	lab=$(cd solutions && ls -d "$1"-* 2>/dev/null | head -n 1)
	[ -n "$lab" ] || return 2
	B=${3:-$B} STRICT=1 FORMAT=ascii NORMALISE=1 sh tools/student/trace/trace.sh "$lab" \
		> "$work/raw" 2> "$work/err"
	rc=$?
	[ $rc -eq 0 ] || [ -n "${4:-}" ] || { cat "$work/raw" >> "$work/err"; return 1; }
	# Without the title line, the blank line at the end, and (a failed
	# exchange) the programs' transcript after the drawing.
	{
		echo '```'
		sed '1{/^== lab /d;}; /^The exchange failed/,$d' "$work/raw" |
			awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] == "") n--
			                          for (i = 1; i <= n; i++) print l[i] }'
		echo '```'
	} > "$2"
}

# solutions/ with mistake $2 of lab $1 seeded, built; prints the build dir.
mutant_tree() {
	line=$(awk -F ' :: ' -v lab="$1" -v what="$2" \
		'$1 ~ "^" lab " " && $3 == what { print; exit }' tools/selftest/mutants.txt)
	[ -n "$line" ] || { echo "no mistake \"$2\" for lab $1 in tools/selftest/mutants.txt" > "$work/err"; return 1; }
	file=$(printf '%s\n' "$line" | awk -F ' :: ' '{ split($1, f, " "); print f[2] }')
	script=$(printf '%s\n' "$line" | awk -F ' :: ' '{ print $2 }')
	dir=$(ls -d solutions/"$1"-* | head -n 1)
	tree=$work/tree
	rm -rf "$tree"; mkdir -p "$tree"
	cp -R "$dir" "$tree/"
	sed "$script" "$dir/$file" > "$tree/${dir#solutions/}/$file" || return 1
	b=$($MAKE --no-print-directory -s print-build-dir LABS="$tree")
	echo "$b" >> "$work/builds"
	$MAKE --no-print-directory -s LABS="$tree" LAB="$1" all > "$work/err" 2>&1 || return 1
	echo "$b"
}

# The markers of FILE: "NN<TAB>WHAT" per block (WHAT empty: no mistake).
blocks_in() {
	sed -n 's/^<!-- trace \([0-9][0-9]\)\(, with the mistake "\([^"]*\)"\)\{0,1\}:.*/\1	\3/p' "$1"
}

# Replace block N (the Nth trace block) of FILE $1 with file $2.
replace_block() {
	awk -v k="$2" -v new="$3" '
		/^<!-- end trace [0-9][0-9] -->/ && inside {
			while ((getline l < new) > 0) print l
			inside = 0
		}
		!inside { print }
		/^<!-- trace [0-9][0-9][,:]/ { if (++seen == k) inside = 1 }' "$1" > "$work/tmp" &&
	cat "$work/tmp" > "$1"
}

case "$cmd" in
update)
	status=0
	for file in "$@"; do
		k=0
		blocks_in "$file" > "$work/blocks"
		while IFS='	' read -r n what; do
			k=$((k + 1))
			if [ -n "$what" ]; then
				# one run: a mistake's exchange may wait for its deadline
				if b=$(mutant_tree "$n" "$what") && generate "$n" "$work/new" "$b" fails; then
					replace_block "$file" "$k" "$work/new"
					echo "guide: $file: lab $n with \"$what\": drawn"
				else
					echo "guide: $file: lab $n with \"$what\": failed, block left as it was:" >&2
					cat "$work/err" >&2; status=1
				fi
				continue
			fi
			if ! generate "$n" "$work/new"; then
				echo "guide: $file: lab $n: the exchange failed here, block left as it was:" >&2
				cat "$work/err" >&2
				continue
			fi
			replace_block "$file" "$k" "$work/new"
			echo "guide: $file: lab $n: drawn"
		done < "$work/blocks"
	done
	exit $status
	;;
check)
	status=0
	for file in "$@"; do
		[ -n "$(blocks_in "$file")" ] || { echo "guide: $file has no trace block"; status=1; continue; }
		# Each block: a fence, the drawing's header, ..., a fence.
		awk -v f="$file" '
			/^<!-- trace [0-9][0-9][,:]/ { inside = 1; n = 0; head = ""; next }
			/^<!-- end trace / && inside {
				if (n < 5 || first != "```" || last != "```" || head !~ /^server +client$/) {
					print "guide: " f ": the block before line " NR " holds no drawing"; bad = 1
				}
				inside = 0; next
			}
			inside { n++; if (n == 1) first = $0; if (n == 2) head = $0; last = $0 }
			END { exit bad }' "$file" || status=1
	done
	[ $status -eq 0 ] && echo "guide: every file has its drawings: $*"
	exit $status
	;;
*)
	echo "usage: trace-docs.sh update FILE... | check FILE..." >&2
	exit 2
	;;
esac
