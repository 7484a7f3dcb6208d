/*
 * 06-unix-datagram.c - the diagnosis of lab 06 (diagnose.h): each of the
 * lab's functions called on its own, against sockets this program sets
 * up, in the order of the TODOs.
 */
#define _GNU_SOURCE
#include "diagnose.h"
#include "unix_dgram.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LONG_NAME "a-socket-file-with-a-long-name.sock"   /* over 14 bytes */
#define ERRNAME(e) (strerrorname_np(e) ? strerrorname_np(e) : "errno 0")

/* ---- sockets of our own -------------------------------------------------- */

static socklen_t path_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t abstract_addr(const char *tag, struct sockaddr_un *a)
{
	int n;

	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "sl-diag-%d-%s",
	             (int)getpid(), tag);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static int dgram_bound(const struct sockaddr_un *a, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (const struct sockaddr *)a, len) < 0)
		exit(1);
	return fd;
}

static int sockopt(int fd, int name)
{
	int value = -1;
	socklen_t len = sizeof value;

	if (getsockopt(fd, SOL_SOCKET, name, &value, &len) < 0)
		return -1;
	return value;
}

/* Receive one datagram on FD within 1 s: its size, its sender in *FROM
 * (*FROM_LEN bytes); -1 if none. */
static ssize_t recv_within(int fd, void *buf, size_t cap, struct sockaddr_un *from,
                           socklen_t *from_len)
{
	struct sockaddr_un dummy;
	socklen_t dummy_len;

	if (from == NULL)
		from = &dummy, from_len = &dummy_len;
	*from_len = sizeof *from;
	if (!diag_ready(fd, POLLIN, 1000))
		return -1;
	return recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, from_len);
}

static bool same_name(const struct sockaddr_un *a, socklen_t alen,
                      const struct sockaddr_un *b, socklen_t blen)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);

	if (alen <= off || blen <= off)
		return false;
	if (a->sun_path[0] == '\0' || b->sun_path[0] == '\0')
		return alen == blen && memcmp(a->sun_path, b->sun_path, alen - off) == 0;
	return strncmp(a->sun_path, b->sun_path, sizeof a->sun_path) == 0;
}

/* ---- TODO 1-2: dgram_server_socket() -------------------------------------- */

static void check_server_socket(void)
{
	struct sockaddr_un a, got;
	socklen_t len = sizeof got;
	bool replaced = true;
	int fd = dgram_server_socket(LONG_NAME, &replaced);

	missing_if_stub(1, fd, "dgram_server_socket()");
	if (fd < 0 && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT
	               || errno == ESOCKTNOSUPPORT || errno == EPROTOTYPE))
		todo_wrong(1, "dgram_server_socket() failed with %s in an empty "
		           "directory: is the socket AF_UNIX, SOCK_DGRAM?", ERRNAME(errno));
	if (fd < 0)
		todo_wrong(2, "dgram_server_socket(\"" LONG_NAME "\") failed with %s in "
		           "an empty directory: bind() to ADDR, LEN bytes", ERRNAME(errno));
	if (sockopt(fd, SO_DOMAIN) != AF_UNIX || sockopt(fd, SO_TYPE) != SOCK_DGRAM)
		todo_wrong(1, "the socket returned is not AF_UNIX, SOCK_DGRAM (socket(2)'s "
		           "domain and type)%s", sockopt(fd, SO_TYPE) < 0 ? ": not a "
		           "socket at all (`if (fd = socket(...) < 0)` assigns the "
		           "comparison)" : "");
	memset(&got, 0, sizeof got);
	if (getsockname(fd, (struct sockaddr *)&got, &len) < 0
	    || len <= offsetof(struct sockaddr_un, sun_path))
		todo_wrong(2, "the socket has no address: bind() it to ADDR");
	if (strncmp(got.sun_path, LONG_NAME, sizeof got.sun_path) != 0)
		todo_wrong(2, "asked for \"" LONG_NAME "\", the socket is bound to "
		           "\"%.*s\": give bind() LEN, the length of the whole address "
		           "(sizeof(struct sockaddr) cuts the path to 14 bytes)",
		           (int)(len - offsetof(struct sockaddr_un, sun_path)), got.sun_path);
	if (replaced)
		todo_wrong(2, "nothing was at the path, and *replaced_stale says a stale "
		           "socket was replaced");

	/* What is at the path already: a live socket (ours), then a stale
	 * one, a file. */
	close(fd);
	unlink(LONG_NAME);
	len = path_addr(LONG_NAME, &a);
	wrong_unless_paths_kept(2, dgram_server_socket, "dgram_server_socket()",
	                        LONG_NAME, dgram_bound(&a, len));
}

