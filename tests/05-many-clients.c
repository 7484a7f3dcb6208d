/*
 * 05-many-clients.c - the grader of lab 05, the chat server on poll()
 * and its client.
 *
 * Every test runs the lab's programs as processes of their own and
 * judges them from outside.  For the server, the test plays the clients,
 * as many as it needs at once, each a non-blocking socket of its own
 * driven by one poll() loop (pump(), in 05-many-clients/peers.c): a
 * test with 200 clients is one process and no thread.  For the client,
 * the test plays the server (05-many-clients/service.c).
 *
 * Time: a server that blocks on one client stalls for ever, so the
 * bounds here are generous ("each line delivered within 1 s"), never
 * tight measurements that a loaded machine could miss.  The two
 * measurements (the CPU time of an idle server, of one refusing a
 * client at its descriptor limit) read /proc/PID/sched or /proc/PID/stat
 * before and after a wait (05-many-clients/process.c): that wait is
 * what is measured, not a way to let something happen.
 *
 * The server's descriptor limit is lowered from outside once it is
 * ready (prlimit(2)), the same with and without valgrind.
 */
#define _GNU_SOURCE     /* memmem, strcasestr */
#include "harness.h"
#include "sockets.h"
#include "robust.h"
#include "05-many-clients/peers.h"
#include "05-many-clients/process.h"
#include "05-many-clients/service.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The lab's default port, as its header (chat.h) defines it. */
#define DEFAULT_PORT "50005"

/* ---- the server's sockets, seen from outside --------------------------------- */

START_TEST(server_listens_dual_stack)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof sa;
	char ip[INET6_ADDRSTRLEN] = "?";
	int listener, fd;
	struct peer *a, *v4;

	srv.p = start_ipv6_server(NULL, (const char *const[]){ "-a", "::", "-p",
	                                                       "0", NULL });
	srv.port = ready_port(srv.p, "[::]:");
	if (!running(srv.p))
		fail(srv.p, "expected the server to keep running once it says it is "
		     "listening; it %s", describe_status(srv.p->status));
	listener = server_socket(srv.p, is_listening, "a listening socket", "",
	                         NULL);
	memset(&sa, 0, sizeof sa);
	getsockname(listener, (struct sockaddr *)&sa, &len);
	inet_ntop(AF_INET6, &sa.sin6_addr, ip, sizeof ip);
	if (sockopt(listener, SOL_SOCKET, SO_DOMAIN) != AF_INET6
	    || sockopt(listener, SOL_SOCKET, SO_TYPE) != SOCK_STREAM
	    || strcmp(ip, "::") != 0 || ntohs(sa.sin6_port) != srv.port
	    || sockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY) != 0)
		fail(srv.p, "expected for -a :: an AF_INET6 SOCK_STREAM socket "
		     "listening at [::]:%u with IPV6_V6ONLY 0 (dual stack); it is "
		     "at [%s]:%u, IPV6_V6ONLY %d", srv.port, ip, ntohs(sa.sin6_port),
		     sockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY));
	close(listener);
	step("the listening socket is at [::]:%u, dual stack", srv.port);

	/* An IPv6 client and an IPv4 one: named as the socket sees them. */
	srv.ip = srv.named = ipv6_loopback_usable(NULL) ? "::1" : "::ffff:127.0.0.1";
	if (!ipv6_loopback_usable(NULL))
		srv.ip = "127.0.0.1";
	a = connect_peer('A', 0);
	srv.ip = "127.0.0.1";
	srv.named = "::ffff:127.0.0.1";
	v4 = connect_peer('B', 0);
	step("client A connected from %s, client B from 127.0.0.1 (IPv4)", a->name);
	expect_line(a, notice(v4, "joined"), ms(PROMPT_MS), "an IPv4 client of "
	            "a dual-stack socket is named by its IPv4-mapped address");
	say_line(v4, "over IPv4");
	expect_heard(a, v4, "over IPv4");
	if (ipv6_loopback_usable(NULL)) {
		step("and now with no -a: ::1 only");
		start_chat(NULL, NULL);
		if (strncmp(srv.p->ready_addr, "[::1]:", 6) != 0)
			fail(srv.p, "expected \"listening on [::1]:PORT\" by default; "
			     "got \"listening on %s\"", srv.p->ready_addr);
		if ((fd = tcp_connect(NULL, "127.0.0.1", srv.port, 0)) >= 0) {
			close(fd);
			fail(srv.p, "expected the server, with no -a, to listen on ::1 "
			     "only; a client connected to 127.0.0.1:%u", srv.port);
		}
	}
}
END_TEST

START_TEST(sockets_are_nonblocking)
{
	struct peer *p[2];
	int fds[16], theirs[16], n, blocking = -1;
	bool listener_seen = false;

	start_chat(NULL, NULL);
	join_all(p, 2);
	say_line(p[0], "hello");
	expect_heard(p[1], p[0], "hello");
	n = peek_sockets(srv.p, fds, theirs, 16);
	for (int i = 0; i < n; i++) {
		int flags = fcntl(fds[i], F_GETFL);

		listener_seen |= sockopt(fds[i], SOL_SOCKET, SO_ACCEPTCONN) == 1;
		if (blocking < 0 && (flags < 0 || !(flags & O_NONBLOCK)))
			blocking = i;
	}
	for (int i = 0; i < n; i++)
		close(fds[i]);
	step("looked at the server's %d sockets from outside (fcntl(F_GETFL) "
	     "of each)", n);
	if (n < 3 || !listener_seen)
		fail(srv.p, "expected the server to hold its listening socket and "
		     "one socket per client, 3 at least; it holds %d sockets%s", n,
		     listener_seen ? "" : ", none of them listening");
	if (blocking >= 0)
		fail(srv.p, "expected every socket of the server to be non-blocking "
		     "(O_NONBLOCK): one blocking read, send or accept stops every "
		     "client.  Its fd %d (%s) is blocking.  The listener: fcntl(fd, "
		     "F_SETFL, flags | O_NONBLOCK); each accepted socket: accept4(..., "
		     "SOCK_NONBLOCK), since it does not inherit the listener's flag",
		     theirs[blocking], sockopt(fds[blocking], SOL_SOCKET,
		     SO_ACCEPTCONN) == 1 ? "the listener" : "a client's connection");
}
END_TEST

/* ---- lines ---------------------------------------------------------------------- */

