/*
 * 03-connected-datagram.c - the grader of lab 03, the UDP session server
 * on a connected datagram socket and its connected client.
 *
 * Every test runs the lab's programs as processes of their own and judges
 * them from outside.  The test plays peers, strangers (a second host:
 * 127.0.0.2) and the server with its own UDP sockets (udp.h), and looks
 * at the sockets a program holds with peek_sockets() (harness.h): their
 * family, type and address, and their peer - getpeername() gives it on a
 * connected datagram socket, and fails with ENOTCONN on one never
 * connected or dissolved.
 *
 * What a quiet Linux loopback hides, the dgram shim (tests/preload-dgram.c)
 * provokes: sendto() with an address on a connected socket fails with
 * EISCONN, as POSIX allows and the BSDs do, and the program pauses after
 * each datagram it sends, so that its socket, looked at the moment the
 * datagram arrives, is as it was when the datagram went out.  The shim
 * decides nothing: verdicts come from what the test sees.
 */
#include "harness.h"
#include "robust.h"
#include "udp.h"

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

/* Start the server with options O (NULL: none) on a free port given by
 * number (-p 0 has tests of its own: ready_line_has_real_port,
 * announced_port_survives_sessions, server_socket_has_peer_only_in_session),
 * with idle time IDLE (NULL: the default). */
static struct proc *start_server(const struct run_opts *o,
                                 struct sockaddr_in *addr, const char *idle)
{
	return udp_server(o, NULL, num_text(free_port(AF_INET, SOCK_DGRAM)),
	                  idle ? "-i" : NULL, idle, addr);
}

/* How long a program pauses after each datagram it sends under the
 * dgram shim (ms() scales it): far longer than the test takes to look
 * at its sockets once the datagram is in. */
#define SHIM_PAUSE_MS 25

/* The dgram shim's options (dgram_shim(), udp.h), with EISCONN:
 * sendto() or sendmsg() with an address on a connected socket fail with
 * EISCONN.  The tests of BYE's order go without it: a BYE tried on the
 * still connected socket, refused, then tried again once dissolved,
 * would look right. */
static struct run_opts shim(bool eisconn)
{
	return dgram_shim(SHIM_PAUSE_MS, eisconn ? "SOCKLAB_DGRAM_EISCONN=1"
	                                         : NULL);
}

/* Where to look when a reply does not come under the dgram shim. */
static const char eisconn_hint[] = "on the connected socket, send() or "
	"write() without an address (TODO 4): the test runs the server where "
	"sendto() with an address on a connected socket fails with EISCONN, as "
	"POSIX allows and the BSDs do (Linux sends it all the same)";

/* The server under the dgram shim, pausing after each datagram sent;
 * with EISCONN too. */
static struct proc *start_shimmed_server(struct sockaddr_in *addr,
                                         bool eisconn)
{
	struct run_opts o = shim(eisconn);
	struct proc *srv = start_server(&o, addr, NULL);

	step("the server runs under the test's shim: it pauses %d ms after "
	     "each datagram it sends%s", ms(SHIM_PAUSE_MS), eisconn
	     ? ", and sendto() with an address on a connected socket fails "
	       "with EISCONN" : "");
	return srv;
}

/* The port SRV announced for -p 0, ADDR's, must be one the kernel hands
 * out for port 0: in its range of ephemeral ports.  A port found free
 * with a scratch socket, read back with getsockname() (network byte
 * order) and then given to htons() as if it were a number, is another
 * port, its bytes swapped: free most often, but out of that range more
 * often than not. */
static void expect_kernel_port(struct proc *srv, const struct sockaddr_in *addr)
{
	unsigned lo, hi, port = ntohs(addr->sin_port);

	if (ephemeral_ports(&lo, &hi) && (port < lo || port > hi))
		fail(srv, "expected the port of -p 0 to be the one the kernel chose "
		     "for port 0, in its range %u-%u "
		     "(/proc/sys/net/ipv4/ip_local_port_range); the server "
		     "announced port %u, which is %u with its two bytes swapped - "
		     "getsockname() gives sin_port in network byte order: keep it "
		     "as it is, or ntohs() it before any htons() (TODO 8)", lo, hi,
		     port, (port >> 8 | port << 8) & 0xffff);
}

/* Start the server with -p 0. */
static struct proc *start_server_any_port(struct sockaddr_in *addr)
{
	struct proc *srv = udp_server(NULL, NULL, "0", NULL, NULL, addr);

	expect_kernel_port(srv, addr);
	return srv;
}

/* The log line "session with PEER TEXT", e.g. "started". */
static void expect_session_log(struct proc *srv, int peer_fd, const char *text,
                               const char *why)
{
	struct sockaddr_in peer = udp_local(peer_fd);

	expect_logged(srv, why, "session with %s %s", sa_text(&peer), text);
}

/* The line SRV logged when it ended the session with PEER, allocated;
 * NULL if it has not ended it. */
static char *session_end(struct proc *srv, const struct sockaddr_in *peer)
{
	char what[96];

	snprintf(what, sizeof what, "session with %s ended", sa_text(peer));
	return stderr_line(srv, what);
}

/* PEER's session must still be open after AFTER (what it just sent and
 * got answered): SRV has logged no end for it. */
static void session_goes_on(struct proc *srv, int peer_fd, const char *after,
                            const char *hint)
{
	struct sockaddr_in peer = udp_local(peer_fd);
	char *line = session_end(srv, &peer);

	if (line != NULL)
		fail(srv, "expected the session with %s to go on after %s; the "
		     "server ended it, logging \"%s\" - %s", sa_text(&peer),
		     after, line, hint);
}

/* End PEER's session with BYE and expect "BYE" back. */
static void bye(struct proc *srv, int peer, const struct sockaddr_in *srv_addr)
{
	expect_echo(srv, peer, srv_addr, "BYE", "BYE",
	            "BYE is answered with BYE, sent to the peer with sendto() "
	            "once the association is dissolved");
}

