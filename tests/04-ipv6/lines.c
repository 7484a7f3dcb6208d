/*
 * lines.c - lab 04's server under test as its clients see it (lines.h):
 * started on the loopback, talked to as a good client would, its log
 * lines and its listening socket looked at, and a burst of clients at
 * once.
 */
#define _GNU_SOURCE     /* SO_DOMAIN, SO_REUSEPORT */
#include "lines.h"

#include "sockets.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct server start_lines(const struct run_opts *o, const char *idle)
{
	const char *const extra[] = { idle ? "-i" : NULL, idle, NULL };
	struct server s;

	s.p = start_on_loopback(o, extra, &s.ip, &s.port);
	return s;
}

char *answers_for(const char *data, size_t len, size_t *alen)
{
	char *u = malloc(len + 2);

	memcpy(u, data, len);
	upper(u, len);
	*alen = len;
	if (len > 0 && data[len - 1] != '\n')
		u[(*alen)++] = '\n';
	u[*alen] = '\0';
	return u;
}

int connect_server(struct server *s, int rcvbuf)
{
	int fd = tcp_connect(NULL, s->ip, s->port, rcvbuf);

	if (fd < 0) {
		int err = errno;

		fail(s->p, "expected the server to accept a connection at %s port "
		     "%u; connect() said: %s%s", s->ip, s->port, strerror(err),
		     server_fate(s->p, ms(500)));
	}
	step("connected to the server at %s port %u from port %u", s->ip,
	     s->port, local_port(fd));
	return fd;
}

char *talk(struct server *s, int fd, const char *data, size_t len,
           size_t *rlen)
{
	struct flow f;
	char *buf;

	step("sending %zu bytes (%s), then shutdown(SHUT_WR), reading the "
	     "answers until the server closes", len, quote(data, len, 40));
	buf = converse(fd, data, len, ms(5000), false, &f);
	if (f.timed_out)
		fail(s->p, "expected the server to %s; after %d ms it had taken "
		     "%zu of %zu bytes and answered %s%s", f.shut ? "answer every "
		     "line and close once the client half-closed" : "read all "
		     "the client sends", ms(5000), f.sent, len, f.got
		     ? quote(buf, f.got, 60) : "nothing", server_fate(s->p, 0));
	if (f.recv_error != 0)
		fail(s->p, "expected the server to answer and close normally; the "
		     "connection failed: %s (after %zu of %zu bytes sent, %zu "
		     "answered)%s", strerror(f.recv_error), f.sent, len, f.got,
		     server_fate(s->p, ms(500)));
	*rlen = f.got;
	return buf;
}

void exchange(struct server *s, const char *data, size_t len,
              const char *hint)
{
	int fd = connect_server(s, 0);
	size_t rlen, alen;
	char *reply = talk(s, fd, data, len, &rlen);
	char *want = answers_for(data, len, &alen);

	close(fd);
	expect_same(s->p, "the answers (each line uppercased, a newline after "
	            "each)", reply, rlen, want, alen, hint);
	free(reply);
	free(want);
}

void expect_client_log(struct server *s, const char *addr,
                       uint16_t port, const char *text)
{
	char line[200];

	snprintf(line, sizeof line, "client [%s]:%u %s", addr, port, text);
	if (!wait_stderr_line(s->p, line, ms(2000)))
		fail(s->p, "expected the server to log \"%s\": the client's "
		     "address as accept() gave it, in full (its length argument "
		     "set to sizeof(struct sockaddr_in6), 28 bytes: shorter, the "
		     "address comes back cut), written with inet_ntop(AF_INET6, "
		     "...) and ntohs()", line);
}

int listener_of(struct proc *p, const char *when)
{
	int fds[MAX_SOCKETS], theirs[MAX_SOCKETS], n, found = -1, count = 0;
	char *held;

	if (!running(p))
		fail(p, "expected the server to be running %s; it %s", when,
		     describe_status(p->status));
	n = peek_sockets(p, fds, theirs, MAX_SOCKETS);
	for (int i = 0; i < n; i++)
		if (sockopt(fds[i], SOL_SOCKET, SO_ACCEPTCONN) == 1) {
			found = i;
			count++;
		}
	held = sockets_text(fds, theirs, n);
	for (int i = 0; i < n; i++)
		if (count != 1 || i != found)
			close(fds[i]);
	if (count != 1)
		fail(p, "expected the server to hold one listening socket %s "
		     "(listen() called on it); looked at from outside, it holds "
		     "%s", when, held);
	step("looked at the server's sockets %s: %s", when, held);
	free(held);
	return fds[found];
}

