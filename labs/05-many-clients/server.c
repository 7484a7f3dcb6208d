/*
 * server.c - lab 05: a chat server for many clients at once, on poll().
 *
 * Usage: server [-a ADDR] [-p PORT] [-m MAX_CLIENTS] [-q QUEUE_BYTES]
 *               [-i IDLE_MS]
 *        server --help
 *
 * Listens on [ADDR]:PORT (default [::1]:50005) and relays every line a
 * client sends to all the other clients, "[ADDRESS]:PORT: line", with
 * "* ADDRESS joined" and "* ADDRESS left" as they come and go.  One
 * process, one thread, one poll() loop (loop.c): no client waits for
 * another.  The full contract is in chat.h.  Stops on Ctrl-C / SIGTERM.
 * Try it, in three terminals:
 *
 *     ./server                        # listens on [::1]:50005; then:
 *     ./client ::1 50005              # in two terminals: type lines
 */
#include "chat.h"

#include "common.h"
#include "inet.h"       /* parse_ms() */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USAGE "[-a ADDR] [-p PORT] [-m MAX_CLIENTS] [-q QUEUE_BYTES] [-i IDLE_MS]"

/* What --help prints after the usage line (STR: a number's digits). */
#define STR_(x) #x
#define STR(x) STR_(x)
#define ABOUT "Relays every line a client sends to all the other clients.\n" \
	"  -a ADDR         IPv6 address to listen on (default ::1; :: takes\n" \
	"                  IPv4 clients too, as ::ffff:a.b.c.d)\n" \
	"  -p PORT         port (default " STR(DEFAULT_PORT) "; 0: any free port)\n" \
	"  -m MAX_CLIENTS  clients at once (default " STR(DEFAULT_MAX_CLIENTS) ")\n" \
	"  -q QUEUE_BYTES  most bytes queued for a client that is not reading\n" \
	"                  (default " STR(DEFAULT_QUEUE_BYTES) "); past it, the client is dropped\n" \
	"  -i IDLE_MS      drop a client silent that long (default: never)\n"

/* The starter's stubs fail with ENOSYS: say which TODO, not strerror. */
static void die_unless_written(const char *what, const char *todo)
{
	if (errno == ENOSYS)
		die_msg("%s: TODO %s is not written yet", what, todo);
}

int main(int argc, char *argv[])
{
	struct in6_addr addr = in6addr_loopback;    /* ::1, loopback only */
	struct sockaddr_in6 local;
	socklen_t len = sizeof local;
	char text[ADDR_STRLEN];
	unsigned long max_clients = DEFAULT_MAX_CLIENTS;
	unsigned long queue_bytes = DEFAULT_QUEUE_BYTES;
	uint16_t port = DEFAULT_PORT;
	int idle_ms = 0, opt, listen_fd, status;
	struct chat chat;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, ABOUT);
	while ((opt = getopt(argc, argv, ":a:p:m:q:i:")) != -1) {
		switch (opt) {
		case 'a':
			/* 1 for an address, 0 (not -1) for text that is not one */
			if (inet_pton(AF_INET6, optarg, &addr) != 1)
				die_usage(USAGE, "-a: not an IPv6 address: '%s'"
				          " (for IPv4 clients too, use -a ::)",
				          optarg);
			break;
		case 'p':
			if (parse_port(optarg, true, &port) < 0)
				die_usage(USAGE, "-p: not a port (0-65535): '%s'",
				          optarg);
			break;
		case 'm':
			if (parse_number(optarg, 1, MAX_MAX_CLIENTS, &max_clients) < 0)
				die_usage(USAGE, "-m: not a number of clients (1-%d): '%s'",
				          MAX_MAX_CLIENTS, optarg);
			break;
		case 'q':
			if (parse_number(optarg, MIN_QUEUE_BYTES, MAX_QUEUE_BYTES,
			                 &queue_bytes) < 0)
				die_usage(USAGE, "-q: not a queue size (%d-%ld bytes): '%s'",
				          MIN_QUEUE_BYTES, MAX_QUEUE_BYTES, optarg);
			break;
		case 'i':
			if (parse_ms(optarg, &idle_ms) < 0)
				die_usage(USAGE, "-i: not a time in ms (1-%d): '%s'",
				          MAX_TIMEOUT_MS, optarg);
			break;
		default:
			die_bad_option(USAGE, opt);
		}
	}
	if (optind < argc)
		die_usage(USAGE, "unexpected operand '%s'", argv[optind]);

	/* No signal(SIGPIPE, SIG_IGN) needed: every send() says
	 * MSG_NOSIGNAL.  The stop signals are blocked except while the loop
	 * waits (loop.c), so none is lost between two waits. */
	stop_signals_init();

	memset(&local, 0, sizeof local);     /* the address asked, for errors */
	local.sin6_family = AF_INET6;
	local.sin6_addr = addr;
	local.sin6_port = htons(port);
	format_addr((struct sockaddr *)&local, sizeof local, text);

	listen_fd = chat_listen(&addr, port);
	if (listen_fd < 0)
		die("listen on %s", text);
	/* With -p 0 the kernel chose the port: getsockname(2) says which. */
	if (getsockname(listen_fd, (struct sockaddr *)&local, &len) < 0)
		die("getsockname");
	if (chat_init(&chat, listen_fd, max_clients, queue_bytes, idle_ms) < 0)
		die("setting up the chat");
	log_line("listening on %s", format_addr((struct sockaddr *)&local,
	                                        sizeof local, text));

	status = serve(&chat);
	if (status < 0)
		die_unless_written("set_events", "9");
	if (status < 0)
		warn("poll");
	else
		log_line("stopping: closing %zu clients", chat.n);
	chat_free(&chat);
	return status < 0 ? 1 : 0;
}
