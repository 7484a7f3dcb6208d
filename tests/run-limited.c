/*
 * run-limited.c - run one grading job within limits, and leave nothing
 * behind.  The grader's: grade-all.sh runs the diagnosis through it, and
 * as root the build of a submission as its uid; `make grade-class` runs
 * every (student, lab) job through it, the Gradescope run_autograder the
 * whole grading.
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

/* What the command line asked for. */
struct job {
	double limit;             /* -t, seconds */
	const char *outfile;      /* -o, or NULL */
	size_t cap;               /* -c */
	unsigned long long fsize; /* -f, 0: no limit */
	struct passwd *pw;        /* -u, or NULL */
	const char *dir;          /* -d, or NULL */
	char **cmd;               /* COMMAND [ARG...] */
};

static void parse_options(int argc, char *argv[], struct job *j)
{
	const char *user = NULL;
	int opt;

	*j = (struct job){ .limit = 300, .cap = 4u << 20 };
	while ((opt = getopt(argc, argv, "+t:o:c:f:u:d:")) != -1) {
		switch (opt) {
		case 'f': j->fsize = strtoull(optarg, NULL, 10); break;
		case 't': j->limit = atof(optarg); break;
		case 'o': j->outfile = optarg; break;
		case 'c': j->cap = (size_t)strtoull(optarg, NULL, 10); break;
		case 'u': user = optarg; break;
		case 'd': j->dir = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || j->limit <= 0 || j->cap < 1024)
		usage();
	j->cmd = argv + optind;
	if (user == NULL)
		return;
	if (getuid() != 0) {
		fprintf(stderr, "run-limited: -u %s needs root\n", user);
		exit(125);
	}
	if ((j->pw = getpwnam(user)) == NULL && (j->pw = numeric_user(user)) == NULL) {
		fprintf(stderr, "run-limited: no user %s\n", user);
		exit(125);
	}
}

/* Take on the user of -u, in the child: every step checked, or no job. */
static void become(const struct passwd *pw)
{
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

/* The child: COMMAND with stdin /dev/null, its output into OUT_FD (if
 * >= 0), no core dumps, the file size limit, in a process group of its
 * own, as -u's user in -d's directory.  Never returns. */
static void exec_job(const struct job *j, int out_fd, const sigset_t *old,
                     pid_t parent)
{
	struct rlimit core = { 0, 0 }, fs = { (rlim_t)j->fsize, (rlim_t)j->fsize };
	int null = open("/dev/null", O_RDONLY);

	sigprocmask(SIG_SETMASK, old, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	setrlimit(RLIMIT_CORE, &core);
	if (j->fsize)
		setrlimit(RLIMIT_FSIZE, &fs);
	if (null >= 0) {
		dup2(null, 0);
		if (null > 2)
			close(null);
	}
	if (out_fd >= 0) {
		dup2(out_fd, 1);
		dup2(out_fd, 2);
	}
	if (j->dir && chdir(j->dir) < 0) {
		fprintf(stderr, "run-limited: %s: %s\n", j->dir, strerror(errno));
		_exit(125);
	}
	if (j->pw)
		become(j->pw);
	/* Should we die without sweeping, the job dies too. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	execvp(j->cmd[0], j->cmd);
	fprintf(stderr, "run-limited: %s: %s\n", j->cmd[0], strerror(errno));
	_exit(125);
}

/* The job as it runs: its pipe's read end (-1: none, or closed) and how
 * it ended. */
struct watch {
	pid_t child;
	int pipe;
	int status, reaped, timed_out;
};

/* Read what the job writes until it ends (and its pipe closes), the
 * limit passes or a stop signal comes. */
static void watch_job(struct watch *w, const struct job *j,
                      struct capture *cap, const sigset_t *old)
{
	double deadline = now() + j->limit, reaped_at = 0;

	for (;;) {
		struct pollfd pfd = { w->pipe, POLLIN, 0 };
		double left = deadline - now();
		struct timespec ts;
		int r;

		if (!w->reaped && waitpid(w->child, &w->status, WNOHANG) == w->child) {
			w->reaped = 1;
			reaped_at = now();
		}
		if (w->reaped && w->pipe < 0)
			return;
		if (stop_signal || left <= 0) {
			w->timed_out = !stop_signal;
			return;
		}
		/* SIGCHLD and the stop signals interrupt the wait (unblocked
		 * only here); without -o there is no fd to poll. */
		if (left > 0.1)
			left = 0.1;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		r = ppoll(w->pipe >= 0 ? &pfd : NULL, w->pipe >= 0, &ts, old);
		if (r > 0) {
			char buf[65536];
			ssize_t n = read(w->pipe, buf, sizeof buf);

			if (n > 0)
				capture_add(cap, buf, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				close(w->pipe);
				w->pipe = -1;
			}
		}
		/* COMMAND ended but something it started still holds the
		 * pipe (quiet, or flooding): a leftover, swept after. */
		if (w->reaped && w->pipe >= 0 && (r == 0 || now() - reaped_at > 1.0))
			return;
	}
}

/* Kill what is left of the job, keep the last of its output. */
static void end_job(struct watch *w, struct capture *cap)
{
	if (!w->reaped || w->timed_out || stop_signal)
		kill(-w->child, SIGKILL);
	sweep(w->child, &w->status, &w->reaped);
	if (!w->reaped && waitpid(w->child, &w->status, 0) == w->child)
		w->reaped = 1;
	if (w->pipe >= 0) {     /* every writer is gone: drain to EOF */
		char buf[65536];
		ssize_t n;

		while ((n = read(w->pipe, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
			if (n > 0)
				capture_add(cap, buf, (size_t)n);
		close(w->pipe);
	}
}

int main(int argc, char *argv[])
{
	struct job j;
	struct capture cap_state = { 0 };
	struct watch w = { .pipe = -1 };
	int pipefd[2] = { -1, -1 };
	pid_t self = getpid();
	struct sigaction sa = { 0 };
	sigset_t block, old;

	parse_options(argc, argv, &j);
	if (j.outfile) {
		cap_state.out = fopen(j.outfile, "w");
		cap_state.head_cap = j.cap / 2;
		cap_state.tail_cap = j.cap - j.cap / 2;
		cap_state.ring = malloc(cap_state.tail_cap);
		if (cap_state.out == NULL || cap_state.ring == NULL
		    || pipe2(pipefd, O_CLOEXEC) < 0) {
			perror(j.outfile);
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

	w.child = fork();
	if (w.child < 0) {
		perror("run-limited: fork");
		return 125;
	}
	if (w.child == 0)
		exec_job(&j, pipefd[1], &old, self);
	setpgid(w.child, w.child);
	if (j.outfile)
		close(pipefd[1]);
	w.pipe = pipefd[0];

	watch_job(&w, &j, &cap_state, &old);
	end_job(&w, &cap_state);
	if (j.outfile) {
		capture_end(&cap_state);
		if (w.timed_out)
			fprintf(cap_state.out, "\n[run-limited: %s did not finish within "
			        "%g s: killed, with everything it started]\n",
			        j.cmd[0], j.limit);
		fclose(cap_state.out);
	}
	if (stop_signal) {
		signal(stop_signal, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		raise(stop_signal);
		return 128 + stop_signal;
	}
	if (w.timed_out) {
		fprintf(stderr, "run-limited: %s: timed out after %g s, killed\n",
		        j.cmd[0], j.limit);
		return 124;
	}
	if (WIFEXITED(w.status))
		return WEXITSTATUS(w.status);
	if (WIFSIGNALED(w.status))
		return 128 + WTERMSIG(w.status);
	return 125;
}
