/*
 * harness.c - starting programs under test, bounded waits, and failure
 * messages that say what was expected, what happened and where to look.
 *
 * Runs inside the forked child check makes for each test.  Everything a
 * test starts stays in that child's process group, so check's kill of the
 * group at a timeout takes it too; grade.c sweeps up anything that escaped
 * (a process that left the group with setsid()).
 */
#define _GNU_SOURCE     /* pidfd via syscall(), close_range, memmem */
#include "harness.h"
#include "grade.h"
#include "guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 64
#define OUTPUT_CAP (16L << 20)   /* RLIMIT_FSIZE: a flood costs its test */
#define MEMORY_CAP (1L << 30)    /* RLIMIT_AS: a runaway allocation too */

static struct proc procs[MAX_PROCS];
static int nprocs;
static int nsteps;

/* ---- surroundings --------------------------------------------------------- */

const char *test_dir(void)
{
	return grade_state.test_dir;
}

char *test_path(const char *name)
{
	char *path;

	if (asprintf(&path, "%s/%s", grade_state.test_dir, name) < 0)
		abort();
	return path;
}

const char *program(const char *name)
{
	static char path[4][4096];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof path[0], "%s/%s", grade_state.bin_dir, name);
	return p;
}

int ms(int base_ms)
{
	return (int)(base_ms * grade_state.multiplier);
}

const char *num_text(long n)
{
	char *text;

	if (asprintf(&text, "%ld", n) < 0)
		abort();
	return text;       /* the test's: freed when the test ends */
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int left_ms(long long deadline)
{
	long long left = deadline - now_ms();

	return left > 0 ? (int)left : 0;
}

void step(const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n = snprintf(line, sizeof line, "%d. ", ++nsteps);

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	grade_append(GF_STEPS, line);
	mark_point();
}

/* ---- quoting -------------------------------------------------------------- */

char *quote(const void *data, size_t len, size_t max)
{
	const unsigned char *p = data;
	size_t n = len < max ? len : max;
	char *out = malloc(n * 4 + 32), *o = out;

	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '\n')
			o += sprintf(o, "\\n");
		else if (c == '\\' || c == '"')
			o += sprintf(o, "\\%c", c);
		else if (c >= 32 && c < 127)
			*o++ = (char)c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	*o++ = '"';
	if (n < len)
		o += sprintf(o, "... (%zu bytes)", len);
	*o = '\0';
	return out;
}

