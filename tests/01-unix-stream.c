/*
 * 01-unix-stream.c - the grader of lab 01, the file drop over a UNIX
 * stream socket (SPEC §4).  The test plays the other side with its own
 * sockets: a broken client never fails a server test, and vice versa.
 */
#define _GNU_SOURCE     /* memmem */
#include "harness.h"
#include "robust.h"
#include "trace.h"
#include "unix_stream.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* 107 on Linux: sun_path's size less the terminating NUL. */
#define LONGEST_PATH (sizeof ((struct sockaddr_un *)0)->sun_path - 1)

/* ---- the test's side ------------------------------------------------------ */

static void make_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof a->sun_path, "%s", path);
}

/* Connect to the server under test as a client. */
static int connect_to(struct proc *srv, const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	make_addr(path, &a);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		fail(srv, "expected the server to accept connections at %s; "
		     "connect() said: %s", path, strerror(errno));
	return fd;
}

/* A listening socket of the test's own, for testing the client. */
static int listen_at(const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	make_addr(path, &a);
	unlink(path);   /* the test's own file, from a previous round */
	ck_assert_msg(bind(fd, (struct sockaddr *)&a, sizeof a) == 0
	              && listen(fd, 8) == 0, "test: cannot listen at %s: %s",
	              path, strerror(errno));
	return fd;
}

/* Accept the client under test, within the deadline. */
static int accept_from(struct proc *cli, int lfd)
{
	int ready = wait_io_or_exit(cli, lfd, false, ms(2000));

	if (ready < 0)
		fail(cli, "expected the client to connect to the test's server; "
		     "it %s without connecting", describe_status(cli->status));
	if (ready == 0)
		fail(cli, "expected the client to connect to the test's server; "
		     "no connection within %d ms", ms(2000));
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Act as a client: send LEN bytes of DATA in pieces of at most CHUNK
 * bytes (with a short gap every GAP_EVERY pieces, so the server sees
 * them arrive separately), half-close, and return everything the server
 * sends back until it closes. */
static char *drop(struct proc *srv, const char *path, const void *data,
                  size_t len, size_t chunk, int gap_every, size_t *rlen)
{
	int fd = connect_to(srv, path);
	const char *p = data;
	bool eof;
	char *reply;
	size_t pieces = 0;

	step("connected to unix:%s; sending %zu bytes in pieces of up to %zu",
	     path, len, chunk);
	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		if (write_fully(fd, p + off, n, ms(3000)) < 0)
			fail(srv, "expected the server to read what its client "
			     "sends; it stopped reading after %zu of %zu bytes",
			     off, len);
		if (gap_every > 0 && ++pieces % (size_t)gap_every == 0)
			poll(NULL, 0, 2);   /* let the piece travel alone */
	}
	shutdown(fd, SHUT_WR);
	step("half-closed the connection (shutdown SHUT_WR); waiting for the receipt");
	reply = read_until_eof(fd, rlen, &eof, ms(3000));
	close(fd);
	return reply;
}

/* The reply must be exactly "OK <len>\n". */
static void expect_receipt(struct proc *srv, const char *reply, size_t rlen,
                           size_t len)
{
	char want[40];
	char *got = quote(reply, rlen, 60);

	snprintf(want, sizeof want, "OK %zu\n", len);
	if (rlen != strlen(want) || memcmp(reply, want, rlen) != 0)
		fail(srv, "expected the receipt \"OK %zu\\n\" after sending %zu "
		     "bytes and half-closing; got %s", len, len,
		     rlen ? got : "nothing (the server closed or never answered)");
	free(got);
}

/* The server's stdout must hold exactly DATA. */
static void expect_output(struct proc *srv, const void *data, size_t len)
{
	size_t got_len;
	char *got = proc_stdout(srv, &got_len);

	if (got_len != len || memcmp(got, data, len) != 0) {
		size_t i = 0;

		while (i < got_len && i < len && got[i] == ((const char *)data)[i])
			i++;
		fail(srv, "expected the server's stdout to hold exactly the %zu "
		     "bytes the client sent; it holds %zu, and they differ from "
		     "byte %zu on (data is binary: NUL bytes included)",
		     len, got_len, i);
	}
	free(got);
}

static struct proc *start_server(const char *path, const struct run_opts *o)
{
	struct proc *srv = run("server", o, path, NULL);

	wait_ready(srv);
	return srv;
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

/* Where the first whole line of TEXT that starts with PREFIX (or holds
 * it, if !AT_START) begins; -1 if there is none. */
static long line_at(const char *text, const char *prefix, bool at_start)
{
	size_t plen = strlen(prefix);

	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');

		if (nl == NULL)
			return -1;      /* a line counts once it is complete */
		if (at_start ? strncmp(line, prefix, plen) == 0
		             : memmem(line, (size_t)(nl - line), prefix, plen) != NULL)
			return line - text;
		line = nl + 1;
	}
	return -1;
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

/* ---- white-box: the listening socket ---------------------------------------- */

START_TEST(listener_is_unix_stream)
{
	char *path = test_path("listener.sock");
	bool replaced;
	int fd, domain = -1, type = -1, acc = -1;
	socklen_t len = sizeof domain;

	step("called unix_listen(\"%s\")", path);
	fd = unix_listen(path, &replaced);
	if (fd < 0)
		fail(NULL, "expected unix_listen() to return a listening socket; "
		     "it returned -1 (%s)", strerror(errno));
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
	len = sizeof type;
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	len = sizeof acc;
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len);
	if (domain != AF_UNIX || type != SOCK_STREAM)
		fail(NULL, "expected an AF_UNIX (%d) SOCK_STREAM (%d) socket; "
		     "got domain %d, type %d (socket(2) arguments)", AF_UNIX,
		     SOCK_STREAM, domain, type);
	if (acc != 1)
		fail(NULL, "expected the socket to be listening (SO_ACCEPTCONN 1); "
		     "it is not: was listen(2) called?");
	close(fd);
}
END_TEST

