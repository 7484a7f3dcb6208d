/*
 * sockets.c - socket addresses of every family, the test's own stream
 * sockets, a program's sockets seen from outside, the socket files of
 * AF_UNIX servers, and IPv6 servers under test (see sockets.h).
 */
#define _GNU_SOURCE     /* SO_DOMAIN, asprintf */
#include "sockets.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- addresses, any family ------------------------------------------------ */

socklen_t sa_make(const char *where, uint16_t port,
                  struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_un *su = (struct sockaddr_un *)ss;

	memset(ss, 0, sizeof *ss);
	if (where[0] == '/') {
		su->sun_family = AF_UNIX;
		snprintf(su->sun_path, sizeof su->sun_path, "%s", where);
		return sizeof *su;
	}
	if (strchr(where, ':') != NULL) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		ck_assert_msg(inet_pton(AF_INET6, where, &s6->sin6_addr) == 1,
		              "test: bad address %s", where);
		return sizeof *s6;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	ck_assert_msg(inet_pton(AF_INET, where, &s4->sin_addr) == 1,
	              "test: bad address %s", where);
	return sizeof *s4;
}

const char *sa_text(const void *sa)
{
	static char text[8][sizeof ((struct sockaddr_un *)0)->sun_path + 16];
	static int next;
	char *t = text[next++ % 8], ip[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr_in6 *s6 = sa;
	const struct sockaddr_in *s4 = sa;
	const struct sockaddr_un *su = sa;

	if (s4->sin_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
		snprintf(t, sizeof text[0], "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else if (s4->sin_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
		snprintf(t, sizeof text[0], "%s:%u", ip, ntohs(s4->sin_port));
	} else if (s4->sin_family == AF_UNIX) {
		snprintf(t, sizeof text[0], su->sun_path[0] ? "\"%.*s\""
		         : "(unnamed)", (int)sizeof su->sun_path, su->sun_path);
	} else {
		snprintf(t, sizeof text[0], "(family %d)", s4->sin_family);
	}
	return t;
}

bool sa_same(const void *a, const void *b)
{
	const struct sockaddr_in6 *a6 = a, *b6 = b;
	const struct sockaddr_in *a4 = a, *b4 = b;
	const struct sockaddr_un *au = a, *bu = b;

	if (a4->sin_family != b4->sin_family)
		return false;
	if (a4->sin_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port
		       && memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	if (a4->sin_family == AF_UNIX)
		return strncmp(au->sun_path, bu->sun_path, sizeof au->sun_path) == 0;
	return a4->sin_port == b4->sin_port
	       && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
}

bool sa_is(const void *sa, const char *where, uint16_t port)
{
	struct sockaddr_storage want;

	sa_make(where, port, &want);
	return sa_same(sa, &want);
}

bool sock_addr(int fd, bool peer, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof *ss;

	memset(ss, 0, sizeof *ss);
	if (peer)
		return getpeername(fd, (struct sockaddr *)ss, &len) == 0;
	return getsockname(fd, (struct sockaddr *)ss, &len) == 0;
}

uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;

	ck_assert(sock_addr(fd, false, &ss));
	return ntohs(ss.ss_family == AF_INET6
	             ? ((struct sockaddr_in6 *)&ss)->sin6_port
	             : ((struct sockaddr_in *)&ss)->sin_port);
}

int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof v;

	getsockopt(fd, level, name, &v, &len);
	return v;
}

/* ---- a program's sockets, seen from outside --------------------------------- */

/* One socket FD, as sockets_text() says it, into F. */
static void socket_text(FILE *f, int fd)
{
	int domain = sockopt(fd, SOL_SOCKET, SO_DOMAIN);
	int type = sockopt(fd, SOL_SOCKET, SO_TYPE);
	bool listening = sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN) == 1;
	struct sockaddr_storage ss;

	if (domain == AF_INET || domain == AF_INET6 || domain == AF_UNIX)
		fputs(domain == AF_INET ? "AF_INET" : domain == AF_INET6
		      ? "AF_INET6" : "AF_UNIX", f);
	else
		fprintf(f, "family %d", domain);
	if (type == SOCK_STREAM || type == SOCK_DGRAM || type == SOCK_SEQPACKET)
		fputs(type == SOCK_STREAM ? " SOCK_STREAM" : type == SOCK_DGRAM
		      ? " SOCK_DGRAM" : " SOCK_SEQPACKET", f);
	else
		fprintf(f, " type %d", type);
	if (type != SOCK_DGRAM)
		fputs(listening ? ", listening" : ", not listening", f);
	/* (an AF_UNIX socket never bound has a name of no path) */
	if (sock_addr(fd, false, &ss) && ss.ss_family != AF_UNSPEC
	    && (ss.ss_family != AF_UNIX
	        || ((struct sockaddr_un *)&ss)->sun_path[0] != '\0'))
		fprintf(f, ", bound to %s", sa_text(&ss));
	if (sock_addr(fd, true, &ss))
		fprintf(f, ", connected to %s", sa_text(&ss));
	else if (!listening)
		fputs(", no peer", f);
	if (domain == AF_INET6)
		fprintf(f, ", IPV6_V6ONLY %d", sockopt(fd, IPPROTO_IPV6,
		                                       IPV6_V6ONLY));
}

