/*
 * input.c - lab 05, what the server reads: a buffer per client, framed
 * into lines.
 *
 * Lab 04's server read one client at a time, so one buffer on its stack
 * held that client's unfinished line.  Here a read() may come from any
 * client at any moment, and each has its own unfinished line: "hel" from
 * one, a line and a half from another.  So each client carries its own
 * input buffer, and a read() appends to it; every complete line in it
 * goes out, and the rest waits there for its end.
 *
 * One read() per wakeup, never a loop until EAGAIN: a client that sends
 * as fast as it can would keep the loop reading it, and the others
 * waiting.  poll() is level-triggered: what was not read now makes the
 * socket readable again at the next call, after everyone else's turn.
 *
 * Man pages: read(2), recv(2), poll(2), tcp(7).
 */
#include "chat.h"

#include "common.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void read_input(struct chat *chat, struct client *c)
{
	/* TODO 4: one read_retry() into c->in after its c->in_len bytes
	 * (room: sizeof c->in - c->in_len).  -1 with EAGAIN: nothing came
	 * after all, return; another error: drop_client(c, LOST, errno).
	 * 0: end of file: c->eof = true, leave_chat(chat, c, LEFT).  N > 0:
	 * add N to c->in_len, c->heard = now_ms(), frame_lines().  Trap: one
	 * read, not a loop until EAGAIN: a fast sender must not starve the
	 * others.  read(2).
	 * Tests: line_in_pieces_is_delivered_once, joins_and_leaves_are_announced. */
	(void)chat;
	(void)c;
}

void frame_lines(struct chat *chat, struct client *c)
{
	static const char too_long_text[] = "* line too long\n";

	/* TODO 5: for each '\n' in c->in[0 .. c->in_len) (memchr(3)): fan_out()
	 * the line, its '\n' included, and count it in c->lines.  Then
	 * memmove(3) the unfinished rest to c->in's start, c->in_len its
	 * length.  Still LINE_MAX_BYTES without a '\n': a line too long:
	 * c->in_len = 0, enqueue() too_long_text for C (0: then
	 * leave_chat(chat, c, TOO_LONG)).  Trap: a read holds part of a
	 * line, or several: only a '\n' ends one.
	 * Tests: line_in_pieces_is_delivered_once, several_lines_in_one_write_are_each_delivered. */
	(void)chat;
	(void)c;
	(void)too_long_text;
}

void discard_input(struct client *c)
{
	static char scratch[65536];
	ssize_t n = read_retry(c->fd, scratch, sizeof scratch);

	/* A leaving client: what it still sends is read only so that the
	 * connection ends with a FIN, not a reset (loop.c). */
	if (n > 0)
		c->heard = now_ms();
	else if (n == 0)
		c->eof = true;
	else if (errno != EAGAIN && errno != EWOULDBLOCK)
		drop_client(c, LOST, errno);
}
