/*
 * exchange.c - run one lab's client against its server, end to end, and
 * print a transcript of what each side said.  `make demo` and `make trace`
 * use it; the exchanges themselves are in exchanges, beside it.
 *
 * Usage: exchange [--preload LIB] BIN_DIR SERVER_ARGS CLIENT_ARGS STDIN
 *        exchange --has-ipv6-loopback
 *
 * SERVER_ARGS and CLIENT_ARGS are space-separated words; {DIR} is a fresh
 * temp dir, and in CLIENT_ARGS {PORT} is the port from the server's ready
 * line.  STDIN is the client's input, with \n for newlines.  The server
 * is awaited on its "listening on" line (no sleeps), the client is given
 * 10 s, then the server gets SIGTERM.  Exit 0 if the client exited 0 and
 * the server exited 0.  --preload puts LIB in both programs' LD_PRELOAD
 * (the trace recorder), not in this program's.  --has-ipv6-loopback
 * exits 0 if a TCP connection over ::1 works here (exchange-line.sh
 * picks a lab's other exchange when it does not).
 */
#define _GNU_SOURCE     /* pipe2, memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/exchange.XXXXXX";
static const char *preload;

/* Split WORDS on spaces into ARGV after ARGV[0], replacing {DIR} and
 * {PORT}. */
static int split(char *argv[], int max, const char *words, const char *port)
{
	char *copy = strdup(words), *save = NULL;
	int n = 1;

	for (char *w = strtok_r(copy, " ", &save); w && n < max - 1;
	     w = strtok_r(NULL, " ", &save)) {
		char buf[512], *o = buf;

		for (const char *c = w; *c && o < buf + sizeof buf - 64;) {
			if (strncmp(c, "{DIR}", 5) == 0) {
				o += sprintf(o, "%s", dir);
				c += 5;
			} else if (strncmp(c, "{PORT}", 6) == 0) {
				o += sprintf(o, "%s", port ? port : "0");
				c += 6;
			} else {
				*o++ = *c++;
			}
		}
		*o = '\0';
		argv[n++] = strdup(buf);
	}
	argv[n] = NULL;
	return n;
}

static pid_t start(char *argv[], int in_fd, int out_fd, int err_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		dup2(in_fd, 0);
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		for (int fd = 3; fd < 64; fd++)
			close(fd);
		if (preload)
			setenv("LD_PRELOAD", preload, 1);
		execv(argv[0], argv);
		fprintf(stderr, "exchange: cannot run %s: %s\n", argv[0],
		        strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Read the server's stderr until its ready line, for at most 5 s.
 * Returns the port from "listening on ...:PORT" ("" for a path). */
static bool await_ready(int err_fd, char *log, size_t size, char *port)
{
	size_t len = 0;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { .fd = err_fd, .events = POLLIN };
		char *line;
		long waited;
		ssize_t n;

		log[len] = '\0';
		if ((line = strstr(log, "listening on ")) && strchr(line, '\n')) {
			char *colon = strrchr(line, ':'), *nl = strchr(line, '\n');

			port[0] = '\0';
			if (colon && colon < nl && strncmp(line, "listening on unix:", 18))
				snprintf(port, 16, "%.*s", (int)(nl - colon - 1), colon + 1);
			return true;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		waited = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= 5000 || poll(&pfd, 1, (int)(5000 - waited)) <= 0)
			return false;
		n = read(err_fd, log + len, size - 1 - len);
		if (n <= 0)
			return false;
		len += (size_t)n;
	}
}

static void show(const char *who, const char *what, const char *text)
{
	if (*text == '\0')
		return;
	printf("  %s %s:\n", who, what);
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");

		printf("    | %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

static char *slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0)
		if ((len += (size_t)n) == cap - 1)
			buf = realloc(buf, cap *= 2);
	buf[len] = '\0';
	return buf;
}

/* Show all that was written to FD, a temp file. */
static void show_file(const char *who, const char *what, int fd)
{
	char *text = slurp_fd(fd);

	show(who, what, text);
	free(text);
}

/* "$ NAME ARGS...SUFFIX": the command line as a person would type it. */
static void show_command(const char *name, char *argv[], const char *suffix)
{
	printf("$ %s", name);
	for (int i = 1; argv[i]; i++)
		printf(" %s", argv[i]);
	printf("%s\n", suffix);
}

static const char *status_text(int st)
{
	static char t[64];

	if (WIFEXITED(st))
		snprintf(t, sizeof t, "exit %d", WEXITSTATUS(st));
	else
		snprintf(t, sizeof t, "killed by signal %d", WTERMSIG(st));
	return t;
}

/* Wait for PID for at most MS milliseconds (a pidfd becomes readable
 * when the process exits); SIGKILL it after that. */
static int wait_for(pid_t pid, int ms)
{
	struct pollfd pfd = { .fd = (int)syscall(SYS_pidfd_open, pid, 0),
	                      .events = POLLIN };
	int st;

	if (pfd.fd >= 0 && poll(&pfd, 1, ms) > 0 && waitpid(pid, &st, 0) == pid) {
		close(pfd.fd);
		return st;
	}
	if (pfd.fd >= 0)
		close(pfd.fd);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return st;
}

static int temp_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
}

