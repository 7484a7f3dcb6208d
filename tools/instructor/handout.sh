#!/bin/sh
# handout.sh DEST - write the student distribution to DEST: everything but
# solutions/, build products and instructor-only tooling, with a student
# README, the guide without its instructor section, and the GitHub
# Classroom workflow (.github/workflows/classroom.yml, generated from the
# graders' tables by tools/instructor/classroom-workflow.sh), and each
# lab's reference programs, built here (labs/NN-name/ref/server and
# ref/client, and ref/props where the lab has props.c, with a ref/README
# saying for which machine).  In DEST,
# `make` builds the starter code and `make test` grades it.
#
# handout.sh --ref DIR: only the reference programs, in DIR/NN-name/ref/
# (tools/selftest/hostile.sh makes a submission that runs them).
#
# handout.sh --check: write a handout to a temp dir and verify it: no
# solutions (no solutions/, no file of a solution that differs from its
# starter, no solution markers), the workflow present and current, `make`
# builds there, `make test` grades there (a low score, a non-zero
# status, and a deadline) and `make check` passes, the reference programs
# are there, stripped, `make doctor` there passes and the first lab's
# reference client and server talk.  `make check` runs it.
set -eu
MAKE=${MAKE:-make}
unset MAKEFLAGS MFLAGS MAKELEVEL    # a make of our own: no LAB= or T= from whoever called us

# What students do not get: the instructors' tools (this one among them)
# and the project's own self-tests (seeded bugs and hostile trees quote
# solution code); `make check` there runs tools/student/check.sh instead.
# They get the grader whole (tests/) and the tools they run
# (tools/student/).  Nothing at the top but the Makefile, the guide and
# .gitignore (not INSTRUCTORS.md, HACKING.md).
EXCLUDE='tools/instructor tools/selftest'

# ---- the reference programs ------------------------------------------------
# Students try their programs against the course's own, as a shell lab
# hands out its reference shell.  Built from solutions/ with the normal
# flags (not the sanitizers': those need their runtime on the student's
# machine) and stripped: a program, not a solution to read symbols from.
# They are native programs: they run only where the C library and the
# architecture are those of the machine that made the handout, so
# ref/README says which, and `make doctor` checks that they run.

platform() {    # what the reference programs need: architecture, OS, C library
	sh tools/student/doctor.sh --platform
}

ref_programs() {    # LAB_DIR: its programs, "server client", and props where it has one
	if [ -f "$1/props.c" ]; then echo "server client props"; else echo "server client"; fi
}