char *sockets_text(const int *fds, const int *theirs, int n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	ck_assert(f != NULL);
	if (n == 0)
		fputs("no socket at all", f);
	for (int i = 0; i < n; i++) {
		if (theirs != NULL)
			fprintf(f, "%sfd %d: ", i ? "; " : "", theirs[i]);
		socket_text(f, fds[i]);
	}
	fclose(f);
	return text;
}

int find_socket(struct proc *p, bool (*match)(int fd, const void *arg),
                const void *arg, int *theirs, char **held)
{
	int fds[MAX_SOCKETS], nums[MAX_SOCKETS], found = -1;
	int n = peek_sockets(p, fds, nums, MAX_SOCKETS);

	if (held != NULL)
		*held = n ? sockets_text(fds, nums, n) : NULL;
	for (int i = 0; i < n; i++)
		if (found < 0 && match(fds[i], arg)) {
			found = fds[i];
			if (theirs != NULL)
				*theirs = nums[i];
		} else {
			close(fds[i]);
		}
	return found;
}

int server_socket(struct proc *srv, bool (*match)(int fd, const void *arg),
                  const char *what, const char *hint, int *theirs)
{
	char *held;
	int fd = find_socket(srv, match, NULL, theirs, &held);

	step("looked at the server's sockets from outside (copies taken with "
	     "pidfd_getfd(2)): %s", held ? held : "none");
	if (fd < 0)
		fail(srv, "expected the server to hold %s once it said \"listening "
		     "on\"; it holds %s%s%s", what, held ? held : "no socket at all",
		     running(srv) ? "" : " (it is no longer running)", hint);
	free(held);
	return fd;
}

bool is_listening(int fd, const void *unused)
{
	(void)unused;
	return sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN) == 1;
}

/* ---- the test's own stream sockets ------------------------------------------ */

