/*
 * 04-ipv6.c - the diagnosis of lab 04 (diagnose.h): each of the lab's
 * functions called on its own, against sockets this program sets up, in
 * the order of the TODOs.
 *
 * Three calls of the C library are wrapped here, for what they let the
 * checks see and shape, as the grader's shims do for the programs:
 * getaddrinfo() answers the names *.diag.test from a list the check
 * gives (and notes the hints it was asked with), freeaddrinfo()
 * scribbles over such a list instead of freeing it (code still reading
 * it reads garbage), and socket() can give a new AF_INET6 socket an
 * IPV6_V6ONLY default of either value, as the machine's bindv6only
 * setting would.  Every other call goes to the C library.
 */
#define _GNU_SOURCE
#include "diagnose.h"
#include "ipv6_lines.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- tools ------------------------------------------------------------- */

/* Leave BYTE in the stack below this frame: the function called next
 * finds it in its uninitialised variables. */
__attribute__((noinline)) static void paint_stack(unsigned char byte)
{
	volatile unsigned char area[32 * 1024];

	for (size_t i = 0; i < sizeof area; i++)
		area[i] = byte;
}

/* A TCP socket of our own bound to IP and *PORT (0: any; set to the
 * port), listening (BACKLOG > 0) or not (it refuses).  -1 on failure. */
static int our_tcp(const char *ip, uint16_t *port, int backlog)
{
	int fd = diag_socket_at(SOCK_STREAM, ip, *port);

	if (fd >= 0 && backlog > 0 && listen(fd, backlog) < 0) {
		close(fd);
		return -1;
	}
	if (fd >= 0)
		*port = diag_port_of(fd);
	return fd;
}

/* Does the machine have a usable ::1? */
static bool ipv6_loopback(void)
{
	uint16_t port = 0;
	int fd = our_tcp("::1", &port, 0);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* A connected TCP pair over 127.0.0.1: *A and *B. */
static void tcp_pair(int *a, int *b)
{
	struct sockaddr_storage ss;
	uint16_t port = 0;
	int listener = our_tcp("127.0.0.1", &port, 1);
	socklen_t len = diag_addr("127.0.0.1", port, &ss);

	*a = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || *a < 0 || connect(*a, (struct sockaddr *)&ss, len) < 0
	    || (*b = accept(listener, NULL, NULL)) < 0)
		exit(1);
	close(listener);
}

/* ---- the C library, wrapped (see the top) ------------------------------ */

#define FAKE_SUFFIX ".diag.test"
#define MAX_FAKE 4

static const char *fake_addrs[MAX_FAKE + 1];   /* for *.diag.test, in order */
static int gai_calls;
static bool hints_given, hints_garbage;
static struct addrinfo hints_seen;
static struct addrinfo *fake_list;              /* the last list made */
static int fake_frees;                          /* of fake_list */
static int v6only_default = -1;                 /* for new AF_INET6 sockets */

static void *real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL)
		exit(1);
	return fn;
}

int socket(int domain, int type, int protocol)
{
	int (*real_socket)(int, int, int) = real("socket");
	int fd = real_socket(domain, type, protocol);

	if (fd >= 0 && domain == AF_INET6 && v6only_default >= 0)
		diag_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only_default);
	return fd;
}

struct fake_entry {
	struct addrinfo ai;
	struct sockaddr_storage ss;
};

/* The fake resolver, as the grader's shim (tests/preload-gai.c) is: the
 * hints' family and type filter the list, AI_ADDRCONFIG leaves only
 * IPv4 (a host whose only IPv6 address is the loopback's). */
static int fake_resolve(const char *port, const struct addrinfo *hints,
                        struct addrinfo **res)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW };
	int family = hints ? hints->ai_family : AF_UNSPEC;
	int type = hints ? hints->ai_socktype : 0;
	int flags = hints ? hints->ai_flags : 0;
	struct addrinfo **tail = res;
	char *end;
	unsigned long p = strtoul(port ? port : "", &end, 10);

	*res = NULL;
	if (hints_garbage)
		return EAI_BADFLAGS;
	if (port == NULL || *end != '\0' || p > 65535)
		return EAI_SERVICE;
	if (fake_addrs[0] == NULL)
		return EAI_NONAME;
	for (int i = 0; fake_addrs[i] != NULL; i++) {
		struct sockaddr_storage ss;
		socklen_t len = diag_addr(fake_addrs[i], (uint16_t)p, &ss);

		if ((family != AF_UNSPEC && family != ss.ss_family)
		    || ((flags & AI_ADDRCONFIG) && ss.ss_family == AF_INET6))
			continue;
		for (int t = 0; t < 3; t++) {
			struct fake_entry *e;

			if (type != 0 && type != types[t])
				continue;
			if ((e = calloc(1, sizeof *e)) == NULL)
				exit(1);
			e->ss = ss;
			e->ai.ai_family = ss.ss_family;
			e->ai.ai_socktype = types[t];
			e->ai.ai_protocol = types[t] == SOCK_STREAM ? IPPROTO_TCP
			                  : types[t] == SOCK_DGRAM ? IPPROTO_UDP : 0;
			e->ai.ai_addr = (struct sockaddr *)&e->ss;
			e->ai.ai_addrlen = len;
			*tail = &e->ai;
			tail = &e->ai.ai_next;
		}
	}
	fake_list = *res;
	return *res ? 0 : EAI_NONAME;
}

int getaddrinfo(const char *host, const char *port, const struct addrinfo *hints,
                struct addrinfo **res)
{
	size_t n = host ? strlen(host) : 0, s = strlen(FAKE_SUFFIX);
	int (*real_gai)(const char *, const char *, const struct addrinfo *,
	                struct addrinfo **);

	gai_calls++;
	hints_given = hints != NULL;
	if (hints != NULL) {
		hints_seen = *hints;
		hints_garbage = hints->ai_addrlen != 0 || hints->ai_addr != NULL
		                || hints->ai_canonname != NULL || hints->ai_next != NULL
		                || (hints->ai_flags & ~(AI_PASSIVE | AI_CANONNAME
		                    | AI_NUMERICHOST | AI_NUMERICSERV | AI_V4MAPPED
		                    | AI_ALL | AI_ADDRCONFIG)) != 0
		                || hints->ai_protocol < 0 || hints->ai_protocol > 255;
	}
	if (n > s && strcmp(host + n - s, FAKE_SUFFIX) == 0)
		return fake_resolve(port, hints, res);
	real_gai = real("getaddrinfo");
	return real_gai(host, port, hints, res);
}

