/*
 * 04-ipv6.c - the grader of lab 04, the uppercase line service over
 * TCP/IPv6 and its protocol-independent client (SPEC §4).  The test plays
 * the other side with its own sockets: a broken client never fails a
 * server test, and vice versa.
 *
 * Where ::1 is unusable (some graders' containers), the tests that need
 * it SKIP; the line-service tests then run the server dual-stack, at the
 * IPv4-mapped loopback (-a ::ffff:127.0.0.1), and talk to it over IPv4,
 * so they still grade the lab.
 *
 * The client's tests that need a name with several addresses, or need to
 * see how the client called getaddrinfo(), preload tests/preload-gai.c.
 * The white-box test of connect_by_name() sees the same through this
 * file's own getaddrinfo() and freeaddrinfo(), which the lab's code
 * linked into the grader calls instead of libc's.
 */
#define _GNU_SOURCE     /* memmem, accept4, strcasestr */
#include "harness.h"
#include "robust.h"
#include "ipv6_lines.h"
#include "trace.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- time and the machine ------------------------------------------------- */

/* Can this machine bind ::1?  Some containers have IPv6 sockets and
 * dual stack, but no IPv6 loopback address (EADDRNOTAVAIL). */
static bool ipv6_loopback_usable(const char **why)
{
	static int usable = -1;
	static char reason[160];

	if (usable < 0) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6,
		                          .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

		usable = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
		snprintf(reason, sizeof reason, "this machine has no usable IPv6 "
		         "loopback: binding [::1]:0 failed (%s)", strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	if (why)
		*why = reason;
	return usable;
}

/* A kernel without IPv6 at all (booted with ipv6.disable=1) cannot run
 * this lab: every test that needs an AF_INET6 socket SKIPs there. */
static void need_ipv6_sockets(void)
{
	static char reason[160];
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return;
	}
	snprintf(reason, sizeof reason, "this machine has no IPv6 at all: "
	         "socket(AF_INET6) failed (%s)", strerror(errno));
	skip(reason);
}

static void need_ipv6_loopback(void)
{
	const char *why;

	if (!ipv6_loopback_usable(&why))
		skip(why);
}

/* "ASAN_OPTIONS=...": what the grader's environment says, plus leave to
 * run with a library preloaded before the sanitizer's runtime.  Harmless without the sanitizers; with them
 * (SANITIZE=1), a preloaded shim would otherwise stop the program:
 * "ASan runtime does not come first in initial library list". */
static const char *asan_preload_env(void)
{
	static char env[512];
	const char *now = getenv("ASAN_OPTIONS");

	snprintf(env, sizeof env, "ASAN_OPTIONS=%s%sverify_asan_link_order=0",
	         now ? now : "", now && *now ? ":" : "");
	return env;
}

/* Extra environment for a program run with the short-write shim. */
static const char *const *shim_env(void)
{
	static const char *env[2];

	env[0] = asan_preload_env();
	return env;
}

/* ---- the test's own sockets --------------------------------------------------- */

/* IP (either family) and PORT as a socket address. */
static socklen_t make_sa(const char *ip, uint16_t port,
                         struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (strchr(ip, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		ck_assert(inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1);
		return sizeof *s6;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	ck_assert(inet_pton(AF_INET, ip, &s4->sin_addr) == 1);
	return sizeof *s4;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	ck_assert(getsockname(fd, (struct sockaddr *)&ss, &len) == 0);
	return ntohs(ss.ss_family == AF_INET6
	             ? ((struct sockaddr_in6 *)&ss)->sin6_port
	             : ((struct sockaddr_in *)&ss)->sin_port);
}

/* A port free for a dual-stack server ([::] covers IPv4 too) whose two
 * bytes differ, so that a missing htons() shows.  (The harness's
 * free_port(AF_INET6) binds ::1, which some graders lack.) */
static uint16_t free_dual_port(void)
{
	need_ipv6_sockets();
	for (int tries = 0; tries < 50; tries++) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
		int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), off = 0;
		uint16_t port = 0;

		ck_assert(fd >= 0);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
			port = local_port(fd);
		close(fd);
		if (port != 0 && (port >> 8) != (port & 0xff))
			return port;
	}
	ck_abort_msg("test: no free port for [::]");
	return 0;
}

/* A non-blocking TCP connection to IP:PORT (RCVBUF > 0: that receive
 * buffer size).  The fd, or -1 with errno (ECONNREFUSED, ETIMEDOUT). */
static int tcp_connect(const char *ip, uint16_t port, int rcvbuf)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(ip, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1, err = 0;
	socklen_t elen = sizeof err;

	ck_assert(fd >= 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return fd;
	if (errno == EINPROGRESS) {
		if (!wait_io(fd, true, ms(2000)))
			err = ETIMEDOUT;
		else
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	} else {
		err = errno;
	}
	if (err == 0)
		return fd;
	close(fd);
	errno = err;
	return -1;
}

/* A socket of the test's own bound to IP:PORT (0: any), listening if
 * LISTENING; only bound, any connection to it is refused.  -1 if the
 * address is taken. */
static int bound_socket(const char *ip, uint16_t port, bool listening)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(ip, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert(fd >= 0);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0
	    || (listening && listen(fd, 8) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read from FD until it holds COUNT newlines, EOF, or the deadline. */
static char *read_lines(int fd, unsigned count, int timeout_ms, size_t *len,
                        bool *eof)
{
	long long deadline = now_ms() + timeout_ms;
	size_t size = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	unsigned seen = 0;

	*eof = false;
	while (seen < count && wait_io(fd, false, left_ms(deadline))) {
		ssize_t n;

		if (size == cap)
			buf = realloc(buf, (cap *= 2) + 1);
		n = read(fd, buf + size, cap - size);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			*eof = true;
			break;
		}
		for (ssize_t i = 0; i < n; i++)
			seen += buf[size + (size_t)i] == '\n';
		size += (size_t)n;
	}
	buf[size] = '\0';
	*len = size;
	return buf;
}

static char *upper_copy(const char *s, size_t len)
{
	char *u = malloc(len + 1);

	for (size_t i = 0; i < len; i++)
		u[i] = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 'a' + 'A') : s[i];
	u[len] = '\0';
	return u;
}

/* The answers the service gives to DATA: each line uppercased, a last
 * line without '\n' given one. */
static char *answers_for(const char *data, size_t len, size_t *alen)
{
	char *u = upper_copy(data, len);

	*alen = len;
	if (len > 0 && data[len - 1] != '\n') {
		u = realloc(u, len + 2);
		u[len] = '\n';
		u[len + 1] = '\0';
		*alen = len + 1;
	}
	return u;
}

/* Fail unless GOT is WANT, naming where they part. */
static void expect_same(struct proc *p, const char *what, const char *got,
                        size_t glen, const char *want, size_t wlen,
                        const char *hint)
{
	size_t i = 0;

	if (glen == wlen && memcmp(got, want, wlen) == 0)
		return;
	while (i < glen && i < wlen && got[i] == want[i])
		i++;
	{
		size_t from = i > 20 ? i - 20 : 0;
		char *g = quote(got + from, glen - from, 60);
		char *w = quote(want + from, wlen - from, 60);

		fail(p, "expected %s of %zu bytes; got %zu bytes, which differ "
		     "from byte %zu on: expected %s%s, got %s%s%s%s", what, wlen,
		     glen, i, from ? "..." : "", w, from ? "..." : "",
		     glen ? g : "nothing", hint ? " " : "", hint ? hint : "");
	}
}

/* ---- the server under test ---------------------------------------------------- */

struct server {
	struct proc *p;
	const char *ip;         /* where its clients connect: ::1 or 127.0.0.1 */
	uint16_t port;
};

/* Start the server with up to 8 arguments (ARGS, NULL-ended) and wait
 * for its ready line. */
static struct proc *start(const struct run_opts *o, const char *const args[])
{
	const char *a[9] = { 0 };

	need_ipv6_sockets();
	for (int i = 0; i < 8 && args[i] != NULL; i++)
		a[i] = args[i];
	struct proc *p = run("server", o, a[0], a[1], a[2], a[3], a[4], a[5],
	                     a[6], a[7], NULL);
	wait_ready(p);
	return p;
}

/* The port of the ready line "listening on [ADDRESS]:PORT", which must
 * start with PREFIX. */
static uint16_t ready_port(struct proc *p, const char *prefix)
{
	const char *a = p->ready_addr, *end = strstr(a, "]:");
	unsigned long port;

	if (a[0] != '[' || end == NULL
	    || parse_number(end + 2, 1, 65535, &port) < 0)
		fail(p, "expected the ready line \"listening on [ADDRESS]:PORT\", "
		     "the address in brackets and the real port; got "
		     "\"listening on %s\"", a);
	if (prefix != NULL && strncmp(a, prefix, strlen(prefix)) != 0)
		fail(p, "expected the server to listen on %sPORT; it says "
		     "\"listening on %s\"", prefix, a);
	return (uint16_t)port;
}

/* The line service on the loopback, ready: at its default address ::1
 * where this machine has one, else at -a ::ffff:127.0.0.1 (an IPv6
 * socket for IPv4 loopback clients).
 * IDLE: the -i value, or NULL for the default. */
static struct server start_lines(const struct run_opts *o, const char *idle)
{
	struct server s;
	const char *args[8] = { "-p", "0" };
	int n = 2;

	if (idle != NULL) {
		args[n++] = "-i";
		args[n++] = idle;
	}
	if (ipv6_loopback_usable(NULL)) {
		s.ip = "::1";
	} else {
		/* The IPv4 loopback's mapped form: dual stack, loopback only. */
		args[n++] = "-a";
		args[n++] = "::ffff:127.0.0.1";
		s.ip = "127.0.0.1";
	}
	s.p = start(o, args);
	s.port = ready_port(s.p, NULL);
	return s;
}

/* For a message about a failed connection: "" if the server still runs,
 * else how it ended (a server that dies resets its clients). */
static const char *server_fate(struct server *s, int wait_ms)
{
	static char text[160];

	if (!wait_exit(s->p, wait_ms))
		return "";
	snprintf(text, sizeof text, "; the server %s%s",
	         describe_status(s->p->status),
	         WIFSIGNALED(s->p->status) && WTERMSIG(s->p->status) == SIGPIPE
	         ? " (a send to a client that has gone: MSG_NOSIGNAL)" : "");
	return text;
}

static int connect_server(struct server *s, int rcvbuf)
{
	int fd = tcp_connect(s->ip, s->port, rcvbuf);

	if (fd < 0) {
		int err = errno;

		fail(s->p, "expected the server to accept a connection at %s port "
		     "%u; connect() said: %s%s", s->ip, s->port, strerror(err),
		     server_fate(s, ms(500)));
	}
	step("connected to the server at %s port %u from port %u", s->ip,
	     s->port, local_port(fd));
	return fd;
}

/* Be a good client on FD: send DATA while reading the answers, half-close
 * once all is sent, and read until the server closes.  Returns what the
 * server sent. */
static char *converse(struct server *s, int fd, const char *data, size_t len,
                      size_t *rlen)
{
	long long deadline = now_ms() + ms(5000);
	size_t sent = 0, size = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	bool shut = false;

	step("sending %zu bytes (%s), then shutdown(SHUT_WR), reading the "
	     "answers until the server closes", len, quote(data, len, 40));
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (!shut && sent == len) {
			shutdown(fd, SHUT_WR);
			shut = true;
		}
		if (!shut)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, left_ms(deadline)) <= 0) {
			char *q = quote(buf, size, 60);

			fail(s->p, "expected the server to %s; after %d ms it had "
			     "taken %zu of %zu bytes and answered %s%s", shut
			     ? "answer every line and close once the client "
			       "half-closed" : "read all the client sends",
			     ms(5000), sent, len, size ? q : "nothing",
			     server_fate(s, 0));
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			if (size == cap)
				buf = realloc(buf, (cap *= 2) + 1);
			n = read(fd, buf + size, cap - size);
			if (n == 0)
				break;
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				int err = errno;

				fail(s->p, "expected the server to answer and close "
				     "normally; the connection failed: %s (after "
				     "%zu of %zu bytes sent, %zu answered)%s",
				     strerror(err), sent, len, size,
				     server_fate(s, ms(500)));
			}
			if (n > 0)
				size += (size_t)n;
		}
		if (!shut && (pfd.revents & POLLOUT)) {
			n = send(fd, data + sent, len - sent,
			         MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
		}
	}
	buf[size] = '\0';
	*rlen = size;
	return buf;
}

