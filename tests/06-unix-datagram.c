/*
 * 06-unix-datagram.c - the grader of lab 06: the uppercase echo over a
 * UNIX datagram socket, its client with an address of its own, and
 * props, the property table measured.  Black-box: the tests run the
 * lab's programs as processes of their own and judge what shows from
 * outside.  The test plays the other side with its own AF_UNIX datagram
 * sockets (bound to abstract names, to long paths, or not bound at
 * all); for props, it runs the same experiment itself, with a COUNT and
 * a SIZE chosen at random for each run, and compares the counts cell by
 * cell: a table printed from memory cannot follow them.
 */
#define _GNU_SOURCE     /* strerrorname_np, memmem, accept4, pipe2 */
#include "harness.h"
#include "robust.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 107 on Linux: sun_path's size less the terminating NUL. */
#define LONGEST_PATH (sizeof ((struct sockaddr_un *)0)->sun_path - 1)
/* The largest datagram the lab's server answers (DGRAM_MAX in its header). */
#define DGRAM_MAX 65536
/* Longer than 14 bytes: sizeof(struct sockaddr) as a length cuts it. */
#define SERVER_NAME "a-server-socket-with-a-long-name.sock"

/* ---- addresses ------------------------------------------------------------ */

/* An AF_UNIX address and its length, as bind() and sendto() take them. */
struct uaddr {
	struct sockaddr_un sa;
	socklen_t len;
};

static struct uaddr path_addr(const char *path)
{
	struct uaddr a = { .sa.sun_family = AF_UNIX };

	ck_assert_msg(strlen(path) <= LONGEST_PATH, "test: path too long");
	memcpy(a.sa.sun_path, path, strlen(path) + 1);
	a.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	return a;
}

/* An abstract name "sl-test-PID-TAG", exactly as long as it is. */
static struct uaddr abstract_addr(const char *tag)
{
	struct uaddr a = { .sa.sun_family = AF_UNIX };
	int n = snprintf(a.sa.sun_path + 1, sizeof a.sa.sun_path - 1,
	                 "sl-test-%d-%s", (int)getpid(), tag);

	a.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	return a;
}

/* The name part of A: its bytes and their count in *N (a path's NUL left
 * out; an abstract name with its leading NUL). */
static const char *name_of(const struct uaddr *a, size_t *n)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);

	*n = a->len > off ? a->len - off : 0;
	if (*n > sizeof a->sa.sun_path)
		*n = sizeof a->sa.sun_path;
	if (*n > 0 && a->sa.sun_path[0] != '\0')
		*n = strnlen(a->sa.sun_path, *n);
	return a->sa.sun_path;
}

/* "unix:/path", "unix:@name" (a byte that is not printable ASCII as
 * '?'), "unix:(unnamed)": an ADDRESS as the lab's programs write it (the
 * course's format_addr()); one of a few static buffers. */
static const char *addr_text(const struct uaddr *a)
{
	static char bufs[4][200];
	static int next;
	char *b = bufs[next++ % 4];
	size_t n;
	const char *name = name_of(a, &n);

	if (n == 0) {
		snprintf(b, sizeof bufs[0], "unix:(unnamed)");
	} else if (name[0] != '\0') {
		snprintf(b, sizeof bufs[0], "unix:%.*s", (int)n, name);
	} else {
		size_t at = (size_t)snprintf(b, sizeof bufs[0], "unix:@");

		for (size_t i = 1; i < n && at < sizeof bufs[0] - 1; i++)
			b[at++] = name[i] > ' ' && name[i] < 127 ? name[i] : '?';
		b[at] = '\0';
	}
	return b;
}

static bool same_addr(const struct uaddr *a, const struct uaddr *b)
{
	size_t an, bn;
	const char *x = name_of(a, &an), *y = name_of(b, &bn);

	return an == bn && memcmp(x, y, an) == 0;
}

/* ---- the test's own sockets ------------------------------------------------- */

/* An AF_UNIX datagram socket whose every send gives up after 3 s
 * (scaled): a server that stopped reading never holds the test. */
static int dgram_socket(void)
{
	struct timeval tv = { .tv_sec = ms(3000) / 1000,
	                      .tv_usec = ms(3000) % 1000 * 1000 };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0, "test: socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return fd;
}

static int dgram_bound(const struct uaddr *a)
{
	int fd = dgram_socket();

	ck_assert_msg(bind(fd, (const struct sockaddr *)&a->sa, a->len) == 0,
	              "test: bind %s: %s", addr_text(a), strerror(errno));
	return fd;
}

/* A socket of the test's own bound to the abstract name of TAG. */
static int dgram_abstract(const char *tag, struct uaddr *a)
{
	*a = abstract_addr(tag);
	return dgram_bound(a);
}

/* Send LEN bytes of BUF from FD to TO; 0, or -1 with errno (EAGAIN: the
 * receiver's queue stayed full for 3 s). */
static int dsend(int fd, const void *buf, size_t len, const struct uaddr *to)
{
	return sendto(fd, buf, len, MSG_NOSIGNAL, (const struct sockaddr *)&to->sa,
	              to->len) < 0 ? -1 : 0;
}

/* Receive one datagram on FD within TIMEOUT_MS into BUF (CAP bytes), its
 * sender into *FROM (may be NULL).  Its real size (MSG_TRUNC), or -1
 * when none came. */
static ssize_t drecv(int fd, void *buf, size_t cap, struct uaddr *from,
                     int timeout_ms)
{
	struct uaddr dummy;
	struct uaddr *f = from ? from : &dummy;

	if (wait_io(fd, false, timeout_ms) <= 0)
		return -1;
	memset(f, 0, sizeof *f);
	f->len = sizeof f->sa;
	return recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
	                (struct sockaddr *)&f->sa, &f->len);
}

/* P must log a whole line holding the text FMT formats, within 1 s (2 s
 * scaled); otherwise fail, saying WHY that line is expected. */
static void PRINTF_LIKE(3, 4) expect_logged(struct proc *p, const char *why,
                                            const char *fmt, ...)
{
	char text[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (!wait_stderr_line(p, text, ms(1000)))
		fail(p, "expected %s to log a line with \"%s\" (%s); none within %d "
		     "ms%s", p->name, text, why, ms(1000),
		     running(p) ? "" : ", and it has ended");
}

/* ---- the server ------------------------------------------------------------------- */

static struct proc *start_server(const char *path, const char *count)
{
	struct proc *srv = count ? run("server", NULL, "-n", count, path, NULL)
	                         : run("server", NULL, path, NULL);

	wait_ready(srv);
	return srv;
}

/* Send MSG (LEN bytes) from FD (whose address is ME) to the server at
 * PATH, and expect its uppercase back from PATH within 2 s.  HINT: where
 * to look when it does not come. */
static void expect_echo(struct proc *srv, int fd, const struct uaddr *me,
                        const char *path, const void *msg, size_t len,
                        const char *hint)
{
	struct uaddr to = path_addr(path), from;
	char *want = malloc(len + 1), *got = malloc(DGRAM_MAX + 1);
	ssize_t n;

	memcpy(want, msg, len);
	upper(want, len);
	if (dsend(fd, msg, len, &to) < 0)
		fail(srv, "expected the server to take a datagram of %zu bytes from "
		     "%s; sendto() said: %s%s", len, addr_text(me), strerror(errno),
		     errno == EAGAIN ? " (its queue stayed full for 3 s: the server "
		     "stopped reading)" : "");
	step("sent %zu bytes from %s to %s", len, addr_text(me), addr_text(&to));
	n = drecv(fd, got, DGRAM_MAX + 1, &from, ms(2000));
	if (n < 0)
		fail(srv, "expected the answer at %s, the datagram's sender, within "
		     "%d ms; nothing came. %s", addr_text(me), ms(2000), hint);
	if (!same_addr(&from, &to))
		fail(srv, "expected the answer to come from the server's address %s; "
		     "it came from %s", addr_text(&to), addr_text(&from));
	if ((size_t)n != len || memcmp(got, want, len) != 0) {
		char *q1 = quote(want, len, 60), *q2 = quote(got, (size_t)n < DGRAM_MAX
		                                                  ? (size_t)n : DGRAM_MAX, 60);

		fail(srv, "expected the answer %s (%zu bytes: the datagram with its "
		     "ASCII letters uppercased, every other byte as it was); got %s "
		     "(%zd bytes)", q1, len, q2, n);
	}
	step("got the answer, %zd bytes, from %s", n, addr_text(&from));
	free(want);
	free(got);
}

/* ---- the programs' sockets, seen from outside ----------------------------------- */

/* The first socket P holds that is AF_UNIX and bound to a name, in *A,
 * with its type; false if none. */
static bool bound_socket_of(struct proc *p, struct uaddr *a, int *type)
{
	int fds[16], n = peek_sockets(p, fds, NULL, 16);
	bool found = false;

	for (int i = 0; i < n; i++) {
		int domain = -1;
		socklen_t len = sizeof domain;
		struct uaddr here;

		here.len = sizeof here.sa;
		memset(&here.sa, 0, sizeof here.sa);
		getsockopt(fds[i], SOL_SOCKET, SO_DOMAIN, &domain, &len);
		if (!found && domain == AF_UNIX
		    && getsockname(fds[i], (struct sockaddr *)&here.sa, &here.len) == 0
		    && here.len > offsetof(struct sockaddr_un, sun_path)) {
			len = sizeof *type;
			getsockopt(fds[i], SOL_SOCKET, SO_TYPE, type, &len);
			*a = here;
			found = true;
		}
		close(fds[i]);
	}
	return found;
}

static const char *type_name(int type)
{
	return type == SOCK_STREAM ? "SOCK_STREAM" : type == SOCK_DGRAM
	     ? "SOCK_DGRAM" : type == SOCK_SEQPACKET ? "SOCK_SEQPACKET"
	     : "another type";
}

/* A path of exactly LEN bytes inside the test's directory. */
static char *path_of_length(size_t len)
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

static void expect_socket_at(struct proc *p, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		fail(p, "expected a socket file at the full path %s (%zu bytes); "
		     "%s", path, strlen(path), errno == ENOENT
		     ? "there is none: was the path cut short? (the address length "
		       "passed to bind must cover the whole path)"
		     : "something else is there");
}

/* ---- the server's socket ----------------------------------------------------- */

START_TEST(server_socket_is_unix_datagram)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);
	struct uaddr a, me;
	int type = -1, fd;

	if (!bound_socket_of(srv, &a, &type))
		fail(srv, "expected the server to hold an AF_UNIX socket bound to %s "
		     "once it said \"listening on\"; it holds none (looked at from "
		     "outside, with pidfd_getfd(2) and getsockname(2))", path);
	step("the server holds a socket bound to %s, of type %s", addr_text(&a),
	     type_name(type));
	if (type != SOCK_DGRAM)
		fail(srv, "expected the server's socket to be SOCK_DGRAM (%d); it is "
		     "%s (%d): the type argument of socket(2)", SOCK_DGRAM,
		     type_name(type), type);
	fd = dgram_abstract("c", &me);
	expect_echo(srv, fd, &me, path, "is anybody there?", 17,
	            "Is the server answering at all? (TODO 3-4)");
}
END_TEST

