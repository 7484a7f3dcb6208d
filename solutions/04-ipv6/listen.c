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
	// STARTER: /* TODO 1: inet_pton(3), AF_INET6, TEXT into *ADDR; 0 or -1.  Trap: it
	// STARTER:  * returns 1 for an address, and 0, not -1, for text that is not one
	// STARTER:  * ("127.0.0.1", "[::1]").
	// STARTER:  * Tests: server_bad_arguments_exit_2. */
	// STARTER: (void)text;
	// STARTER: (void)addr;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* inet_pton() returns 1 for a valid address, 0 for text that is not
	 * one, -1 only for an unknown family: testing "< 0" would accept
	 * garbage and bind to whatever *ADDR held.  IPv4 text ("127.0.0.1")
	 * is not an AF_INET6 address: its mapped form is ::ffff:127.0.0.1. */
	return inet_pton(AF_INET6, text, addr) == 1 ? 0 : -1;
	// END SOLUTION
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
	// STARTER: /* TODO 2: socket(2), AF_INET6, SOCK_STREAM (ipv6(7)).
	// STARTER:  * TODO 3: setsockopt(2) SO_REUSEADDR (SOL_SOCKET) to 1, IPV6_V6ONLY
	// STARTER:  * (IPPROTO_IPV6) to V6ONLY, always: the default varies by machine.
	// STARTER:  * Trap: before bind(2): after it, EINVAL, and the default stays.
	// STARTER:  * TODO 4: sin6_addr = *ADDR, sin6_port = htons(PORT), bind(2) to SA
	// STARTER:  * (sizeof sa bytes), listen(2), backlog SOMAXCONN (not 5: bursts wait
	// STARTER:  * on dropped SYNs).  Failure: close_on_error(fd).
	// STARTER:  * Tests: server_sets_v6only_as_asked. */
	// STARTER: (void)addr;
	// STARTER: (void)port;
	// STARTER: (void)v6only;
	// STARTER: (void)close_on_error;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	int on = 1, only = v6only ? 1 : 0;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;

	/* A restarted server would otherwise fail with EADDRINUSE for a
	 * minute or two while its old connections sit in TIME_WAIT.
	 * SO_REUSEADDR allows that, and nothing more: a second server on a
	 * port still in use is refused.  (SO_REUSEPORT would let two
	 * servers share the port, and each get half the clients.) */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
		return close_on_error(fd);

	/* IPV6_V6ONLY decides whether this socket also takes IPv4 clients
	 * (0: dual stack, a bind to :: covers 0.0.0.0 too) or IPv6 ones
	 * only (1).  Set it every time: the default comes from
	 * /proc/sys/net/ipv6/bindv6only and differs between systems.  And
	 * set it before bind(): once bound, the kernel refuses (EINVAL),
	 * and a program that ignores the error runs with the default. */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only) < 0)
		return close_on_error(fd);

	/* htons(): the port goes on the wire big-endian.  Without it, on
	 * x86, port 50004 (0xc354) would bind 21699 (0x54c3). */
	sa.sin6_addr = *addr;
	sa.sin6_port = htons(port);
	/* sizeof sa, the whole sockaddr_in6 (28 bytes): with
	 * sizeof(struct sockaddr), 16 bytes, bind() fails with EINVAL. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return close_on_error(fd);

	/* listen() makes the socket passive: the kernel completes the TCP
	 * handshake with clients and queues them for accept().  Without
	 * it, clients get ECONNREFUSED.  The backlog bounds that queue,
	 * and this server is iterative: while it serves one client, the
	 * others wait there.  Once it is full, Linux drops the SYNs that
	 * come (listen(2), tcp(7)), and each of those clients retransmits
	 * its SYN a second later, then 3 s, 7 s...: a burst of 100 clients
	 * against a backlog of 5 takes seconds to connect.  SOMAXCONN asks
	 * for the most the system allows (net.core.somaxconn, 4096). */
	if (listen(fd, SOMAXCONN) < 0)
		return close_on_error(fd);
	return fd;
	// END SOLUTION
}

int accept_client(int listen_fd, struct sockaddr_in6 *peer)
{
	/* Wait with the stop signals open (common.h): Ctrl-C while no client
	 * is there ends the server at once. */
	if (wait_fd(listen_fd, POLLIN, -1) < 0)
		return -1;
	// STARTER: /* TODO 5: accept(2) on LISTEN_FD, the client's address into *PEER;
	// STARTER:  * return the connected fd.  Trap: the length is in and out: a
	// STARTER:  * socklen_t set to sizeof *peer (28), not unset nor sizeof(struct
	// STARTER:  * sockaddr_in) (16: the address cut).  accept(2), ipv6(7).
	// STARTER:  * Tests: server_logs_client_address. */
	// STARTER: (void)peer;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* The address length is in and out: in, the room in *PEER; out, the
	 * size of the address.  Every peer of an AF_INET6 socket is a
	 * sockaddr_in6, IPv4 ones included (as ::ffff:a.b.c.d), so 28 bytes
	 * always fit.  Given sizeof(struct sockaddr_in), 16, the kernel
	 * would cut the address after its first 8 bytes. */
	socklen_t len = sizeof *peer;

	return accept(listen_fd, (struct sockaddr *)peer, &len);
	// END SOLUTION
}

const char *ipv6_text(const struct sockaddr_in6 *sa, char buf[ADDR_STRLEN])
{
	char ip[INET6_ADDRSTRLEN];     /* the longest IPv6 text, with NUL */

	// STARTER: /* TODO 6: "[ADDRESS]:PORT" into BUF (ADDR_STRLEN bytes): ADDRESS from
	// STARTER:  * sa->sin6_addr with inet_ntop(3), AF_INET6, into IP.  Trap:
	// STARTER:  * sin6_port is in network byte order: ntohs(3) it for PORT.
	// STARTER:  * Tests: server_logs_client_address. */
	// STARTER: (void)sa;
	// STARTER: (void)ip;
	// STARTER: snprintf(buf, ADDR_STRLEN, "(TODO 6)");
	// BEGIN SOLUTION
	/* inet_ntop() writes the shortest standard form (RFC 5952): "::1",
	 * not "0:0:0:0:0:0:0:1", and an IPv4-mapped address with its IPv4
	 * part in dotted decimal.  The brackets keep the address's colons
	 * apart from the port's. */
	if (inet_ntop(AF_INET6, &sa->sin6_addr, ip, sizeof ip) == NULL)
		snprintf(ip, sizeof ip, "?");
	snprintf(buf, ADDR_STRLEN, "[%s]:%u", ip, ntohs(sa->sin6_port));
	// END SOLUTION
	return buf;
}
