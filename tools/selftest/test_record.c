/*
 * test_record.c - the recorder's own tests (check), run by
 * `make trace-selftest`.
 *
 * The binary is its own probe: `test_record --probe NAME` runs one
 * scenario of socket calls, printing what it observes (fds, results,
 * errno values) on stdout.  Each test starts probes with the recorder
 * preloaded (SOCKTRACE=a file in the test's temp dir), and often once more
 * without it, then reads the record file and checks it: the right records,
 * exactly one per call (begin and end for a blocking one), each field
 * decoded as record.c's header says, errno and the program's own output
 * unchanged, nothing recorded for pipes and files, whole lines only when
 * processes record at once.
 *
 * The drawer's tests draw what probes recorded: the arrows of a small
 * exchange, where a killed process stopped, well-formed Mermaid, and no
 * crash on garbage.
 *
 * Environment: SOCKTRACE_LIB the recorder to test (default
 * build/trace/socktrace.so), DRAW_BIN the drawer (build/trace/draw),
 * SHORTWRITE_LIB the grader's shim (its test is skipped when unset).
 * `make trace-mutants` runs this suite against recorders with seeded
 * bugs: it must fail on each.
 */
#define _GNU_SOURCE
#include <check.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *self_exe;
static const char *lib;

/* ============================================================== probes == */

/* Print a result and errno (by number: names are the recorder's job). */
static void say(const char *what, long rc)
{
	int e = errno;

	printf("%s = %ld errno=%d\n", what, rc, rc < 0 ? e : 0);
	fflush(stdout);
	errno = e;
}

static struct sockaddr_in loopback4(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static size_t runtime_len(size_t n)
{
	/* A length the compiler cannot see, so that a fortified build calls
	 * __read_chk/__recv_chk: the recorder must catch those too. */
	volatile size_t v = n;

	return v;
}

/* socketpair, write/read, send/recv with flags and binary data, shutdown,
 * end of file, close. */
static int probe_stream(void)
{
	char b[16];
	int sv[2];

	say("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	say("fd0", sv[0]);
	say("fd1", sv[1]);
	say("write", write(sv[0], "hi\n", 3));
	say("read", read(sv[1], b, runtime_len(sizeof b)));
	say("send", send(sv[1], "a\tb\0\xff", 5, MSG_NOSIGNAL));
	say("recv-peek", recv(sv[0], b, runtime_len(sizeof b), MSG_PEEK));
	say("recv", recv(sv[0], b, runtime_len(sizeof b), 0));
	say("shutdown", shutdown(sv[0], SHUT_WR));
	say("read-eof", read(sv[1], b, runtime_len(sizeof b)));
	say("close", close(sv[0]));
	say("close", close(sv[1]));
	return 0;
}

/* UDP over IPv4: bind, getsockname, sendto, recvfrom, connect, sendmsg,
 * recvmsg, dissolve with AF_UNSPEC, setsockopt, poll. */
static int probe_udp(void)
{
	struct sockaddr_in a = loopback4(0), from;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof a, flen = sizeof from;
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
	char buf[64];
	struct iovec riov = { buf, sizeof buf };
	struct msghdr rm = { .msg_iov = &riov, .msg_iovlen = 1 };
	struct pollfd p;
	int s = socket(AF_INET, SOCK_DGRAM, 0), c, one = 1;

	say("socket", s);
	say("setsockopt", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
	say("bind", bind(s, (struct sockaddr *)&a, sizeof a));
	say("getsockname", getsockname(s, (struct sockaddr *)&a, &len));
	c = socket(AF_INET, SOCK_DGRAM, 0);
	say("socket", c);
	say("sendto", sendto(c, "ping", 4, 0, (struct sockaddr *)&a, sizeof a));
	say("recvfrom", recvfrom(s, buf, runtime_len(sizeof buf), 0,
	                         (struct sockaddr *)&from, &flen));
	say("connect", connect(c, (struct sockaddr *)&a, sizeof a));
	m.msg_name = NULL;
	say("sendmsg", sendmsg(c, &m, 0));
	say("recvmsg", recvmsg(s, &rm, 0));
	p.fd = s;
	p.events = POLLIN;
	say("poll", poll(&p, 1, 0));
	say("connect-unspec", connect(c, &unspec, sizeof unspec));
	say("close", close(c));
	say("close", close(s));
	return 0;
}

/* Failures: each errno must reach the program, and be named. */
static int probe_errors(const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct sockaddr_in in = loopback4(0);
	socklen_t len = sizeof in;
	char b[8];
	int s, t, p[2];

	snprintf(a.sun_path, sizeof a.sun_path, "%s/none.sock", dir);
	errno = 4242;
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	say("errno-after-success", errno);
	say("connect-enoent", connect(s, (struct sockaddr *)&a, sizeof a));
	/* a port nobody listens on: bind one, note it, close it */
	t = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(t, (struct sockaddr *)&in, sizeof in) < 0
	    || getsockname(t, (struct sockaddr *)&in, &len) < 0)
		return 1;
	close(t);
	t = socket(AF_INET, SOCK_STREAM, 0);
	say("connect-refused", connect(t, (struct sockaddr *)&in, sizeof in));
	say("errno-kept", errno);
	if (pipe(p) == 0) {
		say("recv-enotsock", recv(p[0], b, sizeof b, MSG_DONTWAIT));
		close(p[0]);
		close(p[1]);
	}
	say("send-ebadf", send(99, "x", 1, 0));
	say("socket-eafnosupport", socket(12345, SOCK_STREAM, 0));
	errno = 4343;
	say("close", close(s));
	say("errno-after-close", errno);
	close(t);
	return 0;
}

/* getaddrinfo and freeaddrinfo, without the network. */
static int probe_gai(void)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
	                          .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_NUMERICHOST }, *res;

	say("gai", getaddrinfo("127.0.0.1", "50004", &hints, &res));
	freeaddrinfo(res);
	say("gai-bad", getaddrinfo("not an address", "1", &hints, &res));
	hints.ai_family = AF_INET6;
	say("gai6", getaddrinfo("::1", "7", &hints, &res));
	freeaddrinfo(res);
	return 0;
}

