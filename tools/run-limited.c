/*
 * run-limited.c - run one grading job within limits, and leave nothing
 * behind.  Instructor tooling: `make grade-class` runs every (student,
 * lab) job through it, the Gradescope run_autograder the whole grading.
 *
 * Usage: run-limited [-t SECONDS] [-o FILE] [-c BYTES] [-f BYTES] [-u USER]
 *                    [-d DIR] -- COMMAND [ARG...]
 *
 *   -t SECONDS  wall-clock limit (default 300): past it, COMMAND and every
 *               process it started is killed, and the status is 124
 *   -o FILE     COMMAND's stdout and stderr go to FILE (default: ours),
 *               through a pipe that keeps the first and the last BYTES/2
 *               bytes of a flood and drops the middle, so the job goes on
 *               and its last lines (the score) survive
 *   -c BYTES    the cap of -o (default 4 MiB)
 *   -f BYTES    no file written larger than BYTES (RLIMIT_FSIZE): code
 *               that floods a file the grader writes (its own output, when
 *               a white-box test calls it) dies of SIGXFSZ instead of
 *               filling the disk
 *   -u USER     as root: run COMMAND as USER (its uid, gid and groups),
 *               or as a bare uid (-u 64001: that gid, no groups)
 *   -d DIR      run COMMAND in DIR
 *
 * COMMAND runs with stdin /dev/null, no core dumps, in a process group of
 * its own.  This program makes itself a child subreaper
 * (prctl(PR_SET_CHILD_SUBREAPER)): whatever COMMAND starts and orphans,
 * setsid() or not, becomes our child, so when COMMAND ends (or times out,
 * or we get SIGINT/SIGTERM/SIGHUP) every descendant still running is
 * killed and reaped.  (check's test children put themselves in process
 * groups of their own, so a kill of COMMAND's group alone would miss
 * them and the student programs they started.)
 *
 * Exit status: COMMAND's; 128+N if a signal N killed it; 124 if it ran
 * out of time; 125 if it could not be started.  A line on stderr says why
 * for 124 and 125.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

/* -u 64001: a uid no account has (the grader's own for a submission):
 * its gid the same number, no groups, no name, no home. */
static struct passwd *numeric_user(const char *text)
{
	static struct passwd pw = { .pw_name = "", .pw_dir = "/" };
	char *end;
	long id = strtol(text, &end, 10);

	if (*end != '\0' || id <= 0 || id >= 65535)
		return NULL;
	pw.pw_uid = (uid_t)id;
	pw.pw_gid = (gid_t)id;
	return &pw;
}

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* SIGCHLD only wakes the wait below: a job's end is seen at once. */
static void on_child(int sig)
{
	(void)sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Our children right now, from /proc (a subreaper inherits orphans). */
static int children(pid_t *out, int max)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	int n = 0;
	pid_t self = getpid();

	if (proc == NULL)
		return 0;
	while ((e = readdir(proc)) != NULL && n < max) {
		char path[64], buf[512], *paren;
		pid_t pid = (pid_t)atoi(e->d_name), ppid;
		FILE *f;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof buf, f) && (paren = strrchr(buf, ')'))
		    && sscanf(paren + 2, "%*c %d", &ppid) == 1 && ppid == self)
			out[n++] = pid;
		fclose(f);
	}
	closedir(proc);
	return n;
}

/* Kill every descendant: kill our children, wait for them (their own
 * children then become ours), again until none is left.  Returns how
 * many were killed, the main child excluded. */
static int sweep(pid_t main_child, int *main_status, int *main_reaped)
{
	int killed = 0;

	for (int round = 0; round < 200; round++) {
		pid_t kids[512];
		int n = children(kids, 512);

		if (n == 0)
			break;
		for (int i = 0; i < n; i++) {
			if (kids[i] != main_child)
				killed++;
			kill(kids[i], SIGKILL);
		}
		for (int i = 0; i < n; i++) {
			int st;

			if (waitpid(kids[i], &st, 0) == kids[i] && kids[i] == main_child
			    && !*main_reaped) {
				*main_status = st;
				*main_reaped = 1;
			}
		}
	}
	return killed;
}

/* The -o pipe: the first half of the cap is kept as it comes, the last
 * half in a ring; the middle of a flood is counted and dropped. */
struct capture {
	FILE *out;
	size_t head_cap, tail_cap, head, ring_len, ring_pos;
	unsigned long long dropped;
	char *ring;
};

static void capture_add(struct capture *c, const char *buf, size_t n)
{
	if (c->head < c->head_cap) {
		size_t k = c->head_cap - c->head < n ? c->head_cap - c->head : n;

		fwrite(buf, 1, k, c->out);
		c->head += k;
		buf += k;
		n -= k;
	}
	for (size_t i = 0; i < n; i++) {
		if (c->ring_len == c->tail_cap)
			c->dropped++;
		else
			c->ring_len++;
		c->ring[c->ring_pos] = buf[i];
		c->ring_pos = (c->ring_pos + 1) % c->tail_cap;
	}
}

static void capture_end(struct capture *c)
{
	size_t start = (c->ring_pos + c->tail_cap - c->ring_len) % c->tail_cap;

	if (c->dropped)
		fprintf(c->out, "\n[run-limited: output flood: %llu bytes dropped "
		        "here]\n", c->dropped);
	for (size_t i = 0; i < c->ring_len; i++)
		fputc(c->ring[(start + i) % c->tail_cap], c->out);
	fflush(c->out);
}

static void usage(void)
{
	fprintf(stderr, "usage: run-limited [-t SECONDS] [-o FILE] [-c BYTES] "
	        "[-f BYTES] [-u USER] [-d DIR] -- COMMAND [ARG...]\n");
	exit(125);
}

