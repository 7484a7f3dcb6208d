/*
 * loop.c - lab 05, the server's one loop: poll(2) on the listener and
 * every client at once, act on what is ready, and let go of the clients
 * that must go.
 *
 * An iterative server (labs 01-04) serves one client at a time: while it
 * waits for that client, in read() or send(), nobody else is served.
 * The ways out (TLPI ch. 60, UNP ch. 6): a process or a thread per
 * client, or one process that never waits for any one client, but for
 * all of them at once.  This is the last: poll() is given every socket,
 * each with the events it could use now, and returns when at least one
 * is ready; then every socket ready is served a little (one read, one
 * send), none of them waited for.
 *
 * What to ask for is the whole art.  POLLIN always (a client may send
 * at any moment, and its end of file or a reset shows as readable too).
 * POLLOUT only while the client's queue holds something: a connected
 * socket is writable almost all the time, so a POLLOUT asked for with
 * nothing to send makes poll() return at once, again and again, at 100%
 * CPU.  With nothing to do, the loop sleeps in poll() without a timeout,
 * unless a client has a deadline (-i, or a leaving client's LINGER_MS).
 *
 * poll() costs time in proportion to the number of descriptors it is
 * given, every call, ready or not: epoll(7) keeps the set in the kernel
 * instead (TLPI 63.4.5; make bench measures both).
 *
 * Leaving.  A client that closes its end (end of file) leaves the chat
 * at once, but its queue may still hold lines for it: it is sent what
 * is queued, then the server's end of file (shutdown(SHUT_WR)), and the
 * socket is closed once the client has closed too.  The same for a
 * client that sent a line too long: it is told why before the end.
 * Closing a socket with input unread sends a reset (RST) instead of a
 * FIN, and a reset may destroy what the client had not read yet; so what
 * a leaving client still sends is read and discarded (a "lingering
 * close"), for at most LINGER_MS after its last byte.
 *
 * Man pages: poll(2) (ppoll), socket(7), shutdown(2), close(2), tcp(7),
 * epoll(7).
 */
#define _GNU_SOURCE     /* ppoll(2) */
#include "chat.h"

#include "common.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the others are told about a client that went for WHY. */
static const char *why_text(enum why why)
{
	switch (why) {
	case TOO_LONG:
		return "dropped: line too long";
	case NOT_READING:
		return "dropped: not reading";
	case IDLE:
		return "dropped: idle";
	default:
		return "left";
	}
}

/* The log line of a client closed. */
static void log_gone(const struct client *c)
{
	if (c->why == LOST)
		log_line("client %s lost: %s, %lu lines", c->name,
		         strerror(c->err), c->lines);
	else if (c->why == LEFT)
		log_line("client %s left: %lu lines", c->name, c->lines);
	else
		log_line("client %s %s, %lu lines", c->name, why_text(c->why),
		         c->lines);
}

void leave_chat(struct chat *chat, struct client *c, enum why why)
{
	c->state = LEAVING;
	c->why = why;
	c->heard = now_ms();
	c->in_len = 0;
	c->announced = true;
	tell_others(chat, c, why_text(why));
}

void drop_client(struct client *c, enum why why, int err)
{
	if (c->state == ACTIVE) {       /* a leaving client keeps its reason */
		c->why = why;
		c->err = err;
	}
	c->state = GONE;
}

nfds_t set_events(struct chat *chat)
{
	/* TODO 9: chat->pfds[0]: chat->listen_fd, POLLIN.  chat->pfds[1 + i]
	 * for each chat->clients[i]: its fd, POLLIN unless its c->eof was
	 * read, POLLOUT only while its queue holds bytes (c->out_len > 0).
	 * Return chat->n + 1.  Trap: POLLOUT with an empty queue: a socket
	 * is writable almost always, so poll() returns at once, for ever.
	 * Tests: idle_server_uses_no_cpu, line_reaches_every_other_client. */
	(void)chat;
	errno = ENOSYS;
	return 0;
}