/* ---- the server's socket and its association, from outside ---------------- */

START_TEST(server_socket_is_udp_on_loopback)
{
	static const char *const ips[] = { NULL, "127.0.0.2" };

	for (int i = 0; i < 2; i++) {
		uint16_t port = free_port(AF_INET, SOCK_DGRAM);
		struct sockaddr_in want = udp_addr(ips[i] ? ips[i] : "127.0.0.1",
		                                   port), addr;
		struct proc *srv = udp_server(NULL, ips[i], num_text(port), NULL,
		                              NULL, &addr);

		expect_bound_socket(srv, &want, "socket(AF_INET, SOCK_DGRAM, 0), "
		                    "then bind() it to the address asked: 127.0.0.1 "
		                    "by default, -a's otherwise, and -p's port");
		stop(srv, ms(1000));
	}
}
END_TEST

START_TEST(server_socket_has_peer_only_in_session)
{
	static const char port_hint[] = "-p 0: Linux gives back a port that "
		"bind() chose by itself when connect(AF_UNSPEC) dissolves the "
		"association - find a free port and bind it by number (TODO 8)";
	static const char connect_hint[] = "connect(2) the socket to the sender "
		"of the session's first datagram (TODO 3), before answering it";
	static const char dissolve_hint[] = "at the end of a session, "
		"connect(2) the socket to an address of family AF_UNSPEC "
		"(TODO 6): to a socket still connected to the old peer, the "
		"next peer is a stranger";
	struct sockaddr_in srv_addr, them, me;
	struct proc *srv;
	int first = udp_open("127.0.0.2"), second = udp_open("127.0.0.1");

	srv = start_server_any_port(&srv_addr);
	them = udp_local(first);
	me = udp_local(second);

	expect_no_peer(srv, &srv_addr, 0, "before any session", NULL, "between "
	               "sessions the socket is unconnected: anyone may open one");
	expect_echo(srv, first, &srv_addr, "hello", "HELLO", connect_hint);
	expect_peer(srv, &srv_addr, &them, "once \"hello\" was answered", NULL,
	            connect_hint);
	expect_echo(srv, first, &srv_addr, "BYE", "BYE", port_hint);
	expect_no_peer(srv, &srv_addr, 0, "once BYE was answered", port_hint,
	               dissolve_hint);

	expect_echo(srv, second, &srv_addr, "again", "AGAIN", port_hint);
	expect_peer(srv, &srv_addr, &me, "once \"again\", the second session's "
	            "first datagram, was answered", port_hint, "connect(2) "
	            "again, to the next session's peer (TODO 3)");
	/* (A session ended by the idle limit: idle_peer_is_dropped.) */
}
END_TEST

/* ---- the server, black-box ------------------------------------------------------ */

START_TEST(ready_line_has_real_port)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server_any_port(&srv_addr);

	expect_real_port(srv, &srv_addr);
	stop(srv, ms(1000));
	/* A port with its bytes swapped is as often in the kernel's range as
	 * not: a few more starts make a miss unlikely. */
	for (int i = 0; i < 8; i++)
		stop(start_server_any_port(&srv_addr), ms(1000));
	step("started the server with -p 0 %d more times: each port it "
	     "announced is in the kernel's range for port 0", 8);
}
END_TEST

START_TEST(first_datagram_is_answered)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(NULL, &srv_addr, NULL);
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
	struct proc *srv = start_server(NULL, &srv_addr, NULL);
	int peer = udp_open("127.0.0.1"), stranger = udp_open("127.0.0.2");
	struct sockaddr_in them = udp_local(stranger);

	expect_echo(srv, peer, &srv_addr, "open", "OPEN", NULL);
	udp_send(stranger, "intruder", 8, &srv_addr);
	udp_send(stranger, "BYE", 3, &srv_addr);
	step("a stranger at %s sent \"intruder\" and \"BYE\" mid-session",
	     sa_text(&them));
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
	struct proc *srv = start_server(NULL, &srv_addr, NULL);
	int peer = udp_open("127.0.0.1"), stranger = udp_open("127.0.0.2");
	struct sockaddr_in them = udp_local(stranger);

	expect_echo(srv, peer, &srv_addr, "a", "A", NULL);
	expect_echo(srv, peer, &srv_addr, "bye", "BYE", hint);
	session_goes_on(srv, peer, "\"bye\"", hint);
	udp_send(stranger, "intruder", 8, &srv_addr);
	step("a stranger at %s sent \"intruder\"", sa_text(&them));
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
	struct proc *srv = start_server(NULL, &srv_addr, NULL);
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
	struct proc *srv = start_server(NULL, &srv_addr, NULL);
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

/* Under the dgram shim the server pauses after each datagram it sends:
 * answered while still connected, a BYE leaves the socket connected to
 * the old peer for that long, and the next peer's "go" is dropped. */
