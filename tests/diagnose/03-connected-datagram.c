/*
 * 03-connected-datagram.c - the diagnosis of lab 03 (diagnose.h): each
 * of the lab's functions called on its own, against UDP sockets this
 * program sets up on the loopback, in the order of the TODOs.
 *
 * What a connected datagram socket is, seen from outside: getpeername()
 * gives its peer, and fails with ENOTCONN once dissolved (or never
 * connected); getsockname() gives the port it is bound to.
 *
 * As the grader's dgram shim does for the programs, sendto() and
 * sendmsg() here fail with EISCONN when given an address on a connected
 * socket, as POSIX allows and the BSDs do (Linux sends all the same):
 * the lab's functions call these, not libc's.
 */
#define _GNU_SOURCE
#include "diagnose.h"
#include "connected_dgram.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* ---- sendto() with an address on a connected socket: EISCONN ------------ */

static bool connected(int fd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof peer;

	return getpeername(fd, (struct sockaddr *)&peer, &len) == 0;
}

#ifdef __USE_GNU
#define SOCKADDR_OF(arg) ((arg).__sockaddr__)
#else
#define SOCKADDR_OF(arg) (arg)
#endif

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               __CONST_SOCKADDR_ARG to, socklen_t to_len)
{
	const struct sockaddr *addr = SOCKADDR_OF(to);

	if (addr != NULL && to_len > 0 && connected(fd)) {
		errno = EISCONN;
		return -1;
	}
	return syscall(SYS_sendto, fd, buf, len, flags, addr, to_len);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (msg->msg_name != NULL && msg->msg_namelen > 0 && connected(fd)) {
		errno = EISCONN;
		return -1;
	}
	return syscall(SYS_sendmsg, fd, msg, flags);
}

/* ---- our side ------------------------------------------------------------ */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int sockopt(int fd, int name)
{
	int value = -1;
	socklen_t len = sizeof value;

	if (getsockopt(fd, SOL_SOCKET, name, &value, &len) < 0)
		return -1;
	return value;
}

static struct sockaddr_in ipv4(const char *ip, in_port_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = port };

	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1)
		exit(1);
	return a;
}

/* A UDP socket of ours bound to IP, port PORT (0: any). */
static int our_socket_at(const char *ip, in_port_t port)
{
	struct sockaddr_in a = ipv4(ip, port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		exit(1);
	return fd;
}

static int our_socket(const char *ip)
{
	return our_socket_at(ip, 0);
}

static struct sockaddr_in local_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;

	memset(&a, 0, sizeof a);
	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		a.sin_family = AF_UNSPEC;
	return a;
}

static bool same(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family && a->sin_port == b->sin_port
	       && a->sin_addr.s_addr == b->sin_addr.s_addr;
}

/* "127.0.0.1:5000", in one of 4 buffers used in turn. */
static const char *name_of(const struct sockaddr_in *a)
{
	static char names[4][32];
	static int next;
	char *name = names[next++ % 4], ip[INET_ADDRSTRLEN] = "?";

	if (a->sin_family != AF_INET)
		return "no IPv4 address";
	inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
	snprintf(name, sizeof names[0], "%s:%u", ip, ntohs(a->sin_port));
	return name;
}

/* A port free on IP right now whose two bytes differ: a missing htons()
 * or ntohs() shows. */
static in_port_t free_port(const char *ip)
{
	for (;;) {
		int fd = our_socket(ip);
		in_port_t port = local_of(fd).sin_port;

		close(fd);
		if ((port & 0xff) != (port >> 8))
			return port;
	}
}

/* A port on 127.0.0.1 nobody listens on: an ICMP "port unreachable"
 * answers what is sent there. */
static struct sockaddr_in closed_port(void)
{
	return ipv4("127.0.0.1", free_port("127.0.0.1"));
}

static void connect_to(int fd, const struct sockaddr_in *to)
{
	if (connect(fd, (const struct sockaddr *)to, sizeof *to) < 0)
		exit(1);
}

static void send_to(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	if (syscall(SYS_sendto, fd, buf, len, 0, to, sizeof *to) != (long)len)
		exit(1);
}