ref_readme() {  # LAB PLATFORM PROGRAMS
	names=$(echo "$3" | sed 's/ \([^ ]*\)$/ and \1/; s/ \([^ ]*\) and/, \1 and/')
	cat <<EOF
Lab ${1%%-*} (${1#*-}): the reference $names

$names here are the course's own programs for this lab, built
from its reference solution and stripped.  Run your client against
./ref/server, and ./ref/client against your server, to see what the other
side expects.  From labs/$1/:

$(for p in $3; do echo "    ./ref/$p --help"; done)

built for: $2
They run only on a machine of that architecture with that C library (the
same version or a newer one).  'make doctor' at the top of the handout
says whether they run on yours; if they do not, use the course's machine,
or ask your instructor for reference programs built for yours.

They are no part of your work: the grader builds only your .c and .h
files, and fails a program that starts another program.
EOF
}

write_ref() {   # DIR: DIR/NN-name/ref/ for each lab of solutions/
	command -v strip > /dev/null 2>&1 || {
		echo "handout: strip is missing (it comes with binutils, as gcc does): sudo apt-get install -y binutils" >&2
		exit 1; }
	$MAKE --no-print-directory -s all LABS=solutions LAB= SANITIZE= > /dev/null || {
		echo "handout: the reference solutions do not build: make LABS=solutions" >&2
		exit 1; }
	bin=$($MAKE --no-print-directory -s print-build-dir LABS=solutions SANITIZE=)
	built=$(platform)
	for d in solutions/[0-9][0-9]-*/; do
		lab=$(basename "$d")
		ref=$1/$lab/ref
		mkdir -p "$ref" || exit 1
		for p in $(ref_programs "$d"); do
			strip -o "$ref/$p" "$bin/$lab/$p" || {
				echo "handout: strip $bin/$lab/$p failed" >&2; exit 1; }
		done
		ref_readme "$lab" "$built" "$(ref_programs "$d")" > "$ref/README"
		# Readable by all: an archive of the handout keeps the modes,
		# and a grader running as another uid may be handed the path.
		chmod 755 "$ref" "$ref"/* && chmod 644 "$ref/README"
	done
}

write_handout() {   # DEST
	dest=$1
	if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
		echo "handout: $dest exists and is not empty; choose a new directory" >&2
		exit 2
	fi
	mkdir -p "$dest"
	for f in Makefile .gitignore common docs labs tests tools; do
		[ -e "$f" ] && cp -R "$f" "$dest/$f"
	done
	for f in $EXCLUDE; do
		rm -rf "${dest:?}/$f"
	done
	write_ref "$dest/labs"
	sed "s|@REF_PLATFORM@|$(platform)|" tools/instructor/handout-README.md > "$dest/README.md"
	# The guide, without its instructor section (and its entry in the
	# contents).
	awk '/^## For instructors/ { skip = 1; next }
	     /^## / { skip = 0 }
	     /\(#for-instructors\)/ { next }
	     !skip' LAB_GUIDE.md > "$dest/LAB_GUIDE.md"
	mkdir -p "$dest/.github/workflows"
	# The workflow lists the graders' tests (make list): built first,
	# or their build's progress lines would be read as the list.
	$MAKE --no-print-directory -s build-lab > /dev/null
	sh tools/instructor/classroom-workflow.sh > "$dest/.github/workflows/classroom.yml"
}

if [ "${1:-}" = --ref ]; then
	[ $# -eq 2 ] || { echo "usage: handout.sh --ref DIR" >&2; exit 2; }
	write_ref "$2"
	exit 0
fi
if [ "${1:-}" != --check ]; then
	[ $# -eq 1 ] || { echo "usage: handout.sh DEST" >&2; exit 2; }
	write_handout "$1"
	echo "wrote the student handout to $1: cd $1 && make && make test"
	exit 0
fi

# ---- --check ---------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/handout.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
h=$work/h
write_handout "$h" > "$work/write.log" 2>&1 || { cat "$work/write.log"; exit 1; }
bad=0
no() { echo "handout: $*"; bad=1; }

[ -e "$h/solutions" ] && no "has solutions/"
[ -e "$h/INSTRUCTORS.md" ] && no "has INSTRUCTORS.md"
grep -rl -e 'BEGIN SOLUTION' -e 'END SOLUTION' "$h" > "$work/markers" 2>/dev/null &&
	no "has solution markers in: $(tr '\n' ' ' < "$work/markers")"
# Every file of a solution that differs from its starter is a leak, wherever
# it is and whatever its name.
(cd solutions && find . -type f) | while IFS= read -r f; do
	cmp -s "solutions/$f" "labs/$f" || cksum < "solutions/$f"
done | sort -u > "$work/solution-sums"
(cd "$h" && find . -type f -exec cksum {} +) > "$work/handout-sums"
awk 'NR == FNR { leak[$1 " " $2] = 1; next }
     ($1 " " $2) in leak { print "handout: a solution file: " $3; bad = 1 }
     END { exit bad }' "$work/solution-sums" "$work/handout-sums" || bad=1
for f in $EXCLUDE; do
	[ -e "$h/$f" ] && no "has $f"
done
[ -s "$h/.github/workflows/classroom.yml" ] || no "has no .github/workflows/classroom.yml"
[ -s "$h/README.md" ] || no "has no README.md"
grep -q '^## For instructors' "$h/LAB_GUIDE.md" && no "LAB_GUIDE.md has the instructor section"

# It builds and grades from its own directory, in bounded time: make
# (with the machine's cores), then the first lab's tests on the starter
# code (every lab's starter code is graded by make check already).
if [ -x build/tools/run-limited ]; then
	limit="$PWD/build/tools/run-limited -t 120 --"
else
	limit=
fi
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
if ! $limit $MAKE -C "$h" --no-print-directory -s -j"$jobs" LAB= T= > "$work/build.log" 2>&1; then
	no "make does not build the starter code:"; tail -n 20 "$work/build.log"
elif grep -v '^  [A-Z][A-Z]* ' "$work/build.log" > "$work/noise"; then
	# Nothing but the progress lines: no warning, no error of a make rule
	# that needs something the handout does not have.
	no "make in the handout prints more than its progress lines:"; head -n 10 "$work/noise"
fi
first=$(ls "$h/tests" | sed -n 's/^\([0-9][0-9]\)-.*\.c$/\1/p' | head -n 1)
set +e
$limit $MAKE -C "$h" --no-print-directory test LAB="$first" T= NO_COLOR=1 > "$work/test.log" 2>&1
rc=$?
set -e
last=$(grep -v '^make' "$work/test.log" | tail -n 1)
score=$(grep '^score: ' "$work/test.log" || true)
case $rc in
0) no "make test LAB=$first gives full marks on the starter code" ;;
124) no "make test LAB=$first did not finish within 120 s" ;;
esac
echo "$last" | grep -q '^[0-9]* passed, [0-9]* failed' || { no "make test LAB=$first: no summary line:"; tail -n 20 "$work/test.log"; }
[ -n "$score" ] || no "make test LAB=$first: no score line"
# make check there is tools/student/check.sh: the machine builds.
if ! $limit $MAKE -C "$h" --no-print-directory -s check > "$work/check.log" 2>&1 ||
   ! grep -q '^ok    every lab builds' "$work/check.log"; then
	no "make check in the handout does not say every lab builds:"; tail -n 20 "$work/check.log"
fi

# The reference programs: every lab's server and client (and props),
# stripped, its README naming this machine; make doctor there runs them all; the first lab's pair
# talks, as make demo runs a pair (tools/student/demo.sh, with the pair's
# dir as the lab's build dir).
has_symbols() {     # FILE: 0 if it has a symbol table, 2 if no tool can tell
	if command -v readelf > /dev/null 2>&1; then
		readelf -S "$1" | grep -q '\.symtab'
	else
		return 2
	fi
}
arch=$(uname -m)
for d in "$h"/labs/[0-9][0-9]-*/; do
	lab=$(basename "$d")
	for p in $(ref_programs "$d"); do
		if [ ! -f "$d/ref/$p" ] || [ ! -x "$d/ref/$p" ]; then
			no "has no program labs/$lab/ref/$p"
			continue
		fi
		sym=0
		has_symbols "$d/ref/$p" || sym=$?
		case $sym in
		0) no "labs/$lab/ref/$p is not stripped (readelf -S shows a .symtab)" ;;
		2) echo "handout: no readelf here: not checked that labs/$lab/ref/$p is stripped" ;;
		esac
	done
	grep -q "^built for: $arch " "$d/ref/README" 2>/dev/null ||
		no "labs/$lab/ref/README does not say it was built for $arch"
done
grep -q "$arch" "$h/README.md" || no "README.md does not say for which machine the reference programs are"
if ! $limit $MAKE -C "$h" --no-print-directory -s doctor > "$work/doctor.log" 2>&1; then
	no "make doctor fails in the handout:"; tail -n 20 "$work/doctor.log"
elif [ "$(grep -c '^  ok    reference programs' "$work/doctor.log")" -ne "$(ls -d "$h"/labs/[0-9][0-9]-*/ | wc -l)" ]; then
	no "make doctor in the handout does not say each lab's reference programs run:"; cat "$work/doctor.log"
fi
lab1=$(basename "$(ls -d "$h"/labs/[0-9][0-9]-*/ | head -n 1)")
mkdir -p "$work/ref" && ln -s "$h/labs/$lab1/ref" "$work/ref/$lab1"
if ! $limit $MAKE -C "$h" --no-print-directory -s build/tools/exchange > "$work/demo.log" 2>&1 ||
   ! (cd "$h" && B=$work/ref EXCHANGE=build/tools/exchange $limit sh tools/student/demo.sh "$lab1") >> "$work/demo.log" 2>&1; then
	no "labs/$lab1/ref/client and ref/server do not talk:"; tail -n 20 "$work/demo.log"
fi
[ $bad -eq 0 ] && echo "handout: builds; make test LAB=$first: $score, $last (exit $rc); reference programs stripped, run, talk"
exit $bad