/* Send DATA as a client of S, expect its answers, and the server to
 * close after the client's half-close. */
static void exchange(struct server *s, const char *data, size_t len,
                     const char *hint)
{
	int fd = connect_server(s, 0);
	size_t rlen, alen;
	char *reply = converse(s, fd, data, len, &rlen);
	char *want = answers_for(data, len, &alen);

	close(fd);
	expect_same(s->p, "the answers (each line uppercased, a newline after "
	            "each)", reply, rlen, want, alen, hint);
	free(reply);
	free(want);
}

/* The log line "client [ADDRESS]:PORT TEXT" for the client on FD. */
static void expect_client_log(struct server *s, const char *addr,
                              uint16_t port, const char *text)
{
	char line[200];

	snprintf(line, sizeof line, "client [%s]:%u %s", addr, port, text);
	if (!wait_stderr_line(s->p, line, ms(2000)))
		fail(s->p, "expected the server to log \"%s\" (the client's "
		     "address from accept(), shown with inet_ntop() and "
		     "ntohs())", line);
}

/* ---- white-box: the listening socket ---------------------------------------- */

static int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof v;

	getsockopt(fd, level, name, &v, &len);
	return v;
}

static int listen_or_fail(const struct in6_addr *addr, bool v6only,
                          const char *text)
{
	int fd;

	need_ipv6_sockets();
	step("called ipv6_listen(%s, 0, %s)", text, v6only ? "true" : "false");
	fd = ipv6_listen(addr, 0, v6only);
	if (fd < 0)
		fail(NULL, "expected ipv6_listen(%s, 0, %s) to return a listening "
		     "socket; it returned -1 (%s)", text, v6only ? "true" : "false",
		     strerror(errno));
	return fd;
}

START_TEST(listener_is_ipv6_stream)
{
	int fd = listen_or_fail(&in6addr_any, false, "::");
	struct sockaddr_in6 got;
	socklen_t len = sizeof got;
	char text[INET6_ADDRSTRLEN] = "?";

	if (sockopt(fd, SOL_SOCKET, SO_DOMAIN) != AF_INET6
	    || sockopt(fd, SOL_SOCKET, SO_TYPE) != SOCK_STREAM)
		fail(NULL, "expected an AF_INET6 (%d) SOCK_STREAM (%d) socket; got "
		     "domain %d, type %d (the arguments of socket(2); a socket "
		     "from getaddrinfo(NULL, AI_PASSIVE) is often AF_INET)",
		     AF_INET6, SOCK_STREAM, sockopt(fd, SOL_SOCKET, SO_DOMAIN),
		     sockopt(fd, SOL_SOCKET, SO_TYPE));
	if (sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN) != 1)
		fail(NULL, "expected the socket to be listening (SO_ACCEPTCONN 1); "
		     "it is not: was listen(2) called?");
	memset(&got, 0, sizeof got);
	getsockname(fd, (struct sockaddr *)&got, &len);
	inet_ntop(AF_INET6, &got.sin6_addr, text, sizeof text);
	if (got.sin6_family != AF_INET6
	    || !IN6_IS_ADDR_UNSPECIFIED(&got.sin6_addr) || got.sin6_port == 0)
		fail(NULL, "expected the socket bound to [::] and a port the kernel "
		     "chose; getsockname() says family %d, address %s, port %u",
		     got.sin6_family, text, ntohs(got.sin6_port));
	if (sockopt(fd, SOL_SOCKET, SO_REUSEPORT) > 0)
		fail(NULL, "expected SO_REUSEPORT off: with it a second server can "
		     "bind the same port and steal half the clients (SO_REUSEADDR "
		     "is the option that lets a restarted server bind)");
	close(fd);

	if (ipv6_loopback_usable(NULL)) {
		fd = listen_or_fail(&in6addr_loopback, false, "::1");
		len = sizeof got;
		getsockname(fd, (struct sockaddr *)&got, &len);
		inet_ntop(AF_INET6, &got.sin6_addr, text, sizeof text);
		if (!IN6_IS_ADDR_LOOPBACK(&got.sin6_addr))
			fail(NULL, "expected the socket bound to the address asked "
			     "for, ::1; getsockname() says %s", text);
		close(fd);
	}
}
END_TEST

START_TEST(v6only_set_before_bind)
{
	int only = listen_or_fail(&in6addr_any, true, "::");
	int dual, fd;
	uint16_t port;

	if (sockopt(only, IPPROTO_IPV6, IPV6_V6ONLY) != 1)
		fail(NULL, "expected IPV6_V6ONLY 1 on the socket of ipv6_listen(::, "
		     "0, true); getsockopt says %d.  Set it with setsockopt() "
		     "before bind(): afterwards it fails with EINVAL",
		     sockopt(only, IPPROTO_IPV6, IPV6_V6ONLY));
	port = local_port(only);
	fd = tcp_connect("127.0.0.1", port, 0);
	if (fd >= 0)
		fail(NULL, "expected an IPv6-only socket ([::]:%u, V6ONLY) to "
		     "refuse an IPv4 client; 127.0.0.1 connected", port);
	close(only);

	dual = listen_or_fail(&in6addr_any, false, "::");
	if (sockopt(dual, IPPROTO_IPV6, IPV6_V6ONLY) != 0)
		fail(NULL, "expected IPV6_V6ONLY 0 on the socket of ipv6_listen(::, "
		     "0, false): set it to 0 yourself, the system default may be "
		     "1 (/proc/sys/net/ipv6/bindv6only)");
	port = local_port(dual);
	fd = tcp_connect("127.0.0.1", port, 0);
	if (fd < 0)
		fail(NULL, "expected a dual-stack socket ([::]:%u) to take an IPv4 "
		     "client; connecting from 127.0.0.1 said: %s", port,
		     strerror(errno));
	close(fd);
	close(dual);
}
END_TEST