/* ---- TODO 3: receive_datagram() ----------------------------------------- */

static void check_receive_datagram(void)
{
	struct sockaddr_un srv, me, from;
	socklen_t slen = path_addr(LONG_NAME, &srv), mlen = abstract_addr("rd", &me), flen;
	int s = dgram_bound(&srv, slen), c = dgram_bound(&me, mlen);
	char buf[16], big[100];
	ssize_t n;

	if (sendto(c, "abc", 3, 0, (struct sockaddr *)&srv, slen) != 3)
		exit(1);
	if (!diag_ready(s, POLLIN, 1000))
		exit(1);
	flen = 0;           /* the function must set it before recvfrom() */
	memset(&from, 0, sizeof from);
	n = receive_datagram(s, buf, sizeof buf, &from, &flen);
	missing_if_stub(3, n, "receive_datagram()");
	if (n != 3 || memcmp(buf, "abc", 3) != 0)
		todo_wrong(3, "a datagram \"abc\" was waiting: receive_datagram() "
		           "returned %zd (%s)", n, n < 0 ? ERRNAME(errno) : "bytes");
	if (!same_name(&from, flen, &me, mlen))
		todo_wrong(3, "the sender, bound to an abstract name of %u address "
		           "bytes, came back as %u bytes%s: set *from_len to sizeof "
		           "*from before recvfrom(), which sets it to the sender's "
		           "length", (unsigned)mlen, (unsigned)flen,
		           flen == 0 ? " (none)" : " of another name");
	memset(big, 'b', sizeof big);
	if (sendto(c, big, sizeof big, 0, (struct sockaddr *)&srv, slen) != sizeof big
	    || !diag_ready(s, POLLIN, 1000))
		exit(1);
	n = receive_datagram(s, buf, 10, &from, &flen);
	if (n != sizeof big)
		todo_wrong(3, "a datagram of %zu bytes into a buffer of 10: "
		           "receive_datagram() returned %zd, not its real size %zu "
		           "(flag MSG_TRUNC)", sizeof big, n, sizeof big);
	errno = 0;
	n = receive_datagram(s, buf, sizeof buf, &from, &flen);
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		todo_wrong(3, "with nothing waiting, receive_datagram() returned %zd "
		           "(%s), not -1 with EAGAIN: it must never block "
		           "(MSG_DONTWAIT)", n, ERRNAME(errno));
}

/* ---- TODO 4: send_answer() ------------------------------------------------ */

static void check_send_answer(void)
{
	struct sockaddr_un srv, me, far, from;
	socklen_t slen = path_addr("server.sock", &srv), mlen = abstract_addr("sa", &me);
	socklen_t flen = path_addr(LONG_NAME, &far), fromlen;
	int s = dgram_bound(&srv, slen), c = dgram_bound(&me, mlen);
	int f = dgram_bound(&far, flen), r;
	char buf[16];
	struct timespec t0, t1;

	r = send_answer(s, "ABC", 3, &me, mlen);
	missing_if_stub(4, r, "send_answer()");
	if (r < 0 || recv_within(c, buf, sizeof buf, &from, &fromlen) != 3
	    || memcmp(buf, "ABC", 3) != 0)
		todo_wrong(4, "send_answer() to an abstract name of %u address bytes "
		           "returned %d, and nothing arrived there: sendto() TO with "
		           "TO_LEN, its exact length (sizeof pads the name with NULs)",
		           (unsigned)mlen, r);
	r = send_answer(s, "LONG", 4, &far, flen);
	if (r < 0 || recv_within(f, buf, sizeof buf, NULL, NULL) != 4)
		todo_wrong(4, "send_answer() to \"" LONG_NAME "\" returned %d (%s), "
		           "and nothing arrived there: TO_LEN, not sizeof(struct "
		           "sockaddr), which cuts a path to 14 bytes", r,
		           r < 0 ? ERRNAME(errno) : "ok");
	errno = 0;
	r = send_answer(s, "X", 1, &me, 0);
	if (r == 0 || errno != EDESTADDRREQ)
		todo_wrong(4, "a sender with no address (TO_LEN 0, as recvfrom() says "
		           "for an unbound one): send_answer() returned %d with %s, "
		           "not -1 with EDESTADDRREQ", r, ERRNAME(errno));
	/* C never reads: fill its queue, then one more must not wait. */
	while (sendto(s, "fill", 4, MSG_DONTWAIT, (struct sockaddr *)&me, mlen) == 4)
		;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	r = send_answer(s, "FULL", 4, &me, mlen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r == 0 || errno != EAGAIN || t1.tv_sec - t0.tv_sec > 0)
		todo_wrong(4, "to a sender whose queue is full, send_answer() returned "
		           "%d with %s: it must not wait for room (MSG_DONTWAIT), but "
		           "fail with EAGAIN", r, ERRNAME(errno));
}

