/*
 * grade.c - the runner every lab's suite links with: runs the table of
 * tests, one check TCase per test, each in its own forked child, and
 * scores them from the table, failing closed.
 *
 * Usage: grade [--list | --todos] [--robust] [--sanitized] [--only NAME] [--bin DIR]
 *              [--preload DIR] [--uid UID] [--tally FILE] [--json FILE]
 *              [--verdicts FILE] [--tap FILE] [--xml FILE] [--diagnosis FILE]
 *
 * --sanitized says they are built with the sanitizers (SANITIZE=1).
 * --bin names the directory of the programs under test (server, client;
 * default: beside the grader); --uid, as root, the uid they run as: the
 * grader itself never links or runs the student's code (guard.h).
 * --diagnosis names the verdicts of the lab's diagnosis (hints.h): they
 * choose which TODO a failure's "look at:" names, never a score.
 *
 * Output (LAB_GUIDE.md, "How you are graded"): a line per test as it
 * finishes (PASS/FAIL/SKIP, name, points) with the reason under a
 * failure, then "lab NN (title): S/M".
 * --robust runs the robustness suite (robust.h) instead: the attacks for
 * the lab's kind of server, each reported with what it threw, then
 * "lab NN (title): S/M attacks survived".
 * --tally appends one machine line for grade-all.sh ("NN title score max
 * passed failed skipped skipped_points graded timeouts crashes"); --json appends
 * Gradescope test objects (results-json.h).  --verdicts appends one line per
 * test as it is scored, "NN II name points max verdict" (II its place in
 * the table, verdict PASS, FAIL or SKIP): grade-class's per-test
 * statistics read it, never what the programs print.
 * Exit 0 only at full marks.
 *
 * What this relies on in check (0.15.2, its check_run.c): fork mode kills
 * the test's process group after each test; a test that exit(0)s counts
 * as passed unless we look further (the done file); unchecked fixtures
 * run in this process, before and after each TCase, so the teardown can
 * report each test as soon as it ends.
 */
#define _GNU_SOURCE     /* sigabbrev_np, nftw flags */
#include "grade.h"
#include "guard.h"
#include "hints.h"
#include "results-json.h"
#include "robust.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/fsuid.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

struct grade_state grade_state;

static SRunner *runner;
static char run_root[128];
static char lab_dir_name[128];     /* "01-unix-stream" */
static FILE *json_out, *verdicts_out;
static bool colour, robust;
/* The table being run: the lab's graded tests, or the attacks. */
static const struct graded_test *tests;
static size_t ntests;
static int score, max_score, passed, failed, skipped, skipped_points;
static int timeouts, crashes;     /* of the failed tests */

/* ---- files shared with the test child --------------------------------------- */

/* The runner's side: a file's text, NULL if it is missing or empty. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	if (f == NULL)
		return NULL;
	n = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (n <= 0) {
		free(text);
		return NULL;
	}
	return text;
}

void grade_put(enum grade_file file, const char *text)
{
	int fd = grade_state.fd[file];

	if (ftruncate(fd, 0) == 0 && pwrite(fd, text, strlen(text), 0) < 0)
		return;     /* nothing better to do */
}

void grade_append(enum grade_file file, const char *text)
{
	/* O_APPEND: one write(2) a line, whole even if the test is killed */
	if (write(grade_state.fd[file], text, strlen(text)) < 0)
		return;
}

char *grade_get(enum grade_file file)
{
	int fd = grade_state.fd[file];
	off_t size = lseek(fd, 0, SEEK_END);
	char *text = malloc(size > 0 ? (size_t)size + 1 : 1);
	ssize_t n = size > 0 ? pread(fd, text, (size_t)size, 0) : 0;

	text[n > 0 ? n : 0] = '\0';
	return text;
}

void grade_skip(const char *reason)
{
	grade_put(GF_SKIP, reason);
	_exit(0);
}

const char *grade_preload(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/preload-%s.so", grade_state.preload_dir,
	         name);
	return path;
}

