/*
 * preload-trace.c - the socket recorder, built as one of the grader's
 * preload libraries (preload-trace.so, beside preload-shortwrite.so), so
 * that `make build-lab` builds it with the grader and run()'s .trace
 * finds it where --preload says (tests/harness.c, tests/trace.h).
 *
 * The recorder itself is tools/trace/record.c, included whole: one
 * source, the one `make trace` builds as build/trace/socktrace.so.
 */
#include "../tools/trace/record.c"