START_TEST(address_text_round_trip)
{
	static const struct { const char *text; bool ok; } cases[] = {
		{ "::1", true }, { "::", true }, { "::ffff:127.0.0.1", true },
		{ "2001:db8::17", true }, { "127.0.0.1", false },
		{ "[::1]", false }, { "::1::2", false }, { "", false },
		{ "localhost", false }, { "::1 ", false },
	};
	static const struct { const char *ip; uint16_t port; const char *want; }
	texts[] = {
		{ "::ffff:127.0.0.1", 41234, "[::ffff:127.0.0.1]:41234" },
		{ "::1", 50004, "[::1]:50004" },
		{ "2001:db8::17", 258, "[2001:db8::17]:258" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct in6_addr a, want;
		int r;

		memset(&a, 0x5a, sizeof a);
		step("called parse_ipv6(\"%s\")", cases[i].text);
		r = parse_ipv6(cases[i].text, &a);
		if (cases[i].ok && r != 0)
			fail(NULL, "expected parse_ipv6(\"%s\") to accept an IPv6 "
			     "address; it returned %d", cases[i].text, r);
		if (!cases[i].ok && r != -1)
			fail(NULL, "expected parse_ipv6(\"%s\") to return -1: not an "
			     "IPv6 address (inet_pton(3) returns 0, not -1, for "
			     "such text); it returned %d", cases[i].text, r);
		if (cases[i].ok) {
			inet_pton(AF_INET6, cases[i].text, &want);
			if (memcmp(&a, &want, sizeof a) != 0)
				fail(NULL, "expected parse_ipv6(\"%s\") to store that "
				     "address; it stored something else",
				     cases[i].text);
		}
	}
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct sockaddr_in6 sa;
		char buf[ADDR_STRLEN];
		const char *got;

		memset(&sa, 0, sizeof sa);
		sa.sin6_family = AF_INET6;
		sa.sin6_port = htons(texts[i].port);
		inet_pton(AF_INET6, texts[i].ip, &sa.sin6_addr);
		memset(buf, 0, sizeof buf);
		step("called ipv6_text() on %s port %u", texts[i].ip, texts[i].port);
		got = ipv6_text(&sa, buf);
		if (got == NULL || strcmp(got, texts[i].want) != 0)
			fail(NULL, "expected ipv6_text() to give \"%s\"; got \"%.80s\" "
			     "(inet_ntop(AF_INET6, ...), brackets, port with ntohs())",
			     texts[i].want, got ? got : "(null)");
	}
}
END_TEST

/* Fill the stack the next call will use with BYTE: a local variable the
 * code under test forgets to initialise then holds BYTE, not whatever
 * happened to be there. */
__attribute__((noinline)) static void paint_stack(unsigned char byte)
{
	volatile unsigned char area[32768];

	for (size_t i = 0; i < sizeof area; i++)
		area[i] = byte;
}

START_TEST(accept_client_fills_peer_address)
{
	struct sockaddr_in6 own = { .sin6_family = AF_INET6 }, peer;
	struct in6_addr mapped;
	char text[INET6_ADDRSTRLEN] = "?";
	int off = 0, lfd, cfd, fd;
	uint16_t cport;

	need_ipv6_sockets();
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped);
	/* The test's own listener, so that only accept_client() is tested:
	 * an IPv6 socket bound to the mapped form of 127.0.0.1, which takes
	 * IPv4 loopback clients only. */
	lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	own.sin6_addr = mapped;
	ck_assert(bind(lfd, (struct sockaddr *)&own, sizeof own) == 0
	          && listen(lfd, 8) == 0);
	cfd = tcp_connect("127.0.0.1", local_port(lfd), 0);
	ck_assert(cfd >= 0);
	cport = local_port(cfd);
	step("a client connected from 127.0.0.1:%u to the test's listener "
	     "[::ffff:127.0.0.1]:%u; calling accept_client() on it", cport,
	     local_port(lfd));
	memset(&peer, 0x5a, sizeof peer);
	paint_stack(0);
	fd = accept_client(lfd, &peer);
	if (fd < 0)
		fail(NULL, "expected accept_client() to return the connected socket; "
		     "it returned -1 (%s)", strerror(errno));
	inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text);
	if (peer.sin6_family != AF_INET6 || ntohs(peer.sin6_port) != cport
	    || memcmp(&peer.sin6_addr, &mapped, sizeof mapped) != 0)
		fail(NULL, "expected accept_client() to store the client's address, "
		     "family AF_INET6 (%d), [::ffff:127.0.0.1]:%u, in *PEER; it "
		     "stored family %d, [%s]:%u.  The length passed to accept() "
		     "must be set to sizeof *PEER (28 bytes) first: uninitialised "
		     "or sizeof(struct sockaddr_in), the address comes back cut",
		     AF_INET6, cport, peer.sin6_family, text, ntohs(peer.sin6_port));
	close(fd);
	close(cfd);
	close(lfd);
}
END_TEST

/* ---- white-box: the client's resolver calls ---------------------------------- */

/* The lab's connect.c, linked into this grader, calls these rather than
 * libc's (an executable's own definition wins): they note what it asked
 * and what it freed, and pass the call on to libc (dlsym RTLD_NEXT). */
static struct {
	int calls;
	struct addrinfo hints;  /* a copy of what the last call was given */
	bool had_hints;
	struct addrinfo *list;  /* what it returned */
	bool list_freed;
} gai_seen;

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
	static int (*real)(const char *, const char *, const struct addrinfo *,
	                   struct addrinfo **);
	int rc;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo");
	rc = real(node, service, hints, res);
	gai_seen.calls++;
	gai_seen.had_hints = hints != NULL;
	if (hints != NULL)
		gai_seen.hints = *hints;
	gai_seen.list = rc == 0 ? *res : NULL;
	gai_seen.list_freed = false;
	return rc;
}

void freeaddrinfo(struct addrinfo *list)
{
	static void (*real)(struct addrinfo *);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "freeaddrinfo");
	if (list != NULL && list == gai_seen.list)
		gai_seen.list_freed = true;
	real(list);
}

START_TEST(connect_by_name_zeroes_hints_and_frees)
{
	int lfd = bound_socket("127.0.0.1", 0, true), fd, gai_error = -1;
	char port_text[8], connected[ADDR_STRLEN] = "", want[40];
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	const struct addrinfo *h = &gai_seen.hints;

	snprintf(port_text, sizeof port_text, "%u", local_port(lfd));
	snprintf(want, sizeof want, "127.0.0.1:%s", port_text);
	step("called connect_by_name(\"127.0.0.1\", \"%s\", ...) with the stack "
	     "it will use filled with 0xa5 bytes", port_text);
	paint_stack(0xa5);
	fd = connect_by_name("127.0.0.1", port_text, connected, &gai_error);
	if (gai_seen.calls == 0)
		fail(NULL, "expected connect_by_name() to resolve its HOST and PORT "
		     "with getaddrinfo(3); it never called it");
	if (!gai_seen.had_hints || h->ai_family != AF_UNSPEC
	    || h->ai_socktype != SOCK_STREAM)
		fail(NULL, "expected hints with ai_family AF_UNSPEC (0) and "
		     "ai_socktype SOCK_STREAM (%d); got %s family %d, socktype %d",
		     SOCK_STREAM, gai_seen.had_hints ? "" : "no hints:",
		     h->ai_family, h->ai_socktype);
	if (h->ai_addrlen != 0 || h->ai_addr != NULL || h->ai_canonname != NULL
	    || h->ai_next != NULL)
		fail(NULL, "expected zeroed hints: with the stack full of 0xa5 bytes, "
		     "getaddrinfo() got ai_flags 0x%x, ai_addrlen %u, ai_addr %p, "
		     "ai_canonname %p, ai_next %p.  memset() the hints to 0 before "
		     "setting the fields you need", (unsigned)h->ai_flags,
		     (unsigned)h->ai_addrlen, (void *)h->ai_addr,
		     (void *)h->ai_canonname, (void *)h->ai_next);
	if (fd < 0)
		fail(NULL, "expected connect_by_name() to connect to the test's "
		     "listener at %s; it returned -1 (gai_error %d, %s)", want,
		     gai_error, strerror(errno));
	if (gai_seen.list != NULL && !gai_seen.list_freed)
		fail(NULL, "expected connect_by_name() to free getaddrinfo's list "
		     "with freeaddrinfo(3) before returning; it did not (a leak "
		     "on every call)");
	if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0
	    || peer.sin_family != AF_INET || ntohs(peer.sin_port) != local_port(lfd))
		fail(NULL, "expected the returned socket connected to %s; it is not "
		     "(getpeername: %s)", want, strerror(errno));
	if (strcmp(connected, want) != 0)
		fail(NULL, "expected CONNECTED to read \"%s\"; got \"%.60s\" "
		     "(format_addr() of the address that connected)", want,
		     connected);
	close(fd);
	close(lfd);
}
END_TEST

/* Has the server let go of FD (EOF or reset)?  Waits up to TIMEOUT_MS. */
static bool dropped(int fd, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	char buf[4096];

	while (wait_io(fd, false, left_ms(deadline))) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return true;
	}
	return false;
}

/* ---- the server: addresses ---------------------------------------------------- */

START_TEST(default_is_ipv6_loopback)
{
	const char *const args[] = { "-p", "0", NULL };
	struct server s;
	uint16_t cport;
	int fd;

	need_ipv6_loopback();
	s.p = start(NULL, args);
	s.ip = "::1";
	s.port = ready_port(s.p, "[::1]:");
	fd = connect_server(&s, 0);
	cport = local_port(fd);
	close(fd);
	expect_client_log(&s, "::1", cport, "connected");
	fd = tcp_connect("127.0.0.1", s.port, 0);
	if (fd >= 0)
		fail(s.p, "expected the server, with no -a, to listen on ::1 only "
		     "(loopback, IPv6); an IPv4 client at 127.0.0.1:%u connected",
		     s.port);
	exchange(&s, "default address\n", 16, NULL);
}
END_TEST

