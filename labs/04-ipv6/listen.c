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
	/* TODO 1: convert TEXT to a binary IPv6 address in *ADDR with
	 * inet_pton(3), family AF_INET6.  Careful: it returns 1 on
	 * success, 0 (not -1!) when TEXT is not an address.  Return 0
	 * or -1.  "::1", "::" and "::ffff:127.0.0.1" are addresses;
	 * "127.0.0.1" and "[::1]" are not.
	 * Tests: server_binds_the_address_asked,
	 * dual_stack_takes_ipv4_clients, server_bad_arguments_exit_2. */
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
	/* TODO 2: create the socket with socket(2): domain AF_INET6,
	 * type SOCK_STREAM (TCP over IPv6, see ipv6(7)).
	 * TODO 3: set IPV6_V6ONLY (level IPPROTO_IPV6) to V6ONLY with
	 * setsockopt(2), always (the default depends on the machine)
	 * and before bind(2) (afterwards it fails with EINVAL).
	 * Set SO_REUSEADDR (level SOL_SOCKET) to 1 as well, so a
	 * restarted server can bind while old connections linger.
	 * TODO 4: fill SA: sin6_addr = *ADDR, sin6_port = PORT in
	 * network byte order (htons(3)); bind(2) to it, then listen(2)
	 * with a backlog of SOMAXCONN: clients that connect while the
	 * server is busy wait in that queue, and when it is full the
	 * kernel drops their SYN, and each waits a second or more.
	 * Return the fd; on failure close it and return -1 with errno
	 * as the failing call left it.
	 * Tests: server_socket_is_ipv6_stream, server_sets_v6only_as_asked,
	 * default_is_ipv6_loopback, dual_stack_takes_ipv4_clients,
	 * v6only_refuses_ipv4_clients, second_server_on_port_fails,
	 * burst_of_clients_is_served_at_once. */
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
	/* TODO 5: accept(2) the next connection on LISTEN_FD, with
	 * the client's address stored in *PEER: pass a socklen_t set to
	 * sizeof *PEER (accept writes at most that many bytes, and the
	 * real length back).  Return the connected fd.
	 * Tests: server_logs_client_address,
	 * dual_stack_takes_ipv4_clients (the log lines show the address). */
	(void)peer;
	errno = ENOSYS;
	return -1;
}

const char *ipv6_text(const struct sockaddr_in6 *sa, char buf[ADDR_STRLEN])
{
	char ip[INET6_ADDRSTRLEN];     /* the longest IPv6 text, with NUL */

	/* TODO 6: write SA as "[ADDRESS]:PORT" into BUF (ADDR_STRLEN
	 * bytes): ADDRESS from SA's sin6_addr with inet_ntop(3), family
	 * AF_INET6, into IP; PORT is sin6_port back in host byte order
	 * with ntohs(3).  An IPv4 client shows as "::ffff:127.0.0.1".
	 * Tests: server_binds_the_address_asked, server_logs_client_address,
	 * dual_stack_takes_ipv4_clients. */
	(void)sa;
	(void)ip;
	snprintf(buf, ADDR_STRLEN, "(TODO 6)");
	return buf;
}
