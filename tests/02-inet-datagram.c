/*
 * 02-inet-datagram.c - the grader of lab 02, the uppercase echo over
 * UDP/IPv4.  Every test runs the lab's programs as processes of their
 * own and judges them from outside: the test plays the other side with
 * its own UDP sockets (udp.h) - clients, strangers, a second host
 * (127.0.0.2), and a server that drops, duplicates and delays answers on
 * purpose - and looks at the server's socket with peek_sockets()
 * (harness.h): its family, type, address and peer.
 *
 * What Linux hides, the dgram shim (tests/preload-dgram.c) provokes:
 * bind() refuses a sockaddr_in with garbage in sin_zero, as systems that
 * look an address up whole do, and the server pauses after each datagram
 * it sends, so that its socket, looked at the moment the reply arrives,
 * is as it was when the reply went out.  The Makefile builds the lab's
 * programs with uninitialised variables filled with a byte pattern, so
 * a forgotten initialisation shows in every run.  Neither decides
 * anything: verdicts come from what the test sees.
 */
#define _GNU_SOURCE     /* strcasestr */
#include "harness.h"
#include "robust.h"
#include "udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The UDP/IPv4 maximum, 65535 - 20 - 8 (the lab: UDP_MAX_PAYLOAD in
 * common/inet.h). */
#define MAX_PAYLOAD 65507

/* ---- the test's side ------------------------------------------------------ */

static struct proc *start_server(const char *port, struct sockaddr_in *addr)
{
	return udp_server(NULL, NULL, port, NULL, NULL, addr);
}

/* The last non-empty line of TEXT, without its newline, in BUF (CAP
 * bytes): "" if none. */
static const char *last_line(const char *text, char *buf, size_t cap)
{
	size_t end = strlen(text), start;

	while (end > 0 && text[end - 1] == '\n')
		end--;
	start = end;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	snprintf(buf, cap, "%.*s", (int)(end - start), text + start);
	return buf;
}

/* Does a line of TEXT name ADDR ("127.0.0.2:41234"), not just a longer
 * port that starts with the same digits? */
static bool names_address(const char *text, const char *addr)
{
	size_t len = strlen(addr);

	for (const char *at = strstr(text, addr); at; at = strstr(at + 1, addr))
		if (at[len] < '0' || at[len] > '9')
			return true;
	return false;
}

/* How many lines of TEXT say that a datagram was passed over (in any
 * of the usual words, any case)? */
static int lines_saying_ignored(const char *text)
{
	static const char *const words[] = { "ignor", "discard", "drop", "skip",
	                                     "late", "stale", "duplicat",
	                                     "unexpected" };
	int count = 0;

	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		char line[512];

		snprintf(line, sizeof line, "%.*s", (int)len, l);
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			if (strcasestr(line, words[i]) != NULL) {
				count++;
				break;
			}
		l += len + (l[len] != '\0');
	}
	return count;
}

/* Does LINE say that no reply came? */
static bool says_no_reply(const char *line)
{
	return strcasestr(line, "reply") != NULL
	       || strcasestr(line, "answer") != NULL
	       || strcasestr(line, "response") != NULL;
}

/* ---- the server's address and socket, from outside ---------------------------- */

/* How long the server pauses after each datagram it sends under the
 * dgram shim (ms() scales it): far longer than the test takes to look at
 * its socket once the reply is in. */
#define SHIM_PAUSE_MS 40

/* Start the server under the dgram shim with -p PORT and, if IP is not
 * NULL, -a IP; wait for its ready line. */
static struct proc *start_shimmed_server(const char *ip, uint16_t port,
                                         struct sockaddr_in *addr)
{
	/* bind() refuses a sockaddr_in whose sin_zero is not all zero bytes,
	 * as systems that look an address up whole do */
	struct run_opts o = dgram_shim(SHIM_PAUSE_MS, "SOCKLAB_DGRAM_SIN_ZERO=1");
	const char *text = num_text(port);
	struct proc *srv;

	srv = ip ? run("server", &o, "-a", ip, "-p", text, NULL)
	         : run("server", &o, "-p", text, NULL);
	step("the server runs under the test's shim: bind() refuses a "
	     "sockaddr_in whose sin_zero is not all zero bytes (EADDRNOTAVAIL, "
	     "as systems that look the address up whole do), and the server "
	     "pauses %d ms after each datagram it sends", ms(SHIM_PAUSE_MS));
	if (!wait_stderr_line(srv, "listening on ", ms(3000))
	    && wait_exit(srv, 0))
		fail(srv, "expected the server to bind %s:%u and say \"listening "
		     "on %s:%u\"; it %s first - a bind() refused with \"Cannot "
		     "assign requested address\" here means sin_zero held "
		     "garbage: zero the whole sockaddr_in (memset) before filling "
		     "it (TODO 1)", ip ? ip : "127.0.0.1", port,
		     ip ? ip : "127.0.0.1", port, describe_status(srv->status));
	*addr = ready_address(srv);
	return srv;
}

/* -a and -p, seen from outside: the ready line, the socket and the echo
 * at exactly that address and port (a port whose two bytes differ, so a
 * missing htons() shows); bad -a text refused.  The shim refuses a
 * sockaddr_in left with garbage in sin_zero. */
