/*
 * preload-v6only.c - an LD_PRELOAD shim that gives a program the IPv6
 * default of another host: every AF_INET6 socket it creates starts with
 * IPV6_V6ONLY 1, as on a system where net.ipv6.bindv6only is 1 (some
 * BSDs, some distributions' settings).  This machine's default may be 0,
 * which hides a server that never sets the option itself, or sets it
 * after bind() (EINVAL) and ignores the error: there, it takes IPv4
 * clients only by luck.
 *
 * The shim only shapes the program's surroundings; it tells the grader
 * nothing.  The lab 04 grader judges what shows from outside: whether an
 * IPv4 client gets through, and the option on the server's socket.
 *
 * Interposed: socket().  Self-contained (dlsym(RTLD_NEXT)), built by the
 * Makefile's preload-%.so rule.
 */
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol)
{
	static int (*real)(int, int, int);
	int fd, on = 1, saved;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "socket");
	fd = real(domain, type, protocol);
	if (fd >= 0 && domain == AF_INET6) {
		saved = errno;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
		errno = saved;
	}
	return fd;
}
