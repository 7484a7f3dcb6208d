/*
 * 05-many-clients.c - the diagnosis of lab 05 (diagnose.h): each of the
 * lab's functions called on its own, on a chat this program sets up
 * (chat_init() and add_client(), the lab's given code, around sockets of
 * its own), in the order of the TODOs.
 *
 * A check looks at what the function did to the chat's state (a client's
 * buffers, its queue, its state) and to the sockets (what reached the
 * other end, what is left unread, whether a descriptor is open).  Where a
 * TODO's work goes through a later TODO (frame_lines() hands each line
 * to fan_out()), the check looks only at what the TODO itself does.
 */
#define _GNU_SOURCE
#include "diagnose.h"
#include "chat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- a chat of our own ------------------------------------------------- */

static uint16_t listen_port;

/* A chat around a listener of ours (non-blocking, dual stack, at
 * ::ffff:127.0.0.1): room for MAX clients, queues of QUEUE bytes. */
static void make_chat(struct chat *chat, size_t max, size_t queue)
{
	int fd = diag_socket_at(SOCK_STREAM, "::ffff:127.0.0.1", 0);

	if (fd < 0 || listen(fd, 64) < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) < 0
	    || chat_init(chat, fd, max, queue, 0) < 0)
		exit(1);
	listen_port = diag_port_of(fd);
}

/* A client of ours, connected to the chat's listener, not yet accepted. */
static int dial(void)
{
	struct sockaddr_storage ss;
	socklen_t len = diag_addr("127.0.0.1", listen_port, &ss);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0)
		exit(1);
	return fd;
}

/* A client in the chat: our end in *OURS, the lab's struct for it. */
static struct client *member(struct chat *chat, int *ours)
{
	struct sockaddr_in6 peer;
	socklen_t len = sizeof peer;
	struct client *c;
	int fd;

	*ours = dial();
	if (!diag_ready(chat->listen_fd, POLLIN, 1000)
	    || (fd = accept(chat->listen_fd, (struct sockaddr *)&peer, &len)) < 0
	    || fcntl(fd, F_SETFL, O_NONBLOCK) < 0
	    || (c = add_client(chat, fd, &peer)) == NULL)
		exit(1);
	return c;
}

/* Empty C's queue, as if all of it had been sent. */
static void clear_queue(struct client *c)
{
	c->out_off = 0;
	c->out_len = 0;
}

/* N bytes in C's queue, whatever enqueue() does. */
static void fake_queue(struct client *c, size_t n)
{
	if (c->out_cap < n) {
		free(c->out);
		if ((c->out = calloc(1, n)) == NULL)
			exit(1);
		c->out_cap = n;
	}
	memset(c->out, 'q', n);
	c->out_off = 0;
	c->out_len = n;
}

/* Does C's queue hold TEXT (its whole LEN bytes) somewhere? */
static bool queued(const struct client *c, const char *text)
{
	size_t n = strlen(text);

	return c->out != NULL && memmem(c->out + c->out_off, c->out_len, text, n);
}

