/*
 * service.h - the test's own server for lab 04's client under test
 * (service.c): the line service played right, and played wrong by a
 * server that goes away mid-exchange; and, for the resolver shim's
 * tests, the test's sockets at several addresses on one port.  Every
 * failure blames the client.
 */
#ifndef SOCKLAB_TESTS_IPV6_SERVICE_H
#define SOCKLAB_TESTS_IPV6_SERVICE_H

#include "harness.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- the line service, played right ---------------------------------------- */

/* What to look at when the client under test never connects (a test
 * that provokes something says what), or NULL. */
extern const char *connect_hint;

/* Accept the client under test, within the deadline.  BUFSIZE > 0: the
 * test's socket buffers that size, so that the test's side cannot absorb
 * what a client does wrong. */
int accept_from(struct proc *cli, int lfd, int bufsize);
/* Run the client under test with options O, HOST and the port of a
 * listening socket of the test's own at IP (*PORT, if not NULL), and
 * accept it; BUFSIZE > 0: the test's buffers that size, from before the
 * handshake (the window it offers).  Returns the client; *FD: the test's
 * end of its connection. */
struct proc *client_connected(const char *ip, const struct run_opts *o,
                              const char *host, int bufsize, int *fd,
                              uint16_t *port);
/* LEN bytes of lines of 100 (letters, a newline). Allocated. */
char *many_lines(size_t len);
/* Play the line service for the client on FD, as the real server does:
 * answer each complete line (in pieces of PIECE bytes, 0: as they come),
 * the last unfinished one at the client's EOF, then close.  Like a real
 * server, stop reading while 256 KiB of answers wait for the client to
 * read them.  Returns what the client sent. */
char *play_server(struct proc *cli, int fd, size_t piece, size_t *got);
/* Play the line service for CLI on FD, its stdin DATA, connected to the
 * test's server at IP and PORT; check what crossed, the client's stdout
 * and its exit status 0. */
void expect_session(struct proc *cli, int fd, const char *data,
                    size_t len, size_t piece, const char *ip,
                    uint16_t port);
/* Run the client with STDIN against the test's own server on IP,
 * playing the line service: expect_session(). */
void client_session(const char *ip, const struct run_opts *extra,
                    const char *host, const char *data, size_t len,
                    size_t piece, int bufsize);

/* ---- a server that goes away mid-exchange ----------------------------------- */
/*
 * Each runs the client against the test's server, which goes away; the
 * client must exit 1 (never of SIGPIPE), saying what the server did.
 */

/* The server resets the connection (SO_LINGER 0 when LINGER0, else a
 * close with the client's lines unread) at the moment that shows
 * ENOTCONN: the client is blocked writing answers to a full stdout,
 * more answers wait in its socket, its stdin ends and the RST arrives
 * meanwhile; when it wakes, all of them are there at once. */
void reset_while_answers_wait(bool linger0);
/* The server answers the first of three lines and closes (having read
 * them all: a plain close), while the client's stdin is still open. */
void close_after_one_answer(void);
/* The server stops reading while the client still sends megabytes, then
 * closes (an RST: the client's lines unread). */
void stop_reading_then_close(void);

/* ---- the resolver shim's fixtures -------------------------------------------- */

/* Sockets of the test's own at each of the N addresses IPS, all on one
 * port, into FDS: listening where LISTENING says, else only bound (a
 * connection there is refused).  A NULL address is left out (FDS[i] -1).
 * Returns the port. */
uint16_t same_port(int n, const char *const ips[], const bool listening[],
                   int fds[]);
/* Run options for the client under the resolver shim
 * (tests/preload-gai.c): HOST answers ADDRS, as glibc would on a host
 * whose only IPv6 address is the loopback's.  GARBAGE: the stack full
 * of 0xa5 bytes when main() starts. */
struct run_opts gai_opts(const char *host, const char *addrs, bool garbage);
/* Which of the test's N listening sockets FDS the client connects to
 * first: its index, or -1 if the client exits, or nothing comes, first. */
int first_connection(struct proc *cli, const int fds[], int n);
/* The client, connected to IP:PORT, must hold that one socket: the
 * socket of each address that failed before it, closed. */
void expect_one_socket(struct proc *cli, const char *ip, uint16_t port);

#endif
