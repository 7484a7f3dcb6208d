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
	/* TODO 10: getaddrinfo(3) HOST, PORT into LIST.  Trap: memset HINTS
	 * to 0 first (every field is read); then AF_UNSPEC, SOCK_STREAM,
	 * AI_NUMERICSERV, not AI_ADDRCONFIG (it loses "localhost" on a host
	 * with only lo).  Failure: *GAI_ERROR = its EAI_* code, return -1.
	 * Tests: client_zeroes_hints_and_reads_no_freed_list. */
	(void)host;
	(void)port;
	(void)hints;
	*gai_error = EAI_SYSTEM;    /* "see errno" */
	errno = ENOSYS;
	return -1;

	/* TODO 11: connect_to() each address of LIST (ai_next) until one
	 * connects; its format_addr() into CONNECTED.  log_line() each
	 * failure: address, strerror(errno).  freeaddrinfo(3) LIST at the
	 * end.  Trap: do not stop at the first refusal (::1, server on
	 * 127.0.0.1).  connect(2).
	 * Tests: client_tries_every_address. */
	(void)connect_to;
	(void)connected;
	(void)list;
	(void)fd;
	errno = ENOSYS;
	return -1;
}
