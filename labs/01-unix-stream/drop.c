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
	/* TODO 5: copy from SOCK to OUT_FD until end of file.
	 * Before each read(2), call wait_fd(sock, POLLIN, -1): when it
	 * returns -1 a stop signal arrived: return DROP_STOPPED.
	 * read(2) returns 0 at the client's EOF: return DROP_DONE;
	 * < 0 (after EINTR: use read_retry()): DROP_CLIENT_LOST.
	 * A read returns whatever has arrived, not a "message": never
	 * stop before EOF.  Write each piece with write_all() (a single
	 * write(2) may write less); if that fails: DROP_OUTPUT_FAILED.
	 * Add what you wrote to *bytes.  Data is binary: no strlen().
	 * Tests: one_byte_is_received, binary_megabytes_byte_exact,
	 * data_in_pieces_is_counted_whole. */
	(void)sock;
	(void)out_fd;
	(void)buf;
	return DROP_CLIENT_LOST;
}

int send_receipt(int sock, uint64_t bytes)
{
	char line[32];
	int len = snprintf(line, sizeof line, "OK %" PRIu64 "\n", bytes);

	/* TODO 6: send LINE (LEN bytes) to the client.  Use
	 * write_all(): write(2) may write only part of it.  Return 0,
	 * or -1 when writing failed (the client may be gone: the
	 * server must log it and carry on, so SIGPIPE must not kill
	 * it; see server.c).
	 * Tests: empty_transfer_gets_ok_0, one_byte_is_received,
	 * vanished_client_is_survived. */
	(void)sock;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int send_file(int sock, int in_fd, uint64_t *bytes)
{
	char buf[DROP_BUFSIZE];

	*bytes = 0;
	/* TODO 8: copy IN_FD to SOCK until read(2) returns 0 (end of
	 * file).  Read with read_retry(), write each piece with
	 * write_all(): one write(2) may send only part of it.  Add
	 * what you sent to *bytes.  Return -1 on a failure.
	 * TODO 9: then shutdown(2) the socket for writing (SHUT_WR):
	 * the server sees end of file, and you can still read its
	 * receipt.  close(2) instead would lose the receipt.
	 * Tests: client_sends_stdin_and_half_closes,
	 * client_survives_short_writes,
	 * client_half_closes_before_reading_receipt. */
	(void)sock;
	(void)in_fd;
	(void)buf;
	errno = ENOSYS;
	return -1;
}

int read_receipt(int sock, uint64_t *bytes)
{
	char line[32];
	size_t len = 0;

	/* TODO 10: read the receipt "OK <count>\n" into LINE.  It may
	 * arrive in pieces: read (read_retry()) until you have the
	 * newline; end of file or a full LINE before it means no valid
	 * receipt (errno = 0, return -1).  Then parse the count with
	 * parse_number() (common.h) into *bytes and return 0.  Be
	 * exact: no leading zero ("OK 05"), and nothing after the
	 * newline (the server closes: one more read returns 0).
	 * Tests: client_accepts_receipt_in_pieces,
	 * client_rejects_wrong_receipt. */
	(void)sock;
	(void)bytes;
	(void)line;
	(void)len;
	errno = ENOSYS;
	return -1;
}
