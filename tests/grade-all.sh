#!/bin/sh
# grade-all.sh - build each lab of a tree on its own, run the labs'
# graders side by side, print each lab's results in order, then the
# totals.  Called by `make test` and `make list`, which set:
#   LABS (the tree, absolute), B (its build dir), G (the graders' dir),
#   COURSE (the course's root), COMMON_LIB, CC, CFLAGS, LDFLAGS, OBJ_CACHE
#   (objects compiled before, shared by every grading: tests/build-lab.sh),
#   PRELOAD_DIR, RUN_LIMITED, T (one test, optional), RESULTS (Gradescope
#   results.json, optional), SCORES (one line per lab for grade-class,
#   optional), VERDICTS (one line per test for grade-class's statistics,
#   optional; a lab that did not run: one line, test 00 "(lab)"), LOGS
#   (a dir for check's TAP and XML logs, optional),
#   ROBUST (1: the robustness suite's attacks instead of the graded
#   tests), GRADE_UID (as root: the student's uid; default one of a pool),
#   LAB_LIMIT (seconds: a lab's grader still running after them is killed,
#   and the lab scores 0, "did not finish"; grade-class sets it).
#
# Integrity: the graders are the course's own programs and never link or
# run student code; the lab's server and client are built from a copy of
# the submission's sources (tests/build-lab.sh) and are all the graders
# run of it.  Scores go from the graders to this script through files in
# its private temp dir, never through anything a program under test
# prints.  As root, the compiler and the programs run as an unprivileged
# uid of their own, which cannot read the course (made private) or write
# anything but its own build and temp dirs.
# A lab that does not build scores 0 with the compiler's messages, and the
# other labs are still graded.
set -u
list=no
if [ "${1:-}" = --list ]; then list=yes; shift; fi
[ $# -gt 0 ] || { echo "grade: no lab matches (LAB=${LAB:-})" >&2; exit 2; }
if [ -n "${T:-}" ] && [ $# -ne 1 ]; then
	echo "grade: T=$T needs one lab: add LAB=NN" >&2; exit 2
fi
if [ $list = yes ]; then
	for lab in "$@"; do "$G/$lab/grade" --list; done
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/grade-all.XXXXXX") || exit 2
# Where the graders and the programs keep their files: TMPDIR if set;
# else /dev/shm, a memory file system, when it has room to spare (the
# tests create and remove many small files), else /tmp.
scratch_root=${TMPDIR:-}
if [ -z "$scratch_root" ]; then
	scratch_root=/tmp
	if [ -d /dev/shm ] && [ -w /dev/shm ] &&
	   [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 1048576 ] 2>/dev/null; then
		scratch_root=/dev/shm
	fi
fi
uid= sandbox= lock=
cleanup() {
	if [ -n "$uid" ]; then   # every process the uid still has
		"$RUN_LIMITED" -u "$uid" -- sh -c 'kill -9 -1' 2>/dev/null
		rm -rf /tmp/sl-uid$uid.* /dev/shm/sl-uid$uid.* "$scratch_root"/sl-uid$uid.*
	fi
	[ -n "$sandbox" ] && rm -rf "$sandbox"
	[ -n "$lock" ] && rm -rf "$lock"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)

# ---- as root: a uid of its own for the submission --------------------------
# GRADE_UID, or the first of 64000-64099 that no account has and no other
# grading holds (a lock dir in /tmp, whatever TMPDIR says, with its
# holder's pid; a dead holder's is taken over).
take_uid() {
	u=64000
	while [ $u -lt 64100 ]; do
		l=/tmp/socklabs-uid-$u
		if [ -z "$(getent passwd $u)" ]; then
			if mkdir "$l" 2>/dev/null; then
				echo $$ > "$l/pid"; lock=$l; uid=$u; return 0
			fi
			holder=$(cat "$l/pid" 2>/dev/null)
			if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
				rm -rf "$l"; continue
			fi
		fi
		u=$((u + 1))
	done
	echo "grade: no free uid in 64000-64099 to run the student's code as" >&2
	exit 2
}
if [ "$(id -u)" = 0 ]; then
	if [ -n "${GRADE_UID:-}" ]; then uid=$GRADE_UID; else take_uid; fi
	# What a grading killed before its cleanup left with this uid.
	"$RUN_LIMITED" -u "$uid" -- sh -c 'kill -9 -1' 2>/dev/null
	rm -rf /tmp/sl-uid$uid.* /dev/shm/sl-uid$uid.* "$scratch_root"/sl-uid$uid.*
	# The uid must not read the course (its solutions, its build).
	if [ -n "$(find "$COURSE" -maxdepth 0 -perm /077)" ]; then
		chmod go-rwx "$COURSE" &&
			echo "grade: as root: made $COURSE private (chmod go-rwx): the student's code runs as uid $uid"
	fi
	# The sandbox: in the scratch root if its path is short (sun_path
	# holds 107 bytes) and the uid may pass through it, else in /tmp.
	tmp=$scratch_root
	if [ ${#tmp} -gt 24 ] || ! "$RUN_LIMITED" -u "$uid" -- test -x "$tmp" 2>/dev/null; then
		tmp=/tmp
	fi
	sandbox=$(mktemp -d "$tmp/sl-uid$uid.XXXXXX") || exit 2
	chmod 711 "$sandbox" && mkdir "$sandbox/lib" && chmod 755 "$sandbox/lib" || exit 2
	cp "$PRELOAD_DIR"/*.so "$sandbox/lib/" 2>/dev/null
	cp tests/build-lab.sh "$sandbox/lib/"
	chmod -R a+rX "$sandbox/lib"
fi

# A lab that scores 0 without running: its line in the tally and, with
# RESULTS, one Gradescope test carrying the reason, escaped (the compiler
# quotes the student's source).
zero() {    # NUM TITLE REASON_FILE WHAT
	echo "$1 $2 0 ${ROBUST:+1}${ROBUST:-100} 0 1 0 0 $4 0 0" > "$work/$1.tally"
	# (over what a grader that stopped had written)
	echo "$1 00 (lab) 0 100 $4" > "$work/$1.verdicts"
	if [ -n "${RESULTS:-}" ]; then
		msg=$(tail -n 30 "$3" | LC_ALL=C tr -c '\n -~' '?' |
			sed 's/\\/\\\\/g; s/"/\\"/g' | awk '{printf "%s\\n", $0}')
		printf '{"name": "lab %s %s", "number": "%s.00", "score": 0, "max_score": 100, "status": "failed", "tags": ["lab%s"], "visibility": "visible", "output": "%s"}\n' \
			"$1" "$4" "$1" "$1" "$msg" > "$work/$1.json"
	fi
}

# ---- 1. build each lab from a copy of its sources --------------------------
# As root, the copy is compiled as the uid in the sandbox, then kept (root's)
# in the tree's build dir, so that an unchanged lab is not compiled again.
build() {   # LAB: its programs in $bin/LAB, or non-zero
	keep=$B/$1/grading
	COURSE=$COURSE COMMON_LIB=$COMMON_LIB DIAGNOSE_LIB=$G/$1/diagnose.a \
		sh tests/build-lab.sh copy "$LABS/$1" "$keep" || return 1
	if [ -z "$uid" ]; then
		sh tests/build-lab.sh compile "$keep"
		return
	fi
	mains="server client"
	[ -f "$keep/mains" ] && read -r mains < "$keep/mains"
	missing=
	for p in $mains; do [ -f "$keep/$p" ] || missing=yes; done
	if [ -n "$missing" ] ||
	   ! { IFS= read -r built_with < "$keep/flags"; } 2>/dev/null ||
	   [ "$built_with" != "${CC:-cc} $CFLAGS | $LDFLAGS" ] ||
	   [ -n "$(find "$keep/src" "$keep/libcommon.a" "$keep/diagnose.a" -newer "$keep/server" 2>/dev/null | head -n 1)" ]; then
		scratch=$sandbox/build-$1
		rm -rf "$scratch"
		[ -n "${OBJ_CACHE:-}" ] && sh tests/build-lab.sh fetch "$keep"
		cp -Rp "$keep" "$scratch" && chown -R "$uid:$uid" "$scratch" || return 1
		OBJ_CACHE= CC=$CC CFLAGS=$CFLAGS LDFLAGS=$LDFLAGS "$RUN_LIMITED" -t 300 -u "$uid" -d "$scratch" -- \
			sh "$sandbox/lib/build-lab.sh" compile "$scratch" || return 1
		rm -rf "$keep/obj" "$keep/diagnose"
		(k=$(cd "$keep" && pwd) && cd "$scratch" && cp -Rp obj flags $mains "$k/") || return 1
		[ -f "$scratch/diagnose" ] && cp -p "$scratch/diagnose" "$keep/"
		chown -R 0:0 "$keep"
		rm -rf "$scratch"
		[ -n "${OBJ_CACHE:-}" ] && sh tests/build-lab.sh store "$keep"
	fi
	mkdir -p "$sandbox/$1" && (s=$sandbox/$1 && cd "$keep" && cp -p $mains "$s/") &&
		chmod 755 "$sandbox/$1" && (cd "$sandbox/$1" && chmod 755 $mains) || return 1
	if [ -f "$keep/diagnose" ]; then
		cp -p "$keep/diagnose" "$sandbox/$1/" && chmod 755 "$sandbox/$1/diagnose"
	fi
	return 0
}

# The hints' diagnosis (tests/diagnose/diagnose.h): the lab's functions
# called one at a time, in a program apart from the grader, within limits
# and, as root, as the uid.  It runs to its end before any grader starts
# (run-limited kills whatever it started): student code running beside
# the tests would escape the exec guard, and could serve the programs
# under test.  Its verdicts ($work/NUM.diag) only choose which TODO a
# failure names.
diagnose() {   # LAB
	num=${1%%-*}
	if [ -n "$uid" ]; then prog=$sandbox/$1/diagnose; else prog=$B/$1/grading/diagnose; fi
	[ -x "$prog" ] || return 0
	dir=${sandbox:-$work}/diagnose-$num
	mkdir -p "$dir" && { [ -z "$uid" ] || chown "$uid:$uid" "$dir"; } || return 0
	TMPDIR=$dir "$RUN_LIMITED" -t 30 -o "$work/$num.diag" -c 65536 \
		${uid:+-u "$uid"} -d "$dir" -- "$prog" > /dev/null 2>&1
	rm -rf "$dir"
}
# The labs are built side by side, each in its own directories.
for lab in "$@"; do
	num=${lab%%-*}
	[ -d "$LABS/$lab" ] || continue
	{
		build "$lab" > "$work/$num.build" 2>&1
		echo $? > "$work/$num.built"
		read -r built < "$work/$num.built" && [ "$built" = 0 ] && diagnose "$lab"
	} &
done
wait
for lab in "$@"; do
	num=${lab%%-*} title=${lab#*-}
	if [ ! -d "$LABS/$lab" ]; then
		echo "FAIL  $lab is missing from $LABS" > "$work/$num.out"
		zero "$num" "$title" "$work/$num.out" "missing"
	elif ! read -r built < "$work/$num.built" || [ "$built" != 0 ]; then
		{
			echo "FAIL  lab $num ($title) does not build: 0/100. The compiler said:"
			tail -n 30 "$work/$num.build" | LC_ALL=C tr -c '\n -~' '?' | sed 's/^/      /'
			echo "lab $num ($title): 0/100  (did not build)"
		} > "$work/$num.out"
		zero "$num" "$title" "$work/$num.build" "did-not-build"
	fi
done

if [ -n "${LOGS:-}" ]; then mkdir -p "$LOGS" || exit 2; fi

# ---- 2. grade: the labs' graders side by side ------------------------------
# (their tests are mostly waiting on sockets); each lab's lines are shown
# once it is done.
for lab in "$@"; do
	num=${lab%%-*}
	[ -f "$work/$num.out" ] && continue
	diag=$work/$num.diag
	[ -s "$diag" ] || diag=
	if [ -n "$uid" ]; then
		bin=$sandbox/$lab preload=$sandbox/lib
	else
		bin=$B/$lab/grading preload=$PRELOAD_DIR
	fi
	TMPDIR=${sandbox:-$scratch_root} ${LAB_LIMIT:+"$RUN_LIMITED" -t "$LAB_LIMIT" --} \
		"$G/$lab/grade" --bin "$bin" --preload "$preload" \
		${uid:+--uid "$uid"} ${SAN:+--sanitized} --tally "$work/$num.tally" \
		${ROBUST:+--robust} ${T:+--only "$T"} ${RESULTS:+--json "$work/$num.json"} \
		${VERDICTS:+--verdicts "$work/$num.verdicts"} \
		${diag:+--diagnosis "$diag"} \
		${LOGS:+--tap "$LOGS/$lab.tap" --xml "$LOGS/$lab.xml"} \
		> "$work/$num.out" 2>&1 &
	echo $! > "$work/$num.pid"
done
status=0
for lab in "$@"; do
	num=${lab%%-*}
	if [ -f "$work/$num.pid" ]; then
		read -r pid < "$work/$num.pid"
		wait "$pid"
		rc=$?
		if [ $rc -eq 2 ]; then   # an unknown test name, a bad option
			cat "$work/$num.out" >&2; exit 2
		fi
		# Fail closed: a grader that stopped before its tally scores 0.
		if [ ! -s "$work/$num.tally" ] && [ $rc -eq 124 ] && [ -n "${LAB_LIMIT:-}" ]; then
			echo "FAIL  lab $num: did not finish within $LAB_LIMIT s: killed: 0/100" >> "$work/$num.out"
			zero "$num" "${lab#*-}" "$work/$num.out" "did-not-finish"
		elif [ ! -s "$work/$num.tally" ]; then
			echo "FAIL  lab $num: its grader stopped before the end (status $rc): 0/100" >> "$work/$num.out"
			zero "$num" "${lab#*-}" "$work/$num.out" "grader-stopped"
		fi
	fi
	cat "$work/$num.out"
done

cat "$work"/*.tally > "$work/tally" 2>/dev/null
[ -n "${SCORES:-}" ] && cp "$work/tally" "$SCORES"
[ -n "${VERDICTS:-}" ] && cat "$work"/*.verdicts > "$VERDICTS" 2>/dev/null
# Exit 0 only at full marks; with T=NAME, only if that test passed (a
# skip is not a pass: a GitHub Classroom step must not earn its points).
awk -v robust="${ROBUST:-}" -v one="${T:-}" '{ s += $3; m += $4; p += $5; f += $6; k += $7; kp += $8 }
     END {
	printf "%s: %d/%d", robust ? "attacks survived" : "score", s, m
	if (k) printf "  (%d skipped, %d points out of the total)", k, kp
	printf "\n%d passed, %d failed", p, f
	if (k) printf ", %d skipped", k
	printf "\n"
	exit !(f == 0 && s == m && (one == "" || p > 0))
     }' "$work/tally" || status=1

if [ -n "${RESULTS:-}" ]; then
	{
		# A skipped test's points leave its lab's total: the score is
		# scaled so that the tests that ran carry the lab's points.
		awk '{ s += $4 > 0 ? $3 * ($4 + $8) / $4 : 0
		       o = o sprintf("lab %s (%s): %d/%d%s\\n", $1, $2, $3, $4, $7 ? " (" $7 " skipped)" : "") }
		     END { printf "{\"score\": %.2f, \"output\": \"%s\", \"visibility\": \"visible\", \"stdout_visibility\": \"visible\", \"tests\": [\n", s, o }' "$work/tally"
		cat "$work"/*.json 2>/dev/null | sed '$!s/$/,/'
		echo ']}'
	} > "$RESULTS"
fi
exit $status
