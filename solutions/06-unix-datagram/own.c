/*
 * own.c - lab 06, the client's own address.
 *
 * A UNIX datagram client must bind() before it sends: the server answers
 * to the address recvfrom() gives it, and a socket that never bound has
 * none (unix(7): "unnamed").  Over UDP, the first sendto() binds a free
 * port by itself; in the UNIX domain nothing does it for you.
 *
 * Two kinds of name (unix(7), "Address format"):
 *  - abstract: sun_path[0] is a NUL, and the name is the bytes after it,
 *    as many as the address length says.  No file: the name goes away
 *    with the socket, even when the process is killed with SIGKILL.
 *    Linux only.
 *  - pathname: a socket file, like the server's.  It outlives the
 *    socket: whoever binds one must remove it, or it stays behind.
 *
 * Man pages: bind(2), unix(7), unlink(2), getrandom(2).
 */
#include "unix_dgram.h"

#include "common.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* "socklab-PID-RANDOM" into NAME (SIZE bytes); returns its length.  The
 * pid keeps two clients running at once apart; the random part, a
 * client from an earlier process that had the same pid. */
static int own_name(char *name, size_t size)
{
	unsigned int r;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		r = (unsigned int)now.tv_nsec ^ (unsigned int)now.tv_sec;
	}
	return snprintf(name, size, "socklab-%ld-%08x", (long)getpid(), r);
}

/* $TMPDIR, or /tmp when it is unset or empty (see environ(7)). */
static const char *temp_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && dir[0] != '\0' ? dir : "/tmp";
}

int bind_own_address(int fd, bool pathname, struct own_address *me)
{
	char name[64], path[sizeof me->addr.sun_path + 1];
	int n = own_name(name, sizeof name);

	memset(me, 0, sizeof *me);
	me->addr.sun_family = AF_UNIX;
	if (!pathname) {
		// STARTER: /* TODO 5: an abstract address: sun_path[0] stays '\0' (memset above),
		// STARTER:  * the N bytes of NAME follow it, no NUL after them; me->len =
		// STARTER:  * offsetof(struct sockaddr_un, sun_path) + 1 + N.  bind(2) FD to it;
		// STARTER:  * 0, or -1 with errno.  Trap: the length is the name's only end:
		// STARTER:  * sizeof(struct sockaddr_un) makes a name padded with NULs, sizeof(struct
		// STARTER:  * sockaddr) one cut to 13 bytes.
		// STARTER:  * Tests: client_binds_an_abstract_name, two_clients_at_once_get_their_own_answers. */
		// STARTER: (void)fd;
		// STARTER: (void)n;
		// STARTER: errno = ENOSYS;
		// STARTER: return -1;
		// BEGIN SOLUTION
		/* The name goes after the leading NUL that marks it abstract;
		 * its length, not a terminator, says where it ends. */
		memcpy(me->addr.sun_path + 1, name, (size_t)n);
		me->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1
		                      + (size_t)n);
		return bind(fd, (struct sockaddr *)&me->addr, me->len);
		// END SOLUTION
	}
	// STARTER: /* TODO 6: a pathname address: PATH = "$TMPDIR/NAME.sock" (temp_dir()),
	// STARTER:  * filled in by unix_addr() (it refuses a path too long for sun_path:
	// STARTER:  * ENAMETOOLONG), bind(2) FD to it; EADDRINUSE: remove_stale_socket(), bind
	// STARTER:  * again.  Then me->pathname = true: there is now a file to remove.
	// STARTER:  * 0, or -1 with errno.  Trap: only once bind() succeeded: a failed bind
	// STARTER:  * left someone else's file there.
	// STARTER:  * Tests: pathname_client_binds_in_tmpdir_and_removes_it. */
	// STARTER: (void)path;
	// STARTER: (void)temp_dir;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	if (snprintf(path, sizeof path, "%s/%s.sock", temp_dir(), name)
	    >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (unix_addr(path, &me->addr, &me->len) < 0)
		return -1;
	/* A file of that name can only be a leftover: a client of an
	 * earlier process with our pid, killed with SIGKILL (which no
	 * program can clean up after).  Replaced if nobody is bound to it,
	 * as the server replaces a stale socket file. */
	if (bind(fd, (struct sockaddr *)&me->addr, me->len) < 0
	    && (errno != EADDRINUSE
	        || remove_stale_socket(path, &me->addr, me->len) < 0
	        || bind(fd, (struct sockaddr *)&me->addr, me->len) < 0))
		return -1;
	/* Set only now: until bind() succeeded, the file was not ours. */
	me->pathname = true;
	return 0;
	// END SOLUTION
}

void remove_own_address(struct own_address *me)
{
	// STARTER: /* TODO 7: if ME->pathname, unlink(2) ME->addr.sun_path and clear
	// STARTER:  * ME->pathname (a signal handler and atexit() may both call this).  An
	// STARTER:  * abstract name has no file: it went with the socket.  Trap: only
	// STARTER:  * async-signal-safe calls here (signal-safety(7)): unlink() is one.
	// STARTER:  * Tests: pathname_client_binds_in_tmpdir_and_removes_it,
	// STARTER:  * pathname_client_is_removed_on_errors_and_signals. */
	// STARTER: (void)me;
	// BEGIN SOLUTION
	/* A socket file outlives its socket: close() does not remove it,
	 * and every client that left its own would fill $TMPDIR. */
	if (me->pathname) {
		me->pathname = false;
		unlink(me->addr.sun_path);
	}
	// END SOLUTION
}