START_TEST(bound_to_full_path)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = run("server", NULL, path, NULL);
	struct uaddr a, want = path_addr(path);
	int type;

	step("started the server on a %zu-byte path", strlen(path));
	if (!wait_stderr_line(srv, "listening on ", ms(3000)))
		fail(srv, "expected the server to bind the full path %s (%zu bytes); "
		     "it %s. The address length given to bind() must cover the "
		     "whole path: sizeof(struct sockaddr) leaves room for 14 bytes of "
		     "it, and binds \"%.14s\" instead", path, strlen(path),
		     running(srv) ? "never said \"listening on\""
		     : describe_status(srv->status), path);
	if (!bound_socket_of(srv, &a, &type) || !same_addr(&a, &want))
		fail(srv, "expected the server's socket bound to \"%s\" (%zu bytes); "
		     "getsockname() on it says %s. The length given to bind() must "
		     "cover the whole path", path, strlen(path),
		     bound_socket_of(srv, &a, &type) ? addr_text(&a) : "nothing");
	expect_socket_at(srv, path);
}
END_TEST

START_TEST(path_of_107_bytes_works)
{
	char *path = path_of_length(LONGEST_PATH);
	struct proc *srv = start_server(path, NULL);
	struct uaddr me;
	int fd = dgram_abstract("c", &me);

	expect_socket_at(srv, path);
	expect_echo(srv, fd, &me, path, "x", 1, "A 107-byte path is the longest "
	            "sun_path holds with its NUL.");
}
END_TEST

/* ---- answers --------------------------------------------------------------------- */

START_TEST(answer_goes_to_the_sender)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = start_server(path, NULL);
	struct uaddr me;
	int fd = dgram_abstract("abstract-sender", &me);

	expect_echo(srv, fd, &me, path, "Hello, World! 42", 16,
	            "Is the answer sent to the address recvfrom() gave, with the "
	            "length it gave? An abstract name ends where that length "
	            "says: sizeof(struct sockaddr_un) names another socket.");
	expect_logged(srv, "one line per datagram; an abstract name is written "
	              "\"unix:@name\"", "from %s: 16 bytes", addr_text(&me));
}
END_TEST

START_TEST(answers_go_to_each_sender)
{
	char *path = test_path(SERVER_NAME);
	char *their_path = test_path("a-client-socket-with-a-long-name.sock");
	struct proc *srv = start_server(path, NULL);
	struct uaddr a, b = path_addr(their_path), to = path_addr(path), from;
	int fa = dgram_abstract("first", &a), fb = dgram_bound(&b);
	char buf[64];

	step("two senders: %s and %s (a %zu-byte path)", addr_text(&a),
	     addr_text(&b), strlen(their_path));
	/* Interleaved, both in the server's queue before it answers either. */
	for (int round = 0; round < 3; round++) {
		char ma[32], mb[32];

		snprintf(ma, sizeof ma, "from a, round %d", round);
		snprintf(mb, sizeof mb, "from b, round %d", round);
		if (dsend(fa, ma, strlen(ma), &to) < 0 || dsend(fb, mb, strlen(mb), &to) < 0)
			fail(srv, "expected the server to take datagrams; sendto() "
			     "said: %s", strerror(errno));
		step("sent \"%s\" from a and \"%s\" from b", ma, mb);
		for (int who = 0; who < 2; who++) {
			int fd = who ? fb : fa;
			const char *want = who ? mb : ma;
			ssize_t n = drecv(fd, buf, sizeof buf, &from, ms(2000));
			char up[32];

			snprintf(up, sizeof up, "%s", want);
			upper(up, strlen(up));
			if (n < 0)
				fail(srv, "expected the answer \"%s\" at %s, its sender, "
				     "within %d ms; nothing came. Each answer goes to the "
				     "address recvfrom() gave with that datagram, with its "
				     "length: a pathname over 14 bytes is cut by "
				     "sizeof(struct sockaddr) (TODO 4)", up,
				     addr_text(who ? &b : &a), ms(2000));
			if ((size_t)n != strlen(up) || memcmp(buf, up, (size_t)n) != 0) {
				char *q = quote(buf, (size_t)n, 40);

				fail(srv, "expected %s to get its own answer \"%s\"; it got "
				     "%s: the other sender's answer? (TODO 4)",
				     addr_text(who ? &b : &a), up, q);
			}
		}
	}
	step("each sender got its own three answers");
}
END_TEST

START_TEST(binary_and_empty_datagrams_are_answered)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = start_server(path, NULL);
	static const char bin[] = "nul\0byte \xff\xfe high, lower: abc-xyz {}";
	struct uaddr me;
	int fd = dgram_abstract("bin", &me);

	expect_echo(srv, fd, &me, path, bin, sizeof bin - 1, "Data is bytes, "
	            "not a string: the length recvfrom() returned, not strlen().");
	expect_echo(srv, fd, &me, path, "", 0, "An empty datagram is a datagram: "
	            "answer it with an empty one (recvfrom() returning 0 is no end "
	            "of file here).");
	expect_echo(srv, fd, &me, path, "still here", 10, "The server must go on "
	            "after an empty datagram.");
}
END_TEST

START_TEST(largest_datagram_is_answered_whole)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = start_server(path, NULL);
	struct uaddr me, to = path_addr(path);
	int fd = dgram_abstract("big", &me), size = 1 << 20;
	char *data = malloc(DGRAM_MAX + 1000);

	/* Room to send one, and to get its answer back. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	fill_pattern(data, DGRAM_MAX + 1000, 6);
	expect_echo(srv, fd, &me, path, data, DGRAM_MAX, "A receive buffer of "
	            "fewer than 65536 bytes cuts the datagram (DGRAM_MAX).");
	if (dsend(fd, data, DGRAM_MAX + 1000, &to) < 0)
		fail(srv, "test: could not send %d bytes: %s", DGRAM_MAX + 1000,
		     strerror(errno));
	step("sent %d bytes, more than the %d the server answers", DGRAM_MAX + 1000,
	     DGRAM_MAX);
	if (drecv(fd, data, DGRAM_MAX + 1000, NULL, ms(300)) >= 0)
		fail(srv, "expected no answer to a datagram of %d bytes, more than "
		     "the %d the server answers (it would be the first %d bytes "
		     "only, not the datagram uppercased); an answer came. "
		     "recvfrom() with MSG_TRUNC returns the real size (TODO 3)",
		     DGRAM_MAX + 1000, DGRAM_MAX, DGRAM_MAX);
	expect_logged(srv, "the datagram it does not answer, with its real size: "
	              "recvfrom() with MSG_TRUNC returns it (TODO 3)",
	              "from %s: %d bytes", addr_text(&me), DGRAM_MAX + 1000);
	expect_echo(srv, fd, &me, path, "and then", 8, "The server must go on.");
	free(data);
}
END_TEST

START_TEST(unbound_sender_is_logged_and_dropped)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = start_server(path, NULL);
	struct uaddr to = path_addr(path), me;
	int anon = dgram_socket(), fd;

	if (dsend(anon, "who am i", 8, &to) < 0)
		fail(srv, "test: sendto: %s", strerror(errno));
	step("sent \"who am i\" from a socket that never bound an address");
	expect_logged(srv, "a sender that never bound has no name: recvfrom() "
	              "gives an address length of 0", "from unix:(unnamed): 8 bytes");
	expect_logged(srv, "there is no address to answer to: send_answer() fails "
	              "with EDESTADDRREQ for a sender with no name, and server.c "
	              "says so (TODO 4)", "no answer to unix:(unnamed): it is unbound");
	if (!running(srv))
		fail(srv, "expected the server to go on after a datagram from an "
		     "unbound sender; it %s", describe_status(srv->status));
	fd = dgram_abstract("next", &me);
	expect_echo(srv, fd, &me, path, "next one", 8, "The server must go on "
	            "after a sender it cannot answer.");
	close(anon);
}
END_TEST

START_TEST(client_that_never_reads_does_not_block_the_server)
{
	enum { LAZY = 40 };
	char *path = test_path(SERVER_NAME);
	struct proc *srv = start_server(path, NULL);
	struct uaddr lazy, good, to = path_addr(path);
	int lfd = dgram_abstract("never-reads", &lazy), gfd;

	for (int i = 0; i < LAZY; i++) {
		char msg[32];
		int len = snprintf(msg, sizeof msg, "unread %d", i);

		if (dsend(lfd, msg, (size_t)len, &to) < 0)
			fail(srv, "expected the server to keep reading datagrams from "
			     "%s, a sender that never reads its answers; after %d, "
			     "sendto() waited 3 s for room in the server's queue. Is "
			     "the server stuck sending an answer? A UNIX datagram "
			     "socket makes its sender wait while the receiver's queue "
			     "is full: send_answer() must not wait (MSG_DONTWAIT, "
			     "TODO 4)", addr_text(&lazy), i);
	}
	step("sent %d datagrams from %s, which never reads its answers (its "
	     "queue holds about 10)", LAZY, addr_text(&lazy));
	gfd = dgram_abstract("reads", &good);
	expect_echo(srv, gfd, &good, path, "am i answered?", 14, "One client "
	            "that never reads must not stop the server: a blocking "
	            "sendto() waits for room in that client's full queue "
	            "(MSG_DONTWAIT in send_answer(), TODO 4).");
	expect_logged(srv, "an answer it could not send: that sender's queue is "
	              "full", "no answer to %s: ", addr_text(&lazy));
	close(lfd);
}
END_TEST

START_TEST(vanished_sender_is_survived)
{
	char *path = test_path(SERVER_NAME);
	char *gone_path = test_path("gone-client.sock");
	struct proc *srv = start_server(path, NULL);
	struct uaddr gone, gp = path_addr(gone_path), me, to = path_addr(path);
	int fd = dgram_abstract("gone", &gone), pfd = dgram_bound(&gp);

	for (int i = 0; i < 20; i++)
		if (dsend(fd, "gone soon", 9, &to) < 0 || dsend(pfd, "gone too", 8, &to) < 0)
			fail(srv, "test: sendto: %s", strerror(errno));
	close(fd);
	close(pfd);
	unlink(gone_path);
	step("20 datagrams each from %s and %s, then both closed (the file "
	     "removed) before the answers", addr_text(&gone), addr_text(&gp));
	fd = dgram_abstract("here", &me);
	expect_echo(srv, fd, &me, path, "still up?", 9, "Senders that have gone "
	            "(sendto(): ECONNREFUSED, ENOENT) are logged, never the "
	            "server's end.");
}
END_TEST

/* ---- what is at the path ------------------------------------------------------- */

