/*
 * process.c - lab 05's server process, measured and limited from outside
 * through /proc and prlimit(2) (process.h): its CPU time, its highest
 * descriptor, its descriptor limit lowered once it is ready, the same
 * with and without valgrind.
 */
#define _GNU_SOURCE     /* prlimit, setresuid */
#include "process.h"

#include "peers.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* The CPU time PID has used, in ms: /proc/PID/sched's sum_exec_runtime
 * (to the nanosecond) where the kernel has it, else /proc/PID/stat's
 * utime + stime (clock ticks).  -1 if it is gone. */
static double cpu_ms(pid_t pid)
{
	char path[64], line[256];
	unsigned long long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/sched", (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			char *colon = strchr(line, ':');

			if (strncmp(line, "se.sum_exec_runtime", 19) == 0 && colon) {
				fclose(f);
				return strtod(colon + 1, NULL);
			}
		}
		fclose(f);
	}
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof line, f) == NULL || strrchr(line, ')') == NULL
	    || sscanf(strrchr(line, ')') + 2, "%*c %*d %*d %*d %*d %*d %*u %*u "
	              "%*u %*u %*u %llu %llu", &ut, &st) != 2) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

int highest_fd(struct proc *p)
{
	char path[64];
	struct dirent *e;
	int top = 2;
	DIR *d;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)p->pid);
	ck_assert((d = opendir(path)) != NULL);
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd < 64 && fd > top)
			top = fd;
	}
	closedir(d);
	return top;
}

/* The uid and gid of PID, from /proc/PID/status. */
static void ids_of(pid_t pid, uid_t *uid, gid_t *gid)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	ck_assert((f = fopen(path, "r")) != NULL);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "Uid:", 4) == 0)
			*uid = (uid_t)strtoul(line + 4, NULL, 10);
		if (strncmp(line, "Gid:", 4) == 0)
			*gid = (gid_t)strtoul(line + 4, NULL, 10);
	}
	fclose(f);
}

void lower_fd_limit(pid_t pid, int limit)
{
	struct rlimit rl = { (rlim_t)limit, (rlim_t)limit };
	uid_t uid = 0;
	gid_t gid = 0;
	pid_t helper;
	int status;

	if (prlimit(pid, RLIMIT_NOFILE, &rl, NULL) == 0)
		return;
	ck_assert_msg(errno == EPERM, "grader: prlimit: %s", strerror(errno));
	ids_of(pid, &uid, &gid);
	helper = fork();
	ck_assert(helper >= 0);
	if (helper == 0)
		_exit(setgroups(0, NULL) == 0 && setresgid(gid, gid, gid) == 0
		      && setresuid(uid, uid, uid) == 0
		      && prlimit(pid, RLIMIT_NOFILE, &rl, NULL) == 0 ? 0 : 1);
	if (waitpid(helper, &status, 0) != helper || !WIFEXITED(status)
	    || WEXITSTATUS(status) != 0)
		fail(NULL, "grader: cannot lower the server's RLIMIT_NOFILE "
		     "(prlimit(2) failed as root and as uid %d)", (int)uid);
}

double cpu_while_pumping(struct proc *p, int wait_ms)
{
	double before = cpu_ms(p->pid);
	long long until = now_ms() + wait_ms;

	while (left_ms(until) > 0)      /* a measurement, not a wait */
		pump(left_ms(until));
	return before < 0 ? -1 : cpu_ms(p->pid) - before;
}
