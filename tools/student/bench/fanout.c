/*
 * fanout.c - lab 05's part of `make bench`: the chat server under load,
 * next to a reference relay on epoll(7).
 *
 *   bench relay [-a ADDR] [-p PORT] [-m MAX_CLIENTS]
 *       The reference: lab 05's protocol (lines "NAME: line", "* NAME
 *       joined", "* NAME left", "* server full", the queue limit) on one
 *       level-triggered epoll_wait() loop, with the lab's queues and
 *       limits, and nothing else (no idle limit, no lingering close, no
 *       spare descriptor).  EPOLLOUT is in a client's interest set only
 *       while its queue holds bytes, as POLLOUT is in the lab's.
 *
 *   bench [-n RUNS] fanout LAB_SERVER SVG
 *       Fan-out: CLIENTS clients (1000) join each server, then
 *       one of them writes lines as fast as the slowest reader takes
 *       them (at most WINDOW lines ahead), the others read: lines
 *       delivered per second, and the server's CPU time per line
 *       delivered; the lab's server and the relay in turn, RUNS times.
 *       Then the curve, for N from 10 to 10000 (no more than the
 *       descriptor limit allows): the same fan-out, and newcomers
 *       refused by the server full (-m N), the medians of 3 runs (or
 *       RUNS, if fewer); its plot written to SVG.  And each server's memory per
 *       connected idle client: its resident set after CLIENTS joined,
 *       less before, over CLIENTS.
 *
 * The soft descriptor limit is raised to the hard one first; the servers
 * inherit it.  Rows: section,item,metric,value,unit,runs (bench.h).
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* As lab 05's chat.h. */
#define LINE_MAX_BYTES 4096
#define QUEUE_DEFAULT 65536
#define KEEP_BUFFER 4096

/* ---- the reference relay ------------------------------------------------- */

struct rclient {
	int fd;
	bool gone, out_wanted;
	char name[ADDR_STRLEN];
	char in[LINE_MAX_BYTES];
	size_t in_len;
	char *out;
	size_t out_off, out_len, out_cap;
};

static struct rclient **clients;
static size_t nclients, max_clients;
static int epfd;

static void interest(struct rclient *c, bool out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0),
	                          .data.ptr = c };

	if (c->out_wanted != out && epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->out_wanted = out;
}

static void relay_send(struct rclient *c);

/* The lab's enqueue(): the same buffer, growth and limit. */
static void put(struct rclient *c, const char *msg, size_t len)
{
	size_t need;

	if (c->gone)
		return;
	if (c->out_len + len > QUEUE_DEFAULT)
		relay_send(c);          /* what the socket takes, first */
	need = c->out_len + len;
	if (c->gone || need > QUEUE_DEFAULT) {
		c->gone = true;         /* not reading */
		return;
	}
	if (c->out_off + need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 1024;
		char *bigger;

		while (cap < need)
			cap *= 2;
		if (cap > c->out_cap) {
			if ((bigger = realloc(c->out, cap)) == NULL) {
				c->gone = true;
				return;
			}
			c->out = bigger;
			c->out_cap = cap;
		}
		if (c->out_len)
			memmove(c->out, c->out + c->out_off, c->out_len);
		c->out_off = 0;
	}
	memcpy(c->out + c->out_off + c->out_len, msg, len);
	c->out_len += len;
	interest(c, true);
}

static void tell(const struct rclient *about, const char *msg, size_t len)
{
	for (size_t i = 0; i < nclients; i++)
		if (clients[i] != about)
			put(clients[i], msg, len);
}

static void relay_accept(int lfd)
{
	for (;;) {
		struct sockaddr_in6 peer;
		socklen_t plen = sizeof peer;
		int fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		                 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };
		struct rclient *c;
		char msg[ADDR_STRLEN + 16];

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return;
		}
		if (nclients == max_clients || (c = calloc(1, sizeof *c)) == NULL) {
			(void)send(fd, "* server full\n", 14, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		c->fd = fd;
		format_addr((struct sockaddr *)&peer, plen, c->name);
		ev.data.ptr = c;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		clients[nclients++] = c;
		tell(c, msg, (size_t)snprintf(msg, sizeof msg, "* %s joined\n", c->name));
	}
}