int expect_listener(struct proc *p, const char *ip, uint16_t port)
{
	int fd = listener_of(p, "once it said it was listening");
	int domain = sockopt(fd, SOL_SOCKET, SO_DOMAIN);
	int type = sockopt(fd, SOL_SOCKET, SO_TYPE);
	struct sockaddr_storage ss;
	char want[80];

	if (domain != AF_INET6 || type != SOCK_STREAM)
		fail(p, "expected the listening socket to be AF_INET6 (%d) "
		     "SOCK_STREAM (%d), the arguments of socket(2); it is %s "
		     "(a socket made for the first answer of getaddrinfo(NULL, "
		     "..., AI_PASSIVE) is often AF_INET, 0.0.0.0)", AF_INET6,
		     SOCK_STREAM, sockets_text(&fd, NULL, 1));
	sock_addr(fd, false, &ss);
	if (port == 0)
		port = local_port(fd);
	snprintf(want, sizeof want, "[%s]:%u", ip, port);
	if (port == 0 || !sa_is(&ss, ip, port))
		fail(p, "expected the listening socket bound to %s; getsockname() "
		     "says %s (sin6_addr as inet_pton() gave it for -a, sin6_port "
		     "with htons(), the whole sockaddr_in6 to bind(), whose result "
		     "counts)", want, sa_text(&ss));
	if (sockopt(fd, SOL_SOCKET, SO_REUSEPORT) > 0)
		fail(p, "expected SO_REUSEPORT off on the listening socket: with "
		     "it a second server can bind the same port and steal half "
		     "the clients (SO_REUSEADDR is the option that lets a "
		     "restarted server bind)");
	return fd;
}

bool dropped(int fd, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	char buf[4096];

	while (wait_io(fd, false, left_ms(deadline))) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return true;
	}
	return false;
}

int connect_burst(struct server *s, int fds[BURST], long long *worst)
{
	struct sockaddr_storage ss;
	socklen_t len = sa_make(s->ip, s->port, &ss);
	long long started = now_ms(), took[BURST], deadline;
	int pending = 0, slow = 0;

	for (int i = 0; i < BURST; i++) {
		fds[i] = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK
		                | SOCK_CLOEXEC, 0);
		ck_assert(fds[i] >= 0);
		took[i] = -1;
		if (connect(fds[i], (struct sockaddr *)&ss, len) == 0)
			took[i] = now_ms() - started;
		else if (errno == EINPROGRESS)
			pending++;
		else
			fail(s->p, "expected the server to take %d clients at once; "
			     "client %d's connect() said: %s%s", BURST, i + 1,
			     strerror(errno), server_fate(s->p, ms(500)));
	}
	/* A SYN the kernel dropped is sent again after 1 s: that is the
	 * kernel's clock, not this machine's speed, so it is not scaled;
	 * the slack after it is. */
	deadline = now_ms() + 1000 + ms(2000);
	while (pending > 0 && left_ms(deadline) > 0) {
		struct pollfd p[BURST];
		int idx[BURST], k = 0;

		for (int i = 0; i < BURST; i++)
			if (took[i] < 0) {
				p[k] = (struct pollfd){ .fd = fds[i], .events = POLLOUT };
				idx[k++] = i;
			}
		if (poll(p, (nfds_t)k, left_ms(deadline)) <= 0)
			break;
		for (int j = 0; j < k; j++) {
			int err = 0;
			socklen_t elen = sizeof err;

			if (p[j].revents == 0)
				continue;
			getsockopt(p[j].fd, SOL_SOCKET, SO_ERROR, &err, &elen);
			if (err != 0)
				fail(s->p, "expected the server to take %d clients at "
				     "once; client %d's connection failed: %s%s", BURST,
				     idx[j] + 1, strerror(err), server_fate(s->p, ms(500)));
			took[idx[j]] = now_ms() - started;
			pending--;
		}
	}
	*worst = 0;
	for (int i = 0; i < BURST; i++) {
		long long t = took[i] < 0 ? now_ms() - started : took[i];

		slow += took[i] < 0 || took[i] >= 1000;
		if (t > *worst)
			*worst = t;
	}
	return slow;
}
