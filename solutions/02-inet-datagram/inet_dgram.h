/*
 * inet_dgram.h - lab 02: an uppercase echo over UDP/IPv4.
 *
 * The socket work of the lab, in small functions that server.c and
 * client.c call: one step of the lab each, to read and write on its own.
 * (The grader judges the programs from outside; it never calls these.)
 */
#ifndef INET_DGRAM_H
#define INET_DGRAM_H

#include "inet.h"       /* UDP_MAX_PAYLOAD, deadlines, resolve_ipv4() */

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

/* bind.c: the server's socket. */

/* Fill *ADDR with the IPv4 address TEXT ("127.0.0.1") and PORT, both in
 * network byte order, after zeroing all of it (sin_zero must be zero
 * bytes).  Returns 0, or -1 with errno EINVAL when TEXT is not a dotted
 * IPv4 address. */
int server_address(const char *text, uint16_t port, struct sockaddr_in *addr);

/* An AF_INET datagram socket bound to *ADDR.  On return *ADDR holds the
 * address actually bound: with port 0, the port the kernel chose.
 * Returns the fd, or -1 with errno from socket(2), bind(2) or
 * getsockname(2) (EADDRINUSE: another socket has that port), no socket
 * left open. */
int udp_bind(struct sockaddr_in *addr);

/* echo.c: the server's exchange. */

/* Wait for the next datagram on FD and receive it into BUF (CAP bytes;
 * a longer one is cut, silently: pass UDP_MAX_PAYLOAD).  Returns its
 * size (0 for an empty datagram: UDP has no end of file) and its sender
 * in *FROM, or -1 with errno: EINTR when a stop signal arrived first
 * (see stop_signals_init() in common.h), EAGAIN when the datagram that
 * woke it is gone (once woken it never blocks), ... */
ssize_t receive_request(int fd, void *buf, size_t cap, struct sockaddr_in *from);

/* Send LEN bytes of BUF as one datagram to *TO.  0, or -1 with errno. */
int send_reply(int fd, const void *buf, size_t len, const struct sockaddr_in *to);

/* request.c: the client. */

/* An AF_INET datagram socket for talking to any server, or -1 with
 * errno.  Not bound: the first sendto() binds it to a free port, so
 * that clients on one host never clash. */
int client_socket(void);

/* Send LEN bytes of MSG as one datagram to *SERVER.  0, or -1 with
 * errno. */
int send_request(int fd, const void *msg, size_t len,
                 const struct sockaddr_in *server);

/* The last datagram from the server that was not the answer to the
 * request: a plain echo server, one that does not uppercase, sends the
 * request back as it was.  Kept so that a client that gives up can say
 * what came back instead of "no reply". */
struct wrong_reply {
	ssize_t size;                   /* -1: none came */
	unsigned char start[32];        /* its first bytes */
};

/* Wait until DEADLINE (see deadline_after()) for the answer to MSG (LEN
 * bytes): a datagram from *SERVER equal to MSG with its ASCII letters
 * uppercased, received into REPLY (UDP_MAX_PAYLOAD bytes).  Datagrams
 * from anyone else (same_endpoint(): address and port) are logged on
 * stderr, "ignored N bytes from ADDRESS: not the server", and skipped;
 * datagrams from the server but not that answer (a late answer to an
 * earlier request, or a server that does not uppercase) are logged
 * too, kept in *WRONG and skipped.  Neither moves DEADLINE, and a
 * signal (EINTR) does not end the wait.  Returns the answer's size
 * (LEN); -1 with errno ETIMEDOUT when the deadline passed first, or
 * another errno on failure. */
ssize_t await_reply(int fd, const struct sockaddr_in *server,
                    const void *msg, size_t len, void *reply,
                    int64_t deadline, struct wrong_reply *wrong);

/* The whole request: send MSG, wait up to TIMEOUT_MS for its answer,
 * and send it again, up to RETRIES more times, when none comes, each
 * retransmission logged on stderr; another failure ends it.  Returns
 * the answer's size, in REPLY (UDP_MAX_PAYLOAD bytes).  When every try
 * went unanswered: -1 with errno ETIMEDOUT if nothing came from the
 * server, EBADMSG if something did but never the answer (the last such
 * datagram in *WRONG); another errno on failure. */
ssize_t request_reply(int fd, const struct sockaddr_in *server,
                      const void *msg, size_t len, void *reply,
                      int timeout_ms, int retries, struct wrong_reply *wrong);

#endif
