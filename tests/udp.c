/*
 * udp.c - the test's own UDP/IPv4 sockets (see udp.h).
 */
#define _DEFAULT_SOURCE /* SO_REUSEPORT, SO_DOMAIN */
#include "udp.h"
#include "grade.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int udp_open(const char *ip)
{
	return udp_open_at(udp_addr(ip, 0));
}

int udp_open_at(struct sockaddr_in a)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0, "test: socket: %s", strerror(errno));
	ck_assert_msg(bind(fd, (struct sockaddr *)&a, sizeof a) == 0,
	              "test: cannot bind a UDP socket to %s: %s", sa_text(&a),
	              strerror(errno));
	return fd;
}

struct sockaddr_in udp_addr(const char *ip, uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	ck_assert_msg(inet_pton(AF_INET, ip, &a.sin_addr) == 1,
	              "test: bad address %s", ip);
	return a;
}

struct sockaddr_in udp_local(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;

	ck_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	return a;
}

struct sockaddr_in ready_address(struct proc *srv)
{
	char ip[64];
	unsigned port;
	char extra;
	struct sockaddr_in a;
	const char *colon = strrchr(wait_ready(srv), ':');

	if (colon == NULL || (size_t)(colon - srv->ready_addr) >= sizeof ip
	    || sscanf(colon + 1, "%u%c", &port, &extra) != 1 || port > 65535)
		fail(srv, "expected the ready line \"listening on IP:PORT\" (like "
		     "\"listening on 127.0.0.1:50002\"); got \"listening on %s\"",
		     srv->ready_addr);
	memcpy(ip, srv->ready_addr, (size_t)(colon - srv->ready_addr));
	ip[colon - srv->ready_addr] = '\0';
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1)
		fail(srv, "expected an IPv4 address in the ready line; got "
		     "\"listening on %s\"", srv->ready_addr);
	return a;
}

struct proc *udp_server(const struct run_opts *o, const char *ip,
                        const char *port, const char *opt, const char *value,
                        struct sockaddr_in *addr)
{
	const char *args[6] = { NULL };
	struct proc *srv;
	int n = 0;

	if (ip != NULL)
		args[n++] = "-a", args[n++] = ip;
	args[n++] = "-p", args[n++] = port;
	if (opt != NULL)
		args[n++] = opt, args[n++] = value;
	srv = run("server", o, args[0], args[1], args[2], args[3], args[4],
	          args[5], NULL);
	*addr = ready_address(srv);
	return srv;
}

void udp_send(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)to,
	                   sizeof *to);

	ck_assert_msg(n == (ssize_t)len, "test: sendto %s: %s", sa_text(to),
	              n < 0 ? strerror(errno) : "short");
}

ssize_t udp_recv(int fd, void *buf, size_t cap, struct sockaddr_in *from,
                 int timeout_ms)
{
	struct sockaddr_in ignored;
	socklen_t len = sizeof ignored;

	if (from == NULL)
		from = &ignored;
	for (;;) {
		ssize_t n;

		if (!wait_io(fd, false, timeout_ms))
			return -1;
		n = recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from,
		             &len);
		if (n >= 0)
			return n;
		/* ECONNREFUSED and the like belong to the test's own earlier
		 * sends; EAGAIN: gone after all.  Wait on (rarely: no loop). */
		if (errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED)
			ck_abort_msg("test: recvfrom: %s", strerror(errno));
	}
}

int udp_echo_patiently(struct proc *srv, const struct sockaddr_in *srv_addr,
                       const char *msg, const char *want, int retry_ms,
                       int timeout_ms)
{
	int fd = udp_open("127.0.0.1"), tries = 0;
	long long deadline = now_ms() + timeout_ms, next_try = 0;
	size_t wlen = strlen(want);
	char buf[512];

	for (long long now; (now = now_ms()) < deadline;) {
		struct sockaddr_in from;
		ssize_t n;

		if (!running(srv))
			fail(srv, "expected the server to answer \"%s\"; it %s",
			     msg, describe_status(srv->status));
		if (now >= next_try) {
			udp_send(fd, msg, strlen(msg), srv_addr);
			tries++;
			next_try = now + retry_ms;
		}
		/* Anything else (an answer to an earlier try) is passed over. */
		n = udp_recv(fd, buf, sizeof buf, &from, (int)(next_try - now));
		if ((size_t)n == wlen && memcmp(buf, want, wlen) == 0
		    && sa_same(&from, srv_addr))
			return fd;
	}
	fail(srv, "expected the answer \"%s\" from %s to \"%s\"; sent %d "
	     "times in %d ms, no answer came back", want, sa_text(srv_addr),
	     msg, tries, timeout_ms);
}

