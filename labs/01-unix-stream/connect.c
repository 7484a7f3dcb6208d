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
	/* TODO 7: create an AF_UNIX stream socket, as in TODO 1, and
	 * connect(2) it to ADDR (LEN bytes).  Return the connected
	 * fd, or -1 (closing the socket) when connect fails: with no
	 * server the tests expect the client to exit 1 with the
	 * connect error.
	 * Tests: client_sends_stdin_and_half_closes,
	 * client_without_server_fails. */
	errno = ENOSYS;
	return -1;
}