/* ---- fixtures ------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char process_state(pid_t pid, pid_t *pgid)
{
	char path[64], buf[512], *paren, state = 0;
	pid_t group;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (!fgets(buf, sizeof buf, f) || (paren = strrchr(buf, ')')) == NULL
	    || sscanf(paren + 2, "%c %*d %d", &state, &group) != 2)
		state = 0;
	else if (pgid != NULL)
		*pgid = group;
	fclose(f);
	return state;
}

/* The children of PARENT (a process of one thread), at most MAX, in PIDS.
 * /proc/PID/task/PID/children lists them at once; where the kernel lacks
 * it (CONFIG_PROC_CHILDREN), every process's stat is read for its parent.
 * The list is read whole: a test runs it when its programs are gone (or
 * after killing them) and nothing new is starting. */
int children_of(pid_t parent, pid_t *pids, int max)
{
	char path[64], buf[512], *paren;
	int found = 0, pid;
	FILE *f;
	DIR *proc;
	struct dirent *e;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)parent,
	         (int)parent);
	if ((f = fopen(path, "r")) != NULL) {
		while (found < max && fscanf(f, "%d", &pid) == 1)
			pids[found++] = pid;
		fclose(f);
		return found;
	}
	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while (found < max && (e = readdir(proc)) != NULL) {
		int ppid;

		if ((pid = atoi(e->d_name)) <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof buf, f) && (paren = strrchr(buf, ')'))
		    && sscanf(paren + 2, "%*c %d", &ppid) == 1 && ppid == parent)
			pids[found++] = pid;
		fclose(f);
	}
	closedir(proc);
	return found;
}

/* Our children now (as a subreaper, whatever was handed to us too):
 * each is killed, and stored in PIDS (at most MAX).  *ESCAPED counts
 * those alive outside the test's process group. */
static int kill_children(pid_t test_pgid, pid_t *pids, int max, int *escaped)
{
	int found = children_of(getpid(), pids, max);

	for (int i = 0; i < found; i++) {
		pid_t pgid = 0;
		char state = process_state(pids[i], &pgid);

		kill(pids[i], SIGKILL);
		if (state != 0 && state != 'Z' && pgid != test_pgid)
			(*escaped)++;
	}
	return found;
}

/* Kill and reap every process still descending from us: as a child
 * subreaper we inherit whatever a test started and left behind, even
 * what called setsid() to escape check's kill of the process group.
 * Every wait is bounded: each killed child is awaited on its pidfd until
 * a deadline, never with a waitpid() that could block on a process
 * handed to us later (that one is the next round's).  Returns how many
 * had escaped: alive, and not in the test's process group (those are
 * dying from check's kill, not left behind). */
