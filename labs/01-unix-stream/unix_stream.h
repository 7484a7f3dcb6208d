/*
 * unix_stream.h - lab 01: a file drop over a UNIX-domain stream socket.
 *
 * The socket work of the lab, in small functions that server.c and
 * client.c call: one step of the lab each, to read and write on its own.
 * (The grader judges the programs from outside; it never calls these.)
 */
#ifndef UNIX_STREAM_H
#define UNIX_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

/* Size of the copy buffers.  Every read(2) and write(2) is a system call,
 * and a socket buffer found full or empty puts a process to sleep and
 * wakes it again: the more bytes per call, the fewer of both per byte.
 * make bench measured it on a 2-core machine: 64 KiB moved about 60% of
 * what 1 MiB moves, 100 bytes under 1%, and beyond 1 MiB nothing more was
 * gained.  The memory stays fixed whatever the file's size: one buffer on
 * each program's stack (8 MiB by default, see ulimit -s). */
#define DROP_BUFSIZE 1048576

/* listen.c: the server's passive socket. */

/* A passive AF_UNIX stream socket bound to PATH.  A stale socket file at
 * PATH (nobody listening) is removed and reused, and *REPLACED_STALE set.
 * Returns the listening fd, or -1 with errno:
 *   EADDRINUSE  a server is listening on PATH: left alone;
 *   ENOTSOCK    PATH exists and is not a socket: left alone;
 *   ENAMETOOLONG PATH does not fit in sun_path;
 *   anything socket(2), bind(2) or listen(2) report. */
int unix_listen(const char *path, bool *replaced_stale);

/* Wait for and accept the next client; -1 with errno EINTR when a stop
 * signal arrived first (see common.h, stop_signals_init()). */
int accept_client(int listen_fd);

/* connect.c: the client's active socket. */

/* An AF_UNIX stream socket connected to the server at PATH, or -1. */
int unix_connect(const char *path);

/* drop.c: the exchange over a connected socket. */

enum drop_result {
	DROP_DONE,         /* the client's EOF: everything received */
	DROP_CLIENT_LOST,  /* the client's connection failed mid-transfer */
	DROP_OUTPUT_FAILED,/* writing OUT_FD failed: errno says why */
	DROP_STOPPED,      /* a stop signal arrived mid-transfer */
};

/* Server: copy everything the client sends on SOCK to OUT_FD until the
 * client's EOF.  *BYTES counts what was written to OUT_FD. */
enum drop_result receive_file(int sock, int out_fd, uint64_t *bytes);

/* Server: send the receipt "OK <bytes>\n".  0, or -1 with errno. */
int send_receipt(int sock, uint64_t bytes);

/* Client: copy IN_FD to SOCK until end of file, then half-close SOCK so
 * the server sees EOF.  *BYTES counts what was sent.  0, or -1 with errno. */
int send_file(int sock, int in_fd, uint64_t *bytes);

/* Client: read the receipt line.  Returns 0 and its count in *BYTES, or
 * -1: errno set on a read error, errno 0 on a missing or malformed
 * receipt (the server closed without one, or sent something else). */
int read_receipt(int sock, uint64_t *bytes);

#endif
