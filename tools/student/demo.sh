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
for lab in "$@"; do
	num=${lab%%-*}
	line=$(exchange_line "$num") || { echo "no exchange for lab $num" >&2; status=1; continue; }
	exchange_args "$line"
	echo "== lab $lab =="
	if [ -z "${TRACE_LIB:-}" ] || [ -z "${DRAW:-}" ]; then
		"$EXCHANGE" "$B/$lab" "$sargs" "$cargs" "$input"
		ok=$?
	else
		rec=$work/$num.rec
		traced_exchange "$lab" "$rec" "$work/transcript"
		ok=$?
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