START_TEST(dual_stack_takes_ipv4_clients)
{
	char port_text[8], want[40];
	uint16_t port = free_dual_port();
	const char *const args[] = { "-a", "::", "-p", port_text, NULL };
	const char *v6only = "IPPROTO_IPV6, IPV6_V6ONLY, ";
	struct run_opts o = { .trace = true };
	struct server s;
	struct trace *t;
	uint16_t cport;
	size_t rlen;
	char *reply;
	int fd, lis, bnd, sock, opt = -1;

	snprintf(port_text, sizeof port_text, "%u", port);
	s.p = start(&o, args);
	snprintf(want, sizeof want, "[::]:%u", port);
	if (strcmp(s.p->ready_addr, want) != 0)
		fail(s.p, "expected \"listening on %s\" for -a :: -p %u; got "
		     "\"listening on %s\" (-a parsed with inet_pton(), the port "
		     "with htons(), the ready line from getsockname())", want, port,
		     s.p->ready_addr);
	s.ip = "127.0.0.1";
	s.port = port;
	fd = tcp_connect("127.0.0.1", port, 0);
	if (fd < 0)
		fail(s.p, "expected a server on [::] without -6 to take IPv4 clients "
		     "too (dual stack: IPV6_V6ONLY 0); connecting to 127.0.0.1:%u "
		     "said: %s", port, strerror(errno));
	cport = local_port(fd);
	step("connected from 127.0.0.1:%u to 127.0.0.1:%u", cport, port);
	reply = converse(&s, fd, "from ipv4\n", 10, &rlen);
	close(fd);
	expect_same(s.p, "the answer to an IPv4 client", reply, rlen,
	            "FROM IPV4\n", 10, NULL);
	expect_client_log(&s, "::ffff:127.0.0.1", cport, "connected");

	/* This machine's default may be dual stack; another's is not
	 * (net.ipv6.bindv6only = 1): only the record shows whether the
	 * server said IPV6_V6ONLY 0 itself. */
	t = trace_of(s.p);
	step("stopped the server; read its record: %d calls", t->n);
	lis = trace_find(t, 0, "listen", -1);
	while (lis >= 0 && !trace_ok(t, lis))
		lis = trace_find(t, lis + 1, "listen", -1);
	if (lis < 0)
		fail(s.p, "expected the recorder to see the server's listen(); it "
		     "saw none succeed\n%s", trace_excerpt(t, -1, 10));
	sock = t->calls[lis].fd;
	/* the bind() of the listening socket, and that socket's own calls
	 * since socket() returned its fd */
	for (bnd = lis; bnd >= 0 && !(trace_is(t, bnd, "bind")
	                              && t->calls[bnd].fd == sock); bnd--)
		;
	for (int i = bnd - 1; i >= 0 && !(trace_is(t, i, "socket")
	                                  && t->calls[i].fd == sock); i--)
		if (opt < 0 && trace_is(t, i, "setsockopt")
		    && t->calls[i].fd == sock
		    && strncmp(t->calls[i].args, v6only, strlen(v6only)) == 0)
			opt = i;
	if (bnd < 0)
		bnd = lis;
	if (opt < 0)
		fail(s.p, "expected the server, started without -6, to set "
		     "IPV6_V6ONLY to 0 itself, with setsockopt() before bind(); "
		     "the recorder saw no setsockopt(%d, IPPROTO_IPV6, IPV6_V6ONLY, "
		     "...) before %s.  Left alone, the option has the system's "
		     "default (/proc/sys/net/ipv6/bindv6only): 0 here, 1 on some "
		     "machines, where this server would refuse every IPv4 "
		     "client\n%s", sock, trace_text(t, bnd),
		     trace_excerpt(t, bnd, 10));
	if (strcmp(t->calls[opt].args + strlen(v6only), "0") != 0
	    || !trace_ok(t, opt))
		fail(s.p, "expected setsockopt(%d, IPPROTO_IPV6, IPV6_V6ONLY, 0) "
		     "to succeed before bind(), the server started without -6; "
		     "got %s\n%s", sock, trace_text(t, opt),
		     trace_excerpt(t, opt, 10));
}
END_TEST

START_TEST(v6only_refuses_ipv4_clients)
{
	const char *const args[] = { "-a", "::", "-6", "-p", "0", NULL };
	struct server s;
	int fd;

	s.p = start(NULL, args);
	s.port = ready_port(s.p, "[::]:");
	fd = tcp_connect("127.0.0.1", s.port, 0);
	if (fd >= 0)
		fail(s.p, "expected -6 (IPV6_V6ONLY 1) to refuse IPv4 clients; one "
		     "connected to 127.0.0.1:%u", s.port);
	step("an IPv4 client was refused, as it should be");
	if (ipv6_loopback_usable(NULL)) {
		s.ip = "::1";
		exchange(&s, "ipv6 only\n", 10, NULL);
	}
}
END_TEST

START_TEST(second_server_on_port_fails)
{
	struct server s = start_lines(NULL, NULL);
	char port_text[8];
	const char *const args[] = { "-p", port_text, "-a",
	                             strcmp(s.ip, "::1") == 0 ? "::1" : "::ffff:127.0.0.1",
	                             NULL };
	struct proc *second;
	uint16_t cport;
	char *err;
	int fd;

	snprintf(port_text, sizeof port_text, "%u", s.port);
	second = run("server", NULL, args[0], args[1], args[2], args[3], NULL);
	expect_exit(second, 1, ms(3000), "the port is taken: bind() fails with "
	            "EADDRINUSE (SO_REUSEPORT would let two servers share it)");
	err = proc_stderr(second, NULL);
	if (strstr(err, "in use") == NULL)
		fail(second, "expected the error \"Address already in use\" from the "
		     "second server; it said something else");
	free(err);
	exchange(&s, "still served\n", 13, NULL);

	/* Stopped while a client is connected, the server closes that
	 * connection first: its end lingers in TIME_WAIT for a minute,
	 * holding the port, and only SO_REUSEADDR lets a new server bind
	 * it meanwhile.  (A client with nothing unread, so that the close
	 * is a FIN, not a reset, which leaves no TIME_WAIT.) */
	fd = connect_server(&s, 0);
	cport = local_port(fd);
	expect_client_log(&s, args[3], cport, "connected");
	stop(s.p, ms(2000));    /* how it exits is stop_signals_exit_0's */
	step("stopped the first server while this client is connected: it %s",
	     describe_status(s.p->status));
	if (!dropped(fd, ms(1000)))
		fail(s.p, "expected the first server's exit to close its client's "
		     "connection; no end of file within %d ms", ms(1000));
	close(fd);
	step("the client read end of file and closed: the server's end of the "
	     "connection, closed first, waits in TIME_WAIT");
	second = run("server", NULL, args[0], args[1], args[2], args[3], NULL);
	step("started a new server on the same port at once");
	if (!wait_stderr_line(second, "listening on ", ms(3000))) {
		if (running(second))
			fail(second, "expected the new server on port %s to print "
			     "\"listening on ADDRESS\"; nothing within %d ms",
			     port_text, ms(3000));
		fail(second, "expected a server started on port %s right after "
		     "the one before it was stopped to listen at once; it %s.  The "
		     "connection the old server closed keeps the port in TIME_WAIT "
		     "for a minute: setsockopt(SO_REUSEADDR, 1) before bind() lets "
		     "a restarted server bind it (a listening server still "
		     "excludes it)", port_text, describe_status(second->status));
	}
	s.p = second;
	exchange(&s, "restarted\n", 10, NULL);
}
END_TEST

/* ---- the server: lines in a stream -------------------------------------------- */

START_TEST(line_in_pieces_is_answered_once)
{
	static const char *const pieces[] = { "hel", "lo, wo", "rld\n" };
	struct server s = start_lines(NULL, NULL);
	int fd = connect_server(&s, 0);
	size_t len, rlen;
	bool eof;
	char *got;

	for (int i = 0; i < 3; i++) {
		write_fully(fd, pieces[i], strlen(pieces[i]), ms(1000));
		step("sent the piece %s", quote(pieces[i], strlen(pieces[i]), 20));
		if (i < 2 && wait_io(fd, false, ms(60))) {
			got = read_lines(fd, 1, ms(100), &len, &eof);
			fail(s.p, "expected no answer before the line is complete (it "
			     "ends at its '\\n'); the server answered %s to a piece "
			     "of a line.  One read() is not one line: keep the "
			     "unfinished part until its newline arrives",
			     len ? quote(got, len, 40) : "with end of file");
		}
	}
	got = read_lines(fd, 1, ms(2000), &len, &eof);
	expect_same(s.p, "one answer to the line \"hello, world\" sent in three "
	            "pieces", got, len, "HELLO, WORLD\n", 13, NULL);
	got = converse(&s, fd, "", 0, &rlen);
	if (rlen != 0)
		fail(s.p, "expected nothing more after the one answer; the server "
		     "also sent %s", quote(got, rlen, 40));
	close(fd);
}
END_TEST

START_TEST(many_lines_in_one_write_are_all_answered)
{
	struct server s = start_lines(NULL, NULL);
	char *data = malloc(100 * 64);
	size_t len = 0;

	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf(data + len, "line %d of a hundred, Mixed "
		                       "case%s\n", i + 1, i % 7 ? "" : " \xff\x01");
	exchange(&s, data, len, "(one read() can hold many lines: answer each)");
	if (!wait_stderr_line(s.p, "closed: 100 lines", ms(2000)))
		fail(s.p, "expected the server to log \"client ADDRESS closed: 100 "
		     "lines\" after the client's EOF");
	free(data);
}
END_TEST

START_TEST(long_line_is_answered)
{
	struct server s = start_lines(NULL, NULL);
	size_t line = 60 * 1024, len = line + 1 + 10;
	char *data = malloc(len + 1);

	for (size_t i = 0; i < line; i++)
		data[i] = i % 53 == 52 ? ' ' : (char)((i % 2 ? 'a' : 'A') + i % 26);
	memcpy(data + line, "\nand more\n", 11);
	exchange(&s, data, len, "(a 60 KiB line must fit: answered whole, once)");
	free(data);
}
END_TEST

