/*
 * drop.c - lab 01, the exchange: the client streams a file, half-closes,
 * and reads a receipt; the server copies until EOF and answers with the
 * byte count.
 *
 * A stream has no message boundaries (LAB_GUIDE.md's stream/datagram
 * table): the server cannot know the file has ended from the size of a
 * read(), only from end of file, which the client causes with
 * shutdown(SHUT_WR) while keeping its socket open to read the receipt.
 *
 * Man pages: read(2), write(2), send(2), shutdown(2), poll(2), pipe(7).
 */
#include "unix_stream.h"

#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Milliseconds on the monotonic clock, for deadlines (clock_gettime(2):
 * CLOCK_REALTIME would jump when someone sets the date). */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until FD is readable or DEADLINE (a now_ms() value) has passed:
 * 1 readable, 0 time is up, -1 failure.  poll(2) takes what is left, and
 * starts again with less after a signal (EINTR). */
static int wait_readable(int fd, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		long long left = deadline - now_ms();
		int n;

		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, left < INT_MAX ? (int)left : INT_MAX);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

size_t write_out(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0, most = len;
	long long give_up = -1;         /* a deadline, once stopped */
	struct stat st;

	/* The stop signals are let in only inside wait_fd(): a write(2)
	 * that blocks, on a pipe nobody reads, would never see them.  So
	 * wait for room first.  Linux says POLLOUT on a pipe once a page,
	 * at least PIPE_BUF bytes, is free (pipe(7)), and on a UNIX socket
	 * once most of its buffer is: a write of PIPE_BUF then never blocks,
	 * a larger one may, half-way.  A file or /dev/null never waits for
	 * a reader: those get the whole buffer in one write. */
	if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		most = PIPE_BUF;
	while (done < len) {
		ssize_t n;
		int ready;

		if (give_up < 0) {
			ready = wait_fd(fd, POLLOUT, -1);
			if (ready < 0 && stop_requested()) {
				/* Stopped: what was read is still written out,
				 * but a reader that does not read gets only
				 * STOP_GRACE_MS more to make room. */
				give_up = now_ms() + STOP_GRACE_MS;
				continue;
			}
		} else {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			long long left = give_up - now_ms();

			ready = left > 0 ? poll(&pfd, 1, (int)left) : 0;
			if (ready == 0) {
				errno = ETIMEDOUT;
				return done;
			}
		}
		if (ready < 0 && errno != EINTR)
			return done;
		if (ready < 0)
			continue;
		n = write(fd, p + done, len - done < most ? len - done : most);
		if (n < 0 && errno != EINTR)
			return done;    /* EPIPE, ENOSPC: errno says which */
		if (n > 0)
			done += (size_t)n;
	}
	return done;
}

enum drop_result receive_file(int sock, int out_fd, int idle_ms,
                              uint64_t *bytes, uint64_t *unwritten)
{
	char buf[DROP_BUFSIZE];

	*bytes = *unwritten = 0;
	/* TODO 5: copy SOCK to OUT_FD until read(2) returns 0 (end of file:
	 * DROP_DONE).  Before each read, wait_fd(sock, POLLIN, idle_ms): -1 is
	 * DROP_STOPPED, 0 DROP_IDLE; a failed read_retry() DROP_CLIENT_LOST.
	 * Trap: a read returns what has arrived, not a message; write all of it
	 * with write_out(), as bytes (no strlen()).  read(2), poll(2).
	 * Tests: data_in_pieces_is_counted_whole,
	 * binary_megabytes_byte_exact. */
	(void)sock;
	(void)out_fd;
	(void)idle_ms;
	(void)buf;
	errno = ENOSYS;
	return DROP_CLIENT_LOST;
}

int send_receipt(int sock, uint64_t bytes)
{
	char line[32];
	int len = snprintf(line, sizeof line, "OK %" PRIu64 "\n", bytes);

	/* TODO 6: send LINE, LEN bytes, with write_all(): one write(2) may
	 * take only part.  0, or -1 when the client is gone (the server logs it
	 * and goes on: SIGPIPE is ignored in server.c).
	 * Tests: empty_transfer_gets_ok_0, vanished_client_is_survived. */
	(void)sock;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int send_file(int sock, int in_fd, uint64_t *bytes)
{
	char buf[DROP_BUFSIZE];

	*bytes = 0;
	/* TODO 8: copy IN_FD to SOCK until read_retry() returns 0, each piece
	 * with write_all() (a write may take part of it); count *bytes.
	 * TODO 9: then shutdown(sock, SHUT_WR): the server sees end of file and
	 * the receipt can still arrive.  Trap: close(2) would lose it.
	 * Tests: client_survives_short_writes,
	 * client_half_closes_before_reading_receipt. */
	(void)sock;
	(void)in_fd;
	(void)buf;
	errno = ENOSYS;
	return -1;
}

int read_receipt(int sock, int timeout_ms, uint64_t *bytes)
{
	long long deadline = now_ms() + timeout_ms;
	char line[32];
	size_t len = 0;

	/* TODO 10: read into LINE until the newline: the receipt may come in
	 * pieces.  Wait with wait_readable(sock, deadline) first: 0 is
	 * ETIMEDOUT.  Then take exactly "OK <count>\n" then end of file (errno
	 * 0, -1 otherwise).  Trap: parse_number() accepts "05": refuse it.
	 * Tests: client_accepts_receipt_in_pieces, client_rejects_wrong_receipt,
	 * client_gives_up_without_receipt. */
	(void)sock;
	(void)deadline;
	(void)wait_readable;
	(void)bytes;
	(void)line;
	(void)len;
	errno = ENOSYS;
	return -1;
}