const char *describe_status(int status)
{
	static char text[4][96];
	static int next;
	char *t = text[next++ % 4];

	if (WIFEXITED(status))
		snprintf(t, sizeof text[0], "exited with status %d",
		         WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(t, sizeof text[0], "was killed by SIG%s%s",
		         sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?",
		         WTERMSIG(status) == SIGXFSZ ? " (wrote more than the output limit)"
		         : WTERMSIG(status) == SIGXCPU ? " (used more than its CPU time limit)" : "");
	else
		snprintf(t, sizeof text[0], "changed state (status 0x%x)", status);
	return t;
}

/* ---- files ---------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t size = 0, cap = 4096;
	char *buf = malloc(cap + 1);

	if (fd >= 0) {
		for (;;) {
			ssize_t n;

			if (size == cap)
				buf = realloc(buf, (cap *= 2) + 1);
			n = read(fd, buf + size, cap - size);
			if (n <= 0)
				break;
			size += (size_t)n;
		}
		close(fd);
	}
	buf[size] = '\0';
	if (len)
		*len = size;
	return buf;
}

char *proc_stderr(struct proc *p, size_t *len)
{
	return slurp(p->err_path, len);
}

char *proc_stdout(struct proc *p, size_t *len)
{
	return slurp(p->out_path, len);
}

/* The last LINES lines of TEXT, each prefixed, cut to fit BUDGET bytes. */
static void append_tail(char *out, size_t size, const char *title,
                        const char *text, int lines)
{
	const char *start = text + strlen(text);
	size_t used = strlen(out);
	int seen = 0;

	if (*text == '\0') {
		snprintf(out + used, size - used, "  %s: (nothing)\n", title);
		return;
	}
	if (start > text && start[-1] == '\n')
		start--;
	while (start > text && seen < lines) {
		start--;
		if (*start == '\n')
			seen++;
	}
	if (*start == '\n')
		start++;
	used += snprintf(out + used, size - used, "  %s:\n", title);
	while (*start && used + 8 < size) {
		const char *nl = strchr(start, '\n');
		size_t n = nl ? (size_t)(nl - start) : strlen(start);
		/* a log line as it is, but no control bytes, and not too long */
		used += snprintf(out + used, size - used, "    | ");
		for (size_t i = 0; i < n && i < 300 && used + 8 < size; i++) {
			unsigned char c = (unsigned char)start[i];

			used += (size_t)(c >= 32 && c < 127
			        ? snprintf(out + used, size - used, "%c", c)
			        : snprintf(out + used, size - used, "\\x%02x", c));
		}
		used += snprintf(out + used, size - used, "%s\n",
		                 n > 300 ? "..." : "");
		start += n + (nl != NULL);
	}
}

/* ---- failing -------------------------------------------------------------- */

static void add_guard_report(char *summary, size_t size);

void fail(struct proc *p, const char *fmt, ...)
{
	static char msg[5000];
	char summary[2000];
	va_list ap;
	char *steps;
	size_t used;

	va_start(ap, fmt);
	vsnprintf(summary, sizeof summary, fmt, ap);
	va_end(ap);
	add_guard_report(summary, sizeof summary);

	snprintf(msg, sizeof msg, "%s\n  look at: %s\n", summary,
	         grade_state.todo);
	steps = grade_get(GF_STEPS);
	append_tail(msg, sizeof msg, "steps that led here", steps, 12);
	free(steps);
	for (int i = 0; i < nprocs; i++) {
		struct proc *q = &procs[i];
		char title[160], *err;

		if (p != NULL && q != p)
			continue;   /* the program the failure is about */
		err = proc_stderr(q, NULL);
		if (wait_exit(q, 0))    /* how it ended, if it has */
			snprintf(title, sizeof title, "last lines %s wrote to stderr "
			         "(it has ended: it %s)", q->name,
			         describe_status(q->status));
		else
			snprintf(title, sizeof title, "last lines %s wrote to stderr",
			         q->name);
		append_tail(msg, sizeof msg, title, err, 6);
		free(err);
	}
	used = strlen(msg);
	if (used > 0 && msg[used - 1] == '\n')
		msg[used - 1] = '\0';
	grade_put(GF_DETAIL, msg);
	/* check's own message: one line (TAP and XML break on newlines) */
	for (char *c = summary; *c; c++)
		if (*c == '\n')
			*c = ' ';
	ck_abort_msg("%s", summary);
	abort();        /* not reached: ck_abort_msg does not return */
}

void skip(const char *reason)
{
	grade_skip(reason);
}

void report_note(const char *fmt, ...)
{
	char note[1000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof note, fmt, ap);
	va_end(ap);
	grade_put(GF_NOTE, note);
}

/* Reports of the sanitizers (SANITIZE=1 builds) in a program's stderr. */
static const char *const sanitizer_marks[] = {
	"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: ",
	NULL,
};

/* Under `make memcheck` (SOCKLAB_VALGRIND=1) every program runs under
 * valgrind, its report in its own log file. */
static bool under_valgrind(void)
{
	const char *v = getenv("SOCKLAB_VALGRIND");

	return v != NULL && strcmp(v, "1") == 0;
}

/* The valgrind log of P: fail the test if it reports an error. */
/* --track-fds=yes lists every fd still open at exit ("Open AF_INET
 * socket 3: ...", "Open file descriptor 4: ...") with the stack that
 * opened it; the ones the program was started with say "<inherited from
 * parent>".  The labs' contract: valgrind reports nothing, so a socket
 * still open when the program exits, on any path, fails the test
 * (valgrind itself counts it as an error only from 3.23 on). */
static void check_open_fds(struct proc *p, const char *log)
{
	for (const char *at = strstr(log, "== Open "); at != NULL;
	     at = strstr(at + 1, "== Open ")) {
		const char *what = at + 3, *eol = strchr(what, '\n');
		const char *next = eol ? strstr(eol, "== ") : NULL;
		char report[400];
		int len = eol ? (int)(eol - what) : (int)strlen(what);

		if (next && strncmp(next + 3, "   <inherited from parent>", 26) == 0)
			continue;
		snprintf(report, sizeof report, "%.*s", len < 200 ? len : 200, what);
		/* the stack that opened it: the first three frames */
		for (int frame = 0; frame < 3 && next && (eol = strchr(next, '\n'))
		     && strncmp(next + 3, "   ", 3) == 0; frame++) {
			snprintf(report + strlen(report), sizeof report - strlen(report),
			         "\n      %.*s", (int)(eol - next - 6 < 100
			         ? eol - next - 6 : 100), next + 6);
			next = strstr(eol, "== ");
		}
		fail(p, "expected %s to close every socket and file it opened "
		     "before it exits, on every path (valgrind --track-fds=yes); "
		     "still open at exit:\n    %s", p->name, report);
	}
}

static void check_valgrind_log(struct proc *p)
{
	char *path, *log;
	const char *summary;
	int errors = 0;

	if (asprintf(&path, "%s.vg", p->err_path) < 0)
		abort();
	log = slurp(path, NULL);
	summary = strstr(log, "ERROR SUMMARY: ");
	if (summary != NULL)
		errors = atoi(summary + strlen("ERROR SUMMARY: "));
	if (errors > 0) {
		static const char *const kinds[] = { "Invalid ", "uninitialised",
			"definitely lost", "indirectly lost", "Syscall param",
			"Mismatched", "overlap", "Conditional jump", NULL };
		const char *first = NULL;
		char report[900] = "";

		for (int k = 0; kinds[k]; k++) {
			const char *hit = strstr(log, kinds[k]);

			if (hit && (first == NULL || hit < first))
				first = hit;
		}
		/* the error and the top of its stack, without valgrind's
		 * "==PID== " prefixes */
		for (int lines = 0; first && *first && lines < 6; lines++) {
			size_t n = strcspn(first, "\n"), used = strlen(report);

			snprintf(report + used, sizeof report - used, "\n    %.*s",
			         (int)(n < 140 ? n : 140), first);
			first += n + (first[n] == '\n');
			if (strstr(first, "== ") && strstr(first, "== ") < first + 20)
				first = strstr(first, "== ") + 3;
		}
		fail(p, "expected valgrind to find no memory errors or leaks in "
		     "%s; it found %d:%s", p->name, errors, report);
	}
	check_open_fds(p, log);
	free(log);
	free(path);
}

/* Processes that programs under test forked and left behind when they
 * exited: as orphans they were handed to the runner (a child subreaper,
 * see grade.c), so they are the runner's children other than us. */
static int count_orphans(void)
{
	pid_t pids[512];
	int n = children_of(getppid(), pids, 512), orphans = 0;

	for (int i = 0; i < n; i++) {
		char state = process_state(pids[i], NULL);

		if (pids[i] != getpid() && state != 0 && state != 'Z')
			orphans++;
	}
	return orphans;
}

/* Where a failure starts: what the exec guard caught comes first, as it
 * explains whatever else went wrong. */
static void add_guard_report(char *summary, size_t size)
{
	const char *caught = grade_state.guard ? guard_report() : "";
	char rest[2000];

	if (*caught == '\0')
		return;
	snprintf(rest, sizeof rest, "%s", summary);
	if (snprintf(summary, size, "%.*s. Then: %s",
	             (int)strcspn(caught, "\n"), caught, rest) >= (int)size)
		summary[size - 1] = '\0';     /* cut: the start says it */
}

void harness_finish(void)
{
	int orphans = count_orphans();

	if (grade_state.guard) {
		int forked = guard_forked_alive(ms(2000));

		if (*guard_report() != '\0')
			fail(NULL, "expected the programs under test to run no "
			     "other program");
		if (forked != 0)    /* -1: no answer, fail closed */
			orphans = forked < 0 ? 1 : forked;
	}
	if (orphans > 0)
		fail(NULL, "LEFTOVER: %d process%s forked by the programs under test "
		     "%s still running at the end of the test (a child never "
		     "waited for, or a daemon); the grader kills them", orphans,
		     orphans == 1 ? "" : "es", orphans == 1 ? "was" : "were");
	for (int i = 0; i < nprocs; i++) {
		char *err;

		if (under_valgrind()) {
			/* A report is written only at a normal exit: stop the
			 * program with SIGTERM rather than let check kill it. */
			stop(&procs[i], ms(5000));
			check_valgrind_log(&procs[i]);
		}
		err = proc_stderr(&procs[i], NULL);

		for (int m = 0; sanitizer_marks[m]; m++) {
			const char *hit = strstr(err, sanitizer_marks[m]);

			if (hit != NULL) {
				char *line = quote(hit, strcspn(hit, "\n"), 200);

				fail(&procs[i], "expected no memory errors or undefined "
				     "behaviour; %s reported: %s", procs[i].name, line);
			}
		}
		free(err);
	}
}

/* ---- running programs ----------------------------------------------------- */

static void shell_quote(char *out, size_t size, const char *arg)
{
	size_t used = strlen(out);

	if (arg[0] != '\0' && strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%") == strlen(arg)) {
		snprintf(out + used, size - used, " %s", arg);
		return;
	}
	snprintf(out + used, size - used, " '");
	for (const char *c = arg; *c; c++) {
		used = strlen(out);
		if (*c == '\'')
			snprintf(out + used, size - used, "'\\''");
		else
			snprintf(out + used, size - used, "%c", *c);
	}
	used = strlen(out);
	snprintf(out + used, size - used, "'");
}

/* As root: the program runs as the student's uid (and gid, no groups),
 * which can write only its test dir, with a cap on that uid's processes
 * (every lab of the submission at once).  Each step is checked: a program
 * that would run as root is not run. */
static void become_student(void)
{
	uid_t uid = (uid_t)grade_state.uid;
	struct rlimit nproc = { 300, 300 };

	if (setrlimit(RLIMIT_NPROC, &nproc) < 0 || setgroups(0, NULL) < 0
	    || setgid((gid_t)uid) < 0 || setuid(uid) < 0 || getuid() != uid
	    || geteuid() != uid) {
		dprintf(2, "grader: cannot become uid %d: %s\n", (int)uid,
		        strerror(errno));
		_exit(127);
	}
}

/* In the child, between fork and exec: the program starts as the grader
 * promises (INSTRUCTORS.md, "Grading"): SIGPIPE at its default, nothing
 * blocked, only fds 0-2 open, limits on CPU, output size and, if asked,
 * open files. */
static void exec_child(const char *path, char **argv, const struct run_opts *o,
                       int in_fd, int out_fd, int err_fd, const char *vg_log)
{
	struct rlimit cpu = { 20, 20 }, fsize = { OUTPUT_CAP, OUTPUT_CAP },
	              nofile = { 256, 256 }, as = { MEMORY_CAP, MEMORY_CAP };
	sigset_t none;
	int i;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_FSIZE, &fsize);
	/* valgrind keeps fds of its own above the limit: no low limit under
	 * it (its --track-fds reports leaked fds instead) */
	if (o->max_fds > 0 && vg_log == NULL)
		nofile.rlim_cur = nofile.rlim_max = (rlim_t)o->max_fds;
	setrlimit(RLIMIT_NOFILE, &nofile);
	/* ASan's shadow memory and valgrind need far more address space */
	if (!grade_state.sanitized && vg_log == NULL)
		setrlimit(RLIMIT_AS, &as);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(127);
	if (grade_state.uid >= 0)
		become_student();
	/* check's result pipe and our own fds must not leak into the program */
	if (syscall(SYS_close_range, 3U, ~0U, 0) < 0)
		for (i = 3; i < 1024; i++)
			close(i);
	if (o->preload != NULL) {
		const char *asan = getenv("ASAN_OPTIONS");
		char *both;

		setenv("LD_PRELOAD", o->preload, 1);
		/* ASan wants to be first; the shim only wraps a few calls.
		 * What the grader's environment asks of ASan still holds. */
		if (asprintf(&both, "%s%sverify_asan_link_order=0", asan ? asan
		             : "", asan && *asan ? ":" : "") < 0)
			_exit(127);
		setenv("ASAN_OPTIONS", both, 1);
	}
	/* its temporary files (valgrind's too) go in its test dir, the one
	 * place its uid may write */
	setenv("TMPDIR", test_dir(), 1);
	unsetenv("SOCKTRACE");  /* no socket recorder (make trace's) here */
	for (i = 0; o->env != NULL && o->env[i] != NULL; i++)
		putenv((char *)o->env[i]);
	if (vg_log != NULL) {
		char *vg[80], *log;
		int n = 0;

		if (asprintf(&log, "--log-file=%s", vg_log) < 0)
			_exit(127);
		vg[n++] = "valgrind";
		vg[n++] = "--leak-check=full";
		vg[n++] = "--errors-for-leak-kinds=definite,indirect";
		vg[n++] = "--track-fds=yes";
		vg[n++] = "--error-exitcode=99";
		vg[n++] = log;
		for (int a = 0; argv[a] && n < 79; a++)
			vg[n++] = argv[a];
		vg[n] = NULL;
		execvp("valgrind", vg);
		dprintf(2, "grader: cannot run valgrind: %s\n", strerror(errno));
		_exit(127);
	}
	execv(path, argv);
	dprintf(2, "grader: cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Fork and exec the program; with the exec guard on (guard.h), the child
 * waits until the guard has seized it, so that its own execve is the first
 * thing the guard sees. */
static pid_t start_watched(const char *path, char **argv,
                           const struct run_opts *o, int in_fd, int out_fd,
                           int err_fd, const char *vg_log)
{
	bool watched = grade_state.guard && vg_log == NULL;
	int go[2] = { -1, -1 };
	pid_t pid;
	char c;

	if (watched)
		ck_assert_msg(guard_start() && pipe2(go, O_CLOEXEC) == 0,
		              "harness: cannot start the exec guard: %s",
		              strerror(errno));
	pid = fork();
	ck_assert_msg(pid >= 0, "harness: fork: %s", strerror(errno));
	if (pid == 0) {
		if (watched) {
			prctl(PR_SET_PTRACER, guard_pid());
			if (read(go[0], &c, 1) != 1)
				_exit(127);
		}
		exec_child(path, argv, o, in_fd, out_fd, err_fd, vg_log);
	}
	if (watched) {
		bool seized = guard_seize(pid, ms(2000));

		if (!seized)
			kill(pid, SIGKILL);
		else if (write(go[1], "", 1) != 1)
			seized = false;
		close(go[0]);
		close(go[1]);
		ck_assert_msg(seized, "harness: the exec guard could not trace %s",
		              path);
	}
	return pid;
}

struct proc *run(const char *name, const struct run_opts *opts, ...)
{
	static const struct run_opts defaults;
	const struct run_opts *o = opts ? opts : &defaults;
	struct run_opts shimmed;
	char *argv[64];
	const char *path = program(name);
	struct proc *p;
	char *vg_log = NULL;
	int argc = 0, in_fd, out_fd, err_fd, pipe_in[2] = { -1, -1 },
	    pipe_out[2] = { -1, -1 };
	va_list ap;

	ck_assert_msg(nprocs < MAX_PROCS, "harness: too many programs");
	p = &procs[nprocs++];
	memset(p, 0, sizeof *p);
	p->name = name;
	p->in = p->out = -1;

	argv[argc++] = (char *)path;
	va_start(ap, opts);
	for (char *a; argc < 63 && (a = va_arg(ap, char *)) != NULL;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;

	snprintf(p->cmd, sizeof p->cmd, "%s", path);
	for (int i = 1; i < argc; i++)
		shell_quote(p->cmd, sizeof p->cmd, argv[i]);

	if (o->short_writes) {
		shimmed = *o;
		shimmed.preload = grade_preload("shortwrite");
		o = &shimmed;
	}
	if (asprintf(&p->out_path, "%s/%s-%d.out", grade_state.test_dir, name,
	             nprocs) < 0
	    || asprintf(&p->err_path, "%s/%s-%d.err", grade_state.test_dir, name,
	                nprocs) < 0)
		abort();
	if (o->stdin_pipe) {
		ck_assert(pipe2(pipe_in, O_CLOEXEC) == 0);
		in_fd = pipe_in[0];
		p->in = pipe_in[1];
	} else {
		in_fd = open(o->stdin_file ? o->stdin_file : "/dev/null",
		             O_RDONLY | O_CLOEXEC);
	}
	if (o->stdout_pipe) {
		ck_assert(pipe2(pipe_out, O_CLOEXEC) == 0);
		out_fd = pipe_out[1];
		p->out = pipe_out[0];
	} else {
		out_fd = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		              0600);
	}
	err_fd = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(in_fd >= 0 && out_fd >= 0 && err_fd >= 0,
	              "harness: cannot set up files: %s", strerror(errno));

	if (under_valgrind() && asprintf(&vg_log, "%s.vg", p->err_path) < 0)
		abort();
	p->pid = start_watched(path, argv, o, in_fd, out_fd, err_fd, vg_log);
	free(vg_log);
	close(in_fd);
	close(out_fd);
	close(err_fd);
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	ck_assert_msg(p->pidfd >= 0, "harness: pidfd_open: %s", strerror(errno));
	step("%s%s%s%s", p->cmd,
	     o->stdin_file ? " < " : "", o->stdin_file ? o->stdin_file : "",
	     o->short_writes ? "   (socket writes cut short by the grader's shim)" : "");
	return p;
}

struct proc *run_words(const struct run_opts *opts, const char *words)
{
	/* The test's, freed when the test ends: P keeps its name. */
	char *copy = strdup(words), *argv[8] = { NULL }, *save;
	int n = 0;

	for (char *w = strtok_r(copy, " ", &save); w != NULL && n < 7;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w[0] == '@' ? test_path(w + 1) : w;
	return run(argv[0], opts, argv[1], argv[2], argv[3], argv[4], argv[5],
	           argv[6], NULL);
}

bool wait_exit(struct proc *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

	if (p->reaped)
		return true;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return false;
	if (waitpid(p->pid, &p->status, 0) == p->pid)
		p->reaped = true;
	return p->reaped;
}

bool running(struct proc *p)
{
	return !wait_exit(p, 0);
}

void send_signal(struct proc *p, int sig, const char *to)
{
	kill(p->pid, sig);
	step("sent SIG%s to %s", sigabbrev_np(sig), to);
}

void kill_proc(struct proc *p)
{
	if (p->reaped)
		return;
	kill(p->pid, SIGKILL);
	wait_exit(p, -1);
}

bool stop(struct proc *p, int timeout_ms)
{
	if (p->reaped)
		return false;
	kill(p->pid, SIGTERM);
	if (wait_exit(p, timeout_ms))
		return true;
	kill_proc(p);
	return false;
}

void expect_exit(struct proc *p, int code, int timeout_ms, const char *why)
{
	if (!wait_exit(p, timeout_ms)) {
		kill_proc(p);
		fail(p, "expected %s to exit with status %d (%s); it was still "
		     "running after %d ms, so the grader killed it",
		     p->name, code, why, timeout_ms);
	}
	if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != code)
		fail(p, "expected %s to exit with status %d (%s); it %s",
		     p->name, code, why, describe_status(p->status));
}

void expect_usage_error_naming(struct proc *p, const char *what)
{
	char *err, *first_end;
	int lines = 0;

	expect_exit(p, 2, ms(2000), "bad arguments: a usage error");
	err = proc_stderr(p, NULL);
	for (const char *c = err; *c; c++)
		lines += *c == '\n';
	if (strstr(err, "usage") == NULL)
		fail(p, "expected a usage line on stderr for bad arguments; got "
		     "none");
	if (lines != 2)
		fail(p, "expected two lines on stderr for bad arguments: what was "
		     "wrong, then the usage line; got %d (getopt(3) prints a "
		     "message of its own unless the option string starts with "
		     "':')", lines);
	first_end = strchr(err, '\n');
	*first_end = '\0';
	if (what != NULL && strstr(err, what) == NULL)
		fail(p, "expected the message to name %s, what was wrong; it says "
		     "\"%s\"", what, err);
	free(err);
}

void expect_usage_error(struct proc *p)
{
	expect_usage_error_naming(p, NULL);
}

void expect_usage_errors(const char *const cases[])
{
	for (int i = 0; cases[i] != NULL; i++)
		expect_usage_error(run_words(NULL, cases[i]));
}

const char *find_line(const char *text, const char *prefix, bool at_start)
{
	size_t plen = strlen(prefix);

	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');

		if (nl == NULL)
			return NULL;    /* a line counts once it is complete */
		if (at_start ? strncmp(line, prefix, plen) == 0
		             : memmem(line, (size_t)(nl - line), prefix, plen) != NULL)
			return line;
		line = nl + 1;
	}
	return NULL;
}

/* What a wait on one of P's files is waiting for. */
struct file_wait {
	const char *path;
	bool (*done)(const char *text, size_t len, const struct file_wait *w);
	const char *prefix;     /* a line with this, at its start if AT_START */
	bool at_start;
	size_t size;            /* or this many bytes */
	const char *found;      /* out: the matched line (its rest if AT_START) */
};

static bool has_line(const char *text, size_t len, const struct file_wait *w)
{
	const char *line = find_line(text, w->prefix, w->at_start);

	(void)len;
	if (line != NULL && w->at_start)
		line += strlen(w->prefix);      /* the rest of the line */
	return (((struct file_wait *)w)->found = line) != NULL;
}

static bool has_size(const char *text, size_t len, const struct file_wait *w)
{
	(void)text;
	return len >= w->size;
}

/* Wait until W->done() holds for the file's contents, P exits, or the
 * deadline passes.  inotify tells when the file changes: no polling
 * loop, no sleeps.  Returns the contents (allocated) if done, else NULL
 * in *TEXT_OUT's place. */
static bool wait_file(struct proc *p, struct file_wait *w, int timeout_ms,
                      char **text_out)
{
	long long deadline = now_ms() + timeout_ms;
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	bool done = false;
	char *text = NULL;
	size_t len;

	ck_assert_msg(ino >= 0, "harness: inotify: %s", strerror(errno));
	inotify_add_watch(ino, w->path, IN_MODIFY);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = ino, .events = POLLIN },
		                         { .fd = p->pidfd, .events = POLLIN } };
		char events[4096];
		bool exited;

		free(text);
		text = slurp(w->path, &len);
		if ((done = w->done(text, len, w)) || left_ms(deadline) == 0)
			break;
		exited = p->reaped;
		if (!exited && poll(pfd, 2, left_ms(deadline)) > 0) {
			while (read(ino, events, sizeof events) > 0)
				;
			exited = pfd[1].revents != 0;
		}
		if (exited) {
			wait_exit(p, -1);
			free(text);
			text = slurp(w->path, &len);
			done = w->done(text, len, w);
			break;
		}
	}
	close(ino);
	*text_out = text;
	return done;
}