/* Pipes, files, poll on a pipe: none of it is recorded. */
static int probe_nonsocket(void)
{
	char b[8];
	int p[2], f, s;
	struct pollfd pf;

	if (pipe(p) < 0)
		return 1;
	say("write-pipe", write(p[1], "abc", 3));
	pf.fd = p[0];
	pf.events = POLLIN;
	say("poll-pipe", poll(&pf, 1, 0));
	say("read-pipe", read(p[0], b, runtime_len(sizeof b)));
	close(p[0]);
	close(p[1]);
	f = open("/dev/null", O_RDWR);
	say("write-file", write(f, "x", 1));
	say("read-file", read(f, b, runtime_len(sizeof b)));
	close(f);
	/* a socket among them is */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	say("recv-dontwait", recv(s, b, sizeof b, MSG_DONTWAIT));
	return 0;
}

/* One of the crowd: datagrams (never summarised), a record each. */
static int probe_crowd_member(int rounds)
{
	static const char payload[] =
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	int sv[2];
	char b[256];

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	for (int r = 0; r < rounds; r++) {
		send(sv[0], payload, sizeof payload - 1, 0);
		recv(sv[1], b, sizeof b, 0);
	}
	return 0;
}

/* N processes recording at once, each with the record file opened by
 * itself (they are programs of their own: exec, not just fork). */
static int probe_crowd(int procs)
{
	for (int i = 0; i < procs; i++) {
		if (fork() == 0) {
			execl(self_exe, self_exe, "--probe", "crowd-member", ".",
			      (char *)NULL);
			_exit(127);
		}
	}
	for (int i = 0; i < procs; i++)
		wait(NULL);
	return 0;
}

/* The shim: short writes and EINTR, fortified reads included. */
static int probe_shim(void)
{
	char big[100] = { 0 }, b[100];
	int p[2], weintr = 0, reintr = 0, shortest = 1000;

	if (pipe(p) < 0)
		return 1;
	for (int i = 0; i < 30; i++) {
		ssize_t n = write(p[1], big, sizeof big);

		if (n < 0 && errno == EINTR)
			weintr++;
		else if (n >= 0 && n < shortest)
			shortest = (int)n;
		while (n > 0) {
			ssize_t r = read(p[0], b, runtime_len((size_t)n));

			if (r < 0 && errno == EINTR) {
				reintr++;
				continue;
			}
			n -= r;
		}
	}
	printf("longest write <= %d, eintr %d %d\n", shortest, weintr, reintr);
	return 0;
}

/* A small exchange, server (this process) and client (its child, which
 * says its pid): the client connects, sends "hello", half-closes, reads
 * the receipt and exits 3; the server exits 7. */