static int sweep_leftovers(pid_t test_pgid)
{
	struct timespec ts;
	long long deadline;
	int escaped = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 + 5000;
	for (;;) {
		pid_t pids[512];
		int n = kill_children(test_pgid, pids, 512, &escaped);
		long long now;

		for (int i = 0; i < n; i++) {
			int pidfd = (int)syscall(SYS_pidfd_open, pids[i], 0);
			struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

			clock_gettime(CLOCK_MONOTONIC, &ts);
			now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
			if (pidfd >= 0 && now < deadline)
				poll(&pfd, 1, (int)(deadline - now));
			if (pidfd >= 0)
				close(pidfd);
			waitpid(pids[i], NULL, WNOHANG);
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
		if (n == 0 || now >= deadline)
			break;
	}
	return escaped;
}

/* A lab that binds with sizeof(struct sockaddr) as the length of a
 * sockaddr_un creates its socket at the first 14 bytes of the path, which
 * may lie outside the test's dir: remove it if it is a socket. */
static void remove_truncated_socket(void)
{
	char cut[15];
	size_t n = strnlen(grade_state.test_dir, sizeof cut - 1);
	struct stat st;

	memcpy(cut, grade_state.test_dir, n);
	cut[n] = '\0';
	if (lstat(cut, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(cut);
}

static const struct graded_test *current;

static void unchecked_setup(void)
{
	static const char *const names[GF_COUNT] = { "steps", "detail", "skip",
		"note", "done", "pgid" };
	size_t i = (size_t)(current - tests);

	grade_state.test = current;
	grade_state.todo = current->todo;   /* hint_for() replaces it in a failure */
	snprintf(grade_state.test_dir, sizeof grade_state.test_dir, "%s/t%02zu",
	         run_root, i);
	for (int f = 0; f < GF_COUNT; f++)
		snprintf(grade_state.file[f], sizeof grade_state.file[f],
		         "%s/%s", run_root, names[f]);
	mkdir(grade_state.test_dir, 0700);
	/* As root, the test dir is the student's: the programs write there */
	if (grade_state.uid >= 0 && chown(grade_state.test_dir,
	    (uid_t)grade_state.uid, (gid_t)grade_state.uid) < 0)
		perror(grade_state.test_dir);
}

/* Runs in the test child before the test: open the files it tells the
 * runner through, note its process group (so that the runner can tell
 * what escaped it), then, as root, take the student's uid for every file
 * access to come (setfsuid(2)): the test reaches the files of its temp
 * dir only as the student's programs can, so a symbolic link they plant
 * there leads it nowhere they could not go themselves. */
static void checked_setup(void)
{
	char pgid[32];

	for (int f = 0; f < GF_COUNT; f++) {
		grade_state.fd[f] = open(grade_state.file[f], O_RDWR | O_CREAT
		                         | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
		ck_assert_msg(grade_state.fd[f] >= 0, "grade: %s: %s",
		              grade_state.file[f], strerror(errno));
	}
	snprintf(pgid, sizeof pgid, "%d", (int)getpgrp());
	grade_put(GF_PGID, pgid);
	if (grade_state.uid >= 0) {
		setfsgid((gid_t)grade_state.uid);
		setfsuid((uid_t)grade_state.uid);
		ck_assert_msg(setfsuid((uid_t)-1) == grade_state.uid,
		              "grade: cannot take uid %d", grade_state.uid);
	}
}

/* Runs in the test child only when the test body returned normally.
 * harness_finish() may still fail the test (a sanitizer report). */
static void checked_teardown(void)
{
	harness_finish();
	grade_put(GF_DONE, "done");
}

/* The reason a test failed, in words: check's message, or what check's
 * message means (a timeout, a signal, an early exit). */
static char *failure_reason(TestResult *tr, bool done)
{
	const char *msg = tr ? tr_msg(tr) : NULL;
	char *detail = read_text(grade_state.file[GF_DETAIL]), *steps, *last, *out;
	int sig;

	if (detail != NULL)
		return detail;
	steps = read_text(grade_state.file[GF_STEPS]);
	last = steps ? steps : strdup("(none)");
	if (steps) {     /* the last step only */
		char *end = last + strlen(last);

		while (end > last && end[-1] == '\n')
			*--end = '\0';
		if (strrchr(last, '\n'))
			last = strrchr(last, '\n') + 1;
	}
	if (tr == NULL)
		out = strdup("no result: the test did not run (its setup failed)");
	else if (tr_rtype(tr) == CK_PASS && !done)
		asprintf(&out, "the test ended early with status 0 without "
		         "reaching its end (the grader's own test process: "
		         "please report it)\n  look at: %s\n  last step: %s",
		         grade_state.todo, last);
	else if (msg && strstr(msg, "Test timeout expired")) {
		timeouts++;
		asprintf(&out, "TIMEOUT: the test did not finish within %.1f s "
		         "(something the test waited on never happened: a hang?)\n"
		         "  look at: %s\n  last step: %s",
		         current->limit * grade_state.multiplier, grade_state.todo,
		         last);
	} else if (msg && sscanf(msg, "Received signal %d", &sig) == 1) {
		crashes++;
		asprintf(&out, "CRASH: the grader's test process was killed by "
		         "SIG%s (killed from outside, or a defect of the grader)\n"
		         "  look at: %s\n  last step: %s",
		         sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
		         grade_state.todo, last);
	} else
		asprintf(&out, "%s\n  look at: %s\n  last step: %s",
		         msg ? msg : "(no message)", grade_state.todo, last);
	free(steps);
	return out;
}

/* TEXT, one paragraph, in lines of at most 72 columns under the name. */
static void print_wrapped(const char *text)
{
	int col = 0;

	while (*text) {
		size_t n = strcspn(text, " ");

		if (col > 0 && col + 1 + (int)n > 72) {
			printf("\n");
			col = 0;
		}
		col += printf("%s%.*s", col ? " " : "      ", (int)n, text);
		text += n + (text[n] == ' ');
	}
	printf("\n");
}

static void report(const char *verdict, const char *col, int got, int of,
                   const char *text)
{
	const char *name = (*current->test)->name;

	if (robust)     /* attacks carry no points */
		printf("%s%-4s%s  %s\n", colour ? col : "", verdict,
		       colour ? "\033[0m" : "", name);
	else
		printf("%s%-4s%s  %-44s %3d/%-3d\n", colour ? col : "", verdict,
		       colour ? "\033[0m" : "", name, got, of);
	if (text != NULL && robust && strcmp(verdict, "PASS") == 0) {
		print_wrapped(text);     /* a note: what the attack threw */
	} else if (text != NULL) {
		for (const char *line = text; *line;) {
			size_t n = strcspn(line, "\n");

			printf("      %.*s\n", (int)n, line);
			line += n + (line[n] == '\n');
		}
	}
	fflush(stdout);
	if (json_out) {
		struct json_result r = { lab_dir_name, (size_t)(current - tests) + 1,
			name, got, of, text ? text : current->what };

		results_json_test(json_out, &r);
	}
	if (verdicts_out && !robust) {   /* a SKIP keeps its max: it was not run */
		fprintf(verdicts_out, "%.2s %02zu %s %d %d %s\n", lab_dir_name,
		        (size_t)(current - tests) + 1, name, got, current->points, verdict);
		fflush(verdicts_out);
	}
}

static void unchecked_teardown(void)
{
	int n = srunner_ntests_run(runner);
	TestResult **results = srunner_results(runner), *tr = NULL;
	const char *name = (*current->test)->name;
	char *done_text = read_text(grade_state.file[GF_DONE]);
	bool done = done_text != NULL;
	char *why, *pgid = read_text(grade_state.file[GF_PGID]);
	int escaped = sweep_leftovers(pgid ? (pid_t)atoi(pgid) : -1);

	for (int i = 0; i < n; i++)
		if (strcmp(tr_tcname(results[i]), name) == 0)
			tr = results[i];
	free(results);

	why = read_text(grade_state.file[GF_SKIP]);
	if (why == NULL)
		max_score += current->points;   /* a skip leaves the total */
	if (why != NULL) {
		skipped++;
		skipped_points += current->points;
		char *line;
		asprintf(&line, "skipped: %s", why);
		report("SKIP", "\033[33m", 0, 0, line);
		free(line);
	} else if (escaped > 0) {
		failed++;
		asprintf(&why, "LEFTOVER: %d process%s started by the program under "
		         "test %s still running after the test, outside its "
		         "process group (setsid? daemon?); the grader killed %s.\n"
		         "  look at: %s", escaped, escaped == 1 ? "" : "es",
		         escaped == 1 ? "was" : "were", escaped == 1 ? "it" : "them",
		         grade_state.todo);
		why = with_hint(why, current);
		report("FAIL", "\033[31m", 0, current->points, why);
	} else if (tr != NULL && tr_rtype(tr) == CK_PASS && done) {
		char *note = read_text(grade_state.file[GF_NOTE]);

		passed++;
		score += current->points;
		report("PASS", "\033[32m", current->points, current->points, note);
		free(note);
	} else {
		why = with_hint(failure_reason(tr, done), current);
		failed++;
		report("FAIL", "\033[31m", 0, current->points, why);
	}
	free(why);
	free(pgid);
	free(done_text);
	remove_tree(grade_state.test_dir);
	remove_truncated_socket();
}

/* check calls the fixtures without arguments.  One TCase per test, run
 * in the order added, so the unchecked setup takes the next one. */
static const struct graded_test *order[256];
static size_t norder, next_index;

static void setup_next(void)
{
	current = order[next_index++];
	unchecked_setup();
}

/* ---- main ----------------------------------------------------------------- */


static void usage(void)
{
	fprintf(stderr, "usage: grade [--list | --todos] [--robust] [--only NAME] "
	        "[--bin DIR] [--preload DIR] [--uid UID] [--tally FILE] [--json FILE] [--verdicts FILE] [--tap FILE] "
	        "[--xml FILE] [--diagnosis FILE]\n");
	exit(2);
}

/* make list: a line per test, its points, the TODOs it needs (or "given
 * code": server.c, client.c) and what it checks. */
static void list_tests(void)
{
	for (size_t i = 0; i < ntests; i++) {
		char needs[32] = "given code";

		if (tests[i].needs)
			snprintf(needs, sizeof needs, "TODO %s", tests[i].needs);
		printf("%.2s  %-44s %3d  %-12s %s\n", lab_dir_name,
		       (*tests[i].test)->name, tests[i].points, needs, tests[i].what);
	}
}

/* CK_RUN_CASE=typo would silently run nothing, CK_FORK=no would disable
 * timeouts: only the multiplier is taken from the environment. */
static void clear_check_env(void)
{
	static const char *const vars[] = { "CK_RUN_CASE", "CK_RUN_SUITE",
		"CK_FORK", "CK_VERBOSITY", "CK_DEFAULT_TIMEOUT", "CK_INCLUDE_TAGS",
		"CK_EXCLUDE_TAGS", "CK_TAP_LOG_FILE_NAME", "CK_XML_LOG_FILE_NAME",
		"CK_LOG_FILE_NAME", NULL };

	for (int i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

static void make_run_root(void)
{
	const char *tmp = getenv("TMPDIR");

	/* sun_path holds 107 bytes: keep the root short, or tests of long
	 * paths could not be built under it. */
	if (tmp == NULL || strlen(tmp) > 40 || access(tmp, W_OK) != 0)
		tmp = "/tmp";
	snprintf(run_root, sizeof run_root, "%s/sl.XXXXXX", tmp);
	if (mkdtemp(run_root) == NULL) {
		perror("grade: mkdtemp");
		exit(2);
	}
	/* As root, the student's uid passes through to its test dirs, and
	 * sees nothing else here. */
	if (grade_state.uid >= 0)
		chmod(run_root, 0711);
}

/* The command line. */
struct options {
	const char *only, *tally, *json, *verdicts, *tap, *xml, *bin, *uid;
	bool list, todos;
};

static void parse_options(int argc, char *argv[], struct options *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--list") == 0) { o->list = true; continue; }
		if (strcmp(a, "--todos") == 0) { o->todos = true; continue; }
		if (strcmp(a, "--robust") == 0) { robust = true; continue; }
		if (strcmp(a, "--sanitized") == 0) {
			grade_state.sanitized = true;
			continue;
		}
		if (v == NULL)
			usage();
		if (strcmp(a, "--only") == 0) o->only = v;
		else if (strcmp(a, "--bin") == 0) o->bin = v;
		else if (strcmp(a, "--preload") == 0) grade_state.preload_dir = v;
		else if (strcmp(a, "--uid") == 0) o->uid = v;
		else if (strcmp(a, "--tally") == 0) o->tally = v;
		else if (strcmp(a, "--json") == 0) o->json = v;
		else if (strcmp(a, "--verdicts") == 0) o->verdicts = v;
		else if (strcmp(a, "--tap") == 0) o->tap = v;
		else if (strcmp(a, "--xml") == 0) o->xml = v;
		else if (strcmp(a, "--diagnosis") == 0) hints_from(v);
		else usage();
		i++;
	}
}

/* The lab is the name of the directory this grader sits in; the programs
 * and preload libraries sit beside it unless --bin and --preload say
 * otherwise; --uid as root only.  Exits 2 on a bad option. */
static void set_up(const struct options *o)
{
	static char exe[PATH_MAX], bin_dir[PATH_MAX];
	const char *mult = getenv("CK_TIMEOUT_MULTIPLIER");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n < 0) {
		perror("grade: /proc/self/exe");
		exit(2);
	}
	exe[n] = '\0';
	snprintf(bin_dir, sizeof bin_dir, "%s", dirname(exe));
	snprintf(lab_dir_name, sizeof lab_dir_name, "%s", basename(bin_dir));
	grade_state.bin_dir = o->bin ? o->bin : bin_dir;
	if (grade_state.preload_dir == NULL)
		grade_state.preload_dir = bin_dir;
	grade_state.uid = -1;
	if (o->uid != NULL) {
		char *end;
		long u = strtol(o->uid, &end, 10);

		if (*end != '\0' || u <= 0 || u >= 65535 || getuid() != 0) {
			fprintf(stderr, "grade: --uid %s: a uid other than root's, "
			        "and only as root\n", o->uid);
			exit(2);
		}
		grade_state.uid = (int)u;
	}
	grade_state.multiplier = mult && atof(mult) > 0 ? atof(mult) : 1.0;
	if (robust) {
		tests = robust_table(&ntests);
	} else {
		tests = lab_tests;
		ntests = lab_ntests;
	}
}

/* Run the tests (all, or ONLY) as check's fork-mode suite. */
static void run_tests(const struct options *o)
{
	Suite *suite = suite_create(lab_dir_name);

	for (size_t i = 0; i < ntests && norder < 256; i++) {
		const struct graded_test *t = &tests[i];
		TCase *tc;

		if (o->only && strcmp((*t->test)->name, o->only) != 0)
			continue;
		order[norder++] = t;
		tc = tcase_create((*t->test)->name);
		tcase_add_unchecked_fixture(tc, setup_next, unchecked_teardown);
		tcase_add_checked_fixture(tc, checked_setup, checked_teardown);
		tcase_set_timeout(tc, t->limit);
		tcase_add_test(tc, *t->test);
		suite_add_tcase(suite, tc);
	}
	runner = srunner_create(suite);
	srunner_set_fork_status(runner, CK_FORK);
	if (o->tap)
		srunner_set_tap(runner, o->tap);
	if (o->xml)
		srunner_set_xml(runner, o->xml);
	srunner_run_all(runner, CK_SILENT);
	srunner_free(runner);
}

/* The score line, and the tally line for grade-all.sh. */
static void report_totals(const char *tally)
{
	if (robust) {   /* the tally counts attacks survived, not points */
		score = passed;
		max_score = passed + failed;
	}
	if (!grade_state.guard && !grade_state.sanitized
	    && getenv("SOCKLAB_VALGRIND") == NULL && !robust)
		printf("note: this machine does not let the grader trace programs "
		       "(ptrace(2)): that no program under test ran another "
		       "program was not checked\n");
	printf("lab %.2s (%s): %d/%d%s", lab_dir_name, lab_title, score,
	       max_score, robust ? " attacks survived" : "");
	if (skipped)
		printf("  (%d test%s skipped, %d points out of the total)", skipped,
		       skipped == 1 ? "" : "s", skipped_points);
	printf("\n");
	if (tally) {
		FILE *f = fopen(tally, "a");

		if (f) {
			fprintf(f, "%.2s %s %d %d %d %d %d %d graded %d %d\n",
			        lab_dir_name, lab_title, score, max_score, passed,
			        failed, skipped, skipped_points, timeouts, crashes);
			fclose(f);
		}
	}
}

int main(int argc, char *argv[])
{
	struct options o;

	parse_options(argc, argv, &o);
	set_up(&o);
	if (o.list) {
		list_tests();
		return 0;
	}
	if (o.todos) {  /* for make check: which TODOs each test needs */
		for (size_t i = 0; i < ntests; i++)
			printf("%s\t%s%s\t%s\n", (*tests[i].test)->name,
			       tests[i].needs ? "TODO " : "",
			       tests[i].needs ? tests[i].needs : "", tests[i].todo);
		return 0;
	}
	if (o.only != NULL) {
		size_t i;

		for (i = 0; i < ntests; i++)
			if (strcmp((*tests[i].test)->name, o.only) == 0)
				break;
		if (i == ntests) {
			fprintf(stderr, "grade: lab %s has no test '%s'; its tests:\n",
			        lab_dir_name, o.only);
			list_tests();
			return 2;
		}
	}

	clear_check_env();
	colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	signal(SIGPIPE, SIG_IGN);   /* a closed test socket is an error, not death */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	make_run_root();
	/* The exec guard, where the machine lets us trace and the programs
	 * are not under valgrind or the sanitizers (guard.h). */
	grade_state.guard = !grade_state.sanitized && getenv("SOCKLAB_VALGRIND") == NULL
	                    && guard_available();
	if (o.json && (json_out = fopen(o.json, "a")) == NULL) {
		perror(o.json);
		return 2;
	}
	if (o.verdicts && (verdicts_out = fopen(o.verdicts, "a")) == NULL) {
		perror(o.verdicts);
		return 2;
	}
	run_tests(&o);
	remove_tree(run_root);
	report_totals(o.tally);
	if (json_out)
		fclose(json_out);
	if (verdicts_out)
		fclose(verdicts_out);
	return failed == 0 && score == max_score ? 0 : 1;
}