int bound_socket(const char *where, uint16_t port, bool listening)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_make(where, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0, "test: socket: %s", strerror(errno));
	if (ss.ss_family == AF_UNIX)
		unlink(where);  /* the test's own file, from a previous round */
	if (bind(fd, (struct sockaddr *)&ss, len) < 0
	    || (listening && listen(fd, 8) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

int tcp_connect(const char *from, const char *ip, uint16_t port, int rcvbuf)
{
	struct sockaddr_storage ss, own;
	socklen_t len = sa_make(ip, port, &ss), elen = sizeof(int);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1, err = 0;

	ck_assert(fd >= 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (from != NULL)
		ck_assert_msg(bind(fd, (struct sockaddr *)&own,
		                   sa_make(from, 0, &own)) == 0,
		              "test: cannot bind %s: %s", from, strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return fd;
	if (errno != EINPROGRESS)
		err = errno;
	else if (!wait_io(fd, true, ms(3000)))
		err = ETIMEDOUT;
	else
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	if (err == 0)
		return fd;
	close(fd);
	errno = err;
	return -1;
}

char *read_sent(struct proc *cli, int fd, size_t len, size_t *got,
                const char *todo)
{
	bool eof;
	char *sent = read_until_eof(fd, got, &eof, ms(3000));

	if (!eof)
		fail(cli, "expected the client to send its stdin (%zu bytes), then "
		     "half-close (%sshutdown(SHUT_WR)); the test's server received "
		     "%zu bytes and no end of file within %d ms", len, todo, *got,
		     ms(3000));
	return sent;
}

/* One round of converse(): send what poll() has room for, read what
 * came.  True if a byte moved. */
static bool converse_once(int fd, const char *data, size_t len, char **buf,
                          size_t *cap, short revents, struct flow *f)
{
	bool moved = false;
	ssize_t n;

	if ((revents & POLLOUT) && !f->shut && f->send_error == 0) {
		n = send(fd, data + f->sent, len - f->sent,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0)
			f->sent += (size_t)n, moved = true;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			f->send_error = errno;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		if (f->got == *cap)
			*buf = realloc(*buf, (*cap *= 2) + 1);
		n = recv(fd, *buf + f->got, *cap - f->got, MSG_DONTWAIT);
		if (n > 0)
			f->got += (size_t)n, moved = true;
		else if (n == 0)
			f->eof = true;
		else if (errno != EAGAIN && errno != EINTR)
			f->recv_error = errno;
	}
	return moved;
}

char *converse(int fd, const void *data, size_t len, int timeout_ms,
               bool idle, struct flow *f)
{
	long long deadline = now_ms() + timeout_ms;
	size_t cap = 65536;
	char *buf = malloc(cap + 1);

	memset(f, 0, sizeof *f);
	while (!f->eof && f->recv_error == 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (!f->shut && f->sent == len) {
			shutdown(fd, SHUT_WR);
			f->shut = true;
		}
		if (!f->shut && f->send_error == 0)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, left_ms(deadline)) <= 0) {
			f->timed_out = true;
			break;
		}
		if (converse_once(fd, data, len, &buf, &cap, pfd.revents, f)
		    && idle)
			deadline = now_ms() + timeout_ms;
	}
	buf[f->got] = '\0';
	return buf;
}

int read_each(int fds[], int n, char *bufs, size_t width, size_t used[],
              int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	struct pollfd p[n];
	int idx[n], left = 0;

	for (int i = 0; i < n; i++) {
		left += fds[i] >= 0;
		bufs[i * width + used[i]] = '\0';
	}
	while (left > 0 && left_ms(deadline) > 0) {
		int k = 0;

		for (int i = 0; i < n; i++)
			if (fds[i] >= 0) {
				p[k] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
				idx[k++] = i;
			}
		if (poll(p, (nfds_t)k, left_ms(deadline)) <= 0)
			break;
		for (int j = 0; j < k; j++) {
			int i = idx[j];
			char *b = bufs + i * width;
			ssize_t got;

			if (p[j].revents == 0)
				continue;
			got = read(fds[i], b + used[i], width - 1 - used[i]);
			if (got > 0)
				b[used[i] += (size_t)got] = '\0';
			if ((got > 0 && used[i] < width - 1)
			    || (got < 0 && (errno == EAGAIN || errno == EINTR)))
				continue;
			close(fds[i]);  /* end of file, a reset, or full */
			fds[i] = -1;
			left--;
		}
	}
	return left;
}

/* ---- socket files: the paths of AF_UNIX servers ---------------------------- */

const char *type_name(int type)
{
	return type == SOCK_STREAM ? "SOCK_STREAM" : type == SOCK_DGRAM
	     ? "SOCK_DGRAM" : type == SOCK_SEQPACKET ? "SOCK_SEQPACKET"
	     : "another type";
}

char *path_of_length(size_t len)
{
	char *p = malloc(len + 1);
	size_t dir = strlen(test_dir());

	ck_assert(dir + 2 < len);
	memcpy(p, test_dir(), dir);
	p[dir] = '/';
	memset(p + dir + 1, 'p', len - dir - 1);
	p[len] = '\0';
	return p;
}

void leave_stale_socket(const char *path, int type)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(path, 0, &a);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0 && bind(fd, (struct sockaddr *)&a, len) == 0,
	              "test: bind %s: %s", path, strerror(errno));
	close(fd);
	step("left a stale socket file at %s (a %s socket bound, then closed)",
	     path, type_name(type));
}