bool udp_pending(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) > 0;
}

/* DATA (LEN bytes) quoted for a message, with its size: quote() gives
 * the size itself when it cuts the text short. */
static char *quote_sized(const void *data, size_t len)
{
	char *q = quote(data, len, 60), *out;
	size_t cap = strlen(q) + 32;

	if (len > 60 || (out = malloc(cap)) == NULL)
		return q;
	snprintf(out, cap, "%s (%zu bytes)", q, len);
	free(q);
	return out;
}

void expect_datagram(struct proc *p, int fd, const struct sockaddr_in *from,
                     const void *want, size_t want_len, int timeout_ms,
                     const char *hint)
{
	static char buf[70000];
	struct sockaddr_in got_from;
	ssize_t n = udp_recv(fd, buf, sizeof buf, &got_from, timeout_ms);
	char *w = quote_sized(want, want_len);
	struct sockaddr_in me = udp_local(fd);

	if (n < 0)
		fail(p, "expected the datagram %s from %s at the test's socket %s; "
		     "got nothing within %d ms%s%s", w, sa_text(from),
		     sa_text(&me), timeout_ms, hint ? " - " : "", hint ? hint : "");
	if (!sa_same(&got_from, from))
		fail(p, "expected the datagram %s from %s; got %s from %s%s%s", w,
		     sa_text(from), quote(buf, (size_t)n, 60), sa_text(&got_from),
		     hint ? " - " : "", hint ? hint : "");
	if ((size_t)n != want_len || memcmp(buf, want, want_len) != 0) {
		size_t i = 0;

		while (i < (size_t)n && i < want_len
		       && buf[i] == ((const char *)want)[i])
			i++;
		fail(p, "expected the datagram %s from %s; got %s, different "
		     "from byte %zu on%s%s", w, sa_text(from),
		     quote_sized(buf, (size_t)n), i,
		     hint ? " - " : "", hint ? hint : "");
	}
	free(w);
}

void expect_echo(struct proc *srv, int fd, const struct sockaddr_in *srv_addr,
                 const char *msg, const char *want, const char *hint)
{
	struct sockaddr_in me = udp_local(fd);

	udp_send(fd, msg, strlen(msg), srv_addr);
	step("sent %s from %s to %s", quote(msg, strlen(msg), 40),
	     sa_text(&me), sa_text(srv_addr));
	expect_datagram(srv, fd, srv_addr, want, strlen(want), ms(1000), hint);
}

void freeze(struct proc *p)
{
	int waited = 0;
	char state;

	kill(p->pid, SIGSTOP);
	/* SIGSTOP takes effect asynchronously: poll the state, bounded.
	 * (t, not T, when the exec guard traces it: a tracee's stop.) */
	while ((state = process_state(p->pid, NULL)) != 'T' && state != 't') {
		if (waited >= ms(2000) || !running(p))
			fail(p, "test: could not stop %s with SIGSTOP", p->name);
		poll(NULL, 0, 1);
		waited++;
	}
	step("stopped %s with SIGSTOP", p->name);
}

void thaw(struct proc *p)
{
	kill(p->pid, SIGCONT);
	step("continued %s with SIGCONT", p->name);
}

/* Start the server on a UDP port the test holds: exit 1 with the bind
 * error, and no ready line.  The test's socket has SO_REUSEADDR and
 * SO_REUSEPORT set, as a careless second server would: a server that
 * sets either too would share the port (UDP allows it) instead of being
 * refused. */
