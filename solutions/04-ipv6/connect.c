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
	// STARTER: /* TODO 10: getaddrinfo(3) HOST, PORT into LIST.  Trap: memset HINTS
	// STARTER:  * to 0 first (every field is read); then AF_UNSPEC, SOCK_STREAM,
	// STARTER:  * AI_NUMERICSERV, not AI_ADDRCONFIG (it loses "localhost" on a host
	// STARTER:  * with only lo).  Failure: *GAI_ERROR = its EAI_* code, return -1.
	// STARTER:  * Tests: client_zeroes_hints_and_reads_no_freed_list. */
	// STARTER: (void)host;
	// STARTER: (void)port;
	// STARTER: (void)hints;
	// STARTER: *gai_error = EAI_SYSTEM;    /* "see errno" */
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* Zeroed, because getaddrinfo() reads every field of HINTS: stack
	 * garbage in ai_flags or ai_protocol fails now and then
	 * (EAI_BADFLAGS), depending on what ran before. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;     /* IPv4 or IPv6: whatever HOST has */
	hints.ai_socktype = SOCK_STREAM; /* TCP only, not a UDP twin of each */
	/* PORT is a number: no lookup in /etc/services.  Deliberately not
	 * AI_ADDRCONFIG: it drops the families for which this host has no
	 * address other than loopback, so on a machine with only "lo",
	 * "localhost" would not resolve at all. */
	hints.ai_flags = AI_NUMERICSERV;

	/* The result is 0 or an EAI_* code, not -1 with errno: perror()
	 * would print a stale errno.  gai_strerror() has the words. */
	*gai_error = getaddrinfo(host, port, &hints, &list);
	if (*gai_error != 0)
		return -1;
	// END SOLUTION

	// STARTER: /* TODO 11: connect_to() each address of LIST (ai_next) until one
	// STARTER:  * connects; its format_addr() into CONNECTED.  log_line() each
	// STARTER:  * failure: address, strerror(errno).  freeaddrinfo(3) LIST at the
	// STARTER:  * end.  Trap: do not stop at the first refusal (::1, server on
	// STARTER:  * 127.0.0.1).  connect(2).
	// STARTER:  * Tests: client_tries_every_address. */
	// STARTER: (void)connect_to;
	// STARTER: (void)connected;
	// STARTER: (void)list;
	// STARTER: (void)fd;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* The list is in the order the resolver prefers (RFC 6724:
	 * usually IPv6 first).  Any address may refuse, so try them all. */
	for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next) {
		char addr[ADDR_STRLEN];

		format_addr(ai->ai_addr, ai->ai_addrlen, addr);
		fd = connect_to(ai);
		if (fd >= 0) {
			memcpy(connected, addr, ADDR_STRLEN);
			break;
		}
		log_line("connect to %s: %s", addr, strerror(errno));
	}

	/* The list and every address in it were allocated for us; the
	 * connected socket has its own copy of the address it needs. */
	freeaddrinfo(list);
	return fd;
	// END SOLUTION
}
