/*
 * sockets.h - socket addresses of every family, the test's own stream
 * sockets, a program's sockets seen from outside, AF_UNIX servers'
 * socket files and IPv6 servers started on the loopback: what the suites
 * share beyond harness.h.
 *
 * Every wait has a deadline; a setup failure fails the test with
 * check's message (it is the grader's fault, not the student's).
 */
#ifndef SOCKLAB_TESTS_SOCKETS_H
#define SOCKLAB_TESTS_SOCKETS_H

#include "harness.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

/* ---- addresses, any family ------------------------------------------------ */

/* WHERE, an IPv4 or IPv6 address as text, and PORT, or the path of a
 * UNIX socket (WHERE starts with '/'; PORT unused), as a socket address
 * in *SS; returns its length. */
socklen_t sa_make(const char *where, uint16_t port,
                  struct sockaddr_storage *ss);
/* The socket address SA as text: "127.0.0.1:41234", "[::1]:50004", a
 * UNIX path in quotes (one of a few static buffers: use it at once). */
const char *sa_text(const void *sa);
/* Are A and B the same address: family, address and port, or path? */
bool sa_same(const void *a, const void *b);
/* Is SA the address WHERE and PORT (as sa_make() takes them)? */
bool sa_is(const void *sa, const char *where, uint16_t port);
/* FD's own address (PEER false) or its peer's into *SS: false if it has
 * none (errno ENOTCONN: never connected, or dissolved). */
bool sock_addr(int fd, bool peer, struct sockaddr_storage *ss);
/* The port FD is bound to. */
uint16_t local_port(int fd);
/* An int socket option of FD, or -1. */
int sockopt(int fd, int level, int name);

/* ---- a program's sockets, seen from outside --------------------------------- */
/*
 * peek_sockets() (harness.h) duplicates the sockets a program holds; the
 * test only asks them what they are (getsockopt), where they are bound
 * (getsockname) and to whom they are connected (getpeername), and closes
 * them.  A fresh look every time: a program may close a socket and open
 * another.
 */

#define MAX_SOCKETS 16

/* What the N sockets FDS are, for a message ("fd 3: AF_INET6
 * SOCK_STREAM, listening, bound to [::]:50004, IPV6_V6ONLY 0; fd 4:
 * ..."); THEIRS (or NULL): the program's numbers for them.  Allocated. */
char *sockets_text(const int *fds, const int *theirs, int n);
/* A copy of P's first socket for which MATCH(FD, ARG) holds, its number
 * in P in *THEIRS (if not NULL); -1 if there is none.  *HELD (if not
 * NULL): what P holds (sockets_text()), allocated; NULL if no socket. */
int find_socket(struct proc *p, bool (*match)(int fd, const void *arg),
                const void *arg, int *theirs, char **held);
/* A copy of SRV's first socket for which MATCH(FD, NULL) holds, its
 * number in SRV in *THEIRS (if not NULL): WHAT ("a listening socket"),
 * which SRV must hold once it said "listening on"; otherwise fail,
 * saying what it holds, then HINT (or ""). */
int server_socket(struct proc *srv, bool (*match)(int fd, const void *arg),
                  const char *what, const char *hint, int *theirs);
/* Does FD listen (SO_ACCEPTCONN)?  A match for find_socket(). */
bool is_listening(int fd, const void *unused);

/* ---- the test's own stream sockets ------------------------------------------ */

/* A stream socket of the test's own bound to WHERE and PORT (sa_make();
 * port 0: any; a path is removed first), listening if LISTENING; only
 * bound, any connection to it is refused.  -1 if the address is taken. */
int bound_socket(const char *where, uint16_t port, bool listening);

/* A non-blocking TCP connection (TCP_NODELAY) to IP and PORT from FROM
 * (an address of the same family, or NULL: the kernel chooses); RCVBUF
 * > 0: that receive buffer.  The fd, or -1 with errno (ECONNREFUSED,
 * ETIMEDOUT after 3 s). */
int tcp_connect(const char *from, const char *ip, uint16_t port, int rcvbuf);

/* Read what CLI, the client under test, sends on FD until it
 * half-closes: LEN bytes of stdin (*GOT of them came), allocated.  Fails
 * when no end of file comes in time; TODO (or "") names where the
 * half-close is written ("TODO 9: "). */
char *read_sent(struct proc *cli, int fd, size_t len, size_t *got,
                const char *todo);

/* How a conversation went (converse()). */
struct flow {
	size_t sent, got;       /* bytes sent, bytes read */
	bool shut;              /* all sent, and half-closed */
	bool eof;               /* the peer closed */
	bool timed_out;         /* the time ran out first */
	int send_error;         /* errno of a failed send, or 0 */
	int recv_error;         /* errno of a failed read, or 0 */
};

