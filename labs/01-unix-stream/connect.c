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
	/* TODO 7: socket(2) as in TODO 1, then connect(2) to ADDR, LEN bytes.
	 * Trap: on failure close the socket but keep connect's errno (close
	 * may change it): the client reports it.  connect(2), unix(7).
	 * Tests: client_without_server_fails. */
	errno = ENOSYS;
	return -1;
}
