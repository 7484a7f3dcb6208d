/*
 * diagnose.c - run a lab's TODO checks (see diagnose.h), each in a child
 * of its own, and print their verdicts; the tools the checks share.
 *
 * Usage: diagnose            every check, in the lab's order
 *
 * Environment: TMPDIR (where the checks' temp dirs go),
 * CK_TIMEOUT_MULTIPLIER (scales each check's time limit, as the grader's).
 */
#define _GNU_SOURCE
#include "diagnose.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Time for one check: its own waits are at most 1-2 s. */
#define CHECK_LIMIT_MS 4000

static const struct todo_check *current;
static int verdict_fd = -1;         /* in the child: the pipe to the parent */

/* ---- in the child: the verdicts --------------------------------------- */

/* Print the verdicts of the current check: the TODOs before TODO ok,
 * TODO itself WORD (missing, wrong) with TEXT, unless WORD is NULL. */
static DIAG_NORETURN void finish(int todo, const char *word, char *text)
{
	FILE *out = fdopen(verdict_fd, "w");

	for (int n = current->first; n < todo; n++)
		fprintf(out, "%d\tok\t%s\t\n", n, current->file);
	if (word != NULL) {
		for (char *p = text; *p; p++)     /* one line, one field */
			if (*p == '\t' || *p == '\n')
				*p = ' ';
		fprintf(out, "%d\t%s\t%s\t%s\n", todo, word, current->file, text);
	}
	fclose(out);
	_exit(0);
}

static DIAG_NORETURN void verdict(int todo, const char *word, const char *why,
                                  va_list ap)
{
	char text[512];

	vsnprintf(text, sizeof text, why, ap);
	finish(todo, word, text);
}

void todo_missing(int todo, const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	verdict(todo, "missing", why, ap);
}

void todo_wrong(int todo, const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	verdict(todo, "wrong", why, ap);
}

void missing_if_stub(int todo, long result, const char *call)
{
	if (result < 0 && errno == ENOSYS)
		todo_missing(todo, "%s still fails with ENOSYS, as the starter code does", call);
}

void wrong_unless_socket(int todo, int fd, const char *call, int domain, int type)
{
	if (diag_sockopt(fd, SOL_SOCKET, SO_TYPE) < 0)
		todo_wrong(todo, "%s returned %d, which is not a socket (`if (fd = "
		           "socket(...) < 0)` assigns the comparison)", call, fd);
	if (diag_sockopt(fd, SOL_SOCKET, SO_DOMAIN) != domain
	    || diag_sockopt(fd, SOL_SOCKET, SO_TYPE) != type)
		todo_wrong(todo, "the socket %s returned is not %s, %s (socket(2)'s "
		           "domain and type)", call, domain == AF_UNIX ? "AF_UNIX"
		           : domain == AF_INET ? "AF_INET" : "AF_INET6",
		           type == SOCK_STREAM ? "SOCK_STREAM" : "SOCK_DGRAM");
}

void wrong_unless_accepted(int todo, int fd, const char *call, int listener, int client)
{
	char byte = 0;

	if (fd < 0)
		todo_wrong(todo, "with a client waiting, %s failed with %s", call,
		           diag_errname(errno));
	if (fd == listener)
		todo_wrong(todo, "%s returned the listening socket itself, not the new "
		           "connection accept() returns", call);
	if (write(client, "x", 1) != 1 || !diag_ready(fd, POLLIN, 1000)
	    || read(fd, &byte, 1) != 1 || byte != 'x')
		todo_wrong(todo, "the fd %s returned is not connected to the waiting "
		           "client", call);
	if (fcntl(listener, F_GETFD) < 0)
		todo_wrong(todo, "%s closed the listening socket: it must stay open for "
		           "the next client", call);
}