START_TEST(line_reaches_every_other_client)
{
	struct peer *p[3];

	start_chat(NULL, NULL);
	join_all(p, 3);
	expect_line(p[1], notice(p[2], "joined"), ms(PROMPT_MS), "every client "
	            "is told of each one who joins after it");
	say_line(p[0], "hello, everyone");
	for (int i = 1; i < 3; i++)
		expect_line(p[i], from(p[0], "hello, everyone"), ms(PROMPT_MS),
		            "each complete line goes to every other client as "
		            "\"NAME: line\"");
	say_line(p[1], "and back to you");
	expect_line(p[0], from(p[1], "and back to you"), ms(PROMPT_MS),
	            "each complete line goes to every other client");
	expect_line(p[2], from(p[1], "and back to you"), ms(PROMPT_MS),
	            "each complete line goes to every other client");
	/* A's queue took B's line after any echo of A's own: none came. */
	if (times_got(p[0], from(p[0], "hello, everyone")) != 0)
		fail(srv.p, "expected client A never to receive its own line; it "
		     "got %s back (fan_out() skips the sender)",
		     from(p[0], "hello, everyone"));
	for (int i = 1; i < 3; i++)
		if (times_got(p[i], from(p[0], "hello, everyone")) != 1)
			fail(srv.p, "expected client %c to receive A's line once; it "
			     "got it %d times", p[i]->label,
			     times_got(p[i], from(p[0], "hello, everyone")));
}
END_TEST

START_TEST(joins_and_leaves_are_announced)
{
	struct peer *p[2], *c;
	char line[120];

	start_chat(NULL, NULL);
	join_all(p, 2);
	hang_up(p[1], false);
	expect_line(p[0], notice(p[1], "left"), ms(PROMPT_MS), "a client that "
	            "closes (end of file) leaves, and the others are told");
	c = newcomer('C', 0, true, p[0]);
	say(c, "a line\n", 7);
	expect_heard(p[0], c, "a line");
	hang_up(c, true);
	expect_line(p[0], notice(c, "left"), ms(PROMPT_MS), "a client whose "
	            "connection is reset (ECONNRESET) leaves too");
	snprintf(line, sizeof line, "client %s left: 0 lines", p[1]->name);
	if (!wait_stderr_line(srv.p, line, ms(2000)))
		fail(srv.p, "expected the server to log \"%s\"", line);
}
END_TEST

START_TEST(line_in_pieces_is_delivered_once)
{
	static const char *const pieces[] = { "hel", "lo, wo", "rld", "\n" };
	struct peer *p[2];

	start_chat(NULL, NULL);
	join_all(p, 2);
	for (int i = 0; i < 4; i++) {
		long long until = now_ms() + 60;

		say(p[0], pieces[i], strlen(pieces[i]));
		/* a pause between the pieces: what B gets meanwhile is read */
		while (i < 3 && left_ms(until) > 0)
			pump(left_ms(until));
		if (i < 3 && memmem(p[1]->got ? p[1]->got : "", p[1]->len, "hel", 3))
			fail(srv.p, "expected nothing of A's line before its newline; "
			     "client B received %s after the piece %s: one read() is "
			     "not one line, keep the unfinished part in the client's "
			     "buffer until its '\\n' comes", tail_of(p[1]),
			     quote(pieces[i], strlen(pieces[i]), 20));
	}
	expect_line(p[1], from(p[0], "hello, world"), ms(PROMPT_MS), "a line "
	            "sent in pieces goes out once, whole, at its newline");
	/* Then a line and a half, and the rest: the kept half goes first. */
	say(p[0], "one\ntw", 6);
	say(p[0], "o\n", 2);
	expect_line(p[1], from(p[0], "two"), ms(PROMPT_MS), "the unfinished end "
	            "of one read() is the start of the next line");
	say_line(p[1], "sync");
	expect_heard(p[0], p[1], "sync");
	if (times_got(p[1], from(p[0], "hello, world")) != 1
	    || times_got(p[1], from(p[0], "one")) != 1
	    || line_at(p[1], from(p[0], "one"), 0)
	       > line_at(p[1], from(p[0], "two"), 0))
		fail(srv.p, "expected client B to receive each of A's lines once, "
		     "in order; it received %s", tail_of(p[1]));
}
END_TEST

START_TEST(several_lines_in_one_write_are_each_delivered)
{
	char data[50 * 64], line[64];
	struct peer *p[2];
	size_t len = 0;
	long prev = -1;

	start_chat(NULL, NULL);
	join_all(p, 2);
	for (int i = 0; i < 50; i++)
		len += (size_t)sprintf(data + len, "line %d of fifty\n", i + 1);
	say(p[0], data, len);
	snprintf(line, sizeof line, "line 50 of fifty");
	expect_line(p[1], from(p[0], line), ms(PROMPT_MS), "one read() can "
	            "hold many lines: each goes out");
	for (int i = 0; i < 50; i++) {
		long at;

		snprintf(line, sizeof line, "line %d of fifty", i + 1);
		at = line_at(p[1], from(p[0], line), 0);
		if (at < 0 || times_got(p[1], from(p[0], line)) != 1 || at < prev)
			fail(srv.p, "expected client B to receive each of the 50 lines "
			     "A sent in one write, once and in order: \"%s\" came %d "
			     "times%s (one read() holds many lines: send each)",
			     from(p[0], line), times_got(p[1], from(p[0], line)),
			     at >= 0 && at < prev ? ", out of order" : "");
		prev = at;
	}
}
END_TEST

/* ---- clients that misbehave ------------------------------------------------------ */

START_TEST(vanished_client_mid_line_is_survived)
{
	struct peer *p[2], *v;
	char line[64];

	start_chat(NULL, NULL);
	join_all(p, 2);
	v = newcomer('V', 0, true, p[0]);
	say(v, "half a li", 9);
	hang_up(v, true);
	expect_line(p[0], notice(v, "left"), ms(PROMPT_MS), "a client that "
	            "vanishes (a reset) mid-line leaves; the others are told");
	v = newcomer('W', 0, true, p[0]);
	say(v, "a whole line\nand half", 21);
	hang_up(v, false);
	expect_line(p[0], notice(v, "left"), ms(PROMPT_MS), "a client that "
	            "closes mid-line leaves; the others are told");
	expect_line(p[0], from(v, "a whole line"), 0, "its complete line went "
	            "out before it left");

	/* Lines queued for a client that has reset: sending them fails
	 * (EPIPE, ECONNRESET), which must not kill the server (SIGPIPE). */
	v = newcomer('X', 4096, false, p[0]);
	for (int i = 0; i < 20; i++) {
		snprintf(line, sizeof line, "to a client about to vanish %d", i);
		say_line(p[1], line);
	}
	hang_up(v, true);
	expect_line(p[0], notice(v, "left"), ms(PROMPT_MS), "a client reset "
	            "while lines wait for it leaves; the others are told");
	say_line(p[1], "still here?");
	expect_line(p[0], from(p[1], "still here?"), ms(PROMPT_MS), "the server "
	            "carries on after clients vanish");
	if (memmem(p[0]->got, p[0]->len, "half a li", 9) != NULL
	    || memmem(p[0]->got, p[0]->len, "and half", 8) != NULL)
		fail(srv.p, "expected no part of an unfinished line to go out when "
		     "its client leaves (it is not a line); client A received %s",
		     tail_of(p[0]));
}
END_TEST