/* ---- TODO 5-6: bind_own_address() ------------------------------------------ */

static void check_bind_own_address(void)
{
	struct own_address me;
	struct sockaddr_un got;
	socklen_t len = sizeof got;
	char prefix[40], cwd[200], *longdir;
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), r, plen;
	size_t n;
	struct stat st;

	memset(&me, 0, sizeof me);
	r = bind_own_address(fd, false, &me);
	missing_if_stub(5, r, "bind_own_address(fd, false, ...)");
	memset(&got, 0, sizeof got);
	if (r < 0 || getsockname(fd, (struct sockaddr *)&got, &len) < 0
	    || len <= offsetof(struct sockaddr_un, sun_path) + 1)
		todo_wrong(5, "bind_own_address(fd, false, ...) returned %d and the "
		           "socket has no name: bind() it", r);
	n = len - offsetof(struct sockaddr_un, sun_path) - 1;
	plen = snprintf(prefix, sizeof prefix, "socklab-%d-", (int)getpid());
	if (got.sun_path[0] != '\0')
		todo_wrong(5, "the client's default address is the pathname \"%s\": an "
		           "abstract name starts with a NUL byte", got.sun_path);
	if (n <= (size_t)plen || memcmp(got.sun_path + 1, prefix, (size_t)plen) != 0
	    || memchr(got.sun_path + 1, '\0', n) != NULL)
		todo_wrong(5, "the abstract name bound is %zu bytes, not "
		           "\"socklab-PID-RANDOM\" exactly: the length must be "
		           "offsetof(struct sockaddr_un, sun_path) + 1 + N (sizeof(struct "
		           "sockaddr) cuts it, sizeof(struct sockaddr_un) pads it with "
		           "NULs)", n);
	if (me.len != len || me.pathname)
		todo_wrong(5, "*ME does not say what was bound: me->len %u (the socket "
		           "says %u), me->pathname %d (an abstract name has no file)",
		           (unsigned)me.len, (unsigned)len, me.pathname);
	close(fd);

	if (getcwd(cwd, sizeof cwd) == NULL)
		exit(1);
	setenv("TMPDIR", cwd, 1);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	r = bind_own_address(fd, true, &me);
	missing_if_stub(6, r, "bind_own_address(fd, true, ...)");
	len = sizeof got;
	memset(&got, 0, sizeof got);
	if (r < 0 || getsockname(fd, (struct sockaddr *)&got, &len) < 0)
		todo_wrong(6, "bind_own_address(fd, true, ...) with TMPDIR=%s returned "
		           "%d (%s)", cwd, r, r < 0 ? ERRNAME(errno) : "ok");
	plen = snprintf(prefix, sizeof prefix, "/socklab-%d-", (int)getpid());
	if (strncmp(got.sun_path, cwd, strlen(cwd)) != 0
	    || strncmp(got.sun_path + strlen(cwd), prefix, (size_t)plen) != 0
	    || lstat(got.sun_path, &st) < 0 || !S_ISSOCK(st.st_mode))
		todo_wrong(6, "with TMPDIR=%s, the socket is bound to \"%.*s\", not "
		           "\"$TMPDIR/socklab-PID-RANDOM.sock\" (the whole path: "
		           "unix_addr()'s length)", cwd,
		           (int)(len > offsetof(struct sockaddr_un, sun_path)
		                 ? len - offsetof(struct sockaddr_un, sun_path) : 0),
		           got.sun_path);
	if (!me.pathname || strcmp(me.addr.sun_path, got.sun_path) != 0)
		todo_wrong(6, "*ME does not name the file bound (me->pathname %d, "
		           "me->addr \"%s\"): remove_own_address() needs it",
		           me.pathname, me.addr.sun_path);
	close(fd);
	unlink(got.sun_path);

	longdir = malloc(200);
	memset(longdir, 'd', 199);
	longdir[0] = '/';
	longdir[199] = '\0';
	setenv("TMPDIR", longdir, 1);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	errno = 0;
	r = bind_own_address(fd, true, &me);
	if (r == 0 || errno != ENAMETOOLONG || me.pathname)
		todo_wrong(6, "with a TMPDIR of 199 bytes, bind_own_address() returned "
		           "%d with %s (me->pathname %d), not -1 with ENAMETOOLONG: "
		           "unix_addr() refuses a path sun_path cannot hold", r,
		           ERRNAME(errno), me.pathname);
}

