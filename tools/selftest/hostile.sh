#!/bin/sh
# hostile.sh - grade deliberately hostile copies of the solutions and of
# the starter code (tools/selftest/hostile.txt says how each is made and what it
# must score) and prove the grader contains them: each scores what its
# honest part earns, grading finishes, the course tree is unchanged, and
# no process, temp dir or socket file is left behind.  `make check` runs
# it through `make test`.  Cases marked root are checked only as root:
# without root the grader promises containment only (INSTRUCTORS.md).
#
# hostile.sh --platforms (as root; `make hostile-platforms`, run by CI):
# the cases that grade whole trees go through `make grade-class` (one
# student each) and through the Gradescope autograder in a simulated
# /autograder instead, and must score there what they must score.
set -u
MAKE=${MAKE:-make}
platforms=no
if [ "${1:-}" = --platforms ]; then
	platforms=yes
	[ "$(id -u)" = 0 ] || { echo "hostile.sh --platforms: needs root (grade-class and Gradescope grade as root)" >&2; exit 2; }
fi
course=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX")
tree=$work/hostile
# The tree's build products go under build/, in a dir of its own: gone
# with the tree.
built=$($MAKE --no-print-directory -s print-build-dir LABS="$tree")
trap 'rm -rf "$work" "$built"' EXIT INT TERM
marker=$work/start
: > "$marker"
# The graders' temp roots go here, where nothing else runs.
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp
# The handout's reference programs (make handout), where a submission
# may name them (REF in hostile.txt): one that runs them must still
# score only what its own code earns.  As root the student's uid must be
# able to run them, so that only the grader's exec guard stands in the way.
sh tools/instructor/handout.sh --ref "$work/ref" > "$work/ref.log" 2>&1 &&
	chmod 711 "$work" && chmod 755 "$work/ref" ||
	{ cat "$work/ref.log"; echo "hostile.sh: cannot make the reference programs" >&2; exit 1; }
root=no; [ "$(id -u)" = 0 ] && root=yes
bad=0 cases=0 skipped=0

# Processes still running from the hostile tree's build (its own build
# dir: another hostile.sh may be running on this machine, whose processes
# are not ours to report or kill), or (as root) from a grading's sandbox:
# ours are under our TMPDIR when its path is short enough for
# grade-all.sh to put them there, else anywhere in /tmp.
leftovers() {
	where=/sl-uid; [ ${#TMPDIR} -le 24 ] && where=$TMPDIR/sl-uid
	ps -eo pid=,args= | awk -v t="$built/" 'index($0, t) && !/awk/ { print }'
	ps -eo pid=,args= | awk -v w="$where" 'index($0, w) && !/awk/ { print }'
}
problem() {     # WHAT...
	echo "$*"; bad=$((bad + 1))
}
field() {       # LINE N: the Nth " :: "-separated field
	printf '%s\n' "$1" | awk -F ' :: ' -v n="$2" '{print $n}'
}

# What the untouched starter code scores, lab by lab.
$MAKE --no-print-directory -s test LABS=labs SCORES="$work/starter.scores" > /dev/null 2>&1

# Make the case's tree: BASE's copy, with FILE edited or added.
make_tree() {   # BASE LAB FILE EDIT
	base=$1 lab=$2 file=$3 edit=$4
	rm -rf "$tree" && mkdir -p "$tree" || return 1
	for d in "$base"/[0-9][0-9]-*; do cp -Rp "$d" "$tree/"; done
	dir=$(cd "$tree" && ls -d "$lab"-* | head -n 1)
	case $file in
	+*) name=$(printf '%s' "${file#+}" | sed 's/%20/ /g')
	    case $edit in
	    @*) sed "s|COURSE|$course|g; s|OTHER|${other:-$course/labs}/$dir/server.c|g; s|AUTOGRADER|$autograder|g; s|REF|$work/ref/$dir/ref|g" \
	            "tools/selftest/hostile/${edit#@}" > "$tree/$dir/$name" ;;
	    *)  printf '%b\n' "$edit" > "$tree/$dir/$name" ;;
	    esac ;;
	*)  sed "$(printf '%s' "$edit" | sed "s|COURSE|$course|g; s|REF|$work/ref/$dir/ref|g")" "$base/$dir/$file" > "$tree/$dir/$file"
	    if cmp -s "$base/$dir/$file" "$tree/$dir/$file"; then
		    echo "the edit no longer applies to $base/$dir/$file"; return 1
	    fi ;;
	esac
}

