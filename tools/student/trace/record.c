/*
 * record.c - the socket recorder: an LD_PRELOAD library that writes one
 * line for every socket call a program makes (docs/trace.md).
 *
 *     SOCKTRACE=/tmp/t.rec LD_PRELOAD=build/trace/socktrace.so ./server /tmp/s
 *     build/trace/draw /tmp/t.rec
 *
 * Interposed (see interpose.h for how): socket, socketpair, bind, listen,
 * accept, accept4, connect, shutdown, setsockopt, getsockname,
 * getpeername, send, sendto, sendmsg, recv, recvfrom, recvmsg, and read,
 * write, close, poll, ppoll when an fd they name is a socket; getaddrinfo
 * and freeaddrinfo.  Also the process itself: one `exec` record when it
 * starts (its command line) and one `exit` record when it exits normally
 * (its status).  Without SOCKTRACE in the environment every call goes
 * straight through.
 *
 * THE RECORD FORMAT.  The file is a sequence of lines, each written with a
 * single write(2) on an O_APPEND descriptor, so several processes can
 * share one file and never mix within a line.  A line has exactly 10
 * fields separated by one TAB; an empty field is "-":
 *
 *   1 TIME    CLOCK_MONOTONIC seconds, 9 decimals: "5123.000418211"; when
 *             the call started (an `end` record: when it returned).  Lines
 *             of different processes are not sorted by TIME: sort them.
 *   2 PID
 *   3 PROG    the program's name (argv[0]'s last component)
 *   4 EVENT   call   a whole call, recorded when it returned
 *             begin  a call that can wait started (accept, accept4,
 *                    connect, recv, recvfrom, recvmsg, read on a socket,
 *                    poll, ppoll); its `end` record follows
 *             end    that call returned
 *             exec   the process started: ARGS is its command line
 *             exit   the process called exit(): RESULT is the status
 *   5 CALL    the function: socket, bind, ..., "-" for exec/exit
 *   6 FD      the socket the call is about (socket/accept: the new one;
 *             poll: the first socket polled), "-" if none
 *   7 ARGS    the arguments as the drawing shows them, decoded as a person
 *             reads them: "AF_UNIX, SOCK_STREAM, 0", "3, unix:/tmp/s",
 *             "4, 16, MSG_DONTWAIT", "3, SHUT_WR", "[3:POLLIN], 30000ms".
 *             A send shows the data it sent where its buffer is (3,
 *             "hi\n", 3); flags are left out when 0, a poll's timeout
 *             when it has none
 *   8 ADDR    the address of the call (unix:/path, unix:(unnamed),
 *             unix:@abstract, 127.0.0.1:50002, [::1]:50004, AF_UNSPEC):
 *             what bind/connect/sendto/sendmsg were given, what a receive
 *             on a datagram socket and getsockname/getpeername returned
 *   9 RESULT  the return value, then the errno name after a failure ("-1
 *             ECONNREFUSED") or the fds that are ready after a poll ("1
 *             [3:POLLIN]"); "?" in a `begin`; getaddrinfo: 0 or its EAI_*
 *  10 INFO    space-separated key=value facts for the drawer:
 *             local=ADDR peer=ADDR  the socket's own and peer address,
 *                          after bind (local), connect and accept, and on
 *                          every datagram
 *             fds=3,4      socketpair's pair
 *             addrs=A,B    the addresses getaddrinfo returned
 *             data="..."   last: the first 32 bytes a receive got,
 *                          escaped, then ... when there were more
 *
 * Escaping: every field is printable ASCII.  A backslash, double quote,
 * TAB, newline, CR and NUL become \\ \" \t \n \r \0; other bytes outside
 * 0x20..0x7e become \xHH.  A field is cut (never mid-escape) at FIELD_CAP
 * bytes, so a line stays under 2 KiB.
 *
 * The file is opened for each record and closed again: the program keeps
 * every fd number it would get untraced, and nothing it does to its fds
 * (close_range, dup2 over a number) can lose or divert the records.
 * errno is saved after the real call and restored before returning.
 * Nothing is written to the program's stdout or stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* dlsym RTLD_NEXT, ppoll, program_invocation_short_name */
