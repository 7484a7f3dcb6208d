/*
 * inet.c - IPv4 addresses, host names and deadlines for labs 02 and 03.
 *
 * Man pages: inet_pton(3), getaddrinfo(3), ip(7), clock_gettime(2).
 */
#include "inet.h"

#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <time.h>

int ipv4_address(const char *text, uint16_t port, struct sockaddr_in *addr)
{
	/* Zeroed first: sin_zero must be all zero bytes. */
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_port = htons(port);
	/* inet_pton() returns 1 on success and 0, not -1, for text that is
	 * not an address: "== 1" is the only safe test. */
	if (inet_pton(AF_INET, text, &addr->sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int resolve_ipv4(const char *host, uint16_t port, struct sockaddr_in *addr)
{
	struct addrinfo hints, *list;
	int rc;

	/* Unset fields of HINTS must be zero: garbage in ai_flags gives
	 * EAI_BADFLAGS now and then.  No AI_ADDRCONFIG: on a host whose only
	 * interface is loopback it makes "localhost" fail to resolve. */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	rc = getaddrinfo(host, NULL, &hints, &list);
	if (rc != 0)
		return rc;
	/* With AF_INET asked for, every entry is a sockaddr_in. */
	memcpy(addr, list->ai_addr, sizeof *addr);
	addr->sin_port = htons(port);
	freeaddrinfo(list);
	return 0;
}

const char *resolve_error(int code)
{
	/* EAI_SYSTEM means "see errno": gai_strerror() would only say
	 * "System error". */
	return code == EAI_SYSTEM ? strerror(errno) : gai_strerror(code);
}

bool same_endpoint(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family
	       && a->sin_addr.s_addr == b->sin_addr.s_addr
	       && a->sin_port == b->sin_port;
}

int parse_ms(const char *text, int *ms)
{
	unsigned long v;

	if (parse_number(text, 1, MAX_TIMEOUT_MS, &v) < 0)
		return -1;
	*ms = (int)v;
	return 0;
}

/* Now, in microseconds of CLOCK_MONOTONIC. */
static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t deadline_after(int ms)
{
	return now_us() + (int64_t)ms * 1000;
}

int ms_left(int64_t deadline)
{
	int64_t left = deadline - now_us();

	/* Round up: a poll() for 0 ms with 0.4 ms still to go would spin. */
	return left <= 0 ? 0 : (int)((left + 999) / 1000);
}