void expect_socket_at(struct proc *p, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		fail(p, "expected a socket file at the full path %s (%zu bytes); "
		     "%s", path, strlen(path), errno == ENOENT
		     ? "there is none: was the path cut short? (the address length "
		       "passed to bind must cover the whole path)"
		     : "something else is there");
}

void wait_ready_at_full_path(struct proc *srv, const char *path)
{
	step("started the server on a %zu-byte path", strlen(path));
	if (!wait_stderr_line(srv, "listening on ", ms(3000)))
		fail(srv, "expected the server to bind the full path %s (%zu "
		     "bytes); it %s. The address length given to bind() must cover "
		     "the whole path: sizeof(struct sockaddr) leaves room for 14 "
		     "bytes of it, and binds \"%.14s\" instead, after which bind() "
		     "or the server's own checks fail", path, strlen(path),
		     running(srv) ? "never said \"listening on\""
		     : describe_status(srv->status), path);
}

/* A bind() with a length cut short whose retry has the right one: the
 * first bind() fails where the cut path exists (EADDRINUSE), the retry
 * after "removing the stale socket" (nothing at PATH) binds the whole
 * path.  Only the log shows it; read once the server has exited, when
 * it holds all it wrote. */
void expect_nothing_replaced(struct proc *srv, const char *path)
{
	char *err;

	stop(srv, ms(2000));
	err = proc_stderr(srv, NULL);
	if (find_line(err, "replaced stale socket", false) != NULL)
		fail(srv, "expected no \"replaced stale socket\" line: nothing was "
		     "at %s.  The first bind() failed with EADDRINUSE and the retry "
		     "worked: was the first one's address length cut short? "
		     "sizeof(struct sockaddr) binds \"%.14s\", which exists here",
		     path, path);
	free(err);
}

void expect_bound_to_path(struct proc *srv, int fd, const char *what,
                          const char *path)
{
	size_t off = offsetof(struct sockaddr_un, sun_path), len;
	struct sockaddr_un a;
	socklen_t alen = sizeof a;

	memset(&a, 0, sizeof a);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	len = alen > off ? alen - off : 0;
	if (len > 0 && a.sun_path[0] != '\0')     /* not an abstract name */
		len = strnlen(a.sun_path, len);
	if (a.sun_family != AF_UNIX || len != strlen(path)
	    || memcmp(a.sun_path, path, len))
		fail(srv, "expected the server's %s bound to \"%s\" (%zu bytes); "
		     "getsockname() on it says %s (%zu bytes). The length given to "
		     "bind() must cover the whole path: sizeof(struct sockaddr) "
		     "leaves room for 14 bytes of it", what, path, strlen(path),
		     quote(a.sun_path, len, 120), len);
	expect_socket_at(srv, path);
}

