/*
 * io.c - read and write loops that survive short counts and EINTR.
 *
 * write(2) may write fewer bytes than asked (a socket buffer that fills,
 * a signal arriving mid-call) and read(2) may return fewer than are on the
 * way: a stream has no message boundaries.  A program that calls either
 * once and assumes "all of it" works on a quiet loopback and fails
 * elsewhere.  See write(2), read(2), signal(7) "Interruption of system
 * calls".
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

ssize_t write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;   /* interrupted before writing: retry */
			return -1;
		}
		done += (size_t)n;      /* short write: send the rest */
	}
	return (ssize_t)done;
}

ssize_t read_retry(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

void reserve_std_fds(void)
{
	/* socket(2) and open(2) return the lowest free number.  Started with
	 * stdin closed (client <&-), a program's first socket would be fd 0,
	 * and "reading stdin" would read that socket.  /dev/null fills each
	 * closed one, opened the wrong way round (stdin for writing, stdout
	 * and stderr for reading) so that using it fails as before. */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			(void)open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
}