START_TEST(last_line_without_newline_is_answered)
{
	struct server s = start_lines(NULL, NULL);

	exchange(&s, "first\nno newline at the end", 27,
	         "(at EOF, read() returns 0: answer the unfinished last line, "
	         "with a newline)");
	if (!wait_stderr_line(s.p, "closed: 2 lines", ms(2000)))
		fail(s.p, "expected the server to log \"client ADDRESS closed: 2 "
		     "lines\": the last line counts too");

	/* Longer than the server's buffer: its pieces have gone out before
	 * the EOF, the newline is still owed.  256 KiB is a multiple of
	 * every power-of-two buffer size up to itself, so the buffer is
	 * empty at EOF: nothing left in it must not mean nothing owed. */
	size_t len = 256 * 1024;
	char *data = malloc(len);

	for (size_t i = 0; i < len; i++)
		data[i] = (char)('a' + i % 26);
	exchange(&s, data, len, "(a last line longer than the buffer, whose "
	         "start went out in pieces, still gets its newline at EOF)");
	free(data);
	if (!wait_stderr_line(s.p, "closed: 1 lines", ms(2000)))
		fail(s.p, "expected the server to log \"client ADDRESS closed: 1 "
		     "lines\" for a client whose one line, 256 KiB long, had no "
		     "newline");
}
END_TEST

START_TEST(clients_served_in_a_row)
{
	struct run_opts o = { .max_fds = 16 };
	struct server s = start_lines(&o, NULL);

	step("the server may open 16 files at once; 24 clients follow");
	for (int i = 0; i < 24; i++) {
		char data[128];
		size_t len = 0, rlen, alen;
		int fd = connect_server(&s, 0);
		uint16_t cport = local_port(fd);
		char *reply, *want, count[40];

		for (int j = 0; j <= i % 4; j++)
			len += (size_t)sprintf(data + len, "client %d line %d\n", i, j);
		reply = converse(&s, fd, data, len, &rlen);
		close(fd);
		want = answers_for(data, len, &alen);
		expect_same(s.p, "the answers", reply, rlen, want, alen, NULL);
		snprintf(count, sizeof count, "closed: %d lines", i % 4 + 1);
		expect_client_log(&s, s.ip[0] == ':' ? "::1" : "::ffff:127.0.0.1",
		                  cport, count);
		free(reply);
		free(want);
	}
}
END_TEST

/* ---- the server: clients that misbehave ---------------------------------------- */

/* Idle limit for the idle tests, as the text of -i. */
#define IDLE_MS 400

static void expect_next_client_served(struct server *s, int fd)
{
	size_t len;
	bool eof;
	char *got = read_lines(fd, 1, ms(2000), &len, &eof);

	expect_same(s->p, "the second client to be served once the first was "
	            "dropped", got, len, "NEXT IN LINE\n", 13, NULL);
	close(fd);
	if (!running(s->p))
		fail(s->p, "expected the server to keep running; it %s",
		     describe_status(s->p->status));
}

START_TEST(idle_client_is_dropped)
{
	char idle[16];
	struct server s;
	int silent, next;
	long long t0, took;

	snprintf(idle, sizeof idle, "%d", ms(IDLE_MS));
	s = start_lines(NULL, idle);
	silent = connect_server(&s, 0);
	t0 = now_ms();
	step("this client sends nothing; a second one sends a line meanwhile");
	next = connect_server(&s, 0);
	write_fully(next, "next in line\n", 13, ms(1000));
	if (!dropped(silent, ms(IDLE_MS) + ms(3000)))
		fail(s.p, "expected the server to drop a client silent for %s ms "
		     "(-i %s); it kept it for %d ms, and the next client waits: "
		     "wait_fd(sock, POLLIN, idle_ms) returns 0 on timeout", idle,
		     idle, ms(IDLE_MS) + ms(3000));
	took = now_ms() - t0;
	step("the silent client was dropped after %lld ms", took);
	if (took < ms(IDLE_MS) - 50)
		fail(s.p, "expected the silent client to be kept for the -i limit of "
		     "%s ms; it was dropped after %lld ms", idle, took);
	close(silent);
	expect_next_client_served(&s, next);
}
END_TEST

START_TEST(nonreading_client_is_dropped)
{
	char idle[16], *chunk;
	size_t chunk_len = 64 * 1024, total = 0;
	struct server s;
	int hog, next;
	long long deadline;
	bool gone = false;

	snprintf(idle, sizeof idle, "%d", ms(IDLE_MS));
	s = start_lines(NULL, idle);
	hog = connect_server(&s, 4096);
	chunk = malloc(chunk_len);
	for (size_t i = 0; i < chunk_len; i++)
		chunk[i] = i % 64 == 63 ? '\n' : 'a' + (char)(i % 26);
	step("this client sends lines as fast as it can and never reads an "
	     "answer; a second client sends a line meanwhile");
	next = connect_server(&s, 0);
	write_fully(next, "next in line\n", 13, ms(1000));
	deadline = now_ms() + ms(IDLE_MS) + ms(6000);
	while (!gone && wait_io(hog, true, left_ms(deadline))) {
		ssize_t n = send(hog, chunk, chunk_len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0)
			total += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			gone = true;
	}
	if (!gone)
		fail(s.p, "expected the server to drop a client that sends and never "
		     "reads its answers, after -i %s ms; it still had it after %d ms "
		     "(%zu bytes sent).  A blocking write to such a client waits for "
		     "ever: wait_fd(sock, POLLOUT, idle_ms) first, on a non-blocking "
		     "socket", idle, ms(IDLE_MS) + ms(6000), total);
	step("the server dropped the client that never reads after it sent %zu "
	     "bytes", total);
	close(hog);
	free(chunk);
	expect_next_client_served(&s, next);
}
END_TEST

START_TEST(vanished_client_is_survived)
{
	struct server s = start_lines(NULL, NULL);
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	struct linger drain = { .l_onoff = 1, .l_linger = (ms(2000) + 999) / 1000 };
	size_t big_len = 80 * 1000, len;
	char *big = malloc(big_len), *got;
	int fd, hold;
	bool eof;

	for (size_t i = 0; i < big_len; i++)
		big[i] = i % 100 == 99 ? '\n' : 'v';
	fd = connect_server(&s, 0);
	write_fully(fd, "half a li", 9, ms(1000));
	close(fd);
	step("a client sent half a line and closed");

	fd = connect_server(&s, 0);
	write_fully(fd, "a line\nand half", 15, ms(1000));
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	close(fd);
	step("a client sent a line and a half and reset the connection");

	/* The answers meet a socket already closed and a connection the
	 * client already ended (the server is in CLOSE_WAIT): the reset they
	 * provoke makes the server's next send fail with EPIPE, which raises
	 * SIGPIPE unless the send says MSG_NOSIGNAL. */
	hold = connect_server(&s, 0);
	write_fully(hold, "hold", 4, ms(1000));
	step("a client holds the server with half a line");
	fd = connect_server(&s, 0);
	write_fully(fd, big, big_len, ms(3000));
	shutdown(fd, SHUT_WR);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &drain, sizeof drain);
	close(fd);      /* returns once the data and the FIN are delivered */
	step("meanwhile, a client queued %zu bytes of lines, half-closed and "
	     "closed without reading any answer", big_len);
	write_fully(hold, "\n", 1, ms(1000));
	shutdown(hold, SHUT_WR);
	got = read_lines(hold, 1, ms(2000), &len, &eof);
	close(hold);
	step("the holding client finished its line and got %s",
	     quote(got, len, 20));

	exchange(&s, "still there?\n", 13, NULL);
	if (!running(s.p))
		fail(s.p, "expected the server to keep running; it %s",
		     describe_status(s.p->status));
	free(big);
}
END_TEST

START_TEST(server_survives_short_writes)
{
	struct run_opts o = { .short_writes = true, .env = shim_env() };
	struct server s = start_lines(&o, NULL);
	size_t cap = 400 * 300, len = 0;
	char *data = malloc(cap);

	for (int i = 0; i < 400; i++) {
		int width = 1 + (i * 37) % 280;

		for (int j = 0; j < width; j++)
			data[len++] = (char)('a' + (i + j) % 26);
		data[len++] = '\n';
	}
	exchange(&s, data, len, "(send() may take only part: send the rest; "
	         "EINTR: try again)");
	free(data);
}
END_TEST

START_TEST(stop_signals_exit_0)
{
	struct server idle = start_lines(NULL, NULL), busy;
	int fd;

	kill(idle.p->pid, SIGTERM);
	step("sent SIGTERM to the server, which had no client");
	expect_exit(idle.p, 0, ms(2000), "SIGTERM: close and exit 0");

	busy = start_lines(NULL, NULL);
	fd = connect_server(&busy, 0);
	write_fully(fd, "half a line", 11, ms(1000));
	if (!wait_stderr_line(busy.p, "connected", ms(2000)))
		fail(busy.p, "expected the log line \"client ADDRESS connected\"");
	kill(busy.p->pid, SIGINT);
	step("sent SIGINT to the server in the middle of a client's line");
	expect_exit(busy.p, 0, ms(2000), "SIGINT during a client: exit 0");
	close(fd);
}
END_TEST