static const char *wait_line(struct proc *p, const char *prefix, bool at_start,
                             int timeout_ms, char **text_out)
{
	struct file_wait w = { .path = p->err_path, .done = has_line,
	                       .prefix = prefix, .at_start = at_start };

	return wait_file(p, &w, timeout_ms, text_out) ? w.found : NULL;
}

bool wait_stdout_size(struct proc *p, size_t size, int timeout_ms)
{
	struct file_wait w = { .path = p->out_path, .done = has_size,
	                       .size = size };
	char *text;
	bool done = wait_file(p, &w, timeout_ms, &text);

	free(text);
	return done;
}

const char *wait_ready(struct proc *p)
{
	char *text;
	const char *rest = wait_line(p, "listening on ", true, ms(3000), &text);

	if (rest == NULL) {
		if (p->reaped)
			fail(p, "expected %s to print \"listening on ADDRESS\" once "
			     "ready; it %s first", p->name,
			     describe_status(p->status));
		kill_proc(p);
		fail(p, "expected %s to print the line \"listening on ADDRESS\" "
		     "once its socket is ready; nothing within %d ms", p->name,
		     ms(3000));
	}
	snprintf(p->ready_addr, sizeof p->ready_addr, "%.*s",
	         (int)strcspn(rest, "\n"), rest);
	free(text);
	step("%s is ready: listening on %s", p->name, p->ready_addr);
	return p->ready_addr;
}

