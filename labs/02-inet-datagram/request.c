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
	/* TODO 6: socket(2), AF_INET, SOCK_DGRAM, as in TODO 2; return it.
	 * Trap: no bind(2): the first sendto() binds a free port, and a fixed
	 * one would make two clients on one host clash.  udp(7).
	 * Tests: two_clients_at_once_do_not_clash. */
	errno = ENOSYS;
	return -1;
}

int send_request(int fd, const void *msg, size_t len,
                 const struct sockaddr_in *server)
{
	/* TODO 7: sendto(2) LEN bytes of MSG to *SERVER, as in TODO 5.  0, or
	 * -1 with errno.  Trap: one call, one datagram: MSG split in pieces
	 * would be as many requests, each answered on its own.
	 * Tests: client_prints_replies_in_order. */
	(void)fd;
	(void)msg;
	(void)len;
	(void)server;
	errno = ENOSYS;
	return -1;
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

	/* TODO 8: loop: poll(2) PFD for ms_left(deadline) ms (none ready:
	 * ETIMEDOUT; EINTR: again), recvfrom(2) into REPLY (UDP_MAX_PAYLOAD,
	 * MSG_DONTWAIT) with its sender.  Trap: not every one is the answer:
	 * log_line() and skip one from anyone but *SERVER (same_endpoint()),
	 * or not answers() to MSG (keep_wrong() it).
	 * Tests: client_ignores_stranger, client_ignores_late_answer. */
	(void)server;
	(void)msg;
	(void)len;
	(void)reply;
	(void)deadline;
	(void)pfd;
	(void)where;
	(void)answers;
	(void)wrong;
	(void)keep_wrong;
	errno = ENOSYS;
	return -1;
}

ssize_t request_reply(int fd, const struct sockaddr_in *server,
                      const void *msg, size_t len, void *reply,
                      int timeout_ms, int retries, struct wrong_reply *wrong)
{
	char where[ADDR_STRLEN];

	format_addr((const struct sockaddr *)server, sizeof *server, where);
	wrong->size = -1;       /* nothing wrong came yet */
	/* TODO 9: send_request(), then await_reply() until
	 * deadline_after(timeout_ms); ETIMEDOUT: log_line() and send again,
	 * another failure: -1 at once.  Trap: after 1 + RETRIES tries, errno
	 * EBADMSG if WRONG->size >= 0 (a wrong reply came), else ETIMEDOUT.
	 * Tests: client_retransmits_lost_request,
	 * client_reports_reply_that_is_not_uppercase. */
	(void)fd;
	(void)msg;
	(void)len;
	(void)reply;
	(void)timeout_ms;
	(void)retries;
	(void)wrong;
	errno = ENOSYS;
	return -1;
}
