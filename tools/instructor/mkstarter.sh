#!/bin/sh
# mkstarter.sh - write the student starter code from the reference.
#
#   sh tools/instructor/mkstarter.sh SOLUTIONS LABS   regenerate LABS
#   sh tools/instructor/mkstarter.sh --check SOLUTIONS LABS
#                                         exit 1 if LABS is stale
#
# In a solution's .c and .h files, the lines from "// BEGIN SOLUTION" to
# "// END SOLUTION" are dropped, and "// STARTER: " is stripped from the
# starter lines, keeping their indentation (HACKING.md).  Other files are
# copied as they are.
set -eu
check=no
if [ "${1:-}" = --check ]; then check=yes; shift; fi
[ $# -eq 2 ] || { echo "usage: mkstarter.sh [--check] SOLUTIONS LABS" >&2; exit 2; }
src=$1 dest=$2

strip_solution() {  # FILE -> stdout
	awk -v file="$1" '
	function die(msg) { printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1; exit 1 }
	/^[ \t]*\/\/ BEGIN SOLUTION[ \t]*$/ { if (in_sol) die("BEGIN SOLUTION inside a solution"); in_sol = 1; next }
	/^[ \t]*\/\/ END SOLUTION[ \t]*$/   { if (!in_sol) die("END SOLUTION without BEGIN"); in_sol = 0; next }
	in_sol { next }
	/^[ \t]*\/\/ STARTER:/ {
		match($0, /^[ \t]*/); indent = substr($0, 1, RLENGTH)
		rest = substr($0, RLENGTH + 1); sub(/^\/\/ STARTER: ?/, "", rest)
		print (rest == "" ? "" : indent rest); next
	}
	{ print }
	END { if (!bad && in_sol) { printf "%s: BEGIN SOLUTION never ended\n", file > "/dev/stderr"; exit 1 } }
	' "$1"
}

generate() {  # OUT_DIR
	for lab in "$src"/[0-9][0-9]-*/; do
		lab=${lab%/}; name=${lab##*/}
		mkdir -p "$1/$name"
		for f in "$lab"/* "$lab"/.[!.]*; do
			[ -f "$f" ] || continue
			case $f in
			*.c|*.h) strip_solution "$f" > "$1/$name/${f##*/}" ;;
			*.o) ;;    # compiled by hand beside the source: not the lab's
			*) cp "$f" "$1/$name/${f##*/}" ;;
			esac
		done
	done
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
generate "$tmp"
if [ $check = yes ]; then
	if ! diff -r "$tmp" "$dest" > "$tmp.diff" 2>&1; then
		echo "labs/ is out of date with solutions/: run 'make starter'" >&2
		head -n 20 "$tmp.diff" >&2
		rm -f "$tmp.diff"
		exit 1
	fi
	rm -f "$tmp.diff"
	exit 0
fi
for lab in "$tmp"/*/; do
	name=$(basename "$lab")
	rm -rf "$dest/$name"
	mkdir -p "$dest"
	cp -R "$lab" "$dest/$name"
done
echo "wrote $(ls "$tmp" | wc -l) labs' starter code to $dest/"
