/*
 * service.c - the test's own server for lab 04's client (service.h):
 * the line service played as the real server plays it, and played
 * wrong (a reset while answers wait, a close after one answer, reading
 * stopped); and the resolver shim's fixtures, sockets of the test's own
 * at several addresses on one port.
 */
#define _GNU_SOURCE     /* memrchr, strcasestr, F_GETPIPE_SZ */
#include "service.h"

#include "lines.h"
#include "sockets.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const char *connect_hint;

int accept_from(struct proc *cli, int lfd, int bufsize)
{
	int fd = accept_client(cli, lfd, SOCK_NONBLOCK, ms(3000), connect_hint);
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (bufsize > 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
	}
	step("the test's server accepted the client");
	return fd;
}

struct proc *client_connected(const char *ip, const struct run_opts *o,
                              const char *host, int bufsize, int *fd,
                              uint16_t *port)
{
	int lfd = bound_socket(ip, 0, true);
	struct proc *cli;

	ck_assert_msg(lfd >= 0, "test: cannot listen on %s", ip);
	if (bufsize > 0)
		setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
	if (port != NULL)
		*port = local_port(lfd);
	cli = run("client", o, host, num_text(local_port(lfd)), NULL);
	*fd = accept_from(cli, lfd, bufsize);
	close(lfd);
	return cli;
}

char *many_lines(size_t len)
{
	char *data = malloc(len);

	for (size_t i = 0; i < len; i++)
		data[i] = i % 100 == 99 ? '\n' : (char)('a' + i % 26);
	return data;
}

/* The test's line service for one client (play_server()): what came in,
 * and the answers it owes. */
struct service {
	char *in, *out;
	size_t in_len, in_cap, scanned;     /* read; answered up to SCANNED */
	size_t out_len, out_off, out_cap;   /* owed; sent up to OUT_OFF */
	bool eof;
};

/* Read what the client sent on FD, and owe the answers to its complete
 * lines, at its EOF to the rest too. */
static void service_read(struct proc *cli, int fd, struct service *v)
{
	ssize_t n;
	char *nl;
	size_t upto;

	if (v->in_cap - v->in_len < 65536)
		v->in = realloc(v->in, (v->in_cap *= 2) + 1);
	n = read(fd, v->in + v->in_len, 65536);
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		fail(cli, "expected the client to half-close; the connection "
		     "failed: %s", strerror(errno));
	if (n == 0) {
		v->eof = true;
		step("the test's server read end of file after %zu bytes",
		     v->in_len);
	}
	if (n > 0)
		v->in_len += (size_t)n;
	/* answer the complete lines, and at EOF the rest */
	nl = memrchr(v->in + v->scanned, '\n', v->in_len - v->scanned);
	upto = nl ? (size_t)(nl - v->in) + 1 : v->scanned;
	if (v->eof && upto < v->in_len)
		upto = v->in_len;
	if (upto == v->scanned)
		return;
	while (v->out_cap - v->out_len < upto - v->scanned + 1)
		v->out = realloc(v->out, (v->out_cap *= 2) + 2);
	memcpy(v->out + v->out_len, v->in + v->scanned, upto - v->scanned);
	upper(v->out + v->out_len, upto - v->scanned);
	v->out_len += upto - v->scanned;
	if (v->eof && v->in[upto - 1] != '\n')
		v->out[v->out_len++] = '\n';
	v->scanned = upto;
}

/* Send the client on FD what it is owed, at most PIECE bytes (0: as
 * much as its socket takes). */
static void service_send(struct proc *cli, int fd, size_t piece,
                         struct service *v)
{
	size_t pending = v->out_len - v->out_off, k = pending;
	ssize_t n;

