/*
 * 01-unix-stream.c - the grader of lab 01, the file drop over a UNIX
 * stream socket.  Black-box: the tests run the lab's server and client as
 * separate processes and judge only what shows from outside (bytes on
 * the test's own sockets, exit status, files, log lines, the programs'
 * sockets as copies taken with pidfd_getfd(2)).  The test plays the other side with its own
 * sockets: a broken client never fails a server test, and vice versa.
 */
#define _GNU_SOURCE     /* struct ucred */
#include "harness.h"
#include "robust.h"
#include "sockets.h"

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

/* ---- the test's side ------------------------------------------------------ */

/* Connect to the server under test as a client. */
static int connect_to(struct proc *srv, const char *path)
{
	struct sockaddr_storage a;
	socklen_t len = sa_make(path, 0, &a);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (connect(fd, (struct sockaddr *)&a, len) < 0)
		fail(srv, "expected the server to accept connections at %s; "
		     "connect() said: %s", path, strerror(errno));
	return fd;
}

/* Act as a client: send LEN bytes of DATA in pieces of at most CHUNK
 * bytes (with a short gap every GAP_EVERY pieces, so the server sees
 * them arrive separately), half-close, and return everything the server
 * sends back until it closes. */
static char *send_drop(struct proc *srv, const char *path, const void *data,
                       size_t len, size_t chunk, int gap_every, size_t *rlen)
{
	int fd = connect_to(srv, path);
	const char *p = data;
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
	reply = read_until_eof(fd, rlen, NULL, ms(3000));
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

/* Drop LEN bytes of DATA as send_drop() does: the reply must be the
 * receipt. */
static void drop(struct proc *srv, const char *path, const void *data,
                 size_t len, size_t chunk, int gap_every)
{
	size_t rlen;
	char *reply = send_drop(srv, path, data, len, chunk, gap_every, &rlen);

	expect_receipt(srv, reply, rlen, len);
	free(reply);
}

/* The server's stdout must hold exactly DATA. */
static void expect_output(struct proc *srv, const void *data, size_t len)
{
	size_t got_len;
	char *got = proc_stdout(srv, &got_len);

	expect_same(srv, "the server's stdout to be the client's data", got,
	            got_len, data, len, "(data is binary: NUL bytes included)");
	free(got);
}

static struct proc *start_server(const char *path, const struct run_opts *o)
{
	struct proc *srv = run("server", o, path, NULL);

	wait_ready(srv);
	return srv;
}

/* ---- the programs' sockets, seen from outside --------------------------------- */

/* Is FD a connected AF_UNIX socket whose peer is this test process? */
static bool is_connected_to_test(int fd, const void *unused)
{
	struct ucred cred = { 0 };
	socklen_t len = sizeof cred;

	return sockopt(fd, SOL_SOCKET, SO_DOMAIN) == AF_UNIX
	       && !is_listening(fd, unused)
	       && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0
	       && cred.pid == getpid();
}

/* The server's listening socket: a copy of the first listening one it
 * holds, its number in the server in *THEIRS. */
static int listener_of(struct proc *srv, int *theirs)
{
	return server_socket(srv, is_listening, "a listening socket "
	                     "(SO_ACCEPTCONN 1)", ". Was listen(2) called on "
	                     "one?", theirs);
}

/* ---- the listening socket ----------------------------------------------------- */

START_TEST(listener_is_unix_stream)
{
	char *path = test_path("listener.sock");
	struct proc *srv = start_server(path, NULL);
	int theirs, fd = listener_of(srv, &theirs);
	int domain = sockopt(fd, SOL_SOCKET, SO_DOMAIN);
	int type = sockopt(fd, SOL_SOCKET, SO_TYPE);

	if (domain != AF_UNIX || type != SOCK_STREAM)
		fail(srv, "expected the server's listening socket (its fd %d) to be "
		     "AF_UNIX (%d) SOCK_STREAM (%d); it is %s (domain %d, type %d): "
		     "the arguments of socket(2)", theirs, AF_UNIX, SOCK_STREAM,
		     sockets_text(&fd, NULL, 1), domain, type);
	close(fd);
	close(connect_to(srv, path));
	step("connected to unix:%s: the server's listener takes clients", path);
}
END_TEST

START_TEST(bound_to_full_path)
{
	char *path = test_path("a-socket-with-a-longer-name.sock");
	struct proc *srv = run("server", NULL, path, NULL);
	int theirs, fd;

	wait_ready_at_full_path(srv, path);
	fd = listener_of(srv, &theirs);
	expect_bound_to_path(srv, fd, "listening socket", path);
	close(fd);
	expect_nothing_replaced(srv, path);
}
END_TEST

/* ---- the server's life cycle ------------------------------------------------ */

START_TEST(stale_socket_is_replaced)
{
	char *path = test_path("stale.sock");
	struct proc *srv;

	leave_stale_socket(path, SOCK_STREAM);
	srv = run("server", NULL, path, NULL);
	expect_stale_replaced(srv, path, "server.c, after unix_listen() set "
	                      "*replaced");
	drop(srv, path, "stale", 5, 5, 0);
}
END_TEST

START_TEST(live_socket_is_refused)
{
	char *path = test_path("live.sock");
	struct proc *first = start_server(path, NULL), *second;
	struct sockaddr_storage a;
	socklen_t alen;
	struct stat before, after;
	int lfd, queued;
	size_t rlen;
	char *reply;

	second = run("server", NULL, path, NULL);
	expect_exit(second, 1, ms(3000), "a server is already listening on "
	            "that path: never steal a live server's name");
	reply = send_drop(first, path, "still mine", 10, 10, 0, &rlen);
	if (rlen == 0)
		fail(first, "expected the first server to keep its socket while a "
		     "second one was refused; its clients get nothing now (did the "
		     "second server unlink the path?)");
	expect_receipt(first, reply, rlen, 10);

	/* A live server so busy that its backlog is full: the probe's
	 * non-blocking connect() fails with EAGAIN, and it is still live.
	 * The test holds that listener itself (backlog 0) and fills it. */
	path = test_path("busy.sock");
	lfd = bound_socket(path, 0, true);
	ck_assert_msg(lfd >= 0 && listen(lfd, 0) == 0, "test: cannot listen at "
	              "%s", path);
	ck_assert(lstat(path, &before) == 0);
	alen = sa_make(path, 0, &a);
	for (queued = 0; queued < 64; queued++) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (connect(fd, (struct sockaddr *)&a, alen) < 0) {
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
	expect_non_sockets_kept(SOCK_STREAM);
}
END_TEST

START_TEST(path_of_107_bytes_works)
{
	char *path = path_of_length(LONGEST_PATH);
	struct proc *srv = start_server(path, NULL);

	expect_socket_at(srv, path);
	drop(srv, path, "x", 1, 1, 0);
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
	/* "@s.sock": a socket path in the test's directory. */
	static const char *const cases[] = {
		"server",
		"server -n abc @s.sock",
		"server -x @s.sock",
		"server -n 0 @s.sock",
		"server @s.sock extra",
		"client",
		"client @s.sock extra",
		NULL,
	};

	expect_usage_errors(cases);
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

	drop(srv, path, "", 0, 1, 0);
	expect_output(srv, "", 0);
}
END_TEST

START_TEST(one_byte_is_received)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);

	drop(srv, path, "!", 1, 1, 0);
	expect_output(srv, "!", 1);
	expect_logged(srv, "one line per client", "client 1: 1 bytes");
}
END_TEST