START_TEST(a_and_p_are_bound_as_given)
{
	static const char *const bad[] = { "999.1.2.3", "localhost", "1.2.3",
	                                   "", "127.0.0.1 " };
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);
	struct sockaddr_in want = udp_addr("127.0.0.2", port), srv_addr;
	struct proc *srv = start_shimmed_server("127.0.0.2", port, &srv_addr);
	int fd = udp_open("127.0.0.1");
	char text[32];

	snprintf(text, sizeof text, "%s", sa_text(&want));
	if (strcmp(srv->ready_addr, text) != 0)
		fail(srv, "expected \"listening on %s\" for -a 127.0.0.2 -p %u; got "
		     "\"listening on %s\"", text, port, srv->ready_addr);
	expect_bound_socket(srv, &want, "-a's text into sin_addr with "
	                    "inet_pton(), -p's port into sin_port with htons() "
	                    "(TODO 1)");
	expect_echo(srv, fd, &want, "network order", "NETWORK ORDER",
	            "the server must answer at -a's address and -p's port");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		step("started the server with -a \"%s\" (not a dotted IPv4 address: "
		     "inet_pton() returns 0, not -1, for it)", bad[i]);
		expect_usage_error_naming(run("server", NULL, "-a", bad[i], "-p", "0",
		                              NULL), "-a");
	}
}
END_TEST

START_TEST(server_socket_is_udp_on_loopback)
{
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);
	struct sockaddr_in want = udp_addr("127.0.0.1", port), srv_addr;
	struct proc *srv = start_shimmed_server(NULL, port, &srv_addr);

	expect_bound_socket(srv, &want, "socket(AF_INET, SOCK_DGRAM, 0), then "
	                    "bind() it to the address asked: 127.0.0.1 by "
	                    "default, and -p's port (TODO 2)");
}
END_TEST

/* Senders on two hosts in turn, one datagram at a time: each reply must
 * arrive at its sender, and the log line name it - both come from the
 * address recvfrom() fills in, which it fills only when its length
 * argument holds the size of the address before each call. */
START_TEST(sender_address_comes_from_recvfrom)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);
	int fd[2] = { udp_open("127.0.0.2"), udp_open("127.0.0.1") };

	for (int i = 0; i < 4; i++) {
		struct sockaddr_in me = udp_local(fd[i % 2]);

		expect_echo(srv, fd[i % 2], &srv_addr, "abc", "ABC",
		            "the reply goes to the address recvfrom() filled in; "
		            "it fills it in only when its address-length argument "
		            "holds sizeof the address before each call (TODO 4)");
		expect_logged(srv, "one line per datagram, naming the sender "
		              "recvfrom() reported", "from %s: 3 bytes", sa_text(&me));
	}
}
END_TEST

/* ---- the server, black-box ------------------------------------------------------ */

START_TEST(ready_line_has_real_port)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);

	expect_real_port(srv, &srv_addr);
}
END_TEST

/* The server without -a and -p: the default, 127.0.0.1:50002 (the lab:
 * "uint16_t port = 50002" and "127.0.0.1" in server.c's main).  The one
 * fixed port of the suite: another grader (or a student's server) may
 * hold it, and then exit 1 with the bind error naming it passes too. */
static void default_port_is_50002(void)
{
	static const char want[] = "listening on 127.0.0.1:50002";
	struct proc *srv = run("server", NULL, NULL);
	char *line;

	if (wait_stderr_line(srv, "listening on ", ms(3000))) {
		line = stderr_line(srv, "listening on ");
		if (strcmp(line, want) != 0)
			fail(srv, "expected \"%s\" from the server started without -a "
			     "and -p (the default is 127.0.0.1:50002); got \"%s\"%s",
			     want, line, strstr(line, ":21187") != NULL
			     ? ": 50002 without htons() is 21187" : "");
		free(line);
		stop(srv, ms(1000));
		return;
	}
	if (!srv->reaped) {
		kill_proc(srv);
		fail(srv, "expected the server started without -a and -p to print "
		     "\"%s\" (or, if another program has that port, to exit 1 "
		     "with the bind error); neither within %d ms", want, ms(3000));
	}
	if (!WIFEXITED(srv->status) || WEXITSTATUS(srv->status) != 1
	    || !stderr_has(srv, "127.0.0.1:50002") || !stderr_has(srv, "in use"))
		fail(srv, "expected the server started without -a and -p to print "
		     "\"%s\" (the default is 127.0.0.1:50002), or, if another "
		     "program has that port, to exit 1 with the bind error naming "
		     "it (\"bind 127.0.0.1:50002: Address already in use\"); it %s "
		     "without either", want, describe_status(srv->status));
	step("port 50002 is in use here: the server said so and exited 1");
}

START_TEST(port_is_in_network_order)
{
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);
	char want[32];
	struct sockaddr_in srv_addr;
	struct proc *srv;
	int fd = udp_open("127.0.0.1");

	snprintf(want, sizeof want, "127.0.0.1:%u", port);
	srv = start_server(num_text(port), &srv_addr);
	if (strcmp(srv->ready_addr, want) != 0)
		fail(srv, "expected \"listening on %s\" for -p %u; got \"listening "
		     "on %s\"", want, port, srv->ready_addr);
	expect_echo(srv, fd, &srv_addr, "byte order", "BYTE ORDER",
	            "is the port converted with htons()?");
	default_port_is_50002();
}
END_TEST

