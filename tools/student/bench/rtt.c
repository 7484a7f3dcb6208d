/*
 * rtt.c - `bench rtt`: round trips per second and latency, one request in
 * flight, against the real lab servers and against raw sockets.
 *
 * Usage: bench [-n RUNS] rtt KIND [SERVER]
 *
 *   lab02 SERVER   lab 02's server (-p 0): sendto/recvfrom on UDP/IPv4
 *   lab03 SERVER   lab 03's server (-p 0): a connected UDP socket,
 *                  write/read, one session ended with BYE
 *   lab04 SERVER   lab 04's server (-p 0): TCP over ::1, one line per
 *                  round trip (falls back to `-a ::` and 127.0.0.1 when
 *                  ::1 is unusable, and says so)
 *   lab06 SERVER   lab 06's server on a path in a temp dir: sendto/recvfrom
 *                  on AF_UNIX datagrams, from an abstract name of ours
 *   unix           raw AF_UNIX stream: socketpair(2) and an echo process
 *   udp4           raw UDP over 127.0.0.1 and an echo process
 *   tcp6           raw TCP over ::1 (127.0.0.1 when ::1 is unusable)
 *
 * Every round trip sends "hello, sockets #NNNNNNNN\n" (25 bytes) and waits
 * for it uppercased, checking every byte; the sequence number tells a late
 * datagram from the answer.  The server is started once per KIND and
 * waited for through its "listening on ADDRESS" line; WARMUP round trips
 * (not counted), then RUNS runs of COUNT (10000).  Each run gives its round
 * trips per second (COUNT / the sum of its round-trip times), its median and its
 * 99th percentile; the figures are the medians over the runs.  For the raw
 * kinds, also the cost of one write+read within one process (no process
 * woken): the protocol's own share of a round trip.
 */
#include "bench.h"

#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define MSG_LEN 25
#define COUNT 10000             /* round trips per run */
#define WARMUP 1000             /* round trips before the first run */

struct link {
	int fd;
	bool stream;                    /* a byte stream: read until whole */
	bool connected;                 /* write/read, not sendto/recvfrom */
	struct sockaddr_storage peer;
	socklen_t peer_len;
	unsigned long lost;             /* datagrams never answered */
};

/* One round trip; its time in microseconds, or -1 for a lost datagram. */
static double round_trip(struct link *l, unsigned long seq)
{
	char msg[MSG_LEN + 1], want[MSG_LEN], got[65536];
	double t0, t1;
	size_t have = 0;

	snprintf(msg, sizeof msg, "hello, sockets #%08lu\n", seq % 100000000);
	memcpy(want, msg, MSG_LEN);
	ascii_upper(want, MSG_LEN);

	t0 = now_s();
	if (l->stream || l->connected) {
		if (write_all(l->fd, msg, MSG_LEN) < 0)
			fail("write: %s", strerror(errno));
	} else if (sendto(l->fd, msg, MSG_LEN, 0, (struct sockaddr *)&l->peer,
	                  l->peer_len) != MSG_LEN) {
		fail("sendto: %s", strerror(errno));
	}
	for (;;) {
		ssize_t n = l->stream ? read(l->fd, got + have, MSG_LEN - have)
		                      : recv(l->fd, got, sizeof got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (l->stream)
				fail("no reply within 1 s");
			l->lost++;      /* SO_RCVTIMEO passed: the reply is lost */
			return -1;
		}
		if (n < 0)
			fail("waiting for the reply: %s", strerror(errno));
		if (n == 0 && l->stream)
			fail("the server closed the connection");
		if (l->stream) {
			have += (size_t)n;
			if (have < MSG_LEN)
				continue;       /* a stream may deliver it in pieces */
		} else if (n != MSG_LEN || memcmp(got, want, 16) != 0) {
			fail("unexpected reply of %zd bytes: '%.*s'", n,
			     (int)(n > 40 ? 40 : n), got);
		} else if (memcmp(got, want, MSG_LEN) != 0) {
			continue;       /* a late answer to an earlier one */
		}
		break;
	}
	t1 = now_s();
	if (memcmp(got, want, MSG_LEN) != 0)
		fail("wrong reply: '%.*s', expected '%.*s'", MSG_LEN - 1, got,
		     MSG_LEN - 1, want);
	return (t1 - t0) * 1e6;
}

