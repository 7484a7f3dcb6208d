/*
 * unix_dgram.h - lab 06: UNIX-domain datagrams, and the property table
 * measured by experiment.
 *
 * The socket work of the lab, in small functions that server.c,
 * client.c and props.c call: one step of the lab each, to read and write
 * on its own.  (The grader judges the programs from outside; it never
 * calls these.)
 *
 * The contract of the three programs:
 *
 * server [-n COUNT] SOCKET_PATH
 *   An AF_UNIX datagram socket bound to SOCKET_PATH.  Each datagram is
 *   answered with its bytes, ASCII letters uppercased, sent to its
 *   sender's address.  Its first line is "listening on unix:SOCKET_PATH";
 *   then one line per datagram, "from ADDRESS: N bytes" (ADDRESS
 *   "unix:/path", "unix:@name" for an abstract name, "unix:(unnamed)" for
 *   a sender that never bound one), and one line for each answer not
 *   sent, "no answer to ADDRESS: why": "it is unbound, ..." for a sender
 *   with no address, strerror's text for one gone, "its queue is full
 *   ..." for one that does not read, "the server's send buffer is full
 *   ..." when the answers clients have not read fill it (the server never
 *   waits for room; it drops the answer).  Those two come in runs: at
 *   most one line a second, with the count of the others.  A datagram
 *   over DGRAM_MAX bytes is logged and not answered.  A stale socket file
 *   at SOCKET_PATH is replaced (logged after the ready line, "replaced
 *   stale socket unix:SOCKET_PATH"); a live socket there, or a file that
 *   is not a socket, is left alone: exit 1.  -n: exit 0 after COUNT
 *   datagrams.  SIGINT, SIGTERM: the socket file removed, exit 0.
 *
 * client [-p] [-t MS] SOCKET_PATH
 *   Binds an address of its own first, or the server would have nowhere
 *   to send its answers: the abstract name "\0socklab-PID-RANDOM" by
 *   default, or with -p the file $TMPDIR/socklab-PID-RANDOM.sock (/tmp
 *   without TMPDIR), which it removes on every way out but SIGKILL:
 *   end of input, an error, SIGINT, SIGTERM, SIGHUP, SIGQUIT (then it
 *   dies of that signal, as it would have).  Then each line of stdin
 *   (without its newline, at most DGRAM_MAX bytes) goes to the server as
 *   one datagram, and the answer, a datagram from the server's address,
 *   is printed as a line; datagrams from anyone else are logged and
 *   skipped.  -t MS (default 2000): no answer within MS, or no room in
 *   the server's queue for MS: exit 1, saying so.  Exit 0 at the end of
 *   input.
 *
 * props [-n COUNT] [-s SIZE]
 *   Measures the property table for AF_UNIX, AF_INET and AF_INET6 x
 *   SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET (SOCK_SEQPACKET over IP is
 *   SCTP: n/a; AF_INET6 n/a where ::1 is unusable), each cell by the
 *   experiment of measure_cell() below, COUNT (default 1000, 2-100000)
 *   sends of SIZE bytes (default 1000, 1-65507).  Prints the line
 *   "props: COUNT=N SIZE=N ...", the table in the layout of the course's
 *   (rows "| DOMAIN | property | stream | datagram | seqpacket |", cells
 *   yes, no, ? (too little arrived to tell) or n/a), and under it one
 *   line of counts per cell:
 *     DOMAIN TYPE sent=N blocked=N bytes=N arrived=N reads=N sendto=R
 *   (R: "ok", or the errno's name, "ENOTCONN"), or "DOMAIN TYPE n/a: why".
 *
 * --help, as the first argument: the usage on stdout, exit 0.  Bad
 * arguments: what was wrong and the usage on stderr, exit 2.
 */