START_TEST(server_bad_arguments_exit_2)
{
	static const char *const cases[][2] = {
		{ "-a", "127.0.0.1" }, { "-a", "[::1]" }, { "-a", "::1::2" },
		{ "-a", "localhost" }, { "-p", "65536" }, { "-p", "80x" },
		{ "-i", "soon" }, { "-x", NULL }, { "extra", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proc *p = run("server", NULL, cases[i][0], cases[i][1], NULL);

		expect_usage_error(p);
	}
	/* An option without its argument, and one that does not exist. */
	expect_usage_error_naming(run("server", NULL, "-a", NULL), "-a");
	expect_usage_error_naming(run("server", NULL, "-x", NULL), "-x");
}
END_TEST

/* ---- the client ----------------------------------------------------------------- */

/* Accept the client under test, within the deadline.  BUFSIZE > 0: the
 * test's socket buffers that size, so that the test's side cannot absorb
 * what a client does wrong. */
static int accept_from(struct proc *cli, int lfd, int bufsize)
{
	int ready = wait_io_or_exit(cli, lfd, false, ms(3000)), fd, one = 1;

	if (ready < 0)
		fail(cli, "expected the client to connect to the test's server; it "
		     "%s without connecting", describe_status(cli->status));
	if (ready == 0)
		fail(cli, "expected the client to connect to the test's server; no "
		     "connection within %d ms", ms(3000));
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	ck_assert(fd >= 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (bufsize > 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
	}
	step("the test's server accepted the client");
	return fd;
}

/* A stdin file for the client holding DATA. */
static const char *input_file(const char *data, size_t len)
{
	char *path = test_path("input");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert(fd >= 0 && write(fd, data, len) == (ssize_t)len);
	close(fd);
	return path;
}

/* Play the line service for the client on FD, as the real server does:
 * answer each complete line (in pieces of PIECE bytes, 0: as they come),
 * the last unfinished one at the client's EOF, then close.  Like a real
 * server, stop reading while 256 KiB of answers wait for the client to
 * read them.  Returns what the client sent. */
static char *play_server(struct proc *cli, int fd, size_t piece, size_t *got)
{
	const size_t hold = 256 * 1024;
	long long deadline = now_ms() + ms(6000);
	size_t in_len = 0, in_cap = 65536, scanned = 0;
	size_t out_len = 0, out_off = 0, out_cap = 65536;
	char *in = malloc(in_cap + 1), *out = malloc(out_cap + 2);
	bool eof = false;

	while (!eof || out_off < out_len) {
		size_t pending = out_len - out_off;
		struct pollfd pfd = { .fd = fd };
		ssize_t n;

		if (!eof && pending < hold)
			pfd.events |= POLLIN;
		if (pending > 0)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, left_ms(deadline)) <= 0) {
			if (!eof && pending < hold)
				fail(cli, "expected the client to send stdin and then "
				     "half-close (shutdown(SHUT_WR)); the test's server "
				     "received %zu bytes and then nothing, no end of file, "
				     "for %d ms", in_len, ms(6000));
			fail(cli, "expected the client to read the answers while it "
			     "sends: %zu bytes of answers wait unread, and a real "
			     "server would stop reading now, so a client that sends "
			     "everything before it reads deadlocks", pending);
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)
		    && (pfd.events & POLLIN)) {
			if (in_cap - in_len < 65536)
				in = realloc(in, (in_cap *= 2) + 1);
			n = read(fd, in + in_len, 65536);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				fail(cli, "expected the client to half-close; the "
				     "connection failed: %s", strerror(errno));
			if (n == 0) {
				eof = true;
				step("the test's server read end of file after %zu "
				     "bytes", in_len);
			}
			if (n > 0)
				in_len += (size_t)n;
			/* answer the complete lines, and at EOF the rest */
			char *nl = memrchr(in + scanned, '\n', in_len - scanned);
			size_t upto = nl ? (size_t)(nl - in) + 1 : scanned;

			if (eof && upto < in_len)
				upto = in_len;
			if (upto > scanned) {
				size_t add = upto - scanned;
				char *u = upper_copy(in + scanned, add);

				while (out_cap - out_len < add + 1)
					out = realloc(out, (out_cap *= 2) + 2);
				memcpy(out + out_len, u, add);
				out_len += add;
				if (eof && in[upto - 1] != '\n')
					out[out_len++] = '\n';
				free(u);
				scanned = upto;
			}
		}
		if (pfd.revents & POLLOUT) {
			size_t k = pending;

			if (piece > 0 && k > piece)
				k = piece;
			n = send(fd, out + out_off, k, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				fail(cli, "expected the client to read every answer; it "
				     "closed its socket with %zu bytes of answers still to "
				     "come (%s): close() instead of shutdown(SHUT_WR)?%s",
				     pending, strerror(errno),
				     running(cli) ? "" : " (the client had exited)");
			if (n > 0)
				out_off += (size_t)n;
		}
	}
	step("the test's server answered %zu bytes and closed", out_len);
	close(fd);
	free(out);
	in[in_len] = '\0';
	*got = in_len;
	return in;
}

/* Run the client with STDIN against the test's own server on IP,
 * playing the line service; check what crossed, the client's stdout and
 * its exit status 0. */
static struct proc *client_session(const char *ip, const struct run_opts *extra,
                                   const char *host, const char *data,
                                   size_t len, size_t piece, int bufsize)
{
	uint16_t port;
	int lfd = bound_socket(ip, 0, true), fd;
	struct run_opts o = extra ? *extra : (struct run_opts){ 0 };
	char port_text[8], *got, *out, *want, line[120];
	size_t got_len, out_len, want_len;
	struct proc *cli;

	ck_assert_msg(lfd >= 0, "test: cannot listen on %s", ip);
	port = local_port(lfd);
	snprintf(port_text, sizeof port_text, "%u", port);
	o.stdin_file = input_file(data, len);
	cli = run("client", &o, host, port_text, NULL);
	fd = accept_from(cli, lfd, bufsize);
	close(lfd);
	got = play_server(cli, fd, piece, &got_len);
	expect_same(cli, "the test's server to receive stdin", got, got_len,
	            data, len, NULL);
	expect_exit(cli, 0, ms(3000), "every line was answered");
	out = proc_stdout(cli, &out_len);
	want = answers_for(data, len, &want_len);
	expect_same(cli, "the client's stdout to hold every answer", out, out_len,
	            want, want_len, "(read until the server closes)");
	snprintf(line, sizeof line, strchr(ip, ':') ? "connected to [%s]:%u"
	         : "connected to %s:%u", ip, port);
	if (!wait_stderr_line(cli, line, 0))
		fail(cli, "expected the client to log \"%s\" on stderr", line);
	free(got);
	free(out);
	free(want);
	return cli;
}

START_TEST(client_reaches_ipv4_server)
{
	client_session("127.0.0.1", NULL, "127.0.0.1", "hello\nworld\n", 12, 0, 0);
}
END_TEST

START_TEST(client_reaches_ipv6_server)
{
	need_ipv6_loopback();
	client_session("::1", NULL, "::1", "hello\nover ipv6\n", 16, 0, 0);
}
END_TEST

/* Run the client with stdin DATA against a test's server that reads it
 * all, answers ANSWER only, and closes: SENT lines, ANSWERED answers.
 * The client must not call that a success. */
static void some_lines_unanswered(const char *data, const char *answer,
                                  unsigned sent, unsigned answered,
                                  const char *hint)
{
	int lfd = bound_socket("127.0.0.1", 0, true), fd;
	struct run_opts o = { .stdin_file = input_file(data, strlen(data)) };
	char port_text[8], why[300];
	struct proc *cli;
	size_t got_len;
	bool eof;

	snprintf(port_text, sizeof port_text, "%u", local_port(lfd));
	cli = run("client", &o, "127.0.0.1", port_text, NULL);
	fd = accept_from(cli, lfd, 0);
	close(lfd);
	free(read_until_eof(fd, &got_len, &eof, ms(3000)));
	if (!eof)
		fail(cli, "expected the client to send stdin and then half-close "
		     "(shutdown(SHUT_WR)); the test's server received %zu bytes "
		     "and no end of file within %d ms", got_len, ms(3000));
	write_fully(fd, answer, strlen(answer), ms(1000));
	close(fd);
	step("stdin held %s; the test's server read it all, answered only %s "
	     "and closed", quote(data, strlen(data), 40),
	     quote(answer, strlen(answer), 40));
	snprintf(why, sizeof why, "the test's server answered %u of the %u lines and "
	         "closed: exit 0 only once every line has its answer%s", answered,
	         sent, hint);
	expect_exit(cli, 1, ms(3000), why);
}

START_TEST(client_half_closes_and_prints_every_reply)
{
	char data[4096];
	size_t len = 0;

	for (int i = 0; i < 50; i++)
		len += (size_t)sprintf(data + len, "line %d, answered in pieces\n", i);
	len += (size_t)sprintf(data + len, "and a last one without newline");
	client_session("127.0.0.1", NULL, "127.0.0.1", data, len, 7, 0);

	some_lines_unanswered("one\ntwo\nthree\n", "ONE\n", 3, 1, "; count "
	                      "the lines sent and the answers read");
	some_lines_unanswered("one\ntwo\nno newline", "ONE\nTWO\n", 3, 2,
	                      "; a last line without newline is owed an answer "
	                      "too");
}
END_TEST

START_TEST(client_handles_large_input)
{
	size_t len = 8 << 20;
	char *data = malloc(len);

	for (size_t i = 0; i < len; i++)
		data[i] = i % 100 == 99 ? '\n' : (char)('a' + i % 26);
	step("stdin: 8 MiB of lines, more than the socket buffers hold");
	client_session("127.0.0.1", NULL, "127.0.0.1", data, len, 0, 32768);
	free(data);
}
END_TEST

START_TEST(client_survives_short_writes)
{
	struct run_opts o = { .short_writes = true, .env = shim_env() };
	size_t len = 0;
	char *data = malloc(200 * 1000);

	for (int i = 0; i < 2000; i++)
		len += (size_t)sprintf(data + len, "%0*d\n", 1 + i % 90, i);
	client_session("127.0.0.1", &o, "127.0.0.1", data, len, 0, 0);
	free(data);
}
END_TEST