	if (piece > 0 && k > piece)
		k = piece;
	n = send(fd, v->out + v->out_off, k, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		fail(cli, "expected the client to read every answer; it closed its "
		     "socket with %zu bytes of answers still to come (%s): close() "
		     "instead of shutdown(SHUT_WR)?%s", pending, strerror(errno),
		     running(cli) ? "" : " (the client had exited)");
	if (n > 0)
		v->out_off += (size_t)n;
}

char *play_server(struct proc *cli, int fd, size_t piece, size_t *got)
{
	const size_t hold = 256 * 1024;
	long long deadline = now_ms() + ms(6000);
	struct service v = { .in = malloc(65536 + 1), .in_cap = 65536,
	                     .out = malloc(65536 + 2), .out_cap = 65536 };

	while (!v.eof || v.out_off < v.out_len) {
		size_t pending = v.out_len - v.out_off;
		struct pollfd pfd = { .fd = fd };

		if (!v.eof && pending < hold)
			pfd.events |= POLLIN;
		if (pending > 0)
			pfd.events |= POLLOUT;
		if (poll(&pfd, 1, left_ms(deadline)) <= 0) {
			if (!v.eof && pending < hold)
				fail(cli, "expected the client to send stdin and then "
				     "half-close (shutdown(SHUT_WR)); the test's server "
				     "received %zu bytes and then nothing, no end of file, "
				     "for %d ms", v.in_len, ms(6000));
			fail(cli, "expected the client to read the answers while it "
			     "sends: %zu bytes of answers wait unread, and a real "
			     "server would stop reading now, so a client that sends "
			     "everything before it reads deadlocks", pending);
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)
		    && (pfd.events & POLLIN))
			service_read(cli, fd, &v);
		if (pfd.revents & POLLOUT)
			service_send(cli, fd, piece, &v);
	}
	step("the test's server answered %zu bytes and closed", v.out_len);
	close(fd);
	free(v.out);
	v.in[v.in_len] = '\0';
	*got = v.in_len;
	return v.in;
}

void expect_session(struct proc *cli, int fd, const char *data,
                    size_t len, size_t piece, const char *ip,
                    uint16_t port)
{
	char *got, *out, *want, line[120];
	size_t got_len, out_len, want_len;

	got = play_server(cli, fd, piece, &got_len);
	expect_same(cli, "the test's server to receive stdin", got, got_len,
	            data, len, NULL);
	expect_exit(cli, 0, ms(3000), "every line was answered");
	out = proc_stdout(cli, &out_len);
	want = answers_for(data, len, &want_len);
	expect_same(cli, "the client's stdout to hold every answer", out, out_len,
	            want, want_len, "(read until the server closes)");
	snprintf(line, sizeof line, strchr(ip, ':') ? "connected to [%s]:%u"
	         : "connected to %s:%u", ip, port);
	if (!wait_stderr_line(cli, line, 0))
		fail(cli, "expected the client to log \"%s\" on stderr", line);
	free(got);
	free(out);
	free(want);
}

void client_session(const char *ip, const struct run_opts *extra,
                    const char *host, const char *data, size_t len,
                    size_t piece, int bufsize)
{
	struct run_opts o = extra ? *extra : (struct run_opts){ 0 };
	struct proc *cli;
	uint16_t port;
	int fd;

	o.stdin_file = write_file("input", data, len);
	cli = client_connected(ip, &o, host, bufsize, &fd, &port);
	expect_session(cli, fd, data, len, piece, ip, port);
}

/* The words a message about a server that went away may use. */
static const char *const reset_words[] = { "reset", NULL };
static const char *const closed_words[] = { "closed", NULL };
static const char *const gone_words[] = { "reset", "closed", NULL };

/* CLI must exit 1 (not be killed by SIGPIPE) and say on stderr what the
 * server did, WHAT, in a message with one of WORDS; never the raw
 * ENOTCONN that shutdown(2) gives once the server has reset. */