/* Our socket FD's next datagram within MS: its size (-1: none), sender. */
static ssize_t receive(int fd, void *buf, size_t cap, struct sockaddr_in *from, int ms)
{
	socklen_t len = sizeof *from;

	if (!diag_ready(fd, POLLIN, ms))
		return -1;
	return recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, &len);
}

static const char *err_name(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "errno 0";
}

/* ---- a call that may block: in a child, waited for a bounded time -------- */

struct job {
	enum { RECEIVE, EXCHANGE } what;
	int fd, out;
	struct sockaddr_in peer;        /* RECEIVE: the session's peer */
	int ms;                         /* RECEIVE: deadline from now; EXCHANGE: timeout */
	const void *msg;                /* EXCHANGE */
	size_t len;
};

#define NOT_RETURNED (-1000)             /* outcome.r of a call still blocked */

struct outcome {
	long r;                         /* what the call returned */
	int err;                        /* errno after it */
	long long ms;                   /* how long it took */
	long long differs;              /* first byte not the pattern's, -1 */
	char head[32];                  /* the first bytes received */
};

static void run_job(void *arg)
{
	static unsigned char buf[UDP_MAX_PAYLOAD + 64];
	struct job *j = arg;
	struct outcome o = { 0 };
	long long start = now_ms();

	errno = 0;
	if (j->what == RECEIVE)
		o.r = session_receive(j->fd, &j->peer, buf, UDP_MAX_PAYLOAD,
		                      deadline_after(j->ms));
	else
		o.r = exchange(j->fd, j->msg, j->len, buf, j->ms);
	o.err = errno;
	o.ms = now_ms() - start;
	if (o.r > 0) {
		memcpy(o.head, buf, (size_t)o.r < sizeof o.head ? (size_t)o.r : sizeof o.head);
		o.differs = diag_pattern_differs(buf, (size_t)o.r);
	}
	if (write(j->out, &o, sizeof o) != sizeof o)
		_exit(1);
}

/* Start J in a child; *RESULT is where its outcome will arrive. */
static void start_job(struct job j, int *result)
{
	int p[2];

	if (pipe(p) < 0)
		exit(1);
	j.out = p[1];
	diag_spawn(run_job, &j, j.fd, p[1]);
	close(p[1]);
	*result = p[0];
}

/* The outcome of the job whose result arrives on RESULT, within MS:
 * false when it did not return. */
static bool job_done(int result, int ms, struct outcome *o)
{
	bool done = diag_ready(result, POLLIN, ms) && read(result, o, sizeof *o) == sizeof *o;

	close(result);
	if (!done) {
		memset(o, 0, sizeof *o);
		o->r = NOT_RETURNED;
	}
	return done;
}

/* session_receive(FD, PEER, ..., DEADLINE_MS from now), bounded. */
static bool receive_bounded(int fd, const struct sockaddr_in *peer, int deadline_ms,
                            struct outcome *o)
{
	int result;

	start_job((struct job){ .what = RECEIVE, .fd = fd, .peer = *peer, .ms = deadline_ms },
	          &result);
	return job_done(result, deadline_ms + 1500, o);
}

/* CALL failed with ERR where it should not: when ERR tells the socket
 * was not made right, say so (TODO's). */
static void socket_failed(int todo, const char *call, int err)
{
	if (err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT
	    || err == EPROTOTYPE || err == ECONNREFUSED)
		todo_wrong(todo, "%s failed with %s: is the socket AF_INET, SOCK_DGRAM? "
		           "(a datagram socket's connect() sends nothing, so nothing "
		           "refuses it)", call, err_name(err));
	if (err == ENOTSOCK || err == EBADF)
		todo_wrong(todo, "%s failed with %s: the fd given to bind() or "
		           "connect() is not the socket (`if (fd = socket(...) < 0)` "
		           "assigns the comparison)", call, err_name(err));
}