int main(int argc, char *argv[])
{
	double limit = 300, deadline;
	const char *outfile = NULL, *user = NULL, *dir = NULL;
	size_t cap = 4u << 20;
	unsigned long long fsize = 0;
	struct passwd *pw = NULL;
	struct capture cap_state = { 0 };
	int opt, pipefd[2] = { -1, -1 }, status = 0, reaped = 0, timed_out = 0;
	double reaped_at = 0;
	pid_t child, self = getpid();
	struct sigaction sa = { 0 };
	sigset_t block, old;

	while ((opt = getopt(argc, argv, "+t:o:c:f:u:d:")) != -1) {
		switch (opt) {
		case 'f': fsize = strtoull(optarg, NULL, 10); break;
		case 't': limit = atof(optarg); break;
		case 'o': outfile = optarg; break;
		case 'c': cap = (size_t)strtoull(optarg, NULL, 10); break;
		case 'u': user = optarg; break;
		case 'd': dir = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || limit <= 0 || cap < 1024)
		usage();
	if (user) {
		if (getuid() != 0) {
			fprintf(stderr, "run-limited: -u %s needs root\n", user);
			return 125;
		}
		if ((pw = getpwnam(user)) == NULL && (pw = numeric_user(user)) == NULL) {
			fprintf(stderr, "run-limited: no user %s\n", user);
			return 125;
		}
	}
	if (outfile) {
		cap_state.out = fopen(outfile, "w");
		cap_state.head_cap = cap / 2;
		cap_state.tail_cap = cap - cap / 2;
		cap_state.ring = malloc(cap_state.tail_cap);
		if (cap_state.out == NULL || cap_state.ring == NULL
		    || pipe2(pipefd, O_CLOEXEC) < 0) {
			perror(outfile);
			return 125;
		}
	}

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	/* Block the stop signals and SIGCHLD until poll() so none is lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);

	child = fork();
	if (child < 0) {
		perror("run-limited: fork");
		return 125;
	}
	if (child == 0) {
		struct rlimit core = { 0, 0 };
		int null = open("/dev/null", O_RDONLY);

		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		setpgid(0, 0);
		setrlimit(RLIMIT_CORE, &core);
		if (fsize) {
			struct rlimit fs = { (rlim_t)fsize, (rlim_t)fsize };

			setrlimit(RLIMIT_FSIZE, &fs);
		}
		if (null >= 0) {
			dup2(null, 0);
			if (null > 2)
				close(null);
		}
		if (outfile) {
			dup2(pipefd[1], 1);
			dup2(pipefd[1], 2);
		}
		if (dir && chdir(dir) < 0) {
			fprintf(stderr, "run-limited: %s: %s\n", dir, strerror(errno));
			_exit(125);
		}
		if (pw) {
			if (setgroups(0, NULL) < 0
			    || (pw->pw_name[0] && initgroups(pw->pw_name, pw->pw_gid) < 0)
			    || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
				fprintf(stderr, "run-limited: cannot become %s: %s\n",
				        pw->pw_name, strerror(errno));
				_exit(125);
			}
			setenv("HOME", pw->pw_dir, 1);
			setenv("USER", pw->pw_name, 1);
			setenv("LOGNAME", pw->pw_name, 1);
		}
		/* Should we die without sweeping, the job dies too. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != self)
			_exit(125);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "run-limited: %s: %s\n", argv[optind], strerror(errno));
		_exit(125);
	}
	setpgid(child, child);
	if (outfile)
		close(pipefd[1]);

	deadline = now() + limit;
	for (;;) {
		struct pollfd pfd = { pipefd[0], POLLIN, 0 };
		double left = deadline - now();
		struct timespec ts;
		int r;

		if (!reaped) {
			pid_t w = waitpid(child, &status, WNOHANG);

			if (w == child) {
				reaped = 1;
				reaped_at = now();
			}
		}
		if (reaped && pipefd[0] < 0)
			break;
		if (stop_signal || left <= 0) {
			timed_out = !stop_signal;
			break;
		}
		/* Without -o there is nothing to read: poll on no fd, as a
		 * sleep that the stop signals interrupt. */
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		r = ppoll(pipefd[0] >= 0 ? &pfd : NULL, pipefd[0] >= 0, &ts, &old);
		if (r > 0) {
			char buf[65536];
			ssize_t n = read(pipefd[0], buf, sizeof buf);

			if (n > 0)
				capture_add(&cap_state, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(pipefd[0]);
				pipefd[0] = -1;
			}
		}
		/* COMMAND ended but something it started still holds the
		 * pipe (quiet, or flooding): a leftover, swept below. */
		if (reaped && pipefd[0] >= 0 && (r == 0 || now() - reaped_at > 1.0))
			break;
	}

	if (!reaped || timed_out || stop_signal)
		kill(-child, SIGKILL);
	sweep(child, &status, &reaped);
	if (!reaped && waitpid(child, &status, 0) == child)
		reaped = 1;
	if (pipefd[0] >= 0) {   /* every writer is gone: drain to EOF */
		char buf[65536];
		ssize_t n;

		while ((n = read(pipefd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
			if (n > 0)
				capture_add(&cap_state, buf, (size_t)n);
		close(pipefd[0]);
	}
	if (outfile) {
		capture_end(&cap_state);
		if (timed_out)
			fprintf(cap_state.out, "\n[run-limited: %s did not finish within "
			        "%g s: killed, with everything it started]\n",
			        argv[optind], limit);
		fclose(cap_state.out);
	}
	if (stop_signal) {
		signal(stop_signal, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		raise(stop_signal);
		return 128 + stop_signal;
	}
	if (timed_out) {
		fprintf(stderr, "run-limited: %s: timed out after %g s, killed\n",
		        argv[optind], limit);
		return 124;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 125;
}