static int probe_exchange(const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char buf[64];
	int l = socket(AF_UNIX, SOCK_STREAM, 0), s;
	ssize_t n;
	pid_t pid;

	snprintf(a.sun_path, sizeof a.sun_path, "%s/x.sock", dir);
	if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 5) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);

		close(l);
		if (connect(c, (struct sockaddr *)&a, sizeof a) < 0
		    || write(c, "hello", 5) != 5)
			_exit(1);
		shutdown(c, SHUT_WR);
		while (read(c, buf, sizeof buf) > 0)
			;
		close(c);
		exit(3);
	}
	printf("child %d\n", (int)pid);
	s = accept(l, NULL, NULL);
	while ((n = read(s, buf, sizeof buf)) > 0)
		;
	if (write(s, "OK 5\n", 5) != 5)
		return 1;
	close(s);
	close(l);
	waitpid(pid, NULL, 0);
	unlink(a.sun_path);
	return 7;
}

static int probe(int argc, char **argv)
{
	const char *name = argv[2];
	const char *arg = argc > 3 ? argv[3] : ".";

	if (!strcmp(name, "stream"))      return probe_stream();
	if (!strcmp(name, "udp"))         return probe_udp();
	if (!strcmp(name, "errors"))      return probe_errors(arg);
	if (!strcmp(name, "gai"))         return probe_gai();
	if (!strcmp(name, "nonsocket"))   return probe_nonsocket();
	if (!strcmp(name, "crowd"))       return probe_crowd(4);
	if (!strcmp(name, "crowd-member")) return probe_crowd_member(500);
	if (!strcmp(name, "shim"))        return probe_shim();
	if (!strcmp(name, "exchange"))    return probe_exchange(arg);
	fprintf(stderr, "no probe %s\n", name);
	return 99;
}

/* ============================================================ the tests == */

struct record {
	char *f[10];     /* TIME PID PROG EVENT CALL FD ARGS ADDR RESULT INFO */
};
enum { TIME, PID, PROG, EVENT, CALL, FD, ARGS, ADDR, RESULT, INFO };

struct trace {
	struct record *r;
	size_t n;
};

struct probe_run {
	int status;      /* waitpid status */
	pid_t pid;
	char *out, *err;
	size_t outlen, errlen;
	struct trace tr;
};

/* Each test runs in a child of its own (CK_FORK): what it allocates goes
 * with it, and its files are in TMPDIR, made and removed around it. */
static char tmpdir[64];

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/trtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* The file NAME in the test's temp dir, whole ("" if there is none). */
static char *slurp(const char *name, size_t *len)
{
	char path[128], *buf = NULL;
	size_t cap = 0, k;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	*len = 0;
	if ((f = fopen(path, "r")) == NULL)
		return strdup("");
	do {
		if (*len + 65536 + 1 > cap) {
			cap = (*len + 65536 + 1) * 2;
			buf = realloc(buf, cap);
		}
		k = fread(buf + *len, 1, cap - *len - 1, f);
		*len += k;
	} while (k > 0);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Parse a record file; every line must have exactly 10 fields, a time,
 * a pid and a known event. */
static struct trace parse(char *text)
{
	struct trace t = { NULL, 0 };
	size_t cap = 0;
	char *line = text, *nl;

	for (; *line; line = nl + 1) {
		struct record rec;
		char *p = line;
		int k = 0;

		nl = strchr(line, '\n');
		ck_assert_msg(nl != NULL, "record file ends in a partial line: %.80s",
		              line);
		*nl = '\0';
		rec.f[k++] = p;
		for (; *p; p++)
			if (*p == '\t') {
				*p = '\0';
				ck_assert_msg(k < 10, "more than 10 fields in a line");
				rec.f[k++] = p + 1;
			}
		ck_assert_msg(k == 10, "line with %d fields, not 10: %.120s", k, line);
		ck_assert_msg(strspn(rec.f[TIME], "0123456789.") == strlen(rec.f[TIME])
		              && strchr(rec.f[TIME], '.'), "bad TIME '%s'", rec.f[TIME]);
		ck_assert_msg(atoi(rec.f[PID]) > 0, "bad PID '%s'", rec.f[PID]);
		ck_assert_msg(strstr(" call begin end exec exit ", rec.f[EVENT])
		              && strlen(rec.f[EVENT]) >= 3, "bad EVENT '%s'", rec.f[EVENT]);
		for (int i = 0; i < 10; i++)
			ck_assert_msg(rec.f[i][0] != '\0', "empty field %d (should be -)", i);
		if (t.n == cap) {
			cap = cap ? cap * 2 : 64;
			t.r = realloc(t.r, cap * sizeof *t.r);
		}
		t.r[t.n++] = rec;
	}
	return t;
}

/* Run `self --probe NAME TMPDIR` with PRELOAD (or none), traced or not,
 * and collect everything. */
static struct probe_run run_probe(const char *name, bool traced,
                                  const char *preload)
{
	struct probe_run pr;
	char path[128];
	size_t len;
	pid_t pid;

	snprintf(path, sizeof path, "%s/trace", tmpdir);
	unlink(path);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		snprintf(path, sizeof path, "%s/out", tmpdir);
		dup2(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
		snprintf(path, sizeof path, "%s/err", tmpdir);
		dup2(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644), 2);
		/* only 0-2 open, as a program normally starts (check's own
		 * result channel would take fd 3) */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		snprintf(path, sizeof path, "%s/trace", tmpdir);
		unsetenv("SOCKTRACE");
		unsetenv("LD_PRELOAD");
		if (traced)
			setenv("SOCKTRACE", path, 1);
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		execl(self_exe, self_exe, "--probe", name, tmpdir, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &pr.status, 0), pid);
	pr.pid = pid;
	pr.out = slurp("out", &pr.outlen);
	pr.err = slurp("err", &pr.errlen);
	pr.tr = parse(slurp("trace", &len));
	return pr;
}

