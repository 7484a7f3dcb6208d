#!/bin/sh
# make-zip.sh - `make gradescope-zip [LAB=NN] [ZIP=file]`: pack the
# Gradescope autograder.  At the root of the archive: setup.sh and
# run_autograder (tools/gradescope/), and what grading needs: the student
# handout (Makefile, common/, tests/, the starter labs/ ...; no
# solutions), the two C helpers run_autograder uses, and gradescope.conf.
# With LAB=NN the autograder grades that lab only (one Gradescope
# assignment per lab, 100 points, and students may upload the lab's files
# alone); without, every lab (400 points).
# Environment: MAKE, LAB, ZIP, MKZIP (the packer, build/tools/mkzip).
set -eu
MAKE=${MAKE:-make}
LAB=${LAB:-}
MKZIP=${MKZIP:-build/tools/mkzip}
ZIP=${ZIP:-socklabs-autograder.zip}
if [ -n "$LAB" ] && ! ls tests/"$LAB"-*.c > /dev/null 2>&1; then
	echo "gradescope-zip: no lab $LAB (tests/$LAB-*.c)" >&2
	exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/gszip.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
src=$work/src
MAKE=$MAKE sh tools/handout.sh "$src" > /dev/null
rm -rf "$src/.github" "$src/README.md"
cp tools/gradescope/setup.sh tools/gradescope/run_autograder "$src/"
chmod 755 "$src/setup.sh" "$src/run_autograder"
mkdir -p "$src/tools/gradescope"
cp tools/run-limited.c "$src/tools/"
cp tools/gradescope/results-check.c tools/gradescope/mkzip.c "$src/tools/gradescope/"
{
	echo "# Written by make gradescope-zip: what run_autograder grades."
	echo "LAB=$LAB"
} > "$src/gradescope.conf"
case $ZIP in /*) out=$ZIP ;; *) out=$(pwd)/$ZIP ;; esac
rm -f "$out"
"$MKZIP" "$out" "$src"
points=100
[ -n "$LAB" ] || points=$((100 * $(ls tests/[0-9][0-9]-*.c | wc -l)))
echo "wrote $ZIP: upload it as the Gradescope autograder (${LAB:+lab $LAB, }$points points; Ubuntu 22.04 base image)"
