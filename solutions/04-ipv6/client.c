/*
 * client.c - lab 04: a client of the line service that works over IPv4
 * and IPv6 alike.
 *
 * Usage: client HOST PORT
 *        client --help
 *
 * HOST is a name ("localhost") or an address of either family ("::1",
 * "127.0.0.1").  Connects to the first of HOST's addresses that accepts,
 * says which on stderr, sends stdin, and prints every answer on stdout.
 * Exits 0 once every line has been answered; 1, saying so, when the
 * server closes or resets the connection first.
 *
 *     ./client ::1 50004 < some-file
 *     printf 'hello\nworld' | ./client localhost 50004
 */
#include "ipv6_lines.h"

#include "common.h"

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define USAGE "HOST PORT"

/* What --help prints after the usage line. */
#define ABOUT "Sends stdin to the line service at HOST (a name, an IPv6 or an\n" \
	"IPv4 address) and PORT, prints every answer; exit 0 once every\n" \
	"line is answered.\n"

int main(int argc, char *argv[])
{
	char connected[ADDR_STRLEN];
	unsigned long sent = 0, answered = 0;
	const char *host, *port;
	uint16_t number;
	int sock, gai_error, opt, result, err;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, ABOUT);
	if ((opt = getopt(argc, argv, ":")) != -1)     /* no options */
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

	result = exchange_lines(sock, STDIN_FILENO, STDOUT_FILENO, &sent,
	                        &answered);
	err = errno;
	close(sock);    /* nothing left open for exit() to close */
	/* The server went away mid-exchange: say how, and how far we got,
	 * rather than the errno of whichever call noticed it first. */
	if (result < 0 && err == ECONNRESET)
		die_msg("connection reset by the server at %s after %lu of %lu "
		        "lines were answered", connected, answered, sent);
	if ((result < 0 && err == EPIPE) || (result == 0 && answered < sent))
		die_msg("the server at %s closed the connection after "
		        "answering %lu of %lu lines", connected, answered, sent);
	if (result < 0) {
		errno = err;
		die("exchange with %s", connected);
	}
	return 0;
}