void freeaddrinfo(struct addrinfo *list)
{
	static struct sockaddr_storage nowhere;     /* family 0 */
	void (*real_free)(struct addrinfo *);

	if (list == NULL || list != fake_list) {
		real_free = real("freeaddrinfo");
		real_free(list);
		return;
	}
	fake_frees++;
	for (struct addrinfo *ai = list, *next; ai != NULL; ai = next) {
		next = ai->ai_next;
		ai->ai_family = -1;             /* socket() fails on it */
		ai->ai_socktype = -1;
		ai->ai_addr = (struct sockaddr *)&nowhere;
		ai->ai_addrlen = sizeof nowhere;
		ai->ai_next = NULL;
	}
}

/* ---- TODO 1: parse_ipv6() ---------------------------------------------- */

static void check_parse_ipv6(void)
{
	static const char *const good[] = { "::1", "::", "::ffff:127.0.0.1", "2001:db8::7:1" };
	static const char *const bad[] = { "127.0.0.1", "[::1]", "::1 ", "localhost", "" };
	struct in6_addr addr, want;
	int r;

	errno = 0;
	r = parse_ipv6("::1", &addr);
	missing_if_stub(1, r, "parse_ipv6(\"::1\")");
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		inet_pton(AF_INET6, good[i], &want);
		memset(&addr, 0xa5, sizeof addr);
		r = parse_ipv6(good[i], &addr);
		if (r != 0 || memcmp(&addr, &want, sizeof addr) != 0)
			todo_wrong(1, "parse_ipv6(\"%s\") returned %d%s: inet_pton(AF_INET6, "
			           "text, addr) gives 1 for an address", good[i], r,
			           r == 0 ? " but *addr is not that address" : "");
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if ((r = parse_ipv6(bad[i], &addr)) != -1)
			todo_wrong(1, "parse_ipv6(\"%s\"), not an IPv6 address, returned %d, "
			           "not -1: inet_pton() returns 0 (not -1) for such text",
			           bad[i], r);
}

/* ---- TODO 2-4: ipv6_listen() ------------------------------------------- */

/* ipv6_listen() failed where it should not have: its errno tells which call. */
static void listen_failed(const char *call, int err)
{
	if (err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT
	    || err == EPROTOTYPE)
		todo_wrong(2, "%s failed with %s: socket(AF_INET6, SOCK_STREAM, 0)",
		           call, diag_errname(err));
	if (err == ENOTSOCK || err == EBADF)
		todo_wrong(2, "%s failed with %s: the fd is not the socket's (`if "
		           "(fd = socket(...) < 0)` assigns the comparison)", call,
		           diag_errname(err));
	if (err == EINVAL)
		todo_wrong(4, "%s failed with EINVAL: give bind() the whole "
		           "sockaddr_in6 (sizeof sa, not sizeof(struct sockaddr)), "
		           "and set IPV6_V6ONLY before bind()", call);
	todo_wrong(4, "%s failed with %s on a free port", call, diag_errname(err));
}

/* The socket FD ipv6_listen(WANT, PORT, V6ONLY) made, seen from outside. */
static void check_listener(int fd, const char *want, uint16_t port, bool v6only,
                           int machine_default)
{
	struct sockaddr_in6 sa;
	struct in6_addr addr;
	socklen_t len = sizeof sa;
	char text[INET6_ADDRSTRLEN] = "?";
	uint16_t got;

	wrong_unless_socket(2, fd, "ipv6_listen()", AF_INET6, SOCK_STREAM);
	if (diag_sockopt(fd, SOL_SOCKET, SO_REUSEPORT) == 1)
		todo_wrong(3, "the socket has SO_REUSEPORT: a second server could "
		           "share the port; SO_REUSEADDR is the one to set");
	if (diag_sockopt(fd, SOL_SOCKET, SO_REUSEADDR) != 1)
		todo_wrong(3, "the socket has no SO_REUSEADDR: a restarted server "
		           "cannot bind while old connections linger");
	memset(&sa, 0, sizeof sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || sa.sin6_family != AF_INET6)
		todo_wrong(4, "the socket has no IPv6 address: bind() it");
	inet_pton(AF_INET6, want, &addr);
	inet_ntop(AF_INET6, &sa.sin6_addr, text, sizeof text);
	if (memcmp(&sa.sin6_addr, &addr, sizeof addr) != 0)
		todo_wrong(4, "asked for [%s], the socket is bound to [%s]: "
		           "sin6_addr = *addr", want, text);
	got = ntohs(sa.sin6_port);
	if (got != port)
		todo_wrong(4, "asked for port %u, the socket is bound to port %u%s",
		           port, got, got == (uint16_t)(port >> 8 | port << 8)
		           ? ": sin6_port = htons(port), in network byte order"
		           : ": bind() failed, or its result went unchecked");
	if (diag_sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN) != 1)
		todo_wrong(4, "the socket is not listening: listen() was not called");
	/* (A socket bound to an address other than :: is IPv6-only
	 * whatever the option said: looked at once the address is right.) */
	if (diag_sockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY) != v6only)
		todo_wrong(3, "asked for V6ONLY %s where new sockets get IPV6_V6ONLY "
		           "%d, the socket has %d: set it to V6ONLY every time, "
		           "before bind() (after, it fails with EINVAL)",
		           v6only ? "true" : "false", machine_default, !v6only);
}

#define AT_ONCE 64

/* A burst of clients at LISTENER ([::1]:PORT): do all complete their
 * handshake at once, or do some wait on a SYN the kernel dropped? */
static void check_backlog(uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = diag_addr("::1", port, &ss);
	struct pollfd pfd[AT_ONCE];
	long long end = diag_now_ms() + 500;
	int done = 0;

	for (int i = 0; i < AT_ONCE; i++) {
		pfd[i].fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
		pfd[i].events = POLLOUT;
		if (pfd[i].fd < 0 || (connect(pfd[i].fd, (struct sockaddr *)&ss, len) < 0
		                      && errno != EINPROGRESS))
			exit(1);
	}
	while (done < AT_ONCE && diag_now_ms() < end) {
		if (poll(pfd, AT_ONCE, (int)(end - diag_now_ms())) <= 0)
			continue;
		for (int i = 0; i < AT_ONCE; i++)
			if (pfd[i].fd >= 0 && pfd[i].revents) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				done++;
			}
	}
	for (int i = 0; i < AT_ONCE; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	if (done < AT_ONCE)
		todo_wrong(4, "of %d clients connecting at once, only %d got through "
		           "within 500 ms, the others wait on a dropped SYN: the "
		           "backlog given to listen() is too small (SOMAXCONN)",
		           AT_ONCE, done);
}

