#!/bin/sh
# bench.sh - `make bench`: the performance table.
#
# Called by the Makefile (make bench) with:
#   BENCH        build/bench/bench (tools/student/bench/*.c)
#   TREE, SOL    the tree measured (solutions/ unless LABS= names one) and
#                its build directory (build/solutions)
#   LAB          its labs to measure (all, or the one LAB=NN names)
#   BYTES        bytes per lab 01 transfer (BENCH_BYTES, default 1 GiB)
#   RUNS         runs per figure (BENCH_RUNS, default 5)
#   CSV          also write the rows to this file (BENCH_CSV, optional)
#   SIZES        the buffer sizes of the lab 01 sweep; REF the tree's own
#                (DROP_BUFSIZE in 01-unix-stream/unix_stream.h)
#   VARIANTS     prefix of lab 01 rebuilt with the other sizes (+ SIZE/)
#   GRADE        the trees whose grader is timed (none with LAB=NN)
#   MAKE         to time the grader
#
# Every measuring step prints CSV rows (section,item,metric,value,unit,
# runs); at the end they become the table below and, with CSV, a file.
set -u

: "${BENCH:?}" "${BYTES:?}" "${RUNS:?}" "${SIZES:?}" "${SOL:?}" "${TREE:?}" \
  "${VARIANTS:?}" "${MAKE:=make}"
REF=${REF:-} LAB=${LAB:-} GRADE=${GRADE:-}
CSV=${CSV:-}
SIZES=$(printf '%s\n' $SIZES | sort -n -u | tr '\n' ' ')
GRADER_RUNS=3

rows=$(mktemp "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 1
trap 'rm -f "$rows"' EXIT
trap 'exit 130' INT TERM
start=$(date +%s)
status=0

say() { echo "bench: $*" >&2; }
text() {    # SECTION ITEM METRIC TEXT: a row whose value is text
	printf '%s,%s,%s,%s,,\n' "$1" "$2" "$3" "$(printf '%s' "$4" | tr ',\n' ';;')" >> "$rows"
}
step() {    # WHAT COMMAND...: run one measuring command, its rows to the table
	what=$1; shift
	if ! "$@" >> "$rows"; then
		status=1
		text note "$what" failed "no figures: see the messages above"
	fi
}

# ---- the machine --------------------------------------------------------
cpu=$(sed -n 's/^model name[	 ]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(uname -m)
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'; }
text machine cpu model "$cpu"
text machine cpu cores "$cores"
text machine kernel release "$(uname -sr)"
text machine memory total "$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
text machine compiler version "$(${CC:-cc} --version 2>/dev/null | head -n 1)"
text machine load "at start" "$(load)"
step "system call cost" "$BENCH" syscall
socat=$(command -v socat 2>/dev/null || true)
if [ -n "$socat" ]; then
	text machine socat version "$("$socat" -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/\1/p')"
else
	text note socat missing "socat is not installed: its row is left out"
fi

text machine tree measured "$TREE"
has() { case " $LAB " in *" $1 "*) return 0 ;; esac; return 1; }

# ---- lab 01: transfer throughput, memory ---------------------------------
if has 01-unix-stream && [ -n "$REF" ]; then
	say "lab 01 transfer: $BYTES bytes per run, buffers ${SIZES% }, $RUNS runs each ..."
	step "lab 01 transfer" "$BENCH" -n "$RUNS" xfer -b "$BYTES" -r "$REF" -l "$SOL/01-unix-stream" \
		-v "$VARIANTS" -s "$socat" $SIZES
fi

# ---- round trips: the guide's domain table in numbers --------------------
raw=no
for lab in 02-inet-datagram 03-connected-datagram 04-ipv6 06-unix-datagram; do
	has $lab || continue
	[ $raw = yes ] || say "round trips: the labs' servers and raw sockets, $RUNS runs each ..."
	raw=yes
	step "lab ${lab%%-*} round trips" "$BENCH" -n "$RUNS" rtt "lab${lab%%-*}" "$SOL/$lab/server"
done
if [ $raw = yes ]; then
	for kind in unix udp4 tcp6; do
		step "raw $kind round trips" "$BENCH" -n "$RUNS" rtt "$kind"
	done
fi

# ---- lab 05: many clients, poll() against epoll -------------------------
if has 05-many-clients; then
	svg=$(dirname "$BENCH")/lab05-fanout.svg
	say "lab 05 fan-out: 1000 clients, the lab's server and an epoll relay, $RUNS runs each; then the curve ..."
	say "(the relay alone, to strace it: $BENCH relay -p 0 -m 1000)"
	step "lab 05 fan-out" "$BENCH" -n "$RUNS" fanout "$SOL/05-many-clients/server" "$svg"
fi

# ---- the grader ----------------------------------------------------------
for tree in $GRADE; do
	case $tree in
	solutions) label="make test LABS=solutions" ;;
	labs)      label="make test (starter code)" ;;
	*)         label="make test LABS=$tree" ;;
	esac
	say "the grader: $label, $GRADER_RUNS runs ..."
	step "$label" "$BENCH" -n "$GRADER_RUNS" time "$label" \
		"$MAKE" --no-print-directory test LABS="$tree"
