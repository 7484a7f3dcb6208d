#!/bin/sh
# make-zip.sh - `make gradescope-zip [LAB=NN] [ZIP=file]`: pack the
# Gradescope autograder.  At the root of the archive: setup.sh and
# run_autograder (tools/instructor/gradescope/), and what grading needs:
# the student handout (Makefile, common/, tests/ with the C helper
# run_autograder uses, the starter labs/ ...; no solutions), and
# gradescope.conf.
# With LAB=NN the autograder grades that lab only (one Gradescope
# assignment per lab, 100 points, and students may upload the lab's files
# alone); without, every lab (400 points).
# Environment: MAKE, LAB, ZIP.  Needs the zip command (Info-ZIP), which
# only this instructor's packaging uses: building and grading do not.
set -eu
MAKE=${MAKE:-make}
LAB=${LAB:-}
ZIP=${ZIP:-socklabs-autograder.zip}
command -v zip > /dev/null 2>&1 ||
	{ echo "gradescope-zip: the zip command is missing: sudo apt-get install -y zip" >&2; exit 1; }
if [ -n "$LAB" ] && ! ls tests/"$LAB"-*.c > /dev/null 2>&1; then
	echo "gradescope-zip: no lab $LAB (tests/$LAB-*.c)" >&2
	exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/gszip.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
src=$work/src
MAKE=$MAKE sh tools/instructor/handout.sh "$src" > /dev/null
rm -rf "$src/.github" "$src/README.md"
cp tools/instructor/gradescope/setup.sh tools/instructor/gradescope/run_autograder "$src/"
chmod 755 "$src/setup.sh" "$src/run_autograder"
{
	echo "# Written by make gradescope-zip: what run_autograder grades."
	echo "LAB=$LAB"
} > "$src/gradescope.conf"
case $ZIP in /*) out=$ZIP ;; *) out=$(pwd)/$ZIP ;; esac
rm -f "$out"
# Paths relative to the root (Gradescope wants setup.sh there), sorted,
# every file dated the same and no extra fields (-X: the packer's uid,
# its clock): the same course makes the same zip, byte for byte.
(
	cd "$src"
	export TZ=UTC0
	find . -exec touch -h -d '2000-01-01 00:00:00' {} +
	find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort | zip -q -X -@ "$out"
)
points=100
[ -n "$LAB" ] || points=$((100 * $(ls tests/[0-9][0-9]-*.c | wc -l)))
echo "wrote $ZIP: upload it as the Gradescope autograder (${LAB:+lab $LAB, }$points points; Ubuntu 22.04 base image)"