/* A socket file nobody is bound to at PATH: what a killed server leaves. */
static void leave_stale_socket(const char *path, int type)
{
	struct uaddr a = path_addr(path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert(bind(fd, (struct sockaddr *)&a.sa, a.len) == 0);
	close(fd);
	step("left a stale socket file at %s (a %s socket bound, then closed)",
	     path, type_name(type));
}

START_TEST(stale_socket_is_replaced)
{
	char *path = test_path(SERVER_NAME), *replaced;
	struct proc *srv;
	struct uaddr me;
	int fd = dgram_abstract("c", &me);
	char *err, *at_ready, *at_replaced;

	leave_stale_socket(path, SOCK_DGRAM);
	srv = run("server", NULL, path, NULL);
	if (!wait_stderr_line(srv, "listening on", ms(3000)))
		fail(srv, "expected the server to remove the stale socket file and "
		     "bind; %s", running(srv) ? "it never said \"listening on\""
		     : describe_status(srv->status));
	expect_echo(srv, fd, &me, path, "stale", 5, "The server must bind the "
	            "path again once the stale file is gone.");
	expect_logged(srv, "right after the ready line: TODO 2 sets "
	              "*replaced_stale", "replaced stale socket unix:%s", path);
	if (asprintf(&replaced, "replaced stale socket unix:%s", path) < 0)
		abort();
	err = proc_stderr(srv, NULL);
	at_ready = strstr(err, "listening on ");
	at_replaced = strstr(err, replaced);
	if (at_ready == NULL || at_replaced < at_ready)
		fail(srv, "expected \"listening on unix:%s\" first, then \"%s\"",
		     path, replaced);
	free(err);
	free(replaced);

	/* A stream server's leftover is stale too: the probe's datagram
	 * connect() says ECONNREFUSED for any socket file nobody is bound to. */
	stop(srv, ms(2000));
	path = test_path("stream-leftover.sock");
	leave_stale_socket(path, SOCK_STREAM);
	srv = start_server(path, NULL);
	expect_echo(srv, fd, &me, path, "again", 5, "A stale socket of another "
	            "type is stale all the same.");
}
END_TEST

START_TEST(live_socket_is_refused)
{
	char *path = test_path(SERVER_NAME);
	struct uaddr a, from, me;
	int live, listener, fd = dgram_abstract("c", &me);
	struct proc *second = start_server(path, NULL);
	struct stat before, after;
	char buf[16];

	/* First, where nothing is: the server binds. */
	expect_echo(second, fd, &me, path, "first", 5, "The server must bind "
	            "a free path (TODO 1-2).");
	stop(second, ms(2000));
	path = test_path("live.sock");
	a = path_addr(path);
	live = dgram_bound(&a);
	ck_assert(lstat(path, &before) == 0);
	step("the test's own datagram socket is bound to %s", path);
	second = run("server", NULL, path, NULL);
	expect_exit(second, 1, ms(3000), "a datagram socket is bound to that path: "
	            "never steal a live socket's name (only ECONNREFUSED from the "
	            "probe means stale)");
	if (lstat(path, &after) < 0 || after.st_ino != before.st_ino)
		fail(second, "expected the live socket file %s to be left alone; it "
		     "was %s", path, errno == ENOENT ? "removed" : "replaced");
	/* Still ours: a datagram to the path reaches the test's socket. */
	if (dsend(live, "mine", 4, &a) < 0 || drecv(live, buf, sizeof buf, &from, ms(1000)) != 4)
		fail(second, "expected the test's socket at %s to still receive; it "
		     "does not: the path was taken over", path);
	close(live);

	path = test_path("stream.sock");
	a = path_addr(path);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(bind(listener, (struct sockaddr *)&a.sa, a.len) == 0
	          && listen(listener, 4) == 0);
	step("the test listens at %s with a stream socket", path);
	second = run("server", NULL, path, NULL);
	expect_exit(second, 1, ms(3000), "a live stream server holds that path "
	            "(the probe's connect() says EPROTOTYPE): not the server's to "
	            "remove");
	if (access(path, F_OK) < 0)
		fail(second, "expected the stream server's socket file %s to be "
		     "left alone; it was removed", path);
	close(listener);
}
END_TEST

START_TEST(regular_file_is_left_alone)
{
	char *path = test_path("precious.txt"), *target, *slink;
	const char text[] = "a user's file, not a socket\n";
	struct proc *srv;
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert(write(fd, text, sizeof text - 1) == sizeof text - 1);
	close(fd);
	step("wrote a regular file at %s", path);
	srv = run("server", NULL, path, NULL);
	expect_exit(srv, 1, ms(3000), "the path holds a regular file, which is "
	            "not the server's to remove");
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode)
	    || st.st_size != (off_t)sizeof text - 1)
		fail(srv, "expected the regular file at %s to survive unchanged; it "
		     "was %s", path, errno == ENOENT ? "removed" : "changed");
	if (!wait_stderr_line(srv, "not a socket", 0))
		fail(srv, "expected the server to say the path \"exists and is not "
		     "a socket\" (ENOTSOCK from remove_stale_socket()); it said "
		     "something else");

	target = test_path("stale-target.sock");
	slink = test_path("link.sock");
	leave_stale_socket(target, SOCK_DGRAM);
	ck_assert(symlink(target, slink) == 0);
	step("made %s a symlink to it", slink);
	srv = run("server", NULL, slink, NULL);
	expect_exit(srv, 1, ms(3000), "the path is a symlink to a stale socket: "
	            "not the server's to remove");
	if (lstat(slink, &st) < 0 || !S_ISLNK(st.st_mode))
		fail(srv, "expected the symlink at %s to survive; it was %s", slink,
		     errno == ENOENT ? "removed" : "replaced");
}
END_TEST

/* ---- stopping ---------------------------------------------------------------------- */

START_TEST(sigterm_removes_socket_and_exits_0)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = start_server(path, NULL);
	struct uaddr me;
	int fd = dgram_abstract("c", &me);

	expect_echo(srv, fd, &me, path, "bye", 3, "The server must answer.");
	kill(srv->pid, SIGTERM);
	step("sent SIGTERM to the server");
	expect_exit(srv, 0, ms(2000), "SIGTERM: clean up and exit 0");
	if (access(path, F_OK) == 0)
		fail(srv, "expected the server to remove its socket file %s on "
		     "SIGTERM; it is still there", path);

	srv = start_server(path, NULL);
	kill(srv->pid, SIGINT);
	step("started it again, sent SIGINT while it waited");
	expect_exit(srv, 0, ms(2000), "SIGINT while idle: clean up and exit 0");
	if (access(path, F_OK) == 0)
		fail(srv, "expected the server to remove its socket file %s on "
		     "SIGINT; it is still there", path);
}
END_TEST

START_TEST(count_option_stops_after_n_datagrams)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = start_server(path, "3");
	struct uaddr me, to = path_addr(path);
	int fd = dgram_abstract("c", &me), anon = dgram_socket();

	expect_echo(srv, fd, &me, path, "one", 3, "The server must answer.");
	if (dsend(anon, "two", 3, &to) < 0)
		fail(srv, "test: sendto: %s", strerror(errno));
	step("sent \"two\" from an unbound socket (it counts, unanswered)");
	expect_echo(srv, fd, &me, path, "three", 5, "The server must answer.");
	expect_exit(srv, 0, ms(2000), "-n 3: exit after the third datagram");
	if (access(path, F_OK) == 0)
		fail(srv, "expected the socket file to be removed at exit");
	close(anon);
}
END_TEST

/* ---- arguments ------------------------------------------------------------------- */