#endif
#include "interpose.h"  /* tests/interpose.h, shared with the grader's shim */

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define PREVIEW   32     /* data bytes shown */
#define FIELD_CAP 400    /* 4 free fields + the fixed ones < 2 KiB */

static const char *trace_path;   /* SOCKTRACE, or NULL: record nothing */
static bool inited;

/* ---- building a record ----------------------------------------------------- */

/* One of the four free fields (ARGS, ADDR, RESULT, INFO), as it grows. */
struct field {
	char s[FIELD_CAP];
	size_t n;
};

struct rec {
	struct timespec t;
	const char *event, *call;
	int fd;
	struct field args, addr, result, info;
};

__attribute__((format(printf, 2, 3)))
static void add(struct field *f, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(f->s + f->n, sizeof f->s - f->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		f->n = f->n + (size_t)k < sizeof f->s ? f->n + (size_t)k
		                                      : sizeof f->s - 1;
}

/* LEN bytes of S, escaped; an escape is never cut in half. */
static void add_esc(struct field *f, const void *s, size_t len)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < len; i++) {
		static const char from[] = "\\\"\t\n\r", to[] = "\\\"tnr";
		const char *e = p[i] ? strchr(from, p[i]) : NULL;
		char buf[5];

		if (p[i] == '\0')
			snprintf(buf, sizeof buf, "\\0");
		else if (e)
			snprintf(buf, sizeof buf, "\\%c", to[e - from]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			snprintf(buf, sizeof buf, "%c", p[i]);
		else
			snprintf(buf, sizeof buf, "\\x%02x", p[i]);
		if (f->n + strlen(buf) >= sizeof f->s)
			return;
		add(f, "%s", buf);
	}
}

/* A space between INFO's key=value facts. */
static void add_key(struct field *f, const char *key)
{
	add(f, "%s%s=", f->n ? " " : "", key);
}

static bool tracing(void)
{
	if (!inited) {
		const char *p = getenv("SOCKTRACE");

		inited = true;
		if (p && *p)
			trace_path = strdup(p);   /* the environment may change */
	}
	return trace_path != NULL && !ip_busy;
}

/* Start the record of CALL on FD at this moment, its ARGS with the fd;
 * false when nothing is to be recorded (no SOCKTRACE, or the library's
 * own work). */
static bool rec_start(struct rec *r, const char *event, const char *call,
                      int fd)
{
	if (!tracing())
		return false;
	memset(r, 0, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &r->t);
	r->event = event;
	r->call = call;
	r->fd = fd;
	if (fd >= 0)
		add(&r->args, "%d", fd);
	return true;
}

static const char *or_dash(const struct field *f)
{
	return f->n ? f->s : "-";
}

/* The line, with one write on a descriptor of its own (the header says
 * why); the caller's errno is kept. */