/* A socket to the peer in L: TCP connected, UDP connected when asked. */
static void open_link(struct link *l, int family, int type)
{
	struct timeval tv = { .tv_sec = 1 };

	l->fd = socket(family, type | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		fail("socket: %s", strerror(errno));
	if ((type == SOCK_STREAM || l->connected)
	    && connect(l->fd, (struct sockaddr *)&l->peer, l->peer_len) < 0)
		fail("connect: %s", strerror(errno));
	/* A reply that never comes costs one second, not a hang. */
	setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* The raw echo: a process that answers every read or datagram uppercased. */
static void start_echo(struct child *echo, int fd, bool stream)
{
	if (child_fork(echo) > 0)
		return;
	signal(SIGTERM, SIG_DFL);
	if (stream) {
		int c = fd;
		char buf[65536];
		ssize_t n;

		if (listen(fd, 1) == 0)         /* TCP: the one client */
			c = accept(fd, NULL, NULL);
		while ((n = read(c, buf, sizeof buf)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				_exit(1);
			ascii_upper(buf, (size_t)n);
			if (write_all(c, buf, (size_t)n) < 0)
				_exit(1);
		}
		_exit(0);
	}
	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof from;
		char buf[65536];
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0,
		                     (struct sockaddr *)&from, &len);

		if (n < 0)
			continue;
		ascii_upper(buf, (size_t)n);
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
}

/* Two connected sockets of FAMILY and TYPE over loopback: SV[0] bound to
 * it (a stream's accepted socket), SV[1] connected to it.  0, or -1 when
 * the family's loopback is unusable. */
static int loopback_pair(int family, int type, int sv[2])
{
	struct sockaddr_storage ss;
	socklen_t len;
	int b = bound_loopback(family, type, &ss, &len);

	if (b < 0)
		return -1;
	if (type == SOCK_STREAM && listen(b, 1) < 0)
		fail("listen: %s", strerror(errno));
	sv[1] = socket(family, type | SOCK_CLOEXEC, 0);
	if (sv[1] < 0 || connect(sv[1], (struct sockaddr *)&ss, len) < 0)
		fail("connect over loopback: %s", strerror(errno));
	sv[0] = b;
	if (type == SOCK_STREAM) {
		sv[0] = accept4(b, NULL, NULL, SOCK_CLOEXEC);
		if (sv[0] < 0)
			fail("accept: %s", strerror(errno));
		close(b);
	}
	return 0;
}

/* The same domain without a second process: one write(2) and one read(2)
 * of the message between two connected sockets of this process.  No
 * process waits, none is woken: what is left is the cost of the two
 * calls through the protocol.  Microseconds per write+read, the median
 * of RUNS runs of COUNT. */
static double one_process(int family, int type, int runs)
{
	int sv[2];
	char buf[64], msg[MSG_LEN + 1] = "hello, sockets #00000000\n";
	double us[99];

	if (family == AF_UNIX ? socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0
	                      : loopback_pair(family, type, sv) < 0)
		return -1;
	for (int r = 0; r < runs; r++) {
		double t0 = now_s();

		for (unsigned long i = 0; i < COUNT; i++)
			if (write(sv[1], msg, MSG_LEN) != MSG_LEN
			    || read(sv[0], buf, sizeof buf) != MSG_LEN)
				fail("one-process write+read: %s", strerror(errno));
		us[r] = (now_s() - t0) / COUNT * 1e6;
	}
	close(sv[0]);
	close(sv[1]);
	return median(us, (size_t)runs);
}

/* What is measured: the link to its server, and that server. */
struct target {
	const char *kind, *server;      /* as on the command line */
	const char *item;               /* the row's name */
	struct link l;
	struct child srv;               /* the lab's server, or the raw echo */
	int family, type;               /* a raw kind's, for one_process() */
	unsigned long seq;              /* the next round trip's number */
	char note[256];                 /* why a fallback was measured */
};

/* Start the lab's server with ARGS and aim the link at the port of its
 * ready line, in FAMILY: false when it never said it was listening. */
static bool start_lab(struct target *t, char *args[], int family)
{
	if (!child_start_server(&t->srv, args, 0))
		return false;
	t->l.peer_len = loopback_addr(&t->l.peer, family, port_of(t->srv.ready));
	return true;
}

/* Lab 02 or 03 (KIND "lab02", "lab03"): UDP/IPv4, connected for 03. */
static void open_lab_udp(struct target *t)
{
	char *args[] = { (char *)t->server, "-p", "0", NULL };

	t->item = t->kind[4] == '2' ? "lab 02 UDP/IPv4 sendto/recvfrom"
	                            : "lab 03 connected UDP/IPv4 write/read";
	if (!start_lab(t, args, AF_INET))
		fail("%s did not start", t->server);
	t->l.connected = t->kind[4] == '3';
	open_link(&t->l, AF_INET, SOCK_DGRAM);
}

static void open_lab04(struct target *t)
{
	char *args[] = { (char *)t->server, "-p", "0", NULL };
	char *dual[] = { (char *)t->server, "-a", "::", "-p", "0", NULL };

	t->item = "lab 04 TCP/IPv6 lines";
	if (!start_lab(t, args, AF_INET6)) {
		/* ::1 unusable: the dual-stack server, reached over IPv4. */
		if (!start_lab(t, dual, AF_INET))
			fail("%s did not start", t->server);
		t->item = "lab 04 TCP (dual stack; 127.0.0.1)";
		snprintf(t->note, sizeof t->note, "::1 unusable here: lab 04 measured "
		         "on its dual-stack server (-a ::) through 127.0.0.1");
	}
	t->l.stream = true;
	open_link(&t->l, t->l.peer.ss_family, SOCK_STREAM);
}

/* Lab 06 (KIND "lab06"): the server on a path in a temp dir of its own;
 * our socket bound to an abstract name (an unnamed one gets no answer). */
static void open_lab06(struct target *t)
{
	static char path[300];
	char *args[] = { (char *)t->server, path, NULL };
	struct sockaddr_un me = { .sun_family = AF_UNIX };
	int n;

	snprintf(path, sizeof path, "%s/lab06.sock", make_tmpdir());
	t->item = "lab 06 UNIX datagram sendto/recvfrom";
	if (!child_start_server(&t->srv, args, 0))
		fail("%s did not start", t->server);
	if (unix_addr(path, (struct sockaddr_un *)&t->l.peer, &t->l.peer_len) < 0)
		fail("%s: %s", path, strerror(errno));
	open_link(&t->l, AF_UNIX, SOCK_DGRAM);
	n = snprintf(me.sun_path + 1, sizeof me.sun_path - 1, "socklab-bench-%d",
	             (int)getpid());
	if (bind(t->l.fd, (struct sockaddr *)&me,
	         (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) < 0)
		fail("bind: %s", strerror(errno));
}

static void open_raw_unix(struct target *t)
{
	int sv[2];

	t->item = "raw AF_UNIX stream";
	t->family = AF_UNIX, t->type = SOCK_STREAM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		fail("socketpair: %s", strerror(errno));
	start_echo(&t->srv, sv[1], true);
	close(sv[1]);
	t->l.fd = sv[0];
	t->l.stream = true;
}

static void open_raw_udp4(struct target *t)
{
	int s = bound_loopback(AF_INET, SOCK_DGRAM, &t->l.peer,
	                   &t->l.peer_len);

	t->item = "raw UDP/IPv4";
	t->family = AF_INET, t->type = SOCK_DGRAM;
	if (s < 0)
		fail("no UDP socket on 127.0.0.1: %s", strerror(errno));
	start_echo(&t->srv, s, false);
	close(s);
	open_link(&t->l, AF_INET, SOCK_DGRAM);
}

static void open_raw_tcp(struct target *t)
{
	struct link *l = &t->l;
	int family = loopback_family();
	int s = bound_loopback(family, SOCK_STREAM, &l->peer, &l->peer_len);

	if (s < 0)
		fail("no TCP socket on loopback: %s", strerror(errno));
	t->item = family == AF_INET6 ? "raw TCP/IPv6" : "raw TCP/IPv4 (::1 unusable)";
	t->family = family, t->type = SOCK_STREAM;
	if (family == AF_INET)
		snprintf(t->note, sizeof t->note, "::1 unusable here: the raw TCP "
		         "round trip measured over 127.0.0.1");
	/* listen() before connect(); the echo process accepts. */
	if (listen(s, 1) < 0)
		fail("listen: %s", strerror(errno));
	start_echo(&t->srv, s, true);
	open_link(&t->l, family, SOCK_STREAM);
	close(s);
	t->l.stream = true;
}

/* KIND's server and link. */
static void open_target(struct target *t)
{
	if (strcmp(t->kind, "lab02") == 0 || strcmp(t->kind, "lab03") == 0)
		open_lab_udp(t);
	else if (strcmp(t->kind, "lab04") == 0)
		open_lab04(t);
	else if (strcmp(t->kind, "lab06") == 0)
		open_lab06(t);
	else if (strcmp(t->kind, "unix") == 0)
		open_raw_unix(t);
	else if (strcmp(t->kind, "udp4") == 0)
		open_raw_udp4(t);
	else if (strcmp(t->kind, "tcp6") == 0)
		open_raw_tcp(t);
	else
		fail("rtt: unknown kind '%s'", t->kind);
}

static void warm_up(struct target *t)
{
	for (unsigned long i = 0; i < WARMUP; i++) {
		/* A server that does not answer (starter code) ends it here. */
		if (round_trip(&t->l, t->seq++) < 0 && t->l.lost >= 3)
			fail("%s: 3 datagrams got no reply within 1 s", t->item);
		if (i % 256 == 255)
			child_drain(&t->srv);
	}
}

/* One run of COUNT round trips (LAT: room for COUNT): its round trips per
 * second, median and 99th percentile. */
static void measure_run(struct target *t, double *lat, double *rate,
                        double *med, double *p99)
{
	unsigned long n = 0;
	double sum = 0;

	for (unsigned long i = 0; i < COUNT; i++) {
		double us = round_trip(&t->l, t->seq++);

		if (us >= 0) {
			lat[n++] = us;
			sum += us;
		} else if (t->l.lost > 10) {
			fail("%s: more than 10 datagrams got no reply", t->item);
		}
		/* The lab 02 server logs every datagram: empty the pipe
		 * between round trips, never inside one. */
		if (i % 256 == 255)
			child_drain(&t->srv);
	}
	if (n == 0)
		fail("%s: every datagram was lost", t->item);
	*rate = (double)n / (sum / 1e6);
	*med = median(lat, n);
	*p99 = percentile(lat, n, 99);
}

/* The rows: the medians over the runs, the raw kinds' one-process cost,
 * and the notes. */
static void rtt_rows(const struct target *t, int runs, const double *rate,
                     const double *med, const double *p99)
{
	const char *item = t->item;
	double us = t->family ? one_process(t->family, t->type, runs) : -1;

	row("rtt", item, "round trips/s", median(rate, (size_t)runs), 0, "", runs);
	row("rtt", item, "median", median(med, (size_t)runs), 1, "us", runs);
	row("rtt", item, "p99", median(p99, (size_t)runs), 1, "us", runs);
	if (us >= 0)
		row("rtt", item, "1 process write+read", us, 1, "us", runs);
	if (t->l.lost > 0) {
		char text[128];

		snprintf(text, sizeof text, "%lu of %lu datagrams lost (1 s timeout each)",
		         t->l.lost, WARMUP + (unsigned long)runs * COUNT);
		row_text("note", item, "lost", text);
	}
	if (t->note[0])
		row_text("note", item, "fallback", t->note);
}

/* The end: BYE for lab 03, EOF for the streams, SIGTERM for servers. */
static void close_target(struct target *t)
{
	if (strcmp(t->kind, "lab03") == 0) {
		char buf[16];

		if (write(t->l.fd, "BYE", 3) != 3 || recv(t->l.fd, buf, sizeof buf, 0) != 3
		    || memcmp(buf, "BYE", 3) != 0)
			fprintf(stderr, "bench: lab 03 did not answer BYE\n");
	}
	close(t->l.fd);
	child_stop(&t->srv);
	if (t->server != NULL && !child_ok(&t->srv))
		child_explain(&t->srv, t->server);
}

int cmd_rtt(int argc, char *argv[])
{
	struct target t = { .l = { .fd = -1 } };
	int runs = bench_runs;
	double lat[COUNT], rate[99], med[99], p99[99];

	if (argc < 2 || argc > 3)
		fail("usage: bench [-n RUNS] rtt KIND [SERVER]");
	t.kind = argv[1];
	t.server = argv[2];
	if (strncmp(t.kind, "lab", 3) == 0 && t.server == NULL)
		fail("rtt %s: which server?", t.kind);
	open_target(&t);
	warm_up(&t);
	for (int r = 0; r < runs; r++)
		measure_run(&t, lat, &rate[r], &med[r], &p99[r]);
	rtt_rows(&t, runs, rate, med, p99);
	close_target(&t);
	return 0;
}
