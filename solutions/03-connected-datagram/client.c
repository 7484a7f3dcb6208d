/*
 * client.c - lab 03: talk to the session server over a connected UDP
 * socket.
 *
 * Usage: client [-t MS] HOST PORT
 *
 * Sends each line of stdin (without its newline) as one datagram and
 * prints each reply as a line.  At end of input sends BYE and waits for
 * the server's BYE.  Exits 1 when a reply does not come within MS
 * milliseconds (default 1000), or at once when nobody listens on PORT.
 *
 *     printf 'hello\nworld\n' | ./client localhost 50003    # HELLO, WORLD
 */
#include "connected_dgram.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE "[-t MS] HOST PORT"

/* Send MSG and return its reply's size, or -1 after saying why not. */
static ssize_t talk(int fd, const char *msg, size_t len, void *reply,
                    int timeout_ms, const char *where)
{
	ssize_t n = exchange(fd, msg, len, reply, timeout_ms);

	if (n < 0 && errno == ETIMEDOUT)
		warn_msg("no reply from %s within %d ms", where, timeout_ms);
	else if (n < 0)
		warn("%s", where);  /* "127.0.0.1:50003: Connection refused" */
	return n;
}

/* Send BYE and expect BYE back: 0, or 1 after saying what went wrong. */
static int end_session(int fd, void *reply, int timeout_ms, const char *where)
{
	ssize_t n = talk(fd, BYE, BYE_LEN, reply, timeout_ms, where);

	if (n < 0)
		return 1;
	if (n != BYE_LEN || memcmp(reply, BYE, BYE_LEN) != 0) {
		warn_msg("%s answered BYE with something else: the session may "
		         "still be open", where);
		return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	static char reply[UDP_MAX_PAYLOAD];
	int timeout_ms = 1000, opt, fd, rc, status = 0;
	struct sockaddr_in server;
	char where[ADDR_STRLEN];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint16_t port;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	while ((opt = getopt(argc, argv, "+:t:")) != -1) {
		if (opt != 't')
			die_bad_option(USAGE, opt);
		if (parse_ms(optarg, &timeout_ms) < 0)
			die_usage(USAGE, "-t: not a time in ms (1-%d): '%s'",
			          MAX_TIMEOUT_MS, optarg);
	}
	if (argc - optind != 2)
		die_usage(USAGE, argc - optind == 0 ? "missing HOST"
		          : argc - optind == 1 ? "missing PORT"
		          : "too many operands");
	if (parse_port(argv[optind + 1], false, &port) < 0)
		die_usage(USAGE, "PORT: not a port (1-65535): '%s'",
		          argv[optind + 1]);
	rc = resolve_ipv4(argv[optind], port, &server);
	if (rc != 0)
		die_msg("%s: %s", argv[optind], resolve_error(rc));
	format_addr((struct sockaddr *)&server, sizeof server, where);

	fd = connect_server(&server);
	if (fd < 0)
		die("connect %s", where);

	/* getline(3): a line of any length, NUL bytes included.  A failure
	 * ends the loop: the socket is closed on every way out. */
	while (status == 0 && (len = getline(&line, &cap, stdin)) > 0) {
		ssize_t n;

		if (line[len - 1] == '\n')
			len--;
		n = talk(fd, line, (size_t)len, reply, timeout_ms, where);
		if (n < 0)
			status = 1;
		else if (write_all(STDOUT_FILENO, reply, (size_t)n) < 0
		         || write_all(STDOUT_FILENO, "\n", 1) < 0) {
			warn("writing stdout");
			status = 1;
		}
	}
	if (status == 0 && ferror(stdin)) {
		warn("reading stdin");
		status = 1;
	}
	free(line);

	/* End of input: end the session too, so the server is free for the
	 * next peer at once rather than after its idle limit. */
	if (status == 0)
		status = end_session(fd, reply, timeout_ms, where);
	close(fd);
	return status;
}
