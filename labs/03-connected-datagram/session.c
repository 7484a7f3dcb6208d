/*
 * session.c - lab 03, the server's sessions: recvfrom() a first
 * datagram from anyone, connect() to its sender, talk to that peer
 * alone, then dissolve the association with connect(AF_UNSPEC).
 *
 * What connect() does to a datagram socket: no handshake, no packet on
 * the wire.  The kernel records the peer, and from then on
 *   - send()/write() need no address: they go to the peer;
 *   - datagrams from anyone else are no longer delivered to the socket:
 *     the kernel answers them with ICMP "port unreachable", as for a port
 *     nobody listens on, so another client gets ECONNREFUSED;
 *   - errors the network reports about the peer (ECONNREFUSED, from an
 *     ICMP "port unreachable") are returned by the next call.
 * What it does not do: take back the datagrams that other senders had
 * already queued on the socket before it.
 *
 * Man pages: connect(2), recvfrom(2), send(2), sendto(2), udp(7).
 */
#include "connected_dgram.h"

#include "common.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

ssize_t wait_for_peer(int fd, void *buf, size_t cap, struct sockaddr_in *peer)
{
	socklen_t len = sizeof *peer;

	/* Between sessions the server may idle for ever: wait with the stop
	 * signals open (common.h). */
	if (wait_fd(fd, POLLIN, -1) < 0)
		return -1;
	/* TODO 2: recvfrom(2) the datagram into BUF (CAP bytes), flag
	 * MSG_DONTWAIT (wait_fd() has waited), as in lab 02.  Trap: its
	 * sender is the session's peer: pass PEER and &len (set already), not
	 * NULL.  Return what recvfrom() returns.
	 * Tests: first_datagram_is_answered. */
	(void)buf;
	(void)cap;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int connect_peer(int fd, const struct sockaddr_in *peer)
{
	/* TODO 3: connect(2) FD to *PEER, sizeof *peer bytes; return what it
	 * returns.  Nothing is sent: the kernel records the one address FD
	 * sends to and hears from.  Trap: without it a stranger's datagram
	 * (its BYE too) is read as the peer's.  udp(7).
	 * Tests: session_serves_only_its_peer. */
	(void)fd;
	(void)peer;
	errno = ENOSYS;
	return -1;
}

int session_send(int fd, const void *buf, size_t len)
{
	/* TODO 4: send(2) LEN bytes of BUF to the connected peer: one call,
	 * one datagram (an empty one too).  0, or -1 with errno.  Trap: no
	 * sendto() with an address: the socket knows its peer, and POSIX lets
	 * a connected socket refuse one (EISCONN).  udp(7).
	 * Tests: server_replies_on_connected_socket. */
	(void)fd;
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}

ssize_t session_receive(int fd, const struct sockaddr_in *peer, void *buf,
                        size_t cap, int64_t deadline)
{
	char where[ADDR_STRLEN];

	/* TODO 5: loop: wait_fd(fd, POLLIN, ms_left(deadline)) (-1: return
	 * -1; 0: ETIMEDOUT), recvfrom(2) with MSG_DONTWAIT, the sender into a
	 * local sockaddr_in (EAGAIN: loop; another error: -1).  Trap:
	 * connect() filters new datagrams only: log_line() and skip those
	 * queued before it (not same_endpoint() as *PEER).
	 * Tests: queued_stranger_is_discarded. */
	(void)fd;
	(void)peer;
	(void)buf;
	(void)cap;
	(void)deadline;
	(void)where;
	errno = ENOSYS;
	return -1;
}

int dissolve(int fd)
{
	struct sockaddr_in none;

	memset(&none, 0, sizeof none);
	/* TODO 6: connect(2) FD to NONE with sin_family AF_UNSPEC: the peer
	 * is forgotten.  Return what connect() returns.  Trap: without it the
	 * socket hears only the old peer: the next peer's datagrams are
	 * dropped unseen.  connect(2) (AF_UNSPEC), udp(7).
	 * Tests: next_peer_is_served_after_bye. */
	(void)fd;
	errno = ENOSYS;
	return -1;
}

int send_bye(int fd, const struct sockaddr_in *peer)
{
	/* TODO 7: sendto(2) BYE, BYE_LEN bytes, to *PEER.  0, or -1 with
	 * errno.  Trap: not send(): serve_session() has dissolved the socket
	 * already (a next peer may send the moment it sees BYE, and a socket
	 * still connected would drop that), so it has no peer.
	 * Tests: bye_is_answered_after_dissolving. */
	(void)fd;
	(void)peer;
	errno = ENOSYS;
	return -1;
}

static bool is_bye(const void *buf, size_t n)
{
	return n == BYE_LEN && memcmp(buf, BYE, BYE_LEN) == 0;
}

bool serve_session(int fd, const struct sockaddr_in *peer, void *first,
                   size_t n, int idle_ms)
{
	char *buf = first;              /* UDP_MAX_PAYLOAD bytes */
	unsigned long count = 1;        /* the first datagram counts */
	bool bye = false, stopped = false;
	char where[ADDR_STRLEN];

	format_addr((const struct sockaddr *)peer, sizeof *peer, where);
	if (connect_peer(fd, peer) < 0) {
		log_line("connect %s: %s", where, strerror(errno));
		return true;
	}
	log_line("session with %s started", where);

	for (;;) {
		ssize_t got;

		if (is_bye(buf, n)) {
			bye = true;
			break;
		}
		ascii_upper(buf, n);
		if (session_send(fd, buf, n) < 0) {
			log_line("session with %s: send: %s", where,
			         strerror(errno));
			break;
		}
		/* The idle limit starts again with every datagram from the
		 * peer, and only then: discarded strangers do not count. */
		got = session_receive(fd, peer, buf, UDP_MAX_PAYLOAD,
		                      deadline_after(idle_ms));
		if (got < 0) {
			stopped = stop_requested();
			if (errno == ETIMEDOUT)
				log_line("session with %s: silent for %d ms",
				         where, idle_ms);
			else if (!stopped)
				log_line("session with %s: %s", where,
				         strerror(errno));
			break;
		}
		n = (size_t)got;
		count++;
	}

	/* Dissolve first, answer BYE after: while still connected, a next
	 * peer's datagram sent the moment it sees our BYE would be dropped. */
	if (dissolve(fd) < 0)
		log_line("dissolve: %s", strerror(errno));
	log_line("session with %s ended: %lu datagrams", where, count);
	if (bye && send_bye(fd, peer) < 0)
		log_line("sendto %s: %s", where, strerror(errno));
	return !stopped;
}