/* A and B chat, ROUNDS lines each way, while the others do what they do:
 * every line must reach the other within PROMPT_MS.  Between rounds, T
 * sends one more byte of its endless line. */
static void chat_promptly(struct peer *a, struct peer *b, int rounds,
                          struct peer *t, const char *who)
{
	char line[80];

	step("clients %c and %c chat, %d lines each way, each to be delivered "
	     "within %d ms", a->label, b->label, rounds, ms(PROMPT_MS));
	for (int i = 0; i < rounds; i++) {
		struct peer *s = i % 2 ? b : a, *r = i % 2 ? a : b;

		snprintf(line, sizeof line, "round %d from %c", i, s->label);
		if (write_fully(s->fd, line, strlen(line), ms(1000)) < 0
		    || write_fully(s->fd, "\n", 1, ms(1000)) < 0)
			fail(srv.p, "expected the server to take client %c's line; "
			     "sending failed: %s%s", s->label, strerror(errno),
			     fate());
		if (!wait_line(r, from(s, line), ms(PROMPT_MS)))
			fail(srv.p, "expected each line between two good clients to be "
			     "delivered within %d ms while %s; \"%s\" (round %d) did not "
			     "reach client %c in that time (it got %s).  A server that "
			     "waits for any one client stalls the others%s",
			     ms(PROMPT_MS), who, line, i, r->label, tail_of(r),
			     fate());
		if (send(t->fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT) != 1)
			fail(srv.p, "expected the server to take a byte from the "
			     "client that sends one at a time (round %d): %s%s", i,
			     strerror(errno), fate());
	}
}

START_TEST(stuck_clients_do_not_delay_others)
{
	enum { SILENT = 20 };
	struct peer *p[2], *trickler;
	long long t0;

	start_chat(NULL, NULL);
	join_all(p, 2);
	for (int i = 0; i < SILENT; i++)
		connect_peer('a' + (char)i, 0)->reads = false;
	step("%d more clients connected, which never send a byte nor read one",
	     SILENT);
	trickler = connect_peer('T', 0);
	say(trickler, "I type slo", 10);
	step("client T sends a line a byte at a time, one between each line "
	     "the others exchange");
	t0 = now_ms();
	chat_promptly(p[0], p[1], 20, trickler, "20 silent clients are connected "
	              "and one sends a byte at a time");
	step("40 lines delivered in %lld ms", now_ms() - t0);
	say(trickler, "w\n", 2);
	expect_line(p[0], from(trickler, "I type slo" "xxxxxxxxxxxxxxxxxxxx" "w"),
	            ms(PROMPT_MS), "the slow typist's line, once complete, goes "
	            "out whole");
}
END_TEST

START_TEST(slow_reader_does_not_delay_others)
{
	enum { BATCHES = 100, PER_BATCH = 10, WIDTH = 500 };
	const char *const big_queue[] = { "-q", "4194304", NULL };
	char batch[PER_BATCH * (WIDTH + 16)], line[WIDTH + 16];
	struct peer *p[2], *slow;
	long long next_read = 0;
	size_t len;

	start_chat(NULL, big_queue);
	join_all(p, 2);
	slow = newcomer('S', 2048, false, p[0]);
	step("client S reads 1000 bytes every 100 ms (a receive buffer of 2 KiB); "
	     "A sends %d batches of %d lines of %d bytes, each batch to reach B "
	     "within %d ms", BATCHES, PER_BATCH, WIDTH, ms(PROMPT_MS));
	for (int b = 0; b < BATCHES; b++) {
		len = 0;
		for (int i = 0; i < PER_BATCH; i++) {
			int n = snprintf(batch + len, sizeof batch - len, "%04d ",
			                 b * PER_BATCH + i);

			memset(batch + len + n, 'a' + (char)(b % 26), WIDTH - (size_t)n);
			len += WIDTH;
			batch[len++] = '\n';
		}
		if (write_fully(p[0]->fd, batch, len, ms(PROMPT_MS)) < 0)
			fail(srv.p, "expected the server to keep reading client A while "
			     "client S reads slowly; A's batch %d was not taken within "
			     "%d ms%s", b, ms(PROMPT_MS), fate());
		memcpy(line, batch + len - WIDTH - 1, WIDTH);
		line[WIDTH] = '\0';
		if (!wait_line(p[1], from(p[0], line), ms(PROMPT_MS)))
			fail(srv.p, "expected each batch of A's lines to reach client B "
			     "within %d ms while client S reads slowly; batch %d did "
			     "not (B got %s).  A send() that waits for the slow reader "
			     "stops everyone: queue what the socket does not take, and "
			     "send it when poll() says POLLOUT%s", ms(PROMPT_MS), b,
			     tail_of(p[1]), fate());
		if (now_ms() >= next_read && !slow->eof) {
			take(slow, 1000);
			next_read = now_ms() + 100;
		}
	}
	step("the batches all reached B; now S reads everything");
	snprintf(line, sizeof line, "%04d ", BATCHES * PER_BATCH - 1);
	memset(line + 5, 'a' + (BATCHES - 1) % 26, WIDTH - 5);
	line[WIDTH] = '\0';
	slow->reads = true;
	expect_line(slow, from(p[0], line), ms(5000), "a slow reader within its "
	            "queue's limit (-q 4194304) gets every line, late");
	if (slow->eof || times_got(slow, notice(slow, "dropped: not reading")))
		fail(srv.p, "expected client S, slow but within its queue's limit, "
		     "to stay; it was let go");
}
END_TEST

/* P must have received each of FROM's lines "NNNNNN BATCH" (batches of
 * ten, numbered from 0 to COUNT - 1, each batch's number written 192
 * digits wide) exactly once: counted in one pass over what P received. */
