/*
 * accept.c - lab 05, taking clients in without ever blocking the others:
 * accept every waiting connection, each socket non-blocking, and refuse
 * politely when there is no room, even with no descriptor left.
 *
 * A descriptor per client: a process has at most RLIMIT_NOFILE of them
 * (`ulimit -n`, often 1024).  Once they are all in use, accept(2) fails
 * with EMFILE and leaves the connection in the listen queue, so the
 * listener stays readable: a poll() loop that only logs the error wakes
 * up again at once, for ever, at 100% CPU, and the client waits without
 * a word.  The way out (as in libevent and nginx): keep one descriptor
 * open for nothing, the spare; at EMFILE, close it, accept the
 * connection with the room it leaves, tell the client, close it, and
 * open the spare again.
 *
 * Man pages: accept(2) (accept4), getrlimit(2), open(2), socket(7).
 */
#define _GNU_SOURCE     /* accept4(2), SOCK_NONBLOCK, SOCK_CLOEXEC */
#include "chat.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The spare: /dev/null, a descriptor that costs nothing. */
static int open_spare(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int chat_init(struct chat *chat, int listen_fd, size_t max_clients,
              size_t queue_bytes, int idle_ms)
{
	memset(chat, 0, sizeof *chat);
	chat->listen_fd = listen_fd;
	chat->max_clients = max_clients;
	chat->queue_bytes = queue_bytes;
	chat->idle_ms = idle_ms;
	chat->clients = calloc(max_clients, sizeof *chat->clients);
	chat->pfds = calloc(max_clients + 1, sizeof *chat->pfds);
	chat->spare_fd = open_spare();
	if (chat->clients == NULL || chat->pfds == NULL || chat->spare_fd < 0) {
		int err = errno;

		free(chat->clients);
		free(chat->pfds);
		if (chat->spare_fd >= 0)
			close(chat->spare_fd);
		errno = err;
		return -1;
	}
	return 0;
}

void chat_free(struct chat *chat)
{
	for (size_t i = 0; i < chat->n; i++) {
		close(chat->clients[i]->fd);
		free(chat->clients[i]->out);
		free(chat->clients[i]);
	}
	if (chat->spare_fd >= 0)
		close(chat->spare_fd);
	close(chat->listen_fd);
	free(chat->clients);
	free(chat->pfds);
	memset(chat, 0, sizeof *chat);
}

void refuse_client(int fd, const char *name)
{
	static const char full[] = "* server full\n";

	/* One try, without waiting: a new socket's send buffer is empty,
	 * and a client that cannot take 14 bytes gets nothing. */
	(void)send(fd, full, sizeof full - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
	log_line("client %s refused: server full", name);
}

struct client *add_client(struct chat *chat, int fd,
                          const struct sockaddr_in6 *peer)
{
	struct client *c = calloc(1, sizeof *c);
	int one = 1;

	/* A chat is interactive: each batch of lines goes at once, not
	 * held until the batch before is acknowledged (Nagle's algorithm,
	 * which the client's delayed acknowledgements turn into pauses of
	 * up to 40 ms: tcp(7), TCP_NODELAY). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (c == NULL) {
		close(fd);
		log_line("out of memory: a client refused");
		return NULL;
	}
	c->fd = fd;
	c->state = ACTIVE;
	c->heard = now_ms();
	format_addr((const struct sockaddr *)peer, sizeof *peer, c->name);
	chat->clients[chat->n++] = c;
	log_line("client %s joined", c->name);
	tell_others(chat, c, "joined");
	return c;
}

int refuse_with_spare(struct chat *chat)
{
	struct sockaddr_in6 peer;
	socklen_t len = sizeof peer;
	char name[ADDR_STRLEN];

	// STARTER: /* TODO 3: out of descriptors (EMFILE).  close(2) chat->spare_fd, then
	// STARTER:  * accept4(2) (as in TODO 2) into the room it leaves; if that worked,
	// STARTER:  * refuse_client() the new fd (its name: format_addr(3) of PEER).
	// STARTER:  * Then, and only then, chat->spare_fd = open_spare() again.  Return
	// STARTER:  * 0, or -1 with accept's errno (keep it across open).  Trap: doing
	// STARTER:  * nothing leaves the client in the queue, the listener readable,
	// STARTER:  * and poll() returning at once, for ever: a busy loop.
	// STARTER:  * Tests: descriptor_limit_says_server_full. */
	// STARTER: (void)chat;
	// STARTER: (void)len;
	// STARTER: (void)name;
	// STARTER: (void)open_spare;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	int fd = -1, err;

	/* The spare's number is the one free descriptor: accept() takes
	 * it, refuse_client() frees it again, and the spare takes it back.
	 * (Opened again before the refused socket is closed, it would find
	 * no room, and the next EMFILE no spare.) */
	if (chat->spare_fd >= 0) {
		close(chat->spare_fd);
		chat->spare_fd = -1;
		fd = accept4(chat->listen_fd, (struct sockaddr *)&peer, &len,
		             SOCK_NONBLOCK | SOCK_CLOEXEC);
	} else {
		errno = EMFILE;     /* no spare: it could not be opened again */
	}
	err = errno;
	if (fd >= 0)
		refuse_client(fd, format_addr((struct sockaddr *)&peer, sizeof peer,
		                              name));
	chat->spare_fd = open_spare();      /* back in its place */
	if (fd >= 0)
		return 0;
	errno = err;
	return -1;
	// END SOLUTION
}

void accept_clients(struct chat *chat)
{
	// STARTER: /* TODO 2: loop: accept4(2) on chat->listen_fd, the client's address
	// STARTER:  * into a sockaddr_in6 (its length sizeof it), SOCK_NONBLOCK |
	// STARTER:  * SOCK_CLOEXEC, until it fails with EAGAIN: then return.
	// STARTER:  * ECONNABORTED, EINTR: go on.  EMFILE, ENFILE: refuse_with_spare()
	// STARTER:  * (TODO 3) (-1: return).  chat->n == chat->max_clients:
	// STARTER:  * refuse_client(); else add_client().  Trap: accept()ed sockets do not inherit
	// STARTER:  * the listener's O_NONBLOCK: a blocking one stalls every client in
	// STARTER:  * a send().  accept(2).
	// STARTER:  * Tests: sockets_are_nonblocking, line_reaches_every_other_client. */
	// STARTER: (void)chat;
	// BEGIN SOLUTION
	for (;;) {
		struct sockaddr_in6 peer;
		socklen_t len = sizeof peer;
		char name[ADDR_STRLEN];
		/* Non-blocking from birth: on Linux an accepted socket does
		 * not inherit the listener's O_NONBLOCK, and a blocking send()
		 * to a client that does not read would stall everyone. */
		int fd = accept4(chat->listen_fd, (struct sockaddr *)&peer, &len,
		                 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
			if (refuse_with_spare(chat) < 0)
				return;     /* gone already (EAGAIN), or next time */
			continue;
		}
		if (fd < 0) {
			if (errno == ECONNABORTED || errno == EINTR)
				continue;   /* that client gave up: the next */
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_line("accept: %s", strerror(errno));
			return;         /* EAGAIN: nobody else is waiting */
		}
		if (chat->n == chat->max_clients) {
			refuse_client(fd, format_addr((struct sockaddr *)&peer,
			                              sizeof peer, name));
			continue;
		}
		add_client(chat, fd, &peer);
	}
	// END SOLUTION
}
