/*
 * 06-unix-datagram.c - the grader of lab 06: the uppercase echo over a
 * UNIX datagram socket, its client with an address of its own, and
 * props, the property table measured.  Black-box: the tests run the
 * lab's programs as processes of their own and judge what shows from
 * outside.  The test plays the other side with its own AF_UNIX datagram
 * sockets (bound to abstract names, to long paths, or not bound at
 * all: 06-unix-datagram/dgram.c); props is graded by
 * 06-unix-datagram/props.c, which runs the same experiment itself and
 * compares the counts cell by cell.
 */
#define _GNU_SOURCE     /* sigabbrev_np, strndup */
#include "harness.h"
#include "robust.h"
#include "sockets.h"
#include "06-unix-datagram/dgram.h"
#include "06-unix-datagram/props.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The largest datagram the lab's server answers (DGRAM_MAX in its header). */
#define DGRAM_MAX 65536
/* Longer than 14 bytes: sizeof(struct sockaddr) as a length cuts it. */
#define SERVER_NAME "a-server-socket-with-a-long-name.sock"

/* ---- the server ------------------------------------------------------------------- */

/* The server under test, and a socket of the test's own, bound to an
 * abstract name, to talk to it. */
struct talk {
	struct proc *srv;
	const char *path;
	struct uaddr to;        /* the server's address: PATH */
	struct uaddr me;        /* the test's socket's */
	int fd;
};

/* A new socket of the test's own to talk to SRV, ready at PATH. */
static struct talk talk_to(struct proc *srv, const char *path)
{
	static int sockets;
	struct talk t = { .srv = srv, .path = path, .to = path_addr(path) };
	char tag[16];

	snprintf(tag, sizeof tag, "c%d", ++sockets);
	t.fd = dgram_abstract(tag, &t.me);
	return t;
}

/* Start the server on PATH (with -n COUNT, unless COUNT is NULL), wait
 * for its ready line, and talk_to() it. */
static struct talk start_server(const char *path, const char *count)
{
	struct proc *srv = count ? run("server", NULL, "-n", count, path, NULL)
	                         : run("server", NULL, path, NULL);

	wait_ready(srv);
	return talk_to(srv, path);
}

/* The answer to MSG (LEN bytes), which FD (bound to ME) sent to the
 * server at TO: MSG uppercased, from TO, within 2 s.  HINT: where to
 * look when it does not come, or is another. */
static void expect_answer(struct proc *srv, int fd, const struct uaddr *me,
                          const struct uaddr *to, const void *msg, size_t len,
                          const char *hint)
{
	struct uaddr from;
	char *want = malloc(len + 1), *got = malloc(DGRAM_MAX + 1), *q;
	ssize_t n = drecv(fd, got, DGRAM_MAX + 1, &from, ms(2000));

	memcpy(want, msg, len);
	upper(want, len);
	q = quote(want, len, 60);
	if (n < 0)
		fail(srv, "expected the answer %s at %s, the datagram's sender, "
		     "within %d ms; nothing came. %s", q, addr_text(me), ms(2000),
		     hint);
	if (!same_addr(&from, to))
		fail(srv, "expected the answer to come from the server's address %s; "
		     "it came from %s", addr_text(to), addr_text(&from));
	if ((size_t)n != len || memcmp(got, want, len) != 0)
		fail(srv, "expected the answer %s (%zu bytes: the datagram with its "
		     "ASCII letters uppercased, every other byte as it was); got %s "
		     "(%zd bytes). %s", q, len, quote(got, (size_t)n < DGRAM_MAX
		     ? (size_t)n : DGRAM_MAX, 60), n, hint);
	step("got the answer, %zd bytes, from %s", n, addr_text(&from));
	free(want);
	free(got);
}

/* Send MSG (LEN bytes) from T's socket to the server, and expect its
 * answer (expect_answer()). */
