#!/bin/sh
# grade-class.sh - grade a whole class: `make grade-class SUBMISSIONS=dir`.
#
# Each subdirectory of SUBMISSIONS is one student, named after it: either
# their labs/ tree (NN-name/ directories), or a whole unpacked handout
# (labs/ inside; also one directory level deeper, as an archive unpacks).
# Only the labs are taken from a submission: the tests, common/ and the
# Makefile are always the course's own.
#
# A student is graded by `make test LABS=tree` (every lab built and graded
# side by side; as root, the student's code runs as a uid of its own, see
# tests/grade-all.sh), run through build/tools/run-limited: a wall-clock LIMIT,
# output capped, no file over 64 MB, and every process it started killed
# when it ends.  Each lab's grader has LIMIT seconds (LAB_LIMIT: what hangs
# costs its own lab only), the whole run, builds included, 2 x LIMIT.  Each
# student has a temp dir of its own (TMPDIR) and its own build directory,
# both removed once graded (KEEP_BUILD=1: the build directory is the one
# the Makefile gives the tree, build/<name>-<hash>/, and stays).  JOBS students are graded at a time (default:
# three per core: grading is mostly waiting on sockets).  A lab
# that does not compile, hangs, crashes or floods scores 0 on what it
# broke, with the reason; nothing a student does stops the batch or holds
# it up beyond its time limits (at most 2 x LIMIT for a student whose
# grading hangs).
#
# Writes OUT (CSV: student, one column per lab, total, notes, when graded
# and by which commit of the grader) and a report per student,
# REPORTS/<student>.txt, with every failure message.  An OUT that exists
# is merged into, never replaced: a student graded again replaces their
# row (and report), the others' rows stay.  One grade-class at a time
# writes an OUT: a second one finds its lock (BASE.lock) and stops, with
# nothing written (a lock whose holder died is taken over).  Beside OUT (BASE: OUT
# without .csv): BASE-tests.csv, every test's verdict for every student
# (from the graders' own verdict files, merged the same way), and from it
# BASE-stats.csv and BASE-stats.html, what the class got wrong; with
# ROSTER, BASE-canvas.csv and BASE-moodle.csv for an LMS to import
# (tools/instructor/gradebook/).
#
# Environment (make grade-class passes them): SUBMISSIONS, OUT
# (gradebook.csv), REPORTS (OUT without .csv, plus -reports), STUDENTS
# (only these subdirectories), ROSTER, JOBS, LIMIT (seconds per grading
# run, 300), KEEP_BUILD, MAKE, CK_TIMEOUT_MULTIPLIER.
# Not SANITIZE: a sanitized run is advice for the student (its reports
# come from inside the student's process, and it runs without the exec
# guard), never a grade.
set -u
MAKE=${MAKE:-make}
subs=${SUBMISSIONS:-}
out=${OUT:-gradebook.csv}
base=${out%.csv}
reports=${REPORTS:-$base-reports}
roster=${ROSTER:-}
GB="sh tools/instructor/gradebook/gradebook.sh"
jobs=${JOBS:-$((3 * $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)))}
limit=${LIMIT:-300}
RL=build/tools/run-limited

if [ -z "$subs" ] || [ ! -d "$subs" ]; then
	echo "usage: make grade-class SUBMISSIONS=dir [STUDENTS=\"a b\"] [OUT=gradebook.csv] [ROSTER=file] [JOBS=n] [LIMIT=seconds]" >&2
	echo "  dir holds one subdirectory per student: their labs/ tree or an unpacked handout" >&2
	exit 2
fi
case $jobs in ''|*[!0-9]*|0) echo "grade-class: JOBS=$jobs is not a count" >&2; exit 2 ;; esac
case $limit in ''|*[!0-9]*|0) echo "grade-class: LIMIT=$limit is not a number of seconds" >&2; exit 2 ;; esac

