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
 *
 * The interposing machinery (finding the next definition of a symbol,
 * the _FORTIFY_SOURCE entry points __read_chk/__recv_chk that a
 * fortified build calls instead of read/recv) is shared with the socket
 * recorder: interpose.h, beside this file.  Built by the Makefile's
 * preload-%.so rule from this one file (the header is found relative to
 * it); the trace's `make trace-selftest` builds and checks it too.
 */
#include "interpose.h"

#include <stdlib.h>
#include <unistd.h>

static size_t short_max = 1000;
static unsigned eintr_every = 7;
/* Separate counts for reads and writes: a program that writes far more
 * often than it reads (short writes!) still sees its reads interrupted. */
static unsigned reads, writes;
static unsigned seed = 12345;

__attribute__((constructor)) static void init(void)
{
	const char *max = getenv("SOCKLAB_SHORT_MAX");
	const char *every = getenv("SOCKLAB_EINTR_EVERY");

	if (max && atol(max) > 0)
		short_max = (size_t)atol(max);
	if (every)
		eintr_every = (unsigned)atoi(every);
}

/* Should this call fail with EINTR instead of running?  COUNT: the
 * calls of its kind so far. */
static int interrupt(int fd, unsigned *count)
{
	if (fd == 2 || eintr_every == 0 || ++*count % eintr_every != 0)
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
	if (interrupt(fd, &writes))
		return -1;
	return IP_NEXT(write)(fd, buf, cut(fd, len));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	if (interrupt(fd, &writes))
		return -1;
	return IP_NEXT(send)(fd, buf, cut(fd, len), flags);
}

ssize_t read(int fd, void *buf, size_t len)
{
	if (interrupt(fd, &reads))
		return -1;
	return IP_NEXT(read)(fd, buf, len);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	if (interrupt(fd, &reads))
		return -1;
	return IP_NEXT(recv)(fd, buf, len, flags);
}

/* A fortified read()/recv() arrives as __read_chk()/__recv_chk(): route
 * them through the two above.  recvfrom and poll are not this shim's. */
IP_FORTIFY_WRAPPERS(read, recv, recvfrom, poll, ppoll)
