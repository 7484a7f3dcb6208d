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

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

/* 127.0.0.1 and a port free there: nobody listens on it, so an ICMP
 * "port unreachable" answers what is sent there. */
static struct sockaddr_in free_address(void)
{
	return diag_ipv4("127.0.0.1", diag_free_port(SOCK_DGRAM, "127.0.0.1"));
}

static void connect_to(int fd, const struct sockaddr_in *to)
{
	if (connect(fd, (const struct sockaddr *)to, sizeof *to) < 0)
		exit(1);
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
	long long start = diag_now_ms();

	errno = 0;
	if (j->what == RECEIVE)
		o.r = session_receive(j->fd, &j->peer, buf, UDP_MAX_PAYLOAD,
		                      deadline_after(j->ms));
	else
		o.r = exchange(j->fd, j->msg, j->len, buf, j->ms);
	o.err = errno;
	o.ms = diag_now_ms() - start;
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
		           "refuses it)", call, diag_errname(err));
	if (err == ENOTSOCK || err == EBADF)
		todo_wrong(todo, "%s failed with %s: the fd given to bind() or "
		           "connect() is not the socket (`if (fd = socket(...) < 0)` "
		           "assigns the comparison)", call, diag_errname(err));
}

/* CALL returned R; FD, the socket it connected to *WANT (its argument
 * *ARG), has it for its peer (TODO's). */
static void expect_peer(int todo, int fd, const char *call, int r,
                        const struct sockaddr_in *want, const char *arg)
{
	struct sockaddr_in seen;
	socklen_t len = sizeof seen;

	memset(&seen, 0, sizeof seen);
	if (getpeername(fd, (struct sockaddr *)&seen, &len) < 0)
		todo_wrong(todo, "%s returned %d, but the socket has no peer "
		           "(getpeername() fails with %s): connect() it to *%s", call, r,
		           diag_errname(errno), arg);
	if (!same_endpoint(&seen, want))
		todo_wrong(todo, "%s to %s connected the socket to %s: connect() to "
		           "*%s, sizeof *%s bytes", call, diag_name(want),
		           diag_name(&seen), arg, arg);
}

/* ---- TODO 1: session_bind() with a port (bind_socket()) ------------------ */

static void check_bind_socket(void)
{
	struct sockaddr_in asked = free_address(), addr = asked, seen;
	int fd = session_bind(&addr), holder, before;

	missing_if_stub(1, fd, "session_bind()");
	if (fd < 0)
		socket_failed(1, "session_bind()", errno);
	if (fd < 0)
		todo_wrong(1, "session_bind() of %s, a free port, failed with %s: bind() "
		           "the socket to *ADDR, sizeof *ADDR bytes", diag_name(&asked),
		           diag_errname(errno));
	wrong_unless_socket(1, fd, "session_bind()", AF_INET, SOCK_DGRAM);
	seen = diag_local(fd);
	if (!same_endpoint(&seen, &asked))
		todo_wrong(1, "session_bind() of %s bound the socket to %s: bind() it "
		           "to *ADDR as given, its address and port", diag_name(&asked),
		           diag_name(&seen));
	close(fd);

	/* A port taken: -1 with EADDRINUSE, and no socket left open. */
	holder = diag_udp("127.0.0.1", 0);
	addr = asked = diag_local(holder);
	before = diag_open_fds();
	errno = 0;
	fd = session_bind(&addr);
	if (fd >= 0 || errno != EADDRINUSE)
		todo_wrong(1, "session_bind() of %s, a port another socket holds, "
		           "returned %d with %s, not -1 with EADDRINUSE (keep "
		           "bind()'s errno: close() may change it)", diag_name(&asked),
		           fd, diag_errname(errno));
	if (diag_open_fds() != before)
		todo_wrong(1, "session_bind() of a port in use failed, but left its "
		           "socket open: close() it when bind() fails");
}

/* ---- TODO 2: wait_for_peer() --------------------------------------------- */

static void check_wait_for_peer(void)
{
	int fd = diag_udp("127.0.0.1", 0), sender = diag_udp("127.0.0.2", 0);
	struct sockaddr_in server = diag_local(fd), me = diag_local(sender), peer;
	char buf[64];
	ssize_t n;

	diag_send_to(sender, "hello\0x", 7, &server);
	memset(&peer, 0, sizeof peer);
	n = wait_for_peer(fd, buf, sizeof buf, &peer);
	missing_if_stub(2, n, "wait_for_peer()");
	if (n < 0)
		todo_wrong(2, "with a datagram waiting, wait_for_peer() failed with %s",
		           diag_errname(errno));
	if (n != 7 || memcmp(buf, "hello\0x", 7) != 0)
		todo_wrong(2, "sent the 7 bytes \"hello\\0x\": wait_for_peer() returned "
		           "%zd: recvfrom() into BUF, CAP bytes, and return its result", n);
	if (!same_endpoint(&peer, &me))
		todo_wrong(2, "a datagram from %s: wait_for_peer() left %s in *PEER: "
		           "give recvfrom() PEER and &LEN (sizeof *PEER)", diag_name(&me),
		           diag_name(&peer));
	diag_send_to(sender, "", 0, &server);
	n = wait_for_peer(fd, buf, sizeof buf, &peer);
	if (n != 0)
		todo_wrong(2, "sent a zero-length datagram: wait_for_peer() returned "
		           "%zd (%s), not 0: an empty datagram is one like any other",
		           n, n < 0 ? diag_errname(errno) : "bytes");
}

