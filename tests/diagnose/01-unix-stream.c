/*
 * 01-unix-stream.c - the diagnosis of lab 01 (diagnose.h): each of the
 * lab's functions called on its own, against sockets this program sets
 * up, in the order of the TODOs.
 */
#define _GNU_SOURCE
#include "diagnose.h"
#include "unix_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define LONG_NAME "a-socket-file-with-a-long-name.sock"   /* over 14 bytes */
#define AT_ONCE 100

/* A listening AF_UNIX stream socket of our own at PATH. */
static int our_listener(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, AT_ONCE) < 0)
		exit(1);
	return fd;
}

/* A client of ours connected to PATH, non-blocking: -1 when the
 * listener's queue is full (EAGAIN) or nobody listens. */
static int our_client(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- TODO 1-3: unix_listen() ------------------------------------------- */

/* unix_listen() failed in an empty directory: the errno tells which call. */
static void listen_failed(int err)
{
	if (err == EAFNOSUPPORT || err == EPROTONOSUPPORT || err == ESOCKTNOSUPPORT
	    || err == EPROTOTYPE || err == EOPNOTSUPP)
		todo_wrong(1, "unix_listen() failed with %s in an empty directory: "
		           "is the socket AF_UNIX, SOCK_STREAM?", diag_errname(err));
	todo_wrong(2, "unix_listen(\"" LONG_NAME "\") failed with %s in an empty "
	           "directory: bind() to ADDR, LEN bytes", diag_errname(err));
}

/* The socket FD unix_listen() made, seen from outside. */
static void check_listener(int fd)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof sa;
	int queued = 0, client[AT_ONCE];

	wrong_unless_socket(1, fd, "unix_listen()", AF_UNIX, SOCK_STREAM);
	memset(&sa, 0, sizeof sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 || len <= sizeof(sa_family_t))
		todo_wrong(2, "the socket has no address: bind() it to ADDR");
	if (strncmp(sa.sun_path, LONG_NAME, sizeof sa.sun_path) != 0)
		todo_wrong(2, "asked for \"" LONG_NAME "\", the socket is bound to \"%.*s\": "
		           "give bind() LEN, the length of the whole address "
		           "(sizeof(struct sockaddr) cuts the path to 14 bytes)",
		           (int)(len - sizeof(sa_family_t)), sa.sun_path);
	if (diag_sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN) != 1)
		todo_wrong(3, "the socket is not listening: listen() was not called");
	for (int i = 0; i < AT_ONCE; i++)
		if ((client[i] = our_client(LONG_NAME)) >= 0)
			queued++;
	for (int i = 0; i < AT_ONCE; i++)
		if (client[i] >= 0)
			close(client[i]);
	if (queued < AT_ONCE)
		todo_wrong(3, "of %d clients connecting at once, only %d were queued: "
		           "the backlog given to listen() is too small (SOMAXCONN)",
		           AT_ONCE, queued);
}

static void check_unix_listen(void)
{
	bool replaced = true;
	int fd = unix_listen(LONG_NAME, &replaced);

	missing_if_stub(1, fd, "unix_listen()");
	if (fd < 0)
		listen_failed(errno);
	check_listener(fd);
	/* What is at the path already: a live socket (this one), then a
	 * stale one, a file. */
	wrong_unless_paths_kept(2, unix_listen, "unix_listen()", LONG_NAME, fd);
}

/* ---- TODO 4: accept_client() ------------------------------------------- */

static void check_accept_client(void)
{
	int listener = our_listener("server.sock");
	int client = our_client("server.sock");
	int fd = accept_client(listener);

	missing_if_stub(4, fd, "accept_client()");
	wrong_unless_accepted(4, fd, "accept_client()", listener, client);
}

/* ---- TODO 5: receive_file() -------------------------------------------- */

#define FILE_SIZE (3 << 20)

/* The client's side: FILE_SIZE bytes of the pattern in pieces of odd
 * sizes, then end of file. */
static void send_pieces(void *arg)
{
	static unsigned char data[FILE_SIZE];
	static const size_t sizes[] = { 1, 7, 4096, 100000, 65536 };
	int sock = *(int *)arg;
	size_t done = 0;

	diag_pattern(data, sizeof data);
	for (int i = 0; done < sizeof data; i++) {
		size_t n = sizes[i % 5] < sizeof data - done ? sizes[i % 5] : sizeof data - done;
		ssize_t w = write(sock, data + done, n);

		if (w <= 0)
			_exit(1);
		done += (size_t)w;
	}
	shutdown(sock, SHUT_WR);
}