static void relay_read(struct rclient *c)
{
	char msg[ADDR_STRLEN + 2 + LINE_MAX_BYTES];
	ssize_t n = read(c->fd, c->in + c->in_len, sizeof c->in - c->in_len);
	char *start = c->in, *end, *nl;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->gone = true;
		return;
	}
	c->in_len += (size_t)n;
	end = c->in + c->in_len;
	while ((nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
		int head = snprintf(msg, sizeof msg, "%s: ", c->name);

		memcpy(msg + head, start, (size_t)(nl + 1 - start));
		tell(c, msg, (size_t)head + (size_t)(nl + 1 - start));
		start = nl + 1;
	}
	c->in_len = (size_t)(end - start);
	memmove(c->in, start, c->in_len);
	if (c->in_len == sizeof c->in) {
		(void)send(c->fd, "* line too long\n", 16, MSG_NOSIGNAL | MSG_DONTWAIT);
		c->gone = true;
	}
}

static void relay_send(struct rclient *c)
{
	ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			c->gone = true;
		return;
	}
	c->out_off += (size_t)n;
	c->out_len -= (size_t)n;
	if (c->out_len == 0) {
		c->out_off = 0;
		if (c->out_cap > KEEP_BUFFER) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
		interest(c, false);
	}
}

/* Close the clients that went, telling the others (which may make
 * more go). */
static void relay_sweep(void)
{
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < nclients;) {
			struct rclient *c = clients[i];
			char msg[ADDR_STRLEN + 16];

			if (!c->gone) {
				i++;
				continue;
			}
			clients[i] = clients[--nclients];
			close(c->fd);
			tell(c, msg, (size_t)snprintf(msg, sizeof msg, "* %s left\n", c->name));
			again = true;
			free(c->out);
			free(c);
		}
	}
}

/* SIGTERM ends it (bench stops it so); nothing is left to do then that
 * the kernel does not do at exit. */
int cmd_relay(int argc, char *argv[])
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL }, evs[256];
	socklen_t len = sizeof sa;
	int opt, lfd, on = 1, off = 0;
	char text[ADDR_STRLEN];

	max_clients = 1000;
	while ((opt = getopt(argc, argv, "a:p:m:")) != -1) {
		switch (opt) {
		case 'a':
			if (inet_pton(AF_INET6, optarg, &sa.sin6_addr) != 1)
				fail("relay: -a: not an IPv6 address");
			break;
		case 'p': sa.sin6_port = htons((uint16_t)parse_size(optarg, "-p")); break;
		case 'm': max_clients = parse_size(optarg, "-m"); break;
		default: fail("usage: bench relay [-a ADDR] [-p PORT] [-m MAX]");
		}
	}
	clients = calloc(max_clients, sizeof *clients);
	lfd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (clients == NULL || lfd < 0
	    || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0
	    || setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0
	    || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0
	    || listen(lfd, SOMAXCONN) < 0
	    || getsockname(lfd, (struct sockaddr *)&sa, &len) < 0
	    || (epfd = epoll_create1(EPOLL_CLOEXEC)) < 0
	    || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) < 0)
		fail("relay: listening: %s", strerror(errno));
	log_line("listening on %s", format_addr((struct sockaddr *)&sa, len, text));
	for (;;) {
		int n = epoll_wait(epfd, evs, 256, -1);

		for (int i = 0; i < n; i++) {
			struct rclient *c = evs[i].data.ptr;

			if (c == NULL) {
				relay_accept(lfd);
				continue;
			}
			if (c->gone)
				continue;
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				relay_read(c);
			if ((evs[i].events & EPOLLOUT) && !c->gone)
				relay_send(c);
		}
		relay_sweep();
	}
}

