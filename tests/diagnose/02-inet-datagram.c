/*
 * 02-inet-datagram.c - the diagnosis of lab 02 (diagnose.h): each of the
 * lab's functions called on its own, against UDP sockets this program
 * sets up on 127.0.0.1 and 127.0.0.2, in the order of the TODOs.
 */
#define _GNU_SOURCE
#include "common.h"
#include "diagnose.h"
#include "inet_dgram.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- the program's side ------------------------------------------------- */

/* How many datagrams FD still has queued (read and dropped). */
static int drain(int fd)
{
	static char buf[UDP_MAX_PAYLOAD];
	int count = 0;

	while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) >= 0)
		count++;
	return count;
}

/* Should the function under test not return within MS milliseconds, end
 * the check with TODO wrong, WHY (diag_interrupt_stop() disarms it). */
static int watched_todo;
static const char *watched_why;

static void watchdog_fired(int sig)
{
	(void)sig;
	todo_wrong(watched_todo, "%s", watched_why);
}

static void watchdog(int todo, int ms, const char *why)
{
	struct sigaction sa = { .sa_handler = watchdog_fired };
	struct itimerval once = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	watched_todo = todo;
	watched_why = why;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &once, NULL);
}

/* ---- TODO 1: server_address() ------------------------------------------ */

#define A_PORT 12345        /* 0x3039: its two bytes differ */

static void check_server_address(void)
{
	static const char *const bad[] = { "999.1.2.3", "localhost", "1.2.3", "" };
	static const unsigned char zero[sizeof ((struct sockaddr_in *)0)->sin_zero];
	struct sockaddr_in addr, want = diag_ipv4("127.0.0.2", A_PORT);
	int r;

	memset(&addr, 0xa5, sizeof addr);       /* as an uninitialised variable */
	errno = 0;
	r = server_address("127.0.0.2", A_PORT, &addr);
	missing_if_stub(1, r, "server_address()");
	if (r != 0)
		todo_wrong(1, "server_address(\"127.0.0.2\", %d) returned %d (%s), not 0: "
		           "inet_pton() returns 1 for a good address", A_PORT, r,
		           diag_errname(errno));
	if (addr.sin_family != AF_INET)
		todo_wrong(1, "server_address() left sin_family %d, not AF_INET (%d)",
		           addr.sin_family, AF_INET);
	if (addr.sin_port == A_PORT && A_PORT != htons(A_PORT))
		todo_wrong(1, "server_address() with port %d stored the port as it is: "
		           "sin_port must be in network byte order, htons(port)", A_PORT);
	if (addr.sin_port != want.sin_port)
		todo_wrong(1, "server_address() with port %d left sin_port %u (in network "
		           "order): set it to htons(port)", A_PORT, ntohs(addr.sin_port));
	if (addr.sin_addr.s_addr != want.sin_addr.s_addr)
		todo_wrong(1, "server_address(\"127.0.0.2\", ...) filled in the address %s: "
		           "convert TEXT with inet_pton(AF_INET, text, &addr->sin_addr), "
		           "already in network order", diag_name(&addr));
	if (memcmp(addr.sin_zero, zero, sizeof zero) != 0)
		todo_wrong(1, "server_address() left garbage in sin_zero (some systems "
		           "then refuse the address): zero the whole sockaddr_in with "
		           "memset() before filling it");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		r = server_address(bad[i], A_PORT, &addr);
		if (r != -1 || errno != EINVAL)
			todo_wrong(1, "server_address(\"%s\", ...), text that is not a dotted "
			           "IPv4 address, returned %d with %s, not -1 with EINVAL: "
			           "inet_pton() returns 0 (not -1) for it", bad[i], r,
			           diag_errname(errno));
	}
}

/* ---- TODO 2-3: udp_bind() ---------------------------------------------- */

/* udp_bind() failed on 127.0.0.1, port 0: the errno tells which call. */
static DIAG_NORETURN void bind_failed(int err)
{
	if (err == ENOTSOCK)
		todo_wrong(2, "udp_bind() failed with ENOTSOCK: bind() was given an fd "
		           "that is not a socket (`if (fd = socket(...) < 0)` sets fd to "
		           "the comparison's 0: parenthesise the assignment)");
	if (err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT
	    || err == EPROTOTYPE || err == EOPNOTSUPP || err == EINVAL)
		todo_wrong(2, "udp_bind() on 127.0.0.1 port 0 failed with %s: is the "
		           "socket AF_INET, SOCK_DGRAM, bound with sizeof *addr bytes?",
		           diag_errname(err));
	todo_wrong(2, "udp_bind() on 127.0.0.1 port 0 failed with %s", diag_errname(err));
}

