/*
 * harness.h - what a lab's test suite uses to start programs, play the
 * other side, and fail with a message that helps.
 *
 * A suite (tests/NN-name.c) defines its tests with check's START_TEST,
 * one table of them (lab_tests[]), and nothing else: grade.c is the main
 * that runs them, one check TCase per test, each in a forked child.
 *
 * Every wait here has a deadline, scaled by CK_TIMEOUT_MULTIPLIER; every
 * process started is killed and reaped when the test ends, however it
 * ends; every file lives in the test's private directory, which the
 * runner removes.
 */
#ifndef SOCKLAB_HARNESS_H
#define SOCKLAB_HARNESS_H

#include <check.h>
/* check.h defines a deprecated fail() macro; ours below replaces it. */
#undef fail
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "common.h"      /* NORETURN, PRINTF_LIKE */

/* ---- the table each suite defines ---------------------------------------- */

struct graded_test {
	const TTest **test;   /* &NAME, from START_TEST(NAME): gives the name */
	int points;
	double limit;         /* seconds, scaled by CK_TIMEOUT_MULTIPLIER */
	const char *todo;     /* where a failing student should look */
	const char *what;     /* one line: the behaviour checked */
	const char *needs;    /* the TODOs it needs, in order: "1-6" (hints.h) */
};

extern const struct graded_test lab_tests[];
extern const size_t lab_ntests;
extern const char lab_title[];     /* "unix-stream" */

/* ---- the test's surroundings --------------------------------------------- */

/* This test's private temp dir (short: sun_path is only 108 bytes). */
const char *test_dir(void);
/* TEST_DIR/NAME, allocated; freed when the test ends. */
char *test_path(const char *name);
/* The built program NAME ("server", "client") of the tree under test. */
const char *program(const char *name);
/* BASE_MS scaled by CK_TIMEOUT_MULTIPLIER: use for every deadline. */
int ms(int base_ms);
/* N as text, for a command line ("-t", num_text(ms(300))), allocated;
 * freed when the test ends. */
const char *num_text(long n);
/* Milliseconds on the monotonic clock: deadlines are now_ms() + ms(N). */
long long now_ms(void);
/* What is left until DEADLINE (a now_ms() value), 0 once it has passed. */
int left_ms(long long deadline);

/* Log a step ("sent 5 bytes to ..."): a failure message lists them,
 * numbered, as the recipe that led to it.  Also a check mark_point(). */