/* ---- TODO 3: connect_peer() ---------------------------------------------- */

static void check_connect_peer(void)
{
	int fd = diag_udp("127.0.0.1", 0), other = diag_udp("127.0.0.2", 0);
	struct sockaddr_in bound = diag_local(fd), peer = diag_local(other), seen;
	int r = connect_peer(fd, &peer);

	missing_if_stub(3, r, "connect_peer()");
	if (r < 0)
		todo_wrong(3, "connect_peer() to %s failed with %s", diag_name(&peer),
		           diag_errname(errno));
	expect_peer(3, fd, "connect_peer()", r, &peer, "PEER");
	seen = diag_local(fd);
	if (!same_endpoint(&seen, &bound))
		todo_wrong(3, "connect_peer() moved the socket from %s to %s: connect() "
		           "the socket given, do not make another", diag_name(&bound),
		           diag_name(&seen));
}

/* ---- TODO 4: session_send() ---------------------------------------------- */

static void check_session_send(void)
{
	static unsigned char big[UDP_MAX_PAYLOAD], got[UDP_MAX_PAYLOAD + 1];
	int fd = diag_udp("127.0.0.1", 0), peer = diag_udp("127.0.0.2", 0);
	struct sockaddr_in them = diag_local(peer), server = diag_local(fd), from;
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
		           "failed with %s", diag_errname(errno));
	n = diag_recv_within(peer, got, sizeof got, &from, 1000);
	if (n != 8 || memcmp(got, "hi\0there", 8) != 0 || !same_endpoint(&from, &server))
		todo_wrong(4, "session_send() of 8 bytes (a NUL among them): the peer "
		           "got %zd bytes from %s: one send() of LEN bytes of BUF", n,
		           n < 0 ? "nobody" : diag_name(&from));
	r = session_send(fd, "", 0);
	n = diag_recv_within(peer, got, sizeof got, &from, 1000);
	if (r < 0 || n != 0)
		todo_wrong(4, "session_send() of 0 bytes returned %d and the peer got "
		           "%s: an empty datagram is sent like any other", r,
		           n < 0 ? "nothing" : "bytes");
	diag_pattern(big, sizeof big);
	r = session_send(fd, big, sizeof big);
	n = diag_recv_within(peer, got, sizeof got, &from, 1000);
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
		snprintf(text, sizeof text, "%ld with %s after %lld ms", o->r,
		         diag_errname(o->err), o->ms);
	else if (o->r > 16 || memchr(o->head, '\0', (size_t)o->r) != NULL)
		snprintf(text, sizeof text, "%ld bytes", o->r);
	else
		snprintf(text, sizeof text, "%ld (\"%.*s\")", o->r, (int)o->r, o->head);
	return text;
}

/* A socket of ours bound on 127.0.0.1 connected to a peer on 127.0.0.2. */
static void session_pair(int *fd, int *peer, struct sockaddr_in *server, struct sockaddr_in *them)
{
	*fd = diag_udp("127.0.0.1", 0);
	*peer = diag_udp("127.0.0.2", 0);
	*server = diag_local(*fd);
	*them = diag_local(*peer);
}