static void expect_each_line_once(const struct peer *p,
                                  const struct peer *sender, int count)
{
	const char *prefix = from(sender, "");
	size_t plen = strlen(prefix);
	int *times = calloc((size_t)count, sizeof *times);
	char want[220], num[7] = "";

	for (const char *at = p->got, *end; at && at < p->got + p->len; at = end + 1) {
		int i;

		if (!(end = memchr(at, '\n', p->len - (size_t)(at - p->got))))
			break;
		if ((size_t)(end - at) != plen + 199 || memcmp(at, prefix, plen) != 0)
			continue;
		i = atoi(memcpy(num, at + plen, 6));    /* (num[6] stays '\0') */
		if (i < 0 || i >= count)
			continue;
		snprintf(want, sizeof want, "%06d %0192d", i, i / 10);
		if (memcmp(at + plen, want, 199) == 0)
			times[i]++;
	}
	for (int i = 0; i < count; i++)
		if (times[i] != 1)
			fail(srv.p, "expected clients B and C to receive every line A "
			     "sent once, while N was dropped; client %c received line "
			     "%d %d times", p->label, i, times[i]);
	free(times);
}

START_TEST(nonreading_client_is_dropped)
{
	const char *const small_queue[] = { "-q", "16384", NULL };
	char batch[10 * 201], last[220];
	struct peer *p[2], *hog, *late;
	char dropped_line[200];
	size_t sent = 0, seen = 0;
	int b = 0;

	start_chat(NULL, small_queue);
	join_all(p, 2);
	hog = newcomer('N', 2048, false, p[0]);
	late = newcomer('C', 0, true, p[0]);
	snprintf(dropped_line, sizeof dropped_line, "%s",
	         notice(hog, "dropped: not reading"));
	step("client N never reads; with -q 16384, A sends batches of 10 lines "
	     "of 200 bytes, each batch to reach B within %d ms, until B is told "
	     "N was dropped", ms(PROMPT_MS));
	while (line_at(p[1], dropped_line, seen) < 0) {
		size_t len = 0, start = p[1]->len;

		if (start > strlen(dropped_line) + 1)
			seen = start - strlen(dropped_line) - 1;

		if (sent > 8 * 1024 * 1024)
			fail(srv.p, "expected client N, which never reads, to be dropped "
			     "once more than -q 16384 bytes wait for it; after A sent %zu "
			     "bytes, B was still not told \"%s\" (enqueue() must refuse "
			     "past the limit and drop the client)", sent, dropped_line);
		for (int i = 0; i < 10; i++)
			len += (size_t)snprintf(batch + len, sizeof batch - len,
			                        "%06d %0192d\n", b * 10 + i, b);
		if (write_fully(p[0]->fd, batch, len, ms(PROMPT_MS)) < 0)
			fail(srv.p, "expected the server to keep reading client A while "
			     "client N does not read; batch %d was not taken within %d ms"
			     "%s", b, ms(PROMPT_MS), fate());
		sent += len;
		snprintf(last, sizeof last, "%06d %0192d", b * 10 + 9, b);
		if (!wait_line_from(p[1], from(p[0], last), start, ms(PROMPT_MS)))
			fail(srv.p, "expected each batch to reach client B within %d ms "
			     "while client N never reads; batch %d did not (B got %s).  "
			     "Never wait for a client that does not read: its queue has "
			     "a limit, past which it is dropped%s", ms(PROMPT_MS), b,
			     tail_of(p[1]), fate());
		b++;
	}
	step("B was told \"%s\" after %zu bytes", dropped_line, sent);
	expect_line(p[0], dropped_line, ms(PROMPT_MS), "every other client is "
	            "told of a client dropped");
	if (!let_go(hog, ms(2000)))
		fail(srv.p, "expected the server to close client N's connection once "
		     "it was dropped; it is still open after %d ms", ms(2000));
	expect_line(late, from(p[0], last), ms(PROMPT_MS), "a client dropped is "
	            "no reason to stop sending a line to the others");
	expect_each_line_once(p[1], p[0], b * 10);
	expect_each_line_once(late, p[0], b * 10);
	say_line(p[1], "after the drop");
	expect_line(p[0], from(p[1], "after the drop"), ms(PROMPT_MS), "the "
	            "others chat on");
}
END_TEST

START_TEST(long_line_is_refused)
{
	char *longest = malloc(LINE_MAX_BYTES + 1), *over = malloc(5000);
	struct peer *p[2], *c;
	char *q;

	start_chat(NULL, NULL);
	join_all(p, 2);
	for (int i = 0; i < LINE_MAX_BYTES - 1; i++)
		longest[i] = (char)('a' + i % 26);
	longest[LINE_MAX_BYTES - 1] = '\0';
	say_line(p[0], longest);
	expect_line(p[1], from(p[0], longest), ms(PROMPT_MS), "a line of 4096 "
	            "bytes with its newline is the longest allowed: it goes out "
	            "whole");
	c = newcomer('C', 0, true, p[0]);
	memset(over, 'z', 5000);
	say(c, over, 5000);
	expect_line(c, "* line too long", ms(PROMPT_MS), "a line over 4096 bytes: "
	            "its sender is told, then disconnected");
	expect_line(p[0], notice(c, "dropped: line too long"), ms(PROMPT_MS),
	            "the others are told when a client is dropped for a line too "
	            "long");
	if (!let_go(c, ms(2000)))
		fail(srv.p, "expected the server to close client C's connection after "
		     "\"* line too long\"; it is still open");
	q = quote(c->got, c->len, 80);
	if (c->len != 16)
		fail(srv.p, "expected client C to receive \"* line too long\\n\" and "
		     "nothing else before the end; it received %s", q);
	if (memmem(p[0]->got, p[0]->len, "zzzz", 4) || memmem(p[1]->got, p[1]->len,
	                                                       "zzzz", 4))
		fail(srv.p, "expected no part of a line too long to go out; another "
		     "client received some");
	say_line(p[1], "carry on");
	expect_line(p[0], from(p[1], "carry on"), ms(PROMPT_MS), "the others "
	            "chat on");
	free(q);
	free(longest);
	free(over);
}
END_TEST

/* ---- limits -------------------------------------------------------------------- */

/* P must be told "* server full" and closed, within PROMPT_MS. */
static void expect_refused(struct peer *p, const char *why)
{
	if (!let_go(p, ms(PROMPT_MS)) || times_got(p, "* server full") != 1)
		fail(srv.p, "expected client %c to receive \"* server full\" and the "
		     "end of the connection within %d ms (%s); it received %s%s",
		     p->label, ms(PROMPT_MS), why, tail_of(p), fate());
	step("client %c was told \"* server full\" and closed", p->label);
}