void step(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ---- programs under test --------------------------------------------------- */

struct run_opts {
	const char *stdin_file;  /* stdin from this file; default /dev/null */
	bool stdin_pipe;         /* stdin from a pipe: write to proc->in */
	bool stdout_pipe;        /* stdout into a pipe: read proc->out */
	bool short_writes;       /* preload the shim: socket writes of 1..N
	                            bytes and EINTR now and then */
	int max_fds;             /* RLIMIT_NOFILE, if > 0 */
	const char *preload;     /* LD_PRELOAD: grade_preload("NAME") gives
	                            the grader's tests/preload-NAME.c */
	const char *const *env;  /* extra "NAME=value" strings, NULL-ended */
};

struct proc {
	pid_t pid;
	int pidfd;               /* readable when the process exits */
	int in, out;             /* pipe ends, or -1 */
	const char *name;        /* "server", "client" */
	char *out_path, *err_path;
	char cmd[512];           /* the command as a person would type it */
	bool reaped;
	int status;              /* waitpid() status, once reaped */
	char ready_addr[256];    /* what followed "listening on " */
};

/* Start program NAME with the arguments that follow (NULL-terminated),
 * SIGPIPE at its default, only fds 0-2 open, in the test's process group.
 * stdout and stderr go to files in the test dir unless piped. */
struct proc *run(const char *name, const struct run_opts *opts, ...);

/* The same, the program and its arguments given as one string WORDS,
 * split at spaces ("client -p -t 200 @s.sock"; "@NAME" stands for
 * test_path("NAME")): at most 7 words. */
struct proc *run_words(const struct run_opts *opts, const char *words);

/* Wait for the whole line "listening on ADDRESS" on P's stderr; returns
 * ADDRESS.  Fails the test if P exits or says nothing in time. */
const char *wait_ready(struct proc *p);

/* Wait up to TIMEOUT_MS for P to exit.  True if it did (and is reaped). */
bool wait_exit(struct proc *p, int timeout_ms);
/* Wait for P to exit with CODE; fail the test, saying what happened
 * instead (still running, killed by a signal, another status), otherwise. */
void expect_exit(struct proc *p, int code, int timeout_ms, const char *why);
/* Bad arguments: P must exit 2 with two lines on stderr, what was wrong
 * and a usage line (no getopt(3) message of its own besides). */
void expect_usage_error(struct proc *p);
/* The same, and the first line names WHAT (an option: "-p"). */
void expect_usage_error_naming(struct proc *p, const char *what);
/* Each of CASES (NULL-ended) is a program and its arguments as
 * run_words() takes them ("server -p abc"): run with them, the program
 * must give a usage error. */
void expect_usage_errors(const char *const cases[]);
/* SIGTERM, wait up to TIMEOUT_MS, then SIGKILL.  True if it exited
 * by itself after SIGTERM. */
bool stop(struct proc *p, int timeout_ms);
/* Send P the signal SIG, noted as a step: "sent SIGTERM to TO". */
void send_signal(struct proc *p, int sig, const char *to);
/* SIGKILL and reap (no-op if already reaped). */
void kill_proc(struct proc *p);
/* Is P still running (not exited)? */
bool running(struct proc *p);

/* The sockets P holds open now, seen from outside: duplicates of them
 * taken with pidfd_getfd(2) (the test is P's parent, so it may), for the
 * test to look at with getsockname(), getpeername() and getsockopt(),
 * never to read or write, and to close.  Stores at most MAX in FDS (and
 * P's own numbers for them in THEIRS, if not NULL); returns how many. */
int peek_sockets(struct proc *p, int *fds, int *theirs, int max);

/* What P wrote to stderr / stdout (files only) so far, NUL-terminated,
 * allocated. *LEN may be NULL. */
char *proc_stderr(struct proc *p, size_t *len);
char *proc_stdout(struct proc *p, size_t *len);
/* Wait until P's stderr has a whole line containing TEXT. */
bool wait_stderr_line(struct proc *p, const char *text, int timeout_ms);
/* P must log a whole line holding the text FMT formats, within 1 s
 * (scaled); otherwise fail, saying WHY that line is expected. */
void expect_logged(struct proc *p, const char *why, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
/* Does P's stderr, as it is now, hold TEXT anywhere? */
bool stderr_has(struct proc *p, const char *text);
/* The first whole line of P's stderr, as it is now, that holds TEXT,
 * without its newline, allocated; NULL if there is none. */
char *stderr_line(struct proc *p, const char *text);
/* P's stdout must be WANT exactly; otherwise fail, saying where they
 * part, then HINT (or NULL): where to look. */
void expect_stdout(struct proc *p, const char *want, const char *hint);
/* Where the first whole line of TEXT that starts with PREFIX (or holds
 * it, if !AT_START) begins; NULL if there is none. */
const char *find_line(const char *text, const char *prefix, bool at_start);
/* Wait until P's stdout file holds at least SIZE bytes. */
bool wait_stdout_size(struct proc *p, size_t size, int timeout_ms);

/* ---- failing well --------------------------------------------------------- */

/* Fail the test: FMT says what was expected and what happened.  The
 * message adds the TODO to look at, the steps so far, the last lines of
 * P's stderr (P may be NULL) and of every program started. */
NORETURN void fail(struct proc *p, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* This machine cannot run the test (e.g. no ::1): SKIP, points leave the
 * total. */
NORETURN void skip(const char *reason);
/* A line shown under the test's name when it passes: what it tried
 * (the robustness suite counts what it threw at a server). */
void report_note(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Describe a waitpid status: "exited with status 1", "killed by SIGSEGV". */
const char *describe_status(int status);
/* Quote DATA for a message: printable ASCII as is, the rest escaped,
 * cut after MAX bytes.  Allocated. */
char *quote(const void *data, size_t len, size_t max);

/* Path of the grader's preload library NAME (tests/preload-NAME.c). */
const char *grade_preload(const char *name);

/* ---- the test's own sockets ------------------------------------------------- */

/* Wait until FD is readable (or POLLOUT with want_write).  1 ready,
 * 0 timeout. */
int wait_io(int fd, bool want_write, int timeout_ms);
/* The same, but stop early when P exits: 1 ready, 0 timeout, -1 P exited
 * (and is reaped: describe_status(p->status) says how). */
int wait_io_or_exit(struct proc *p, int fd, bool want_write, int timeout_ms);
/* Read until EOF, error or deadline; returns allocated data, *LEN its
 * size, *EOF_SEEN (if not NULL) whether the peer closed. */
char *read_until_eof(int fd, size_t *len, bool *eof_seen, int timeout_ms);
/* The same, but stop once the data holds COUNT newlines. */
char *read_lines(int fd, unsigned count, size_t *len, bool *eof_seen,
                 int timeout_ms);
/* Write all of BUF, each write bounded by the deadline.  0, or -1. */
int write_fully(int fd, const void *buf, size_t len, int timeout_ms);
/* The range of ports the kernel hands out for port 0 (the ephemeral
 * ports, /proc/sys/net/ipv4/ip_local_port_range): false if unknown. */
bool ephemeral_ports(unsigned *low, unsigned *high);
/* Fill BUF with reproducible bytes that include NUL and 0xff. */
void fill_pattern(void *buf, size_t len, unsigned seed);
/* Uppercase the letters a-z of BUF (LEN bytes) in place; every other
 * byte stays as it is. */
void upper(void *buf, size_t len);
/* Bytes waiting to be read in FD, a socket or a pipe (FIONREAD); 0 if
 * FD is -1, -1 if it cannot tell. */
long unread_bytes(int fd);
/* Wait up to TIMEOUT_MS for P, the client under test, to connect to the
 * test's listening socket LFD; accept it (FLAGS for accept4(2):
 * SOCK_NONBLOCK or 0).  Fails when P exits first or does not connect in
 * time, adding HINT (or NULL): where to look. */
int accept_client(struct proc *p, int lfd, int flags, int timeout_ms,
                  const char *hint);
/* How many bytes of A (ALEN) and B (BLEN) are the same from the start. */
size_t same_prefix(const void *a, size_t alen, const void *b, size_t blen);
/* Fail, blaming P, unless GOT is WANT: "expected WHAT of N bytes; got
 * M bytes, which differ from byte I on: expected ..., got ...", then
 * HINT (or NULL). */
void expect_same(struct proc *p, const char *what, const void *got,
                 size_t glen, const void *want, size_t wlen,
                 const char *hint);
/* TEST_DIR/NAME, a file holding LEN bytes of DATA (a program's stdin):
 * its path. */
char *write_file(const char *name, const void *data, size_t len);
/* Close the read end of P's stdout pipe: its writes to stdout fail with
 * EPIPE, or kill it with SIGPIPE. */
void close_stdout(struct proc *p);
/* P, its stdout closed so, must have said why it stopped: its stderr
 * names EPIPE ("server: writing stdout: Broken pipe"). */
void expect_epipe_reported(struct proc *p);
/* A free port whose two bytes differ (so a missing htons shows), below
 * the kernel's ephemeral range (no other program's port 0 lands there
 * before the test's program binds it): bound once and closed again, on
 * 127.0.0.1 for AF_INET, on [::] for AF_INET6 (IPv4 too: free for a
 * dual-stack server).  TYPE: SOCK_STREAM or SOCK_DGRAM. */
uint16_t free_port(int family, int type);
/* PROGRAM --help must exit 0 with a line "usage: PROGRAM ..." on stdout. */
void expect_help(const char *program);

#endif