static void check_session_receive(void)
{
	struct sockaddr_in server, them, stranger_at, gone;
	int fd, peer, stranger;
	struct outcome o;

	/* The peer's datagram, then an empty one. */
	session_pair(&fd, &peer, &server, &them);
	connect_to(fd, &them);
	diag_send_to(peer, "data", 4, &server);
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
	diag_send_to(peer, "", 0, &server);
	if (!receive_bounded(fd, &them, 1000, &o) || o.r != 0)
		todo_wrong(5, "with the peer's zero-length datagram waiting, "
		           "session_receive() returned %s, not 0: an empty datagram "
		           "is one like any other", what_came(&o));
	close(fd);
	close(peer);

	/* A stranger's datagram queued before connect(). */
	session_pair(&fd, &peer, &server, &them);
	stranger = diag_udp("127.0.0.3", 0);
	stranger_at = diag_local(stranger);
	diag_send_to(stranger, "stranger", 8, &server);
	if (!diag_ready(fd, POLLIN, 1000))
		exit(1);
	connect_to(fd, &them);
	diag_send_to(peer, "peer", 4, &server);
	if (!receive_bounded(fd, &them, 1000, &o) || o.r != 4 || memcmp(o.head, "peer", 4) != 0)
		todo_wrong(5, "a stranger (%s) queued \"stranger\" before connect(), then "
		           "the peer sent \"peer\": session_receive() returned %s - "
		           "check each datagram's sender (recvfrom(), same_endpoint()) "
		           "and discard a stranger's", diag_name(&stranger_at), what_came(&o));
	close(fd);
	close(peer);
	close(stranger);

	/* The peer's port closed: ECONNREFUSED, at once. */
	fd = diag_udp("127.0.0.1", 0);
	gone = free_address();
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
	int fd = diag_udp("127.0.0.1", diag_free_port(SOCK_DGRAM, "127.0.0.1"));
	int peer = diag_udp("127.0.0.2", 0), other = diag_udp("127.0.0.3", 0);
	struct sockaddr_in bound = diag_local(fd), them = diag_local(peer), seen, from;
	socklen_t len = sizeof seen;
	char buf[16];
	int r;

	connect_to(fd, &them);
	r = dissolve(fd);
	missing_if_stub(6, r, "dissolve()");
	if (r < 0)
		todo_wrong(6, "on a socket connected to %s, dissolve() failed with %s: "
		           "connect() to an address of family AF_UNSPEC", diag_name(&them),
		           diag_errname(errno));
	if (getpeername(fd, (struct sockaddr *)&seen, &len) == 0)
		todo_wrong(6, "after dissolve(), the socket is still connected to %s: "
		           "connect() it to an address of family AF_UNSPEC", diag_name(&seen));
	seen = diag_local(fd);
	if (!same_endpoint(&seen, &bound))
		todo_wrong(6, "dissolve() moved the socket from %s to %s: connect() the "
		           "socket given to AF_UNSPEC, do not make another",
		           diag_name(&bound), diag_name(&seen));
	diag_send_to(other, "next", 4, &bound);
	if (diag_recv_within(fd, buf, sizeof buf, &from, 1000) != 4)
		todo_wrong(6, "after dissolve(), a datagram from another host did not "
		           "reach the socket: connect() it to AF_UNSPEC");
}

/* ---- TODO 7: send_bye() -------------------------------------------------- */

static void check_send_bye(void)
{
	int fd = diag_udp("127.0.0.1", 0), peer = diag_udp("127.0.0.2", 0);
	struct sockaddr_in server = diag_local(fd), them = diag_local(peer), from;
	char buf[16];
	ssize_t n;
	int r = send_bye(fd, &them);

	missing_if_stub(7, r, "send_bye()");
	if (r < 0)
		todo_wrong(7, "on a dissolved (unconnected) socket, send_bye() failed "
		           "with %s: it has no peer, so sendto() with *PEER's address",
		           diag_errname(errno));
	n = diag_recv_within(peer, buf, sizeof buf, &from, 1000);
	if (n != BYE_LEN || memcmp(buf, BYE, BYE_LEN) != 0 || !same_endpoint(&from, &server))
		todo_wrong(7, "send_bye() to %s returned %d and the peer got %zd bytes "
		           "(\"%.*s\") from %s, not the 3 bytes \"BYE\": sendto() BYE, "
		           "BYE_LEN bytes, to *PEER", diag_name(&them), r, n,
		           (int)(n > 0 ? n : 0), buf, n < 0 ? "nobody" : diag_name(&from));
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
	int peer = diag_udp("127.0.0.2", 0), fd = -1;
	struct sockaddr_in them = diag_local(peer);
	unsigned lo, hi;

	for (int i = 0; i < 20; i++) {
		addr = diag_ipv4("127.0.0.1", 0);
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
			           diag_errname(errno));
		seen = diag_local(fd);
		if (seen.sin_port == 0 || !same_endpoint(&seen, &addr))
			todo_wrong(8, "session_bind() with port 0 bound %s and said %s in *ADDR",
			           diag_name(&seen), diag_name(&addr));
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
	seen = diag_local(fd);
	if (seen.sin_port != addr.sin_port)
		todo_missing(8, "with port 0, session_bind() let bind() choose the port "
		             "(%u), which Linux gives back at the first dissolve: find a "
		             "free port with a scratch socket, getsockname(), and put it "
		             "in *PORT", ntohs(addr.sin_port));
}

/* ---- TODO 9: connect_server() -------------------------------------------- */

static void check_connect_server(void)
{
	int srv = diag_udp("127.0.0.1", diag_free_port(SOCK_DGRAM, "127.0.0.1"));
	struct sockaddr_in server = diag_local(srv);
	int fd = connect_server(&server);

	missing_if_stub(9, fd, "connect_server()");
	if (fd < 0)
		socket_failed(9, "connect_server()", errno);
	if (fd < 0)
		todo_wrong(9, "connect_server() to %s failed with %s", diag_name(&server),
		           diag_errname(errno));
	wrong_unless_socket(9, fd, "connect_server()", AF_INET, SOCK_DGRAM);
	expect_peer(9, fd, "connect_server()", fd, &server, "SERVER");
}

/* ---- TODO 10: exchange() ------------------------------------------------- */

/* A socket of ours connected to SERVER. */
static int client_to(struct sockaddr_in server)
{
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
		diag_send_to(srv, reply, rlen, &from);
	return job_done(result, timeout + 1500, o);
}

static void check_exchange(void)
{
	static unsigned char big[UDP_MAX_PAYLOAD], huge[70000];
	int srv = diag_udp("127.0.0.1", 0), fd = client_to(diag_local(srv));
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
	fd = client_to(free_address());
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
