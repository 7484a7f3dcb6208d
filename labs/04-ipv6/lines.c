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
	/* TODO 8: loop until all LEN bytes are sent: wait_fd(sock, POLLOUT,
	 * idle_ms) (0: SERVE_IDLE; -1: SERVE_STOPPED if stop_requested(),
	 * else SERVE_LOST), then send(2), MSG_NOSIGNAL (a gone client: EPIPE,
	 * not SIGPIPE); EAGAIN, EINTR: again.  Trap: non-blocking, send() may
	 * take part only: send the rest.
	 * Tests: server_survives_short_writes. */
	(void)sock;
	(void)buf;
	(void)len;
	(void)idle_ms;
	errno = ENOSYS;
	return SERVE_LOST;
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

	/* TODO 9: if USED > 0 or BEGUN, answer the unfinished last line: add
	 * '\n' (BUF has room), ascii_upper(), send_answer() into R, and count
	 * it in *LINES if R is SERVE_DONE.  Trap: BEGUN with USED 0 is a long
	 * line whose pieces have all gone out: it is still owed its '\n'.
	 * Tests: last_line_without_newline_is_answered. */
	(void)sock;
	(void)buf;
	(void)used;
	(void)begun;
	(void)idle_ms;
	(void)lines;
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

	/* TODO 7: loop: wait_fd(sock, POLLIN, idle_ms) (0: SERVE_IDLE; -1:
	 * SERVE_STOPPED or SERVE_LOST), read_retry() after BUF's USED bytes
	 * (EAGAIN: again; 0: EOF, break).  Trap: a read(2) is part of a line,
	 * or many: send_answer() the complete_lines() uppercased, memmove(3)
	 * the rest to BUF's start; a full BUF goes as a piece (BEGUN).
	 * Tests: line_in_pieces_is_answered_once. */
	(void)buf;
	(void)used;
	(void)begun;
	(void)idle_ms;
	(void)complete_lines;
	(void)send_answer;
	(void)answer_last_line;
	errno = ENOSYS;
	return SERVE_LOST;
}