static void check_ipv6_listen(void)
{
	struct in6_addr loopback = in6addr_loopback, any = in6addr_any;
	uint16_t port, busy_port = 0;
	int fd, busy, before;

	if (!ipv6_loopback())
		return;         /* no ::1 here: nothing to see */

	/* Dual stack asked, where the default would be IPv6 only. */
	port = diag_free_port(SOCK_STREAM, "::");
	v6only_default = 1;
	errno = 0;
	fd = ipv6_listen(&any, port, false);
	v6only_default = -1;
	missing_if_stub(2, fd, "ipv6_listen()");
	if (fd < 0)
		listen_failed("ipv6_listen(::, port, false)", errno);
	check_listener(fd, "::", port, false, 1);
	close(fd);

	/* IPv6 only asked, where the default would be dual stack. */
	port = diag_free_port(SOCK_STREAM, "::1");
	v6only_default = 0;
	fd = ipv6_listen(&loopback, port, true);
	v6only_default = -1;
	if (fd < 0)
		listen_failed("ipv6_listen(::1, port, true)", errno);
	check_listener(fd, "::1", port, true, 0);
	check_backlog(port);
	close(fd);

	/* A port in use: bind() fails, and that is the result. */
	busy = our_tcp("::1", &busy_port, 1);
	before = diag_open_fds();
	errno = 0;
	fd = ipv6_listen(&loopback, busy_port, true);
	if (fd >= 0)
		todo_wrong(4, "with port %u already in use, ipv6_listen() returned a "
		           "socket (listen() then picks a free port): check what "
		           "bind() returns", busy_port);
	if (errno != EADDRINUSE)
		todo_wrong(4, "with the port already in use, ipv6_listen() failed "
		           "with %s, not EADDRINUSE: keep bind()'s errno (close() "
		           "may change it)", diag_errname(errno));
	if (diag_open_fds() != before)
		todo_wrong(4, "with the port already in use, ipv6_listen() failed "
		           "but left its socket open: close it on failure");
	close(busy);
}

/* ---- TODO 5: accept_client() ------------------------------------------- */

static void check_accept_client(void)
{
	struct sockaddr_in6 peer, want;
	struct sockaddr_storage to;
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	uint16_t port = 0;
	int listener = our_tcp("::ffff:127.0.0.1", &port, 8);
	int client, fd;

	if (listener < 0)
		return;         /* no IPv6 sockets here */
	client = socket(AF_INET, SOCK_STREAM, 0);
	len = diag_addr("127.0.0.1", port, &to);
	if (client < 0 || connect(client, (struct sockaddr *)&to, len) < 0
	    || (len = sizeof me, getsockname(client, (struct sockaddr *)&me, &len)) < 0)
		exit(1);
	memset(&want, 0, sizeof want);
	want.sin6_family = AF_INET6;
	want.sin6_port = me.sin_port;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &want.sin6_addr);
	memset(&peer, 0xa5, sizeof peer);
	paint_stack(0);
	errno = 0;
	fd = accept_client(listener, &peer);
	missing_if_stub(5, fd, "accept_client()");
	if (fd < 0 && errno == EINVAL)
		todo_wrong(5, "with a client waiting, accept_client() failed with "
		           "EINVAL: give accept() a socklen_t set to sizeof *peer "
		           "(left uninitialised, it holds garbage)");
	wrong_unless_accepted(5, fd, "accept_client()", listener, client);
	if (peer.sin6_family != AF_INET6 || peer.sin6_port != want.sin6_port
	    || memcmp(&peer.sin6_addr, &want.sin6_addr, sizeof want.sin6_addr) != 0)
		todo_wrong(5, "a client from 127.0.0.1 port %u: *peer was not filled "
		           "with its whole address (::ffff:127.0.0.1, that port): give "
		           "accept() a socklen_t set to sizeof *peer", ntohs(me.sin_port));
}

/* ---- TODO 6: ipv6_text() ----------------------------------------------- */

static void check_ipv6_text(void)
{
	static const struct { const char *ip; uint16_t port; const char *want; } cases[] = {
		{ "::ffff:127.0.0.1", 41234, "[::ffff:127.0.0.1]:41234" },
		{ "::1", 50004, "[::1]:50004" },
		{ "2001:db8::5:1", 258, "[2001:db8::5:1]:258" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sockaddr_in6 sa;
		char buf[ADDR_STRLEN];
		const char *r;

		memset(&sa, 0, sizeof sa);
		sa.sin6_family = AF_INET6;
		sa.sin6_port = htons(cases[i].port);
		inet_pton(AF_INET6, cases[i].ip, &sa.sin6_addr);
		memset(buf, 0, sizeof buf);
		r = ipv6_text(&sa, buf);
		if (strcmp(buf, "(TODO 6)") == 0)
			todo_missing(6, "ipv6_text() still writes \"(TODO 6)\", as the "
			             "starter code does");
		if (r != buf)
			todo_wrong(6, "ipv6_text() did not return BUF");
		if (strncmp(buf, cases[i].want, sizeof buf) != 0)
			todo_wrong(6, "for address %s, port %u, ipv6_text() wrote \"%.60s\", "
			           "not \"%s\": inet_ntop(AF_INET6, &sa->sin6_addr, ...) and "
			           "ntohs(sa->sin6_port)", cases[i].ip, cases[i].port, buf,
			           cases[i].want);
	}
}

/* ---- TODO 7-9: serve_lines() ------------------------------------------- */

static volatile sig_atomic_t sigpipes;

static void count_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static const char *serve_name(enum serve_result r)
{
	static const char *const names[] = { "SERVE_DONE", "SERVE_IDLE",
		"SERVE_LOST", "SERVE_STOPPED" };

	return r <= SERVE_STOPPED ? names[r] : "a value not in the enum";
}

/* The client's side of a serve_lines() run. */
struct client_plan {
	const char *pieces[4];          /* written GAP_MS apart */
	size_t lens[4];                 /* 0: strlen */
	int gap_ms;
	int silent_ms;                  /* then silent this long */
	int rcvbuf;                     /* SO_RCVBUF, 0: as it is */
	int read_pause_ms;              /* between two reads of the answers */
	bool never_read;                /* no answer read: gone after all that */
	int sock;
	char file[32];                  /* where the answers go, once all in */
};

/* The client: its pieces (giving up on a server that takes none for
 * 900 ms), then every answer into the file "answers.done" until the
 * server's end (within 2 s of the last byte). */
static void play_client(void *arg)
{
	struct client_plan *c = arg;
	static char buf[8192];
	char path[48];
	FILE *out;
	ssize_t n;

	snprintf(path, sizeof path, "%s.part", c->file);
	out = fopen(path, "w");
	if (c->rcvbuf)
		diag_setsockopt(c->sock, SOL_SOCKET, SO_RCVBUF, c->rcvbuf);
	fcntl(c->sock, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 4 && c->pieces[i]; i++) {
		const char *p = c->pieces[i];
		size_t left = c->lens[i] ? c->lens[i] : strlen(p);

		if (i > 0)
			poll(NULL, 0, c->gap_ms);
		while (left > 0) {
			if (!diag_ready(c->sock, POLLOUT, 900)
			    || (n = send(c->sock, p, left, MSG_NOSIGNAL)) < 0)
				goto done;
			p += n, left -= (size_t)n;
		}
	}
	poll(NULL, 0, c->silent_ms);
	if (c->never_read)
		goto done;
	shutdown(c->sock, SHUT_WR);
	while (out && diag_ready(c->sock, POLLIN, 2000)
	       && (n = read(c->sock, buf, sizeof buf)) > 0) {
		fwrite(buf, 1, (size_t)n, out);
		poll(NULL, 0, c->read_pause_ms);
	}
done:
	if (out)
		fclose(out);
	rename(path, c->file);
}

/* The answers the client got in FILE, once the server end is closed. */
static char *answers_in(const char *file, size_t *len)
{
	char *got = NULL;

	for (int i = 0; i < 250 && (got = (char *)diag_slurp(file, len)) == NULL; i++)
		poll(NULL, 0, 10);
	if (got == NULL) {
		*len = 0;
		return calloc(1, 1);
	}
	return got;
}

/* What a serve_lines() run gave. */
struct served {
	enum serve_result r;
	unsigned long lines;            /* *lines */
	long long took;                 /* ms */
	char *got;                      /* the answers the client got (allocated) */
	size_t len;
};

/* serve_lines() against PLAN on a socketpair, IDLE_MS, its socket's
 * SO_SNDBUF SNDBUF (0: as it is); the answers if ANSWERS (else none). */
static struct served serve(struct client_plan plan, int idle_ms, int sndbuf, bool answers)
{
	static int runs;
	struct served s = { .lines = 0 };
	int sv[2];

	snprintf(plan.file, sizeof plan.file, "answers.%d", ++runs);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		exit(1);
	if (sndbuf)
		diag_setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, sndbuf);
	plan.sock = sv[1];
	diag_spawn(play_client, &plan, sv[1], -1);
	close(sv[1]);
	s.took = diag_now_ms();
	s.r = serve_lines(sv[0], idle_ms, &s.lines);
	s.took = diag_now_ms() - s.took;
	close(sv[0]);
	if (answers)
		s.got = answers_in(plan.file, &s.len);
	return s;
}

