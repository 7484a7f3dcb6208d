/*
 * hints.h - the "look at:" line of a failing test: the first TODO the
 * test needs that the diagnosis found wrong or not written yet, else the
 * test's own hint.
 */
#ifndef SOCKLAB_HINTS_H
#define SOCKLAB_HINTS_H

#include "harness.h"

/* Read the diagnosis' verdicts (tests/diagnose/diagnose.h) from PATH.
 * They come from a program linked with student code: only well-formed
 * lines are taken, their text cut short and reduced to printable ASCII.
 * Without them every test keeps its own hint. */
void hints_from(const char *path);

/* What a student should look at when TEST fails (a static string, or
 * allocated once and kept). */
const char *hint_for(const struct graded_test *test);

/* TEXT (allocated), a failure of TEST, with its "look at: " line naming
 * hint_for(TEST) instead of the test's own hint. */
char *with_hint(char *text, const struct graded_test *test);

#endif
