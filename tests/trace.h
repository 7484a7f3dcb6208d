/*
 * trace.h - what a test reads of the socket recorder's record of a
 * program (SPEC §7): for what output alone cannot tell, *how* the program
 * did it - in which order it called shutdown() and read(), which address
 * each sendto() named, what hints it gave getaddrinfo().
 *
 *     struct run_opts o = { .trace = true };
 *     struct proc *cli = run("client", &o, path, NULL);
 *     ...
 *     struct trace *t = trace_of(cli);
 *     int sd = trace_find(t, 0, "shutdown", -1);
 *
 * The recorder (tools/trace/record.c, built for the grader as
 * tests/preload-trace.so) writes one line per call; trace_of() reads the
 * lines of P's own process, in the order P made the calls, and joins
 * each blocking call's `begin` and `end` lines into one call.  In a
 * SANITIZE=1 build the recorder is loaded after the sanitizers' runtime
 * (ASAN_OPTIONS=verify_asan_link_order=0, as for every preload); if it
 * records nothing there, trace_of() SKIPs the test.
 */
#ifndef SOCKLAB_TRACE_H
#define SOCKLAB_TRACE_H

#include "harness.h"

#include <stdbool.h>

/* One call of the program, the fields as record.c's header describes
 * them ("-" when empty). */
struct trace_call {
	int line;               /* where it starts in the record file */
	const char *event;      /* call (begin+end joined), run, exec, exit, fork */
	const char *call;       /* "shutdown", "sendto", "read" (a run's call) */
	int fd;                 /* the socket, -1 for none */
	const char *args;       /* "SHUT_WR", "len=5, 0", "\"::1\", ..." */
	const char *addr;       /* "127.0.0.1:50002", "AF_UNSPEC", "-" */
	const char *result;     /* "0", "-1 EPIPE", "?" (never returned) */
	const char *info;       /* "data=\"BYE\" local=... peer=..." */
	bool returned;          /* false: the program was stopped inside it */
};

struct trace {
	struct proc *p;
	int n;
	struct trace_call *calls;
};

/* P's calls, read from its record file once P has ended (a P still
 * running is stopped with SIGTERM first: the record of a call is
 * written when it returns).  Fails the test if P was not run with
 * .trace or the recorder saw nothing of it. */
struct trace *trace_of(struct proc *p);

/* The index of the first call at or after FROM named one of CALLS
 * (space-separated: "read recv recvfrom recvmsg") on socket FD (-1: any);
 * -1 if there is none.  A run of summarised transfers counts as a call
 * of its name. */
int trace_find(const struct trace *t, int from, const char *calls, int fd);

/* Is call I one of CALLS (space-separated names)? */
bool trace_is(const struct trace *t, int i, const char *calls);

/* Did call I succeed (returned, result not -1)? */
bool trace_ok(const struct trace *t, int i);

/* The value of KEY=VALUE in call I's INFO field, allocated: for data=
 * the escaped text between the quotes ("BYE", "OK 14\\n"); NULL if the
 * field has no KEY. */
char *trace_info(const struct trace *t, int i, const char *key);

/* Call I as a person reads it: "shutdown(3, SHUT_WR) = 0",
 * "sendto(3, len=3, 0, 127.0.0.1:40175) = 3 \"BYE\"" (a static buffer
 * of a few: use it at once). */
const char *trace_text(const struct trace *t, int i);

/* For a failure message: the program's calls around call AT (-1: from
 * the start), at most MAX of them, one per line, "->" marking AT;
 * allocated. */
char *trace_excerpt(const struct trace *t, int at, int max);

#endif