START_TEST(bad_arguments_are_usage_errors)
{
	/* "@": a socket path in the test's directory; "L": one of 108 bytes. */
	static const char *const cases[][4] = {
		{ "server", NULL, NULL, NULL },
		{ "server", "-n", "abc", "@" },
		{ "server", "-n", "0", "@" },
		{ "server", "@", "extra", NULL },
		{ "server", "", NULL, NULL },
		{ "server", "L", NULL, NULL },
		{ "client", NULL, NULL, NULL },
		{ "client", "-t", "soon", "@" },
		{ "client", "@", "extra", NULL },
		{ "client", "", NULL, NULL },
		{ "client", "L", NULL, NULL },
		{ "props", "-n", "1", NULL },
		{ "props", "-n", "lots", NULL },
		{ "props", "-s", "0", NULL },
		{ "props", "-s", "65508", NULL },
		{ "props", "extra", NULL, NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *arg[3];

		for (size_t j = 0; j < 3; j++) {
			const char *c = cases[i][j + 1];

			arg[j] = c && strcmp(c, "@") == 0 ? test_path("s.sock")
			       : c && strcmp(c, "L") == 0 ? path_of_length(LONGEST_PATH + 1)
			       : c;
		}
		expect_usage_error(run(cases[i][0], NULL, arg[0], arg[1], arg[2], NULL));
	}
	expect_usage_error_naming(run("server", NULL, "-x", test_path("s.sock"),
	                              NULL), "-x");
	expect_usage_error_naming(run("client", NULL, "-x", test_path("s.sock"),
	                              NULL), "-x");
	expect_usage_error_naming(run("props", NULL, "-n", NULL), "-n");
}
END_TEST

START_TEST(help_prints_usage_and_exits_0)
{
	expect_help("server");
	expect_help("client");
	expect_help("props");
}
END_TEST

/* ---- the client ------------------------------------------------------------------- */

/* The test plays the server: a datagram socket at a long path. */
struct fake {
	int fd;
	char *path;
	struct uaddr addr;
};

static struct fake fake_server(void)
{
	struct fake f;

	f.path = test_path(SERVER_NAME);
	f.addr = path_addr(f.path);
	f.fd = dgram_bound(&f.addr);
	step("the test plays the server: a datagram socket bound to %s (%zu bytes)",
	     f.path, strlen(f.path));
	return f;
}

/* Wait for a datagram from the client CLI at the fake server; its bytes
 * in BUF (CAP), its sender in *FROM. */
static ssize_t from_client(struct proc *cli, struct fake *f, void *buf,
                           size_t cap, struct uaddr *from, const char *waiting)
{
	int ready = wait_io_or_exit(cli, f->fd, false, ms(2000));
	ssize_t n;

	if (ready < 0)
		fail(cli, "expected the client to send %s to %s; it %s first", waiting,
		     f->path, describe_status(cli->status));
	if (ready == 0)
		fail(cli, "expected the client to send %s to %s; nothing came within "
		     "%d ms", waiting, f->path, ms(2000));
	n = drecv(f->fd, buf, cap, from, 0);
	step("the test's server got %zd bytes from %s", n, addr_text(from));
	return n;
}

/* Is A the abstract name "socklab-PID-SOMETHING" of process PID, exactly
 * as long as it is?  *WHY says what is wrong when not. */
static bool is_own_abstract_name(const struct uaddr *a, pid_t pid, const char **why)
{
	char prefix[40];
	size_t n, plen;
	const char *name = name_of(a, &n);

	plen = (size_t)snprintf(prefix, sizeof prefix, "socklab-%d-", (int)pid);
	*why = NULL;
	if (n == 0)
		*why = "no name at all: the client never bound an address (TODO 5), "
		       "so the server has nowhere to send the answer";
	else if (name[0] != '\0')
		*why = "a pathname, where an abstract name was asked (sun_path[0] "
		       "is '\\0', TODO 5)";
	else if (n - 1 < plen + 1 || memcmp(name + 1, prefix, plen) != 0)
		*why = "not \"socklab-PID-RANDOM\" with the client's pid (cut short? "
		       "sizeof(struct sockaddr) leaves 13 bytes of a name: give bind() "
		       "offsetof(struct sockaddr_un, sun_path) + 1 + its length)";
	else if (memchr(name + 1, '\0', n - 1) != NULL)
		*why = "a name with NUL bytes in it: the address length covers more "
		       "than the name (sizeof(struct sockaddr_un) pads it with NULs, "
		       "and it is another name)";
	return *why == NULL;
}

START_TEST(client_binds_an_abstract_name)
{
	struct fake f = fake_server();
	struct proc *cli;
	struct uaddr from;
	const char *why;
	char buf[64], *out;
	ssize_t n;
	int fd = open(test_path("in"), O_WRONLY | O_CREAT, 0600);

	ck_assert(write(fd, "hello\n", 6) == 6);
	close(fd);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          f.path, NULL);
	n = from_client(cli, &f, buf, sizeof buf, &from, "the line \"hello\"");
	if (!is_own_abstract_name(&from, cli->pid, &why))
		fail(cli, "expected the client's datagram to come from the abstract "
		     "name \"\\0socklab-%d-RANDOM\"; recvfrom() says it came from %s "
		     "(%u address bytes): %s", (int)cli->pid, addr_text(&from),
		     (unsigned)from.len, why);
	if (n != 5 || memcmp(buf, "hello", 5) != 0)
		fail(cli, "expected the datagram \"hello\" (5 bytes, no newline); got "
		     "%s", quote(buf, n > 0 ? (size_t)n : 0, 40));
	if (dsend(f.fd, "ANSWERED", 8, &from) < 0)
		fail(cli, "expected the test's server to be able to answer the client "
		     "at %s; sendto() said %s", addr_text(&from), strerror(errno));
	step("answered \"ANSWERED\" to %s", addr_text(&from));
	expect_exit(cli, 0, ms(2000), "the answer came; then the end of input");
	out = proc_stdout(cli, NULL);
	if (strcmp(out, "ANSWERED\n") != 0)
		fail(cli, "expected the client to print the answer, \"ANSWERED\\n\"; "
		     "its stdout is %s", quote(out, strlen(out), 60));
	free(out);
}
END_TEST

START_TEST(client_sends_each_line_as_one_datagram)
{
	static const char input[] = "one\n\ntwo words\nnul\0byte\nno newline at the end";
	static const char *const lines[] = { "one", "", "two words", "nul\0byte",
	                                     "no newline at the end" };
	static const size_t lens[] = { 3, 0, 9, 8, 21 };
	struct fake f = fake_server();
	struct proc *cli;
	char buf[128], want_out[256], *out;
	size_t out_len = 0, got_len;
	int fd = open(test_path("in"), O_WRONLY | O_CREAT, 0600);

	ck_assert(write(fd, input, sizeof input - 1) == sizeof input - 1);
	close(fd);
	step("the client's stdin: %s", quote(input, sizeof input - 1, 100));
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          f.path, NULL);
	for (size_t i = 0; i < 5; i++) {
		struct uaddr from;
		char answer[64];
		int alen = snprintf(answer, sizeof answer, "answer %zu", i + 1);
		ssize_t n = from_client(cli, &f, buf, sizeof buf, &from, "a line");

		if ((size_t)n != lens[i] || memcmp(buf, lines[i], lens[i]) != 0)
			fail(cli, "expected line %zu as one datagram, %s (%zu bytes, "
			     "without its newline); got %s (%zd bytes)", i + 1,
			     quote(lines[i], lens[i], 40), lens[i],
			     quote(buf, n > 0 ? (size_t)n : 0, 40), n);
		if (dsend(f.fd, answer, (size_t)alen, &from) < 0)
			fail(cli, "expected the test's server to be able to answer the "
			     "client at %s; sendto() said %s (did the client bind an "
			     "address of its own? TODO 5)", addr_text(&from),
			     strerror(errno));
		memcpy(want_out + out_len, answer, (size_t)alen);
		out_len += (size_t)alen;
		want_out[out_len++] = '\n';
	}
	expect_exit(cli, 0, ms(2000), "every line answered, then the end of input");
	out = proc_stdout(cli, &got_len);
	if (got_len != out_len || memcmp(out, want_out, out_len) != 0)
		fail(cli, "expected the answers, one per line, in order: %s; stdout is "
		     "%s", quote(want_out, out_len, 100), quote(out, got_len, 100));
	free(out);
}
END_TEST

START_TEST(two_clients_at_once_get_their_own_answers)
{
	struct fake f = fake_server();
	struct proc *cli[2];
	struct uaddr from[2];
	char buf[2][32];
	int fd;

	for (int i = 0; i < 2; i++) {
		char name[8];

		snprintf(name, sizeof name, "in%d", i);
		fd = open(test_path(name), O_WRONLY | O_CREAT, 0600);
		ck_assert(write(fd, i ? "client b\n" : "client a\n", 9) == 9);
		close(fd);
		cli[i] = run("client", &(struct run_opts){ .stdin_file = test_path(name) },
		             f.path, NULL);
	}
	for (int i = 0; i < 2; i++) {
		ssize_t n = drecv(f.fd, buf[i], sizeof buf[i] - 1, &from[i], ms(2000));

		if (n < 0)
			fail(cli[i], "expected both clients to send their line; only %d "
			     "came within %d ms", i, ms(2000));
		buf[i][n] = '\0';
		step("the test's server got \"%s\" from %s", buf[i], addr_text(&from[i]));
	}
	if (same_addr(&from[0], &from[1]))
		fail(cli[0], "expected two clients running at once to have two "
		     "addresses; both sent from %s, so their answers cannot be told "
		     "apart (the name holds the pid: TODO 5)", addr_text(&from[0]));
	/* Answered in the other order: each to its own address. */
	for (int i = 1; i >= 0; i--) {
		char up[32];

		snprintf(up, sizeof up, "%s", buf[i]);
		upper(up, strlen(up));
		if (dsend(f.fd, up, strlen(up), &from[i]) < 0)
			fail(cli[i], "expected the client at %s to receive its answer; "
			     "sendto() said %s", addr_text(&from[i]), strerror(errno));
	}
	for (int i = 0; i < 2; i++) {
		char want[16], *out;

		snprintf(want, sizeof want, "CLIENT %c\n", i ? 'B' : 'A');
		expect_exit(cli[i], 0, ms(2000), "its answer came");
		out = proc_stdout(cli[i], NULL);
		if (strcmp(out, want) != 0)
			fail(cli[i], "expected client %c to print its own answer, %s; "
			     "it printed %s", i ? 'b' : 'a', quote(want, strlen(want), 20),
			     quote(out, strlen(out), 40));
		free(out);
	}
}
END_TEST