/* ---- the load: clients of our own ---------------------------------------- */

/* The writer is at most this many lines ahead of the slowest reader:
 * some 16 KiB per client queue, well within the limit of 64 KiB. */
#define WINDOW 256
#define BATCH 32
/* Newcomers refused per point of the curve. */
#define REFUSALS 500
static const char LINE[] = "a line of chat, forty bytes in all....\n";
#define LINE_LEN (sizeof LINE - 1)

struct load {
	struct child srv;
	const char *item;
	int family;             /* of the clients' sockets */
	struct sockaddr_storage addr;   /* the server's */
	socklen_t addr_len;
	int ep;                 /* our epoll set: every client, EPOLLIN */
	int *fd;
	uint64_t *got;          /* lines each client received */
	size_t n;
	uint64_t notices;       /* lines of all of them, while joining */
	/* The server's resident memory per client joined in the second
	 * half of the joins: what one more idle client costs, its start-up
	 * left out (-1: unknown). */
	double idle_kib;
};

/* Read once from every client ready within MS; count the lines. */
static void pump(struct load *l, int ms)
{
	static char buf[65536];
	struct epoll_event evs[512];
	int n = epoll_wait(l->ep, evs, 512, ms);

	for (int i = 0; i < n; i++) {
		size_t k = evs[i].data.u64;
		ssize_t r = read(l->fd[k], buf, sizeof buf);
		uint64_t lines = 0;

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			fail("fanout: %s closed client %zu's connection (%s)", l->item,
			     k, r == 0 ? "end of file" : strerror(errno));
		for (const char *p = buf, *e = buf + (r > 0 ? r : 0);
		     (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
			lines++;
		l->got[k] += lines;
		l->notices += lines;
	}
	child_drain(&l->srv);   /* the server's log must never fill its pipe */
}

/* N clients of SERVER (its argv), all joined: every client told of those
 * who came after it, n(n-1)/2 notices in all. */
static void load_open(struct load *l, char *const argv[], size_t n,
                      const char *item)
{
	double deadline, rss_half = -1;
	size_t half = 0;

	memset(l, 0, sizeof *l);
	l->item = item;
	if (!child_start_server(&l->srv, argv, 0))
		fail("fanout: %s did not start", item);
	l->family = strstr(l->srv.ready, "ffff:127") ? AF_INET : AF_INET6;
	l->addr_len = loopback_addr(&l->addr, l->family, port_of(l->srv.ready));
	l->fd = calloc(n, sizeof *l->fd);
	l->got = calloc(n, sizeof *l->got);
	if ((l->ep = epoll_create1(EPOLL_CLOEXEC)) < 0 || !l->fd || !l->got)
		fail("fanout: %s", strerror(errno));
	deadline = now_s() + 120;
	for (size_t done = 0; done < n;) {
		size_t step = n / 4 < 100 ? (n / 4 ? n / 4 : 1) : 100;
		size_t batch = n - done < step ? n - done : step;

		for (size_t k = done; k < done + batch; k++) {
			struct epoll_event ev = { .events = EPOLLIN, .data.u64 = k };
			int one = 1;

			l->fd[k] = socket(l->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (l->fd[k] < 0 || (connect(l->fd[k], (struct sockaddr *)&l->addr, l->addr_len) < 0
			                     && errno != EINPROGRESS))
				fail("fanout: client %zu of %s: %s", k, item, strerror(errno));
			setsockopt(l->fd[k], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			if (epoll_ctl(l->ep, EPOLL_CTL_ADD, l->fd[k], &ev) < 0)
				fail("fanout: epoll_ctl: %s", strerror(errno));
		}
		done += batch;
		while (l->notices < (uint64_t)done * (done - 1) / 2) {
			if (now_s() > deadline)
				fail("fanout: %s: %zu clients did not all join within 120 s "
				     "(%llu of %llu notices)", item, done,
				     (unsigned long long)l->notices,
				     (unsigned long long)done * (done - 1) / 2);
			pump(l, 100);
		}
		if (half == 0 && done >= n / 2) {
			half = done;
			rss_half = proc_value(l->srv.pid, "status", "VmRSS");
		}
	}
	l->n = n;
	l->idle_kib = proc_value(l->srv.pid, "status", "VmRSS");
	l->idle_kib = half < n && rss_half >= 0 && l->idle_kib >= 0
	              ? (l->idle_kib - rss_half) / (double)(n - half) : -1;
}

static void load_close(struct load *l)
{
	child_stop(&l->srv);    /* first: n leaving would be n^2/2 notices */
	for (size_t k = 0; k < l->n; k++)
		close(l->fd[k]);
	close(l->ep);
	free(l->fd);
	free(l->got);
}

/* The CPU time PID has used, in seconds: /proc/PID/sched's
 * sum_exec_runtime (ms) where the kernel has it, else /proc/PID/stat's
 * user + system time (clock ticks). */
static double cpu_s(pid_t pid)
{
	double ms = proc_value(pid, "sched", "se.sum_exec_runtime");
	char path[64], line[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	if (ms >= 0)
		return ms / 1000;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(line, sizeof line, f) != NULL && (p = strrchr(line, ')')) != NULL)
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		       &ut, &st);
	fclose(f);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Lines per run for N clients: about a million deliveries. */
static uint64_t lines_for(size_t n)
{
	uint64_t lines = 1000000 / (n > 1 ? n - 1 : 1);

	return lines < 200 ? 200 : lines;
}

/* Client 0 writes LINES lines, the n-1 others read them all: lines
 * delivered per second; the server's CPU per line delivered in *CPU_US. */
static double fan_out(struct load *l, uint64_t lines, double *cpu_us)
{
	static char batch[BATCH * LINE_LEN];
	uint64_t sent = 0, floor = 0, want, readers = l->n - 1, done = 0;
	uint64_t *base = calloc(l->n, sizeof *base);
	double t0, t1, c0, deadline;
	size_t pending = 0, off = 0;
	bool blocked, stalled = false;

	for (size_t i = 0; i < BATCH; i++)
		memcpy(batch + i * LINE_LEN, LINE, LINE_LEN);
	for (size_t k = 0; k < l->n; k++)
		base[k] = l->got[k];
	c0 = cpu_s(l->srv.pid);
	t0 = now_s();
	deadline = t0 + 300;
	while (done < readers) {
		/* The writer: a batch whenever the window allows. */
		if (pending == 0 && sent < lines && sent < floor + WINDOW) {
			want = lines - sent < BATCH ? lines - sent : BATCH;
			pending = want * LINE_LEN;
			off = 0;
			sent += want;
		}
		stalled = false;
		if (pending > 0) {
			ssize_t w = send(l->fd[0], batch + off, pending, MSG_NOSIGNAL);

			if (w > 0)
				off += (size_t)w, pending -= (size_t)w;
			else if (w < 0 && errno != EAGAIN)
				fail("fanout: the writer's send: %s", strerror(errno));
			stalled = w < 0;
		}
		blocked = pending == 0 && (sent == lines || sent >= floor + WINDOW);
		pump(l, blocked || stalled ? 20 : 0);
		if (!blocked)
			continue;
		/* The slowest reader, and who has everything. */
		floor = UINT64_MAX;
		done = 0;
		for (size_t k = 1; k < l->n; k++) {
			uint64_t g = l->got[k] - base[k];

			done += g >= lines;
			if (g < floor)
				floor = g;
		}
		if (now_s() > deadline)
			fail("fanout: %s: %llu lines to %zu readers took over 300 s", l->item,
			     (unsigned long long)lines, (size_t)readers);
	}
	t1 = now_s();
	*cpu_us = (cpu_s(l->srv.pid) - c0) * 1e6 / ((double)lines * (double)readers);
	free(base);
	return (double)lines * (double)readers / (t1 - t0);
}

/* The server full (N clients, -m N), COUNT newcomers one after another,
 * each told "* server full" and closed: refusals per second.  Each is
 * one wakeup of the server for one ready descriptor (the listener) among
 * N + 1, and no fan-out: what poll() costs per wakeup, next to epoll. */
static double refusals(struct load *l, int count)
{
	struct timeval tv = { .tv_sec = 10 };
	double t0 = now_s();

	for (int i = 0; i < count; i++) {
		char buf[64];
		size_t got = 0;
		ssize_t n;
		int fd = socket(l->family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		if (fd < 0 || connect(fd, (struct sockaddr *)&l->addr, l->addr_len) < 0)
			fail("fanout: a newcomer to %s: %s", l->item, strerror(errno));
		while ((n = read(fd, buf + got, sizeof buf - got)) > 0)
			got += (size_t)n;
		if (got != 14 || memcmp(buf, "* server full\n", 14) != 0)
			fail("fanout: %s did not refuse newcomer %d with \"* server "
			     "full\" (%zu bytes, %s)", l->item, i, got,
			     n < 0 ? strerror(errno) : "then end of file");
		close(fd);
		child_drain(&l->srv);
	}
	return count / (now_s() - t0);
}

/* ---- the plot ------------------------------------------------------------- */

/* One panel of the plot at X0 (WIDTH wide): two series against N (V[i][0]
 * the lab's, V[i][1] the relay's), a log scale across, TITLE above, values
 * in UNIT (divided by SCALE). */
static void panel(FILE *f, double x0, double width, const char *title,
                  const char *unit, double scale, const size_t *ns,
                  double v[][2], int points)
{
	const double h = 420, top = 60, bottom = 60, left = 70, right = 20;
	const char *colour[2] = { "#1f77b4", "#d62728" };
	double ymax = 0, lx0 = log10((double)ns[0]), lx1 = log10((double)ns[points - 1]);

	for (int i = 0; i < points; i++)
		for (int k = 0; k < 2; k++)
			if (v[i][k] > ymax)
				ymax = v[i][k];
	ymax = ymax > 0 ? ymax * 1.1 : 1;
	if (lx1 <= lx0)
		lx1 = lx0 + 1;
#define X(n) (x0 + left + (log10((double)(n)) - lx0) / (lx1 - lx0) * (width - left - right))
#define Y(v) (h - bottom - (v) / ymax * (h - top - bottom))
	fprintf(f, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\" font-size=\"13\">%s"
	        "</text>\n", x0 + width / 2, top - 22, title);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"black\"/>\n",
	        x0 + left, h - bottom, x0 + width - right, h - bottom);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"black\"/>\n",
	        x0 + left, top, x0 + left, h - bottom);
	for (int i = 0; i < points; i++)
		fprintf(f, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%zu</text>\n",
		        X(ns[i]), h - bottom + 16, ns[i]);
	fprintf(f, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">clients connected "
	        "(log scale)</text>\n", x0 + (left + width - right) / 2, h - bottom + 36);
	for (int t = 0; t <= 5; t++) {
		double v = ymax * t / 5;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#ddd\"/>\n", x0 + left, Y(v), x0 + width - right, Y(v));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.3g%s</text>\n",
		        x0 + left - 6, Y(v) + 4, v / scale, unit);
	}
	for (int k = 0; k < 2; k++) {
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
		        "points=\"", colour[k]);
		for (int i = 0; i < points; i++)
			fprintf(f, "%.1f,%.1f ", X(ns[i]), Y(v[i][k]));
		fprintf(f, "\"/>\n");
		for (int i = 0; i < points; i++)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
			        X(ns[i]), Y(v[i][k]), colour[k]);
	}
#undef X
#undef Y
}

