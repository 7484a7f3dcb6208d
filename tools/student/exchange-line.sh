# exchange-line.sh - sourced by demo.sh and trace.sh (EXCHANGE set).
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
