/*
 * inet.h - what the IPv4 datagram labs (02, 03) share but do not teach.
 *
 * Finding a host's IPv4 address by name, reading a time in milliseconds
 * from the command line, comparing two IPv4 endpoints, and deadlines for
 * waits that must not start again from zero each time an unwanted
 * datagram wakes them.  Lab 02 teaches sockaddr_in, htons() and
 * inet_pton() in its own code; ipv4_address() below is the same step
 * packaged for the labs that come after it.
 */
#ifndef SOCKLAB_INET_H
#define SOCKLAB_INET_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* The largest payload a UDP/IPv4 datagram can carry: 65535 (the IPv4
 * total length field) - 20 (IPv4 header) - 8 (UDP header).  A receive
 * buffer of this size never truncates a datagram.  See udp(7). */
#define UDP_MAX_PAYLOAD 65507

/* Longest time a -t or -i option accepts: one hour, in milliseconds. */
#define MAX_TIMEOUT_MS 3600000

/* Fill *ADDR with the IPv4 address TEXT (dotted decimal, "127.0.0.1")
 * and PORT, both in network byte order.  Returns 0, or -1 with errno
 * EINVAL when TEXT is not an IPv4 address. */
int ipv4_address(const char *text, uint16_t port, struct sockaddr_in *addr);

/* Resolve HOST, an IPv4 address or a host name ("localhost"), to its
 * first IPv4 address, and fill *ADDR with it and PORT.  Returns 0, or an
 * EAI_* code from getaddrinfo(3): pass it to resolve_error(). */
int resolve_ipv4(const char *host, uint16_t port, struct sockaddr_in *addr);
/* The message for a resolve_ipv4() failure: gai_strerror(3)'s text, or
 * strerror(errno)'s for EAI_SYSTEM. */
const char *resolve_error(int code);

/* Same address and same port?  A reply that comes from the right host
 * but another port is from a different socket, so another program. */
bool same_endpoint(const struct sockaddr_in *a, const struct sockaddr_in *b);

/* Parse TEXT as a whole number of milliseconds in 1..MAX_TIMEOUT_MS.
 * Returns 0, or -1 (see parse_number() in common.h). */
int parse_ms(const char *text, int *ms);

/* A deadline MS milliseconds from now, on the monotonic clock (which
 * never jumps when someone sets the time of day). */
int64_t deadline_after(int ms);
/* Milliseconds left until DEADLINE, rounded up, 0 once it has passed:
 * a timeout for poll(2) that shrinks as the wait goes on. */
int ms_left(int64_t deadline);

#endif