/* FD, which CALL returned, is an AF_INET datagram socket (TODO's). */
static void expect_udp_socket(int todo, int fd, const char *call)
{
	if (sockopt(fd, SO_TYPE) < 0)
		todo_wrong(todo, "%s returned %d, which is not a socket (`if (fd = "
		           "socket(...) < 0)` assigns the comparison)", call, fd);
	if (sockopt(fd, SO_DOMAIN) != AF_INET || sockopt(fd, SO_TYPE) != SOCK_DGRAM)
		todo_wrong(todo, "the socket %s returned is not AF_INET, SOCK_DGRAM "
		           "(socket(2)'s domain and type)", call);
}

/* ---- TODO 1: session_bind() with a port (bind_socket()) ------------------ */

static void check_bind_socket(void)
{
	struct sockaddr_in asked = ipv4("127.0.0.1", free_port("127.0.0.1")), addr = asked, seen;
	int fd = session_bind(&addr), holder, next;

	missing_if_stub(1, fd, "session_bind()");
	if (fd < 0)
		socket_failed(1, "session_bind()", errno);
	if (fd < 0)
		todo_wrong(1, "session_bind() of %s, a free port, failed with %s: bind() "
		           "the socket to *ADDR, sizeof *ADDR bytes", name_of(&asked),
		           err_name(errno));
	expect_udp_socket(1, fd, "session_bind()");
	seen = local_of(fd);
	if (!same(&seen, &asked))
		todo_wrong(1, "session_bind() of %s bound the socket to %s: bind() it "
		           "to *ADDR as given, its address and port", name_of(&asked),
		           name_of(&seen));
	close(fd);

	/* A port taken: -1 with EADDRINUSE, and no socket left open. */
	holder = our_socket("127.0.0.1");
	addr = asked = local_of(holder);
	next = dup(0);
	close(next);
	errno = 0;
	fd = session_bind(&addr);
	if (fd >= 0 || errno != EADDRINUSE)
		todo_wrong(1, "session_bind() of %s, a port another socket holds, "
		           "returned %d with %s, not -1 with EADDRINUSE (keep "
		           "bind()'s errno: close() may change it)", name_of(&asked),
		           fd, err_name(errno));
	fd = dup(0);
	if (fd != next)
		todo_wrong(1, "session_bind() of a port in use failed, but left its "
		           "socket open: close() it when bind() fails");
}

/* ---- TODO 2: wait_for_peer() --------------------------------------------- */

static void check_wait_for_peer(void)
{
	int fd = our_socket("127.0.0.1"), sender = our_socket("127.0.0.2");
	struct sockaddr_in server = local_of(fd), me = local_of(sender), peer;
	char buf[64];
	ssize_t n;

	send_to(sender, "hello\0x", 7, &server);
	memset(&peer, 0, sizeof peer);
	n = wait_for_peer(fd, buf, sizeof buf, &peer);
	missing_if_stub(2, n, "wait_for_peer()");
	if (n < 0)
		todo_wrong(2, "with a datagram waiting, wait_for_peer() failed with %s",
		           err_name(errno));
	if (n != 7 || memcmp(buf, "hello\0x", 7) != 0)
		todo_wrong(2, "sent the 7 bytes \"hello\\0x\": wait_for_peer() returned "
		           "%zd: recvfrom() into BUF, CAP bytes, and return its result", n);
	if (!same(&peer, &me))
		todo_wrong(2, "a datagram from %s: wait_for_peer() left %s in *PEER: "
		           "give recvfrom() PEER and &LEN (sizeof *PEER)", name_of(&me),
		           name_of(&peer));
	send_to(sender, "", 0, &server);
	n = wait_for_peer(fd, buf, sizeof buf, &peer);
	if (n != 0)
		todo_wrong(2, "sent a zero-length datagram: wait_for_peer() returned "
		           "%zd (%s), not 0: an empty datagram is one like any other",
		           n, n < 0 ? err_name(errno) : "bytes");
}

/* ---- TODO 3: connect_peer() ---------------------------------------------- */