/* "ping\n" and the client's EOF, already waiting in the socket: which
 * of TODO 7 (the read loop) and TODO 8 (the send) is the starter's? */
static void serve_ping(void)
{
	int sv[2], unread = -1;
	unsigned long lines = 0;
	enum serve_result r;
	char got[16] = "";
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || write(sv[1], "ping\n", 5) != 5)
		exit(1);
	shutdown(sv[1], SHUT_WR);
	errno = 0;
	r = serve_lines(sv[0], 1000, &lines);
	if (r == SERVE_LOST && errno == ENOSYS) {
		ioctl(sv[0], FIONREAD, &unread);
		if (unread == 5)
			todo_missing(7, "serve_lines() still fails with ENOSYS, as the "
			             "starter code does");
		todo_missing(8, "serve_lines() read the line, then send_answer() "
		             "failed with ENOSYS, as the starter code does");
	}
	close(sv[0]);
	n = read(sv[1], got, sizeof got - 1);
	got[n > 0 ? n : 0] = '\0';
	if (r != SERVE_DONE)
		todo_wrong(7, "a client sent \"ping\\n\" and end of file: serve_lines() "
		           "returned %s (%s), not SERVE_DONE (0 from read() is the "
		           "end, not an error)", serve_name(r), diag_errname(errno));
	if (strcmp(got, "PING\n") != 0 || lines != 1)
		todo_wrong(7, "a client sent \"ping\\n\" and end of file: it got "
		           "\"%.*s\" and *lines is %lu, not \"PING\\n\" and 1",
		           (int)strcspn(got, "\n"), got, lines);
}

/* Lines in pieces, many lines at once, the last line without '\n'. */
static void serve_framing(void)
{
	static char many[100 * 12 + 1], want[100 * 12 + 1];
	struct served s;

	s = serve((struct client_plan){ .pieces = { "hel", "lo\nwor", "ld\n" }, .gap_ms = 30 },
	          1000, 0, true);
	if (s.r != SERVE_DONE || s.len != 12 || memcmp(s.got, "HELLO\nWORLD\n", 12) != 0
	    || s.lines != 2)
		todo_wrong(7, "lines sent in pieces (\"hel\", \"lo\\nwor\", \"ld\\n\"), then "
		           "end of file: got \"%.*s\", %s, *lines %lu, not \"HELLO\\n"
		           "WORLD\\n\", SERVE_DONE, 2: keep the unfinished rest of each "
		           "read, loop until end of file", (int)(s.len < 30 ? s.len : 30),
		           s.got, serve_name(s.r), s.lines);
	free(s.got);

	for (int i = 0; i < 100; i++) {
		snprintf(many + 12 * i, 13, "line %06d\n", i);
		snprintf(want + 12 * i, 13, "LINE %06d\n", i);
	}
	s = serve((struct client_plan){ .pieces = { many } }, 1000, 0, true);
	if (s.r != SERVE_DONE || s.len != 1200 || memcmp(s.got, want, 1200) != 0
	    || s.lines != 100)
		todo_wrong(7, "100 lines in one write, then end of file: %zu bytes of "
		           "answers, *lines %lu, %s (expected 1200 bytes, 100, "
		           "SERVE_DONE): answer every complete line a read brings",
		           s.len, s.lines, serve_name(s.r));
	free(s.got);

	s = serve((struct client_plan){ .pieces = { "abc\nxyz" } }, 1000, 0, true);
	if (s.len == 4 && memcmp(s.got, "ABC\n", 4) == 0)
		todo_missing(9, "\"abc\\nxyz\" then end of file: \"xyz\", the last line "
		             "without a newline, got no answer");
	if (s.r != SERVE_DONE || s.len != 8 || memcmp(s.got, "ABC\nXYZ\n", 8) != 0
	    || s.lines != 2)
		todo_wrong(9, "\"abc\\nxyz\" then end of file: the client got \"%.*s\", "
		           "*lines %lu (expected \"ABC\\nXYZ\\n\", 2)",
		           (int)(s.len < 40 ? s.len : 40), s.got, s.lines);
	free(s.got);
}

#define LONG1 100000
#define LONG2 LINE_BUFSIZE

/* A line longer than the buffer, then a last line of exactly its size
 * without '\n': each answered whole, with one '\n'. */