START_TEST(descriptor_limit_says_server_full)
{
	struct peer *p[3], *d, *e;
	double used;
	int top;

	start_chat(NULL, NULL);
	/* Room for 3 clients above what it holds now: the listener, the
	 * spare and the standard streams (and valgrind's log, under it). */
	top = highest_fd(srv.p) + 1;
	lower_fd_limit(srv.p->pid, top + 3);
	step("lowered the server's descriptor limit to %d (prlimit(2)): room "
	     "for 3 clients", top + 3);
	join_all(p, 3);
	d = connect_peer('D', 0);
	expect_refused(d, "the server is out of descriptors: accept() fails with "
	               "EMFILE; close the spare, accept, tell, close, reopen it");
	used = cpu_while_pumping(srv.p, 1000);
	step("the server used %.1f ms of CPU in the second after that", used);
	if (used > 100)
		fail(srv.p, "expected the server to rest once the client it could "
		     "not take was refused; it used %.0f ms of CPU in 1 s: a "
		     "connection left in the listen queue keeps the listener "
		     "readable, and poll() returns at once, for ever", used);
	say_line(p[0], "still alive");
	for (int i = 1; i < 3; i++)
		expect_line(p[i], from(p[0], "still alive"), ms(PROMPT_MS), "the "
		            "server carries on at its descriptor limit");
	hang_up(p[2], false);
	expect_line(p[0], notice(p[2], "left"), ms(PROMPT_MS), "a client that "
	            "closes leaves");
	e = connect_peer('E', 0);
	expect_line(p[0], notice(e, "joined"), ms(2000), "a descriptor freed by "
	            "a client that left takes the next one (the spare opened again)");
	expect_refused(connect_peer('F', 0), "out of descriptors again: the "
	               "spare must be there each time");
}
END_TEST

START_TEST(max_clients_says_server_full)
{
	const char *const two[] = { "-m", "2", NULL };
	struct peer *p[2], *c;

	start_chat(NULL, two);
	join_all(p, 2);
	expect_refused(connect_peer('C', 0), "-m 2: two clients at most");
	say_line(p[1], "just us two");
	expect_line(p[0], from(p[1], "just us two"), ms(PROMPT_MS), "the server "
	            "carries on after refusing a client");
	hang_up(p[1], true);
	expect_line(p[0], notice(p[1], "left"), ms(PROMPT_MS), "a client that "
	            "vanishes leaves");
	c = connect_peer('D', 0);
	expect_line(p[0], notice(c, "joined"), ms(PROMPT_MS), "a place freed is "
	            "taken by the next client");
}
END_TEST

START_TEST(idle_server_uses_no_cpu)
{
	struct peer *p[3];
	double used;

	start_chat(NULL, NULL);
	join_all(p, 3);
	say_line(p[0], "one line, then silence");
	expect_heard(p[1], p[0], "one line, then silence");
	expect_heard(p[2], p[0], "one line, then silence");
	used = cpu_while_pumping(srv.p, 2000);
	step("three clients connected and silent: the server used %.2f ms of CPU "
	     "in 2 s", used);
	if (used < 0 || used >= 10)
		fail(srv.p, "expected an idle server to sleep in poll(): under 10 ms "
		     "of CPU in 2 s with three silent clients; it used %.1f ms.  "
		     "POLLOUT asked for a client with nothing to send makes poll() "
		     "return at once, for ever (ask for it only while the queue "
		     "holds bytes); so does a timeout of 0", used);
}
END_TEST

#define CROWD 200

/* Clients that have joined, seen from the first one that did: the one
 * told of all the others. */
static bool crowd_joined(struct peer *crowd[])
{
	for (int i = 0; i < CROWD; i++)
		if (crowd[i]->notices >= CROWD - 1)
			return true;
	return false;
}

static bool crowd_heard(struct peer *crowd[], unsigned want)
{
	for (int i = 0; i < CROWD; i++)
		if (crowd[i]->chats < want)
			return false;
	return true;
}

/* What client P received of the crowd's lines "NAME: first from J" and
 * "NAME: second from J": how often each came from each J, and whether a
 * second came before its first.  One pass over P's lines, not a search
 * per line: 200 clients hear 40,000 lines between them. */
struct heard {
	int first, second;
	bool out_of_order;
};

static void tally_crowd(const struct peer *p, struct peer *const crowd[],
                        struct heard h[CROWD])
{
	memset(h, 0, CROWD * sizeof *h);
	for (const char *at = p->got, *end; at != NULL
	     && (end = memchr(at, '\n', p->len - (size_t)(at - p->got))) != NULL;
	     at = end + 1) {
		const char *space = memchr(at, ' ', (size_t)(end - at));
		char text[40], which[8];
		int j, used = 0;

		/* (sscanf() on a copy: on the buffer itself, each call would
		 * look for the end of all P received) */
		if (space == NULL || space == at || space[-1] != ':'
		    || end - space > (long)sizeof text)
			continue;
		memcpy(text, space + 1, (size_t)(end - space - 1));
		text[end - space - 1] = '\0';
		if (sscanf(text, "%7s from %d%n", which, &j, &used) != 2
		    || space + 1 + used != end || j < 0 || j >= CROWD
		    || strlen(crowd[j]->name) != (size_t)(space - 1 - at)
		    || memcmp(crowd[j]->name, at, (size_t)(space - 1 - at)) != 0)
			continue;
		if (strcmp(which, "first") == 0) {
			h[j].first++;
			h[j].out_of_order |= h[j].second > 0;
		} else if (strcmp(which, "second") == 0) {
			h[j].second++;
		}
	}
}

START_TEST(two_hundred_clients_at_once)
{
	struct peer *crowd[CROWD];
	long long deadline;
	char line[80];

	start_chat(NULL, NULL);
	for (int i = 0; i < CROWD; i++)
		crowd[i] = connect_peer(i < 26 ? 'A' + (char)i : '#', 0);
	step("%d clients connected at once", CROWD);
	deadline = now_ms() + ms(10000);
	while (!crowd_joined(crowd) && left_ms(deadline) > 0)
		pump(left_ms(deadline));
	if (!crowd_joined(crowd))
		fail(srv.p, "expected all %d clients to join, the first one told of "
		     "the %d others, within %d ms%s", CROWD, CROWD - 1, ms(10000),
		     fate());
	step("all joined; each sends two lines, then reads");
	for (int i = 0; i < CROWD; i++) {
		int n = snprintf(line, sizeof line, "first from %d\nsecond from %d\n",
		                 i, i);

		if (write_fully(crowd[i]->fd, line, (size_t)n, ms(2000)) < 0)
			fail(srv.p, "expected the server to take client %d's lines%s", i,
			     fate());
	}
	deadline = now_ms() + ms(15000);
	while (!crowd_heard(crowd, 2 * (CROWD - 1)) && left_ms(deadline) > 0)
		pump(left_ms(deadline));
	for (int i = 0; i < CROWD; i++) {
		struct heard h[CROWD];

		tally_crowd(crowd[i], crowd, h);
		if (h[i].first + h[i].second != 0)
			fail(srv.p, "expected no client to receive its own line back; "
			     "client %d did", i);
		for (int j = 0; j < CROWD; j++)
			if (j != i && (h[j].first != 1 || h[j].second != 1
			               || h[j].out_of_order))
				fail(srv.p, "expected each of the %d clients to receive "
				     "every other's two lines exactly once, in order, within "
				     "%d ms; client %d got client %d's lines %d and %d "
				     "times%s (of all others' lines it got %u)%s", CROWD,
				     ms(15000), i, j, h[j].first, h[j].second,
				     h[j].out_of_order ? ", out of order" : "",
				     crowd[i]->chats, fate());
	}
}
END_TEST

