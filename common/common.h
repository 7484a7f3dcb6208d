/*
 * common.h - the small helper module every lab uses.
 *
 * What is here is what every lab needs but none of them teaches: error
 * exits, loops that survive short counts and EINTR, printing an address,
 * parsing a port, filling a sockaddr_un safely, and stopping a server
 * cleanly on SIGINT/SIGTERM.  The socket calls themselves (socket, bind,
 * listen, accept, connect, sendto, recvfrom, ...) are the lessons: they
 * stay visible in each lab's own code, never in here.
 */
#ifndef SOCKLAB_COMMON_H
#define SOCKLAB_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#define NORETURN __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* ---- errors and logging (error.c) ------------------------------------ */

/* Remember argv[0]'s last component for every message; call first. */
void set_progname(const char *argv0);
const char *progname(void);

/* "PROG: MESSAGE: strerror(errno)" on stderr, exit 1 (a runtime failure). */
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* die() and die_msg() without the exit: for a failure that ends the
 * program only after it has cleaned up (closed its socket, ...). */
void warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warn_msg(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "PROG: MESSAGE" on stderr, exit 1, for failures errno does not describe. */
NORETURN void die_msg(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "PROG: MESSAGE", then "usage: PROG USAGE" on stderr, exit 2 (bad arguments). */
NORETURN void die_usage(const char *usage, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* die_usage() for what getopt(3) returned instead of an option of ours:
 * OPT is ':' (an option's argument is missing: the option string must
 * start with ':', which also keeps getopt's own message out) or '?' (an
 * unknown option).  Names the option (optopt). */
NORETURN void die_bad_option(const char *usage, int opt);
/* --help as the first argument: a request, not a mistake, so "usage:
 * PROG USAGE" and then ABOUT (NULL: nothing more) go to stdout, and the
 * program exits 0.  (Only first: later, "--help" may be an operand, a
 * message to send.)  Call it before getopt(3). */
void help_if_asked(int argc, char *argv[], const char *usage, const char *about);
/* One event, one line on stderr, written with a single write(2) so lines
 * from several processes never mix. */
void log_line(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ---- I/O that survives short counts and EINTR (io.c) ---------------- */

/* Write all LEN bytes, however many write(2) calls it takes.  Returns LEN,
 * or -1 with errno set (EPIPE when the reader has gone, ...). */
ssize_t write_all(int fd, const void *buf, size_t len);
/* One read(2), retried on EINTR: returns what read(2) returns. */
ssize_t read_retry(int fd, void *buf, size_t len);
/* Keep fds 0-2 taken even if the program was started with one closed, so
 * that no socket gets its number; using a closed one still fails (EBADF).
 * Call at the start of main. */
void reserve_std_fds(void);

/* ---- addresses and arguments (addr.c, args.c) ----------------------- */

/* Big enough for any ADDRESS format_addr() writes: "unix:" + a sun_path,
 * or "[" + an IPv6 address + "]:" + a port. */
#define ADDR_STRLEN 128

/* Write SA as the labs write an ADDRESS: "unix:/path", "127.0.0.1:50002",
 * "[::1]:50004" (an unnamed UNIX socket is "unix:(unnamed)", an abstract
 * name "unix:@name", as ss(8) shows them).  Returns BUF. */
const char *format_addr(const struct sockaddr *sa, socklen_t len,
                        char buf[ADDR_STRLEN]);

/* Fill *ADDR for PATH and set *LEN to the length bind/connect need.
 * Returns 0, or -1 with errno ENAMETOOLONG when PATH (plus its
 * terminating NUL) does not fit in sun_path: never truncates, never
 * overflows. */
int unix_addr(const char *path, struct sockaddr_un *addr, socklen_t *len);

/* Longest pathname that fits in sun_path with its NUL: 107 on Linux. */
#define UNIX_PATH_MAX_LEN (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

/* Parse a whole decimal number in MIN..MAX.  Returns 0, or -1 for empty
 * text, trailing junk, a sign, or a value out of range. */
int parse_number(const char *text, unsigned long min, unsigned long max,
                 unsigned long *value);
/* A port: 0..65535 for servers (0 means any free port), 1..65535 for
 * clients.  Returns 0 or -1, as parse_number. */
int parse_port(const char *text, bool allow_zero, uint16_t *port);

/* Uppercase the ASCII letters of BUF in place; every other byte (NUL,
 * bytes over 127) is left as it is.  The echo services of labs 02-04. */
void ascii_upper(void *buf, size_t len);

/* ---- stopping a server cleanly (signals.c) -------------------------- */

/* Block SIGINT and SIGTERM and install a handler that records them.  From
 * now on the signals are delivered only inside wait_fd(), so a signal that
 * arrives while the server is busy is never lost: the next wait_fd()
 * returns at once. */
void stop_signals_init(void);
/* True once SIGINT or SIGTERM has arrived. */
bool stop_requested(void);

/* Wait until FD is ready for EVENTS (POLLIN, POLLOUT), for at most
 * TIMEOUT_MS milliseconds (-1: no limit).  Returns 1 when ready, 0 on
 * timeout, -1 when a stop signal arrived (errno EINTR), or -1 with errno
 * set on failure. */
int wait_fd(int fd, short events, int timeout_ms);

#endif