static void expect_gone_told(struct proc *cli, const char *what,
                             const char *const words[])
{
	char why[200], *err;

	snprintf(why, sizeof why, "the server %s: the client must say so and "
	         "exit 1 (send with MSG_NOSIGNAL, never die of SIGPIPE)", what);
	expect_exit(cli, 1, ms(3000), why);
	err = proc_stderr(cli, NULL);
	if (strstr(err, strerror(ENOTCONN)) != NULL)
		fail(cli, "expected the client to say that the server %s; it "
		     "printed \"%s\", shutdown(2)'s ENOTCONN after the reset: "
		     "ignore that one and let the next read() report the reset "
		     "(ECONNRESET) (TODO 13)", what, strerror(ENOTCONN));
	for (int i = 0; words[i] != NULL; i++)
		if (strcasestr(err, words[i]) != NULL)
			return;
	fail(cli, "expected the client to say that the server %s (a message "
	     "with \"%s\"%s, how many lines were answered); its stderr says "
	     "otherwise (below)", what, words[0], words[1] ? " or \"closed\"" : "");
}

/* The client under test, with stdin and stdout pipes the test holds,
 * connected to the test's own server: its fd in *FD. */
static struct proc *piped_client(int *fd)
{
	struct run_opts o = { .stdin_pipe = true, .stdout_pipe = true };

	return client_connected("127.0.0.1", &o, "127.0.0.1", 0, fd, NULL);
}

/* Read at least WANT bytes of what the client sends on FD (at most
 * MAX), within the deadline. */
static size_t take_some(struct proc *cli, int fd, size_t want, size_t max)
{
	char buf[4096];
	size_t got = 0;
	long long deadline = now_ms() + ms(3000);

	while (got < want && wait_io_or_exit(cli, fd, false, left_ms(deadline)) > 0) {
		ssize_t n = recv(fd, buf, max - got < sizeof buf ? max - got
		                 : sizeof buf, MSG_DONTWAIT);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < want)
		fail(cli, "expected the client to send the lines of stdin as they "
		     "come; the test's server got %zu of %zu bytes within %d ms",
		     got, want, ms(3000));
	return got;
}

