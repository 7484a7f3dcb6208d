/*
 * record.c - the socket recorder: an LD_PRELOAD library that writes one
 * line for every socket call a program makes (LAB_GUIDE.md, "The socket trace").
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
 * (its status).  dup/dup2/dup3/close_range/closefrom/fclose are
 * interposed only to keep the is-it-a-socket cache right; they are not
 * recorded.  Without SOCKTRACE in the environment every call goes
 * straight through.
 *
 * THE RECORD FORMAT (version 1).  The file is a sequence of lines, each
 * written with a single write(2) on an O_APPEND descriptor, so several
 * processes can share one file and never mix within a line.  A line has
 * exactly 10 fields separated by one TAB; an empty field is "-":
 *
 *   1 TIME    CLOCK_MONOTONIC seconds, 9 decimals: "5123.000418211".  A
 *             `call`, `begin` and `run` record: when the call started; an
 *             `end` record: when it returned.  Lines of different
 *             processes are not sorted by TIME in the file: sort them.
 *   2 PID
 *   3 PROG    the program's name (argv[0]'s last component)
 *   4 EVENT   call   a whole call, recorded when it returned
 *             begin  a blocking call started (accept, accept4, connect,
 *                    recv, recvfrom, recvmsg, read on a socket, poll,
 *                    ppoll); its `end` record follows
 *             end    that call returned
 *             run    a summary of a run of calls (below)
 *             exec   the process started: ARGS is its command line
 *             exit   the process called exit(): RESULT is the status
 *             fork   this process was forked (INFO parent=PID): it shares
 *                    its parent's sockets
 *   5 CALL    the function: socket, bind, ..., "-" for exec/exit/fork
 *   6 FD      the socket the call is about (socket/accept: the new one;
 *             poll: the first socket polled), "-" if none
 *   7 ARGS    the arguments, decoded and comma-separated as a person
 *             reads them: "AF_UNIX, SOCK_STREAM, 0", "len=65536",
 *             "SHUT_WR", "SOL_SOCKET, SO_REUSEADDR, 1"
 *   8 ADDR    the address of the call, in the labs' form (unix:/path,
 *             unix:(unnamed), unix:@abstract, 127.0.0.1:50002,
 *             [::1]:50004, AF_UNSPEC): what bind/connect/sendto/sendmsg
 *             were given, what accept/recvfrom/recvmsg/getsockname/
 *             getpeername returned
 *   9 RESULT  the return value, and the errno name after a failure:
 *             "3", "0", "-1 ECONNREFUSED"; "?" in a `begin` record;
 *             getaddrinfo: "0" or its EAI_* name
 *  10 INFO    space-separated key=value facts for programs (the drawer):
 *             data="..."   the first 32 bytes sent or received, escaped,
 *                          followed by ... when there were more
 *             local=ADDR peer=ADDR  the socket's own and peer address:
 *                          on connect/accept ends, and on every datagram
 *                          sent or received
 *             peerpid=N    an AF_UNIX peer's pid (SO_PEERCRED), on
 *                          connect/accept ends
 *             fds=3,4      socketpair's pair
 *             fds=3:POLLIN,0:POLLIN   poll's set; revents=... on its end
 *             list=N       getaddrinfo's result list, numbered, and the
 *             addrs=A,B    addresses in it; freeaddrinfo names the list
 *             calls=N polls=N bytes=N last=TIME   a `run` summary
 *             msg_flags=MSG_TRUNC|...  recvmsg's returned flags
 *
 * Escaping: every field is printable ASCII.  A backslash, double quote,
 * TAB, newline, CR and NUL become \\ \" \t \n \r \0; other bytes outside
 * 0x20..0x7e become \xHH.  A field is cut (never mid-escape) at a few
 * hundred bytes; a line never exceeds 2 KiB.
 *
 * RUNS: keeping a large transfer fast.  A record costs a write(2) of its
 * own, so a 1 GiB transfer in 64 KiB pieces would pay for ~100,000
 * records.  The recorder therefore summarises: on a stream socket, after
 * the first 4 successful reads (or writes) in a row on the same fd in the
 * same direction have been recorded in full, further ones that follow
 * within 10 ms of the previous one are only counted, together with the
 * poll/ppoll on that one fd that precede them, and written as one `run`
 * record (calls, polls, bytes, first and last time) when the run ends:
 * another recorded call, end of file, an error, a pause over 10 ms, the
 * process's exit, and every 100 ms meanwhile.  A run never hides where a
 * program waits: a poll in a run is made with a 20 ms timeout first, and
 * a read is tried with MSG_DONTWAIT first; when either would have to
 * wait, the recorder writes the pending summary and a `begin` record
 * (with the call's real start time) before waiting, and the `end` after.
 * Datagram sockets are never summarised: every datagram is a message.
 *
 * errno is saved after the real call and restored before returning.
 * Nothing is written to the program's stdout or stderr; the record file
 * is held on a high, close-on-exec descriptor (a program that closes it
 * sees EBADF and keeps its records; one that dup2()s over it makes the
 * recorder reopen the file).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* dlsym RTLD_NEXT, ppoll, program_invocation_short_name */
#endif
#include "interpose.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define PREVIEW      32          /* data bytes shown in data="..." */
#define RUN_FULL     4           /* transfers recorded in full per run */
#define RUN_GAP_NS   10000000LL  /* a pause this long ends a run */
#define RUN_FLUSH_NS 100000000LL /* a run's summary is written this often */
#define STAGE_MS     20          /* a poll in a run waits this long unseen */

/* ---- the record file ------------------------------------------------------ */

static const char *trace_path;   /* SOCKTRACE, or NULL: record nothing */
static int trace_fd = -1;
static pid_t my_pid;
static bool inited;

static void init(void);

