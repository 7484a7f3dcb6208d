/*
 * robust.c - the robustness suite's attacks (robust.h): one check test
 * each, run like a graded test (own child, own time limit, nothing left
 * behind) by `grade --robust`, which `make robust` calls for every lab.
 *
 * Every attack has the same frame: start the server and count its open
 * fds; attack; then a well-formed client must be answered, the fd count
 * must come back, and SIGTERM must still stop the server with status 0.
 * The note under a passing attack says what was thrown at the server.
 */
#define _GNU_SOURCE
#include "robust.h"
#include "sockets.h"
#include "udp.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIB 1024
#define MIB (1024 * 1024)

static struct proc *server;
static struct sockaddr_storage target;
static socklen_t target_len;
static int fds_before;

static const struct sockaddr *target_sa(void)
{
	return (const struct sockaddr *)&target;
}

/* ---- the frame -------------------------------------------------------------- */

/* Entries in /proc/PID/fd: the descriptors P has open. */
static int open_fds(struct proc *p)
{
	char path[64];
	struct dirent *e;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)p->pid);
	if ((dir = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* P's fd count once it is back at WANT, or what it is at the deadline.
 * /proc cannot be watched for changes, so it is read every few ms: a
 * client the server has just answered may not be closed yet. */
static int fds_settled(struct proc *p, int want, int timeout_ms)
{
	int n = open_fds(p);

	for (int waited = 0; n != want && waited < timeout_ms; waited += 5) {
		poll(NULL, 0, 5);
		n = open_fds(p);
	}
	return n;
}

static void begin(void)
{
	server = lab_robust.start(&target, &target_len);
	fds_before = open_fds(server);
	step("the server has %d fds open (/proc/%d/fd)", fds_before,
	     (int)server->pid);
}

/* The attack (TRIED says what it threw) is over: the server must live,
 * answer, hold no more fds than before, and stop on SIGTERM. */
static void finish(const char *tried)
{
	int after;

	if (!running(server))
		fail(server, "expected the server to survive the attack (%s); it %s",
		     tried, describe_status(server->status));
	step("the attack is over (%s); now a well-formed client", tried);
	lab_robust.good(server, target_sa(), target_len);
	after = fds_settled(server, fds_before, ms(2000));
	if (after != fds_before)
		fail(server, "expected the server's open fds to come back to %d "
		     "once its clients had gone; /proc/%d/fd lists %d: %s",
		     fds_before, (int)server->pid, after,
		     lab_robust.kind == ROBUST_STREAM
		     ? "a socket not closed on some path (every accept(2)ed "
		       "socket needs its close(2), however its client ended)"
		     : "a descriptor opened while answering and never closed");
	step("SIGTERM");
	if (!stop(server, ms(2000)))
		fail(server, "expected the server to exit on SIGTERM after the "
		     "attack; it was still running after %d ms", ms(2000));
	if (!WIFEXITED(server->status) || WEXITSTATUS(server->status) != 0)
		fail(server, "expected the server to exit 0 on SIGTERM after the "
		     "attack; it %s", describe_status(server->status));
	report_note("%s; then a good client was answered, the open fds were "
	            "back at %d, and SIGTERM gave exit 0", tried, fds_before);
}

/* ---- stream servers ------------------------------------------------------------ */

/* A client socket connected to the server.  SO_SNDTIMEO bounds both a
 * connect that waits for room in a full backlog and every send. */
static int stream_client(void)
{
	struct timeval tv = { .tv_sec = ms(5000) / 1000,
	                      .tv_usec = ms(5000) % 1000 * 1000 };
	int fd = socket(target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0, "test: socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (connect(fd, target_sa(), target_len) < 0)
		fail(server, "expected the server to take connections during the "
		     "attack; connect() said: %s", strerror(errno));
	return fd;
}

/* Close FD so that a TCP peer gets a reset (SO_LINGER 0), as when a
 * client crashes; a UNIX socket just closes. */
static void close_abruptly(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (target.ss_family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

/* Garbage: clients that send random bytes (NUL, 0xff, stray newlines,
 * a last line never ended) and close without reading a byte. */
START_TEST(stream_garbage)
{
	enum { CLIENTS = 50, SIZE = 16 * KIB };
	char *junk = malloc(SIZE);
	char tried[200];

	begin();
	for (int i = 0; i < CLIENTS; i++) {
		int fd = stream_client();

		fill_pattern(junk, SIZE, (unsigned)i + 1);
		if (write_fully(fd, junk, SIZE, ms(5000)) < 0)
			fail(server, "expected the server to read what client %d of "
			     "the attack sent; %d bytes were not taken within %d ms",
			     i + 1, SIZE, ms(5000));
		if (i % 2)
			close_abruptly(fd);
		else
			close(fd);
	}
	free(junk);
	snprintf(tried, sizeof tried, "%d clients sent %d KiB of random bytes "
	         "each and closed without reading%s", CLIENTS, SIZE / KIB,
	         target.ss_family == AF_UNIX ? ""
	         : " (every other one with a reset)");
	finish(tried);
}
END_TEST

/* Raise our own fd limit to fit WANT sockets; returns how many fit. */
static int fit_fds(int want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 100;
	if (rl.rlim_cur < (rlim_t)want + 32) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)want + 32 ? rl.rlim_max
		              : (rlim_t)want + 32;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);  /* what we really have */
	}
	return rl.rlim_cur >= (rlim_t)want + 32 ? want : (int)rl.rlim_cur - 32;
}

/* Hundreds of connections that send nothing: more than the server's fd
 * limit (256 under the grader), all opened at once, then closed. */
START_TEST(stream_silent_connections)
{
	int want = fit_fds(300), opened = 0, refused = 0, pending = 0;
	int *fds = calloc((size_t)want, sizeof *fds);
	char tried[200];

	begin();
	for (int i = 0; i < want; i++) {
		int fd = socket(target.ss_family,
		                SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		ck_assert_msg(fd >= 0, "test: socket: %s", strerror(errno));
		if (connect(fd, target_sa(), target_len) == 0) {
			fds[opened++] = fd;
		} else if (errno == EINPROGRESS) {
			fds[opened++] = fd;
			pending++;
		} else if (errno == EAGAIN) {   /* a UNIX socket's full backlog */
			refused++;
			close(fd);
		} else {
			fail(server, "expected the server to take connections; "
			     "connect() number %d said: %s", i + 1, strerror(errno));
		}
	}
	step("%d connections open and silent (%d of them still completing), "
	     "%d refused by a full backlog", opened, pending, refused);
	/* Each TCP connection in progress either completes or stays queued
	 * for the server's accept: neither needs waiting for. */
	for (int i = 0; i < opened; i++)
		close(fds[i]);
	free(fds);
	snprintf(tried, sizeof tried, "%d connections at once that sent "
	         "nothing (%d refused by a full backlog), then all closed",
	         want, refused);
	finish(tried);
}
END_TEST

/* Clients that vanish at every point of an exchange. */
START_TEST(stream_early_closes)
{
	enum { ROUNDS = 40 };
	static const char message[] = "a line that is never answered\n";
	char tried[300];

	begin();
	for (int i = 0; i < ROUNDS; i++) {
		int fd = stream_client();

		switch (i % 4) {
		case 0:     /* connect, then gone */
			close(fd);
			break;
		case 1:     /* half a message, then gone */
			write_fully(fd, message, 10, ms(2000));
			close_abruptly(fd);
			break;
		case 2:     /* a whole message, EOF, gone before the answer */
			write_fully(fd, message, sizeof message - 1, ms(2000));
			shutdown(fd, SHUT_WR);
			close(fd);
			break;
		case 3:     /* a whole message, then a reset */
			write_fully(fd, message, sizeof message - 1, ms(2000));
			close_abruptly(fd);
			break;
		}
	}
	snprintf(tried, sizeof tried, "%d clients closed early: at once, after "
	         "half a message%s, after a message and EOF before the answer, "
	         "after a whole message%s (%d of each)", ROUNDS,
	         target.ss_family == AF_UNIX ? "" : " with a reset",
	         target.ss_family == AF_UNIX ? "" : " with a reset", ROUNDS / 4);
	finish(tried);
}
END_TEST

/* One client sends 8 MiB without a single newline: bigger than any
 * buffer, and one enormous line to a line server.  The answers are read
 * as they come, so that neither side waits on the other. */
START_TEST(stream_oversize_input)
{
	enum { SIZE = 8 * MIB };
	char *data = malloc(SIZE), tried[200];
	int fd, idle = ms(20000);
	struct flow f;

	begin();
	fill_pattern(data, SIZE, 7);
	for (size_t i = 0; i < SIZE; i++)
		if (data[i] == '\n')
			data[i] = 'n';
	fd = stream_client();
	free(converse(fd, data, SIZE, idle, true, &f));
	if (f.timed_out)
		fail(server, "expected the server to go on taking (and, for a line "
		     "server, answering) an oversize input; after %zu of %d bytes "
		     "sent and %zu answered, nothing moved for %d ms", f.sent, SIZE,
		     f.got, idle);
	if (f.send_error != 0)
		fail(server, "expected the server to take an oversize input; "
		     "sending it failed after %zu bytes: %s", f.sent,
		     strerror(f.send_error));
	close(fd);
	free(data);
	snprintf(tried, sizeof tried, "one client sent %d MiB without a "
	         "newline (%zu bytes taken) and read the %zu bytes answered",
	         SIZE / MIB, f.sent, f.got);
	finish(tried);
}
END_TEST

/* ---- datagram servers --------------------------------------------------------- */

/* A sender of an attack.  A UDP server: a socket on 127.0.0.1, or
 * 127.0.0.2 for an odd I with TWO_HOSTS.  A UNIX datagram server: an
 * AF_UNIX socket bound to an abstract name of its own, which the server
 * answers; one in four left unbound, which it cannot answer. */
static int dgram_sender(int i, bool two_hosts)
{
	static int made;
	struct sockaddr_un me = { .sun_family = AF_UNIX };
	int fd, n;

	if (target.ss_family != AF_UNIX)
		return udp_open(two_hosts && i % 2 ? "127.0.0.2" : "127.0.0.1");
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd >= 0, "test: socket: %s", strerror(errno));
	if (i % 4 == 3)
		return fd;
	n = snprintf(me.sun_path + 1, sizeof me.sun_path - 1, "sl-robust-%d-%d",
	             (int)getpid(), made++);
	ck_assert_msg(bind(fd, (struct sockaddr *)&me,
	                   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) == 0,
	              "test: bind: %s", strerror(errno));
	return fd;
}

/* Send without waiting: a full queue drops the datagram, as UDP may
 * (a UNIX datagram socket refuses it instead). True if it went. */
static bool send_datagram(int fd, const void *buf, size_t len)
{
	return sendto(fd, buf, len, MSG_DONTWAIT, target_sa(), target_len)
	       == (ssize_t)len;
}

/* Random bytes of random sizes (zero and the maximum included) from
 * several senders on two loopback addresses; no reply is read. */
START_TEST(datagram_garbage)
{
	enum { COUNT = 1000, SENDERS = 8 };
	size_t max = lab_robust.max_datagram, bytes = 0;
	char *junk = malloc(max), tried[200];
	int fds[SENDERS], sent = 0;

	begin();
	for (int i = 0; i < SENDERS; i++)
		fds[i] = dgram_sender(i, true);
	fill_pattern(junk, max, 3);
	srandom(3);
	for (int i = 0; i < COUNT; i++) {
		size_t len = i % 100 == 0 ? max : i % 100 == 1 ? 0
		           : (size_t)random() % (i % 10 ? 512 : max);

		if (send_datagram(fds[i % SENDERS], junk + (max - len) / 2, len))
			sent++, bytes += len;
	}
	for (int i = 0; i < SENDERS; i++)
		close(fds[i]);
	free(junk);
	snprintf(tried, sizeof tried, "%d datagrams of random bytes (0 to %zu "
	         "each, %zu KiB in all) from %d senders %s",
	         sent, max, bytes / KIB, SENDERS, target.ss_family == AF_UNIX
	         ? "(abstract names, some unbound)" : "on two hosts");
	finish(tried);
}
END_TEST

/* As many datagrams as the sockets take, from a few senders that never
 * read their replies. */
START_TEST(datagram_flood)
{
	enum { COUNT = 5000, SENDERS = 4 };
	int fds[SENDERS], sent = 0;
	char tried[200];

	begin();
	for (int i = 0; i < SENDERS; i++)
		fds[i] = dgram_sender(i, false);
	for (int i = 0; i < COUNT; i++) {
		char msg[32];
		int len = snprintf(msg, sizeof msg, "flood %d", i);

		sent += send_datagram(fds[i % SENDERS], msg, (size_t)len);
	}
	snprintf(tried, sizeof tried, "a flood of %d datagrams (%d sent, %d "
	         "refused by a full send buffer) from %d senders that never "
	         "read a reply", COUNT, sent, COUNT - sent, SENDERS);
	/* The senders stay open meanwhile: a UNIX datagram server that
	 * waited for room in their full queues would wait for ever. */
	finish(tried);
	for (int i = 0; i < SENDERS; i++)
		close(fds[i]);
}
END_TEST

/* send_datagram(), but a UNIX datagram server's full queue, which
 * refuses rather than drops, is waited on (up to 1 s): every sender's
 * datagram gets there. */
static bool send_datagram_patiently(int fd, const void *buf, size_t len)
{
	struct timeval tv = { .tv_sec = 1 };

	if (target.ss_family != AF_UNIX)
		return send_datagram(fd, buf, len);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return sendto(fd, buf, len, 0, target_sa(), target_len) == (ssize_t)len;
}

/* Senders that close their socket at once: the server's reply meets a
 * closed port (ICMP port unreachable; ECONNREFUSED on a connected
 * socket). */
START_TEST(datagram_vanished_senders)
{
	enum { SENDERS = 200 };
	char tried[200];
	int sent = 0;

	begin();
	for (int i = 0; i < SENDERS; i++) {
		int fd = dgram_sender(i, false);

		sent += send_datagram_patiently(fd, "gone already", 12);
		close(fd);
	}
	snprintf(tried, sizeof tried, "%d senders that sent a datagram each "
	         "and closed their socket at once", sent);
	finish(tried);
}
END_TEST

/* The largest datagrams the protocol carries and empty ones, in turn,
 * none of the replies read. */
START_TEST(datagram_extreme_sizes)
{
	enum { COUNT = 100 };
	size_t max = lab_robust.max_datagram;
	char *data = malloc(max), tried[200];
	int fd, big = 0, empty = 0;

	begin();
	fd = dgram_sender(0, false);
	fill_pattern(data, max, 5);
	for (int i = 0; i < COUNT; i++) {
		if (i % 2)
			empty += send_datagram(fd, data, 0);
		else
			big += send_datagram(fd, data, max);
	}
	close(fd);
	free(data);
	snprintf(tried, sizeof tried, "%d datagrams of %zu bytes (the most "
	         "the server takes) and %d empty ones, in turn", big, max, empty);
	finish(tried);
}
END_TEST

/* ---- the tables ------------------------------------------------------------- */

#define LOOK_AT "the server's loop (server.c) and what it calls"

static const struct graded_test stream_attacks[] = {
	{ &stream_garbage, 0, 30, LOOK_AT,
	  "clients send random bytes and close without reading", NULL },
	{ &stream_silent_connections, 0, 30, LOOK_AT,
	  "hundreds of connections that send nothing", NULL },
	{ &stream_early_closes, 0, 30, LOOK_AT,
	  "clients vanish at every point of an exchange", NULL },
	{ &stream_oversize_input, 0, 40, LOOK_AT,
	  "8 MiB without a newline", NULL },
};

static const struct graded_test datagram_attacks[] = {
	{ &datagram_garbage, 0, 30, LOOK_AT,
	  "random datagrams of every size from several senders", NULL },
	{ &datagram_flood, 0, 30, LOOK_AT,
	  "thousands of datagrams, no reply read", NULL },
	{ &datagram_vanished_senders, 0, 30, LOOK_AT,
	  "senders that close their socket at once", NULL },
	{ &datagram_extreme_sizes, 0, 30, LOOK_AT,
	  "largest and empty datagrams in turn", NULL },
};

const struct graded_test *robust_table(size_t *n)
{
	static struct graded_test table[sizeof stream_attacks / sizeof stream_attacks[0]
	                                + sizeof datagram_attacks / sizeof datagram_attacks[0]];
	const struct graded_test *attacks = stream_attacks;

	*n = sizeof stream_attacks / sizeof stream_attacks[0];
	if (lab_robust.kind == ROBUST_DATAGRAM) {
		attacks = datagram_attacks;
		*n = sizeof datagram_attacks / sizeof datagram_attacks[0];
	}
	for (size_t i = 0; i < *n; i++) {   /* the lab's server TODOs */
		table[i] = attacks[i];
		table[i].needs = lab_robust.needs;
	}
	return table;
}
