/*
 * reach.c - a hostile file added to a complete lab: before main() it
 * tries to read the course's solutions and the grader, and to write into
 * the course tree (its Makefile, a file under tests/).  Each attempt that
 * succeeds makes the program abort, so the lab loses points: graded as
 * root, where the student's code runs as a uid of its own, every attempt
 * must fail and the lab keep full marks.  hostile.sh writes the course's
 * path in place of COURSE, a file of another submission in place of
 * OTHER, and Gradescope's /autograder (or its simulation) in place of
 * AUTOGRADER.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void must_fail(int fd)
{
	if (fd >= 0)
		abort();
}

__attribute__((constructor)) static void reach(void)
{
	must_fail(open("COURSE/solutions/01-unix-stream/listen.c", O_RDONLY));
	must_fail(open("COURSE/build/grader/01-unix-stream/grade", O_RDONLY));
	must_fail(open("COURSE/Makefile", O_WRONLY | O_APPEND));
	must_fail(open("COURSE/tests/owned", O_WRONLY | O_CREAT, 0644));
	must_fail(open("OTHER", O_RDONLY));
	must_fail(open("AUTOGRADER/source/Makefile", O_WRONLY | O_APPEND));
	must_fail(open("AUTOGRADER/results/results.json", O_WRONLY | O_CREAT, 0644));
}
