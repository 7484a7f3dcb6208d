/*
 * service.h - the test's own server for lab 05's client under test
 * (service.c): where the client connects, what it sends, what it
 * prints.  Every failure blames the client.
 */
#ifndef SOCKLAB_TESTS_MANY_CLIENTS_SERVICE_H
#define SOCKLAB_TESTS_MANY_CLIENTS_SERVICE_H

#include "harness.h"

#include <stdbool.h>
#include <stddef.h>

/* The client under test, run with O against the test's own server, a
 * socket listening on the loopback (::1 where the machine has one), and
 * accepted within 3 s: the test's end, non-blocking, in *FD.  LOGGED
 * (unless NULL, 80 bytes): the line "connected to ADDRESS" it owes. */
struct proc *client_connected(const struct run_opts *o, int *fd,
                              char *logged);
/* Read from FD (the client's connection) until it holds WANT bytes, its
 * end of file, or TIMEOUT_MS: all that came, allocated; *EOF. */
char *receive(int fd, size_t want, int timeout_ms, size_t *len, bool *eof);
/* The client's stdout must be exactly WANT by now or within PROMPT_MS. */
void expect_printed(struct proc *cli, const char *want, const char *why);

#endif