void reset_while_answers_wait(bool linger0)
{
	struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	static char chunk[16384];
	int fd, csock = -1, peek[4], n, pipe_size;
	struct proc *cli = piped_client(&fd);
	long long deadline;
	bool full = false, ready = false;
	size_t len;

	memset(chunk, 'X', sizeof chunk);
	write_fully(cli->in, "one\ntwo\n", 8, ms(1000));
	take_some(cli, fd, 2, 2);
	step("stdin: \"one\\ntwo\\n\", left open; the test's server read 2 bytes "
	     "of it and sends an endless answer, nobody reading the client's "
	     "stdout");
	pipe_size = fcntl(cli->out, F_GETPIPE_SZ);
	n = peek_sockets(cli, peek, NULL, 4);
	if (n > 0)
		csock = peek[0];
	for (int i = 1; i < n; i++)
		close(peek[i]);
	/* Until the client is stuck writing stdout (the pipe full) with
	 * more than one read (64 KiB) of answers still in its socket. */
	deadline = now_ms() + ms(3000);
	while (!ready && wait_io(fd, true, left_ms(deadline)) > 0) {
		send(fd, chunk, sizeof chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (full)
			ready = unread_bytes(csock) > 65536;
		full = full || unread_bytes(cli->out) >= pipe_size;
	}
	if (csock >= 0)
		close(csock);
	close(cli->in);         /* stdin's end */
	cli->in = -1;
	if (linger0)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	close(fd);
	step("the client's stdin ended, and the test's server reset the "
	     "connection (%s) while answers waited in the client's socket; "
	     "then the test read the client's stdout", linger0
	     ? "close() with SO_LINGER 0" : "close() with 6 bytes unread");
	free(read_until_eof(cli->out, &len, NULL, ms(3000)));
	expect_gone_told(cli, "reset the connection", reset_words);
}

void close_after_one_answer(void)
{
	int fd;
	struct proc *cli = piped_client(&fd);
	size_t len;

	write_fully(cli->in, "one\ntwo\nthree\n", 14, ms(1000));
	take_some(cli, fd, 14, 14);
	write_fully(fd, "ONE\n", 4, ms(1000));
	close(fd);
	step("stdin: \"one\\ntwo\\nthree\\n\", left open; the test's server read "
	     "it all, answered \"ONE\\n\" and closed");
	free(read_until_eof(cli->out, &len, NULL, ms(3000)));
	expect_gone_told(cli, "closed the connection after answering 1 of 3 "
	                 "lines", closed_words);
}

void stop_reading_then_close(void)
{
	size_t len = 8 << 20;
	char *data = many_lines(len);
	struct run_opts o = { .stdin_file = write_file("input", data, len) };
	struct proc *cli;
	int fd;

	free(data);
	cli = client_connected("127.0.0.1", &o, "127.0.0.1", 32768, &fd, NULL);
	take_some(cli, fd, 100, 4096);
	close(fd);
	step("stdin: 8 MiB of lines; the test's server read a few KiB, stopped "
	     "reading, and closed with the rest unread (an RST)");
	expect_gone_told(cli, "stopped reading and reset the connection",
	                 gone_words);
}

uint16_t same_port(int n, const char *const ips[],
                   const bool listening[], int fds[])
{
	for (int tries = 0; tries < 20; tries++) {
		uint16_t port = 0;
		int i;

		for (i = 0; i < n; i++) {
			fds[i] = ips[i] ? bound_socket(ips[i], port, listening[i])
			                : -1;
			if (ips[i] != NULL && fds[i] < 0)
				break;
			if (port == 0 && fds[i] >= 0)
				port = local_port(fds[i]);
		}
		if (i == n)
			return port;
		while (i-- > 0)
			if (fds[i] >= 0)
				close(fds[i]);
	}
	ck_abort_msg("test: no port free on %s, %s... at once", ips[0], ips[1]);
	return 0;
}

struct run_opts gai_opts(const char *host, const char *addrs,
                         bool garbage)
{
	static char h[128], a[256];
	static const char *env[4];
	struct run_opts o = { .preload = grade_preload("gai"), .env = env };
	int n = 0;

	snprintf(h, sizeof h, "SOCKLAB_GAI_HOST=%s", host);
	snprintf(a, sizeof a, "SOCKLAB_GAI_ADDRS=%s", addrs);
	env[n++] = h;
	env[n++] = a;
	if (garbage)
		env[n++] = "SOCKLAB_GAI_GARBAGE=1";
	env[n] = NULL;
	return o;
}

int first_connection(struct proc *cli, const int fds[], int n)
{
	struct pollfd pfd[4];

	ck_assert(n < 4);
	for (int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	pfd[n] = (struct pollfd){ .fd = cli->pidfd, .events = POLLIN };
	poll(pfd, (nfds_t)n + 1, ms(3000));
	for (int i = 0; i < n; i++)
		if (pfd[i].revents & POLLIN)
			return i;
	return -1;
}

void expect_one_socket(struct proc *cli, const char *ip, uint16_t port)
{
	int fds[MAX_SOCKETS], theirs[MAX_SOCKETS], others = 0;
	int n = peek_sockets(cli, fds, theirs, MAX_SOCKETS);
	char *held = sockets_text(fds, theirs, n);

	for (int i = 0; i < n; i++) {
		struct sockaddr_storage peer;

		if (!sock_addr(fds[i], true, &peer) || !sa_is(&peer, ip, port))
			others++;
		close(fds[i]);
	}
	if (others > 0)
		fail(cli, "expected the client, connected to %s port %u, to hold "
		     "that one socket: the socket of each address that failed "
		     "closed before it tries the next.  Looked at from outside, "
		     "it holds %s: one fd leaked per address tried.  close() the "
		     "socket when connect() fails", ip, port, held);
	step("looked at the client's sockets: %s", held);
	free(held);
}
