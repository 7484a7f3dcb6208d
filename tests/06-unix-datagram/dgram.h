/*
 * dgram.h - AF_UNIX datagram addresses (a path, an abstract name, or
 * none) with the length that says which, and the test's own datagram
 * sockets, for lab 06's grader (dgram.c).  The server, the client and
 * the robustness suite's view of lab 06 all talk through these.
 */
#ifndef SOCKLAB_TESTS_UNIX_DATAGRAM_DGRAM_H
#define SOCKLAB_TESTS_UNIX_DATAGRAM_DGRAM_H

#include "harness.h"
#include "sockets.h"

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

/* ---- addresses ------------------------------------------------------------ */

/* An AF_UNIX address and its length, as bind() and sendto() take them. */
struct uaddr {
	struct sockaddr_un sa;
	socklen_t len;
};

/* PATH as an address, its length up to and with its NUL. */
struct uaddr path_addr(const char *path);
/* The name part of A: its bytes and their count in *N (a path's NUL left
 * out; an abstract name with its leading NUL). */
const char *name_of(const struct uaddr *a, size_t *n);
/* "unix:/path", "unix:@name" (a byte that is not printable ASCII as
 * '?'), "unix:(unnamed)": an ADDRESS as the lab's programs write it (the
 * course's format_addr()); one of a few static buffers. */
const char *addr_text(const struct uaddr *a);
/* Do A and B name the same socket (the same name, as long)? */
bool same_addr(const struct uaddr *a, const struct uaddr *b);

/* ---- the test's own sockets ------------------------------------------------- */

/* An AF_UNIX datagram socket whose every send gives up after 3 s
 * (scaled): a server that stopped reading never holds the test. */
int dgram_socket(void);
/* The same, bound to A. */
int dgram_bound(const struct uaddr *a);
/* A socket of the test's own bound to the abstract name
 * "sl-test-PID-TAG", exactly as long as it is; that address in *A. */
int dgram_abstract(const char *tag, struct uaddr *a);
/* Send LEN bytes of BUF from FD to TO; 0, or -1 with errno (EAGAIN: the
 * receiver's queue stayed full for 3 s). */
int dsend(int fd, const void *buf, size_t len, const struct uaddr *to);
/* Receive one datagram on FD within TIMEOUT_MS into BUF (CAP bytes), its
 * sender into *FROM (may be NULL).  Its real size (MSG_TRUNC), or -1
 * when none came. */
ssize_t drecv(int fd, void *buf, size_t cap, struct uaddr *from,
              int timeout_ms);

#endif
