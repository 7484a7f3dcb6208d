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
#include "sockets.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A UDP socket of the test's own, bound to IP with a free port. */
int udp_open(const char *ip);
/* The same, bound to A. */
int udp_open_at(struct sockaddr_in a);
/* IP:PORT as a sockaddr_in. */
struct sockaddr_in udp_addr(const char *ip, uint16_t port);
/* The address FD is bound to.  (sa_text() and sa_same() in sockets.h
 * write and compare addresses.) */
struct sockaddr_in udp_local(int fd);

/* Wait for SRV's ready line (wait_ready()) and return its address
 * ("listening on 127.0.0.1:50002").  Fails the test if it is not one. */
struct sockaddr_in ready_address(struct proc *srv);

/* Start the server with options O (NULL: none), -a IP (unless IP is
 * NULL), -p PORT, and OPT VALUE (unless OPT is NULL); once it is ready,
 * its address in *ADDR (ready_address()). */
struct proc *udp_server(const struct run_opts *o, const char *ip,
                        const char *port, const char *opt, const char *value,
                        struct sockaddr_in *addr);

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
/* SRV, once ready, must hold an AF_INET datagram socket bound to WANT;
 * HINT: where to look when it does not. */
void expect_bound_socket(struct proc *srv, const struct sockaddr_in *want,
                         const char *hint);
/* SRV, started with -p 0, must have announced 127.0.0.1 and the port the
 * kernel chose, ADDR, and answer there. */
void expect_real_port(struct proc *srv, const struct sockaddr_in *addr);
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

/* Wait up to TIMEOUT_MS for the next datagram from CLI, the client under
 * test, at S: its size; its bytes into BUF (CAP bytes), its sender into
 * *FROM.  Fails, saying "expected WHAT from the client", when none comes
 * or the client exits without having sent one. */
size_t next_request(struct proc *cli, struct fake_server *s, void *buf,
                    size_t cap, struct sockaddr_in *from, int timeout_ms,
                    const char *what);
/* Send REPLY (LEN bytes) from S to TO, noted as a step. */
void answer(struct fake_server *s, const struct sockaddr_in *to,
            const void *reply, size_t len);
/* Two strangers to a client of S, each sending MSG to the client at TO:
 * one on another port of S's address, one on S's port of another
 * address (127.0.0.2), so that a client must compare both to tell them
 * from S.  Their addresses as text into NAMES. */
void strangers_send(const struct fake_server *s, const struct sockaddr_in *to,
                    const char *msg, char names[2][32]);

/* Run options that preload the dgram shim (tests/preload-dgram.c): the
 * program pauses PAUSE_MS (ms() scales it) after each datagram it sends,
 * as if preempted right there, so that its socket, looked at the moment
 * the datagram arrives, is as it was when it went out; EXTRA (or NULL):
 * one more "NAME=value" for the shim.  The shim only provokes: verdicts
 * come from what the test sees. */
struct run_opts dgram_shim(int pause_ms, const char *extra);

#endif
