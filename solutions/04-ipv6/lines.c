/*
 * lines.c - lab 04, the server's side of the exchange: framing a byte
 * stream into lines, and never letting one client hold the server.
 *
 * TCP, like every stream socket, keeps no message boundaries (LAB_GUIDE.md's
 * stream/datagram table): "hello\n" may arrive as "hel" then "lo\n", and
 * a hundred lines may arrive in one read().  The protocol has to supply
 * the boundaries, and here a line ends at '\n'.  So the server keeps the
 * unfinished end of what it has read, and answers only complete lines.
 *
 * This server is iterative: one client at a time.  A client that stops
 * sending, or sends and never reads its answers, would hold it for ever,
 * so every wait is bounded by the idle limit, and the socket is
 * non-blocking: an answer the client will not take waits in poll(2),
 * with a deadline, instead of in write(2), without one.
 *
 * Man pages: read(2), send(2), poll(2), fcntl(2), tcp(7).
 */
#include "ipv6_lines.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The length of BUF's complete lines: up to and including its last '\n'
 * (0 if it has none).  *COUNT is set to how many lines that is. */
static size_t complete_lines(const char *buf, size_t len,
                             unsigned long *count)
{
	const char *p = buf, *end = buf + len, *nl;

	*count = 0;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		++*count;
		p = nl + 1;
	}
	return (size_t)(p - buf);
}

/* Send LEN bytes of BUF to the non-blocking SOCK, waiting at most
 * IDLE_MS whenever the client is not taking them.  SERVE_DONE once all
 * is sent, else why not (enum serve_result); never raises SIGPIPE. */
static enum serve_result send_answer(int sock, const char *buf, size_t len,
                                     int idle_ms)
{
	// STARTER: /* TODO 8: loop until all LEN bytes are sent: wait_fd(sock, POLLOUT,
	// STARTER:  * idle_ms) (0: SERVE_IDLE; -1: SERVE_STOPPED if stop_requested(),
	// STARTER:  * else SERVE_LOST), then send(2), MSG_NOSIGNAL (a gone client: EPIPE,
	// STARTER:  * not SIGPIPE); EAGAIN, EINTR: again.  Trap: non-blocking, send() may
	// STARTER:  * take part only: send the rest.
	// STARTER:  * Tests: server_survives_short_writes. */
	// STARTER: (void)sock;
	// STARTER: (void)buf;
	// STARTER: (void)len;
	// STARTER: (void)idle_ms;
	// STARTER: errno = ENOSYS;
	// STARTER: return SERVE_LOST;
	// BEGIN SOLUTION
	while (len > 0) {
		int ready = wait_fd(sock, POLLOUT, idle_ms);
		ssize_t n;

		if (ready < 0)
			return stop_requested() ? SERVE_STOPPED : SERVE_LOST;
		if (ready == 0)
			return SERVE_IDLE;      /* the client stopped reading */

		/* A non-blocking send() takes what fits and says how much: a
		 * short count is normal, and the rest goes on the next turn.
		 * MSG_NOSIGNAL: if the client has gone, fail with EPIPE
		 * rather than raise SIGPIPE, whose default kills the server
		 * and every client after this one with it. */
		n = send(sock, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK
			    || errno == EINTR)
				continue;
			return SERVE_LOST;      /* EPIPE, ECONNRESET */
		}
		buf += n;
		len -= (size_t)n;
	}
	return SERVE_DONE;
	// END SOLUTION
}

/* At the client's EOF: answer the unfinished last line in BUF (USED
 * bytes, fewer than LINE_BUFSIZE, so there is room for a '\n').  BEGUN:
 * the start of that line has already gone out in pieces (a line longer
 * than BUF), so it is owed its '\n' even when USED is 0. */
