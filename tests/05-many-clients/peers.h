/*
 * peers.h - lab 05's chat server under test, and the test's clients of
 * it, the peers (peers.c): as many as a test needs at once, each a
 * non-blocking socket of the test's own.  pump() reads every peer that
 * reads, whatever the test is waiting for; a peer's failures blame the
 * server.
 */
#ifndef SOCKLAB_TESTS_MANY_CLIENTS_PEERS_H
#define SOCKLAB_TESTS_MANY_CLIENTS_PEERS_H

#include "harness.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The lab's longest line with its newline, as its header (chat.h)
 * defines it. */
#define LINE_MAX_BYTES 4096

/* "each delivery within 1 s": a server that waits on one client misses
 * it by far; a busy machine does not (scaled by ms()). */
#define PROMPT_MS 1000

#define MAX_PEERS 256

struct server {
	struct proc *p;
	const char *ip;         /* where its clients connect: ::1 or 127.0.0.1 */
	const char *named;      /* how it names them: "::1", "::ffff:127.0.0.1" */
	uint16_t port;
};

/* A client of the test's own: a non-blocking socket, and all it has
 * received.  pump() reads every client that READS, whatever the test
 * is waiting for, so that none of them ever holds the server back. */
struct peer {
	int fd;
	char name[80];          /* as the server names it: "[::1]:41234" */
	char label;             /* 'A', 'B'... in messages */
	bool reads;             /* pump() reads it */
	bool eof;               /* end of file, or an error (ERR) */
	int err;
	char *got;              /* everything received */
	size_t len, cap;
	size_t scanned;         /* lines counted up to here */
	unsigned notices, chats;    /* lines "* ..." and the others */
};

/* The server of the test running: its peers connect there. */
extern struct server srv;

/* Start the chat server on the loopback (start_on_loopback()) with
 * EXTRA's options (up to 6, NULL-ended); no peers yet. */
void start_chat(const struct run_opts *o, const char *const extra[]);
/* For a message: "" while the server runs, else how it ended. */
const char *fate(void);

/* A new client of the server, LABEL for the messages: connected, not
 * yet known to have joined.  RCVBUF > 0: a receive buffer that small. */
struct peer *connect_peer(char label, int rcvbuf);
/* The same, reading if READS, known to have joined: TOLD, a client
 * that has, is told of it. */
struct peer *newcomer(char label, int rcvbuf, bool reads, struct peer *told);
/* Clients A, B... (N of them) that have all joined: each later one
 * announced to the first.  The first is known to have joined by the
 * server's log line. */
void join_all(struct peer *out[], int n);

/* Read what P has, MAX bytes at most (one read); false once it is at
 * its end. */
bool take(struct peer *p, size_t max);
/* One round: wait up to TIMEOUT_MS for any client that reads, and read
 * each one ready once.  False if none was. */
bool pump(int timeout_ms);
/* Does P hold the complete line LINE (without its '\n'), from byte FROM
 * on?  Its offset, or -1. */
long line_at(const struct peer *p, const char *line, size_t from);
/* How many times P received the line LINE. */
int times_got(const struct peer *p, const char *line);
/* The end of what P received, quoted, for a message. */
const char *tail_of(const struct peer *p);
/* Pump until P has the line LINE from byte FROM on, within TIMEOUT_MS;
 * false if not.  Each pass looks only at what is new (and the line's
 * length before it): a test that streams megabytes stays linear. */
bool wait_line_from(struct peer *p, const char *line, size_t from,
                    int timeout_ms);
/* Pump until P has the line LINE, within TIMEOUT_MS; false if not. */
bool wait_line(struct peer *p, const char *line, int timeout_ms);
/* P must receive LINE within TIMEOUT_MS; WHY says what it is. */
void expect_line(struct peer *p, const char *line, int timeout_ms,
                 const char *why);
/* P must receive SENDER's LINE within PROMPT_MS, as every client but
 * the sender does. */
void expect_heard(struct peer *p, const struct peer *sender,
                  const char *line);

/* Send TEXT from P (all of it: the test's side never waits long). */
void say(struct peer *p, const char *text, size_t len);
/* Send LINE and a newline from P. */
void say_line(struct peer *p, const char *line);
/* What the others receive when P sends LINE: "NAME: LINE". */
const char *from(const struct peer *p, const char *line);
/* "* NAME WHAT", what the others are told of P. */
const char *notice(const struct peer *p, const char *what);

/* Has P been let go by the server (end of file or reset) within
 * TIMEOUT_MS?  What came before is kept. */
bool let_go(struct peer *p, int timeout_ms);
/* Close P: with a reset (SO_LINGER 0) if ABRUPT, as a crash would. */
void hang_up(struct peer *p, bool abrupt);

#endif
