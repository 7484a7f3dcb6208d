/*
 * server.c - lab 06: an uppercase echo over a UNIX datagram socket.
 *
 * Usage: server [-n COUNT] SOCKET_PATH
 *
 * Binds an AF_UNIX datagram socket to SOCKET_PATH and answers every
 * datagram with the same bytes, ASCII letters uppercased, sent back to
 * whoever sent it.  Stops after COUNT datagrams, or on Ctrl-C / SIGTERM,
 * removing its socket file.  Try it, in two terminals:
 *
 *     ./server /tmp/ud.sock
 *     ./client /tmp/ud.sock            # type lines, get them uppercased
 *
 * or with a program you did not write (socat binds a name of its own):
 *     socat - UNIX-SENDTO:/tmp/ud.sock,bind=/tmp/me.sock
 */
#include "unix_dgram.h"

#include "common.h"

#include <errno.h>
#include <limits.h>
#include <linux/sockios.h>      /* SIOCOUTQ */
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define USAGE "[-n COUNT] SOCKET_PATH"

/* Remove the socket file at exit, but only if it is still the one we
 * created: another server may have replaced it since. */
static void remove_own_socket(const char *path, const struct stat *ours)
{
	struct stat now;

	if (lstat(path, &now) == 0 && now.st_dev == ours->st_dev
	    && now.st_ino == ours->st_ino)
		unlink(path);
}

/* Why an answer could not be sent on FD (ERR: errno from send_answer()). */
static const char *why_not_sent(int fd, int err)
{
	static char why[120];
	int unread = 0, size = 0;
	socklen_t len = sizeof size;

	if (err == EDESTADDRREQ)
		return "it is unbound, there is no address to answer to";
	if (err != EAGAIN)
		return strerror(err);
	/* A queue is full: the client's, or our own.  Linux charges a UNIX
	 * datagram to its sender until the receiver reads it, so the answers
	 * clients leave unread fill this server's send buffer (SIOCOUTQ says
	 * how much they hold), and then no answer goes out, to anyone, until
	 * those clients read or close.  See unix(7), socket(7). */
	if (ioctl(fd, SIOCOUTQ, &unread) == 0
	    && getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &len) == 0
	    && unread >= size) {
		snprintf(why, sizeof why, "the server's send buffer is full (%d "
		         "bytes of answers not read yet), not waiting", unread);
		return why;
	}
	return "its queue is full (it does not read), not waiting for it";
}

/* Log that the answer to WHERE was not sent (ERR, on FD).  Answers lost
 * to a full queue come in runs (all of a client's that never reads, or
 * everybody's while the send buffer is full): a line for each would
 * flood the log, so at most one a second says so, with a count of the
 * others since the last. */
static void log_no_answer(int fd, const char *where, int err)
{
	static time_t last;
	static unsigned long unlogged;
	time_t now = time(NULL);

	if (err == EAGAIN && now == last) {
		unlogged++;
		return;
	}
	if (err == EAGAIN && unlogged > 0)
		log_line("no answer to %s: %s (and %lu more dropped for a full "
		         "queue since the last such line)", where,
		         why_not_sent(fd, err), unlogged);
	else
		log_line("no answer to %s: %s", where, why_not_sent(fd, err));
	if (err == EAGAIN) {
		last = now;
		unlogged = 0;
	}
}

/* What echo_one() did. */
enum echoed { ECHO_STUB = -1, ECHO_STOP, ECHO_DATAGRAM, ECHO_NOTHING };

/* Take one datagram and answer it.  ECHO_DATAGRAM: one was taken (and
 * answered, or why not logged); ECHO_NOTHING: none after all (or an
 * error, logged); ECHO_STOP: a stop signal arrived; ECHO_STUB: a function
 * it calls is still the starter's stub. */
static enum echoed echo_one(int fd)
{
	/* Room for the largest datagram answered; with MSG_TRUNC the size
	 * receive_datagram() returns says whether it fitted. */
	static char buf[DGRAM_MAX];
	struct sockaddr_un from;
	socklen_t from_len = 0;
	char where[ADDR_STRLEN];
	ssize_t n;