START_TEST(echo_is_exact_uppercase)
{
	static const char msg[] = "Hello, World! az AZ 09 @[`{ \0\xff\xe9\x7f\x80 tail";
	size_t len = sizeof msg - 1;
	char want[sizeof msg];
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);
	int fd = udp_open("127.0.0.1");
	struct sockaddr_in me = udp_local(fd);

	memcpy(want, msg, len);
	upper(want, len);
	udp_send(fd, msg, len, &srv_addr);
	step("sent %zu bytes (letters, digits, NUL, bytes over 127) from %s",
	     len, sa_text(&me));
	expect_datagram(srv, fd, &srv_addr, want, len, ms(1000),
	                "only a-z change; every other byte, NUL and bytes over "
	                "127 included, goes back as it came");
	expect_logged(srv, "one line per datagram, with its sender",
	              "from %s: %zu bytes", sa_text(&me), len);
}
END_TEST

START_TEST(empty_datagram_is_answered)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);
	int fd = udp_open("127.0.0.1");

	udp_send(fd, "", 0, &srv_addr);
	step("sent an empty datagram (0 bytes)");
	expect_datagram(srv, fd, &srv_addr, "", 0, ms(1000),
	                "a 0-byte datagram is a datagram, not an end of file: "
	                "answer it with 0 bytes");
	if (!running(srv))
		fail(srv, "expected the server to keep running after an empty "
		     "datagram; it %s", describe_status(srv->status));
	expect_echo(srv, fd, &srv_addr, "after", "AFTER",
	            "an empty datagram must not stop the server");
}
END_TEST

START_TEST(largest_datagram_is_answered_whole)
{
	static char msg[MAX_PAYLOAD], want[MAX_PAYLOAD];
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);
	int fd = udp_open("127.0.0.1");

	fill_pattern(msg, sizeof msg, 7);
	memcpy(want, msg, sizeof msg);
	upper(want, sizeof want);
	udp_send(fd, msg, sizeof msg, &srv_addr);
	step("sent one datagram of %d bytes, the UDP/IPv4 maximum", MAX_PAYLOAD);
	expect_datagram(srv, fd, &srv_addr, want, sizeof want, ms(2000),
	                "the receive buffer must hold 65507 bytes: a smaller "
	                "one cuts the datagram, silently");
}
END_TEST

START_TEST(datagram_boundaries_are_kept)
{
	static const size_t sizes[] = { 1, 300, 7 };
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);
	int fd = udp_open("127.0.0.1");
	char msg[3][300];

	for (int i = 0; i < 3; i++) {
		memset(msg[i], 'a' + i, sizes[i]);
		udp_send(fd, msg[i], sizes[i], &srv_addr);
	}
	step("sent 3 datagrams at once: 1 byte 'a', 300 bytes 'b', 7 bytes 'c'");
	for (int i = 0; i < 3; i++) {
		upper(msg[i], sizes[i]);
		expect_datagram(srv, fd, &srv_addr, msg[i], sizes[i], ms(1000),
		                "one datagram in, one reply out, each the size of "
		                "its request");
	}
}
END_TEST

START_TEST(each_reply_goes_to_its_sender)
{
	static const char *const who[] = { "alpha1", "bravo1", "charlie1",
	                                   "alpha2", "bravo2" };
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);
	int fd[3] = { udp_open("127.0.0.1"), udp_open("127.0.0.2"),
	              udp_open("127.0.0.1") };
	const int sender[] = { 0, 1, 2, 0, 1 };
	char want[16];

	for (int i = 0; i < 5; i++)
		udp_send(fd[sender[i]], who[i], strlen(who[i]), &srv_addr);
	step("sent alpha1, bravo1, charlie1, alpha2, bravo2 from three sockets "
	     "(127.0.0.1, 127.0.0.2, 127.0.0.1) before reading any reply");
	for (int i = 0; i < 5; i++) {
		snprintf(want, sizeof want, "%s", who[i]);
		upper(want, strlen(want));
		expect_datagram(srv, fd[sender[i]], &srv_addr, want, strlen(want),
		                ms(1000), "each reply goes to the address recvfrom() "
		                "gave with its request, not a fixed or the first one");
	}
	for (int i = 0; i < 3; i++)
		if (udp_pending(fd[i]))
			fail(srv, "expected each socket to get only its own replies; "
			     "one got an extra datagram (replies sent to the wrong "
			     "sender?)");
}
END_TEST

/* A reply sent with connect() and send() arrives where it should too, but
 * while the socket is connected to one sender the kernel drops every
 * other client's datagrams.  Under the dgram shim the server pauses
 * after each datagram it sends, so its socket, looked at the moment the
 * reply arrives, is as it was when the reply went out: never connected. */
START_TEST(replies_leave_the_socket_unconnected)
{
	static const char *const msg[] = { "one", "two", "three", "four" };
	static const char *const want[] = { "ONE", "TWO", "THREE", "FOUR" };
	static const char hint[] = "reply with sendto() to the address "
		"recvfrom() returned (TODO 5): a socket connect()ed to one sender, "
		"even for a moment, drops every other client's datagrams";
	struct sockaddr_in srv_addr;
	struct proc *srv = start_shimmed_server(NULL, free_port(AF_INET,
	                                        SOCK_DGRAM), &srv_addr);
	int fd[2] = { udp_open("127.0.0.1"), udp_open("127.0.0.2") };
	char when[64];

	for (int i = 0; i < 4; i++) {
		expect_echo(srv, fd[i % 2], &srv_addr, msg[i], want[i], hint);
		snprintf(when, sizeof when, "the moment its reply to \"%s\" "
		         "arrived", msg[i]);
		expect_no_peer(srv, &srv_addr, 0, when, NULL, hint);
	}
}
END_TEST