static void rec_write(const struct rec *r)
{
	char line[4096], fd[16] = "-";
	struct field prog = { .n = 0 };
	int saved = errno, out, n;

	add_esc(&prog, program_invocation_short_name,
	        strnlen(program_invocation_short_name, 60));
	if (r->fd >= 0)
		snprintf(fd, sizeof fd, "%d", r->fd);
	n = snprintf(line, sizeof line, "%lld.%09ld\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
	             (long long)r->t.tv_sec, r->t.tv_nsec, (int)getpid(), prog.s,
	             r->event, r->call, fd, or_dash(&r->args), or_dash(&r->addr),
	             or_dash(&r->result), or_dash(&r->info));
	out = open(trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (out >= 0) {
		if (n > 0)
			(void)IP_NEXT(write)(out, line, (size_t)n < sizeof line ? (size_t)n
			                                                      : sizeof line - 1);
		IP_NEXT(close)(out);
	}
	errno = saved;
}

/* A call that can wait: write R as its `begin` (RESULT "?"), then make R
 * the `end`, which keeps the arguments. */
static void rec_begin(struct rec *r)
{
	add(&r->result, "?");
	rec_write(r);
	r->event = "end";
	r->result.n = 0;
}

static void add_result(struct field *f, long long ret, int err);

/* Finish R with RC, what the real call returned, and write it.  errno is
 * still what the call left: what the caller added to R since must not
 * change it.  RESULT is RC and the errno name, unless the caller wrote
 * it; an `end` is timed now, as the call returns. */
static long long rec_done(struct rec *r, long long rc)
{
	int err = errno;

	if (!strcmp(r->event, "end"))
		clock_gettime(CLOCK_MONOTONIC, &r->t);
	if (r->result.n == 0)
		add_result(&r->result, rc, err);
	rec_write(r);
	errno = err;
	return rc;
}

/* ---- names ---------------------------------------------------------------- */

struct name {
	long value;
	const char *name;
};
#define N(x) { x, #x }

static const struct name af_names[] = {
	N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6), { 0, NULL }
};
static const struct name type_names[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_SEQPACKET), N(SOCK_RAW), { 0, NULL }
};
static const struct name type_flag_names[] = {
	N(SOCK_NONBLOCK), N(SOCK_CLOEXEC), { 0, NULL }
};
static const struct name proto_names[] = {
	N(IPPROTO_TCP), N(IPPROTO_UDP), { 0, NULL }
};
static const struct name msg_names[] = {
	N(MSG_OOB), N(MSG_PEEK), N(MSG_TRUNC), N(MSG_DONTWAIT), N(MSG_WAITALL),
	N(MSG_NOSIGNAL), N(MSG_MORE), { 0, NULL }
};
static const struct name shut_names[] = {
	N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR), { 0, NULL }
};
static const struct name level_names[] = {
	N(SOL_SOCKET), N(IPPROTO_IP), N(IPPROTO_IPV6), N(IPPROTO_TCP), { 0, NULL }
};
static const struct name so_names[] = {
	N(SO_REUSEADDR), N(SO_REUSEPORT), N(SO_TYPE), N(SO_ERROR),
	N(SO_BROADCAST), N(SO_SNDBUF), N(SO_RCVBUF), N(SO_KEEPALIVE),
	N(SO_LINGER), N(SO_RCVTIMEO), N(SO_SNDTIMEO), { 0, NULL }
};
static const struct name ipv6_names[] = {
	N(IPV6_V6ONLY), { 0, NULL }
};
static const struct name tcp_names[] = {
	N(TCP_NODELAY), { 0, NULL }
};
static const struct name poll_names[] = {
	N(POLLIN), N(POLLPRI), N(POLLOUT), N(POLLERR), N(POLLHUP), N(POLLNVAL),
	{ 0, NULL }
};
static const struct name ai_names[] = {
	N(AI_PASSIVE), N(AI_CANONNAME), N(AI_NUMERICHOST), N(AI_V4MAPPED),
	N(AI_ALL), N(AI_ADDRCONFIG), N(AI_NUMERICSERV), { 0, NULL }
};
static const struct name eai_names[] = {
	N(EAI_BADFLAGS), N(EAI_NONAME), N(EAI_AGAIN), N(EAI_FAIL),
	N(EAI_FAMILY), N(EAI_SOCKTYPE), N(EAI_SERVICE), N(EAI_MEMORY),
	N(EAI_SYSTEM), { 0, NULL }
};
/* The errors a socket program meets; any other is shown as its number. */
static const struct name errno_names[] = {
	N(EPERM), N(ENOENT), N(EINTR), N(EIO), N(EBADF), N(EAGAIN), N(ENOMEM),
	N(EACCES), N(EFAULT), N(EEXIST), N(ENOTDIR), N(EINVAL), N(EMFILE),
	N(ENOSPC), N(EPIPE), N(ENAMETOOLONG), N(ENOSYS), N(ENOTSOCK),
	N(EDESTADDRREQ), N(EMSGSIZE), N(EPROTOTYPE), N(ENOPROTOOPT),
	N(EPROTONOSUPPORT), N(EOPNOTSUPP), N(EAFNOSUPPORT), N(EADDRINUSE),
	N(EADDRNOTAVAIL), N(ENETUNREACH), N(ECONNABORTED), N(ECONNRESET),
	N(ENOBUFS), N(EISCONN), N(ENOTCONN), N(ETIMEDOUT), N(ECONNREFUSED),
	N(EHOSTUNREACH), N(EALREADY), N(EINPROGRESS), { 0, NULL }
};

/* A name from T, or the number. */
static void add_name(struct field *f, const struct name *t, long v)
{
	for (; t->name; t++)
		if (t->value == v) {
			add(f, "%s", t->name);
			return;
		}
	add(f, "%ld", v);
}

