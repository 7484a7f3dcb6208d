/*
 * request.c - lab 06, the client's exchange: sendto() a line to the
 * server, wait for the answer with a deadline.
 *
 * A UNIX datagram is not lost on the way (unix(7)): no retransmission,
 * unlike lab 02.  A missing answer means a server that is gone, stuck,
 * or could not answer (a client that did not bind); a deadline is still
 * what stops the client from waiting for ever.  And the client's socket
 * receives from anyone who knows its name: only a datagram from the
 * server's address is the answer.
 *
 * Man pages: sendto(2), recvfrom(2), poll(2), unix(7).
 */
#include "unix_dgram.h"

#include "common.h"
#include "inet.h"       /* deadline_after(), ms_left() */

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Is A (ALEN bytes, from recvfrom()) the address B (BLEN bytes)?  A
 * pathname compares as a string: the kernel gives it back with its own
 * length.  An abstract name compares byte for byte, length included. */
static bool same_address(const struct sockaddr_un *a, socklen_t alen,
                         const struct sockaddr_un *b, socklen_t blen)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t an = alen > off ? alen - off : 0, bn = blen > off ? blen - off : 0;

	if (an == 0 || bn == 0 || a->sun_family != AF_UNIX
	    || an > sizeof a->sun_path || bn > sizeof b->sun_path)
		return false;
	if (a->sun_path[0] == '\0' || b->sun_path[0] == '\0')
		return an == bn && memcmp(a->sun_path, b->sun_path, an) == 0;
	return strncmp(a->sun_path, b->sun_path, an < bn ? bn : an) == 0;
}

int send_line(int fd, const void *line, size_t len,
              const struct sockaddr_un *server, socklen_t server_len)
{
	/* TODO 8: sendto(2) LEN bytes of LINE to SERVER, SERVER_LEN bytes: one
	 * call, one datagram, whole or none.  0, or -1 with errno.  Trap: the
	 * length is SERVER_LEN (unix_addr()'s), not sizeof(struct sockaddr),
	 * which cuts the server's path to 14 bytes.
	 * Tests: client_sends_each_line_as_one_datagram, client_without_server_fails. */
	(void)fd;
	(void)line;
	(void)len;
	(void)server;
	(void)server_len;
	errno = ENOSYS;
	return -1;
}

ssize_t await_answer(int fd, void *buf, size_t cap,
                     const struct sockaddr_un *server, socklen_t server_len,
                     int timeout_ms)
{
	int64_t deadline = deadline_after(timeout_ms);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char where[ADDR_STRLEN];

	/* TODO 9: loop: poll(2) PFD for ms_left(deadline) ms (none ready:
	 * errno ETIMEDOUT, -1; EINTR: again), recvfrom(2) into BUF (CAP bytes,
	 * MSG_DONTWAIT) with the sender's address; return its size.  Trap:
	 * anyone may send to our name: a datagram whose sender is not SERVER
	 * (same_address()) is log_line()d, "ignored N bytes from ADDRESS: not
	 * the server" (format_addr(), WHERE), and skipped.
	 * Tests: client_ignores_strangers, client_gives_up_without_answer. */
	(void)buf;
	(void)cap;
	(void)server;
	(void)server_len;
	(void)deadline;
	(void)pfd;
	(void)where;
	(void)same_address;
	errno = ENOSYS;
	return -1;
}
