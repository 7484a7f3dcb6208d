/*
 * bind.c - lab 02, the server's socket: an IPv4 address in a
 * sockaddr_in, then socket() -> bind() -> getsockname().
 *
 * A datagram server has no listen() and no accept(): once bound, its
 * one socket receives every client's datagrams, each with its sender's
 * address attached (echo.c).
 *
 * Man pages: ip(7), udp(7), inet_pton(3), byteorder(3), socket(2),
 * bind(2), getsockname(2).
 */
#include "inet_dgram.h"

#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int server_address(const char *text, uint16_t port, struct sockaddr_in *addr)
{
	// STARTER: /* TODO 1: fill *ADDR: zero it (memset), sin_family AF_INET, sin_port
	// STARTER:  * htons(PORT), sin_addr from TEXT with inet_pton(3).  Trap: bad text
	// STARTER:  * makes inet_pton() return 0, not -1: test "!= 1" (then errno =
	// STARTER:  * EINVAL, -1); "< 0" would bind 0.0.0.0.  ip(7), byteorder(3).
	// STARTER:  * Tests: a_and_p_are_bound_as_given, bad_arguments_exit_2. */
	// STARTER: (void)text;
	// STARTER: (void)port;
	// STARTER: (void)addr;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* Zero the whole structure first: sin_zero is padding that must be
	 * zero bytes, and no field is left to chance. */
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;

	/* Ports and addresses travel in network byte order (big-endian).
	 * Without htons() an x86 host would bind 50002 as 21187, and the
	 * clients' datagrams would go to a port nobody listens on. */
	addr->sin_port = htons(port);

	/* inet_pton() writes the 32-bit address in network order already.
	 * It returns 0 for text that is not an address ("999.1.2.3",
	 * "localhost"): testing "< 0" would bind 0.0.0.0, every interface. */
	if (inet_pton(AF_INET, text, &addr->sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
	// END SOLUTION
}

int udp_bind(struct sockaddr_in *addr)
{
	socklen_t len = sizeof *addr;

	// STARTER: /* TODO 2: socket(2), AF_INET, SOCK_DGRAM, then bind(2) it to *ADDR,
	// STARTER:  * the address clients send to.  Trap: the length is sizeof *addr, not
	// STARTER:  * sizeof addr (a pointer's size: EINVAL).  udp(7).
	// STARTER:  * TODO 3: getsockname(2) into *ADDR, LEN bytes: with port 0 it tells
	// STARTER:  * the port bind() picked, for the ready line.  On failure close the
	// STARTER:  * fd, errno kept (the server reports EADDRINUSE).
	// STARTER:  * Tests: ready_line_has_real_port, port_in_use_exits_1. */
	// STARTER: (void)len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* SOCK_DGRAM in AF_INET is UDP: each send is one datagram, kept
	 * whole, delivered at most once, maybe not at all, maybe out of
	 * order.  No connection: one socket talks to every client. */
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;

	/* bind() gives the socket the address clients send to.  Without it
	 * the first sendto() would bind a random port, and no client would
	 * know where to send.  EADDRINUSE: another socket has the port. */
	if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0
	    /* With port 0, bind() picked a free port: getsockname() says
	     * which, for the ready line. */
	    || getsockname(fd, (struct sockaddr *)addr, &len) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
	// END SOLUTION
}
