/*
 * listen.c - lab 01, the server's side of the stream life cycle:
 * socket() -> bind() -> listen() -> accept().
 *
 * Man pages: socket(2), bind(2), listen(2), accept(2), unix(7).
 */
#include "unix_stream.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Is the socket file at ADDR stale?  Tries a non-blocking connect and
 * trusts only one answer: ECONNREFUSED, "no socket is bound to this file
 * any more" (its server died without removing it).  Everything else
 * means someone may be there, and the file is not ours to remove:
 * accepted, or EAGAIN (a full backlog), is a live server, which sees the
 * probe as a client that sends nothing; EPROTOTYPE is a live socket of
 * another type (SOCK_DGRAM, SOCK_SEQPACKET) bound to the path; EACCES and
 * the like say nothing about liveness.  See connect(2), unix(7).
 * Returns 0 when stale, or -1 with errno: EADDRINUSE for a live server,
 * otherwise what connect(2) said. */
static int probe_stale(const struct sockaddr_un *addr, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	int err = 0;

	if (fd < 0)
		return -1;      /* cannot tell: never remove what may be live */
	if (connect(fd, (const struct sockaddr *)addr, len) < 0)
		err = errno;
	close(fd);
	if (err == ECONNREFUSED)
		return 0;
	errno = err == 0 || err == EAGAIN ? EADDRINUSE : err;
	return -1;
}

/* bind() failed with EADDRINUSE: something exists at PATH.  Remove it only
 * if it is a socket file nobody listens on.  Returns 0 when removed. */
static int remove_stale_socket(const char *path,
                               const struct sockaddr_un *addr, socklen_t len)
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

int unix_listen(const char *path, bool *replaced_stale)
{
	struct sockaddr_un addr;
	socklen_t len;

	*replaced_stale = false;
	if (unix_addr(path, &addr, &len) < 0)
		return -1;
	/* TODO 1: create the socket: socket(2), AF_UNIX, SOCK_STREAM (unix(7)).
	 * TODO 2: bind(2) it to ADDR, LEN bytes (not sizeof(struct sockaddr):
	 * 16 bytes cut the path).  EADDRINUSE: remove_stale_socket(), then, if
	 * it returned 0, set *replaced_stale and bind again.
	 * TODO 3: listen(2), backlog SOMAXCONN.  On failure: close, errno kept.
	 * Tests: bound_to_full_path, stale_socket_is_replaced. */
	(void)remove_stale_socket;
	errno = ENOSYS;
	return -1;
}

int accept_client(int listen_fd)
{
	/* Wait with the stop signals open (common.h): Ctrl-C while idle
	 * ends the server at once instead of at the next client. */
	int ready = wait_fd(listen_fd, POLLIN, -1);

	if (ready < 0)
		return -1;
	/* TODO 4: accept(2) the next connection on LISTEN_FD and return its
	 * fd (NULL, NULL: the address is not needed).  Trap: the listening
	 * socket stays open for the next client.
	 * Tests: one_byte_is_received. */
	errno = ENOSYS;
	return -1;
}