/* Send LEN bytes of DATA on FD while reading what comes back, half-close
 * once all is sent, and read until the peer closes, a read fails, or
 * TIMEOUT_MS pass (with IDLE: pass without a byte moving).  A failed
 * send stops the sending, not the reading.  Returns what was read,
 * allocated and NUL-terminated; *F says how it went. */
char *converse(int fd, const void *data, size_t len, int timeout_ms,
               bool idle, struct flow *f);

/* Read what each of the N sockets FDS sends until it closes (or resets),
 * for up to TIMEOUT_MS: into BUFS, N buffers of WIDTH bytes each, kept
 * NUL-terminated, their sizes in USED.  A socket that closed, or filled
 * its buffer, is closed and set to -1.  Returns how many are left. */
int read_each(int fds[], int n, char *bufs, size_t width, size_t used[],
              int timeout_ms);

/* ---- socket files: the paths of AF_UNIX servers ---------------------------- */

/* 107 on Linux: sun_path's size less the terminating NUL. */
#define LONGEST_PATH (sizeof ((struct sockaddr_un *)0)->sun_path - 1)

/* "SOCK_STREAM", "SOCK_DGRAM", "SOCK_SEQPACKET", or "another type". */
const char *type_name(int type);
/* A path of exactly LEN bytes inside the test's directory. */
char *path_of_length(size_t len);
/* A socket file nobody is bound to at PATH (a socket of TYPE bound
 * there, then closed): what a killed server leaves. */
void leave_stale_socket(const char *path, int type);
/* There must be a socket file at the full PATH; otherwise fail, blaming
 * P (a path cut short?). */
void expect_socket_at(struct proc *p, const char *path);

/* SRV, started on PATH (longer than 14 bytes), must say it is ready;
 * otherwise fail: sizeof(struct sockaddr) as bind()'s length cuts it. */
void wait_ready_at_full_path(struct proc *srv, const char *path);
/* SRV, started on PATH where nothing was, must not have replaced a
 * stale socket there: stopped, its log must say no such thing. */
void expect_nothing_replaced(struct proc *srv, const char *path);
/* FD, a copy of SRV's socket (WHAT: "listening socket"), must be bound
 * to the whole of PATH, and the socket file be there. */
void expect_bound_to_path(struct proc *srv, int fd, const char *what,
                          const char *path);
/* SRV, started on PATH where leave_stale_socket() left a file: it must
 * say it is ready (it removed the file and bound), then log "replaced
 * stale socket unix:PATH", after its ready line.  WHERE: the code that
 * logs it ("server.c, after unix_listen() set *replaced"). */
void expect_stale_replaced(struct proc *srv, const char *path,
                           const char *where);
/* The server (its socket of SERVER_TYPE), started on PATH, where the test
 * holds a live socket of TYPE (listening, unless SOCK_DGRAM), must exit 1,
 * saying why, and leave the socket file alone: a datagram socket there
 * still receives. */
void expect_live_socket_kept(const char *path, int type, int server_type);
/* The server, started on a path that holds a regular file, then on a
 * symbolic link to a stale socket file of TYPE, must exit 1 each time,
 * leave both as they were, and say the path "exists and is not a
 * socket". */
void expect_non_sockets_kept(int type);

/* ---- IPv6 on this machine, and the IPv6 servers under test --------------- */

/* Can this machine bind ::1 (some containers have IPv6 sockets but no
 * IPv6 loopback)?  *WHY, unless NULL: why not, for a SKIP. */
bool ipv6_loopback_usable(const char **why);
/* SKIP the test where there is no AF_INET6 at all, or no usable ::1. */
void need_ipv6_sockets(void);
void need_ipv6_loopback(void);
/* The port of P's ready line "listening on [ADDRESS]:PORT", which must
 * start with PREFIX unless NULL; otherwise fail. */
uint16_t ready_port(struct proc *p, const char *prefix);
/* Start the IPv6 server under test with up to 10 arguments (ARGS,
 * NULL-ended) and wait for its ready line; SKIP without AF_INET6. */
struct proc *start_ipv6_server(const struct run_opts *o,
                               const char *const args[]);
/* The same with -p 0 and EXTRA's options (up to 6, NULL-ended, or
 * NULL), on the loopback: at its default address ::1 where this machine
 * has one, else at -a ::ffff:127.0.0.1 (an IPv6 socket for IPv4
 * loopback clients).  *IP: where its clients connect, ::1 or 127.0.0.1;
 * *PORT: its port, from the ready line. */
struct proc *start_on_loopback(const struct run_opts *o,
                               const char *const extra[], const char **ip,
                               uint16_t *port);
/* For a message about a server P that stopped answering: "" if it still
 * runs after WAIT_MS, else "; the server exited with ..." (and why a
 * SIGPIPE: a send() to a client that has gone, without MSG_NOSIGNAL). */
const char *server_fate(struct proc *p, int wait_ms);

#endif
