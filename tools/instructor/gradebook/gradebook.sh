#!/bin/sh
# gradebook.sh - the files grade-class keeps beside its gradebook, merged
# and derived (INSTRUCTORS.md, "Grading a class"):
#   gradebook.sh header-ok OUT HEADER      OUT absent, or its header is HEADER
#   gradebook.sh roster-ok ROSTER          the roster is well formed
#   gradebook.sh merge NEW OLD [KEYS]      NEW's rows over OLD's, into OLD
#   gradebook.sh stats TESTS BASE NOTE     BASE-stats.csv and BASE-stats.html
#   gradebook.sh export ROSTER OUT BASE    BASE-canvas.csv and BASE-moodle.csv
# Every file is written beside its final name and renamed into place:
# an error or an interruption leaves the one before whole.
set -u
here=$(dirname "$0")
AWK="awk -f $here/csv.awk -f"

die() { echo "grade-class: $*" >&2; exit 2; }

# A gradebook with other columns (other labs, an older grade-class) is
# never merged into: its rows would land under the wrong headers.
header_ok() {   # OUT HEADER
	[ -e "$1" ] || return 0
	[ -f "$1" ] && [ -r "$1" ] || die "$1 is not a readable file"
	have=$(head -n 1 "$1" | tr -d '\r')
	[ "$have" = "$2" ] && return 0
	die "$1 has other columns than this grader writes, so it cannot be merged into:
  its header:  $have
  this grader: $2
  (grade into a new OUT=file, or move $1 away)"
}

# The student a row is for: its first field, as written (always quoted).
KEY='function key(l) { match(l, /^"([^"]|"")*"/); return substr(l, 1, RLENGTH) }'

# NEW's header, then OLD's rows for the students KEYS has no row for
# (default: NEW: a student regraded loses their old row), and NEW's rows,
# in name order.  OLD may be missing (the first grading).  Each step is
# checked: OLD is replaced only by a whole merge.
merge() {   # NEW OLD [KEYS]
	keys=${3:-$1} tmp=$2.tmp.$$
	for f in "$1" "$keys"; do
		[ -f "$f" ] && [ -n "$(head -n 1 "$f")" ] || die "merge: $f has no header: $2 left as it was"
	done
	if { tail -n +2 "$1" &&
	     if [ -f "$2" ]; then
		awk "$KEY"'NR == FNR { if (FNR > 1) has[key($0)] = 1; next }
		           FNR > 1 && !(key($0) in has)' "$keys" "$2"
	     fi; } > "$tmp.rows" &&
	   LC_ALL=C sort "$tmp.rows" > "$tmp.sorted" &&
	   { head -n 1 "$1" && cat "$tmp.sorted"; } > "$tmp" &&
	   mv -f "$tmp" "$2"; then
		rm -f "$tmp.rows" "$tmp.sorted"
	else
		rm -f "$tmp" "$tmp.rows" "$tmp.sorted"
		die "cannot write $2: left as it was"
	fi
}

stats() {   # TESTS BASE NOTE
	$AWK "$here/stats.awk" -v stats="$2-stats.csv.tmp" -v html="$2-stats.html.tmp" \
		-v note="$3" "$1" &&
		mv -f "$2-stats.csv.tmp" "$2-stats.csv" && mv -f "$2-stats.html.tmp" "$2-stats.html" ||
		{ rm -f "$2-stats.csv.tmp" "$2-stats.html.tmp"; die "no statistics written"; }
}

export_lms() {   # ROSTER OUT BASE
	$AWK "$here/export.awk" -v mode=export -v canvas="$3-canvas.csv.tmp" \
		-v moodle="$3-moodle.csv.tmp" "$1" "$2" &&
		mv -f "$3-canvas.csv.tmp" "$3-canvas.csv" && mv -f "$3-moodle.csv.tmp" "$3-moodle.csv" ||
		{ rm -f "$3-canvas.csv.tmp" "$3-moodle.csv.tmp"; die "no LMS exports written"; }
}

case ${1:-} in
header-ok) header_ok "$2" "$3" ;;
roster-ok)
	[ -f "$2" ] && [ -r "$2" ] || die "ROSTER=$2: no such file"
	$AWK "$here/export.awk" -v mode=check "$2" || exit 2 ;;
merge) merge "$2" "$3" "${4:-}" ;;
stats) stats "$2" "$3" "$4" ;;
export) export_lms "$2" "$3" "$4" ;;
*) echo "usage: gradebook.sh header-ok|roster-ok|merge|stats|export ..." >&2; exit 2 ;;
esac