/* What is waiting to be read on FD, into BUF (CAP bytes), within MS. */
static ssize_t arrived(int fd, char *buf, size_t cap, int ms)
{
	size_t len = 0;

	while (len < cap && diag_ready(fd, POLLIN, len ? 50 : ms)) {
		ssize_t n = recv(fd, buf + len, cap - len, MSG_DONTWAIT);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

/* C's socket full, OURS (its other end) not reading: C is not reading. */
static void stuff_socket(struct client *c, int ours)
{
	static char junk[4096];

	diag_setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, 4096);
	diag_setsockopt(ours, SOL_SOCKET, SO_RCVBUF, 4096);
	while (send(c->fd, junk, sizeof junk, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		;
}

static bool nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags >= 0 && (flags & O_NONBLOCK);
}

/* Is enqueue() still the starter's stub (nothing queued, nobody dropped)? */
static bool enqueue_is_stub(struct chat *chat)
{
	struct client scratch;

	memset(&scratch, 0, sizeof scratch);
	scratch.fd = -1;
	scratch.state = ACTIVE;
	if (enqueue(chat, &scratch, "x", 1) == 0) {
		free(scratch.out);
		return false;
	}
	return scratch.state == ACTIVE;
}

/* ---- TODO 1: chat_listen() ------------------------------------------------ */

static void check_chat_listen(void)
{
	struct in6_addr addr;
	int fd;

	inet_pton(AF_INET6, "::ffff:127.0.0.1", &addr);
	fd = chat_listen(&addr, 0);
	if (fd < 0)
		todo_wrong(1, "chat_listen(::ffff:127.0.0.1, 0) failed with %s",
		           diag_errname(errno));
	if (diag_sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN) != 1)
		todo_wrong(1, "the socket chat_listen() returned is not listening");
	if (!nonblocking(fd))
		todo_missing(1, "the listening socket chat_listen() returned is "
		             "blocking: fcntl(fd, F_SETFL, flags | O_NONBLOCK)");
}

/* ---- TODO 2: accept_clients() --------------------------------------------- */

static void check_accept_clients(void)
{
	struct chat chat;
	int ours[3], extra;
	char buf[64];
	ssize_t n;

	make_chat(&chat, 3, 65536);
	for (int i = 0; i < 3; i++)
		ours[i] = dial();
	diag_ready(chat.listen_fd, POLLIN, 1000);
	accept_clients(&chat);
	if (chat.n == 0)
		todo_missing(2, "with 3 clients waiting, accept_clients() took none");
	if (chat.n != 3)
		todo_wrong(2, "with 3 clients waiting, accept_clients() took %zu: "
		           "accept until accept4() fails with EAGAIN", chat.n);
	for (size_t i = 0; i < chat.n; i++)
		if (!nonblocking(chat.clients[i]->fd))
			todo_wrong(2, "a client's socket from accept_clients() is "
			           "blocking: accept4(..., SOCK_NONBLOCK) (it does not "
			           "inherit the listener's O_NONBLOCK)");
	for (size_t i = 0; i < chat.n; i++)
		if (chat.clients[i]->state != ACTIVE || strncmp(chat.clients[i]->name,
		                                                "[::ffff:127.0.0.1]:", 19))
			todo_wrong(2, "a client accept_clients() added is named \"%.40s\": "
			           "give accept4() a sockaddr_in6 and its length",
			           chat.clients[i]->name);
	/* Full: the next one is refused. */
	extra = dial();
	diag_ready(chat.listen_fd, POLLIN, 1000);
	accept_clients(&chat);
	n = arrived(extra, buf, sizeof buf - 1, 1000);
	if (chat.n != 3 || n != 14 || memcmp(buf, "* server full\n", 14) != 0)
		todo_wrong(2, "with chat->n == chat->max_clients, a new client must "
		           "be refused (refuse_client()): it got %zd bytes, and "
		           "chat->n is %zu", n, chat.n);
	if (diag_ready(chat.listen_fd, POLLIN, 0))
		todo_wrong(2, "a connection is still waiting at the listener after "
		           "accept_clients(): accept them all");
	(void)ours;
}

/* ---- TODO 3: refuse_with_spare() ------------------------------------------ */

static void check_refuse_with_spare(void)
{
	struct chat chat;
	struct rlimit rl;
	char buf[64];
	int client, top = 0, r;
	ssize_t n;

	make_chat(&chat, 10, 65536);
	errno = 0;
	r = refuse_with_spare(&chat);
	missing_if_stub(3, r, "refuse_with_spare()");
	if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		todo_wrong(3, "with nobody waiting, refuse_with_spare() returned %d "
		           "(%s), not -1 with EAGAIN", r, diag_errname(errno));
	if (chat.spare_fd < 0 || fcntl(chat.spare_fd, F_GETFD) < 0)
		todo_wrong(3, "after refuse_with_spare(), chat->spare_fd is not open: "
		           "open_spare() again, whatever accept4() said");
	client = dial();
	diag_ready(chat.listen_fd, POLLIN, 1000);
	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			top = fd;
	rl.rlim_cur = rl.rlim_max = (rlim_t)top + 1;      /* no fd free */
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		exit(1);
	r = refuse_with_spare(&chat);
	n = arrived(client, buf, sizeof buf - 1, 1000);
	if (r != 0 || n != 14 || memcmp(buf, "* server full\n", 14) != 0)
		todo_wrong(3, "out of descriptors with a client waiting, "
		           "refuse_with_spare() returned %d and the client got %zd "
		           "bytes, not \"* server full\\n\": close the spare, accept4(), "
		           "refuse_client()", r, n);
	if (diag_ready(chat.listen_fd, POLLIN, 0))
		todo_wrong(3, "the client was refused but still waits at the listener");
	if (chat.spare_fd < 0 || fcntl(chat.spare_fd, F_GETFD) < 0)
		todo_wrong(3, "out of descriptors, refuse_with_spare() left no spare "
		           "open: open it again after refuse_client() has closed the "
		           "client's socket, whose number it needs");
}

/* ---- TODO 4: read_input() --------------------------------------------------- */

static void check_read_input(void)
{
	struct chat chat;
	struct client *a, *b;
	struct linger reset = { 1, 0 };
	char c, line[ADDR_STRLEN + 16];
	int oa, ob;

	make_chat(&chat, 4, 65536);
	a = member(&chat, &oa);
	b = member(&chat, &ob);
	a->heard = 0;
	if (write(oa, "hello\n", 6) != 6 || !diag_ready(a->fd, POLLIN, 1000))
		exit(1);
	read_input(&chat, a);
	if (a->in_len == 0 && a->lines == 0 && recv(a->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
		todo_missing(4, "read_input() read nothing of the 6 bytes waiting on "
		             "the client's socket");
	if (recv(a->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
		todo_wrong(4, "read_input() left bytes on the socket: read into "
		           "c->in after its c->in_len bytes");
	if (a->in_len != 6 && a->lines != 1)
		todo_wrong(4, "read_input() took \"hello\\n\" off the socket, but "
		           "c->in_len is %zu and no line was counted: add what came "
		           "to c->in_len and let frame_lines() cut the lines (one "
		           "read() is not one line)", a->in_len);
	if (a->state != ACTIVE)
		todo_wrong(4, "read_input() on a client that sent \"hello\\n\" made it "
		           "leave (state %d)", a->state);
	if (a->heard == 0)
		todo_wrong(4, "read_input() did not note when the client was heard "
		           "(c->heard = now_ms()): -i would drop a talking client");
	/* The start of a line kept from before: the read goes after it. */
	clear_queue(b);
	memcpy(a->in, "hel", 3);
	a->in_len = 3;
	a->lines = 0;
	if (write(oa, "lo\n", 3) != 3 || !diag_ready(a->fd, POLLIN, 1000))
		exit(1);
	read_input(&chat, a);
	snprintf(line, sizeof line, "%s: hello\n", a->name);
	if ((a->lines == 0 && (a->in_len != 6 || memcmp(a->in, "hello\n", 6) != 0))
	    || (a->lines > 0 && b->out_len > 0 && (a->lines != 1 || !queued(b, line))))
		todo_wrong(4, "with \"hel\" kept in c->in and \"lo\\n\" arriving, "
		           "read_input() did not make \"hello\\n\" of them: read "
		           "into c->in + c->in_len, add to c->in_len");
	read_input(&chat, a);       /* nothing there: EAGAIN */
	if (a->state != ACTIVE)
		todo_wrong(4, "read_input() with nothing to read (EAGAIN) dropped the "
		           "client: on a non-blocking socket, that is no error");
	shutdown(oa, SHUT_WR);
	diag_ready(a->fd, POLLIN, 1000);
	read_input(&chat, a);
	if (a->state != LEAVING || !a->eof)
		todo_wrong(4, "at the client's end of file, read_input() must set "
		           "c->eof and leave_chat(chat, c, LEFT) (state %d, eof %d)",
		           a->state, a->eof);
	setsockopt(ob, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	if (write(ob, "x", 1) != 1)
		exit(1);
	close(ob);
	diag_ready(b->fd, POLLIN, 1000);
	for (int i = 0; i < 3 && b->state == ACTIVE; i++)
		read_input(&chat, b);
	if (b->state != GONE || b->why != LOST)
		todo_wrong(4, "a client whose connection was reset: read_input() must "
		           "drop_client(c, LOST, errno) (state %d)", b->state);
}

/* ---- TODO 5: frame_lines() -------------------------------------------------- */

static void check_frame_lines(void)
{
	struct chat chat;
	struct client *a;
	int oa;

	make_chat(&chat, 4, 65536);
	a = member(&chat, &oa);
	memcpy(a->in, "one\ntw", 6);
	a->in_len = 6;
	frame_lines(&chat, a);
	if (a->in_len == 6 && a->lines == 0)
		todo_missing(5, "frame_lines() on \"one\\ntw\" left the buffer as it "
		             "was: one line is complete");
	if (a->in_len != 2 || memcmp(a->in, "tw", 2) != 0 || a->lines != 1)
		todo_wrong(5, "frame_lines() on \"one\\ntw\" must send one line and "
		           "keep \"tw\" at the buffer's start: c->in_len is %zu, "
		           "c->lines %lu", a->in_len, a->lines);
	memcpy(a->in + 2, "o\nthree\nfour\n", 13);
	a->in_len = 15;
	frame_lines(&chat, a);
	if (a->in_len != 0 || a->lines != 4)
		todo_wrong(5, "frame_lines() on \"two\\nthree\\nfour\\n\" must send 3 "
		           "lines and keep nothing: c->in_len is %zu, c->lines %lu "
		           "(4 in all)", a->in_len, a->lines);
	if (enqueue_is_stub(&chat))
		return;         /* the line too long is told through enqueue() */
	memset(a->in, 'z', sizeof a->in);
	a->in_len = sizeof a->in;
	frame_lines(&chat, a);
	if (a->state == ACTIVE)
		todo_wrong(5, "frame_lines() on a full buffer without '\\n' (a line "
		           "too long): the client must be told and leave_chat(chat, "
		           "c, TOO_LONG)");
	if (a->state == LEAVING && (!queued(a, "* line too long\n") || a->why != TOO_LONG))
		todo_wrong(5, "a line too long: \"* line too long\\n\" queued for its "
		           "sender, and leave_chat(..., TOO_LONG)");
}

/* ---- TODO 6: enqueue() ------------------------------------------------------ */

static void check_enqueue(void)
{
	struct chat chat;
	struct client *a;
	char big[4000];
	size_t total = 0;
	int oa, r = 0;

	make_chat(&chat, 4, MIN_QUEUE_BYTES);
	a = member(&chat, &oa);
	clear_queue(a);
	stuff_socket(a, oa);
	r = enqueue(&chat, a, "hello\n", 6);
	if (r < 0 && a->state == ACTIVE && a->out_len == 0)
		todo_missing(6, "enqueue() of 6 bytes queued nothing and returned -1");
	if (r != 0 || a->out_len != 6 || !queued(a, "hello\n"))
		todo_wrong(6, "enqueue(\"hello\\n\") on an empty queue: returned %d, "
		           "c->out_len %zu: copy to c->out + c->out_off + c->out_len",
		           r, a->out_len);
	memset(big, 'q', sizeof big);
	total = 6;
	while (total + sizeof big <= MIN_QUEUE_BYTES) {
		if (enqueue(&chat, a, big, sizeof big) != 0 || a->state != ACTIVE)
			todo_wrong(6, "enqueue() refused with %zu of %d bytes queued: "
			           "the limit is chat->queue_bytes", total, MIN_QUEUE_BYTES);
		total += sizeof big;
	}
	if (a->out_len != total || memcmp(a->out + a->out_off, "hello\n", 6) != 0)
		todo_wrong(6, "after several enqueue() calls the queue holds %zu "
		           "bytes, not %zu, or not in order", a->out_len, total);
	r = enqueue(&chat, a, big, sizeof big);
	if (r != -1 || a->state != GONE || a->why != NOT_READING)
		todo_wrong(6, "enqueue() past chat->queue_bytes must "
		           "drop_client(c, NOT_READING, 0) and return -1: returned %d, "
		           "state %d", r, a->state);
}

/* ---- TODO 7: fan_out() ------------------------------------------------------ */

static void check_fan_out(void)
{
	struct chat chat;
	struct client *c[4];
	char want[ADDR_STRLEN + 16];
	int ours[4];

	make_chat(&chat, 5, 65536);
	for (int i = 0; i < 4; i++)
		c[i] = member(&chat, &ours[i]);
	for (int i = 0; i < 4; i++)
		clear_queue(c[i]);
	c[3]->state = LEAVING;
	fan_out(&chat, c[0], "hi there\n", 9);
	snprintf(want, sizeof want, "%s: hi there\n", c[0]->name);
	if (!queued(c[1], want) && !queued(c[2], want))
		todo_missing(7, "fan_out() of a line queued it for no other client");
	for (int i = 1; i < 3; i++)
		if (!queued(c[i], want) || c[i]->out_len != strlen(want))
			todo_wrong(7, "fan_out() must enqueue \"NAME: line\" for every "
			           "other client in the chat; one of them has %zu bytes "
			           "queued, not \"%.60s\"", c[i]->out_len, want);
	if (c[0]->out_len != 0)
		todo_wrong(7, "fan_out() queued the line for its own sender");
	if (c[3]->out_len != 0)
		todo_wrong(7, "fan_out() queued the line for a client that is leaving "
		           "(only ACTIVE ones are in the chat)");
	/* B's queue full: B is dropped, C still gets the line. */
	clear_queue(c[2]);
	stuff_socket(c[1], ours[1]);
	fake_queue(c[1], 65530);
	fan_out(&chat, c[0], "hi there\n", 9);
	if (c[1]->state == GONE && !queued(c[2], want))
		todo_wrong(7, "a client dropped by enqueue() (its queue full) stopped "
		           "fan_out(): the clients after it did not get the line");
}

/* ---- TODO 8: send_queued() -------------------------------------------------- */

static void check_send_queued(void)
{
	enum { SIZE = 256 << 10 };
	struct chat chat;
	struct client *a;
	struct linger reset = { 1, 0 };
	char *got = malloc(SIZE);
	size_t len = 0;
	int oa;

	signal(SIGPIPE, SIG_DFL);       /* as the server has it */
	make_chat(&chat, 4, SIZE);
	a = member(&chat, &oa);
	clear_queue(a);
	diag_setsockopt(a->fd, SOL_SOCKET, SO_SNDBUF, 8192);
	diag_setsockopt(oa, SOL_SOCKET, SO_RCVBUF, 16384);
	a->out = realloc(a->out, SIZE);
	a->out_cap = SIZE;
	a->out_off = 0;
	for (size_t i = 0; i < SIZE; i++)
		a->out[i] = (char)('a' + i % 26);
	a->out_len = SIZE;
	send_queued(a);
	if (a->out_len == SIZE && a->state == ACTIVE)
		todo_missing(8, "send_queued() sent nothing of a 256 KiB queue");
	if (a->state != ACTIVE)
		todo_wrong(8, "send_queued() dropped a client whose socket was full "
		           "(EAGAIN is no error on a non-blocking socket)");
	for (int round = 0; round < 2000 && a->out_len > 0 && a->state == ACTIVE; round++) {
		ssize_t n;

		send_queued(a);
		while ((n = recv(oa, got + len, SIZE - len, MSG_DONTWAIT)) > 0)
			len += (size_t)n;
		if (a->out_len > 0)
			diag_ready(a->fd, POLLOUT, 100);
	}
	while (len < SIZE && diag_ready(oa, POLLIN, 200)) {
		ssize_t n = recv(oa, got + len, SIZE - len, MSG_DONTWAIT);

		if (n <= 0)
			break;
		len += (size_t)n;
	}
	for (size_t i = 0; i < len; i++)
		if (got[i] != (char)('a' + i % 26))
			todo_wrong(8, "what send_queued() sent differs from the queue "
			           "from byte %zu: take off the queue what send() took, "
			           "no more, no less", i);
	if (len != SIZE || a->out_len != 0)
		todo_wrong(8, "a 256 KiB queue sent through a small socket buffer: %zu "
		           "bytes arrived, %zu left queued: each send() takes what "
		           "fits, the rest waits for the next POLLOUT", len, a->out_len);
	/* A client gone: the send fails, without SIGPIPE. */
	fake_queue(a, 100);
	setsockopt(oa, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
	close(oa);
	for (int i = 0; i < 3 && a->state == ACTIVE; i++) {
		diag_ready(a->fd, POLLOUT, 200);
		send_queued(a);
	}
	if (a->state != GONE || a->why != LOST)
		todo_wrong(8, "sending to a client that has reset its connection must "
		           "fail and drop_client(c, LOST, errno) (state %d)", a->state);
	free(got);
}

/* ---- TODO 9: set_events() --------------------------------------------------- */

static void check_set_events(void)
{
	struct chat chat;
	struct client *c[3];
	int ours[3];
	nfds_t n;

	make_chat(&chat, 4, 65536);
	for (int i = 0; i < 3; i++)
		c[i] = member(&chat, &ours[i]);
	clear_queue(c[0]);
	fake_queue(c[1], 2);
	fake_queue(c[2], 1);
	c[2]->state = LEAVING;
	c[2]->eof = true;
	errno = 0;
	n = set_events(&chat);
	if (n == 0 && errno == ENOSYS)
		todo_missing(9, "set_events() still fails with ENOSYS, as the starter "
		             "code does");
	if (n != 4)
		todo_wrong(9, "with 3 clients, set_events() returned %lu, not 4 (the "
		           "listener and one entry per client)", (unsigned long)n);
	if (chat.pfds[0].fd != chat.listen_fd || !(chat.pfds[0].events & POLLIN))
		todo_wrong(9, "chat->pfds[0] must be the listener, POLLIN");
	for (int i = 0; i < 3; i++)
		if (chat.pfds[1 + i].fd != c[i]->fd)
			todo_wrong(9, "chat->pfds[%d] must be chat->clients[%d]'s socket",
			           1 + i, i);
	if (chat.pfds[1].events & POLLOUT)
		todo_wrong(9, "a client with nothing queued is asked POLLOUT: a "
		           "socket is writable almost always, so poll() returns at "
		           "once, for ever (a busy loop)");
	if (!(chat.pfds[1].events & POLLIN))
		todo_wrong(9, "a client in the chat must be asked POLLIN, always");
	if ((chat.pfds[2].events & (POLLIN | POLLOUT)) != (POLLIN | POLLOUT))
		todo_wrong(9, "a client with bytes queued must be asked POLLIN and "
		           "POLLOUT");
	if (chat.pfds[3].events & POLLIN)
		todo_wrong(9, "a leaving client whose end of file was read (c->eof) "
		           "must not be asked POLLIN: its socket stays readable (end "
		           "of file), and poll() would return at once");
}

/* ---- TODO 10: handle_events() ----------------------------------------------- */

static void check_handle_events(void)
{
	struct chat chat;
	struct client *a, *b;
	int oa, ob, newcomer;
	char buf[64];

	make_chat(&chat, 4, 65536);
	a = member(&chat, &oa);
	b = member(&chat, &ob);
	clear_queue(a);
	clear_queue(b);
	if (write(oa, "ping\n", 5) != 5 || !diag_ready(a->fd, POLLIN, 1000))
		exit(1);
	fake_queue(b, 13);
	newcomer = dial();
	diag_ready(chat.listen_fd, POLLIN, 1000);
	chat.pfds[0] = (struct pollfd){ chat.listen_fd, POLLIN, POLLIN };
	chat.pfds[1] = (struct pollfd){ a->fd, POLLIN, POLLIN };
	chat.pfds[2] = (struct pollfd){ b->fd, POLLIN | POLLOUT, POLLOUT };
	handle_events(&chat, 3);
	if (chat.n == 2 && a->in_len == 0 && a->lines == 0 && b->out_len == 13)
		todo_missing(10, "handle_events() did nothing with a client readable, "
		             "one writable and a new connection");
	if (a->lines == 0 && a->in_len == 0)
		todo_wrong(10, "a client's entry said POLLIN: handle_events() must "
		           "read_input() it");
	if (arrived(ob, buf, sizeof buf, 500) <= 0)
		todo_wrong(10, "a client's entry said POLLOUT: handle_events() must "
		           "send_queued() it");
	if (chat.n != 3)
		todo_wrong(10, "the listener's entry said POLLIN: handle_events() must "
		           "accept_clients()");
	/* POLLHUP alone: the client closed; only read() says so. */
	shutdown(oa, SHUT_WR);
	diag_ready(a->fd, POLLIN, 1000);
	chat.pfds[0].revents = 0;
	chat.pfds[1].revents = POLLHUP;
	chat.pfds[2].revents = 0;
	handle_events(&chat, 3);
	if (a->state == ACTIVE)
		todo_wrong(10, "an entry with POLLHUP but not POLLIN: handle_events() "
		           "must read_input() it too (a read() tells end of file)");
	(void)newcomer;
}

/* ---- TODO 11: sweep() ------------------------------------------------------- */

static void check_sweep(void)
{
	struct chat chat;
	struct client *c[4];
	int ours[4], fds[4];
	char want[ADDR_STRLEN + 32];

	make_chat(&chat, 5, MIN_QUEUE_BYTES);
	for (int i = 0; i < 4; i++) {
		c[i] = member(&chat, &ours[i]);
		fds[i] = c[i]->fd;
	}
	for (int i = 0; i < 4; i++)
		clear_queue(c[i]);
	drop_client(c[1], LOST, ECONNRESET);
	drop_client(c[3], NOT_READING, 0);
	snprintf(want, sizeof want, "* %s left\n", c[1]->name);
	/* C's queue so full that being told drops it too */
	if (!enqueue_is_stub(&chat)) {
		static char fill[MIN_QUEUE_BYTES - 4];

		memset(fill, 'f', sizeof fill);
		stuff_socket(c[2], ours[2]);
		enqueue(&chat, c[2], fill, sizeof fill);
	}
	sweep(&chat);
	if (chat.n == 4)
		todo_missing(11, "sweep() removed none of the 2 GONE clients");
	for (size_t i = 0; i < chat.n; i++)
		if (chat.clients[i]->state == GONE)
			todo_wrong(11, "after sweep(), a GONE client is still in the list%s",
			           chat.n == 1 ? "" : " (telling the others may drop one "
			           "of them: go over the list again until none is GONE)");
	if (fcntl(fds[1], F_GETFD) >= 0 || fcntl(fds[3], F_GETFD) >= 0)
		todo_wrong(11, "sweep() removed a client but left its socket open: "
		           "close() it (one fd per client: a leak runs the server out)");
	if (chat.n < 1 || chat.clients[0] != c[0])
		todo_wrong(11, "sweep() removed a client that was not GONE");
	if (!enqueue_is_stub(&chat) && !queued(c[0], want))
		todo_wrong(11, "the others must be told of a client swept that was "
		           "not yet announced: tell_others(chat, c, why_text(c->why))");
}

/* ---- TODO 12-13: chat_relay() ----------------------------------------------- */

struct relay_run {
	int sock, in, result;
};

static void run_relay(void *arg)
{
	struct relay_run *r = arg;
	int out = open("out", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int rc;

	errno = 0;
	rc = chat_relay(r->sock, r->in, out, 2000);
	dprintf(r->result, "%d %d\n", rc, errno);
}

/* The file "out" holds WANT within MS. */
static bool printed(const char *want, int ms)
{
	long long end = diag_now_ms() + ms;

	do {
		size_t len;
		unsigned char *got = diag_slurp("out", &len);
		bool same = got && len == strlen(want) && memcmp(got, want, len) == 0;

		free(got);
		if (same)
			return true;
		poll(NULL, 0, 10);
	} while (diag_now_ms() < end);
	return false;
}

static void check_chat_relay(void)
{
	struct chat chat;
	struct relay_run r;
	int in[2], res[2], server, sock, rc = 0, err = 0;
	pid_t pid;
	char buf[64], line[64];
	ssize_t n;

	make_chat(&chat, 2, 65536);
	r.sock = dial();
	if (!diag_ready(chat.listen_fd, POLLIN, 1000)
	    || (server = accept(chat.listen_fd, NULL, NULL)) < 0
	    || pipe(in) < 0 || pipe(res) < 0)
		exit(1);
	/* The child keeps two fds and its standard streams: its stdin
	 * becomes the pipe's end. */
	if (dup2(in[0], STDIN_FILENO) < 0)
		exit(1);
	close(in[0]);
	r.in = STDIN_FILENO;
	r.result = res[1];
	sock = r.sock;
	pid = diag_spawn(run_relay, &r, r.sock < res[1] ? r.sock : res[1],
	                 r.sock < res[1] ? res[1] : r.sock);
	close(STDIN_FILENO);
	close(res[1]);
	close(r.sock);
	if (send(server, "* someone joined\n", 17, MSG_NOSIGNAL) != 17)
		exit(1);
	if (diag_ready(res[0], POLLIN, 300) && (n = read(res[0], line, sizeof line - 1)) > 0) {
		line[n] = '\0';
		sscanf(line, "%d %d", &rc, &err);
		if (rc < 0 && err == ENOSYS)
			todo_missing(12, "chat_relay() still fails with ENOSYS, as the "
			             "starter code does");
	}
	if (!printed("* someone joined\n", 1000))
		todo_wrong(12, "the server sent a line while stdin had nothing to read: "
		           "chat_relay() did not print it within 1 s (poll() stdin and "
		           "the socket together, never a blocking read of stdin)");
	if (write(in[1], "typed\n", 6) != 6)
		exit(1);
	n = arrived(server, buf, sizeof buf, 1000);
	if (n != 6 || memcmp(buf, "typed\n", 6) != 0)
		todo_wrong(12, "a line written to stdin did not reach the server within "
		           "1 s (%zd bytes came)", n);
	if (write(in[1], "no newline", 10) != 10)
		exit(1);
	close(in[1]);
	n = arrived(server, buf, sizeof buf, 1000);
	if (n != 11 || memcmp(buf, "no newline\n", 11) != 0)
		todo_wrong(12, "stdin ended with \"no newline\": the server must get it "
		           "with a newline added (%zd bytes came)", n);
	if (!diag_ready(server, POLLIN, 1000) || recv(server, buf, 1, MSG_DONTWAIT) != 0)
		todo_wrong(13, "stdin has ended and all is sent: the server never saw "
		           "end of file: shutdown(sock, SHUT_WR)");
	snprintf(line, sizeof line, "/proc/%d/fd/%d", (int)pid, sock);
	if (readlink(line, buf, sizeof buf) < 0 && errno == ENOENT)
		todo_wrong(13, "at the end of stdin the client closed its socket: the "
		           "server's last lines are lost (shutdown(SHUT_WR) ends the "
		           "sending only)");
	if (send(server, "* last words\n", 13, MSG_NOSIGNAL) != 13)
		todo_wrong(13, "at the end of stdin the client closed its socket: the "
		           "server's last lines are lost (shutdown(SHUT_WR), not close)");
	close(server);
	if (!diag_ready(res[0], POLLIN, 1500) || (n = read(res[0], line, sizeof line - 1)) <= 0)
		todo_wrong(12, "the server closed after the client's end; chat_relay() "
		           "did not return within 1.5 s");
	line[n] = '\0';
	sscanf(line, "%d %d", &rc, &err);
	if (!printed("* someone joined\n* last words\n", 500))
		todo_wrong(13, "after the half-close, the server's last line was not "
		           "printed: read until its end of file");
	if (rc != 0)
		todo_wrong(12, "the server closed after the client's end: chat_relay() "
		           "returned %d (%s), not 0", rc, diag_errname(err));
}

const struct todo_check lab_checks[] = {
	{ 1, 1, "listen.c", "chat_listen", check_chat_listen },
	{ 2, 2, "accept.c", "accept_clients", check_accept_clients },
	{ 3, 3, "accept.c", "refuse_with_spare", check_refuse_with_spare },
	{ 4, 4, "input.c", "read_input", check_read_input },
	{ 5, 5, "input.c", "frame_lines", check_frame_lines },
	{ 6, 6, "output.c", "enqueue", check_enqueue },
	{ 7, 7, "output.c", "fan_out", check_fan_out },
	{ 8, 8, "output.c", "send_queued", check_send_queued },
	{ 9, 9, "loop.c", "set_events", check_set_events },
	{ 10, 10, "loop.c", "handle_events", check_handle_events },
	{ 11, 11, "loop.c", "sweep", check_sweep },
	{ 12, 13, "relay.c", "chat_relay", check_chat_relay },
};
const size_t lab_nchecks = sizeof lab_checks / sizeof lab_checks[0];
