/*
 * request.c - lab 02, the client: send a request, wait for its answer
 * with a deadline, send it again when none comes.
 *
 * UDP promises nothing: a request or its answer may be lost, and then
 * nothing at all happens - no error, no end of file.  A client that
 * simply blocks in recvfrom() waits for ever.  So it waits with a
 * deadline and retransmits.  And its socket, not connected to anyone,
 * accepts datagrams from anybody: each one must be checked to come from
 * the server, and to be the answer to this request, not a late copy of
 * the answer to an earlier one.
 *
 * Man pages: socket(2), sendto(2), recvfrom(2), poll(2), udp(7).
 */
#include "inet_dgram.h"

#include "common.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

int client_socket(void)
{
	// STARTER: /* TODO 6: socket(2), AF_INET, SOCK_DGRAM, as in TODO 2; return it.
	// STARTER:  * Trap: no bind(2): the first sendto() binds a free port, and a fixed
	// STARTER:  * one would make two clients on one host clash.  udp(7).
	// STARTER:  * Tests: two_clients_at_once_do_not_clash. */
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* No bind(): the first sendto() binds the socket to a free
	 * ("ephemeral") port, and the server answers to whatever port that
	 * is.  Binding a fixed port would stop two clients running at once. */
	return socket(AF_INET, SOCK_DGRAM, 0);
	// END SOLUTION
}

int send_request(int fd, const void *msg, size_t len,
                 const struct sockaddr_in *server)
{
	// STARTER: /* TODO 7: sendto(2) LEN bytes of MSG to *SERVER, as in TODO 5.  0, or
	// STARTER:  * -1 with errno.  Trap: one call, one datagram: MSG split in pieces
	// STARTER:  * would be as many requests, each answered on its own.
	// STARTER:  * Tests: client_prints_replies_in_order. */
	// STARTER: (void)fd;
	// STARTER: (void)msg;
	// STARTER: (void)len;
	// STARTER: (void)server;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* One sendto(), one datagram: the server gets MSG whole, in one
	 * recvfrom(), or not at all. */
	return sendto(fd, msg, len, 0, (const struct sockaddr *)server,
	              sizeof *server) < 0 ? -1 : 0;
	// END SOLUTION
}

/* Is the datagram REPLY (N bytes) the answer to MSG (LEN bytes), that is
 * MSG with its ASCII letters uppercased? */
static bool answers(const unsigned char *reply, size_t n,
                    const unsigned char *msg, size_t len)
{
	if (n != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = msg[i];

		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (reply[i] != c)
			return false;
	}
	return true;
}

/* Keep the first bytes of REPLY (N bytes), a datagram from the server
 * that is not the answer, in *WRONG: if no answer ever comes, the
 * client says what came instead. */
static void keep_wrong(struct wrong_reply *wrong, const void *reply, size_t n)
{
	wrong->size = (ssize_t)n;
	memcpy(wrong->start, reply, n < sizeof wrong->start ? n
	                                                    : sizeof wrong->start);
}

