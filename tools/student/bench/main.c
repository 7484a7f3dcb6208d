/*
 * main.c - the bench's entry point, and `bench time`: the wall time of a
 * command such as the grader.
 *
 * Usage: bench [-n RUNS] xfer|rtt|fanout ... | bench syscall
 *        bench [-n RUNS] time LABEL CMD...
 *
 * -n RUNS, runs per figure, is for every command that takes it.
 * `bench time` runs CMD once to warm up (a `make test` builds on that
 * run), then RUNS times, with stdout kept to report its last line (the
 * grader's "N passed, N failed") and stderr dropped.  The make variables
 * of an enclosing make (MAKEFLAGS, MAKELEVEL) are removed first, so that
 * `make bench` times the command as a person would type it.  Rows: the
 * median, the fastest and the slowest wall time, the exit status and the
 * last line.
 */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int bench_runs = 5;

/* The last non-empty line of what was written to FD (a memfd; the
 * grader writes no colour codes there, not being on a terminal). */
static const char *last_line(int fd)
{
	static char buf[1 << 16];
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > (off_t)sizeof buf - 1 ? size - (off_t)sizeof buf + 1 : 0;
	ssize_t n = pread(fd, buf, sizeof buf - 1, from);
	char *start;

	if (n <= 0)
		return "";
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	start = strrchr(buf, '\n');
	return start ? start + 1 : buf;
}

int cmd_time(int argc, char *argv[])
{
	int runs = bench_runs, out;
	const char *label = argv[1];
	double wall[99];
	char text[400];
	struct child c;

	if (argc < 3)
		fail("usage: bench [-n RUNS] time LABEL CMD...");
	argv += 2;
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	unsetenv("MAKEOVERRIDES");

	out = memfd_create("bench-time", MFD_CLOEXEC);
	if (out < 0)
		fail("memfd_create: %s", strerror(errno));
	for (int r = -1; r < runs; r++) {
		double t0 = now_s();

		if (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0)
			fail("memfd: %s", strerror(errno));
		if (child_fork(&c) == 0) {
			int null = devnull(O_RDWR);

			if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0)
				_exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		child_reap(&c);
		if (r >= 0)
			wall[r] = now_s() - t0;
		if (WIFEXITED(c.status) && WEXITSTATUS(c.status) == 127)
			fail("time: cannot run %s", argv[0]);
	}

	row("grader", label, "wall time", median(wall, (size_t)runs), 2, "s", runs);
	row("grader", label, "fastest", percentile(wall, (size_t)runs, 0), 2, "s", runs);
	row("grader", label, "slowest", percentile(wall, (size_t)runs, 100), 2, "s", runs);
	snprintf(text, sizeof text, "exit status %d; last line: %.255s",
	         WIFEXITED(c.status) ? WEXITSTATUS(c.status)
	                             : 128 + WTERMSIG(c.status), last_line(out));
	row_text("note", label, "result", text);
	return 0;
}

/* `bench syscall`: what one system call costs on this machine, a write(2)
 * of 1 byte to /dev/null, the median of 5 runs of 100000.  Every figure
 * of the table is made of such calls: this is their unit price. */
static int cmd_syscall(int argc, char *argv[])
{
	int fd = devnull(O_WRONLY);
	double us[5];

	(void)argc, (void)argv;
	for (int r = 0; r < 5; r++) {
		double t0 = now_s();

		for (int i = 0; i < 100000; i++)
			if (write(fd, "x", 1) != 1)
				fail("write /dev/null: %s", strerror(errno));
		us[r] = (now_s() - t0) / 100000 * 1e6;
	}
	row("machine", "syscall", "cost", median(us, 5), 2, "us", 5);
	close(fd);
	return 0;
}

int main(int argc, char *argv[])
{
	static const struct { const char *name; int (*run)(int, char *[]); } cmds[] = {
		{ "xfer", cmd_xfer }, { "rtt", cmd_rtt }, { "time", cmd_time },
		{ "syscall", cmd_syscall }, { "fanout", cmd_fanout },
		/* Started by the bench itself. */
		{ "relay", cmd_relay }, { "sink", cmd_sink }, { "source", cmd_source },
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		bench_runs = (int)parse_size(argv[2], "-n");
		if (bench_runs < 1 || bench_runs > 99)
			fail("-n: 1 to 99 runs");
		argc -= 2, argv += 2;
	}
	for (size_t i = 0; argc > 1 && i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	fail("usage: bench [-n RUNS] xfer|rtt|time|syscall|fanout ...");
}