START_TEST(binary_megabytes_byte_exact)
{
	char *path = test_path("s.sock");
	size_t len = 3 << 20;
	char *data = malloc(len);
	struct proc *srv = start_server(path, NULL);

	fill_pattern(data, len, 1);
	drop(srv, path, data, len, 70001, 4);
	expect_output(srv, data, len);
}
END_TEST

START_TEST(data_in_pieces_is_counted_whole)
{
	char *path = test_path("s.sock");
	const char data[] = "one byte at a time, with pauses";
	struct proc *srv = start_server(path, NULL);

	drop(srv, path, data, sizeof data - 1, 1, 1);
	expect_output(srv, data, sizeof data - 1);
}
END_TEST

START_TEST(server_survives_short_writes)
{
	char *path = test_path("s.sock");
	struct run_opts o = { .short_writes = true };
	size_t len = 300000;
	char *data = malloc(len);
	struct proc *srv = start_server(path, &o);
	int fd;

	fill_pattern(data, len, 2);
	/* small pieces with gaps: many reads, so some meet the shim's EINTR */
	drop(srv, path, data, len, 4000, 4);
	expect_output(srv, data, len);

	/* A write to stdout that fails (here EPIPE: stdout is a pipe whose
	 * reader has gone, as in "server sock | head -c 1") is no client's
	 * fault, and no later client could fare better: exit 1, saying so. */
	o = (struct run_opts){ .stdout_pipe = true };
	path = test_path("s2.sock");
	srv = start_server(path, &o);
	close_stdout(srv);
	fd = connect_to(srv, path);
	write_fully(fd, "lost", 4, ms(1000));
	shutdown(fd, SHUT_WR);
	step("a client sent 4 bytes and half-closed");
	expect_exit(srv, 1, ms(2000), "its writes to stdout fail with EPIPE: "
	            "no client's fault, and no later client would fare better. "
	            "receive_file() returns DROP_OUTPUT_FAILED when write_all() "
	            "to stdout fails; server.c then exits 1, saying so");
	expect_epipe_reported(srv);
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
		int n = snprintf(data, sizeof data, "client number %d\n", i);

		drop(srv, path, data, (size_t)n, 64, 0);
	}
	expect_logged(srv, "\"client 30: ... bytes\"", "client 30:");
}
END_TEST

/* A copy of the server's end of the test's connection: the socket of P
 * that is a connected (not listening) AF_UNIX socket whose peer is this
 * test process (peek_sockets()).  -1 if this system does not allow it. */
static int server_end(struct proc *p)
{
	return find_socket(p, is_connected_to_test, NULL, NULL, NULL);
}

/* The server must have written the first N bytes a client sent to its
 * stdout while that client is still connected. */
