/*
 * talk.c - lab 03, the client: a datagram socket connected to the
 * server, so plain write() and read() work, only the server's datagrams
 * arrive, and "nobody listens on that port" comes back as ECONNREFUSED
 * (so does "the server is in a session with someone else": its socket,
 * connected to that peer, is not there for us, and the kernel says so).
 *
 * Compare lab 02's request.c: there every datagram needs an address
 * (sendto), every reply must be checked for its sender (recvfrom), and a
 * server that is not running looks exactly like a slow one - the client
 * waits out its timeout, retries, waits again.
 *
 * Man pages: connect(2), write(2), read(2), poll(2), udp(7).
 */
#include "connected_dgram.h"

#include "common.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

int connect_server(const struct sockaddr_in *server)
{
	// STARTER: /* TODO 9: create an AF_INET datagram socket and connect(2) it
	// STARTER:  * to *SERVER.  No packet is sent: the kernel binds a free
	// STARTER:  * local port and records the server as the only peer.  Return
	// STARTER:  * the fd; on a failure close it and return -1 with errno.
	// STARTER:  * Tests: client_sends_lines_and_bye,
	// STARTER:  * client_socket_is_connected_to_server,
	// STARTER:  * client_without_server_is_refused_promptly,
	// STARTER:  * client_never_sees_strangers. */
	// STARTER: (void)server;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;

	/* connect() on a datagram socket only records the peer: it cannot
	 * fail because the server is absent.  That news arrives later, as
	 * an error on a read() or write() (see exchange()). */
	if (connect(fd, (const struct sockaddr *)server, sizeof *server) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
	// END SOLUTION
}

ssize_t exchange(int fd, const void *msg, size_t len, void *reply,
                 int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ready;

	// STARTER: /* TODO 10: write(2) MSG (LEN bytes) to FD: one write, one
	// STARTER:  * datagram, no address.  Then poll(2) PFD for TIMEOUT_MS: 0
	// STARTER:  * ready means no reply (errno = ETIMEDOUT, return -1).  Then
	// STARTER:  * read(2) the reply into REPLY (UDP_MAX_PAYLOAD bytes) and
	// STARTER:  * return its size (0 is an empty datagram, not end of file).
	// STARTER:  * When nobody listens on the server's port (or the server is
	// STARTER:  * in a session with another client), its host answers with
	// STARTER:  * an ICMP "port unreachable": poll() wakes up at once and
	// STARTER:  * read() (or the next write()) fails with ECONNREFUSED.
	// STARTER:  * Return -1 with that errno; do not wait for the timeout.
	// STARTER:  * Tests: client_sends_lines_and_bye,
	// STARTER:  * client_socket_is_connected_to_server,
	// STARTER:  * client_without_server_is_refused_promptly,
	// STARTER:  * client_refused_by_busy_server_says_so,
	// STARTER:  * client_reports_server_gone_mid_session,
	// STARTER:  * client_gives_up_without_reply. */
	// STARTER: (void)msg;
	// STARTER: (void)len;
	// STARTER: (void)reply;
	// STARTER: (void)timeout_ms;
	// STARTER: (void)pfd;
	// STARTER: (void)ready;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* write() works because the socket knows its peer.  A datagram is
	 * written whole or not at all: no loop.  An ECONNREFUSED left by an
	 * earlier datagram would be reported right here. */
	if (write(fd, msg, len) < 0)
		return -1;

	/* The server or the network may lose the datagram: wait, but not
	 * for ever.  An ICMP error wakes poll() too (POLLERR). */
	do
		ready = poll(&pfd, 1, timeout_ms);
	while (ready < 0 && errno == EINTR);
	if (ready < 0)
		return -1;
	if (ready == 0) {
		errno = ETIMEDOUT;
		return -1;
	}

	/* Only the server's datagrams get this far: the kernel dropped
	 * everyone else's.  read() has no way to say who sent a datagram,
	 * and here it needs none.  A pending ECONNREFUSED is returned now. */
	return read(fd, reply, UDP_MAX_PAYLOAD);
	// END SOLUTION
}
