/*
 * measure.c - lab 06, the property table by experiment: for one domain
 * and one type, what happens to COUNT messages of SIZE bytes.
 *
 * The course's table says a stream is reliable and keeps no boundaries,
 * a datagram socket the opposite.  These functions ask the kernel
 * instead:
 *  - reliable delivery?  A sender that never waits (MSG_DONTWAIT) sends
 *    COUNT messages to a receiver that does not read yet.  When there is
 *    no room, the kernel either refuses the send (EAGAIN: "you would have
 *    to wait") or takes it and drops it later.  Reliable: every byte it
 *    took arrives.
 *  - message boundaries preserved?  The receiver then reads with a
 *    buffer big enough for everything.  Each read returns one message,
 *    or whatever bytes are there.
 *  - connection-oriented?  A new socket sendto()s the receiver's address
 *    without connect(): a connectionless socket sends, a connection-
 *    oriented one refuses (ENOTCONN, EPIPE, EOPNOTSUPP).
 * The same code for every domain: only the address differs.
 *
 * Man pages: socket(7), unix(7), udp(7), tcp(7), send(2), recv(2).
 */
#include "unix_dgram.h"

#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The loopback address of DOMAIN with "any" port: the kernel chooses one
 * at bind().  An AF_UNIX address of the family alone asks bind() for an
 * abstract name of the kernel's choosing (unix(7), "autobind"). */
static void any_loopback(int domain, struct sockaddr_storage *ss,
                         socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	if (domain == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof *in;
	} else if (domain == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		*len = sizeof *in6;
	} else {
		ss->ss_family = AF_UNIX;
		*len = sizeof(sa_family_t);
	}
}

void close_pair(struct pair *p)
{
	int *fds[] = { &p->receiver, &p->sender, &p->listener };

	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int open_pair(int domain, int type, struct pair *p)
{
	int err;

	memset(p, 0, sizeof *p);
	p->domain = domain;
	p->type = type;
	p->receiver = p->sender = p->listener = -1;
	any_loopback(domain, &p->addr, &p->addr_len);
	// STARTER: /* TODO 10: P->receiver = socket(2) DOMAIN, TYPE; bind(2) it to P->addr,
	// STARTER:  * P->addr_len bytes, then getsockname(2) into P->addr (P->addr_len =
	// STARTER:  * sizeof P->addr first): the port, or name, the kernel chose.  A stream
	// STARTER:  * or seqpacket: listen(2), that socket becomes P->listener, P->sender =
	// STARTER:  * socket() connect(2)ed to P->addr, P->receiver = accept(2)ed.  A
	// STARTER:  * datagram: P->sender = socket(), nothing more.  0, or -1 with errno
	// STARTER:  * (close_pair(P) first, keeping errno).
	// STARTER:  * Tests: props_counts_follow_count_and_size. */
	// STARTER: (void)err;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	p->receiver = socket(domain, type, 0);
	if (p->receiver < 0)
		return -1;
	/* Bound to loopback with a port (a name) the kernel chooses, which
	 * getsockname() tells: two programs measuring at once never clash. */
	if (bind(p->receiver, (struct sockaddr *)&p->addr, p->addr_len) < 0)
		goto fail;
	p->addr_len = sizeof p->addr;
	if (getsockname(p->receiver, (struct sockaddr *)&p->addr, &p->addr_len) < 0)
		goto fail;
	p->sender = socket(domain, type, 0);
	if (p->sender < 0)
		goto fail;
	if (type == SOCK_DGRAM)
		return 0;       /* no connection: each send names the receiver */

	/* Connection-oriented: the bound socket listens, and the data goes
	 * over the connection accept() returns. */
	p->listener = p->receiver;
	p->receiver = -1;
	if (listen(p->listener, 1) < 0
	    || connect(p->sender, (struct sockaddr *)&p->addr, p->addr_len) < 0)
		goto fail;
	p->receiver = accept(p->listener, NULL, NULL);
	if (p->receiver < 0)
		goto fail;
	return 0;
fail:
	err = errno;
	close_pair(p);
	errno = err;
	return -1;
	// END SOLUTION
}

int flood(const struct pair *p, long count, size_t size, struct cell_counts *c)
{
	char *msg = malloc(size);

	if (msg == NULL)
		return -1;
	memset(msg, 'm', size);
	// STARTER: /* TODO 11: COUNT times: send SIZE bytes of MSG from P->sender with
	// STARTER:  * flags MSG_DONTWAIT | MSG_NOSIGNAL: send(2) on a stream or seqpacket,
	// STARTER:  * sendto(2) P->addr on a datagram.  It sent n bytes: C->sent++,
	// STARTER:  * C->bytes += n.  EAGAIN: C->blocked++.  EINTR: that send again.
	// STARTER:  * Anything else: -1.  Trap: never wait: the receiver is not reading,
	// STARTER:  * a blocking send would wait for ever.  Free MSG on every way out.
	// STARTER:  * Tests: props_counts_follow_count_and_size,
	// STARTER:  * props_reliability_is_measured. */
	// STARTER: (void)p;
	// STARTER: (void)count;
	// STARTER: (void)c;
	// STARTER: free(msg);
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	for (long i = 0; i < count; i++) {
		/* MSG_DONTWAIT: where there is no room, the answer we want is
		 * EAGAIN ("you would wait"), not a wait.  MSG_NOSIGNAL: a
		 * stream whose peer is gone raises SIGPIPE, which would kill
		 * props. */
		ssize_t n = p->type == SOCK_DGRAM
		            ? sendto(p->sender, msg, size, MSG_DONTWAIT | MSG_NOSIGNAL,
		                     (const struct sockaddr *)&p->addr, p->addr_len)
		            : send(p->sender, msg, size, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n >= 0) {
			/* On a stream, the last send may take part of SIZE:
			 * counted as sent, its bytes as they are. */
			c->sent++;
			c->bytes += n;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			c->blocked++;
		} else if (errno == EINTR) {
			i--;            /* interrupted before sending: again */
		} else {
			int err = errno;

			free(msg);
			errno = err;
			return -1;
		}
	}
	free(msg);
	return 0;
	// END SOLUTION
}

int drain(const struct pair *p, struct cell_counts *c)
{
	/* Static: a megabyte is a lot for a stack. */
	static char buf[DRAIN_BUFSIZE];
	struct pollfd pfd = { .fd = p->receiver, .events = POLLIN };

	// STARTER: /* TODO 12: until C->arrived == C->bytes: recv(2) from P->receiver into
	// STARTER:  * BUF, all DRAIN_BUFSIZE bytes of it, MSG_DONTWAIT; n > 0: C->reads++,
	// STARTER:  * C->arrived += n.  EAGAIN: poll(2) PFD for QUIET_MS; nothing: what
	// STARTER:  * is still missing is lost, return 0.  0 (end of file): return 0.
	// STARTER:  * EINTR: again.  Anything else: -1.  Trap: never read SIZE bytes at a
	// STARTER:  * time: that makes every read look like one message.
	// STARTER:  * Tests: props_boundaries_are_measured, props_reliability_is_measured. */
	// STARTER: (void)p;
	// STARTER: (void)c;
	// STARTER: (void)buf;
	// STARTER: (void)pfd;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	while (c->arrived < c->bytes) {
		/* One buffer for everything: a read returns as much as the
		 * socket type lets it, one message or every byte there is. */
		ssize_t n = recv(p->receiver, buf, sizeof buf, MSG_DONTWAIT);

		if (n > 0) {
			c->reads++;
			c->arrived += n;
		} else if (n == 0) {
			return 0;               /* end of file: nothing more */
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* Nothing there now.  A datagram the kernel dropped will
			 * never come; data still on its way (a TCP sender's
			 * queue) will, within a few ms. */
			int ready = poll(&pfd, 1, QUIET_MS);

			if (ready == 0)
				return 0;
			if (ready < 0 && errno != EINTR)
				return -1;
		} else if (errno != EINTR) {
			return -1;
		}
	}
	return 0;
	// END SOLUTION
}