static void check_connect_peer(void)
{
	int fd = our_socket("127.0.0.1"), other = our_socket("127.0.0.2");
	struct sockaddr_in bound = local_of(fd), peer = local_of(other), seen;
	socklen_t len = sizeof seen;
	int r = connect_peer(fd, &peer);

	missing_if_stub(3, r, "connect_peer()");
	if (r < 0)
		todo_wrong(3, "connect_peer() to %s failed with %s", name_of(&peer),
		           err_name(errno));
	memset(&seen, 0, sizeof seen);
	if (getpeername(fd, (struct sockaddr *)&seen, &len) < 0)
		todo_wrong(3, "connect_peer() returned %d, but the socket has no peer "
		           "(getpeername() fails with %s): connect() it to *PEER", r,
		           err_name(errno));
	if (!same(&seen, &peer))
		todo_wrong(3, "connect_peer() to %s connected the socket to %s: "
		           "connect() to *PEER, sizeof *PEER bytes", name_of(&peer),
		           name_of(&seen));
	seen = local_of(fd);
	if (!same(&seen, &bound))
		todo_wrong(3, "connect_peer() moved the socket from %s to %s: connect() "
		           "the socket given, do not make another", name_of(&bound),
		           name_of(&seen));
}

/* ---- TODO 4: session_send() ---------------------------------------------- */

static void check_session_send(void)
{
	static unsigned char big[UDP_MAX_PAYLOAD], got[UDP_MAX_PAYLOAD + 1];
	int fd = our_socket("127.0.0.1"), peer = our_socket("127.0.0.2");
	struct sockaddr_in them = local_of(peer), server = local_of(fd), from;
	ssize_t n;
	int r;

	connect_to(fd, &them);
	r = session_send(fd, "hi\0there", 8);
	missing_if_stub(4, r, "session_send()");
	if (r < 0 && errno == EISCONN)
		todo_wrong(4, "on a connected socket, session_send() failed with "
		           "EISCONN: it gave sendto() an address, which a system may "
		           "refuse there (POSIX); send() or write() without one");
	if (r < 0)
		todo_wrong(4, "on a socket connected to its peer, session_send() "
		           "failed with %s", err_name(errno));
	n = receive(peer, got, sizeof got, &from, 1000);
	if (n != 8 || memcmp(got, "hi\0there", 8) != 0 || !same(&from, &server))
		todo_wrong(4, "session_send() of 8 bytes (a NUL among them): the peer "
		           "got %zd bytes from %s: one send() of LEN bytes of BUF", n,
		           n < 0 ? "nobody" : name_of(&from));
	r = session_send(fd, "", 0);
	n = receive(peer, got, sizeof got, &from, 1000);
	if (r < 0 || n != 0)
		todo_wrong(4, "session_send() of 0 bytes returned %d and the peer got "
		           "%s: an empty datagram is sent like any other", r,
		           n < 0 ? "nothing" : "bytes");
	diag_pattern(big, sizeof big);
	r = session_send(fd, big, sizeof big);
	n = receive(peer, got, sizeof got, &from, 1000);
	if (r < 0 || n != (ssize_t)sizeof big || diag_pattern_differs(got, (size_t)n) >= 0)
		todo_wrong(4, "session_send() of %zu bytes returned %d and the peer got "
		           "%zd bytes%s: one datagram holds them all", sizeof big, r, n,
		           n == (ssize_t)sizeof big ? ", not as sent" : "");
}

/* ---- TODO 5: session_receive() ------------------------------------------- */

static const char *what_came(const struct outcome *o)
{
	static char text[96];

	if (o->r == NOT_RETURNED)
		snprintf(text, sizeof text, "nothing (it had not returned)");
	else if (o->r < 0)
		snprintf(text, sizeof text, "%ld with %s after %lld ms", o->r, err_name(o->err), o->ms);
	else if (o->r > 16 || memchr(o->head, '\0', (size_t)o->r) != NULL)
		snprintf(text, sizeof text, "%ld bytes", o->r);
	else
		snprintf(text, sizeof text, "%ld (\"%.*s\")", o->r, (int)o->r, o->head);
	return text;
}

/* A socket of ours bound on 127.0.0.1 connected to a peer on 127.0.0.2. */
static void session_pair(int *fd, int *peer, struct sockaddr_in *server, struct sockaddr_in *them)
{
	*fd = our_socket("127.0.0.1");
	*peer = our_socket("127.0.0.2");
	*server = local_of(*fd);
	*them = local_of(*peer);
}

