#!/bin/sh
# scale-test.sh - the scale figure for `make grade-class` (not part of make
# check: it takes minutes).  Builds N (100) synthetic submissions, grades
# them all with grade-class, and reports the wall time, whether every grade
# is what it should be, and whether anything was left behind.
#
# The submissions, in the layouts grade-class accepts (a labs/ tree, a
# handout with labs/ inside, either one directory down), a class as it
# comes: 60% at full marks, 30% partial, 10% broken, hanging or hostile.
# Every source is distinct, as students' are: each submission's own files
# (all but the given server.c and client.c) carry its name in a comment.
#   - full: the reference solutions: 100 on every lab;
#   - partial: one seeded mistake each, the mistakes of mutants.txt
#     evenly sampled: below 100 on that lab, 100 on the others;
#   - broken: every hostile tree of hostile.txt that edits a
#     solution (hangs, crashes, exits, forks away, floods: what
#     hostile.txt says), a lab that does not compile (0, "did not
#     build"), a header that is a FIFO (left out of the build: 0, "did not
#     build"), labs missing (0, "missing"), nothing at all (0, "no
#     submission"), the starter code, a name with a space.
# COMPARE=1 grades the class a second time with JOBS=1 and checks the two
# gradebooks agree (but for the date of grading).
# Environment: MAKE, N (100), LIMIT (seconds per lab, 120), JOBS, COMPARE=1, KEEP=1
# (keep the work dir: the gradebook and the reports).
set -u
MAKE=${MAKE:-make}
unset MAKEFLAGS MFLAGS MAKELEVEL
N=${N:-100}
LIMIT=${LIMIT:-120}
work=$(mktemp -d /tmp/sc.XXXXXX) || exit 1
: > "$work/start"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
subs=$work/subs
mkdir -p "$subs"
labs=$(ls tests | sed -n 's/^\([0-9][0-9]-.*\)\.c$/\1/p')
nlabs=$(echo "$labs" | wc -l | tr -d ' ')
first=$(echo "$labs" | sed -n 1p)
: > "$work/expect"

# The starter code's score per lab: the reference for starter submissions.
$MAKE --no-print-directory -s grade-class-prep > /dev/null || exit 1
$MAKE --no-print-directory -s test LABS=labs NO_COLOR=1 > "$work/starter.out" 2>&1
for lab in $labs; do
	num=${lab%%-*}
	s=$(sed -n "s|^lab $num ([^)]*): \([0-9]*\)/.*|\1|p" "$work/starter.out")
	[ -n "$s" ] || { echo "scale-test: no starter score for lab $num"; exit 1; }
	eval "starter_$num=$s"
done

i=0
# new_sub KIND LAYOUT: a directory for the next submission; its tree in $tree.
new_sub() {
	i=$((i + 1))
	name=$(printf 's%03d-%s' $i "$1")
	case $2 in
	bare) tree=$subs/$name ;;
	handout) tree=$subs/$name/labs
		mkdir -p "$subs/$name/tests"; echo "a student's own copy: never used" > "$subs/$name/tests/README" ;;
	nested) tree=$subs/$name/socket-labs ;;
	nested-handout) tree=$subs/$name/socket-labs-main/labs ;;
	esac
	mkdir -p "$tree"
}
layout() { case $((i % 4)) in 0) echo bare ;; 1) echo handout ;; 2) echo nested ;; *) echo nested-handout ;; esac; }
expect() { echo "$name|$*" >> "$work/expect"; }     # one token per lab: =N, <100, 0:why_in_the_notes
all_but() {     # LAB TOKEN: TOKEN for LAB, 100 for the others
	out=
	for lab in $labs; do
		if [ "${lab%%-*}" = "$1" ]; then out="$out $2"; else out="$out =100"; fi
	done
	echo $out
}
# The submission's own files carry its name: no two sources alike.
distinct() {
	for f in "$tree"/*/*.c; do
		case ${f##*/} in server.c|client.c) ;; *) printf '/* %s */\n' "$name" >> "$f" ;; esac
	done
}
solutions() { new_sub solutions "$(layout)"; cp -R solutions/. "$tree/"; distinct; expect $(all_but xx x); }
starter() {
	new_sub starter "$(layout)"; cp -R labs/. "$tree/"
	out=
	for lab in $labs; do eval "out=\"\$out =\$starter_${lab%%-*}\""; done
	expect $out
}
seeded() {      # LIST FILE (LAB FILE :: sed script :: ...)
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		lab=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $1}' | cut -d' ' -f1)
		file=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $1}' | cut -d' ' -f2)
		script=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $2}')
		want=$(printf '%s\n' "$line" | awk -F ' :: ' '{print $3}')
		dir=$(ls -d solutions/"$lab"-* 2>/dev/null | head -n 1)
		[ -n "$dir" ] || continue
		sed "$script" "$dir/$file" > "$work/seeded"
		cmp -s "$work/seeded" "$dir/$file" && continue    # a stale edit
		new_sub "bug-$lab-$(basename "$1" .txt)" "$(layout)"
		cp -R solutions/. "$tree/"
		cp "$work/seeded" "$tree/${dir#solutions/}/$file"
		distinct
		case $want in
		*[0-9][0-9][=\<]*)   # hostile.txt's scores: NN=S, NN<S
			out=
			for l in $labs; do
				tok=$(printf '%s\n' $want | sed -n "s/^${l%%-*}\([=<]\)/\1/p")
				out="$out ${tok:-=100}"
			done
			expect $out ;;
		*) expect $(all_but "$lab" "<100") ;;
		esac
	done < "$1"
}