/* The reader's side, of a pipe or of the socket: read until end of file
 * (within 1.5 s of the last byte), report "COUNT FIRST_WRONG EOF" on
 * RESULT, then answer "OK\n" (a socket's reader, the server). */
static void read_until_eof(void *arg)
{
	int *fds = arg;                 /* what is read, the result's pipe */
	static unsigned char data[FILE_SIZE + 1];
	size_t len = 0;
	int eof = 0;

	while (len < sizeof data && diag_ready(fds[0], POLLIN, 1500)) {
		ssize_t n = read(fds[0], data + len, sizeof data - len);

		if (n <= 0) {
			eof = n == 0;
			break;
		}
		len += (size_t)n;
	}
	dprintf(fds[1], "%zu %lld %d\n", len, diag_pattern_differs(data, len), eof);
	if (write(fds[0], "OK\n", 3) != 3)
		_exit(1);
}

/* What read_until_eof() reported on RESULT: *GOT, *WRONG, *EOF. */
static void reader_result(int result, size_t *got, long long *wrong, int *eof)
{
	FILE *f = fdopen(result, "r");

	if (f == NULL || fscanf(f, "%zu %lld %d", got, wrong, eof) != 3)
		exit(1);
}

static const char *drop_name(enum drop_result r)
{
	static const char *const names[] = { "DROP_DONE", "DROP_CLIENT_LOST",
		"DROP_IDLE", "DROP_OUTPUT_FAILED", "DROP_STOPPED" };

	return r <= DROP_STOPPED ? names[r] : "a value not in the enum";
}

/* A whole file, in pieces, to a pipe whose writes are cut short by
 * signals. */
static void receive_whole_file(void)
{
	int sv[2], out[2], result[2], reader[2], eof;
	uint64_t bytes, unwritten;
	size_t got = 0;
	long long wrong = -1;
	enum drop_result r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || pipe(out) < 0 || pipe(result) < 0)
		exit(1);
	diag_spawn(send_pieces, &sv[1], sv[1], -1);
	close(sv[1]);
	reader[0] = out[0], reader[1] = result[1];
	diag_spawn(read_until_eof, reader, out[0], result[1]);
	close(out[0]);
	close(result[1]);
	diag_interrupt_every(3000);
	errno = 0;
	r = receive_file(sv[0], out[1], 2000, &bytes, &unwritten);
	diag_interrupt_stop();
	if (r == DROP_CLIENT_LOST && errno == ENOSYS)
		todo_missing(5, "receive_file() still fails with ENOSYS, as the starter code does");
	close(out[1]);
	reader_result(result[0], &got, &wrong, &eof);
	if (r != DROP_DONE)
		todo_wrong(5, "sent 3 MiB in pieces, then end of file: receive_file() "
		           "returned %s after %zu bytes, not DROP_DONE (0 from read() "
		           "is the end, not before)", drop_name(r), got);
	if (got != FILE_SIZE || wrong >= 0 || bytes != FILE_SIZE)
		todo_wrong(5, "of 3 MiB sent, OUT_FD got %zu bytes%s and *bytes says "
		           "%llu: write every piece whole (write_out()), as bytes, "
		           "not a string", got, wrong >= 0 ? ", not as sent" : "",
		           (unsigned long long)bytes);
}

/* The client sends nothing and keeps its end open for 1.5 s. */
static void stay_silent(void *arg)
{
	(void)arg;
	poll(NULL, 0, 1500);
}