static void expect_written(struct proc *srv, size_t n)
{
	if (!wait_stdout_size(srv, n, ms(2000)))
		fail(srv, "expected the server to write the %zu bytes it received "
		     "to stdout while the client is still connected; they did not "
		     "appear within %d ms", n, ms(2000));
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
	 * through its copy of the server's end of the connection: the one
	 * write a test makes through such a copy, to provoke, never to
	 * judge (the verdict is the server's log line and its next client). */
	fd = connect_to(srv, path);
	write_fully(fd, "half", 4, ms(1000));
	step("client 1 sent 4 bytes and keeps its connection open");
	expect_written(srv, 4);
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
	reply = send_drop(srv, path, "after", 5, 5, 0, &rlen);
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

	drop(srv, path, "bye", 3, 3, 0);
	send_signal(srv, SIGTERM, "the server");
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

	wait_ready(srv);
	for (int i = 0; i < 2; i++)
		drop(srv, path, "ab", 2, 2, 0);
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

	write_fully(fd, "partial", 7, ms(1000));
	step("a client sent 7 bytes and keeps its connection open");
	/* The server has read the bytes once its stdout holds them. */
	expect_written(srv, 7);
	send_signal(srv, SIGINT, "the server in the middle of that client");
	expect_exit(srv, 0, ms(2000), "SIGINT during a client: write out what "
	            "was read, clean up, exit 0");
	reply = read_until_eof(fd, &rlen, NULL, ms(1000));
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

/* Run the client under test, with -t T_OPT (or NULL: without) and O,
 * against a listening socket of the test's own, LEN bytes of DATA on its
 * stdin (none with O's stdin_pipe); accept it.  Each client gets paths
 * of its own: two may run at once.  Returns the client; *CONN: the
 * test's end of its connection. */
static struct proc *client_connected(const void *data, size_t len,
                                     struct run_opts o, const char *t_opt,
                                     int *conn)
{
	static int clients;
	char name[32], *path;
	struct proc *cli;
	int lfd;

	snprintf(name, sizeof name, "t%d.sock", ++clients);
	path = test_path(name);
	lfd = bound_socket(path, 0, true);
	ck_assert_msg(lfd >= 0, "test: cannot listen at %s", path);
	snprintf(name, sizeof name, "input%d", clients);
	if (!o.stdin_pipe)
		o.stdin_file = write_file(name, data, len);
	cli = t_opt ? run("client", &o, "-t", t_opt, path, NULL)
	            : run("client", &o, path, NULL);
	*conn = accept_client(cli, lfd, 0, ms(2000), NULL);
	close(lfd);
	return cli;
}

/* Run the client against the test's own server.  The test server reads
 * until EOF (the client's half-close) and answers with RECEIPT (NULL:
 * the true count); returns what it received. */
static char *client_against_test_server(struct proc **cli_out,
                                        const struct run_opts *extra,
                                        const void *data, size_t len,
                                        const char *receipt, size_t *got)
{
	struct run_opts o = extra ? *extra : (struct run_opts){ 0 };
	char *received, line[40];
	int fd;

	*cli_out = client_connected(data, len, o, NULL, &fd);
	step("the test's server accepted the client; reading until EOF");
	received = read_sent(*cli_out, fd, len, got, "TODO 9: ");
	if (receipt == NULL) {
		snprintf(line, sizeof line, "OK %zu\n", *got);
		receipt = line;
	}
	step("the test's server sends the receipt %s", quote(receipt, strlen(receipt), 40));
	write_fully(fd, receipt, strlen(receipt), ms(2000));
	close(fd);
	return received;
}

/* The client must have ended with exit 1 and a "client: " line, not by a
 * signal: WHAT says what the test's server did. */
static void expect_client_reported(struct proc *cli, int timeout_ms,
                                   const char *what)
{
	char *err;

	if (!wait_exit(cli, timeout_ms))
		fail(cli, "expected the client to exit 1 when %s; it is still "
		     "running after %d ms", what, timeout_ms);
	if (WIFSIGNALED(cli->status))
		fail(cli, "expected the client to exit 1 with a message when %s; "
		     "it was %s, without a word (ignore SIGPIPE in client.c: a "
		     "write then fails with EPIPE, which the client can report)",
		     what, describe_status(cli->status));
	expect_exit(cli, 1, 0, what);
	err = proc_stderr(cli, NULL);
	if (find_line(err, "client: ", true) == NULL)
		fail(cli, "expected the client to say what failed when %s, on a "
		     "line \"client: ...\"; its stderr has none", what);
	free(err);
}

START_TEST(client_sends_stdin_and_half_closes)
{
	size_t len = 200000, got_len;
	char *data = malloc(len), *got;
	struct proc *cli;

	fill_pattern(data, len, 4);
	got = client_against_test_server(&cli, NULL, data, len, NULL, &got_len);
	expect_same(cli, "the test's server to receive stdin", got, got_len,
	            data, len, NULL);
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
	expect_same(cli, "the test's server to receive stdin", got, got_len,
	            data, len, NULL);
	expect_exit(cli, 0, ms(2000), "every byte arrived and was confirmed");
}
END_TEST

START_TEST(client_rejects_wrong_receipt)
{
	/* Wrong counts, no receipt, and the right count not quite as the
	 * server writes it: a leading zero, something after the line. */
	static const char *const lies[] = { "OK 4\n", "OK 50\n", "NO\n", "",
		"OK 05\n", "OK 5\nOK 5\n", "OK 5\n\n" };
	size_t got_len, len = 8 << 20;
	char *big = malloc(len);
	struct proc *cli;
	int fd;

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
	cli = client_connected(big, len, (struct run_opts){ 0 }, NULL, &fd);
	close(fd);
	step("the test's server accepted the client and closed the connection "
	     "at once, before the client could send its %zu bytes", len);
	expect_client_reported(cli, ms(3000), "the server goes away "
	                       "mid-transfer");
}
END_TEST

START_TEST(client_accepts_receipt_in_pieces)
{
	static const char *const pieces[] = { "O", "K", " 1", "2", "\n" };
	struct proc *cli;
	size_t got_len;
	int fd;

	cli = client_connected("twelve bytes", 12, (struct run_opts){ 0 }, NULL,
	                       &fd);
	free(read_sent(cli, fd, 12, &got_len, "TODO 9: "));
	step("the test's server sends the receipt \"OK 12\\n\" in 5 pieces");
	for (size_t i = 0; i < 5; i++) {
		write_fully(fd, pieces[i], strlen(pieces[i]), ms(1000));
		poll(NULL, 0, 3);   /* each piece travels alone */
	}
	close(fd);
	expect_exit(cli, 0, ms(2000), "the receipt, read whole, confirms 12 bytes");
}
END_TEST

/* The client's socket connected to this test's server: its number in
 * the client in *THEIRS, its inode in *INO; or false. */
static bool client_end(struct proc *cli, int *theirs, ino_t *ino)
{
	struct stat st;
	int fd = find_socket(cli, is_connected_to_test, NULL, theirs, NULL);

	if (fd < 0)
		return false;
	ck_assert(fstat(fd, &st) == 0);
	*ino = st.st_ino;
	close(fd);
	return true;
}

/* The test plays a fair server: it reads to end of file, then answers.
 * A client must half-close with shutdown(SHUT_WR) and keep its socket
 * open to read the receipt that comes after: close() loses the receipt,
 * SHUT_RDWR shuts its way in, and reading first waits for ever. */
START_TEST(client_half_closes_before_reading_receipt)
{
	struct run_opts o = { .stdin_pipe = true };
	size_t len = 3000, got_len;
	char *data = malloc(len), *got, receipt[40];
	int conn, theirs;
	ino_t end, now;
	struct proc *cli;
	bool eof;

	fill_pattern(data, len, 6);
	cli = client_connected(NULL, 0, o, NULL, &conn);
	step("the test's server accepted the client; the client waits for stdin");
	if (!client_end(cli, &theirs, &end))
		fail(cli, "expected the client to hold its socket connected to the "
		     "test's server; it %s", running(cli) ? "holds none"
		     : describe_status(cli->status));
	ck_assert(write_fully(cli->in, data, len, ms(1000)) == 0);
	close(cli->in);
	cli->in = -1;
	step("wrote %zu bytes to the client's stdin and closed it", len);

	got = read_until_eof(conn, &got_len, &eof, ms(2000));
	if (!eof)
		fail(cli, "expected end of file (shutdown(SHUT_WR)) once the client "
		     "had sent its %zu bytes of stdin; got %zu bytes and no end of "
		     "file within %d ms, and the client %s. The server answers only "
		     "after end of file: a client that waits for the receipt "
		     "before half-closing waits for ever", len, got_len, ms(2000),
		     running(cli) ? "is still waiting" : describe_status(cli->status));
	expect_same(cli, "the test's server to receive stdin", got, got_len,
	            data, len, NULL);
	step("the test's server got %zu bytes and end of file", got_len);

	/* At end of file, the client must still hold its socket: it waits
	 * there for the receipt, which the test has not sent yet. */
	if (!client_end(cli, &theirs, &now) || now != end)
		fail(cli, "expected the client to keep its socket open after "
		     "half-closing, to read the receipt; %s",
		     running(cli) ? "it has closed it: close() ends both "
		     "directions, shutdown(SHUT_WR) only the sending one"
		     : "it had ended before the receipt was sent: did it close its "
		     "socket, or shut both directions (SHUT_RDWR) so that its read "
		     "found end of file at once?");
	snprintf(receipt, sizeof receipt, "OK %zu\n", got_len);
	step("the client still holds its socket (fd %d); the test's server sends "
	     "the receipt %s", theirs, quote(receipt, strlen(receipt), 40));
	if (write_fully(conn, receipt, strlen(receipt), ms(1000)) < 0)
		fail(cli, "expected the client to still receive on its socket after "
		     "its end of file; writing the receipt to it failed (%s): it "
		     "shut the receiving half too (SHUT_RDWR, not SHUT_WR)",
		     strerror(errno));
	close(conn);
	expect_exit(cli, 0, ms(2000), "the receipt, sent after the client's end "
	            "of file, confirms every byte");
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

/* ---- peers nobody here wrote -------------------------------------------------- */

START_TEST(silent_client_is_dropped_after_idle_limit)
{
	char *path = test_path("s.sock"), *dpath = test_path("d.sock");
	struct proc *srv = run("server", NULL, "-i", "300", path, NULL), *dflt;
	size_t len, rlen;
	char *got, *reply;
	long long t0, waited, paused;
	bool eof;
	int silent, next, pauser;

	/* The default limit is 30 s: a client of a server without -i pauses
	 * half a second meanwhile, which is no reason to drop it. */
	dflt = start_server(dpath, NULL);
	pauser = connect_to(dflt, dpath);
	write_fully(pauser, "x", 1, ms(1000));
	paused = now_ms();
	step("a server without -i; a client sent 1 byte and pauses %d ms",
	     ms(500));
	wait_ready(srv);
	silent = connect_to(srv, path);
	write_fully(silent, "abc", 3, ms(1000));
	t0 = now_ms();
	step("client 1 (server started with -i 300) sent 3 bytes, then nothing: "
	     "no more data, no end of file (a stuck program, or `nc -U` without "
	     "-N)");
	next = connect_to(srv, path);
	write_fully(next, "next", 4, ms(1000));
	shutdown(next, SHUT_WR);
	step("client 2 connected, sent 4 bytes and half-closed; it waits in the "
	     "backlog");
	got = read_until_eof(silent, &len, &eof, ms(300) + ms(3000));
	waited = now_ms() - t0;
	if (!eof || len > 0)
		fail(srv, "expected the server to drop client 1 (connection closed, "
		     "no receipt) once it had been silent for 300 ms (-i 300); %s. "
		     "An iterative server serves nobody else while it waits: "
		     "receive_file() must wait with wait_fd(sock, POLLIN, idle_ms) "
		     "and return DROP_IDLE when it returns 0", len > 0 ? "it got "
		     "bytes back, a receipt it should not have" : "it was still "
		     "connected after 3.3 s");
	if (waited < 250)
		fail(srv, "expected client 1 to be dropped after 300 ms of silence "
		     "(-i 300); it was dropped after %lld ms (is the limit taken in "
		     "milliseconds?)", waited);
	free(got);
	close(silent);
	step("client 1 was dropped after %lld ms", waited);
	reply = read_until_eof(next, &rlen, &eof, ms(3000));
	close(next);
	expect_receipt(srv, reply, rlen, 4);
	if (!wait_stderr_line(srv, "client 1:", ms(1000)))
		fail(srv, "expected a log line \"client 1: ...\" saying the silent "
		     "client was dropped (server.c logs DROP_IDLE)");

	if (wait_io(pauser, false, (int)(paused + ms(500) > now_ms()
	                                 ? paused + ms(500) - now_ms() : 0)) != 0)
		fail(dflt, "expected the server (default -i 30000) to keep a client "
		     "silent for %d ms; it closed the connection", ms(500));
	shutdown(pauser, SHUT_WR);
	reply = read_until_eof(pauser, &rlen, &eof, ms(3000));
	close(pauser);
	expect_receipt(dflt, reply, rlen, 1);
}
END_TEST

/* A test server at PATH, and the client under test started against it
 * with ARGS ("-t", "300" or NULL) and DATA on stdin: returns the
 * connection, after reading the client's stdin until its end of file. */
static int accept_and_read_all(struct proc **cli, const char *t_opt,
                               const char *data)
{
	size_t len;
	int fd;

	*cli = client_connected(data, strlen(data), (struct run_opts){ 0 },
	                        t_opt, &fd);
	free(read_sent(*cli, fd, strlen(data), &len, "TODO 9: "));
	step("the test's server read the client's %zu bytes and end of file, "
	     "and sends no receipt", len);
	return fd;
}

START_TEST(client_gives_up_without_receipt)
{
	struct proc *cli, *patient;
	long long since;
	char *err;
	/* The default is 30 s: a client without -t, whose receipt will come
	 * half a second late, waits while the other one gives up. */
	int late = accept_and_read_all(&patient, NULL, "hello"), fd;

	/* Timed from the client's start: its half-close, read late on a
	 * loaded machine, would make a 300 ms wait seem shorter. */
	since = now_ms();
	fd = accept_and_read_all(&cli, "300", "hello");
	if (!wait_exit(cli, ms(300) + ms(3000)))
		fail(cli, "expected the client (-t 300) to give up 300 ms after "
		     "its half-close when no receipt comes; it is still waiting "
		     "after %d ms. read_receipt() must wait with a deadline "
		     "(TODO 10: wait_readable())", ms(300) + ms(3000));
	if (now_ms() - since < 250)
		fail(cli, "expected the client (-t 300) to wait 300 ms for the "
		     "receipt; it gave up after %lld ms", now_ms() - since);
	expect_exit(cli, 1, 0, "no receipt within -t 300 ms");
	err = proc_stderr(cli, NULL);
	if (find_line(err, "receipt", false) == NULL
	    || find_line(err, "client: ", true) == NULL)
		fail(cli, "expected the client to say on stderr that no receipt "
		     "came (\"client: no receipt from ... within 300 ms ...\"); "
		     "it did not mention the receipt");
	free(err);
	close(fd);

	if (wait_exit(patient, (int)(since + ms(500) > now_ms()
	                             ? since + ms(500) - now_ms() : 0)))
		fail(patient, "expected the client (default -t 30000) to wait for a "
		     "receipt %d ms late; it %s first", ms(500),
		     describe_status(patient->status));
	write_fully(late, "OK 5\n", 5, ms(1000));
	close(late);
	step("the test's server sent the client without -t \"OK 5\\n\" %d ms "
	     "late and closed", ms(500));
	expect_exit(patient, 0, ms(2000), "a late receipt, within -t, confirms "
	            "the 5 bytes");
}
END_TEST

START_TEST(client_reports_server_gone_or_stuck)
{
	size_t len = 8 << 20, got = 0;
	char *big = malloc(len), peek[8];
	struct proc *cli;
	int fd;

	/* Stops reading: takes nothing, keeps the connection open. */
	fill_pattern(big, len, 8);
	cli = client_connected(big, len, (struct run_opts){ 0 }, "300", &fd);
	step("the test's server accepted the client (-t 300, 8 MB on stdin) and "
	     "reads nothing: the client's writes fill the socket and block");
	expect_client_reported(cli, ms(300) + ms(3000), "the server takes no "
	                       "data for 300 ms (-t 300; client.c: SO_SNDTIMEO)");
	close(fd);

	/* Resets: closes with the client's bytes unread, after its EOF. */
	cli = client_connected("hello", 5, (struct run_opts){ 0 }, NULL, &fd);
	while (got < 5 && wait_io(fd, false, ms(2000)) > 0) {
		ssize_t n = recv(fd, peek, sizeof peek, MSG_PEEK);

		if (n <= 0 || (size_t)n == got)
			break;
		got = (size_t)n;
	}
	close(fd);
	step("the test's server saw the client's 5 bytes arrive and closed "
	     "without reading them: the client's next read fails with "
	     "ECONNRESET");
	expect_client_reported(cli, ms(3000), "the server resets the "
	                       "connection instead of sending a receipt");
}
END_TEST

START_TEST(live_socket_of_another_type_is_left_alone)
{
	expect_live_socket_kept(test_path("dgram.sock"), SOCK_DGRAM, SOCK_STREAM);
	expect_live_socket_kept(test_path("seqpacket.sock"), SOCK_SEQPACKET,
	                        SOCK_STREAM);
}
END_TEST

/* Fill the server's stdout pipe (shrunk to CAP bytes) through a client
 * connection FD until the server holds more than it can take and its
 * stdout (a copy, polled) has no room.  THEIRS: a copy of the server's
 * end (-1 if not allowed).  Returns the bytes sent. */
static size_t fill_past_pipe(struct proc *srv, int fd, int theirs, long cap)
{
	size_t len = 4 << 20, sent = 0;
	char *data = malloc(len);
	long long deadline = now_ms() + ms(3000);
	int out = theirs < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, srv->pidfd, 1, 0);

	fill_pattern(data, len, 9);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (sent < len && left_ms(deadline) > 0) {
		ssize_t n = write(fd, data + sent, len - sent);

		if (n > 0)
			sent += (size_t)n;
		/* The server has read more than its stdout can ever take, and
		 * the pipe has no room: it holds bytes it cannot write. */
		if (out >= 0 && (long)sent - unread_bytes(theirs) > cap
		    && wait_io(out, true, 0) == 0)
			break;
		if (n < 0 && wait_io(fd, true, theirs >= 0 ? left_ms(deadline)
		                                           : ms(300)) == 0
		    && theirs < 0)
			break;  /* it stopped reading: that will do */
	}
	free(data);
	if (out >= 0 ? wait_io(out, true, 0) != 0 : left_ms(deadline) == 0)
		fail(srv, "expected the server to read more than its stdout pipe "
		     "holds (%ld bytes) and fill it; it did not within %d ms (it "
		     "wrote %ld bytes of the %zu it was sent)", cap, ms(3000),
		     unread_bytes(srv->out), sent);
	if (out >= 0)
		close(out);
	return sent;
}

START_TEST(stop_with_stdout_blocked_gives_up_and_exits_1)
{
	char *path = test_path("s.sock"), want[64];
	struct run_opts o = { .stdout_pipe = true };
	struct proc *srv = start_server(path, &o);
	long cap = fcntl(srv->out, F_SETPIPE_SZ, 4096);
	int fd = connect_to(srv, path), theirs;
	size_t sent;
	long long unwritten;

	if (cap < 0)
		cap = fcntl(srv->out, F_GETPIPE_SZ);
	/* Its end of the connection exists once it has accepted: once the
	 * first byte reached its stdout. */
	write_fully(fd, "\n", 1, ms(1000));
	wait_io(srv->out, false, ms(2000));
	theirs = server_end(srv);
	step("the server's stdout is a pipe of %ld bytes that the test never "
	     "reads; a client sends up to 4 MB", cap);
	sent = 1 + fill_past_pipe(srv, fd, theirs, cap);
	step("the client sent %zu bytes; the server's stdout is full", sent);
	send_signal(srv, SIGTERM, "the server");
	expect_exit(srv, 1, ms(2000), "SIGTERM while stdout is blocked: give up "
	            "writing within 2 s, log how many bytes were not written, "
	            "remove the socket file, exit 1. A write(2) that blocks with "
	            "the stop signals blocked never sees them: write_out() waits "
	            "in wait_fd() for room first");
	if (access(path, F_OK) == 0)
		fail(srv, "expected the server to remove its socket file %s before "
		     "exiting 1", path);
	if (theirs < 0) {
		report_note("byte count not checked: pidfd_getfd(2) is not "
		            "allowed here");
		ck_assert(wait_stderr_line(srv, " bytes", 0));
		return;
	}
	/* What the server read and did not write: the rest of what was
	 * sent is still in its socket (unread) or in the pipe (written). */
	unwritten = (long long)sent - unread_bytes(theirs) - unread_bytes(srv->out);
	snprintf(want, sizeof want, " %lld bytes", unwritten);
	if (!wait_stderr_line(srv, want, 0))
		fail(srv, "expected a log line saying how many bytes the server "
		     "could not write to stdout: \"...%s not written\" (it read "
		     "%lld bytes that are neither in its stdout pipe nor still in "
		     "its socket); no line says so", want, unwritten);
	close(theirs);
	close(fd);
}
END_TEST

START_TEST(empty_path_is_a_usage_error)
{
	expect_usage_error(run("server", NULL, "", NULL));
	expect_usage_error(run("client", NULL, "", NULL));
}
END_TEST

START_TEST(help_prints_usage_and_exits_0)
{
	expect_help("server");
	expect_help("client");
}
END_TEST

#define AT_ONCE 100

START_TEST(hundred_clients_at_once_are_all_served)
{
	char *path = test_path("s.sock");
	struct proc *srv = start_server(path, NULL);
	struct sockaddr_storage a;
	socklen_t alen = sa_make(path, 0, &a);
	char reply[AT_ONCE][16];
	size_t got[AT_ONCE] = { 0 };
	int fds[AT_ONCE];

	for (int i = 0; i < AT_ONCE; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (connect(fds[i], (struct sockaddr *)&a, alen) < 0)
			fail(srv, "expected %d clients connecting at once to be "
			     "queued; client %d's connect() failed: %s (the backlog "
			     "of listen(2): SOMAXCONN)", AT_ONCE, i + 1, strerror(errno));
		ck_assert(write(fds[i], "0123456789", 10) == 10);
		shutdown(fds[i], SHUT_WR);
	}
	step("%d clients connected at once (non-blocking connect()), each sent "
	     "10 bytes and half-closed", AT_ONCE);
	read_each(fds, AT_ONCE, reply[0], sizeof reply[0], got, ms(5000));
	for (int i = 0; i < AT_ONCE; i++)
		if (strcmp(reply[i], "OK 10\n") != 0)
			fail(srv, "expected each of %d clients connected at once to get "
			     "\"OK 10\\n\"; client %d got %s%s", AT_ONCE, i + 1,
			     quote(reply[i], got[i], 20), fds[i] >= 0
			     ? " and no end of file within the time limit" : "");
	expect_logged(srv, "one line per client", "client %d: 10 bytes",
	              AT_ONCE);
}
END_TEST

/* ---- the table --------------------------------------------------------------- */

const struct graded_test lab_tests[] = {
	{ &listener_is_unix_stream, 4, 5, "TODO 1-3 in listen.c (socket, bind, listen)",
	  "the server's listening socket, seen from outside, is AF_UNIX stream", "1-3" },
	{ &bound_to_full_path, 4, 5, "TODO 2 in listen.c (bind and its address length)",
	  "the listener is bound to the whole path, longer than 14 bytes", "1-3" },
	{ &stale_socket_is_replaced, 5, 5, "TODO 2 in listen.c (remove_stale_socket)",
	  "a stale socket file is removed, reused, logged after the ready line", "1-6" },
	{ &live_socket_of_another_type_is_left_alone, 3, 5, "listen.c (remove_stale_socket: only ECONNREFUSED means stale)",
	  "a live SOCK_DGRAM or SOCK_SEQPACKET socket at the path is kept: exit 1", NULL },
	{ &live_socket_is_refused, 4, 5, "TODO 2 in listen.c (remove_stale_socket)",
	  "a second server on a live path (even a full backlog) exits 1", "1-6" },
	{ &regular_file_is_left_alone, 3, 5, "TODO 2 in listen.c (remove_stale_socket)",
	  "a regular file or a symlink at the path is never removed: exit 1", "1-3" },
	{ &path_of_107_bytes_works, 3, 5, "TODO 2 in listen.c (bind)",
	  "a 107-byte path, the longest sun_path holds, works", "1-6" },
	{ &path_of_108_bytes_is_a_usage_error, 2, 5, "server.c / client.c (argument checks)",
	  "a 108-byte path is a usage error (exit 2), not a crash", NULL },
	{ &bad_arguments_are_usage_errors, 2, 5, "server.c / client.c (argument checks)",
	  "missing or extra operands, unknown options, bad -n: usage, exit 2", NULL },
	{ &empty_path_is_a_usage_error, 1, 5, "server.c / client.c (argument checks)",
	  "an empty SOCKET_PATH is a usage error (exit 2) for both programs", NULL },
	{ &help_prints_usage_and_exits_0, 1, 5, "server.c / client.c (--help)",
	  "--help prints the usage on stdout and exits 0, both programs", NULL },
	{ &empty_transfer_gets_ok_0, 3, 5, "TODO 4-6 (accept, copy loop, receipt)",
	  "a client that sends nothing gets \"OK 0\"", "1-6" },
	{ &one_byte_is_received, 3, 5, "TODO 4-6 (accept, copy loop, receipt)",
	  "one byte is copied to stdout, receipted and logged", "1-6" },
	{ &binary_megabytes_byte_exact, 5, 10, "TODO 5 in drop.c (receive_file)",
	  "3 MB of binary data (NUL, 0xff) in pieces arrives byte for byte", "1-6" },
	{ &data_in_pieces_is_counted_whole, 3, 5, "TODO 5 in drop.c (copy until EOF)",
	  "data sent a byte at a time is received whole before the receipt", "1-6" },
	{ &server_survives_short_writes, 4, 10, "TODO 5 in drop.c (write_all, EINTR, DROP_OUTPUT_FAILED)",
	  "short writes and EINTR lose nothing; a failing stdout (EPIPE): exit 1", "1-6" },
	{ &clients_served_in_a_row_under_fd_limit, 4, 10, "server.c (close each client)",
	  "30 clients in a row with 12 fds allowed: no fd leak", "1-6" },
	{ &silent_client_is_dropped_after_idle_limit, 4, 10, "TODO 5 in drop.c (wait_fd with idle_ms, DROP_IDLE)",
	  "-i 300: a silent client is dropped after 300 ms, the next is served", "1-6" },
	{ &hundred_clients_at_once_are_all_served, 3, 10, "TODO 3 in listen.c (listen backlog)",
	  "100 clients connecting at once are queued and all get receipts", "1-6" },
	{ &vanished_client_is_survived, 4, 5, "TODO 6 and SIGPIPE in server.c",
	  "clients lost mid-transfer or before the receipt: logged, server goes on", "1-6" },
	{ &sigterm_removes_socket_and_exits_0, 3, 5, "server.c (clean up at exit)",
	  "SIGTERM: the socket file is removed, exit 0", "1-6" },
	{ &sigint_mid_client_keeps_bytes_and_exits_0, 3, 5, "TODO 5 (wait_fd) and server.c",
	  "SIGINT mid-client: the bytes read are written out, no receipt, exit 0", "1-6" },
	{ &stop_with_stdout_blocked_gives_up_and_exits_1, 4, 10, "TODO 5 in drop.c (write_out, DROP_OUTPUT_FAILED)",
	  "SIGTERM with stdout blocked: exit 1 within 2 s, unwritten bytes logged", "1-6" },
	{ &count_option_stops_after_n_clients, 2, 5, "server.c (-n COUNT)",
	  "-n 2 exits 0 after two clients", "1-6" },
	{ &client_sends_stdin_and_half_closes, 3, 5, "TODO 7-9 in connect.c and drop.c",
	  "the client sends stdin byte for byte, then shutdown(SHUT_WR)", "7-10" },
	{ &client_survives_short_writes, 3, 10, "TODO 8 in drop.c (write_all)",
	  "short writes and EINTR in the client lose nothing", "7-10" },
	{ &client_rejects_wrong_receipt, 3, 8, "TODO 10 in drop.c (read_receipt); SIGPIPE in client.c",
	  "a wrong, garbled or missing receipt, a server gone mid-transfer: exit 1", "7-10" },
	{ &client_gives_up_without_receipt, 3, 10, "TODO 10 in drop.c (read_receipt's deadline)",
	  "-t 300: no receipt, exit 1 after 300 ms with a message; a late one is taken", "7-10" },
	{ &client_reports_server_gone_or_stuck, 3, 10, "client.c (SO_SNDTIMEO, SIGPIPE), TODO 10",
	  "a server that stops reading or resets: exit 1 with a message, no signal", "7-10" },
	{ &client_accepts_receipt_in_pieces, 2, 5, "TODO 10 in drop.c (read_receipt)",
	  "a receipt arriving in pieces is read whole", "7-10" },
	{ &client_half_closes_before_reading_receipt, 4, 8, "TODO 9 in drop.c (shutdown), then TODO 10 (read_receipt)",
	  "the client half-closes (SHUT_WR) before reading, then reads the receipt", "7-10" },
	{ &client_without_server_fails, 2, 5, "TODO 7 in connect.c (connect)",
	  "no server: exit 1 with the connect error", "7" },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "unix-stream";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	const char *path = test_path("drop.sock");

	*len = sa_make(path, 0, addr);
	return start_server(path, NULL);
}

static void robust_good(struct proc *srv, const struct sockaddr *addr,
                        socklen_t len)
{
	const char *path = ((const struct sockaddr_un *)addr)->sun_path;
	static const char data[] = "a well-formed drop\n";

	(void)len;
	drop(srv, path, data, sizeof data - 1, sizeof data, 0);
}

const struct robust_target lab_robust = {
	.kind = ROBUST_STREAM, .start = robust_start, .good = robust_good,
	.needs = "1-6",
};