static void serve_long_lines(void)
{
	static char in[LONG1 + 1 + LONG2];
	size_t first_bad = 0;
	struct served s;

	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (char)('a' + i % 26);
	in[LONG1] = '\n';
	s = serve((struct client_plan){ .pieces = { in }, .lens = { sizeof in } }, 1000, 0, true);
	while (first_bad < s.len && first_bad < sizeof in
	       && s.got[first_bad] == (first_bad == LONG1 ? '\n' : (char)('A' + first_bad % 26)))
		first_bad++;
	if (s.len == sizeof in && first_bad == sizeof in)
		todo_wrong(9, "a last line of %d bytes (LINE_BUFSIZE) without a newline "
		           "went out as a piece, then end of file: its '\\n' never came "
		           "(BEGUN with USED 0 still owes it)", LONG2);
	if (first_bad < LONG1 + 1 || s.r != SERVE_DONE)
		todo_wrong(7, "a line of %d bytes, longer than LINE_BUFSIZE: the client "
		           "got %zu bytes of answer, the first wrong at %zu (%s): a full "
		           "buffer without '\\n' goes out as a piece of the line",
		           LONG1, s.len, first_bad, serve_name(s.r));
	if (s.len != sizeof in + 1 || first_bad != sizeof in || s.got[sizeof in] != '\n'
	    || s.lines != 2)
		todo_wrong(9, "a last line of %d bytes without a newline, then end of "
		           "file: %zu bytes of answers, *lines %lu (expected %zu, 2)",
		           LONG2, s.len, s.lines, sizeof in + 1);
	free(s.got);
}

/* A client that sends nothing; then one that sends and never reads. */
static void serve_idle(void)
{
	static char lots[256 * 1024];
	struct served s;

	s = serve((struct client_plan){ .pieces = { "" }, .silent_ms = 900 }, 100, 0, false);
	if (s.r != SERVE_IDLE || s.took > 600)
		todo_wrong(7, "a client silent for 900 ms with IDLE_MS 100: "
		           "serve_lines() returned %s after %lld ms, not SERVE_IDLE "
		           "after 100 (wait_fd(sock, POLLIN, idle_ms))", serve_name(s.r),
		           s.took);

	for (size_t i = 0; i < sizeof lots; i++)
		lots[i] = i % 64 == 63 ? '\n' : 'x';
	s = serve((struct client_plan){ .pieces = { lots }, .lens = { sizeof lots },
	                                 .silent_ms = 900, .rcvbuf = 4096, .never_read = true },
	          100, 4096, false);
	if (s.r != SERVE_IDLE || s.took > 700)
		todo_wrong(8, "a client that sends 256 KiB of lines and reads no "
		           "answer, IDLE_MS 100: serve_lines() returned %s after "
		           "%lld ms, not SERVE_IDLE after 100: wait for room with "
		           "wait_fd(sock, POLLOUT, idle_ms)", serve_name(s.r), s.took);
}

/* Sends cut short by a small socket buffer and a slow reader, and
 * signals; then a client gone before its answer. */
static void serve_short_sends(void)
{
	static char in[200 * 1000], want[sizeof in];
	unsigned long lines;
	enum serve_result r;
	struct served s;
	int sv[2];

	for (size_t i = 0; i < sizeof in; i++) {
		in[i] = i % 1000 == 999 ? '\n' : (char)('a' + i % 23);
		want[i] = i % 1000 == 999 ? '\n' : (char)('A' + i % 23);
	}
	diag_interrupt_every(2000);
	s = serve((struct client_plan){ .pieces = { in }, .lens = { sizeof in },
	                                 .rcvbuf = 4096, .read_pause_ms = 1 }, 2000, 4096, true);
	diag_interrupt_stop();
	if (s.r != SERVE_DONE || s.len != sizeof in || memcmp(s.got, want, s.len) != 0
	    || s.lines != 200)
		todo_wrong(8, "200 lines of 1000 bytes to a slow reader, the socket "
		           "buffer small: it got %zu of %zu bytes of answers%s, %s: "
		           "send() may take only part, send the rest in a loop",
		           s.len, sizeof in, s.len == sizeof in ? ", not as sent" : "",
		           serve_name(s.r));
	free(s.got);

	signal(SIGPIPE, count_sigpipe);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || write(sv[1], "bye\n", 4) != 4)
		exit(1);
	close(sv[1]);
	r = serve_lines(sv[0], 1000, &lines);
	signal(SIGPIPE, SIG_IGN);
	if (sigpipes > 0)
		todo_wrong(8, "answering a client that had gone raised SIGPIPE, "
		           "which kills the server: send() with MSG_NOSIGNAL");
	if (r != SERVE_LOST)
		todo_wrong(8, "answering a client that had gone (send() fails with "
		           "EPIPE): serve_lines() returned %s, not SERVE_LOST",
		           serve_name(r));
	close(sv[0]);
}

static void check_serve_lines(void)
{
	serve_ping();
	serve_framing();
	serve_long_lines();
	serve_idle();
	serve_short_sends();
}

/* ---- TODO 10-11: connect_by_name() ------------------------------------- */

static void fake(const char *a, const char *b, const char *c)
{
	fake_addrs[0] = a, fake_addrs[1] = b, fake_addrs[2] = c, fake_addrs[3] = NULL;
	gai_calls = 0;
	hints_given = hints_garbage = false;
	fake_list = NULL;
	fake_frees = 0;
}

/* connect_by_name(HOST, PORT) with the stack full of garbage. */
static int connect_to(const char *host, uint16_t port, char connected[ADDR_STRLEN],
                      int *gai_error)
{
	char text[8];

	snprintf(text, sizeof text, "%u", port);
	memset(connected, 0, ADDR_STRLEN);
	*gai_error = -12345;
	paint_stack(0xa5);
	errno = 0;
	return connect_by_name(host, text, connected, gai_error);
}

/* FD is connected to IP:PORT, accepted by LISTENER. */
static bool connected_to(int fd, int listener, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss, want;
	socklen_t len = sizeof ss, wlen = diag_addr(ip, port, &want);
	int peer;

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0 || len != wlen
	    || memcmp(&ss, &want, len) != 0 || !diag_ready(listener, POLLIN, 500)
	    || (peer = accept(listener, NULL, NULL)) < 0)
		return false;
	close(peer);
	return true;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "AF_INET, IPv4 only" : family == AF_INET6
	       ? "AF_INET6, IPv6 only" : "not AF_UNSPEC";
}