static void check_session_receive(void)
{
	struct sockaddr_in server, them, stranger_at, gone;
	int fd, peer, stranger;
	struct outcome o;

	/* The peer's datagram, then an empty one. */
	session_pair(&fd, &peer, &server, &them);
	connect_to(fd, &them);
	send_to(peer, "data", 4, &server);
	if (!receive_bounded(fd, &them, 1000, &o))
		todo_wrong(5, "with the peer's datagram waiting, session_receive() "
		           "had not returned after 2.5 s (deadline 1 s away)");
	if (o.r < 0 && o.err == ENOSYS)
		todo_missing(5, "session_receive() still fails with ENOSYS, as the "
		             "starter code does");
	if (o.r != 4 || memcmp(o.head, "data", 4) != 0)
		todo_wrong(5, "with the peer's \"data\" waiting, session_receive() "
		           "returned %s: recvfrom() into BUF and return its size",
		           what_came(&o));
	send_to(peer, "", 0, &server);
	if (!receive_bounded(fd, &them, 1000, &o) || o.r != 0)
		todo_wrong(5, "with the peer's zero-length datagram waiting, "
		           "session_receive() returned %s, not 0: an empty datagram "
		           "is one like any other", what_came(&o));
	close(fd);
	close(peer);

	/* A stranger's datagram queued before connect(). */
	session_pair(&fd, &peer, &server, &them);
	stranger = our_socket("127.0.0.3");
	stranger_at = local_of(stranger);
	send_to(stranger, "stranger", 8, &server);
	if (!diag_ready(fd, POLLIN, 1000))
		exit(1);
	connect_to(fd, &them);
	send_to(peer, "peer", 4, &server);
	if (!receive_bounded(fd, &them, 1000, &o) || o.r != 4 || memcmp(o.head, "peer", 4) != 0)
		todo_wrong(5, "a stranger (%s) queued \"stranger\" before connect(), then "
		           "the peer sent \"peer\": session_receive() returned %s - "
		           "check each datagram's sender (recvfrom(), same_endpoint()) "
		           "and discard a stranger's", name_of(&stranger_at), what_came(&o));
	close(fd);
	close(peer);
	close(stranger);

	/* The peer's port closed: ECONNREFUSED, at once. */
	fd = our_socket("127.0.0.1");
	gone = closed_port();
	connect_to(fd, &gone);
	if (send(fd, "x", 1, 0) != 1)
		exit(1);
	if (!receive_bounded(fd, &gone, 1000, &o) || o.r >= 0 || o.err != ECONNREFUSED
	    || o.ms > 500)
		todo_wrong(5, "connected to a closed port, the ICMP error of a datagram "
		           "sent there pending, session_receive() (deadline 1 s away) "
		           "returned %s, not -1 with ECONNREFUSED at once: any recvfrom() "
		           "error but EAGAIN ends it", what_came(&o));
	close(fd);

	/* A silent peer: ETIMEDOUT at the deadline. */
	session_pair(&fd, &peer, &server, &them);
	connect_to(fd, &them);
	if (!receive_bounded(fd, &them, 200, &o))
		todo_wrong(5, "with a silent peer and a deadline 200 ms away, "
		           "session_receive() had not returned after 1.7 s: wait with "
		           "wait_fd(fd, POLLIN, ms_left(deadline)), and 0 from it is "
		           "ETIMEDOUT");
	if (o.r >= 0 || o.err != ETIMEDOUT || o.ms < 150)
		todo_wrong(5, "with a silent peer and a deadline 200 ms away, "
		           "session_receive() returned %s, not -1 with ETIMEDOUT at "
		           "the deadline", what_came(&o));
}

/* ---- TODO 6: dissolve() -------------------------------------------------- */

