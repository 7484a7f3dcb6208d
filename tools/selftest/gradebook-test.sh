#!/bin/sh
# gradebook-test.sh - make check's test of grade-class's gradebook: a tiny class
# graded for real (lab 01 only, so that it takes seconds), then regraded.
#   sol      the solution of lab 01     starter  the starter code of lab 01
#   gone     nothing to grade           roster: sol, starter, and ghost
# Checks: the gradebook's columns (date, commit); the statistics' counts
# against the graders' own report of each student; a regrade of one
# student (STUDENTS=) replaces their row, report and verdicts and keeps
# the others' byte for byte; the Canvas and Moodle exports' columns and
# rows, and what the roster check reports; bad input changes nothing;
# one grade-class at a time per gradebook (its lock; a dead holder's is
# taken over).
# Prints what it checks; exits 1 at the first thing wrong.
set -u
MAKE=${MAKE:-make}
unset MAKEFLAGS MFLAGS MAKELEVEL
w=$(mktemp -d "${TMPDIR:-/tmp}/gbt.XXXXXX") || exit 1
trap 'rm -rf "$w"' EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

lab1=$(ls -d solutions/01-* | head -n 1); lab1=${lab1#solutions/}
mkdir -p "$w/subs/sol" "$w/subs/starter" "$w/subs/gone"
cp -R "solutions/$lab1" "$w/subs/sol/" && cp -R "labs/$lab1" "$w/subs/starter/" || exit 1
echo "I forgot" > "$w/subs/gone/notes.txt"
printf 'directory,name,id,email,section\nsol,"Doe, Sol",1001,sol@example.org,A\nstarter,Star Ter,1002,star@example.org,B\nghost,Ghost,1003,,A\n' > "$w/roster.csv"
grade() {   # VARIABLE=value...: grade-class into $w/gb.csv
	$MAKE --no-print-directory -s grade-class SUBMISSIONS="$w/subs" OUT="$w/gb.csv" \
		JOBS=2 LIMIT=120 "$@" > "$w/out" 2>&1
}
grade ROSTER="$w/roster.csv" || { cat "$w/out"; fail "grade-class"; }

# ---- the gradebook: its columns, the date and the commit ----------------------
labs=$(ls tests | sed -n 's/^\([0-9][0-9]-.*\)\.c$/\1/p' | tr '\n' ',')
[ "$(head -n 1 "$w/gb.csv")" = "student,${labs}total,notes,graded,grader" ] ||
	fail "gradebook header: $(head -n 1 "$w/gb.csv")"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
awk -F, -v c="$commit" 'NR > 1 && !($(NF - 1) ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z$/ &&
	index($NF, "\"" c) == 1) { print "bad date or commit: " $0; bad = 1 } END { exit bad }' "$w/gb.csv" ||
	fail "graded and grader columns"
[ "$(grep -c . "$w/gb.csv")" = 4 ] || fail "3 students expected in the gradebook"
ok "gradebook: $(head -n 1 "$w/gb.csv" | tr ',' '\n' | tail -n 2 | tr '\n' ' ')on every row"

