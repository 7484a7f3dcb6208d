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
	/* TODO 9: socket(2), AF_INET, SOCK_DGRAM, connect(2) to *SERVER.  No
	 * packet goes out: the kernel picks a local port and records the
	 * server.  Trap: connect() cannot see that the server is absent; that
	 * comes later, as ECONNREFUSED.  On failure close the fd, errno kept.
	 * Tests: client_socket_is_connected_to_server. */
	(void)server;
	errno = ENOSYS;
	return -1;
}

ssize_t exchange(int fd, const void *msg, size_t len, void *reply,
                 int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ready;

	/* TODO 10: write(2) MSG: one datagram, no address.  poll(2) PFD for
	 * TIMEOUT_MS (none ready: ETIMEDOUT), then read(2) the reply into
	 * REPLY (0 bytes: an empty datagram).  Trap: with no server, or a
	 * busy one, poll() wakes at once and read() fails: ECONNREFUSED.
	 * Tests: client_without_server_is_refused_promptly,
	 * client_gives_up_without_reply. */
	(void)msg;
	(void)len;
	(void)reply;
	(void)timeout_ms;
	(void)pfd;
	(void)ready;
	errno = ENOSYS;
	return -1;
}
