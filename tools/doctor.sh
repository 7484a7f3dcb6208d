#!/bin/sh
# doctor.sh - `make doctor`: what this machine has that building and
# grading the labs depend on, and the fix for anything missing.
# Called with PROBE (the built tools/probe.c) set.
problems=0
ok()  { printf '  ok    %s\n' "$*"; }
bad() { printf '  MISSING %s\n' "$1"; printf '        fix: %s\n' "$2"; problems=$((problems + 1)); }
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
[ $problems -eq 0 ] && echo "Everything the grader needs is here." || { echo "$problems thing(s) missing: see the fixes above."; exit 1; }