static void check_dissolve(void)
{
	int fd = our_socket_at("127.0.0.1", free_port("127.0.0.1")), peer = our_socket("127.0.0.2");
	int other = our_socket("127.0.0.3");
	struct sockaddr_in bound = local_of(fd), them = local_of(peer), seen, from;
	socklen_t len = sizeof seen;
	char buf[16];
	int r;

	connect_to(fd, &them);
	r = dissolve(fd);
	missing_if_stub(6, r, "dissolve()");
	if (r < 0)
		todo_wrong(6, "on a socket connected to %s, dissolve() failed with %s: "
		           "connect() to an address of family AF_UNSPEC", name_of(&them),
		           err_name(errno));
	if (getpeername(fd, (struct sockaddr *)&seen, &len) == 0)
		todo_wrong(6, "after dissolve(), the socket is still connected to %s: "
		           "connect() it to an address of family AF_UNSPEC", name_of(&seen));
	seen = local_of(fd);
	if (!same(&seen, &bound))
		todo_wrong(6, "dissolve() moved the socket from %s to %s: connect() the "
		           "socket given to AF_UNSPEC, do not make another",
		           name_of(&bound), name_of(&seen));
	send_to(other, "next", 4, &bound);
	if (receive(fd, buf, sizeof buf, &from, 1000) != 4)
		todo_wrong(6, "after dissolve(), a datagram from another host did not "
		           "reach the socket: connect() it to AF_UNSPEC");
}

/* ---- TODO 7: send_bye() -------------------------------------------------- */

static void check_send_bye(void)
{
	int fd = our_socket("127.0.0.1"), peer = our_socket("127.0.0.2");
	struct sockaddr_in server = local_of(fd), them = local_of(peer), from;
	char buf[16];
	ssize_t n;
	int r = send_bye(fd, &them);

	missing_if_stub(7, r, "send_bye()");
	if (r < 0)
		todo_wrong(7, "on a dissolved (unconnected) socket, send_bye() failed "
		           "with %s: it has no peer, so sendto() with *PEER's address",
		           err_name(errno));
	n = receive(peer, buf, sizeof buf, &from, 1000);
	if (n != BYE_LEN || memcmp(buf, BYE, BYE_LEN) != 0 || !same(&from, &server))
		todo_wrong(7, "send_bye() to %s returned %d and the peer got %zd bytes "
		           "(\"%.*s\") from %s, not the 3 bytes \"BYE\": sendto() BYE, "
		           "BYE_LEN bytes, to *PEER", name_of(&them), r, n,
		           (int)(n > 0 ? n : 0), buf, n < 0 ? "nobody" : name_of(&from));
}

/* ---- TODO 8: session_bind() with port 0 (find_free_port()) ---------------- */

/* The kernel's range for port 0 (/proc/sys/net/ipv4/ip_local_port_range). */
static bool port_range(unsigned *lo, unsigned *hi)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	bool ok = f != NULL && fscanf(f, "%u %u", lo, hi) == 2;

	if (f != NULL)
		fclose(f);
	return ok;
}

static void check_find_free_port(void)
{
	struct sockaddr_in addr, seen, none = { .sin_family = AF_UNSPEC };
	int peer = our_socket("127.0.0.2"), fd = -1;
	struct sockaddr_in them = local_of(peer);
	unsigned lo, hi;

	for (int i = 0; i < 20; i++) {
		addr = ipv4("127.0.0.1", 0);
		if (fd >= 0)
			close(fd);
		fd = session_bind(&addr);
		if (fd < 0 && errno == ENOSYS)
			todo_missing(8, "session_bind() with port 0 still fails with ENOSYS, "
			             "as the starter code does");
		if (fd < 0 && errno == EADDRINUSE)
			todo_wrong(8, "session_bind() of 127.0.0.1 port 0 failed with "
			           "EADDRINUSE: close() the scratch socket before the "
			           "real one binds the port it found");
		if (fd < 0)
			todo_wrong(8, "session_bind() of 127.0.0.1 port 0 failed with %s",
			           err_name(errno));
		seen = local_of(fd);
		if (seen.sin_port == 0 || !same(&seen, &addr))
			todo_wrong(8, "session_bind() with port 0 bound %s and said %s in *ADDR",
			           name_of(&seen), name_of(&addr));
		if (port_range(&lo, &hi) && (ntohs(seen.sin_port) < lo || ntohs(seen.sin_port) > hi))
			todo_wrong(8, "session_bind() with port 0 bound port %u, out of the "
			           "range %u-%u the kernel hands out for port 0, and %u with "
			           "its bytes swapped: getsockname() gives sin_port in "
			           "network byte order already, put it in *PORT as it is "
			           "(no htons())", ntohs(seen.sin_port), lo, hi,
			           (unsigned)(seen.sin_port & 0xffff));
	}
	/* A session, dissolved: the port must stay. */
	connect_to(fd, &them);
	if (connect(fd, (struct sockaddr *)&none, sizeof none) < 0)
		exit(1);
	seen = local_of(fd);
	if (seen.sin_port != addr.sin_port)
		todo_missing(8, "with port 0, session_bind() let bind() choose the port "
		             "(%u), which Linux gives back at the first dissolve: find a "
		             "free port with a scratch socket, getsockname(), and put it "
		             "in *PORT", ntohs(addr.sin_port));
}