void handle_events(struct chat *chat, nfds_t count)
{
	/* TODO 10: for each client entry i of chat->pfds[1 .. COUNT) (its
	 * client: chat->clients[i - 1]), unless the client is GONE:
	 * revents POLLIN, POLLHUP or POLLERR: read_input() if ACTIVE, else
	 * discard_input(); then POLLOUT: send_queued(), unless GONE now.
	 * Last, POLLIN on pfds[0]: accept_clients().  Trap: POLLHUP and
	 * POLLERR come without POLLIN, and only a read() tells what
	 * happened; and a client accepted now has no entry yet.
	 * Tests: line_reaches_every_other_client, vanished_client_mid_line_is_survived. */
	(void)chat;
	(void)count;
}

void sweep(struct chat *chat)
{
	/* TODO 11: remove every GONE client from chat->clients: close(2) its
	 * fd, log_gone(), move the last client into its place (chat->n--),
	 * and unless c->announced, tell_others(chat, c, why_text(c->why))
	 * once it is out of the list; free(3) its queue (c->out) and it.
	 * Trap: telling the others may drop one of them (a full queue):
	 * go over the list again until a pass finds no GONE client.
	 * Tests: joins_and_leaves_are_announced, nonreading_client_is_dropped. */
	(void)chat;
	(void)log_gone;
}

/* Deadlines: clients silent for IDLE_MS go, and leaving clients go once
 * their queue is sent and they have closed, or after LINGER_MS. */
static void check_timers(struct chat *chat, long long now)
{
	for (size_t i = 0; i < chat->n; i++) {
		struct client *c = chat->clients[i];

		if (c->state == ACTIVE && chat->idle_ms > 0
		    && now - c->heard >= chat->idle_ms)
			drop_client(c, IDLE, 0);
		if (c->state != LEAVING)
			continue;
		if (c->out_len == 0 && !c->shut) {
			/* All sent: our end of file, after the last line. */
			shutdown(c->fd, SHUT_WR);
			c->shut = true;
		}
		if ((c->eof && c->out_len == 0) || now - c->heard >= LINGER_MS)
			drop_client(c, c->why, 0);
	}
}

/* Milliseconds until the next deadline of check_timers(), -1: none. */
static int next_timeout(const struct chat *chat, long long now)
{
	long long soonest = -1;

	for (size_t i = 0; i < chat->n; i++) {
		const struct client *c = chat->clients[i];
		long long at = -1;

		if (c->state == ACTIVE && chat->idle_ms > 0)
			at = c->heard + chat->idle_ms;
		else if (c->state == LEAVING)
			at = c->heard + LINGER_MS;
		if (at >= 0 && (soonest < 0 || at < soonest))
			soonest = at;
	}
	if (soonest < 0)
		return -1;      /* nothing to wake up for: sleep until an event */
	return soonest <= now ? 0 : (int)(soonest - now);
}

/* poll(2), with the stop signals let in for as long as it waits: they
 * are blocked the rest of the time (common.h), so one that comes while
 * the loop is busy waits, and ends this wait at once (EINTR).  That is
 * ppoll(2): poll() and the signal mask swapped in one atomic step. */
static int wait_events(struct chat *chat, nfds_t count, int timeout_ms)
{
	struct timespec ts, *tsp = NULL;
	sigset_t open;

	sigprocmask(SIG_SETMASK, NULL, &open);
	sigdelset(&open, SIGINT);
	sigdelset(&open, SIGTERM);
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	return ppoll(chat->pfds, count, tsp, &open);
}

int serve(struct chat *chat)
{
	for (;;) {
		long long now = now_ms();
		nfds_t count;

		check_timers(chat, now);
		sweep(chat);
		if (stop_requested())
			return 0;
		count = set_events(chat);
		if (count == 0)
			return -1;      /* the starter's set_events(): ENOSYS */
		if (wait_events(chat, count, next_timeout(chat, now)) < 0) {
			if (errno == EINTR)
				continue;       /* a stop signal, or another */
			return -1;
		}
		handle_events(chat, count);
	}
}
