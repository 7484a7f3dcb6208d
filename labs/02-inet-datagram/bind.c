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
	/* TODO 1: fill *ADDR for TEXT and PORT (see ip(7)).  Zero it
	 * first (memset), set sin_family to AF_INET, sin_port to PORT
	 * in network byte order (htons(3)), and convert TEXT into
	 * sin_addr with inet_pton(3).  inet_pton() returns 1 on
	 * success and 0 (not -1!) for text that is not an address:
	 * then set errno = EINVAL and return -1.
	 * Tests: a_and_p_are_bound_as_given,
	 * bad_arguments_exit_2. */
	(void)text;
	(void)port;
	(void)addr;
	errno = ENOSYS;
	return -1;
}

int udp_bind(struct sockaddr_in *addr)
{
	socklen_t len = sizeof *addr;

	/* TODO 2: create an IPv4 datagram socket with socket(2): the
	 * domain is AF_INET, the type SOCK_DGRAM (see udp(7)).  Then
	 * bind(2) it to *ADDR (sizeof *addr bytes): clients send to
	 * that address and port.
	 * TODO 3: with port 0 the kernel picked a free port at bind
	 * time; getsockname(2) into *ADDR (LEN bytes) tells which, so
	 * the ready line can announce it.
	 * Return the fd; on a failure close it and return -1 with
	 * errno as the failing call left it.
	 * Tests: server_socket_is_udp_on_loopback,
	 * ready_line_has_real_port, port_is_in_network_order,
	 * port_in_use_exits_1. */
	(void)len;
	errno = ENOSYS;
	return -1;
}
