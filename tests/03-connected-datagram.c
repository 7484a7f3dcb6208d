/*
 * 03-connected-datagram.c - the grader of lab 03, the UDP session server
 * on a connected datagram socket and its connected client (SPEC §4).
 *
 * Black-box tests play peers, strangers (a second host: 127.0.0.2) and
 * the server with the test's own UDP sockets (udp.h).  Some mistakes do
 * not show on the wire on Linux - a reply sent with sendto() and an
 * address on a connected socket, BYE answered before the association is
 * dissolved - so three tests run the programs with the socket recorder
 * and read their calls (trace.h): "as the recorder saw them" below.
 */
#define _DEFAULT_SOURCE /* SO_DOMAIN */
#include "harness.h"
#include "robust.h"
#include "trace.h"
#include "udp.h"
#include "connected_dgram.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PAYLOAD 65507

/* ---- the test's side ------------------------------------------------------ */

/* Start the server on a free port given by number (-p 0 has tests of
 * its own: ready_line_has_real_port, announced_port_survives_sessions),
 * with idle time IDLE (NULL: the default). */
static struct proc *start_server(struct sockaddr_in *addr, const char *idle)
{
	char port[8];
	struct proc *srv;

	snprintf(port, sizeof port, "%u", free_port(AF_INET, SOCK_DGRAM));
	srv = idle ? run("server", NULL, "-p", port, "-i", idle, NULL)
	           : run("server", NULL, "-p", port, NULL);
	wait_ready(srv);
	*addr = ready_address(srv);
	return srv;
}

/* Start the server with -p 0. */
static struct proc *start_server_any_port(struct sockaddr_in *addr)
{
	struct proc *srv = run("server", NULL, "-p", "0", NULL);

	wait_ready(srv);
	*addr = ready_address(srv);
	return srv;
}

/* The log line "session with PEER TEXT", e.g. "started". */
static void expect_session_log(struct proc *srv, int peer_fd, const char *text,
                               const char *why)
{
	struct sockaddr_in peer = udp_local(peer_fd);
	char line[96];

	snprintf(line, sizeof line, "session with %s %s", udp_name(&peer), text);
	expect_log(srv, line, ms(1000), why);
}

/* The line of TEXT (a program's stderr) that contains WHAT, allocated;
 * NULL if none. */
static char *line_with(const char *text, const char *what)
{
	const char *at = strstr(text, what), *start, *end;

	if (at == NULL)
		return NULL;
	for (start = at; start > text && start[-1] != '\n'; start--)
		;
	end = strchr(at, '\n');
	return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

/* PEER's session must still be open after AFTER (what it just sent and
 * got answered): SRV has logged no end for it. */
static void session_goes_on(struct proc *srv, int peer_fd, const char *after,
                            const char *hint)
{
	struct sockaddr_in peer = udp_local(peer_fd);
	char what[96], *err = proc_stderr(srv, NULL), *line;

	snprintf(what, sizeof what, "session with %s ended", udp_name(&peer));
	line = line_with(err, what);
	if (line != NULL)
		fail(srv, "expected the session with %s to go on after %s; the "
		     "server ended it, logging \"%s\" - %s", udp_name(&peer),
		     after, line, hint);
	free(err);
}

/* End PEER's session with BYE and expect "BYE" back. */
static void bye(struct proc *srv, int peer, const struct sockaddr_in *srv_addr)
{
	expect_echo(srv, peer, srv_addr, "BYE", "BYE",
	            "BYE is answered with BYE, sent to the peer with sendto() "
	            "once the association is dissolved");
}

/* ---- white-box: the server's socket and its association ------------------------- */

START_TEST(server_socket_is_udp_on_loopback)
{
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);
	struct sockaddr_in a = udp_addr("127.0.0.1", port), got;
	socklen_t len = sizeof got;
	int fd, domain = -1, type = -1;
	socklen_t olen = sizeof domain;

	step("called session_bind() with 127.0.0.1:%u", port);
	fd = session_bind(&a);
	if (fd < 0)
		fail(NULL, "expected session_bind() to return a bound socket; it "
		     "returned -1 (%s)", strerror(errno));
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &olen);
	olen = sizeof type;
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &olen);
	if (domain != AF_INET || type != SOCK_DGRAM)
		fail(NULL, "expected an AF_INET (%d) SOCK_DGRAM (%d) socket; got "
		     "domain %d, type %d", AF_INET, SOCK_DGRAM, domain, type);
	memset(&got, 0, sizeof got);
	getsockname(fd, (struct sockaddr *)&got, &len);
	if (!udp_same(&got, &(struct sockaddr_in){ .sin_family = AF_INET,
	               .sin_port = htons(port),
	               .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }))
		fail(NULL, "expected the socket bound to 127.0.0.1:%u; getsockname() "
		     "says %s", port, udp_name(&got));
	close(fd);
}
END_TEST

START_TEST(connect_and_dissolve_set_the_peer)
{
	struct sockaddr_in a = udp_addr("127.0.0.1", 0), bound, peer_addr, got;
	socklen_t len = sizeof got;
	int fd, peer = udp_open("127.0.0.2");

	step("called session_bind() with 127.0.0.1:0 (any free port)");
	fd = session_bind(&a);
	if (fd < 0)
		fail(NULL, "expected session_bind() to return a bound socket; it "
		     "returned -1 (%s)", strerror(errno));
	bound = udp_local(fd);
	peer_addr = udp_local(peer);
	step("called connect_peer() with %s", udp_name(&peer_addr));
	if (connect_peer(fd, &peer_addr) < 0)
		fail(NULL, "expected connect_peer() to succeed; -1 (%s)",
		     strerror(errno));
	memset(&got, 0, sizeof got);
	if (getpeername(fd, (struct sockaddr *)&got, &len) < 0
	    || !udp_same(&got, &peer_addr))
		fail(NULL, "expected the socket connected to %s (getpeername()); "
		     "%s", udp_name(&peer_addr), errno == ENOTCONN ? "it has no "
		     "peer: was connect(2) called?" : "it has another");
	step("called dissolve()");
	if (dissolve(fd) < 0)
		fail(NULL, "expected dissolve() to succeed; -1 (%s)",
		     strerror(errno));
	len = sizeof got;
	if (getpeername(fd, (struct sockaddr *)&got, &len) == 0)
		fail(NULL, "expected the association gone after dissolve() "
		     "(connect(2) to an AF_UNSPEC address); the socket is still "
		     "connected to %s", udp_name(&got));
	got = udp_local(fd);
	if (got.sin_port != bound.sin_port)
		fail(NULL, "expected the socket to keep its port %u after "
		     "dissolve(); it now has %u: Linux gives back a port that "
		     "bind() chose by itself (port 0) - find a free port and bind "
		     "it by number", ntohs(bound.sin_port), ntohs(got.sin_port));
	close(fd);
	close(peer);
}
END_TEST

