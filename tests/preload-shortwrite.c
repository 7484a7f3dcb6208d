/*
 * preload-shortwrite.c - an LD_PRELOAD shim that makes the program under
 * test meet the short counts and interruptions a quiet loopback never
 * shows: write(2)/send(2) take only part of the buffer, and now and then
 * read/write/send/recv fail with EINTR before doing anything.
 *
 * A program that writes once and assumes "all of it", or treats EINTR as
 * fatal, loses data or exits under this shim; a correct loop does not
 * notice.  stderr (fd 2) is left alone so log lines stay whole.
 *
 * Environment:
 *   SOCKLAB_SHORT_MAX  largest count one write may take (default 1000)
 *   SOCKLAB_EINTR_EVERY  every Nth call fails with EINTR (default 7; 0: never)
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static size_t short_max = 1000;
static unsigned eintr_every = 7;
static unsigned calls;
static unsigned seed = 12345;

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_recv)(int, void *, size_t, int);

__attribute__((constructor)) static void init(void)
{
	const char *max = getenv("SOCKLAB_SHORT_MAX");
	const char *every = getenv("SOCKLAB_EINTR_EVERY");

	if (max && atol(max) > 0)
		short_max = (size_t)atol(max);
	if (every)
		eintr_every = (unsigned)atoi(every);
	real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
	real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	real_send = (ssize_t (*)(int, const void *, size_t, int))dlsym(RTLD_NEXT, "send");
	real_recv = (ssize_t (*)(int, void *, size_t, int))dlsym(RTLD_NEXT, "recv");
}

/* Should this call fail with EINTR instead of running? */
static int interrupt(int fd)
{
	if (fd == 2 || eintr_every == 0 || ++calls % eintr_every != 0)
		return 0;
	errno = EINTR;
	return 1;
}

/* A count between 1 and short_max, never more than LEN. */
static size_t cut(int fd, size_t len)
{
	size_t n;

	if (fd == 2 || len <= 1)
		return len;
	seed = seed * 1103515245 + 12345;
	n = 1 + (seed >> 8) % short_max;
	return n < len ? n : len;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (interrupt(fd))
		return -1;
	return real_write(fd, buf, cut(fd, len));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	if (interrupt(fd))
		return -1;
	return real_send(fd, buf, cut(fd, len), flags);
}

ssize_t read(int fd, void *buf, size_t len)
{
	if (interrupt(fd))
		return -1;
	return real_read(fd, buf, len);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	if (interrupt(fd))
		return -1;
	return real_recv(fd, buf, len, flags);
}