	/* Wait with SIGINT/SIGTERM open (common.h): Ctrl-C while idle ends
	 * the server at once instead of after the next datagram. */
	if (wait_fd(fd, POLLIN, -1) < 0)
		return stop_requested() ? ECHO_STOP : (warn("poll"), ECHO_STUB);
	n = receive_datagram(fd, buf, sizeof buf, &from, &from_len);
	if (n < 0) {
		if (errno == ENOSYS) {  /* the starter's stub */
			warn_msg("receive_datagram: TODO 3 is not written yet");
			return ECHO_STUB;
		}
		/* No client can make the server stop: log and carry on. */
		if (errno != EAGAIN && errno != EINTR)
			log_line("recvfrom: %s", strerror(errno));
		return ECHO_NOTHING;
	}
	/* A sender that never bound has no address.  Linux says so with a
	 * length of 0, leaving FROM as it was (getsockname(2) would say
	 * sizeof(sa_family_t)): either way, nothing after the family. */
	if (from_len <= offsetof(struct sockaddr_un, sun_path))
		snprintf(where, sizeof where, "unix:(unnamed)");
	else
		format_addr((struct sockaddr *)&from, from_len, where);
	if ((size_t)n > sizeof buf) {
		log_line("from %s: %zd bytes, more than the %d this server "
		         "answers: dropped", where, n, DGRAM_MAX);
		return ECHO_DATAGRAM;
	}
	log_line("from %s: %zd bytes", where, n);

	ascii_upper(buf, (size_t)n);
	if (send_answer(fd, buf, (size_t)n, &from, from_len) < 0) {
		if (errno == ENOSYS) {  /* the starter's stub */
			warn_msg("send_answer: TODO 4 is not written yet");
			return ECHO_STUB;
		}
		log_no_answer(fd, where, errno);
	}
	return ECHO_DATAGRAM;
}

/* dgram_server_socket(), or exit 1 saying why the path was not taken. */
static int bind_or_die(const char *path, bool *replaced)
{
	int fd = dgram_server_socket(path, replaced);

	if (fd >= 0)
		return fd;
	if (errno == ENOSYS)            /* the starter's stub */
		die_msg("dgram_server_socket: TODO 1 is not written yet");
	if (errno == ENOTSOCK)
		die_msg("%s exists and is not a socket: not removing it", path);
	if (errno == EADDRINUSE)
		die("bind unix:%s: another server is bound there", path);
	if (errno == EPROTOTYPE)
		die("bind unix:%s: a live socket of another type is bound "
		    "there, not removing it", path);
	die("bind unix:%s", path);
}

int main(int argc, char *argv[])
{
	unsigned long max = 0, count = 0;     /* 0: no limit */
	bool replaced;
	struct stat ours;
	const char *path;
	enum echoed last = ECHO_NOTHING;
	int opt, fd;

	set_progname(argv[0]);
	reserve_std_fds();      /* a closed stdin must not become our socket */
	help_if_asked(argc, argv, USAGE, NULL);
	while ((opt = getopt(argc, argv, ":n:")) != -1) {
		if (opt == 'n') {
			if (parse_number(optarg, 1, ULONG_MAX, &max) < 0)
				die_usage(USAGE, "-n: not a count of datagrams: '%s'",
				          optarg);
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

	stop_signals_init();
	fd = bind_or_die(path, &replaced);
	if (lstat(path, &ours) < 0)
		die("%s", path);
	log_line("listening on unix:%s", path);
	if (replaced)
		log_line("replaced stale socket unix:%s", path);

	while (last > ECHO_STOP && (max == 0 || count < max))
		if ((last = echo_one(fd)) == ECHO_DATAGRAM)
			count++;

	close(fd);
	remove_own_socket(path, &ours);
	return last == ECHO_STUB;
}