START_TEST(client_ignores_strangers)
{
	struct fake f = fake_server();
	struct proc *cli;
	struct uaddr from, stranger;
	int sfd = dgram_abstract("stranger", &stranger), anon = dgram_socket();
	int fd = open(test_path("in"), O_WRONLY | O_CREAT, 0600);
	char buf[64], *out, *err;

	ck_assert(write(fd, "question\n", 9) == 9);
	close(fd);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          f.path, NULL);
	from_client(cli, &f, buf, sizeof buf, &from, "the line \"question\"");
	if (dsend(sfd, "FROM A STRANGER", 15, &from) < 0
	    || dsend(anon, "FROM NOBODY", 11, &from) < 0)
		fail(cli, "test: could not send to the client at %s: %s",
		     addr_text(&from), strerror(errno));
	step("a stranger (%s) and an unbound socket sent a datagram each to the "
	     "client first", addr_text(&stranger));
	if (dsend(f.fd, "THE ANSWER", 10, &from) < 0)
		fail(cli, "test: sendto: %s", strerror(errno));
	step("then the test's server answered \"THE ANSWER\"");
	expect_exit(cli, 0, ms(2000), "the server's answer came");
	out = proc_stdout(cli, NULL);
	if (strcmp(out, "THE ANSWER\n") != 0)
		fail(cli, "expected the client to print the server's answer only, "
		     "\"THE ANSWER\\n\"; it printed %s: anyone can send to the "
		     "client's name, and only a datagram from the server's address "
		     "is the answer (TODO 9)", quote(out, strlen(out), 60));
	err = proc_stderr(cli, NULL);
	if (strstr(err, "ignored") == NULL)
		fail(cli, "expected the client to log the datagrams it skipped "
		     "(\"ignored N bytes from ADDRESS: not the server\"); it did not");
	free(out);
	free(err);
	close(sfd);
	close(anon);
}
END_TEST

START_TEST(client_gives_up_without_answer)
{
	struct fake f = fake_server();
	struct proc *cli;
	struct uaddr from, me;
	char buf[64], *err;
	long long t0;
	int fd = open(test_path("in"), O_WRONLY | O_CREAT, 0600), filler, sent = 0;

	ck_assert(write(fd, "anyone?\n", 8) == 8);
	close(fd);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          "-t", "300", f.path, NULL);
	from_client(cli, &f, buf, sizeof buf, &from, "its line");
	t0 = now_ms();
	step("the test's server never answers");
	if (!wait_exit(cli, ms(300) + ms(3000)))
		fail(cli, "expected the client (-t 300) to give up 300 ms after "
		     "sending when no answer comes; it is still waiting after %d ms "
		     "(poll(2) with what is left of the deadline, TODO 9)",
		     ms(300) + ms(3000));
	if (now_ms() - t0 < 250)
		fail(cli, "expected the client (-t 300) to wait 300 ms for the "
		     "answer; it gave up after %lld ms", now_ms() - t0);
	expect_exit(cli, 1, 0, "no answer within -t 300 ms");
	err = proc_stderr(cli, NULL);
	if (strstr(err, "client: ") == NULL || (strstr(err, "answer") == NULL
	    && strstr(err, "reply") == NULL))
		fail(cli, "expected the client to say on stderr that no answer came "
		     "(\"client: no answer from ... within 300 ms\"); it said %s",
		     quote(err, strlen(err), 100));
	free(err);

	/* A server whose queue is full: the client's sendto() waits for room,
	 * and must give up after -t too. */
	close(f.fd);
	unlink(f.path);
	f = fake_server();
	filler = dgram_abstract("filler", &me);
	while (sendto(filler, "fill", 4, MSG_DONTWAIT, (struct sockaddr *)&f.addr.sa,
	              f.addr.len) == 4)
		sent++;
	step("filled the test's server's queue: %d datagrams, then EAGAIN", sent);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          "-t", "300", f.path, NULL);
	t0 = now_ms();
	if (!wait_exit(cli, ms(300) + ms(3000)))
		fail(cli, "expected the client (-t 300) to give up when the server's "
		     "queue stays full for 300 ms; it is still waiting after %d ms "
		     "(client.c bounds sendto() with SO_SNDTIMEO)", ms(300) + ms(3000));
	if (now_ms() - t0 < 200)
		fail(cli, "expected the client (-t 300) to wait up to 300 ms for room "
		     "in the server's full queue; it gave up after %lld ms (a UNIX "
		     "datagram sender waits: no MSG_DONTWAIT in send_line(), TODO 8)",
		     now_ms() - t0);
	expect_exit(cli, 1, 0, "the server's queue stayed full for -t 300 ms");
	close(filler);
}
END_TEST

START_TEST(client_without_server_fails)
{
	char *path = test_path("nobody-here.sock"), *err;
	struct proc *cli;
	int fd = open(test_path("in"), O_WRONLY | O_CREAT, 0600);

	ck_assert(write(fd, "hello?\n", 7) == 7);
	close(fd);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          path, NULL);
	expect_exit(cli, 1, ms(1000), "no socket file: sendto() fails at once, "
	            "well before the 2000 ms timeout");
	err = proc_stderr(cli, NULL);
	if (strstr(err, strerror(ENOENT)) == NULL)
		fail(cli, "expected the client to report sendto()'s error (\"%s\"); "
		     "stderr says %s", strerror(ENOENT), quote(err, strlen(err), 100));
	free(err);

	leave_stale_socket(path, SOCK_DGRAM);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          path, NULL);
	expect_exit(cli, 1, ms(1000), "a socket file nobody is bound to: sendto() "
	            "fails with ECONNREFUSED at once");
	err = proc_stderr(cli, NULL);
	if (strstr(err, strerror(ECONNREFUSED)) == NULL)
		fail(cli, "expected the client to report sendto()'s error (\"%s\"); "
		     "stderr says %s", strerror(ECONNREFUSED), quote(err, strlen(err), 100));
	free(err);
}
END_TEST

/* ---- the client's socket file (-p) ------------------------------------------- */

/* The client's socket files in the test dir (its TMPDIR): how many, and
 * the last one's path in *PATH (allocated) if PATH. */
static int client_files(char **path)
{
	DIR *dir = opendir(test_dir());
	struct dirent *e;
	int n = 0;

	ck_assert(dir != NULL);
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, "socklab-", 8) == 0) {
			n++;
			if (path) {
				free(*path);
				*path = test_path(e->d_name);
			}
		}
	closedir(dir);
	return n;
}

/* Wait until CLI's socket file is in the test dir (it has bound). */
static char *await_client_file(struct proc *cli)
{
	long long deadline = now_ms() + ms(2000);
	char *path = NULL;

	while (client_files(&path) == 0) {
		if (!running(cli))
			fail(cli, "expected the client (-p) to bind a socket file in "
			     "$TMPDIR (%s) and wait for input; it %s", test_dir(),
			     describe_status(cli->status));
		if (left_ms(deadline) == 0)
			fail(cli, "expected the client (-p) to bind a socket file in "
			     "$TMPDIR (%s), named socklab-PID-RANDOM.sock; none "
			     "appeared within %d ms (TODO 6)", test_dir(), ms(2000));
		poll(NULL, 0, 2);
	}
	step("the client's socket file: %s", path);
	return path;
}

static void expect_no_client_file(struct proc *cli, const char *when)
{
	char *left = NULL;

	if (client_files(&left) > 0)
		fail(cli, "expected the client to remove its socket file %s; it is "
		     "still there %s: a socket file outlives its socket, close() "
		     "does not remove it (TODO 7)", left, when);
}

START_TEST(pathname_client_binds_in_tmpdir_and_removes_it)
{
	struct fake f = fake_server();
	struct proc *cli;
	struct uaddr from;
	char buf[64], prefix[64], *out, *file = NULL;
	size_t n, plen;
	const char *name;
	int fd = open(test_path("in"), O_WRONLY | O_CREAT, 0600);
	struct stat st;

	ck_assert(write(fd, "by path\n", 8) == 8);
	close(fd);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          "-p", f.path, NULL);
	from_client(cli, &f, buf, sizeof buf, &from, "the line \"by path\"");
	name = name_of(&from, &n);
	plen = (size_t)snprintf(prefix, sizeof prefix, "%s/socklab-%d-", test_dir(),
	                        (int)cli->pid);
	if (n == 0 || name[0] == '\0')
		fail(cli, "expected the client (-p) to send from a socket file in "
		     "$TMPDIR; it sent from %s (TODO 6)", addr_text(&from));
	if (n < plen + 6 || memcmp(name, prefix, plen) != 0
	    || memcmp(name + n - 5, ".sock", 5) != 0)
		fail(cli, "expected the client (-p) to send from \"%sRANDOM.sock\" "
		     "($TMPDIR is %s); it sent from %s. (Cut short? sizeof(struct "
		     "sockaddr) leaves 14 bytes of a path, TODO 6)", prefix,
		     test_dir(), addr_text(&from));
	file = strndup(name, n);
	if (lstat(file, &st) < 0 || !S_ISSOCK(st.st_mode))
		fail(cli, "expected a socket file at %s while the client waits; "
		     "there is %s", file, errno == ENOENT ? "none" : "something else");
	if (dsend(f.fd, "BY PATH", 7, &from) < 0)
		fail(cli, "expected the test's server to be able to answer the "
		     "client at %s; sendto() said %s", file, strerror(errno));
	expect_exit(cli, 0, ms(2000), "its answer came, then the end of input");
	out = proc_stdout(cli, NULL);
	if (strcmp(out, "BY PATH\n") != 0)
		fail(cli, "expected the client to print \"BY PATH\\n\"; it printed %s",
		     quote(out, strlen(out), 40));
	expect_no_client_file(cli, "after it exited 0");
	free(out);
	free(file);
}
END_TEST