START_TEST(bound_to_full_path)
{
	char *path = test_path("a-socket-with-a-longer-name.sock");
	struct sockaddr_un got;
	socklen_t len = sizeof got;
	bool replaced;
	int fd;

	step("called unix_listen(\"%s\"), a %zu-byte path", path, strlen(path));
	fd = unix_listen(path, &replaced);
	if (fd < 0)
		fail(NULL, "expected unix_listen() to succeed; it returned -1 (%s)",
		     strerror(errno));
	memset(&got, 0, sizeof got);
	getsockname(fd, (struct sockaddr *)&got, &len);
	if (strncmp(got.sun_path, path, sizeof got.sun_path) != 0)
		fail(NULL, "expected the socket bound to \"%s\"; getsockname() "
		     "says \"%.108s\" (the length given to bind(): "
		     "sizeof(struct sockaddr) cuts the path to 14 bytes)",
		     path, got.sun_path);
	expect_socket_at(NULL, path);
	close(fd);
}
END_TEST

/* ---- the server's life cycle ------------------------------------------------ */

/* A socket file nobody listens on at PATH: what a killed server leaves. */
static void leave_stale_socket(const char *path)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	make_addr(path, &a);
	ck_assert(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
	close(fd);
	step("left a stale socket file at %s (bound, then closed)", path);
}

START_TEST(stale_socket_is_replaced)
{
	char *path = test_path("stale.sock");
	struct proc *srv;
	size_t rlen;
	char *reply, *replaced, *err;

	leave_stale_socket(path);
	srv = run("server", NULL, path, NULL);
	if (!wait_stderr_line(srv, "listening on", ms(3000)))
		fail(srv, "expected the server to remove the stale socket file and "
		     "listen; %s", running(srv) ? "it never said \"listening on\""
		     : describe_status(srv->status));
	reply = drop(srv, path, "stale", 5, 5, 0, &rlen);
	expect_receipt(srv, reply, rlen, 5);

	/* The replacement is an event before readiness: logged, and only
	 * once the ready line is out (tests wait for that line first). */
	if (asprintf(&replaced, "replaced stale socket unix:%s", path) < 0)
		abort();
	if (!wait_stderr_line(srv, replaced, ms(1000)))
		fail(srv, "expected the log line \"%s\" (right after the ready "
		     "line); the server never logged that it replaced the stale "
		     "socket file (server.c, after unix_listen() set *replaced)",
		     replaced);
	err = proc_stderr(srv, NULL);
	if (line_at(err, replaced, false) < line_at(err, "listening on ", true))
		fail(srv, "expected \"listening on unix:%s\" as the first line, then "
		     "\"%s\"; the server logged the replacement before its ready "
		     "line (SPEC: nothing is written before the ready line; events "
		     "before readiness are logged right after it)", path, replaced);
	free(err);
	free(replaced);
}
END_TEST

START_TEST(live_socket_is_refused)
{
	char *path = test_path("live.sock");
	struct proc *first = start_server(path, NULL), *second;
	struct sockaddr_un a;
	struct stat before, after;
	int lfd, queued;
	size_t rlen;
	char *reply;

	second = run("server", NULL, path, NULL);
	expect_exit(second, 1, ms(3000), "a server is already listening on "
	            "that path: never steal a live server's name");
	reply = drop(first, path, "still mine", 10, 10, 0, &rlen);
	if (rlen == 0)
		fail(first, "expected the first server to keep its socket while a "
		     "second one was refused; its clients get nothing now (did the "
		     "second server unlink the path?)");
	expect_receipt(first, reply, rlen, 10);

	/* A live server so busy that its backlog is full: the probe's
	 * non-blocking connect() fails with EAGAIN, and it is still live.
	 * The test holds that listener itself (backlog 0) and fills it. */
	path = test_path("busy.sock");
	lfd = listen_at(path);
	ck_assert(listen(lfd, 0) == 0);
	ck_assert(lstat(path, &before) == 0);
	make_addr(path, &a);
	for (queued = 0; queued < 64; queued++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
			ck_assert_msg(errno == EAGAIN, "test: connect to its own "
			              "listener: %s", strerror(errno));
			close(fd);
			break;
		}
	}
	ck_assert_msg(queued < 64, "test: cannot fill its listener's backlog");
	step("the test listens at %s with backlog 0, never accepts, and queued "
	     "%d connections: a further connect() fails with EAGAIN", path, queued);
	second = run("server", NULL, path, NULL);
	expect_exit(second, 1, ms(3000), "a server listens on that path, its "
	            "backlog full: the probe's connect() fails with EAGAIN, which "
	            "means live (only ECONNREFUSED means stale)");
	if (lstat(path, &after) < 0 || after.st_ino != before.st_ino)
		fail(second, "expected the busy server's socket file %s to be left "
		     "alone; it was %s", path, errno == ENOENT ? "removed" : "replaced");
	close(lfd);
}
END_TEST