void expect_port_in_use_refused(void)
{
	struct sockaddr_in any = udp_addr("127.0.0.1", 0), taken;
	int blocker = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), on = 1;
	char port[8];
	struct proc *srv;
	char *err;

	ck_assert_msg(blocker >= 0, "test: socket: %s", strerror(errno));
	ck_assert_msg(setsockopt(blocker, SOL_SOCKET, SO_REUSEADDR, &on,
	                         sizeof on) == 0
	              && setsockopt(blocker, SOL_SOCKET, SO_REUSEPORT, &on,
	                            sizeof on) == 0,
	              "test: setsockopt SO_REUSEADDR/SO_REUSEPORT: %s",
	              strerror(errno));
	ck_assert_msg(bind(blocker, (struct sockaddr *)&any, sizeof any) == 0,
	              "test: cannot bind a UDP socket to 127.0.0.1: %s",
	              strerror(errno));
	taken = udp_local(blocker);
	snprintf(port, sizeof port, "%u", ntohs(taken.sin_port));
	step("the test holds UDP port %s on 127.0.0.1 (its socket has "
	     "SO_REUSEADDR and SO_REUSEPORT set)", port);
	srv = run("server", NULL, "-p", port, NULL);
	if (wait_stderr_line(srv, "listening on ", ms(2000))) {
		kill_proc(srv);
		fail(srv, "expected the server to be refused port %s, which the "
		     "test holds (bind: \"Address already in use\", exit 1); it "
		     "printed \"listening on\" and shares the port instead - does "
		     "it set SO_REUSEADDR or SO_REUSEPORT?  On a UDP socket either "
		     "lets a second server bind a port in use, and datagrams meant "
		     "for one then reach the other", port);
	}
	expect_exit(srv, 1, ms(2000), "the port is taken: a runtime failure");
	err = proc_stderr(srv, NULL);
	if (strstr(err, "in use") == NULL)
		fail(srv, "expected the bind error on stderr (\"Address already in "
		     "use\", from strerror); stderr says otherwise");
	if (strstr(err, "listening on") != NULL)
		fail(srv, "expected no \"listening on\" line: the server never got "
		     "its port");
	free(err);
	close(blocker);
}

/* ---- a program's sockets, seen from outside (labs 02 and 03) -------------- */

/* FD's peer into *PEER: true, or false when it has none (errno ENOTCONN:
 * never connected, or dissolved). */
static bool peer_of(int fd, struct sockaddr_in *peer)
{
	struct sockaddr_storage ss;
	bool connected = sock_addr(fd, true, &ss);

	memcpy(peer, &ss, sizeof *peer);
	return connected;
}