/* ---- TODO 7: remove_own_address() ------------------------------------------ */

static void check_remove_own_address(void)
{
	struct own_address me;
	int fd;

	memset(&me, 0, sizeof me);
	me.len = path_addr("mine.sock", &me.addr);
	fd = dgram_bound(&me.addr, me.len);
	me.pathname = true;
	remove_own_address(&me);
	if (access("mine.sock", F_OK) == 0)
		todo_missing(7, "remove_own_address() left the socket file of a "
		                "pathname address (me->pathname true): unlink() it");
	if (me.pathname)
		todo_wrong(7, "after remove_own_address(), me->pathname is still true: "
		           "a second call (the signal handler, then atexit()) would "
		           "remove a file that may be someone else's by then");
	close(fd);
	me.len = path_addr("not-mine.sock", &me.addr);
	fd = dgram_bound(&me.addr, me.len);
	me.pathname = false;
	remove_own_address(&me);
	if (access("not-mine.sock", F_OK) < 0)
		todo_wrong(7, "remove_own_address() removed a file with me->pathname "
		           "false: only a file we bound is ours");
	close(fd);
}

/* ---- TODO 8: send_line() ------------------------------------------------------ */

static void check_send_line(void)
{
	struct sockaddr_un srv, none;
	socklen_t slen = path_addr(LONG_NAME, &srv), nlen = path_addr("nobody.sock", &none);
	int s = dgram_bound(&srv, slen), fd = socket(AF_UNIX, SOCK_DGRAM, 0), r;
	struct timeval tv = { .tv_usec = 300000 };
	struct timespec t0, t1;
	long waited;
	char buf[16];

	r = send_line(fd, "hi\0yo", 5, &srv, slen);
	missing_if_stub(8, r, "send_line()");
	if (r < 0 || recv_within(s, buf, sizeof buf, NULL, NULL) != 5
	    || memcmp(buf, "hi\0yo", 5) != 0)
		todo_wrong(8, "send_line() of 5 bytes to \"" LONG_NAME "\" returned %d "
		           "(%s), and those 5 bytes did not arrive as one datagram: "
		           "sendto() with SERVER_LEN (sizeof(struct sockaddr) cuts the "
		           "path to 14 bytes)", r, r < 0 ? ERRNAME(errno) : "ok");
	errno = 0;
	r = send_line(fd, "x", 1, &none, nlen);
	if (r == 0 || errno != ENOENT)
		todo_wrong(8, "send_line() to a path where no socket is returned %d "
		           "with %s, not -1 with ENOENT", r, ERRNAME(errno));
	/* The server's queue full: the socket's SO_SNDTIMEO (300 ms) bounds
	 * the wait, as client.c sets it; a send that never waits is wrong. */
	while (sendto(fd, "fill", 4, MSG_DONTWAIT, (struct sockaddr *)&srv, slen) == 4)
		;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	r = send_line(fd, "wait", 4, &srv, slen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (r == 0 || errno != EAGAIN || waited < 200)
		todo_wrong(8, "the server's queue full, SO_SNDTIMEO 300 ms: send_line() "
		           "returned %d with %s after %ld ms: it must wait for room "
		           "(no MSG_DONTWAIT), SO_SNDTIMEO ends the wait with EAGAIN",
		           r, ERRNAME(errno), waited);
}

/* ---- TODO 9: await_answer() --------------------------------------------------- */

static void check_await_answer(void)
{
	struct sockaddr_un srv, me, x;
	socklen_t slen = path_addr(LONG_NAME, &srv), mlen = abstract_addr("aa", &me);
	socklen_t xlen = abstract_addr("stranger", &x);
	int s = dgram_bound(&srv, slen), c = dgram_bound(&me, mlen);
	int stranger = dgram_bound(&x, xlen);
	char buf[32];
	ssize_t n;
	struct timespec t0, t1;
	long waited;

	if (sendto(stranger, "STRANGER", 8, 0, (struct sockaddr *)&me, mlen) != 8
	    || sendto(s, "ANSWER", 6, 0, (struct sockaddr *)&me, mlen) != 6)
		exit(1);
	n = await_answer(c, buf, sizeof buf, &srv, slen, 1000);
	missing_if_stub(9, n, "await_answer()");
	if (n == 8 && memcmp(buf, "STRANGER", 8) == 0)
		todo_wrong(9, "a stranger's datagram, then the server's: await_answer() "
		           "returned the stranger's; only one from SERVER "
		           "(same_address()) is the answer");
	if (n != 6 || memcmp(buf, "ANSWER", 6) != 0)
		todo_wrong(9, "the server's answer \"ANSWER\" was waiting (after a "
		           "stranger's): await_answer() returned %zd (%s)", n,
		           n < 0 ? ERRNAME(errno) : "bytes");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	n = await_answer(c, buf, sizeof buf, &srv, slen, 200);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	waited = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (n >= 0 || errno != ETIMEDOUT || waited < 150)
		todo_wrong(9, "nothing coming, TIMEOUT_MS 200: await_answer() returned "
		           "%zd with %s after %ld ms, not -1 with ETIMEDOUT after 200 ms",
		           n, ERRNAME(errno), waited);
}

/* ---- TODO 10-13: the experiment --------------------------------------------- */

/* Does what P->sender sends reach P->receiver, another socket? */
static bool connected_pair(const struct pair *p)
{
	struct stat a, b;
	char c = 0;

	return fstat(p->receiver, &a) == 0 && fstat(p->sender, &b) == 0
	       && a.st_ino != b.st_ino && send(p->sender, "k", 1, MSG_NOSIGNAL) == 1
	       && diag_ready(p->receiver, POLLIN, 1000)
	       && recv(p->receiver, &c, 1, MSG_DONTWAIT) == 1 && c == 'k';
}

static void check_open_pair(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	static const int domains[] = { AF_UNIX, AF_INET };

	for (int d = 0; d < 2; d++)
		for (int t = 0; t < 3; t++) {
			struct pair p;
			struct sockaddr_storage name, peer;
			socklen_t nlen = sizeof name, plen = sizeof peer;
			int r;

			if (d == 1 && types[t] == SOCK_SEQPACKET)
				continue;
			r = open_pair(domains[d], types[t], &p);
			missing_if_stub(10, r, "open_pair()");
			if (r < 0)
				todo_wrong(10, "open_pair(%s, %s) failed with %s",
				           d ? "AF_INET" : "AF_UNIX", types[t] == SOCK_STREAM
				           ? "SOCK_STREAM" : types[t] == SOCK_DGRAM
				           ? "SOCK_DGRAM" : "SOCK_SEQPACKET", ERRNAME(errno));
			if (sockopt(p.receiver, SO_TYPE) != types[t]
			    || sockopt(p.sender, SO_TYPE) != types[t]
			    || sockopt(p.receiver, SO_DOMAIN) != domains[d])
				todo_wrong(10, "open_pair(%s, type %d): the receiver and the "
				           "sender are not both sockets of that domain and "
				           "type", d ? "AF_INET" : "AF_UNIX", types[t]);
			if (types[t] == SOCK_DGRAM) {
				if (getsockname(p.receiver, (struct sockaddr *)&name, &nlen) < 0
				    || nlen != p.addr_len || memcmp(&name, &p.addr, nlen) != 0)
					todo_wrong(10, "open_pair(%s, SOCK_DGRAM): P->addr is not "
					           "the receiver's address (getsockname() after "
					           "bind: the port, or name, the kernel chose)",
					           d ? "AF_INET" : "AF_UNIX");
			} else if (!connected_pair(&p)) {
				todo_wrong(10, "open_pair(%s, %s): P->receiver does not read "
				           "what P->sender sends: the receiver is the "
				           "connection accept() returns, not another socket",
				           d ? "AF_INET" : "AF_UNIX", types[t] == SOCK_STREAM
				           ? "SOCK_STREAM" : "SOCK_SEQPACKET");
			} else if (p.listener < 0
			           || sockopt(p.listener, SO_ACCEPTCONN) != 1
			           || getpeername(p.sender, (struct sockaddr *)&peer, &plen) < 0
			           || getsockname(p.listener, (struct sockaddr *)&name, &nlen) < 0
			           || nlen != p.addr_len || memcmp(&name, &p.addr, nlen) != 0
			           || sockopt(p.receiver, SO_ACCEPTCONN) == 1) {
				todo_wrong(10, "open_pair(%s, %s): expected P->listener "
				           "listening at P->addr, P->sender connected to it, "
				           "P->receiver the accepted connection",
				           d ? "AF_INET" : "AF_UNIX", types[t] == SOCK_STREAM
				           ? "SOCK_STREAM" : "SOCK_SEQPACKET");
			}
			close_pair(&p);
		}
}

/* A pair of our own: an autobound AF_UNIX receiver and a sender. */
static void our_pair(int type, struct pair *p)
{
	memset(p, 0, sizeof *p);
	p->domain = AF_UNIX;
	p->type = type;
	p->listener = -1;
	if (type == SOCK_DGRAM) {
		p->receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
		p->addr.ss_family = AF_UNIX;
		p->addr_len = sizeof(sa_family_t);
		if (bind(p->receiver, (struct sockaddr *)&p->addr, p->addr_len) < 0)
			exit(1);
		p->addr_len = sizeof p->addr;
		getsockname(p->receiver, (struct sockaddr *)&p->addr, &p->addr_len);
		p->sender = socket(AF_UNIX, SOCK_DGRAM, 0);
	} else {
		int sv[2];

		if (socketpair(AF_UNIX, type, 0, sv) < 0)
			exit(1);
		p->receiver = sv[0];
		p->sender = sv[1];
	}
}

/* Our own count of what COUNT non-blocking sends of SIZE take on a fresh
 * pair of TYPE. */
static long takes(int type, long count, size_t size)
{
	struct pair p;
	char *msg = calloc(1, size);
	long sent = 0;

	our_pair(type, &p);
	for (long i = 0; i < count; i++)
		if ((type == SOCK_DGRAM
		     ? sendto(p.sender, msg, size, MSG_DONTWAIT, (struct sockaddr *)&p.addr, p.addr_len)
		     : send(p.sender, msg, size, MSG_DONTWAIT)) >= 0)
			sent++;
	close(p.receiver);
	close(p.sender);
	free(msg);
	return sent;
}

static void check_flood(void)
{
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };

	for (int t = 0; t < 2; t++) {
		struct pair p;
		struct cell_counts c;
		long want = takes(types[t], 300, 1000);
		int r;

		our_pair(types[t], &p);
		memset(&c, 0, sizeof c);
		r = flood(&p, 300, 1000, &c);
		missing_if_stub(11, r, "flood()");
		if (r < 0)
			todo_wrong(11, "flood() of 300 sends of 1000 bytes on an AF_UNIX "
			           "%s pair failed with %s", t ? "stream" : "datagram",
			           ERRNAME(errno));
		if (c.sent + c.blocked != 300 || c.sent != want
		    || c.bytes > c.sent * 1000LL || c.bytes <= (c.sent - 1) * 1000LL)
			todo_wrong(11, "flood() of 300 sends of 1000 bytes to an AF_UNIX %s "
			           "receiver that does not read: sent=%ld blocked=%ld "
			           "bytes=%lld, where the kernel takes %ld before EAGAIN: "
			           "every send MSG_DONTWAIT, EAGAIN counted as blocked",
			           t ? "stream" : "datagram", c.sent, c.blocked, c.bytes, want);
		close_pair(&p);
	}
}