/* ---- the server, black-box ------------------------------------------------------ */

START_TEST(ready_line_has_real_port)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server_any_port(&srv_addr);
	int peer = udp_open("127.0.0.1");

	if (srv_addr.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
		fail(srv, "expected the server on 127.0.0.1 by default; it says "
		     "\"listening on %s\"", srv->ready_addr);
	if (srv_addr.sin_port == 0)
		fail(srv, "expected the ready line to give the real port for -p 0; "
		     "it says port 0");
	expect_echo(srv, peer, &srv_addr, "ping", "PING",
	            "the announced port must answer");
}
END_TEST

START_TEST(first_datagram_is_answered)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, NULL);
	int peer = udp_open("127.0.0.1");

	expect_echo(srv, peer, &srv_addr, "hello", "HELLO",
	            "the datagram that opens a session is answered too, after "
	            "connect()");
	expect_session_log(srv, peer, "started", "a session starts with its "
	                   "first datagram");
}
END_TEST

START_TEST(session_serves_only_its_peer)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, NULL);
	int peer = udp_open("127.0.0.1"), stranger = udp_open("127.0.0.2");
	struct sockaddr_in them = udp_local(stranger);

	expect_echo(srv, peer, &srv_addr, "open", "OPEN", NULL);
	udp_send(stranger, "intruder", 8, &srv_addr);
	udp_send(stranger, "BYE", 3, &srv_addr);
	step("a stranger at %s sent \"intruder\" and \"BYE\" mid-session",
	     udp_name(&them));
	expect_echo(srv, peer, &srv_addr, "more", "MORE",
	            "the session goes on: a stranger's BYE is not the peer's");
	bye(srv, peer, &srv_addr);
	expect_session_log(srv, peer, "ended: 3 datagrams", "open, more and "
	                   "BYE: the stranger's datagrams are not the session's");
	if (udp_pending(stranger))
		fail(srv, "expected no reply to a stranger during a session (the "
		     "connected socket never even receives its datagrams); the "
		     "stranger got one");
}
END_TEST

START_TEST(bye_is_answered_and_ends_session)
{
	static const char hint[] = "BYE is exactly the 3 bytes \"BYE\": any "
		"other datagram, \"bye\" or \"BYEE\" too, is echoed uppercased and "
		"the session goes on (test for BYE before uppercasing, and compare "
		"the length too)";
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, NULL);
	int peer = udp_open("127.0.0.1"), stranger = udp_open("127.0.0.2");
	struct sockaddr_in them = udp_local(stranger);

	expect_echo(srv, peer, &srv_addr, "a", "A", NULL);
	expect_echo(srv, peer, &srv_addr, "bye", "BYE", hint);
	session_goes_on(srv, peer, "\"bye\"", hint);
	udp_send(stranger, "intruder", 8, &srv_addr);
	step("a stranger at %s sent \"intruder\"", udp_name(&them));
	expect_echo(srv, peer, &srv_addr, "BYEE", "BYEE", hint);
	session_goes_on(srv, peer, "\"BYEE\"", hint);
	expect_echo(srv, peer, &srv_addr, "b", "B", NULL);
	bye(srv, peer, &srv_addr);
	expect_session_log(srv, peer, "ended: 5 datagrams",
	                   "N counts every datagram from the peer: a, bye, BYEE, "
	                   "b and the BYE");
	if (udp_pending(stranger))
		fail(srv, "expected no reply to the stranger's \"intruder\", sent "
		     "after the peer's \"bye\" while the session was still open; "
		     "the stranger got one: did \"bye\" end the session? %s", hint);
}
END_TEST

START_TEST(first_datagram_bye_opens_and_closes)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, NULL);
	int peer = udp_open("127.0.0.1"), next = udp_open("127.0.0.2");

	bye(srv, peer, &srv_addr);
	expect_session_log(srv, peer, "ended: 1 datagrams",
	                   "a first datagram BYE opens and closes a session");
	expect_echo(srv, next, &srv_addr, "next", "NEXT", "the server is free "
	            "again");
}
END_TEST

START_TEST(next_peer_is_served_after_bye)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, NULL);
	int first = udp_open("127.0.0.1"), second = udp_open("127.0.0.2");

	expect_echo(srv, first, &srv_addr, "one", "ONE", NULL);
	bye(srv, first, &srv_addr);
	expect_echo(srv, second, &srv_addr, "two", "TWO",
	            "after a session the association must be dissolved "
	            "(connect(2) to AF_UNSPEC), or only the old peer gets through");
	expect_session_log(srv, second, "started", "a second session");
	bye(srv, second, &srv_addr);
}
END_TEST

START_TEST(next_peer_sending_at_once_is_served)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, NULL);
	int s[2] = { udp_open("127.0.0.1"), udp_open("127.0.0.2") };
	char buf[16];

	expect_echo(srv, s[0], &srv_addr, "start", "START", NULL);
	step("20 rounds: the peer sends BYE and, the moment its BYE comes back, "
	     "the other socket sends \"go\"");
	for (int i = 0; i < 20; i++) {
		int peer = s[i % 2], next = s[(i + 1) % 2];

		udp_send(peer, "BYE", 3, &srv_addr);
		if (udp_recv(peer, buf, sizeof buf, NULL, ms(1000)) != 3
		    || memcmp(buf, "BYE", 3) != 0)
			fail(srv, "round %d: expected \"BYE\" back for BYE", i + 1);
		udp_send(next, "go", 2, &srv_addr);
		expect_datagram(srv, next, &srv_addr, "GO", 2, ms(1000),
		                "answer BYE only after dissolving, with sendto(): "
		                "still connected, the server's kernel drops a next "
		                "peer that is quick");
	}
}
END_TEST

