#!/bin/sh
# trace-mutants.sh - `make trace-mutants`: build recorders with seeded bugs and
# check that the self-test fails on every one of them.  A test suite that
# passes whatever the recorder does proves nothing.
#
# Environment (set by the Makefile): CC, TRACE_B (build/trace), TRACE_TEST
# (the self-test binary), DRAW_BIN.  Exit 1 if a mutant survives.
set -u
dir=$TRACE_B/mutants
mkdir -p "$dir"
survived=0
n=0

# NAME|what the bug is|sed expression applied to record.c
while IFS='|' read -r name what expr; do
	case "$name" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	src=$dir/$name.c
	sed "$expr" tools/student/trace/record.c > "$src"
	if cmp -s tools/student/trace/record.c "$src"; then
		echo "mutant $name: the edit no longer applies (update trace-mutants.sh)"
		survived=1
		continue
	fi
	if ! $CC -std=c11 -D_GNU_SOURCE -Itests -O2 -fPIC -shared \
	     -o "$dir/$name.so" "$src" -ldl -pthread 2> "$dir/$name.log"; then
		echo "mutant $name: does not compile (see $dir/$name.log)"
		survived=1
		continue
	fi
	SOCKTRACE_LIB=$dir/$name.so DRAW_BIN=$DRAW_BIN "$TRACE_TEST" \
		> "$dir/$name.out" 2>&1
	if [ $? -eq 0 ]; then
		echo "SURVIVED  $name: $what"
		survived=1
	else
		failed=$(grep -o ':[FE]:[a-z_0-9]*' "$dir/$name.out" | cut -d: -f3 \
		         | sort -u | tr '\n' ' ')
		echo "caught    $name: $what"
		echo "          failing: $failed"
	fi
done <<'MUTANTS'
af-name|AF_INET6 written as AF_INET|s/N(AF_INET), N(AF_INET6)/N(AF_INET), { AF_INET6, "AF_INET" }/
errno|socket() leaves errno 0 instead of what the real call left|s/^\tr.fd = IP_NEXT(socket)(domain, type, protocol);$/&\n\terrno = 0;/
no-append|the record file opened without O_APPEND|s/O_WRONLY | O_APPEND | O_CREAT/O_WRONLY | O_CREAT/
shut-name|SHUT_WR written as SHUT_RD|s/N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR)/N(SHUT_RD), { SHUT_WR, "SHUT_RD" }, N(SHUT_RDWR)/
no-begin|a call that waits is recorded only when it returns|/^static void rec_begin/,/^}/s/^\trec_write(r);$/\t(void)0;/
non-socket|reads and writes on pipes and files recorded too|s/if (!tracing() || ip_sock_type(fd) <= 0)/if (!tracing())/
MUTANTS
echo "$n mutants, $([ $survived -eq 0 ] && echo "all caught" || echo "NOT all caught")"
exit $survived
