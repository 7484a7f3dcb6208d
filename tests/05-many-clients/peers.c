/*
 * peers.c - lab 05's chat server under test and the test's clients of
 * it, the peers (peers.h): each a non-blocking socket of the test's own,
 * all read by one poll() loop, pump(), so that a test with 200 clients
 * is one process and no thread, and no client the test is not looking
 * at ever holds the server back.
 */
#define _GNU_SOURCE     /* memmem */
#include "peers.h"

#include "sockets.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct server srv;
static struct peer *peers[MAX_PEERS];
static int npeers;

void start_chat(const struct run_opts *o, const char *const extra[])
{
	srv.p = start_on_loopback(o, extra, &srv.ip, &srv.port);
	srv.named = strcmp(srv.ip, "::1") == 0 ? "::1" : "::ffff:127.0.0.1";
	npeers = 0;
}

const char *fate(void)
{
	return server_fate(srv.p, 0);
}

struct peer *connect_peer(char label, int rcvbuf)
{
	struct peer *p = calloc(1, sizeof *p);

	ck_assert(p != NULL && npeers < MAX_PEERS);
	p->fd = tcp_connect(NULL, srv.ip, srv.port, rcvbuf);
	if (p->fd < 0)
		fail(srv.p, "expected the server to accept a connection at %s port "
		     "%u; connect() said: %s%s", srv.ip, srv.port, strerror(errno),
		     fate());
	p->label = label;
	p->reads = true;
	snprintf(p->name, sizeof p->name, "[%s]:%u", srv.named, local_port(p->fd));
	peers[npeers++] = p;
	return p;
}

/* Count P's new complete lines. */
static void count_lines(struct peer *p)
{
	char *nl;

	while ((nl = memchr(p->got + p->scanned, '\n', p->len - p->scanned))) {
		if (p->len - p->scanned >= 2 && p->got[p->scanned] == '*'
		    && p->got[p->scanned + 1] == ' ')
			p->notices++;
		else
			p->chats++;
		p->scanned = (size_t)(nl + 1 - p->got);
	}
}