/* ---- TODO 9: connect_server() -------------------------------------------- */

static void check_connect_server(void)
{
	int srv = our_socket_at("127.0.0.1", free_port("127.0.0.1"));
	struct sockaddr_in server = local_of(srv), seen;
	socklen_t len = sizeof seen;
	int fd = connect_server(&server);

	missing_if_stub(9, fd, "connect_server()");
	if (fd < 0)
		socket_failed(9, "connect_server()", errno);
	if (fd < 0)
		todo_wrong(9, "connect_server() to %s failed with %s", name_of(&server),
		           err_name(errno));
	expect_udp_socket(9, fd, "connect_server()");
	memset(&seen, 0, sizeof seen);
	if (getpeername(fd, (struct sockaddr *)&seen, &len) < 0)
		todo_wrong(9, "the socket connect_server() returned has no peer "
		           "(getpeername() fails with %s): connect() it to *SERVER",
		           err_name(errno));
	if (!same(&seen, &server))
		todo_wrong(9, "connect_server() to %s connected the socket to %s: "
		           "connect() to *SERVER, sizeof *SERVER bytes", name_of(&server),
		           name_of(&seen));
}

/* ---- TODO 10: exchange() ------------------------------------------------- */

/* A socket of ours connected to a server socket of ours, SRV. */
static int client_of(int srv)
{
	struct sockaddr_in server = local_of(srv);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		exit(1);
	connect_to(fd, &server);
	return fd;
}

/* exchange(FD, MSG, LEN, ..., TIMEOUT) while we play the server on SRV:
 * *GOT what reached it (-1: nothing within a second), answered with
 * REPLY (RLEN bytes; NULL: silence).  False when exchange() did not
 * return within TIMEOUT + 1.5 s. */
static bool exchange_with(int fd, int srv, const char *msg, size_t len, int timeout,
                          const void *reply, size_t rlen, ssize_t *got, struct outcome *o)
{
	static char buf[UDP_MAX_PAYLOAD + 1];
	struct sockaddr_in from;
	int result;

	struct pollfd both[2] = { { .fd = srv, .events = POLLIN }, { .events = POLLIN } };
	socklen_t from_len = sizeof from;

	start_job((struct job){ .what = EXCHANGE, .fd = fd, .ms = timeout, .msg = msg,
	                        .len = len }, &result);
	/* Until a datagram arrives, or exchange() returned without one. */
	both[1].fd = result;
	while (poll(both, 2, 1000) < 0 && errno == EINTR)
		;
	*got = -1;
	if (both[0].revents & POLLIN)
		*got = recvfrom(srv, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from,
		                &from_len);
	if (*got >= 0 && ((size_t)*got != len || memcmp(buf, msg, len) != 0))
		*got = -2;
	if (*got >= 0 && reply != NULL)
		send_to(srv, reply, rlen, &from);
	return job_done(result, timeout + 1500, o);
}