/* The records of PID, exec and exit left out unless KEEP_PROCESS. */
static size_t of_pid(const struct trace *t, pid_t pid, struct record *out,
                     size_t max, bool keep_process)
{
	size_t k = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct record *r = &t->r[i];

		if (atoi(r->f[PID]) != pid)
			continue;
		if (!keep_process && (!strcmp(r->f[EVENT], "exec")
		                      || !strcmp(r->f[EVENT], "exit")))
			continue;
		if (k < max)
			out[k] = *r;
		k++;
	}
	return k;
}

/* One expected record: "-" in a field means "-"; NULL means any;
 * INFO is matched as a substring. */
struct want {
	const char *event, *call, *fd, *args, *addr, *result, *info;
};

static void expect(const struct record *got, size_t ngot,
                   const struct want *want, size_t nwant)
{
	for (size_t i = 0; i < nwant && i < ngot; i++) {
		const struct want *w = &want[i];
		const struct record *g = &got[i];
		const char *exp[] = { w->event, w->call, w->fd, w->args, w->addr,
		                      w->result };
		const int idx[] = { EVENT, CALL, FD, ARGS, ADDR, RESULT };

		for (int k = 0; k < 6; k++)
			ck_assert_msg(exp[k] == NULL || !strcmp(exp[k], g->f[idx[k]]),
			              "record %zu (%s %s): field %d is '%s', expected '%s'",
			              i + 1, g->f[EVENT], g->f[CALL], idx[k] + 1,
			              g->f[idx[k]], exp[k]);
		ck_assert_msg(w->info == NULL || strstr(g->f[INFO], w->info),
		              "record %zu (%s %s): INFO '%s' lacks '%s'", i + 1,
		              g->f[EVENT], g->f[CALL], g->f[INFO], w->info);
	}
	if (ngot != nwant) {
		char list[2048] = "";

		for (size_t i = 0; i < ngot; i++) {
			size_t l = strlen(list);

			snprintf(list + l, sizeof list - l, "%s%s %s", i ? ", " : "",
			         got[i].f[EVENT], got[i].f[CALL]);
		}
		ck_abort_msg("%zu records, expected %zu: %s", ngot, nwant, list);
	}
}

static bool exited(int status, int code)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == code;
}

/* Run a probe traced, check its records against WANT; they are in GOT. */
static void check_probe(const char *name, const struct want *want,
                        size_t nwant, struct record got[64])
{
	struct probe_run pr = run_probe(name, true, lib);
	size_t n;

	ck_assert_msg(exited(pr.status, 0), "probe %s failed: %s", name, pr.err);
	n = of_pid(&pr.tr, pr.pid, got, 64, false);
	expect(got, n < 64 ? n : 64, want, nwant);
}

#define W(...) { __VA_ARGS__ }
#define CHECK_PROBE(name, w, got) check_probe(name, w, sizeof w / sizeof w[0], got)

START_TEST(stream_calls_decoded)
{
	static const struct want w[] = {
		W("call", "socketpair", "3", "AF_UNIX, SOCK_STREAM, 0", "-", "0", "fds=3,4"),
		W("call", "write", "3", "3, \"hi\\n\", 3", "-", "3", "-"),
		W("begin", "read", "4", "4, 16", "-", "?", NULL),
		W("end", "read", "4", "4, 16", "-", "3", "data=\"hi\\n\""),
		W("call", "send", "4", "4, \"a\\tb\\0\\xff\", 5, MSG_NOSIGNAL", "-", "5", "-"),
		W("begin", "recv", "3", "3, 16, MSG_PEEK", "-", "?", NULL),
		W("end", "recv", "3", "3, 16, MSG_PEEK", "-", "5", "data=\"a\\tb"),
		W("begin", "recv", "3", "3, 16", "-", "?", NULL),
		W("end", "recv", "3", "3, 16", "-", "5", NULL),
		W("call", "shutdown", "3", "3, SHUT_WR", "-", "0", NULL),
		W("begin", "read", "4", NULL, "-", "?", NULL),
		W("end", "read", "4", "4, 16", "-", "0", "-"),
		W("call", "close", "3", "3", "-", "0", "-"),
		W("call", "close", "4", "4", "-", "0", "-"),
	};
	struct record got[64];

	CHECK_PROBE("stream", w, got);
}
END_TEST

