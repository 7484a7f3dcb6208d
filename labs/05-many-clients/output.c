/*
 * output.c - lab 05, what the server sends: a bounded queue per client,
 * filled by every line of the others, emptied when its socket has room.
 *
 * A send() on a non-blocking socket takes what fits in the socket's send
 * buffer, maybe less than asked, and fails with EAGAIN when it is full:
 * it never waits.  What it did not take waits in the client's queue,
 * and poll()'s POLLOUT says when there is room again (loop.c).  So a
 * client that reads slowly costs the server memory, never time.
 *
 * But memory is not endless either: a client that never reads would
 * make its queue grow for ever.  So each queue has a cap, QUEUE_BYTES,
 * and a client whose queue would pass it is dropped: back-pressure (the
 * sender must slow down, or be let go) applied where it belongs, to the
 * one client that does not keep up.  The alternative, waiting for it to
 * read, is how one stuck client stops a whole server.
 *
 * Man pages: send(2), socket(7) (SO_SNDBUF), tcp(7), poll(2).
 */
#include "chat.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A queue emptied keeps its buffer up to this size: one that held a
 * burst gives the memory back. */
#define KEEP_BUFFER 4096

/* Room at the end of C's queue for LEN more bytes: the queued bytes
 * moved to the start of the buffer, or a bigger buffer.  0, or -1 when
 * memory runs out. */
static int make_room(struct client *c, size_t len)
{
	size_t need = c->out_len + len, cap;
	char *bigger;

	if (c->out_off + need <= c->out_cap)
		return 0;
	if (need <= c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len);
		c->out_off = 0;
		return 0;
	}
	for (cap = c->out_cap ? c->out_cap : 1024; cap < need; cap *= 2)
		;
	bigger = malloc(cap);
	if (bigger == NULL)
		return -1;
	if (c->out_len > 0)
		memcpy(bigger, c->out + c->out_off, c->out_len);
	free(c->out);
	c->out = bigger;
	c->out_cap = cap;
	c->out_off = 0;
	return 0;
}

int enqueue(struct chat *chat, struct client *c, const char *msg, size_t len)
{
	/* TODO 6: if C's queue (c->out_len bytes) plus LEN would pass
	 * chat->queue_bytes, first send_queued(c) (TODO 8): what the socket
	 * takes now leaves the queue.  Still too much (or C dropped by
	 * that send): drop_client(c, NOT_READING, 0), return -1.  Else
	 * make_room() (-1: drop_client(c, LOST, ENOMEM)), copy MSG to
	 * c->out + c->out_off + c->out_len, add LEN to c->out_len.  Trap:
	 * never wait for the client to read: a cap, not a wait.
	 * Tests: nonreading_client_is_dropped, slow_reader_does_not_delay_others. */
	(void)chat;
	(void)c;
	(void)msg;
	(void)len;
	(void)make_room;
	return -1;
}

void fan_out(struct chat *chat, const struct client *from, const char *line,
             size_t len)
{
	char msg[MESSAGE_MAX];
	int head = snprintf(msg, sizeof msg, "%s: ", from->name);

	if (head < 0 || (size_t)head + len > sizeof msg)
		return;         /* cannot be: a line is at most LINE_MAX_BYTES */
	memcpy(msg + head, line, len);
	/* TODO 7: MSG holds "NAME: line" (HEAD + LEN bytes): enqueue() it
	 * for every client of chat->clients[0 .. chat->n) that is ACTIVE,
	 * but not for FROM.  Trap: one client dropped (enqueue() -1) is no
	 * reason to stop: the others still get the line.
	 * Tests: line_reaches_every_other_client, two_hundred_clients_at_once. */
	(void)chat;
}

void tell_others(struct chat *chat, const struct client *about, const char *text)
{
	char msg[ADDR_STRLEN + 64];
	int len = snprintf(msg, sizeof msg, "* %s %s\n", about->name, text);

	for (size_t i = 0; i < chat->n && len > 0; i++) {
		struct client *c = chat->clients[i];

		if (c != about && c->state == ACTIVE)
			enqueue(chat, c, msg, (size_t)len);
	}
}

void send_queued(struct client *c)
{
	/* TODO 8: one send(2) of C's queue (c->out + c->out_off, c->out_len
	 * bytes), MSG_NOSIGNAL; take the N bytes it took off the queue
	 * (out_off += n, out_len -= n; empty: out_off = 0, and a buffer over
	 * KEEP_BUFFER freed).  EAGAIN, EINTR: nothing, later.  Another
	 * error: drop_client(c, LOST, errno).  Trap: send() takes what fits,
	 * maybe less than asked: the rest stays queued, never lost.
	 * Tests: server_survives_short_writes, slow_reader_does_not_delay_others. */
	(void)c;
}
