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
	/* TODO 1: fill *ADDR: zero it (memset), sin_family AF_INET, sin_port
	 * htons(PORT), sin_addr from TEXT with inet_pton(3).  Trap: bad text
	 * makes inet_pton() return 0, not -1: test "!= 1" (then errno =
	 * EINVAL, -1); "< 0" would bind 0.0.0.0.  ip(7), byteorder(3).
	 * Tests: a_and_p_are_bound_as_given, bad_arguments_exit_2. */
	(void)text;
	(void)port;
	(void)addr;
	errno = ENOSYS;
	return -1;
}

int udp_bind(struct sockaddr_in *addr)
{
	socklen_t len = sizeof *addr;

	/* TODO 2: socket(2), AF_INET, SOCK_DGRAM, then bind(2) it to *ADDR,
	 * the address clients send to.  Trap: the length is sizeof *addr, not
	 * sizeof addr (a pointer's size: EINVAL).  udp(7).
	 * TODO 3: getsockname(2) into *ADDR, LEN bytes: with port 0 it tells
	 * the port bind() picked, for the ready line.  On failure close the
	 * fd, errno kept (the server reports EADDRINUSE).
	 * Tests: ready_line_has_real_port, port_in_use_exits_1. */
	(void)len;
	errno = ENOSYS;
	return -1;
}