# ---- the statistics: each count is what the graders reported --------------------
# For each test of lab 01: failed by starter if its report says FAIL, by
# sol if its report does; every test that needs a TODO fails on starter.
build/grader/$lab1/grade --todos | awk -F '\t' '$2 ~ /^TODO/ { print $1 }' > "$w/todo"
[ -s "$w/todo" ] || fail "no TODO tests in lab 01"
awk -v sol="$w/gb-reports/sol.txt" -v st="$w/gb-reports/starter.txt" -v todo="$w/todo" '
	function fails(file, test,    line) {
		while ((getline line < file) > 0) if (line ~ "^FAIL  " test " ") { close(file); return 1 }
		close(file); return 0
	}
	BEGIN { FS = ","; while ((getline t < todo) > 0) need[t] = 1
		# the first failure of starter: the first FAIL line of its report
		while ((getline line < st) > 0) if (line ~ /^FAIL  / && first == "") { split(line, w, / +/); first = w[2] }
		close(st) }
	$1 ~ /^01-/ && $2 != "01.00" {
		t = $3; gsub(/"/, "", t); n++
		want = fails(sol, t) + fails(st, t)
		if ($5 != 2 || $7 != want || $6 + $7 + $8 != 2) { print "wrong counts: " $0 " (failed: want " want ")"; bad = 1 }
		if ((t in need) && $7 < 1) { print "a TODO test no student failed: " $0; bad = 1 }
		if (t == first && $9 != 1) { print "the first failure of starter not counted: " $0; bad = 1 }
		firsts += $9
	}
	$1 ~ /^01-/ && $2 == "01.00" { if ($3 != "\"(no-submission)\"" || $7 != 1) { print "lab 01 not run: " $0; bad = 1 }; firsts += $9 }
	$1 ~ /^02-/ && $3 == "\"(missing)\"" { if ($7 != 2 || $10 != "yes") { print "lab 02 missing: " $0; bad = 1 }; m = 1 }
	END {
		if (n < 10) { print n " tests of lab 01"; bad = 1 }
		if (first == "") { print "starter failed nothing"; bad = 1 }
		if (firsts != 2) { print "lab 01: " firsts " first failures, 2 expected (starter, gone)"; bad = 1 }
		if (!m) { print "no (missing) row for lab 02"; bad = 1 }
		exit bad
	}' "$w/gb-stats.csv" || fail "statistics"
grep -q '<script\|https\?:' "$w/gb-stats.html" && fail "the HTML page loads or runs something"
grep -c '<svg ' "$w/gb-stats.html" | awk '$1 < 20 { exit 1 }' || fail "the HTML page has no bars"
# The page is polyglot: well-formed XML as well as HTML (xmllint's HTML
# parser knows only HTML 4: its complaints about inline SVG are dropped).
if command -v xmllint > /dev/null; then
	{ xmllint --noout "$w/gb-stats.html" 2>&1
	  xmllint --html --noout "$w/gb-stats.html" 2>&1 | grep -A 2 'error' | grep -v -e 'Tag \(svg\|rect\) invalid' -e '^ *[\^]* *$' -e '<svg\|<rect' -e '^--$'
	} > "$w/lint"
	[ -s "$w/lint" ] && { head -n 20 "$w/lint"; fail "HTML not valid"; }
	echo "ok: the HTML page is well-formed XML, and valid HTML but for inline SVG (xmllint)"
fi
ok "statistics: lab 01's per-test counts match the graders' reports; lab 02 missing for 2, the most common first failure"

# ---- the exports ---------------------------------------------------------------
items=$(echo "$labs" | tr ',' '\n' | grep . | sed 's/^\([0-9][0-9]\)-\(.*\)/"Lab \1 \2"/' | tr '\n' ',' | sed 's/,$//')
[ "$(head -n 1 "$w/gb-canvas.csv")" = "\"Student\",\"ID\",\"SIS User ID\",\"SIS Login ID\",\"Section\",$items" ] ||
	fail "Canvas header: $(head -n 1 "$w/gb-canvas.csv")"
[ "$(head -n 1 "$w/gb-moodle.csv")" = "\"ID number\",\"Email address\",\"Full name\",$items" ] ||
	fail "Moodle header: $(head -n 1 "$w/gb-moodle.csv")"
# sol: lab 01 at 100, each other lab 0
rest=$(echo "$labs" | tr ',' '\n' | grep -c . | awk '{ for (i = 1; i < $1; i++) printf ",0" }')
grep -qx "\"Doe, Sol\",\"\",\"1001\",\"\",\"A\",100$rest" "$w/gb-canvas.csv" || fail "Canvas: sol's row"
grep -qx "\"1001\",\"sol@example.org\",\"Doe, Sol\",100$rest" "$w/gb-moodle.csv" || fail "Moodle: sol's row"
[ "$(grep -c . "$w/gb-canvas.csv")" = 3 ] && [ "$(grep -c . "$w/gb-moodle.csv")" = 3 ] || fail "exports: 2 students expected"
grep -q '^roster: ghost .*no graded submission' "$w/out" || fail "ghost (no submission) not reported"
grep -q '^roster: gone is in the gradebook but not in the roster' "$w/out" || fail "gone (not in the roster) not reported"
ok "exports: Canvas and Moodle columns and rows; ghost and gone reported"

# ---- a regrade: starter's lab 01 is now the solution -------------------------------
cp "$w/gb.csv" "$w/gb.1"; cp "$w/gb-tests.csv" "$w/tests.1"
echo "STALE" >> "$w/gb-reports/starter.txt"
sh -c 'exit 0' & dead=$!; wait $dead
ln -s $dead "$w/gb.lock"      # a grade-class killed before its cleanup
rm -rf "$w/subs/starter/$lab1" && cp -R "solutions/$lab1" "$w/subs/starter/"
grade STUDENTS=starter || { cat "$w/out"; fail "grade-class STUDENTS=starter"; }
grep -v '^"starter"' "$w/gb.1" > "$w/keep.1"; grep -v '^"starter"' "$w/gb.csv" > "$w/keep.2"
cmp -s "$w/keep.1" "$w/keep.2" || fail "a regrade changed the other students' rows"
grep -q '^"starter",100,' "$w/gb.csv" || fail "starter's row not replaced: $(grep starter "$w/gb.csv")"
grep -v '^"starter"' "$w/tests.1" > "$w/keep.1"; grep -v '^"starter"' "$w/gb-tests.csv" > "$w/keep.2"
cmp -s "$w/keep.1" "$w/keep.2" || fail "a regrade changed the other students' verdicts"
[ "$(grep '^"starter",01-' "$w/gb-tests.csv" | grep -vc ',PASS$')" = 0 ] || fail "starter's verdicts not replaced"
grep -q STALE "$w/gb-reports/starter.txt" && fail "starter's old report kept"
awk -F, '$1 ~ /^01-/ && $2 != "01.00" && $7 != 0 { print; bad = 1 } END { exit bad }' "$w/gb-stats.csv" ||
	fail "statistics after the regrade: lab 01 still failed"
[ -e "$w/gb.lock" ] || [ -L "$w/gb.lock" ] && fail "the lock of a grade-class that died not taken over and removed"
ok "regrade of one student: their row, verdicts and report replaced, the others' kept byte for byte; a dead lock taken over"

# ---- bad input: nothing graded, nothing lost ---------------------------------------
cp "$w/gb.csv" "$w/gb.2"
printf 'directory,name\nsol,Sol\n' > "$w/bad-roster.csv"
grade ROSTER="$w/bad-roster.csv" && fail "a roster without id accepted"
grep -q 'must name the columns directory, name and id' "$w/out" || fail "bad roster: $(cat "$w/out")"
grade STUDENTS=nobody && fail "STUDENTS=nobody accepted"
printf 'student,total\n"x",1\n' > "$w/other.csv"
$MAKE --no-print-directory -s grade-class SUBMISSIONS="$w/subs" OUT="$w/other.csv" > "$w/out" 2>&1 &&
	fail "a gradebook with other columns merged into"
ln -s $$ "$w/gb.lock"         # a grade-class writing gb.csv now
grade && fail "a second grade-class on one gradebook at once"
grep -q "gb.csv is being written by another grade-class (pid $$)" "$w/out" || fail "lock held: $(cat "$w/out")"
rm -f "$w/gb.lock"
cmp -s "$w/gb.csv" "$w/gb.2" && [ "$(cat "$w/other.csv")" = "$(printf 'student,total\n"x",1')" ] ||
	fail "bad input changed a gradebook"
ok "bad roster, unknown student, foreign gradebook, a gradebook being written: refused, gradebooks unchanged"