static int reopen_trace(void)
{
	struct rlimit rl;
	int fd, hi;
	long base = 1023;

	fd = open(trace_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	/* Out of the way of the program's own fds: a program that opens a
	 * socket should get the number it gets untraced. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
	    && (long)rl.rlim_cur - 1 < base)
		base = (long)rl.rlim_cur - 1;
	if (base > fd) {
		hi = fcntl(fd, F_DUPFD_CLOEXEC, (int)base);
		if (hi < 0)
			hi = fcntl(fd, F_DUPFD_CLOEXEC, (int)(base / 2));
		if (hi >= 0) {
			IP_NEXT(close)(fd);
			fd = hi;
		}
	}
	trace_fd = fd;
	return fd;
}

static void put_line(const char *line, size_t len)
{
	ssize_t n;

	if (trace_fd < 0 && reopen_trace() < 0)
		return;
	n = IP_NEXT(write)(trace_fd, line, len);
	if (n < 0 && errno == EBADF && reopen_trace() >= 0)
		(void)IP_NEXT(write)(trace_fd, line, len);
}

/* ---- building a line ------------------------------------------------------- */

#define LINE_CAP 2048
/* How much each of the four free fields may take: they add up, with the
 * six fixed ones, to less than LINE_CAP. */
static const size_t field_cap[4] = { 400, 480, 80, 800 };

struct rec {
	char line[LINE_CAP];
	size_t n;
	size_t field_start;
	size_t limit;        /* n never passes it within the current field */
	int field;           /* 0..3: ARGS, ADDR, RESULT, INFO */
};

static void put(struct rec *r, const char *s, size_t len)
{
	if (r->n + len > r->limit)
		len = r->limit > r->n ? r->limit - r->n : 0;
	memcpy(r->line + r->n, s, len);
	r->n += len;
}

static void puts_(struct rec *r, const char *s)
{
	put(r, s, strlen(s));
}

static void putc_(struct rec *r, char c)
{
	put(r, &c, 1);
}

static void put_u(struct rec *r, unsigned long long v)
{
	char d[24];
	int i = sizeof d;

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	put(r, d + i, sizeof d - (size_t)i);
}

static void put_i(struct rec *r, long long v)
{
	if (v < 0) {
		putc_(r, '-');
		put_u(r, 0ULL - (unsigned long long)v);
	} else {
		put_u(r, (unsigned long long)v);
	}
}

/* LEN bytes of S, escaped; an escape is never cut in half. */
static void put_esc(struct rec *r, const void *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = s;

	for (size_t i = 0; i < len; i++) {
		char e[4];
		size_t k = 0;
		unsigned char c = p[i];

		switch (c) {
		case '\\': e[k++] = '\\'; e[k++] = '\\'; break;
		case '"':  e[k++] = '\\'; e[k++] = '"'; break;
		case '\t': e[k++] = '\\'; e[k++] = 't'; break;
		case '\n': e[k++] = '\\'; e[k++] = 'n'; break;
		case '\r': e[k++] = '\\'; e[k++] = 'r'; break;
		case '\0': e[k++] = '\\'; e[k++] = '0'; break;
		default:
			if (c >= 0x20 && c < 0x7f) {
				e[k++] = (char)c;
			} else {
				e[k++] = '\\';
				e[k++] = 'x';
				e[k++] = hex[c >> 4];
				e[k++] = hex[c & 15];
			}
		}
		if (r->n + k > r->limit)
			return;
		put(r, e, k);
	}
}

static void put_escs(struct rec *r, const char *s)
{
	put_esc(r, s, strlen(s));
}

/* Close the current field ("-" if it is empty) and open the next. */
static void next_field(struct rec *r)
{
	if (r->n == r->field_start)
		r->line[r->n++] = '-';
	r->line[r->n++] = '\t';
	r->field_start = r->n;
	r->field++;
	r->limit = r->n + field_cap[r->field < 4 ? r->field : 3];
}

static void put_time(struct rec *r, const struct timespec *ts)
{
	char ns[9];
	long v = ts->tv_nsec;

	put_u(r, (unsigned long long)ts->tv_sec);
	putc_(r, '.');
	for (int i = 8; i >= 0; i--, v /= 10)
		ns[i] = (char)('0' + v % 10);
	put(r, ns, 9);
}

/* Start a line: the six fixed fields, then ARGS is open. */
static void rec_start(struct rec *r, const struct timespec *ts,
                      const char *event, const char *call, int fd)
{
	r->n = 0;
	r->limit = LINE_CAP - 1;
	put_time(r, ts);
	putc_(r, '\t');
	put_u(r, (unsigned long long)my_pid);
	putc_(r, '\t');
	r->limit = r->n + 64;
	put_escs(r, program_invocation_short_name);
	r->limit = LINE_CAP - 1;
	putc_(r, '\t');
	puts_(r, event);
	putc_(r, '\t');
	puts_(r, call);
	putc_(r, '\t');
	if (fd >= 0)
		put_i(r, fd);
	else
		putc_(r, '-');
	putc_(r, '\t');
	r->field = 0;
	r->field_start = r->n;
	r->limit = r->n + field_cap[0];
}

/* Close the line (fields not reached are "-") and write it. */
static void rec_end(struct rec *r)
{
	while (r->field < 3)
		next_field(r);
	if (r->n == r->field_start)
		r->line[r->n++] = '-';
	r->line[r->n++] = '\n';
	put_line(r->line, r->n);
}

static struct timespec now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

/* ---- names ---------------------------------------------------------------- */

struct name {
	long value;
	const char *name;
};
#define N(x) { x, #x }

static const char *lookup(const struct name *t, long v)
{
	for (; t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

/* A name from T, or the number. */
static void put_name(struct rec *r, const struct name *t, long v)
{
	const char *s = lookup(t, v);

	if (s)
		puts_(r, s);
	else
		put_i(r, v);
}

/* Flags: NAME|NAME|0x40, or "0". */
static void put_flags(struct rec *r, const struct name *t, unsigned long v)
{
	bool any = false;

	for (; t->name && v; t++) {
		if ((v & (unsigned long)t->value) == (unsigned long)t->value
		    && t->value) {
			if (any)
				putc_(r, '|');
			puts_(r, t->name);
			v &= ~(unsigned long)t->value;
			any = true;
		}
	}
	if (v || !any) {
		static const char hex[] = "0123456789abcdef";
		char d[20];
		int i = sizeof d;

		if (any)
			putc_(r, '|');
		if (v == 0) {
			putc_(r, '0');
			return;
		}
		while (v) {
			d[--i] = hex[v & 15];
			v >>= 4;
		}
		d[--i] = 'x';
		d[--i] = '0';
		put(r, d + i, sizeof d - (size_t)i);
	}
}

static const struct name af_names[] = {
	N(AF_UNSPEC), N(AF_UNIX), N(AF_INET), N(AF_INET6), N(AF_NETLINK),
	N(AF_PACKET), { 0, NULL }
};
static const struct name type_names[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_SEQPACKET), N(SOCK_RAW),
	N(SOCK_RDM), { 0, NULL }
};
static const struct name type_flag_names[] = {
	N(SOCK_NONBLOCK), N(SOCK_CLOEXEC), { 0, NULL }
};
static const struct name proto_names[] = {
	N(IPPROTO_TCP), N(IPPROTO_UDP), N(IPPROTO_ICMP), N(IPPROTO_ICMPV6),
	{ 0, NULL }
};
static const struct name msg_names[] = {
	N(MSG_OOB), N(MSG_PEEK), N(MSG_DONTROUTE), N(MSG_CTRUNC), N(MSG_TRUNC),
	N(MSG_DONTWAIT), N(MSG_EOR), N(MSG_WAITALL), N(MSG_CONFIRM),
	N(MSG_ERRQUEUE), N(MSG_NOSIGNAL), N(MSG_MORE), N(MSG_CMSG_CLOEXEC),
	{ 0, NULL }
};
static const struct name shut_names[] = {
	N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR), { 0, NULL }
};
static const struct name level_names[] = {
	N(SOL_SOCKET), N(IPPROTO_IP), N(IPPROTO_IPV6), N(IPPROTO_TCP),
	N(IPPROTO_UDP), { 0, NULL }
};
static const struct name so_names[] = {
	N(SO_DEBUG), N(SO_REUSEADDR), N(SO_TYPE), N(SO_ERROR), N(SO_DONTROUTE),
	N(SO_BROADCAST), N(SO_SNDBUF), N(SO_RCVBUF), N(SO_KEEPALIVE),
	N(SO_OOBINLINE), N(SO_LINGER), N(SO_REUSEPORT), N(SO_PASSCRED),
	N(SO_PEERCRED), N(SO_RCVLOWAT), N(SO_SNDLOWAT), N(SO_RCVTIMEO),
	N(SO_SNDTIMEO), N(SO_BINDTODEVICE), N(SO_ACCEPTCONN), N(SO_DOMAIN),
	N(SO_PROTOCOL), { 0, NULL }
};
static const struct name ip_names[] = {
	N(IP_TOS), N(IP_TTL), N(IP_HDRINCL), N(IP_OPTIONS), N(IP_RECVERR),
	N(IP_PKTINFO), N(IP_MTU_DISCOVER), N(IP_FREEBIND), { 0, NULL }
};
static const struct name ipv6_names[] = {
	N(IPV6_V6ONLY), N(IPV6_UNICAST_HOPS), N(IPV6_RECVERR), N(IPV6_RECVPKTINFO),
	N(IPV6_MTU_DISCOVER), N(IPV6_TCLASS), { 0, NULL }
};
static const struct name tcp_names[] = {
	N(TCP_NODELAY), N(TCP_MAXSEG), N(TCP_CORK), N(TCP_KEEPIDLE),
	N(TCP_KEEPINTVL), N(TCP_KEEPCNT), N(TCP_QUICKACK), N(TCP_USER_TIMEOUT),
	{ 0, NULL }
};
static const struct name poll_names[] = {
	N(POLLIN), N(POLLPRI), N(POLLOUT), N(POLLERR), N(POLLHUP), N(POLLNVAL),
	N(POLLRDHUP), N(POLLRDNORM), N(POLLRDBAND), N(POLLWRNORM), N(POLLWRBAND),
	{ 0, NULL }
};
static const struct name ai_names[] = {
	N(AI_PASSIVE), N(AI_CANONNAME), N(AI_NUMERICHOST), N(AI_V4MAPPED),
	N(AI_ALL), N(AI_ADDRCONFIG), N(AI_NUMERICSERV), { 0, NULL }
};
static const struct name eai_names[] = {
	N(EAI_BADFLAGS), N(EAI_NONAME), N(EAI_AGAIN), N(EAI_FAIL),
	N(EAI_FAMILY), N(EAI_SOCKTYPE), N(EAI_SERVICE), N(EAI_MEMORY),
	N(EAI_SYSTEM), N(EAI_OVERFLOW),
#ifdef EAI_NODATA
	N(EAI_NODATA),
#endif
#ifdef EAI_ADDRFAMILY
	N(EAI_ADDRFAMILY),
#endif
	{ 0, NULL }
};
static const struct name errno_names[] = {
	N(EPERM), N(ENOENT), N(ESRCH), N(EINTR), N(EIO), N(ENXIO), N(E2BIG),
	N(ENOEXEC), N(EBADF), N(ECHILD), N(EAGAIN), N(ENOMEM), N(EACCES),
	N(EFAULT), N(EBUSY), N(EEXIST), N(EXDEV), N(ENODEV), N(ENOTDIR),
	N(EISDIR), N(EINVAL), N(ENFILE), N(EMFILE), N(ENOTTY), N(EFBIG),
	N(ENOSPC), N(ESPIPE), N(EROFS), N(EMLINK), N(EPIPE), N(ERANGE),
	N(EDEADLK), N(ENAMETOOLONG), N(ENOLCK), N(ENOSYS), N(ENOTEMPTY),
	N(ELOOP), N(ENOMSG), N(EOVERFLOW), N(EILSEQ), N(ENOTSOCK),
	N(EDESTADDRREQ), N(EMSGSIZE), N(EPROTOTYPE), N(ENOPROTOOPT),
	N(EPROTONOSUPPORT), N(ESOCKTNOSUPPORT), N(EOPNOTSUPP), N(EPFNOSUPPORT),
	N(EAFNOSUPPORT), N(EADDRINUSE), N(EADDRNOTAVAIL), N(ENETDOWN),
	N(ENETUNREACH), N(ENETRESET), N(ECONNABORTED), N(ECONNRESET),
	N(ENOBUFS), N(EISCONN), N(ENOTCONN), N(ESHUTDOWN), N(ETIMEDOUT),
	N(ECONNREFUSED), N(EHOSTDOWN), N(EHOSTUNREACH), N(EALREADY),
	N(EINPROGRESS), N(ECANCELED), { 0, NULL }
};

static void put_result(struct rec *r, long long ret, int err)
{
	put_i(r, ret);
	if (ret < 0) {
		putc_(r, ' ');
		put_name(r, errno_names, err);
	}
}

static void put_domain_type(struct rec *r, int domain, int type, int proto)
{
	put_name(r, af_names, domain);
	puts_(r, ", ");
	put_name(r, type_names, type & 0xf);
	if (type & ~0xf) {
		putc_(r, '|');
		put_flags(r, type_flag_names, (unsigned)type & ~0xfu);
	}
	puts_(r, ", ");
	if (proto == 0)
		putc_(r, '0');
	else
		put_name(r, proto_names, proto);
}

/* ---- addresses, as the labs write them -------------------------------------- */

static void put_addr(struct rec *r, const struct sockaddr *sa, socklen_t len)
{
	char text[INET6_ADDRSTRLEN];

	if (sa == NULL) {
		puts_(r, "NULL");
		return;
	}
	if (len < sizeof(sa_family_t)) {
		puts_(r, "(empty)");
		return;
	}
	switch (sa->sa_family) {
	case AF_UNIX: {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		size_t plen = len - offsetof(struct sockaddr_un, sun_path);

		if (len > sizeof *un)
			plen = sizeof un->sun_path;
		puts_(r, "unix:");
		if (len <= offsetof(struct sockaddr_un, sun_path) || plen == 0) {
			puts_(r, "(unnamed)");
		} else if (un->sun_path[0] == '\0') {
			putc_(r, '@');      /* Linux's abstract namespace */
			put_esc(r, un->sun_path + 1, plen - 1);
		} else {
			put_esc(r, un->sun_path, strnlen(un->sun_path, plen));
		}
		return;
	}
	case AF_INET: {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		if (len < sizeof *in)
			break;
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
		puts_(r, text);
		putc_(r, ':');
		put_u(r, ntohs(in->sin_port));
		return;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (len < sizeof *in6)
			break;
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
		putc_(r, '[');
		puts_(r, text);
		puts_(r, "]:");
		put_u(r, ntohs(in6->sin6_port));
		return;
	}
	case AF_UNSPEC:
		puts_(r, "AF_UNSPEC");
		return;
	default:
		put_name(r, af_names, sa->sa_family);
		return;
	}
	put_name(r, af_names, sa->sa_family);
	puts_(r, "(short:");
	put_u(r, len);
	putc_(r, ')');
}

/* KEY=the socket's own (local) or peer address, from the real calls. */
static void put_sockaddr_of(struct rec *r, const char *key, int fd, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int saved = errno;
	int rc = peer ? IP_NEXT(getpeername)(fd, (struct sockaddr *)&ss, &len)
	              : IP_NEXT(getsockname)(fd, (struct sockaddr *)&ss, &len);

	errno = saved;
	if (rc < 0)
		return;
	if (r->n > r->field_start)
		putc_(r, ' ');
	puts_(r, key);
	putc_(r, '=');
	put_addr(r, (struct sockaddr *)&ss, len);
}

static void put_peerpid(struct rec *r, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof cred;
	int saved = errno;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0
	    && cred.pid > 0) {
		if (r->n > r->field_start)
			putc_(r, ' ');
		puts_(r, "peerpid=");
		put_u(r, (unsigned long long)cred.pid);
	}
	errno = saved;
}

static int sock_domain(int fd)
{
	int d = 0, saved = errno;
	socklen_t len = sizeof d;

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &d, &len) < 0)
		d = -1;
	errno = saved;
	return d;
}