# Broken, hanging or hostile: every hostile tree that edits a solution
# (not those that run the handout's reference programs: there are none
# here), and the cases below.
grep '^solutions [0-9][0-9]/[^+]' tools/selftest/hostile.txt | grep -v REF |
	sed 's|^solutions \([0-9][0-9]\)/|\1 |' > "$work/hostile"
seeded "$work/hostile"
starter; starter
# A lab that does not compile (two of them when there are labs enough).
for lab in $(echo "$labs" | sed -n '2,3p'); do
	new_sub "no-compile-${lab%%-*}" bare; cp -R solutions/. "$tree/"
	echo 'this is not C;' >> "$(ls "$tree/$lab/"*.c | head -n 1)"
	expect $(all_but "${lab%%-*}" 0:did_not_build)
done
# A header that is a FIFO (a compiler would wait on it for ever): only
# regular files are built, so the #include finds nothing.
new_sub "fifo-header" bare; cp -R solutions/. "$tree/"
mkfifo "$tree/$first/hang.h"
f=$(ls "$tree/$first/"*.c | head -n 1)
{ echo '#include "hang.h"'; cat "$f"; } > "$work/f" && cp "$work/f" "$f"
expect $(all_but "${first%%-*}" 0:did_not_build)
# Only the first lab.
new_sub "first-lab-only" bare; cp -R "solutions/$first" "$tree/"
out=; for lab in $labs; do [ "$lab" = "$first" ] && out="$out =100" || out="$out 0:missing"; done; expect $out
# Nothing.
new_sub "nothing" bare; echo "I forgot" > "$tree/notes.txt"
out=; for lab in $labs; do out="$out 0:no_submission"; done; expect $out
# A name with a space.
i=$((i + 1)); name=$(printf 's%03d-with space' $i); tree=$subs/$name; mkdir -p "$tree"
cp -R solutions/. "$tree/"; expect $(all_but xx x)
# Partial: 30% of N, the seeded mistakes of tools/selftest/mutants.txt spread
# evenly (it lists more than fit; not those only the robustness suite or
# valgrind catch: grade-class runs neither).
grep -v '^#' tools/selftest/mutants.txt | grep . | grep -v ' :: \(robust\|memcheck\)$' > "$work/all-mutants"
room=$((N * 3 / 10))
nm=$(wc -l < "$work/all-mutants")
awk -v room="$room" -v n="$nm" 'room > 0 && int((NR - 1) * room / n) != int(NR * room / n)' "$work/all-mutants" > "$work/mutants"
seeded "$work/mutants"
# Full marks: the rest.
while [ $i -lt "$N" ]; do solutions; done

# ---- the batch -------------------------------------------------------------
ps -eo pid= | sort > "$work/pids.before"
ls build > "$work/build.before"
echo "scale-test: $i submissions in $subs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s)
LIMIT=$LIMIT $MAKE --no-print-directory grade-class SUBMISSIONS="$subs" \
	OUT="$work/gradebook.csv" REPORTS="$work/reports" > "$work/batch.out" 2>&1
rc=$?
t1=$(date +%s)
tail -n 3 "$work/batch.out"
echo "scale-test: grade-class exit $rc, wall time $((t1 - t0)) s for $i submissions ($(getconf _NPROCESSORS_ONLN) cores; load after: $(cut -d' ' -f1-3 /proc/loadavg))"