START_TEST(bad_input_and_vanished_clients_are_survived)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr);
	char junk[2000];
	int fd;

	for (int i = 0; i < 5; i++) {
		int gone = udp_open("127.0.0.1");

		udp_send(gone, "gone", 4, &srv_addr);
		close(gone);
	}
	step("5 clients sent a datagram and closed at once: their replies "
	     "find no socket (ICMP port unreachable)");
	fd = udp_open("127.0.0.2");
	fill_pattern(junk, sizeof junk, 9);
	udp_send(fd, junk, sizeof junk, &srv_addr);
	udp_send(fd, "\0", 1, &srv_addr);
	step("sent 2000 bytes of binary junk and a single NUL byte");
	upper(junk, sizeof junk);
	expect_datagram(srv, fd, &srv_addr, junk, sizeof junk, ms(1000), NULL);
	expect_datagram(srv, fd, &srv_addr, "\0", 1, ms(1000), NULL);
	expect_echo(srv, fd, &srv_addr, "still here", "STILL HERE",
	            "no client's datagram, nor its vanishing, may stop the "
	            "server");
}
END_TEST

START_TEST(port_in_use_exits_1)
{
	expect_port_in_use_refused();
}
END_TEST

START_TEST(bad_arguments_exit_2)
{
	static const char *const cases[] = {
		"server -a 999.1.2.3",
		"server -a localhost",
		"server -p abc",
		"server -p 65536",
		"server -p -1",
		"server -x",
		"server extra",
		"client",
		"client 127.0.0.1",
		"client 127.0.0.1 50002",
		"client 127.0.0.1 0 msg",
		"client 127.0.0.1 5x msg",
		"client -t soon 127.0.0.1 50002 msg",
		"client -r -1 127.0.0.1 50002 msg",
		NULL,
	};

	expect_usage_errors(cases);
	/* An option without its argument, and one that does not exist. */
	expect_usage_error_naming(run("server", NULL, "-p", NULL), "-p");
	expect_usage_error_naming(run("server", NULL, "-x", NULL), "-x");
	expect_usage_error_naming(run("client", NULL, "-t", NULL), "-t");
}
END_TEST

START_TEST(help_prints_usage)
{
	expect_help("server");
	expect_help("client");
}
END_TEST

START_TEST(sigterm_exits_0)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server("0", &srv_addr), *idle;
	int fd = udp_open("127.0.0.1");

	expect_echo(srv, fd, &srv_addr, "last", "LAST", NULL);
	send_signal(srv, SIGTERM, "the server (idle in recvfrom)");
	expect_exit(srv, 0, ms(1000), "SIGTERM: close the socket and exit 0");
	idle = start_server("0", &srv_addr);
	send_signal(idle, SIGINT, "a second server just after its ready line");
	expect_exit(idle, 0, ms(1000), "SIGINT: exit 0 at once, not at the next "
	            "datagram (stop_signals_init() and wait_fd())");
}
END_TEST

/* ---- the client: the test plays the server -------------------------------------- */

START_TEST(client_prints_replies_in_order)
{
	static const char *const msgs[] = { "one", "Two words", "-dash", "" };
	struct fake_server s = fake_server();
	struct proc *cli = run("client", NULL, "127.0.0.1", s.port, msgs[0],
	                       msgs[1], msgs[2], msgs[3], NULL);
	char buf[MAX_PAYLOAD], reply[32];

	for (int i = 0; i < 4; i++) {
		struct sockaddr_in from;
		size_t n = next_request(cli, &s, buf, sizeof buf, &from, ms(2000),
		                        "the next message as one datagram");
		size_t len = strlen(msgs[i]);

		if (n != len || memcmp(buf, msgs[i], len) != 0)
			fail(cli, "expected the datagram %s (MSG %d, its bytes and no "
			     "more: no NUL, no newline); got %s", quote(msgs[i], len, 40),
			     i + 1, quote(buf, n, 60));
		snprintf(reply, sizeof reply, "%s", msgs[i]);
		upper(reply, len);
		answer(&s, &from, reply, len);
	}
	expect_exit(cli, 0, ms(2000), "every message was answered");
	expect_stdout(cli, "ONE\nTWO WORDS\n-DASH\n\n", NULL);
}
END_TEST

START_TEST(client_ignores_stranger)
{
	struct fake_server s = fake_server();
	struct proc *cli = run("client", NULL, "-t", "150", "-r", "5", "127.0.0.1",
	                       s.port, "hello", "world", NULL);
	struct sockaddr_in from;
	char buf[MAX_PAYLOAD], stranger[2][32], *err;
	size_t n;

	n = next_request(cli, &s, buf, sizeof buf, &from, ms(2000), "\"hello\"");
	strangers_send(&s, &from, "HELLO", stranger);
	step("strangers at %s and %s sent the right answer \"HELLO\" to the "
	     "client before the server; the server stays silent", stranger[0],
	     stranger[1]);
	n = next_request(cli, &s, buf, sizeof buf, &from, ms(2000),
	                 "\"hello\" again (the strangers' answers do not count, "
	                 "so after -t 150 ms the client must send it again)");
	if (n == 5 && memcmp(buf, "world", 5) == 0)
		fail(cli, "expected the client to ignore datagrams that do not come "
		     "from the server's address AND port; it took a stranger's "
		     "\"HELLO\" and went on to \"world\"");
	while (n == 5 && memcmp(buf, "hello", 5) == 0) {
		answer(&s, &from, "HELLO", 5);
		n = next_request(cli, &s, buf, sizeof buf, &from, ms(2000),
		                 "\"world\"");
	}
	if (n != 5 || memcmp(buf, "world", 5) != 0)
		fail(cli, "expected \"world\"; got %s", quote(buf, n, 40));
	answer(&s, &from, "WORLD", 5);
	expect_exit(cli, 0, ms(2000), "both messages were answered by the server");
	expect_stdout(cli, "HELLO\nWORLD\n", NULL);
	/* Each stranger's datagram gets a line naming its sender; failing
	 * that, at least one line per stranger saying it was ignored. */
	err = proc_stderr(cli, NULL);
	for (int i = 0; i < 2; i++)
		if (!names_address(err, stranger[i]) && lines_saying_ignored(err) < 2)
			fail(cli, "expected a line on stderr for each datagram the "
			     "client ignored, naming its sender (the lab's contract: a datagram from "
			     "any other address is \"ignored and logged on stderr\"), "
			     "like \"ignored 5 bytes from %s: not the server\"; no "
			     "line names the stranger %s", stranger[i], stranger[i]);
	free(err);
}
END_TEST

