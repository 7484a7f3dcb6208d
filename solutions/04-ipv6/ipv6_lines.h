/*
 * ipv6_lines.h - lab 04: a line service over TCP/IPv6 and a client that
 * does not care which IP version it gets.
 *
 * The socket work of the lab, in small functions that server.c and
 * client.c call: one step of the lab each, to read and write on its own.
 * (The grader judges the programs from outside; it never calls these.)
 */
#ifndef IPV6_LINES_H
#define IPV6_LINES_H

#include "common.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* The server's address when no -a is given: the IPv6 loopback, ::1. */
#define DEFAULT_PORT 50004
#define DEFAULT_IDLE_MS 30000

/* The server keeps at most this much of an unfinished line.  A line
 * longer than this is answered in pieces of this size, so memory stays
 * bounded however long a client's line is (a 60 KiB line still fits). */
#define LINE_BUFSIZE 65536

/* listen.c: the server's passive socket. */

/* Parse TEXT ("::1", "::", "::ffff:127.0.0.1") into *ADDR with
 * inet_pton(3).  0, or -1 when TEXT is not an IPv6 address ("127.0.0.1"
 * and "[::1]" are not). */
int parse_ipv6(const char *text, struct in6_addr *addr);

/* A passive AF_INET6 stream socket bound to ADDR and PORT (0: any free
 * port).  V6ONLY true: IPv6 clients only; false: IPv4 clients too, seen
 * as IPv4-mapped addresses (::ffff:a.b.c.d) when ADDR is ::.  With
 * SO_REUSEADDR, so that a restarted server binds at once while its old
 * connections linger; with a backlog of SOMAXCONN, so that a burst of
 * clients waits in the queue, not on dropped SYNs.  Returns the listening
 * fd, or -1 with errno as socket(2), setsockopt(2), bind(2) or listen(2)
 * left it (the socket closed). */
int ipv6_listen(const struct in6_addr *addr, uint16_t port, bool v6only);

/* Wait for and accept the next client, its address into *PEER.  -1 with
 * errno EINTR when a stop signal arrived first (common.h). */
int accept_client(int listen_fd, struct sockaddr_in6 *peer);

/* Write SA as "[ADDRESS]:PORT" ("[::ffff:127.0.0.1]:41234") into BUF
 * with inet_ntop(3).  Returns BUF. */
const char *ipv6_text(const struct sockaddr_in6 *sa, char buf[ADDR_STRLEN]);

/* lines.c: the server's side of the exchange. */

enum serve_result {
	SERVE_DONE,     /* the client's EOF: every line answered */
	SERVE_IDLE,     /* the client neither sent nor read for IDLE_MS */
	SERVE_LOST,     /* the connection failed (errno says why) */
	SERVE_STOPPED,  /* a stop signal arrived (stop_requested()) */
};

/* Answer every line the client sends on SOCK with the line uppercased,
 * until its EOF (a last line without a newline is answered too, with
 * one).  Gives up on a client that neither sends nor accepts data for
 * IDLE_MS.  *LINES counts the lines answered (a line sent in pieces
 * once).  Makes SOCK non-blocking. */
enum serve_result serve_lines(int sock, int idle_ms, unsigned long *lines);

/* connect.c: the client's active socket. */

/* Resolve HOST and PORT with getaddrinfo(3), any address family, and
 * connect to the first address that accepts, in the resolver's order,
 * logging each one that does not with its error.  Returns the connected
 * fd, its address in CONNECTED; or -1 with *GAI_ERROR the resolver's
 * EAI_* code (see gai_strerror(3)), or 0 when every address was tried
 * and failed. */
int connect_by_name(const char *host, const char *port,
                    char connected[ADDR_STRLEN], int *gai_error);

/* relay.c: the client's side of the exchange. */

/* Send IN_FD to SOCK and copy the replies to OUT_FD, both at once; at
 * IN_FD's end, half-close SOCK, and return when the server closes.
 * *SENT counts the lines read from IN_FD to send (an unfinished last
 * line included), *ANSWERED the reply lines received, however the
 * exchange ends.  0, or -1 with errno: EPIPE, the server closed before
 * IN_FD's end; ECONNRESET, the server reset the connection; another, a
 * call failed.  Makes SOCK non-blocking.  Never raises SIGPIPE. */
int exchange_lines(int sock, int in_fd, int out_fd,
                   unsigned long *sent, unsigned long *answered);

#endif