bool take(struct peer *p, size_t max)
{
	ssize_t n;

	if (p->cap - p->len < 65536) {
		p->cap = p->cap ? 2 * p->cap : 131072;
		p->got = realloc(p->got, p->cap + 1);
		ck_assert(p->got != NULL);
	}
	n = read(p->fd, p->got + p->len, p->cap - p->len < max ? p->cap - p->len
	         : max);
	if (n > 0) {
		p->len += (size_t)n;
		p->got[p->len] = '\0';
		count_lines(p);
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	p->eof = true;
	p->err = n < 0 ? errno : 0;
	return false;
}

bool pump(int timeout_ms)
{
	struct pollfd pfd[MAX_PEERS];
	int idx[MAX_PEERS], n = 0, ready;

	for (int i = 0; i < npeers; i++)
		if (peers[i]->reads && !peers[i]->eof && peers[i]->fd >= 0) {
			pfd[n] = (struct pollfd){ .fd = peers[i]->fd, .events = POLLIN };
			idx[n++] = i;
		}
	if (n == 0) {
		poll(NULL, 0, timeout_ms);
		return false;
	}
	ready = poll(pfd, (nfds_t)n, timeout_ms);
	for (int j = 0; j < n && ready > 0; j++)
		if (pfd[j].revents)
			take(peers[idx[j]], SIZE_MAX);
	return ready > 0;
}

long line_at(const struct peer *p, const char *line, size_t from)
{
	size_t n = strlen(line);

	for (const char *at = p->got ? p->got + from : NULL;
	     at != NULL && (at = memmem(at, p->len - (size_t)(at - p->got), line, n));
	     at++)
		if ((at == p->got || at[-1] == '\n') && (size_t)(at - p->got) + n < p->len
		    && at[n] == '\n')
			return at - p->got;
	return -1;
}

int times_got(const struct peer *p, const char *line)
{
	int count = 0;

	for (long at = line_at(p, line, 0); at >= 0;
	     at = line_at(p, line, (size_t)at + 1))
		count++;
	return count;
}

const char *tail_of(const struct peer *p)
{
	static char text[4][400];
	static int next;
	char *t = text[next++ % 4];
	size_t from = p->len > 160 ? p->len - 160 : 0;
	char *q;

	if (p->len == 0) {
		snprintf(t, sizeof text[0], "nothing%s", p->eof ? ", then the "
		         "connection's end" : "");
		return t;
	}
	q = quote(p->got + from, p->len - from, 160);
	snprintf(t, sizeof text[0], "%s%s (%zu bytes)%s", from ? "..." : "", q,
	         p->len, p->eof ? p->err ? ", then a reset" : ", then end of file"
	         : "");
	free(q);
	return t;
}

bool wait_line_from(struct peer *p, const char *line, size_t from,
                    int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	size_t n = strlen(line);

	while (line_at(p, line, from) < 0) {
		if (p->len > from + n + 1)
			from = p->len - n - 1;
		if (left_ms(deadline) == 0 || (p->eof && !pump(0)))
			return line_at(p, line, from) >= 0;
		pump(left_ms(deadline));
	}
	return true;
}

bool wait_line(struct peer *p, const char *line, int timeout_ms)
{
	return wait_line_from(p, line, 0, timeout_ms);
}

void expect_line(struct peer *p, const char *line, int timeout_ms,
                 const char *why)
{
	char *q;

	if (wait_line(p, line, timeout_ms))
		return;
	q = quote(line, strlen(line), 120);
	fail(srv.p, "expected client %c (%s) to receive the line %s within %d ms "
	     "(%s); it received %s%s", p->label, p->name, q, timeout_ms, why,
	     tail_of(p), fate());
}

void expect_heard(struct peer *p, const struct peer *sender,
                  const char *line)
{
	expect_line(p, from(sender, line), ms(PROMPT_MS), "each line goes to "
	            "every other client");
}

void say(struct peer *p, const char *text, size_t len)
{
	char *q = quote(text, len, 60);

	if (write_fully(p->fd, text, len, ms(3000)) < 0)
		fail(srv.p, "expected the server to take what client %c sends; "
		     "sending %zu bytes failed: %s%s", p->label, len,
		     strerror(errno), fate());
	step("client %c (%s) sent %s", p->label, p->name, q);
	free(q);
}

void say_line(struct peer *p, const char *line)
{
	char buf[LINE_MAX_BYTES + 2];
	int n = snprintf(buf, sizeof buf, "%s\n", line);

	say(p, buf, (size_t)n);
}

const char *from(const struct peer *p, const char *line)
{
	static char text[4][LINE_MAX_BYTES + 100];
	static int next;
	char *t = text[next++ % 4];

	snprintf(t, sizeof text[0], "%s: %s", p->name, line);
	return t;
}

const char *notice(const struct peer *p, const char *what)
{
	static char text[4][160];
	static int next;
	char *t = text[next++ % 4];

	snprintf(t, sizeof text[0], "* %s %s", p->name, what);
	return t;
}

void join_all(struct peer *out[], int n)
{
	char line[120];

	for (int i = 0; i < n; i++) {
		out[i] = connect_peer((char)('A' + i), 0);
		step("client %c connected from %s", out[i]->label, out[i]->name);
		if (i == 0) {
			snprintf(line, sizeof line, "client %s joined", out[0]->name);
			if (!wait_stderr_line(srv.p, line, ms(2000)))
				fail(srv.p, "expected the server to accept client A and "
				     "log \"%s\" within %d ms%s", line, ms(2000),
				     fate());
			continue;
		}
		expect_line(out[0], notice(out[i], "joined"), ms(PROMPT_MS),
		            "every client is told of each one who joins");
	}
}

struct peer *newcomer(char label, int rcvbuf, bool reads, struct peer *told)
{
	struct peer *p = connect_peer(label, rcvbuf);

	p->reads = reads;
	expect_line(told, notice(p, "joined"), ms(PROMPT_MS), "every client "
	            "is told of each one who joins");
	return p;
}

bool let_go(struct peer *p, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	bool reads = p->reads;

	p->reads = true;
	while (!p->eof && left_ms(deadline) > 0)
		pump(left_ms(deadline));
	p->reads = reads;
	return p->eof;
}

void hang_up(struct peer *p, bool abrupt)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (abrupt)
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(p->fd);
	p->fd = -1;
	p->eof = true;
	step("client %c closed its socket%s", p->label,
	     abrupt ? " with a reset (SO_LINGER 0)" : "");
}