/* Flags: NAME|NAME|0x40, or "0". */
static void add_flags(struct field *f, const struct name *t, unsigned long v)
{
	const char *sep = "";

	if (v == 0)
		add(f, "0");
	for (; t->name && v; t++)
		if ((v & (unsigned long)t->value) == (unsigned long)t->value) {
			add(f, "%s%s", sep, t->name);
			v &= ~(unsigned long)t->value;
			sep = "|";
		}
	if (v)
		add(f, "%s0x%lx", sep, v);
}

static void add_result(struct field *f, long long ret, int err)
{
	add(f, "%lld", ret);
	if (ret < 0) {
		add(f, " ");
		add_name(f, errno_names, err);
	}
}

/* socket()'s arguments; the type may carry SOCK_NONBLOCK|SOCK_CLOEXEC. */
static void add_domain_type(struct field *f, int domain, int type, int proto)
{
	add_name(f, af_names, domain);
	add(f, ", ");
	add_name(f, type_names, type & 0xf);
	if (type & ~0xf) {
		add(f, "|");
		add_flags(f, type_flag_names, (unsigned)type & ~0xfu);
	}
	add(f, ", ");
	if (proto == 0)
		add(f, "0");
	else
		add_name(f, proto_names, proto);
}

/* ---- addresses, as the labs write them -------------------------------------- */

static void add_unix_addr(struct field *f, const struct sockaddr_un *un,
                          socklen_t len)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t plen = len > sizeof *un ? sizeof un->sun_path : len - off;

	add(f, "unix:");
	if (len <= off || plen == 0) {
		add(f, "(unnamed)");
	} else if (un->sun_path[0] == '\0') {
		add(f, "@");        /* Linux's abstract namespace */
		add_esc(f, un->sun_path + 1, plen - 1);
	} else {
		add_esc(f, un->sun_path, strnlen(un->sun_path, plen));
	}
}

