/*
 * guard.c - the exec guard (guard.h): a tracer process, forked by the
 * test, that seizes each program the test starts before its execve(2).
 *
 * The test and the guard talk over a socketpair of datagrams: the test
 * sends a pid to seize; the guard answers 'A' and whether it could, and
 * sends 'X' and a line for each execve it stopped.  The guard's own loop
 * waits on that socket and on SIGCHLD (a signalfd), by which the kernel
 * tells a tracer that a tracee stopped or ended.  See ptrace(2), "Ptrace
 * stops", for the kinds of stop handled below.
 */
#define _GNU_SOURCE
#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OPTIONS (PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK \
                 | PTRACE_O_TRACECLONE | PTRACE_O_EXITKILL)
/* More processes (threads included) than this at once is a fork bomb. */
#define MAX_TRACEES 64

/* What the test asks: 'S' seize PID, 'C' count the forked processes. */
struct request {
	char kind;
	pid_t pid;
};

static pid_t guard = -1;
static int sock = -1;           /* the test's end */
static char caught[2048];

/* ---- the guard's side ----------------------------------------------------- */

/* Every tracee alive: the programs the test started, and what they
 * forked.  A started one may make one execve, its own start. */
static struct tracee {
	pid_t pid;
	bool started, may_exec;
} tracees[MAX_TRACEES];
static bool bombed;     /* there were too many: kill every one seen */

static struct tracee *find(pid_t pid)
{
	for (int i = 0; i < MAX_TRACEES; i++)
		if (tracees[i].pid == pid)
			return &tracees[i];
	return NULL;
}

/* PID shows itself (a new child of a tracee, first seen) or is seized:
 * note it, or, one too many, set BOMBED. */
static struct tracee *track(pid_t pid)
{
	struct tracee *t = find(pid);

	if (t == NULL && (t = find(0)) != NULL)
		*t = (struct tracee){ .pid = pid };
	if (t == NULL)
		bombed = true;
	return t;
}

/* Too many processes: kill them all, and tell the test. */
static void defuse(int s)
{
	char line[128];

	snprintf(line, sizeof line, "Xthe programs had more than %d processes "
	         "at once (a fork bomb?): the grader killed them all\n",
	         MAX_TRACEES);
	send(s, line, strlen(line), 0);
	for (int i = 0; i < MAX_TRACEES; i++)
		if (tracees[i].pid > 0)
			kill(tracees[i].pid, SIGKILL);
}

/* Answer 'N' and how many tracees alive were forked, not started. */
static void count_forked(int s)
{
	char answer[2] = { 'N', 0 };

	for (int i = 0; i < MAX_TRACEES; i++)
		if (tracees[i].pid > 0 && !tracees[i].started)
			answer[1]++;
	send(s, answer, sizeof answer, 0);
}

static void seize(int s, pid_t pid)
{
	char answer[2] = { 'A', 0 };
	struct tracee *t;

	if (ptrace(PTRACE_SEIZE, pid, 0, OPTIONS) == 0) {
		answer[1] = 1;
		if ((t = track(pid)) != NULL)
			t->started = t->may_exec = true;
	}
	send(s, answer, sizeof answer, 0);
}

/* PID stopped at an execve that is not its own start: it has the new
 * program loaded but has not run it.  Tell the test, and kill it. */
static void catch_exec(int s, pid_t pid)
{
	char exe[PATH_MAX] = "?", line[PATH_MAX + 64];
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	if ((n = readlink(path, exe, sizeof exe - 1)) > 0)
		exe[n] = '\0';
	snprintf(line, sizeof line, "Xprocess %d ran %s, an execve(2) after its "
	         "start: a program under test may run only the code built from its "
	         "own sources, so the grader killed it before it began\n",
	         (int)pid, exe);
	send(s, line, strlen(line), 0);
	kill(pid, SIGKILL);
}

static bool stopping_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Every tracee that changed state: let it go on, as if untraced, except
 * at an execve it may not make. */
static void handle_stops(int s)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, __WALL | WNOHANG)) > 0) {
		int event = st >> 16, sig = WSTOPSIG(st);
		struct tracee *t;

		if (!WIFSTOPPED(st)) {          /* ended */
			if ((t = find(pid)) != NULL)
				t->pid = 0;
			continue;
		}
		if (bombed) {
			kill(pid, SIGKILL);
			continue;
		}
		if ((t = track(pid)) == NULL) {
			defuse(s);
			kill(pid, SIGKILL);
		} else if (event == PTRACE_EVENT_EXEC && !t->may_exec) {
			catch_exec(s, pid);
		} else if (event == PTRACE_EVENT_EXEC) {
			t->may_exec = false;            /* its own start */
			ptrace(PTRACE_CONT, pid, 0, 0);
		} else if (event == PTRACE_EVENT_STOP && stopping_signal(sig))
			ptrace(PTRACE_LISTEN, pid, 0, 0);  /* a group-stop: stay */
		else if (event != 0)
			ptrace(PTRACE_CONT, pid, 0, 0);    /* fork, exec, new child */
		else
			ptrace(PTRACE_CONT, pid, 0, sig);  /* deliver the signal */
	}
}