START_TEST(next_peer_sending_at_once_is_served)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_shimmed_server(&srv_addr, false);
	int s[2] = { udp_open("127.0.0.1"), udp_open("127.0.0.2") };
	char hint[128];

	expect_echo(srv, s[0], &srv_addr, "start", "START", NULL);
	step("3 rounds: the peer sends BYE and, the moment its BYE comes back, "
	     "the other socket sends \"go\"");
	for (int i = 0; i < 3; i++) {
		int peer = s[i % 2], next = s[(i + 1) % 2];

		snprintf(hint, sizeof hint, "round %d: dissolve first (TODO "
		         "6), then answer with sendto() and the old peer's "
		         "address (TODO 7)", i + 1);
		expect_echo(srv, peer, &srv_addr, "BYE", "BYE", hint);
		udp_send(next, "go", 2, &srv_addr);
		expect_datagram(srv, next, &srv_addr, "GO", 2, ms(1000),
		                "answer BYE only after dissolving, with sendto(): "
		                "still connected to the old peer, the server's "
		                "kernel drops a next peer that is quick");
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
 * at PAUSED (ms): once its peer has been silent for PAUSE ms or more, far
 * below the default idle limit of 5000 ms, its next datagram must be
 * answered in the same session, which its BYE then ends. */
static void default_idle_holds(struct proc *dflt, int patient,
                               const struct sockaddr_in *dflt_addr,
                               long long paused, int pause)
{
	struct sockaddr_in me = udp_local(patient);
	long long waited;
	char *ended;

	if (now_ms() - paused < pause)
		wait_io(patient, false, (int)(pause - (now_ms() - paused)));
	waited = now_ms() - paused;
	expect_echo(dflt, patient, dflt_addr, "still here", "STILL HERE", NULL);
	if ((ended = session_end(dflt, &me)) != NULL)
		fail(dflt, "expected the session to survive a pause of %lld ms, the "
		     "server running without -i (the default idle limit is 5000 "
		     "ms); it ended it, logging \"%s\": is the default 5000 ms?",
		     waited, ended);
	bye(dflt, patient, dflt_addr);
	expect_session_log(dflt, patient, "ended: 3 datagrams", "wait, still here "
	                   "and BYE: one session");
}

START_TEST(idle_peer_is_dropped)
{
	/* The pause is not scaled: a slower machine makes it no easier. */
	int idle_ms = ms(240), every = ms(50), pause = 600, count = 0;
	struct sockaddr_in srv_addr, dflt_addr;
	struct proc *dflt = start_server(NULL, &dflt_addr, NULL), *srv;
	int peer = udp_open("127.0.0.1"), next = udp_open("127.0.0.2");
	int patient = udp_open("127.0.0.1");
	struct sockaddr_in me = udp_local(peer);
	const char *idle = num_text(idle_ms);
	char line[96], *ended;
	long long start, paused;
	bool held = false;

	/* A server without -i (5000 ms by default) holds a session whose peer
	 * pauses while the other server is tested. */
	expect_echo(dflt, patient, &dflt_addr, "wait", "WAIT", NULL);
	paused = now_ms();
	step("the peer of the server started without -i pauses for %d ms (the "
	     "default idle limit is 5000 ms)", pause);

	srv = start_server(NULL, &srv_addr, idle);
	step("a second server runs with -i %s; its peer %s sends \"tick\" "
	     "every %d ms for %d ms, each once the last is answered", idle,
	     sa_text(&me), every, idle_ms * 5 / 2);
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
			default_idle_holds(dflt, patient, &dflt_addr, paused, pause);
			held = true;
		}
	} while (now_ms() - start < idle_ms * 5 / 2);
	step("%d datagrams sent and answered in %lld ms", count,
	     now_ms() - start);
	if ((ended = session_end(srv, &me)) != NULL)
		fail(srv, "expected the session to last while its peer sends every "
		     "%d ms (-i %s); the server ended it, logging \"%s\": the idle "
		     "limit starts again with each datagram from the peer (a new "
		     "deadline before each receive, not one per session)", every,
		     idle, ended);

	step("the peer says nothing more");
	snprintf(line, sizeof line, "ended: %d datagrams", count);
	expect_session_log(srv, peer, line,
	                   "a peer silent for IDLE_MS ends its session");
	if (!running(srv))
		fail(srv, "expected the server to keep running after an idle "
		     "session; it %s (alarm() without a handler?)",
		     describe_status(srv->status));
	expect_no_peer(srv, &srv_addr, ms(1000), "once the silent peer's "
	               "session ended", NULL, "when the idle limit ends a "
	               "session, dissolve the association too (TODO 6): "
	               "connect(2) to an address of family AF_UNSPEC");
	expect_echo(srv, next, &srv_addr, "next", "NEXT", "after an idle session "
	            "the next peer is served");

	if (!held)
		default_idle_holds(dflt, patient, &dflt_addr, paused, pause);
}
END_TEST

START_TEST(queued_stranger_is_discarded)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(NULL, &srv_addr, NULL);
	int peer = udp_open("127.0.0.1"), stranger = udp_open("127.0.0.2");
	struct sockaddr_in them = udp_local(stranger);

	freeze(srv);
	udp_send(peer, "peer", 4, &srv_addr);
	udp_send(stranger, "stranger", 8, &srv_addr);
	step("while the server was stopped, the peer sent \"peer\", then a "
	     "stranger at %s sent \"stranger\": both wait in the socket's queue",
	     sa_text(&them));
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
	if (!stderr_has(srv, sa_text(&them)))
		fail(srv, "expected the discarded datagram logged with its sender "
		     "%s; the log does not mention it", sa_text(&them));
}
END_TEST

