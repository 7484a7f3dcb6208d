/*
 * client.c - lab 05: a chat client.
 *
 * Usage: client [-t MS] HOST PORT
 *        client --help
 *
 * Connects to the chat server at HOST (a name, an IPv6 or an IPv4
 * address) and PORT, says which address on stderr, sends the lines you
 * type (or stdin's) and prints what the others say as it comes.  At the
 * end of stdin (Ctrl-D) it half-closes and exits 0 once the server has
 * closed; 1, saying so, if the server closes first or has not closed MS
 * ms (default 5000) after the end of stdin.
 *
 *     ./client ::1 50005
 *     printf 'hello, all\n' | ./client localhost 50005
 */
#include "chat.h"

#include "common.h"
#include "inet.h"       /* parse_ms() */

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define USAGE "[-t MS] HOST PORT"

#define STR_(x) #x
#define STR(x) STR_(x)
#define ABOUT "Chats with the server at HOST (a name, an IPv6 or an IPv4\n" \
	"address) and PORT: sends stdin's lines, prints the others'.\n" \
	"  -t MS  after the end of stdin, wait that long for the server\n" \
	"         to close (default " STR(DEFAULT_WAIT_MS) ")\n"

int main(int argc, char *argv[])
{
	char connected[ADDR_STRLEN];
	const char *host, *port;
	uint16_t number;
	int sock, gai_error, opt, result, err, wait_ms = DEFAULT_WAIT_MS;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, ABOUT);
	while ((opt = getopt(argc, argv, ":t:")) != -1) {
		if (opt != 't')
			die_bad_option(USAGE, opt);
		if (parse_ms(optarg, &wait_ms) < 0)
			die_usage(USAGE, "-t: not a time in ms (1-%d): '%s'",
			          MAX_TIMEOUT_MS, optarg);
	}
	if (argc - optind != 2)
		die_usage(USAGE, argc - optind < 2 ? "missing HOST or PORT"
		                                   : "too many operands");
	host = argv[optind];
	port = argv[optind + 1];
	if (parse_port(port, false, &number) < 0)
		die_usage(USAGE, "not a port (1-65535): '%s'", port);

	sock = connect_to_server(host, port, connected, &gai_error);
	if (sock < 0) {
		if (gai_error == EAI_SYSTEM)
			die("resolving %s", host);
		if (gai_error != 0)
			die_msg("%s: %s", host, gai_strerror(gai_error));
		die_msg("cannot connect to %s port %s: every address failed"
		        " (above)", host, port);
	}
	log_line("connected to %s", connected);

	result = chat_relay(sock, STDIN_FILENO, STDOUT_FILENO, wait_ms);
	err = errno;
	close(sock);    /* nothing left open for exit() to close */
	if (result == 0)
		return 0;
	if (err == ENOSYS)      /* the starter's stubs */
		die_msg("chat_relay: TODO 12 or 13 is not written yet");
	if (err == EPIPE)
		die_msg("the server at %s closed the connection first", connected);
	if (err == ECONNRESET)
		die_msg("connection reset by the server at %s", connected);
	if (err == ETIMEDOUT)
		die_msg("the server at %s did not close within %d ms of the end "
		        "of input", connected, wait_ms);
	errno = err;
	die("chat with %s", connected);
}