int peek_sockets(struct proc *p, int *fds, int *theirs, int max)
{
	char dir[64];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)p->pid);
	if (p->reaped || (d = opendir(dir)) == NULL)
		return 0;
	while (n < max && (e = readdir(d)) != NULL) {
		struct stat st;
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		fd = (int)syscall(SYS_pidfd_getfd, p->pidfd, atoi(e->d_name), 0);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
			if (theirs != NULL)
				theirs[n] = atoi(e->d_name);
			fds[n++] = fd;
		} else {
			close(fd);
		}
	}
	closedir(d);
	return n;
}

bool wait_stderr_line(struct proc *p, const char *text, int timeout_ms)
{
	char *all;
	bool found = wait_line(p, text, false, timeout_ms, &all) != NULL;

	free(all);
	return found;
}

void expect_logged(struct proc *p, const char *why, const char *fmt, ...)
{
	char text[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (!wait_stderr_line(p, text, ms(1000)))
		fail(p, "expected %s to log a line with \"%s\" (%s); none within %d "
		     "ms%s", p->name, text, why, ms(1000),
		     running(p) ? "" : ", and it has ended");
}

bool stderr_has(struct proc *p, const char *text)
{
	char *err = proc_stderr(p, NULL);
	bool found = strstr(err, text) != NULL;

	free(err);
	return found;
}

char *stderr_line(struct proc *p, const char *text)
{
	char *err = proc_stderr(p, NULL);
	const char *line = find_line(err, text, false);
	char *copy = line ? strndup(line, strcspn(line, "\n")) : NULL;

	free(err);
	return copy;
}

void expect_stdout(struct proc *p, const char *want, const char *hint)
{
	size_t len, wlen = strlen(want), i;
	char *got = proc_stdout(p, &len);

	if (len == wlen && memcmp(got, want, wlen) == 0) {
		free(got);
		return;
	}
	if (len <= 200 && wlen <= 200)
		fail(p, "expected the %s's stdout to be %s; it is %s%s%s", p->name,
		     quote(want, wlen, 200), quote(got, len, 200),
		     hint ? " - " : "", hint ? hint : "");
	i = same_prefix(got, len, want, wlen);
	fail(p, "expected the %s's stdout to be %s; it has %zu bytes, the same "
	     "up to byte %zu, then %s where %s was expected%s%s", p->name,
	     quote(want, wlen, 60), len, i, quote(got + i, len - i, 40),
	     quote(want + i, wlen - i, 40), hint ? " - " : "", hint ? hint : "");
}

/* ---- the test's own sockets ----------------------------------------------- */

int wait_io(int fd, bool want_write, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = want_write ? POLLOUT : POLLIN };
	long long deadline = now_ms() + timeout_ms;
	int n;

	do
		n = poll(&pfd, 1, left_ms(deadline));
	while (n < 0 && errno == EINTR);
	return n > 0 ? 1 : 0;
}