START_TEST(zero_length_datagram_in_session)
{
	static char big[MAX_PAYLOAD], want[MAX_PAYLOAD];
	struct sockaddr_in srv_addr;
	struct proc *srv = start_server(NULL, &srv_addr, NULL);
	int peer = udp_open("127.0.0.1");
	struct sockaddr_in me = udp_local(peer);

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
	memcpy(want, big, sizeof want);
	upper(want, sizeof want);
	udp_send(peer, big, sizeof big, &srv_addr);
	step("sent a datagram of %zu bytes (the UDP/IPv4 maximum) from %s to %s",
	     sizeof big, sa_text(&me), sa_text(&srv_addr));
	expect_datagram(srv, peer, &srv_addr, want, sizeof want, ms(1000),
	                "a datagram of any size up to 65507 bytes is answered "
	                "whole, uppercased: does the session's receive "
	                "buffer hold UDP_MAX_PAYLOAD bytes? (sizeof of a "
	                "pointer is 8; recvfrom() drops what does not fit)");
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
	struct proc *srv = start_server(NULL, &srv_addr, "60000");
	int peer = udp_open("127.0.0.1"), next = udp_open("127.0.0.2");
	struct sockaddr_in gone = udp_local(peer);

	freeze(srv);
	udp_send(peer, "gone", 4, &srv_addr);
	close(peer);
	step("while the server was stopped, a peer at %s sent \"gone\" and "
	     "closed its socket", sa_text(&gone));
	thaw(srv);
	expect_logged(srv, "the answer hits a closed port; the connected socket "
	              "then reports ECONNREFUSED, which ends the session at once "
	              "(-i is 60000 here)", "session with %s ended: 1 datagrams",
	              sa_text(&gone));
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
	static const char *const cases[] = {
		"server -a nowhere",
		"server -p 70000",
		"server -i 0",
		"server -i soon",
		"server -x",
		"server extra",
		"client",
		"client 127.0.0.1",
		"client 127.0.0.1 0",
		"client -t x 127.0.0.1 50003",
		"client 127.0.0.1 50003 extra",
		NULL,
	};

	expect_usage_errors(cases);
	/* An option without its argument, and one that does not exist. */
	expect_usage_error_naming(run("server", NULL, "-i", NULL), "-i");
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
	struct proc *idle = start_server(NULL, &srv_addr, NULL), *busy;
	int peer = udp_open("127.0.0.1");

	send_signal(idle, SIGTERM, "an idle server");
	expect_exit(idle, 0, ms(1000), "SIGTERM: exit 0 at once");
	busy = start_server(NULL, &srv_addr, NULL);
	expect_echo(busy, peer, &srv_addr, "busy", "BUSY", NULL);
	send_signal(busy, SIGINT, "a server in the middle of a session");
	expect_exit(busy, 0, ms(1000), "SIGINT mid-session: exit 0 at once");
}
END_TEST

/* ---- the client: the test plays the server -------------------------------------- */

static char *input_file(const char *text)
{
	return write_file("input", text, strlen(text));
}

/* What to look at when the client's next datagram does not come (a test
 * that provokes something says what), or NULL. */
static const char *serve_hint;

/* Expect the client's next datagram to be WANT; answer it with REPLY
 * (NULL: none).  *FROM: where it came from; the first call sets it, the
 * others check that the client keeps its one socket. */
static void serve(struct proc *cli, struct fake_server *s, const char *want,
                  const char *reply, struct sockaddr_in *from, bool first)
{
	static char buf[MAX_PAYLOAD];
	struct sockaddr_in got_from;
	const char *hint = serve_hint ? serve_hint : "";
	const char *sep = serve_hint ? " - " : "";
	char what[600];
	size_t n;

	snprintf(what, sizeof what, "the datagram %s%s%s%s",
	         quote(want, strlen(want), 40), *hint ? " (" : "", hint,
	         *hint ? ")" : "");
	n = next_request(cli, s, buf, sizeof buf, &got_from, ms(2000), what);
	if (n != strlen(want) || memcmp(buf, want, n) != 0)
		fail(cli, "expected the datagram %s (the line without its newline, "
		     "or BYE at the end); got %s%s%s",
		     quote(want, strlen(want), 40), quote(buf, n, 60), sep, hint);
	if (!first && !sa_same(&got_from, from))
		fail(cli, "expected every datagram from the client's one connected "
		     "socket %s; this one came from %s%s%s", sa_text(from),
		     sa_text(&got_from), sep, hint);
	*from = got_from;
	step("the test's server got %s from %s", quote(want, strlen(want), 40),
	     sa_text(from));
	if (reply != NULL)
		answer(s, from, reply, strlen(reply));
}

START_TEST(client_sends_lines_and_bye)
{
	static char input[MAX_PAYLOAD + 64], longest[MAX_PAYLOAD + 1],
	            upcase[MAX_PAYLOAD + 1], out[MAX_PAYLOAD + 64];
	static const char letters[] = "the quick brown fox jumps over 13 lazy "
		"dogs. ";
	struct run_opts o = { .stdin_file = NULL };
	struct fake_server s = fake_server();
	struct sockaddr_in from;
	struct proc *cli;

	/* A line of 65507 bytes, the largest datagram: its reply too. */
	for (size_t i = 0; i < MAX_PAYLOAD; i++)
		longest[i] = letters[i % (sizeof letters - 1)];
	memcpy(upcase, longest, sizeof upcase);
	upper(upcase, MAX_PAYLOAD);
	snprintf(input, sizeof input, "hello\n\nWorld 2\n%s\nlast", longest);
	snprintf(out, sizeof out, "HELLO\n\nWORLD 2\n%s\nLAST\n", upcase);
	o.stdin_file = input_file(input);
	cli = run("client", &o, "127.0.0.1", s.port, NULL);
	serve(cli, &s, "hello", "HELLO", &from, true);
	serve(cli, &s, "", "", &from, false);
	serve(cli, &s, "World 2", "WORLD 2", &from, false);
	serve(cli, &s, longest, upcase, &from, false);
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
	struct sockaddr_in from;
	char stranger[2][32];

	serve(cli, &s, "one", NULL, &from, true);
	strangers_send(&s, &from, "STRANGER", stranger);
	step("strangers at %s and %s sent \"STRANGER\" to the client before the "
	     "server answered", stranger[0], stranger[1]);
	answer(&s, &from, "ONE", 3);
	serve(cli, &s, "two", "TWO", &from, false);
	serve(cli, &s, "BYE", "BYE", &from, false);
	expect_exit(cli, 0, ms(2000), "the server answered everything");
	expect_stdout(cli, "ONE\nTWO\n", NULL);
}
END_TEST

/* The client, its -t TIMEOUT (ms) far off, must exit 1 within a second,
 * WHY; otherwise fail: "expected the client to WHAT; it was still
 * waiting after ... of its -t TIMEOUT", then AFTER. */
static void expect_exit_1_at_once(struct proc *cli, const char *timeout,
                                  const char *what, const char *after,
                                  const char *why)
{
	long long start = now_ms();

	if (!wait_exit(cli, ms(1000))) {
		kill_proc(cli);
		fail(cli, "expected the client to %s; it was still waiting after %d "
		     "ms of its -t %s%s", what, ms(1000), timeout, after);
	}
	step("the client exited after %lld ms", now_ms() - start);
	expect_exit(cli, 1, 0, why);
}