static void check_exchange(void)
{
	static unsigned char big[UDP_MAX_PAYLOAD], huge[70000];
	int srv = our_socket("127.0.0.1"), fd = client_of(srv);
	struct sockaddr_in gone;
	struct outcome o;
	ssize_t got;
	bool done;

	done = exchange_with(fd, srv, "hello", 5, 1000, "HELLO", 5, &got, &o);
	if (done && o.r < 0 && o.err == ENOSYS)
		todo_missing(10, "exchange() still fails with ENOSYS, as the starter "
		             "code does");
	if (done && o.r < 0 && o.err == EISCONN)
		todo_wrong(10, "on a connected socket, exchange() failed with EISCONN: "
		           "it gave sendto() an address, which a system may refuse "
		           "there (POSIX); write() without one");
	if (got < 0)
		todo_wrong(10, "exchange(\"hello\", 5 bytes) on a connected socket: the "
		           "server got %s: write() MSG, LEN bytes, one datagram",
		           got == -1 ? "nothing" : "something else");
	if (!done)
		todo_wrong(10, "the server answered \"HELLO\" at once; exchange() "
		           "(timeout 1 s) had not returned 2.5 s later");
	if (o.r != 5 || memcmp(o.head, "HELLO", 5) != 0)
		todo_wrong(10, "the server answered \"HELLO\" at once: exchange() "
		           "returned %s: read() the reply into REPLY and return its size",
		           what_came(&o));

	diag_pattern(big, sizeof big);
	done = exchange_with(fd, srv, "big", 3, 1000, big, sizeof big, &got, &o);
	if (!done || o.r != (long)sizeof big || o.differs >= 0)
		todo_wrong(10, "the server answered with a datagram of %zu bytes: "
		           "exchange() returned %s: read() it into REPLY, "
		           "UDP_MAX_PAYLOAD bytes", sizeof big, what_came(&o));
	done = exchange_with(fd, srv, "empty", 5, 1000, "", 0, &got, &o);
	if (!done || o.r != 0)
		todo_wrong(10, "the server answered with a zero-length datagram: "
		           "exchange() returned %s, not 0 (an empty datagram, not an "
		           "error)", what_came(&o));

	done = exchange_with(fd, srv, (const char *)huge, sizeof huge, 1000, NULL, 0, &got, &o);
	if (!done || o.r >= 0 || o.err != EMSGSIZE)
		todo_wrong(10, "exchange() of 70000 bytes, more than a datagram holds, "
		           "returned %s, not -1 with EMSGSIZE (write()'s)", what_came(&o));

	done = exchange_with(fd, srv, "quiet", 5, 200, NULL, 0, &got, &o);
	if (!done)
		todo_wrong(10, "with a server that never answers and a timeout of 200 "
		           "ms, exchange() had not returned after 1.7 s: poll() for "
		           "TIMEOUT_MS");
	if (o.r >= 0 || o.err != ETIMEDOUT || o.ms < 150)
		todo_wrong(10, "with a server that never answers and a timeout of 200 "
		           "ms, exchange() returned %s, not -1 with ETIMEDOUT after "
		           "the timeout", what_came(&o));
	close(fd);

	/* Nobody at the server's port: ECONNREFUSED at once. */
	gone = closed_port();
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		exit(1);
	connect_to(fd, &gone);
	start_job((struct job){ .what = EXCHANGE, .fd = fd, .ms = 1000, .msg = "x", .len = 1 },
	          &srv);
	if (!job_done(srv, 2500, &o) || o.r >= 0 || o.err != ECONNREFUSED || o.ms > 500)
		todo_wrong(10, "to a port nobody listens on (timeout 1 s), exchange() "
		           "returned %s, not -1 with ECONNREFUSED at once: the ICMP "
		           "error wakes poll() (POLLERR, not POLLIN); read() then "
		           "fails with ECONNREFUSED", what_came(&o));
}

const struct todo_check lab_checks[] = {
	{ 1, 1, "bind.c", "session_bind", check_bind_socket },
	{ 2, 2, "session.c", "wait_for_peer", check_wait_for_peer },
	{ 3, 3, "session.c", "connect_peer", check_connect_peer },
	{ 4, 4, "session.c", "session_send", check_session_send },
	{ 5, 5, "session.c", "session_receive", check_session_receive },
	{ 6, 6, "session.c", "dissolve", check_dissolve },
	{ 7, 7, "session.c", "send_bye", check_send_bye },
	{ 8, 8, "bind.c", "session_bind", check_find_free_port },
	{ 9, 9, "talk.c", "connect_server", check_connect_server },
	{ 10, 10, "talk.c", "exchange", check_exchange },
};
const size_t lab_nchecks = sizeof lab_checks / sizeof lab_checks[0];