static void check_drain(void)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };

	for (int t = 0; t < 2; t++) {
		struct pair p;
		struct cell_counts c;
		char msg[100] = { 0 };
		int r;

		our_pair(types[t], &p);
		for (int i = 0; i < 5; i++)
			if ((types[t] == SOCK_DGRAM
			     ? sendto(p.sender, msg, 100, 0, (struct sockaddr *)&p.addr, p.addr_len)
			     : send(p.sender, msg, 100, 0)) != 100)
				exit(1);
		memset(&c, 0, sizeof c);
		c.sent = 5;
		c.bytes = 500;
		r = drain(&p, &c);
		missing_if_stub(12, r, "drain()");
		if (r < 0 || c.arrived != 500 || c.reads != (t ? 5 : 1))
			todo_wrong(12, "5 messages of 100 bytes waiting on an AF_UNIX %s "
			           "socket: drain() gave arrived=%lld reads=%ld (%s), not "
			           "500 in %d: read with the whole DRAIN_BUFSIZE buffer, "
			           "never SIZE bytes at a time", t ? "datagram" : "stream",
			           c.arrived, c.reads, r < 0 ? ERRNAME(errno) : "0",
			           t ? 5 : 1);
		/* 100 more were "sent" but will never come: lost. */
		if (send(p.sender, msg, 100, 0) < 0 && sendto(p.sender, msg, 100, 0,
		    (struct sockaddr *)&p.addr, p.addr_len) < 0)
			exit(1);
		c.bytes = 700;
		r = drain(&p, &c);
		if (r < 0 || c.arrived != 600)
			todo_wrong(12, "100 bytes waiting, 100 more that never come: drain() "
			           "gave %d with arrived=%lld: wait QUIET_MS for more, then "
			           "return 0", r, c.arrived - 500);
		close_pair(&p);
	}
}

