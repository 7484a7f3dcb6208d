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
	// STARTER: /* TODO 1: create the socket: socket(2), AF_UNIX, SOCK_STREAM (unix(7)).
	// STARTER:  * TODO 2: bind(2) it to ADDR, LEN bytes (not sizeof(struct sockaddr):
	// STARTER:  * 16 bytes cut the path).  EADDRINUSE: remove_stale_socket(), then, if
	// STARTER:  * it returned 0, set *replaced_stale and bind again.
	// STARTER:  * TODO 3: listen(2), backlog SOMAXCONN.  On failure: close, errno kept.
	// STARTER:  * Tests: bound_to_full_path, stale_socket_is_replaced. */
	// STARTER: (void)remove_stale_socket;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* An AF_UNIX stream socket: reliable, ordered bytes between processes
	 * on this host, named by a path in the file system. */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;

	/* bind() creates the socket file at PATH.  The length is the one
	 * unix_addr() computed: sizeof(struct sockaddr) would be only 16
	 * bytes and cut the path to 14 characters. */
	if (bind(fd, (struct sockaddr *)&addr, len) < 0) {
		int err = errno;

		/* The path exists.  Blindly unlink()ing it would delete a
		 * user's file or steal a live server's name; remove it only
		 * when it is a socket file left behind by a dead server. */
		if (err != EADDRINUSE || remove_stale_socket(path, &addr, len) < 0
		    || bind(fd, (struct sockaddr *)&addr, len) < 0) {
			err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		*replaced_stale = true;
	}

	/* listen() turns the socket passive: the kernel now completes
	 * connect()s from clients and queues them (up to the backlog) for
	 * accept().  Without it, clients get ECONNREFUSED. */
	if (listen(fd, SOMAXCONN) < 0) {
		int err = errno;

		close(fd);
		unlink(path);
		errno = err;
		return -1;
	}
	return fd;
	// END SOLUTION
}

int accept_client(int listen_fd)
{
	/* Wait with the stop signals open (common.h): Ctrl-C while idle
	 * ends the server at once instead of at the next client. */
	int ready = wait_fd(listen_fd, POLLIN, -1);

	if (ready < 0)
		return -1;
	// STARTER: /* TODO 4: accept(2) the next connection on LISTEN_FD and return its
	// STARTER:  * fd (NULL, NULL: the address is not needed).  Trap: the listening
	// STARTER:  * socket stays open for the next client.
	// STARTER:  * Tests: one_byte_is_received. */
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* accept() takes the next completed connection off the queue and
	 * returns a new socket connected to that one client; LISTEN_FD keeps
	 * listening.  A pathname client is usually unnamed, so its address
	 * would say nothing: NULL, NULL. */
	return accept(listen_fd, NULL, NULL);
	// END SOLUTION
}