static void svg(const char *path, const size_t *ns, double fan[][2],
                double refused[][2], int points)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		row_text("note", "plot", "not written", strerror(errno));
		return;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" "
	        "height=\"470\" font-family=\"sans-serif\" font-size=\"12\">\n"
	        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	panel(f, 0, 500, "Fan-out: lines delivered per second", "M", 1e6, ns, fan,
	      points);
	panel(f, 500, 500, "A full server refusing newcomers: refusals per second",
	      "k", 1e3, ns, refused, points);
	fprintf(f, "<rect x=\"330\" y=\"446\" width=\"14\" height=\"4\" fill=\"#1f77b4\"/>"
	        "<text x=\"350\" y=\"452\">lab 05 server, poll()</text>\n"
	        "<rect x=\"530\" y=\"446\" width=\"14\" height=\"4\" fill=\"#d62728\"/>"
	        "<text x=\"550\" y=\"452\">epoll relay (make bench)</text>\n</svg>\n");
	fclose(f);
}

/* ---- bench fanout ----------------------------------------------------------- */

/* A server's argv: the lab's, or our own relay; both -p 0, room for N. */
static void server_argv(char *argv[8], bool lab, const char *lab_server,
                        size_t n, bool v4)
{
	static char max[2][24];
	int i = 0;

	snprintf(max[lab], sizeof max[lab], "%zu", n);
	argv[i++] = lab ? (char *)lab_server : "/proc/self/exe";
	if (!lab)
		argv[i++] = "relay";
	argv[i++] = "-p";
	argv[i++] = "0";
	argv[i++] = "-m";
	argv[i++] = max[lab];
	if (v4) {
		argv[i++] = "-a";
		argv[i++] = "::ffff:127.0.0.1";
	}
	argv[i] = NULL;
}