void expect_stale_replaced(struct proc *srv, const char *path,
                           const char *where)
{
	char *replaced, *err;
	const char *ready;

	if (!wait_stderr_line(srv, "listening on", ms(3000)))
		fail(srv, "expected the server to remove the stale socket file and "
		     "bind there; %s", running(srv) ? "it never said \"listening "
		     "on\"" : describe_status(srv->status));
	/* The replacement is an event before readiness: logged, and only
	 * once the ready line is out (tests wait for that line first). */
	if (asprintf(&replaced, "replaced stale socket unix:%s", path) < 0)
		abort();
	if (!wait_stderr_line(srv, replaced, ms(1000)))
		fail(srv, "expected the log line \"%s\" (right after the ready "
		     "line); the server never logged that it replaced the stale "
		     "socket file (%s)", replaced, where);
	err = proc_stderr(srv, NULL);
	ready = find_line(err, "listening on ", true);
	if (ready != NULL && find_line(err, replaced, false) < ready)
		fail(srv, "expected \"listening on unix:%s\" as the first line, then "
		     "\"%s\"; the server logged the replacement before its ready "
		     "line (nothing is written before the ready line; events "
		     "before readiness are logged right after it)", path, replaced);
	free(err);
	free(replaced);
}

void expect_live_socket_kept(const char *path, int type, int server_type)
{
	struct sockaddr_storage a;
	socklen_t alen = sa_make(path, 0, &a);
	struct stat before, after;
	struct proc *srv;
	char buf[8], why[200];
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), out;

	ck_assert(bind(fd, (struct sockaddr *)&a, alen) == 0);
	if (type != SOCK_DGRAM)
		ck_assert(listen(fd, 8) == 0);
	ck_assert(lstat(path, &before) == 0);
	step("the test bound a live %s socket at %s", type_name(type), path);
	srv = run("server", NULL, path, NULL);
	snprintf(why, sizeof why, "a live %s socket is bound at the path: the "
	         "probe's connect() %s, and only ECONNREFUSED means stale: never "
	         "steal a live socket's name", type_name(type), type == server_type
	         ? "succeeds" : "fails with EPROTOTYPE, not ECONNREFUSED");
	expect_exit(srv, 1, ms(3000), why);
	if (lstat(path, &after) < 0 || after.st_ino != before.st_ino)
		fail(srv, "expected the test's %s socket file at %s to be left "
		     "alone; it was %s. Only ECONNREFUSED from the probe's "
		     "connect() means nobody is there (remove_stale_socket())",
		     type_name(type), path, errno == ENOENT ? "removed" : "replaced");
	if (!wait_stderr_line(srv, "server: ", 0))
		fail(srv, "expected the server to say why it refused the path, on "
		     "a line \"server: ...\"");
	if (type == SOCK_DGRAM) {
		out = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (sendto(out, "live", 4, 0, (struct sockaddr *)&a, alen) != 4
		    || wait_io(fd, false, ms(1000)) != 1
		    || recv(fd, buf, sizeof buf, 0) != 4)
			fail(srv, "expected the test's datagram socket to still "
			     "receive at %s; it does not: the path was taken over",
			     path);
		close(out);
	}
	close(fd);
}

void expect_non_sockets_kept(int type)
{
	const char text[] = "a user's file, not a socket\n";
	char *path = write_file("precious.txt", text, sizeof text - 1);
	char *after = NULL, *target, *slink;
	size_t len;
	struct proc *srv;
	struct stat st;
	int fd;

	step("wrote a regular file at %s", path);
	srv = run("server", NULL, path, NULL);
	expect_exit(srv, 1, ms(3000), "the path holds a regular file, which is "
	            "not the server's to remove");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		after = read_until_eof(fd, &len, NULL, ms(1000));
		close(fd);
	}
	if (after == NULL || len != sizeof text - 1 || memcmp(after, text, len))
		fail(srv, "expected the regular file at %s to survive unchanged; "
		     "it was %s", path, after ? "changed" : "removed");
	if (!wait_stderr_line(srv, "not a socket", 0))
		fail(srv, "expected the server to say the path \"exists and is not "
		     "a socket\" (errno ENOTSOCK from remove_stale_socket()); it "
		     "said something else");

	/* A symlink is not a socket either, even when it points to a stale
	 * one: stat() follows it and sees the socket, lstat() sees the link. */
	target = test_path("stale-target.sock");
	slink = test_path("link.sock");
	leave_stale_socket(target, type);
	ck_assert(symlink(target, slink) == 0);
	step("made %s a symlink to it", slink);
	srv = run("server", NULL, slink, NULL);
	expect_exit(srv, 1, ms(3000), "the path is a symlink to a stale "
	            "socket: not the server's to remove; lstat() sees the link, "
	            "stat() follows it to the socket");
	if (lstat(slink, &st) < 0 || !S_ISLNK(st.st_mode))
		fail(srv, "expected the symlink at %s to survive; it was %s "
		     "(lstat(), not stat(): stat() follows the link and sees the "
		     "stale socket behind it)", slink,
		     errno == ENOENT ? "removed" : "replaced");
	if (!wait_stderr_line(srv, "not a socket", 0))
		fail(srv, "expected the server to say the symlink \"exists and is "
		     "not a socket\" (errno ENOTSOCK from remove_stale_socket(): "
		     "lstat() sees a link); it said something else");
}

