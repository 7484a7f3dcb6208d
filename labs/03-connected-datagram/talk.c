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
	/* TODO 9: create an AF_INET datagram socket and connect(2) it
	 * to *SERVER.  No packet is sent: the kernel binds a free
	 * local port and records the server as the only peer.  Return
	 * the fd; on a failure close it and return -1 with errno.
	 * Tests: client_sends_lines_and_bye,
	 * client_socket_is_connected_to_server,
	 * client_without_server_is_refused_promptly,
	 * client_never_sees_strangers. */
	(void)server;
	errno = ENOSYS;
	return -1;
}

ssize_t exchange(int fd, const void *msg, size_t len, void *reply,
                 int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ready;

	/* TODO 10: write(2) MSG (LEN bytes) to FD: one write, one
	 * datagram, no address.  Then poll(2) PFD for TIMEOUT_MS: 0
	 * ready means no reply (errno = ETIMEDOUT, return -1).  Then
	 * read(2) the reply into REPLY (UDP_MAX_PAYLOAD bytes) and
	 * return its size (0 is an empty datagram, not end of file).
	 * When nobody listens on the server's port (or the server is
	 * in a session with another client), its host answers with
	 * an ICMP "port unreachable": poll() wakes up at once and
	 * read() (or the next write()) fails with ECONNREFUSED.
	 * Return -1 with that errno; do not wait for the timeout.
	 * Tests: client_sends_lines_and_bye,
	 * client_socket_is_connected_to_server,
	 * client_without_server_is_refused_promptly,
	 * client_refused_by_busy_server_says_so,
	 * client_reports_server_gone_mid_session,
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
