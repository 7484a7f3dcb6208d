#!/bin/sh
# cited-tests.sh - `make check`: the TODO comments and the tests' tables
# agree.  In each lab of solutions/ and labs/, every test a TODO comment
# names ("Tests: a_test, another_test.") must exist in that lab's grader,
# and every TODO N of the lab must be named by at least one test's TODO
# column (make list shows it), so that a failure always leads somewhere
# and no TODO goes ungraded.  The handouts (NN-name/README.md) and the
# guides (LAB_GUIDE.md, docs/) name only tests that exist: a name there
# in backquotes with an underscore must be a test's (of the lab, for a
# handout) or a name from the code (the lab's, common/'s, the system
# headers').  Needs the graders built (make build-lab).
set -u
G=${G:-build/grader}
bad=0
for grader in "$G"/[0-9][0-9]-*/grade; do
	lab=${grader%/grade}; lab=${lab##*/}
	"$grader" --todos > "$G/$lab/todos" || { echo "cited-tests: $grader --todos failed"; exit 1; }
	for tree in solutions labs; do
		[ -d "$tree/$lab" ] || continue
		# The names after "Tests:" up to the sentence's end, across
		# comment lines.
		awk '/Tests?:/ { on = 1; sub(/.*Tests?:/, "") }
		     on { line = $0; gsub(/\/\/ STARTER:|\/\*|\*\/|\*/, " ", line)
		          stop = index(line, ".") > 0; if (stop) line = substr(line, 1, index(line, ".") - 1)
		          n = split(line, w, /[^a-z0-9_]+/)
		          for (i = 1; i <= n; i++) if (w[i] ~ /_/) print FILENAME ": " w[i]
		          if (stop) on = 0 }' "$tree/$lab"/*.c "$tree/$lab"/*.h |
		while read -r file name; do
			if ! awk -F '\t' -v t="$name" '$1 == t { found = 1 } END { exit !found }' "$G/$lab/todos"; then
				echo "$file cites $name, which lab ${lab%%-*} has no test of"
				echo bad
			fi
		done
	done
	# Every TODO N written in the lab, named by some test.
	for n in $(grep -ho 'TODO [0-9]*:' "solutions/$lab"/*.c 2>/dev/null | tr -dc '0-9\n' | sort -nu); do
		if ! cut -f2 "$G/$lab/todos" | awk -v n="$n" '
			{ s = $0
			  while (match(s, /TODO [0-9]+(-[0-9]+)?((, | and )[0-9]+(-[0-9]+)?)*/)) {
				list = substr(s, RSTART + 5, RLENGTH - 5); s = substr(s, RSTART + RLENGTH)
				gsub(/ and /, ", ", list); k = split(list, part, /, /)
				for (i = 1; i <= k; i++) {
					split(part[i], r, "-"); hi = (r[2] == "" ? r[1] : r[2])
					if (n + 0 >= r[1] + 0 && n + 0 <= hi + 0) found = 1
				}
			  } }
			END { exit !found }'; then
			echo "lab ${lab%%-*}: TODO $n is named by no test (make list LAB=${lab%%-*})"
			echo bad
		fi
	done
done > "$G/cited.out"

# Is NAME a test of one of the TODOS files, or a name in one of SOURCES?
known_name() {   # NAME "TODOS..." "SOURCES..."
	# shellcheck disable=SC2086  # lists of files
	cut -f1 $2 | grep -qx "$1" || grep -qw "$1" $3 2>/dev/null ||
		grep -rqw --include='*.h' "$1" /usr/include 2>/dev/null
}
cited_in_markdown() {   # FILE "TODOS..." "SOURCES..."
	grep -o '`[a-z][a-z0-9]*_[a-z0-9_]*`' "$1" | tr -d '`' | sort -u |
	while read -r name; do
		if ! known_name "$name" "$2" "$3"; then
			echo "$1 cites $name: no such test (make list), nor a name in the code"
			echo bad
		fi
	done
}
for tree in solutions labs; do
	for readme in "$tree"/[0-9][0-9]-*/README.md; do
		[ -f "$readme" ] || continue
		lab=${readme%/README.md}; lab=${lab##*/}
		cited_in_markdown "$readme" "$G/$lab/todos" "solutions/$lab/*.[ch] common/*.h"
	done
done >> "$G/cited.out"
for doc in LAB_GUIDE.md docs/*.md; do
	[ -f "$doc" ] && cited_in_markdown "$doc" "$G/*/todos" "solutions/*/*.[ch] common/*.h"
done >> "$G/cited.out"
rm -f "$G"/*/todos
grep -v '^bad$' "$G/cited.out"
! grep -q '^bad$' "$G/cited.out"