/* One address, listening: the hints, the list, the fd. */
static void connect_one(void)
{
	char connected[ADDR_STRLEN], want[ADDR_STRLEN];
	struct sockaddr_storage ss;
	uint16_t port = 0;
	int listener = our_tcp("127.0.0.1", &port, 8), gai, fd;

	fake("127.0.0.1", NULL, NULL);
	fd = connect_to("one" FAKE_SUFFIX, port, connected, &gai);
	if (fd < 0 && errno == ENOSYS && gai_calls == 0)
		todo_missing(10, "connect_by_name() still fails with ENOSYS, as the "
		             "starter code does");
	if (gai_calls == 0)
		todo_wrong(10, "connect_by_name() never called getaddrinfo()");
	if (hints_given && hints_garbage)
		todo_wrong(10, "getaddrinfo() got hints with garbage in the fields "
		           "that must be zero (ai_addr, ai_next, ai_protocol...): "
		           "memset() the hints to 0 first");
	if (!hints_given || hints_seen.ai_family != AF_UNSPEC)
		todo_wrong(10, "getaddrinfo()'s hints asked for %s: ai_family "
		           "AF_UNSPEC takes whatever the host has",
		           hints_given ? family_name(hints_seen.ai_family) : "nothing (NULL)");
	if (hints_seen.ai_socktype != SOCK_STREAM
	    && !(hints_seen.ai_socktype == 0 && hints_seen.ai_protocol == IPPROTO_TCP))
		todo_wrong(10, "getaddrinfo()'s hints have ai_socktype %d: without "
		           "SOCK_STREAM every address comes back for UDP and raw "
		           "sockets too", hints_seen.ai_socktype);
	if (hints_seen.ai_flags & AI_ADDRCONFIG)
		todo_wrong(10, "getaddrinfo()'s hints have AI_ADDRCONFIG: on a host "
		           "whose only IPv6 address is the loopback's, ::1 and "
		           "localhost's IPv6 address are left out");
	if (fd < 0 && gai != 0)
		todo_wrong(10, "a name with one address: connect_by_name() failed "
		           "with *gai_error %d (%s)", gai, gai_strerror(gai));
	if (fd < 0 && errno == ENOSYS)
		todo_missing(11, "getaddrinfo() was called, then connect_by_name() "
		             "failed with ENOSYS, as the starter code does");
	if (fd < 0 && fake_frees > 0)
		todo_wrong(11, "a name with one address, listening: connect_by_name() "
		           "failed (%s) after freeaddrinfo() was called: the list "
		           "was read once freed; free it when done with it",
		           diag_errname(errno));
	if (fd < 0)
		todo_wrong(11, "a name with one address, listening: connect_by_name() "
		           "failed with %s", diag_errname(errno));
	if (diag_sockopt(fd, SOL_SOCKET, SO_TYPE) != SOCK_STREAM
	    || !connected_to(fd, listener, "127.0.0.1", port))
		todo_wrong(11, "the fd connect_by_name() returned is not a TCP socket "
		           "connected to the name's address, 127.0.0.1 port %u", port);
	format_addr((struct sockaddr *)&ss, diag_addr("127.0.0.1", port, &ss), want);
	if (strncmp(connected, want, ADDR_STRLEN) != 0)
		todo_wrong(11, "connected to %s, CONNECTED says \"%.60s\": "
		           "format_addr() of the address that connected", want, connected);
	if (fake_frees != 1)
		todo_wrong(11, "the list getaddrinfo() gave was %s: freeaddrinfo() "
		           "it once, whatever happened", fake_frees ? "freed more than once"
		           : "never given back with freeaddrinfo()");
	close(fd);
	close(listener);

	fake(NULL, NULL, NULL);
	fd = connect_to("unknown" FAKE_SUFFIX, port, connected, &gai);
	if (fd >= 0 || gai != EAI_NONAME)
		todo_wrong(10, "for a name the resolver does not know, connect_by_name() "
		           "returned %d with *gai_error %d, not -1 with getaddrinfo()'s "
		           "code, EAI_NONAME (%d)", fd, gai, EAI_NONAME);
}

/* Same port P free on the IPs that refuse, listening on those that take. */
static uint16_t same_port(const char *const *ips, const bool *listening, int n, int *fds)
{
	for (int tries = 0; tries < 20; tries++) {
		uint16_t port = 0;
		int i;

		for (i = 0; i < n; i++) {
			uint16_t p = port;

			if ((fds[i] = our_tcp(ips[i], &p, listening[i] ? 8 : 0)) < 0)
				break;
			port = p;
		}
		if (i == n)
			return port;
		while (i-- > 0)
			close(fds[i]);
	}
	exit(1);
}

/* The first addresses refuse; then two take, and the first is kept. */
static void connect_each(void)
{
	const char *ips[] = { "127.0.0.2", NULL, "127.0.0.1" };
	const bool refuse[] = { false, false, true }, both[] = { true, true };
	char connected[ADDR_STRLEN], want[64], *log;
	int fds[3], gai, fd, before, err;
	uint16_t port;
	size_t len;

	ips[1] = "127.0.0.1";
	port = same_port(ips, both, 2, fds);
	fake(ips[0], ips[1], NULL);
	fd = connect_to("two" FAKE_SUFFIX, port, connected, &gai);
	if (fd < 0 || !connected_to(fd, fds[0], "127.0.0.2", port))
		todo_wrong(11, "a name with two addresses, both listening: the fd "
		           "returned is not connected to the first, 127.0.0.2 "
		           "(addresses are tried in the resolver's order)");
	if (diag_ready(fds[1], POLLIN, 50))
		todo_wrong(11, "a name with two addresses, both listening: the second "
		           "got a connection too: stop at the first that connects");
	close(fd);
	close(fds[0]);
	close(fds[1]);

	ips[1] = ipv6_loopback() ? "::1" : "127.0.0.3";
	port = same_port(ips, refuse, 3, fds);
	fake(ips[0], ips[1], ips[2]);
	if (freopen("log", "w", stderr) == NULL)
		exit(1);
	setvbuf(stderr, NULL, _IONBF, 0);
	before = diag_open_fds();
	fd = connect_to("three" FAKE_SUFFIX, port, connected, &gai);
	err = errno;
	fflush(stderr);
	if (fd < 0)
		todo_wrong(11, "a name whose first two addresses refuse and the third "
		           "listens: connect_by_name() failed (%s): try each address "
		           "in turn, following ai_next", diag_errname(err));
	if (!connected_to(fd, fds[2], "127.0.0.1", port))
		todo_wrong(11, "a name whose first two addresses refuse and the third "
		           "listens: the fd returned is not connected to the third");
	if (diag_open_fds() != before + 1)
		todo_wrong(11, "after two addresses refused, %d fds more are open, not "
		           "1: close the socket of each address that failed",
		           diag_open_fds() - before);
	log = (char *)diag_slurp("log", &len);
	snprintf(want, sizeof want, "127.0.0.2:%u", port);
	if (log == NULL || memmem(log, len, want, strlen(want)) == NULL
	    || memmem(log, len, "refused", 7) == NULL)
		todo_wrong(11, "two addresses refused, and stderr does not name %s "
		           "with its error (log_line() each address that fails, "
		           "with strerror(errno))", want);
	free(log);
	close(fd);
	for (int i = 0; i < 3; i++)
		close(fds[i]);

	ips[0] = "127.0.0.2", ips[1] = "127.0.0.3";
	port = same_port(ips, refuse, 2, fds);
	fake(ips[0], ips[1], NULL);
	fd = connect_to("none" FAKE_SUFFIX, port, connected, &gai);
	if (fd >= 0 || gai != 0)
		todo_wrong(11, "a name whose every address refuses: connect_by_name() "
		           "returned %d, *gai_error %d, not -1 and 0", fd, gai);
}

