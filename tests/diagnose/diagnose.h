/*
 * diagnose.h - which TODO of a lab is wrong: the diagnosis behind the
 * grader's "look at:" hints.
 *
 * The grader decides points without linking a line of student code (its
 * tests watch the built programs from outside).  A failing test alone
 * cannot tell which TODO is to blame, so this program, apart from
 * scoring, does what a unit test would: it is linked with the lab's own
 * functions (every .c file of the submission but server.c and client.c)
 * and calls them one at a time, each check in a child of its own, in a
 * temp dir of its own, with a time limit.  What it prints only chooses
 * the hint a failing test shows: a submission that forges it gains no
 * point, only worse advice.
 *
 * Each lab's checks (tests/diagnose/NN-name.c) follow the TODOs in order.
 * A check looks at the TODOs of one function; it returns when they look
 * right, or ends with todo_missing() or todo_wrong() naming the first
 * TODO found wrong: those before it are right, those after it unknown.
 *
 * Output, one line per TODO with a verdict, tab-separated:
 *   N  ok|missing|wrong  FILE  what was seen (empty for ok)
 */
#ifndef SOCKLAB_DIAGNOSE_H
#define SOCKLAB_DIAGNOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DIAG_NORETURN __attribute__((noreturn))
#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))

struct todo_check {
	int first, last;          /* the TODOs it looks at: FIRST..LAST */
	const char *file;         /* the file they are in */
	const char *function;     /* the lab function it calls: "unix_listen" */
	void (*check)(void);
};

extern const struct todo_check lab_checks[];
extern const size_t lab_nchecks;

/* End the check: TODO is still the starter's stub, or looks wrong (WHY,
 * one sentence: what was done and what was seen). */
DIAG_NORETURN DIAG_PRINTF(2, 3) void todo_missing(int todo, const char *why, ...);
DIAG_NORETURN DIAG_PRINTF(2, 3) void todo_wrong(int todo, const char *why, ...);

/* RESULT < 0 with errno ENOSYS, as the starter's stubs leave it: TODO is
 * not written yet (CALL, "unix_listen()", says who said so). */
void missing_if_stub(int todo, long result, const char *call);

/* Until diag_interrupt_stop(), a signal every USEC microseconds, whose
 * handler does nothing and does not restart calls: blocking reads and
 * writes return EINTR, or fewer bytes than asked, as they may in any
 * program that handles signals. */
void diag_interrupt_every(long usec);
void diag_interrupt_stop(void);

/* Is FD ready for EVENTS within MS milliseconds? */
bool diag_ready(int fd, short events, int ms);

/* A child process running FN(ARG) (a peer of the function under test),
 * killed with the check when it ends.  It keeps the standard streams and
 * the fds KEEP1 and KEEP2 (-1: none), and closes every other: an end of a
 * pipe or socket left open there would hide an end of file. */
pid_t diag_spawn(void (*fn)(void *), void *arg, int keep1, int keep2);

/* N bytes of a pattern with NULs and 0xff bytes in it; the offset of
 * the first byte of BUF that differs from it, or -1. */
void diag_pattern(unsigned char *buf, size_t n);
long long diag_pattern_differs(const unsigned char *buf, size_t n);

/* The file PATH, read whole (allocated); *LEN its size; NULL on error. */
unsigned char *diag_slurp(const char *path, size_t *len);

#endif
