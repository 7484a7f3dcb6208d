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

/* Answer one datagram.  Returns 1 to go on, 0 when a stop signal
 * arrived, -1 when a function it calls is still the starter's stub. */
static int echo_one(int fd)
{
	/* Room for the largest UDP/IPv4 datagram: recvfrom() silently drops
	 * whatever does not fit in the buffer it is given. */
	static char buf[UDP_MAX_PAYLOAD];
	struct sockaddr_in from;
	char where[ADDR_STRLEN];
	ssize_t n = receive_request(fd, buf, sizeof buf, &from);

	if (n < 0) {
		if (stop_requested())
			return 0;
		if (errno == ENOSYS) {  /* the starter's stub */
			warn_msg("receive_request: TODO 4 is not written yet");
			return -1;
		}
		/* No client can make the server stop: log and carry on. */
		if (errno != EAGAIN)
			log_line("recvfrom: %s", strerror(errno));
		return 1;
	}
	format_addr((struct sockaddr *)&from, sizeof from, where);
	log_line("from %s: %zd bytes", where, n);

	ascii_upper(buf, (size_t)n);
	if (send_reply(fd, buf, (size_t)n, &from) < 0) {
		if (errno == ENOSYS) {  /* the starter's stub */
			warn_msg("send_reply: TODO 5 is not written yet");
			return -1;
		}
		log_line("sendto %s: %s", where, strerror(errno));
	}
	return 1;
}

int main(int argc, char *argv[])
{
	const char *addr_text = "127.0.0.1";   /* loopback unless told */
	uint16_t port = 50002;
	struct sockaddr_in addr;
	char where[ADDR_STRLEN];
	int opt, fd, more;

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

	while ((more = echo_one(fd)) > 0)
		;
	close(fd);
	return more < 0;
}
