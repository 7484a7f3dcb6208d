/*
 * bind.c - lab 06, the server's socket: socket() -> bind(), and nothing
 * more.  A datagram socket has no listen() and no accept(): once bound,
 * it receives from anyone who knows its name.
 *
 * Man pages: socket(2), bind(2), unix(7).
 */
#include "unix_dgram.h"

#include "common.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Is the socket file at ADDR stale?  A datagram socket of ours connect()s
 * to it: for a datagram socket that only sets the default destination,
 * so no one is disturbed (lab 01's probe was a client the live server
 * saw).  ECONNREFUSED is the one answer that means "no socket is bound
 * to this file any more".  0 is a live datagram socket; EPROTOTYPE a
 * live socket of another type (a stream server); EACCES and the like say
 * nothing.  Returns 0 when stale, or -1 with errno: EADDRINUSE for a live
 * datagram socket, otherwise what connect(2) said.  See unix(7). */
static int probe_stale(const struct sockaddr_un *addr, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	int err = 0;

	if (fd < 0)
		return -1;      /* cannot tell: never remove what may be live */
	if (connect(fd, (const struct sockaddr *)addr, len) < 0)
		err = errno;
	close(fd);
	if (err == ECONNREFUSED)
		return 0;
	errno = err == 0 ? EADDRINUSE : err;
	return -1;
}

int remove_stale_socket(const char *path, const struct sockaddr_un *addr,
                        socklen_t len)
{
	struct stat st;

	/* lstat(), not stat(): a symlink is not ours to follow or delete. */
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;  /* gone already: retry bind */
	if (!S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;   /* a regular file, directory, symlink... */
		return -1;
	}
	if (probe_stale(addr, len) < 0)
		return -1;      /* live, of another type, or unknown: keep it */
	return unlink(path);
}

int dgram_server_socket(const char *path, bool *replaced_stale)
{
	struct sockaddr_un addr;
	socklen_t len;

	*replaced_stale = false;
	if (unix_addr(path, &addr, &len) < 0)
		return -1;
	/* TODO 1: create the socket: socket(2), AF_UNIX, SOCK_DGRAM (unix(7)).
	 * TODO 2: bind(2) it to ADDR, LEN bytes (not sizeof(struct sockaddr):
	 * 16 bytes cut the path to 14).  EADDRINUSE: remove_stale_socket(),
	 * then, if it returned 0, set *replaced_stale and bind again.  On
	 * failure close the socket, errno kept.
	 * Tests: server_socket_is_unix_datagram, bound_to_full_path,
	 * stale_socket_is_replaced, live_socket_is_refused. */
	errno = ENOSYS;
	return -1;
}