/* A second udp_bind() on the port the first holds must fail. */
static void check_port_taken(int first, const struct sockaddr_in *held)
{
	struct sockaddr_in taken = *held;
	int before = diag_open_fds(), fd;

	errno = 0;
	fd = udp_bind(&taken);
	taken = *held;          /* for the messages: udp_bind() may change it */
	if (fd >= 0 && (diag_sockopt(first, SOL_SOCKET, SO_REUSEADDR) > 0
	                || diag_sockopt(first, SOL_SOCKET, SO_REUSEPORT) > 0))
		todo_wrong(2, "a second udp_bind() on %s, which the first one holds, "
		           "succeeded: SO_REUSEADDR or SO_REUSEPORT on a UDP socket lets "
		           "two servers share a port; do not set them", diag_name(&taken));
	if (fd >= 0)
		todo_wrong(2, "a second udp_bind() on %s, which the first one holds, "
		           "returned a socket (bound to %s): check bind()'s result and "
		           "return -1 when it fails", diag_name(&taken),
		           diag_name((struct sockaddr_in[]){ diag_local(fd) }));
	if (errno != EADDRINUSE)
		todo_wrong(2, "a second udp_bind() on %s, which the first one holds, "
		           "failed with %s, not EADDRINUSE: keep bind()'s errno (close() "
		           "may change it)", diag_name(&taken), diag_errname(errno));
	if (diag_open_fds() != before)
		todo_wrong(2, "a udp_bind() whose bind() failed left its socket open: "
		           "close it before returning -1");
}

