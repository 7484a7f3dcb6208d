/*
 * server.c - lab 01: a file drop over a UNIX-domain stream socket.
 *
 * Usage: server [-n COUNT] [-i IDLE_MS] SOCKET_PATH
 *
 * Listens on SOCKET_PATH and serves clients one after another: copies
 * everything a client sends to stdout, then answers "OK <bytes>\n".  A
 * client silent for IDLE_MS (default 30000) is dropped.  Stops after
 * COUNT clients, or on Ctrl-C / SIGTERM, removing its socket file.  Try
 * it, in two terminals:
 *
 *     ./server /tmp/drop.sock > received
 *     ./client /tmp/drop.sock < some-file      # prints nothing, exits 0
 */
#include "unix_stream.h"

#include "common.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define USAGE "[-n COUNT] [-i IDLE_MS] SOCKET_PATH"
#define DEFAULT_IDLE_MS 30000

/* Remove the socket file at exit, but only if it is still the one we
 * created: another server may have replaced it since. */
static void remove_own_socket(const char *path, const struct stat *ours)
{
	struct stat now;

	if (lstat(path, &now) == 0 && now.st_dev == ours->st_dev
	    && now.st_ino == ours->st_ino)
		unlink(path);
}

/* What the server does after a client. */
enum after_client { NEXT_CLIENT, STOP, STOP_FAILED };

/* Serve one client on SOCK: its bytes to stdout, then the receipt. */
static enum after_client serve_client(int sock, unsigned long number,
                                      int idle_ms)
{
	uint64_t bytes, unwritten;

	switch (receive_file(sock, STDOUT_FILENO, idle_ms, &bytes, &unwritten)) {
	case DROP_DONE:
		if (send_receipt(sock, bytes) < 0)
			log_line("client %lu: no receipt sent: %s", number,
			         strerror(errno));
		log_line("client %lu: %llu bytes", number,
		         (unsigned long long)bytes);
		return NEXT_CLIENT;
	case DROP_CLIENT_LOST:
		log_line("client %lu: connection lost after %llu bytes: %s",
		         number, (unsigned long long)bytes, strerror(errno));
		return NEXT_CLIENT;
	case DROP_IDLE:
		log_line("client %lu: silent for %d ms, dropped after %llu "
		         "bytes, no receipt", number, idle_ms,
		         (unsigned long long)bytes);
		return NEXT_CLIENT;
	case DROP_STOPPED:
		log_line("client %lu: stopped after %llu bytes, no receipt",
		         number, (unsigned long long)bytes);
		return STOP;
	case DROP_OUTPUT_FAILED:
	default:
		/* Not the client's fault: the server cannot deliver.  It
		 * stops, but cleans up first (main), like on SIGTERM. */
		if (errno == ETIMEDOUT)     /* stopped, and stdout stuck */
			log_line("stopped with stdout blocked: %llu bytes not "
			         "written", (unsigned long long)unwritten);
		else
			warn("writing stdout (%llu bytes not written)",
			     (unsigned long long)unwritten);
		return STOP_FAILED;
	}
}

/* unix_listen(), or exit 1 saying why the path was not taken. */
static int listen_or_die(const char *path, bool *replaced)
{
	int fd = unix_listen(path, replaced);

	if (fd >= 0)
		return fd;
	if (errno == ENOTSOCK)
		die_msg("%s exists and is not a socket: not removing it", path);
	if (errno == EADDRINUSE)
		die("bind unix:%s: another server is listening there", path);
	if (errno == EPROTOTYPE)
		die("bind unix:%s: a live socket of another type is bound "
		    "there, not removing it", path);
	die("listen on unix:%s", path);
}

int main(int argc, char *argv[])
{
	unsigned long max_clients = 0, served = 0;  /* 0: no limit */
	unsigned long idle_ms = DEFAULT_IDLE_MS;
	enum after_client next = NEXT_CLIENT;
	bool replaced;
	struct stat ours;
	const char *path;
	int opt, listen_fd;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, NULL);
	while ((opt = getopt(argc, argv, ":n:i:")) != -1) {
		if (opt == 'n') {
			if (parse_number(optarg, 1, ULONG_MAX, &max_clients) < 0)
				die_usage(USAGE, "-n: not a count of clients: '%s'",
				          optarg);
		} else if (opt == 'i') {
			if (parse_number(optarg, 1, INT_MAX, &idle_ms) < 0)
				die_usage(USAGE, "-i: not a time in ms: '%s'", optarg);
		} else {
			die_bad_option(USAGE, opt);
		}
	}
	if (argc - optind != 1)
		die_usage(USAGE, argc - optind < 1 ? "missing SOCKET_PATH"
		                                   : "too many operands");
	path = argv[optind];
	if (path[0] == '\0')       /* bind(2) would say ENOENT: unclear */
		die_usage(USAGE, "SOCKET_PATH is empty");
	if (strlen(path) > UNIX_PATH_MAX_LEN)
		die_usage(USAGE, "SOCKET_PATH longer than %zu bytes",
		          UNIX_PATH_MAX_LEN);

	/* A client that closes before reading its receipt makes our write
	 * fail.  By default that raises SIGPIPE, which would kill the server;
	 * ignored, the write returns EPIPE and we log it instead. */
	signal(SIGPIPE, SIG_IGN);
	stop_signals_init();

	listen_fd = listen_or_die(path, &replaced);
	if (lstat(path, &ours) < 0)
		die("%s", path);
	log_line("listening on unix:%s", path);
	if (replaced)
		log_line("replaced stale socket unix:%s", path);

	while (next == NEXT_CLIENT && (max_clients == 0 || served < max_clients)) {
		int sock = accept_client(listen_fd);

		if (sock < 0) {
			if (stop_requested())
				break;
			if (errno == ECONNABORTED || errno == EINTR)
				continue;   /* the client gave up: not our failure */
			if (errno == ENOSYS) {   /* the starter's stub */
				warn_msg("accept_client: TODO 4 is not written yet");
				next = STOP_FAILED;
				break;
			}
			/* EMFILE (too many open files) and the like: a leak or
			 * a tight limit.  Say so and carry on with the next. */
			log_line("accept: %s", strerror(errno));
			continue;
		}
		next = serve_client(sock, ++served, (int)idle_ms);
		close(sock);    /* one fd per client: not closing it leaks */
	}

	close(listen_fd);
	remove_own_socket(path, &ours);
	return next == STOP_FAILED;     /* data not delivered: exit 1 */
}