/* ---- IPv6 on this machine, and the IPv6 servers under test --------------- */

/* Can this machine bind ::1?  Some containers have IPv6 sockets and
 * dual stack, but no IPv6 loopback address (EADDRNOTAVAIL). */
bool ipv6_loopback_usable(const char **why)
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
void need_ipv6_sockets(void)
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

void need_ipv6_loopback(void)
{
	const char *why;

	if (!ipv6_loopback_usable(&why))
		skip(why);
}

/* The port of the ready line "listening on [ADDRESS]:PORT", which must
 * start with PREFIX. */
uint16_t ready_port(struct proc *p, const char *prefix)
{
	const char *a = p->ready_addr, *end = strstr(a, "]:");
	unsigned long port = 0;
	char *rest = NULL;

	if (end != NULL && end[2] >= '0' && end[2] <= '9')
		port = strtoul(end + 2, &rest, 10);
	if (a[0] != '[' || rest == NULL || *rest != '\0' || port == 0
	    || port > 65535)
		fail(p, "expected the ready line \"listening on [ADDRESS]:PORT\", "
		     "the address in brackets and the real port; got "
		     "\"listening on %s\"", a);
	if (prefix != NULL && strncmp(a, prefix, strlen(prefix)) != 0)
		fail(p, "expected the server to listen on %sPORT; it says "
		     "\"listening on %s\"", prefix, a);
	return (uint16_t)port;
}

struct proc *start_ipv6_server(const struct run_opts *o,
                               const char *const args[])
{
	const char *a[11] = { 0 };
	struct proc *p;

	need_ipv6_sockets();
	for (int i = 0; i < 10 && args[i] != NULL; i++)
		a[i] = args[i];
	p = run("server", o, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
	        a[8], a[9], NULL);
	wait_ready(p);
	return p;
}

struct proc *start_on_loopback(const struct run_opts *o,
                               const char *const extra[], const char **ip,
                               uint16_t *port)
{
	const char *a[11] = { "-p", "0" };
	int n = 2;
	struct proc *p;

	for (int i = 0; extra != NULL && extra[i] != NULL && i < 6; i++)
		a[n++] = extra[i];
	*ip = "::1";
	if (!ipv6_loopback_usable(NULL)) {
		/* The IPv4 loopback's mapped form: dual stack, loopback only. */
		a[n++] = "-a";
		a[n++] = "::ffff:127.0.0.1";
		*ip = "127.0.0.1";
	}
	p = start_ipv6_server(o, a);
	*port = ready_port(p, NULL);
	return p;
}

const char *server_fate(struct proc *p, int wait_ms)
{
	static char text[200];

	if (!wait_exit(p, wait_ms))
		return "";
	snprintf(text, sizeof text, "; the server %s%s",
	         describe_status(p->status),
	         WIFSIGNALED(p->status) && WTERMSIG(p->status) == SIGPIPE
	         ? " (a send() to a client that has gone, without MSG_NOSIGNAL)"
	         : "");
	return text;
}