static void receive_failures(void)
{
	int sv[2], out[2];
	uint64_t bytes, unwritten;
	enum drop_result r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || pipe(out) < 0)
		exit(1);
	close(out[0]);      /* nobody reads OUT_FD: EPIPE */
	if (write(sv[1], "0123456789", 10) != 10)
		exit(1);
	close(sv[1]);
	r = receive_file(sv[0], out[1], 2000, &bytes, &unwritten);
	if (r != DROP_OUTPUT_FAILED || unwritten != 10)
		todo_wrong(5, "writing OUT_FD failed (EPIPE) with 10 bytes read: "
		           "receive_file() returned %s, *unwritten %llu (expected "
		           "DROP_OUTPUT_FAILED, 10)", drop_name(r), (unsigned long long)unwritten);
	close(sv[0]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		exit(1);
	diag_spawn(stay_silent, NULL, sv[1], -1);
	close(sv[1]);
	r = receive_file(sv[0], STDOUT_FILENO, 100, &bytes, &unwritten);
	if (r != DROP_IDLE)
		todo_wrong(5, "a client silent for 1.5 s with IDLE_MS 100: "
		           "receive_file() returned %s, not DROP_IDLE (wait with "
		           "wait_fd(sock, POLLIN, idle_ms))", drop_name(r));
}

static void check_receive_file(void)
{
	receive_whole_file();
	receive_failures();
}

/* ---- TODO 6: send_receipt() -------------------------------------------- */

static void check_send_receipt(void)
{
	int sv[2], r;
	char line[64] = "";
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		exit(1);
	r = send_receipt(sv[0], 1234567);
	missing_if_stub(6, r, "send_receipt()");
	close(sv[0]);
	n = read(sv[1], line, sizeof line - 1);
	line[n > 0 ? n : 0] = '\0';
	if (r < 0 || strcmp(line, "OK 1234567\n") != 0)
		todo_wrong(6, "send_receipt(sock, 1234567) returned %d and sent \"%.*s\", "
		           "not \"OK 1234567\\n\"", r, (int)strcspn(line, "\n"), line);
}

/* ---- TODO 7: unix_connect() -------------------------------------------- */

static void check_unix_connect(void)
{
	int listener = our_listener(LONG_NAME);
	int fd = unix_connect(LONG_NAME);
	struct sockaddr_un sa;
	socklen_t len = sizeof sa;

	missing_if_stub(7, fd, "unix_connect()");
	if (fd < 0)
		todo_wrong(7, "with a server listening, unix_connect() failed with %s",
		           diag_errname(errno));
	wrong_unless_socket(7, fd, "unix_connect()", AF_UNIX, SOCK_STREAM);
	memset(&sa, 0, sizeof sa);
	if (getpeername(fd, (struct sockaddr *)&sa, &len) < 0
	    || strncmp(sa.sun_path, LONG_NAME, sizeof sa.sun_path) != 0)
		todo_wrong(7, "the fd unix_connect() returned is not an AF_UNIX stream "
		           "socket connected to the path: socket(), then connect() to "
		           "ADDR, LEN bytes");
	close(listener);
	errno = 0;
	fd = unix_connect("nobody-here.sock");
	if (fd >= 0 || errno != ENOENT)
		todo_wrong(7, "to a path where no socket exists, unix_connect() "
		           "returned %d with %s, not -1 with ENOENT (keep connect()'s "
		           "errno: close() may change it)", fd, diag_errname(errno));
}

/* ---- TODO 8-9: send_file() --------------------------------------------- */

/* After send_file(): SOCK still reads what the server answers. */
static void check_half_closed(int sock)
{
	char reply[4] = "";

	if (fcntl(sock, F_GETFD) < 0)
		todo_wrong(9, "send_file() closed the socket: the receipt has nowhere "
		           "to arrive; shutdown(sock, SHUT_WR) ends only the sending");
	if (!diag_ready(sock, POLLIN, 2000) || read(sock, reply, 3) != 3
	    || memcmp(reply, "OK\n", 3) != 0)
		todo_wrong(9, "after send_file(), the socket no longer reads the "
		           "server's answer: shutdown(SHUT_WR), not SHUT_RDWR");
}

