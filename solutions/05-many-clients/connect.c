/*
 * connect.c - lab 05, the client's connection: lab 04's client that does
 * not care which IP version it gets, given here as it is.
 *
 * getaddrinfo(3) with AF_UNSPEC and SOCK_STREAM gives every address of
 * HOST, ready for socket() and connect(); the client tries them in the
 * resolver's order until one accepts.  (Lab 04 is where it is taught:
 * its handout says why the hints are zeroed, why not AI_ADDRCONFIG, why
 * every address is tried.)
 *
 * Man pages: getaddrinfo(3), gai_strerror(3), socket(2), connect(2).
 */
#include "chat.h"

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
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		int err = errno;

		close(fd);      /* a failed attempt must not leak its fd */
		errno = err;
		return -1;
	}
	return fd;
}

int connect_to_server(const char *host, const char *port,
                      char connected[ADDR_STRLEN], int *gai_error)
{
	struct addrinfo hints, *list = NULL;
	int fd = -1;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;     /* IPv4 or IPv6: whatever HOST has */
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV; /* no AI_ADDRCONFIG: see lab 04 */
	*gai_error = getaddrinfo(host, port, &hints, &list);
	if (*gai_error != 0)
		return -1;
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
	freeaddrinfo(list);
	return fd;
}