static void expect_echo(const struct talk *t, const void *msg, size_t len,
                        const char *hint)
{
	if (dsend(t->fd, msg, len, &t->to) < 0)
		fail(t->srv, "expected the server to take a datagram of %zu bytes "
		     "from %s; sendto() said: %s%s", len, addr_text(&t->me),
		     strerror(errno), errno == EAGAIN ? " (its queue stayed full "
		     "for 3 s: the server stopped reading)" : "");
	step("sent %zu bytes from %s to %s", len, addr_text(&t->me),
	     addr_text(&t->to));
	expect_answer(t->srv, t->fd, &t->me, &t->to, msg, len, hint);
}

/* Send COUNT datagrams of SIZE bytes to T's server from FD, bound to A, a
 * sender that never reads its answers: the server must read on. */
static void send_unread(const struct talk *t, int fd, const struct uaddr *a,
                        int count, size_t size)
{
	char *msg = calloc(1, size);

	for (int i = 0; i < count; i++) {
		snprintf(msg, size, "unread %d", i);
		if (dsend(fd, msg, size, &t->to) < 0)
			fail(t->srv, "expected the server to keep reading datagrams "
			     "from %s, a sender that never reads its answers; after "
			     "%d, sendto() waited 3 s for room in the server's queue. "
			     "Is the server stuck sending an answer? A UNIX datagram "
			     "socket makes its sender wait while the receiver's queue "
			     "is full: send_answer() must not wait (MSG_DONTWAIT, "
			     "TODO 4)", addr_text(a), i);
	}
	free(msg);
}

/* SRV, which has exited (WHEN: how), must have removed its socket file. */
static void expect_removed(struct proc *srv, const char *path, const char *when)
{
	if (access(path, F_OK) == 0)
		fail(srv, "expected the server to remove its socket file %s %s; it "
		     "is still there", path, when);
}

/* ---- the programs' sockets, seen from outside ----------------------------------- */

static bool is_unix(int fd, const void *unused)
{
	(void)unused;
	return sockopt(fd, SOL_SOCKET, SO_DOMAIN) == AF_UNIX;
}

/* A copy of SRV's AF_UNIX socket (peek_sockets()). */
static int unix_socket_of(struct proc *srv)
{
	return server_socket(srv, is_unix, "an AF_UNIX socket", "", NULL);
}

/* ---- the server's socket ----------------------------------------------------- */

START_TEST(server_socket_is_unix_datagram)
{
	struct talk t = start_server(test_path("s.sock"), NULL);
	int fd = unix_socket_of(t.srv), type = sockopt(fd, SOL_SOCKET, SO_TYPE);

	if (type != SOCK_DGRAM)
		fail(t.srv, "expected the server's socket to be SOCK_DGRAM (%d); it "
		     "is %s (%d): the type argument of socket(2)", SOCK_DGRAM,
		     type_name(type), type);
	close(fd);
	expect_echo(&t, "is anybody there?", 17, "Is the server answering at all? "
	            "(TODO 3-4)");
}
END_TEST

START_TEST(bound_to_full_path)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv = run("server", NULL, path, NULL);
	int fd;

	wait_ready_at_full_path(srv, path);
	fd = unix_socket_of(srv);
	expect_bound_to_path(srv, fd, "socket", path);
	close(fd);
	expect_nothing_replaced(srv, path);
}
END_TEST

START_TEST(path_of_107_bytes_works)
{
	struct talk t = start_server(path_of_length(LONGEST_PATH), NULL);

	expect_socket_at(t.srv, t.path);
	expect_echo(&t, "x", 1, "A 107-byte path is the longest sun_path holds "
	            "with its NUL.");
}
END_TEST

/* ---- answers --------------------------------------------------------------------- */

START_TEST(answer_goes_to_the_sender)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);

	expect_echo(&t, "Hello, World! 42", 16, "Is the answer sent to the "
	            "address recvfrom() gave, with the length it gave? An "
	            "abstract name ends where that length says: sizeof(struct "
	            "sockaddr_un) names another socket.");
	expect_logged(t.srv, "one line per datagram; an abstract name is written "
	              "\"unix:@name\"", "from %s: 16 bytes", addr_text(&t.me));
}
END_TEST

