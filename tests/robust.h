/*
 * robust.h - the robustness suite (`make robust`): bad input thrown at a
 * lab's server, the same for every lab of a kind.
 *
 * Each attack starts the server, counts its open fds (/proc/PID/fd),
 * throws one kind of bad input at it (garbage, a flood, hundreds of
 * silent connections, clients that vanish, oversize input), then checks
 * that the server still answers a well-formed client, that its fd count
 * is back where it was, and that SIGTERM still stops it cleanly.  What
 * was thrown is counted and reported under the attack's name.
 *
 * A lab's suite (tests/NN-name.c) tells the attacks how to reach its
 * server by defining lab_robust; the attacks themselves live in robust.c.
 */
#ifndef SOCKLAB_ROBUST_H
#define SOCKLAB_ROBUST_H

#include "harness.h"

#include <sys/socket.h>

enum robust_kind {
	ROBUST_STREAM,     /* a stream server (UNIX or TCP) serving clients */
	ROBUST_DATAGRAM,   /* a datagram server (UDP or UNIX) answering datagrams */
};

struct robust_target {
	enum robust_kind kind;
	/* Start the server as the attacks want it (for a session or idle
	 * timeout, a short one), wait for its ready line, and give the
	 * address to attack. */
	struct proc *(*start)(struct sockaddr_storage *addr, socklen_t *len);
	/* One well-formed exchange with the server at ADDR; fails the test
	 * (fail()) unless it is answered right.  Datagram labs retransmit:
	 * after a flood the kernel may drop a request, as UDP allows. */
	void (*good)(struct proc *server, const struct sockaddr *addr,
	             socklen_t len);
	/* Datagram labs: the largest payload the server must take. */
	size_t max_datagram;
	/* The server's TODOs, in order: a failed attack names the first
	 * the diagnosis found wrong (hints.h). */
	const char *needs;
};

/* Defined by each lab's suite. */
extern const struct robust_target lab_robust;

/* The attacks for this lab's kind, *N of them: `grade --robust` runs
 * them instead of the lab's graded tests. */
const struct graded_test *robust_table(size_t *n);

#endif