START_TEST(announced_port_survives_sessions)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server_any_port(&srv_addr);

	for (int i = 1; i <= 3; i++) {
		int peer = udp_open(i == 2 ? "127.0.0.2" : "127.0.0.1");
		char msg[16], want[16];

		snprintf(msg, sizeof msg, "session %d", i);
		snprintf(want, sizeof want, "SESSION %d", i);
		static const char hint[] = "-p 0: the announced port must outlive "
			"each session, but Linux gives back a port that bind() chose "
			"by itself at connect(AF_UNSPEC): find a free port and bind "
			"it by number (TODO 8)";

		expect_echo(srv, peer, &srv_addr, msg, want, hint);
		expect_echo(srv, peer, &srv_addr, "BYE", "BYE", hint);
		close(peer);
	}
}
END_TEST

/* The session of PATIENT with DFLT, a server started without -i, opened
 * at PAUSED (ms): its peer has been silent for a second or more, far
 * below the default idle limit of 5000 ms.  Its next datagram must be
 * answered in the same session, which its BYE then ends. */
static void default_idle_holds(struct proc *dflt, int patient,
                               const struct sockaddr_in *dflt_addr,
                               long long paused)
{
	struct sockaddr_in me = udp_local(patient);
	long long waited = now_ms() - paused;
	char line[96], *err, *ended;

	expect_echo(dflt, patient, dflt_addr, "still here", "STILL HERE", NULL);
	snprintf(line, sizeof line, "session with %s ended", udp_name(&me));
	err = proc_stderr(dflt, NULL);
	ended = line_with(err, line);
	if (ended != NULL)
		fail(dflt, "expected the session to survive a pause of %lld ms, the "
		     "server running without -i (the default idle limit is 5000 "
		     "ms); it ended it, logging \"%s\": is the default 5000 ms?",
		     waited, ended);
	free(err);
	bye(dflt, patient, dflt_addr);
	expect_session_log(dflt, patient, "ended: 3 datagrams", "wait, still here "
	                   "and BYE: one session");
}

START_TEST(idle_peer_is_dropped)
{
	/* The pause is not scaled: a slower machine makes it no easier. */
	int idle_ms = ms(300), every = ms(60), pause = 1000, count = 0;
	struct sockaddr_in srv_addr, dflt_addr;
	struct proc *dflt = start_server(&dflt_addr, NULL), *srv;
	int peer = udp_open("127.0.0.1"), next = udp_open("127.0.0.2");
	int patient = udp_open("127.0.0.1");
	struct sockaddr_in me = udp_local(peer);
	char idle[16], line[96], *err, *ended;
	long long start, paused;
	bool held = false;

	/* A server without -i (5000 ms by default) holds a session whose peer
	 * pauses while the other server is tested. */
	expect_echo(dflt, patient, &dflt_addr, "wait", "WAIT", NULL);
	paused = now_ms();
	step("the peer of the server started without -i pauses for %d ms (the "
	     "default idle limit is 5000 ms)", pause);

	snprintf(idle, sizeof idle, "%d", idle_ms);
	srv = start_server(&srv_addr, idle);
	step("a second server runs with -i %s; its peer %s sends \"tick\" "
	     "every %d ms for %d ms, each once the last is answered", idle,
	     udp_name(&me), every, idle_ms * 5 / 2);
	start = now_ms();
	do {
		long long left = start + (long long)count * every - now_ms();

		if (left > 0)   /* pacing the peer, not waiting for the server */
			wait_io(peer, false, (int)left);
		udp_send(peer, "tick", 4, &srv_addr);
		count++;
		expect_datagram(srv, peer, &srv_addr, "TICK", 4, ms(1000),
		                "a peer that keeps sending is answered");
		if (!held && now_ms() - paused >= pause) {
			default_idle_holds(dflt, patient, &dflt_addr, paused);
			held = true;
		}
	} while (now_ms() - start < idle_ms * 5 / 2);
	step("%d datagrams sent and answered in %lld ms", count,
	     now_ms() - start);
	snprintf(line, sizeof line, "session with %s ended", udp_name(&me));
	err = proc_stderr(srv, NULL);
	ended = line_with(err, line);
	if (ended != NULL)
		fail(srv, "expected the session to last while its peer sends every "
		     "%d ms (-i %s); the server ended it, logging \"%s\": the idle "
		     "limit starts again with each datagram from the peer (a new "
		     "deadline before each receive, not one per session)", every,
		     idle, ended);
	free(err);

	step("the peer says nothing more");
	snprintf(line, sizeof line, "ended: %d datagrams", count);
	expect_session_log(srv, peer, line,
	                   "a peer silent for IDLE_MS ends its session");
	if (!running(srv))
		fail(srv, "expected the server to keep running after an idle "
		     "session; it %s (alarm() without a handler?)",
		     describe_status(srv->status));
	expect_echo(srv, next, &srv_addr, "next", "NEXT", "after an idle session "
	            "the next peer is served");

	if (!held) {
		if (now_ms() - paused < pause)
			wait_io(patient, false, (int)(pause - (now_ms() - paused)));
		default_idle_holds(dflt, patient, &dflt_addr, paused);
	}
}
END_TEST

START_TEST(queued_stranger_is_discarded)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, NULL);
	int peer = udp_open("127.0.0.1"), stranger = udp_open("127.0.0.2");
	struct sockaddr_in them = udp_local(stranger);
	char *err;

	freeze(srv);
	udp_send(peer, "peer", 4, &srv_addr);
	udp_send(stranger, "stranger", 8, &srv_addr);
	step("while the server was stopped, the peer sent \"peer\", then a "
	     "stranger at %s sent \"stranger\": both wait in the socket's queue",
	     udp_name(&them));
	thaw(srv);
	expect_datagram(srv, peer, &srv_addr, "PEER", 4, ms(1000), NULL);
	expect_echo(srv, peer, &srv_addr, "BYE", "BYE",
	            "connect() does not purge what strangers queued before it: "
	            "check each datagram's sender (recvfrom) and discard theirs");
	expect_session_log(srv, peer, "ended: 2 datagrams",
	                   "the stranger's datagram is not counted");
	if (udp_pending(stranger))
		fail(srv, "expected no reply to the stranger's queued datagram; it "
		     "got one");
	err = proc_stderr(srv, NULL);
	if (strstr(err, udp_name(&them)) == NULL)
		fail(srv, "expected the discarded datagram logged with its sender "
		     "%s; the log does not mention it", udp_name(&them));
	free(err);
}
END_TEST