START_TEST(answers_go_to_each_sender)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);
	struct uaddr a[2] = { t.me, path_addr(test_path("a-client-socket-with-"
	                                                "a-long-name.sock")) };
	int fd[2] = { t.fd, dgram_bound(&a[1]) };

	step("two senders: %s and %s (a %zu-byte path)", addr_text(&a[0]),
	     addr_text(&a[1]), strlen(a[1].sa.sun_path));
	/* Interleaved, both in the server's queue before it answers either. */
	for (int round = 0; round < 3; round++) {
		char m[2][32];

		for (int i = 0; i < 2; i++) {
			snprintf(m[i], sizeof m[i], "from %c, round %d", "ab"[i], round);
			if (dsend(fd[i], m[i], strlen(m[i]), &t.to) < 0)
				fail(t.srv, "expected the server to take datagrams; "
				     "sendto() said: %s", strerror(errno));
		}
		step("sent \"%s\" from a and \"%s\" from b", m[0], m[1]);
		for (int i = 0; i < 2; i++)
			expect_answer(t.srv, fd[i], &a[i], &t.to, m[i], strlen(m[i]),
			              "Each answer goes to the address recvfrom() gave "
			              "with that datagram, with its length: a pathname "
			              "over 14 bytes is cut by sizeof(struct sockaddr), "
			              "and the other sender's answer is not this one "
			              "(TODO 4)");
	}
	step("each sender got its own three answers");
}
END_TEST

START_TEST(binary_and_empty_datagrams_are_answered)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);
	static const char bin[] = "nul\0byte \xff\xfe high, lower: abc-xyz {}";

	expect_echo(&t, bin, sizeof bin - 1, "Data is bytes, not a string: the "
	            "length recvfrom() returned, not strlen().");
	expect_echo(&t, "", 0, "An empty datagram is a datagram: answer it with "
	            "an empty one (recvfrom() returning 0 is no end of file here).");
	expect_echo(&t, "still here", 10, "The server must go on after an empty "
	            "datagram.");
}
END_TEST

START_TEST(largest_datagram_is_answered_whole)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);
	int size = 1 << 20;
	char *data = malloc(DGRAM_MAX + 1000);

	/* Room to send one, and to get its answer back. */
	setsockopt(t.fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	setsockopt(t.fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	fill_pattern(data, DGRAM_MAX + 1000, 6);
	expect_echo(&t, data, DGRAM_MAX, "A receive buffer of fewer than 65536 "
	            "bytes cuts the datagram (DGRAM_MAX).");
	if (dsend(t.fd, data, DGRAM_MAX + 1000, &t.to) < 0)
		fail(t.srv, "test: could not send %d bytes: %s", DGRAM_MAX + 1000,
		     strerror(errno));
	step("sent %d bytes, more than the %d the server answers", DGRAM_MAX + 1000,
	     DGRAM_MAX);
	if (drecv(t.fd, data, DGRAM_MAX + 1000, NULL, ms(300)) >= 0)
		fail(t.srv, "expected no answer to a datagram of %d bytes, more than "
		     "the %d the server answers (it would be the first %d bytes "
		     "only, not the datagram uppercased); an answer came. "
		     "recvfrom() with MSG_TRUNC returns the real size (TODO 3)",
		     DGRAM_MAX + 1000, DGRAM_MAX, DGRAM_MAX);
	expect_logged(t.srv, "the datagram it does not answer, with its real "
	              "size: recvfrom() with MSG_TRUNC returns it (TODO 3)",
	              "from %s: %d bytes", addr_text(&t.me), DGRAM_MAX + 1000);
	expect_echo(&t, "and then", 8, "The server must go on.");
	free(data);
}
END_TEST

START_TEST(unbound_sender_is_logged_and_dropped)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);
	int anon = dgram_socket();

	if (dsend(anon, "who am i", 8, &t.to) < 0)
		fail(t.srv, "test: sendto: %s", strerror(errno));
	step("sent \"who am i\" from a socket that never bound an address");
	expect_logged(t.srv, "a sender that never bound has no name: recvfrom() "
	              "gives an address length of 0", "from unix:(unnamed): 8 bytes");
	expect_logged(t.srv, "there is no address to answer to: send_answer() "
	              "fails with EDESTADDRREQ for a sender with no name, and "
	              "server.c says so (TODO 4)", "no answer to unix:(unnamed): "
	              "it is unbound");
	if (!running(t.srv))
		fail(t.srv, "expected the server to go on after a datagram from an "
		     "unbound sender; it %s", describe_status(t.srv->status));
	expect_echo(&t, "next one", 8, "The server must go on after a sender it "
	            "cannot answer.");
	close(anon);
}
END_TEST