START_TEST(client_ignores_late_answer)
{
	struct fake_server s = fake_server();
	struct proc *cli = run("client", NULL, "127.0.0.1", s.port, "one", "two",
	                       NULL);
	struct sockaddr_in from;
	char buf[MAX_PAYLOAD], *err;
	size_t n;

	next_request(cli, &s, buf, sizeof buf, &from, ms(2000), "\"one\"");
	answer(&s, &from, "ONE", 3);
	answer(&s, &from, "ONE", 3);
	step("(the second \"ONE\" is a late duplicate, as when a retransmitted "
	     "request gets answered twice)");
	do
		n = next_request(cli, &s, buf, sizeof buf, &from, ms(2000),
		                 "\"two\"");
	while (n == 3 && memcmp(buf, "one", 3) == 0);
	answer(&s, &from, "TWO", 3);
	expect_exit(cli, 0, ms(2000), "both messages were answered");
	expect_stdout(cli, "ONE\nTWO\n", NULL);
	err = proc_stderr(cli, NULL);
	if (lines_saying_ignored(err) == 0)
		fail(cli, "expected a line on stderr about the late \"ONE\" the "
		     "client passed over while waiting for \"TWO\" (the lab's contract: a late "
		     "answer is \"ignored and logged too\"), like \"ignored 3 "
		     "bytes from %s: not the answer to this request\"; no line "
		     "says a datagram was ignored", sa_text(&s.addr));
	free(err);
}
END_TEST

START_TEST(client_retransmits_lost_request)
{
	struct fake_server s = fake_server();
	struct proc *cli = run("client", NULL, "-t", "200", "-r", "2", "127.0.0.1",
	                       s.port, "again", NULL);
	struct sockaddr_in from;
	char buf[MAX_PAYLOAD];
	size_t n;

	n = next_request(cli, &s, buf, sizeof buf, &from, ms(2000), "\"again\"");
	step("the test's server drops that request, as the network may");
	n = next_request(cli, &s, buf, sizeof buf, &from, ms(2000),
	                 "\"again\" a second time, after -t 200 ms without a "
	                 "reply");
	if (n != 5 || memcmp(buf, "again", 5) != 0)
		fail(cli, "expected the same request again; got %s", quote(buf, n, 40));
	answer(&s, &from, "AGAIN", 5);
	expect_exit(cli, 0, ms(2000), "the retransmitted request was answered");
	expect_stdout(cli, "AGAIN\n", NULL);
}
END_TEST

/* Run the client with -t 100 -r RETRIES against a server that never
 * answers: it must send 1 + RETRIES tries, exit 1, and its last line on
 * stderr must say that no reply came. */
static void expect_give_up(int retries, const char *msg)
{
	struct fake_server s = fake_server();
	char buf[MAX_PAYLOAD], line[256], *err;
	struct proc *cli;
	int tries = 0;

	cli = run("client", NULL, "-t", "100", "-r", num_text(retries),
	          "127.0.0.1", s.port, msg, NULL);
	while (wait_io_or_exit(cli, s.fd, false, ms(3000)) > 0) {
		udp_recv(s.fd, buf, sizeof buf, NULL, 0);
		tries++;
	}
	while (udp_pending(s.fd)) {
		udp_recv(s.fd, buf, sizeof buf, NULL, 0);
		tries++;
	}
	step("the test's server received %d tries and answered none", tries);
	expect_exit(cli, 1, ms(1000), "no reply after the last try");
	if (tries != retries + 1)
		fail(cli, "expected %d tries (the first and -r %d retries); the "
		     "client sent %d", retries + 1, retries, tries);
	err = proc_stderr(cli, NULL);
	last_line(err, line, sizeof line);
	if (!says_no_reply(line))
		fail(cli, "expected the client's last line on stderr to say that no "
		     "reply came (the lab's contract: \"exit 1, saying so\"), like \"no reply "
		     "from %s to '%s' after %d tries of 100 ms\"; %s%s%s",
		     sa_text(&s.addr), msg, retries + 1,
		     *line ? "its last line is \"" : "its stderr is empty",
		     *line ? line : "", *line ? "\"" : "");
	free(err);
	close(s.fd);
}

START_TEST(client_gives_up_after_retries)
{
	expect_give_up(2, "anyone?");
	/* Without retries there is no retransmission to log: only the
	 * message that the client gives up can say so. */
	expect_give_up(0, "hello?");
}
END_TEST

/* Until CLI exits or LIMIT ms after FIRST have passed, take each try it
 * sends to S, noting its time since FIRST in TRIES (CAP bytes); with
 * STRANGER >= 0, send the client at TO a datagram from that socket every
 * 20 ms meanwhile.  Returns how many were sent so. */