START_TEST(idle_limit_drops_silent_clients)
{
	char idle[16];
	const char *const opts[] = { "-i", idle, NULL };
	struct peer *p[2], *s;
	long long t0, took, deadline;
	int round = 0;

	snprintf(idle, sizeof idle, "%d", ms(600));
	start_chat(NULL, opts);
	join_all(p, 2);
	s = connect_peer('S', 0);
	t0 = now_ms();
	expect_line(p[0], notice(s, "joined"), ms(PROMPT_MS), "every client is "
	            "told of each one who joins");
	step("client S stays silent; A and B each send a line every %d ms",
	     ms(200));
	deadline = now_ms() + ms(600) + ms(3000);
	while (!s->eof && left_ms(deadline) > 0) {
		char line[40];
		long long next = now_ms() + ms(200);

		snprintf(line, sizeof line, "tick %d", round++);
		say_line(p[0], line);
		say_line(p[1], line);
		while (!s->eof && left_ms(next) > 0)
			pump(left_ms(next));
	}
	took = now_ms() - t0;
	if (!s->eof)
		fail(srv.p, "expected the server to drop client S, silent for -i %s "
		     "ms; it was still connected after %lld ms", idle, took);
	if (took < ms(600) - 100)
		fail(srv.p, "expected client S to be kept for the -i limit of %s ms; "
		     "it was dropped after %lld ms", idle, took);
	expect_line(p[1], notice(s, "dropped: idle"), ms(PROMPT_MS), "the others "
	            "are told of a client dropped for silence");
	if (p[0]->eof || p[1]->eof || times_got(p[1], notice(p[0], "dropped: idle")))
		fail(srv.p, "expected clients A and B, which send a line every %d "
		     "ms, to stay; one was dropped as idle", ms(200));
}
END_TEST

START_TEST(server_survives_short_writes)
{
	struct run_opts o = { .short_writes = true };
	char *data = malloc(300 * 260), line[300];
	struct peer *p[3];
	size_t len = 0;

	start_chat(&o, NULL);
	join_all(p, 3);
	for (int i = 0; i < 300; i++) {
		int width = 1 + (i * 37) % 250;

		len += (size_t)sprintf(data + len, "%03d ", i);
		for (int j = 0; j < width; j++)
			data[len++] = (char)('a' + (i + j) % 26);
		data[len++] = '\n';
	}
	say(p[0], data, len);
	for (int k = 1; k < 3; k++) {
		const char *at = data;

		for (int i = 0; i < 300; i++) {
			size_t n = strcspn(at, "\n");

			snprintf(line, sizeof line, "%.*s", (int)n, at);
			at += n + 1;
			expect_line(p[k], from(p[0], line), ms(3000), "every line, whole, "
			            "whatever each send() took: the rest stays queued "
			            "(EINTR: try again)");
		}
	}
	free(data);
}
END_TEST

START_TEST(stop_signals_exit_0)
{
	struct peer *p[2];

	start_chat(NULL, NULL);
	send_signal(srv.p, SIGTERM, "the server, which had no client");
	expect_exit(srv.p, 0, ms(2000), "SIGTERM: close everything, exit 0");
	start_chat(NULL, NULL);
	join_all(p, 2);
	say(p[0], "half a line", 11);
	send_signal(srv.p, SIGINT, "the server with two clients, one mid-line");
	expect_exit(srv.p, 0, ms(2000), "SIGINT with clients connected: close "
	            "them all, exit 0");
	if (!let_go(p[1], ms(1000)))
		fail(srv.p, "expected the server's exit to close its clients' "
		     "connections");
}
END_TEST