/* The fan-out rows of one server: lines/s and CPU per line over RUNS,
 * memory per idle client. */
static void fanout_rows(const char *item, const struct load *l,
                        const double *lines, const double *cpu, int runs)
{
	row("fanout", item, "lines delivered/s", median(lines, (size_t)runs), 0, "", runs);
	row("fanout", item, "server CPU per line", median(cpu, (size_t)runs), 3, "us", runs);
	row("fanout", item, "memory per idle client", l->idle_kib, 1, "KiB", 1);
}

/* Fan-out at N clients: both servers up at once, runs interleaved; the
 * lab's lines/s over the relay's, run by run, against the target. */
static void fanout_table(const char *lab_server, size_t n, int runs, bool v4)
{
	struct load lab, rel;
	double lab_v[99], rel_v[99], lab_c[99], rel_c[99], ratio[99], m;
	char *args[8], item[64], text[200];

	server_argv(args, true, lab_server, n, v4);
	load_open(&lab, args, n, "lab 05");
	server_argv(args, false, lab_server, n, v4);
	load_open(&rel, args, n, "epoll relay");
	fan_out(&lab, lines_for(n) / 4, &lab_c[0]);     /* warm-up */
	fan_out(&rel, lines_for(n) / 4, &rel_c[0]);
	for (int r = 0; r < runs; r++) {
		lab_v[r] = fan_out(&lab, lines_for(n), &lab_c[r]);
		rel_v[r] = fan_out(&rel, lines_for(n), &rel_c[r]);
		ratio[r] = 100 * lab_v[r] / rel_v[r];
	}
	m = median(ratio, (size_t)runs);
	fanout_rows("lab 05 server (poll)", &lab, lab_v, lab_c, runs);
	row("fanout", "lab 05 server (poll)", "of the relay", m, 1, "%", runs);
	fanout_rows("epoll relay (bench)", &rel, rel_v, rel_c, runs);
	snprintf(item, sizeof item, "lab 05 at %zu clients", n);
	snprintf(text, sizeof text, "%.0f%% of the epoll relay's lines delivered "
	         "per second (target: 70%% or more): %s", m, m >= 70 ? "met" : "NOT MET");
	row_text("target", item, "fan-out", text);
	load_close(&lab);
	load_close(&rel);
}