int sendto_unconnected(const struct pair *p, struct cell_counts *c)
{
	// STARTER: /* TODO 13: a new socket(2) of P->domain and P->type; sendto(2) one
	// STARTER:  * byte to P->addr, P->addr_len bytes, flags MSG_DONTWAIT | MSG_NOSIGNAL;
	// STARTER:  * C->sendto_errno = 0 if it sent, else its errno; close it.  0, or -1
	// STARTER:  * when socket() failed.  Trap: MSG_NOSIGNAL: a TCP socket answers with
	// STARTER:  * EPIPE and SIGPIPE, which would kill props.
	// STARTER:  * Tests: props_connection_is_measured. */
	// STARTER: (void)p;
	// STARTER: (void)c;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	int fd = socket(p->domain, p->type, 0);

	if (fd < 0)
		return -1;
	/* No connect(), no listen(): just an address.  A datagram socket
	 * needs nothing more; a connection-oriented one refuses. */
	if (sendto(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
	           (const struct sockaddr *)&p->addr, p->addr_len) < 0)
		c->sendto_errno = errno;
	else
		c->sendto_errno = 0;
	close(fd);
	return 0;
	// END SOLUTION
}

int measure_cell(int domain, int type, long count, size_t size,
                 struct cell_counts *c, const char **failed)
{
	struct pair p;
	int err = 0;

	memset(c, 0, sizeof *c);
	*failed = "open_pair";
	if (open_pair(domain, type, &p) < 0)
		return -1;
	if ((*failed = "flood", flood(&p, count, size, c) < 0)
	    || (*failed = "drain", drain(&p, c) < 0)
	    || (*failed = "sendto_unconnected", sendto_unconnected(&p, c) < 0))
		err = errno;
	close_pair(&p);
	errno = err;
	return err ? -1 : 0;
}