START_TEST(server_bad_arguments_exit_2)
{
	static const char *const cases[][2] = {
		{ "-a", "127.0.0.1" }, { "-a", "[::1]" }, { "-p", "65536" },
		{ "-p", "80x" }, { "-m", "0" }, { "-m", "many" }, { "-q", "100" },
		{ "-q", "64k" }, { "-i", "soon" }, { "-x", NULL }, { "extra", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_usage_error(run("server", NULL, cases[i][0], cases[i][1], NULL));
	expect_usage_error_naming(run("server", NULL, "-m", NULL), "-m");
	expect_usage_error_naming(run("server", NULL, "-y", NULL), "-y");
}
END_TEST

/* ---- the client ----------------------------------------------------------------- */


START_TEST(client_prints_lines_as_they_come)
{
	static const char first[] = "* [::1]:1111 joined\n[::1]:1111: hi there\n";
	static const char second[] = "[::1]:2222: a second line\n";
	static const char last[] = "[::1]:1111: after your end\n";
	struct run_opts o = { .stdin_pipe = true };
	char logged[80], want[256], *got;
	int fd;
	struct proc *cli = client_connected(&o, &fd, logged);
	size_t len;
	bool eof;

	write_fully(fd, first, sizeof first - 1, ms(1000));
	step("the test's server sent two lines; the client's stdin is a pipe "
	     "with nothing written to it");
	expect_printed(cli, first, "what the server sends is printed as it "
	               "comes, while stdin has nothing: one poll() on both");
	ck_assert(write(cli->in, "typed line\n", 11) == 11);
	step("wrote \"typed line\\n\" to the client's stdin");
	got = receive(fd, 11, ms(PROMPT_MS), &len, &eof);
	if (len != 11 || memcmp(got, "typed line\n", 11) != 0)
		fail(cli, "expected the client to send the line typed on its stdin "
		     "within %d ms; the test's server received %s", ms(PROMPT_MS),
		     len ? quote(got, len, 60) : eof ? "end of file" : "nothing");
	free(got);
	write_fully(fd, second, sizeof second - 1, ms(1000));
	snprintf(want, sizeof want, "%s%s", first, second);
	expect_printed(cli, want, "each line as it comes");
	close(cli->in);
	cli->in = -1;
	step("closed the client's stdin");
	got = receive(fd, 1, ms(PROMPT_MS), &len, &eof);
	if (!eof || len != 0)
		fail(cli, "expected the client to half-close (shutdown(SHUT_WR)) at "
		     "the end of its stdin; the test's server got %s within %d ms",
		     len ? quote(got, len, 60) : "no end of file", ms(PROMPT_MS));
	free(got);
	if (!running(cli))
		fail(cli, "expected the client to wait, once half-closed, for the "
		     "server's end of file (lines may still come); it %s",
		     describe_status(cli->status));
	write_fully(fd, last, sizeof last - 1, ms(1000));
	close(fd);
	step("the test's server sent one more line and closed");
	expect_exit(cli, 0, ms(3000), "the server closed after the client's end");
	snprintf(want, sizeof want, "%s%s%s", first, second, last);
	expect_printed(cli, want, "every line until the server's end of file");
	if (!wait_stderr_line(cli, logged, 0))
		fail(cli, "expected the client to log \"%s\" on stderr", logged);
}
END_TEST

START_TEST(client_sends_lines_and_half_closes)
{
	static const char input[] = "one\ntwo\nno newline";
	struct run_opts o = { .stdin_file = write_file("input", input,
	                                               sizeof input - 1) };
	int fd;
	struct proc *cli = client_connected(&o, &fd, NULL);
	size_t len;
	bool eof;
	char *got = receive(fd, 100, ms(3000), &len, &eof);
	if (!eof || len != sizeof input || memcmp(got, "one\ntwo\nno newline\n",
	                                          sizeof input) != 0)
		fail(cli, "expected the client to send stdin, its unfinished last "
		     "line completed with a newline (\"one\\ntwo\\nno newline\\n\"), "
		     "then half-close; the test's server received %s%s",
		     len ? quote(got, len, 60) : "nothing",
		     eof ? " and end of file" : " and no end of file in 3 s");
	free(got);
	write_fully(fd, "* bye\n", 6, ms(1000));
	close(fd);
	expect_exit(cli, 0, ms(3000), "the server closed after the client's "
	            "half-close");
	expect_printed(cli, "* bye\n", "every line until the server's end of file");
}
END_TEST

START_TEST(client_exits_1_when_server_closes_first)
{
	struct run_opts o = { .stdin_pipe = true };
	char *err;
	int fd;
	struct proc *cli = client_connected(&o, &fd, NULL);

	write_fully(fd, "* server full\n", 14, ms(1000));
	close(fd);
	step("the test's server said \"* server full\" and closed, the client's "
	     "stdin still open");
	expect_exit(cli, 1, ms(2000), "the server closed before the end of stdin");
	expect_printed(cli, "* server full\n", "what the server said before it "
	               "closed");
	err = proc_stderr(cli, NULL);
	if (strcasestr(err, "closed") == NULL)
		fail(cli, "expected the client to say on stderr that the server "
		     "closed the connection");
	free(err);
}
END_TEST

START_TEST(client_handles_large_input)
{
	enum { SIZE = 4 << 20, HOLD = 256 << 10 };
	char *data = malloc(SIZE);
	struct run_opts o = { 0 };
	size_t got = 0, sent = 0, printed;
	long long idle_since;
	struct proc *cli;
	bool eof = false;
	int fd;

	for (size_t i = 0; i < SIZE; i++)
		data[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	o.stdin_file = write_file("input", data, SIZE);
	cli = client_connected(&o, &fd, NULL);
	step("the test's server sends back every byte it reads, and stops "
	     "reading while %d KiB of it wait for the client", HOLD >> 10);
	idle_since = now_ms();
	while (!eof || sent < got) {
		struct pollfd pfd = { .fd = fd };
		ssize_t n;

		if (!eof && got - sent < HOLD)
			pfd.events |= POLLIN;
		if (sent < got)
			pfd.events |= POLLOUT;
		if (now_ms() - idle_since > ms(3000))
			fail(cli, "expected the client to read what the server sends "
			     "while it sends its stdin; after %zu of %d bytes sent, "
			     "%zu bytes wait unread, and a real server would drop it "
			     "as not reading", got, SIZE, got - sent);
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR) && (pfd.events & POLLIN)) {
			n = read(fd, data, 65536);
			if (n == 0 || (n < 0 && errno != EAGAIN))
				eof = true;
			if (n > 0)
				got += (size_t)n, idle_since = now_ms();
		}
		if (pfd.revents & POLLOUT) {
			size_t k = got - sent < 65536 ? got - sent : 65536;

			memset(data, 'e', k);
			n = send(fd, data, k, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n, idle_since = now_ms();
			else if (n < 0 && errno != EAGAIN)
				fail(cli, "expected the client to read until the server "
				     "closes; sending to it failed: %s", strerror(errno));
		}
	}
	close(fd);
	step("the test's server got %zu bytes and end of file, sent as many, "
	     "and closed", got);
	expect_exit(cli, 0, ms(5000), "the server closed after the client's end");
	wait_stdout_size(cli, sent, ms(1000));
	free(proc_stdout(cli, &printed));
	if (got != SIZE || printed != sent)
		fail(cli, "expected the client to send all %d bytes of stdin and "
		     "print all %zu it received; the server got %zu, the client "
		     "printed %zu", SIZE, sent, got, printed);
	free(data);
}
END_TEST

START_TEST(client_bad_arguments_exit_2)
{
	static const char *const cases[][3] = {
		{ NULL, NULL, NULL }, { "::1", NULL, NULL }, { "::1", "0", NULL },
		{ "::1", "65536", NULL }, { "-t", "0", "::1" }, { "-t", "soon", "::1" },
		{ "::1", DEFAULT_PORT, "extra" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_usage_error(run("client", NULL, cases[i][0], cases[i][1],
		                       cases[i][2], NULL));
	expect_usage_error_naming(run("client", NULL, "-x", "::1", DEFAULT_PORT,
	                              NULL), "-x");
}
END_TEST

START_TEST(programs_print_help)
{
	expect_help("server");
	expect_help("client");
}
END_TEST

/* ---- the table --------------------------------------------------------------- */

#define SERVER_TODOS "1-11"
#define CLIENT_TODOS "12-13"

const struct graded_test lab_tests[] = {
	{ &server_listens_dual_stack, 3, 8, "listen.c and server.c (the listener)",
	  "one AF_INET6 listening socket: [::] dual stack for -a ::, an IPv4 client named [::ffff:127.0.0.1]:PORT; ::1 only by default", SERVER_TODOS },
	{ &sockets_are_nonblocking, 4, 8, "TODO 1 in listen.c and TODO 2 in accept.c (O_NONBLOCK)",
	  "the listener and every client's socket are non-blocking (seen from outside)", SERVER_TODOS },
	{ &line_reaches_every_other_client, 8, 8, "TODO 7 in output.c (fan_out)",
	  "a line reaches every other client once as NAME: line, never its sender", SERVER_TODOS },
	{ &joins_and_leaves_are_announced, 5, 8, "TODO 11 in loop.c (sweep) and TODO 4",
	  "* NAME joined, * NAME left at end of file and at a reset; the log line", SERVER_TODOS },
	{ &line_in_pieces_is_delivered_once, 5, 8, "TODO 5 in input.c (keep the unfinished line)",
	  "a line in four pieces goes out once, whole, only at its newline; a line and a half, then the rest", SERVER_TODOS },
	{ &several_lines_in_one_write_are_each_delivered, 5, 8, "TODO 5 in input.c (every complete line)",
	  "50 lines in one write: each goes out once, in order", SERVER_TODOS },
	{ &vanished_client_mid_line_is_survived, 5, 10, "TODO 4 in input.c and TODO 8 in output.c (MSG_NOSIGNAL)",
	  "clients reset or close mid-line, or reset with lines queued: the others are told, no half line goes out, the server carries on", SERVER_TODOS },
	{ &stuck_clients_do_not_delay_others, 6, 15, "TODO 2 in accept.c and TODO 4 in input.c (never wait for one client)",
	  "20 silent clients and one typing a byte at a time: each line between two others within 1 s", SERVER_TODOS },
	{ &slow_reader_does_not_delay_others, 5, 20, "TODO 8 in output.c and TODO 9 in loop.c (queue, POLLOUT)",
	  "a client reading slowly: each batch of lines between two others within 1 s; the slow one gets all, late", SERVER_TODOS },
	{ &nonreading_client_is_dropped, 6, 20, "TODO 6 in output.c (the queue's limit)",
	  "-q 16384 and a client that never reads: it is dropped (* NAME dropped: not reading), the others get every line within 1 s", SERVER_TODOS },
	{ &long_line_is_refused, 4, 10, "TODO 5 in input.c (a line too long)",
	  "a 4096-byte line goes out; a longer one: * line too long to its sender, then the end; the others told", SERVER_TODOS },
	{ &descriptor_limit_says_server_full, 6, 12, "TODO 3 in accept.c (the spare descriptor)",
	  "out of descriptors (RLIMIT_NOFILE lowered): * server full, no busy loop, the server lives, and takes a client again", SERVER_TODOS },
	{ &max_clients_says_server_full, 3, 8, "TODO 2 in accept.c (-m)",
	  "-m 2: a third client gets * server full; a place freed is taken", SERVER_TODOS },
	{ &idle_server_uses_no_cpu, 5, 10, "TODO 9 in loop.c (POLLOUT only with something to send)",
	  "three silent clients: under 10 ms of CPU in 2 s (no busy loop)", SERVER_TODOS },
	{ &two_hundred_clients_at_once, 5, 30, "TODO 2 in accept.c and TODO 7 in output.c",
	  "200 clients at once, two lines each: every line reaches all 199 others exactly once, in order", SERVER_TODOS },
	{ &idle_limit_drops_silent_clients, 2, 10, "loop.c (-i) and TODO 11",
	  "-i: a silent client is dropped (* NAME dropped: idle), a talking one stays", SERVER_TODOS },
	{ &server_survives_short_writes, 3, 15, "TODO 8 in output.c (what send() took)",
	  "short writes and EINTR in the server lose nothing", SERVER_TODOS },
	{ &stop_signals_exit_0, 2, 8, "server.c and loop.c (the stop signals)",
	  "SIGTERM idle, SIGINT with clients: exit 0, connections closed", SERVER_TODOS },
	{ &server_bad_arguments_exit_2, 2, 10, "server.c (argument checks)",
	  "bad -a, -p, -m, -q, -i, unknown options: usage, exit 2", NULL },
	{ &client_prints_lines_as_they_come, 5, 10, "TODO 12 in relay.c (poll on both)",
	  "stdin a pipe with nothing in it: the server's lines printed at once; a typed line sent at once; half-close at stdin's end, exit 0 after the server's end", CLIENT_TODOS },
	{ &client_sends_lines_and_half_closes, 4, 8, "TODO 13 in relay.c (shutdown)",
	  "stdin's lines sent, an unfinished last one completed, then a half-close; exit 0 when the server closes", CLIENT_TODOS },
	{ &client_exits_1_when_server_closes_first, 2, 8, "TODO 12 in relay.c and client.c",
	  "the server closes first: what it said printed, exit 1 saying so", CLIENT_TODOS },
	{ &client_handles_large_input, 2, 15, "TODO 12 in relay.c (read while sending)",
	  "4 MiB of stdin while the server sends as much back: no deadlock", CLIENT_TODOS },
	{ &client_bad_arguments_exit_2, 2, 10, "client.c (argument checks)",
	  "missing operands, bad ports, bad -t, unknown options: usage, exit 2", NULL },
	{ &programs_print_help, 1, 5, "server.c and client.c (--help)",
	  "--help: the usage on stdout, exit 0, for both programs", NULL },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "many-clients";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	start_chat(NULL, NULL);
	*len = sa_make(srv.ip, srv.port, addr);
	return srv.p;
}

/* Two clients join; a line of one reaches the other; both leave.  Right
 * after an attack the server may still be full of connections the
 * attack has closed but it has not read the end of yet: a client told
 * "* server full" then tries again, for 5 s at most. */
static void robust_good(struct proc *server, const struct sockaddr *addr,
                        socklen_t len)
{
	long long deadline = now_ms() + ms(5000);
	struct peer *a, *b;

	(void)server, (void)addr, (void)len;
	for (;;) {
		long long until = now_ms() + ms(2000);

		a = connect_peer('A', 0);
		b = connect_peer('B', 0);
		while (line_at(a, notice(b, "joined"), 0) < 0 && !a->eof && !b->eof
		       && left_ms(until) > 0)
			pump(left_ms(until));
		if ((!a->eof && !b->eof) || left_ms(deadline) == 0)
			break;
		step("client %c was told \"%s\": the server is still full; again",
		     a->eof ? 'A' : 'B', "* server full");
		hang_up(a, false);
		hang_up(b, false);
		poll(NULL, 0, 20);      /* the server reaps what the attack left */
	}
	expect_line(a, notice(b, "joined"), ms(2000), "every client is told of "
	            "each one who joins");
	say_line(b, "well-formed and complete");
	expect_line(a, from(b, "well-formed and complete"), ms(2000), "each line "
	            "goes to every other client");
	hang_up(a, false);
	hang_up(b, false);
}

const struct robust_target lab_robust = {
	.kind = ROBUST_STREAM, .start = robust_start, .good = robust_good,
	.needs = SERVER_TODOS,
};
