/*
 * lines.h - lab 04's server under test, the uppercase line service, as
 * the suite's tests meet it (lines.c): started on the loopback, a good
 * client's exchange with it, its log lines, its listening socket seen
 * from outside, and many clients connecting at once.  Every failure
 * blames the server.
 */
#ifndef SOCKLAB_TESTS_IPV6_LINES_H
#define SOCKLAB_TESTS_IPV6_LINES_H

#include "harness.h"

#include <stdbool.h>
#include <stdint.h>

struct server {
	struct proc *p;
	const char *ip;         /* where its clients connect: ::1 or 127.0.0.1 */
	uint16_t port;
};

/* The line service on the loopback, ready (start_on_loopback()).  IDLE:
 * the -i value, or NULL for the default. */
struct server start_lines(const struct run_opts *o, const char *idle);

/* The answers the service gives to DATA: each line uppercased, a last
 * line without '\n' given one.  Allocated, *ALEN bytes. */
char *answers_for(const char *data, size_t len, size_t *alen);

/* A connection to S (RCVBUF > 0: that receive buffer); fails, saying
 * how the server ended if it did, when S does not accept. */
int connect_server(struct server *s, int rcvbuf);
/* Be a good client on FD: send DATA while reading the answers, half-close
 * once all is sent, and read until the server closes.  Returns what the
 * server sent. */
char *talk(struct server *s, int fd, const char *data, size_t len,
           size_t *rlen);
/* Send DATA as a client of S, expect its answers, and the server to
 * close after the client's half-close. */
void exchange(struct server *s, const char *data, size_t len,
              const char *hint);
/* The log line "client [ADDRESS]:PORT TEXT" for the client on FD. */
void expect_client_log(struct server *s, const char *addr,
                       uint16_t port, const char *text);

/* P's listening socket, looked at WHEN: fails unless P holds exactly
 * one. */
int listener_of(struct proc *p, const char *when);
/* P's listening socket must be an AF_INET6 stream socket bound to IP
 * and PORT (0: a port the kernel chose), without SO_REUSEPORT.  Returns
 * it. */
int expect_listener(struct proc *p, const char *ip, uint16_t port);
/* Has the server let go of FD (EOF or reset)?  Waits up to TIMEOUT_MS. */
bool dropped(int fd, int timeout_ms);

/* The clients of the burst test: more than any small backlog holds. */
#define BURST 100

/* Connect BURST non-blocking sockets to S at once, into FDS.  Returns
 * how many took 1 s or more (or never connected), the slowest in *WORST. */
int connect_burst(struct server *s, int fds[BURST], long long *worst);

#endif
