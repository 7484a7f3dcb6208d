/*
 * relay.c - lab 05, the client's side: what you type goes to the chat,
 * what the others say comes out, both at any moment.
 *
 * A chat client cannot wait for one thing at a time.  Blocked reading
 * the keyboard (fgets, a blocking read of stdin), it prints nothing the
 * others say until you press Enter; blocked reading the socket, it sends
 * nothing you type.  So it waits for both at once, in one poll(2): the
 * server's lines are printed the moment they come, your lines sent the
 * moment you end them.  The socket is non-blocking, so a send() never
 * waits either: what the socket does not take stays pending, and stdin
 * is not read again until it has gone.
 *
 * At the end of stdin, the client half-closes (shutdown(SHUT_WR)): the
 * server reads its end of file and closes in turn, after the lines still
 * queued for us, which are read to the last.
 *
 * Man pages: poll(2), shutdown(2), send(2), read(2).
 */
#include "chat.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELAY_BUFSIZE 65536

/* The state of one chat. */
struct relay {
	int sock, in_fd, out_fd, wait_ms;
	char pending[RELAY_BUFSIZE + 1];   /* read from IN_FD, not yet sent */
	size_t off, len;                   /* unsent: pending[off .. off+len) */
	char last;                         /* the last byte read from IN_FD */
	bool in_done;                      /* IN_FD at its end */
	bool shut;                         /* SOCK half-closed */
	long long deadline;                /* once shut: the server's last moment */
};

/* The socket is readable: copy what came to OUT_FD.  1 at the server's
 * end of file, 0 to go on, -1 on an error. */
static int take_lines(struct relay *r)
{
	char buf[RELAY_BUFSIZE];
	ssize_t n = read_retry(r->sock, buf, sizeof buf);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	if (n == 0)
		return 1;
	return write_all(r->out_fd, buf, (size_t)n) < 0 ? -1 : 0;
}

/* The socket has room: send what is pending.  0, or -1 on an error. */
static int send_pending(struct relay *r)
{
	/* MSG_NOSIGNAL: a server gone makes send() fail with EPIPE, not
	 * raise SIGPIPE, which would end the client before it could say
	 * what happened. */
	ssize_t n = send(r->sock, r->pending + r->off, r->len, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
		       ? 0 : -1;
	r->off += (size_t)n;
	r->len -= (size_t)n;
	return 0;
}

/* IN_FD is readable (nothing pending): read more to send.  At its end,
 * an unfinished last line gets its newline: the server sends only
 * complete lines.  0, or -1 on an error. */
static int read_stdin(struct relay *r)
{
	ssize_t n = read_retry(r->in_fd, r->pending, RELAY_BUFSIZE);

	if (n < 0)
		return -1;
	r->off = 0;
	r->len = (size_t)n;
	if (n > 0) {
		r->last = r->pending[n - 1];
		return 0;
	}
	r->in_done = true;
	if (r->last != '\n')
		r->pending[r->len++] = '\n';    /* room: RELAY_BUFSIZE + 1 */
	return 0;
}

/* Everything read from IN_FD is sent: half-close.  0, or -1. */
static int half_close(struct relay *r)
{
	// STARTER: /* TODO 13: shutdown(2) R->SOCK, SHUT_WR: the server reads end of
	// STARTER:  * file, sends what is queued for us and closes; we read it all.
	// STARTER:  * ENOTCONN: the server has reset already, return 0 (the next
	// STARTER:  * read says ECONNRESET).  Then r->shut = true, r->deadline =
	// STARTER:  * now_ms() + r->wait_ms.  Trap: close(2) would throw away the
	// STARTER:  * lines still on their way.
	// STARTER:  * Tests: client_sends_lines_and_half_closes. */
	// STARTER: (void)r;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* A FIN: "no more lines from me".  The socket stays open the other
	 * way, for the lines the server still has for us. */
	if (shutdown(r->sock, SHUT_WR) < 0 && errno != ENOTCONN)
		return -1;
	r->shut = true;
	r->deadline = now_ms() + r->wait_ms;
	return 0;
	// END SOLUTION
}

/* Relay both ways until the server closes.  0, or -1 with errno as
 * chat_relay() says. */
static int relay(struct relay *r)
{
	// STARTER: /* TODO 12: loop on poll(2) (EINTR: again) of two entries: R->SOCK,
	// STARTER:  * POLLIN, and POLLOUT while r->len > 0; R->IN_FD, POLLIN, while
	// STARTER:  * r->len == 0 and !r->in_done, else fd -1 (ignored).  Timeout: -1,
	// STARTER:  * or once r->shut the ms left to r->deadline (0 left: ETIMEDOUT).
	// STARTER:  * Then as revents say: take_lines() (1: return 0 if r->shut, else
	// STARTER:  * fail with EPIPE), send_pending(), read_stdin(); when r->in_done,
	// STARTER:  * r->len == 0 and !r->shut: half_close().  Trap: a blocking read of
	// STARTER:  * stdin prints nothing the others say until you type.
	// STARTER:  * Tests: client_prints_lines_as_they_come, client_handles_large_input. */
	// STARTER: (void)r;
	// STARTER: (void)take_lines;
	// STARTER: (void)send_pending;
	// STARTER: (void)read_stdin;
	// STARTER: (void)half_close;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = r->sock, .events = POLLIN },
			{ .fd = -1, .events = POLLIN },   /* -1: not watched */
		};
		int timeout = -1, ready;

		if (r->len > 0)
			fds[0].events |= POLLOUT;
		else if (!r->in_done)
			fds[1].fd = r->in_fd;   /* more to send once all is sent */
		if (r->shut) {
			long long left = r->deadline - now_ms();

			timeout = left > 0 ? (int)left : 0;
		}
		ready = poll(fds, 2, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (ready == 0) {
			errno = ETIMEDOUT;      /* shut, and no end of file */
			return -1;
		}
		/* POLLHUP or POLLERR alone is "readable" too: read() tells
		 * what happened (end of file, or ECONNRESET). */
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int end = take_lines(r);

			if (end < 0)
				return -1;
			if (end == 1) {
				if (r->shut)
					return 0;
				errno = EPIPE;  /* closed before our end */
				return -1;
			}
		}
		if ((fds[0].revents & POLLOUT) && send_pending(r) < 0)
			return -1;
		if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR))
		    && read_stdin(r) < 0)
			return -1;
		if (r->in_done && r->len == 0 && !r->shut && half_close(r) < 0)
			return -1;
	}
	// END SOLUTION
}

int chat_relay(int sock, int in_fd, int out_fd, int wait_ms)
{
	static struct relay r;      /* static: 64 KiB, not on the stack */
	int flags;

	memset(&r, 0, sizeof r);
	r.sock = sock;
	r.in_fd = in_fd;
	r.out_fd = out_fd;
	r.wait_ms = wait_ms;
	r.last = '\n';         /* nothing read: no line to complete */
	/* Non-blocking: a send() never waits while lines come in. */
	flags = fcntl(sock, F_GETFL);
	if (flags < 0 || fcntl(sock, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	return relay(&r);
}
