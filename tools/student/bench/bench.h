/*
 * bench.h - `make bench`: the measuring programs behind the performance
 * table.  One binary, build/bench/bench, with these commands:
 *
 *   bench xfer ...   lab 01 transfer throughput next to the kernel's limit
 *                    (xfer.c), and the lab programs' peak RSS
 *   bench rtt ...    round trips per second and latency: labs 02-04, 06
 *                    and raw sockets (rtt.c)
 *   bench time ...   wall time of a command, e.g. the grader (main.c)
 *   bench fanout ... lab 05's chat server under load, next to bench relay,
 *                    the same protocol on epoll (fanout.c)
 *
 * Every command prints CSV rows on stdout (section,item,metric,value,unit,
 * runs); tools/student/bench/bench.sh collects them and draws the table.  Lab
 * servers are started with port 0 and waited for through their
 * "listening on ADDRESS" line, never with sleeps.  libc, libm (the
 * plot's log scale) and common/ (write_all, ascii_upper, unix_addr,
 * format_addr, wait_fd, the NORETURN and PRINTF_LIKE attributes) only.
 */
#ifndef BENCH_H
#define BENCH_H

#include "common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Runs per figure: `bench -n RUNS COMMAND ...`, 1 to 99 (default 5). */
extern int bench_runs;

/* "bench: MESSAGE" on stderr, exit 1. */
NORETURN void fail(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Seconds on the monotonic clock. */
double now_s(void);

/* Statistics over N values (the array is left as it was). */
double median(const double *v, size_t n);
double percentile(const double *v, size_t n, double p);   /* p in 0..100 */

/* One CSV row on stdout: section,item,metric,value,unit,runs.  VALUE is
 * printed with DECIMALS digits after the point. */
void row(const char *section, const char *item, const char *metric,
         double value, int decimals, const char *unit, int runs);
/* A row whose value is text (commas become semicolons). */
void row_text(const char *section, const char *item, const char *metric,
              const char *text);

/* Number arguments: a whole number, with an optional K/M/G (x1024) suffix. */
uint64_t parse_size(const char *text, const char *what);

/* A child process: a lab server, a lab client, socat, a copy loop. */
struct child {
	pid_t pid;
	int err_fd;             /* its stderr when captured, else -1 */
	char ready[512];        /* the ADDRESS of its "listening on" line */
	char tail[2048];        /* the last things it wrote to stderr */
	size_t tail_len;
	int status;             /* wait status, once reaped */
	bool reaped;
	bool traced;            /* stopped at its exit to read its VmHWM */
	long hwm_kib;           /* its peak RSS (VmHWM) at exit, traced only */
	long anon_kib;          /* its anonymous RSS (RssAnon) at exit, too */
	struct rusage ru;       /* its resource usage, once reaped */
};

#define CHILD_CAPTURE 1     /* its stderr into a pipe (else ours) */
#define CHILD_TRACE   2     /* ptrace(2) it, only to stop it at its exit */

/* fork(2) into C (its pid, 0 in the child); a forked helper of ours is
 * waited for with child_reap or child_stop as a program is. */
pid_t child_fork(struct child *c);
/* Run ARGV with stdin IN_FD and stdout OUT_FD (-1: /dev/null).  FLAGS:
 * CHILD_CAPTURE, CHILD_TRACE (c->traced says whether ptrace(2) could be
 * used: a container may forbid it). */
void child_start(struct child *c, char *const argv[], int in_fd, int out_fd,
                 int flags);
/* Read what is in its stderr pipe now, without blocking: a server that
 * logs every request must never find the pipe full. */
void child_drain(struct child *c);
/* Wait for it to end (status, rusage; a traced child's VmHWM at its exit
 * in hwm_kib) and read its stderr to the end. */
void child_reap(struct child *c);
/* Start a server, its stderr captured, and wait up to 10 s for its ready
 * line: true, or false once it has been stopped again and said why. */
bool child_start_server(struct child *c, char *const argv[], int flags);
/* SIGTERM it and reap it. */
void child_stop(struct child *c);
/* True when it exited with status 0. */
bool child_ok(const struct child *c);
/* Say on stderr how it ended and what it last wrote. */
void child_explain(const struct child *c, const char *what);

/* Fill SS with the loopback address of FAMILY (AF_INET, AF_INET6) and
 * PORT; its length. */
socklen_t loopback_addr(struct sockaddr_storage *ss, int family,
                        unsigned short port);
/* A socket of FAMILY and TYPE bound to its loopback address, port 0;
 * its address (the port the kernel chose) in SS and LEN.  -1 when the
 * family's loopback is unusable. */
int bound_loopback(int family, int type, struct sockaddr_storage *ss,
                   socklen_t *len);
/* AF_INET6 when ::1 is usable here, else AF_INET (127.0.0.1). */
int loopback_family(void);
/* The port of an ADDRESS, "127.0.0.1:50002", "[::1]:50004" (a server's
 * ready line); fails without one. */
unsigned short port_of(const char *address);
/* The number of the line "FIELD: NUMBER" (spaces allowed before the
 * colon) of /proc/PID/FILE: "status" (VmHWM, RssAnon in KiB), "sched";
 * -1 without one. */
double proc_value(pid_t pid, const char *file, const char *field);
/* /dev/null opened with FLAGS (close-on-exec). */
int devnull(int flags);
/* A memfd of BYTES random bytes (one random MiB repeated): the file lab
 * 01 transfers, in memory so that no disk is measured. */
int make_data(uint64_t bytes);
/* A fresh private temp directory (under $TMPDIR or /tmp); its path. */
const char *make_tmpdir(void);

int cmd_xfer(int argc, char *argv[]);
int cmd_sink(int argc, char *argv[]);
int cmd_source(int argc, char *argv[]);
int cmd_rtt(int argc, char *argv[]);
int cmd_time(int argc, char *argv[]);
int cmd_relay(int argc, char *argv[]);     /* lab 05 (fanout.c) */
int cmd_fanout(int argc, char *argv[]);

#endif