static void guard_main(int s)
{
	sigset_t chld;
	int sfd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);      /* never outlive the test */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = s, .events = POLLIN },
		                         { .fd = sfd, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			_exit(1);
		if (pfd[0].revents & POLLIN) {
			struct request r;

			if (recv(s, &r, sizeof r, 0) != sizeof r)
				_exit(0);
			handle_stops(s);        /* first what happened before */
			if (r.kind == 'S')
				seize(s, r.pid);
			else
				count_forked(s);
		} else if (pfd[0].revents & (POLLHUP | POLLERR)) {
			_exit(0);
		}
		while (read(sfd, &si, sizeof si) > 0)
			;
		handle_stops(s);
	}
}

/* ---- the test's side ------------------------------------------------------ */

bool guard_start(void)
{
	int sv[2];

	if (guard > 0)
		return true;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return false;
	guard = fork();
	if (guard == 0) {
		/* Hold nothing of the test's (a pipe's write end kept open
		 * here would keep a program from ever seeing its end). */
		if (sv[1] > 3)
			syscall(SYS_close_range, 3U, (unsigned)sv[1] - 1, 0U);
		syscall(SYS_close_range, (unsigned)sv[1] + 1, ~0U, 0U);
		guard_main(sv[1]);
	}
	close(sv[1]);
	if (guard < 0) {
		close(sv[0]);
		return false;
	}
	sock = sv[0];
	return true;
}

pid_t guard_pid(void)
{
	return guard;
}

/* Keep an 'X' line; true for an answer ('A', 'N'), its value in *VALUE. */
static bool take_message(const char *msg, ssize_t n, int *value)
{
	size_t used = strlen(caught);

	if (n >= 2 && (msg[0] == 'A' || msg[0] == 'N')) {
		*value = msg[1];
		return true;
	}
	if (n > 1 && msg[0] == 'X')
		snprintf(caught + used, sizeof caught - used, "%.*s",
		         (int)(n - 1), msg + 1);
	return false;
}

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Ask the guard KIND about PID; its answer, or -1 if none in time. */
static int ask(char kind, pid_t pid, int timeout_ms)
{
	struct request r = { .kind = kind, .pid = pid };
	long long deadline = now() + timeout_ms;
	int value;

	if (sock < 0 || send(sock, &r, sizeof r, 0) != sizeof r)
		return -1;
	for (;;) {
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		char msg[PATH_MAX + 64];
		long long left = deadline - now();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		n = recv(sock, msg, sizeof msg, MSG_DONTWAIT);
		if (n <= 0)
			return -1;
		if (take_message(msg, n, &value))
			return value;
	}
}

bool guard_seize(pid_t pid, int timeout_ms)
{
	return ask('S', pid, timeout_ms) == 1;
}

int guard_forked_alive(int timeout_ms)
{
	return guard < 0 ? 0 : ask('C', 0, timeout_ms);
}

const char *guard_report(void)
{
	char msg[PATH_MAX + 64];
	ssize_t n;
	int value;

	while (sock >= 0 && (n = recv(sock, msg, sizeof msg, MSG_DONTWAIT)) > 0)
		take_message(msg, n, &value);
	return caught;
}

/* A child that waits to be seized, then ends: can we trace it? */
bool guard_available(void)
{
	int go[2];
	pid_t child;
	bool ok;

	if (!guard_start() || pipe2(go, O_CLOEXEC) < 0)
		return false;
	child = fork();
	if (child == 0) {
		char c;

		prctl(PR_SET_PTRACER, guard);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	ok = child > 0 && guard_seize(child, 2000);
	if (write(go[1], "", 1) < 0)
		ok = false;
	close(go[0]);
	close(go[1]);
	if (child > 0)
		waitpid(child, NULL, 0);
	/* The probe's guard goes: each test starts its own. */
	close(sock);
	kill(guard, SIGKILL);
	waitpid(guard, NULL, 0);
	guard = -1;
	sock = -1;
	return ok;
}