/* One point of the curve, N clients: each server in turn, a warm-up,
 * then the medians of RUNS fan-outs (lines/s) into FAN[2] and of RUNS
 * times REFUSALS refusals (/s) into REFUSED[2]. */
static void curve_point(const char *lab_server, size_t n, int runs, bool v4,
                        double fan[2], double refused[2])
{
	static const char *const who[2] = { "lab 05", "epoll relay" };
	char *args[8], item[64];
	double f[99], r[99], cpu;
	struct load l;

	for (int k = 0; k < 2; k++) {
		server_argv(args, k == 0, lab_server, n, v4);
		load_open(&l, args, n, who[k]);
		fan_out(&l, lines_for(n) / 8, &cpu);
		for (int i = 0; i < runs; i++) {
			f[i] = fan_out(&l, lines_for(n), &cpu);
			r[i] = refusals(&l, REFUSALS);
		}
		fan[k] = median(f, (size_t)runs);
		refused[k] = median(r, (size_t)runs);
		load_close(&l);
	}
	snprintf(item, sizeof item, "%zu clients", n);
	row("curve", item, "fan-out lab 05", fan[0], 0, "lines/s", 1);
	row("curve", item, "fan-out epoll", fan[1], 0, "lines/s", 1);
	row("curve", item, "lab/epoll fan-out", 100 * fan[0] / fan[1], 0, "%", 1);
	row("curve", item, "refusals lab 05", refused[0], 0, "/s", 1);
	row("curve", item, "refusals epoll", refused[1], 0, "/s", 1);
	row("curve", item, "lab/epoll refusals", 100 * refused[0] / refused[1], 0, "%", 1);
}