START_TEST(pathname_client_is_removed_on_errors_and_signals)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct fake f = fake_server();
	struct proc *cli;
	int fd = open(test_path("in"), O_WRONLY | O_CREAT, 0600);
	char buf[64];
	struct uaddr from;

	ck_assert(write(fd, "x\n", 2) == 2);
	close(fd);
	cli = run("client", &(struct run_opts){ .stdin_file = test_path("in") },
	          "-p", "-t", "200", f.path, NULL);
	from_client(cli, &f, buf, sizeof buf, &from, "its line");
	step("the test's server does not answer");
	expect_exit(cli, 1, ms(200) + ms(3000), "no answer within -t 200");
	expect_no_client_file(cli, "after it exited 1 (no answer): every way out "
	                      "removes it (atexit() calls remove_own_address())");

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		cli = run("client", &(struct run_opts){ .stdin_pipe = true }, "-p",
		          f.path, NULL);
		await_client_file(cli);
		kill(cli->pid, sigs[i]);
		step("sent %s to the client while it waited for input",
		     sigabbrev_np(sigs[i]));
		if (!wait_exit(cli, ms(2000)))
			fail(cli, "expected the client to end on SIG%s; it is still "
			     "running after %d ms", sigabbrev_np(sigs[i]), ms(2000));
		expect_no_client_file(cli, "after the signal: its handler must "
		                      "remove it, then let the signal end the client");
	}
}
END_TEST

START_TEST(pathname_leftover_after_sigkill_is_found_stale)
{
	struct fake f = fake_server();
	struct proc *cli, *srv;
	char *file;
	struct uaddr a, me;
	int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), fd;

	cli = run("client", &(struct run_opts){ .stdin_pipe = true }, "-p",
	          f.path, NULL);
	file = await_client_file(cli);
	kill_proc(cli);
	step("killed the client with SIGKILL: nothing can clean up after that");
	a = path_addr(file);
	if (access(file, F_OK) < 0)
		fail(cli, "expected the client's socket file %s to outlive a "
		     "SIGKILL (no program can remove a file after it); it is gone",
		     file);
	if (connect(probe, (struct sockaddr *)&a.sa, a.len) == 0 || errno != ECONNREFUSED)
		fail(cli, "expected the leftover %s to be a dead socket (connect(): "
		     "ECONNREFUSED); connect() said %s", file, strerror(errno));
	close(probe);
	step("connect() to the leftover says ECONNREFUSED: a dead socket");
	srv = run("server", NULL, file, NULL);
	wait_ready(srv);
	expect_logged(srv, "the server started on the leftover finds it stale",
	              "replaced stale socket unix:%s", file);
	fd = dgram_abstract("c", &me);
	expect_echo(srv, fd, &me, file, "reused", 6, "The stale leftover must be "
	            "replaced.");
}
END_TEST

/* ---- props: the grader's own measurement ------------------------------------- */

enum { DOMAINS = 3, TYPES = 3 };
static const int domain_ids[DOMAINS] = { AF_UNIX, AF_INET, AF_INET6 };
static const char *const domain_names[DOMAINS] = { "AF_UNIX", "AF_INET", "AF_INET6" };
static const int type_ids[TYPES] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
static const char *const type_names[TYPES] = { "SOCK_STREAM", "SOCK_DGRAM",
                                               "SOCK_SEQPACKET" };
static const char *const row_names[3] = { "reliable delivery",
	"message boundaries preserved", "connection-oriented" };

/* One cell's counts (props prints the same, "sent=N ..."). */
struct counts {
	bool na;                /* not measured */
	long sent, blocked, reads;
	long long bytes, arrived;
	char sendto[32];        /* "ok" or the errno's name */
};

/* What props printed: its COUNT and SIZE, its cells' counts, its table. */
struct props_out {
	long count;
	size_t size;
	bool have_cell[DOMAINS][TYPES];
	struct counts cell[DOMAINS][TYPES];
	bool have_row[DOMAINS][3];
	char row[DOMAINS][3][TYPES][8];     /* "yes", "no", "?", "n/a" */
	char line[DOMAINS][TYPES][256];     /* its counts line, for messages */
};

/* A run: the numbers it was given, and the grader's own counts. */
struct props_run {
	long count;
	size_t size;
	struct counts mine[DOMAINS][TYPES];
	struct props_out theirs;
	struct proc *p;
};

static int tcp_like(int type)
{
	return type != SOCK_DGRAM;
}

/* The loopback address of DOMAIN, port 0 (AF_UNIX: autobind). */
static socklen_t loopback_any(int domain, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	ss->ss_family = (sa_family_t)domain;
	if (domain == AF_INET) {
		((struct sockaddr_in *)ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(struct sockaddr_in);
	}
	if (domain == AF_INET6) {
		((struct sockaddr_in6 *)ss)->sin6_addr = in6addr_loopback;
		return sizeof(struct sockaddr_in6);
	}
	return sizeof(sa_family_t);
}

/* The experiment of the lab's header, done here: COUNT non-blocking
 * sends of SIZE bytes to a receiver that reads only afterwards, with a
 * 1 MiB buffer, until nothing comes for 200 ms; then sendto() from a new
 * socket without a connection.  False when DOMAIN's loopback is missing
 * (no ::1). */
static bool measure(int domain, int type, long count, size_t size,
                    struct counts *c)
{
	static char buf[1 << 20];
	struct sockaddr_storage ss;
	socklen_t len = loopback_any(domain, &ss);
	int recv_fd, send_fd, listen_fd = -1, u;
	char *msg = malloc(size);

	memset(c, 0, sizeof *c);
	memset(msg, 'g', size);
	recv_fd = socket(domain, type | SOCK_CLOEXEC, 0);
	if (recv_fd < 0 || bind(recv_fd, (struct sockaddr *)&ss, len) < 0) {
		ck_assert_msg(domain == AF_INET6, "test: socket/bind %d %d: %s",
		              domain, type, strerror(errno));
		if (recv_fd >= 0)
			close(recv_fd);
		free(msg);
		return false;
	}
	len = sizeof ss;
	ck_assert(getsockname(recv_fd, (struct sockaddr *)&ss, &len) == 0);
	send_fd = socket(domain, type | SOCK_CLOEXEC, 0);
	ck_assert(send_fd >= 0);
	if (tcp_like(type)) {
		listen_fd = recv_fd;
		ck_assert(listen(listen_fd, 1) == 0);
		ck_assert_msg(connect(send_fd, (struct sockaddr *)&ss, len) == 0,
		              "test: connect: %s", strerror(errno));
		ck_assert(wait_io(listen_fd, false, ms(2000)) == 1);
		recv_fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		ck_assert(recv_fd >= 0);
	}
	for (long i = 0; i < count; i++) {
		ssize_t n = tcp_like(type)
		            ? send(send_fd, msg, size, MSG_DONTWAIT | MSG_NOSIGNAL)
		            : sendto(send_fd, msg, size, MSG_DONTWAIT | MSG_NOSIGNAL,
		                     (struct sockaddr *)&ss, len);

		if (n >= 0)
			c->sent++, c->bytes += n;
		else if (errno == EAGAIN)
			c->blocked++;
		else
			ck_abort_msg("test: send: %s", strerror(errno));
	}
	while (c->arrived < c->bytes) {
		ssize_t n = recv(recv_fd, buf, sizeof buf, MSG_DONTWAIT);

		if (n > 0)
			c->reads++, c->arrived += n;
		else if (n == 0 || (errno == EAGAIN && wait_io(recv_fd, false, 200) == 0))
			break;
	}
	u = socket(domain, type | SOCK_CLOEXEC, 0);
	snprintf(c->sendto, sizeof c->sendto, "%s",
	         sendto(u, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
	                (struct sockaddr *)&ss, len) < 0 ? strerrorname_np(errno) : "ok");
	close(u);
	close(send_fd);
	close(recv_fd);
	if (listen_fd >= 0)
		close(listen_fd);
	free(msg);
	return true;
}

/* The table's verdicts, from counts (the rules of the lab's props.c:
 * "?" when fewer than two messages arrived). */
static const char *verdict(int row, const struct counts *c, size_t size)
{
	if (c->na)
		return "n/a";
	if (row == 0)
		return c->arrived == c->bytes ? "yes" : "no";
	if (row == 1)
		return c->arrived < 2 * (long long)size ? "?"
		       : c->arrived == c->reads * (long long)size ? "yes" : "no";
	return strcmp(c->sendto, "ok") != 0 ? "yes" : "no";
}

static int find_name(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
			return i;
	return -1;
}

/* Trim spaces around FIELD (LEN bytes) into OUT (CAP). */
static void trimmed(const char *field, size_t len, char *out, size_t cap)
{
	while (len > 0 && *field == ' ')
		field++, len--;
	while (len > 0 && field[len - 1] == ' ')
		len--;
	snprintf(out, cap, "%.*s", (int)len, field);
}

/* A table row "| DOMAIN | property | a | b | c |". */
static void parse_row(struct props_out *o, const char *line, size_t len)
{
	char f[5][40];
	const char *at = line + 1, *end = line + len;
	int d, r;

	for (int i = 0; i < 5; i++) {
		const char *bar = memchr(at, '|', (size_t)(end - at));

		if (bar == NULL)
			return;
		trimmed(at, (size_t)(bar - at), f[i], sizeof f[i]);
		at = bar + 1;
	}
	d = find_name(domain_names, DOMAINS, f[0], strlen(f[0]));
	r = find_name(row_names, 3, f[1], strlen(f[1]));
	if (d < 0 || r < 0)
		return;
	o->have_row[d][r] = true;
	for (int t = 0; t < TYPES; t++)
		snprintf(o->row[d][r][t], sizeof o->row[d][r][t], "%s", f[2 + t]);
}

/* A counts line "DOMAIN TYPE sent=N blocked=N bytes=N arrived=N reads=N
 * sendto=R", or "DOMAIN TYPE n/a...". */
static void parse_counts(struct props_out *o, const char *line, size_t len)
{
	char text[256], dom[16], type[20], *rest;
	int d, t, used = 0;
	struct counts c = { 0 };

	snprintf(text, sizeof text, "%.*s", (int)len, line);
	if (sscanf(text, "%15s %19s %n", dom, type, &used) != 2)
		return;
	d = find_name(domain_names, DOMAINS, dom, strlen(dom));
	t = find_name(type_names, TYPES, type, strlen(type));
	if (d < 0 || t < 0)
		return;
	rest = text + used;
	if (strncmp(rest, "n/a", 3) == 0)
		c.na = true;
	else if (sscanf(rest, "sent=%ld blocked=%ld bytes=%lld arrived=%lld "
	                "reads=%ld sendto=%31s", &c.sent, &c.blocked, &c.bytes,
	                &c.arrived, &c.reads, c.sendto) != 6)
		return;
	o->have_cell[d][t] = true;
	o->cell[d][t] = c;
	snprintf(o->line[d][t], sizeof o->line[d][t], "%s", text);
}

static void parse_props(const char *text, struct props_out *o)
{
	memset(o, 0, sizeof *o);
	o->count = -1;
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");

		if (strncmp(l, "props: COUNT=", 13) == 0)
			sscanf(l, "props: COUNT=%ld SIZE=%zu", &o->count, &o->size);
		else if (l[0] == '|')
			parse_row(o, l, len);
		else if (strncmp(l, "AF_", 3) == 0)
			parse_counts(o, l, len);
		l += len + (l[len] != '\0');
	}
}

