/*
 * client.c - lab 03: talk to the session server over a connected UDP
 * socket.
 *
 * Usage: client [-t MS] HOST PORT
 *
 * Sends each line of stdin (without its newline) as one datagram and
 * prints each reply as a line.  At end of input sends BYE and waits for
 * the server's BYE.  Exits 1 when a reply does not come within MS
 * milliseconds (default 1000), and at once when the server's port
 * refuses: "refused: no server at ADDRESS, or it is busy with another
 * client".  Both look the same from here: a server in a session has its
 * socket connected to its peer, and the kernel refuses everyone else
 * exactly as it refuses a port nobody listens on.
 *
 * A line that is exactly BYE is not sent: the server could not tell it
 * from the end of the session, which would end, and the next line would
 * open another.  The client stops there, ends the session and exits 1,
 * saying so.  Whenever it fails once a datagram went out (no reply, a
 * line too long for a datagram, stdout unwritable), it sends BYE before
 * it exits, so that the server is free for others at once, not after
 * its idle limit.  --help: this usage on stdout, exit 0.
 *
 *     printf 'hello\nworld\n' | ./client localhost 50003    # HELLO, WORLD
 */
#include "connected_dgram.h"

#include "common.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE "[-t MS] HOST PORT"

/* The session with the server, as the client sees it. */
struct session {
	int fd, timeout_ms;
	const char *where;      /* the server's ADDRESS, for messages */
	char *reply;            /* UDP_MAX_PAYLOAD bytes */
	bool sent;              /* a datagram may have gone out: the server
	                           may think the session open */
	bool answered;          /* a reply came back */
	bool refused;           /* ECONNREFUSED: nobody there to hear BYE */
};

/* How sending the lines ended. */
enum lines { LINES_DONE, LINES_BYE, LINES_FAILED };

/* Say why an exchange of LEN bytes failed (errno: exchange()'s). */
static void report(const struct session *s, size_t len)
{
	if (errno == ETIMEDOUT)
		warn_msg("no reply from %s within %d ms", s->where, s->timeout_ms);
	/* A connected socket hears only its peer: the kernel answers
	 * anyone else with ICMP "port unreachable", as for a port nobody
	 * listens on.  A busy server looks like no server (udp(7)). */
	else if (errno == ECONNREFUSED && !s->answered)
		warn("refused: no server at %s, or it is busy with another "
		     "client", s->where);
	else if (errno == ECONNREFUSED)
		warn("refused: the server at %s went away, or ended our "
		     "session (we were silent too long) and is busy with "
		     "another client", s->where);
	else if (errno == ENOSYS)       /* the starter's stub */
		warn_msg("exchange: TODO 10 is not written yet");
	else if (errno == EMSGSIZE)
		warn("a line of %zu bytes to %s: one datagram holds %d at most",
		     len, s->where, UDP_MAX_PAYLOAD);
	else
		warn("%s", s->where);
}

/* Send MSG and return its reply's size, or -1 after saying why not. */
static ssize_t talk(struct session *s, const char *msg, size_t len)
{
	ssize_t n = exchange(s->fd, msg, len, s->reply, s->timeout_ms);

	/* Only a datagram too long for write() surely never left. */
	if (n >= 0 || errno != EMSGSIZE)
		s->sent = true;
	if (n >= 0)
		s->answered = true;
	else if (errno == ECONNREFUSED)
		s->refused = true;
	if (n < 0)
		report(s, len);
	return n;
}

/* Send BYE and expect BYE back: 0, or 1 after saying what went wrong. */
static int end_session(struct session *s)
{
	ssize_t n = talk(s, BYE, BYE_LEN);

	if (n < 0)
		return 1;
	if (n != BYE_LEN || memcmp(s->reply, BYE, BYE_LEN) != 0) {
		warn_msg("%s answered BYE with something else: the session may "
		         "still be open", s->where);
		return 1;
	}
	return 0;
}

/* The client failed with a session the server may think open: end it
 * with BYE, best effort (one write, no answer awaited), so that the
 * server is free at once, not after IDLE_MS of refusing everyone.  Not
 * after a refusal: nobody there holds a session for us. */
static void abandon(const struct session *s)
{
	if (s->sent && !s->refused && write(s->fd, BYE, BYE_LEN) < 0)
		warn("ending the session with %s", s->where);
}

/* Send each line of stdin and print its reply. */
static enum lines send_lines(struct session *s)
{
	enum lines how = LINES_DONE;
	unsigned long number = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	/* getline(3): a line of any length, NUL bytes included. */
	while (how == LINES_DONE && (len = getline(&line, &cap, stdin)) > 0) {
		ssize_t n;

		number++;
		if (line[len - 1] == '\n')
			len--;
		if (len == BYE_LEN && memcmp(line, BYE, BYE_LEN) == 0) {
			warn_msg("line %lu is \"%s\", which the server would take "
			         "for the end of the session: not sent, nor "
			         "anything after it", number, BYE);
			how = LINES_BYE;
		} else if ((n = talk(s, line, (size_t)len)) < 0) {
			how = LINES_FAILED;
		} else if (write_all(STDOUT_FILENO, s->reply, (size_t)n) < 0
		           || write_all(STDOUT_FILENO, "\n", 1) < 0) {
			warn("writing stdout");
			how = LINES_FAILED;
		}
	}
	if (how == LINES_DONE && ferror(stdin)) {
		warn("reading stdin");
		how = LINES_FAILED;
	}
	free(line);
	return how;
}

/* The whole session on the connected socket FD: 0, or 1 after saying
 * what went wrong. */
static int run_session(int fd, int timeout_ms, const char *where)
{
	static char reply[UDP_MAX_PAYLOAD];
	struct session s = { .fd = fd, .timeout_ms = timeout_ms,
	                     .where = where, .reply = reply };

	switch (send_lines(&s)) {
	case LINES_DONE:
		/* End of input: end the session too, so the server is free
		 * for the next peer at once rather than after its idle limit. */
		return end_session(&s);
	case LINES_BYE:
		if (s.sent)
			(void)end_session(&s);
		return 1;
	default:
		abandon(&s);
		return 1;
	}
}

int main(int argc, char *argv[])
{
	int timeout_ms = 1000, opt, fd, rc, status;
	struct sockaddr_in server;
	char where[ADDR_STRLEN];
	uint16_t port;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	/* stdout may be a pipe whose reader has gone ("client ... | head
	 * -n1"): a write to it would kill us with SIGPIPE, the session left
	 * open.  Ignored, the write fails with EPIPE: we say so and end the
	 * session (pipe(7), signal(7)). */
	signal(SIGPIPE, SIG_IGN);
	help_if_asked(argc, argv, USAGE, NULL);
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
	if (fd < 0 && errno == ENOSYS)  /* the starter's stub */
		die_msg("connect_server: TODO 9 is not written yet");
	if (fd < 0)
		die("connect %s", where);
	status = run_session(fd, timeout_ms, where);
	close(fd);
	return status;
}