/* Is FD an AF_INET datagram socket bound to BOUND? */
static bool udp_bound_to(int fd, const void *bound)
{
	struct sockaddr_storage here;

	return sockopt(fd, SOL_SOCKET, SO_DOMAIN) == AF_INET
	       && sockopt(fd, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM
	       && sock_addr(fd, false, &here) && sa_same(&here, bound);
}

/* A duplicate of P's AF_INET datagram socket bound to BOUND, for the test
 * to look at (and close).  Fails, saying what P holds instead, when
 * there is none; WHEN: the moment of the look ("after BYE"), HINT (or
 * NULL): where to look. */
int udp_socket_of(struct proc *p, const struct sockaddr_in *bound,
                         const char *when, const char *hint)
{
	char *held;
	int fd;

	if (!running(p))
		fail(p, "expected %s to be running %s, holding its socket; it %s",
		     p->name, when, describe_status(p->status));
	if ((fd = find_socket(p, udp_bound_to, bound, NULL, &held)) >= 0) {
		free(held);
		return fd;
	}
	fail(p, "expected the %s to hold an AF_INET datagram (SOCK_DGRAM) "
	     "socket bound to %s %s; looked at from outside, it holds %s%s%s",
	     p->name, sa_text(bound), when, held ? held : "no socket at all",
	     hint ? " - " : "", hint ? hint : "");
}

void expect_bound_socket(struct proc *srv, const struct sockaddr_in *want,
                         const char *hint)
{
	close(udp_socket_of(srv, want, "once it says \"listening on\"", hint));
	step("looked at the server's sockets from outside: one is AF_INET "
	     "SOCK_DGRAM, bound to %s", sa_text(want));
}

void expect_real_port(struct proc *srv, const struct sockaddr_in *addr)
{
	int fd = udp_open("127.0.0.1");

	if (addr->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
		fail(srv, "expected the server to bind 127.0.0.1 by default (never "
		     "every interface unless told); it says \"listening on %s\"",
		     srv->ready_addr);
	if (addr->sin_port == 0)
		fail(srv, "expected the ready line to give the port the kernel "
		     "chose for -p 0; it says port 0 (getsockname() after bind())");
	expect_echo(srv, fd, addr, "ping", "PING", "the ready line must "
	            "announce the port the server really has");
	close(fd);
}

/* P's socket bound to BOUND must be connected to PEER now, WHEN.  HINT
 * (or NULL): where to look when it is not; FIND_HINT, when there is no
 * such socket at all. */
void expect_peer(struct proc *p, const struct sockaddr_in *bound,
                        const struct sockaddr_in *peer, const char *when,
                        const char *find_hint, const char *hint)
{
	int fd = udp_socket_of(p, bound, when, find_hint);
	struct sockaddr_in got;
	bool connected = peer_of(fd, &got);
	int err = errno;

	close(fd);
	step("looked at the %s's socket %s from outside %s: %s %s", p->name,
	     sa_text(bound), when, connected ? "connected to" : "no peer",
	     connected ? sa_text(&got) : "");
	if (!connected)
		fail(p, "expected the %s's socket %s connected to %s %s "
		     "(getpeername() from outside); it has no peer (%s)%s%s",
		     p->name, sa_text(bound), sa_text(peer), when,
		     strerror(err), hint ? " - " : "", hint ? hint : "");
	if (!sa_same(&got, peer))
		fail(p, "expected the %s's socket %s connected to %s %s "
		     "(getpeername() from outside); it is connected to %s%s%s",
		     p->name, sa_text(bound), sa_text(peer), when,
		     sa_text(&got), hint ? " - " : "", hint ? hint : "");
}

/* P's socket bound to BOUND must have no peer WHEN, or at the latest
 * within TIMEOUT_MS (0: at once).  Hints as for expect_peer(). */
void expect_no_peer(struct proc *p, const struct sockaddr_in *bound,
                           int timeout_ms, const char *when,
                           const char *find_hint, const char *hint)
{
	long long deadline = now_ms() + timeout_ms;
	struct sockaddr_in got;

	for (;;) {
		int fd = udp_socket_of(p, bound, when, find_hint);
		bool connected = peer_of(fd, &got);

		close(fd);
		if (!connected) {
			step("looked at the %s's socket %s from outside %s: no peer",
			     p->name, sa_text(bound), when);
			return;
		}
		if (left_ms(deadline) == 0)
			break;
		poll(NULL, 0, 2);       /* looking again, bounded by DEADLINE */
	}
	fail(p, "expected the %s's socket %s to have no peer %s (getpeername() "
	     "from outside: ENOTCONN); it is still connected to %s%s%s",
	     p->name, sa_text(bound), when, sa_text(&got), hint ? " - " : "",
	     hint ? hint : "");
}

struct fake_server fake_server(void)
{
	struct fake_server s;

	s.fd = udp_open("127.0.0.1");
	s.addr = udp_local(s.fd);
	snprintf(s.port, sizeof s.port, "%u", ntohs(s.addr.sin_port));
	step("the test's server listens on %s", sa_text(&s.addr));
	return s;
}

size_t next_request(struct proc *cli, struct fake_server *s, void *buf,
                    size_t cap, struct sockaddr_in *from, int timeout_ms,
                    const char *what)
{
	int ready = wait_io_or_exit(cli, s->fd, false, timeout_ms);
	ssize_t n;

	/* Exited: it may have sent before. */
	if (ready < 0 && !udp_pending(s->fd))
		fail(cli, "expected %s from the client; it %s first", what,
		     describe_status(cli->status));
	if (ready == 0)
		fail(cli, "expected %s from the client; nothing within %d ms",
		     what, timeout_ms);
	n = udp_recv(s->fd, buf, cap, from, 0);
	ck_assert(n >= 0);
	return (size_t)n;
}

void answer(struct fake_server *s, const struct sockaddr_in *to,
            const void *reply, size_t len)
{
	udp_send(s->fd, reply, len, to);
	step("the test's server answered %s to %s", quote(reply, len, 40),
	     sa_text(to));
}

void strangers_send(const struct fake_server *s, const struct sockaddr_in *to,
                    const char *msg, char names[2][32])
{
	int other_port = udp_open("127.0.0.1"), other_host = udp_open_at(
		udp_addr("127.0.0.2", ntohs(s->addr.sin_port)));
	int fds[2] = { other_port, other_host };

	for (int i = 0; i < 2; i++) {
		struct sockaddr_in me = udp_local(fds[i]);

		snprintf(names[i], 32, "%s", sa_text(&me));
		udp_send(fds[i], msg, strlen(msg), to);
		close(fds[i]);
	}
}

struct run_opts dgram_shim(int pause_ms, const char *extra)
{
	static char pause_env[48];
	static const char *env[3];
	struct run_opts o = { .preload = grade_preload("dgram"), .env = env };

	snprintf(pause_env, sizeof pause_env, "SOCKLAB_DGRAM_PAUSE_MS=%d",
	         ms(pause_ms));
	env[0] = pause_env;
	env[1] = extra;
	return o;
}
