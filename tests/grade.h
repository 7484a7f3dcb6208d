/*
 * grade.h - what the runner (grade.c) shares with the harness: the state
 * of the test being run, and the files through which a test child tells
 * the runner more than check can (details, skips, that it ended normally).
 */
#ifndef SOCKLAB_GRADE_H
#define SOCKLAB_GRADE_H

#include "harness.h"

/* The files through which a test child tells the runner more than check
 * can, in the runner's private directory.  The child opens them all
 * before the test starts (so that it needs no access to that directory
 * afterwards: as root, the test acts on files with the student's uid)
 * and writes them through the fds; an empty file is one not written. */
enum grade_file {
	GF_STEPS,      /* the numbered steps */
	GF_DETAIL,     /* the failure message, in full */
	GF_SKIP,       /* the reason to skip */
	GF_NOTE,       /* what the test tried, shown when it passes */
	GF_DONE,       /* not empty iff the test body returned */
	GF_PGID,       /* the test child's process group */
	GF_COUNT
};

struct grade_state {
	const char *bin_dir;       /* the tree's built programs */
	const char *preload_dir;   /* the grader's preload libraries */
	double multiplier;         /* CK_TIMEOUT_MULTIPLIER */
	bool sanitized;            /* the programs are built with ASan+UBSan */
	bool guard;                /* the exec guard watches the programs */
	int uid;                   /* as root: the student's uid, else -1 */
	const struct graded_test *test;  /* the test being run */
	const char *todo;          /* its TODO */
	char test_dir[256];        /* its private temp dir */
	char file[GF_COUNT][256];  /* the paths of its grade_files */
	int fd[GF_COUNT];          /* in the test child: those files */
};

extern struct grade_state grade_state;

/* In the test child: replace the contents of FILE with TEXT, or add
 * TEXT to them; read them back (allocated). */
void grade_put(enum grade_file file, const char *text);
void grade_append(enum grade_file file, const char *text);
char *grade_get(enum grade_file file);
/* The children of PARENT now (at most MAX) in PIDS; how many. */
int children_of(pid_t parent, pid_t *pids, int max);
/* PID's state letter in /proc/PID/stat (R, S, T, Z...), 0 if it is gone;
 * its process group in *PGID unless NULL. */
char process_state(pid_t pid, pid_t *pgid);
/* End of a test that passed: fail it if a program under test reported
 * memory errors or undefined behaviour (sanitizers, valgrind). */
void harness_finish(void);
NORETURN void grade_skip(const char *reason);

#endif