static void check_connect_by_name(void)
{
	connect_one();
	connect_each();
}

/* ---- TODO 12-13: exchange_lines() -------------------------------------- */

/* The client's side: exchange_lines() over SOCK, IN_PATH to "out";
 * "RESULT ERRNO SENT ANSWERED SOCK_OPEN" on RESULT. */
struct exchange {
	int sock, result;
	const char *in_path;
	bool interrupt;
};

static void run_exchange(void *arg)
{
	struct exchange *x = arg;
	int in = open(x->in_path, O_RDONLY), out = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	unsigned long sent = 0, answered = 0;
	int r, err;

	if (in < 0 || out < 0)
		_exit(1);
	if (x->interrupt)
		diag_interrupt_every(3000);
	errno = 0;
	r = exchange_lines(x->sock, in, out, &sent, &answered);
	err = errno;
	diag_interrupt_stop();
	dprintf(x->result, "%d %d %lu %lu %d\n", r, err, sent, answered,
	        fcntl(x->sock, F_GETFD) >= 0);
}

struct outcome {
	bool came;
	int r, err, open;
	unsigned long sent, answered;
};

/* The client's outcome, if it comes within MS. */
static struct outcome outcome(int fd, int ms)
{
	struct outcome o = { 0 };
	char line[128];
	ssize_t n;

	if (diag_ready(fd, POLLIN, ms) && (n = read(fd, line, sizeof line - 1)) > 0) {
		line[n] = '\0';
		o.came = sscanf(line, "%d %d %lu %lu %d", &o.r, &o.err, &o.sent,
		                &o.answered, &o.open) == 5;
	}
	return o;
}

/* A client process running exchange_lines() on the client end of a TCP
 * pair; *SERVER the other end, *RESULT its outcome's pipe. */
static int client_fd;    /* the client's socket, its fd in the client process */

static pid_t start_exchange(const char *in_path, int bufsize, bool interrupt,
                            int *server, int *result)
{
	static struct exchange x;
	int cli, pipefd[2];
	pid_t pid;

	tcp_pair(&cli, server);
	if (bufsize) {          /* the client's sends cut short */
		diag_setsockopt(cli, SOL_SOCKET, SO_SNDBUF, 8192);
		diag_setsockopt(cli, SOL_SOCKET, SO_RCVBUF, bufsize);
		diag_setsockopt(*server, SOL_SOCKET, SO_SNDBUF, bufsize);
		diag_setsockopt(*server, SOL_SOCKET, SO_RCVBUF, bufsize);
	}
	if (pipe(pipefd) < 0)
		exit(1);
	x = (struct exchange){ cli, pipefd[1], in_path, interrupt };
	pid = diag_spawn(run_exchange, &x, cli, pipefd[1]);
	client_fd = cli;
	close(cli);
	close(pipefd[1]);
	*result = pipefd[0];
	return pid;
}

/* Has the client process PID closed its socket (fd SOCK there)? */
static bool closed_there(pid_t pid, int sock)
{
	char path[64], target[64];

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, sock);
	return readlink(path, target, sizeof target) < 0 && errno == ENOENT;
}

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		exit(1);
	close(fd);
}

/* The server's side: what the client sends on SERVER, into GOT (CAP
 * bytes at most), until its end of file (*EOF) or its outcome on RESULT
 * (*O); how many bytes. */
static size_t read_input(int server, int result, char *got, size_t cap, bool *eof,
                         struct outcome *o)
{
	struct pollfd pfd[2] = { { server, POLLIN, 0 }, { result, POLLIN, 0 } };
	size_t len = 0;

	while (!*eof && len < cap && poll(pfd, 2, 1000) > 0) {
		ssize_t n;

		if (pfd[1].revents) {
			*o = outcome(result, 0);
			break;
		}
		if ((n = read(server, got + len, cap - len)) < 0)
			break;
		*eof = n == 0;
		len += (size_t)n;
	}
	return len;
}

/* The client process PID, whose outcome O has not come, was killed by a
 * signal: exchange_lines() crashed. */
static void wrong_if_crashed(pid_t pid, const struct outcome *o)
{
	int st;

	if (!o->came && waitpid(pid, &st, WNOHANG) == pid && WIFSIGNALED(st))
		todo_wrong(12, "exchange_lines() crashed (SIG%s) with three lines of "
		           "input", sigabbrev_np(WTERMSIG(st)));
}

/* Three lines, the last without '\n'; the server answers only after the
 * client's EOF, in pieces 20 ms apart. */