# The grading of a student is a make of its own: not part of whatever make
# started us (no jobserver, no stray variables).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
if [ -n "${SANITIZE:-}" ]; then
	echo "grade-class: SANITIZE=$SANITIZE ignored: sanitized runs are advice for students, not grades" >&2
fi
san=SANITIZE=

# What every job shares is built once, before the jobs start (two jobs
# building build/common/ at once would clobber each other).
$MAKE --no-print-directory -s grade-class-prep $san > /dev/null || {
	echo "grade-class: cannot build the grader's common parts: run make grade-class-prep" >&2
	exit 1
}

subs=$(cd "$subs" && pwd -P)
# As root, each submission's code runs as a uid of its own (make test):
# none may read the others.
if [ "$(id -u)" = 0 ] && [ -n "$(find "$subs" -maxdepth 0 -perm /077)" ]; then
	chmod go-rwx "$subs" && echo "grade-class: as root: made $subs private (chmod go-rwx)"
fi
labs=$(ls tests/ | sed -n 's/^\([0-9][0-9]-.*\)\.c$/\1/p')
# Before any grading: a gradebook we could not merge into, or a roster
# with errors, stops us here, with nothing written.
header="student,$(echo $labs | tr ' ' ','),total,notes,graded,grader"
lock=$base.lock
take_lock() {   # a symbolic link to our pid: made, pid and all, at once
	ln -s $$ "$lock" 2>/dev/null && return 0
	holder=$(readlink "$lock" 2>/dev/null)
	if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then
		echo "grade-class: $out is being written by another grade-class (pid $holder): wait for it to end, or give another OUT" >&2
		exit 2
	fi
	rm -f "$lock"     # its holder died
	ln -s $$ "$lock" 2>/dev/null && return 0
	echo "grade-class: $out: another grade-class took the lock $lock first" >&2
	exit 2
}
take_lock
trap 'rm -f "$lock"' EXIT
$GB header-ok "$out" "$header" || exit 2
[ -z "$roster" ] || $GB roster-ok "$roster" || exit 2
# Which grader graded: its commit, "-dirty" when its tests, common/ or
# Makefile differ from it; "unknown" outside a git checkout.
commit=$(git rev-parse --short HEAD 2>/dev/null) || commit=unknown
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- tests common Makefile 2>/dev/null; then
	commit=$commit-dirty
fi
# The work dir: the students' temp dirs and (but with KEEP_BUILD) their
# build dirs.  Without TMPDIR, in /dev/shm, a memory file system, when it
# has room to spare: a grading creates and removes thousands of small
# files, which on a disk's file system cost a fifth of the graders' CPU.
# Its name is 14 bytes, as long as a struct sockaddr's sa_data: a program
# that binds with that length (a mistake the tests catch) hits the dir
# itself, not a new file beside it.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
   [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 2097152 ] 2>/dev/null; then
	work=$(mktemp -d /dev/shm/gcXXX) || exit 1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/gc.XXXXXX") || exit 1
