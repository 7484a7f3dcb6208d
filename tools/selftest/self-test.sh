#!/bin/sh
# self-test.sh - `make check`, the project's own test: CI's and the
# README's test command.  Each check prints ok or FAIL (with the end of
# its log); the last line is "N passed, N failed".
set -u
MAKE=${MAKE:-make}
M="$MAKE --no-print-directory WERROR=1"
log=$(mktemp)
trap 'rm -f "$log" "$log.out" "$log.json" "$log.before" "$log.after"' EXIT
passed=0 failed=0

check() {   # NAME COMMAND...
	name=$1; shift
	if "$@" > "$log" 2>&1; then
		passed=$((passed + 1)); echo "ok    $name"
	else
		failed=$((failed + 1)); echo "FAIL  $name"
		tail -n 40 "$log" | sed 's/^/      /'
	fi
}

common_unit_tests() {
	$M build/common/test_common && build/common/test_common
}

grader_unit_tests() {
	$M build/grader/test_results_json && build/grader/test_results_json
}

# What grading TREE could leave behind: its programs still running, and
# sockets in /tmp (where a path cut to 14 bytes by a wrong address
# length lands).  Temp dirs are counted apart, in a TMPDIR of their own.
traces_of() {   # TREE TMP: as root, the programs run from a sandbox in TMP
	ps -eo pid=,args= | awk -v t="build/$1/" -v s="$2/sl-uid" '(index($0, t) || index($0, s)) && !/awk/' |
	while read -r pid args; do
		# build/TREE/ is relative: another checkout on this machine may
		# be building or grading its own; ours run here or in TMP.
		case $args in *"$2/sl-uid"*) ;; *)
			case $(readlink "/proc/$pid/cwd" 2>/dev/null) in "$PWD"|"$2"/*) ;; *) continue ;; esac ;;
		esac
		echo "process: $pid $args"
	done
	find /tmp -maxdepth 1 -type s 2>/dev/null | sed 's/^/socket: /'
}

# Run COMMAND... (a grading of TREE) and fail if it left anything behind:
# what exists after, and did not before, is listed.
leaves_nothing() {   # TREE COMMAND...
	tree=$1; shift
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/selftest.XXXXXX")
	traces_of "$tree" "$tmp" | sort > "$log.before"
	TMPDIR=$tmp "$@"; rc=$?
	traces_of "$tree" "$tmp" | sort > "$log.after"
	left=$(comm -13 "$log.before" "$log.after"; find "$tmp" -mindepth 1 -maxdepth 1 | sed 's/^/temp: /')
	rm -rf "$tmp"
	if [ -n "$left" ]; then
		echo "LEFTOVER after grading $tree:"; echo "$left" | sed 's/^/    /'
		return 1
	fi
	echo "left behind: 0 processes, 0 sockets, 0 temp dirs"
	return $rc
}

# Every test must be able to fail: on the starter code, each test that
# concerns a TODO must fail, and the lab must not reach full marks.
# Grading it leaves nothing behind.
starter_fails_its_todos() {
	$M all LABS=labs || return 1
	leaves_nothing labs $M test LABS=labs NO_COLOR=1 > "$log.out" 2>&1
	cat "$log.out"
	# (by lab and name: two labs may have tests of one name)
	for grader in build/grader/*/grade; do
		lab=${grader%/grade}; lab=${lab##*/}
		"$grader" --todos | sed "s/^/${lab%%-*} /"
	done | awk -F '\t' -v out="$log.out" '
		$2 ~ /^TODO/ { todo[$1] = 1 }
		END {
			while ((getline line < out) > 0) {
				split(line, f, /[ \t]+/)
				if (f[1] == "PASS") passed[++n] = f[2]
				if (line ~ /^lab [0-9][0-9] /) {   # the lab of the lines above
					for (i = 1; i <= n; i++)
						if ((f[2] " " passed[i]) in todo) {
							print "passes on the starter code: lab " f[2] " " passed[i]; bad = 1
						}
					n = 0
				}
				if (line ~ /^lab .*: 100\/100/) { print "full marks on the starter: " line; bad = 1 }
			}
			exit bad
		}' || return 1
	# leaves_nothing's verdict: 1 from make test itself is expected
	grep -q '^LEFTOVER' "$log.out" && return 1
	return 0
}

