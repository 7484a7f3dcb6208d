# exchange-line.sh - sourced by demo.sh and trace.sh (B and EXCHANGE set).
#
# exchange_line NN prints lab NN's line of tools/student/exchanges.  An exchange
# over ::1 cannot run where ::1 is unusable (IPv6 off, as in many
# containers): there the lab's "NN no-ipv6 |" line is used instead, and
# stderr says so.  STRICT=1 (the guide's diagrams): never the other line.
exchange_line() {   # NN
	line=$(grep "^$1 |" tools/student/exchanges) || return 1
	case $line in
	*'::1'*)
		if [ "${STRICT:-}" != 1 ] && ! "$EXCHANGE" --has-ipv6-loopback; then
			other=$(grep "^$1 no-ipv6 |" tools/student/exchanges) && {
				echo "(no usable ::1 on this machine: the server listens on" \
					"::ffff:127.0.0.1, an IPv6 socket that takes IPv4 clients)" >&2
				line=$other
			}
		fi
		;;
	esac
	printf '%s\n' "$line"
}

# exchange_args LINE: of an exchange's LINE, the server's arguments, the
# client's and the client's stdin, into sargs, cargs and input.
exchange_args() {
	sargs=$(printf '%s\n' "$1" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//')
	cargs=$(printf '%s\n' "$1" | cut -d'|' -f3 | sed 's/^ *//; s/ *$//')
	input=$(printf '%s\n' "$1" | cut -d'|' -f4- | sed 's/^ //')
}

# traced_exchange LAB REC OUT: the exchange exchange_args read, run with
# lab LAB's programs, both recorded into REC (TRACE_LIB preloaded), what
# they said into OUT.  The exchange's temp dir reads as /tmp in both, as
# in the handouts.  Returns the exchange's status.
traced_exchange() {
	lib=$(cd "$(dirname "$TRACE_LIB")" && pwd)/$(basename "$TRACE_LIB")
	: > "$2"
	SOCKTRACE=$2 "$EXCHANGE" --preload "$lib" "$B/$1" "$sargs" "$cargs" \
		"$input" > "$3" 2>&1
	rc=$?
	tmp=$(grep -o '/tmp/exchange\.[A-Za-z0-9]*' "$3" | head -n 1)
	[ -z "$tmp" ] || sed -i "s|$tmp|/tmp|g" "$3" "$2"
	return $rc
}
