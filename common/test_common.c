/*
 * test_common.c - unit tests of common/, run by `make check`.
 *
 * The I/O loops are tested where they matter: against short counts and
 * EINTR, provoked with a periodic signal whose handler is installed
 * without SA_RESTART (so a blocked write returns early, as on a busy
 * machine), and a reader that drains slowly.
 */
#define _GNU_SOURCE     /* timer_create, pipe2 */
#include "common.h"
#include "inet.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- a storm of signals that interrupt system calls ---------------------- */

static volatile sig_atomic_t interruptions;
static timer_t storm;

static void count_interruption(int sig)
{
	(void)sig;
	interruptions++;
}

/* SIGUSR1 every 200 us, handler without SA_RESTART: blocking calls fail
 * with EINTR or return a short count. */
static void start_storm(void)
{
	struct sigaction sa = { .sa_handler = count_interruption };
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	struct itimerspec every = { { 0, 200000 }, { 0, 200000 } };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, NULL);
	ck_assert(timer_create(CLOCK_MONOTONIC, &ev, &storm) == 0);
	ck_assert(timer_settime(storm, 0, &every, NULL) == 0);
}

static void stop_storm(void)
{
	timer_delete(storm);
	signal(SIGUSR1, SIG_IGN);
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + i / 251);
}

/* ---- write_all / read_retry ----------------------------------------------- */

START_TEST(write_all_survives_short_writes_and_eintr)
{
	size_t len = 8 << 20;
	unsigned char *buf = malloc(len);
	int sv[2], small = 4096;
	pid_t reader;
	int status;

	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(i);
	ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	/* A small buffer: each write() can move only a little at a time. */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	reader = fork();
	if (reader == 0) {  /* checks every byte, in small slow reads */
		unsigned char piece[1000];
		size_t at = 0;
		ssize_t n;

		close(sv[0]);
		while ((n = read(sv[1], piece, sizeof piece)) > 0)
			for (ssize_t i = 0; i < n; i++, at++)
				if (piece[i] != pattern(at))
					_exit(3);
		_exit(at == len ? 0 : 4);
	}
	close(sv[1]);
	start_storm();
	ck_assert_int_eq(write_all(sv[0], buf, len), (ssize_t)len);
	stop_storm();
	close(sv[0]);
	ck_assert(waitpid(reader, &status, 0) == reader);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "the reader saw wrong or missing bytes (status %d)", status);
	ck_assert_msg(interruptions > 0, "the storm never interrupted anything");
	free(buf);
}
END_TEST

/* Read with read_retry() until LEN bytes or end of file: the count. */
static ssize_t read_until(int fd, char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len && (n = read_retry(fd, buf + done, len - done)) > 0)
		done += (size_t)n;
	return (ssize_t)done;
}

START_TEST(read_retry_survives_eintr_until_eof)
{
	int p[2];
	char buf[64];
	pid_t writer;

	ck_assert(pipe(p) == 0);
	writer = fork();
	if (writer == 0) {  /* 10 pieces of 3 bytes, with gaps */
		close(p[0]);
		for (int i = 0; i < 10; i++) {
			if (write(p[1], "abc", 3) != 3)
				_exit(1);
			poll(NULL, 0, 1);
		}
		_exit(0);
	}
	close(p[1]);
	start_storm();
	ck_assert_int_eq(read_until(p[0], buf, 20), 20);
	ck_assert_int_eq(read_until(p[0], buf, sizeof buf), 10);  /* then EOF */
	ck_assert_int_eq(read_until(p[0], buf, sizeof buf), 0);
	stop_storm();
	ck_assert(memcmp(buf, "cabcabcabc", 10) == 0);
	close(p[0]);
	waitpid(writer, NULL, 0);
}
END_TEST