static int watch_tries(struct proc *cli, struct fake_server *s, int stranger,
                       const struct sockaddr_in *to, long long first,
                       int limit, char *tries, size_t cap)
{
	static char buf[MAX_PAYLOAD];
	long long deadline = first + limit, next_stray = first;
	size_t at = (size_t)snprintf(tries, cap, "0");
	int strays = 0;

	for (;;) {
		long long now = now_ms(), until = deadline;
		int ready;

		if (now >= deadline)
			break;
		if (stranger >= 0 && now >= next_stray) {
			udp_send(stranger, "noise", 5, to);
			strays++;
			next_stray = now + 20;
		}
		if (stranger >= 0 && next_stray < until)
			until = next_stray;
		ready = wait_io_or_exit(cli, s->fd, false, (int)(until - now));
		if (ready < 0)
			break;
		if (ready > 0) {
			udp_recv(s->fd, buf, sizeof buf, NULL, 0);
			if (at < cap)
				at += (size_t)snprintf(tries + at, cap - at, ", %lld",
				                       now_ms() - first);
		}
	}
	return strays;
}

/* Run the client with -t 100 -r RETRIES against a server that never
 * answers and time it: it must exit 1 about (1 + RETRIES) * 100 ms after
 * its first try.  With NOISE, a stranger on 127.0.0.2 sends the client a
 * datagram every 20 ms meanwhile, which must not make it wait longer. */
static void expect_give_up_in_time(int retries, bool noise)
{
	struct fake_server s = fake_server();
	const char *msg = noise ? "busy" : "slow";
	int stranger = udp_open("127.0.0.2"), strays;
	int want = (retries + 1) * 100;
	/* Not scaled but for a little: only waits are measured, and a
	 * client that ignores -t (default 1000 ms) or waits longer on each
	 * try shows before the limit. */
	int limit = want + 1000 + ms(300);
	char buf[MAX_PAYLOAD], tries[128];
	struct sockaddr_in from;
	long long first, took;
	struct proc *cli;

	cli = run("client", NULL, "-t", "100", "-r", num_text(retries),
	          "127.0.0.1", s.port, msg, NULL);
	next_request(cli, &s, buf, sizeof buf, &from, ms(2000),
	             noise ? "\"busy\"" : "\"slow\"");
	first = now_ms();
	if (noise)
		step("the test's server answers nothing, but a stranger at 127.0.0.2 "
		     "sends the client a datagram every 20 ms; -t 100 -r %d should "
		     "still give up about %d ms after the first try", retries, want);
	else
		step("the test's server answers nothing; -t 100 -r %d should give "
		     "up about %d ms after the first try", retries, want);
	strays = watch_tries(cli, &s, noise ? stranger : -1, &from, first, limit,
	                     tries, sizeof tries);
	took = now_ms() - first;
	if (!cli->reaped) {
		kill_proc(cli);
		if (noise)
			fail(cli, "expected the client to give up about %d ms after its "
			     "first try (-t 100 -r %d), strangers or not; while a "
			     "stranger sent it a datagram every 20 ms (%d in all), it "
			     "was still waiting %d ms later (tries at %s ms) - is "
			     "poll()'s timeout what is left until the try's deadline? "
			     "Waiting -t again after each ignored datagram lets a "
			     "stream of strangers keep the client waiting for ever",
			     want, retries, strays, limit, tries);
		fail(cli, "expected the client to give up about %d ms after its "
		     "first try (-t 100 -r %d: %d tries, each waiting 100 ms, no "
		     "more); it was still waiting %d ms later (tries at %s ms) - "
		     "a timeout that grows from try to try, a recvfrom() with no "
		     "timeout, or an alarm() that glibc's restarted recvfrom() "
		     "never notices?", want, retries, retries + 1, limit, tries);
	}
	if (!WIFEXITED(cli->status) || WEXITSTATUS(cli->status) != 1)
		fail(cli, "expected exit status 1 after the last try; it %s",
		     describe_status(cli->status));
	if (took < want * 3 / 4)
		fail(cli, "expected the client to wait -t 100 ms per try (%d tries); "
		     "it gave up after %lld ms (tries at %s ms)", retries + 1, took,
		     tries);
	close(stranger);
	close(s.fd);
}

START_TEST(client_timeout_is_honoured)
{
	expect_give_up_in_time(4, false);
	expect_give_up_in_time(1, true);
}
END_TEST

/* The name that does not resolve: the grader's getaddrinfo shim
 * (tests/preload-gai.c) answers it with no address, EAI_NONAME, so the
 * test does not depend on DNS. */
#define UNKNOWN_HOST "no-such-host.socklab.invalid"

