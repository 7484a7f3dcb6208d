/*
 * udp.h - the test's own UDP/IPv4 sockets, for the graders of labs 02
 * and 03: the test plays client, second client, stranger or server.
 *
 * Every receive has a deadline; a setup failure fails the test with
 * check's message (it is the grader's fault, not the student's).  The
 * second "host" is 127.0.0.2: all of 127.0.0.0/8 is loopback on Linux.
 */
#ifndef SOCKLAB_TESTS_UDP_H
#define SOCKLAB_TESTS_UDP_H

#include "harness.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A UDP socket of the test's own, bound to IP with a free port. */
int udp_open(const char *ip);
/* IP:PORT as a sockaddr_in. */
struct sockaddr_in udp_addr(const char *ip, uint16_t port);
/* The address FD is bound to. */
struct sockaddr_in udp_local(int fd);
/* "127.0.0.1:41234" (one of a few static buffers: use it at once). */
const char *udp_name(const struct sockaddr_in *a);
bool udp_same(const struct sockaddr_in *a, const struct sockaddr_in *b);

/* The address of SRV's ready line ("listening on 127.0.0.1:50002"):
 * wait_ready() must have returned.  Fails the test if it is not one. */
struct sockaddr_in ready_address(struct proc *srv);

/* Send LEN bytes of BUF from FD to TO as one datagram. */
void udp_send(int fd, const void *buf, size_t len, const struct sockaddr_in *to);
/* Receive one datagram within TIMEOUT_MS into BUF (CAP bytes), its sender
 * into *FROM (may be NULL).  Returns its size, or -1 when nothing came. */
ssize_t udp_recv(int fd, void *buf, size_t cap, struct sockaddr_in *from,
                 int timeout_ms);
/* Is a datagram waiting on FD right now?  (No wait: call it after an
 * exchange that the server can only have answered after this one.) */
bool udp_pending(int fd);

/* Receive from FD within TIMEOUT_MS and expect exactly WANT (WANT_LEN
 * bytes) from FROM; otherwise fail, blaming P, with HINT (where to look). */
void expect_datagram(struct proc *p, int fd, const struct sockaddr_in *from,
                     const void *want, size_t want_len, int timeout_ms,
                     const char *hint);
/* Send MSG from FD to SRV_ADDR, then expect_datagram() WANT back. */
void expect_echo(struct proc *srv, int fd, const struct sockaddr_in *srv_addr,
                 const char *msg, const char *want, const char *hint);

/* A well-formed client after a flood (the robustness suite): from a new
 * socket on 127.0.0.1, send MSG to SRV_ADDR, again every RETRY_MS (the
 * kernel may drop it from a full queue, as UDP allows), until WANT comes
 * back from SRV_ADDR; fail after TIMEOUT_MS.  Returns the socket. */
int udp_echo_patiently(struct proc *srv, const struct sockaddr_in *srv_addr,
                       const char *msg, const char *want, int retry_ms,
                       int timeout_ms);

/* Stop P with SIGSTOP and wait (bounded) until it really is stopped;
 * SIGCONT it again. */
void freeze(struct proc *p);
void thaw(struct proc *p);

/* Did P's stderr get a line containing TEXT?  Waits up to TIMEOUT_MS;
 * fails with WHY otherwise. */
void expect_log(struct proc *p, const char *text, int timeout_ms,
                const char *why);

/* Start "server -p PORT" on a UDP port the test holds: it must exit 1
 * with "Address already in use" and never print a ready line. */
void expect_port_in_use_refused(void);

/* ---- a program's sockets, seen from outside -------------------------------- */

/* A duplicate of P's AF_INET datagram socket bound to BOUND (peek_sockets()
 * in harness.h), for the test to look at and close.  Fails, saying what P
 * holds instead, when there is none; WHEN: the moment of the look ("after
 * BYE"), HINT (or NULL): where to look. */
int udp_socket_of(struct proc *p, const struct sockaddr_in *bound,
                  const char *when, const char *hint);
/* P's socket bound to BOUND must be connected to PEER now, WHEN (its
 * getpeername() from outside).  HINT (or NULL): where to look when it is
 * not; FIND_HINT, when there is no such socket at all. */
void expect_peer(struct proc *p, const struct sockaddr_in *bound,
                 const struct sockaddr_in *peer, const char *when,
                 const char *find_hint, const char *hint);
/* P's socket bound to BOUND must have no peer WHEN, or at the latest
 * within TIMEOUT_MS (0: at once).  Hints as for expect_peer(). */
void expect_no_peer(struct proc *p, const struct sockaddr_in *bound,
                    int timeout_ms, const char *when, const char *find_hint,
                    const char *hint);

/* The test playing a client's server: a UDP socket on 127.0.0.1, its
 * address, and its port as text for the client's command line. */
struct fake_server {
	int fd;
	struct sockaddr_in addr;
	char port[8];
};

/* A new one, its address noted as a step. */
struct fake_server fake_server(void);

#endif