# The repository explains itself: it cites no document it does not hold
# (the project's private notes), and no issue or work session.  (The
# brackets keep this pattern from citing them itself.)
cites_only_itself() {
	! git grep -n -i -E 'S[P]EC §|S[P]EC[.]md|GRADER[-]NOTES|MISTAKE[S][.]md|STYL[E][.]md|DEVELOPER[S][.]md|\bissu[e] [0-9]+|\bsessio[n] [0-9]+' &&
	! git grep -n -w -E 'S[P]EC'
}

# ...and holds together: every relative link [text](path) of its
# Markdown files leads to a file it has (a #anchor is not checked), the
# guide stays short enough to read (LAB_GUIDE.md, at most 2,500 words), and
# every lab's handout has its drawing (make trace-docs redraws them).
docs_hold_together() {
	bad=0
	for md in $(git ls-files --cached --others --exclude-standard '*.md'); do
		[ -f "$md" ] || continue
		dir=$(dirname "$md")
		# Links outside fenced code blocks; no scheme (http:, mailto:),
		# not an anchor of this file.
		awk '/^[ \t]*```/ { fence = !fence; next }
		     !fence {
			line = $0
			while (match(line, /\]\([^) ]+/)) {
				print substr(line, RSTART + 2, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
			}
		     }' "$md" | sed 's/#.*//' | grep -v -E '^$|^[a-z]+:' | sort -u |
		while IFS= read -r target; do
			[ -e "$dir/$target" ] || echo "$md: a link to $target, which does not exist"
		done
	done > "$log.out"
	[ -s "$log.out" ] && { cat "$log.out"; bad=1; }
	words=$(wc -w < LAB_GUIDE.md)
	[ "$words" -le 2500 ] || { echo "LAB_GUIDE.md has $words words: at most 2500 (a lab's material goes to its README, the optional to docs/)"; bad=1; }
	sh tools/instructor/trace-docs.sh check labs/[0-9]*/README.md docs/trace.md || bad=1
	return $bad
}

check "common/ unit tests" common_unit_tests
check "grader unit tests: the results.json writer" grader_unit_tests
check "the repository cites only what it holds (no private notes, no issue numbers)" cites_only_itself
check "the docs hold together: every relative link resolves, LAB_GUIDE.md at most 2500 words, each handout has its drawing" docs_hold_together
check "labs/ is in sync with solutions/" sh tools/instructor/mkstarter.sh --check solutions labs
check "solutions build without warnings (-Werror)" $M all LABS=solutions
check "solutions score full marks" $M test LABS=solutions NO_COLOR=1 RESULTS="$log.json"
check "starter code builds without warnings, fails its TODOs' tests, leaves nothing behind" starter_fails_its_todos
check "the TODOs, handouts and guides cite only tests that exist, and every TODO is some test's" sh tools/selftest/cited-tests.sh
check "hostile trees are contained: they fail, nothing is left behind" sh tools/selftest/hostile.sh
check "every server survives the robustness suite's attacks" $M robust NO_COLOR=1
check "the socket trace: recorder and drawer tests" $M trace-selftest
# Instructor tooling: the handout, Gradescope, GitHub Classroom, grade-class.
instructor_tooling() {   # NAME: one of the four below
	case $1 in
	handout) $M build/tools/run-limited && sh tools/instructor/handout.sh --check ;;
	gradescope) sh tools/selftest/gradescope-results.sh "$log.json" ;;
	classroom) sh tools/instructor/classroom-workflow.sh --self-test "$log.json" ;;
	gradebook) sh tools/selftest/gradebook-test.sh ;;
	esac
}
check "student handout: builds, grades and passes its make check in its own directory, no solutions; reference programs stripped, run (make doctor), talk" instructor_tooling handout
check "results.json of the solutions: full marks, every test once" instructor_tooling gradescope
check "classroom.yml: every test once with its points; its steps pass on the solutions" instructor_tooling classroom
check "grade-class: a regrade merges (others kept byte for byte), stats count what the graders reported, Canvas and Moodle columns, bad input refused" instructor_tooling gradebook

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
