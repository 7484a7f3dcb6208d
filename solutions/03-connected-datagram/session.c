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
	// STARTER: /* TODO 2: recvfrom(2) the datagram into BUF (CAP bytes), flag
	// STARTER:  * MSG_DONTWAIT (wait_fd() has waited), as in lab 02.  Trap: its
	// STARTER:  * sender is the session's peer: pass PEER and &len (set already), not
	// STARTER:  * NULL.  Return what recvfrom() returns.
	// STARTER:  * Tests: first_datagram_is_answered. */
	// STARTER: (void)buf;
	// STARTER: (void)cap;
	// STARTER: (void)len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* The socket is unconnected: anyone may open a session, and
	 * recvfrom() tells us who did. */
	return recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)peer,
	                &len);
	// END SOLUTION
}

int connect_peer(int fd, const struct sockaddr_in *peer)
{
	// STARTER: /* TODO 3: connect(2) FD to *PEER, sizeof *peer bytes; return what it
	// STARTER:  * returns.  Nothing is sent: the kernel records the one address FD
	// STARTER:  * sends to and hears from.  Trap: without it a stranger's datagram
	// STARTER:  * (its BYE too) is read as the peer's.  udp(7).
	// STARTER:  * Tests: session_serves_only_its_peer. */
	// STARTER: (void)fd;
	// STARTER: (void)peer;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* From here on the kernel drops datagrams from anyone but PEER
	 * before they reach our queue, and send() needs no address.
	 * Without it a stranger's datagram would be read (and answered, or
	 * worse: its BYE would end our peer's session). */
	return connect(fd, (const struct sockaddr *)peer, sizeof *peer);
	// END SOLUTION
}

int session_send(int fd, const void *buf, size_t len)
{
	// STARTER: /* TODO 4: send(2) LEN bytes of BUF to the connected peer: one call,
	// STARTER:  * one datagram (an empty one too).  0, or -1 with errno.  Trap: no
	// STARTER:  * sendto() with an address: the socket knows its peer, and POSIX lets
	// STARTER:  * a connected socket refuse one (EISCONN).  udp(7).
	// STARTER:  * Tests: server_replies_on_connected_socket. */
	// STARTER: (void)fd;
	// STARTER: (void)buf;
	// STARTER: (void)len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* send() on a connected socket: the destination is the peer that
	 * connect() recorded.  sendto() with an address would work on Linux
	 * too, but hides what the socket already knows. */
	return send(fd, buf, len, 0) < 0 ? -1 : 0;
	// END SOLUTION
}

ssize_t session_receive(int fd, const struct sockaddr_in *peer, void *buf,
                        size_t cap, int64_t deadline)
{
	char where[ADDR_STRLEN];

	// STARTER: /* TODO 5: loop: wait_fd(fd, POLLIN, ms_left(deadline)) (-1: return
	// STARTER:  * -1; 0: ETIMEDOUT), recvfrom(2) with MSG_DONTWAIT, the sender into a
	// STARTER:  * local sockaddr_in (EAGAIN: loop; another error: -1).  Trap:
	// STARTER:  * connect() filters new datagrams only: log_line() and skip those
	// STARTER:  * queued before it (not same_endpoint() as *PEER).
	// STARTER:  * Tests: queued_stranger_is_discarded. */
	// STARTER: (void)fd;
	// STARTER: (void)peer;
	// STARTER: (void)buf;
	// STARTER: (void)cap;
	// STARTER: (void)deadline;
	// STARTER: (void)where;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	for (;;) {
		struct sockaddr_in from;
		socklen_t len = sizeof from;
		int ready = wait_fd(fd, POLLIN, ms_left(deadline));
		ssize_t n;

		if (ready < 0)
			return -1;
		if (ready == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		/* recvfrom(), not recv(), on the connected socket: its sender
		 * tells the peer's datagrams from the ones strangers queued
		 * before connect().  An ICMP "port unreachable" for something
		 * we sent the peer comes back here as ECONNREFUSED: only a
		 * connected socket is told. */
		n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)&from,
		             &len);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0)
			return -1;
		if (!same_endpoint(&from, peer)) {
			log_line("discarded %zd bytes from %s: queued before "
			         "connect()", n,
			         format_addr((struct sockaddr *)&from, len, where));
			continue;
		}
		return n;
	}
	// END SOLUTION
}

int dissolve(int fd)
{
	struct sockaddr_in none;

	memset(&none, 0, sizeof none);
	// STARTER: /* TODO 6: connect(2) FD to NONE with sin_family AF_UNSPEC: the peer
	// STARTER:  * is forgotten.  Return what connect() returns.  Trap: without it the
	// STARTER:  * socket hears only the old peer: the next peer's datagrams are
	// STARTER:  * dropped unseen.  connect(2) (AF_UNSPEC), udp(7).
	// STARTER:  * Tests: next_peer_is_served_after_bye. */
	// STARTER: (void)fd;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* connect() to AF_UNSPEC forgets the peer: the socket is unconnected
	 * again and receives from anyone.  (Linux also unbinds a port it
	 * chose itself at this point: see bind.c.) */
	none.sin_family = AF_UNSPEC;
	return connect(fd, (struct sockaddr *)&none, sizeof none);
	// END SOLUTION
}

int send_bye(int fd, const struct sockaddr_in *peer)
{
	// STARTER: /* TODO 7: sendto(2) BYE, BYE_LEN bytes, to *PEER.  0, or -1 with
	// STARTER:  * errno.  Trap: not send(): serve_session() has dissolved the socket
	// STARTER:  * already (a next peer may send the moment it sees BYE, and a socket
	// STARTER:  * still connected would drop that), so it has no peer.
	// STARTER:  * Tests: bye_is_answered_after_dissolving. */
	// STARTER: (void)fd;
	// STARTER: (void)peer;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* The socket is unconnected again: name the destination. */
	return sendto(fd, BYE, BYE_LEN, 0, (const struct sockaddr *)peer,
	              sizeof *peer) < 0 ? -1 : 0;
	// END SOLUTION
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