START_TEST(client_that_never_reads_does_not_block_the_server)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);
	struct uaddr lazy;
	int lfd = dgram_abstract("never-reads", &lazy);

	send_unread(&t, lfd, &lazy, 40, 16);
	step("sent 40 datagrams from %s, which never reads its answers (its "
	     "queue holds about 10)", addr_text(&lazy));
	expect_echo(&t, "am i answered?", 14, "One client that never reads must "
	            "not stop the server: a blocking sendto() waits for room in "
	            "that client's full queue (MSG_DONTWAIT in send_answer(), "
	            "TODO 4).");
	expect_logged(t.srv, "an answer it could not send: that sender's queue is "
	              "full", "no answer to %s: ", addr_text(&lazy));
	close(lfd);
}
END_TEST

START_TEST(answers_resume_once_the_non_readers_close)
{
	enum { LAZY = 32, EACH = 11, SIZE = 1000 };
	struct talk t = start_server(test_path(SERVER_NAME), NULL);
	long long t0 = now_ms();
	int lazy[LAZY], lines = 0;
	char buf[16], *err;
	bool stalled;

	for (int i = 0; i < LAZY; i++) {
		struct uaddr a;
		char tag[16];

		snprintf(tag, sizeof tag, "lazy-%d", i);
		lazy[i] = dgram_abstract(tag, &a);
		send_unread(&t, lazy[i], &a, EACH, SIZE);
	}
	step("%d senders sent %d datagrams of %d bytes each and read no answer: "
	     "an answer counts against the server's send buffer until it is "
	     "read, and theirs fill it", LAZY, EACH, SIZE);
	if (dsend(t.fd, "anyone?", 7, &t.to) < 0)
		fail(t.srv, "expected the server to take a datagram from %s; "
		     "sendto() said: %s", addr_text(&t.me), strerror(errno));
	expect_logged(t.srv, "the server must read on while no answer can go "
	              "out", "from %s: 7 bytes", addr_text(&t.me));
	stalled = drecv(t.fd, buf, sizeof buf, NULL, ms(300)) < 0;
	for (int i = 0; i < LAZY; i++)
		close(lazy[i]);
	step("%s; then the %d senders closed their sockets, and the kernel freed "
	     "the answers they never read", stalled ? "no answer came" :
	     "the answer came", LAZY);
	expect_echo(&t, "and now?", 8, "Once the senders that never read have "
	            "gone, their answers no longer fill the server's send buffer: "
	            "the next answer must go out (send_answer() with MSG_DONTWAIT "
	            "drops an answer, never the server's will to answer; TODO 4).");
	err = proc_stderr(t.srv, NULL);
	for (const char *l = err; (l = strstr(l, "no answer to ")) != NULL; l++)
		lines++;
	free(err);
	if (lines > 2 + (now_ms() - t0) / 1000)
		fail(t.srv, "expected the server to log the answers it drops for a "
		     "full queue without a line for each (at most one a second, "
		     "with the count of the others: server.c); it logged %d lines "
		     "\"no answer to ...\" in %lld ms", lines, now_ms() - t0);
	report_note("%d senders that never read: %s; answered again once they "
	            "closed", LAZY, stalled ? "the server's send buffer filled, "
	            "no answer went out" : "this host's send buffer held all "
	            "their answers");
}
END_TEST