static void check_send_file(void)
{
	static unsigned char data[FILE_SIZE];
	int sv[2], result[2], server[2], in = open("input", O_RDWR | O_CREAT, 0600), r, eof = 0;
	uint64_t bytes = 0;
	size_t got = 0;
	long long wrong = -1;

	diag_pattern(data, sizeof data);
	if (in < 0 || write(in, data, sizeof data) != sizeof data || lseek(in, 0, SEEK_SET) < 0
	    || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || pipe(result) < 0)
		exit(1);
	server[0] = sv[1], server[1] = result[1];
	diag_spawn(read_until_eof, server, sv[1], result[1]);
	close(sv[1]);
	close(result[1]);
	diag_interrupt_every(3000);
	r = send_file(sv[0], in, &bytes);
	diag_interrupt_stop();
	missing_if_stub(8, r, "send_file()");
	if (r < 0)
		todo_wrong(8, "send_file() failed with %s", diag_errname(errno));
	reader_result(result[0], &got, &wrong, &eof);
	if (got != FILE_SIZE || wrong >= 0 || bytes != FILE_SIZE)
		todo_wrong(8, "of a 3 MiB input, the server got %zu bytes%s and *bytes "
		           "says %llu: a write() may take less than asked "
		           "(write_all())", got, wrong >= 0 ? ", not as sent" : "",
		           (unsigned long long)bytes);
	if (!eof)
		todo_wrong(9, "after send_file() returned, the server never saw end "
		           "of file: shutdown(sock, SHUT_WR)");
	check_half_closed(sv[0]);
}

/* ---- TODO 10: read_receipt() ------------------------------------------- */

struct server_says {
	const char *pieces[4];      /* written 20 ms apart */
	int hold_ms;                /* then kept open this long, then closed */
	int sock;
};

static void say_pieces(void *arg)
{
	struct server_says *s = arg;

	for (int i = 0; i < 4 && s->pieces[i]; i++) {
		if (i > 0)
			poll(NULL, 0, 20);
		if (write(s->sock, s->pieces[i], strlen(s->pieces[i])) < 0)
			_exit(1);
	}
	poll(NULL, 0, s->hold_ms);
}

/* read_receipt(sock, TIMEOUT_MS) against a server saying S; its result,
 * *BYTES, and errno in *ERR. */
static int receipt_from(struct server_says s, int timeout_ms, uint64_t *bytes, int *err)
{
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		exit(1);
	s.sock = sv[1];
	diag_spawn(say_pieces, &s, sv[1], -1);
	close(sv[1]);
	errno = 0;
	r = read_receipt(sv[0], timeout_ms, bytes);
	*err = errno;
	close(sv[0]);
	return r;
}

static void check_read_receipt(void)
{
	uint64_t bytes = 0;
	int err, r;

	r = receipt_from((struct server_says){ { "O", "K 4", "2", "\n" }, 0, 0 }, 2000, &bytes, &err);
	errno = err;
	missing_if_stub(10, r, "read_receipt()");
	if (r != 0 || bytes != 42)
		todo_wrong(10, "\"OK 42\\n\" arriving in 4 pieces gave %d (%s), count %llu: "
		           "a stream may cut the line anywhere, read until the newline",
		           r, diag_errname(err), (unsigned long long)bytes);
	if (receipt_from((struct server_says){ { "OK 05\n" }, 0, 0 }, 2000, &bytes, &err) == 0
	    || receipt_from((struct server_says){ { "OK 5\nmore" }, 0, 0 }, 2000, &bytes, &err) == 0
	    || receipt_from((struct server_says){ { "KO 5\n" }, 0, 0 }, 2000, &bytes, &err) == 0)
		todo_wrong(10, "a reply that is not exactly the line \"OK <count>\\n\" "
		           "(\"OK 05\", a second line, \"KO 5\") was taken for a receipt");
	r = receipt_from((struct server_says){ { "" }, 1500, 0 }, 100, &bytes, &err);
	if (r == 0 || err != ETIMEDOUT)
		todo_wrong(10, "a server silent for 1.5 s with TIMEOUT_MS 100: "
		           "read_receipt() returned %d with %s, not -1 with "
		           "ETIMEDOUT (wait with a deadline)", r, diag_errname(err));
}

const struct todo_check lab_checks[] = {
	{ 1, 3, "listen.c", "unix_listen", check_unix_listen },
	{ 4, 4, "listen.c", "accept_client", check_accept_client },
	{ 5, 5, "drop.c", "receive_file", check_receive_file },
	{ 6, 6, "drop.c", "send_receipt", check_send_receipt },
	{ 7, 7, "connect.c", "unix_connect", check_unix_connect },
	{ 8, 9, "drop.c", "send_file", check_send_file },
	{ 10, 10, "drop.c", "read_receipt", check_read_receipt },
};
const size_t lab_nchecks = sizeof lab_checks / sizeof lab_checks[0];
