/*
 * guard.h - the exec guard: a process of the grader's own that traces
 * every program a test starts (ptrace(2), PTRACE_SEIZE), with all that
 * they fork, from outside them.
 *
 * It enforces one rule: a program under test runs only the code built
 * from the submission.  Its own start is its one execve(2); any other
 * (the program replacing itself, or a child it forked running a program)
 * is stopped before the new program runs its first instruction, killed,
 * and reported to the test, which fails.  So a reference binary cannot
 * stand in for the student's code.
 *
 * It sees every fork too: more than a few dozen processes at once is a
 * fork bomb, and all of them are killed.  And, as every tracee is seized
 * with PTRACE_O_EXITKILL, when the guard
 * dies (check kills the test's process group at its end), every process
 * the programs built dies with it: detached, setsid() or stopped ones
 * included.
 *
 * Not under valgrind (which starts its tool with an execve) nor the
 * sanitizers (LeakSanitizer traces the process itself): those runs are
 * advisory.
 */
#ifndef SOCKLAB_GUARD_H
#define SOCKLAB_GUARD_H

#include <stdbool.h>
#include <sys/types.h>

/* Can this machine trace a child (ptrace permitted)?  Asked once, by
 * the runner, before the tests. */
bool guard_available(void);

/* Start the guard if it is not running yet.  False if it cannot be. */
bool guard_start(void);

/* The guard's pid, for prctl(PR_SET_PTRACER) in a child about to be
 * seized (Yama's ptrace_scope=1 lets only a named tracer in). */
pid_t guard_pid(void);

/* Have the guard seize PID (stopped before its execve, waiting for us),
 * within TIMEOUT_MS.  True when it is traced. */
bool guard_seize(pid_t pid, int timeout_ms);

/* How many processes forked by the programs are alive now (0 when the
 * guard is not running), or -1 if the guard did not answer in time. */
int guard_forked_alive(int timeout_ms);

/* What the guard caught so far, "" if nothing: one line per execve it
 * stopped ("process PID ran PATH, ..."), or a fork bomb killed.  A
 * static buffer. */
const char *guard_report(void);

#endif
