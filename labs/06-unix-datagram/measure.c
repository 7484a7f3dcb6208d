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
	/* TODO 10: P->receiver = socket(2) DOMAIN, TYPE; bind(2) it to P->addr,
	 * P->addr_len bytes, then getsockname(2) into P->addr (P->addr_len =
	 * sizeof P->addr first): the port, or name, the kernel chose.  A stream
	 * or seqpacket: listen(2), that socket becomes P->listener, P->sender =
	 * socket() connect(2)ed to P->addr, P->receiver = accept(2)ed.  A
	 * datagram: P->sender = socket(), nothing more.  0, or -1 with errno
	 * (close_pair(P) first, keeping errno).
	 * Tests: props_counts_follow_count_and_size. */
	(void)err;
	errno = ENOSYS;
	return -1;
}

int flood(const struct pair *p, long count, size_t size, struct cell_counts *c)
{
	char *msg = malloc(size);

	if (msg == NULL)
		return -1;
	memset(msg, 'm', size);
	/* TODO 11: COUNT times: send SIZE bytes of MSG from P->sender with
	 * flags MSG_DONTWAIT | MSG_NOSIGNAL: send(2) on a stream or seqpacket,
	 * sendto(2) P->addr on a datagram.  It sent n bytes: C->sent++,
	 * C->bytes += n.  EAGAIN: C->blocked++.  EINTR: that send again.
	 * Anything else: -1.  Trap: never wait: the receiver is not reading,
	 * a blocking send would wait for ever.  Free MSG on every way out.
	 * Tests: props_counts_follow_count_and_size,
	 * props_reliability_is_measured. */
	(void)p;
	(void)count;
	(void)c;
	free(msg);
	errno = ENOSYS;
	return -1;
}

int drain(const struct pair *p, struct cell_counts *c)
{
	/* Static: a megabyte is a lot for a stack. */
	static char buf[DRAIN_BUFSIZE];
	struct pollfd pfd = { .fd = p->receiver, .events = POLLIN };

	/* TODO 12: until C->arrived == C->bytes: recv(2) from P->receiver into
	 * BUF, all DRAIN_BUFSIZE bytes of it, MSG_DONTWAIT; n > 0: C->reads++,
	 * C->arrived += n.  EAGAIN: poll(2) PFD for QUIET_MS; nothing: what
	 * is still missing is lost, return 0.  0 (end of file): return 0.
	 * EINTR: again.  Anything else: -1.  Trap: never read SIZE bytes at a
	 * time: that makes every read look like one message.
	 * Tests: props_boundaries_are_measured, props_reliability_is_measured. */
	(void)p;
	(void)c;
	(void)buf;
	(void)pfd;
	errno = ENOSYS;
	return -1;
}

int sendto_unconnected(const struct pair *p, struct cell_counts *c)
{
	/* TODO 13: a new socket(2) of P->domain and P->type; sendto(2) one
	 * byte to P->addr, P->addr_len bytes, flags MSG_DONTWAIT | MSG_NOSIGNAL;
	 * C->sendto_errno = 0 if it sent, else its errno; close it.  0, or -1
	 * when socket() failed.  Trap: MSG_NOSIGNAL: a TCP socket answers with
	 * EPIPE and SIGPIPE, which would kill props.
	 * Tests: props_connection_is_measured. */
	(void)p;
	(void)c;
	errno = ENOSYS;
	return -1;
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