/* Environment for the getaddrinfo shim: HOST answers ADDRS.  LOG: the
 * shim's log file. */
static struct run_opts gai_opts(const char *host, const char *addrs,
                                const char *log)
{
	static char h[128], a[256], l[512];
	static const char *env[5];
	struct run_opts o = { .preload = grade_preload("gai"), .env = env };
	int n = 0;

	env[n++] = asan_preload_env();
	snprintf(l, sizeof l, "SOCKLAB_GAI_LOG=%s", log);
	env[n++] = l;
	if (host != NULL) {
		snprintf(h, sizeof h, "SOCKLAB_GAI_HOST=%s", host);
		snprintf(a, sizeof a, "SOCKLAB_GAI_ADDRS=%s", addrs);
		env[n++] = h;
		env[n++] = a;
	}
	env[n] = NULL;
	return o;
}

START_TEST(client_tries_every_address)
{
	const char *host = "several.socklab.test";
	bool v6 = ipv6_loopback_usable(NULL);
	int lfd = -1, taken2 = -1, taken6 = -1, fd;
	uint16_t port = 0;
	char port_text[8], addrs[64], *log = test_path("gai.log"), *out;
	struct run_opts o;
	struct proc *cli, *first;
	struct trace *t;
	size_t got_len, out_len;

	/* The port of the test's server at 127.0.0.1 must be one at which
	 * ::1 and 127.0.0.2 refuse: the test holds them, bound, unlistened. */
	for (int tries = 0; tries < 20 && taken2 < 0; tries++) {
		if (lfd >= 0)
			close(lfd);
		if (taken6 >= 0)
			close(taken6);
		taken6 = -1;
		lfd = bound_socket("127.0.0.1", 0, true);
		port = local_port(lfd);
		if (v6 && (taken6 = bound_socket("::1", port, false)) < 0)
			continue;
		taken2 = bound_socket("127.0.0.2", port, false);
	}
	ck_assert_msg(taken2 >= 0, "test: no port free on 127.0.0.1, 127.0.0.2 "
	              "and ::1 at once");
	snprintf(port_text, sizeof port_text, "%u", port);
	snprintf(addrs, sizeof addrs, "::1 127.0.0.2 127.0.0.1");
	o = gai_opts(host, addrs, log);
	o.stdin_file = input_file("third time lucky\n", 17);
	o.trace = true;
	step("the grader's getaddrinfo shim answers %s with ::1, 127.0.0.2, "
	     "127.0.0.1, in that order; only the last has a server on port %u",
	     host, port);
	cli = first = run("client", &o, host, port_text, NULL);
	fd = accept_from(cli, lfd, 0);
	free(play_server(cli, fd, 0, &got_len));
	expect_exit(cli, 0, ms(3000), "the third address connected and the line "
	            "was answered");
	out = proc_stdout(cli, &out_len);
	expect_same(cli, "the answer on stdout", out, out_len,
	            "THIRD TIME LUCKY\n", 17, NULL);
	snprintf(addrs, sizeof addrs, "connected to 127.0.0.1:%u", port);
	if (!wait_stderr_line(cli, addrs, 0))
		fail(cli, "expected the client to log \"%s\"", addrs);
	free(out);

	/* Now two addresses answer: the client must keep the first, in
	 * the resolver's order, and connect to nothing after it. */
	ck_assert(listen(taken2, 8) == 0);
	o = gai_opts(host, "127.0.0.2 127.0.0.1", log);
	o.stdin_file = input_file("first come\n", 11);
	step("now the shim answers 127.0.0.2, 127.0.0.1 and both have a "
	     "server on port %u", port);
	cli = run("client", &o, host, port_text, NULL);
	struct pollfd first_or_second[2] = { { .fd = taken2, .events = POLLIN },
	                                     { .fd = lfd, .events = POLLIN } };
	poll(first_or_second, 2, ms(3000));
	if (first_or_second[1].revents & POLLIN)
		fail(cli, "expected the client to connect to 127.0.0.2, the first "
		     "address getaddrinfo() gave, and stop there; 127.0.0.1, the "
		     "second, got a connection (the list walked backwards, or no "
		     "break after connect() succeeded?)");
	fd = accept_from(cli, taken2, 0);
	/* What comes first: its line, or a connection to the second? */
	first_or_second[0].fd = fd;
	poll(first_or_second, 2, ms(3000));
	if (first_or_second[1].revents & POLLIN)
		fail(cli, "expected the client to stop at 127.0.0.2, the first "
		     "address getaddrinfo() gave, which accepted it; it connected "
		     "to 127.0.0.1 too (no break after connect() succeeded?)");
	free(play_server(cli, fd, 0, &got_len));
	expect_exit(cli, 0, ms(3000), "the first address connected and the line "
	            "was answered");
	if (wait_io(lfd, false, 0))
		fail(cli, "expected the client to connect only to 127.0.0.2, the "
		     "first address that answered; 127.0.0.1 got a connection too");

	/* A socket whose connect() failed is of no more use: not closed, it
	 * costs an fd per address tried (the record of the first run). */
	t = trace_of(first);
	for (int c = trace_find(t, 0, "connect", -1); c >= 0;
	     c = trace_find(t, c + 1, "connect", -1)) {
		const char *res = t->calls[c].result;
		int sock = t->calls[c].fd;

		if (trace_ok(t, c) || !t->calls[c].returned
		    || strstr(res, "EINPROGRESS") || strstr(res, "EALREADY")
		    || strstr(res, "EINTR"))
			continue;       /* connected, or still connecting */
		if (trace_find(t, c + 1, "close connect", sock) < 0)
			fail(first, "expected the client, in the first run (::1, "
			     "127.0.0.2, 127.0.0.1), to close the socket of each "
			     "address that failed before it tries the next; %s "
			     "failed and socket %d was never closed: one fd leaked "
			     "per address tried.  close() it when connect() "
			     "fails\n%s", trace_text(t, c), sock,
			     trace_excerpt(t, c, 12));
	}
}
END_TEST

/* How the client asked getaddrinfo() and whether it gave the list back:
 * only the socket recorder sees that in the real program (trace.h). */
START_TEST(client_asks_for_any_family)
{
	struct run_opts o = { .stdin_file = input_file("which family?\n", 14),
	                      .trace = true };
	int lfd = bound_socket("127.0.0.1", 0, true), fd, g;
	char port_text[8], family[24] = "", socktype[24] = "";
	const char *hints;
	struct proc *cli;
	struct trace *t;
	size_t got_len;

	snprintf(port_text, sizeof port_text, "%u", local_port(lfd));
	cli = run("client", &o, "127.0.0.1", port_text, NULL);
	/* a client that asked wrongly may never connect: its record says why */
	if (wait_io_or_exit(cli, lfd, false, ms(3000)) > 0) {
		fd = accept_from(cli, lfd, 0);
		free(play_server(cli, fd, 0, &got_len));
	}
	wait_exit(cli, ms(3000));
	t = trace_of(cli);

	g = trace_find(t, 0, "getaddrinfo", -1);
	if (g < 0)
		fail(cli, "expected the client to resolve \"127.0.0.1\" with "
		     "getaddrinfo(3); the recorder saw no such call\n%s",
		     trace_excerpt(t, -1, 10));
	/* ARGS: "127.0.0.1", "50004", {AF_UNSPEC, SOCK_STREAM, 0, FLAGS} */
	hints = strchr(t->calls[g].args, '{');
	if (hints == NULL)
		fail(cli, "expected getaddrinfo() called with hints (AF_UNSPEC, "
		     "SOCK_STREAM); got %s: no hints at all\n%s", trace_text(t, g),
		     trace_excerpt(t, g, 10));
	sscanf(hints, "{%23[^,], %23[^,],", family, socktype);
	if (strcmp(family, "AF_UNSPEC") != 0)
		fail(cli, "expected getaddrinfo() hints with ai_family AF_UNSPEC, "
		     "so that IPv4 and IPv6 addresses both come back; got %s%s\n%s",
		     family, strcmp(family, "AF_INET") == 0 ? " (IPv4 only)"
		     : strcmp(family, "AF_INET6") == 0 ? " (IPv6 only)" : "",
		     trace_excerpt(t, g, 10));
	if (strcmp(socktype, "SOCK_STREAM") != 0)
		fail(cli, "expected hints with ai_socktype SOCK_STREAM: without it, "
		     "every address comes back once per socket type; got %s\n%s",
		     socktype, trace_excerpt(t, g, 10));
	if (strstr(hints, "AI_ADDRCONFIG") != NULL)
		fail(cli, "expected hints without AI_ADDRCONFIG: on a host with only "
		     "a loopback interface it makes localhost and ::1 "
		     "unresolvable\n%s", trace_excerpt(t, g, 10));
	/* Every list getaddrinfo gave must go back with freeaddrinfo(). */
	for (; g >= 0; g = trace_find(t, g + 1, "getaddrinfo", -1)) {
		char *list = trace_info(t, g, "list"), *freed = NULL;
		int f;

		for (f = trace_find(t, g, "freeaddrinfo", -1); list && f >= 0;
		     f = trace_find(t, f + 1, "freeaddrinfo", -1)) {
			freed = trace_info(t, f, "list");
			if (freed && strcmp(freed, list) == 0)
				break;
			free(freed);
		}
		if (list != NULL && f < 0)
			fail(cli, "expected the client to give getaddrinfo's list back "
			     "with freeaddrinfo(3); it never did (a leak on every "
			     "call)\n%s", trace_excerpt(t, g, 12));
		free(list);
	}
	expect_exit(cli, 0, 0, "the line was answered");
}
END_TEST

