/*
 * server.c - lab 03: a UDP session server on a connected datagram socket.
 *
 * Usage: server [-a ADDR] [-p PORT] [-i IDLE_MS]
 *
 * Binds a UDP socket to ADDR:PORT (default 127.0.0.1:50003; -p 0 picks
 * a free port).  The first datagram from anyone opens a session with its
 * sender: the server connect()s to that peer and answers it, and every
 * datagram after it, uppercased, talking to that peer alone.  The
 * session ends when the peer sends BYE (answered with BYE), is silent
 * for IDLE_MS (default 5000), or its port closes; then the server
 * dissolves the association and waits for the next peer.  Runs until
 * Ctrl-C or SIGTERM.  --help: this usage on stdout, exit 0.
 *
 * While a session is open, anyone else who sends to the port is refused:
 * the socket, connected to its peer, no longer matches their datagrams,
 * and the kernel answers them with ICMP "port unreachable", as for a
 * port nobody listens on.  A second client gets ECONNREFUSED at once: a
 * busy server looks exactly like no server (udp(7)).  Try it, in two
 * terminals:
 *
 *     ./server
 *     ./client 127.0.0.1 50003         # type lines; Ctrl-D sends BYE
 *
 * and, while that session is open, from a third: ./client 127.0.0.1 50003
 * ("refused: no server at 127.0.0.1:50003, or it is busy with another
 * client"), or socat - UDP:127.0.0.1:50003 (its first line is refused:
 * socat exits with "Connection refused").
 */
#include "connected_dgram.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USAGE "[-a ADDR] [-p PORT] [-i IDLE_MS]"

int main(int argc, char *argv[])
{
	static char buf[UDP_MAX_PAYLOAD];
	const char *addr_text = "127.0.0.1";   /* loopback unless told */
	uint16_t port = 50003;
	int idle_ms = 5000, opt, fd;
	struct sockaddr_in addr;
	char where[ADDR_STRLEN];

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, NULL);
	while ((opt = getopt(argc, argv, ":a:p:i:")) != -1) {
		switch (opt) {
		case 'a':
			addr_text = optarg;
			break;
		case 'p':
			if (parse_port(optarg, true, &port) < 0)
				die_usage(USAGE, "-p: not a port (0-65535): '%s'",
				          optarg);
			break;
		case 'i':
			if (parse_ms(optarg, &idle_ms) < 0)
				die_usage(USAGE, "-i: not a time in ms (1-%d): '%s'",
				          MAX_TIMEOUT_MS, optarg);
			break;
		default:
			die_bad_option(USAGE, opt);
		}
	}
	if (optind != argc)
		die_usage(USAGE, "unexpected operand '%s'", argv[optind]);
	if (ipv4_address(addr_text, port, &addr) < 0)
		die_usage(USAGE, "-a: not an IPv4 address: '%s'", addr_text);
	format_addr((struct sockaddr *)&addr, sizeof addr, where);

	stop_signals_init();
	fd = session_bind(&addr);
	if (fd < 0)
		die("bind %s", where);
	log_line("listening on %s",
	         format_addr((struct sockaddr *)&addr, sizeof addr, where));

	for (;;) {
		struct sockaddr_in peer;
		ssize_t n = wait_for_peer(fd, buf, sizeof buf, &peer);

		if (n < 0) {
			if (stop_requested())
				break;
			if (errno == ENOSYS) {   /* the starter's stub */
				warn_msg("wait_for_peer: TODO 2 is not written yet");
				close(fd);
				return 1;
			}
			if (errno != EAGAIN)
				log_line("recvfrom: %s", strerror(errno));
			continue;
		}
		if (!serve_session(fd, &peer, buf, (size_t)n, idle_ms))
			break;
	}
	close(fd);
	return 0;
}
