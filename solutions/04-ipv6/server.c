/*
 * server.c - lab 04: an uppercase line service over TCP/IPv6.
 *
 * Usage: server [-a ADDR] [-p PORT] [-i IDLE_MS] [-6]
 *        server --help
 *
 * Listens on [ADDR]:PORT (default [::1]:50004) and serves clients one
 * after another: every line a client sends comes back uppercased.  A
 * client silent (or not reading) for IDLE_MS (default 30000) is dropped.
 * -a :: takes IPv4 clients too, shown as [::ffff:127.0.0.1]:PORT, unless
 * -6 (IPV6_V6ONLY) restricts it to IPv6.  Stops on Ctrl-C / SIGTERM.
 * Try it, in two terminals:
 *
 *     ./server                        # listens on [::1]:50004; then:
 *     ./client ::1 50004              # type lines; Ctrl-D to end
 *
 *     ./server -a ::                  # dual stack, every interface:
 *     ./client 127.0.0.1 50004        # logged as [::ffff:127.0.0.1]:PORT
 */
#include "ipv6_lines.h"

#include "common.h"
#include "inet.h"       /* parse_ms() */

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USAGE "[-a ADDR] [-p PORT] [-i IDLE_MS] [-6]"

/* What --help prints after the usage line (STR: a number's digits). */
#define STR_(x) #x
#define STR(x) STR_(x)
#define ABOUT "Answers every line a client sends with the line uppercased.\n" \
	"  -a ADDR     IPv6 address to listen on (default ::1; :: takes\n" \
	"              IPv4 clients too, as ::ffff:a.b.c.d)\n" \
	"  -p PORT     port (default " STR(DEFAULT_PORT) "; 0: any free port)\n" \
	"  -i IDLE_MS  drop a client idle that long (default " STR(DEFAULT_IDLE_MS) ")\n" \
	"  -6          IPv6 clients only (IPV6_V6ONLY)\n"

/* Serve one client; log how it ended.  False when the server must stop. */
static bool serve_client(int sock, const char *peer, int idle_ms)
{
	unsigned long lines;

	log_line("client %s connected", peer);
	switch (serve_lines(sock, idle_ms, &lines)) {
	case SERVE_DONE:
		log_line("client %s closed: %lu lines", peer, lines);
		return true;
	case SERVE_IDLE:
		log_line("client %s dropped: idle for %d ms, %lu lines", peer,
		         idle_ms, lines);
		return true;
	case SERVE_LOST:
		if (errno == ENOSYS) {  /* the starter's stubs */
			warn_msg("serve_lines: TODO 7 or 8 is not written yet");
			exit(1);
		}
		log_line("client %s lost: %s, %lu lines", peer,
		         strerror(errno), lines);
		return true;
	case SERVE_STOPPED:
	default:
		log_line("client %s: stopping, %lu lines", peer, lines);
		return false;
	}
}

/* One client after another until a stop signal: the exit status. */
static int serve_clients(int listen_fd, int idle_ms)
{
	char text[ADDR_STRLEN];

	for (;;) {
		struct sockaddr_in6 peer;
		int sock = accept_client(listen_fd, &peer);
		bool more;

		if (sock < 0) {
			if (stop_requested())
				return 0;
			if (errno == ECONNABORTED || errno == EINTR)
				continue;   /* the client gave up: not our failure */
			if (errno == ENOSYS) {   /* the starter's stub */
				warn_msg("accept_client: TODO 5 is not written yet");
				return 1;
			}
			log_line("accept: %s", strerror(errno));
			continue;
		}
		more = serve_client(sock, ipv6_text(&peer, text), idle_ms);
		close(sock);    /* one fd per client: not closing it leaks */
		if (!more)
			return 0;
	}
}

int main(int argc, char *argv[])
{
	struct in6_addr addr = in6addr_loopback;    /* ::1, loopback only */
	struct sockaddr_in6 local;
	socklen_t len = sizeof local;
	char text[ADDR_STRLEN];
	uint16_t port = DEFAULT_PORT;
	int idle_ms = DEFAULT_IDLE_MS;
	bool v6only = false;
	int opt, listen_fd, status;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, ABOUT);
	while ((opt = getopt(argc, argv, ":a:p:i:6")) != -1) {
		switch (opt) {
		case 'a':
			errno = 0;
			if (parse_ipv6(optarg, &addr) < 0) {
				if (errno == ENOSYS)    /* the starter's stub */
					die_msg("parse_ipv6: TODO 1 is not written yet");
				die_usage(USAGE, "-a: not an IPv6 address: '%s'"
				          " (for IPv4 clients too, use -a ::)",
				          optarg);
			}
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
		case '6':
			v6only = true;
			break;
		default:
			die_bad_option(USAGE, opt);
		}
	}
	if (optind < argc)
		die_usage(USAGE, "unexpected operand '%s'", argv[optind]);

	/* No signal(SIGPIPE, SIG_IGN) needed: every send() to a client
	 * says MSG_NOSIGNAL (lines.c).  The stop signals are blocked except
	 * while waiting, so none is lost between two waits (common.h). */
	stop_signals_init();

	/* The address asked for, for the error message. */
	memset(&local, 0, sizeof local);
	local.sin6_addr = addr;
	local.sin6_port = htons(port);
	ipv6_text(&local, text);

	listen_fd = ipv6_listen(&addr, port, v6only);
	if (listen_fd < 0)
		die("listen on %s", text);

	/* With -p 0 the kernel chose the port at bind(): getsockname(2)
	 * tells which, and clients need to know it. */
	if (getsockname(listen_fd, (struct sockaddr *)&local, &len) < 0)
		die("getsockname");
	log_line("listening on %s", ipv6_text(&local, text));

	status = serve_clients(listen_fd, idle_ms);
	close(listen_fd);
	return status;
}