START_TEST(client_all_refused_names_each)
{
	const char *host = "nobody.socklab.test";
	int a = -1, b = -1;
	uint16_t port = 0;
	char port_text[8], want[64], *err, *log = test_path("gai.log");
	struct run_opts o;
	struct proc *cli;

	for (int tries = 0; tries < 20 && b < 0; tries++) {
		if (a >= 0)
			close(a);
		a = bound_socket("127.0.0.2", 0, false);
		port = local_port(a);
		b = bound_socket("127.0.0.3", port, false);
	}
	ck_assert_msg(b >= 0, "test: no port free on 127.0.0.2 and 127.0.0.3");
	snprintf(port_text, sizeof port_text, "%u", port);
	o = gai_opts(host, "127.0.0.2 127.0.0.3", log);
	step("the grader's getaddrinfo shim answers %s with 127.0.0.2 and "
	     "127.0.0.3; both refuse port %u", host, port);
	cli = run("client", &o, host, port_text, NULL);
	expect_exit(cli, 1, ms(3000), "no address of the host accepts");
	err = proc_stderr(cli, NULL);
	for (int i = 2; i <= 3; i++) {
		snprintf(want, sizeof want, "127.0.0.%d:%u", i, port);
		if (strstr(err, want) == NULL)
			fail(cli, "expected the client to name every address it tried, "
			     "%s among them, with its error; stderr does not mention it",
			     want);
	}
	if (strcasestr(err, "refused") == NULL)
		fail(cli, "expected each failed address's error, \"Connection "
		     "refused\" (strerror(errno) of connect), on stderr");
	free(err);
}
END_TEST

START_TEST(client_unknown_host_fails)
{
	const char *name = "no-such-host..invalid";
	struct addrinfo hints, *list = NULL;
	struct proc *cli;
	const char *words;
	char *err;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, "50004", &hints, &list);
	if (rc == 0) {
		freeaddrinfo(list);
		fail(NULL, "grader: this machine's resolver knows \"%s\", a name "
		     "that cannot exist; cannot test an unknown host", name);
	}
	words = gai_strerror(rc);
	cli = run("client", NULL, name, "50004", NULL);
	expect_exit(cli, 1, ms(5000), "a host that does not resolve is a runtime "
	            "failure");
	err = proc_stderr(cli, NULL);
	if (strstr(err, words) == NULL)
		fail(cli, "expected the resolver's own message \"%s\" (gai_strerror() "
		     "of getaddrinfo's return value, not perror: getaddrinfo does "
		     "not set errno)", words);
	free(err);
}
END_TEST

START_TEST(client_bad_arguments_exit_2)
{
	static const char *const cases[][3] = {
		{ NULL, NULL, NULL }, { "::1", NULL, NULL }, { "::1", "0", NULL },
		{ "::1", "65536", NULL }, { "::1", "http", NULL },
		{ "-x", "::1", "50004" }, { "::1", "50004", "extra" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct proc *p = run("client", NULL, cases[i][0], cases[i][1],
		                     cases[i][2], NULL);

		expect_usage_error(p);
	}
	expect_usage_error_naming(run("client", NULL, "-x", "::1", "50004",
	                              NULL), "-x");
}
END_TEST

/* ---- the table --------------------------------------------------------------- */

const struct graded_test lab_tests[] = {
	{ &listener_is_ipv6_stream, 3, 5, "TODO 2-4 in listen.c (socket, bind, listen)",
	  "ipv6_listen() returns a listening AF_INET6 stream socket at the address asked" },
	{ &v6only_set_before_bind, 3, 5, "TODO 3 in listen.c (IPV6_V6ONLY before bind)",
	  "IPV6_V6ONLY is 1 for v6only, 0 otherwise: IPv4 clients refused or taken" },
	{ &address_text_round_trip, 3, 5, "TODO 1 and 6 in listen.c (inet_pton, inet_ntop)",
	  "parse_ipv6() takes IPv6 text only; ipv6_text() writes [ADDRESS]:PORT" },
	{ &accept_client_fills_peer_address, 3, 5, "TODO 5 in listen.c (accept and its address length)",
	  "accept_client() stores an IPv4 client's whole address, ::ffff:127.0.0.1 and port" },
	{ &default_is_ipv6_loopback, 5, 5, "TODO 2-6 in listen.c and server.c",
	  "with no -a the server listens on [::1] only (SKIP without ::1)" },
	{ &dual_stack_takes_ipv4_clients, 5, 5, "TODO 1, 3-6 in listen.c (dual stack)",
	  "-a :: takes an IPv4 client, logged as [::ffff:127.0.0.1]:PORT; sets IPV6_V6ONLY 0 itself (recorded)" },
	{ &v6only_refuses_ipv4_clients, 4, 5, "TODO 3 in listen.c (IPV6_V6ONLY)",
	  "-a :: -6 refuses IPv4 clients" },
	{ &second_server_on_port_fails, 2, 5, "TODO 3-4 in listen.c (SO_REUSEADDR, no SO_REUSEPORT)",
	  "a second server on a port in use exits 1, the first keeps serving; stopped mid-client, it restarts on that port at once" },
	{ &line_in_pieces_is_answered_once, 5, 5, "TODO 7 in lines.c (keep the unfinished line)",
	  "a line sent in three pieces is answered once, whole" },
	{ &many_lines_in_one_write_are_all_answered, 4, 5, "TODO 7 in lines.c (every complete line)",
	  "a hundred lines in one write are each answered, and counted in the log" },
	{ &long_line_is_answered, 4, 5, "TODO 7-8 in lines.c (a 60 KiB line)",
	  "a 60 KiB line is answered whole" },
	{ &last_line_without_newline_is_answered, 4, 5, "TODO 9 in lines.c (the last line at EOF)",
	  "a last line without newline is answered (with one) at the client's EOF" },
	{ &clients_served_in_a_row, 2, 10, "server.c (close each client) and TODO 5",
	  "24 clients in a row with 16 fds allowed, each logged with its line count" },
	{ &idle_client_is_dropped, 5, 8, "TODO 7 in lines.c (wait_fd with idle_ms)",
	  "a silent client is dropped after -i, and the next one served" },
	{ &nonreading_client_is_dropped, 5, 10, "TODO 8 in lines.c (POLLOUT with idle_ms)",
	  "a client that sends megabytes and never reads is dropped after -i" },
	{ &vanished_client_is_survived, 4, 8, "TODO 8 in lines.c (MSG_NOSIGNAL, errors)",
	  "clients that vanish mid-line or before their answers do not stop the server" },
	{ &server_survives_short_writes, 2, 10, "TODO 8 in lines.c (send the rest)",
	  "short writes and EINTR in the server lose nothing" },
	{ &stop_signals_exit_0, 3, 8, "TODO 7 (wait_fd) and server.c",
	  "SIGTERM while idle and SIGINT mid-line: exit 0" },
	{ &server_bad_arguments_exit_2, 2, 10, "server.c and TODO 1 (parse_ipv6)",
	  "IPv4 or bracketed -a, bad -p/-i, unknown options: usage, exit 2" },
	{ &client_reaches_ipv4_server, 3, 8, "TODO 10-13 in connect.c and relay.c",
	  "the client reaches a server at 127.0.0.1 and logs \"connected to\"" },
	{ &client_reaches_ipv6_server, 3, 8, "TODO 10-11 in connect.c",
	  "the client reaches a server at ::1 (SKIP without ::1)" },
	{ &client_half_closes_and_prints_every_reply, 4, 8, "TODO 12-13 in relay.c and client.c",
	  "the client half-closes at EOF and prints every answer, arriving in pieces; exit 1 if lines go unanswered" },
	{ &client_handles_large_input, 2, 10, "TODO 12 in relay.c (read while sending)",
	  "8 MiB of stdin: the client reads answers while it sends, no deadlock" },
	{ &client_survives_short_writes, 2, 10, "TODO 12 in relay.c (send_pending)",
	  "short writes and EINTR in the client lose nothing" },
	{ &client_tries_every_address, 4, 8, "TODO 11 in connect.c (try each address)",
	  "the first two addresses refuse: the client closes each socket (recorded) and goes on to the third; it keeps the first that answers" },
	{ &connect_by_name_zeroes_hints_and_frees, 3, 5, "TODO 10-11 in connect.c (hints, freeaddrinfo)",
	  "white-box: connect_by_name() zeroes its hints, connects, frees the list" },
	{ &client_asks_for_any_family, 3, 8, "TODO 10-11 in connect.c (hints, freeaddrinfo)",
	  "getaddrinfo asked for AF_UNSPEC, SOCK_STREAM, no AI_ADDRCONFIG; every list freed (recorded)" },
	{ &client_all_refused_names_each, 3, 8, "TODO 11 in connect.c (log each failure)",
	  "every address refuses: exit 1, each address named with its error" },
	{ &client_unknown_host_fails, 3, 8, "TODO 10 in connect.c and client.c (gai_strerror)",
	  "an unknown host: exit 1 with the resolver's own message" },
	{ &client_bad_arguments_exit_2, 2, 10, "client.c (argument checks)",
	  "missing operands, bad ports, unknown options: usage, exit 2" },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "ipv6";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

static struct server robust_server;

static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	robust_server = start_lines(NULL, NULL);
	*len = make_sa(robust_server.ip, robust_server.port, addr);
	return robust_server.p;
}

static void robust_good(struct proc *srv, const struct sockaddr *addr,
                        socklen_t len)
{
	static const char lines[] = "well-formed\nand complete\n";

	(void)srv, (void)addr, (void)len;
	exchange(&robust_server, lines, sizeof lines - 1, NULL);
}

const struct robust_target lab_robust = {
	.kind = ROBUST_STREAM, .start = robust_start, .good = robust_good,
};