static void check_udp_bind(void)
{
	struct sockaddr_in addr = diag_ipv4("127.0.0.1", 0), bound, fixed;
	int fd = udp_bind(&addr);

	missing_if_stub(2, fd, "udp_bind()");
	if (fd < 0)
		bind_failed(errno);
	wrong_unless_socket(2, fd, "udp_bind()", AF_INET, SOCK_DGRAM);
	bound = diag_local(fd);
	if (bound.sin_port == 0)
		todo_wrong(2, "the socket udp_bind() returned is not bound (it has no "
		           "port): bind() it to *ADDR");
	if (bound.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
		todo_wrong(2, "asked for 127.0.0.1, udp_bind() bound the socket to %s: "
		           "bind() it to *ADDR", diag_name(&bound));
	if (addr.sin_port == 0)
		todo_wrong(3, "with port 0 the kernel chose port %u, but *ADDR still says "
		           "port 0 after udp_bind(): getsockname() into ADDR after bind()",
		           ntohs(bound.sin_port));
	if (!same_endpoint(&addr, &bound))
		todo_wrong(3, "after udp_bind(), *ADDR says %s but the socket is bound "
		           "to %s: getsockname() into ADDR, LEN bytes", diag_name(&addr),
		           diag_name(&bound));
	check_port_taken(fd, &bound);
	close(fd);

	/* A port asked for is the port bound. */
	fixed = addr = diag_ipv4("127.0.0.1", diag_free_port(SOCK_DGRAM, "127.0.0.1"));
	fd = udp_bind(&addr);
	if (fd < 0 && errno == EADDRINUSE)
		return;         /* someone took it meanwhile */
	if (fd < 0)
		todo_wrong(2, "udp_bind() on %s, a free port, failed with %s",
		           diag_name(&fixed), diag_errname(errno));
	bound = diag_local(fd);
	if (!same_endpoint(&bound, &fixed))
		todo_wrong(2, "asked for %s, udp_bind() bound the socket to %s: bind() "
		           "it to *ADDR as it is (already in network order)",
		           diag_name(&fixed), diag_name(&bound));
	if (!same_endpoint(&addr, &fixed))
		todo_wrong(3, "after udp_bind() on %s, *ADDR says %s: getsockname() into "
		           "ADDR", diag_name(&fixed), diag_name(&addr));
	close(fd);
}

/* ---- TODO 4: receive_request() ----------------------------------------- */

/* receive_request() on SERVER with a datagram of LEN bytes from CLIENT
 * waiting: checked, into BUF. */
static void expect_request(int server, int client, const void *msg, size_t len,
                           const char *what)
{
	static unsigned char buf[UDP_MAX_PAYLOAD];
	struct sockaddr_in from, want = diag_local(client);
	ssize_t n;

	memset(&from, 0xa5, sizeof from);
	errno = 0;
	n = receive_request(server, buf, sizeof buf, &from);
	missing_if_stub(4, n, "receive_request()");
	if (n < 0 && errno == EINVAL)
		todo_wrong(4, "with %s waiting, receive_request() failed with EINVAL: "
		           "recvfrom()'s address length must hold sizeof *from before "
		           "the call", what);
	if (n < 0)
		todo_wrong(4, "with %s waiting, receive_request() failed with %s", what,
		           diag_errname(errno));
	if ((size_t)n != len || memcmp(buf, msg, len) != 0)
		todo_wrong(4, "with %s waiting, receive_request() returned %zd%s: return "
		           "what recvfrom() returns, the datagram's size (%s)", what, n,
		           (size_t)n == len ? " but BUF holds other bytes" : "",
		           len == 0 ? "0 is an empty datagram, not an end of file"
		                    : "one call, one datagram, received into BUF, CAP bytes");
	if (!same_endpoint(&from, &want))
		todo_wrong(4, "%s came from %s, but *FROM says %s: pass FROM and the "
		           "address length to recvfrom()", what, diag_name(&want),
		           diag_name(&from));
}

static void check_receive_request(void)
{
	static unsigned char big[UDP_MAX_PAYLOAD];
	static const char sizes[3] = { 1, 100, 7 };
	int server = diag_udp("127.0.0.1", 0), far = diag_udp("127.0.0.2", 0);
	int near = diag_udp("127.0.0.1", 0);
	struct sockaddr_in to = diag_local(server);
	char three[100];

	diag_send_to(far, "ab\0\xff" "cd", 6, &to);
	expect_request(server, far, "ab\0\xff" "cd", 6, "a 6-byte datagram from 127.0.0.2");
	diag_send_to(near, "", 0, &to);
	expect_request(server, near, "", 0, "an empty datagram");
	memset(three, 'b', sizeof three);
	for (int i = 0; i < 3; i++)
		diag_send_to(i == 1 ? far : near, three, (size_t)sizes[i], &to);
	for (int i = 0; i < 3; i++)
		expect_request(server, i == 1 ? far : near, three, (size_t)sizes[i],
		               i == 0 ? "the first of three datagrams sent at once (1 byte)"
		               : i == 1 ? "the second of three datagrams (100 bytes)"
		               : "the third of three datagrams (7 bytes)");
	diag_pattern(big, sizeof big);
	diag_send_to(near, big, sizeof big, &to);
	expect_request(server, near, big, sizeof big, "a datagram of 65507 bytes");
}

/* ---- TODO 5: send_reply() ---------------------------------------------- */

/* CLIENT must get REPLY (LEN bytes) from the server's socket, bound to
 * *MINE. */
static void expect_reply(const struct sockaddr_in *mine, int client,
                         const char *reply, size_t len, const char *what)
{
	char buf[64];
	struct sockaddr_in from;
	ssize_t n = diag_recv_within(client, buf, sizeof buf, &from, 1000);

	if (n < 0)
		todo_wrong(5, "send_reply() to %s returned 0, but nothing arrived there: "
		           "sendto() BUF to *TO, the address recvfrom() gave", what);
	if ((size_t)n != len || memcmp(buf, reply, len) != 0)
		todo_wrong(5, "send_reply() of %zu bytes to %s: %zd bytes arrived, not "
		           "those: send LEN bytes of BUF in one sendto()", len, what, n);
	if (!same_endpoint(&from, mine))
		todo_wrong(5, "the reply to %s came from %s, not from the server's socket "
		           "%s: sendto() on FD, the socket the request came in on",
		           what, diag_name(&from), diag_name(mine));
}

/* After a send_reply(), the server's socket is as it was. */
static void expect_unchanged(int server, const struct sockaddr_in *mine)
{
	struct sockaddr_in now = diag_local(server);
	socklen_t len = sizeof now;

	if (!same_endpoint(&now, mine))
		todo_wrong(5, "after send_reply(), the server's socket, bound to %s, is "
		           "bound to %s: a connect() and its undoing unbind a port the "
		           "kernel chose; sendto() names the address without "
		           "connecting", diag_name(mine), diag_name(&now));
	if (getpeername(server, (struct sockaddr *)&now, &len) == 0)
		todo_wrong(5, "after send_reply(), the server's socket is connected to %s: "
		           "it would receive from that client only; sendto() names the "
		           "address without connecting", diag_name(&now));
}

static void check_send_reply(void)
{
	int server = diag_udp("127.0.0.1", 0), a = diag_udp("127.0.0.1", 0);
	int b = diag_udp("127.0.0.2", 0);
	struct sockaddr_in to_a = diag_local(a), to_b = diag_local(b), from;
	struct sockaddr_in mine = diag_local(server);
	char byte;
	int r;

	errno = 0;
	r = send_reply(server, "ABC", 3, &to_a);
	missing_if_stub(5, r, "send_reply()");
	if (r != 0)
		todo_wrong(5, "send_reply() of 3 bytes to %s returned %d (%s), not 0",
		           diag_name(&to_a), r, diag_errname(errno));
	expect_unchanged(server, &mine);
	expect_reply(&mine, a, "ABC", 3, "a first client");
	r = send_reply(server, "XYZ", 3, &to_b);
	if (r != 0)
		todo_wrong(5, "a second send_reply(), to %s, returned %d (%s), not 0",
		           diag_name(&to_b), r, diag_errname(errno));
	if (diag_recv_within(b, &byte, 1, &from, 1000) < 0)
		todo_wrong(5, "send_reply() to a second client, %s, returned 0, but "
		           "nothing arrived there%s: send to *TO, this datagram's sender, "
		           "not an address kept from before", diag_name(&to_b),
		           diag_ready(a, POLLIN, 0) ? " (the first client got it)" : "");
	if (send_reply(server, "", 0, &to_a) != 0)
		todo_wrong(5, "send_reply() of 0 bytes returned %s: an empty datagram is "
		           "a datagram too", diag_errname(errno));
	expect_reply(&mine, a, "", 0, "a client that sent an empty datagram");
	expect_unchanged(server, &mine);
}

/* ---- TODO 6: client_socket() ------------------------------------------- */

static void check_client_socket(void)
{
	int fd = client_socket(), other;
	struct sockaddr_in me, them;

	missing_if_stub(6, fd, "client_socket()");
	if (fd < 0)
		todo_wrong(6, "client_socket() failed with %s", diag_errname(errno));
	wrong_unless_socket(6, fd, "client_socket()", AF_INET, SOCK_DGRAM);
	me = diag_local(fd);
	if (me.sin_port == 0)
		return;         /* unbound: the first sendto() binds a free port */
	other = client_socket();
	them = other >= 0 ? diag_local(other) : me;
	if (other < 0 || same_endpoint(&me, &them))
		todo_wrong(6, "client_socket() binds port %u: a second client on the host "
		           "%s; leave the socket unbound, the first sendto() gives it a "
		           "free port", ntohs(me.sin_port),
		           other < 0 ? "cannot get it" : "gets the same one");
}

/* ---- TODO 7: send_request() -------------------------------------------- */

static void check_send_request(void)
{
	static const char msg[] = "two\0words";         /* 9 bytes, a NUL in them */
	int server = diag_udp("127.0.0.1", 0), fd = diag_udp("127.0.0.1", 0);
	struct sockaddr_in to = diag_local(server), from, me = diag_local(fd);
	char buf[64];
	ssize_t n;
	int r;

	errno = 0;
	r = send_request(fd, msg, 9, &to);
	missing_if_stub(7, r, "send_request()");
	if (r != 0)
		todo_wrong(7, "send_request() of 9 bytes to %s returned %d (%s), not 0",
		           diag_name(&to), r, diag_errname(errno));
	n = diag_recv_within(server, buf, sizeof buf, &from, 1000);
	if (n < 0)
		todo_wrong(7, "send_request() to %s returned 0, but nothing arrived "
		           "there: sendto() MSG to *SERVER", diag_name(&to));
	if (n == 10 && buf[9] == '\0' && memcmp(buf, msg, 9) == 0)
		todo_wrong(7, "send_request() of LEN 9 bytes sent 10, a NUL after them: "
		           "send exactly LEN bytes (a string's NUL is not part of the "
		           "message)");
	if (n != 9 || memcmp(buf, msg, 9) != 0)
		todo_wrong(7, "send_request() of 9 bytes (a NUL among them) sent %zd bytes%s: "
		           "send LEN bytes of MSG as they are, in one sendto()", n,
		           n == 9 ? ", not those" : "");
	if (!same_endpoint(&from, &me))
		todo_wrong(7, "send_request() on a socket bound to %s sent from %s: send "
		           "with FD", diag_name(&me), diag_name(&from));
	r = send_request(fd, "", 0, &to);
	n = diag_recv_within(server, buf, sizeof buf, &from, 1000);
	if (r != 0 || n != 0)
		todo_wrong(7, "send_request() of an empty message returned %d and %s: an "
		           "empty datagram is a datagram too", r,
		           n < 0 ? "nothing arrived" : "more than 0 bytes arrived");
}

/* ---- TODO 8: await_reply() --------------------------------------------- */

/* The lines the function under test wrote on stderr so far. */
static int stderr_lines(void)
{
	size_t len;
	unsigned char *text = diag_slurp("stderr.txt", &len);
	int lines = 0;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	free(text);
	return lines;
}

/* Does stderr name ADDRESS ("127.0.0.2:41234")? */
static bool stderr_names(const struct sockaddr_in *sa)
{
	size_t len;
	unsigned char *text = diag_slurp("stderr.txt", &len);
	const char *want = diag_name(sa);
	bool found = false;

	if (text != NULL)
		found = memmem(text, len, want, strlen(want)) != NULL;
	free(text);
	return found;
}

/* Where await_reply() and request_reply() leave the answer, and the
 * wrong reply they keep. */
static char reply[UDP_MAX_PAYLOAD];
static struct wrong_reply wrong;

/* await_reply(FD, SERVER, MSG) until MS from now; errno in *ERR. */
static ssize_t await(int fd, const struct sockaddr_in *server, const char *msg, int ms,
                     int *err)
{
	ssize_t n;

	wrong.size = -1;
	errno = 0;
	n = await_reply(fd, server, msg, strlen(msg), reply, deadline_after(ms), &wrong);
	*err = errno;
	return n;
}

/* The answer waiting: taken at once. */
static void await_answer(int fd, int server, const struct sockaddr_in *to)
{
	static const char msg[] = "hello, 42 x";
	struct sockaddr_in at = diag_local(server);
	ssize_t n;
	int err;

	diag_send_to(server, "HELLO, 42 X", 11, to);
	n = await(fd, &at, msg, 500, &err);
	errno = err;
	missing_if_stub(8, n, "await_reply()");
	if (n < 0 && err == EINVAL)
		todo_wrong(8, "with the answer waiting, await_reply() failed with EINVAL: "
		           "recvfrom()'s address length must hold sizeof the address "
		           "before each call");
	if (n < 0 && err == ETIMEDOUT)
		todo_wrong(8, "the answer \"HELLO, 42 X\" to \"hello, 42 x\" was waiting, "
		           "from the server, yet await_reply() timed out%s", drain(fd) > 0
		           ? ": it never received it (poll() PFD, then recvfrom())"
		           : ": it received it but did not take it (receive into REPLY, "
		             "UDP_MAX_PAYLOAD bytes, not sizeof a pointer; compare with "
		             "same_endpoint() and answers())");
	if (n < 0)
		todo_wrong(8, "with the answer waiting, await_reply() failed with %s",
		           diag_errname(err));
	if (n != 11 || memcmp(reply, "HELLO, 42 X", 11) != 0)
		todo_wrong(8, "with the answer \"HELLO, 42 X\" (11 bytes) waiting, "
		           "await_reply() returned %zd and REPLY holds other bytes: "
		           "recvfrom() into REPLY, return its size", n);
}

/* Strangers' answers first: passed over, and logged. */
static void await_past_strangers(int fd, int server, const struct sockaddr_in *to)
{
	struct sockaddr_in at = diag_local(server);
	int other_port = diag_udp("127.0.0.1", 0);
	int other_host = diag_udp("127.0.0.2", ntohs(at.sin_port));
	struct sockaddr_in stranger[2] = { diag_local(other_port), diag_local(other_host) };
	ssize_t n;
	int err, left;

	diag_send_to(other_port, "HELLO", 5, to);
	diag_send_to(other_host, "HELLO", 5, to);
	diag_send_to(server, "HELLO", 5, to);
	n = await(fd, &at, "hello", 1000, &err);
	left = drain(fd);
	if (n < 0)
		todo_wrong(8, "with two strangers' \"HELLO\" and then the server's waiting, "
		           "await_reply() failed with %s", diag_errname(err));
	if (left == 2)
		todo_wrong(8, "await_reply() took \"HELLO\" from %s, another port on the "
		           "server's address, for the answer: compare the sender's "
		           "address AND port with the server's (same_endpoint())",
		           diag_name(&stranger[0]));
	if (left == 1)
		todo_wrong(8, "await_reply() took \"HELLO\" from %s, the server's port on "
		           "another address, for the answer: compare the sender's "
		           "address AND port with the server's (same_endpoint())",
		           diag_name(&stranger[1]));
	for (int i = 0; i < 2; i++)
		if (!stderr_names(&stranger[i]) && stderr_lines() < 2)
			todo_wrong(8, "await_reply() passed over the datagram from the "
			           "stranger %s without a word: log_line() each one "
			           "ignored, naming its sender", diag_name(&stranger[i]));
	close(other_port);
	close(other_host);
}

/* A late answer to an earlier request first: passed over, logged, kept. */
static void await_past_late_answer(int fd, int server, const struct sockaddr_in *to)
{
	struct sockaddr_in at = diag_local(server);
	int lines = stderr_lines(), err;
	ssize_t n;

	diag_send_to(server, "ONE", 3, to);
	diag_send_to(server, "TWO", 3, to);
	n = await(fd, &at, "two", 1000, &err);
	if (n < 0)
		todo_wrong(8, "with a late \"ONE\" and then the answer \"TWO\" from the "
		           "server waiting, await_reply() for \"two\" failed with %s",
		           diag_errname(err));
	if (memcmp(reply, "TWO", 3) != 0)
		todo_wrong(8, "await_reply() for \"two\" took \"ONE\", a late answer to an "
		           "earlier request, from the server: check that the datagram is "
		           "MSG uppercased (answers()), else skip it");
	if (wrong.size != 3 || memcmp(wrong.start, "ONE", 3) != 0)
		todo_wrong(8, "await_reply() for \"two\" passed over \"ONE\" from the server "
		           "but did not keep it in *WRONG (wrong->size %zd): keep_wrong() "
		           "it, so that giving up can say what came", wrong.size);
	if (stderr_lines() == lines)
		todo_wrong(8, "await_reply() for \"two\" passed over \"ONE\", a late "
		           "answer from the server, without a word: log_line() it");
}

/* Nothing comes: -1 with ETIMEDOUT at the deadline. */
static void await_nothing(int fd, const struct sockaddr_in *at)
{
	long long start = diag_now_ms(), took;
	ssize_t n;
	int err;

	watchdog(8, 2000, "with nothing to receive and the deadline 150 ms away, "
	         "await_reply() was still waiting 2 s later: poll() with the "
	         "timeout ms_left(deadline), not -1, before recvfrom()");
	n = await(fd, at, "silence", 150, &err);
	diag_interrupt_stop();
	took = diag_now_ms() - start;
	if (n >= 0 || err != ETIMEDOUT)
		todo_wrong(8, "with nothing to receive and the deadline 150 ms away, "
		           "await_reply() returned %zd with %s after %lld ms, not -1 with "
		           "ETIMEDOUT: poll()'s 0 means the time is up", n, diag_errname(err),
		           took);
	if (took < 100)
		todo_wrong(8, "with the deadline 150 ms away, await_reply() gave up after "
		           "%lld ms: poll() with the timeout ms_left(deadline)", took);
}

/* The peer: a datagram to the client every 20 ms for 1.2 s. */
struct noise {
	int fd;
	struct sockaddr_in to;
};

static void make_noise(void *arg)
{
	struct noise *s = arg;

	for (int i = 0; i < 60; i++) {
		if (sendto(s->fd, "noise", 5, 0, (struct sockaddr *)&s->to, sizeof s->to) < 0)
			_exit(1);
		poll(NULL, 0, 20);
	}
}

/* Strangers every 20 ms: the deadline holds all the same. */
static void await_in_noise(int fd, const struct sockaddr_in *at, const struct sockaddr_in *to)
{
	struct noise s = { diag_udp("127.0.0.2", 0), *to };
	long long start;
	ssize_t n;
	pid_t pid;
	int err;

	pid = diag_spawn(make_noise, &s, s.fd, -1);
	start = diag_now_ms();
	watchdog(8, 2500, "with a stranger sending a datagram every 20 ms and the "
	         "deadline 200 ms away, await_reply() was still waiting 2.5 s later: "
	         "poll() with what is left, ms_left(deadline), each time round");
	n = await(fd, at, "busy", 200, &err);
	diag_interrupt_stop();
	kill(pid, SIGKILL);
	if (n >= 0 || err != ETIMEDOUT)
		todo_wrong(8, "with only a stranger's datagrams coming and the deadline "
		           "200 ms away, await_reply() returned %zd with %s, not -1 with "
		           "ETIMEDOUT", n, diag_errname(err));
	if (diag_now_ms() - start > 800)
		todo_wrong(8, "with a stranger sending a datagram every 20 ms and the "
		           "deadline 200 ms away, await_reply() gave up only after %lld "
		           "ms: poll() with what is left, ms_left(deadline), not the whole "
		           "time again after each datagram", diag_now_ms() - start);
	close(s.fd);
}

static void check_await_reply(void)
{
	int fd = diag_udp("127.0.0.1", 0), server = diag_udp("127.0.0.1", 0);
	int log = open("stderr.txt", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	struct sockaddr_in to = diag_local(fd), at = diag_local(server);

	if (log < 0 || dup2(log, STDERR_FILENO) < 0)
		exit(1);
	close(log);
	await_answer(fd, server, &to);
	await_past_strangers(fd, server, &to);
	await_past_late_answer(fd, server, &to);
	await_nothing(fd, &at);
	await_in_noise(fd, &at, &to);
}

/* ---- TODO 9: request_reply() ------------------------------------------- */

/* The server's side: each request answered as PLAN says. */
struct fake_server {
	int fd;
	bool drop_first;        /* the first request is lost */
	bool as_is;             /* answer with the request as it came */
};

static void serve(void *arg)
{
	struct fake_server *s = arg;
	char buf[512];
	struct sockaddr_in from;
	ssize_t n;

	for (int i = 0; (n = diag_recv_within(s->fd, buf, sizeof buf, &from, 2000)) >= 0; i++) {
		if (i == 0 && s->drop_first)
			continue;
		if (!s->as_is)
			ascii_upper(buf, (size_t)n);
		sendto(s->fd, buf, (size_t)n, 0, (struct sockaddr *)&from, sizeof from);
	}
}

/* No answer at all: 1 + RETRIES tries of TIMEOUT_MS, then ETIMEDOUT.
 * False when it cannot tell: await_reply() (TODO 8) is still the stub. */
static bool request_unanswered(void)
{
	int fd = diag_udp("127.0.0.1", 0), server = diag_udp("127.0.0.1", 0), tries, err;
	struct sockaddr_in at = diag_local(server);
	long long start = diag_now_ms(), took;
	ssize_t n;

	watchdog(9, 3000, "with a server that never answers, request_reply() with "
	         "TIMEOUT_MS 80 and RETRIES 3 was still trying 3 s later: 4 tries "
	         "of 80 ms, then give up");
	errno = 0;
	n = request_reply(fd, &at, "anyone?", 7, reply, 80, 3, &wrong);
	err = errno;
	diag_interrupt_stop();
	took = diag_now_ms() - start;
	tries = drain(server);
	if (n < 0 && err == ENOSYS && tries == 0) {
		errno = err;
		missing_if_stub(9, n, "request_reply()");
	}
	if (n < 0 && err == ENOSYS)
		return false;   /* await_reply(), TODO 8, is the stub */
	if (n >= 0)
		todo_wrong(9, "with a server that never answers, request_reply() returned "
		           "%zd, not -1 with ETIMEDOUT", n);
	if (err != ETIMEDOUT)
		todo_wrong(9, "with a server that never answers, request_reply() failed "
		           "with %s, not ETIMEDOUT%s", diag_errname(err),
		           err == EBADMSG ? " (EBADMSG only when the server sent something, "
		                            "wrong->size >= 0)" : "");
	if (tries != 4)
		todo_wrong(9, "with a server that never answers and RETRIES 3, the server "
		           "got %d request%s, not 4 (the first and 3 retries): send again "
		           "each time await_reply() fails with ETIMEDOUT", tries,
		           tries == 1 ? "" : "s");
	if (took > 800)
		todo_wrong(9, "4 tries of TIMEOUT_MS 80 took request_reply() %lld ms, not "
		           "about 320: each try waits deadline_after(timeout_ms), the same "
		           "time each try", took);
	if (took < 240)
		todo_wrong(9, "4 tries of TIMEOUT_MS 80 took request_reply() only %lld ms: "
		           "each try waits deadline_after(timeout_ms) for the answer",
		           took);
	close(fd);
	close(server);
	return true;
}

/* request_reply() against a fake server S; errno in *ERR. */
static ssize_t request_from(struct fake_server s, const char *msg, int timeout_ms,
                            int retries, int *err)
{
	int fd = diag_udp("127.0.0.1", 0);
	struct sockaddr_in at = diag_local(s.fd);
	pid_t pid = diag_spawn(serve, &s, s.fd, -1);
	ssize_t n;

	wrong.size = 42;        /* request_reply() must set it itself */
	errno = 0;
	n = request_reply(fd, &at, msg, strlen(msg), reply, timeout_ms, retries, &wrong);
	*err = errno;
	kill(pid, SIGKILL);
	close(fd);
	close(s.fd);
	return n;
}

static void check_request_reply(void)
{
	ssize_t n;
	int err;

	if (!request_unanswered())
		return;
	n = request_from((struct fake_server){ diag_udp("127.0.0.1", 0), true, false },
	                 "again", 100, 2, &err);
	if (n != 5 || memcmp(reply, "AGAIN", 5) != 0)
		todo_wrong(9, "the first request was lost (the server answers the second): "
		           "request_reply() with RETRIES 2 returned %zd (%s), not the "
		           "answer: on ETIMEDOUT send again, up to RETRIES more times",
		           n, n < 0 ? diag_errname(err) : "other bytes");
	n = request_from((struct fake_server){ diag_udp("127.0.0.1", 0), false, true },
	                 "hello", 60, 1, &err);
	if (n >= 0)
		todo_wrong(9, "a server that answers each try with the request as it came "
		           "(not uppercased): request_reply() returned %zd, as if that "
		           "were the answer, not -1 with EBADMSG", n);
	if (err != EBADMSG)
		todo_wrong(9, "a server that answers each try with the request as it came "
		           "(not uppercased): request_reply() failed with %s, not EBADMSG: "
		           "when no try was answered but WRONG->size >= 0 (a wrong reply "
		           "was kept), give up with EBADMSG", diag_errname(err));
	if (wrong.size != 5 || memcmp(wrong.start, "hello", 5) != 0)
		todo_wrong(9, "a server that answers each try with the request as it came: "
		           "request_reply() gave up with EBADMSG, but *WRONG holds %zd "
		           "bytes, not its \"hello\": pass WRONG to await_reply()",
		           wrong.size);
	errno = 0;
	n = request_reply(-1, &(struct sockaddr_in){ 0 }, "x", 1, reply, 50, 1, &wrong);
	if (n >= 0 || errno != EBADF)
		todo_wrong(9, "on a bad fd (sendto() fails with EBADF), request_reply() "
		           "returned %zd with %s, not -1 with EBADF: when "
		           "send_request() fails, return -1 at once", n, diag_errname(errno));
}

const struct todo_check lab_checks[] = {
	{ 1, 1, "bind.c", "server_address", check_server_address },
	{ 2, 3, "bind.c", "udp_bind", check_udp_bind },
	{ 4, 4, "echo.c", "receive_request", check_receive_request },
	{ 5, 5, "echo.c", "send_reply", check_send_reply },
	{ 6, 6, "request.c", "client_socket", check_client_socket },
	{ 7, 7, "request.c", "send_request", check_send_request },
	{ 8, 8, "request.c", "await_reply", check_await_reply },
	{ 9, 9, "request.c", "request_reply", check_request_reply },
};
const size_t lab_nchecks = sizeof lab_checks / sizeof lab_checks[0];
