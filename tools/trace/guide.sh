#!/bin/sh
# guide.sh - the Mermaid diagrams of the reference exchanges in the guide.
#
#   guide.sh update FILE   regenerate every trace block in FILE
#   guide.sh check FILE    exit 1 if a block is not what make trace draws now
#   guide.sh show NN       print lab NN's block
#
# A block in FILE (LAB_GUIDE.md) is:
#   <!-- trace NN: written by `make trace-guide`, checked by `make check` -->
#   ```mermaid
#   ...
#   ```
#   <!-- end trace NN -->
# and holds `make trace LAB=NN NORMALISE=1 FORMAT=mermaid` of solutions/.
# A program may interleave its calls differently from run to run (lab 04's
# client polls stdin and the socket together: the reply may come before or
# after it sees the end of stdin), so `update` writes the most frequent of
# 10 runs and `check` accepts a block that matches any of up to 20.  A lab whose exchange cannot run here (no
# ::1 for lab 04) is skipped, saying so.
#
# Environment (set by the Makefile): B, EXCHANGE, TRACE_LIB, DRAW.
set -u
cmd=${1:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/guide.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

# The block for lab $1 into $2; non-zero if the exchange failed.
generate() {
	lab=$(cd solutions && ls -d "$1"-* 2>/dev/null | head -n 1)
	[ -n "$lab" ] || return 2
	{
		echo '```mermaid'
		STRICT=1 FORMAT=mermaid NORMALISE=1 sh tools/trace/trace.sh "$lab" 2> "$work/err" \
			|| return 1
		echo '```'
	} > "$2"
}

# The block for lab $1 as FILE $2 has it (between its markers).
current() {
	awk -v n="$1" '
		$0 ~ "^<!-- end trace " n " -->" { inside = 0 }
		inside { print }
		$0 ~ "^<!-- trace " n ":" { inside = 1 }' "$2"
}

labs_in() {
	sed -n 's/^<!-- trace \([0-9][0-9]\):.*/\1/p' "$1"
}

case "$cmd" in
show)
	generate "$2" "$work/new" || { cat "$work/err" >&2; exit 1; }
	echo "<!-- trace $2: written by \`make trace-guide\`, checked by \`make check\` -->"
	cat "$work/new"
	echo "<!-- end trace $2 -->"
	;;
update)
	file=$2
	cp "$file" "$work/out"
	for n in $(labs_in "$file"); do
		# the most frequent of 10 runs (a program may vary, above)
		failed=no
		for try in 0 1 2 3 4 5 6 7 8 9; do
			generate "$n" "$work/run$try" || { failed=yes; break; }
		done
		if [ $failed = yes ]; then
			echo "guide: lab $n: the exchange failed here, block left as it was:" >&2
			cat "$work/err" >&2
			continue
		fi
		best=$(for f in "$work"/run?; do echo "$(cksum < "$f" | cut -d' ' -f1) $f"; done \
		       | sort | awk '{ n[$1]++; f[$1] = $2 }
		                    END { for (k in n) if (n[k] > m) { m = n[k]; b = f[k] }
		                          print b }')
		cp "$best" "$work/new"
		awk -v n="$n" -v new="$work/new" '
			$0 ~ "^<!-- end trace " n " -->" {
				while ((getline l < new) > 0) print l
				inside = 0
			}
			!inside { print }
			$0 ~ "^<!-- trace " n ":" { inside = 1 }' "$work/out" > "$work/tmp"
		mv "$work/tmp" "$work/out"
		echo "guide: lab $n: diagram written"
	done
	cp "$work/out" "$file"
	;;
check)
	file=$2
	status=0
	labs=$(labs_in "$file")
	[ -n "$labs" ] || { echo "guide: $file has no trace blocks"; exit 1; }
	for n in $labs; do
		current "$n" "$file" > "$work/old"
		result=stale
		for try in $(seq 20); do
			if ! generate "$n" "$work/new"; then
				result=skipped
				break
			fi
			# Whether poll() saw the peer's close together with
			# its last data (POLLIN|POLLHUP) is the scheduler's
			# doing: a block differing only there is current.
			if [ "$(sed 's/|POLLHUP//g' "$work/old")" = "$(sed 's/|POLLHUP//g' "$work/new")" ]; then
				result=current
				break
			fi
		done
		case $result in
		current) echo "guide: lab $n: diagram current" ;;
		skipped) echo "guide: lab $n: SKIPPED, its exchange cannot run here:"
		         sed 's/^/  /' "$work/err" ;;
		stale)   echo "guide: lab $n: the diagram in $file is stale; make trace-guide rewrites it:"
		         diff "$work/old" "$work/new" | head -n 20 | sed 's/^/  /'
		         status=1 ;;
		esac
	done
	exit $status
	;;
*)
	echo "usage: guide.sh update FILE | check FILE | show NN" >&2
	exit 2
	;;
esac
