/*
 * client.c - lab 01: send stdin to the file-drop server.
 *
 * Usage: client SOCKET_PATH
 *
 * Connects to the server at SOCKET_PATH, sends everything on stdin (any
 * bytes, any size), half-closes, and reads the receipt.  Exits 0 if the
 * receipt confirms every byte sent, 1 otherwise.
 *
 *     ./client /tmp/drop.sock < some-file
 */
#include "unix_stream.h"

#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define USAGE "SOCKET_PATH"

int main(int argc, char *argv[])
{
	uint64_t sent, received;
	const char *path;
	int sock, opt;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	if ((opt = getopt(argc, argv, ":")) != -1)     /* it takes no options */
		die_bad_option(USAGE, opt);
	if (argc - optind != 1)
		die_usage(USAGE, argc - optind < 1 ? "missing SOCKET_PATH"
		                                   : "too many operands");
	path = argv[optind];
	if (strlen(path) > UNIX_PATH_MAX_LEN)
		die_usage(USAGE, "SOCKET_PATH longer than %zu bytes",
		          UNIX_PATH_MAX_LEN);

	/* A server that dies mid-transfer makes our write fail.  Ignoring
	 * SIGPIPE turns that from a silent death into an EPIPE we report. */
	signal(SIGPIPE, SIG_IGN);

	sock = unix_connect(path);
	if (sock < 0)
		die("connect unix:%s", path);
	/* From here on, every way out closes SOCK first: nothing the
	 * program opened is left for exit() to close. */
	if (send_file(sock, STDIN_FILENO, &sent) < 0) {
		warn("copying stdin to unix:%s", path);
		close(sock);
		return 1;
	}
	if (read_receipt(sock, &received) < 0) {
		if (errno != 0)
			warn("reading the receipt");
		else
			warn_msg("no valid receipt from unix:%s after sending %"
			         PRIu64 " bytes", path, sent);
		close(sock);
		return 1;
	}
	close(sock);
	if (received != sent)
		die_msg("receipt says %" PRIu64 " bytes, %" PRIu64 " were sent",
		        received, sent);
	return 0;
}