int wait_io_or_exit(struct proc *p, int fd, bool want_write, int timeout_ms)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = want_write ? POLLOUT : POLLIN },
		{ .fd = p->pidfd, .events = POLLIN },
	};
	long long deadline = now_ms() + timeout_ms;
	int n;

	do
		n = poll(pfd, p->reaped ? 1 : 2, left_ms(deadline));
	while (n < 0 && errno == EINTR);
	if (n > 0 && pfd[0].revents != 0)
		return 1;
	if (n > 0 || p->reaped) {
		wait_exit(p, -1);
		return -1;
	}
	return 0;
}

char *read_lines(int fd, unsigned count, size_t *len, bool *eof_seen,
                 int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	size_t size = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	unsigned seen = 0;
	bool eof = false;

	while (seen < count && wait_io(fd, false, left_ms(deadline))) {
		ssize_t n;

		if (size == cap)
			buf = realloc(buf, (cap *= 2) + 1);
		n = read(fd, buf + size, cap - size);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			eof = n == 0;
			break;
		}
		for (ssize_t i = 0; i < n; i++)
			seen += buf[size + (size_t)i] == '\n';
		size += (size_t)n;
	}
	buf[size] = '\0';
	*len = size;
	if (eof_seen != NULL)
		*eof_seen = eof;
	return buf;
}

