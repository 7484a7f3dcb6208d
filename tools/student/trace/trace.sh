#!/bin/sh
# trace.sh - `make trace`: run each lab's exchange with both programs
# recorded, and draw it.
#
# Called by the Makefile with, in the environment:
#   B          the tree's build dir (B/NN-name/server, B/NN-name/client)
#   EXCHANGE   tools/student/exchange.c built: starts the server, awaits
#              its ready line, runs the client, stops the server (no sleeps)
#   TRACE_LIB  the recorder (build/trace/socktrace.so)
#   DRAW       the drawer (build/trace/draw)
#   FORMAT     ascii (default) or mermaid
#   NORMALISE  1: no times, no pids, ports named (a drawing for a document)
#   RECORD     keep the record file there (with several labs: RECORD.NN)
# and the labs (NN-name) as arguments.  The exchange of each lab is its
# line in tools/student/exchanges: adding a lab is adding that line.
#
# Exit status: 0 if every exchange succeeded, 1 if one failed (its
# drawing shows how far it got), 2 if it could not run at all.
set -u
. tools/student/exchange-line.sh

[ $# -gt 0 ] || { echo "make trace: no lab matches LAB=${LAB:-}" >&2; exit 2; }
case "${FORMAT:-ascii}" in
ascii|mermaid) ;;
*) echo "make trace: FORMAT=$FORMAT: ascii or mermaid" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/trace.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
status=0

for lab in "$@"; do
	num=${lab%%-*}
	line=$(exchange_line "$num") || {
		echo "make trace: lab $num has no exchange in tools/student/exchanges" >&2
		status=1
		continue
	}
	exchange_args "$line"
	rec=$work/$num.rec

	if [ "${FORMAT:-ascii}" = ascii ]; then
		echo "== lab $lab: the socket calls of both programs =="
	fi
	traced_exchange "$lab" "$rec" "$work/transcript"
	ok=$?
	if [ -n "${RECORD:-}" ]; then
		if [ $# -gt 1 ]; then cp "$rec" "$RECORD.$num"; else cp "$rec" "$RECORD"; fi
	fi
	opt=
	[ "${NORMALISE:-}" = 1 ] && opt=-n
	"$DRAW" $opt -f "${FORMAT:-ascii}" -o server,client "$rec" || status=1

	if [ $ok -ne 0 ]; then
		status=1
		if [ "${FORMAT:-ascii}" = ascii ]; then
			echo
			echo "The exchange failed; what the programs said:"
			sed 's/^/  /' "$work/transcript"
		else
			echo "make trace: lab $num: the exchange failed (FORMAT=ascii shows why)" >&2
		fi
	fi
	[ "${FORMAT:-ascii}" = ascii ] && echo
done
exit $status
