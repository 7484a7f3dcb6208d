/*
 * relay.c - lab 04, the client's side of the exchange: send the lines of
 * stdin, print the answers, half-close at the end.
 *
 * The client sends and receives at the same time, watching stdin and the
 * socket with one poll(2).  The obvious alternative, sending everything
 * and then reading the answers, deadlocks on a large input: the server
 * stops reading once its answers fill the buffers we are not emptying,
 * and then our sends block too.  With a terminal as stdin it also lets
 * each answer appear as soon as its line is typed.
 *
 * At the end of stdin, shutdown(SHUT_WR) tells the server "no more
 * lines" while the answers still on their way can arrive: close() would
 * throw them away.  The server's close, read as end of file, says the
 * last answer is in.
 *
 * A server may also go away mid-exchange: close early (end of file
 * before our half-close), or reset the connection (an RST: it closed
 * with our lines still unread, or with SO_LINGER 0).  After an RST the
 * first call on the socket fails with ECONNRESET, the sends after it
 * with EPIPE, and shutdown() with ENOTCONN.  ECONNRESET and EPIPE go
 * back to the client, which says in words what the server did;
 * shutdown()'s ENOTCONN is passed over, since the read after it tells
 * the real news (tcp(7)).
 *
 * Man pages: poll(2), shutdown(2), send(2), read(2), tcp(7).
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

#define RELAY_BUFSIZE 65536

/* The number of '\n' in BUF. */
static unsigned long count_lines(const char *buf, size_t len)
{
	unsigned long n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

/* The state of one exchange. */
struct relay {
	int sock, in_fd, out_fd;
	char pending[RELAY_BUFSIZE];    /* read from IN_FD, not yet sent */
	size_t off, len;                /* unsent: pending[off .. off+len) */
	char last;                      /* the last byte read from IN_FD */
	bool in_done;                   /* IN_FD at its end, SOCK half-closed */
	unsigned long sent, answered;
};

/* The socket is readable: copy the answers to OUT_FD.  1 at the server's
 * end of file, 0 to go on, -1 on an error. */
static int take_answers(struct relay *r)
{
	char buf[RELAY_BUFSIZE];
	ssize_t n = read_retry(r->sock, buf, sizeof buf);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (n == 0)
		return 1;
	r->answered += count_lines(buf, (size_t)n);
	return write_all(r->out_fd, buf, (size_t)n) < 0 ? -1 : 0;
}

/* The socket has room: send what is pending.  0, or -1 on an error. */
static int send_pending(struct relay *r)
{
	/* Non-blocking: send() takes what fits, maybe less than asked.
	 * MSG_NOSIGNAL: a server that has gone makes send() fail with
	 * EPIPE instead of raising SIGPIPE, which would kill the client
	 * before it could say what happened. */
	ssize_t n = send(r->sock, r->pending + r->off, r->len, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
		       ? 0 : -1;
	r->off += (size_t)n;
	r->len -= (size_t)n;
	return 0;
}

/* IN_FD is readable (and nothing is pending): read more to send; at its
 * end, half-close the socket.  0, or -1 on an error. */
static int read_input(struct relay *r)
{
	ssize_t n = read_retry(r->in_fd, r->pending, sizeof r->pending);

	if (n < 0)
		return -1;
	if (n > 0) {
		r->sent += count_lines(r->pending, (size_t)n);
		r->last = r->pending[n - 1];
		r->off = 0;
		r->len = (size_t)n;
		return 0;
	}

	/* End of input; everything read has been sent.  A last line
	 * without '\n' still counts: the server answers it at our EOF. */
	r->in_done = true;
	if (r->last != '\n')
		r->sent++;
	// STARTER: /* TODO 13: shutdown(2) SHUT_WR: the server reads EOF, answers,
	// STARTER:  * closes, and we still read the answers.  Trap: close(2) would
	// STARTER:  * discard them.  ENOTCONN: the server has reset; return 0, the next
	// STARTER:  * read(2) says ECONNRESET.
	// STARTER:  * Tests: client_half_closes_and_prints_every_reply,
	// STARTER:  * client_says_how_the_server_went_away. */
	// STARTER: return 0;
	// BEGIN SOLUTION
	/* shutdown(SHUT_WR) sends a FIN: the server's read() returns 0 once
	 * it has read every line.  The socket stays open in the other
	 * direction for the answers still coming.  ENOTCONN: an RST came
	 * in first (the server closed with our lines unread); the answers
	 * that came before it can still be read, and then read() says
	 * ECONNRESET: that, not ENOTCONN, is what the user must hear. */
	if (shutdown(r->sock, SHUT_WR) < 0 && errno != ENOTCONN)
		return -1;
	return 0;
	// END SOLUTION
}

/* Relay both ways until the server closes.  0, or -1 with errno as
 * exchange_lines() says; R's counters tell how far it got. */
static int relay(struct relay *r)
{
	// STARTER: /* TODO 12: loop on poll(2) (EINTR: again): R->SOCK for POLLIN, and
	// STARTER:  * POLLOUT while r->len > 0; R->IN_FD for POLLIN while r->len == 0 and
	// STARTER:  * !r->in_done, else fd -1.  Then, as revents say, take_answers() (1:
	// STARTER:  * done, or EPIPE before r->in_done), send_pending(), read_input().
	// STARTER:  * Trap: POLLHUP or POLLERR alone is readable too.
	// STARTER:  * Tests: client_handles_large_input. */
	// STARTER: (void)r;
	// STARTER: (void)take_answers;
	// STARTER: (void)send_pending;
	// STARTER: (void)read_input;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = r->sock, .events = POLLIN },
			{ .fd = -1, .events = POLLIN },   /* -1: not watched */
		};

		if (r->len > 0)
			fds[0].events |= POLLOUT;
		else if (!r->in_done)
			fds[1].fd = r->in_fd;   /* read more once all is sent */

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int end = take_answers(r);

			if (end < 0)
				return -1;      /* ECONNRESET: reset */
			if (end == 1) {
				if (r->in_done)
					return 0;
				errno = EPIPE;  /* closed on our lines */
				return -1;
			}
		}
		if ((fds[0].revents & POLLOUT) && send_pending(r) < 0)
			return -1;
		if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR))
		    && read_input(r) < 0)
			return -1;
	}
	// END SOLUTION
}

int exchange_lines(int sock, int in_fd, int out_fd,
                   unsigned long *sent, unsigned long *answered)
{
	struct relay r = { .sock = sock, .in_fd = in_fd, .out_fd = out_fd,
	                   .last = '\n' };
	int flags, result = -1;

	/* Non-blocking, so a send() never waits: we have answers to read
	 * meanwhile.  poll() says when the socket has room again. */
	flags = fcntl(sock, F_GETFL);
	if (flags >= 0 && fcntl(sock, F_SETFL, flags | O_NONBLOCK) == 0)
		result = relay(&r);
	/* However it ended, errno kept: the client says how far it got. */
	*sent = r.sent;
	*answered = r.answered;
	return result;
}
