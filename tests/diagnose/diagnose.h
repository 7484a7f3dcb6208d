/*
 * diagnose.h - which TODO of a lab is wrong: the diagnosis behind the
 * grader's "look at:" hints.
 *
 * The grader decides points without linking a line of student code (its
 * tests watch the built programs from outside).  A failing test alone
 * cannot tell which TODO is to blame, so this program, apart from
 * scoring, does what a unit test would: it is linked with the lab's own
 * functions (every .c file of the submission but server.c and client.c)
 * and calls them one at a time, each check in a child of its own, in a
 * temp dir of its own, with a time limit.  What it prints only chooses
 * the hint a failing test shows: a submission that forges it gains no
 * point, only worse advice.
 *
 * Each lab's checks (tests/diagnose/NN-name.c) follow the TODOs in order.
 * A check looks at the TODOs of one function; it returns when they look
 * right, or ends with todo_missing() or todo_wrong() naming the first
 * TODO found wrong: those before it are right, those after it unknown.
 *
 * Output, one line per TODO with a verdict, tab-separated:
 *   N  ok|missing|wrong  FILE  what was seen (empty for ok)
 */
#ifndef SOCKLAB_DIAGNOSE_H
#define SOCKLAB_DIAGNOSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define DIAG_NORETURN __attribute__((noreturn))
#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))

struct todo_check {
	int first, last;          /* the TODOs it looks at: FIRST..LAST */
	const char *file;         /* the file they are in */
	const char *function;     /* the lab function it calls: "unix_listen" */
	void (*check)(void);
};

extern const struct todo_check lab_checks[];
extern const size_t lab_nchecks;

/* End the check: TODO is still the starter's stub, or looks wrong (WHY,
 * one sentence: what was done and what was seen). */
DIAG_NORETURN DIAG_PRINTF(2, 3) void todo_missing(int todo, const char *why, ...);
DIAG_NORETURN DIAG_PRINTF(2, 3) void todo_wrong(int todo, const char *why, ...);

/* RESULT < 0 with errno ENOSYS, as the starter's stubs leave it: TODO is
 * not written yet (CALL, "unix_listen()", says who said so). */
void missing_if_stub(int todo, long result, const char *call);

/* FD, which CALL returned, is a socket of DOMAIN and TYPE (AF_UNIX,
 * AF_INET or AF_INET6; SOCK_STREAM or SOCK_DGRAM): else TODO is wrong. */
void wrong_unless_socket(int todo, int fd, const char *call, int domain, int type);

/* FD, which CALL (an accept()) returned with CLIENT waiting at LISTENER,
 * is CLIENT's connection, and LISTENER is still open: else TODO is wrong. */
void wrong_unless_accepted(int todo, int fd, const char *call, int listener, int client);

/* OPEN_AT, a lab's function that makes a server's socket at a path (CALL,
 * "unix_listen()"), and what is at PATH already: with LIVE, a socket the
 * check holds, bound there, it must fail and leave the file; LIVE closed,
 * the file is stale: it must replace it and set *replaced_stale; with a
 * regular file there, it must fail and leave it.  Else TODO is wrong. */
void wrong_unless_paths_kept(int todo, int (*open_at)(const char *, bool *),
                             const char *call, const char *path, int live);

/* Until diag_interrupt_stop(), a signal every USEC microseconds, whose
 * handler does nothing and does not restart calls: blocking reads and
 * writes return EINTR, or fewer bytes than asked, as they may in any
 * program that handles signals. */
void diag_interrupt_every(long usec);
void diag_interrupt_stop(void);

/* Is FD ready for EVENTS within MS milliseconds? */
bool diag_ready(int fd, short events, int ms);

/* A child process running FN(ARG) (a peer of the function under test),
 * killed with the check when it ends.  It keeps the standard streams and
 * the fds KEEP1 and KEEP2 (-1: none), and closes every other: an end of a
 * pipe or socket left open there would hide an end of file. */
pid_t diag_spawn(void (*fn)(void *), void *arg, int keep1, int keep2);

/* N bytes of a pattern with NULs and 0xff bytes in it; the offset of
 * the first byte of BUF that differs from it, or -1. */
void diag_pattern(unsigned char *buf, size_t n);
long long diag_pattern_differs(const unsigned char *buf, size_t n);

/* The file PATH, read whole (allocated); *LEN its size; NULL on error. */
unsigned char *diag_slurp(const char *path, size_t *len);

/* ERR's name ("ECONNREFUSED"); "errno 0", or "an unknown errno". */
const char *diag_errname(int err);

/* Milliseconds on the monotonic clock. */
long long diag_now_ms(void);

/* How many fds this process has open: a function that leaks one adds one. */
int diag_open_fds(void);

/* The int socket option NAME at LEVEL of FD, -1 when getsockopt() fails;
 * setting one. */
int diag_sockopt(int fd, int level, int name);
void diag_setsockopt(int fd, int level, int name, int value);

/* ---- addresses and sockets of our own ---------------------------------- */
/* (Setting one up fails, as when IP is not an address: the check ends.) */

/* A socket address for the numeric IP (v4 or v6) and PORT; its length. */
socklen_t diag_addr(const char *ip, uint16_t port, struct sockaddr_storage *ss);

/* A socket of TYPE bound to the numeric IP and PORT (0: any free one);
 * an AF_INET6 one takes IPv4 too.  -1 when socket() or bind() fails. */
int diag_socket_at(int type, const char *ip, uint16_t port);

/* The port FD is bound to, in host order (0: none). */
uint16_t diag_port_of(int fd);

/* A port free for TYPE on IP now whose two bytes differ: a missing
 * htons() or ntohs() shows. */
uint16_t diag_free_port(int type, const char *ip);

/* IPv4: the address of IP and PORT (host order); the one FD is bound to
 * (family AF_UNSPEC: none); "127.0.0.1:41234", in one of four buffers
 * used in turn (several in one message). */
struct sockaddr_in diag_ipv4(const char *ip, uint16_t port);
struct sockaddr_in diag_local(int fd);
const char *diag_name(const struct sockaddr_in *sa);

/* A UDP socket bound to IP and PORT (0: any free port). */
int diag_udp(const char *ip, uint16_t port);

/* One datagram of LEN bytes from FD to *TO, straight to the kernel (past
 * any wrapper of sendto() a lab's checks define). */
void diag_send_to(int fd, const void *buf, size_t len, const struct sockaddr_in *to);

/* The next datagram on FD within MS milliseconds: its size (-1: none),
 * its sender in *FROM. */
ssize_t diag_recv_within(int fd, void *buf, size_t cap, struct sockaddr_in *from, int ms);

#endif
