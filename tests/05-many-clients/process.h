/*
 * process.h - lab 05's server process seen and limited from outside
 * (process.c): what a busy loop or a descriptor limit shows only there.
 */
#ifndef SOCKLAB_TESTS_MANY_CLIENTS_PROCESS_H
#define SOCKLAB_TESTS_MANY_CLIENTS_PROCESS_H

#include "harness.h"

#include <sys/types.h>

/* The CPU time P used, in ms, while the test's peers were read for
 * WAIT_MS (not scaled: a measurement, not a wait); -1 if P is gone. */
double cpu_while_pumping(struct proc *p, int wait_ms);
/* The highest fd below 64 P has open: its own (valgrind's sit higher). */
int highest_fd(struct proc *p);
/* Lower PID's RLIMIT_NOFILE to LIMIT, from outside (prlimit(2)), with
 * or without valgrind around it.  A process may do it to another of its
 * own uid; root without CAP_SYS_RESOURCE (a container) may not do it to
 * the student's uid, so a child takes that uid to do it. */
void lower_fd_limit(pid_t pid, int limit);

#endif