START_TEST(vanished_sender_is_survived)
{
	char *gone_path = test_path("gone-client.sock");
	struct talk t = start_server(test_path(SERVER_NAME), NULL);
	struct uaddr gone, gp = path_addr(gone_path);
	int fd = dgram_abstract("gone", &gone), pfd = dgram_bound(&gp);

	for (int i = 0; i < 20; i++)
		if (dsend(fd, "gone soon", 9, &t.to) < 0 || dsend(pfd, "gone too", 8, &t.to) < 0)
			fail(t.srv, "test: sendto: %s", strerror(errno));
	close(fd);
	close(pfd);
	unlink(gone_path);
	step("20 datagrams each from %s and %s, then both closed (the file "
	     "removed) before the answers", addr_text(&gone), addr_text(&gp));
	expect_echo(&t, "still up?", 9, "Senders that have gone (sendto(): "
	            "ECONNREFUSED, ENOENT) are logged, never the server's end.");
}
END_TEST

/* ---- what is at the path ------------------------------------------------------- */

START_TEST(stale_socket_is_replaced)
{
	char *path = test_path(SERVER_NAME);
	struct proc *srv;
	struct talk t;

	leave_stale_socket(path, SOCK_DGRAM);
	srv = run("server", NULL, path, NULL);
	expect_stale_replaced(srv, path, "TODO 2 sets *replaced_stale, and "
	                      "server.c logs it after the ready line");
	t = talk_to(srv, path);
	expect_echo(&t, "stale", 5, "The server must bind the path again once "
	            "the stale file is gone.");

	/* A stream server's leftover is stale too: the probe's datagram
	 * connect() says ECONNREFUSED for any socket file nobody is bound to. */
	stop(srv, ms(2000));
	path = test_path("stream-leftover.sock");
	leave_stale_socket(path, SOCK_STREAM);
	t = start_server(path, NULL);
	expect_echo(&t, "again", 5, "A stale socket of another type is stale all "
	            "the same.");
}
END_TEST

START_TEST(live_socket_is_refused)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);

	/* First, where nothing is: the server binds. */
	expect_echo(&t, "first", 5, "The server must bind a free path (TODO 1-2).");
	stop(t.srv, ms(2000));
	expect_live_socket_kept(test_path("live.sock"), SOCK_DGRAM, SOCK_DGRAM);
	expect_live_socket_kept(test_path("stream.sock"), SOCK_STREAM, SOCK_DGRAM);
}
END_TEST

START_TEST(regular_file_is_left_alone)
{
	expect_non_sockets_kept(SOCK_DGRAM);
}
END_TEST

/* ---- stopping ---------------------------------------------------------------------- */

START_TEST(sigterm_removes_socket_and_exits_0)
{
	struct talk t = start_server(test_path(SERVER_NAME), NULL);

	expect_echo(&t, "bye", 3, "The server must answer.");
	send_signal(t.srv, SIGTERM, "the server");
	expect_exit(t.srv, 0, ms(2000), "SIGTERM: clean up and exit 0");
	expect_removed(t.srv, t.path, "on SIGTERM");

	t = start_server(t.path, NULL);
	send_signal(t.srv, SIGINT, "the server, started again, while it waited");
	expect_exit(t.srv, 0, ms(2000), "SIGINT while idle: clean up and exit 0");
	expect_removed(t.srv, t.path, "on SIGINT");
}
END_TEST

START_TEST(count_option_stops_after_n_datagrams)
{
	struct talk t = start_server(test_path(SERVER_NAME), "3");
	int anon = dgram_socket();

	expect_echo(&t, "one", 3, "The server must answer.");
	if (dsend(anon, "two", 3, &t.to) < 0)
		fail(t.srv, "test: sendto: %s", strerror(errno));
	step("sent \"two\" from an unbound socket (it counts, unanswered)");
	expect_echo(&t, "three", 5, "The server must answer.");
	expect_exit(t.srv, 0, ms(2000), "-n 3: exit after the third datagram");
	expect_removed(t.srv, t.path, "at exit");
	close(anon);
}
END_TEST

/* ---- arguments ------------------------------------------------------------------- */