fi
mkdir -p "$work/claim" "$work/done" "$work/links" "$reports" || exit 1
# As root, the student's uid passes through (not reads) the work dir to
# its temp dir, where the grading puts the sandbox it runs in; all else
# in it is root's alone.
chmod 711 "$work" && chmod 700 "$work/claim" "$work/done" "$work/links" || exit 1
# The grader keeps its temp files under TMPDIR only when that path is
# short (sun_path holds 107 bytes); past 40 bytes it uses /tmp.
[ ${#work} -gt 34 ] && echo "grade-class: warning: TMPDIR is long ($work): the graders will use /tmp" >&2
cleanup() {
	# Our own jobs are gone by now (run-limited kills what they start);
	# only files remain.
	rm -rf "$work"
	rm -f "$lock"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The students: every subdirectory, in name order, or those STUDENTS
# names (each must be one).
if [ -n "${STUDENTS:-}" ]; then
	set -f   # (names, not patterns)
	for d in $STUDENTS; do
		case $d in */*|.|..) echo "grade-class: STUDENTS: $d: a subdirectory's name, not a path" >&2; exit 2 ;; esac
		[ -d "$subs/$d" ] || { echo "grade-class: STUDENTS: $subs/$d is not a directory: nothing graded" >&2; exit 2; }
	done
	for d in $STUDENTS; do printf '%s\n' "$d"; done | LC_ALL=C sort -u > "$work/students"
	set +f
else
	(cd "$subs" && for d in *; do [ -d "$d" ] && printf '%s\n' "$d"; done) | LC_ALL=C sort > "$work/students"
fi
total=$(wc -l < "$work/students" | tr -d ' ')
if [ "$total" -eq 0 ]; then
	echo "grade-class: $subs has no subdirectories: nothing to grade" >&2
	exit 2
fi

# The tree to grade in a submission (line 1, empty when none) and what it
# was (line 2).
find_tree() {   # DIR
	d=$1
	for lab in $labs; do
		[ -d "$d/$lab" ] && { printf '%s\nlabs/ tree\n' "$d"; return; }
	done
	[ -d "$d/labs" ] && { printf '%s\nhandout (graded its labs/)\n' "$d/labs"; return; }
	for sub in "$d"/*/; do
		[ -d "$sub" ] || continue
		sub=${sub%/}
		for lab in $labs; do
			[ -d "$sub/$lab" ] && { printf '%s\nlabs/ tree, one level down\n' "$sub"; return; }
		done
		[ -d "$sub/labs" ] && { printf '%s\nhandout, one level down (graded its labs/)\n' "$sub/labs"; return; }
	done
	printf '\nnothing to grade: no NN-name/ lab directories and no labs/\n'
}

csv_quote() {   # a CSV field: quoted, quotes doubled
	printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"
}

# The student's rows of BASE-tests.csv for a lab: the grader's verdict
# lines (from its --verdicts file, never from what the programs print)
# when the lab was graded; else one row, test "(lab)", saying why not.
lab_verdicts() {   # LAB NUM VERDICTS_FILE RAN WHY
	if [ "$4" = yes ]; then
		ST=$(csv_quote "$name") awk -v n="$2" -v lab="$1" '
			BEGIN { st = ENVIRON["ST"] }
			$1 == n && $2 ~ /^[0-9][0-9]$/ && $2 != "00" && NF == 6 && $4 ~ /^[0-9]+$/ &&
			$5 ~ /^[0-9]+$/ && $6 ~ /^(PASS|FAIL|SKIP)$/ {
				printf "%s,%s,%s.%s,%s,%d,%d,%s\n", st, lab, $1, $2, $3, $4, $5, $6 }' "$3" > "$s/lab-tests"
		[ -s "$s/lab-tests" ] && { cat "$s/lab-tests"; return; }
	fi
	reason=$(awk -v n="$2" '$1 == n && $2 == "00" { print $6; exit }' "$3" 2>/dev/null)
	if [ -z "$reason" ]; then
		case $5 in
		"no submission") reason=no-submission ;;
		missing) reason=missing ;;
		"did not finish"*) reason=did-not-finish ;;
		*) reason=not-graded ;;
		esac
	fi
	printf '%s,%s,%s.00,(lab),0,100,%s\n' "$(csv_quote "$name")" "$1" "$2" "$reason"
}