done

text machine load "at end" "$(load)"
end=$(date +%s)
text machine bench runtime "$((end - start)) s"

# ---- the table -----------------------------------------------------------
if [ -n "$CSV" ]; then
	{ echo 'section,item,metric,value,unit,runs'; cat "$rows"; } > "$CSV" || status=1
fi

awk -F, -v runs="$RUNS" -v grader_runs="$GRADER_RUNS" '
{
	sec = $1
	if ($1 == "machine") { mach[$2 " " $3] = $4; next }
	if ($1 == "note" || $1 == "target") {
		if ($5 == "") lines[sec, ++nl[sec]] = $2 ": " $4    # text rows only
		next
	}
	if (!(sec in seen)) { seen[sec] = 1; secs[++ns] = sec }
	if (!((sec, $2) in iseen)) { iseen[sec, $2] = 1; item[sec, ++ni[sec]] = $2 }
	if (!((sec, $3) in mseen)) {
		mseen[sec, $3] = 1
		metric[sec, ++nm[sec]] = $3
		head[sec, nm[sec]] = $3 ($5 == "" ? "" : " (" $5 ")")
	}
	val[sec, $2, $3] = $4
}
function table(sec,    i, m, w, line, v) {
	w = length(first[sec])
	for (i = 1; i <= ni[sec]; i++)
		if (length(item[sec, i]) > w) w = length(item[sec, i])
	for (m = 1; m <= nm[sec]; m++) {
		cw[m] = length(head[sec, m])
		for (i = 1; i <= ni[sec]; i++)
			if (length(val[sec, item[sec, i], metric[sec, m]]) > cw[m])
				cw[m] = length(val[sec, item[sec, i], metric[sec, m]])
	}
	line = sprintf("  %-" w "s", first[sec])
	for (m = 1; m <= nm[sec]; m++) line = line sprintf("  %" cw[m] "s", head[sec, m])
	print line
	for (i = 1; i <= ni[sec]; i++) {
		line = sprintf("  %-" w "s", item[sec, i])
		for (m = 1; m <= nm[sec]; m++) {
			v = val[sec, item[sec, i], metric[sec, m]]
			line = line sprintf("  %" cw[m] "s", v == "" ? "-" : v)
		}
		print line
	}
}
END {
	first["transfer"] = "buffer"; first["rtt"] = "round trip"
	first["memory"] = "program"; first["grader"] = "command"
	first["fanout"] = "server"; first["curve"] = "clients connected"
	title["transfer"] = "Lab 01 transfer, MB/s (10^6 bytes/s): " mach["transfer amount"] \
		" of random data from a file in memory, median of " runs " runs"
	legend["transfer"] = \
		"  Two programs each time, started as lab 01'"'"'s are (server first, on a pathname socket).\n" \
		"  kernel sock only: write(2) from memory into an AF_UNIX stream socket, read(2) into memory.\n" \
		"  kernel file>sock>null: read(2) the file, write(2) the socket | read(2) the socket,\n" \
		"    write(2) /dev/null: lab 01'"'"'s path with nothing else, the limit lab 01 is held to.\n" \
		"  programs: lab 01'"'"'s client < file, server > /dev/null, built with that DROP_BUFSIZE\n" \
		"    (socat: socat at both ends).  lab 01/kernel: its MB/s, CPU lab 01/kernel: its CPU time\n" \
		"    (user + system, both programs), against the kernel row; medians of run-by-run ratios.\n" \
		"  Runs interleaved after a warm-up; a small buffer moves at most 65536 buffers."
	title["rtt"] = "Round trips: one 25-byte request in flight, 10000 per run, median of " runs " runs"
	legend["rtt"] = \
		"  round trips/s = 1 / mean round-trip time.  Lab rows: the lab'"'"'s server and bench'"'"'s client.\n" \
		"  1 process write+read: the same kind of socket pair inside one process, no process\n" \
		"    woken: what the protocol itself costs."
	title["memory"] = "Lab 01 memory, KiB, median of 5 runs each"
	legend["memory"] = \
		"  peak: VmHWM, the peak resident set (shared library pages included, which vary by\n" \
		"    some 100 KiB from run to run); anon: RssAnon at exit, heap + stack + buffers."
	title["grader"] = "The grader, after the build: wall time, median of " grader_runs " runs"
	title["fanout"] = "Lab 05 fan-out: 1000 clients, one writing, the others reading every line, median of " runs " runs"
	legend["fanout"] = \
		"  lines delivered/s: lines written x readers / time, the writer at most 256 lines ahead of\n" \
		"    the slowest reader.  server CPU per line: its user + system time / lines delivered.\n" \
		"  memory per idle client: the server'"'"'s resident memory per client that joined (the\n" \
		"    second half of the joins), its socket buffers (kernel memory) not included.\n" \
		"  epoll relay: lab 05'"'"'s protocol on a level-triggered epoll_wait() loop, the same queues\n" \
		"    and limits and nothing else (tools/student/bench/fanout.c); of the relay: lab 05'"'"'s\n" \
		"    lines/s over the relay'"'"'s, run by run (median)."
	title["curve"] = "Lab 05, poll() against epoll, for more and more clients connected: median of " (runs < 3 ? runs : 3) " runs"
	legend["curve"] = \
		"  fan-out: as above, about a million lines delivered per point (every client busy).\n" \
		"  refusals: the server full (-m N), 500 newcomers one after another, each told\n" \
		"    \"* server full\" and closed: one wakeup for one ready descriptor among N + 1, no fan-out.\n" \
		"  Up to what the descriptor limit allows.  The plot of these rows: the SVG under Notes."
	print "Socket Labs: make bench"
	print "machine: " mach["cpu model"] ", " mach["cpu cores"] " cores, " \
		mach["memory total"] "; " mach["kernel release"]
	print "         " mach["compiler version"] \
		(mach["socat version"] == "" ? "" : "; socat " mach["socat version"])
	print "one system call (a 1-byte write(2) to /dev/null): " mach["syscall cost"] " us"
	print "measured: " mach["tree measured"]
	print "load average (1, 5, 15 min): " mach["load at start"] " at start, " \
		mach["load at end"] " at end; bench took " mach["bench runtime"]
	print ""
	for (s = 1; s <= ns; s++) {
		print title[secs[s]] != "" ? title[secs[s]] : secs[s]
		table(secs[s])
		if (legend[secs[s]] != "") print legend[secs[s]]
		print ""
	}
	if (nl["target"] > 0) {
		print "Targets"
		for (i = 1; i <= nl["target"]; i++) print "  " lines["target", i]
		print ""
	}
	if (nl["note"] > 0) {
		print "Notes"
		for (i = 1; i <= nl["note"]; i++) print "  " lines["note", i]
	}
}' "$rows"
[ -n "$CSV" ] && echo "bench: rows written to $CSV" >&2
exit $status
