/*
 * grade.h - what the runner (grade.c) shares with the harness: the state
 * of the test being run, and the files through which a test child tells
 * the runner more than check can (details, skips, that it ended normally).
 */
#ifndef SOCKLAB_GRADE_H
#define SOCKLAB_GRADE_H

#include "harness.h"

struct grade_state {
	const char *bin_dir;       /* the tree's built programs */
	const char *preload_dir;   /* the grader's preload libraries */
	double multiplier;         /* CK_TIMEOUT_MULTIPLIER */
	bool guard;                /* the exec guard watches the programs */
	const struct graded_test *test;  /* the test being run */
	const char *todo;          /* its TODO */
	char test_dir[256];        /* its private temp dir */
	char steps_file[256];      /* its numbered steps */
	char detail_file[256];     /* its failure message, in full */
	char skip_file[256];       /* its reason to skip */
	char note_file[256];       /* what it tried, shown when it passes */
	char done_file[256];       /* exists iff the test body returned */
	char pgid_file[256];       /* the test child's process group */
};

extern struct grade_state grade_state;

void grade_write_detail(const char *text);
/* End of a test that passed: fail it if a program under test reported
 * memory errors or undefined behaviour (sanitizers, valgrind). */
void harness_finish(void);
NORETURN void grade_skip(const char *reason);

#endif
