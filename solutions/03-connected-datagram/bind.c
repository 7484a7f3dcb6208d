/*
 * bind.c - lab 03, the server's socket, bound to a port that outlives
 * every session.
 *
 * The trap: on Linux, a datagram socket that got its port automatically
 * (bind() to port 0) loses that port when connect(AF_UNSPEC) dissolves
 * an association: the kernel unbinds any UDP socket whose port the user
 * did not choose (udp_disconnect() in net/ipv4/udp.c).  The port the
 * server announced would then refuse the next peer.  So with -p 0 the
 * server finds a free port first, with a scratch socket, and binds to it
 * by number.
 *
 * Man pages: socket(2), bind(2), getsockname(2), udp(7).
 */
#include "connected_dgram.h"

#include "common.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

/* How often to look for another free port when some other program takes
 * the one we found between the scratch socket's close() and our bind(). */
#define BIND_TRIES 10

/* An AF_INET datagram socket bound to *ADDR, or -1 with errno. */
static int bind_socket(const struct sockaddr_in *addr)
{
	// STARTER: /* TODO 1: socket(2), AF_INET, SOCK_DGRAM, then bind(2) to *ADDR, as
	// STARTER:  * in lab 02.  Trap: the length is sizeof *addr, not sizeof addr (a
	// STARTER:  * pointer: EINVAL).  On failure close the fd but keep the failing
	// STARTER:  * call's errno: the server reports EADDRINUSE.  udp(7).
	// STARTER:  * Tests: ready_line_has_real_port, port_in_use_exits_1. */
	// STARTER: (void)addr;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
	// END SOLUTION
}

/* Find a port that is free on ADDR's address right now, and put it, in
 * network byte order, in *PORT.  Returns 0, or -1 with errno. */
static int find_free_port(const struct sockaddr_in *addr, in_port_t *port)
{
	struct sockaddr_in probe = *addr;
	socklen_t len = sizeof probe;
	int fd, err = 0;

	// STARTER: /* TODO 8: with -p 0, bind() picks the port and dissolve() gives it
	// STARTER:  * back: find one yourself.  Bind a scratch datagram socket to PROBE,
	// STARTER:  * port 0, getsockname(2) into PROBE (LEN bytes), close(2) it: *PORT =
	// STARTER:  * probe.sin_port, as it is.  Trap: close it, on failure too: left
	// STARTER:  * open, it holds the port (the real bind: EADDRINUSE).
	// STARTER:  * Tests: announced_port_survives_sessions. */
	// STARTER: (void)probe;
	// STARTER: (void)len;
	// STARTER: (void)fd;
	// STARTER: (void)err;
	// STARTER: *port = 0;
	// STARTER: return 0;
	// BEGIN SOLUTION
	/* Port 0 asks the kernel for any free port... */
	probe.sin_port = htons(0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	/* ...and getsockname() says which one it gave. */
	if (bind(fd, (struct sockaddr *)&probe, sizeof probe) < 0
	    || getsockname(fd, (struct sockaddr *)&probe, &len) < 0)
		err = errno;
	/* Closing frees the port again, for our real socket to bind. */
	close(fd);
	if (err != 0) {
		errno = err;
		return -1;
	}
	*port = probe.sin_port;
	return 0;
	// END SOLUTION
}

int session_bind(struct sockaddr_in *addr)
{
	bool any_port = addr->sin_port == 0;
	socklen_t len = sizeof *addr;
	int fd = -1;

	for (int try = 0; fd < 0 && try < BIND_TRIES; try++) {
		if (any_port && find_free_port(addr, &addr->sin_port) < 0)
			return -1;
		fd = bind_socket(addr);
		/* EADDRINUSE on a port we found free: another program took
		 * it meanwhile, so find another.  A port the user chose, or
		 * any other failure, is final. */
		if (fd < 0 && (!any_port || errno != EADDRINUSE))
			return -1;
	}
	if (fd < 0)
		return -1;

	/* The ready line announces what the kernel says is bound, not
	 * what we meant to bind. */
	if (getsockname(fd, (struct sockaddr *)addr, &len) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}