grade_one() {   # INDEX NAME
	i=$1 name=$2 mtree=
	s=$work/s$i tmp=$work/t$i
	mkdir -p "$s" "$tmp" && chmod 700 "$s" && chmod 711 "$tmp"
	# (a report of an earlier grading would outlive a grading cut short)
	rm -f "$reports/$name.txt"
	: > "$s/tests"
	start=$(date +%s)
	find_tree "$subs/$name" > "$s/found"
	tree=$(sed -n 1p "$s/found") kind=$(sed -n 2p "$s/found")
	# make cannot take a path with spaces or its special characters: such a
	# tree is graded through a link with a plain name.
	if [ -n "$tree" ]; then
		case $tree in
		*[!A-Za-z0-9._/+@-]*) ln -s "$tree" "$work/links/s$i"; mtree=$work/links/s$i ;;
		*) mtree=$tree ;;
		esac
	fi
	row=$(csv_quote "$name") sum=0 max=0 notes= brief=
	{
		echo "Socket Labs: grade report for $name"
		echo "submission: $subs/$name: $kind"
		echo "graded: $(date -u '+%Y-%m-%d %H:%M UTC'), at most $limit s per lab"
		echo
	} > "$s/head"
	: > "$s/body"
	# All the labs in one go: built together, graded side by side, each
	# lab's grader within LIMIT (LAB_LIMIT: a lab that hangs costs LIMIT
	# and its own score only); the whole run, builds included, within 2 x
	# LIMIT.  Scores come from the graders' tally (SCORES), never from the
	# log: the log is only shown, in the report.
	rc=0 bvar="B=$s/build"
	[ -n "${KEEP_BUILD:-}" ] && bvar=
	if [ -n "$tree" ]; then
		TMPDIR=$tmp LAB_LIMIT=$limit $RL -t $((2 * limit)) -c 4000000 -f 67108864 -o "$s/all.log" -- \
			$MAKE --no-print-directory -s test LABS="$mtree" $bvar NO_COLOR=1 SCORES="$s/scores" VERDICTS="$s/verdicts" $san 2> /dev/null
		rc=$?
		awk -v nums="$(for lab in $labs; do printf '%s ' "${lab%%-*}"; done)" -v dir="$s" '
			BEGIN { n = split(nums, L, " "); k = 1 }
			k <= n {
				f = dir "/" L[k] ".log"; print > f
				if (index($0, "lab " L[k] " (") == 1 || index($0, "FAIL  " L[k] "-") == 1 ||
				    index($0, "FAIL  lab " L[k] ": ") == 1) { close(f); k++ }
			}' "$s/all.log"
		[ -n "$(ls -A "$tmp")" ] && notes="all labs: left files in the temp dir"
		rm -rf "$tmp" && mkdir -p "$tmp" && chmod 711 "$tmp"
	fi
	for lab in $labs; do
		num=${lab%%-*} title=${lab#*-}
		log=$s/$num.log
		score=0 of=100 why= ran=no verdicts=$s/verdicts
		if [ -z "$tree" ]; then
			why="no submission"
		elif [ ! -d "$tree/$lab" ]; then
			why="missing"
		else
			# NN title score max passed failed skipped skipped_points
			# status timeouts crashes
			set -- $(awk -v n="$num" '$1 == n' "$s/scores" 2> /dev/null)
			if [ $# -lt 11 ] && [ $rc -eq 124 ]; then
				why="did not finish within $((2 * limit)) s: killed"
			elif [ $# -lt 11 ]; then
				why="grading stopped (status $rc) before the score"
			elif [ "$9" = did-not-finish ]; then
				why="did not finish within $limit s: killed"
			elif [ "$9" != graded ]; then
				why=$(echo "$9" | tr '-' ' ')
			else
				score=$3 of=$4 ran=yes
				# A skipped test's points leave the lab's total: the tests
				# that ran carry the lab's points (as on Gradescope).
				if [ "$7" -gt 0 ]; then
					why="$7 skipped on this machine"
					score=$(awk -v s="$score" -v m="$of" -v p="$8" 'BEGIN { printf "%d", (m > 0 ? s * (m + p) / m + 0.5 : 0) }')
					of=$((of + $8))
				fi
				[ "${10}" -gt 0 ] && why="${why:+$why, }${10} timed out"
				[ "${11}" -gt 0 ] && why="${why:+$why, }${11} crashed"
			fi
			case $why in "did not"*|"grader"*|"grading stopped"*) score=0 ;; esac
		fi
		lab_verdicts "$lab" "$num" "$verdicts" "$ran" "$why" >> "$s/tests"
		sum=$((sum + score)) max=$((max + 100))
		row="$row,$score"
		brief="$brief${brief:+, }$num $score${why:+ ($why)}"
		[ -n "$why" ] && notes="$notes${notes:+; }$num: $why"
		printf 'lab %s %-24s %3d/%-3d %s\n' "$num" "($title)" "$score" "$of" "$why" >> "$s/head"
		if [ -f "$log" ] && { [ "$score" -lt "$of" ] || [ -n "$why" ]; }; then
			{
				echo
				echo "== lab $num ($title): $score/$of${why:+ ($why)} =="
				sed '/^make\(\[[0-9]*\]\)*: \*\*\*/d' "$log" | LC_ALL=C tr -c '\n -~' '?'
			} >> "$s/body"
		fi
	done
	printf '%-32s%3d/%d\n' total "$sum" "$max" >> "$s/head"
	[ -s "$s/body" ] || printf '\nevery test of every lab passed\n' >> "$s/body"
	cat "$s/head" "$s/body" > "$reports/$name.txt"
	echo "$row,$sum,$(csv_quote "$notes"),$(date -u '+%Y-%m-%dT%H:%M:%SZ'),$(csv_quote "$commit")" > "$s/row"
	rm -rf "$tmp" "$s/build"
	mkdir "$work/done/$i"
	n=$(ls "$work/done" | wc -l | tr -d ' ')
	printf '[%3d/%d] %s: %d/%d  (%s)  %ds\n' "$n" "$total" "$name" "$sum" "$max" "$brief" $(($(date +%s) - start))
}

worker() {
	i=0
	while IFS= read -r name; do
		i=$((i + 1))
		mkdir "$work/claim/$i" 2>/dev/null || continue
		grade_one "$i" "$name"
	done < "$work/students"
}

echo "grading $total submissions from $subs, $jobs at a time, at most $limit s per lab"
t0=$(date +%s)
w=0 pids=
while [ $w -lt "$jobs" ]; do
	worker &
	pids="$pids $!"
	w=$((w + 1))
done
wait $pids

# This run's rows, merged into the gradebook and the per-test CSV (the
# students not graded this time keep theirs), then what follows from them.
{
	echo "$header"
	i=0
	while IFS= read -r name; do
		i=$((i + 1))
		cat "$work/s$i/row" 2>/dev/null || echo "$(csv_quote "$name"),not graded"
	done < "$work/students"
} > "$work/book"
{
	echo "student,lab,number,test,points,max,verdict"
	i=0
	while IFS= read -r name; do
		i=$((i + 1))
		cat "$work/s$i/tests" 2>/dev/null
	done < "$work/students"
} > "$work/tests"
[ -f "$out" ] && [ ! -f "$base-tests.csv" ] &&
	echo "grade-class: warning: $base-tests.csv is missing: the statistics cover only the students graded since" >&2
$GB merge "$work/book" "$out" || exit 1
$GB merge "$work/tests" "$base-tests.csv" "$work/book" || exit 1
echo "graded $total submissions in $(($(date +%s) - t0)) s: gradebook $out ($(($(wc -l < "$out") - 1)) students), reports in $reports/"
$GB stats "$base-tests.csv" "$base" "Gradebook $out, statistics of $(date -u '+%Y-%m-%dT%H:%M:%SZ'), grader $commit." || exit 1
echo "what the class got wrong: $base-stats.csv, $base-stats.html"
if [ -n "$roster" ]; then
	$GB export "$roster" "$out" "$base" || exit 1
	echo "for an LMS: $base-canvas.csv (Canvas), $base-moodle.csv (Moodle)"
fi