/* Can a client connect to a server on ::1?  Containers often have IPv6
 * off, and then ::1 is not even an address. */
static bool ipv6_loopback_works(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
	                          .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof a;
	int lfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int cfd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = lfd >= 0 && cfd >= 0
	          && bind(lfd, (struct sockaddr *)&a, sizeof a) == 0
	          && listen(lfd, 1) == 0
	          && getsockname(lfd, (struct sockaddr *)&a, &len) == 0
	          && connect(cfd, (struct sockaddr *)&a, sizeof a) == 0;

	close(lfd);
	close(cfd);
	return ok;
}

/* The client's stdin, a temp file: TEXT with each \n made a newline.
 * Its fd, at its start; -1 on an error. */
static int stdin_file(const char *text)
{
	int fd = temp_file("stdin");

	for (const char *c = text; *c; c++) {
		char ch = *c;

		if (c[0] == '\\' && c[1] == 'n') {
			ch = '\n';
			c++;
		}
		if (write(fd, &ch, 1) != 1)
			return -1;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* The server never said it was ready: what it wrote, how it ended. */
static int server_not_ready(pid_t srv, const char *log)
{
	int sst;

	kill(srv, SIGKILL);
	sst = wait_for(srv, 1000);
	show("server", "stderr", log);
	printf("  the server never said \"listening on ...\" (%s)\n",
	       status_text(sst));
	return 1;
}

/* Run the client to its end (10 s at most) and show what it read and
 * wrote.  Its wait status. */
static int run_client(char *cargv[], const char *input, int cin, int cout,
                      int cerr)
{
	int cst;

	show_command("client", cargv, input[0] ? "   < stdin" : "");
	show_file("client", "stdin", cin);
	lseek(cin, 0, SEEK_SET);
	cst = wait_for(start(cargv, cin, cout, cerr), 10000);
	show_file("client", "stdout", cout);
	show_file("client", "stderr", cerr);
	printf("  client: %s\n", status_text(cst));
	return cst;
}

/* SIGTERM the server and show what it wrote: LOG holds its stderr up to
 * the ready line, ERR_FD the rest.  Its wait status. */
static int stop_server(pid_t srv, int err_fd, char *log, size_t size, int sout)
{
	int sst;
	size_t len = strlen(log);
	ssize_t n;

	kill(srv, SIGTERM);
	sst = wait_for(srv, 3000);
	/* the rest of the server's log, now that it has exited */
	while (len < size - 1 && (n = read(err_fd, log + len, size - 1 - len)) > 0)
		len += (size_t)n;
	log[len] = '\0';
	show("server", "stderr", log);
	show_file("server", "stdout", sout);
	printf("  server: %s (after SIGTERM)\n", status_text(sst));
	return sst;
}

int main(int argc, char *argv[])
{
	char *sargv[32], *cargv[32], log[8192], port[16] = "", cmd[300];
	int err_pipe[2], sout, cin, cout, cerr, sst, cst;
	pid_t srv;

	if (argc == 2 && strcmp(argv[1], "--has-ipv6-loopback") == 0)
		return ipv6_loopback_works() ? 0 : 1;
	if (argc > 2 && strcmp(argv[1], "--preload") == 0) {
		preload = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: exchange [--preload LIB] BIN_DIR SERVER_ARGS "
		        "CLIENT_ARGS STDIN\n       exchange --has-ipv6-loopback\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL) {
		perror("exchange: mkdtemp");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	asprintf(&sargv[0], "%s/server", argv[1]);
	asprintf(&cargv[0], "%s/client", argv[1]);
	split(sargv, 32, argv[2], NULL);
	cin = stdin_file(argv[4]);
	sout = temp_file("server.out");
	cout = temp_file("client.out");
	cerr = temp_file("client.err");
	if (cin < 0 || pipe2(err_pipe, O_CLOEXEC) < 0)
		return 1;

	show_command("server", sargv, "");
	srv = start(sargv, open("/dev/null", O_RDONLY), sout, err_pipe[1]);
	close(err_pipe[1]);
	if (!await_ready(err_pipe[0], log, sizeof log, port))
		return server_not_ready(srv, log);
	split(cargv, 32, argv[3], port);
	cst = run_client(cargv, argv[4], cin, cout, cerr);
	sst = stop_server(srv, err_pipe[0], log, sizeof log, sout);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "exchange: could not remove %s\n", dir);
	return WIFEXITED(cst) && WEXITSTATUS(cst) == 0 && WIFEXITED(sst)
	       && WEXITSTATUS(sst) == 0 ? 0 : 1;
}
