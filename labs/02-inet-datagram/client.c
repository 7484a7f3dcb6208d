/*
 * client.c - lab 02: send messages to the UDP uppercase echo server.
 *
 * Usage: client [-t MS] [-r RETRIES] HOST PORT MSG...
 *
 * Sends each MSG as one datagram to HOST:PORT and prints each answer on
 * its own line.  Waits MS milliseconds (default 1000) for an answer and
 * sends again, up to RETRIES times (default 2); exits 1 when a message
 * gets no answer at all, saying "no reply" when nothing came back, or
 * what came back when the server sent something else (a plain echo
 * server, one that does not uppercase, answers "hello" with "hello").
 * Everything after PORT is a message, even if it starts with '-'.
 * --help, as the first argument: this usage on stdout, exit 0.
 *
 *     ./client localhost 50002 hello -world    # HELLO, then -WORLD
 */
#include "inet_dgram.h"

#include "common.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USAGE "[-t MS] [-r RETRIES] HOST PORT MSG..."

/* Room for what quote_wrong() writes: 4 characters a byte at most,
 * "..." and the NUL. */
#define QUOTED_MAX (4 * sizeof ((struct wrong_reply *)0)->start + 4)

/* The bytes *WRONG kept, as text for a message, in OUT: printable ASCII
 * as it is, the rest as \xNN, and "..." when the datagram was longer. */
static const char *quote_wrong(const struct wrong_reply *wrong,
                               char out[QUOTED_MAX])
{
	size_t size = (size_t)wrong->size, at = 0;
	size_t kept = size < sizeof wrong->start ? size : sizeof wrong->start;

	for (size_t i = 0; i < kept; i++) {
		unsigned char c = wrong->start[i];

		if (c >= ' ' && c < 127 && c != '\\' && c != '\'')
			out[at++] = (char)c;
		else
			at += (size_t)snprintf(out + at, 5, "\\x%02x", c);
	}
	snprintf(out + at, QUOTED_MAX - at, "%s", size > kept ? "..." : "");
	return out;
}

/* Say why MSG got no answer in TRIES tries (errno: request_reply()'s). */
static void report_failure(const char *where, const char *msg,
                           const struct wrong_reply *wrong, int tries,
                           int timeout_ms)
{
	const char *s = tries == 1 ? "try" : "tries";
	char text[QUOTED_MAX];

	if (errno == EBADMSG)
		warn_msg("reply from %s was not the uppercase of the request: "
		         "got '%s' for '%s' (%d %s of %d ms)", where,
		         quote_wrong(wrong, text), msg, tries, s, timeout_ms);
	else if (errno == ETIMEDOUT)
		warn_msg("no reply from %s to '%s' after %d %s of %d ms", where,
		         msg, tries, s, timeout_ms);
	else
		warn("sending to %s", where);
}

int main(int argc, char *argv[])
{
	static char reply[UDP_MAX_PAYLOAD];
	int timeout_ms = 1000, retries = 2;
	struct sockaddr_in server;
	char where[ADDR_STRLEN];
	unsigned long n;
	uint16_t port;
	int opt, fd, rc, status = 0;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	/* stdout may be a pipe whose reader has gone ("client ... | head
	 * -c1"): a write to it would kill us with SIGPIPE before we could
	 * say anything.  Ignored, the write fails with EPIPE, which we
	 * report (pipe(7), signal(7)). */
	signal(SIGPIPE, SIG_IGN);
	help_if_asked(argc, argv, USAGE, NULL);
	/* "+": stop at the first operand, so a MSG like "-x" after PORT is
	 * a message, not an unknown option (GNU getopt would look on). */
	while ((opt = getopt(argc, argv, "+:t:r:")) != -1) {
		switch (opt) {
		case 't':
			if (parse_ms(optarg, &timeout_ms) < 0)
				die_usage(USAGE, "-t: not a time in ms (1-%d): '%s'",
				          MAX_TIMEOUT_MS, optarg);
			break;
		case 'r':
			if (parse_number(optarg, 0, 100, &n) < 0)
				die_usage(USAGE, "-r: not a count of retries "
				          "(0-100): '%s'", optarg);
			retries = (int)n;
			break;
		default:
			die_bad_option(USAGE, opt);
		}
	}
	if (argc - optind < 3)
		die_usage(USAGE, "missing %s", argc - optind == 0 ? "HOST"
		          : argc - optind == 1 ? "PORT" : "MSG");
	if (parse_port(argv[optind + 1], false, &port) < 0)
		die_usage(USAGE, "PORT: not a port (1-65535): '%s'",
		          argv[optind + 1]);

	/* A name, like "localhost", needs the resolver; it is a runtime
	 * failure, not a usage error, when it does not resolve. */
	rc = resolve_ipv4(argv[optind], port, &server);
	if (rc != 0)
		die_msg("%s: %s", argv[optind], resolve_error(rc));
	format_addr((struct sockaddr *)&server, sizeof server, where);

	fd = client_socket();
	if (fd < 0)
		die("socket");
	/* A failure stops the loop; the socket is closed on every way out. */
	for (int i = optind + 2; i < argc && status == 0; i++) {
		size_t len = strlen(argv[i]);
		struct wrong_reply wrong;
		ssize_t got = request_reply(fd, &server, argv[i], len, reply,
		                            timeout_ms, retries, &wrong);

		status = 1;
		if (got < 0)
			report_failure(where, argv[i], &wrong, retries + 1,
			               timeout_ms);
		/* The answer is data, not a string: it goes out whole. */
		else if (write_all(STDOUT_FILENO, reply, (size_t)got) < 0
		         || write_all(STDOUT_FILENO, "\n", 1) < 0)
			warn("writing stdout");
		else
			status = 0;
	}
	close(fd);
	return status;
}