START_TEST(udp_calls_decoded)
{
	static const struct want w[] = {
		W("call", "socket", "3", "AF_INET, SOCK_DGRAM, 0", "-", "3", "-"),
		W("call", "setsockopt", "3", "3, SOL_SOCKET, SO_REUSEADDR, 1", "-", "0", NULL),
		W("call", "bind", "3", "3, 127.0.0.1:0", "127.0.0.1:0", "0", "local=127.0.0.1:"),
		W("call", "getsockname", "3", "3", NULL, "0", NULL),
		W("call", "socket", "4", "AF_INET, SOCK_DGRAM, 0", "-", "4", NULL),
		W("call", "sendto", "4", NULL, NULL, "4", "local=0.0.0.0:"),
		W("begin", "recvfrom", "3", "3, 64", "-", "?", NULL),
		W("end", "recvfrom", "3", "3, 64", NULL, "4", "data=\"ping\""),
		W("begin", "connect", "4", NULL, NULL, "?", NULL),
		W("end", "connect", "4", NULL, NULL, "0", "peer=127.0.0.1:"),
		W("call", "sendmsg", "4", "4, \"abcd\", 4", "-", "4", "local="),
		W("begin", "recvmsg", "3", "3, 64", "-", "?", NULL),
		W("end", "recvmsg", "3", "3, 64", "-", "4", "data=\"abcd\""),
		W("begin", "poll", "3", "[3:POLLIN], 0ms", "-", "?", "-"),
		W("end", "poll", "3", "[3:POLLIN], 0ms", "-", "0", "-"),
		W("begin", "connect", "4", "4, AF_UNSPEC", "AF_UNSPEC", "?", NULL),
		W("end", "connect", "4", "4, AF_UNSPEC", "AF_UNSPEC", "0", NULL),
		W("call", "close", "4", "4", "-", "0", "-"),
		W("call", "close", "3", "3", "-", "0", "-"),
	};
	struct record got[64];
	char port[32], addr[64], args[128];

	CHECK_PROBE("udp", w, got);
	/* The port bind() chose, as getsockname() returned it, is where
	 * sendto went and connect pointed; recvfrom names the sender as
	 * the sender's own record does. */
	ck_assert(sscanf(got[2].f[INFO], "local=127.0.0.1:%31s", port) == 1);
	snprintf(addr, sizeof addr, "127.0.0.1:%s", port);
	ck_assert_str_eq(got[3].f[ADDR], addr);
	ck_assert_str_eq(got[5].f[ADDR], addr);
	snprintf(args, sizeof args, "4, \"ping\", 4, %s", addr);
	ck_assert_str_eq(got[5].f[ARGS], args);
	ck_assert_str_eq(got[8].f[ADDR], addr);
	ck_assert_msg(strstr(got[5].f[INFO], strchr(got[7].f[ADDR], ':')),
	              "sendto's local %s vs recvfrom's source %s", got[5].f[INFO],
	              got[7].f[ADDR]);
}
END_TEST

/* (That errno reaches the program as untraced: output_unchanged.) */
START_TEST(errno_names)
{
	static const struct want w[] = {
		W("call", "socket", "3", NULL, "-", "3", NULL),
		W("begin", "connect", "3", NULL, NULL, "?", NULL),
		W("end", "connect", "3", NULL, NULL, "-1 ENOENT", NULL),
		W("call", "socket", "4", NULL, "-", "4", NULL),
		W("call", "bind", "4", NULL, NULL, "0", NULL),
		W("call", "getsockname", "4", NULL, NULL, "0", NULL),
		W("call", "close", "4", NULL, NULL, "0", NULL),
		W("call", "socket", "4", NULL, "-", "4", NULL),
		W("begin", "connect", "4", NULL, NULL, "?", NULL),
		W("end", "connect", "4", NULL, NULL, "-1 ECONNREFUSED", NULL),
		W("begin", "recv", NULL, NULL, NULL, "?", NULL),
		W("end", "recv", NULL, NULL, NULL, "-1 ENOTSOCK", NULL),
		W("call", "send", "99", "99, 1", NULL, "-1 EBADF", NULL),
		W("call", "socket", "-", "12345, SOCK_STREAM, 0", "-", "-1 EAFNOSUPPORT", NULL),
		W("call", "close", "3", NULL, NULL, "0", NULL),
		W("call", "close", "4", NULL, NULL, "0", NULL),
	};
	struct record got[64];

	CHECK_PROBE("errors", w, got);
	ck_assert_msg(strstr(got[11].f[ARGS], ", 8, MSG_DONTWAIT"), "%s", got[11].f[ARGS]);
}
END_TEST

