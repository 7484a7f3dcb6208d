/*
 * interpose.h - the machinery shared by the LD_PRELOAD libraries of Socket
 * Labs: the socket recorder (tools/student/trace/record.c) and the grader's
 * short-write shim (tests/preload-shortwrite.c).  Header only, so that
 * each library stays one source file built by one compiler command.
 *
 * How interposition works: a library named in LD_PRELOAD is searched
 * before libc, so its `ssize_t read(int, void *, size_t)` is the one a
 * program's call reaches.  It does its work and calls the *next*
 * definition of the symbol, which dlsym(RTLD_NEXT, "read") finds (libc's,
 * or that of the next preloaded library).  Only calls that go through the
 * dynamic linker are seen: a statically linked program, or a call libc
 * makes to itself (fclose() closing its fd, getaddrinfo() opening its own
 * sockets), never reaches us.  See ld.so(8), dlsym(3).
 *
 * What is here:
 *   IP_NEXT(fn)          the next definition of fn, resolved once
 *   ip_sock_type(fd)     is FD a socket, and of which type: fstat(2)
 *                        S_ISSOCK, then SO_TYPE, asked at every call (a
 *                        cache would have to follow every close and dup)
 *   ip_busy              per-thread guard: set while the library does its
 *                        own work, so calls it makes (or that a signal
 *                        handler makes meanwhile, or that libc makes inside
 *                        an interposed getaddrinfo) pass straight through
 *   IP_FORTIFY_WRAPPERS  the _FORTIFY_SOURCE entry points (__read_chk,
 *                        __recv_chk, ...) that compilers emit instead of
 *                        read/recv when they know the buffer's size
 *                        (Ubuntu's gcc does by default): without them the
 *                        interposer of read() never sees those calls
 *
 * Every interposer must leave errno as the real call left it.
 */
#ifndef SOCKLAB_INTERPOSE_H
#define SOCKLAB_INTERPOSE_H

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define IP_UNUSED __attribute__((unused))
#define IP_TLS __thread __attribute__((tls_model("initial-exec")))

/* ---- the next definition of a symbol ------------------------------------- */

static IP_UNUSED void *ip_dlnext(const char *name)
{
	int saved = errno;
	void *p = dlsym(RTLD_NEXT, name);

	errno = saved;
	return p;
}

/* IP_NEXT(read) is a pointer to the next read(), typed like read.  It is
 * resolved on first use, so an interposer can run before the library's
 * constructor (another library's constructor may call it).  NULL when no
 * later object defines the symbol (close_range() on an old libc). */
#define IP_NEXT(fn) \
	(__extension__({ \
		static __typeof__(fn) *ip_next_p_; \
		if (__builtin_expect(ip_next_p_ == NULL, 0)) \
			ip_next_p_ = (__typeof__(fn) *)ip_dlnext(#fn); \
		ip_next_p_; \
	}))

/* ---- reentrancy ------------------------------------------------------------ */

/* Nonzero while this thread is inside the library's own work. */
static IP_TLS int ip_busy IP_UNUSED;

/* ---- is this fd a socket? ------------------------------------------------- */

/* The socket type of FD (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, ...), 0
 * when FD is open but not a socket, -1 when it is not open.  errno is left
 * alone. */
static IP_UNUSED int ip_sock_type(int fd)
{
	int saved = errno, type = 0;
	socklen_t len = sizeof type;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		type = -1;
	else if (S_ISSOCK(st.st_mode)
	         && (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type <= 0))
		type = SOCK_RAW;    /* a socket all the same */
	errno = saved;
	return type;
}

/* ---- _FORTIFY_SOURCE entry points ---------------------------------------- */

/* With _FORTIFY_SOURCE and a buffer of known size, read(fd, buf, n)
 * compiles to __read_chk(fd, buf, n, sizeof buf), and recv/recvfrom/poll/
 * ppoll likewise; libc's __read_chk then calls its own read, unseen.  A
 * library that interposes read/recv/recvfrom/poll/ppoll puts
 * IP_FORTIFY_WRAPPERS(r, rv, rf, p, pp) at file scope, naming its own
 * implementations (static functions with the plain calls' signatures, or
 * the interposers themselves); an overflow still goes to libc's checker,
 * which aborts as it would have.  Pass the plain function (read, recv,
 * ...) for a call the library does not interpose. */
ssize_t __read_chk(int, void *, size_t, size_t);
ssize_t __recv_chk(int, void *, size_t, size_t, int);
ssize_t __recvfrom_chk(int, void *, size_t, size_t, int, struct sockaddr *,
                       socklen_t *);
int __poll_chk(struct pollfd *, nfds_t, int, size_t);
int __ppoll_chk(struct pollfd *, nfds_t, const struct timespec *,
                const sigset_t *, size_t);

#define IP_FORTIFY_WRAPPERS(do_read, do_recv, do_recvfrom, do_poll, do_ppoll) \
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen) \
{ \
	if (n > buflen) \
		return IP_NEXT(__read_chk)(fd, buf, n, buflen); \
	return do_read(fd, buf, n); \
} \
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags) \
{ \
	if (n > buflen) \
		return IP_NEXT(__recv_chk)(fd, buf, n, buflen, flags); \
	return do_recv(fd, buf, n, flags); \
} \
ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, \
                       int flags, struct sockaddr *from, socklen_t *fromlen) \
{ \
	if (n > buflen) \
		return IP_NEXT(__recvfrom_chk)(fd, buf, n, buflen, flags, \
		                               from, fromlen); \
	return do_recvfrom(fd, buf, n, flags, from, fromlen); \
} \
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen) \
{ \
	if (fdslen / sizeof *fds < nfds) \
		return IP_NEXT(__poll_chk)(fds, nfds, timeout, fdslen); \
	return do_poll(fds, nfds, timeout); \
} \
int __ppoll_chk(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo, \
                const sigset_t *ss, size_t fdslen) \
{ \
	if (fdslen / sizeof *fds < nfds) \
		return IP_NEXT(__ppoll_chk)(fds, nfds, tmo, ss, fdslen); \
	return do_ppoll(fds, nfds, tmo, ss); \
}

#endif
