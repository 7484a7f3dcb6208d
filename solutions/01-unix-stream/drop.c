/*
 * drop.c - lab 01, the exchange: the client streams a file, half-closes,
 * and reads a receipt; the server copies until EOF and answers with the
 * byte count.
 *
 * A stream has no message boundaries (SPEC's stream/datagram table): the
 * server cannot know the file has ended from the size of a read(), only
 * from end of file, which the client causes with shutdown(SHUT_WR) while
 * keeping its socket open to read the receipt.
 *
 * Man pages: read(2), write(2), send(2), shutdown(2).
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
#include <unistd.h>

enum drop_result receive_file(int sock, int out_fd, uint64_t *bytes)
{
	char buf[DROP_BUFSIZE];

	*bytes = 0;
	// STARTER: /* TODO 5: copy from SOCK to OUT_FD until end of file.
	// STARTER:  * Before each read(2), call wait_fd(sock, POLLIN, -1): when it
	// STARTER:  * returns -1 a stop signal arrived: return DROP_STOPPED.
	// STARTER:  * read(2) returns 0 at the client's EOF: return DROP_DONE;
	// STARTER:  * < 0 (after EINTR: use read_retry()): DROP_CLIENT_LOST.
	// STARTER:  * A read returns whatever has arrived, not a "message": never
	// STARTER:  * stop before EOF.  Write each piece with write_all() (a single
	// STARTER:  * write(2) may write less); if that fails: DROP_OUTPUT_FAILED.
	// STARTER:  * Add what you wrote to *bytes.  Data is binary: no strlen().
	// STARTER:  * Tests: one_byte_is_received, binary_megabytes_byte_exact,
	// STARTER:  * data_in_pieces_is_counted_whole. */
	// STARTER: (void)sock;
	// STARTER: (void)out_fd;
	// STARTER: (void)buf;
	// STARTER: return DROP_CLIENT_LOST;
	// BEGIN SOLUTION
	for (;;) {
		ssize_t n;

		/* Wait with SIGINT/SIGTERM open: a stop during a client ends
		 * the copy here, after everything read so far was written. */
		if (wait_fd(sock, POLLIN, -1) < 0)
			return DROP_STOPPED;

		/* A read() returns what has arrived so far: one byte or a
		 * buffer full, however the client wrote it.  0 is end of
		 * file: the client called shutdown(SHUT_WR) or close(). */
		n = read_retry(sock, buf, sizeof buf);
		if (n == 0)
			return DROP_DONE;
		if (n < 0)
			return DROP_CLIENT_LOST;    /* e.g. ECONNRESET */

		/* write_all(): a pipe or a slow disk may take less than n
		 * bytes per write(); the rest must not be dropped. */
		if (write_all(out_fd, buf, (size_t)n) < 0)
			return DROP_OUTPUT_FAILED;
		*bytes += (uint64_t)n;
	}
	// END SOLUTION
}

int send_receipt(int sock, uint64_t bytes)
{
	char line[32];
	int len = snprintf(line, sizeof line, "OK %" PRIu64 "\n", bytes);

	// STARTER: /* TODO 6: send LINE (LEN bytes) to the client.  Use
	// STARTER:  * write_all(): write(2) may write only part of it.  Return 0,
	// STARTER:  * or -1 when writing failed (the client may be gone: the
	// STARTER:  * server must log it and carry on, so SIGPIPE must not kill
	// STARTER:  * it; see server.c).
	// STARTER:  * Tests: empty_transfer_gets_ok_0, one_byte_is_received,
	// STARTER:  * vanished_client_is_survived. */
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
	// STARTER: /* TODO 8: copy IN_FD to SOCK until read(2) returns 0 (end of
	// STARTER:  * file).  Read with read_retry(), write each piece with
	// STARTER:  * write_all(): one write(2) may send only part of it.  Add
	// STARTER:  * what you sent to *bytes.  Return -1 on a failure.
	// STARTER:  * TODO 9: then shutdown(2) the socket for writing (SHUT_WR):
	// STARTER:  * the server sees end of file, and you can still read its
	// STARTER:  * receipt.  close(2) instead would lose the receipt.
	// STARTER:  * Tests: client_sends_stdin_and_half_closes,
	// STARTER:  * client_survives_short_writes,
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

int read_receipt(int sock, uint64_t *bytes)
{
	char line[32];
	size_t len = 0;

	// STARTER: /* TODO 10: read the receipt "OK <count>\n" into LINE.  It may
	// STARTER:  * arrive in pieces: read (read_retry()) until you have the
	// STARTER:  * newline; end of file or a full LINE before it means no valid
	// STARTER:  * receipt (errno = 0, return -1).  Then parse the count with
	// STARTER:  * parse_number() (common.h) into *bytes and return 0.  Be
	// STARTER:  * exact: no leading zero ("OK 05"), and nothing after the
	// STARTER:  * newline (the server closes: one more read returns 0).
	// STARTER:  * Tests: client_accepts_receipt_in_pieces,
	// STARTER:  * client_rejects_wrong_receipt. */
	// STARTER: (void)sock;
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

		if (len == sizeof line - 1) {
			errno = 0;      /* too long to be a receipt */
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
	    || read_retry(sock, line, 1) != 0) {
		errno = 0;
		return -1;
	}
	*bytes = count;
	return 0;
	// END SOLUTION
}