static void exchange_small(void)
{
	static const char in[] = "one\ntwo\nthree", want[] = "ONE\nTWO\nTHREE\n";
	char got[64];
	size_t len;
	int server, result;
	bool eof = false;
	struct outcome o = { 0 };
	char *out;
	pid_t pid;

	write_file("in", in, strlen(in));
	pid = start_exchange("in", 0, false, &server, &result);
	len = read_input(server, result, got, sizeof got - 1, &eof, &o);
	if (o.came && o.r < 0 && o.err == ENOSYS)
		todo_missing(12, "exchange_lines() still fails with ENOSYS, as the "
		             "starter code does");
	wrong_if_crashed(pid, &o);

	if (len != strlen(in) || memcmp(got, in, len) != 0)
		todo_wrong(12, "the input was \"one\\ntwo\\nthree\": the server got "
		           "%zu bytes%s%s", len, len == strlen(in) ? ", not as sent" : "",
		           o.came ? " before exchange_lines() returned" : "");
	if (!eof)
		todo_wrong(13, "after the input's end, the server never saw end of "
		           "file: half-close with shutdown(sock, SHUT_WR)");
	poll(NULL, 0, 20);
	for (int i = 0; i < 3; i++) {
		const char *piece[] = { "ONE\n", "TWO\n", "THREE\n" };

		if (i > 0)
			poll(NULL, 0, 20);
		if (send(server, piece[i], strlen(piece[i]), MSG_NOSIGNAL) < 0)
			break;
	}
	close(server);
	if (!o.came)
		o = outcome(result, 1500);
	wrong_if_crashed(pid, &o);
	if ((o.came && !o.open) || (!o.came && closed_there(pid, client_fd)))
		todo_wrong(13, "at the input's end the socket was closed, and the "
		           "answers still coming were lost: shutdown(sock, SHUT_WR) "
		           "ends only the sending");
	if (!o.came)
		todo_wrong(12, "the server closed after its last answer; "
		           "exchange_lines() did not return within 1.5 s");
	out = (char *)diag_slurp("out", &len);
	if (o.r != 0 || out == NULL || len != strlen(want) || memcmp(out, want, len) != 0)
		todo_wrong(12, "three lines, answered after the input's end in pieces "
		           "20 ms apart: exchange_lines() returned %d (%s) with %zu "
		           "bytes on OUT_FD, not 0 and \"ONE\\nTWO\\nTHREE\\n\": read "
		           "the answers until the server closes", o.r,
		           o.r ? diag_errname(o.err) : "ok", out ? len : 0);
	if (o.sent != 3 || o.answered != 3)
		todo_wrong(12, "three lines sent and answered: *sent %lu, *answered %lu",
		           o.sent, o.answered);
	free(out);
	close(result);
}

#define BIG (1 << 20)

/* A megabyte of lines through small socket buffers: the server answers
 * as it reads, and reads no more while its answers wait. */
static void exchange_big(void)
{
	static char in[BIG], want[BIG], pending[65536];
	size_t got = 0, plen = 0, len;
	int server, result;
	bool eof = false, bad = false;
	long long idle_since = diag_now_ms();
	struct outcome o;
	char *out;

	for (size_t i = 0; i < BIG; i++) {
		in[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
		want[i] = i % 64 == 63 ? '\n' : (char)('A' + i % 26);
	}
	write_file("big", in, BIG);
	start_exchange("big", 65536, true, &server, &result);
	fcntl(server, F_SETFL, O_NONBLOCK);
	while (!(eof && plen == 0) && diag_now_ms() - idle_since < 700) {
		struct pollfd pfd = { server, (short)((plen < sizeof pending / 2 && !eof ? POLLIN : 0)
		                                      | (plen ? POLLOUT : 0)), 0 };

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (pfd.revents & POLLOUT) {
			ssize_t n = send(server, pending, plen, MSG_NOSIGNAL);

			if (n > 0) {
				memmove(pending, pending + n, plen - (size_t)n);
				plen -= (size_t)n;
				idle_since = diag_now_ms();
			}
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(server, pending + plen, sizeof pending - plen);

			if (n == 0)
				eof = true;
			if (n > 0) {
				if (got + (size_t)n > BIG || memcmp(pending + plen, in + got, (size_t)n) != 0)
					bad = true;
				ascii_upper(pending + plen, (size_t)n);
				plen += (size_t)n, got += (size_t)n;
				idle_since = diag_now_ms();
			}
			if (n < 0 && errno != EAGAIN)
				break;
		}
	}
	if (bad || (eof && got != BIG))
		todo_wrong(12, "1 MiB of input through a small socket buffer: the "
		           "server got %zu bytes%s: send() may take only part, "
		           "send the rest when poll() says POLLOUT", got,
		           bad ? ", not as sent" : "");
	if (!eof)
		todo_wrong(12, "1 MiB of input, the server answering each line as "
		           "it reads: the exchange stalled after %zu bytes, the "
		           "client not reading the answers while it sends (poll() "
		           "the socket for POLLIN always)", got);
	close(server);
	o = outcome(result, 1500);
	out = (char *)diag_slurp("out", &len);
	if (!o.came || o.r != 0 || out == NULL || len != BIG || memcmp(out, want, BIG) != 0)
		todo_wrong(12, "1 MiB of lines, answered: exchange_lines() returned "
		           "%d (%s), %zu bytes on OUT_FD, not 0 and all the answers",
		           o.r, o.came ? diag_errname(o.err) : "not in time", out ? len : 0);
	free(out);
	close(result);
}

/* The server answers a line, then resets the connection; the input
 * ends at that moment. */
static void exchange_reset(void)
{
	struct linger hard = { 1, 0 };
	int server, result, in, st;
	struct outcome o;
	char got[8];
	ssize_t n = 0;
	pid_t pid;

	if (mkfifo("fifo", 0600) < 0)
		exit(1);
	pid = start_exchange("fifo", 0, false, &server, &result);
	if ((in = open("fifo", O_WRONLY)) < 0 || write(in, "a\nb\n", 4) != 4)
		exit(1);
	for (size_t len = 0; len < 4 && diag_ready(server, POLLIN, 1000)
	     && (n = read(server, got, sizeof got)) > 0; len += (size_t)n)
		;
	kill(pid, SIGSTOP);
	if (waitpid(pid, &st, WUNTRACED) < 0 || send(server, "A\n", 2, MSG_NOSIGNAL) != 2)
		exit(1);
	setsockopt(server, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
	close(server);
	close(in);
	poll(NULL, 0, 20);
	kill(pid, SIGCONT);
	o = outcome(result, 1500);
	if (o.came && o.r < 0 && o.err == ENOTCONN)
		todo_wrong(13, "the server reset the connection as the input ended: "
		           "exchange_lines() failed with ENOTCONN, shutdown()'s; "
		           "pass over that one, the next read() says ECONNRESET");
	if (!o.came || o.r != -1 || o.err != ECONNRESET)
		todo_wrong(12, "the server answered one line and reset the "
		           "connection: exchange_lines() returned %d (%s), not -1 "
		           "with ECONNRESET", o.r, o.came ? diag_errname(o.err) : "not in time");
	close(result);
}

static void check_exchange_lines(void)
{
	exchange_small();
	exchange_big();
	exchange_reset();
}

const struct todo_check lab_checks[] = {
	{ 1, 1, "listen.c", "parse_ipv6", check_parse_ipv6 },
	{ 2, 4, "listen.c", "ipv6_listen", check_ipv6_listen },
	{ 5, 5, "listen.c", "accept_client", check_accept_client },
	{ 6, 6, "listen.c", "ipv6_text", check_ipv6_text },
	{ 7, 9, "lines.c", "serve_lines", check_serve_lines },
	{ 10, 11, "connect.c", "connect_by_name", check_connect_by_name },
	{ 12, 13, "relay.c", "exchange_lines", check_exchange_lines },
};
const size_t lab_nchecks = sizeof lab_checks / sizeof lab_checks[0];