START_TEST(bad_arguments_are_usage_errors)
{
	/* "@s.sock": a socket path in the test's directory. */
	static const char *const cases[] = {
		"server",
		"server -n abc @s.sock",
		"server -n 0 @s.sock",
		"server @s.sock extra",
		"client",
		"client -t soon @s.sock",
		"client @s.sock extra",
		"props -n 1",
		"props -n lots",
		"props -s 0",
		"props -s 65508",
		"props extra",
		NULL,
	};
	char *too_long = path_of_length(LONGEST_PATH + 1);

	expect_usage_errors(cases);
	/* An empty path, one of 108 bytes, an option that does not exist. */
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "client" : "server";

		expect_usage_error(run(name, NULL, "", NULL));
		expect_usage_error(run(name, NULL, too_long, NULL));
		expect_usage_error_naming(run(name, NULL, "-x", test_path("s.sock"),
		                              NULL), "-x");
	}
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

/* Run the client with the options OPTS ("-p -t 200", or "") and the
 * server's PATH, the file INPUT (write_file()) as its stdin; NULL: a pipe
 * the test holds and never writes to. */
static struct proc *start_client(const char *opts, const char *path,
                                 const char *input)
{
	struct run_opts o = { .stdin_file = input, .stdin_pipe = input == NULL };
	char words[300];

	snprintf(words, sizeof words, "client %s %s", opts, path);
	return run_words(&o, words);
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

/* The fake server F answers ANSWER to the client CLI at TO. */
static void answer_client(struct proc *cli, struct fake *f,
                          const struct uaddr *to, const char *answer)
{
	if (dsend(f->fd, answer, strlen(answer), to) < 0)
		fail(cli, "expected the test's server to be able to answer the "
		     "client at %s; sendto() said %s (did the client bind an "
		     "address of its own? TODO 5)", addr_text(to), strerror(errno));
	step("answered \"%s\" to %s", answer, addr_text(to));
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
	struct proc *cli = start_client("", f.path, write_file("in", "hello\n", 6));
	struct uaddr from;
	const char *why;
	char buf[64];
	ssize_t n = from_client(cli, &f, buf, sizeof buf, &from, "the line \"hello\"");

	if (!is_own_abstract_name(&from, cli->pid, &why))
		fail(cli, "expected the client's datagram to come from the abstract "
		     "name \"\\0socklab-%d-RANDOM\"; recvfrom() says it came from %s "
		     "(%u address bytes): %s", (int)cli->pid, addr_text(&from),
		     (unsigned)from.len, why);
	if (n != 5 || memcmp(buf, "hello", 5) != 0)
		fail(cli, "expected the datagram \"hello\" (5 bytes, no newline); got "
		     "%s", quote(buf, n > 0 ? (size_t)n : 0, 40));
	answer_client(cli, &f, &from, "ANSWERED");
	expect_exit(cli, 0, ms(2000), "the answer came; then the end of input");
	expect_stdout(cli, "ANSWERED\n", "the client prints the answer");
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
	char buf[128], want_out[256] = "";

	step("the client's stdin: %s", quote(input, sizeof input - 1, 100));
	cli = start_client("", f.path, write_file("in", input, sizeof input - 1));
	for (size_t i = 0; i < 5; i++) {
		struct uaddr from;
		char answer[64];
		ssize_t n = from_client(cli, &f, buf, sizeof buf, &from, "a line");

		if ((size_t)n != lens[i] || memcmp(buf, lines[i], lens[i]) != 0)
			fail(cli, "expected line %zu as one datagram, %s (%zu bytes, "
			     "without its newline); got %s (%zd bytes)", i + 1,
			     quote(lines[i], lens[i], 40), lens[i],
			     quote(buf, n > 0 ? (size_t)n : 0, 40), n);
		snprintf(answer, sizeof answer, "answer %zu", i + 1);
		answer_client(cli, &f, &from, answer);
		strcat(strcat(want_out, answer), "\n");
	}
	expect_exit(cli, 0, ms(2000), "every line answered, then the end of input");
	expect_stdout(cli, want_out, "the answers, one per line, in order");
}
END_TEST

START_TEST(two_clients_at_once_get_their_own_answers)
{
	struct fake f = fake_server();
	struct proc *cli[2];
	struct uaddr from[2];
	char buf[2][32];

	for (int i = 0; i < 2; i++)
		cli[i] = start_client("", f.path, write_file(i ? "in1" : "in0",
		                      i ? "client b\n" : "client a\n", 9));
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
		upper(buf[i], strlen(buf[i]));
		answer_client(cli[i], &f, &from[i], buf[i]);
	}
	for (int i = 0; i < 2; i++) {
		expect_exit(cli[i], 0, ms(2000), "its answer came");
		expect_stdout(cli[i], i ? "CLIENT B\n" : "CLIENT A\n", i
		              ? "client b must print its own answer"
		              : "client a must print its own answer");
	}
}
END_TEST