static void add_addr(struct field *f, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	char text[INET6_ADDRSTRLEN];

	if (sa == NULL || len < sizeof(sa_family_t)) {
		add(f, sa ? "(empty)" : "NULL");
	} else if (sa->sa_family == AF_UNIX) {
		add_unix_addr(f, (const struct sockaddr_un *)sa, len);
	} else if (sa->sa_family == AF_INET && len >= sizeof *in) {
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
		add(f, "%s:%u", text, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6 && len >= sizeof *in6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
		add(f, "[%s]:%u", text, ntohs(in6->sin6_port));
	} else {
		add_name(f, af_names, sa->sa_family);
		if (sa->sa_family != AF_UNSPEC)
			add(f, "(%u bytes)", (unsigned)len);
	}
}

/* INFO's KEY=the socket's own (local) or peer address, from the real calls. */
static void add_sockaddr_of(struct field *f, const char *key, int fd, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int saved = errno;
	int rc = peer ? IP_NEXT(getpeername)(fd, (struct sockaddr *)&ss, &len)
	              : IP_NEXT(getsockname)(fd, (struct sockaddr *)&ss, &len);

	errno = saved;
	if (rc < 0)
		return;
	add_key(f, key);
	add_addr(f, (struct sockaddr *)&ss, len);
}

static void add_ends(struct field *f, int fd)
{
	add_sockaddr_of(f, "local", fd, false);
	add_sockaddr_of(f, "peer", fd, true);
}

/* "..." for the first N bytes scattered over IOV (N > 0), and ... after
 * it when there were more than PREVIEW. */
static void add_data(struct field *f, const struct iovec *iov, size_t cnt,
                     size_t n)
{
	size_t shown = 0;

	add(f, "\"");
	for (size_t i = 0; i < cnt && shown < PREVIEW && shown < n; i++) {
		size_t k = iov[i].iov_len;

		if (k > PREVIEW - shown)
			k = PREVIEW - shown;
		if (k > n - shown)
			k = n - shown;
		add_esc(f, iov[i].iov_base, k);
		shown += k;
	}
	add(f, n > PREVIEW ? "\"..." : "\"");
}

/* ---- the process ---------------------------------------------------------- */

static void record_exit(int status, void *arg)
{
	struct rec r;

	(void)arg;
	if (!rec_start(&r, "exit", "-", -1))
		return;
	add(&r.result, "%d", status);
	rec_write(&r);
}

#ifndef __GLIBC__
static void record_exit_unknown(void)
{
	record_exit(-1, NULL);      /* only glibc's on_exit gives the status */
}
#endif

/* Constructor: the `exec` record.  glibc passes (argc, argv, envp). */
__attribute__((constructor)) static void record_start(int argc, char **argv)
{
	struct rec r;

	if (!rec_start(&r, "exec", "-", -1))
		return;
#ifdef __GLIBC__
	on_exit(record_exit, NULL);
#else
	atexit(record_exit_unknown);
	argc = 1;
	argv = &program_invocation_short_name;
#endif
	for (int i = 0; argv && i < argc && argv[i]; i++) {
		add(&r.args, i ? " " : "");
		add_esc(&r.args, argv[i], strlen(argv[i]));
	}
	rec_write(&r);
}

/* ---- calls that do not wait ------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
	struct rec r;

	if (!rec_start(&r, "call", "socket", -1))
		return IP_NEXT(socket)(domain, type, protocol);
	add_domain_type(&r.args, domain, type, protocol);
	r.fd = IP_NEXT(socket)(domain, type, protocol);
	return (int)rec_done(&r, r.fd);
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	struct rec r;
	int rc;

	if (!rec_start(&r, "call", "socketpair", -1))
		return IP_NEXT(socketpair)(domain, type, protocol, sv);
	add_domain_type(&r.args, domain, type, protocol);
	rc = IP_NEXT(socketpair)(domain, type, protocol, sv);
	if (rc == 0) {
		r.fd = sv[0];
		add(&r.info, "fds=%d,%d", sv[0], sv[1]);
	}
	return (int)rec_done(&r, rc);
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct rec r;
	int rc;

	if (!rec_start(&r, "call", "bind", fd))
		return IP_NEXT(bind)(fd, addr, len);
	add_addr(&r.addr, addr, len);
	add(&r.args, ", %s", r.addr.s);
	rc = IP_NEXT(bind)(fd, addr, len);
	if (rc == 0)
		add_sockaddr_of(&r.info, "local", fd, false);
	return (int)rec_done(&r, rc);
}

int listen(int fd, int backlog)
{
	struct rec r;

	if (!rec_start(&r, "call", "listen", fd))
		return IP_NEXT(listen)(fd, backlog);
	add(&r.args, ", %d", backlog);
	return (int)rec_done(&r, IP_NEXT(listen)(fd, backlog));
}

int shutdown(int fd, int how)
{
	struct rec r;

	if (!rec_start(&r, "call", "shutdown", fd))
		return IP_NEXT(shutdown)(fd, how);
	add(&r.args, ", ");
	add_name(&r.args, shut_names, how);
	return (int)rec_done(&r, IP_NEXT(shutdown)(fd, how));
}

/* setsockopt's value: an int, a timeout in ms, a linger, or its size. */
static void add_optval(struct field *f, int level, int name, const void *val,
                       socklen_t len)
{
	if (val == NULL) {
		add(f, "NULL");
	} else if (len == sizeof(int)) {
		add(f, "%d", *(const int *)val);
	} else if (level == SOL_SOCKET && len == sizeof(struct timeval)
	           && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		const struct timeval *tv = val;

		add(f, "%lldms", tv->tv_sec * 1000LL + tv->tv_usec / 1000);
	} else if (level == SOL_SOCKET && name == SO_LINGER
	           && len == sizeof(struct linger)) {
		const struct linger *l = val;

		add(f, "{onoff=%d, linger=%d}", l->l_onoff, l->l_linger);
	} else {
		add(f, "len=%u", (unsigned)len);
	}
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	const struct name *names = level == SOL_SOCKET ? so_names
	                           : level == IPPROTO_IPV6 ? ipv6_names
	                           : level == IPPROTO_TCP ? tcp_names : NULL;
	struct rec r;

	if (!rec_start(&r, "call", "setsockopt", fd))
		return IP_NEXT(setsockopt)(fd, level, name, val, len);
	add(&r.args, ", ");
	add_name(&r.args, level_names, level);
	add(&r.args, ", ");
	if (names)
		add_name(&r.args, names, name);
	else
		add(&r.args, "%d", name);
	add(&r.args, ", ");
	add_optval(&r.args, level, name, val, len);
	return (int)rec_done(&r, IP_NEXT(setsockopt)(fd, level, name, val, len));
}

/* getsockname and getpeername (PEER): the address is the result. */
static int getname(const char *call, int fd, struct sockaddr *addr,
                   socklen_t *len, bool peer)
{
	socklen_t inlen = len ? *len : 0;
	struct rec r;
	bool traced = rec_start(&r, "call", call, fd);
	int rc = peer ? IP_NEXT(getpeername)(fd, addr, len)
	              : IP_NEXT(getsockname)(fd, addr, len);

	if (!traced)
		return rc;
	if (rc == 0)
		add_addr(&r.addr, addr, *len < inlen ? *len : inlen);
	return (int)rec_done(&r, rc);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getname("getsockname", fd, addr, len, false);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getname("getpeername", fd, addr, len, true);
}

int close(int fd)
{
	struct rec r;

	if (!rec_start(&r, "call", "close", fd) || ip_sock_type(fd) <= 0)
		return IP_NEXT(close)(fd);
	return (int)rec_done(&r, IP_NEXT(close)(fd));
}

/* ---- calls that can wait: a `begin` record, then an `end` ------------------- */

/* accept and accept4 (FOUR): the new socket's ends are the connection. */
static int do_accept(const char *call, int fd, struct sockaddr *addr,
                     socklen_t *len, int flags, bool four)
{
	struct rec r;
	int nfd;

	if (!rec_start(&r, "begin", call, fd))
		return four ? IP_NEXT(accept4)(fd, addr, len, flags)
		            : IP_NEXT(accept)(fd, addr, len);
	if (four) {
		add(&r.args, ", ");
		add_flags(&r.args, type_flag_names, (unsigned)flags);
	}
	rec_begin(&r);
	nfd = four ? IP_NEXT(accept4)(fd, addr, len, flags)
	           : IP_NEXT(accept)(fd, addr, len);
	if (nfd >= 0)
		add_ends(&r.info, nfd);
	return (int)rec_done(&r, nfd);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return do_accept("accept", fd, addr, len, 0, false);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return do_accept("accept4", fd, addr, len, flags, true);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct rec r;
	int rc;

	if (!rec_start(&r, "begin", "connect", fd))
		return IP_NEXT(connect)(fd, addr, len);
	add_addr(&r.addr, addr, len);
	add(&r.args, ", %s", r.addr.s);
	rec_begin(&r);
	rc = IP_NEXT(connect)(fd, addr, len);
	if (rc == 0 || errno == EINPROGRESS)
		add_ends(&r.info, fd);
	return (int)rec_done(&r, rc);
}

/* ---- sending and receiving ------------------------------------------------- */

/* Every send and receive is made as sendmsg() or recvmsg(): on a socket,
 * write(fd, buf, len) is send(fd, buf, len, 0), which is sendto(fd, buf,
 * len, 0, NULL, 0), which is sendmsg() of one buffer (send(2), recv(2)).
 * M holds the buffers and the address: a send's destination, a receive's
 * source. */

/* ", LEN" of all M's buffers, then ", FLAGS" unless there are none. */
static void add_len_flags(struct field *f, const struct msghdr *m, int flags)
{
	size_t len = 0;

	for (size_t i = 0; i < m->msg_iovlen; i++)
		len += m->msg_iov[i].iov_len;
	add(f, ", %zu", len);
	if (flags) {
		add(f, ", ");
		add_flags(f, msg_names, (unsigned)flags);
	}
}

/* Every send, recorded when it returned, with the data it sent where its
 * buffer is; on a datagram socket, its ends (the drawer matches datagrams
 * by them). */
static ssize_t do_send(struct rec *r, int fd, const struct msghdr *m, int flags)
{
	ssize_t n = IP_NEXT(sendmsg)(fd, m, flags);

	if (n > 0) {
		add(&r->args, ", ");
		add_data(&r->args, m->msg_iov, m->msg_iovlen, (size_t)n);
	}
	add_len_flags(&r->args, m, flags);
	if (m->msg_name) {
		add_addr(&r->addr, m->msg_name, m->msg_namelen);
		add(&r->args, ", %s", r->addr.s);
	}
	if (n >= 0 && ip_sock_type(fd) != SOCK_STREAM)
		add_ends(&r->info, fd);
	return rec_done(r, n);
}

/* write, send and sendto, once tracing() said yes. */
static ssize_t send_one(const char *call, int fd, const void *buf, size_t len,
                        int flags, const struct sockaddr *to, socklen_t tolen)
{
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_name = (void *)to, .msg_namelen = tolen,
	                    .msg_iov = &iov, .msg_iovlen = 1 };
	struct rec r;

	rec_start(&r, "call", call, fd);
	return do_send(&r, fd, &m, flags);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	if (!tracing() || ip_sock_type(fd) <= 0)
		return IP_NEXT(write)(fd, buf, len);
	return send_one("write", fd, buf, len, 0, NULL, 0);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	if (!tracing())
		return IP_NEXT(send)(fd, buf, len, flags);
	return send_one("send", fd, buf, len, flags, NULL, 0);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tolen)
{
	if (!tracing())
		return IP_NEXT(sendto)(fd, buf, len, flags, to, tolen);
	return send_one("sendto", fd, buf, len, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct rec r;

	if (!rec_start(&r, "call", "sendmsg", fd))
		return IP_NEXT(sendmsg)(fd, msg, flags);
	return do_send(&r, fd, msg, flags);
}

/* Every receive: a `begin`, the call, its `end` with the source and the
 * data.  On a datagram socket the source is asked for even when the
 * caller does not want it (recvmsg aside), since the drawing needs it. */
static ssize_t do_receive(struct rec *r, int fd, struct msghdr *m, int flags)
{
	bool dgram = ip_sock_type(fd) != SOCK_STREAM;
	struct sockaddr_storage ss;
	socklen_t room;
	ssize_t n;

	if (dgram && !m->msg_name && strcmp(r->call, "recvmsg")) {
		m->msg_name = &ss;
		m->msg_namelen = sizeof ss;
	}
	room = m->msg_name ? m->msg_namelen : 0;
	add_len_flags(&r->args, m, flags);
	rec_begin(r);
	n = IP_NEXT(recvmsg)(fd, m, flags);
	if (n >= 0 && m->msg_name && m->msg_namelen >= sizeof(sa_family_t))
		add_addr(&r->addr, m->msg_name, m->msg_namelen < room ? m->msg_namelen
		                                                      : room);
	if (n >= 0 && dgram)
		add_ends(&r->info, fd);
	if (n > 0) {
		add_key(&r->info, "data");
		add_data(&r->info, m->msg_iov, m->msg_iovlen, (size_t)n);
	}
	return rec_done(r, n);
}

/* read, recv and recvfrom (FROM: where the source goes), once tracing()
 * said yes. */
static ssize_t receive_one(const char *call, int fd, void *buf, size_t len,
                           int flags, struct sockaddr *from, socklen_t *fromlen)
{
	struct iovec iov = { buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct rec r;
	ssize_t n;

	if (from && fromlen) {
		m.msg_name = from;
		m.msg_namelen = *fromlen;
	}
	rec_start(&r, "begin", call, fd);
	n = do_receive(&r, fd, &m, flags);
	if (from && fromlen)
		*fromlen = m.msg_namelen;
	return n;
}

ssize_t read(int fd, void *buf, size_t len)
{
	if (!tracing() || ip_sock_type(fd) <= 0)
		return IP_NEXT(read)(fd, buf, len);
	return receive_one("read", fd, buf, len, 0, NULL, NULL);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	if (!tracing())
		return IP_NEXT(recv)(fd, buf, len, flags);
	return receive_one("recv", fd, buf, len, flags, NULL, NULL);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
                 struct sockaddr *from, socklen_t *fromlen)
{
	if (!tracing())
		return IP_NEXT(recvfrom)(fd, buf, len, flags, from, fromlen);
	return receive_one("recvfrom", fd, buf, len, flags, from, fromlen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct rec r;

	if (!rec_start(&r, "begin", "recvmsg", fd))
		return IP_NEXT(recvmsg)(fd, msg, flags);
	return do_receive(&r, fd, msg, flags);
}

/* ---- poll ------------------------------------------------------------------ */

/* The fds of a poll with their events, or (REVENTS) those that are ready. */
static void add_pollfds(struct field *f, const struct pollfd *fds,
                        nfds_t nfds, bool revents)
{
	const char *sep = "";

	for (nfds_t i = 0; i < nfds; i++) {
		short ev = revents ? fds[i].revents : fds[i].events;

		if (revents && ev == 0)
			continue;
		add(f, "%s%d:", sep, fds[i].fd);
		add_flags(f, poll_names, (unsigned short)ev);
		sep = ",";
	}
}

/* poll (TS NULL, a timeout of MS) and ppoll (TS, or NULL: none); a poll
 * of no socket is not recorded. */
static int poll_any(const char *call, struct pollfd *fds, nfds_t nfds,
                    int ms, const struct timespec *ts, const sigset_t *mask)
{
	bool is_ppoll = !strcmp(call, "ppoll");
	int sock = -1, rc;
	struct rec r;

	for (nfds_t i = 0; tracing() && sock < 0 && i < nfds; i++)
		if (ip_sock_type(fds[i].fd) > 0)
			sock = fds[i].fd;
	if (sock < 0 || !rec_start(&r, "begin", call, -1))
		return is_ppoll ? IP_NEXT(ppoll)(fds, nfds, ts, mask)
		                : IP_NEXT(poll)(fds, nfds, ms);
	r.fd = sock;
	add(&r.args, "[");
	add_pollfds(&r.args, fds, nfds, false);
	add(&r.args, "]");
	if (is_ppoll && ts)
		add(&r.args, ", %lldms", ts->tv_sec * 1000LL + ts->tv_nsec / 1000000);
	else if (!is_ppoll && ms >= 0)
		add(&r.args, ", %dms", ms);
	rec_begin(&r);
	rc = is_ppoll ? IP_NEXT(ppoll)(fds, nfds, ts, mask)
	              : IP_NEXT(poll)(fds, nfds, ms);
	if (rc > 0) {
		add(&r.result, "%d [", rc);
		add_pollfds(&r.result, fds, nfds, true);
		add(&r.result, "]");
	}
	return (int)rec_done(&r, rc);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return poll_any("poll", fds, nfds, timeout, NULL, NULL);
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
          const sigset_t *mask)
{
	return poll_any("ppoll", fds, nfds, -1, ts, mask);
}

IP_FORTIFY_WRAPPERS(read, recv, recvfrom, poll, ppoll)

/* ---- getaddrinfo ------------------------------------------------------------ */

static void add_str_arg(struct field *f, const char *s)
{
	if (s == NULL) {
		add(f, "NULL");
		return;
	}
	add(f, "\"");
	add_esc(f, s, strlen(s));
	add(f, "\"");
}

static void add_hints(struct field *f, const struct addrinfo *h)
{
	if (h == NULL) {
		add(f, "NULL");
		return;
	}
	add(f, "{");
	add_name(f, af_names, h->ai_family);
	add(f, ", ");
	add_name(f, type_names, h->ai_socktype);
	add(f, ", ");
	add_name(f, proto_names, h->ai_protocol);
	add(f, ", ");
	add_flags(f, ai_names, (unsigned)h->ai_flags);
	add(f, "}");
}

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
	struct rec r;
	int rc;

	if (!rec_start(&r, "call", "getaddrinfo", -1))
		return IP_NEXT(getaddrinfo)(node, service, hints, res);
	add_str_arg(&r.args, node);
	add(&r.args, ", ");
	add_str_arg(&r.args, service);
	add(&r.args, ", ");
	add_hints(&r.args, hints);
	ip_busy++;          /* the resolver's own sockets are not the program's */
	rc = IP_NEXT(getaddrinfo)(node, service, hints, res);
	ip_busy--;
	if (rc == 0)
		add(&r.info, "addrs=");
	for (struct addrinfo *a = rc == 0 ? *res : NULL; a; a = a->ai_next) {
		add(&r.info, a != *res ? "," : "");
		add_addr(&r.info, a->ai_addr, a->ai_addrlen);
	}
	if (rc != 0)
		add_name(&r.result, eai_names, rc);
	return (int)rec_done(&r, rc);
}

void freeaddrinfo(struct addrinfo *list)
{
	struct rec r;

	if (rec_start(&r, "call", "freeaddrinfo", -1)) {   /* takes no time */
		add(&r.args, list ? "list" : "NULL");
		rec_write(&r);
	}
	IP_NEXT(freeaddrinfo)(list);
}