static enum serve_result answer_last_line(int sock, char *buf, size_t used,
                                          bool begun, int idle_ms,
                                          unsigned long *lines)
{
	enum serve_result r = SERVE_DONE;

	// STARTER: /* TODO 9: if USED > 0 or BEGUN, answer the unfinished last line: add
	// STARTER:  * '\n' (BUF has room), ascii_upper(), send_answer() into R, and count
	// STARTER:  * it in *LINES if R is SERVE_DONE.  Trap: BEGUN with USED 0 is a long
	// STARTER:  * line whose pieces have all gone out: it is still owed its '\n'.
	// STARTER:  * Tests: last_line_without_newline_is_answered. */
	// STARTER: (void)sock;
	// STARTER: (void)buf;
	// STARTER: (void)used;
	// STARTER: (void)begun;
	// STARTER: (void)idle_ms;
	// STARTER: (void)lines;
	// BEGIN SOLUTION
	/* read() returned 0: end of file, the client will send no more.  A
	 * file whose last line lacks its newline is common (printf "abc"),
	 * and dropping that line would lose data the client did send. */
	if (used > 0 || begun) {
		buf[used++] = '\n';
		ascii_upper(buf, used);
		r = send_answer(sock, buf, used, idle_ms);
		if (r == SERVE_DONE)
			++*lines;
	}
	// END SOLUTION
	return r;
}

enum serve_result serve_lines(int sock, int idle_ms, unsigned long *lines)
{
	char buf[LINE_BUFSIZE];
	size_t used = 0;        /* bytes in BUF: the unfinished line so far */
	bool begun = false;     /* part of that line has been answered */
	int flags;

	*lines = 0;

	/* Non-blocking: read() and send() return at once, and every wait
	 * happens in wait_fd(), where it has a deadline and the stop
	 * signals can end it.  A blocking send() to a client that never
	 * reads would wait for ever, deaf to the idle limit. */
	flags = fcntl(sock, F_GETFL);
	if (flags < 0 || fcntl(sock, F_SETFL, flags | O_NONBLOCK) < 0)
		return SERVE_LOST;

	// STARTER: /* TODO 7: loop: wait_fd(sock, POLLIN, idle_ms) (0: SERVE_IDLE; -1:
	// STARTER:  * SERVE_STOPPED or SERVE_LOST), read_retry() after BUF's USED bytes
	// STARTER:  * (EAGAIN: again; 0: EOF, break).  Trap: a read(2) is part of a line,
	// STARTER:  * or many: send_answer() the complete_lines() uppercased, memmove(3)
	// STARTER:  * the rest to BUF's start; a full BUF goes as a piece (BEGUN).
	// STARTER:  * Tests: line_in_pieces_is_answered_once. */
	// STARTER: (void)buf;
	// STARTER: (void)used;
	// STARTER: (void)begun;
	// STARTER: (void)idle_ms;
	// STARTER: (void)complete_lines;
	// STARTER: (void)send_answer;
	// STARTER: (void)answer_last_line;
	// STARTER: errno = ENOSYS;
	// STARTER: return SERVE_LOST;
	// BEGIN SOLUTION
	for (;;) {
		enum serve_result r;
		unsigned long count;
		size_t done;
		ssize_t n;
		int ready = wait_fd(sock, POLLIN, idle_ms);

		if (ready < 0)
			return stop_requested() ? SERVE_STOPPED : SERVE_LOST;
		if (ready == 0)
			return SERVE_IDLE;      /* silent for IDLE_MS */

		/* Read after what is kept: the start of a line may be
		 * waiting for its end. */
		n = read_retry(sock, buf + used, sizeof buf - used);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				continue;       /* woken, but nothing to read */
			return SERVE_LOST;      /* e.g. ECONNRESET */
		}
		if (n == 0)
			break;                  /* EOF: not an error */
		used += (size_t)n;

		/* Answer every complete line at once, in one send, and keep
		 * the rest.  A buffer full without any '\n' is a line longer
		 * than LINE_BUFSIZE: its uppercase can go out piece by
		 * piece, the '\n' will end it later. */
		done = complete_lines(buf, used, &count);
		if (done == 0 && used == sizeof buf)
			done = used;
		if (done == 0)
			continue;
		ascii_upper(buf, done);
		r = send_answer(sock, buf, done, idle_ms);
		if (r != SERVE_DONE)
			return r;
		*lines += count;
		begun = count == 0;     /* a piece, or the rest is a new line */
		memmove(buf, buf + done, used - done);
		used -= done;
	}
	return answer_last_line(sock, buf, used, begun, idle_ms, lines);
	// END SOLUTION
}