START_TEST(regular_file_is_left_alone)
{
	char *path = test_path("precious.txt");
	const char text[] = "a user's file, not a socket\n";
	char *after, *target, *slink;
	size_t len;
	struct proc *srv;
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert(write(fd, text, sizeof text - 1) == sizeof text - 1);
	close(fd);
	step("wrote a regular file at %s", path);
	srv = run("server", NULL, path, NULL);
	expect_exit(srv, 1, ms(3000), "the path holds a regular file, which is "
	            "not the server's to remove");
	after = NULL;
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		bool eof;

		after = read_until_eof(fd, &len, &eof, ms(1000));
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
	leave_stale_socket(target);
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
END_TEST

START_TEST(path_of_107_bytes_works)
{
	char *path = path_of_length(LONGEST_PATH);
	struct proc *srv = start_server(path, NULL);
	size_t rlen;
	char *reply;

	expect_socket_at(srv, path);
	reply = drop(srv, path, "x", 1, 1, 0, &rlen);
	expect_receipt(srv, reply, rlen, 1);
}
END_TEST

START_TEST(path_of_108_bytes_is_a_usage_error)
{
	char *path = path_of_length(LONGEST_PATH + 1);
	struct proc *srv = run("server", NULL, path, NULL), *cli;
	struct stat st;

	expect_exit(srv, 2, ms(3000), "a 108-byte path does not fit in sun_path "
	            "with its NUL: a usage error, never a crash or a cut path");
	path[LONGEST_PATH] = '\0';
	if (lstat(path, &st) == 0)
		fail(srv, "expected no socket file; the server created one at the "
		     "path cut to 107 bytes (strncpy into sun_path?)");
	path[LONGEST_PATH] = 'p';
	cli = run("client", NULL, path, NULL);
	expect_exit(cli, 2, ms(3000), "the client must refuse a 108-byte path too");
}
END_TEST

START_TEST(bad_arguments_are_usage_errors)
{
	/* "@": a socket path in the test's directory. */
	static const char *const cases[][4] = {
		{ "server", NULL, NULL, NULL },
		{ "server", "-n", "abc", "@" },
		{ "server", "-x", "@", NULL },
		{ "server", "-n", "0", "@" },
		{ "server", "@", "extra", NULL },
		{ "client", NULL, NULL, NULL },
		{ "client", "@", "extra", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *arg[3];
		struct proc *p;

		for (size_t j = 0; j < 3; j++)
			arg[j] = cases[i][j + 1] && strcmp(cases[i][j + 1], "@") == 0
			         ? test_path("s.sock") : cases[i][j + 1];
		p = run(cases[i][0], NULL, arg[0], arg[1], arg[2], NULL);
		expect_usage_error(p);
	}
	/* An option without its argument, and one that does not exist. */
	expect_usage_error_naming(run("server", NULL, "-n", NULL), "-n");
	expect_usage_error_naming(run("server", NULL, "-x", test_path("s.sock"),
	                              NULL), "-x");
	expect_usage_error_naming(run("client", NULL, "-x", test_path("s.sock"),
	                              NULL), "-x");
}
END_TEST

/* ---- the server's transfers --------------------------------------------------- */

START_TEST(empty_transfer_gets_ok_0)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);
	size_t rlen;
	char *reply = drop(srv, path, "", 0, 1, 0, &rlen);

	expect_receipt(srv, reply, rlen, 0);
	expect_output(srv, "", 0);
}
END_TEST

START_TEST(one_byte_is_received)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);
	size_t rlen;
	char *reply = drop(srv, path, "!", 1, 1, 0, &rlen);

	expect_receipt(srv, reply, rlen, 1);
	expect_output(srv, "!", 1);
	if (!wait_stderr_line(srv, "client 1: 1 bytes", ms(1000)))
		fail(srv, "expected the log line \"client 1: 1 bytes\"");
}
END_TEST

START_TEST(binary_megabytes_byte_exact)
{
	char *path = test_path("s.sock");
	size_t len = 3 << 20, rlen;
	char *data = malloc(len), *reply;
	struct proc *srv = start_server(path, NULL);

	fill_pattern(data, len, 1);
	reply = drop(srv, path, data, len, 70001, 4, &rlen);
	expect_receipt(srv, reply, rlen, len);
	expect_output(srv, data, len);
}
END_TEST

START_TEST(data_in_pieces_is_counted_whole)
{
	char *path = test_path("s.sock");
	const char data[] = "one byte at a time, with pauses";
	struct proc *srv = start_server(path, NULL);
	size_t rlen;
	char *reply = drop(srv, path, data, sizeof data - 1, 1, 1, &rlen);

	expect_receipt(srv, reply, rlen, sizeof data - 1);
	expect_output(srv, data, sizeof data - 1);
}
END_TEST

