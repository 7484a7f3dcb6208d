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
#include <stddef.h>
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
 *   EPROTOTYPE  a live socket of another type (SOCK_DGRAM, ...) is bound
 *               to PATH: left alone;
 *   ENOTSOCK    PATH exists and is not a socket: left alone;
 *   ENAMETOOLONG PATH does not fit in sun_path;
 *   anything socket(2), bind(2) or listen(2) report, or the liveness
 *   probe's connect(2) (EACCES, ...): then the file is left alone too. */
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
	DROP_IDLE,         /* the client sent nothing for IDLE_MS */
	DROP_OUTPUT_FAILED,/* writing OUT_FD failed: errno says why */
	DROP_STOPPED,      /* a stop signal arrived mid-transfer */
};

/* How long a stopped server still tries to write out what it has read,
 * when stdout is blocked (a reader that does not read): then it gives
 * up, well within the 2 s its contract allows. */
#define STOP_GRACE_MS 500

/* Server: copy everything the client sends on SOCK to OUT_FD until the
 * client's EOF, or until it has sent nothing for IDLE_MS milliseconds.
 * *BYTES counts what was written to OUT_FD; at DROP_OUTPUT_FAILED,
 * *UNWRITTEN counts what was read from the client but not written. */
enum drop_result receive_file(int sock, int out_fd, int idle_ms,
                              uint64_t *bytes, uint64_t *unwritten);

/* Server: write LEN bytes of BUF to FD (stdout) without ever blocking
 * outside wait_fd(), so that a stop signal is seen even while a reader
 * does not read.  Returns how many bytes it wrote: LEN, or fewer with
 * errno set: ETIMEDOUT when a stop signal arrived and FD stayed blocked
 * for STOP_GRACE_MS, or what write(2) said (EPIPE, ENOSPC). */
size_t write_out(int fd, const void *buf, size_t len);

/* Server: send the receipt "OK <bytes>\n".  0, or -1 with errno. */
int send_receipt(int sock, uint64_t bytes);

/* Client: copy IN_FD to SOCK until end of file, then half-close SOCK so
 * the server sees EOF.  *BYTES counts what was sent.  0, or -1 with errno. */
int send_file(int sock, int in_fd, uint64_t *bytes);

/* Client: read the receipt line, all of it within TIMEOUT_MS.  Returns 0
 * and its count in *BYTES, or -1: errno ETIMEDOUT when it did not come in
 * time, errno set on a read error, errno 0 on a missing or malformed
 * receipt (the server closed without one, or sent something else). */
int read_receipt(int sock, int timeout_ms, uint64_t *bytes);

#endif
