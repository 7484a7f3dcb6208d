#!/bin/sh
# demo.sh - `make demo`: run each lab's client against its server and show
# what each side said and, where the socket recorder can run, what crossed
# the sockets: the drawing of `make trace`, normalised (no
# times, ports named PORT1...).  Called with B (the
# build dir) and EXCHANGE (the exchange program) set, and the labs as
# arguments; TRACE_LIB (the recorder) and DRAW (the drawer) are set unless
# the build is SANITIZE=1, which the recorder cannot be loaded into: then
# only what each side said is shown.  Exit 1 if any exchange failed.
set -u
. tools/student/exchange-line.sh
status=0
work=$(mktemp -d "${TMPDIR:-/tmp}/demo.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
lib=
if [ -n "${TRACE_LIB:-}" ] && [ -n "${DRAW:-}" ]; then
	lib=$(cd "$(dirname "$TRACE_LIB")" && pwd)/$(basename "$TRACE_LIB")
fi
for lab in "$@"; do
	num=${lab%%-*}
	line=$(exchange_line "$num") || { echo "no exchange for lab $num" >&2; status=1; continue; }
	sargs=$(printf "%s\n" "$line" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//')
	cargs=$(printf "%s\n" "$line" | cut -d'|' -f3 | sed 's/^ *//; s/ *$//')
	input=$(printf "%s\n" "$line" | cut -d'|' -f4- | sed 's/^ //')
	echo "== lab $lab =="
	if [ -z "$lib" ]; then
		"$EXCHANGE" "$B/$lab" "$sargs" "$cargs" "$input"
		ok=$?
	else
		rec=$work/$num.rec
		: > "$rec"
		SOCKTRACE=$rec "$EXCHANGE" --preload "$lib" "$B/$lab" "$sargs" \
			"$cargs" "$input" > "$work/transcript" 2>&1
		ok=$?
		# The exchange's temp dir reads as /tmp, as in the handouts.
		tmp=$(grep -o '/tmp/exchange\.[A-Za-z0-9]*' "$work/transcript" | head -n 1)
		if [ -n "$tmp" ]; then
			sed -i "s|$tmp|/tmp|g" "$work/transcript" "$rec"
		fi
		cat "$work/transcript"
		echo "  what crossed the sockets (make trace LAB=$num: with times):"
		"$DRAW" -n -w 100 -o server,client "$rec" | sed 's/^./  &/'
	fi
	if [ $ok -eq 0 ]; then
		echo "== lab $num: ok"
	else
		echo "== lab $num: FAILED"; status=1
	fi
	echo
done
exit $status