START_TEST(server_survives_short_writes)
{
	char *path = test_path("s.sock");
	struct run_opts o = { .short_writes = true };
	size_t len = 300000, rlen;
	char *data = malloc(len), *reply, *err;
	struct proc *srv = start_server(path, &o);
	int fd;

	fill_pattern(data, len, 2);
	/* small pieces with gaps: many reads, so some meet the shim's EINTR */
	reply = drop(srv, path, data, len, 4000, 4, &rlen);
	expect_receipt(srv, reply, rlen, len);
	expect_output(srv, data, len);

	/* A write to stdout that fails (here EPIPE: stdout is a pipe whose
	 * reader has gone, as in "server sock | head -c 1") is no client's
	 * fault, and no later client could fare better: exit 1, saying so. */
	o = (struct run_opts){ .stdout_pipe = true };
	path = test_path("s2.sock");
	srv = start_server(path, &o);
	close(srv->out);
	srv->out = -1;
	step("closed the read end of the server's stdout pipe: its writes to "
	     "stdout fail with EPIPE");
	fd = connect_to(srv, path);
	write_fully(fd, "lost", 4, ms(1000));
	shutdown(fd, SHUT_WR);
	step("a client sent 4 bytes and half-closed");
	expect_exit(srv, 1, ms(2000), "its writes to stdout fail with EPIPE: "
	            "no client's fault, and no later client would fare better. "
	            "receive_file() returns DROP_OUTPUT_FAILED when write_all() "
	            "to stdout fails; server.c then exits 1, saying so");
	err = proc_stderr(srv, NULL);
	if (strstr(err, strerror(EPIPE)) == NULL)
		fail(srv, "expected the server to say why it stopped: \"server: "
		     "writing stdout: %s\"; its stderr does not name the error",
		     strerror(EPIPE));
	free(err);
	close(fd);
	if (access(path, F_OK) == 0)
		fail(srv, "expected the server to remove its socket file %s "
		     "before exiting 1, as on SIGTERM: stopping for a failure is "
		     "still stopping (clean up in main, do not exit from deep "
		     "inside)", path);
}
END_TEST

START_TEST(clients_served_in_a_row_under_fd_limit)
{
	char *path = test_path("s.sock");
	struct run_opts o = { .max_fds = 12 };
	struct proc *srv = start_server(path, &o);

	step("the server may open at most 12 files at once; 30 clients follow");
	for (int i = 1; i <= 30; i++) {
		char data[32];
		size_t rlen;
		int n = snprintf(data, sizeof data, "client number %d\n", i);
		char *reply = drop(srv, path, data, (size_t)n, 64, 0, &rlen);

		expect_receipt(srv, reply, rlen, (size_t)n);
		free(reply);
	}
	if (!wait_stderr_line(srv, "client 30:", ms(1000)))
		fail(srv, "expected the log line \"client 30: ... bytes\"");
}
END_TEST

/* A copy of the server's end of the test's connection: the fd of P that
 * is a connected (not listening) AF_UNIX socket whose peer is this test
 * process, taken with pidfd_getfd(2) (the test is P's parent, so it may).
 * -1 if this system does not allow it. */
static int server_end(struct proc *p)
{
	char dir[64];
	DIR *d;
	struct dirent *e;
	int found = -1;

	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)p->pid);
	if ((d = opendir(dir)) == NULL)
		return -1;
	while (found < 0 && (e = readdir(d)) != NULL) {
		int fd, domain = -1, acc = -1;
		struct ucred cred = { 0 };
		socklen_t len = sizeof domain;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, p->pidfd, atoi(e->d_name), 0);
		if (fd < 0)
			continue;
		getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
		len = sizeof acc;
		getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len);
		len = sizeof cred;
		getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
		if (domain == AF_UNIX && acc == 0 && cred.pid == getpid())
			found = fd;
		else
			close(fd);
	}
	closedir(d);
	return found;
}

