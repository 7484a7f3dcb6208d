/*
 * error.c - error exits and log lines with the program's name.
 *
 * Each message is formatted into one buffer and written with a single
 * write(2): stderr is unbuffered, so fprintf() would issue several writes
 * and lines from a server and its clients could interleave mid-line.
 */
#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program_name = "?";

void set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	program_name = slash ? slash + 1 : argv0;
}

const char *progname(void)
{
	return program_name;
}

/* Format PREFIX, FMT and SUFFIX into one line and write it to stderr. */
static void emit(const char *prefix, const char *fmt, va_list ap,
                 const char *suffix)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "%s", prefix);

	n += vsnprintf(line + n, sizeof line - n, fmt, ap);
	if ((size_t)n >= sizeof line - 1)
		n = sizeof line - 2;
	n += snprintf(line + n, sizeof line - n, "%s\n", suffix);
	if ((size_t)n >= sizeof line) {  /* cut long lines, keep the newline */
		n = sizeof line - 1;
		line[n - 1] = '\n';
	}
	(void)write_all(STDERR_FILENO, line, n);
}

/* "PROG: " FMT */
static void emit_plain(const char *fmt, va_list ap)
{
	char prefix[256];

	snprintf(prefix, sizeof prefix, "%s: ", program_name);
	emit(prefix, fmt, ap, "");
}

/* "PROG: " FMT ": strerror(errno)" */
static void emit_error(const char *fmt, va_list ap)
{
	char prefix[256], suffix[256];

	snprintf(prefix, sizeof prefix, "%s: ", program_name);
	snprintf(suffix, sizeof suffix, ": %s", strerror(errno));
	emit(prefix, fmt, ap, suffix);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_error(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_error(fmt, ap);
	va_end(ap);
	exit(1);
}

void warn_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_plain(fmt, ap);
	va_end(ap);
}

void die_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_plain(fmt, ap);
	va_end(ap);
	exit(1);
}

void die_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit_plain(fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s %s\n", program_name, usage);
	exit(2);
}

void die_bad_option(const char *usage, int opt)
{
	if (opt == ':')
		die_usage(usage, "option -%c needs an argument", optopt);
	if (optopt != 0)
		die_usage(usage, "unknown option -%c", optopt);
	die_usage(usage, "unknown option");     /* e.g. --long */
}

void help_if_asked(int argc, char *argv[], const char *usage, const char *about)
{
	if (argc < 2 || strcmp(argv[1], "--help") != 0)
		return;
	printf("usage: %s %s\n%s", program_name, usage, about ? about : "");
	exit(fflush(stdout) == 0 ? 0 : 1);
}

void log_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap, "");
	va_end(ap);
}