static void check_sendto_unconnected(void)
{
	struct pair p;
	struct cell_counts c;
	struct sockaddr_in *in = (struct sockaddr_in *)&p.addr;
	int r;

	/* A TCP listener: EPIPE, and SIGPIPE unless MSG_NOSIGNAL. */
	signal(SIGPIPE, SIG_DFL);
	memset(&p, 0, sizeof p);
	p.domain = AF_INET;
	p.type = SOCK_STREAM;
	p.listener = socket(AF_INET, SOCK_STREAM, 0);
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p.addr_len = sizeof *in;
	if (bind(p.listener, (struct sockaddr *)in, p.addr_len) < 0
	    || listen(p.listener, 1) < 0)
		exit(1);
	getsockname(p.listener, (struct sockaddr *)in, &p.addr_len);
	memset(&c, 0, sizeof c);
	r = sendto_unconnected(&p, &c);
	missing_if_stub(13, r, "sendto_unconnected()");
	if (r < 0 || c.sendto_errno != EPIPE)
		todo_wrong(13, "to a TCP listener's address, sendto_unconnected() gave "
		           "%d, sendto_errno %s: a new SOCK_STREAM socket's sendto() "
		           "without connect() fails with EPIPE", r, ERRNAME(c.sendto_errno));
	close(p.listener);

	our_pair(SOCK_DGRAM, &p);
	c.sendto_errno = -1;
	r = sendto_unconnected(&p, &c);
	if (r < 0 || c.sendto_errno != 0)
		todo_wrong(13, "to an AF_UNIX datagram socket's address, "
		           "sendto_unconnected() gave %d, sendto_errno %s: a datagram "
		           "socket sends without a connection (0)", r,
		           ERRNAME(c.sendto_errno));
}

const struct todo_check lab_checks[] = {
	{ 1, 2, "bind.c", "dgram_server_socket", check_server_socket },
	{ 3, 3, "echo.c", "receive_datagram", check_receive_datagram },
	{ 4, 4, "echo.c", "send_answer", check_send_answer },
	{ 5, 6, "own.c", "bind_own_address", check_bind_own_address },
	{ 7, 7, "own.c", "remove_own_address", check_remove_own_address },
	{ 8, 8, "request.c", "send_line", check_send_line },
	{ 9, 9, "request.c", "await_answer", check_await_answer },
	{ 10, 10, "measure.c", "open_pair", check_open_pair },
	{ 11, 11, "measure.c", "flood", check_flood },
	{ 12, 12, "measure.c", "drain", check_drain },
	{ 13, 13, "measure.c", "sendto_unconnected", check_sendto_unconnected },
};
const size_t lab_nchecks = sizeof lab_checks / sizeof lab_checks[0];