START_TEST(vanished_client_is_survived)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);
	char big[200000];
	size_t rlen;
	char *reply;
	int fd, theirs;

	/* Lost mid-transfer: a client closes while data it never read waits
	 * in its socket, so the server's next read() fails (ECONNRESET)
	 * instead of seeing end of file.  The server never writes before
	 * end of file, so the test puts that unread byte there itself,
	 * through its copy of the server's end of the connection. */
	fd = connect_to(srv, path);
	write_fully(fd, "half", 4, ms(1000));
	step("client 1 sent 4 bytes and keeps its connection open");
	if (!wait_stdout_size(srv, 4, ms(2000)))
		fail(srv, "expected the server to write the 4 bytes it received to "
		     "stdout while the client is still connected; they did not "
		     "appear within %d ms", ms(2000));
	theirs = server_end(srv);
	if (theirs >= 0) {
		ck_assert(write(theirs, "?", 1) == 1);
		close(theirs);
		close(fd);
		step("client 1 closed its connection with a byte unread: the "
		     "server's next read() fails with ECONNRESET");
		if (!wait_stderr_line(srv, "client 1:", ms(2000)))
			fail(srv, "expected a log line \"client 1: ...\" for a client "
			     "lost mid-transfer (its connection reset after 4 bytes); "
			     "%s (server.c: DROP_CLIENT_LOST is logged, then the "
			     "server carries on)", running(srv) ? "the server logged "
			     "nothing about it" : describe_status(srv->status));
	} else {
		close(fd);
		report_note("client lost mid-transfer not tried: pidfd_getfd(2) "
		            "is not allowed here");
	}

	/* Sends and closes at once, never reading its receipt: the server's
	 * write of the receipt fails (EPIPE, or SIGPIPE if not handled). */
	for (int i = 0; i < 3; i++) {
		fd = connect_to(srv, path);
		fill_pattern(big, sizeof big, 3);
		write_fully(fd, big, i == 0 ? 10 : sizeof big, ms(2000));
		close(fd);
		step("client %d sent data and closed without reading its receipt",
		     i + 2);
	}
	reply = drop(srv, path, "after", 5, 5, 0, &rlen);
	if (rlen == 0 && !running(srv))
		fail(srv, "expected the server to carry on when a client vanishes "
		     "before its receipt; it %s (SIGPIPE? see server.c)",
		     describe_status(srv->status));
	expect_receipt(srv, reply, rlen, 5);
}
END_TEST

START_TEST(sigterm_removes_socket_and_exits_0)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);
	struct stat st;
	size_t rlen;
	char *reply = drop(srv, path, "bye", 3, 3, 0, &rlen);

	expect_receipt(srv, reply, rlen, 3);
	kill(srv->pid, SIGTERM);
	step("sent SIGTERM to the server");
	expect_exit(srv, 0, ms(2000), "SIGTERM: clean up and exit 0");
	if (lstat(path, &st) == 0)
		fail(srv, "expected the server to remove its socket file %s on "
		     "SIGTERM; it is still there", path);
}
END_TEST

START_TEST(count_option_stops_after_n_clients)
{
	char *path = test_path("s.sock");
	struct proc *srv = run("server", NULL, "-n", "2", path, NULL);
	struct stat st;
	size_t rlen;
	char *reply;

	wait_ready(srv);
	for (int i = 0; i < 2; i++) {
		reply = drop(srv, path, "ab", 2, 2, 0, &rlen);
		expect_receipt(srv, reply, rlen, 2);
	}
	expect_exit(srv, 0, ms(2000), "-n 2: exit after the second client");
	if (lstat(path, &st) == 0)
		fail(srv, "expected the socket file to be removed at exit");
}
END_TEST

START_TEST(sigint_mid_client_keeps_bytes_and_exits_0)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);
	int fd = connect_to(srv, path);
	struct stat st;
	size_t rlen;
	char *reply;
	bool eof;

	write_fully(fd, "partial", 7, ms(1000));
	step("a client sent 7 bytes and keeps its connection open");
	/* The server has read the bytes once its stdout holds them. */
	if (!wait_stdout_size(srv, 7, ms(2000)))
		fail(srv, "expected the server to write the 7 bytes it received to "
		     "stdout while the client is still connected; they did not "
		     "appear within %d ms", ms(2000));
	kill(srv->pid, SIGINT);
	step("sent SIGINT to the server in the middle of that client");
	expect_exit(srv, 0, ms(2000), "SIGINT during a client: write out what "
	            "was read, clean up, exit 0");
	reply = read_until_eof(fd, &rlen, &eof, ms(1000));
	if (rlen > 0)
		fail(srv, "expected no receipt for the client interrupted by "
		     "SIGINT (it never finished sending); it got %s. A receipt "
		     "says \"the transfer is complete\": send it only after the "
		     "client's end of file (receive_file() returned DROP_DONE)",
		     quote(reply, rlen, 40));
	close(fd);
	expect_output(srv, "partial", 7);
	if (lstat(path, &st) == 0)
		fail(srv, "expected the server to remove its socket file on SIGINT");
}
END_TEST

/* ---- the client ---------------------------------------------------------------- */

/* Run the client against the test's own server.  The test server reads
 * until EOF (the client's half-close) and answers with RECEIPT (NULL:
 * the true count); returns what it received. */
static char *client_against_test_server(struct proc **cli_out,
                                        const struct run_opts *extra,
                                        const void *data, size_t len,
                                        const char *receipt, size_t *got)
{
	char *path = test_path("t.sock"), *in = test_path("input");
	int lfd = listen_at(path), fd;
	struct run_opts o = extra ? *extra : (struct run_opts){ 0 };
	struct proc *cli;
	char *received, line[40];
	bool eof;

	fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(write(fd, data, len) == (ssize_t)len);
	close(fd);
	o.stdin_file = in;
	cli = *cli_out = run("client", &o, path, NULL);
	fd = accept_from(cli, lfd);
	step("the test's server accepted the client; reading until EOF");
	received = read_until_eof(fd, got, &eof, ms(3000));
	if (!eof)
		fail(cli, "expected the client to half-close after sending stdin "
		     "(%zu bytes); got %zu bytes and no end of file within %d ms "
		     "(TODO 9: shutdown(SHUT_WR))", len, *got, ms(3000));
	if (receipt == NULL) {
		snprintf(line, sizeof line, "OK %zu\n", *got);
		receipt = line;
	}
	step("the test's server sends the receipt %s", quote(receipt, strlen(receipt), 40));
	write_fully(fd, receipt, strlen(receipt), ms(2000));
	close(fd);
	close(lfd);
	return received;
}