START_TEST(client_resolves_localhost)
{
	static const char *const env[] = { "SOCKLAB_GAI_HOST=" UNKNOWN_HOST,
	                                   "SOCKLAB_GAI_ADDRS=", NULL };
	struct run_opts o = { .preload = grade_preload("gai"), .env = env };
	const char *words = gai_strerror(EAI_NONAME);
	struct fake_server s = fake_server();
	struct proc *cli = run("client", NULL, "localhost", s.port, "by name",
	                       NULL);
	struct sockaddr_in from;
	char buf[MAX_PAYLOAD];

	next_request(cli, &s, buf, sizeof buf, &from, ms(2000),
	             "\"by name\" (HOST localhost is 127.0.0.1: resolve_ipv4())");
	answer(&s, &from, "BY NAME", 7);
	expect_exit(cli, 0, ms(2000), "the answer came");
	expect_stdout(cli, "BY NAME\n", NULL);

	step("the grader's getaddrinfo shim answers " UNKNOWN_HOST " with no "
	     "address (EAI_NONAME: \"%s\")", words);
	cli = run("client", &o, "-t", "100", "-r", "0", UNKNOWN_HOST, s.port,
	          "lost", NULL);
	expect_exit(cli, 1, ms(2000), "a HOST that does not resolve is a runtime "
	            "failure, not a usage error: exit 1 with the resolver's "
	            "message");
	if (!stderr_has(cli, words))
		fail(cli, "expected the resolver's own message \"%s\" on stderr "
		     "(gai_strerror() of getaddrinfo's return value, as "
		     "resolve_error() gives it; getaddrinfo does not set errno)",
		     words);
}
END_TEST

START_TEST(two_clients_at_once_do_not_clash)
{
	struct fake_server s = fake_server();
	struct proc *a = run("client", NULL, "127.0.0.1", s.port, "first", NULL);
	struct proc *b = run("client", NULL, "127.0.0.1", s.port, "second", NULL);
	struct sockaddr_in from[2];
	char buf[2][MAX_PAYLOAD];
	size_t n[2];

	n[0] = next_request(a, &s, buf[0], sizeof buf[0], &from[0], ms(2000),
	                    "a request from one of two clients run at once");
	n[1] = next_request(b, &s, buf[1], sizeof buf[1], &from[1], ms(2000),
	                    "a request from the other client (a client that binds "
	                    "a fixed port fails when another has it)");
	if (sa_same(&from[0], &from[1]))
		fail(NULL, "expected two clients to send from two ports; both used "
		     "%s", sa_text(&from[0]));
	for (int i = 0; i < 2; i++) {
		upper(buf[i], n[i]);
		answer(&s, &from[i], buf[i], n[i]);
	}
	expect_exit(a, 0, ms(2000), "its answer came");
	expect_exit(b, 0, ms(2000), "its answer came");
	expect_stdout(a, "FIRST\n", NULL);
	expect_stdout(b, "SECOND\n", NULL);
}
END_TEST

/* The test plays a plain echo server, one that does not uppercase (as
 * the classic UDP echo servers do): every request comes back as it
 * was.  Nothing the client gets is the answer, and its message must say
 * what came, not "no reply": the server is there, and answering. */
START_TEST(client_reports_reply_that_is_not_uppercase)
{
	struct fake_server s = fake_server();
	struct proc *cli = run("client", NULL, "-t", "100", "-r", "1",
	                       "127.0.0.1", s.port, "hello", NULL);
	char buf[MAX_PAYLOAD], line[512], want[128], *err;
	struct sockaddr_in from;
	int tries = 0;

	step("the test's server echoes every request as it is, not "
	     "uppercased");
	while (wait_io_or_exit(cli, s.fd, false, ms(3000)) > 0
	       || udp_pending(s.fd)) {
		ssize_t n = udp_recv(s.fd, buf, sizeof buf, &from, 0);

		if (n >= 0 && tries++ < 10)
			answer(&s, &from, buf, (size_t)n);
	}
	expect_exit(cli, 1, ms(1000), "no answer came, only wrong replies");
	err = proc_stderr(cli, NULL);
	last_line(err, line, sizeof line);
	snprintf(want, sizeof want, "reply from %s was not the uppercase of the "
	         "request: got 'hello'", sa_text(&s.addr));
	if (strstr(line, want) == NULL)
		fail(cli, "expected the client's last line on stderr to say what "
		     "came back instead of the answer, like \"client: %s for "
		     "'hello' (2 tries of 100 ms)\": a server that answers wrong is "
		     "not a server that does not answer; %s%s%s - await_reply() "
		     "keeps the server's wrong datagram (keep_wrong(), TODO 8), "
		     "request_reply() gives up with EBADMSG when one came (TODO 9)",
		     want, *line ? "its last line is \"" : "its stderr is empty",
		     *line ? line : "", *line ? "\"" : "");
	free(err);
}
END_TEST

/* stdout is a pipe whose reader has gone ("client ... | head -c 1"): the
 * write of the reply fails, and the client must say so and exit 1, not
 * die of SIGPIPE with nothing said. */
START_TEST(client_survives_closed_stdout)
{
	struct fake_server s = fake_server();
	struct run_opts o = { .stdout_pipe = true };
	struct proc *cli = run("client", &o, "127.0.0.1", s.port, "one", NULL);
	struct sockaddr_in from;
	char buf[MAX_PAYLOAD];

	close_stdout(cli);
	next_request(cli, &s, buf, sizeof buf, &from, ms(2000), "\"one\"");
	answer(&s, &from, "ONE", 3);
	expect_exit(cli, 1, ms(2000), "printing the reply failed (EPIPE): a "
	            "runtime failure, said on stderr - ignore SIGPIPE "
	            "(signal(SIGPIPE, SIG_IGN)) so that the write returns EPIPE "
	            "instead of killing the client");
	expect_epipe_reported(cli);
}
END_TEST

/* ---- the table --------------------------------------------------------------- */

