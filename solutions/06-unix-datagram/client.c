/*
 * client.c - lab 06: lines to the UNIX datagram uppercase server.
 *
 * Usage: client [-p] [-t MS] SOCKET_PATH
 *
 * Binds an address of its own (an abstract name; with -p, a socket file
 * in $TMPDIR, removed again on the way out), then sends each line of
 * stdin as one datagram to the server at SOCKET_PATH and prints each
 * answer as a line.  No answer within MS milliseconds (default 2000):
 * exit 1, saying so.  --help: this usage on stdout, exit 0.
 *
 *     printf 'hello\nworld\n' | ./client /tmp/ud.sock   # HELLO, WORLD
 */
#include "unix_dgram.h"

#include "common.h"
#include "inet.h"       /* parse_ms() */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define USAGE "[-p] [-t MS] SOCKET_PATH"
#define DEFAULT_TIMEOUT_MS 2000

/* What we bound: the signal handler and atexit() remove it; and the
 * socket, which the handler closes too. */
static struct own_address me;
static int sock = -1;

/* The signals that end a program from outside, and that we can catch:
 * not SIGKILL (nothing can run after it: the file stays, dead, until
 * someone finds it stale). */
static const int ending[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM };

static void remove_at_exit(void)
{
	remove_own_address(&me);
}

/* Remove the file and close the socket (nothing left open: valgrind
 * --track-fds looks), then die of the same signal, as we would have
 * without the handler: whoever sent it sees us killed by it.
 * SA_RESETHAND has put the default action back; raise() delivers it once
 * we return.  Only async-signal-safe calls here (signal-safety(7)). */
static void remove_and_die(int sig)
{
	remove_own_address(&me);
	if (sock >= 0)
		close(sock);
	raise(sig);
}

/* Bind our own address with the ending signals blocked: one that landed
 * between bind() and the moment ME says there is a file would leave it
 * behind. */
static void bind_and_guard(int fd, bool pathname)
{
	struct sigaction sa;
	sigset_t block, old;

	sigemptyset(&block);
	for (size_t i = 0; i < sizeof ending / sizeof ending[0]; i++)
		sigaddset(&block, ending[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = remove_and_die;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof ending / sizeof ending[0]; i++)
		sigaction(ending[i], &sa, NULL);
	atexit(remove_at_exit);
	if (bind_own_address(fd, pathname, &me) < 0) {
		int err = errno;

		close(fd);      /* nothing left open on the way out */
		sock = -1;
		errno = err;
		if (errno == ENOSYS)
			die_msg("bind_own_address: TODO %d is not written yet",
			        pathname ? 6 : 5);
		if (pathname)
			die("bind a socket file of its own in %s (-p)",
			    getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
			                                          : "/tmp");
		die("bind an abstract name of its own");
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(int argc, char *argv[])
{
	static char answer[DGRAM_MAX];
	struct sockaddr_un server;
	socklen_t server_len;
	char where[ADDR_STRLEN], *line = NULL;
	size_t cap = 0;
	bool pathname = false;
	int timeout_ms = DEFAULT_TIMEOUT_MS, opt, fd, status = 0;
	unsigned long lineno = 0;
	struct timeval tv;
	ssize_t len;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	/* stdout may be a pipe whose reader has gone: without this, SIGPIPE
	 * would kill us before we removed our socket file. */
	signal(SIGPIPE, SIG_IGN);
	help_if_asked(argc, argv, USAGE, NULL);
	while ((opt = getopt(argc, argv, ":pt:")) != -1) {
		if (opt == 'p')
			pathname = true;
		else if (opt == 't') {
			if (parse_ms(optarg, &timeout_ms) < 0)
				die_usage(USAGE, "-t: not a time in ms (1-%d): '%s'",
				          MAX_TIMEOUT_MS, optarg);
		} else {
			die_bad_option(USAGE, opt);
		}
	}
	if (argc - optind != 1)
		die_usage(USAGE, argc - optind < 1 ? "missing SOCKET_PATH"
		                                   : "too many operands");
	if (argv[optind][0] == '\0')
		die_usage(USAGE, "SOCKET_PATH is empty");
	if (unix_addr(argv[optind], &server, &server_len) < 0)
		die_usage(USAGE, "SOCKET_PATH longer than %zu bytes",
		          UNIX_PATH_MAX_LEN);
	format_addr((struct sockaddr *)&server, server_len, where);

	fd = sock = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	bind_and_guard(fd, pathname);
	/* A server whose queue is full makes sendto() wait for room (UNIX
	 * datagrams are not dropped); SO_SNDTIMEO bounds that wait, after
	 * which sendto() fails with EAGAIN.  socket(7). */
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
		die("setsockopt SO_SNDTIMEO");

	/* getline(): a line of any length, NUL bytes included (LEN counts
	 * them); it is data, not a string. */
	while (status == 0 && (len = getline(&line, &cap, stdin)) >= 0) {
		ssize_t n;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		if ((size_t)len > DGRAM_MAX) {
			warn_msg("line %lu: %zd bytes, more than the %d one datagram "
			         "carries here", lineno, len, DGRAM_MAX);
			status = 1;
		} else if (send_line(fd, line, (size_t)len, &server, server_len) < 0) {
			if (errno == ENOSYS)
				warn_msg("send_line: TODO 8 is not written yet");
			else if (errno == EAGAIN)
				warn_msg("sending to %s: its queue stayed full for %d ms",
				         where, timeout_ms);
			else
				warn("sending to %s", where);
			status = 1;
		} else if ((n = await_answer(fd, answer, sizeof answer, &server,
		                             server_len, timeout_ms)) < 0) {
			if (errno == ENOSYS)
				warn_msg("await_answer: TODO 9 is not written yet");
			else if (errno == ETIMEDOUT)
				warn_msg("no answer from %s within %d ms", where,
				         timeout_ms);
			else
				warn("waiting for the answer from %s", where);
			status = 1;
		} else if (write_all(STDOUT_FILENO, answer, (size_t)n) < 0
		           || write_all(STDOUT_FILENO, "\n", 1) < 0) {
			warn("writing stdout");
			status = 1;
		}
	}
	if (status == 0 && ferror(stdin)) {
		warn("reading stdin");
		status = 1;
	}
	free(line);
	close(fd);
	return status;          /* atexit: our socket file goes */
}