static unsigned pick(unsigned lo, unsigned hi)
{
	static bool seeded;

	if (!seeded) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		srandom((unsigned)(t.tv_nsec ^ getpid()));
		seeded = true;
	}
	return lo + (unsigned)random() % (hi - lo + 1);
}

/* Run props with a COUNT and SIZE of the grader's choosing (BIG: enough
 * to fill every queue; else a few small messages) and measure the same
 * here.  Fails unless props exits 0 with a counts line for every cell. */
static void props_run(struct props_run *r, bool big)
{
	char n[16], s[16], *out;

	r->count = big ? pick(300, 900) : pick(3, 9);
	r->size = big ? pick(500, 3000) : pick(1, 200);
	snprintf(n, sizeof n, "%ld", r->count);
	snprintf(s, sizeof s, "%zu", r->size);
	for (int d = 0; d < DOMAINS; d++)
		for (int t = 0; t < TYPES; t++) {
			struct counts *c = &r->mine[d][t];

			if (d > 0 && type_ids[t] == SOCK_SEQPACKET)
				c->na = true;
			else if (!measure(domain_ids[d], type_ids[t], r->count, r->size, c))
				c->na = true;   /* no ::1 here */
		}
	step("the grader measured every cell with COUNT=%ld SIZE=%zu (a %s run, "
	     "numbers chosen at random)", r->count, r->size, big ? "big" : "small");
	r->p = run("props", NULL, "-n", n, "-s", s, NULL);
	expect_exit(r->p, 0, ms(15000), "props measures and prints its table");
	out = proc_stdout(r->p, NULL);
	parse_props(out, &r->theirs);
	if (r->theirs.count != r->count || r->theirs.size != r->size)
		fail(r->p, "expected props to start with the line \"props: COUNT=%ld "
		     "SIZE=%zu ...\" (the numbers it was given); it printed %s",
		     r->count, r->size, quote(out, strlen(out) < 200 ? strlen(out) : 200, 200));
	for (int d = 0; d < DOMAINS; d++)
		for (int t = 0; t < TYPES; t++)
			if (!r->theirs.have_cell[d][t])
				fail(r->p, "expected props to print the counts of %s %s, a "
				     "line \"%s %s sent=N blocked=N bytes=N arrived=N "
				     "reads=N sendto=R\" (or \"... n/a: why\"); there is "
				     "none", domain_names[d], type_names[t], domain_names[d],
				     type_names[t]);
	free(out);
}

/* Close enough to the grader's figure WANT? */
static bool near(long long got, long long want, int percent)
{
	long long slack = want * percent / 100 + 2;

	return got >= want - slack && got <= want + slack;
}

#define PROPS_CMD "props -n %ld -s %zu"

/* The counts props printed must come from the experiment with the
 * grader's COUNT and SIZE: every cell's sends add up to COUNT, its bytes
 * to what that many sends of SIZE carry, and where the kernel decides
 * alone (the AF_UNIX queues, UDP sending everything), the grader's own
 * figures.  A table printed from memory fails here. */
static void expect_measured(struct props_run *r)
{
	for (int d = 0; d < DOMAINS; d++)
		for (int t = 0; t < TYPES; t++) {
			const struct counts *g = &r->mine[d][t], *c = &r->theirs.cell[d][t];
			const char *line = r->theirs.line[d][t];
			long long sz = (long long)r->size;

			if (g->na || c->na) {
				if (g->na != c->na)
					fail(r->p, "expected %s %s to be %s; props printed \"%s\"",
					     domain_names[d], type_names[t], g->na
					     ? "n/a (SOCK_SEQPACKET over IP is SCTP; or no ::1 "
					       "on this host)" : "measured (this host has it)",
					     line);
				continue;
			}
			if (c->sent + c->blocked != r->count)
				fail(r->p, "expected %s %s's sent + blocked to be COUNT, %ld "
				     "(each send either sends or would block, with "
				     "MSG_DONTWAIT); props printed \"%s\" (" PROPS_CMD ": "
				     "TODO 11, flood())", domain_names[d], type_names[t],
				     r->count, line, r->count, r->size);
			/* (a stream's last send may have taken part of SIZE) */
			if (type_ids[t] == SOCK_STREAM
			    ? c->bytes > c->sent * sz || c->bytes <= (c->sent - 1) * sz
			    : c->bytes != c->sent * sz)
				fail(r->p, "expected %s %s's bytes to be what %ld sends of "
				     "SIZE %zu bytes carry; props printed \"%s\" (TODO 11)",
				     domain_names[d], type_names[t], c->sent, r->size, line);
			if (d == 0 && !near(c->sent, g->sent, 2))
				fail(r->p, "expected %s %s to send about %ld of the %ld (the "
				     "grader's own measurement: the kernel takes that many "
				     "before EAGAIN here); props printed \"%s\". Each send "
				     "is one message of SIZE bytes, MSG_DONTWAIT, to a "
				     "receiver that does not read yet (" PROPS_CMD ", TODO "
				     "10-11)", domain_names[d], type_names[t], g->sent,
				     r->count, line, r->count, r->size);
			if (d > 0 && type_ids[t] == SOCK_DGRAM && c->sent != g->sent)
				fail(r->p, "expected %s %s to send %ld of the %ld (the "
				     "grader's own measurement: UDP takes every datagram and "
				     "drops later); props printed \"%s\" (" PROPS_CMD ")",
				     domain_names[d], type_names[t], g->sent, r->count, line,
				     r->count, r->size);
		}
}

/* The table's row ROW must say what the grader's counts say, cell by
 * cell.  WHAT: the TODO behind it. */
static void expect_row(struct props_run *r, int row, const char *what)
{
	for (int d = 0; d < DOMAINS; d++) {
		if (!r->theirs.have_row[d][row])
			fail(r->p, "expected props's table to have the row \"| %s | %s "
			     "| ... |\"; it has none", domain_names[d], row_names[row]);
		for (int t = 0; t < TYPES; t++) {
			const char *want = verdict(row, &r->mine[d][t], r->size);

			if (strcmp(r->theirs.row[d][row][t], want) != 0)
				fail(r->p, "expected the table to say \"%s\" for %s of %s %s, "
				     "as the grader measured it (with COUNT=%ld SIZE=%zu: "
				     "sent=%ld blocked=%ld bytes=%lld arrived=%lld reads=%ld "
				     "sendto=%s); props says \"%s\", from its counts \"%s\" "
				     "(%s)", want, row_names[row], domain_names[d],
				     type_names[t], r->count, r->size, r->mine[d][t].sent,
				     r->mine[d][t].blocked, r->mine[d][t].bytes,
				     r->mine[d][t].arrived, r->mine[d][t].reads,
				     r->mine[d][t].sendto, r->theirs.row[d][row][t],
				     r->theirs.line[d][t], what);
		}
	}
}

START_TEST(props_counts_follow_count_and_size)
{
	struct props_run r;

	props_run(&r, true);
	expect_measured(&r);
	report_note("props -n %ld -s %zu: every cell's counts follow them, as the "
	            "grader measured", r.count, r.size);
}
END_TEST

START_TEST(props_reliability_is_measured)
{
	struct props_run r;

	for (int big = 1; big >= 0; big--) {
		props_run(&r, big);
		expect_measured(&r);
		for (int d = 0; d < DOMAINS; d++)
			for (int t = 0; t < TYPES; t++) {
				const struct counts *g = &r.mine[d][t], *c = &r.theirs.cell[d][t];
				bool lost = g->arrived < g->bytes;

				if (g->na)
					continue;
				if (lost ? !(c->arrived < c->bytes && near(c->arrived, g->arrived, 25))
				         : c->arrived != c->bytes)
					fail(r.p, "expected %s %s to show %lld of %lld bytes "
					     "arriving, as the grader measured (%s); props "
					     "printed \"%s\". The receiver reads everything, "
					     "waiting up to 200 ms for more before it calls the "
					     "rest lost (" PROPS_CMD ", TODO 12, drain())",
					     domain_names[d], type_names[t], g->arrived, g->bytes,
					     lost ? "some were dropped" : "none lost",
					     r.theirs.line[d][t], r.count, r.size);
			}
		expect_row(&r, 0, "TODO 12, drain(): every byte sent must be read");
	}
	report_note("two runs, -n %ld -s %zu the second: the arrivals match the "
	            "grader's, lost and not", r.count, r.size);
}
END_TEST