/* The curve, 10 to 10000 clients, as far as ROOM descriptors allow; the
 * medians of 3 runs (or RUNS, if fewer), and its plot in SVG_PATH. */
static void curve(const char *lab_server, size_t room, int runs, bool v4,
                  const char *svg_path)
{
	static const size_t ns[] = { 10, 30, 100, 300, 1000, 3000, 10000 };
	double fan[7][2], refused[7][2];
	int points = 0;
	char text[160];

	for (size_t i = 0; i < 7 && ns[i] <= room; i++, points++)
		curve_point(lab_server, ns[i], runs < 3 ? runs : 3, v4,
		            fan[points], refused[points]);
	if (points > 0 && points < 7) {
		snprintf(text, sizeof text, "points above %zu clients left out: the "
		         "descriptor limit (ulimit -Hn) allows no more", room);
		row_text("note", "curve", "limit", text);
	}
	if (points > 1) {
		svg(svg_path, ns, fan, refused, points);
		row_text("note", "curve", "plot", svg_path);
	}
}

int cmd_fanout(int argc, char *argv[])
{
	size_t clients_n = 1000, room;
	struct rlimit rl;
	bool v4 = loopback_family() == AF_INET;

	if (argc != 3)
		fail("usage: bench [-n RUNS] fanout LAB_SERVER SVG");

	/* Descriptors: ours and the servers' (who inherit the limit). */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	room = rl.rlim_cur > 64 ? (size_t)rl.rlim_cur - 64 : 0;
	/* ::1, or the IPv4-mapped loopback where ::1 is unusable. */
	if (v4)
		row_text("note", "lab 05", "address", "::1 unusable here: both servers "
		         "measured at ::ffff:127.0.0.1, reached over IPv4");
	if (clients_n > room) {
		char text[160];

		snprintf(text, sizeof text, "the descriptor limit (%llu) allows %zu "
		         "clients, not %zu", (unsigned long long)rl.rlim_cur, room, clients_n);
		row_text("note", "lab 05", "clients", text);
		clients_n = room;
	}
	fanout_table(argv[1], clients_n, bench_runs, v4);
	curve(argv[1], room, bench_runs, v4, argv[2]);
	return 0;
}