START_TEST(getaddrinfo_and_freeaddrinfo)
{
	static const struct want w[] = {
		W("call", "getaddrinfo", "-",
		  "\"127.0.0.1\", \"50004\", {AF_UNSPEC, SOCK_STREAM, 0, AI_NUMERICHOST}",
		  "-", "0", "addrs=127.0.0.1:50004"),
		W("call", "freeaddrinfo", "-", "list", "-", "-", "-"),
		W("call", "getaddrinfo", "-", NULL, "-", "EAI_NONAME", "-"),
		W("call", "getaddrinfo", "-",
		  "\"::1\", \"7\", {AF_INET6, SOCK_STREAM, 0, AI_NUMERICHOST}",
		  "-", "0", "addrs=[::1]:7"),
		W("call", "freeaddrinfo", "-", "list", "-", "-", "-"),
	};
	struct record got[64];

	CHECK_PROBE("gai", w, got);
}
END_TEST

START_TEST(non_socket_io_not_recorded)
{
	static const struct want w[] = {
		W("call", "socket", "3", "AF_UNIX, SOCK_DGRAM, 0", "-", "3", NULL),
		W("begin", "recv", "3", "3, 8, MSG_DONTWAIT", NULL, "?", NULL),
		W("end", "recv", "3", NULL, NULL, "-1 EAGAIN", NULL),
	};
	struct record got[64];

	CHECK_PROBE("nonsocket", w, got);
}
END_TEST

/* Traced, every probe prints what it prints untraced (its results and
 * errno values), exits the same, and writes nothing more. */
START_TEST(output_unchanged)
{
	static const char *const probes[] = { "stream", "udp", "errors",
	                                      "nonsocket", "gai" };

	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		struct probe_run t = run_probe(probes[i], true, lib);
		struct probe_run u = run_probe(probes[i], false, NULL);

		ck_assert_msg(t.tr.n > 0, "%s: nothing recorded", probes[i]);
		ck_assert_msg(t.status == u.status, "%s: exit status differs",
		              probes[i]);
		/* udp prints no ports; the rest print nothing run-dependent */
		ck_assert_msg(t.outlen == u.outlen && !memcmp(t.out, u.out, t.outlen),
		              "%s: stdout differs:\n%s---\n%s", probes[i], t.out, u.out);
		ck_assert_msg(t.errlen == u.errlen && !memcmp(t.err, u.err, t.errlen),
		              "%s: stderr differs:\n%s---\n%s", probes[i], t.err, u.err);
	}
}
END_TEST

START_TEST(process_start_and_exit)
{
	struct probe_run pr = run_probe("exchange", true, lib);
	struct record got[64];
	size_t n;
	pid_t child;

	ck_assert(exited(pr.status, 7));
	ck_assert(sscanf(pr.out, "child %d", &child) == 1);
	n = of_pid(&pr.tr, pr.pid, got, 64, true);
	ck_assert_uint_lt(n, 64);
	ck_assert_str_eq(got[0].f[EVENT], "exec");
	ck_assert_msg(strstr(got[0].f[ARGS], "--probe exchange"), "%s", got[0].f[ARGS]);
	ck_assert_str_eq(got[0].f[PROG], "test_record");
	ck_assert_str_eq(got[n - 1].f[EVENT], "exit");
	ck_assert_str_eq(got[n - 1].f[RESULT], "7");
	/* a forked child's records carry its own pid; it made no exec */
	n = of_pid(&pr.tr, child, got, 64, true);
	ck_assert_uint_lt(n, 64);
	ck_assert_str_eq(got[0].f[CALL], "socket");
	ck_assert_str_eq(got[n - 1].f[EVENT], "exit");
	ck_assert_str_eq(got[n - 1].f[RESULT], "3");
}
END_TEST

