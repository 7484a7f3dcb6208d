/*
 * server.c - lab 02: an uppercase echo over UDP/IPv4.
 *
 * Usage: server [-a ADDR] [-p PORT]
 *
 * Binds a UDP socket to ADDR:PORT (default 127.0.0.1:50002; -p 0 picks
 * any free port) and answers every datagram with the same bytes, ASCII
 * letters uppercased, sent back to whoever sent it.  Runs until Ctrl-C
 * or SIGTERM.  --help: this usage on stdout, exit 0.  Try it, in two
 * terminals:
 *
 *     ./server
 *     ./client 127.0.0.1 50002 hello world      # prints HELLO, WORLD
 *
 * or with a client you did not write: socat - UDP:127.0.0.1:50002
 */
#include "inet_dgram.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USAGE "[-a ADDR] [-p PORT]"

/* Answer one datagram.  Returns false when a stop signal arrived. */
static bool echo_one(int fd)
{
	/* Room for the largest UDP/IPv4 datagram: recvfrom() silently drops
	 * whatever does not fit in the buffer it is given. */
	static char buf[UDP_MAX_PAYLOAD];
	struct sockaddr_in from;
	char where[ADDR_STRLEN];
	ssize_t n = receive_request(fd, buf, sizeof buf, &from);

	if (n < 0) {
		if (stop_requested())
			return false;
		/* No client can make the server stop: log and carry on. */
		if (errno != EAGAIN)
			log_line("recvfrom: %s", strerror(errno));
		return true;
	}
	format_addr((struct sockaddr *)&from, sizeof from, where);
	log_line("from %s: %zd bytes", where, n);

	ascii_upper(buf, (size_t)n);
	if (send_reply(fd, buf, (size_t)n, &from) < 0)
		log_line("sendto %s: %s", where, strerror(errno));
	return true;
}

int main(int argc, char *argv[])
{
	const char *addr_text = "127.0.0.1";   /* loopback unless told */
	uint16_t port = 50002;
	struct sockaddr_in addr;
	char where[ADDR_STRLEN];
	int opt, fd;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, NULL);
	while ((opt = getopt(argc, argv, ":a:p:")) != -1) {
		switch (opt) {
		case 'a':
			addr_text = optarg;
			break;
		case 'p':
			if (parse_port(optarg, true, &port) < 0)
				die_usage(USAGE, "-p: not a port (0-65535): '%s'",
				          optarg);
			break;
		default:
			die_bad_option(USAGE, opt);
		}
	}
	if (optind != argc)
		die_usage(USAGE, "unexpected operand '%s'", argv[optind]);
	if (server_address(addr_text, port, &addr) < 0) {
		if (errno == EINVAL)    /* the user's mistake, not ours */
			die_usage(USAGE, "-a: not an IPv4 address: '%s'",
			          addr_text);
		die("server_address %s", addr_text);
	}
	format_addr((struct sockaddr *)&addr, sizeof addr, where);

	stop_signals_init();
	fd = udp_bind(&addr);
	if (fd < 0)
		die("bind %s", where);
	log_line("listening on %s",
	         format_addr((struct sockaddr *)&addr, sizeof addr, where));

	while (echo_one(fd))
		;
	close(fd);
	return 0;
}
