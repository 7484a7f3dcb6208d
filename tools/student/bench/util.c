/*
 * util.c - the bench's toolbox: clocks, statistics, CSV rows, loopback
 * sockets, and child processes started with their stderr watched for the
 * ready line.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double percentile(const double *v, size_t n, double p)
{
	double *s, r, pos;
	size_t i;

	if (n == 0)
		return 0;
	s = malloc(n * sizeof *s);
	if (s == NULL)
		fail("out of memory");
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	/* Linear interpolation between the closest ranks. */
	pos = p / 100.0 * (double)(n - 1);
	i = (size_t)pos;
	r = i + 1 < n ? s[i] + (pos - (double)i) * (s[i + 1] - s[i]) : s[n - 1];
	free(s);
	return r;
}

double median(const double *v, size_t n)
{
	return percentile(v, n, 50);
}

void row(const char *section, const char *item, const char *metric,
         double value, int decimals, const char *unit, int runs)
{
	printf("%s,%s,%s,%.*f,%s,%d\n", section, item, metric, decimals, value,
	       unit, runs);
	fflush(stdout);
}

void row_text(const char *section, const char *item, const char *metric,
              const char *text)
{
	printf("%s,%s,%s,", section, item, metric);
	for (const char *p = text; *p; p++)
		putchar(*p == ',' || *p == '\n' ? ';' : *p);
	printf(",,\n");
	fflush(stdout);
}

uint64_t parse_size(const char *text, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || text[0] == '-')
		fail("%s: not a number: '%s'", what, text);
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	default: break;
	}
	if (*end != '\0')
		fail("%s: not a number: '%s'", what, text);
	return v;
}

double proc_value(pid_t pid, const char *file, const char *field)
{
	char path[64], line[256];
	size_t len = strlen(field);
	double value = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, len) == 0
		    && line[len + strspn(line + len, " \t")] == ':') {
			value = strtod(strchr(line + len, ':') + 1, NULL);
			break;
		}
	fclose(f);
	return value;
}

int devnull(int flags)
{
	int fd = open("/dev/null", flags | O_CLOEXEC);

	if (fd < 0)
		fail("/dev/null: %s", strerror(errno));
	return fd;
}

/* The parent's half of CHILD_TRACE: wait for the child's word on
 * TRACEFD, then for its stop at execv(), and let it run on. */
static void start_trace(struct child *c, int tracefd[2])
{
	char yes = 'N';
	int st;

	close(tracefd[1]);
	read_retry(tracefd[0], &yes, 1);
	close(tracefd[0]);
	if (yes != 'T')
		return;
	while (wait4(c->pid, &st, 0, &c->ru) < 0)
		if (errno != EINTR)
			fail("wait4: %s", strerror(errno));
	if (!WIFSTOPPED(st)) {          /* execv() failed */
		c->status = st;
		c->reaped = true;
		return;
	}
	/* Stop it again only when it exits, before its memory goes; no
	 * system call is traced, so it runs at full speed. */
	c->traced = true;
	if (ptrace(PTRACE_SETOPTIONS, c->pid, NULL,
	           (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)) < 0
	    || ptrace(PTRACE_CONT, c->pid, NULL, NULL) < 0)
		fail("ptrace: %s", strerror(errno));
}

pid_t child_fork(struct child *c)
{
	memset(c, 0, sizeof *c);
	c->err_fd = -1;
	c->hwm_kib = c->anon_kib = -1;
	c->pid = fork();
	if (c->pid < 0)
		fail("fork: %s", strerror(errno));
	return c->pid;
}

