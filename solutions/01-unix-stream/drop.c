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
	// STARTER: /* TODO 5: copy SOCK to OUT_FD until read(2) returns 0 (end of file:
	// STARTER:  * DROP_DONE).  Before each read, wait_fd(sock, POLLIN, idle_ms): -1 is
	// STARTER:  * DROP_STOPPED, 0 DROP_IDLE; a failed read_retry() DROP_CLIENT_LOST.
	// STARTER:  * Trap: a read returns what has arrived, not a message; write all of it
	// STARTER:  * with write_out(), as bytes (no strlen()).  read(2), poll(2).
	// STARTER:  * Tests: data_in_pieces_is_counted_whole,
	// STARTER:  * binary_megabytes_byte_exact. */
	// STARTER: (void)sock;
	// STARTER: (void)out_fd;
	// STARTER: (void)idle_ms;
	// STARTER: (void)buf;
	// STARTER: errno = ENOSYS;
	// STARTER: return DROP_CLIENT_LOST;
	// BEGIN SOLUTION
	for (;;) {
		ssize_t n;
		size_t done;
		/* Wait with SIGINT/SIGTERM open: a stop during a client ends
		 * the copy here, after everything read so far was written.
		 * The time limit: a client that neither sends nor closes
		 * would otherwise hold this one-at-a-time server for ever. */
		int ready = wait_fd(sock, POLLIN, idle_ms);

		if (ready < 0)
			return DROP_STOPPED;
		if (ready == 0)
			return DROP_IDLE;

		/* A read() returns what has arrived so far: one byte or a
		 * buffer full, however the client wrote it.  0 is end of
		 * file: the client called shutdown(SHUT_WR) or close(). */
		n = read_retry(sock, buf, sizeof buf);
		if (n == 0)
			return DROP_DONE;
		if (n < 0)
			return DROP_CLIENT_LOST;    /* e.g. ECONNRESET */

		/* write_out(): a pipe may take less than n bytes per
		 * write(), and the rest must not be dropped. */
		done = write_out(out_fd, buf, (size_t)n);
		*bytes += done;
		if (done < (size_t)n) {
			*unwritten = (uint64_t)n - done;
			return DROP_OUTPUT_FAILED;
		}
	}
	// END SOLUTION
}

int send_receipt(int sock, uint64_t bytes)
{
	char line[32];
	int len = snprintf(line, sizeof line, "OK %" PRIu64 "\n", bytes);

	// STARTER: /* TODO 6: send LINE, LEN bytes, with write_all(): one write(2) may
	// STARTER:  * take only part.  0, or -1 when the client is gone (the server logs it
	// STARTER:  * and goes on: SIGPIPE is ignored in server.c).
	// STARTER:  * Tests: empty_transfer_gets_ok_0, vanished_client_is_survived. */
	// STARTER: (void)sock;
	// STARTER: (void)len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* The socket is still open for writing in this direction: the
	 * client's shutdown(SHUT_WR) closed only the other one. */
	return write_all(sock, line, (size_t)len) < 0 ? -1 : 0;
	// END SOLUTION
}

int send_file(int sock, int in_fd, uint64_t *bytes)
{
	char buf[DROP_BUFSIZE];

	*bytes = 0;
	// STARTER: /* TODO 8: copy IN_FD to SOCK until read_retry() returns 0, each piece
	// STARTER:  * with write_all() (a write may take part of it); count *bytes.
	// STARTER:  * TODO 9: then shutdown(sock, SHUT_WR): the server sees end of file and
	// STARTER:  * the receipt can still arrive.  Trap: close(2) would lose it.
	// STARTER:  * Tests: client_survives_short_writes,
	// STARTER:  * client_half_closes_before_reading_receipt. */
	// STARTER: (void)sock;
	// STARTER: (void)in_fd;
	// STARTER: (void)buf;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	for (;;) {
		ssize_t n = read_retry(in_fd, buf, sizeof buf);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		/* write_all() loops: a socket whose buffer is full takes
		 * part of a large write, and the rest must follow. */
		if (write_all(sock, buf, (size_t)n) < 0)
			return -1;
		*bytes += (uint64_t)n;
	}

	/* shutdown(SHUT_WR) sends end of file but keeps the socket open for
	 * reading.  close() would end both directions: the receipt would
	 * have nowhere to go. */
	return shutdown(sock, SHUT_WR);
	// END SOLUTION
}

int read_receipt(int sock, int timeout_ms, uint64_t *bytes)
{
	long long deadline = now_ms() + timeout_ms;
	char line[32];
	size_t len = 0;

	// STARTER: /* TODO 10: read into LINE until the newline: the receipt may come in
	// STARTER:  * pieces.  Wait with wait_readable(sock, deadline) first: 0 is
	// STARTER:  * ETIMEDOUT.  Then take exactly "OK <count>\n" then end of file (errno
	// STARTER:  * 0, -1 otherwise).  Trap: parse_number() accepts "05": refuse it.
	// STARTER:  * Tests: client_accepts_receipt_in_pieces, client_rejects_wrong_receipt,
	// STARTER:  * client_gives_up_without_receipt. */
	// STARTER: (void)sock;
	// STARTER: (void)deadline;
	// STARTER: (void)wait_readable;
	// STARTER: (void)bytes;
	// STARTER: (void)line;
	// STARTER: (void)len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	unsigned long count;
	char *newline;

	/* The receipt is a line, and a stream may deliver it in pieces:
	 * keep reading until the newline arrives. */
	while ((newline = memchr(line, '\n', len)) == NULL) {
		ssize_t n;
		int ready;

		if (len == sizeof line - 1) {
			errno = 0;      /* too long to be a receipt */
			return -1;
		}
		/* One deadline for the whole line: a server that never
		 * answers, or answers a byte at a time, cannot hold the
		 * client longer than TIMEOUT_MS. */
		ready = wait_readable(sock, deadline);
		if (ready <= 0) {
			if (ready == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		n = read_retry(sock, line + len, sizeof line - 1 - len);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = 0;      /* closed without a (whole) receipt */
			return -1;
		}
		len += (size_t)n;
	}
	/* Exactly the line the server writes: "OK 05" or a second line
	 * would be some other program's reply, not a count to trust. */
	*newline = '\0';
	if (strncmp(line, "OK ", 3) != 0
	    || (line[3] == '0' && line[4] != '\0')
	    || parse_number(line + 3, 0, ULONG_MAX, &count) < 0
	    || newline + 1 != line + len
	    || wait_readable(sock, deadline) <= 0
	    || read_retry(sock, line, 1) != 0) {
		errno = 0;
		return -1;
	}
	*bytes = count;
	return 0;
	// END SOLUTION
}
