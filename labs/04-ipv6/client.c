/*
 * client.c - lab 04: a client of the line service that works over IPv4
 * and IPv6 alike.
 *
 * Usage: client HOST PORT
 *
 * HOST is a name ("localhost") or an address of either family ("::1",
 * "127.0.0.1").  Connects to the first of HOST's addresses that accepts,
 * says which on stderr, sends stdin, and prints every answer on stdout.
 * Exits 0 once every line has been answered.
 *
 *     ./client ::1 50004 < some-file
 *     printf 'hello\nworld' | ./client localhost 50004
 */
#include "ipv6_lines.h"

#include "common.h"

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <unistd.h>

#define USAGE "HOST PORT"

int main(int argc, char *argv[])
{
	char connected[ADDR_STRLEN];
	unsigned long sent, answered;
	const char *host, *port;
	uint16_t number;
	int sock, gai_error, opt;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	if ((opt = getopt(argc, argv, ":")) != -1)     /* it takes no options */
		die_bad_option(USAGE, opt);
	if (argc - optind != 2)
		die_usage(USAGE, argc - optind < 2 ? "missing HOST or PORT"
		                                   : "too many operands");
	host = argv[optind];
	port = argv[optind + 1];
	if (parse_port(port, false, &number) < 0)
		die_usage(USAGE, "not a port (1-65535): '%s'", port);

	sock = connect_by_name(host, port, connected, &gai_error);
	if (sock < 0) {
		/* The resolver's own words: gai_strerror(), not strerror(),
		 * except for EAI_SYSTEM, which means "see errno". */
		if (gai_error == EAI_SYSTEM)
			die("resolving %s", host);
		if (gai_error != 0)
			die_msg("%s: %s", host, gai_strerror(gai_error));
		die_msg("cannot connect to %s port %s: every address failed"
		        " (above)", host, port);
	}
	log_line("connected to %s", connected);

	if (exchange_lines(sock, STDIN_FILENO, STDOUT_FILENO, &sent,
	                   &answered) < 0) {
		if (errno == EPIPE)     /* see exchange_lines() */
			warn_msg("%s closed the connection before taking every "
			         "line", connected);
		else
			warn("exchange with %s", connected);
		close(sock);    /* nothing left open for exit() to close */
		return 1;
	}
	close(sock);
	if (answered < sent)
		die_msg("%s answered %lu of %lu lines", connected, answered,
		        sent);
	return 0;
}
