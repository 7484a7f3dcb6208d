#!/bin/sh
# overhead.sh - `make trace-overhead`: what recording costs a large
# transfer.  Sends SIZE bytes (default 1 GiB) through lab 01's client and
# server, ROUNDS times untraced and ROUNDS times traced, alternating, in
# one run, and prints the times and the number of records.
#
# Environment: B (the tree's build dir), TRACE_LIB, SIZE, ROUNDS.
set -u
size=${SIZE:-1073741824}
rounds=${ROUNDS:-3}
srv=$B/01-unix-stream/server
cli=$B/01-unix-stream/client
lib=$(cd "$(dirname "$TRACE_LIB")" && pwd)/$(basename "$TRACE_LIB")
[ -x "$srv" ] && [ -x "$cli" ] || { echo "overhead: build lab 01 first" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/overhead.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
head -c "$size" /dev/zero > "$work/input"
cat "$work/input" > /dev/null   # in the page cache for every round

now_ms() { date +%s%N | cut -c1-13; }

# one transfer; prints its milliseconds
transfer() {
	mkfifo "$work/err"
	if [ "$1" = traced ]; then
		: > "$work/rec"
		SOCKTRACE=$work/rec LD_PRELOAD=$lib "$srv" -n 1 "$work/s.sock" \
			> /dev/null 2> "$work/err" &
	else
		"$srv" -n 1 "$work/s.sock" > /dev/null 2> "$work/err" &
	fi
	pid=$!
	exec 3< "$work/err"
	read -r ready <&3       # "listening on ...": the server is ready
	t0=$(now_ms)
	if [ "$1" = traced ]; then
		SOCKTRACE=$work/rec LD_PRELOAD=$lib "$cli" "$work/s.sock" < "$work/input"
	else
		"$cli" "$work/s.sock" < "$work/input"
	fi || echo "overhead: the client failed" >&2
	t1=$(now_ms)
	cat <&3 > /dev/null
	wait $pid
	exec 3<&-
	rm -f "$work/err"
	echo $((t1 - t0))
}

echo "lab 01, $size bytes from client to server, $rounds rounds each:"
plain="" traced=""
for i in $(seq "$rounds"); do
	plain="$plain $(transfer plain)"
	traced="$traced $(transfer traced)"
done
records=$(wc -l < "$work/rec")
best() { printf '%s\n' $1 | sort -n | head -n 1; }
echo "  untraced: $plain ms  (best $(best "$plain") ms)"
echo "  traced:   $traced ms  (best $(best "$traced") ms), $records records"
p=$(best "$plain") t=$(best "$traced")
echo "  overhead of the best runs: $(( (t - p) * 100 / p ))%"