START_TEST(concurrent_processes_never_mix_lines)
{
	struct probe_run pr = run_probe("crowd", true, lib);   /* parse() checks each line */
	size_t per[8] = { 0 }, procs = 0;
	pid_t pids[8];

	ck_assert(exited(pr.status, 0));
	for (size_t i = 0; i < pr.tr.n; i++) {
		pid_t p = atoi(pr.tr.r[i].f[PID]);
		size_t k;

		if (p == pr.pid)
			continue;
		for (k = 0; k < procs && pids[k] != p; k++)
			;
		if (k == procs) {
			ck_assert_uint_lt(procs, 8);
			pids[procs++] = p;
		}
		per[k]++;
	}
	ck_assert_uint_eq(procs, 4);
	/* exec, socketpair, 500 x (send, recv begin, recv end), exit */
	for (size_t k = 0; k < procs; k++)
		ck_assert_uint_eq(per[k], 2 + 500 * 3 + 1);
}
END_TEST

START_TEST(shortwrite_shim_on_the_shared_layer)
{
	const char *shim = getenv("SHORTWRITE_LIB");
	struct probe_run pr;
	int longest, weintr, reintr;

	if (shim == NULL || *shim == '\0')
		return;     /* not asked for */
	setenv("SOCKLAB_SHORT_MAX", "10", 1);
	setenv("SOCKLAB_EINTR_EVERY", "4", 1);
	pr = run_probe("shim", false, shim);
	ck_assert(exited(pr.status, 0));
	ck_assert(sscanf(pr.out, "longest write <= %d, eintr %d %d", &longest,
	                 &weintr, &reintr) == 3);
	ck_assert_int_le(longest, 10);
	/* one call in 4 is interrupted: writes, and reads, which this
	 * fortified build makes as __read_chk() */
	ck_assert_msg(weintr > 0 && reintr > 0, "writes interrupted %d times, "
	              "reads %d times", weintr, reintr);
}
END_TEST

/* ---- the drawer ---------------------------------------------------------- */

static const char *draw_bin;

/* Run the drawer with ARGS (a shell word list) on the trace; its output. */
static char *draw(const char *args)
{
	char cmd[1024];
	size_t len;
	int rc;

	snprintf(cmd, sizeof cmd, "'%s' %s '%s/trace' > '%s/drawing' 2>&1",
	         draw_bin, args, tmpdir, tmpdir);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "%s: status %d", cmd, rc);
	return slurp("drawing", &len);
}

