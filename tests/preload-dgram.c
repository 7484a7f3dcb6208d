/*
 * preload-dgram.c - an LD_PRELOAD shim that makes three things about
 * datagram programs show from outside, where a quiet Linux loopback
 * hides them (the graders of labs 02 and 03 preload it):
 *
 * - An address given again on a connected datagram socket.  Linux sends
 *   to it all the same; POSIX lets a system refuse it with EISCONN, and
 *   the BSDs and macOS do.  With SOCKLAB_DGRAM_EISCONN=1, sendto() and
 *   sendmsg() with a destination on a connected datagram socket fail
 *   with EISCONN, as there: a program that relies on Linux's leniency
 *   sends nothing.
 * - What a program does right after it sends.  With SOCKLAB_DGRAM_PAUSE_MS
 *   set, the process pauses that long after each datagram it sends, as if
 *   the scheduler had preempted it there.  A test that has the datagram
 *   in hand and looks at the program's sockets at once (peek_sockets())
 *   sees them as they were when it was sent: a change made only after
 *   sending (an association dissolved after BYE was answered) is still
 *   to come.
 * - Padding left to chance.  Linux's bind() never looks at sin_zero;
 *   systems that look an address up whole (4.4BSD's descendants, some
 *   still) refuse one whose sin_zero is not all zero bytes, with
 *   EADDRNOTAVAIL.  With SOCKLAB_DGRAM_SIN_ZERO=1, bind() refuses it so
 *   here too: a program that never zeroed its sockaddr_in does not start.
 *   (The lab's programs are built with -ftrivial-auto-var-init=pattern,
 *   so an unzeroed structure holds no zero bytes by luck.)
 *
 * The shim only provokes: a verdict is always what the test sees from
 * outside (a datagram that never came, a socket still connected).
 *
 * Environment:
 *   SOCKLAB_DGRAM_EISCONN   1: refuse an address on a connected socket
 *   SOCKLAB_DGRAM_PAUSE_MS  the pause after each datagram sent (default 0)
 *   SOCKLAB_DGRAM_SIN_ZERO  1: bind() refuses a sockaddr_in with sin_zero
 *                           not all zero (EADDRNOTAVAIL)
 *
 * Interposed: write, send, sendto, sendmsg, only on AF_INET and AF_INET6
 * datagram sockets; bind, only for an AF_INET address; everything else
 * passes straight through.  Self-
 * contained (dlsym(RTLD_NEXT)), built by the Makefile's preload-%.so rule.
 */
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

static int eisconn, sin_zero;
static long pause_ms;

__attribute__((constructor)) static void init(void)
{
	const char *refuse = getenv("SOCKLAB_DGRAM_EISCONN");
	const char *text = getenv("SOCKLAB_DGRAM_PAUSE_MS");
	const char *padding = getenv("SOCKLAB_DGRAM_SIN_ZERO");

	eisconn = refuse != NULL && atoi(refuse) == 1;
	sin_zero = padding != NULL && atoi(padding) == 1;
	if (text && atol(text) > 0)
		pause_ms = atol(text);
}

/* The next definition of FN (libc's), resolved once. */
#define NEXT(fn) \
	(__extension__({ \
		static __typeof__(fn) *next_; \
		if (next_ == NULL) { \
			int saved_ = errno; \
			next_ = (__typeof__(fn) *)dlsym(RTLD_NEXT, #fn); \
			errno = saved_; \
		} \
		next_; \
	}))

/* Is FD an AF_INET or AF_INET6 datagram socket?  errno is left alone. */
static int is_inet_dgram(int fd)
{
	int saved = errno, type = 0, domain = 0;
	socklen_t len = sizeof type;
	struct stat st;
	int yes = fd > 2 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)
	          && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0
	          && type == SOCK_DGRAM
	          && (len = sizeof domain,
	              getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0)
	          && (domain == AF_INET || domain == AF_INET6);

	errno = saved;
	return yes;
}

/* Is FD connected to a peer?  errno is left alone. */
static int has_peer(int fd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;
	int saved = errno, yes = getpeername(fd, (struct sockaddr *)&peer,
	                                     &len) == 0;

	errno = saved;
	return yes;
}

/* A datagram went out on FD (N: what the call returned): pause, as if
 * preempted.  A signal cuts the pause short. */
static ssize_t sent(int fd, ssize_t n)
{
	int saved = errno;

	if (n >= 0 && pause_ms > 0 && is_inet_dgram(fd)) {
		struct timespec t = { pause_ms / 1000, pause_ms % 1000 * 1000000L };

		nanosleep(&t, NULL);
	}
	errno = saved;
	return n;
}

/* An address given on a connected datagram socket: refuse, as POSIX
 * allows. */
static int refused(int fd, const void *to)
{
	if (!eisconn || to == NULL || !is_inet_dgram(fd) || !has_peer(fd))
		return 0;
	errno = EISCONN;
	return 1;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return sent(fd, NEXT(write)(fd, buf, len));
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sent(fd, NEXT(send)(fd, buf, len, flags));
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tolen)
{
	if (refused(fd, to))
		return -1;
	return sent(fd, NEXT(sendto)(fd, buf, len, flags, to, tolen));
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (msg != NULL && refused(fd, msg->msg_name))
		return -1;
	return sent(fd, NEXT(sendmsg)(fd, msg, flags));
}

/* An IPv4 address with padding that is not zero: refuse, as a system
 * that looks the address up whole does. */
int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (sin_zero && addr != NULL && len >= sizeof(struct sockaddr_in)
	    && addr->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)addr;

		for (size_t i = 0; i < sizeof in->sin_zero; i++)
			if (in->sin_zero[i] != 0) {
				errno = EADDRNOTAVAIL;
				return -1;
			}
	}
	return NEXT(bind)(fd, addr, len);
}
