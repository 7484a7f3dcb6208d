#!/bin/sh
# doctor.sh - `make doctor`: what this machine has that building and
# grading the labs depend on, and the fix for anything missing.
# Called with PROBE (the built tools/student/probe.c) set.
#
# doctor.sh --platform: what a native program built here needs of another
# machine (architecture, OS, C library); make handout writes it in the
# reference programs' README, which the check of them below quotes.
this_machine() {
	libc=$(getconf GNU_LIBC_VERSION 2>/dev/null) || libc=$(ldd --version 2>&1 | head -n 1)
	echo "$(uname -m) $(uname -s), ${libc:-an unknown C library}"
}
if [ "${1:-}" = --platform ]; then this_machine; exit 0; fi

problems=0
ok()  { printf '  ok    %s\n' "$*"; }
report() { printf '  %s %s\n' "$1" "$2"; printf '        fix: %s\n' "$3"; problems=$((problems + 1)); }
bad() { report MISSING "$@"; }      # WHAT FIX
fails() { report FAILS "$@"; }      # WHAT FIX
note() { printf '  note  %s\n' "$*"; }

echo "Socket Labs doctor"
if command -v "${CC:-cc}" >/dev/null 2>&1; then
	ok "C compiler: $(${CC:-cc} --version 2>/dev/null | head -n 1)"
else
	bad "a C compiler" "sudo apt-get install -y build-essential"
fi
ok "make: $(${MAKE:-make} --version 2>/dev/null | head -n 1)"
if command -v pkg-config >/dev/null 2>&1; then
	ok "pkg-config $(pkg-config --version)"
	if pkg-config --exists check; then
		ok "check $(pkg-config --modversion check) (the unit-test library of the grader)"
	else
		bad "the check library" "sudo apt-get install -y check (or: make check, which installs it when it can)"
	fi
else
	bad "pkg-config and the check library" "sudo apt-get install -y pkg-config check"
fi

tmp=${TMPDIR:-/tmp}
[ ${#tmp} -gt 40 ] && tmp=/tmp
# The grader's per-test dir is TMP/sl.XXXXXX/tNN: sun_path holds 107 bytes.
budget=$((107 - ${#tmp} - 15))
ok "temp dir $tmp: $budget bytes left for socket names under the grader's per-test dirs (sun_path holds 107)"

if [ -x "${PROBE:-}" ]; then
	"$PROBE" | while IFS= read -r line; do
		case $line in
		"ipv6 loopback ::1: no"*)
			note "$line"
			note "  lab 04 tests that need ::1 will SKIP here, and their points leave the total;"
			note "  to enable it: sysctl -w net.ipv6.conf.lo.disable_ipv6=0 (as root)";;
		"localhost resolves to:"*)
			case $line in
			*::1*) ok "$line" ;;
			*) ok "$line"
			   note "  localhost is IPv4 only here: the lab 04 client cannot reach a ::1-only server as 'localhost'" ;;
			esac ;;
		*": yes") ok "$line" ;;
		*) note "$line" ;;
		esac
	done
fi
for tool in valgrind strace socat ss; do
	if command -v $tool >/dev/null 2>&1; then
		ok "$tool (optional: the guide uses it)"
	else
		note "$tool not installed (optional: sudo apt-get install -y $tool)"
	fi
done

# The reference programs of the student handout (labs/NN-name/ref/, made
# by make handout): native programs, built on the instructor's machine,
# which run only on the same architecture and C library: server and
# client, and props where the lab has one (props.c).  Each must answer
# --help.  The course repository has none.
bounded() {     # COMMAND...: at most 10 s where timeout(1) exists
	if command -v timeout >/dev/null 2>&1; then timeout 10 "$@"; else "$@"; fi
}
# An ELF file's class, byte order and machine: which processors run it.
# (A program of another machine would be handed to sh by the exec of
# timeout(1) and the shell, and fail with a misleading syntax error.)
elf_machine() {     # FILE
	{ od -An -tx1 -j4 -N2 "$1"; od -An -tx1 -j18 -N2 "$1"; } 2>/dev/null | tr -d ' \n'
}
ref_programs() {    # LAB_DIR: its ref/server, ref/client (and ref/props)
	dir=$1 lab=$(basename "$1") failed= programs="server client"
	[ -f "$1/props.c" ] && programs="$programs props"
	built=$(sed -n 's/^built for: //p' "$dir/ref/README" 2>/dev/null)
	fix="built for ${built:-another machine}, this is $(this_machine): run it on the course's machine, or ask your instructor for a build for this one (your own programs are not affected)"
	for p in $programs; do
		f=$dir/ref/$p
		if [ ! -e "$f" ]; then
			bad "$f" "ask your instructor for the handout's labs/$lab/ref/ (its programs: $programs)"; failed=1
		elif [ ! -x "$f" ]; then
			fails "$f: not executable (unpacked without its modes?)" "chmod +x $f"; failed=1
		elif [ "$(elf_machine "$f")" != "$(elf_machine /bin/sh)" ]; then
			fails "$f is a program for another processor" "$fix"; failed=1
		elif ! bounded "$f" --help > /dev/null 2> "$tmp/doctor.$$"; then
			fails "$f does not run here: $(head -n 1 "$tmp/doctor.$$")" "$fix"; failed=1
		fi
	done
	rm -f "$tmp/doctor.$$"
	[ -z "$failed" ] && ok "reference programs of $lab run here ($dir/ref/)"
}
refs=0
for d in labs/[0-9][0-9]-*; do
	[ -d "$d/ref" ] || continue
	refs=$((refs + 1))
	ref_programs "$d"
done
[ $refs -eq 0 ] && note "reference programs (labs/NN-name/ref/): none here; they come with the student handout"

[ $problems -eq 0 ] && echo "Everything the grader needs is here." || { echo "$problems problem(s): see the fixes above."; exit 1; }
