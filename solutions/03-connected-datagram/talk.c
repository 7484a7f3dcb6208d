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
	// STARTER: /* TODO 9: socket(2), AF_INET, SOCK_DGRAM, connect(2) to *SERVER.  No
	// STARTER:  * packet goes out: the kernel picks a local port and records the
	// STARTER:  * server.  Trap: connect() cannot see that the server is absent; that
	// STARTER:  * comes later, as ECONNREFUSED.  On failure close the fd, errno kept.
	// STARTER:  * Tests: client_socket_is_connected_to_server. */
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

	// STARTER: /* TODO 10: write(2) MSG: one datagram, no address.  poll(2) PFD for
	// STARTER:  * TIMEOUT_MS (none ready: ETIMEDOUT), then read(2) the reply into
	// STARTER:  * REPLY (0 bytes: an empty datagram).  Trap: with no server, or a
	// STARTER:  * busy one, poll() wakes at once and read() fails: ECONNREFUSED.
	// STARTER:  * Tests: client_without_server_is_refused_promptly,
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
