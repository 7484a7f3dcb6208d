#!/bin/sh
# demo.sh - `make demo`: run each lab's client against its server and show
# what each side said.  Called with B (the build dir) and EXCHANGE (the
# exchange program) set, and the labs as arguments.  Exit 1 if any
# exchange failed.
set -u
status=0
for lab in "$@"; do
	num=${lab%%-*}
	line=$(grep "^$num |" tools/exchanges) || { echo "no exchange for lab $num" >&2; status=1; continue; }
	sargs=$(printf "%s\n" "$line" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//')
	cargs=$(printf "%s\n" "$line" | cut -d'|' -f3 | sed 's/^ *//; s/ *$//')
	input=$(printf "%s\n" "$line" | cut -d'|' -f4- | sed 's/^ //')
	echo "== lab $lab =="
	if "$EXCHANGE" "$B/$lab" "$sargs" "$cargs" "$input"; then
		echo "== lab $num: ok"
	else
		echo "== lab $num: FAILED"; status=1
	fi
	echo
done
exit $status