static void expect_received(struct proc *cli, const char *got, size_t got_len,
                            const void *data, size_t len)
{
	if (got_len != len || memcmp(got, data, len) != 0)
		fail(cli, "expected the test's server to receive exactly the %zu "
		     "bytes of stdin; it received %zu%s", len, got_len,
		     got_len == len ? ", with different bytes" : "");
}

START_TEST(client_sends_stdin_and_half_closes)
{
	size_t len = 200000, got_len;
	char *data = malloc(len), *got;
	struct proc *cli;

	fill_pattern(data, len, 4);
	got = client_against_test_server(&cli, NULL, data, len, NULL, &got_len);
	expect_received(cli, got, got_len, data, len);
	expect_exit(cli, 0, ms(2000), "the receipt confirmed every byte");
}
END_TEST

START_TEST(client_survives_short_writes)
{
	struct run_opts o = { .short_writes = true };
	size_t len = 300000, got_len;
	char *data = malloc(len), *got;
	struct proc *cli;

	fill_pattern(data, len, 5);
	got = client_against_test_server(&cli, &o, data, len, NULL, &got_len);
	expect_received(cli, got, got_len, data, len);
	expect_exit(cli, 0, ms(2000), "every byte arrived and was confirmed");
}
END_TEST

START_TEST(client_rejects_wrong_receipt)
{
	/* Wrong counts, no receipt, and the right count not quite as the
	 * server writes it: a leading zero, something after the line. */
	static const char *const lies[] = { "OK 4\n", "OK 50\n", "NO\n", "",
		"OK 05\n", "OK 5\nOK 5\n", "OK 5\n\n" };
	char *path = test_path("t.sock"), *in = test_path("input"), *err;
	struct run_opts o = { .stdin_file = in };
	size_t got_len, len = 8 << 20;
	char *big = malloc(len);
	struct proc *cli;
	int fd, lfd;

	for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
		client_against_test_server(&cli, NULL, "hello", 5, lies[i], &got_len);
		expect_exit(cli, 1, ms(2000), *lies[i] == '\0' ? "the server "
		            "closed without a receipt" : i >= 4 ? "the receipt is "
		            "exactly \"OK 5\\n\", then the server closes: this "
		            "is not it" : "the receipt does not confirm the 5 "
		            "bytes sent");
	}

	/* The server goes away while the client is still sending: its write
	 * fails.  SIGPIPE at its default would kill it without a word. */
	fill_pattern(big, len, 7);
	fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(write(fd, big, len) == (ssize_t)len);
	close(fd);
	lfd = listen_at(path);
	cli = run("client", &o, path, NULL);
	close(accept_from(cli, lfd));
	close(lfd);
	step("the test's server accepted the client and closed the connection "
	     "at once, before the client could send its %zu bytes", len);
	if (!wait_exit(cli, ms(3000)))
		fail(cli, "expected the client to exit 1 once the server had gone; "
		     "it is still running after %d ms", ms(3000));
	if (WIFSIGNALED(cli->status) && WTERMSIG(cli->status) == SIGPIPE)
		fail(cli, "expected the client to exit 1 with a message when the "
		     "server goes away mid-transfer; it was killed by SIGPIPE, "
		     "without a word (ignore SIGPIPE in client.c: the write then "
		     "fails with EPIPE, which the client can report)");
	expect_exit(cli, 1, 0, "the server went away mid-transfer");
	err = proc_stderr(cli, NULL);
	if (line_at(err, "client: ", true) < 0)
		fail(cli, "expected the client to say what failed, on a line "
		     "\"client: ...: %s\"; its stderr has no line starting with "
		     "\"client: \"", strerror(EPIPE));
	free(err);
}
END_TEST

START_TEST(client_accepts_receipt_in_pieces)
{
	char *path = test_path("t.sock"), *in = test_path("input");
	int lfd = listen_at(path), fd;
	static const char *const pieces[] = { "O", "K", " 1", "2", "\n" };
	struct run_opts o = { .stdin_file = in };
	struct proc *cli;
	size_t got_len;
	bool eof;

	fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(write(fd, "twelve bytes", 12) == 12);
	close(fd);
	cli = run("client", &o, path, NULL);
	fd = accept_from(cli, lfd);
	free(read_until_eof(fd, &got_len, &eof, ms(3000)));
	step("the test's server sends the receipt \"OK 12\\n\" in 5 pieces");
	for (size_t i = 0; i < 5; i++) {
		write_fully(fd, pieces[i], strlen(pieces[i]), ms(1000));
		poll(NULL, 0, 3);   /* each piece travels alone */
	}
	close(fd);
	expect_exit(cli, 0, ms(2000), "the receipt, read whole, confirms 12 bytes");
}
END_TEST