/* data="..." for N bytes of BUF (N > 0). */
static void put_data(struct rec *r, const void *buf, size_t n)
{
	if (r->n > r->field_start)
		putc_(r, ' ');
	puts_(r, "data=\"");
	put_esc(r, buf, n < PREVIEW ? n : PREVIEW);
	putc_(r, '"');
	if (n > PREVIEW)
		puts_(r, "...");
}

/* The same for the first N bytes scattered over an iovec array. */
static void put_data_iov(struct rec *r, const struct iovec *iov, size_t cnt,
                         size_t n)
{
	char tmp[PREVIEW];
	size_t got = 0;

	for (size_t i = 0; i < cnt && got < PREVIEW && got < n; i++) {
		size_t k = iov[i].iov_len;

		if (k > PREVIEW - got)
			k = PREVIEW - got;
		if (k > n - got)
			k = n - got;
		memcpy(tmp + got, iov[i].iov_base, k);
		got += k;
	}
	if (r->n > r->field_start)
		putc_(r, ' ');
	puts_(r, "data=\"");
	put_esc(r, tmp, got);
	putc_(r, '"');
	if (n > PREVIEW)
		puts_(r, "...");
}

/* ---- runs: summarising bulk transfers (see the header comment) ------------ */

struct run {
	int fd;                  /* -1: no run */
	char dir;                /* 'r' or 'w' */
	unsigned full;           /* transfers of this run recorded in full */
	struct timespec last_end;/* when the run's latest transfer returned */
	/* absorbed, not yet written: */
	unsigned long calls, polls;
	unsigned long long bytes;
	struct timespec first, last, flushed;
	const char *call;
};

static IP_TLS struct run run = { .fd = -1 };