START_TEST(props_boundaries_are_measured)
{
	struct props_run r;

	props_run(&r, true);
	expect_measured(&r);
	for (int d = 0; d < DOMAINS; d++)
		for (int t = 0; t < TYPES; t++) {
			const struct counts *c = &r.theirs.cell[d][t];
			long long msgs = c->arrived / (long long)r.size;

			if (r.mine[d][t].na)
				continue;
			if (type_ids[t] == SOCK_STREAM ? c->reads >= msgs
			                               : c->reads != msgs
			                                 || c->arrived % (long long)r.size)
				fail(r.p, "expected %s %s to take %s; props printed \"%s\": "
				     "the receiver must read with one buffer of 1 MiB "
				     "(DRAIN_BUFSIZE), never SIZE bytes at a time, which "
				     "makes a stream look like messages (" PROPS_CMD ", "
				     "TODO 12)", domain_names[d], type_names[t],
				     type_ids[t] == SOCK_STREAM
				     ? "fewer reads than messages (a stream read returns "
				       "whatever bytes are there)"
				     : "one read per message of SIZE bytes",
				     r.theirs.line[d][t], r.count, r.size);
		}
	expect_row(&r, 1, "TODO 12: one read returns one message, or every "
	           "byte there is");
	report_note("props -n %ld -s %zu: one read per message where boundaries "
	            "are kept, fewer on streams", r.count, r.size);
}
END_TEST

START_TEST(props_connection_is_measured)
{
	struct props_run r;

	props_run(&r, false);
	expect_measured(&r);
	for (int d = 0; d < DOMAINS; d++)
		for (int t = 0; t < TYPES; t++) {
			const struct counts *g = &r.mine[d][t], *c = &r.theirs.cell[d][t];

			if (!g->na && strcmp(c->sendto, g->sendto) != 0)
				fail(r.p, "expected sendto() without a connection to give "
				     "\"%s\" on %s %s, as the grader measured; props printed "
				     "\"%s\": a new socket of that type sends one byte to the "
				     "receiver's address, no connect(), no listen() (TODO 13, "
				     "sendto_unconnected())", g->sendto, domain_names[d],
				     type_names[t], r.theirs.line[d][t]);
		}
	expect_row(&r, 2, "TODO 13: refused means connection-oriented");
	report_note("props -n %ld -s %zu: sendto() without a connection as the "
	            "grader measured", r.count, r.size);
}
END_TEST

START_TEST(props_prints_the_table_of_its_counts)
{
	struct props_run r;

	props_run(&r, true);
	expect_measured(&r);
	for (int row = 0; row < 3; row++)
		expect_row(&r, row, "props.c prints it from the counts");
	/* The table follows props's own counts, whatever they are. */
	for (int d = 0; d < DOMAINS; d++)
		for (int row = 0; row < 3; row++)
			for (int t = 0; t < TYPES; t++) {
				const char *own = verdict(row, &r.theirs.cell[d][t], r.size);

				if (strcmp(own, r.theirs.row[d][row][t]) != 0)
					fail(r.p, "expected the table's \"%s\" for %s %s to "
					     "follow from the counts under it (\"%s\" gives "
					     "\"%s\"); it says \"%s\"", row_names[row],
					     domain_names[d], type_names[t],
					     r.theirs.line[d][t], own, r.theirs.row[d][row][t]);
			}
	report_note("props -n %ld -s %zu: 9 rows, every cell as measured", r.count,
	            r.size);
}
END_TEST

const struct graded_test lab_tests[] = {
	{ &server_socket_is_unix_datagram, 3, 5, "TODO 1 in bind.c (socket)",
	  "the server's socket, seen from outside, is AF_UNIX SOCK_DGRAM", "1-4" },
	{ &bound_to_full_path, 3, 5, "TODO 2 in bind.c (bind and its address length)",
	  "the socket is bound to the whole path, longer than 14 bytes", "1-2" },
	{ &path_of_107_bytes_works, 1, 5, "TODO 2 in bind.c (bind)",
	  "a 107-byte path, the longest sun_path holds, works", "1-4" },
	{ &answer_goes_to_the_sender, 4, 5, "TODO 3-4 in echo.c (recvfrom, sendto)",
	  "a datagram from an abstract name is answered there, uppercased, logged", "1-4" },
	{ &answers_go_to_each_sender, 4, 5, "TODO 4 in echo.c (sendto the sender)",
	  "two senders interleaved, one at a long path: each gets its own answers", "1-4" },
	{ &binary_and_empty_datagrams_are_answered, 3, 5, "TODO 3-4 in echo.c",
	  "NUL and 0xff bytes kept, only ASCII letters uppercased; empty answered", "1-4" },
	{ &largest_datagram_is_answered_whole, 4, 5, "TODO 3 in echo.c (MSG_TRUNC)",
	  "65536 bytes answered whole; a longer one logged, not answered", "1-4" },
	{ &unbound_sender_is_logged_and_dropped, 4, 5, "TODO 4 in echo.c (EDESTADDRREQ)",
	  "a sender that never bound: logged, not answered, the server goes on", "1-4" },
	{ &client_that_never_reads_does_not_block_the_server, 4, 8,
	  "TODO 4 in echo.c (MSG_DONTWAIT)",
	  "a sender whose queue is full never stops the server: others answered", "1-4" },
	{ &vanished_sender_is_survived, 2, 5, "TODO 4 in echo.c and server.c",
	  "senders gone before their answers (abstract, pathname): logged", "1-4" },
	{ &stale_socket_is_replaced, 4, 5, "TODO 2 in bind.c (remove_stale_socket)",
	  "a stale socket file (datagram or stream) is replaced, logged", "1-4" },
	{ &live_socket_is_refused, 4, 5, "TODO 2 in bind.c (remove_stale_socket)",
	  "a live datagram socket or stream server at the path: kept, exit 1", "1-4" },
	{ &regular_file_is_left_alone, 3, 5, "TODO 2 in bind.c (remove_stale_socket)",
	  "a regular file or a symlink at the path is never removed: exit 1", "1-2" },
	{ &sigterm_removes_socket_and_exits_0, 3, 5, "server.c (clean up at exit)",
	  "SIGTERM or SIGINT: the socket file is removed, exit 0", "1-4" },
	{ &count_option_stops_after_n_datagrams, 2, 5, "server.c (-n COUNT)",
	  "-n 3 exits 0 after three datagrams, one of them unanswered", "1-4" },
	{ &bad_arguments_are_usage_errors, 2, 10, "server.c / client.c / props.c (arguments)",
	  "missing, extra, empty, 108-byte or bad operands and options: exit 2", NULL },
	{ &help_prints_usage_and_exits_0, 1, 5, "server.c / client.c / props.c (--help)",
	  "--help prints the usage on stdout and exits 0, all three programs", NULL },
	{ &client_binds_an_abstract_name, 5, 5, "TODO 5 in own.c (the abstract name)",
	  "the client sends from \\0socklab-PID-RANDOM, exactly that long", "5-9" },
	{ &client_sends_each_line_as_one_datagram, 4, 5, "TODO 8-9 in request.c",
	  "each stdin line one datagram, NULs kept; answers printed in order", "5-9" },
	{ &two_clients_at_once_get_their_own_answers, 3, 5, "TODO 5 in own.c (a name of its own)",
	  "two clients at once: two names, each prints its own answer", "5-9" },
	{ &client_ignores_strangers, 3, 5, "TODO 9 in request.c (only the server's answer)",
	  "datagrams from a stranger and an unbound socket are logged and skipped", "5-9" },
	{ &client_gives_up_without_answer, 3, 10, "TODO 9 in request.c (the deadline)",
	  "-t 300: no answer, or a full server queue: exit 1 after 300 ms", "5-9" },
	{ &client_without_server_fails, 2, 5, "TODO 8 in request.c (sendto)",
	  "no socket file, or a stale one: exit 1 at once with sendto()'s error", "5-8" },
	{ &pathname_client_binds_in_tmpdir_and_removes_it, 4, 5, "TODO 6-7 in own.c (-p)",
	  "-p: sends from $TMPDIR/socklab-PID-RANDOM.sock, removed at exit", "5-9" },
	{ &pathname_client_is_removed_on_errors_and_signals, 3, 10, "TODO 7 in own.c (remove_own_address)",
	  "-p: the socket file goes on exit 1, SIGINT, SIGTERM, SIGHUP", "5-9" },
	{ &pathname_leftover_after_sigkill_is_found_stale, 2, 5, "TODO 6 in own.c; TODO 2 in bind.c",
	  "-p after SIGKILL: the file stays, dead; a server there replaces it", "1-9" },
	{ &props_counts_follow_count_and_size, 5, 15, "TODO 10-11 in measure.c (open_pair, flood)",
	  "props's counts, with COUNT and SIZE at random, match the grader's", "10-13" },
	{ &props_reliability_is_measured, 4, 20, "TODO 12 in measure.c (drain)",
	  "bytes arrived per cell, big run and small, as the grader measured", "10-13" },
	{ &props_boundaries_are_measured, 4, 15, "TODO 12 in measure.c (drain)",
	  "one read per message where kept, fewer on streams, as measured", "10-13" },
	{ &props_connection_is_measured, 4, 15, "TODO 13 in measure.c (sendto_unconnected)",
	  "sendto() without a connection per cell: ok, or the grader's errno", "10-13" },
	{ &props_prints_the_table_of_its_counts, 3, 15, "props.c (the table)",
	  "the table's 9 rows follow its counts and the grader's measurement", "10-13" },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "unix-datagram";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	char *path = test_path("robust.sock");
	struct uaddr a = path_addr(path);

	memcpy(addr, &a.sa, sizeof a.sa);
	*len = a.len;
	return start_server(path, NULL);
}

static void robust_good(struct proc *srv, const struct sockaddr *addr,
                        socklen_t len)
{
	struct uaddr me;
	int fd = dgram_abstract("good", &me);

	(void)len;
	expect_echo(srv, fd, &me, ((const struct sockaddr_un *)addr)->sun_path,
	            "a well-formed datagram", 22, "The server must answer after "
	            "the attack.");
	close(fd);
}

const struct robust_target lab_robust = {
	.kind = ROBUST_DATAGRAM, .start = robust_start, .good = robust_good,
	.max_datagram = DGRAM_MAX,
	.needs = "1-4",
};
