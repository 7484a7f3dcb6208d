/*
 * connect.c - lab 04, a client that does not care whether it reaches its
 * server over IPv4 or IPv6: getaddrinfo() -> for each address:
 * socket() -> connect() -> freeaddrinfo().
 *
 * A name can have several addresses, of both families: "localhost" may
 * be ::1 and 127.0.0.1, a busy web site a dozen.  getaddrinfo(3) returns
 * them all, each ready to use: family, type and protocol for socket(),
 * and a socket address of the right kind and length for connect().  A
 * client that tries them in turn works for IPv4, IPv6 and names alike,
 * without a single AF_INET or AF_INET6 in its code.
 *
 * Man pages: getaddrinfo(3), gai_strerror(3), socket(2), connect(2).
 */
#include "ipv6_lines.h"

#include "common.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A socket of AI's kind connected to AI's address, or -1 with errno. */
static int connect_to(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);

	if (fd < 0)
		return -1;      /* e.g. EAFNOSUPPORT: no IPv6 in this kernel */
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		int err = errno;

		close(fd);      /* a failed attempt must not leak its fd */
		errno = err;
		return -1;
	}
	return fd;
}

int connect_by_name(const char *host, const char *port,
                    char connected[ADDR_STRLEN], int *gai_error)
{
	struct addrinfo hints, *list = NULL;
	int fd = -1;

	*gai_error = 0;
	/* TODO 10: resolve HOST and PORT with getaddrinfo(3) into
	 * LIST.  Zero HINTS first (memset: every field is read), then
	 * ai_family = AF_UNSPEC (IPv4 or IPv6, whatever HOST has),
	 * ai_socktype = SOCK_STREAM (TCP), ai_flags = AI_NUMERICSERV
	 * (PORT is a number).  Not AI_ADDRCONFIG: on a host with only
	 * the loopback interface it makes "localhost" fail.
	 * getaddrinfo returns 0 or an EAI_* code, not -1 and errno:
	 * store a failure in *GAI_ERROR and return -1 (the client
	 * prints it with gai_strerror(3)).
	 * Tests: client_zeroes_hints_and_reads_no_freed_list,
	 * client_asks_for_any_family, client_unknown_host_fails. */
	(void)host;
	(void)port;
	(void)hints;
	*gai_error = EAI_SYSTEM;    /* "see errno" */
	errno = ENOSYS;
	return -1;

	/* TODO 11: try each address in LIST, following ai_next, until
	 * connect_to() gives a connected fd; write that address into
	 * CONNECTED with format_addr() (common.h).  For each that fails,
	 * log_line() its address and strerror(errno): if all fail, the
	 * user must see what was tried.  The first address may be the
	 * one that refuses (::1 when the server listens on 127.0.0.1).
	 * Then freeaddrinfo(3) the list, whatever happened, and return
	 * the fd (-1 if none connected).
	 * Tests: client_tries_every_address,
	 * client_all_refused_names_each, client_reaches_ipv6_server,
	 * client_reaches_ipv4_server,
	 * client_zeroes_hints_and_reads_no_freed_list. */
	(void)connect_to;
	(void)connected;
	(void)list;
	(void)fd;
	errno = ENOSYS;
	return -1;
}