static void run_flush(void)
{
	struct rec r;

	if (run.calls == 0 && run.polls == 0)
		return;
	rec_start(&r, &run.first, "run", run.call ? run.call : "poll", run.fd);
	put_u(&r, run.calls);
	puts_(&r, " calls, ");
	put_u(&r, run.bytes);
	puts_(&r, " bytes");
	next_field(&r);
	next_field(&r);
	put_u(&r, run.bytes);
	next_field(&r);
	puts_(&r, "calls=");
	put_u(&r, run.calls);
	puts_(&r, " polls=");
	put_u(&r, run.polls);
	puts_(&r, " bytes=");
	put_u(&r, run.bytes);
	puts_(&r, " last=");
	put_time(&r, &run.last);
	rec_end(&r);
	run.calls = run.polls = 0;
	run.bytes = 0;
	run.call = NULL;
}

/* Another call is being recorded: the run, if any, is over. */
static void run_end(void)
{
	run_flush();
	run.fd = -1;
	run.full = 0;
}

/* Would a transfer on FD in direction DIR starting at T be absorbed? */
static bool run_absorbs(int fd, char dir, const struct timespec *t)
{
	return run.fd == fd && run.dir == dir && run.full >= RUN_FULL
	       && ns_between(&run.last_end, t) < RUN_GAP_NS;
}

/* Count an absorbed transfer (or, BYTES == 0 and CALL NULL, a poll). */
static void run_absorb(const char *call, const struct timespec *t0,
                       const struct timespec *t1, size_t bytes)
{
	if (run.calls == 0 && run.polls == 0) {
		run.first = *t0;
		run.flushed = *t0;
	}
	if (call) {
		if (run.call == NULL)
			run.call = call;
		run.calls++;
		run.bytes += bytes;
	} else {
		run.polls++;
	}
	run.last = *t1;
	run.last_end = *t1;
	if (ns_between(&run.flushed, t1) >= RUN_FLUSH_NS)
		run_flush();
}

/* A transfer recorded in full: does it start or continue a run? */
static void run_note_full(int fd, char dir, int stream, ssize_t n,
                          const struct timespec *t1)
{
	if (!stream || n <= 0) {
		run.fd = -1;
		run.full = 0;
		return;
	}
	if (run.fd != fd || run.dir != dir) {
		run.fd = fd;
		run.dir = dir;
		run.full = 0;
	}
	run.full++;
	run.last_end = *t1;
}

/* ---- records -------------------------------------------------------------- */

static bool tracing(void)
{
	if (!inited)
		init();
	return trace_path != NULL && !ip_busy;
}

/* Start a record of an ordinary (non-transfer) event: ends any run. */
static void rec_event(struct rec *r, const struct timespec *ts,
                      const char *event, const char *call, int fd)
{
	if (run.fd >= 0 || run.calls || run.polls)
		run_end();
	rec_start(r, ts, event, call, fd);
}

/* Start a record of a call on FD in direction DIR ('r', 'w'; 0: neither):
 * a run on that fd and direction goes on (its absorbed calls are written
 * first, to keep the file in order); any other run ends. */
static void rec_keep(struct rec *r, const struct timespec *ts,
                     const char *event, const char *call, int fd, char dir)
{
	if (dir && run.fd == fd && run.dir == dir)
		run_flush();
	else if (run.fd >= 0 || run.calls || run.polls)
		run_end();
	rec_start(r, ts, event, call, fd);
}

/* The usual tail: ADDR (if any), RESULT. INFO stays open. */
static void rec_addr_result(struct rec *r, const struct sockaddr *sa,
                           socklen_t len, long long ret, int err)
{
	next_field(r);
	if (sa)
		put_addr(r, sa, len);
	next_field(r);
	put_result(r, ret, err);
	next_field(r);
}

/* ---- the process ---------------------------------------------------------- */

static void record_exit(int status, void *arg)
{
	struct rec r;
	struct timespec t = now();

	(void)arg;
	if (trace_path == NULL || ip_busy)
		return;
	ip_busy++;
	rec_event(&r, &t, "exit", "-", -1);
	next_field(&r);
	next_field(&r);
	put_i(&r, status);
	rec_end(&r);
	if (trace_fd >= 0) {
		IP_NEXT(close)(trace_fd);   /* valgrind --track-fds: not ours */
		trace_fd = -1;
	}
	ip_busy--;
}

#ifndef __GLIBC__
static void record_exit_unknown(void)
{
	record_exit(-1, NULL);
}
#endif

static void after_fork_child(void)
{
	pid_t parent = my_pid;
	struct timespec t = now();
	struct rec r;
	int saved = errno;

	my_pid = getpid();
	run.fd = -1;            /* the parent's run is the parent's */
	run.full = 0;
	run.calls = run.polls = 0;
	run.bytes = 0;
	if (trace_path == NULL || ip_busy)
		return;
	ip_busy++;
	rec_start(&r, &t, "fork", "-", -1);
	next_field(&r);
	next_field(&r);
	next_field(&r);
	puts_(&r, "parent=");
	put_u(&r, (unsigned long long)parent);
	rec_end(&r);
	ip_busy--;
	errno = saved;
}

static void init(void)
{
	const char *p;

	int saved = errno;

	if (inited)
		return;
	inited = true;
	p = getenv("SOCKTRACE");
	my_pid = getpid();
	if (p && *p) {
		trace_path = strdup(p);   /* the environment may change */
		pthread_atfork(NULL, NULL, after_fork_child);
	}
	errno = saved;
}

/* Constructor: the `exec` record.  glibc passes (argc, argv, envp). */
__attribute__((constructor)) static void record_start(int argc, char **argv)
{
	struct rec r;
	struct timespec t = now();

	init();
	if (trace_path == NULL)
		return;
	ip_busy++;
#ifdef __GLIBC__
	on_exit(record_exit, NULL);     /* gives the exit status */
#else
	atexit(record_exit_unknown);
#endif
	rec_start(&r, &t, "exec", "-", -1);
#ifdef __GLIBC__
	for (int i = 0; argv && i < argc && argv[i]; i++) {
		if (i)
			putc_(&r, ' ');
		put_escs(&r, argv[i]);
	}
#else
	(void)argc;         /* only glibc passes them to a constructor */
	(void)argv;
	put_escs(&r, program_invocation_short_name);
#endif
	rec_end(&r);
	ip_busy--;
}

/* ---- creating sockets -------------------------------------------------------- */