void wrong_unless_paths_kept(int todo, int (*open_at)(const char *, bool *),
                             const char *call, const char *path, int live)
{
	bool replaced = false;
	struct stat st;
	int fd = open_at(path, &replaced);

	if (fd >= 0 || lstat(path, &st) < 0)
		todo_wrong(todo, "a second %s on the path of a live socket %s: only "
		           "a stale socket file may be removed (the probe's "
		           "ECONNREFUSED)", call, fd >= 0 ? "succeeded" : "removed it");
	close(live);     /* now the file is stale */
	fd = open_at(path, &replaced);
	if (fd < 0)
		todo_wrong(todo, "with a stale socket file at the path (its owner "
		           "gone), %s failed with %s: on EADDRINUSE call "
		           "remove_stale_socket() and bind again", call,
		           diag_errname(errno));
	if (!replaced)
		todo_wrong(todo, "a stale socket file was replaced, but "
		           "*replaced_stale was not set");
	close(fd);
	if (close(open("a-regular-file", O_WRONLY | O_CREAT, 0600)) < 0)
		exit(1);
	fd = open_at("a-regular-file", &replaced);
	if (fd >= 0 || lstat("a-regular-file", &st) < 0 || !S_ISREG(st.st_mode))
		todo_wrong(todo, "a regular file at the path was removed: only a "
		           "stale socket file (nobody bound to it) may be");
}

/* ---- in the child: tools for the checks --------------------------------- */

static void do_nothing(int sig)
{
	(void)sig;
}

void diag_interrupt_every(long usec)
{
	struct sigaction sa = { .sa_handler = do_nothing };   /* no SA_RESTART */
	struct itimerval every = { { 0, usec }, { 0, usec } };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
}

void diag_interrupt_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
}

bool diag_ready(int fd, short events, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	struct timespec end, now;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (ms % 1000) * 1000000L;
	for (;;) {
		long left;
		int n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (end.tv_sec - now.tv_sec) * 1000
		       + (end.tv_nsec - now.tv_nsec) / 1000000;
		n = poll(&pfd, 1, left > 0 ? (int)left : 0);
		if (n >= 0 || errno != EINTR)
			return n > 0;
	}
}

/* Close every fd from 3 up but LOW and HIGH (LOW <= HIGH; -1: none), a
 * range at a time (close_range(2)). */
static void close_all_but(int low, int high)
{
	unsigned from = 3;
	int keep[2] = { low, high };

	for (int i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if (keep[i] > (int)from)
			syscall(SYS_close_range, from, (unsigned)keep[i] - 1, 0U);
		from = (unsigned)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0U);
}

pid_t diag_spawn(void (*fn)(void *), void *arg, int keep1, int keep2)
{
	pid_t pid = fork();

	if (pid == 0) {
		close_all_but(keep1 < keep2 ? keep1 : keep2, keep1 < keep2 ? keep2 : keep1);
		diag_interrupt_stop();
		fn(arg);
		_exit(0);
	}
	return pid;
}

static unsigned char pattern_byte(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);    /* NUL and 0xff among them */
}

void diag_pattern(unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern_byte(i);
}

long long diag_pattern_differs(const unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != pattern_byte(i))
			return (long long)i;
	return -1;
}

unsigned char *diag_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (f == NULL)
		return NULL;
	for (;;) {
		if (*len == cap) {
			unsigned char *more = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (more == NULL)
				break;
			buf = more;
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);

		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

const char *diag_errname(int err)
{
	const char *name = err ? strerrorname_np(err) : NULL;

	return name ? name : err ? "an unknown errno" : "errno 0";
}

long long diag_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int diag_open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

int diag_sockopt(int fd, int level, int name)
{
	int value = -1;
	socklen_t len = sizeof value;

	if (getsockopt(fd, level, name, &value, &len) < 0)
		return -1;
	return value;
}

void diag_setsockopt(int fd, int level, int name, int value)
{
	setsockopt(fd, level, name, &value, sizeof value);
}

/* ---- in the child: addresses and sockets of our own --------------------- */

struct sockaddr_in diag_ipv4(const char *ip, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		exit(1);
	return sa;
}

socklen_t diag_addr(const char *ip, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (strchr(ip, ':') == NULL) {
		*(struct sockaddr_in *)ss = diag_ipv4(ip, port);
		return sizeof(struct sockaddr_in);
	}
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) != 1)
		exit(1);
	return sizeof *in6;
}

int diag_socket_at(int type, const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = diag_addr(ip, port, &ss);
	int fd = socket(ss.ss_family, type, 0);

	if (fd >= 0 && ss.ss_family == AF_INET6)
		diag_setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

uint16_t diag_port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	memset(&ss, 0, sizeof ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                                      : ((struct sockaddr_in *)&ss)->sin_port);
}

