/*
 * results-json.h - the grader's Gradescope output: one test's result as a
 * test object of results.json (grade --json).  tests/grade-all.sh joins
 * the labs' objects into the "tests" array and writes the top-level score.
 * Unit-tested by tools/selftest/test_results_json.c (make check).
 */
#ifndef SOCKLAB_RESULTS_JSON_H
#define SOCKLAB_RESULTS_JSON_H

#include <stddef.h>
#include <stdio.h>

struct json_result {
	const char *lab;        /* the lab's directory, "01-unix-stream": its
	                           first two characters number the test */
	size_t number;          /* the test's place in its lab's table, from 1 */
	const char *name;
	int score, max_score;   /* a skipped test: 0 of 0 */
	const char *output;     /* what the student reads: any bytes */
};

/* RESULT as one line: a JSON object with name, number ("01.03"), score,
 * max_score, status ("passed" exactly when score == max_score), tags
 * (["lab01"]), visibility and output. */
void results_json_test(FILE *f, const struct json_result *result);

/* S as a JSON string, valid UTF-8 whatever S holds. */
void results_json_string(FILE *f, const char *s);

#endif