# Does lab NUM's score in SCORES meet WANT (=N, =starter, <N)?
score_ok() {    # SCORES NUM WANT
	got=$(awk -v n="$2" '$1 == n { print $3 }' "$1" 2>/dev/null)
	case $3 in
	=starter) want=$(awk -v n="$2" '$1 == n { print $3 }' "$work/starter.scores" 2>/dev/null)
	          [ -n "$got" ] && [ "$got" = "$want" ] ;;
	=*)       [ -n "$got" ] && [ "$got" -eq "${3#=}" ] ;;
	\<*)      [ -n "$got" ] && [ "$got" -lt "${3#<}" ] ;;
	esac
}

# What a student's program writes reaches a person only escaped: FILE
# holds no control byte but newline and tab, and nothing outside ASCII.
raw_bytes() {      # FILE WHAT
	LC_ALL=C grep -q '[^[:print:]	]' "$1" 2>/dev/null &&
		problem "RAW    $lab $what: $2 holds raw bytes: $(LC_ALL=C grep -n '[^[:print:]	]' "$1" | head -n 1 | cut -c1-80 | od -c | head -n 2 | tr -s ' ')"
}

# Does each lab of EXPECT score in SCORES what it must?  WHERE names the
# way it was graded.
check_scores() {   # SCORES WHERE
	for want in $expect; do
		case $want in [0-9][0-9][=\<]*) ;; *) continue ;; esac
		num=$(echo "$want" | cut -c1-2)
		score_ok "$1" "$num" "${want#??}" ||
			problem "ESCAPED $lab $what ($2): lab $num scored $(awk -v n="$num" '$1 == n { print $3 }' "$1" 2>/dev/null), expected ${want#??}"
	done
}

# ---- --platforms: Gradescope's /autograder, simulated, and a class ----------
autograder=/autograder other=
if [ $platforms = yes ]; then
	# (another student's submission: the class's first, graded beside)
	autograder=$work/ag class=$work/class other=$work/class/case1
	# The class is gathered apart, then handed over open to all (755):
	# grade-class must make it private itself.
	mkdir -p "$class" "$work/staging" "$autograder/source" && chmod 711 "$work" &&
		chmod 700 "$work/staging" && chmod 755 "$class" || exit 1
	$MAKE --no-print-directory -s gradescope-zip ZIP="$work/ag.zip" > /dev/null &&
		unzip -q "$work/ag.zip" -d "$autograder/source" &&
		(cd "$autograder/source" && $MAKE --no-print-directory -s grade-class-prep > /dev/null) ||
		{ echo "hostile.sh: cannot make the simulated /autograder" >&2; exit 1; }
	: > "$work/class.cases"
	: > "$work/ag.start"
fi

# Grade the tree through Gradescope's run_autograder; its results.json,
# summed lab by lab, into SCORES.
gradescope() {     # SCORES
	rm -rf "$autograder/submission" "$autograder/results"
	cp -Rp "$tree" "$autograder/submission"
	AUTOGRADER_ROOT=$autograder sh "$autograder/source/run_autograder" > "$work/ag.out" 2>&1
	grep -o '"number": "[0-9][0-9]\.[0-9]*", "score": [0-9]*' "$autograder/results/results.json" 2>/dev/null |
		awk -F'"' '{ split($4, n, "."); v = $7; gsub(/[^0-9]/, "", v); s[n[1]] += v }
		           END { for (l in s) print l, "x", s[l] }' > "$1"
	changed=$(find "$autograder/source" -path "$autograder/source/build" -prune -o -newer "$work/ag.start" -print)
	[ -n "$changed" ] && problem "WROTE  $lab $what: the autograder's source changed: $changed"
}

