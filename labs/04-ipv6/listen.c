/*
 * listen.c - lab 04, the server's passive IPv6 socket: an address from
 * text, socket() -> setsockopt(IPV6_V6ONLY) -> bind() -> listen() ->
 * accept(), and the client's address back to text.
 *
 * An IPv6 address is 128 bits, written as eight groups of hex digits with
 * one run of zero groups shortened to "::" (::1 is the loopback, :: the
 * unspecified address, "any").  An AF_INET6 socket can also talk to IPv4
 * peers: the kernel shows them as IPv4-mapped addresses, ::ffff:a.b.c.d.
 *
 * Man pages: ipv6(7), socket(2), setsockopt(2), bind(2), listen(2),
 * accept(2), inet_pton(3), inet_ntop(3).
 */
#include "ipv6_lines.h"

#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int parse_ipv6(const char *text, struct in6_addr *addr)
{
	/* TODO 1: inet_pton(3), AF_INET6, TEXT into *ADDR; 0 or -1.  Trap: it
	 * returns 1 for an address, and 0, not -1, for text that is not one
	 * ("127.0.0.1", "[::1]").
	 * Tests: server_bad_arguments_exit_2. */
	(void)text;
	(void)addr;
	errno = ENOSYS;
	return -1;
}

/* Close FD after a failed call, keeping that call's errno; returns -1. */
static int close_on_error(int fd)
{
	int err = errno;

	close(fd);
	errno = err;
	return -1;
}

int ipv6_listen(const struct in6_addr *addr, uint16_t port, bool v6only)
{
	struct sockaddr_in6 sa;

	/* Zero everything first: sin6_flowinfo and sin6_scope_id must be 0
	 * for a plain bind, and stack garbage there would make bind() fail
	 * or pick an interface at random. */
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	/* TODO 2: socket(2), AF_INET6, SOCK_STREAM (ipv6(7)).
	 * TODO 3: setsockopt(2) SO_REUSEADDR (SOL_SOCKET) to 1, IPV6_V6ONLY
	 * (IPPROTO_IPV6) to V6ONLY, always: the default varies by machine.
	 * Trap: before bind(2): after it, EINVAL, and the default stays.
	 * TODO 4: sin6_addr = *ADDR, sin6_port = htons(PORT), bind(2) to SA
	 * (sizeof sa bytes), listen(2), backlog SOMAXCONN (not 5: bursts wait
	 * on dropped SYNs).  Failure: close_on_error(fd).
	 * Tests: server_sets_v6only_as_asked. */
	(void)addr;
	(void)port;
	(void)v6only;
	(void)close_on_error;
	errno = ENOSYS;
	return -1;
}

int accept_client(int listen_fd, struct sockaddr_in6 *peer)
{
	/* Wait with the stop signals open (common.h): Ctrl-C while no client
	 * is there ends the server at once. */
	if (wait_fd(listen_fd, POLLIN, -1) < 0)
		return -1;
	/* TODO 5: accept(2) on LISTEN_FD, the client's address into *PEER;
	 * return the connected fd.  Trap: the length is in and out: a
	 * socklen_t set to sizeof *peer (28), not unset nor sizeof(struct
	 * sockaddr_in) (16: the address cut).  accept(2), ipv6(7).
	 * Tests: server_logs_client_address. */
	(void)peer;
	errno = ENOSYS;
	return -1;
}

const char *ipv6_text(const struct sockaddr_in6 *sa, char buf[ADDR_STRLEN])
{
	char ip[INET6_ADDRSTRLEN];     /* the longest IPv6 text, with NUL */

	/* TODO 6: "[ADDRESS]:PORT" into BUF (ADDR_STRLEN bytes): ADDRESS from
	 * sa->sin6_addr with inet_ntop(3), AF_INET6, into IP.  Trap:
	 * sin6_port is in network byte order: ntohs(3) it for PORT.
	 * Tests: server_logs_client_address. */
	(void)sa;
	(void)ip;
	snprintf(buf, ADDR_STRLEN, "(TODO 6)");
	return buf;
}