char *read_until_eof(int fd, size_t *len, bool *eof_seen, int timeout_ms)
{
	return read_lines(fd, UINT_MAX, len, eof_seen, timeout_ms);
}

int write_fully(int fd, const void *buf, size_t len, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	const char *p = buf;

	while (len > 0) {
		ssize_t n;

		if (!wait_io(fd, true, left_ms(deadline)))
			return -1;
		n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

long unread_bytes(int fd)
{
	int n = 0;

	if (fd < 0)
		return 0;
	return ioctl(fd, FIONREAD, &n) < 0 ? -1 : n;
}

int accept_client(struct proc *p, int lfd, int flags, int timeout_ms,
                  const char *hint)
{
	int ready = wait_io_or_exit(p, lfd, false, timeout_ms), fd;

	if (ready < 0)
		fail(p, "expected the %s to connect to the test's server; it %s "
		     "without connecting%s%s", p->name, describe_status(p->status),
		     hint ? ": " : "", hint ? hint : "");
	if (ready == 0)
		fail(p, "expected the %s to connect to the test's server; no "
		     "connection within %d ms%s%s", p->name, timeout_ms,
		     hint ? ": " : "", hint ? hint : "");
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | flags);
	ck_assert_msg(fd >= 0, "test: accept: %s", strerror(errno));
	return fd;
}

size_t same_prefix(const void *a, size_t alen, const void *b, size_t blen)
{
	const char *x = a, *y = b;
	size_t i = 0;

	while (i < alen && i < blen && x[i] == y[i])
		i++;
	return i;
}

void expect_same(struct proc *p, const char *what, const void *got,
                 size_t glen, const void *want, size_t wlen,
                 const char *hint)
{
	size_t i = same_prefix(got, glen, want, wlen);
	size_t from = i > 20 ? i - 20 : 0;
	char *g, *w;

	if (glen == wlen && i == wlen)
		return;
	g = quote((const char *)got + from, glen - from, 60);
	w = quote((const char *)want + from, wlen - from, 60);
	fail(p, "expected %s of %zu bytes; got %zu bytes, which differ from "
	     "byte %zu on: expected %s%s, got %s%s%s%s", what, wlen, glen, i,
	     from ? "..." : "", w, from ? "..." : "", glen ? g : "nothing",
	     hint ? " " : "", hint ? hint : "");
}

char *write_file(const char *name, const void *data, size_t len)
{
	char *path = test_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert_msg(fd >= 0 && write(fd, data, len) == (ssize_t)len,
	              "test: cannot write %s: %s", path, strerror(errno));
	close(fd);
	return path;
}

void close_stdout(struct proc *p)
{
	close(p->out);
	p->out = -1;
	step("closed the read end of the %s's stdout pipe: its writes to "
	     "stdout fail with EPIPE, or kill it with SIGPIPE", p->name);
}

void expect_epipe_reported(struct proc *p)
{
	if (!stderr_has(p, strerror(EPIPE)))
		fail(p, "expected the %s to say why it stopped, like \"%s: "
		     "writing stdout: %s\"; its stderr does not name the error",
		     p->name, p->name, strerror(EPIPE));
}

void fill_pattern(void *buf, size_t len, unsigned seed)
{
	unsigned char *p = buf;
	uint32_t x = seed * 2654435761u + 1;

	/* Four bytes per step of xorshift32: tests fill megabytes. */
	for (size_t i = 0; i < len; i += sizeof x) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(p + i, &x, len - i < sizeof x ? len - i : sizeof x);
	}
	for (size_t i = 0; i < len; i += 97)
		p[i] = 0;               /* NULs: data is not a string */
	for (size_t i = 0; i < len; i += 89)
		p[i] = 0xff;
}