START_TEST(zero_length_datagram_in_session)
{
	static char big[MAX_PAYLOAD], want[MAX_PAYLOAD], got[MAX_PAYLOAD + 1];
	struct sockaddr_in srv_addr, from;
	struct proc *srv = start_server(&srv_addr, NULL);
	int peer = udp_open("127.0.0.1");
	struct sockaddr_in me = udp_local(peer);
	char what[160];
	size_t same;
	ssize_t n;

	expect_echo(srv, peer, &srv_addr, "", "",
	            "a zero-length first datagram opens a session like any "
	            "other and is answered with a zero-length one: recvfrom() "
	            "returning 0 is a datagram, not an error");
	expect_session_log(srv, peer, "started", "a zero-length datagram opens "
	                   "a session too");
	expect_echo(srv, peer, &srv_addr, "a", "A", NULL);
	expect_echo(srv, peer, &srv_addr, "", "",
	            "a zero-length datagram is answered with a zero-length one");
	fill_pattern(big, sizeof big, 3);
	for (size_t i = 0; i < sizeof big; i++)
		want[i] = big[i] >= 'a' && big[i] <= 'z'
		          ? (char)(big[i] - 'a' + 'A') : big[i];
	udp_send(peer, big, sizeof big, &srv_addr);
	step("sent a datagram of %zu bytes (the UDP/IPv4 maximum) from %s to %s",
	     sizeof big, udp_name(&me), udp_name(&srv_addr));
	n = udp_recv(peer, got, sizeof got, &from, ms(1000));
	for (same = 0; n >= 0 && same < (size_t)n && same < sizeof want
	               && got[same] == want[same]; same++)
		;
	if (n < 0)
		snprintf(what, sizeof what, "nothing within %d ms", ms(1000));
	else
		snprintf(what, sizeof what, "%zd bytes from %s, right up to byte "
		         "%zu", n, udp_name(&from), same);
	if (n != (ssize_t)sizeof want || same != sizeof want
	    || !udp_same(&from, &srv_addr))
		fail(srv, "expected the %zu-byte datagram back whole, uppercased, "
		     "from %s; got %s - a datagram of any size up to 65507 bytes "
		     "is answered whole: does the session's receive buffer hold "
		     "UDP_MAX_PAYLOAD bytes? (sizeof of a pointer is 8; recvfrom() "
		     "drops what does not fit)", sizeof want, udp_name(&srv_addr),
		     what);
	expect_echo(srv, peer, &srv_addr, "z", "Z", "the session goes on");
	bye(srv, peer, &srv_addr);
	expect_session_log(srv, peer, "ended: 6 datagrams", "the empty ones and "
	                   "the big one count: \"\", a, \"\", 65507 bytes, z "
	                   "and BYE");
}
END_TEST

START_TEST(closed_peer_port_ends_session)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(&srv_addr, "60000");
	int peer = udp_open("127.0.0.1"), next = udp_open("127.0.0.2");
	struct sockaddr_in gone = udp_local(peer);
	char line[96];

	freeze(srv);
	udp_send(peer, "gone", 4, &srv_addr);
	close(peer);
	step("while the server was stopped, a peer at %s sent \"gone\" and "
	     "closed its socket", udp_name(&gone));
	thaw(srv);
	snprintf(line, sizeof line, "session with %s ended: 1 datagrams",
	         udp_name(&gone));
	expect_log(srv, line, ms(1000), "the answer hits a closed port; the "
	           "connected socket then reports ECONNREFUSED, which ends the "
	           "session at once (-i is 60000 here)");
	expect_echo(srv, next, &srv_addr, "next", "NEXT", "the server is free "
	            "for the next peer");
}
END_TEST

START_TEST(port_in_use_exits_1)
{
	expect_port_in_use_refused();
}
END_TEST