while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	head=$(field "$line" 1) edit=$(field "$line" 2) expect=$(field "$line" 3) what=$(field "$line" 4)
	set -- $head    # BASE [root] LAB/FILE
	base=$1; shift
	only_root=no; [ "$1" = root ] && { only_root=yes; shift; }
	lab=${1%%/*} file=${1#*/}
	labs_wanted=$(printf '%s\n' $expect | sed -n 's/^\([0-9][0-9]\)[=<].*/\1/p')
	tests_wanted=$(printf '%s\n' $expect | sed -n 's/^-//p')
	# --platforms: the cases that grade whole trees only.
	[ $platforms = yes ] && [ -z "$labs_wanted" ] && continue
	cases=$((cases + 1))
	if [ $only_root = yes ] && [ $root = no ]; then
		skipped=$((skipped + 1)); continue
	fi
	[ "$base" = starter ] && base=labs
	make_tree "$base" "$lab" "$file" "$edit" > "$work/why" 2>&1 ||
		{ problem "STALE  $lab $what: $(cat "$work/why")"; continue; }
	if [ $platforms = yes ]; then
		gradescope "$work/scores"
		check_scores "$work/scores" "Gradescope"
		cp -Rp "$tree" "$work/staging/case$cases"
		printf '%s\n' "case$cases $lab :: $expect :: $what" >> "$work/class.cases"
		tests_wanted= labs_wanted=
	fi
	for t in $tests_wanted; do
		# A test that must fail: shorter limits, same verdict.
		out=$(CK_TIMEOUT_MULTIPLIER=0.4 $MAKE --no-print-directory -s test LABS="$tree" LAB="$lab" T="$t" NO_COLOR=1 2>&1)
		printf '%s\n' "$out" | grep -q "^FAIL  $t " ||
			{ problem "ESCAPED $lab $what: $t did not fail"; printf '%s\n' "$out" | tail -n 5 | sed 's/^/    /'; }
	done
	if [ -n "$labs_wanted" ]; then
		sel=; [ "$(echo "$labs_wanted" | wc -l)" -eq 1 ] && sel="LAB=$labs_wanted"
		rm -f "$work/scores"
		$MAKE --no-print-directory -s test LABS="$tree" $sel NO_COLOR=1 SCORES="$work/scores" > "$work/out" 2>&1
		check_scores "$work/scores" "make test"
		raw_bytes "$work/out" "make test's output"
	fi
	left=$(leftovers)
	if [ -n "$left" ]; then
		problem "LEFTOVER $lab $what: processes still running:"
		echo "$left" | sed 's/^/    /'
		echo "$left" | awk '{print $1}' | xargs kill -9 2>/dev/null
	fi
	changed=$(find . -path ./build -prune -o -path ./.git -prune -o -newer "$marker" -print | grep -v '^\.$')
	[ -n "$changed" ] && problem "WROTE  $lab $what: the course tree changed: $changed"
done < tools/selftest/hostile.txt

# --platforms: the whole class at once through make grade-class; each
# student's scores from the gradebook.
if [ $platforms = yes ]; then
	mv "$work"/staging/* "$class/"
	$MAKE --no-print-directory -s grade-class SUBMISSIONS="$class" OUT="$work/class.csv" > "$work/gc.out" 2>&1
	while IFS= read -r line; do
		student=${line%% *} lab=$(echo "$line" | cut -d' ' -f2)
		expect=$(field "$line" 2) what=$(field "$line" 3)
		awk -F, -v s="\"$student\"" 'NR == 1 { for (k = 2; k <= NF; k++) num[k] = substr($k, 1, 2) }
			$1 == s { for (k = 2; num[k] ~ /^[0-9][0-9]$/; k++) print num[k], "x", $k }' \
			"$work/class.csv" > "$work/scores" 2>/dev/null
		check_scores "$work/scores" "grade-class"
		raw_bytes "$work/class-reports/$student.txt" "grade-class's report"
	done < "$work/class.cases"
	left=$(leftovers)
	[ -n "$left" ] && problem "LEFTOVER after grade-class: $left"
	# GitHub Classroom runs one test per step (make test T=NAME) and
	# awards its points when the step exits 0: a test skipped for want
	# of ::1 (a network namespace with IPv6 off) must not exit 0.
	t=default_is_ipv6_loopback lab=04 what="a test skipped (no ::1) in a Classroom step"
	cases=$((cases + 1))
	if ! $MAKE --no-print-directory -s list LAB=04 | grep -q " $t "; then
		problem "STALE  $lab $what: lab 04 has no test $t"
	elif command -v unshare > /dev/null && command -v ip > /dev/null; then
		unshare -n sh -c "ip link set lo up && sysctl -qw net.ipv6.conf.lo.disable_ipv6=1 &&
			$MAKE --no-print-directory -s test LABS=solutions LAB=04 T=$t NO_COLOR=1" > "$work/skip.out" 2>&1
		rc=$?
		grep -q '1 skipped' "$work/skip.out" || problem "STALE  $lab $what: $t was not skipped without ::1"
		[ $rc -ne 0 ] || problem "ESCAPED $lab $what: make test T=$t exited 0"
	else
		skipped=$((skipped + 1))
	fi
	changed=$(find . -path ./build -prune -o -path ./.git -prune -o -newer "$marker" -print | grep -v '^\.$')
	[ -n "$changed" ] && problem "WROTE  grade-class: the course tree changed: $changed"
fi

dirs=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 2>/dev/null)
socks=$(find "$TMPDIR" -type s 2>/dev/null)
[ -n "$dirs" ] && problem "LEFTOVER temp dirs: $dirs"
[ -n "$socks" ] && problem "LEFTOVER socket files: $socks"
note=; [ $skipped -gt 0 ] && note=", not checked without root: $skipped"
echo "hostile trees: $cases, contained: $((cases - skipped - bad < 0 ? 0 : cases - skipped - bad)), problems: $bad$note"
[ $bad -eq 0 ]