uint16_t diag_free_port(int type, const char *ip)
{
	for (int i = 0; i < 50; i++) {
		int fd = diag_socket_at(type, ip, 0);
		uint16_t port;

		if (fd < 0)
			exit(1);
		port = diag_port_of(fd);
		close(fd);
		if ((port >> 8) != (port & 0xff))
			return port;
	}
	exit(1);
}

struct sockaddr_in diag_local(int fd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;

	memset(&sa, 0, sizeof sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		sa.sin_family = AF_UNSPEC;
	return sa;
}

const char *diag_name(const struct sockaddr_in *sa)
{
	static char text[4][40];
	static int next;
	char *t = text[next++ % 4], ip[INET_ADDRSTRLEN] = "?";

	if (sa->sin_family != AF_INET)
		return "(no IPv4 address)";
	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof ip);
	snprintf(t, sizeof text[0], "%s:%u", ip, ntohs(sa->sin_port));
	return t;
}

int diag_udp(const char *ip, uint16_t port)
{
	int fd = diag_socket_at(SOCK_DGRAM, ip, port);

	if (fd < 0)
		exit(1);
	return fd;
}

void diag_send_to(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	if (syscall(SYS_sendto, fd, buf, len, 0, to, sizeof *to) != (long)len)
		exit(1);
}

ssize_t diag_recv_within(int fd, void *buf, size_t cap, struct sockaddr_in *from, int ms)
{
	socklen_t len = sizeof *from;

	if (!diag_ready(fd, POLLIN, ms))
		return -1;
	return recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from, &len);
}

/* ---- in the parent: one check in a child ------------------------------- */

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

/* The child's life: its own process group (so that whatever it starts is
 * killed with it), its own temp dir as cwd, the standard streams on
 * /dev/null (the lab's functions may print), SIGPIPE ignored as the
 * lab's programs ignore it. */
static DIAG_NORETURN void run_child(const char *dir, int fd)
{
	int null = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	verdict_fd = fd;
	if (chdir(dir) < 0)
		_exit(1);
	for (int std = 0; std <= 2; std++)
		dup2(null, std);
	signal(SIGPIPE, SIG_IGN);
	current->check();
	finish(current->last + 1, NULL, NULL);
}

/* Wait for the child's verdict until LIMIT_MS; then its status. */
static int collect(pid_t pid, int fd, int limit_ms, char *out, size_t cap)
{
	size_t len = 0;
	int status = 0;

	while (len + 1 < cap && diag_ready(fd, POLLIN, limit_ms)) {
		ssize_t n = read(fd, out + len, cap - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	kill(-pid, SIGKILL);        /* a hung check, and what it started */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

/* Run CHECK in a child; print its verdicts, or say it crashed or hung. */
static void run_check(const struct todo_check *check, int limit_ms)
{
	char where[4096], out[4096];
	const char *tmp = getenv("TMPDIR");
	int pipefd[2], status;
	pid_t pid;

	current = check;
	snprintf(where, sizeof where, "%s/diagnose.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(where) == NULL || pipe2(pipefd, O_CLOEXEC) < 0) {
		perror("diagnose: temp dir or pipe");
		exit(1);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		run_child(where, pipefd[1]);
	}
	close(pipefd[1]);
	status = collect(pid, pipefd[0], limit_ms, out, sizeof out);
	close(pipefd[0]);
	nftw(where, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (out[0] != '\0')
		fputs(out, stdout);
	else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		printf("%d\twrong\t%s\tyour %s() crashed (SIG%s)\n", check->first,
		       check->file, check->function, sigabbrev_np(WTERMSIG(status)));
	else
		printf("%d\twrong\t%s\tyour %s() did not return within %d ms\n",
		       check->first, check->file, check->function, limit_ms);
}

int main(int argc, char **argv)
{
	const char *mult = getenv("CK_TIMEOUT_MULTIPLIER");
	double scale = mult ? atof(mult) : 1.0;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: diagnose\n");
		return 2;
	}
	for (size_t i = 0; i < lab_nchecks; i++)
		run_check(&lab_checks[i], (int)(CHECK_LIMIT_MS * (scale >= 1 ? scale : 1)));
	return 0;
}