ssize_t await_reply(int fd, const struct sockaddr_in *server,
                    const void *msg, size_t len, void *reply,
                    int64_t deadline, struct wrong_reply *wrong)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char where[ADDR_STRLEN];

	// STARTER: /* TODO 8: loop: poll(2) PFD for ms_left(deadline) ms (none ready:
	// STARTER:  * ETIMEDOUT; EINTR: again), recvfrom(2) into REPLY (UDP_MAX_PAYLOAD,
	// STARTER:  * MSG_DONTWAIT) with its sender.  Trap: not every one is the answer:
	// STARTER:  * log_line() and skip one from anyone but *SERVER (same_endpoint()),
	// STARTER:  * or not answers() to MSG (keep_wrong() it).
	// STARTER:  * Tests: client_ignores_stranger, client_ignores_late_answer. */
	// STARTER: (void)server;
	// STARTER: (void)msg;
	// STARTER: (void)len;
	// STARTER: (void)reply;
	// STARTER: (void)deadline;
	// STARTER: (void)pfd;
	// STARTER: (void)where;
	// STARTER: (void)answers;
	// STARTER: (void)wrong;
	// STARTER: (void)keep_wrong;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	for (;;) {
		struct sockaddr_in from;
		socklen_t from_len = sizeof from;
		ssize_t n;
		/* poll() with a timeout is the deadline: recvfrom() alone
		 * would block for ever when the request or its answer was
		 * lost.  The timeout is what is left, not MS again: a stream
		 * of strangers' datagrams must not keep us waiting for ever. */
		int ready = poll(&pfd, 1, ms_left(deadline));

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return -1;
		if (ready == 0) {
			errno = ETIMEDOUT;
			return -1;
		}

		/* Our socket is not connected: it receives datagrams from
		 * anyone who knows its port.  recvfrom() says who sent this
		 * one.  MSG_DONTWAIT: never block past the deadline, even if
		 * the datagram poll() saw is gone (see echo.c). */
		n = recvfrom(fd, reply, UDP_MAX_PAYLOAD, MSG_DONTWAIT,
		             (struct sockaddr *)&from, &from_len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -1;

		/* Address AND port: another program on the server's host
		 * (another port) is not the server. */
		if (!same_endpoint(&from, server)) {
			log_line("ignored %zd bytes from %s: not the server", n,
			         format_addr((struct sockaddr *)&from, from_len,
			                     where));
			continue;
		}
		/* From the server, but not this answer: the late answer to a
		 * request we retransmitted.  Taking it would print the
		 * previous answer again and lose this one.  A server that
		 * does not uppercase (a plain echo server) lands here too:
		 * keep what it sent, to say so if no answer ever comes. */
		if (!answers(reply, (size_t)n, msg, len)) {
			log_line("ignored %zd bytes from %s: not the answer to "
			         "this request", n,
			         format_addr((struct sockaddr *)&from, from_len,
			                     where));
			keep_wrong(wrong, reply, (size_t)n);
			continue;
		}
		return n;
	}
	// END SOLUTION
}

ssize_t request_reply(int fd, const struct sockaddr_in *server,
                      const void *msg, size_t len, void *reply,
                      int timeout_ms, int retries, struct wrong_reply *wrong)
{
	char where[ADDR_STRLEN];

	format_addr((const struct sockaddr *)server, sizeof *server, where);
	wrong->size = -1;       /* nothing wrong came yet */
	// STARTER: /* TODO 9: send_request(), then await_reply() until
	// STARTER:  * deadline_after(timeout_ms); ETIMEDOUT: log_line() and send again,
	// STARTER:  * another failure: -1 at once.  Trap: after 1 + RETRIES tries, errno
	// STARTER:  * EBADMSG if WRONG->size >= 0 (a wrong reply came), else ETIMEDOUT.
	// STARTER:  * Tests: client_retransmits_lost_request,
	// STARTER:  * client_reports_reply_that_is_not_uppercase. */
	// STARTER: (void)fd;
	// STARTER: (void)msg;
	// STARTER: (void)len;
	// STARTER: (void)reply;
	// STARTER: (void)timeout_ms;
	// STARTER: (void)retries;
	// STARTER: (void)wrong;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	for (int try = 0; try <= retries; try++) {
		ssize_t n;

		if (try > 0)
			log_line("no reply from %s within %d ms: sending again "
			         "(retry %d of %d)", where, timeout_ms, try, retries);
		if (send_request(fd, msg, len, server) < 0)
			return -1;
		n = await_reply(fd, server, msg, len, reply,
		                deadline_after(timeout_ms), wrong);
		if (n >= 0 || errno != ETIMEDOUT)
			return n;
	}
	/* "No reply" would send the user looking for a dead server when a
	 * live one answered wrong (a plain echo server, say). */
	errno = wrong->size >= 0 ? EBADMSG : ETIMEDOUT;
	return -1;
	// END SOLUTION
}