START_TEST(bad_arguments_exit_2)
{
	static const char *const cases[][5] = {
		{ "server", "-a", "nowhere" },
		{ "server", "-p", "70000" },
		{ "server", "-i", "0" },
		{ "server", "-i", "soon" },
		{ "server", "-x" },
		{ "server", "extra" },
		{ "client" },
		{ "client", "127.0.0.1" },
		{ "client", "127.0.0.1", "0" },
		{ "client", "-t", "x", "127.0.0.1", "50003" },
		{ "client", "127.0.0.1", "50003", "extra" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *const *c = cases[i];
		struct proc *p = run(c[0], NULL, c[1], c[2], c[3], c[4], NULL);

		expect_usage_error(p);
	}
	/* An option without its argument, and one that does not exist. */
	expect_usage_error_naming(run("server", NULL, "-i", NULL), "-i");
	expect_usage_error_naming(run("server", NULL, "-x", NULL), "-x");
	expect_usage_error_naming(run("client", NULL, "-t", NULL), "-t");
}
END_TEST

START_TEST(sigterm_exits_0)
{
	struct sockaddr_in srv_addr;
	struct proc *idle = start_server(&srv_addr, NULL), *busy;
	int peer = udp_open("127.0.0.1");

	kill(idle->pid, SIGTERM);
	step("sent SIGTERM to an idle server");
	expect_exit(idle, 0, ms(1000), "SIGTERM: exit 0 at once");
	busy = start_server(&srv_addr, NULL);
	expect_echo(busy, peer, &srv_addr, "busy", "BUSY", NULL);
	kill(busy->pid, SIGINT);
	step("sent SIGINT to a server in the middle of a session");
	expect_exit(busy, 0, ms(1000), "SIGINT mid-session: exit 0 at once");
}
END_TEST

/* ---- the client: the test plays the server -------------------------------------- */

struct fake_server {
	int fd;
	struct sockaddr_in addr;
	char port[8];
};

static struct fake_server fake_server(void)
{
	struct fake_server s;

	s.fd = udp_open("127.0.0.1");
	s.addr = udp_local(s.fd);
	snprintf(s.port, sizeof s.port, "%u", ntohs(s.addr.sin_port));
	step("the test's server listens on %s", udp_name(&s.addr));
	return s;
}

static char *input_file(const char *text)
{
	char *path = test_path("input");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	ck_assert(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Expect the client's next datagram to be WANT; answer it with REPLY
 * (NULL: none).  *FROM: where it came from; the first call sets it, the
 * others check that the client keeps its one socket. */
static void serve(struct proc *cli, struct fake_server *s, const char *want,
                  const char *reply, struct sockaddr_in *from, bool first)
{
	char buf[MAX_PAYLOAD];
	struct sockaddr_in got_from;
	int ready = wait_io_or_exit(cli, s->fd, false, ms(2000));
	ssize_t n;

	if (ready <= 0 && !udp_pending(s->fd))
		fail(cli, "expected the datagram %s from the client; %s",
		     quote(want, strlen(want), 40), ready < 0
		     ? describe_status(cli->status) : "nothing came");
	n = udp_recv(s->fd, buf, sizeof buf, &got_from, 0);
	if (n != (ssize_t)strlen(want) || memcmp(buf, want, (size_t)n) != 0)
		fail(cli, "expected the datagram %s (the line without its newline, "
		     "or BYE at the end); got %s", quote(want, strlen(want), 40),
		     quote(buf, n < 0 ? 0 : (size_t)n, 60));
	if (!first && !udp_same(&got_from, from))
		fail(cli, "expected every datagram from the client's one connected "
		     "socket %s; this one came from %s", udp_name(from),
		     udp_name(&got_from));
	*from = got_from;
	step("the test's server got %s from %s", quote(want, strlen(want), 40),
	     udp_name(from));
	if (reply != NULL) {
		udp_send(s->fd, reply, strlen(reply), from);
		step("the test's server answered %s", quote(reply, strlen(reply), 40));
	}
}

/* The client's stdout must be WANT; HINT (or NULL): where to look. */
static void expect_stdout(struct proc *cli, const char *want, const char *hint)
{
	size_t len, wlen = strlen(want), i = 0;
	char *got = proc_stdout(cli, &len);

	if (len == wlen && memcmp(got, want, wlen) == 0) {
		free(got);
		return;
	}
	if (len <= 200 && wlen <= 200)
		fail(cli, "expected the client's stdout to be %s; it is %s%s%s",
		     quote(want, wlen, 200), quote(got, len, 200),
		     hint ? " - " : "", hint ? hint : "");
	while (i < len && i < wlen && got[i] == want[i])
		i++;
	fail(cli, "expected the client's stdout to be %s; it has %zu bytes, the "
	     "same up to byte %zu, then %s where %s was expected%s%s",
	     quote(want, wlen, 60), len, i, quote(got + i, len - i, 40),
	     quote(want + i, wlen - i, 40), hint ? " - " : "", hint ? hint : "");
}

START_TEST(client_sends_lines_and_bye)
{
	static char input[MAX_PAYLOAD + 64], longest[MAX_PAYLOAD + 1],
	            upper[MAX_PAYLOAD + 1], out[MAX_PAYLOAD + 64];
	static const char letters[] = "the quick brown fox jumps over 13 lazy "
		"dogs. ";
	struct run_opts o = { .stdin_file = NULL };
	struct fake_server s = fake_server();
	struct sockaddr_in from;
	struct proc *cli;

	/* A line of 65507 bytes, the largest datagram: its reply too. */
	for (size_t i = 0; i < MAX_PAYLOAD; i++) {
		longest[i] = letters[i % (sizeof letters - 1)];
		upper[i] = longest[i] >= 'a' && longest[i] <= 'z'
		           ? (char)(longest[i] - 'a' + 'A') : longest[i];
	}
	snprintf(input, sizeof input, "hello\n\nWorld 2\n%s\nlast", longest);
	snprintf(out, sizeof out, "HELLO\n\nWORLD 2\n%s\nLAST\n", upper);
	o.stdin_file = input_file(input);
	cli = run("client", &o, "127.0.0.1", s.port, NULL);
	serve(cli, &s, "hello", "HELLO", &from, true);
	serve(cli, &s, "", "", &from, false);
	serve(cli, &s, "World 2", "WORLD 2", &from, false);
	serve(cli, &s, longest, upper, &from, false);
	serve(cli, &s, "last", "LAST", &from, false);
	serve(cli, &s, "BYE", "BYE", &from, false);
	expect_exit(cli, 0, ms(2000), "every line answered and BYE returned");
	expect_stdout(cli, out, "each reply printed whole, on its own line: the "
	              "4th line and its reply are 65507 bytes, so read() the "
	              "reply into a buffer of UDP_MAX_PAYLOAD bytes (read() drops "
	              "what does not fit)");
}
END_TEST

START_TEST(client_never_sees_strangers)
{
	struct fake_server s = fake_server();
	struct run_opts o = { .stdin_file = input_file("one\ntwo\n") };
	struct proc *cli = run("client", &o, "127.0.0.1", s.port, NULL);
	int other_port = udp_open("127.0.0.1");
	int other_host = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in twin = udp_addr("127.0.0.2", ntohs(s.addr.sin_port));
	struct sockaddr_in from;

	ck_assert(bind(other_host, (struct sockaddr *)&twin, sizeof twin) == 0);
	serve(cli, &s, "one", NULL, &from, true);
	udp_send(other_port, "STRANGER", 8, &from);
	udp_send(other_host, "STRANGER", 8, &from);
	step("strangers at %s and %s sent \"STRANGER\" to the client before the "
	     "server answered", udp_name((struct sockaddr_in[]){ udp_local(other_port) }),
	     udp_name(&twin));
	udp_send(s.fd, "ONE", 3, &from);
	step("the test's server answered \"ONE\"");
	serve(cli, &s, "two", "TWO", &from, false);
	serve(cli, &s, "BYE", "BYE", &from, false);
	expect_exit(cli, 0, ms(2000), "the server answered everything");
	expect_stdout(cli, "ONE\nTWO\n", NULL);
}
END_TEST

START_TEST(client_without_server_is_refused_promptly)
{
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);
	struct run_opts o = { .stdin_file = input_file("anyone?\n") };
	char port_text[8], timeout[16];
	struct proc *cli;
	long long start;
	char *err;

	snprintf(port_text, sizeof port_text, "%u", port);
	snprintf(timeout, sizeof timeout, "%d", ms(5000));
	cli = run("client", &o, "-t", timeout, "127.0.0.1", port_text, NULL);
	step("nobody listens on UDP port %s", port_text);
	start = now_ms();
	if (!wait_exit(cli, ms(1000))) {
		kill_proc(cli);
		fail(cli, "expected the client to report \"Connection refused\" at "
		     "once (the ICMP error reaches a connected socket in "
		     "microseconds); it was still waiting after %d ms of its -t %s "
		     "(an unconnected socket never hears of it; and the error comes "
		     "back on the read(), not the write())", ms(1000), timeout);
	}
	step("the client exited after %lld ms", now_ms() - start);
	expect_exit(cli, 1, 0, "nobody listens: a runtime failure");
	err = proc_stderr(cli, NULL);
	if (strstr(err, "Connection refused") == NULL)
		fail(cli, "expected \"Connection refused\" (strerror(ECONNREFUSED)) "
		     "on stderr; it says otherwise");
	free(err);
}
END_TEST

START_TEST(client_gives_up_without_reply)
{
	struct fake_server s = fake_server();
	struct run_opts o = { .stdin_file = input_file("hello\n") };
	struct proc *cli = run("client", &o, "-t", "200", "127.0.0.1", s.port,
	                       NULL);
	struct sockaddr_in from;
	char *err, want[64], timeout[16];

	serve(cli, &s, "hello", NULL, &from, true);
	step("the test's server does not answer");
	expect_exit(cli, 1, ms(2000), "no reply within -t 200 ms");
	err = proc_stderr(cli, NULL);
	snprintf(want, sizeof want, "no reply from %s within 200 ms",
	         udp_name(&s.addr));
	if (strstr(err, want) == NULL)
		fail(cli, "expected \"%s\" on stderr; it says otherwise", want);
	free(err);

	/* The answer to BYE is awaited like any other. */
	s = fake_server();
	snprintf(timeout, sizeof timeout, "%d", ms(500));
	cli = run("client", &o, "-t", timeout, "127.0.0.1", s.port, NULL);
	serve(cli, &s, "hello", "HELLO", &from, true);
	serve(cli, &s, "BYE", NULL, &from, false);
	step("the test's server does not answer BYE");
	expect_exit(cli, 1, ms(2000), "at EOF the client sends BYE and waits up "
	            "to -t for the server's BYE, like for any reply: none came");
	err = proc_stderr(cli, NULL);
	snprintf(want, sizeof want, "no reply from %s within %s ms",
	         udp_name(&s.addr), timeout);
	if (strstr(err, want) == NULL)
		fail(cli, "expected \"%s\" on stderr (BYE was not answered); it "
		     "says otherwise", want);
	free(err);
	expect_stdout(cli, "HELLO\n", NULL);

	/* Nor is just any datagram the server's BYE. */
	s = fake_server();
	cli = run("client", &o, "-t", timeout, "127.0.0.1", s.port, NULL);
	serve(cli, &s, "hello", "HELLO", &from, true);
	serve(cli, &s, "BYE", "WHAT", &from, false);
	step("the test's server answers BYE with \"WHAT\"");
	expect_exit(cli, 1, ms(2000), "the answer to BYE was \"WHAT\", not "
	            "BYE: the session may still be open");
}
END_TEST

/* ---- the server and the client, as the recorder saw them ------------------- */
/*
 * What the wire does not show on Linux: a reply sent with sendto() and an
 * address on a connected socket arrives all the same, and a BYE answered
 * before the association is dissolved costs only a next peer quick enough
 * to send in between.  The recorder (trace.h) shows the calls themselves,
 * in the order the program made them.
 */

/* Run the server with its calls recorded through SESSIONS sessions (a
 * peer on 127.0.0.1, then one on 127.0.0.2), each "hello", "again",
 * "BYE", every datagram sent once the last reply is in; then stop it and
 * return its record.  The replies that came are counted in *ANSWERED,
 * not checked one by one: the record says better what went wrong. */
static struct trace *recorded_sessions(int sessions, struct proc **srv_out,
                                       int *answered)
{
	static const char *const msg[] = { "hello", "again", "BYE" };
	static const char *const want[] = { "HELLO", "AGAIN", "BYE" };
	struct run_opts o = { .trace = true };
	struct sockaddr_in srv_addr;
	long long deadline;
	struct proc *srv;
	char port[8];

	snprintf(port, sizeof port, "%u", free_port(AF_INET, SOCK_DGRAM));
	srv = *srv_out = run("server", &o, "-p", port, NULL);
	wait_ready(srv);
	srv_addr = ready_address(srv);
	*answered = 0;
	deadline = now_ms() + ms(1500);
	for (int s = 0; s < sessions; s++) {
		int peer = udp_open(s == 0 ? "127.0.0.1" : "127.0.0.2");
		struct sockaddr_in me = udp_local(peer);

		step("peer %s sends \"hello\", \"again\", \"BYE\", each once the "
		     "last is answered", udp_name(&me));
		for (int i = 0; i < 3; i++) {
			long long left = deadline - now_ms();
			struct sockaddr_in who;
			char got[16];
			ssize_t n;

			udp_send(peer, msg[i], strlen(msg[i]), &srv_addr);
			n = udp_recv(peer, got, sizeof got, &who,
			             left > 0 ? (int)left : 0);
			if (n == (ssize_t)strlen(want[i])
			    && memcmp(got, want[i], (size_t)n) == 0
			    && udp_same(&who, &srv_addr))
				(*answered)++;
		}
		close(peer);
	}
	return trace_of(srv);
}

/* Walk the server's record.  The replies' rules (BYE_RULES false): a
 * connect() to the sender of each session's first datagram, and every
 * reply but BYE's without an address on the connected socket.  BYE's
 * rules (true): connect() to AF_UNSPEC before BYE is answered, BYE then
 * sent with sendto() to the old peer, for each session. */
static void check_sessions(struct proc *srv, const struct trace *t,
                           int sessions, bool bye_rules)
{
	const char *src = NULL, *peer = NULL, *connected = NULL;
	int connects = 0, dissolves = 0, byes = 0;
	bool bye_in = false;

	for (int i = 0; i < t->n; i++) {
		const char *addr = t->calls[i].addr;
		char *data = trace_info(t, i, "data");

		if (trace_is(t, i, "recvfrom recvmsg recv read") && trace_ok(t, i)) {
			char *from = trace_info(t, i, "peer");

			src = strcmp(addr, "-") != 0 ? addr : from ? from : "-";
			if (peer && strcmp(src, peer) == 0 && data
			    && strcmp(data, "BYE") == 0)
				bye_in = true;
		} else if (trace_is(t, i, "connect") && trace_ok(t, i)
		           && strcmp(addr, "AF_UNSPEC") == 0) {
			dissolves++;
			connected = NULL;
		} else if (trace_is(t, i, "connect") && trace_ok(t, i)) {
			connects++;
			if (!bye_rules && src == NULL)
				fail(srv, "expected connect() only once a first datagram "
				     "has come, to its sender; %s came before any\n%s",
				     trace_text(t, i), trace_excerpt(t, i, 12));
			if (!bye_rules && strcmp(addr, src) != 0)
				fail(srv, "expected connect() to %s, the sender of the "
				     "datagram just received; got %s\n%s", src,
				     trace_text(t, i), trace_excerpt(t, i, 12));
			connected = peer = addr;
		} else if (trace_is(t, i, "sendto sendmsg send write")) {
			if (bye_in && data && strcmp(data, "BYE") == 0) {
				byes++;
				if (bye_rules && connected)
					fail(srv, "expected the association dissolved "
					     "(connect() to an AF_UNSPEC address) before BYE "
					     "is answered; %s went out with the socket still "
					     "connected to %s: a next peer sending at that moment "
					     "is dropped by the kernel\n%s", trace_text(t, i),
					     connected, trace_excerpt(t, i, 12));
				if (bye_rules && strcmp(addr, peer) != 0)
					fail(srv, "expected BYE answered with sendto() and the "
					     "old peer's address %s on the dissolved socket; got "
					     "%s\n%s", peer, trace_text(t, i),
					     trace_excerpt(t, i, 12));
				bye_in = false;
				peer = NULL;
			} else if (!bye_rules && !connected) {
				fail(srv, "expected each reply sent on the socket connected "
				     "to its peer (connect() after the session's first "
				     "datagram); %s went out on an unconnected socket\n%s",
				     trace_text(t, i), trace_excerpt(t, i, 12));
			} else if (!bye_rules && strcmp(addr, "-") != 0) {
				fail(srv, "expected replies on the connected socket without "
				     "an address (send() or write()): the kernel knows the "
				     "peer; %s names it again\n%s", trace_text(t, i),
				     trace_excerpt(t, i, 12));
			}
		}
		free(data);
	}
	if (!bye_rules && connects < sessions)
		fail(srv, "expected a connect() to each session's peer after its "
		     "first datagram: %d session%s, %d connect()\n%s", sessions,
		     sessions == 1 ? "" : "s", connects, trace_excerpt(t, -1, 14));
	if (bye_rules && dissolves < sessions)
		fail(srv, "expected each session to end with connect() to an "
		     "AF_UNSPEC address (dissolve()): %d sessions, %d such "
		     "calls\n%s", sessions, dissolves, trace_excerpt(t, t->n - 1, 14));
	if (bye_rules && byes < sessions)
		fail(srv, "expected each peer's BYE answered with BYE: %d sessions, "
		     "%d answered\n%s", sessions, byes, trace_excerpt(t, t->n - 1, 14));
}

START_TEST(server_connects_then_replies_without_address)
{
	struct proc *srv;
	int answered;
	struct trace *t = recorded_sessions(1, &srv, &answered);

	check_sessions(srv, t, 1, false);
	if (answered < 3)
		fail(srv, "expected the 3 replies HELLO, AGAIN, BYE at the peer; %d "
		     "came\n%s", answered, trace_excerpt(t, t->n - 1, 14));
}
END_TEST

START_TEST(bye_is_answered_after_dissolving)
{
	struct proc *srv;
	int answered;
	struct trace *t = recorded_sessions(2, &srv, &answered);

	check_sessions(srv, t, 2, true);
	if (answered < 6)
		fail(srv, "expected 6 replies to two peers (HELLO, AGAIN, BYE "
		     "each); %d came\n%s", answered, trace_excerpt(t, t->n - 1, 14));
}
END_TEST

/* The client against the test's server, recorded: connect() to the
 * server before the first datagram, then no address on any. */
START_TEST(client_writes_without_address)
{
	static const char *const want[] = { "one", "two", "BYE" };
	struct fake_server s = fake_server();
	struct run_opts o = { .stdin_file = input_file("one\ntwo\n"),
	                      .trace = true };
	struct proc *cli = run("client", &o, "127.0.0.1", s.port, NULL);
	char *server = strdup(udp_name(&s.addr));
	int got = 0, conn, first, sock;
	struct trace *t;

	for (int i = 0; i < 3; i++) {
		struct sockaddr_in from;
		char buf[64];
		ssize_t n;

		if (wait_io_or_exit(cli, s.fd, false, ms(1000)) <= 0
		    && !udp_pending(s.fd))
			break;
		n = udp_recv(s.fd, buf, sizeof buf, &from, 0);
		if (n < 0)
			break;
		if (n == (ssize_t)strlen(want[i])
		    && memcmp(buf, want[i], (size_t)n) == 0)
			got++;
		for (ssize_t k = 0; k < n; k++)
			if (buf[k] >= 'a' && buf[k] <= 'z')
				buf[k] = (char)(buf[k] - 'a' + 'A');
		udp_send(s.fd, buf, (size_t)n, &from);
	}
	step("the test's server answered %d datagrams of the 3 expected (one, "
	     "two, BYE)", got);
	wait_exit(cli, ms(1000));
	t = trace_of(cli);

	for (conn = trace_find(t, 0, "connect", -1); conn >= 0;
	     conn = trace_find(t, conn + 1, "connect", -1))
		if (trace_ok(t, conn) && strcmp(t->calls[conn].addr, server) == 0)
			break;
	first = trace_find(t, 0, "sendto sendmsg send write", -1);
	if (conn < 0)
		fail(cli, "expected the client's socket connect()ed to the server "
		     "%s; the recorder saw no such connect()\n%s", server,
		     trace_excerpt(t, first, 12));
	if (first >= 0 && first < conn)
		fail(cli, "expected connect() to the server before the first "
		     "datagram; %s came first\n%s", trace_text(t, first),
		     trace_excerpt(t, first, 12));
	sock = t->calls[conn].fd;
	for (int i = trace_find(t, conn, "sendto sendmsg send write", sock);
	     i >= 0; i = trace_find(t, i + 1, "sendto sendmsg send write", sock))
		if (strcmp(t->calls[i].addr, "-") != 0)
			fail(cli, "expected write() or send() on the connected socket: "
			     "the kernel knows the peer; %s names the address "
			     "again\n%s", trace_text(t, i), trace_excerpt(t, i, 12));
	if (got < 3)
		fail(cli, "expected the datagrams \"one\", \"two\", \"BYE\" from the "
		     "client; %d of them came\n%s", got, trace_excerpt(t, -1, 14));
	expect_exit(cli, 0, ms(1000), "every line answered and BYE returned");
}
END_TEST

/* ---- the table --------------------------------------------------------------- */

const struct graded_test lab_tests[] = {
	{ &server_socket_is_udp_on_loopback, 4, 3, "TODO 1 in bind.c (socket, bind)",
	  "session_bind() returns an AF_INET SOCK_DGRAM socket bound to the address" },
	{ &connect_and_dissolve_set_the_peer, 5, 3, "TODO 3, 6 and 8 (connect_peer, dissolve, find_free_port)",
	  "connect_peer() sets the peer, dissolve() removes it, the port stays" },
	{ &server_connects_then_replies_without_address, 5, 3, "TODO 3-4 in session.c (connect_peer, session_send)",
	  "the server connects to the first datagram's sender, then replies without an address (recorded)" },
	{ &bye_is_answered_after_dissolving, 4, 3, "TODO 6-7 in session.c (dissolve, send_bye)",
	  "connect(AF_UNSPEC) comes before BYE, which goes to the old peer with sendto() (recorded)" },
	{ &ready_line_has_real_port, 4, 3, "TODO 1 in bind.c and server.c",
	  "-p 0: the ready line gives 127.0.0.1 and the real port, which answers" },
	{ &first_datagram_is_answered, 5, 3, "TODO 2-4 in session.c",
	  "the first datagram opens a session, is answered and logged" },
	{ &session_serves_only_its_peer, 6, 3, "TODO 3 in session.c (connect_peer)",
	  "a stranger mid-session (127.0.0.2), its BYE included, gets nothing" },
	{ &bye_is_answered_and_ends_session, 5, 3, "TODO 5-7 in session.c",
	  "BYE gets BYE; the end is logged with the datagram count" },
	{ &first_datagram_bye_opens_and_closes, 3, 3, "TODO 6-7 in session.c",
	  "a first datagram BYE opens and closes a session" },
	{ &next_peer_is_served_after_bye, 5, 3, "TODO 6 in session.c (dissolve)",
	  "after one peer's BYE, a peer on another host is served" },
	{ &next_peer_sending_at_once_is_served, 4, 4, "TODO 7 in session.c (send_bye)",
	  "a next peer that sends the moment it sees BYE is served, 20 times" },
	{ &announced_port_survives_sessions, 5, 3, "TODO 8 in bind.c (find_free_port)",
	  "-p 0: the announced port serves a second and third session" },
	{ &idle_peer_is_dropped, 5, 3, "TODO 5 in session.c (deadline); server.c (-i default)",
	  "-i 300: sending every 60 ms keeps a session, silence ends it; without -i a 1 s pause does not" },
	{ &queued_stranger_is_discarded, 5, 3, "TODO 5 in session.c (check the sender)",
	  "a stranger's datagram queued before connect() is discarded, not counted" },
	{ &zero_length_datagram_in_session, 4, 3, "TODO 4-5 in session.c; server.c (the first datagram)",
	  "a zero-length datagram, first or in a session, gets a zero-length reply; 65507 bytes come back whole" },
	{ &closed_peer_port_ends_session, 4, 3, "TODO 5 in session.c (ECONNREFUSED)",
	  "the peer's port closes: ECONNREFUSED ends the session at once" },
	{ &port_in_use_exits_1, 2, 3, "TODO 1 in bind.c (bind's error)",
	  "a port in use: exit 1 with the bind error" },
	{ &bad_arguments_exit_2, 3, 5, "server.c / client.c (argument checks)",
	  "bad address, port, idle time, option or operands: usage, exit 2" },
	{ &sigterm_exits_0, 3, 3, "server.c and TODO 5 (wait_fd)",
	  "SIGTERM idle and SIGINT mid-session: exit 0 at once" },
	{ &client_sends_lines_and_bye, 5, 4, "TODO 9-10 in talk.c",
	  "each line one datagram from one socket, each reply (65507 bytes too) one line, BYE at EOF" },
	{ &client_writes_without_address, 2, 3, "TODO 9-10 in talk.c (connect, write)",
	  "the client connects before its first datagram and writes without an address (recorded)" },
	{ &client_never_sees_strangers, 4, 4, "TODO 9 in talk.c (connect)",
	  "datagrams from other ports and hosts never reach the client" },
	{ &client_without_server_is_refused_promptly, 5, 4, "TODO 10 in talk.c (ECONNREFUSED)",
	  "no server: \"Connection refused\", exit 1, long before -t" },
	{ &client_gives_up_without_reply, 3, 4, "TODO 10 in talk.c (poll timeout); client.c (BYE)",
	  "no reply within -t, to a line or to BYE: exit 1, \"no reply from ADDRESS within MS ms\"; a wrong answer to BYE: exit 1" },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "connected-datagram";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

/* Sessions end after 300 ms of silence: an attacker that went quiet
 * does not hold the server for 5 s. */
static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	*len = sizeof(struct sockaddr_in);
	return start_server((struct sockaddr_in *)addr, "300");
}

/* A whole session: a request (sent again while an attacker's session
 * lasts), then BYE. */
static void robust_good(struct proc *srv, const struct sockaddr *addr,
                        socklen_t len)
{
	const struct sockaddr_in *to = (const struct sockaddr_in *)addr;
	int fd = udp_echo_patiently(srv, to, "well-formed", "WELL-FORMED",
	                            ms(250), ms(8000));
	char buf[64];
	ssize_t n;

	(void)len;
	step("the session is open; sending BYE");
	udp_send(fd, "BYE", 3, to);
	do      /* answers to the request's other tries come first */
		n = udp_recv(fd, buf, sizeof buf, NULL, ms(2000));
	while (n == 11 && memcmp(buf, "WELL-FORMED", 11) == 0);
	if (n != 3 || memcmp(buf, "BYE", 3) != 0)
		fail(srv, "expected the answer \"BYE\" to BYE, which ends the "
		     "session; got %s", n < 0 ? "nothing" : quote(buf, (size_t)n, 40));
	close(fd);
}

const struct robust_target lab_robust = {
	.kind = ROBUST_DATAGRAM, .start = robust_start, .good = robust_good,
	.max_datagram = MAX_PAYLOAD,
};