int socket(int domain, int type, int protocol)
{
	struct timespec t = now();
	int fd = IP_NEXT(socket)(domain, type, protocol), err = errno;
	struct rec r;

	if (fd >= 0)
		ip_fd_set(fd, type & 0xf);
	if (!tracing())
		return fd;
	ip_busy++;
	rec_event(&r, &t, "call", "socket", fd);
	put_domain_type(&r, domain, type, protocol);
	rec_addr_result(&r, NULL, 0, fd, err);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return fd;
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	struct timespec t = now();
	int rc = IP_NEXT(socketpair)(domain, type, protocol, sv), err = errno;
	struct rec r;

	if (rc == 0) {
		ip_fd_set(sv[0], type & 0xf);
		ip_fd_set(sv[1], type & 0xf);
	}
	if (!tracing())
		return rc;
	ip_busy++;
	rec_event(&r, &t, "call", "socketpair", rc == 0 ? sv[0] : -1);
	put_domain_type(&r, domain, type, protocol);
	rec_addr_result(&r, NULL, 0, rc, err);
	if (rc == 0) {
		puts_(&r, "fds=");
		put_i(&r, sv[0]);
		putc_(&r, ',');
		put_i(&r, sv[1]);
	}
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

/* ---- naming and connecting ----------------------------------------------------- */

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct timespec t = now();
	int rc = IP_NEXT(bind)(fd, addr, len), err = errno;
	struct rec r;

	if (!tracing())
		return rc;
	ip_busy++;
	rec_event(&r, &t, "call", "bind", fd);
	puts_(&r, "len=");
	put_u(&r, len);
	rec_addr_result(&r, addr, len, rc, err);
	if (rc == 0)
		put_sockaddr_of(&r, "local", fd, false);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

int listen(int fd, int backlog)
{
	struct timespec t = now();
	int rc = IP_NEXT(listen)(fd, backlog), err = errno;
	struct rec r;

	if (!tracing())
		return rc;
	ip_busy++;
	rec_event(&r, &t, "call", "listen", fd);
	put_i(&r, backlog);
	rec_addr_result(&r, NULL, 0, rc, err);
	put_sockaddr_of(&r, "local", fd, false);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

/* Facts about a socket just connected or accepted. */
static void put_connection(struct rec *r, int fd)
{
	put_sockaddr_of(r, "local", fd, false);
	put_sockaddr_of(r, "peer", fd, true);
	if (sock_domain(fd) == AF_UNIX)
		put_peerpid(r, fd);
}

static int do_accept(const char *name, int fd, struct sockaddr *addr,
                     socklen_t *len, int flags, bool four)
{
	struct timespec t0, t1;
	struct rec r;
	int nfd, err;
	socklen_t inlen = len ? *len : 0;

	if (!tracing())
		return four ? IP_NEXT(accept4)(fd, addr, len, flags)
		            : IP_NEXT(accept)(fd, addr, len);
	ip_busy++;
	t0 = now();
	rec_event(&r, &t0, "begin", name, fd);
	if (addr)
		puts_(&r, "addrlen=");
	if (addr)
		put_u(&r, inlen);
	else
		puts_(&r, "NULL");
	if (four) {
		puts_(&r, ", ");
		put_flags(&r, type_flag_names, (unsigned)flags);
	}
	next_field(&r);
	next_field(&r);
	putc_(&r, '?');
	rec_end(&r);
	ip_busy--;

	nfd = four ? IP_NEXT(accept4)(fd, addr, len, flags)
	           : IP_NEXT(accept)(fd, addr, len);
	err = errno;

	if (nfd >= 0)
		ip_fd_set(nfd, ip_sock_type(fd) > 0 ? ip_sock_type(fd) : SOCK_STREAM);
	ip_busy++;
	t1 = now();
	rec_event(&r, &t1, "end", name, fd);
	if (addr)
		puts_(&r, "addrlen=");
	if (addr)
		put_u(&r, inlen);
	else
		puts_(&r, "NULL");
	if (four) {
		puts_(&r, ", ");
		put_flags(&r, type_flag_names, (unsigned)flags);
	}
	next_field(&r);
	if (nfd >= 0 && addr && len)
		put_addr(&r, addr, *len < inlen ? *len : inlen);
	next_field(&r);
	put_result(&r, nfd, err);
	next_field(&r);
	if (nfd >= 0)
		put_connection(&r, nfd);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return nfd;
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
	struct timespec t0, t1;
	struct rec r;
	int rc, err;

	if (!tracing())
		return IP_NEXT(connect)(fd, addr, len);
	ip_busy++;
	t0 = now();
	rec_event(&r, &t0, "begin", "connect", fd);
	puts_(&r, "len=");
	put_u(&r, len);
	next_field(&r);
	put_addr(&r, addr, len);
	next_field(&r);
	putc_(&r, '?');
	rec_end(&r);
	ip_busy--;

	rc = IP_NEXT(connect)(fd, addr, len);
	err = errno;

	ip_busy++;
	t1 = now();
	rec_event(&r, &t1, "end", "connect", fd);
	puts_(&r, "len=");
	put_u(&r, len);
	rec_addr_result(&r, addr, len, rc, err);
	if (rc == 0 || err == EINPROGRESS)
		put_connection(&r, fd);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

int shutdown(int fd, int how)
{
	struct timespec t = now();
	int rc = IP_NEXT(shutdown)(fd, how), err = errno;
	struct rec r;

	if (!tracing())
		return rc;
	ip_busy++;
	rec_event(&r, &t, "call", "shutdown", fd);
	put_name(&r, shut_names, how);
	rec_addr_result(&r, NULL, 0, rc, err);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct timespec t = now();
	int rc = IP_NEXT(setsockopt)(fd, level, name, val, len), err = errno;
	const struct name *names = NULL;
	struct rec r;

	if (!tracing())
		return rc;
	ip_busy++;
	rec_event(&r, &t, "call", "setsockopt", fd);
	put_name(&r, level_names, level);
	puts_(&r, ", ");
	switch (level) {
	case SOL_SOCKET:   names = so_names; break;
	case IPPROTO_IP:   names = ip_names; break;
	case IPPROTO_IPV6: names = ipv6_names; break;
	case IPPROTO_TCP:  names = tcp_names; break;
	}
	if (names)
		put_name(&r, names, name);
	else
		put_i(&r, name);
	puts_(&r, ", ");
	if (val == NULL) {
		puts_(&r, "NULL");
	} else if (len == sizeof(int)) {
		put_i(&r, *(const int *)val);
	} else if (level == SOL_SOCKET && len == sizeof(struct timeval)
	           && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		const struct timeval *tv = val;

		put_i(&r, tv->tv_sec * 1000LL + tv->tv_usec / 1000);
		puts_(&r, "ms");
	} else if (level == SOL_SOCKET && name == SO_LINGER
	           && len == sizeof(struct linger)) {
		const struct linger *l = val;

		puts_(&r, "{onoff=");
		put_i(&r, l->l_onoff);
		puts_(&r, ", linger=");
		put_i(&r, l->l_linger);
		putc_(&r, '}');
	} else {
		puts_(&r, "len=");
		put_u(&r, len);
	}
	rec_addr_result(&r, NULL, 0, rc, err);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

static int do_getname(const char *call, int fd, struct sockaddr *addr,
                      socklen_t *len, bool peer)
{
	socklen_t inlen = len ? *len : 0;
	struct timespec t = now();
	int rc = peer ? IP_NEXT(getpeername)(fd, addr, len)
	              : IP_NEXT(getsockname)(fd, addr, len);
	int err = errno;
	struct rec r;

	if (!tracing())
		return rc;
	ip_busy++;
	rec_event(&r, &t, "call", call, fd);
	puts_(&r, "addrlen=");
	put_u(&r, inlen);
	rec_addr_result(&r, rc == 0 ? addr : NULL,
	                rc == 0 ? (*len < inlen ? *len : inlen) : 0, rc, err);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return do_getname("getsockname", fd, addr, len, false);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return do_getname("getpeername", fd, addr, len, true);
}

/* ---- sending --------------------------------------------------------------- */

/* Record a finished send-side call.  IOV/CNT or BUF give the data. */
static void record_send(const char *call, int fd, int type,
                        const struct timespec *t0, const struct timespec *t1,
                        size_t len, int flags, bool has_flags,
                        const struct sockaddr *to, socklen_t tolen,
                        const void *buf, const struct iovec *iov, size_t cnt,
                        ssize_t n, int err)
{
	bool stream = type == SOCK_STREAM;
	struct rec r;

	if (stream && n > 0 && run_absorbs(fd, 'w', t0)) {
		run_absorb(call, t0, t1, (size_t)n);
		return;
	}
	rec_keep(&r, t0, "call", call, fd, 'w');
	if (iov) {
		puts_(&r, "iovlen=");
		put_u(&r, cnt);
		puts_(&r, ", ");
	}
	puts_(&r, "len=");
	put_u(&r, len);
	if (has_flags) {
		puts_(&r, ", ");
		put_flags(&r, msg_names, (unsigned)flags);
	}
	rec_addr_result(&r, to, tolen, n, err);
	if (n > 0) {
		if (iov)
			put_data_iov(&r, iov, cnt, (size_t)n);
		else
			put_data(&r, buf, (size_t)n);
	}
	if (!stream) {
		put_sockaddr_of(&r, "local", fd, false);
		put_sockaddr_of(&r, "peer", fd, true);
	}
	rec_end(&r);
	run_note_full(fd, 'w', stream, n, t1);
}

static ssize_t do_write(int fd, const void *buf, size_t len)
{
	struct timespec t0, t1;
	ssize_t n;
	int type, err;

	if (!tracing() || (type = ip_sock_type(fd)) <= 0)
		return IP_NEXT(write)(fd, buf, len);
	t0 = now();
	n = IP_NEXT(write)(fd, buf, len);
	err = errno;
	ip_busy++;
	t1 = now();
	record_send("write", fd, type, &t0, &t1, len, 0, false, NULL, 0, buf,
	            NULL, 0, n, err);
	ip_busy--;
	errno = err;
	return n;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	return do_write(fd, buf, len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	struct timespec t0, t1;
	ssize_t n;
	int err;

	if (!tracing())
		return IP_NEXT(send)(fd, buf, len, flags);
	t0 = now();
	n = IP_NEXT(send)(fd, buf, len, flags);
	err = errno;
	ip_busy++;
	t1 = now();
	record_send("send", fd, ip_sock_type(fd), &t0, &t1, len, flags, true,
	            NULL, 0, buf, NULL, 0, n, err);
	ip_busy--;
	errno = err;
	return n;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tolen)
{
	struct timespec t0, t1;
	ssize_t n;
	int err;

	if (!tracing())
		return IP_NEXT(sendto)(fd, buf, len, flags, to, tolen);
	t0 = now();
	n = IP_NEXT(sendto)(fd, buf, len, flags, to, tolen);
	err = errno;
	ip_busy++;
	t1 = now();
	record_send("sendto", fd, ip_sock_type(fd), &t0, &t1, len, flags, true,
	            to, tolen, buf, NULL, 0, n, err);
	ip_busy--;
	errno = err;
	return n;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct timespec t0, t1;
	size_t len = 0;
	ssize_t n;
	int err;

	if (!tracing())
		return IP_NEXT(sendmsg)(fd, msg, flags);
	t0 = now();
	n = IP_NEXT(sendmsg)(fd, msg, flags);
	err = errno;
	ip_busy++;
	t1 = now();
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		len += msg->msg_iov[i].iov_len;
	record_send("sendmsg", fd, ip_sock_type(fd), &t0, &t1, len, flags,
	            true, msg->msg_name, msg->msg_namelen, NULL, msg->msg_iov,
	            msg->msg_iovlen, n, err);
	ip_busy--;
	errno = err;
	return n;
}

/* ---- receiving ------------------------------------------------------------- */

/* One receive-side call, whatever its flavour. */
struct rcall {
	const char *name;
	int fd, type, flags;
	bool has_flags;
	void *buf;               /* or msg */
	size_t len;
	struct sockaddr *from;   /* the caller's, or NULL */
	socklen_t *fromlen;
	struct msghdr *msg;      /* recvmsg */
};

/* The real call.  EXTRA is or-ed into the flags (MSG_DONTWAIT for a try).
 * A datagram's source is asked for even when the caller does not want it
 * (in ADDR/ALEN), since the drawing needs it. */
static ssize_t rcall_do(struct rcall *c, int extra, struct sockaddr *addr,
                        socklen_t *alen)
{
	if (c->msg) {
		struct msghdr *m = c->msg;
		socklen_t namelen = m->msg_namelen;
		ssize_t n;

		if (m->msg_name != NULL || c->type == SOCK_STREAM || !addr)
			return IP_NEXT(recvmsg)(c->fd, m, c->flags | extra);
		/* lend the caller's header our address buffer, then give it
		 * back as it was */
		m->msg_name = addr;
		m->msg_namelen = *alen;
		n = IP_NEXT(recvmsg)(c->fd, m, c->flags | extra);
		*alen = m->msg_namelen;
		m->msg_name = NULL;
		m->msg_namelen = namelen;
		return n;
	}
	if (c->from)
		return IP_NEXT(recvfrom)(c->fd, c->buf, c->len, c->flags | extra,
		                         c->from, c->fromlen);
	if (c->type != SOCK_STREAM && addr)
		return IP_NEXT(recvfrom)(c->fd, c->buf, c->len, c->flags | extra,
		                         addr, alen);
	if (!c->has_flags && extra == 0)
		return IP_NEXT(read)(c->fd, c->buf, c->len);
	return IP_NEXT(recv)(c->fd, c->buf, c->len, c->flags | extra);
}

static void rcall_args(struct rec *r, const struct rcall *c)
{
	if (c->msg) {
		puts_(r, "iovlen=");
		put_u(r, c->msg->msg_iovlen);
		puts_(r, ", ");
	}
	puts_(r, "len=");
	put_u(r, c->len);
	if (c->has_flags) {
		puts_(r, ", ");
		put_flags(r, msg_names, (unsigned)c->flags);
	}
}

static void rcall_begin(const struct rcall *c, const struct timespec *t0)
{
	struct rec r;

	rec_keep(&r, t0, "begin", c->name, c->fd, 'r');
	rcall_args(&r, c);
	next_field(&r);
	next_field(&r);
	putc_(&r, '?');
	rec_end(&r);
}

static void rcall_end(const struct rcall *c, const struct timespec *t1,
                      ssize_t n, int err, const struct sockaddr *src,
                      socklen_t srclen)
{
	bool stream = c->type == SOCK_STREAM;
	struct rec r;

	rec_keep(&r, t1, "end", c->name, c->fd, 'r');
	rcall_args(&r, c);
	rec_addr_result(&r, n >= 0 ? src : NULL, srclen, n, err);
	if (n > 0) {
		if (c->msg)
			put_data_iov(&r, c->msg->msg_iov, c->msg->msg_iovlen,
			             (size_t)n);
		else
			put_data(&r, c->buf, (size_t)n);
	}
	if (!stream && n >= 0) {
		put_sockaddr_of(&r, "local", c->fd, false);
		put_sockaddr_of(&r, "peer", c->fd, true);
	}
	if (c->msg && n >= 0 && c->msg->msg_flags) {
		if (r.n > r.field_start)
			putc_(&r, ' ');
		puts_(&r, "msg_flags=");
		put_flags(&r, msg_names, (unsigned)c->msg->msg_flags);
	}
	rec_end(&r);
	run_note_full(c->fd, 'r', stream, n, t1);
}

static ssize_t do_receive(struct rcall *c)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	const struct sockaddr *src = NULL;
	socklen_t srclen = 0;
	struct timespec t0, t1;
	ssize_t n;
	int err;

	t0 = now();
	if (c->type == SOCK_STREAM && run_absorbs(c->fd, 'r', &t0)) {
		/* In a run: try without waiting.  Data there: count it. */
		n = rcall_do(c, MSG_DONTWAIT, NULL, NULL);
		err = errno;
		t1 = now();
		if (n > 0) {
			run_absorb(c->name, &t0, &t1, (size_t)n);
			errno = err;
			return n;
		}
		if (n == 0 || (err != EAGAIN && err != EWOULDBLOCK)
		    || (c->flags & MSG_DONTWAIT)) {
			/* End of file, an error, or the caller's own try:
			 * that was the real call. */
			ip_busy++;
			rcall_begin(c, &t0);
			rcall_end(c, &t1, n, err, NULL, 0);
			ip_busy--;
			errno = err;
			return n;
		}
		/* It would wait: say so before waiting. */
	}
	ip_busy++;
	rcall_begin(c, &t0);
	ip_busy--;

	n = rcall_do(c, 0, (struct sockaddr *)&ss, &sslen);
	err = errno;

	ip_busy++;
	t1 = now();
	if (n >= 0) {
		if (c->msg && c->msg->msg_name) {
			src = c->msg->msg_name;
			srclen = c->msg->msg_namelen;
		} else if (c->from && c->fromlen) {
			src = c->from;
			srclen = *c->fromlen;
		} else if (c->type != SOCK_STREAM) {
			src = (struct sockaddr *)&ss;
			srclen = sslen;
		}
		if (srclen > sizeof ss)
			srclen = sizeof ss;
		if (srclen < sizeof(sa_family_t))
			src = NULL;     /* a stream's recvfrom says nothing */
	}
	rcall_end(c, &t1, n, err, src, srclen);
	ip_busy--;
	errno = err;
	return n;
}

static ssize_t do_read(int fd, void *buf, size_t len)
{
	struct rcall c = { .name = "read", .fd = fd, .buf = buf, .len = len };

	if (!tracing() || (c.type = ip_sock_type(fd)) <= 0)
		return IP_NEXT(read)(fd, buf, len);
	return do_receive(&c);
}

ssize_t read(int fd, void *buf, size_t len)
{
	return do_read(fd, buf, len);
}

static ssize_t do_recv(int fd, void *buf, size_t len, int flags)
{
	struct rcall c = { .name = "recv", .fd = fd, .buf = buf, .len = len,
	                   .flags = flags, .has_flags = true };

	if (!tracing())
		return IP_NEXT(recv)(fd, buf, len, flags);
	c.type = ip_sock_type(fd);
	return do_receive(&c);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return do_recv(fd, buf, len, flags);
}

static ssize_t do_recvfrom(int fd, void *buf, size_t len, int flags,
                           struct sockaddr *from, socklen_t *fromlen)
{
	struct rcall c = { .name = "recvfrom", .fd = fd, .buf = buf,
	                   .len = len, .flags = flags, .has_flags = true,
	                   .from = from, .fromlen = fromlen };

	if (!tracing())
		return IP_NEXT(recvfrom)(fd, buf, len, flags, from, fromlen);
	if (from == NULL || fromlen == NULL)
		c.from = NULL;
	c.type = ip_sock_type(fd);
	return do_receive(&c);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
                 struct sockaddr *from, socklen_t *fromlen)
{
	return do_recvfrom(fd, buf, len, flags, from, fromlen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct rcall c = { .name = "recvmsg", .fd = fd, .flags = flags,
	                   .has_flags = true, .msg = msg };

	if (!tracing())
		return IP_NEXT(recvmsg)(fd, msg, flags);
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		c.len += msg->msg_iov[i].iov_len;
	c.type = ip_sock_type(fd);
	return do_receive(&c);
}

/* ---- poll ------------------------------------------------------------------ */

/* The first socket among FDS, or -1: a poll with none is not recorded. */
static int first_socket(const struct pollfd *fds, nfds_t nfds)
{
	for (nfds_t i = 0; i < nfds; i++)
		if (ip_sock_type(fds[i].fd) > 0)
			return fds[i].fd;
	return -1;
}

/* A poll of one fd for input or output belongs to a run on that fd. */
static char poll_dir(const struct pollfd *fds, nfds_t nfds)
{
	if (nfds != 1)
		return 0;
	return (fds[0].events & POLLIN) ? 'r'
	       : (fds[0].events & POLLOUT) ? 'w' : 0;
}

static void put_pollfds(struct rec *r, const struct pollfd *fds, nfds_t nfds,
                        bool revents)
{
	bool any = false;

	for (nfds_t i = 0; i < nfds; i++) {
		short ev = revents ? fds[i].revents : fds[i].events;

		if (revents && ev == 0)
			continue;
		if (any)
			putc_(r, ',');
		put_i(r, fds[i].fd);
		putc_(r, ':');
		put_flags(r, poll_names, (unsigned short)ev);
		any = true;
	}
}

static void put_timeout(struct rec *r, int ms, const struct timespec *ts,
                        bool is_ppoll)
{
	if (is_ppoll) {
		if (ts == NULL) {
			puts_(r, "NULL");
			return;
		}
		put_i(r, ts->tv_sec * 1000LL + ts->tv_nsec / 1000000);
		puts_(r, "ms");
		return;
	}
	put_i(r, ms);
}

static void poll_begin(const char *call, int sock, struct pollfd *fds,
                       nfds_t nfds, int ms, const struct timespec *ts,
                       bool is_ppoll, const sigset_t *mask,
                       const struct timespec *t0)
{
	struct rec r;

	rec_keep(&r, t0, "begin", call, sock, poll_dir(fds, nfds));
	putc_(&r, '[');
	put_pollfds(&r, fds, nfds, false);
	puts_(&r, "], ");
	put_u(&r, nfds);
	puts_(&r, ", ");
	put_timeout(&r, ms, ts, is_ppoll);
	if (is_ppoll)
		puts_(&r, mask ? ", sigmask" : ", NULL");
	next_field(&r);
	next_field(&r);
	putc_(&r, '?');
	next_field(&r);
	puts_(&r, "fds=");
	put_pollfds(&r, fds, nfds, false);
	rec_end(&r);
}

static void poll_end(const char *call, int sock, struct pollfd *fds,
                     nfds_t nfds, int ms, const struct timespec *ts,
                     bool is_ppoll, const sigset_t *mask,
                     const struct timespec *t1, int rc, int err)
{
	struct rec r;

	rec_keep(&r, t1, "end", call, sock, poll_dir(fds, nfds));
	putc_(&r, '[');
	put_pollfds(&r, fds, nfds, false);
	puts_(&r, "], ");
	put_u(&r, nfds);
	puts_(&r, ", ");
	put_timeout(&r, ms, ts, is_ppoll);
	if (is_ppoll)
		puts_(&r, mask ? ", sigmask" : ", NULL");
	rec_addr_result(&r, NULL, 0, rc, err);
	if (rc > 0) {
		puts_(&r, "revents=");
		put_pollfds(&r, fds, nfds, true);
	}
	rec_end(&r);
}

/* poll and ppoll.  TS == NULL with IS_PPOLL: no limit; MS < 0 likewise. */
static int do_poll_any(const char *call, struct pollfd *fds, nfds_t nfds,
                       int ms, const struct timespec *ts,
                       const sigset_t *mask, bool is_ppoll)
{
	struct timespec t0, t1;
	int sock, rc, err;
	bool staged = false;
	long long limit_ns;  /* the caller's limit, -1: none */

#define REAL_POLL(tmo_ms, tmo_ts) \
	(is_ppoll ? IP_NEXT(ppoll)(fds, nfds, (tmo_ts), mask) \
	          : IP_NEXT(poll)(fds, nfds, (tmo_ms)))

	if (!tracing() || (sock = first_socket(fds, nfds)) < 0)
		return REAL_POLL(ms, ts);
	limit_ns = is_ppoll ? (ts ? ts->tv_sec * 1000000000LL + ts->tv_nsec : -1)
	                    : (ms < 0 ? -1 : ms * 1000000LL);
	t0 = now();

	/* In a run on this one fd: wait up to STAGE_MS unseen. */
	if (poll_dir(fds, nfds) && ip_sock_type(sock) == SOCK_STREAM
	    && (limit_ns < 0 || limit_ns > STAGE_MS * 1000000LL)
	    && run_absorbs(sock, poll_dir(fds, nfds), &t0)) {
		struct timespec stage = { 0, STAGE_MS * 1000000L };

		rc = REAL_POLL(STAGE_MS, &stage);
		err = errno;
		t1 = now();
		if (rc > 0 && !(fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))) {
			run_absorb(NULL, &t0, &t1, 0);
			errno = err;
			return rc;
		}
		if (rc != 0) {
			/* An error or a hangup: record the call whole. */
			ip_busy++;
			poll_begin(call, sock, fds, nfds, ms, ts, is_ppoll, mask, &t0);
			poll_end(call, sock, fds, nfds, ms, ts, is_ppoll, mask, &t1,
			         rc, err);
			ip_busy--;
			errno = err;
			return rc;
		}
		staged = true;   /* it waits: say so, then wait the rest */
	}

	ip_busy++;
	poll_begin(call, sock, fds, nfds, ms, ts, is_ppoll, mask, &t0);
	ip_busy--;
	if (staged) {
		long long left = limit_ns < 0 ? -1
		                 : limit_ns - ns_between(&t0, &t1);
		struct timespec rest;

		if (left < 0 && limit_ns >= 0)
			left = 0;
		rest.tv_sec = left < 0 ? 0 : left / 1000000000LL;
		rest.tv_nsec = left < 0 ? 0 : left % 1000000000LL;
		rc = REAL_POLL(left < 0 ? -1 : (int)((left + 999999) / 1000000),
		               left < 0 ? NULL : &rest);
	} else {
		rc = REAL_POLL(ms, ts);
	}
	err = errno;
	ip_busy++;
	t1 = now();
	poll_end(call, sock, fds, nfds, ms, ts, is_ppoll, mask, &t1, rc, err);
	ip_busy--;
	errno = err;
	return rc;
#undef REAL_POLL
}

static int do_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return do_poll_any("poll", fds, nfds, timeout, NULL, NULL, false);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return do_poll(fds, nfds, timeout);
}

static int do_ppoll(struct pollfd *fds, nfds_t nfds,
                    const struct timespec *tmo, const sigset_t *mask)
{
	return do_poll_any("ppoll", fds, nfds, -1, tmo, mask, true);
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
          const sigset_t *mask)
{
	return do_ppoll(fds, nfds, tmo, mask);
}

IP_FORTIFY_WRAPPERS(do_read, do_recv, do_recvfrom, do_poll, do_ppoll)

/* ---- closing, and keeping the fd cache right ------------------------------ */

int close(int fd)
{
	int type, rc, err;
	struct timespec t;
	struct rec r;

	if (fd >= 0 && fd == trace_fd) {
		errno = EBADF;      /* ours: the program never opened it */
		return -1;
	}
	type = tracing() ? ip_sock_type(fd) : 0;
	if (type > 0)
		t = now();
	ip_fd_forget(fd);
	rc = IP_NEXT(close)(fd);
	err = errno;
	if (type <= 0 || !tracing())
		return rc;
	ip_busy++;
	rec_event(&r, &t, "call", "close", fd);
	rec_addr_result(&r, NULL, 0, rc, err);
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

int dup(int fd)
{
	int nfd = IP_NEXT(dup)(fd);

	if (nfd >= 0)
		ip_fd_forget(nfd);
	return nfd;
}

/* A program that puts its own file on the record file's number gets it:
 * the recorder reopens the record file elsewhere. */
static void losing_fd(int fd)
{
	ip_fd_forget(fd);
	if (fd == trace_fd && fd >= 0)
		trace_fd = -1;
}

int dup2(int fd, int fd2)
{
	int rc;

	if (fd2 == trace_fd && fd2 >= 0 && fd != fd2)
		losing_fd(fd2);
	rc = IP_NEXT(dup2)(fd, fd2);
	if (rc >= 0)
		ip_fd_forget(fd2);
	return rc;
}

int dup3(int fd, int fd2, int flags)
{
	int rc;

	if (fd2 == trace_fd && fd2 >= 0 && fd != fd2)
		losing_fd(fd2);
	rc = IP_NEXT(dup3)(fd, fd2, flags);
	if (rc >= 0)
		ip_fd_forget(fd2);
	return rc;
}

int close_range(unsigned first, unsigned last, int flags)
{
	__typeof__(close_range) *next = IP_NEXT(close_range);

	if (next == NULL) {
		errno = ENOSYS;
		return -1;
	}
	ip_fd_forget_range(first, last);
	if (trace_fd >= 0 && (unsigned)trace_fd >= first
	    && (unsigned)trace_fd <= last)
		trace_fd = -1;  /* closed with the rest: reopened when needed */
	return next(first, last, flags);
}

void closefrom(int lowfd)
{
	__typeof__(closefrom) *next = IP_NEXT(closefrom);

	ip_fd_forget_range(lowfd < 0 ? 0 : (unsigned)lowfd, IP_FD_CACHE);
	if (trace_fd >= 0 && trace_fd >= lowfd)
		trace_fd = -1;
	if (next)
		next(lowfd);
}

int fclose(FILE *f)
{
	int fd = fileno(f);

	if (fd >= 0)
		ip_fd_forget(fd);   /* libc closes it without calling close() */
	return IP_NEXT(fclose)(f);
}

/* ---- getaddrinfo ------------------------------------------------------------ */

/* The lists getaddrinfo returned and not yet freed, numbered. */
#define LISTS 16
static struct { const struct addrinfo *p; unsigned id; } lists[LISTS];
static unsigned list_count;
static pthread_mutex_t lists_lock = PTHREAD_MUTEX_INITIALIZER;

static void put_str_arg(struct rec *r, const char *s)
{
	if (s == NULL) {
		puts_(r, "NULL");
		return;
	}
	putc_(r, '"');
	put_escs(r, s);
	putc_(r, '"');
}

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
	struct timespec t0;
	unsigned id = 0;
	struct rec r;
	int rc, err;

	if (!tracing())
		return IP_NEXT(getaddrinfo)(node, service, hints, res);
	t0 = now();
	ip_busy++;          /* the resolver's own sockets are not the program's */
	rc = IP_NEXT(getaddrinfo)(node, service, hints, res);
	err = errno;
	if (rc == 0) {
		pthread_mutex_lock(&lists_lock);
		id = ++list_count;
		for (int i = 0; i < LISTS; i++)
			if (lists[i].p == NULL) {
				lists[i].p = *res;
				lists[i].id = id;
				break;
			}
		pthread_mutex_unlock(&lists_lock);
	}
	rec_event(&r, &t0, "call", "getaddrinfo", -1);
	put_str_arg(&r, node);
	puts_(&r, ", ");
	put_str_arg(&r, service);
	puts_(&r, ", ");
	if (hints == NULL) {
		puts_(&r, "NULL");
	} else {
		puts_(&r, "{");
		put_name(&r, af_names, hints->ai_family);
		puts_(&r, ", ");
		if (hints->ai_socktype)
			put_name(&r, type_names, hints->ai_socktype);
		else
			putc_(&r, '0');
		puts_(&r, ", ");
		if (hints->ai_protocol)
			put_name(&r, proto_names, hints->ai_protocol);
		else
			putc_(&r, '0');
		puts_(&r, ", ");
		put_flags(&r, ai_names, (unsigned)hints->ai_flags);
		puts_(&r, "}");
	}
	next_field(&r);
	if (rc == 0 && *res)
		put_addr(&r, (*res)->ai_addr, (*res)->ai_addrlen);
	next_field(&r);
	if (rc == 0)
		putc_(&r, '0');
	else
		put_name(&r, eai_names, rc);
	if (rc == EAI_SYSTEM) {
		putc_(&r, ' ');
		put_name(&r, errno_names, err);
	}
	next_field(&r);
	if (rc == 0) {
		puts_(&r, "list=");
		put_u(&r, id);
		puts_(&r, " addrs=");
		for (struct addrinfo *a = *res; a; a = a->ai_next) {
			if (a != *res)
				putc_(&r, ',');
			put_addr(&r, a->ai_addr, a->ai_addrlen);
		}
	}
	rec_end(&r);
	ip_busy--;
	errno = err;
	return rc;
}

void freeaddrinfo(struct addrinfo *list)
{
	struct timespec t;
	unsigned id = 0;
	struct rec r;
	int saved = errno;

	if (!tracing()) {
		IP_NEXT(freeaddrinfo)(list);
		return;
	}
	pthread_mutex_lock(&lists_lock);
	for (int i = 0; i < LISTS; i++)
		if (lists[i].p == list && list) {
			id = lists[i].id;
			lists[i].p = NULL;
			break;
		}
	pthread_mutex_unlock(&lists_lock);
	ip_busy++;
	t = now();
	rec_event(&r, &t, "call", "freeaddrinfo", -1);
	if (list)
		puts_(&r, "list");
	else
		puts_(&r, "NULL");
	next_field(&r);
	next_field(&r);
	next_field(&r);
	if (id) {
		puts_(&r, "list=");
		put_u(&r, id);
	}
	rec_end(&r);
	ip_busy--;
	errno = saved;
	IP_NEXT(freeaddrinfo)(list);
	errno = saved;
}
