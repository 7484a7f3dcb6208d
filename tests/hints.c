/*
 * hints.c - which TODO a failing test's message names.
 *
 * Each test's table row lists the TODOs it needs, in the order a student
 * writes them ("1-6").  The first of those the diagnosis saw wrong or
 * still a stub is named, with what the diagnosis saw; when it saw none,
 * the test's own hint stands.  The diagnosis never touches a score: a
 * forged verdict changes only the advice.
 */
#define _GNU_SOURCE
#include "hints.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TODO 64

static struct verdict {
	enum { UNSEEN, OK, MISSING, WRONG } state;
	char file[32];
	char why[240];
} verdicts[MAX_TODO + 1];

/* FILE is a plain source name: "listen.c". */
static bool plain_file(const char *file)
{
	size_t n = strlen(file);

	if (n < 3 || n >= sizeof verdicts[0].file || strcmp(file + n - 2, ".c") != 0)
		return false;
	for (size_t i = 0; i < n - 2; i++)
		if (!islower((unsigned char)file[i]) && !isdigit((unsigned char)file[i])
		    && file[i] != '_')
			return false;
	return true;
}

/* One line "N\tok|missing|wrong\tFILE\tWHY"; anything else is skipped. */
static void take_line(char *line)
{
	char *fields[4], *rest = line;
	struct verdict *v;
	long n;

	for (int i = 0; i < 4; i++)
		fields[i] = strsep(&rest, "\t");
	if (fields[3] == NULL || rest != NULL)
		return;
	n = strtol(fields[0], &rest, 10);
	if (*rest != '\0' || n < 1 || n > MAX_TODO || !plain_file(fields[2]))
		return;
	v = &verdicts[n];
	if (strcmp(fields[1], "ok") == 0) v->state = OK;
	else if (strcmp(fields[1], "missing") == 0) v->state = MISSING;
	else if (strcmp(fields[1], "wrong") == 0) v->state = WRONG;
	else return;
	snprintf(v->file, sizeof v->file, "%s", fields[2]);
	snprintf(v->why, sizeof v->why, "%s", fields[3]);
	for (char *p = v->why; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
}

/* Read the verdicts in PATH. */
static void load(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		take_line(line);
	}
	fclose(f);
}

void hints_from(const char *path)
{
	load(path);
}

/* The first TODO of NEEDS ("1-3, 5") with a verdict other than ok. */
static int first_wrong(const char *needs)
{
	const char *p = needs;

	while (p != NULL && *p != '\0') {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		for (long n = lo; n <= hi && n >= 1 && n <= MAX_TODO; n++)
			if (verdicts[n].state == MISSING || verdicts[n].state == WRONG)
				return (int)n;
		p = strchr(end, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

const char *hint_for(const struct graded_test *test)
{
	int n = test->needs ? first_wrong(test->needs) : 0;
	const struct verdict *v = &verdicts[n];
	char *hint;

	if (n == 0)
		return test->todo;
	if (v->state == MISSING)
		asprintf(&hint, "TODO %d in %s is not written yet (%s); this test "
		         "needs TODO %s", n, v->file, v->why, test->needs);
	else
		asprintf(&hint, "TODO %d in %s looks wrong: %s (seen by calling "
		         "it on its own; this test needs TODO %s)", n, v->file,
		         v->why, test->needs);
	return hint ? hint : test->todo;
}

char *with_hint(char *text, const struct graded_test *test)
{
	const char *hint = hint_for(test);
	char *at, *out;

	if (hint == test->todo || text == NULL)
		return text;
	at = strstr(text, "look at: ");
	if (at == NULL || strncmp(at + 9, test->todo, strlen(test->todo)) != 0)
		return text;
	if (asprintf(&out, "%.*slook at: %s%s", (int)(at - text), text, hint,
	             at + 9 + strlen(test->todo)) < 0)
		return text;
	free(text);
	return out;
}