void upper(void *buf, size_t len)
{
	char *p = buf;

	for (size_t i = 0; i < len; i++)
		if (p[i] >= 'a' && p[i] <= 'z')
			p[i] = (char)(p[i] - 'a' + 'A');
}

bool ephemeral_ports(unsigned *low, unsigned *high)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	bool known = f != NULL && fscanf(f, "%u %u", low, high) == 2;

	if (f != NULL)
		fclose(f);
	return known;
}

/* A port in 10000 up to the ephemeral range, where no other program's
 * bind(port 0) or connect() lands between this check and the program's
 * own bind; if that range is too small, one the kernel picks. */
uint16_t free_port(int family, int type)
{
	unsigned low, high, span;
	unsigned seed = (unsigned)getpid() * 2654435761u ^ (unsigned)now_ms();

	/* Below the first port the kernel hands out by itself, a port is
	 * taken only by whoever asks for it by number. */
	if (!ephemeral_ports(&low, &high))
		low = 32768;
	span = low > 11000 ? low - 10000 : 0;
	for (int tries = 0; tries < 50; tries++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof ss;
		uint16_t port = span ? (uint16_t)(10000 + (seed = seed * 1103515245u
		                                  + 12345) % span) : 0;
		int fd = socket(family, type, 0);

		ck_assert_msg(fd >= 0, "harness: socket: %s", strerror(errno));
		memset(&ss, 0, sizeof ss);
		ss.ss_family = (sa_family_t)family;
		if (family == AF_INET) {
			((struct sockaddr_in *)&ss)->sin_addr.s_addr =
				htonl(INADDR_LOOPBACK);
			((struct sockaddr_in *)&ss)->sin_port = htons(port);
		} else {
			/* [::], both families (some machines lack ::1): a
			 * port free for a dual-stack server too */
			int off = 0;

			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
			((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_any;
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		}
		if (bind(fd, (struct sockaddr *)&ss, family == AF_INET
		         ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) < 0
		    || getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
			close(fd);
			continue;
		}
		close(fd);
		port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
		                               : ((struct sockaddr_in6 *)&ss)->sin6_port);
		if ((port >> 8) != (port & 0xff))
			return port;
	}
	ck_abort_msg("harness: no free port found");
	return 0;
}

/* PROGRAM --help: exit 0 with its usage on stdout, a line "usage:
 * PROGRAM ..." (a request, not a mistake: no usage error). */
void expect_help(const char *program)
{
	struct proc *p = run(program, NULL, "--help", NULL);
	char want[32], *out, *at;

	expect_exit(p, 0, ms(2000), "--help asks for the usage: not an error");
	out = proc_stdout(p, NULL);
	snprintf(want, sizeof want, "usage: %s ", program);
	for (at = strstr(out, want); at != NULL && at != out && at[-1] != '\n';
	     at = strstr(at + 1, want))
		;
	if (at == NULL)
		fail(p, "expected the usage on stdout, a line starting \"%s\" "
		     "(stdout, not stderr: \"%s --help | less\" must work); "
		     "stdout is %s", want, program, quote(out, strlen(out), 80));
	free(out);
}
