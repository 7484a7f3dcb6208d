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
 * IDLE_MS whenever the client is not taking them. */
static enum serve_result send_answer(int sock, const char *buf, size_t len,
                                     int idle_ms)
{
	/* TODO 8: send all LEN bytes of BUF.  SOCK is non-blocking,
	 * so send(2) takes what fits in the socket buffer (maybe
	 * only part) or fails with EAGAIN when it is full.  Loop:
	 * wait_fd(sock, POLLOUT, idle_ms) first: 0 means the client
	 * has not read for IDLE_MS: return SERVE_IDLE; -1 means a stop
	 * signal (stop_requested()): SERVE_STOPPED, else SERVE_LOST.
	 * Then send(sock, ..., MSG_NOSIGNAL): a client that has gone
	 * makes it fail with EPIPE instead of killing the server with
	 * SIGPIPE.  EAGAIN or EINTR: wait again; another error:
	 * SERVE_LOST.  Return SERVE_DONE when all is sent.
	 * Tests: nonreading_client_is_dropped, long_line_is_answered,
	 * vanished_client_is_survived, server_survives_short_writes. */
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

	/* TODO 9: the client's EOF may come after a last line without
	 * '\n': if USED > 0 or BEGUN, that line is still answered.
	 * Add the '\n' (every answer ends in one), uppercase it with
	 * ascii_upper(), send it with send_answer(), and count it in
	 * *LINES if that worked.  (BEGUN with USED 0: a long line's
	 * pieces have all gone out, only its '\n' is owed.)
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

	/* TODO 7: answer every complete line the client sends.
	 * Loop: wait_fd(sock, POLLIN, idle_ms): 0 means the client sent
	 * nothing for IDLE_MS: return SERVE_IDLE; -1: SERVE_STOPPED if
	 * stop_requested(), else SERVE_LOST.  Then read(2) (use
	 * read_retry()) into BUF after the USED bytes already there;
	 * EAGAIN: wait again; another error: SERVE_LOST; 0 is the
	 * client's EOF: leave the loop.
	 * A read returns whatever has arrived: part of a line, or many
	 * lines.  complete_lines() gives the length of the complete
	 * lines in BUF and their count: uppercase them (ascii_upper()),
	 * send them (send_answer(), TODO 8), add the count to *LINES,
	 * and move the unfinished rest to the start of BUF (memmove(3)).
	 * When BUF is full without a '\n', send it all as a piece of
	 * a longer line (not counted: its line ends later), and
	 * remember in BEGUN that this line has begun to go out.
	 * After the loop: return answer_last_line(...) (TODO 9).
	 * Tests: line_in_pieces_is_answered_once,
	 * many_lines_in_one_write_are_all_answered,
	 * long_line_is_answered, idle_client_is_dropped. */
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