/* How the client ended its sending: only the recorder can tell the order
 * of its calls.  The test's server plays fair (it reads to end of file,
 * then answers), so a client that waits for the receipt before
 * half-closing is stopped after a while and its record shows where. */
START_TEST(client_half_closes_before_reading_receipt)
{
	char *path = test_path("t.sock"), *in = test_path("input");
	int lfd = listen_at(path), fd, conn, sock, sd, rd, cl;
	struct run_opts o = { .stdin_file = in, .trace = true };
	size_t len = 100000, got;
	char *data = malloc(len), receipt[40];
	struct proc *cli;
	struct trace *t;
	bool eof;

	fill_pattern(data, len, 6);
	fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert(write(fd, data, len) == (ssize_t)len);
	close(fd);
	cli = run("client", &o, path, NULL);
	fd = accept_from(cli, lfd);
	free(read_until_eof(fd, &got, &eof, ms(2000)));
	if (eof) {
		snprintf(receipt, sizeof receipt, "OK %zu\n", got);
		step("the test's server got %zu bytes and end of file; it sends "
		     "the receipt %s", got, quote(receipt, strlen(receipt), 40));
		write_fully(fd, receipt, strlen(receipt), ms(1000));
		close(fd);      /* as the server does after its receipt */
		wait_exit(cli, ms(2000));
	} else {
		step("no end of file from the client within %d ms: the test stops "
		     "it and reads its record", ms(2000));
		stop(cli, ms(1000));    /* before the test's end closes: the
		                           record shows where the client waits */
		close(fd);
	}
	t = trace_of(cli);

	conn = trace_find(t, 0, "connect", -1);
	while (conn >= 0 && !trace_ok(t, conn))
		conn = trace_find(t, conn + 1, "connect", -1);
	if (conn < 0)
		fail(cli, "expected the client to connect(2) to unix:%s; the "
		     "recorder saw no connect() succeed\n%s", path,
		     trace_excerpt(t, -1, 10));
	sock = t->calls[conn].fd;
	sd = trace_find(t, conn, "shutdown", sock);
	rd = trace_find(t, conn, "read recv recvfrom recvmsg", sock);
	cl = trace_find(t, conn, "close", sock);
	if (sd < 0 && rd >= 0)
		fail(cli, "expected shutdown(%d, SHUT_WR) once stdin is sent, before "
		     "reading the receipt; the client began to read its socket "
		     "without it: %s. The server answers only after end of file, "
		     "so both wait for ever\n%s", sock, trace_text(t, rd),
		     trace_excerpt(t, rd, 10));
	if (sd < 0)
		fail(cli, "expected shutdown(%d, SHUT_WR) once stdin is sent; the "
		     "client never called shutdown() on its socket%s%s\n%s", sock,
		     cl >= 0 ? ", it called " : "", cl >= 0 ? trace_text(t, cl) : "",
		     trace_excerpt(t, cl, 10));
	if (strcmp(t->calls[sd].args, "SHUT_WR") != 0)
		fail(cli, "expected shutdown(%d, SHUT_WR), which ends the sending "
		     "half only; got %s, which also ends the receiving half, where "
		     "the receipt has yet to arrive\n%s", sock, trace_text(t, sd),
		     trace_excerpt(t, sd, 10));
	if (!trace_ok(t, sd))
		fail(cli, "expected shutdown(%d, SHUT_WR) to succeed; got %s\n%s",
		     sock, trace_text(t, sd), trace_excerpt(t, sd, 10));
	if (rd >= 0 && rd < sd)
		fail(cli, "expected shutdown(%d, SHUT_WR) before the first read of "
		     "the receipt; the client read its socket first (%s), and "
		     "half-closed only after that. The server sends the receipt "
		     "only after end of file: half-close, then read\n%s", sock,
		     trace_text(t, rd), trace_excerpt(t, sd, 10));
	/* A client that got its receipt (exit 0) did read it, after the
	 * half-close it needed, even if the recorder saw no read (stdio's
	 * reads are libc's own, not interposed). */
	if (rd < 0 && !(cli->reaped && WIFEXITED(cli->status)
	                && WEXITSTATUS(cli->status) == 0))
		fail(cli, "expected the client to read the receipt from its socket "
		     "after shutdown(SHUT_WR); it never read from it%s\n%s",
		     cl >= 0 && cl < sd ? " (it had closed it)" : "",
		     trace_excerpt(t, sd, 10));
	step("the client connected, sent, then called %s before reading its "
	     "socket", trace_text(t, sd));
	close(lfd);
}
END_TEST

START_TEST(client_without_server_fails)
{
	char *path = test_path("nobody.sock");
	struct proc *cli = run("client", NULL, path, NULL);
	char *err;

	expect_exit(cli, 1, ms(2000), "no server: connect fails");
	err = proc_stderr(cli, NULL);
	if (strstr(err, "No such file") == NULL)
		fail(cli, "expected the client to report the connect error "
		     "(\"No such file or directory\"); stderr says otherwise");
}
END_TEST

/* ---- the table --------------------------------------------------------------- */

