/*
 * client.c - lab 01: send stdin to the file-drop server.
 *
 * Usage: client [-t MS] SOCKET_PATH
 *
 * Connects to the server at SOCKET_PATH, sends everything on stdin (any
 * bytes, any size), half-closes, and reads the receipt.  Exits 0 if the
 * receipt confirms every byte sent, 1 otherwise, and 1 when the server
 * takes no data, or sends no receipt, for MS milliseconds (default
 * 30000).
 *
 *     ./client /tmp/drop.sock < some-file
 */
#include "unix_stream.h"

#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define USAGE "[-t MS] SOCKET_PATH"
#define DEFAULT_TIMEOUT_MS 30000

/* The options and the one operand, SOCKET_PATH; exit 2 on bad ones. */
static const char *parse_args(int argc, char *argv[], int *timeout_ms)
{
	unsigned long ms = DEFAULT_TIMEOUT_MS;
	const char *path;
	int opt;

	help_if_asked(argc, argv, USAGE, NULL);
	while ((opt = getopt(argc, argv, ":t:")) != -1) {
		if (opt != 't')
			die_bad_option(USAGE, opt);
		if (parse_number(optarg, 1, INT_MAX, &ms) < 0)
			die_usage(USAGE, "-t: not a time in ms: '%s'", optarg);
	}
	if (argc - optind != 1)
		die_usage(USAGE, argc - optind < 1 ? "missing SOCKET_PATH"
		                                   : "too many operands");
	path = argv[optind];
	if (path[0] == '\0')       /* connect(2) would say ENOENT: unclear */
		die_usage(USAGE, "SOCKET_PATH is empty");
	if (strlen(path) > UNIX_PATH_MAX_LEN)
		die_usage(USAGE, "SOCKET_PATH longer than %zu bytes",
		          UNIX_PATH_MAX_LEN);
	*timeout_ms = (int)ms;
	return path;
}

int main(int argc, char *argv[])
{
	uint64_t sent, received;
	const char *path;
	int sock, timeout_ms;
	struct timeval limit;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	path = parse_args(argc, argv, &timeout_ms);

	/* A server that dies mid-transfer makes our write fail.  Ignoring
	 * SIGPIPE turns that from a silent death into an EPIPE we report. */
	signal(SIGPIPE, SIG_IGN);

	sock = unix_connect(path);
	if (sock < 0)
		die("connect unix:%s", path);
	/* A server that stops reading lets the socket buffer fill, and
	 * write(2) would then block for ever.  SO_SNDTIMEO (socket(7)) makes
	 * a write that can send nothing for that long fail with EAGAIN. */
	limit.tv_sec = timeout_ms / 1000;
	limit.tv_usec = (timeout_ms % 1000) * 1000;
	if (setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) < 0)
		die("setsockopt SO_SNDTIMEO");
	/* From here on, every way out closes SOCK first: nothing the
	 * program opened is left for exit() to close. */
	if (send_file(sock, STDIN_FILENO, &sent) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			warn_msg("unix:%s took no data for %d ms: giving up "
			         "after sending %" PRIu64 " bytes", path,
			         timeout_ms, sent);
		else
			warn("copying stdin to unix:%s", path);
		close(sock);
		return 1;
	}
	if (read_receipt(sock, timeout_ms, &received) < 0) {
		if (errno == ETIMEDOUT)
			warn_msg("no receipt from unix:%s within %d ms of sending "
			         "%" PRIu64 " bytes", path, timeout_ms, sent);
		else if (errno != 0)
			warn("reading the receipt from unix:%s", path);
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
