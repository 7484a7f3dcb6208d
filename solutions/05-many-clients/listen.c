/*
 * listen.c - lab 05, the server's passive socket: lab 04's dual-stack
 * listener, made non-blocking.
 *
 * Lab 04's server waited in accept(2): it had nothing else to do.  This
 * one waits in poll(2) for any of its sockets, the listener among them,
 * and calls accept() only when poll() says a connection is there.  Yet
 * "there" when poll() returned is not "there" now: a client that resets
 * its connection in between (RST) is taken off the queue by the kernel,
 * and a blocking accept() would then sleep until some other client
 * comes, while every connected client waits (UNP 16.6, "Nonblocking
 * accept").  Non-blocking, that accept() fails with EAGAIN instead, and
 * the loop goes on.
 *
 * Man pages: socket(2), setsockopt(2), bind(2), listen(2), fcntl(2),
 * ipv6(7).
 */
#include "chat.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Close FD after a failed call, keeping that call's errno; returns -1. */
static int close_on_error(int fd)
{
	int err = errno;

	close(fd);
	errno = err;
	return -1;
}

int chat_listen(const struct in6_addr *addr, uint16_t port)
{
	struct sockaddr_in6 sa;
	int on = 1, off = 0;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	/* As in lab 04: a restarted server binds at once (SO_REUSEADDR),
	 * and IPv4 clients are welcome too, whatever the system's default
	 * (IPV6_V6ONLY 0, set before bind()). */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0
	    || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0)
		return close_on_error(fd);
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = *addr;
	sa.sin6_port = htons(port);
	/* A burst of clients waits in the listen queue, not on dropped
	 * SYNs (lab 04): the most the system allows. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0
	    || listen(fd, SOMAXCONN) < 0)
		return close_on_error(fd);
	// STARTER: /* TODO 1: make FD non-blocking: fcntl(2) F_GETFL, then F_SETFL with
	// STARTER:  * O_NONBLOCK added (the other flags kept).  Failure:
	// STARTER:  * close_on_error(fd).  Trap: a blocking listener sleeps in accept()
	// STARTER:  * when a client poll() saw has reset in between, and every client
	// STARTER:  * waits (see the top of this file).
	// STARTER:  * Tests: sockets_are_nonblocking. */
	// BEGIN SOLUTION
	/* F_GETFL first: F_SETFL replaces every status flag, and O_NONBLOCK
	 * alone would clear whatever else was set. */
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return close_on_error(fd);
	// END SOLUTION
	return fd;
}