void child_start(struct child *c, char *const argv[], int in_fd, int out_fd,
                 int flags)
{
	int pipefd[2] = { -1, -1 }, tracefd[2] = { -1, -1 };
	bool capture = flags & CHILD_CAPTURE, trace = flags & CHILD_TRACE;

	if (capture && pipe2(pipefd, O_CLOEXEC) < 0)
		fail("pipe: %s", strerror(errno));
	if (trace && pipe2(tracefd, O_CLOEXEC) < 0)
		fail("pipe: %s", strerror(errno));
	if (child_fork(c) == 0) {
		int in = in_fd >= 0 ? in_fd : devnull(O_RDONLY);
		int out = out_fd >= 0 ? out_fd : devnull(O_WRONLY);

		/* dup2() clears close-on-exec on the copy: only 0, 1, 2 and
		 * nothing else reach the program, as under the grader. */
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0
		    || (capture && dup2(pipefd[1], 2) < 0))
			_exit(126);
		signal(SIGPIPE, SIG_DFL);
		if (trace) {
			/* Traced, execv() stops us with SIGTRAP; say first
			 * whether the parent is to expect that. */
			char yes = ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0
			           ? 'T' : 'N';

			if (write(tracefd[1], &yes, 1) != 1)
				_exit(126);
		}
		execv(argv[0], argv);
		dprintf(2, "bench: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (capture) {
		close(pipefd[1]);
		c->err_fd = pipefd[0];
	}
	if (trace)
		start_trace(c, tracefd);
}

/* Keep the last bytes of what the child wrote, for error messages. */
static void keep_tail(struct child *c, const char *buf, size_t n)
{
	size_t cap = sizeof c->tail - 1, keep;

	if (n > cap) {
		buf += n - cap;
		n = cap;
	}
	keep = c->tail_len + n > cap ? cap - n : c->tail_len;
	memmove(c->tail, c->tail + c->tail_len - keep, keep);
	memcpy(c->tail + keep, buf, n);
	c->tail_len = keep + n;
	c->tail[c->tail_len] = '\0';
}

/* Read its stderr until the line "listening on ADDRESS" (a lab server) or
 * a line with " listening on " in it (socat -d -d): 0, with ADDRESS in
 * c->ready.  -1 when it closed stderr or TIMEOUT_MS passed first. */
static int child_wait_ready(struct child *c, int timeout_ms)
{
	char line[512], ch;
	size_t len = 0;
	double deadline = now_s() + timeout_ms / 1000.0;

	for (;;) {
		int left = (int)((deadline - now_s()) * 1000), ready;
		const char *addr;

		if (left <= 0 || (ready = wait_fd(c->err_fd, POLLIN, left)) < 0)
			return -1;
		if (ready == 0)
			continue;
		/* One byte at a time: nothing past the ready line is taken
		 * from the pipe before it is needed. */
		if (read_retry(c->err_fd, &ch, 1) <= 0)
			return -1;
		keep_tail(c, &ch, 1);
		if (ch != '\n') {
			if (len < sizeof line - 1)
				line[len++] = ch;
			continue;
		}
		line[len] = '\0';
		len = 0;
		/* A lab server's line starts with it, socat's has it inside. */
		addr = strstr(line, "listening on ");
		if (addr != NULL && (addr == line || addr[-1] == ' ')) {
			snprintf(c->ready, sizeof c->ready, "%s", addr + 13);
			/* From now on the pipe is only drained. */
			fcntl(c->err_fd, F_SETFL, O_NONBLOCK);
			return 0;
		}
	}
}

/* Read its stderr pipe: what is there now (non-blocking after the ready
 * line), or TO_END, once it has exited or is exiting. */
static void read_err(struct child *c, bool to_end)
{
	char buf[65536];
	ssize_t n;

	if (c->err_fd < 0)
		return;
	if (to_end)
		fcntl(c->err_fd, F_SETFL, 0);
	while ((n = read(c->err_fd, buf, sizeof buf)) != 0) {
		if (n > 0)
			keep_tail(c, buf, (size_t)n);
		else if (errno != EINTR)
			break;
	}
	if (n == 0 || to_end) {
		close(c->err_fd);
		c->err_fd = -1;
	}
}

void child_drain(struct child *c)
{
	read_err(c, false);
}