START_TEST(client_ignores_strangers)
{
	struct fake f = fake_server();
	struct proc *cli = start_client("", f.path, write_file("in", "question\n", 9));
	struct uaddr from, stranger;
	int sfd = dgram_abstract("stranger", &stranger), anon = dgram_socket();
	char buf[64];

	from_client(cli, &f, buf, sizeof buf, &from, "the line \"question\"");
	if (dsend(sfd, "FROM A STRANGER", 15, &from) < 0
	    || dsend(anon, "FROM NOBODY", 11, &from) < 0)
		fail(cli, "test: could not send to the client at %s: %s",
		     addr_text(&from), strerror(errno));
	step("a stranger (%s) and an unbound socket sent a datagram each to the "
	     "client first", addr_text(&stranger));
	answer_client(cli, &f, &from, "THE ANSWER");
	expect_exit(cli, 0, ms(2000), "the server's answer came");
	expect_stdout(cli, "THE ANSWER\n", "anyone can send to the client's name, "
	              "and only a datagram from the server's address is the "
	              "answer (TODO 9)");
	if (!stderr_has(cli, "ignored"))
		fail(cli, "expected the client to log the datagrams it skipped "
		     "(\"ignored N bytes from ADDRESS: not the server\"); it did not");
	close(sfd);
	close(anon);
}
END_TEST

/* CLI, started with -t 300 at T0, must exit 1 once 300 ms have passed
 * while WAITING ("no answer comes"), and not before MIN_MS: LATE and
 * EARLY say where to look when it does not.  T0 is taken before the
 * client starts, never when its datagram arrives: on a loaded machine the
 * test may read that datagram late, and a client that waited its 300 ms
 * would seem to have given up early. */
static void expect_gives_up(struct proc *cli, long long t0, int min_ms,
                            const char *waiting, const char *late,
                            const char *early)
{
	if (!wait_exit(cli, ms(300) + ms(3000)))
		fail(cli, "expected the client (-t 300) to give up when %s for 300 "
		     "ms; it is still waiting after %d ms (%s)", waiting,
		     ms(300) + ms(3000), late);
	if (now_ms() - t0 < min_ms)
		fail(cli, "expected the client (-t 300) to wait 300 ms while %s; it "
		     "gave up after %lld ms%s", waiting, now_ms() - t0, early);
	expect_exit(cli, 1, 0, waiting);
}

START_TEST(client_gives_up_without_answer)
{
	struct fake f = fake_server();
	char *in = write_file("in", "anyone?\n", 8), buf[64], *err;
	long long t0 = now_ms();
	struct proc *cli = start_client("-t 300", f.path, in);
	struct uaddr from, me;
	int filler, sent = 0;

	from_client(cli, &f, buf, sizeof buf, &from, "its line");
	step("the test's server never answers");
	expect_gives_up(cli, t0, 250, "no answer comes", "poll(2) with what "
	                "is left of the deadline, TODO 9", "");
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
	t0 = now_ms();
	cli = start_client("-t 300", f.path, in);
	expect_gives_up(cli, t0, 200, "the server's queue stays full",
	                "client.c bounds sendto() with SO_SNDTIMEO", " (a UNIX "
	                "datagram sender waits: no MSG_DONTWAIT in send_line(), "
	                "TODO 8)");
	close(filler);
}
END_TEST