#ifndef UNIX_DGRAM_H
#define UNIX_DGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* The largest datagram the server answers and the client sends.  A UNIX
 * datagram may be bigger (up to about the sender's SO_SNDBUF), but a
 * receive buffer has a size: recvfrom(2) cuts what does not fit. */
#define DGRAM_MAX 65536

/* ---- bind.c: the server's socket ------------------------------------- */

/* An AF_UNIX datagram socket bound to PATH.  A stale socket file at PATH
 * (nobody bound to it) is removed and reused, and *REPLACED_STALE set.
 * Returns the fd, or -1 with errno:
 *   EADDRINUSE   a datagram socket is bound to PATH: left alone;
 *   EPROTOTYPE   a live socket of another type (a stream server): left alone;
 *   ENOTSOCK     PATH exists and is not a socket: left alone;
 *   ENAMETOOLONG PATH does not fit in sun_path;
 *   what socket(2) or bind(2) said. */
int dgram_server_socket(const char *path, bool *replaced_stale);

/* EADDRINUSE from bind(2): something is at PATH (ADDR, LEN: its address).
 * Removes it if it is a socket file nobody is bound to, and returns 0;
 * -1 with errno as dgram_server_socket() otherwise.  The client's -p
 * address uses it too. */
int remove_stale_socket(const char *path, const struct sockaddr_un *addr,
                        socklen_t len);

/* ---- echo.c: the server's exchange ----------------------------------- */

/* Receive the datagram waiting on FD (never blocks: MSG_DONTWAIT) into
 * BUF, CAP bytes at most, its sender's address into *FROM and that
 * address's length into *FROM_LEN.  Returns the datagram's real size,
 * which is more than CAP when it did not fit (only CAP bytes are in BUF),
 * or -1 with errno (EAGAIN: nothing was waiting). */
ssize_t receive_datagram(int fd, void *buf, size_t cap,
                         struct sockaddr_un *from, socklen_t *from_len);

/* Send LEN bytes of BUF as one datagram to the sender TO, TO_LEN bytes
 * (what receive_datagram() gave), without ever waiting.  0, or -1 with
 * errno: EDESTADDRREQ when the sender had no address (never bound),
 * EAGAIN when its queue is full (or the server's send buffer is, with
 * answers not read yet), ECONNREFUSED or ENOENT when it has gone. */
int send_answer(int fd, const void *buf, size_t len,
                const struct sockaddr_un *to, socklen_t to_len);

/* ---- own.c: the client's own address --------------------------------- */

/* The address the client bound, and whether there is a file to remove. */
struct own_address {
	struct sockaddr_un addr;
	socklen_t len;
	bool pathname;          /* a file of ours at addr.sun_path */
};

/* Bind FD, an AF_UNIX datagram socket, to an address of its own, named
 * "socklab-PID-RANDOM": an abstract name by default, the file
 * $TMPDIR/socklab-PID-RANDOM.sock with PATHNAME.  Fills *ME.  0, or -1
 * with errno (ENAMETOOLONG: TMPDIR is too long for sun_path). */
int bind_own_address(int fd, bool pathname, struct own_address *me);

/* Remove the file *ME names, if it is a pathname bound by us, and
 * forget it.  Async-signal-safe: a signal handler calls it. */
void remove_own_address(struct own_address *me);

/* ---- request.c: the client's exchange --------------------------------- */

/* Send LEN bytes of LINE as one datagram to the server SERVER, SERVER_LEN
 * bytes.  0, or -1 with errno (EAGAIN: the server's queue stayed full
 * for the socket's SO_SNDTIMEO). */
int send_line(int fd, const void *line, size_t len,
              const struct sockaddr_un *server, socklen_t server_len);

/* Wait up to TIMEOUT_MS for a datagram from SERVER (SERVER_LEN bytes),
 * received into BUF (CAP bytes).  Datagrams from anyone else are logged,
 * "ignored N bytes from ADDRESS: not the server", and skipped, without
 * moving the deadline.  Returns the answer's size, or -1 with errno
 * ETIMEDOUT when none came in time, another errno on failure. */
ssize_t await_answer(int fd, void *buf, size_t cap,
                     const struct sockaddr_un *server, socklen_t server_len,
                     int timeout_ms);

/* ---- measure.c: one cell of the property table, by experiment -------- */

/* How long drain() waits for more before it decides nothing more is
 * coming (a lost datagram never comes). */
#define QUIET_MS 200
/* drain()'s buffer: room for everything a socket holds, so that one read
 * can return all of it if the socket type allows. */
#define DRAIN_BUFSIZE (1 << 20)

/* Two sockets of one domain and type on this host, the receiver bound to
 * an address the kernel chose on loopback. */
struct pair {
	int domain, type;
	int receiver;            /* reads: the accepted one for a stream */
	int sender;              /* sends: connected, for a stream */
	int listener;            /* stream, seqpacket: the listening socket, else -1 */
	struct sockaddr_storage addr;   /* the receiver's (listener's) address */
	socklen_t addr_len;
};

/* What one cell's experiment counted. */
struct cell_counts {
	long sent;               /* sends that sent something */
	long blocked;            /* sends that would have blocked (EAGAIN) */
	long long bytes;         /* bytes sent */
	long long arrived;       /* bytes the receiver read */
	long reads;              /* reads that returned data */
	int sendto_errno;        /* sendto() without a connection: 0 if it sent */
};

/* Set up *P for DOMAIN (AF_UNIX, AF_INET, AF_INET6) and TYPE
 * (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET): the receiver bound to the
 * loopback address of the domain with a port (or, AF_UNIX, an abstract
 * name) the kernel chooses, P->addr what it chose; for a stream or
 * seqpacket, listening, the sender connected and the connection
 * accepted.  0, or -1 with errno, nothing left open (EADDRNOTAVAIL,
 * EAFNOSUPPORT: no such loopback here). */
int open_pair(int domain, int type, struct pair *p);
void close_pair(struct pair *p);

/* The experiment, on a fresh pair: COUNT sends of SIZE bytes, each one
 * non-blocking, the receiver not reading (flood()); then the receiver
 * reads everything with one DRAIN_BUFSIZE buffer (drain()); then a new
 * socket of the type sendto()s one byte to P->addr without connecting
 * (sendto_unconnected()).  0, or -1 with errno. */
int flood(const struct pair *p, long count, size_t size, struct cell_counts *c);
int drain(const struct pair *p, struct cell_counts *c);
int sendto_unconnected(const struct pair *p, struct cell_counts *c);

/* open_pair(), the three steps, close_pair(): 0, or -1 with errno and
 * the name of the function that failed in *FAILED. */
int measure_cell(int domain, int type, long count, size_t size,
                 struct cell_counts *c, const char **failed);

#endif
