#!/bin/sh
# classroom-steps.sh - `make classroom-steps`: generate the GitHub Classroom
# workflow and run every step's command, exactly as written there, on the
# reference solutions (LABS=solutions added): every one must pass.  (make
# check verifies the same more quickly: every step against a full run of
# the solutions, and one step of each lab for real.)
set -u
MAKE=${MAKE:-make}
unset MAKEFLAGS MFLAGS MAKELEVEL
work=$(mktemp -d "${TMPDIR:-/tmp}/steps.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM HUP PIPE
sh tools/instructor/classroom-workflow.sh > "$work/classroom.yml" || exit 1
sed -n 's/^        command: //p' "$work/classroom.yml" > "$work/commands"
$MAKE --no-print-directory -s all LABS=solutions > /dev/null 2>&1
n=0 ok=0
t0=$(date +%s)
while IFS= read -r c; do
	n=$((n + 1))
	if $c LABS=solutions NO_COLOR=1 > "$work/out" 2>&1 < /dev/null; then
		ok=$((ok + 1))
	else
		echo "FAIL  $c:"; tail -n 8 "$work/out" | sed 's/^/      /'
	fi
done < "$work/commands"
echo "classroom steps: $ok of $n passed on the solutions ($(($(date +%s) - t0)) s)"
[ $ok -eq $n ]