START_TEST(write_all_reports_a_closed_reader)
{
	int p[2];

	signal(SIGPIPE, SIG_IGN);
	ck_assert(pipe(p) == 0);
	close(p[0]);
	errno = 0;
	ck_assert_int_eq(write_all(p[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(p[1]);
}
END_TEST

/* ---- addresses --------------------------------------------------------------- */

START_TEST(format_addr_writes_spec_addresses)
{
	char buf[ADDR_STRLEN];
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(50002) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(50004) };
	struct sockaddr_un un;
	socklen_t len;

	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_str_eq(format_addr((struct sockaddr *)&in, sizeof in, buf),
	                 "127.0.0.1:50002");
	in6.sin6_addr = in6addr_loopback;
	ck_assert_str_eq(format_addr((struct sockaddr *)&in6, sizeof in6, buf),
	                 "[::1]:50004");
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	ck_assert_str_eq(format_addr((struct sockaddr *)&in6, sizeof in6, buf),
	                 "[::ffff:127.0.0.1]:50004");
	ck_assert_int_eq(unix_addr("/tmp/x.sock", &un, &len), 0);
	ck_assert_str_eq(format_addr((struct sockaddr *)&un, len, buf),
	                 "unix:/tmp/x.sock");
	ck_assert_str_eq(format_addr((struct sockaddr *)&un, sizeof(sa_family_t), buf),
	                 "unix:(unnamed)");
	/* An abstract name: its length says where it ends, no NUL. */
	memset(un.sun_path, 0, sizeof un.sun_path);
	memcpy(un.sun_path + 1, "socklab-1-a", 11);
	ck_assert_str_eq(format_addr((struct sockaddr *)&un,
	                             offsetof(struct sockaddr_un, sun_path) + 12, buf),
	                 "unix:@socklab-1-a");
	ck_assert_str_eq(format_addr((struct sockaddr *)&un,
	                             offsetof(struct sockaddr_un, sun_path) + 14, buf),
	                 "unix:@socklab-1-a??");
	/* A full sun_path without its NUL must not be read past. */
	memset(un.sun_path, 'a', sizeof un.sun_path);
	format_addr((struct sockaddr *)&un, sizeof un, buf);
	ck_assert_int_eq(strlen(buf), 5 + sizeof un.sun_path);
}
END_TEST

START_TEST(unix_addr_refuses_paths_that_do_not_fit)
{
	struct sockaddr_un un;
	socklen_t len;
	char path[200];

	memset(path, 'p', sizeof path);
	path[UNIX_PATH_MAX_LEN] = '\0';             /* 107 bytes: fits */
	ck_assert_int_eq(unix_addr(path, &un, &len), 0);
	ck_assert_int_eq(len, offsetof(struct sockaddr_un, sun_path) + 108);
	ck_assert_int_eq(un.sun_path[UNIX_PATH_MAX_LEN], '\0');
	path[UNIX_PATH_MAX_LEN] = 'p';
	path[UNIX_PATH_MAX_LEN + 1] = '\0';         /* 108 bytes: does not */
	errno = 0;
	ck_assert_int_eq(unix_addr(path, &un, &len), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_int_eq(unix_addr("", &un, &len), -1);
}
END_TEST

START_TEST(parse_port_is_strict)
{
	static const char *const bad[] = { "", "abc", "-1", "+1", " 1", "1 ",
		"80x", "65536", "99999999999999999999", "0x10" };
	uint16_t port = 7;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(parse_port(bad[i], true, &port) == -1,
		              "'%s' was accepted", bad[i]);
	ck_assert_int_eq(port, 7);  /* untouched on failure */
	ck_assert_int_eq(parse_port("0", false, &port), -1);
	ck_assert_int_eq(parse_port("0", true, &port), 0);
	ck_assert_int_eq(port, 0);
	ck_assert_int_eq(parse_port("65535", false, &port), 0);
	ck_assert_int_eq(port, 65535);
	ck_assert_int_eq(parse_port("050002", false, &port), 0);
	ck_assert_int_eq(port, 50002);
}
END_TEST

START_TEST(ascii_upper_changes_letters_only)
{
	unsigned char in[] = { 'a', 'z', 'A', '0', 0, 0xe9, 0xff, '{', '`' };
	unsigned char want[] = { 'A', 'Z', 'A', '0', 0, 0xe9, 0xff, '{', '`' };

	ascii_upper(in, sizeof in);
	ck_assert(memcmp(in, want, sizeof in) == 0);
}
END_TEST

/* ---- stopping ------------------------------------------------------------------ */

START_TEST(wait_fd_sees_a_signal_that_came_while_busy)
{
	int p[2];
	struct timespec t0, t1;

	ck_assert(pipe(p) == 0);
	stop_signals_init();
	/* The signal lands while the "server" is busy (not waiting): it must
	 * not be lost, the next wait must return at once. */
	raise(SIGTERM);
	ck_assert(!stop_requested());   /* blocked: still pending */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	ck_assert_int_eq(wait_fd(p[0], POLLIN, 5000), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(errno, EINTR);
	ck_assert(stop_requested());
	ck_assert(t1.tv_sec - t0.tv_sec < 2);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(wait_fd_reports_ready_and_timeout)
{
	int p[2];

	ck_assert(pipe(p) == 0);
	stop_signals_init();
	ck_assert_int_eq(wait_fd(p[0], POLLIN, 10), 0);
	ck_assert(write(p[1], "x", 1) == 1);
	ck_assert_int_eq(wait_fd(p[0], POLLIN, 1000), 1);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* ---- error exits ----------------------------------------------------------------- */

/* Run F in a child with stderr (and stdout) on a pipe; return its status
 * and output. */
static int in_child(void (*f)(void), char *out, size_t size)
{
	int p[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	ck_assert(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 2);
		dup2(p[1], 1);
		f();
		_exit(99);
	}
	close(p[1]);
	while ((n = read(p[0], out + got, size - 1 - (size_t)got)) > 0)
		got += n;
	out[got] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return status;
}

static void call_die(void)
{
	set_progname("/some/dir/server");
	errno = EADDRINUSE;
	die("bind %s", "127.0.0.1:50002");
}

static void call_warn(void)
{
	set_progname("server");
	errno = ENOSPC;
	warn("writing stdout");
	_exit(3);       /* warn() returns: the caller decides */
}

static void call_die_usage(void)
{
	set_progname("client");
	die_usage("HOST PORT", "missing %s", "PORT");
}

static char *bad_option;         /* the argument call_die_bad_option() gives */

static void call_die_bad_option(void)
{
	char *argv[] = { "server", bad_option, NULL };

	set_progname("server");
	optind = 1;
	die_bad_option("[-p PORT]", getopt(2, argv, ":p:"));
}

static char *help_argv[4];      /* what call_help_if_asked() gives */

static void call_help_if_asked(void)
{
	set_progname("client");
	help_if_asked(3, help_argv, "HOST PORT MSG...", "Sends MSG.\n");
	fflush(stdout);         /* it returned: "--help" was not asked for */
}

START_TEST(help_if_asked_prints_usage_and_exits_0)
{
	char out[512];
	int status;

	help_argv[0] = "client", help_argv[1] = "--help", help_argv[2] = "x";
	status = in_child(call_help_if_asked, out, sizeof out);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_str_eq(out, "usage: client HOST PORT MSG...\nSends MSG.\n");
	/* later, "--help" is an operand (a message to send) */
	help_argv[1] = "localhost", help_argv[2] = "--help";
	status = in_child(call_help_if_asked, out, sizeof out);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 99);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(die_says_what_failed_and_exits_1)
{
	char out[512];
	int status = in_child(call_die, out, sizeof out);

	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	ck_assert_str_eq(out, "server: bind 127.0.0.1:50002: Address already in use\n");
}
END_TEST

START_TEST(warn_says_what_failed_and_returns)
{
	char out[512];
	int status = in_child(call_warn, out, sizeof out);

	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	ck_assert_str_eq(out, "server: writing stdout: No space left on device\n");
}
END_TEST

START_TEST(die_usage_prints_usage_and_exits_2)
{
	char out[512];
	int status = in_child(call_die_usage, out, sizeof out);

	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	ck_assert_str_eq(out, "client: missing PORT\nusage: client HOST PORT\n");
}
END_TEST

START_TEST(die_bad_option_names_the_option)
{
	char out[512];
	int status;

	bad_option = "-p";      /* without its PORT */
	status = in_child(call_die_bad_option, out, sizeof out);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	ck_assert_str_eq(out, "server: option -p needs an argument\n"
	                 "usage: server [-p PORT]\n");
	bad_option = "-x";
	status = in_child(call_die_bad_option, out, sizeof out);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	ck_assert_str_eq(out, "server: unknown option -x\nusage: server [-p PORT]\n");
}
END_TEST

static void call_with_stdin_closed(void)
{
	char c;
	int sock;

	close(STDIN_FILENO);
	reserve_std_fds();
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	if (sock <= 2 || read(STDIN_FILENO, &c, 1) != -1 || errno != EBADF)
		_exit(1);
	_exit(0);
}

START_TEST(reserve_std_fds_keeps_sockets_off_stdin)
{
	char out[64];
	int status = in_child(call_with_stdin_closed, out, sizeof out);

	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* ---- inet.h (labs 02 and 03) ---------------------------------------------- */

START_TEST(ipv4_address_is_network_order_and_strict)
{
	static const char *const bad[] = { "999.1.2.3", "1.2.3", "localhost",
	                                   "", " 127.0.0.1", "::1" };
	struct sockaddr_in a;

	memset(&a, 0xa5, sizeof a);
	ck_assert_int_eq(ipv4_address("10.1.2.3", 4660, &a), 0);
	ck_assert_int_eq(a.sin_family, AF_INET);
	ck_assert_uint_eq(a.sin_port, htons(4660));
	ck_assert_uint_eq(a.sin_addr.s_addr, htonl(0x0a010203));
	for (size_t i = 0; i < sizeof a.sin_zero; i++)
		ck_assert_int_eq(a.sin_zero[i], 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_int_eq(ipv4_address(bad[i], 1, &a), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

START_TEST(resolve_ipv4_finds_loopback_and_reports_failure)
{
	struct sockaddr_in a;
	int rc;

	ck_assert_int_eq(resolve_ipv4("127.0.0.1", 50002, &a), 0);
	ck_assert_int_eq(a.sin_family, AF_INET);
	ck_assert_uint_eq(a.sin_port, htons(50002));
	ck_assert_uint_eq(a.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	ck_assert_int_eq(resolve_ipv4("localhost", 7, &a), 0);
	ck_assert_int_eq(a.sin_family, AF_INET);
	ck_assert_uint_eq(ntohl(a.sin_addr.s_addr) >> 24, 127);
	/* An IPv6 literal has no IPv4 address: a resolver error, with its
	 * message (no DNS query, so no network needed). */
	rc = resolve_ipv4("::1", 7, &a);
	ck_assert_int_ne(rc, 0);
	ck_assert_ptr_nonnull(resolve_error(rc));
	ck_assert_int_gt(strlen(resolve_error(rc)), 0);
}
END_TEST

START_TEST(same_endpoint_needs_address_and_port)
{
	struct sockaddr_in a, b;

	ck_assert_int_eq(ipv4_address("127.0.0.1", 4000, &a), 0);
	b = a;
	ck_assert(same_endpoint(&a, &b));
	b.sin_port = htons(4001);
	ck_assert(!same_endpoint(&a, &b));
	ck_assert_int_eq(ipv4_address("127.0.0.2", 4000, &b), 0);
	ck_assert(!same_endpoint(&a, &b));
}
END_TEST

START_TEST(parse_ms_and_deadlines)
{
	int v = -1;
	int64_t d;

	ck_assert_int_eq(parse_ms("1", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(parse_ms("3600000", &v), 0);
	ck_assert_int_eq(parse_ms("0", &v), -1);
	ck_assert_int_eq(parse_ms("3600001", &v), -1);
	ck_assert_int_eq(parse_ms("10ms", &v), -1);
	ck_assert_int_eq(parse_ms("-5", &v), -1);
	d = deadline_after(200);
	v = ms_left(d);
	ck_assert(v > 150 && v <= 200);
	ck_assert_int_eq(ms_left(deadline_after(0)), 0);
	/* rounded up: 0.5 ms left is 1 ms for poll(), not a spin */
	ck_assert_int_eq(ms_left(deadline_after(0) + 500), 1);
}
END_TEST

/* in main():
*/

int main(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("common");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, write_all_survives_short_writes_and_eintr);
	tcase_add_test(tc, read_retry_survives_eintr_until_eof);
	tcase_add_test(tc, write_all_reports_a_closed_reader);
	tcase_add_test(tc, format_addr_writes_spec_addresses);
	tcase_add_test(tc, unix_addr_refuses_paths_that_do_not_fit);
	tcase_add_test(tc, parse_port_is_strict);
	tcase_add_test(tc, ascii_upper_changes_letters_only);
	tcase_add_test(tc, wait_fd_sees_a_signal_that_came_while_busy);
	tcase_add_test(tc, wait_fd_reports_ready_and_timeout);
	tcase_add_test(tc, die_says_what_failed_and_exits_1);
	tcase_add_test(tc, die_usage_prints_usage_and_exits_2);
	tcase_add_test(tc, die_bad_option_names_the_option);
	tcase_add_test(tc, help_if_asked_prints_usage_and_exits_0);
	tcase_add_test(tc, warn_says_what_failed_and_returns);
	tcase_add_test(tc, reserve_std_fds_keeps_sockets_off_stdin);
	tcase_add_test(tc, ipv4_address_is_network_order_and_strict);
	tcase_add_test(tc, resolve_ipv4_finds_loopback_and_reports_failure);
	tcase_add_test(tc, same_endpoint_needs_address_and_port);
	tcase_add_test(tc, parse_ms_and_deadlines);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
