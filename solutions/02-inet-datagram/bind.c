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
	// STARTER: /* TODO 1: fill *ADDR for TEXT and PORT (see ip(7)).  Zero it
	// STARTER:  * first (memset), set sin_family to AF_INET, sin_port to PORT
	// STARTER:  * in network byte order (htons(3)), and convert TEXT into
	// STARTER:  * sin_addr with inet_pton(3).  inet_pton() returns 1 on
	// STARTER:  * success and 0 (not -1!) for text that is not an address:
	// STARTER:  * then set errno = EINVAL and return -1.
	// STARTER:  * Tests: a_and_p_are_bound_as_given,
	// STARTER:  * bad_arguments_exit_2. */
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

	// STARTER: /* TODO 2: create an IPv4 datagram socket with socket(2): the
	// STARTER:  * domain is AF_INET, the type SOCK_DGRAM (see udp(7)).  Then
	// STARTER:  * bind(2) it to *ADDR (sizeof *addr bytes): clients send to
	// STARTER:  * that address and port.
	// STARTER:  * TODO 3: with port 0 the kernel picked a free port at bind
	// STARTER:  * time; getsockname(2) into *ADDR (LEN bytes) tells which, so
	// STARTER:  * the ready line can announce it.
	// STARTER:  * Return the fd; on a failure close it and return -1 with
	// STARTER:  * errno as the failing call left it.
	// STARTER:  * Tests: server_socket_is_udp_on_loopback,
	// STARTER:  * ready_line_has_real_port, port_is_in_network_order,
	// STARTER:  * port_in_use_exits_1. */
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