/* The exchange probe run traced, its temp dir read as /tmp. */
static void record_exchange(void)
{
	struct probe_run pr = run_probe("exchange", true, lib);
	char cmd[256];

	ck_assert_msg(exited(pr.status, 7), "%s", pr.err);
	snprintf(cmd, sizeof cmd, "sed -i 's|%s|/tmp|g' %s/trace", tmpdir, tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(draw_exchange_with_arrows)
{
	char *d, *first;

	record_exchange();
	d = draw("-n -w 100");
	/* the server (it listens) on the left, time going down */
	ck_assert_msg(strstr(d, "* socket(AF_UNIX, SOCK_STREAM, 0) = 3\n"), "%s", d);
	ck_assert_msg(strstr(d, "* listen(3, 5) = 0"), "%s", d);
	ck_assert_msg(strstr(d, "bind(3, unix:/tmp/x.sock) = 0"), "%s", d);
	/* connect reaches accept, data and end of file go right to left,
	 * the receipt left to right */
	ck_assert_msg(strstr(d, "<===") && strstr(d, " connect "), "%s", d);
	ck_assert_msg(strstr(d, "5 bytes \"hello\"") && strstr(d, "<---"), "%s", d);
	ck_assert_msg(strstr(d, " end of file "), "%s", d);
	ck_assert_msg(strstr(d, "5 bytes \"OK 5\\n\"") && strstr(d, "--->"), "%s", d);
	ck_assert_msg(strstr(d, "accept(3) = 4") || strstr(d, "< accept = 4"), "%s", d);
	ck_assert_msg(strstr(d, " = 5 \"hello\""), "%s", d);
	ck_assert_msg(strstr(d, " = 0 (end of file)"), "%s", d);
	/* time goes down: hello is written, then its arrow, then read */
	first = strstr(d, "write(4, \"hello\", 5) = 5");
	ck_assert_msg(strstr(d, "read(4, 64)"), "%s", d);
	ck_assert_msg(first && first < strstr(d, "5 bytes \"hello\"")
	              && strstr(d, "5 bytes \"hello\"") < strstr(d, " = 5 \"hello\""),
	              "%s", d);
}
END_TEST

START_TEST(draw_mermaid_well_formed)
{
	char *d, *line, *save;
	int active[8] = { 0 }, notes = 0, arrows = 0;

	record_exchange();
	d = draw("-f mermaid -n");
	ck_assert_msg(strncmp(d, "sequenceDiagram\n", 16) == 0, "%s", d);
	for (line = strtok_r(d, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int p, q;
		char style[8];

		if (!strcmp(line, "sequenceDiagram"))
			continue;
		ck_assert_msg(!strncmp(line, "    ", 4), "not indented: %s", line);
		ck_assert_msg(!strchr(line, ';') && !strchr(line + 4, '#')
		              ? true : strstr(line, "#59;") || strstr(line, "#35;"),
		              "unescaped ; or #: %s", line);
		if (sscanf(line, "    activate P%d", &p) == 1) {
			ck_assert_int_eq(active[p]++, 0);
		} else if (sscanf(line, "    deactivate P%d", &p) == 1) {
			ck_assert_int_eq(active[p]--, 1);
		} else if (!strncmp(line, "    Note ", 9)) {
			notes++;
		} else if (sscanf(line, "    P%d%7[-)>x]P%d: ", &p, style, &q) == 3) {
			ck_assert_msg(!strcmp(style, "->>") || !strcmp(style, "-)")
			              || !strcmp(style, "--)"), "arrow %s", line);
			arrows++;
		} else {
			ck_assert_msg(!strncmp(line, "    participant P", 17),
			              "not Mermaid: %s", line);
		}
	}
	ck_assert_int_ge(notes, 10);
	ck_assert_int_eq(arrows, 5);   /* connect, hello, EOF, OK, EOF */
}
END_TEST

/* Write TEXT as the record file the drawer reads. */
static void write_trace(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/trace", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A run whose reader was killed while it waited in read(): no end, no
 * exit, a partial last line; and lines that are no records at all. */
START_TEST(draw_killed_run_says_where_it_stopped)
{
	char *d;

	write_trace("not a record\n1.0\t12\tx\texec\t-\t-\tx\t-\t-\t-\n"
	            "1.1\t12\tx\tcall\tsocket\t3\tAF_UNIX, SOCK_STREAM, 0\t-\t3\t-\n"
	            "\t\t\t\n1.2\t12\tx\tbogus\t-\t-\t-\t-\t-\t-\n"
	            "1.3\t12\tx\tcall\tclose\t4\t4\t-\t-1 EBADF\t-\n"
	            "1.4\t12\tx\tbegin\tread\t3\t3, 1\t-\t?\t-\n1.5\t12\tx\tend\tre");
	d = draw("-w 100");
	ck_assert_msg(strstr(d, "* socket(AF_UNIX, SOCK_STREAM, 0) = 3"), "%s", d);
	ck_assert_msg(strstr(d, "* close(4) = -1 EBADF"), "%s", d);
	ck_assert_msg(strstr(d, "> read(3, 1) ..."), "%s", d);
	ck_assert_msg(strstr(d, "x: never returned from read(3, 1)"), "%s", d);
	ck_assert_msg(strstr(d, "(4 malformed lines skipped)"), "%s", d);
}
END_TEST

/* The file $VAR names (default DEF), as an absolute path: the probes run
 * in a directory of their own.  NULL when there is none. */
static const char *absolute(const char *var, const char *def)
{
	const char *p = getenv(var);
	char *abs;

	if (p == NULL || *p == '\0')
		p = def;
	abs = access(p, R_OK) == 0 ? realpath(p, NULL) : NULL;
	if (abs == NULL)
		fprintf(stderr, "test_record: no %s at %s\n", var, p);
	return abs;
}

int main(int argc, char **argv)
{
	static char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	const TTest *tests[] = {
		stream_calls_decoded, udp_calls_decoded, errno_names,
		getaddrinfo_and_freeaddrinfo, non_socket_io_not_recorded,
		output_unchanged, process_start_and_exit,
		concurrent_processes_never_mix_lines,
		shortwrite_shim_on_the_shared_layer, draw_exchange_with_arrows,
		draw_mermaid_well_formed, draw_killed_run_says_where_it_stopped,
	};
	Suite *s = suite_create("socktrace");
	SRunner *sr;
	int run, failed;

	if (n < 0)
		return 2;
	exe[n] = '\0';
	self_exe = exe;
	if (argc >= 3 && strcmp(argv[1], "--probe") == 0)
		return probe(argc, argv);
	lib = absolute("SOCKTRACE_LIB", "build/trace/socktrace.so");
	draw_bin = absolute("DRAW_BIN", "build/trace/draw");
	if (lib == NULL || draw_bin == NULL)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		TCase *tc = tcase_create(tests[i]->name);

		tcase_add_checked_fixture(tc, make_tmpdir, remove_tmpdir);
		tcase_add_test(tc, tests[i]);
		tcase_set_timeout(tc, 20);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("%d passed, %d failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