void child_reap(struct child *c)
{
	/* Untraced: its stderr first, so that it never blocks on a full
	 * pipe while we wait.  Traced: it stops at its exit with stderr
	 * still open, so the other way round. */
	if (!c->traced)
		read_err(c, true);
	while (!c->reaped) {
		if (wait4(c->pid, &c->status, 0, &c->ru) < 0) {
			if (errno == EINTR)
				continue;
			fail("wait4: %s", strerror(errno));
		}
		if (!WIFSTOPPED(c->status)) {
			c->reaped = true;
			break;
		}
		if (c->status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			c->hwm_kib = (long)proc_value(c->pid, "status", "VmHWM");
			c->anon_kib = (long)proc_value(c->pid, "status", "RssAnon");
			ptrace(PTRACE_CONT, c->pid, NULL, NULL);
		} else {
			/* A signal for it: deliver it. */
			int sig = WSTOPSIG(c->status);

			ptrace(PTRACE_CONT, c->pid, NULL,
			       (void *)(long)(sig == SIGTRAP ? 0 : sig));
		}
	}
	read_err(c, true);
}

bool child_start_server(struct child *c, char *const argv[], int flags)
{
	child_start(c, argv, -1, -1, CHILD_CAPTURE | flags);
	if (child_wait_ready(c, 10000) == 0)
		return true;
	child_stop(c);
	child_explain(c, argv[0]);
	fprintf(stderr, "bench: %s: no \"listening on\" line\n", argv[0]);
	return false;
}

void child_stop(struct child *c)
{
	kill(c->pid, SIGTERM);
	child_reap(c);
}

bool child_ok(const struct child *c)
{
	return WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0;
}

void child_explain(const struct child *c, const char *what)
{
	if (WIFEXITED(c->status))
		fprintf(stderr, "bench: %s exited with status %d\n", what,
		        WEXITSTATUS(c->status));
	else if (WIFSIGNALED(c->status))
		fprintf(stderr, "bench: %s killed by signal %d\n", what,
		        WTERMSIG(c->status));
	if (c->tail_len > 0)
		fprintf(stderr, "bench: %s wrote:\n%s%s", what, c->tail,
		        c->tail[c->tail_len - 1] == '\n' ? "" : "\n");
}

int make_data(uint64_t bytes)
{
	static char chunk[1 << 20];
	uint64_t done = 0;
	int fd = memfd_create("bench-data", MFD_CLOEXEC);

	/* One MiB of random bytes, over and over: nothing on the way
	 * compresses, so that is as good as BYTES of them, and quick. */
	if (fd < 0 || getrandom(chunk, sizeof chunk, 0) != sizeof chunk)
		fail("making test data in memory: %s", strerror(errno));
	while (done < bytes) {
		size_t n = bytes - done < sizeof chunk ? (size_t)(bytes - done)
		                                       : sizeof chunk;

		if (write_all(fd, chunk, n) < 0)
			fail("making %llu bytes of test data in memory: %s",
			     (unsigned long long)bytes, strerror(errno));
		done += n;
	}
	return fd;
}

socklen_t loopback_addr(struct sockaddr_storage *ss, int family,
                        unsigned short port)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof *a;
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr = in6addr_loopback;
	return sizeof *a;
}

int bound_loopback(int family, int type, struct sockaddr_storage *ss,
                   socklen_t *len)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	/* Port 0 and getsockname(): a free port, never a fixed one. */
	*len = loopback_addr(ss, family, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)ss, *len) < 0
	    || getsockname(fd, (struct sockaddr *)ss, len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int loopback_family(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = bound_loopback(AF_INET6, SOCK_STREAM, &ss, &len);

	if (fd < 0)
		return AF_INET;
	close(fd);
	return AF_INET6;
}

unsigned short port_of(const char *address)
{
	const char *colon = strrchr(address, ':');
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;

	if (port <= 0 || port > 65535)
		fail("no port in the ready line's address '%s'", address);
	return (unsigned short)port;
}

static char tmpdir[256];

static void remove_tmpdir(void)
{
	/* Only what the bench put there: socket files, removed as it goes. */
	if (tmpdir[0])
		rmdir(tmpdir);
}

const char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/socklab-bench.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL)
		fail("mkdtemp %s: %s", tmpdir, strerror(errno));
	atexit(remove_tmpdir);
	return tmpdir;
}