const struct graded_test lab_tests[] = {
	{ &a_and_p_are_bound_as_given, 4, 3, "TODO 1 in bind.c (server_address)",
	  "-a 127.0.0.2 -p PORT: bound and answering there (sin_zero zeroed); bad -a text: exit 2", "1-5" },
	{ &server_socket_is_udp_on_loopback, 4, 3, "TODO 2 in bind.c (socket, bind)",
	  "the server holds an AF_INET SOCK_DGRAM socket bound to 127.0.0.1:PORT", "1-3" },
	{ &sender_address_comes_from_recvfrom, 4, 3, "TODO 4 in echo.c (recvfrom's address length)",
	  "senders on two hosts in turn: each answered and logged with its own address", "1-5" },
	{ &ready_line_has_real_port, 4, 3, "TODO 3 in bind.c (getsockname)",
	  "-p 0: the ready line gives 127.0.0.1 and the real port, which answers", "1-5" },
	{ &port_is_in_network_order, 4, 3, "TODO 1 in bind.c (htons), server.c (default port)",
	  "-p PORT, or no -p (127.0.0.1:50002): the server listens on that port", "1-5" },
	{ &echo_is_exact_uppercase, 5, 3, "TODO 4-5 in echo.c (recvfrom, sendto)",
	  "the reply is the request with a-z uppercased, NUL and 0xff unchanged; logged", "1-5" },
	{ &empty_datagram_is_answered, 4, 3, "TODO 4 in echo.c (0 is a datagram)",
	  "a zero-length datagram gets a zero-length reply; the server carries on", "1-5" },
	{ &largest_datagram_is_answered_whole, 4, 3, "TODO 4 in echo.c (buffer size)",
	  "a 65507-byte datagram is answered whole", "1-5" },
	{ &datagram_boundaries_are_kept, 4, 3, "TODO 4-5 in echo.c",
	  "three datagrams sent at once get three replies of their sizes", "1-5" },
	{ &each_reply_goes_to_its_sender, 4, 3, "TODO 5 in echo.c (sendto the sender)",
	  "interleaved clients on two hosts each get their own replies", "1-5" },
	{ &replies_leave_the_socket_unconnected, 4, 3, "TODO 5 in echo.c (sendto, no connect)",
	  "the socket has no peer the moment each reply arrives (the server paused after sending)", "1-5" },
	{ &bad_input_and_vanished_clients_are_survived, 4, 3, "server.c (echo_one)",
	  "binary junk and clients that vanish never stop the server", "1-5" },
	{ &port_in_use_exits_1, 3, 3, "TODO 2 in bind.c (bind's error)",
	  "a port in use: exit 1 with the bind error", "1-2" },
	{ &bad_arguments_exit_2, 4, 5, "server.c / client.c (argument checks); -a: TODO 1 in bind.c (inet_pton's 0)",
	  "bad address, port, option or missing operand: usage, exit 2", "1" },
	{ &help_prints_usage, 2, 3, "server.c / client.c (--help)",
	  "--help: the usage on stdout, exit 0, for the server and the client", NULL },
	{ &sigterm_exits_0, 4, 3, "server.c (stop_signals_init, wait_fd)",
	  "SIGTERM and SIGINT: exit 0 at once", "1-5" },
	{ &client_prints_replies_in_order, 5, 4, "TODO 6-8 in request.c",
	  "each MSG is one datagram; each reply printed on its own line, in order", "6-9" },
	{ &client_ignores_stranger, 5, 4, "TODO 8 in request.c (check the sender)",
	  "answers from another port or another host are ignored", "6-9" },
	{ &client_ignores_late_answer, 5, 4, "TODO 8 in request.c (answers())",
	  "a duplicate answer to an earlier message is not taken for the next", "6-9" },
	{ &client_retransmits_lost_request, 5, 4, "TODO 9 in request.c (retransmit)",
	  "a dropped request is sent again after -t ms", "6-9" },
	{ &client_gives_up_after_retries, 4, 4, "TODO 9 in request.c (retries), client.c (giving up)",
	  "no answer: 1 + RETRIES tries, then exit 1, the last line saying no reply came", "6-9" },
	{ &client_timeout_is_honoured, 3, 4, "TODO 8 in request.c (poll with a deadline)",
	  "-t 100 -r 4 gives up after about 500 ms; -t 100 -r 1 after 200, strangers or not", "6-9" },
	{ &client_resolves_localhost, 2, 4, "client.c (resolve_ipv4)",
	  "HOST localhost works; a HOST that does not resolve: exit 1, gai_strerror's message", "6-9" },
	{ &two_clients_at_once_do_not_clash, 2, 4, "TODO 6 in request.c (no bind)",
	  "two clients run at once, each on its own port", "6-9" },
	{ &client_reports_reply_that_is_not_uppercase, 4, 4, "TODO 8-9 in request.c (keep_wrong, EBADMSG)",
	  "a plain echo server (no uppercase): exit 1, saying what came back, not \"no reply\"", "6-9" },
	{ &client_survives_closed_stdout, 3, 4, "client.c (SIGPIPE)",
	  "stdout a pipe nobody reads: exit 1 naming EPIPE, never killed by SIGPIPE", "6-9" },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "inet-datagram";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	*len = sizeof(struct sockaddr_in);
	return start_server("0", (struct sockaddr_in *)addr);
}

static void robust_good(struct proc *srv, const struct sockaddr *addr,
                        socklen_t len)
{
	(void)len;
	close(udp_echo_patiently(srv, (const struct sockaddr_in *)addr,
	                         "well-formed", "WELL-FORMED", ms(250), ms(8000)));
}

const struct robust_target lab_robust = {
	.kind = ROBUST_DATAGRAM, .start = robust_start, .good = robust_good,
	.max_datagram = MAX_PAYLOAD,
	.needs = "1-5",
};