# ---- every grade as expected ---------------------------------------------
bad=0
awk -F'|' -v nlabs="$nlabs" -v book="$work/gradebook.csv" '
	NR == FNR { want[$1] = $2; order[++n] = $1; next }
	END {
		while ((getline line < book) > 0) {
			if (line ~ /^student,/) continue
			name = line; sub(/^"/, "", name); sub(/".*/, "", name)
			rest = line; sub(/^"[^"]*",/, "", rest)
			k = split(rest, f, ",")
			notes = rest; for (j = 0; j <= nlabs; j++) sub(/^[^,]*,/, "", notes)
			got[name] = 1
			w = split(want[name], e, " ")
			sum = 0
			for (j = 1; j <= nlabs; j++) {
				s = f[j] + 0; sum += s; tok = e[j]
				if (tok ~ /^=/) ok = (s == substr(tok, 2) + 0)
				else if (tok ~ /^</) ok = (s < substr(tok, 2) + 0)
				else { split(tok, p, ":"); gsub(/_/, " ", p[2]); ok = (s == 0 && index(notes, p[2]) > 0) }
				if (!ok) { printf "UNEXPECTED %s lab %d: %d, expected %s (notes: %s)\n", name, j, s, tok, notes; bad++ }
			}
			if (f[nlabs + 1] + 0 != sum) { printf "UNEXPECTED %s: total %s, labs sum to %d\n", name, f[nlabs + 1], sum; bad++ }
			kind = name; sub(/^s[0-9]*-/, "", kind); sub(/-.*/, "", kind); cnt[kind]++
		}
		for (j = 1; j <= n; j++) if (!(order[j] in got)) { printf "MISSING %s from the gradebook\n", order[j]; bad++ }
		printf "scale-test: submissions by kind:"
		for (k in cnt) printf " %s %d", k, cnt[k]
		printf "\n"
		exit bad > 0
	}' "$work/expect" /dev/null || bad=1
[ $bad -eq 0 ] && echo "scale-test: every grade as expected ($(wc -l < "$work/expect" | tr -d ' ') submissions, $nlabs labs each)"

# ---- the same gradebook one student at a time ------------------------------
if [ -n "${COMPARE:-}" ]; then
	t2=$(date +%s)
	LIMIT=$LIMIT JOBS=1 $MAKE --no-print-directory grade-class SUBMISSIONS="$subs" \
		OUT="$work/gradebook-jobs1.csv" REPORTS="$work/reports-jobs1" > "$work/batch1.out" 2>&1
	echo "scale-test: JOBS=1: exit $?, wall time $(($(date +%s) - t2)) s"
	for b in gradebook gradebook-jobs1; do   # (but for the date of grading)
		sed 's/,[0-9T:-]*Z,/,DATE,/' "$work/$b.csv" > "$work/$b.nodate"
	done
	if cmp -s "$work/gradebook.nodate" "$work/gradebook-jobs1.nodate"; then
		echo "scale-test: the gradebooks of JOBS=${JOBS:-default} and JOBS=1 agree"
	else
		echo "scale-test: the gradebooks of JOBS=${JOBS:-default} and JOBS=1 DIFFER:"
		diff "$work/gradebook.nodate" "$work/gradebook-jobs1.nodate" | head -n 20
		bad=1
	fi
fi

# ---- nothing left behind -----------------------------------------------------
sleep 1
left=0
# A process of ours, or of a grading uid (64000-64099) that no grading
# holds any more (tests/grade-all.sh: a grading at the same time holds
# its own).
ps -eo pid=,uid=,args= | while read -r pid uid args; do
	case $uid in 640[0-9][0-9]) [ -d "/tmp/socklabs-uid-$uid" ] || echo "$pid $uid $args" ;; esac
done > "$work/orphans"
ps -eo pid=,uid=,args= > "$work/ps.after"
awk -v w="$work" 'FILENAME ~ /pids.before$/ { before[$1] = 1; next }
	FILENAME ~ /orphans$/ { orphan[$1] = 1; next }
	!($1 in before) && !/awk/ && ($1 in orphan || index($0, w) ||
	    $0 ~ /\/build\/(s[0-9][0-9][0-9]-|labs-|socket-labs-)/) {
		print "LEFTOVER process: " $0; bad = 1 }
	END { exit bad }' "$work/pids.before" "$work/orphans" "$work/ps.after" || left=1
# The build dirs of our submissions (s001-...-HASH, labs-HASH,
# socket-labs-HASH): grade-class removes each once graded.
ls build > "$work/build.after"
for d in $(comm -13 "$work/build.before" "$work/build.after" | grep '^s[0-9][0-9][0-9]-\|^labs-[0-9]\|^socket-labs-[0-9]'); do
	echo "LEFTOVER build dir build/$d"; left=1
done
# grade-class's work dir (gc*: each student's temp dir, where the
# grading keeps its own), and socket files, made since the start where
# grade-class puts it: in TMPDIR as the instructor has it, or /dev/shm.
tmps="/tmp /dev/shm${TMPDIR:+ $TMPDIR}"
tmpleft=$(find $tmps -maxdepth 1 -newer "$work/start" \( -name 'gc*' -o -type s \) 2>/dev/null | head -n 5)
[ -n "$tmpleft" ] && { echo "LEFTOVER temp files: $tmpleft"; left=1; }
[ $left -eq 0 ] && echo "scale-test: nothing left behind (no process, no build dir, no temp dir or socket file in $tmps)"
[ -n "${KEEP:-}" ] && echo "scale-test: kept $work (gradebook.csv, reports/)"
[ $bad -eq 0 ] && [ $left -eq 0 ] && [ $rc -eq 0 ]