START_TEST(client_without_server_is_refused_promptly)
{
	const char *port = num_text(free_port(AF_INET, SOCK_DGRAM));
	const char *timeout = num_text(ms(5000));
	struct run_opts o = { .stdin_file = input_file("anyone?\n") };
	struct proc *cli = run("client", &o, "-t", timeout, "127.0.0.1", port,
	                       NULL);

	step("nobody listens on UDP port %s", port);
	expect_exit_1_at_once(cli, timeout, "report \"Connection refused\" at "
	                      "once (the ICMP error reaches a connected socket in "
	                      "microseconds)", " (an unconnected socket never "
	                      "hears of it; and the error comes back on the "
	                      "read(), not the write())", "nobody listens: a "
	                      "runtime failure");
	if (!stderr_has(cli, "Connection refused"))
		fail(cli, "expected \"Connection refused\" (strerror(ECONNREFUSED)) "
		     "on stderr; it says otherwise");
}
END_TEST

START_TEST(client_gives_up_without_reply)
{
	struct fake_server s = fake_server(), mute = fake_server();
	struct run_opts o = { .stdin_file = input_file("hello\n") };
	struct proc *silenced, *cli;
	struct sockaddr_in from;
	const char *timeout = num_text(ms(300));
	char want[64];

	/* Two clients at once, so that their waits overlap: one whose
	 * "hello" is never answered, one whose BYE is not. */
	silenced = run("client", &o, "-t", "200", "127.0.0.1", mute.port, NULL);
	cli = run("client", &o, "-t", timeout, "127.0.0.1", s.port, NULL);
	serve(silenced, &mute, "hello", NULL, &from, true);
	step("the test's server on %s does not answer", sa_text(&mute.addr));
	serve(cli, &s, "hello", "HELLO", &from, true);
	expect_exit(silenced, 1, ms(2000), "no reply within -t 200 ms");
	snprintf(want, sizeof want, "no reply from %s within 200 ms",
	         sa_text(&mute.addr));
	if (!stderr_has(silenced, want))
		fail(silenced, "expected \"%s\" on stderr; it says otherwise", want);

	/* The answer to BYE is awaited like any other. */
	serve(cli, &s, "BYE", NULL, &from, false);
	step("the test's server does not answer BYE");
	expect_exit(cli, 1, ms(2000), "at EOF the client sends BYE and waits up "
	            "to -t for the server's BYE, like for any reply: none came");
	snprintf(want, sizeof want, "no reply from %s within %s ms",
	         sa_text(&s.addr), timeout);
	if (!stderr_has(cli, want))
		fail(cli, "expected \"%s\" on stderr (BYE was not answered); it "
		     "says otherwise", want);
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

/* The client's next datagram must be BYE, WHY it ends the session
 * (the client just failed); nothing answers it. */
static void expect_bye_from(struct proc *cli, struct fake_server *s,
                            struct sockaddr_in *from, const char *why)
{
	char hint[300];

	snprintf(hint, sizeof hint, "after %s it must end the session it "
	         "opened, or the server refuses everyone else for its idle "
	         "limit", why);
	serve_hint = hint;
	serve(cli, s, "BYE", NULL, from, false);
	serve_hint = NULL;
}

/* Once the client has exited: nothing more from it on S. */
static void expect_nothing_more(struct proc *cli, struct fake_server *s,
                                const char *after)
{
	char buf[MAX_PAYLOAD];
	ssize_t n;

	if (!udp_pending(s->fd))
		return;
	n = udp_recv(s->fd, buf, sizeof buf, NULL, 0);
	fail(cli, "expected nothing more from the client after %s; it sent %s",
	     after, quote(buf, n < 0 ? 0 : (size_t)n, 60));
}

/* The test's server is busy: its socket, on 127.0.0.1, is connected to
 * another peer of the test's, as the lab's server's is in a session.
 * The kernel refuses the client for it, as for a port nobody listens on:
 * the client must say it may be either, at once. */
START_TEST(client_refused_by_busy_server_says_so)
{
	struct fake_server s = fake_server();
	int other = udp_open("127.0.0.1");
	struct sockaddr_in peer = udp_local(other);
	struct run_opts o = { .stdin_file = input_file("anyone?\n") };
	const char *timeout = num_text(ms(5000));
	char want[128];
	struct proc *cli;

	ck_assert(connect(s.fd, (struct sockaddr *)&peer, sizeof peer) == 0);
	step("the test's server socket is in a session: connected to %s, as "
	     "the lab's server is to its peer", sa_text(&peer));
	cli = run("client", &o, "-t", timeout, "127.0.0.1", s.port, NULL);
	expect_exit_1_at_once(cli, timeout, "be refused at once (the server's "
	                      "kernel answers anyone but the session's peer with "
	                      "ICMP \"port unreachable\")", " - the ECONNREFUSED "
	                      "comes back on the read() (TODO 10)", "refused: a "
	                      "runtime failure");
	snprintf(want, sizeof want, "refused: no server at %s, or it is busy "
	         "with another client", sa_text(&s.addr));
	if (!stderr_has(cli, want))
		fail(cli, "expected \"client: %s: %s\" on stderr: a busy server "
		     "refuses exactly as no server does, and the message must not "
		     "send the user looking for a dead one: exchange() returns -1 "
		     "with errno ECONNREFUSED (TODO 10), and client.c's report() "
		     "words it",
		     want, strerror(ECONNREFUSED));
	if (udp_pending(s.fd))
		fail(cli, "expected the client's datagram never to reach the busy "
		     "server's socket; it did");
}
END_TEST

/* The server answers the first line, then its port closes: the second
 * line is refused.  Exit 1 at once, saying the server went away. */
START_TEST(client_reports_server_gone_mid_session)
{
	struct fake_server s = fake_server();
	struct run_opts o = { .stdin_pipe = true };
	const char *timeout = num_text(ms(5000));
	struct sockaddr_in from;
	struct proc *cli;

	cli = run("client", &o, "-t", timeout, "127.0.0.1", s.port, NULL);
	/* The second line goes in only once the port is closed: sent
	 * before, it would wait in the closed socket's queue, unrefused. */
	ck_assert(write_fully(cli->in, "one\n", 4, ms(1000)) == 0);
	serve(cli, &s, "one", "ONE", &from, true);
	close(s.fd);
	step("the test's server closed its socket: the port is refused now");
	ck_assert(write_fully(cli->in, "two\n", 4, ms(1000)) == 0);
	close(cli->in);
	cli->in = -1;
	step("the client's next input line is \"two\", then end of input");
	expect_exit_1_at_once(cli, timeout, "stop at once when \"two\" is "
	                      "refused (ECONNREFUSED on the read(), TODO 10)", "",
	                      "the server went away mid-session");
	expect_stdout(cli, "ONE\n", NULL);
	if (!stderr_has(cli, strerror(ECONNREFUSED))
	    || !stderr_has(cli, "went away"))
		fail(cli, "expected \"client: refused: the server at %s went "
		     "away, or ended our session ...: %s\" on stderr: once the "
		     "server has answered, a refusal means it is gone (or gave our "
		     "session to another client), not that it was never there "
		     "(exchange() returns ECONNREFUSED, TODO 10; client.c's "
		     "report() words it)", sa_text(&s.addr),
		     strerror(ECONNREFUSED));
}
END_TEST

/* The client fails once its session is open: a reply that does not come,
 * a line longer than a datagram holds.  Either way it must end the
 * session with BYE before it exits 1. */
START_TEST(client_ends_session_when_it_fails)
{
	static char input[70000 + 64];
	struct fake_server s = fake_server(), mute = fake_server();
	struct run_opts o = { .stdin_file = input_file("hello\nmore\n") };
	struct sockaddr_in from;
	struct proc *cli;

	cli = run("client", &o, "-t", "200", "127.0.0.1", mute.port, NULL);
	serve(cli, &mute, "hello", NULL, &from, true);
	step("the test's server on %s does not answer", sa_text(&mute.addr));
	expect_bye_from(cli, &mute, &from, "no reply within -t 200 ms");
	expect_exit(cli, 1, ms(2000), "no reply within -t 200 ms");
	expect_nothing_more(cli, &mute, "its BYE");

	memset(input, 'x', sizeof input);
	memcpy(input, "hello\n", 6);
	memcpy(input + 6 + 70000, "\nmore\n", 7);
	input[6 + 70000 + 7] = '\0';
	o.stdin_file = input_file(input);
	cli = run("client", &o, "127.0.0.1", s.port, NULL);
	step("its 2nd line is 70000 bytes: more than a datagram holds "
	     "(write() fails with EMSGSIZE)");
	serve(cli, &s, "hello", "HELLO", &from, true);
	expect_bye_from(cli, &s, &from, "a line it could not send");
	expect_exit(cli, 1, ms(2000), "a line longer than a datagram holds");
	expect_nothing_more(cli, &s, "its BYE");
	if (!stderr_has(cli, strerror(EMSGSIZE)))
		fail(cli, "expected the client to say why it stopped: \"%s\" "
		     "(EMSGSIZE from write()); its stderr does not",
		     strerror(EMSGSIZE));
}
END_TEST

/* stdout is a pipe whose reader has gone ("client ... | head -n1"): the
 * client must say so, end its session with BYE and exit 1, not die of
 * SIGPIPE with the session left open. */
START_TEST(client_survives_closed_stdout)
{
	struct fake_server s = fake_server();
	struct run_opts o = { .stdin_file = input_file("one\ntwo\n"),
	                      .stdout_pipe = true };
	struct sockaddr_in from;
	struct proc *cli;

	cli = run("client", &o, "127.0.0.1", s.port, NULL);
	close_stdout(cli);
	serve(cli, &s, "one", "ONE", &from, true);
	expect_bye_from(cli, &s, &from, "it could not print the reply (EPIPE; "
	                "ignore SIGPIPE, signal(SIGPIPE, SIG_IGN), or it kills "
	                "the client first)");
	expect_exit(cli, 1, ms(2000), "printing the reply failed (EPIPE)");
	expect_nothing_more(cli, &s, "its BYE");
	expect_epipe_reported(cli);
}
END_TEST

/* A line that is exactly BYE: sent, it would end the session, and the
 * next line would open another.  The client must not send it: it ends
 * the session with BYE, sends nothing after, and exits 1 saying so. */
START_TEST(client_refuses_line_bye)
{
	struct fake_server s = fake_server();
	struct run_opts o = { .stdin_file = input_file("one\nBYE\ntwo\n") };
	struct sockaddr_in from;
	struct proc *cli;

	cli = run("client", &o, "127.0.0.1", s.port, NULL);
	serve(cli, &s, "one", "ONE", &from, true);
	step("the client's next input line is \"BYE\", then \"two\"");
	serve(cli, &s, "BYE", "BYE", &from, false);
	expect_exit(cli, 1, ms(2000), "the line BYE cannot be sent as data: "
	            "the client stops there, ends the session, and exits 1");
	expect_nothing_more(cli, &s, "the BYE that ended the session (a line "
	                    "BYE sent as data ends the session, and the next "
	                    "line opens another: stop at it instead)");
	expect_stdout(cli, "ONE\n", "the server's BYE is not printed");
	if (!stderr_has(cli, "BYE"))
		fail(cli, "expected the client to say on stderr that it did not "
		     "send the line \"BYE\"; its stderr does not mention BYE");
}
END_TEST

/* ---- under the dgram shim: what the wire alone does not show ---------------- */
/*
 * On Linux a reply sent with sendto() and the peer's address on a
 * connected socket arrives all the same, and a BYE answered before the
 * association is dissolved costs only a next peer quick enough to send
 * in between.  Under the dgram shim the first sends nothing (EISCONN)
 * and the second leaves the socket connected for a pause after the BYE
 * went out (next_peer_sending_at_once_is_served is that next peer): the
 * test sees both from outside.
 */

START_TEST(server_replies_on_connected_socket)
{
	static const char *const msg[] = { "hello", "again" };
	static const char *const want[] = { "HELLO", "AGAIN" };
	static const char second_hint[] = "the first datagram of a second "
		"session, from another host: was the first session's association "
		"dissolved (connect(2) to AF_UNSPEC, TODO 6)?";
	struct sockaddr_in srv_addr;
	struct proc *srv = start_shimmed_server(&srv_addr, true);

	for (int s = 0; s < 2; s++) {
		int peer = udp_open(s == 0 ? "127.0.0.1" : "127.0.0.2");
		struct sockaddr_in me = udp_local(peer);
		char when[64];

		for (int i = 0; i < 2; i++) {
			expect_echo(srv, peer, &srv_addr, msg[i], want[i],
			            s == 1 && i == 0 ? second_hint : eisconn_hint);
			snprintf(when, sizeof when, "the moment its reply to \"%s\" "
			         "arrived", msg[i]);
			expect_peer(srv, &srv_addr, &me, when, NULL, "connect(2) the "
			            "socket to the sender of the session's first "
			            "datagram (TODO 3) before answering it, then reply "
			            "on the connected socket (TODO 4)");
		}
		/* BYE's answer is bye_is_answered_after_dissolving's. */
		udp_send(peer, "BYE", 3, &srv_addr);
		step("sent \"BYE\" from %s", sa_text(&me));
		expect_session_log(srv, peer, "ended", "BYE ends the session");
	}
}
END_TEST

START_TEST(bye_is_answered_after_dissolving)
{
	struct sockaddr_in srv_addr;
	struct proc *srv = start_shimmed_server(&srv_addr, false);

	for (int s = 0; s < 2; s++) {
		int peer = udp_open(s == 0 ? "127.0.0.1" : "127.0.0.2");

		expect_echo(srv, peer, &srv_addr, "hello", "HELLO", NULL);
		expect_echo(srv, peer, &srv_addr, "BYE", "BYE", "dissolve first "
		            "(TODO 6), then answer BYE with sendto() and the old "
		            "peer's address (TODO 7)");
		expect_no_peer(srv, &srv_addr, 0, "the moment its answer to BYE "
		               "arrived", NULL, "dissolve the association "
		               "(connect(2) to AF_UNSPEC, TODO 6) before BYE is "
		               "answered (TODO 7): a next peer that sends the moment "
		               "it sees BYE is dropped by the kernel while the socket "
		               "is still connected to the old peer");
	}
}
END_TEST

/* The client's socket must be connected to the server when its first
 * datagram arrives (the pause keeps it as it was when it went out), and
 * lines go out without an address (sendto() with one fails: EISCONN). */
START_TEST(client_socket_is_connected_to_server)
{
	struct fake_server s = fake_server();
	struct run_opts o = shim(true);
	struct sockaddr_in from;
	struct proc *cli;

	o.stdin_file = input_file("one\ntwo\n");
	cli = run("client", &o, "127.0.0.1", s.port, NULL);
	step("the client runs under the test's shim: sendto() with an address "
	     "on a connected socket fails with EISCONN, and the client pauses "
	     "%d ms after each datagram it sends", ms(SHIM_PAUSE_MS));
	serve_hint = "connect(2) the socket to the server (TODO 9), then "
	             "write() each line without an address (TODO 10): the test "
	             "runs the client where sendto() with an address on a "
	             "connected socket fails with EISCONN, as POSIX allows and "
	             "the BSDs do (Linux sends it all the same)";
	serve(cli, &s, "one", NULL, &from, true);
	serve_hint = NULL;
	expect_peer(cli, &from, &s.addr, "the moment its first datagram "
	            "arrived (it came from there)", NULL, "connect(2) the "
	            "client's socket to the server (TODO 9) before its first "
	            "datagram, and write() on it (TODO 10)");
	answer(&s, &from, "ONE", 3);
	serve(cli, &s, "two", "TWO", &from, false);
	serve(cli, &s, "BYE", "BYE", &from, false);
	expect_exit(cli, 0, ms(2000), "every line answered and BYE returned");
	expect_stdout(cli, "ONE\nTWO\n", NULL);
}
END_TEST

/* ---- the table --------------------------------------------------------------- */

const struct graded_test lab_tests[] = {
	{ &server_socket_is_udp_on_loopback, 3, 3, "TODO 1 in bind.c (socket, bind)",
	  "seen from outside, the server holds an AF_INET SOCK_DGRAM socket bound to 127.0.0.1:PORT, or to -a 127.0.0.2", "1" },
	{ &server_socket_has_peer_only_in_session, 4, 3, "TODO 3, 6 and 8 (connect_peer, dissolve, find_free_port)",
	  "-p 0, seen from outside: no peer between sessions, the peer during one, none after BYE, the port kept", "1-8" },
	{ &server_replies_on_connected_socket, 4, 3, "TODO 3-4 in session.c (connect_peer, session_send)",
	  "each reply arrives with the socket already connected to its peer; no address given (sendto() with one: EISCONN)", "1-6" },
	{ &bye_is_answered_after_dissolving, 3, 3, "TODO 6-7 in session.c (dissolve, send_bye)",
	  "when BYE's answer arrives the socket has no peer: dissolved first, then sendto() to the old peer", "1-7" },
	{ &ready_line_has_real_port, 3, 10, "TODO 8 in bind.c (find_free_port: the port, as getsockname() gives it)",
	  "-p 0: the ready line gives 127.0.0.1 and the real port, which answers", "1-4, 8" },
	{ &first_datagram_is_answered, 4, 3, "TODO 2-4 in session.c",
	  "the first datagram opens a session, is answered and logged", "1-4" },
	{ &session_serves_only_its_peer, 5, 3, "TODO 3 in session.c (connect_peer)",
	  "a stranger mid-session (127.0.0.2), its BYE included, gets nothing", "1-7" },
	{ &bye_is_answered_and_ends_session, 4, 3, "TODO 5-7 in session.c",
	  "BYE gets BYE; the end is logged with the datagram count", "1-7" },
	{ &first_datagram_bye_opens_and_closes, 3, 3, "TODO 6-7 in session.c",
	  "a first datagram BYE opens and closes a session", "1-3, 6-7" },
	{ &next_peer_is_served_after_bye, 4, 3, "TODO 6 in session.c (dissolve)",
	  "after one peer's BYE, a peer on another host is served", "1-7" },
	{ &next_peer_sending_at_once_is_served, 4, 4, "TODO 7 in session.c (send_bye)",
	  "a next peer that sends the moment it sees BYE is served, 3 times, the server pausing after each send", "1-7" },
	{ &announced_port_survives_sessions, 4, 3, "TODO 8 in bind.c (find_free_port)",
	  "-p 0: the announced port serves a second and third session", "1-8" },
	{ &idle_peer_is_dropped, 4, 3, "TODO 5-6 in session.c (deadline, dissolve); server.c (-i default)",
	  "-i 240: sending every 50 ms keeps a session, silence ends it (no peer after); without -i a 600 ms pause does not", "1-7" },
	{ &queued_stranger_is_discarded, 4, 3, "TODO 5 in session.c (check the sender)",
	  "a stranger's datagram queued before connect() is discarded, not counted", "1-7" },
	{ &zero_length_datagram_in_session, 3, 3, "TODO 4-5 in session.c; server.c (the first datagram)",
	  "a zero-length datagram, first or in a session, gets a zero-length reply; 65507 bytes come back whole", "1-7" },
	{ &closed_peer_port_ends_session, 3, 3, "TODO 5 in session.c (ECONNREFUSED)",
	  "the peer's port closes: ECONNREFUSED ends the session at once", "1-6" },
	{ &port_in_use_exits_1, 2, 3, "TODO 1 in bind.c (bind's error)",
	  "a port in use: exit 1 with the bind error", "1" },
	{ &bad_arguments_exit_2, 2, 5, "server.c / client.c (argument checks)",
	  "bad address, port, idle time, option or operands: usage, exit 2", NULL },
	{ &help_prints_usage, 2, 3, "server.c / client.c (--help)",
	  "--help: the usage on stdout, exit 0, for the server and the client", NULL },
	{ &sigterm_exits_0, 2, 3, "server.c and TODO 5 (wait_fd)",
	  "SIGTERM idle and SIGINT mid-session: exit 0 at once", "1-5" },
	{ &client_sends_lines_and_bye, 4, 4, "TODO 9-10 in talk.c",
	  "each line one datagram from one socket, each reply (65507 bytes too) one line, BYE at EOF", "9-10" },
	{ &client_socket_is_connected_to_server, 2, 3, "TODO 9-10 in talk.c (connect, write)",
	  "the client's socket is connected to the server when its first datagram arrives; no address given (sendto() with one: EISCONN)", "9-10" },
	{ &client_never_sees_strangers, 3, 4, "TODO 9 in talk.c (connect)",
	  "datagrams from other ports and hosts never reach the client", "9-10" },
	{ &client_without_server_is_refused_promptly, 4, 4, "TODO 10 in talk.c (ECONNREFUSED)",
	  "no server: \"Connection refused\", exit 1, long before -t", "9-10" },
	{ &client_refused_by_busy_server_says_so, 4, 4, "TODO 10 in talk.c (ECONNREFUSED); client.c (report)",
	  "a server busy with another peer (its socket connected elsewhere): \"refused: no server at ADDRESS, or it is busy with another client\", exit 1 at once", "9-10" },
	{ &client_reports_server_gone_mid_session, 3, 4, "TODO 10 in talk.c (ECONNREFUSED); client.c (report)",
	  "the server's port closes after one reply: exit 1 at once, saying the server went away", "9-10" },
	{ &client_ends_session_when_it_fails, 4, 4, "TODO 10 in talk.c (ETIMEDOUT, EMSGSIZE); client.c (abandon)",
	  "no reply within -t, or a 70000-byte line: BYE sent before exit 1, nothing after it", "9-10" },
	{ &client_survives_closed_stdout, 3, 4, "TODO 10 in talk.c; client.c (SIGPIPE, abandon)",
	  "stdout a pipe nobody reads: BYE, then exit 1 naming EPIPE, never killed by SIGPIPE", "9-10" },
	{ &client_refuses_line_bye, 3, 4, "TODO 10 in talk.c; client.c (a line BYE)",
	  "a stdin line BYE is not sent as data: the session ended with BYE, nothing after it, exit 1", "9-10" },
	{ &client_gives_up_without_reply, 3, 4, "TODO 10 in talk.c (poll timeout); client.c (BYE)",
	  "no reply within -t, to a line or to BYE: exit 1, \"no reply from ADDRESS within MS ms\"; a wrong answer to BYE: exit 1", "9-10" },
};
const size_t lab_ntests = sizeof lab_tests / sizeof lab_tests[0];
const char lab_title[] = "connected-datagram";

/* ---- the robustness suite's view of the server (robust.h) --------------------- */

/* Sessions end after 300 ms of silence: an attacker that went quiet
 * does not hold the server for 5 s. */
static struct proc *robust_start(struct sockaddr_storage *addr, socklen_t *len)
{
	*len = sizeof(struct sockaddr_in);
	return start_server(NULL, (struct sockaddr_in *)addr, "300");
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
	.needs = "1-8",
};
