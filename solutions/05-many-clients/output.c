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
	// STARTER: /* TODO 6: if C's queue (c->out_len bytes) plus LEN would pass
	// STARTER:  * chat->queue_bytes, first send_queued(c) (TODO 8): what the socket
	// STARTER:  * takes now leaves the queue.  Still too much (or C dropped by
	// STARTER:  * that send): drop_client(c, NOT_READING, 0), return -1.  Else
	// STARTER:  * make_room() (-1: drop_client(c, LOST, ENOMEM)), copy MSG to
	// STARTER:  * c->out + c->out_off + c->out_len, add LEN to c->out_len.  Trap:
	// STARTER:  * never wait for the client to read: a cap, not a wait.
	// STARTER:  * Tests: nonreading_client_is_dropped, slow_reader_does_not_delay_others. */
	// STARTER: (void)chat;
	// STARTER: (void)c;
	// STARTER: (void)msg;
	// STARTER: (void)len;
	// STARTER: (void)make_room;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* The cap counts what the client has not taken: its queue.  What
	 * the kernel holds in the socket's buffers is not counted, but it
	 * is bounded too (SO_SNDBUF, and the client's receive window).
	 * Many clients talking at once can fill a queue within one turn of
	 * the loop, before it had a POLLOUT: so before the verdict, the
	 * socket gets what it takes now.  Only a client whose socket is
	 * full as well is not reading. */
	if (c->out_len + len > chat->queue_bytes) {
		send_queued(c);
		if (c->state == GONE || c->out_len + len > chat->queue_bytes) {
			drop_client(c, NOT_READING, 0);
			return -1;
		}
	}
	if (make_room(c, len) < 0) {
		drop_client(c, LOST, ENOMEM);
		return -1;
	}
	memcpy(c->out + c->out_off + c->out_len, msg, len);
	c->out_len += len;
	return 0;
	// END SOLUTION
}

void fan_out(struct chat *chat, const struct client *from, const char *line,
             size_t len)
{
	char msg[MESSAGE_MAX];
	int head = snprintf(msg, sizeof msg, "%s: ", from->name);

	if (head < 0 || (size_t)head + len > sizeof msg)
		return;         /* cannot be: a line is at most LINE_MAX_BYTES */
	memcpy(msg + head, line, len);
	// STARTER: /* TODO 7: MSG holds "NAME: line" (HEAD + LEN bytes): enqueue() it
	// STARTER:  * for every client of chat->clients[0 .. chat->n) that is ACTIVE,
	// STARTER:  * but not for FROM.  Trap: one client dropped (enqueue() -1) is no
	// STARTER:  * reason to stop: the others still get the line.
	// STARTER:  * Tests: line_reaches_every_other_client, two_hundred_clients_at_once. */
	// STARTER: (void)chat;
	// BEGIN SOLUTION
	/* Copied into each queue: a client's queue is its own, drained at
	 * its own pace.  (Sharing one copy among all, with a count of
	 * readers, saves memory and copies; it is what a large server
	 * does, and more than this lab needs.) */
	for (size_t i = 0; i < chat->n; i++) {
		struct client *c = chat->clients[i];

		if (c != from && c->state == ACTIVE)
			enqueue(chat, c, msg, (size_t)head + len);
	}
	// END SOLUTION
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
	// STARTER: /* TODO 8: one send(2) of C's queue (c->out + c->out_off, c->out_len
	// STARTER:  * bytes), MSG_NOSIGNAL; take the N bytes it took off the queue
	// STARTER:  * (out_off += n, out_len -= n; empty: out_off = 0, and a buffer over
	// STARTER:  * KEEP_BUFFER freed).  EAGAIN, EINTR: nothing, later.  Another
	// STARTER:  * error: drop_client(c, LOST, errno).  Trap: send() takes what fits,
	// STARTER:  * maybe less than asked: the rest stays queued, never lost.
	// STARTER:  * Tests: server_survives_short_writes, slow_reader_does_not_delay_others. */
	// STARTER: (void)c;
	// BEGIN SOLUTION
	/* MSG_NOSIGNAL: a client gone (reset) makes send() fail with
	 * EPIPE, instead of raising SIGPIPE, whose default action would
	 * end the server and every client's chat with it. */
	ssize_t n = send(c->fd, c->out + c->out_off, c->out_len, MSG_NOSIGNAL);

	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			drop_client(c, LOST, errno);
		return;
	}
	c->out_off += (size_t)n;
	c->out_len -= (size_t)n;
	if (c->out_len == 0) {
		c->out_off = 0;
		if (c->out_cap > KEEP_BUFFER) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
	}
	// END SOLUTION
}