const struct graded_test lab_tests[] = {
	{ &listener_is_unix_stream, 5, 5, "TODO 1-3 in listen.c (socket, bind, listen)",
	  "unix_listen() returns a listening AF_UNIX stream socket" },
	{ &bound_to_full_path, 5, 5, "TODO 2 in listen.c (bind and its address length)",
	  "the socket is bound to the whole path, longer than 14 bytes" },
	{ &stale_socket_is_replaced, 6, 5, "TODO 2 in listen.c (remove_stale_socket)",
	  "a stale socket file is removed, reused, logged after the ready line" },
	{ &live_socket_is_refused, 5, 5, "TODO 2 in listen.c (remove_stale_socket)",
	  "a second server on a live path (even a full backlog) exits 1" },
	{ &regular_file_is_left_alone, 4, 5, "TODO 2 in listen.c (remove_stale_socket)",
	  "a regular file or a symlink at the path is never removed: exit 1" },
	{ &path_of_107_bytes_works, 4, 5, "TODO 2 in listen.c (bind)",
	  "a 107-byte path, the longest sun_path holds, works" },
	{ &path_of_108_bytes_is_a_usage_error, 3, 5, "server.c / client.c (argument checks)",
	  "a 108-byte path is a usage error (exit 2), not a crash" },
	{ &bad_arguments_are_usage_errors, 3, 5, "server.c / client.c (argument checks)",
	  "missing or extra operands, unknown options, bad -n: usage, exit 2" },
	{ &empty_transfer_gets_ok_0, 4, 5, "TODO 4-6 (accept, copy loop, receipt)",
	  "a client that sends nothing gets \"OK 0\"" },
	{ &one_byte_is_received, 4, 5, "TODO 4-6 (accept, copy loop, receipt)",
	  "one byte is copied to stdout, receipted and logged" },
	{ &binary_megabytes_byte_exact, 6, 10, "TODO 5 in drop.c (receive_file)",
	  "3 MB of binary data (NUL, 0xff) in pieces arrives byte for byte" },
	{ &data_in_pieces_is_counted_whole, 4, 5, "TODO 5 in drop.c (copy until EOF)",
	  "data sent a byte at a time is received whole before the receipt" },
	{ &server_survives_short_writes, 5, 10, "TODO 5 in drop.c (write_all, EINTR, DROP_OUTPUT_FAILED)",
	  "short writes and EINTR lose nothing; a failing stdout (EPIPE): exit 1" },
	{ &clients_served_in_a_row_under_fd_limit, 5, 10, "server.c (close each client)",
	  "30 clients in a row with 12 fds allowed: no fd leak" },
	{ &vanished_client_is_survived, 5, 5, "TODO 6 and SIGPIPE in server.c",
	  "clients lost mid-transfer or before the receipt: logged, server goes on" },
	{ &sigterm_removes_socket_and_exits_0, 4, 5, "server.c (clean up at exit)",
	  "SIGTERM: the socket file is removed, exit 0" },
	{ &sigint_mid_client_keeps_bytes_and_exits_0, 4, 5, "TODO 5 (wait_fd) and server.c",
	  "SIGINT mid-client: the bytes read are written out, no receipt, exit 0" },
	{ &count_option_stops_after_n_clients, 3, 5, "server.c (-n COUNT)",
	  "-n 2 exits 0 after two clients" },
	{ &client_sends_stdin_and_half_closes, 4, 5, "TODO 7-9 in connect.c and drop.c",
	  "the client sends stdin byte for byte, then shutdown(SHUT_WR)" },
	{ &client_survives_short_writes, 4, 10, "TODO 8 in drop.c (write_all)",
	  "short writes and EINTR in the client lose nothing" },
	{ &client_rejects_wrong_receipt, 4, 8, "TODO 10 in drop.c (read_receipt); SIGPIPE in client.c",
	  "a wrong, garbled or missing receipt, a server gone mid-transfer: exit 1" },
	{ &client_accepts_receipt_in_pieces, 3, 5, "TODO 10 in drop.c (read_receipt)",
	  "a receipt arriving in pieces is read whole" },
	{ &client_half_closes_before_reading_receipt, 4, 8, "TODO 9 in drop.c (shutdown), then TODO 10 (read_receipt)",
	  "the client calls shutdown(SHUT_WR) before it reads the receipt (recorded)" },
	{ &client_without_server_fails, 2, 5, "TODO 7 in connect.c (connect)",
	  "no server: exit 1 with the connect error" },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "unix-stream";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	const char *path = test_path("drop.sock");

	make_addr(path, (struct sockaddr_un *)addr);
	*len = sizeof(struct sockaddr_un);
	return start_server(path, NULL);
}

static void robust_good(struct proc *srv, const struct sockaddr *addr,
                        socklen_t len)
{
	const char *path = ((const struct sockaddr_un *)addr)->sun_path;
	static const char data[] = "a well-formed drop\n";
	size_t rlen;
	char *reply = drop(srv, path, data, sizeof data - 1, sizeof data, 0, &rlen);

	(void)len;
	expect_receipt(srv, reply, rlen, sizeof data - 1);
	free(reply);
}

const struct robust_target lab_robust = {
	.kind = ROBUST_STREAM, .start = robust_start, .good = robust_good,
};