START_TEST(client_without_server_fails)
{
	static const int errs[] = { ENOENT, ECONNREFUSED };
	char *path = test_path("nobody-here.sock"), *in = write_file("in", "hello?\n", 7);

	for (int i = 0; i < 2; i++) {
		struct proc *cli = start_client("", path, in);
		char *err;

		expect_exit(cli, 1, ms(1000), i == 0 ? "no socket file: sendto() "
		            "fails at once, well before the 2000 ms timeout" : "a "
		            "socket file nobody is bound to: sendto() fails with "
		            "ECONNREFUSED at once");
		err = proc_stderr(cli, NULL);
		if (strstr(err, strerror(errs[i])) == NULL)
			fail(cli, "expected the client to report sendto()'s error "
			     "(\"%s\"); stderr says %s", strerror(errs[i]),
			     quote(err, strlen(err), 100));
		free(err);
		if (i == 0)
			leave_stale_socket(path, SOCK_DGRAM);
	}
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
	struct proc *cli = start_client("-p", f.path, write_file("in", "by path\n", 8));
	struct uaddr from;
	char buf[64], prefix[sizeof (struct sockaddr_un)], *file;
	size_t n, plen;
	const char *name;

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
	expect_socket_at(cli, file);
	answer_client(cli, &f, &from, "BY PATH");
	expect_exit(cli, 0, ms(2000), "its answer came, then the end of input");
	expect_stdout(cli, "BY PATH\n", NULL);
	expect_no_client_file(cli, "after it exited 0");
	free(file);
}
END_TEST

START_TEST(pathname_client_is_removed_on_errors_and_signals)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct fake f = fake_server();
	struct proc *cli = start_client("-p -t 200", f.path, write_file("in", "x\n", 2));
	char buf[64];
	struct uaddr from;

	from_client(cli, &f, buf, sizeof buf, &from, "its line");
	step("the test's server does not answer");
	expect_exit(cli, 1, ms(200) + ms(3000), "no answer within -t 200");
	expect_no_client_file(cli, "after it exited 1 (no answer): every way out "
	                      "removes it (atexit() calls remove_own_address())");

	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		cli = start_client("-p", f.path, NULL);
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
	struct proc *cli = start_client("-p", f.path, NULL), *srv;
	char *file = await_client_file(cli);
	struct uaddr a = path_addr(file);
	int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct talk t;

	kill_proc(cli);
	step("killed the client with SIGKILL: nothing can clean up after that");
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
	expect_stale_replaced(srv, file, "the server started on the leftover "
	                      "finds it stale: TODO 2");
	t = talk_to(srv, file);
	expect_echo(&t, "reused", 6, "The stale leftover must be replaced.");
}
END_TEST

/* ---- props: graded by 06-unix-datagram/props.c ------------------------------- */

START_TEST(props_counts_follow_count_and_size)
{
	props_counts_test();
}
END_TEST

START_TEST(props_reliability_is_measured)
{
	props_reliability_test();
}
END_TEST

START_TEST(props_boundaries_are_measured)
{
	props_boundaries_test();
}
END_TEST

START_TEST(props_connection_is_measured)
{
	props_connection_test();
}
END_TEST

START_TEST(props_prints_the_table_of_its_counts)
{
	props_table_test();
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
	{ &client_that_never_reads_does_not_block_the_server, 2, 8,
	  "TODO 4 in echo.c (MSG_DONTWAIT)",
	  "a sender whose queue is full never stops the server: others answered", "1-4" },
	{ &answers_resume_once_the_non_readers_close, 2, 10,
	  "TODO 4 in echo.c (MSG_DONTWAIT); server.c",
	  "32 senders that never read fill its send buffer: answered once they close", "1-4" },
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
	struct proc *srv = run("server", NULL, path, NULL);

	wait_ready(srv);
	memcpy(addr, &a.sa, sizeof a.sa);
	*len = a.len;
	return srv;
}

static void robust_good(struct proc *srv, const struct sockaddr *addr,
                        socklen_t len)
{
	struct talk t = talk_to(srv, ((const struct sockaddr_un *)addr)->sun_path);

	(void)len;
	expect_echo(&t, "a well-formed datagram", 22, "The server must answer "
	            "after the attack.");
	close(t.fd);
}

const struct robust_target lab_robust = {
	.kind = ROBUST_DATAGRAM, .start = robust_start, .good = robust_good,
	.max_datagram = DGRAM_MAX,
	.needs = "1-4",
};
