/*
 * connect.c - lab 01, the client's side of the stream life cycle:
 * socket() -> connect().
 *
 * Man pages: socket(2), connect(2), unix(7).
 */
#include "unix_stream.h"

#include "common.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int unix_connect(const char *path)
{
	struct sockaddr_un addr;
	socklen_t len;

	if (unix_addr(path, &addr, &len) < 0)
		return -1;
	// STARTER: /* TODO 7: socket(2) as in TODO 1, then connect(2) to ADDR, LEN bytes.
	// STARTER:  * Trap: on failure close the socket but keep connect's errno (close
	// STARTER:  * may change it): the client reports it.  connect(2), unix(7).
	// STARTER:  * Tests: client_without_server_fails. */
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* The client's socket needs no bind(): it stays unnamed, which is
	 * fine, because the server replies on the connection, not to an
	 * address. */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;

	/* connect() finds the server by its path.  ENOENT: no socket file;
	 * ECONNREFUSED: a file, but nobody listening (a stale socket). */
	if (connect(fd, (struct sockaddr *)&addr, len) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
	// END SOLUTION
}
