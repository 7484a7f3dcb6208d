/*
 * props.c - the grading of lab 06's props (props.h): the grader's own
 * measurement of the property table, props's output read back, and the
 * two compared.  Props runs with a COUNT and a SIZE chosen at random for
 * each run, and the grader measures with the same: a table printed from
 * memory cannot follow them.
 */
#define _GNU_SOURCE     /* strerrorname_np, accept4 */
#include "props.h"

#include "harness.h"
#include "sockets.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The table: DOMAINS x TYPES cells, cell C of domain C / TYPES and type
 * C % TYPES, and ROWS properties. */
enum { DOMAINS = 3, TYPES = 3, CELLS = DOMAINS * TYPES, ROWS = 3 };
static const int domain_ids[DOMAINS] = { AF_UNIX, AF_INET, AF_INET6 };
static const char *const domain_names[DOMAINS] = { "AF_UNIX", "AF_INET", "AF_INET6" };
static const int type_ids[TYPES] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
static const char *const row_names[ROWS] = { "reliable delivery",
	"message boundaries preserved", "connection-oriented" };

/* Cell C's name, "AF_INET SOCK_DGRAM", as props's counts lines start. */
static const char *cell_name(int c)
{
	static char names[CELLS][32];

	snprintf(names[c], sizeof names[c], "%s %s", domain_names[c / TYPES],
	         type_name(type_ids[c % TYPES]));
	return names[c];
}

/* One cell's counts (props prints the same, "sent=N ..."). */
struct counts {
	bool na;                /* not measured */
	long sent, blocked, reads;
	long long bytes, arrived;
	char sendto[32];        /* "ok" or the errno's name */
};

/* A run: the numbers props was given, the grader's own counts, and what
 * props printed: its numbers, its counts (and their line, for messages)
 * and its table's verdict ("yes", "no", "?", "n/a") per cell and row. */
struct props_run {
	long count, said_count;
	size_t size, said_size;
	struct proc *p;
	struct counts mine[CELLS], theirs[CELLS];
	bool have_cell[CELLS], have_row[DOMAINS][ROWS];
	char line[CELLS][256];
	char said[CELLS][ROWS][8];
};

/* ---- the grader's own measurement ------------------------------------------ */

/* The experiment of the lab's header, done here: COUNT non-blocking
 * sends of SIZE bytes to a receiver that reads only afterwards, with a
 * 1 MiB buffer, until nothing comes for 200 ms; then sendto() from a new
 * socket without a connection.  False when DOMAIN's loopback is missing
 * (no ::1). */
static bool measure(int domain, int type, long count, size_t size,
                    struct counts *c)
{
	static char buf[1 << 20];
	struct sockaddr_storage ss = { .ss_family = AF_UNIX };
	/* port 0; AF_UNIX: the family alone, autobind to a name of the
	 * kernel's choosing */
	socklen_t len = domain == AF_UNIX ? sizeof(sa_family_t)
	              : sa_make(domain == AF_INET ? "127.0.0.1" : "::1", 0, &ss);
	int recv_fd, send_fd, listen_fd = -1, u;
	char *msg = malloc(size);

	memset(c, 0, sizeof *c);
	memset(msg, 'g', size);
	recv_fd = socket(domain, type | SOCK_CLOEXEC, 0);
	if (recv_fd < 0 || bind(recv_fd, (struct sockaddr *)&ss, len) < 0) {
		ck_assert_msg(domain == AF_INET6, "test: socket/bind %d %d: %s",
		              domain, type, strerror(errno));
		if (recv_fd >= 0)
			close(recv_fd);
		free(msg);
		return false;
	}
	len = sizeof ss;
	ck_assert(getsockname(recv_fd, (struct sockaddr *)&ss, &len) == 0);
	send_fd = socket(domain, type | SOCK_CLOEXEC, 0);
	ck_assert(send_fd >= 0);
	if (type != SOCK_DGRAM) {      /* connected: listen, connect, accept */
		listen_fd = recv_fd;
		ck_assert(listen(listen_fd, 1) == 0);
		ck_assert_msg(connect(send_fd, (struct sockaddr *)&ss, len) == 0,
		              "test: connect: %s", strerror(errno));
		ck_assert(wait_io(listen_fd, false, ms(2000)) == 1);
		recv_fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		ck_assert(recv_fd >= 0);
	}
	for (long i = 0; i < count; i++) {
		ssize_t n = type != SOCK_DGRAM
		            ? send(send_fd, msg, size, MSG_DONTWAIT | MSG_NOSIGNAL)
		            : sendto(send_fd, msg, size, MSG_DONTWAIT | MSG_NOSIGNAL,
		                     (struct sockaddr *)&ss, len);

		if (n >= 0)
			c->sent++, c->bytes += n;
		else if (errno == EAGAIN)
			c->blocked++;
		else
			ck_abort_msg("test: send: %s", strerror(errno));
	}
	while (c->arrived < c->bytes) {
		ssize_t n = recv(recv_fd, buf, sizeof buf, MSG_DONTWAIT);

		if (n > 0)
			c->reads++, c->arrived += n;
		else if (n == 0 || (errno == EAGAIN && wait_io(recv_fd, false, 200) == 0))
			break;
	}
	u = socket(domain, type | SOCK_CLOEXEC, 0);
	snprintf(c->sendto, sizeof c->sendto, "%s",
	         sendto(u, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL,
	                (struct sockaddr *)&ss, len) < 0 ? strerrorname_np(errno) : "ok");
	close(u);
	close(send_fd);
	close(recv_fd);
	if (listen_fd >= 0)
		close(listen_fd);
	free(msg);
	return true;
}

/* The table's verdicts, from counts (the rules of the lab's props.c:
 * "?" when fewer than two messages arrived). */
static const char *verdict(int row, const struct counts *c, size_t size)
{
	if (c->na)
		return "n/a";
	if (row == 0)
		return c->arrived == c->bytes ? "yes" : "no";
	if (row == 1)
		return c->arrived < 2 * (long long)size ? "?"
		       : c->arrived == c->reads * (long long)size ? "yes" : "no";
	return strcmp(c->sendto, "ok") != 0 ? "yes" : "no";
}

/* ---- what props printed ----------------------------------------------------- */

/* S without the spaces at its end. */
static char *trimmed(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

/* A table row "| DOMAIN | property | a | b | c |": its verdicts. */
static void parse_row(struct props_run *r, const char *line)
{
	char f[5][40];

	if (sscanf(line, "| %39[^|]| %39[^|]| %39[^|]| %39[^|]| %39[^|]|",
	           f[0], f[1], f[2], f[3], f[4]) != 5)
		return;
	for (int d = 0; d < DOMAINS; d++)
		for (int row = 0; row < ROWS; row++) {
			if (strcmp(trimmed(f[0]), domain_names[d]) != 0
			    || strcmp(trimmed(f[1]), row_names[row]) != 0)
				continue;
			r->have_row[d][row] = true;
			for (int t = 0; t < TYPES; t++)
				snprintf(r->said[d * TYPES + t][row], sizeof r->said[0][0],
				         "%s", trimmed(f[2 + t]));
		}
}

/* A counts line "DOMAIN TYPE sent=N blocked=N bytes=N arrived=N reads=N
 * sendto=R", or "DOMAIN TYPE n/a...". */
static void parse_counts(struct props_run *r, const char *line)
{
	char name[40], dom[16], type[20];
	const char *rest;
	int used = 0;

	if (sscanf(line, "%15s %19s %n", dom, type, &used) != 2)
		return;
	snprintf(name, sizeof name, "%s %s", dom, type);
	rest = line + used;
	for (int c = 0; c < CELLS; c++) {
		struct counts k = { .na = strncmp(rest, "n/a", 3) == 0 };

		if (strcmp(name, cell_name(c)) != 0
		    || (!k.na && sscanf(rest, "sent=%ld blocked=%ld bytes=%lld "
		                        "arrived=%lld reads=%ld sendto=%31s", &k.sent,
		                        &k.blocked, &k.bytes, &k.arrived, &k.reads,
		                        k.sendto) != 6))
			continue;
		r->have_cell[c] = true;
		r->theirs[c] = k;
		snprintf(r->line[c], sizeof r->line[c], "%s", line);
	}
}

static void parse_props(struct props_run *r, const char *text)
{
	r->said_count = -1;
	for (const char *l = text; *l;) {
		size_t len = strcspn(l, "\n");
		char line[256];

		snprintf(line, sizeof line, "%.*s", (int)len, l);
		if (sscanf(line, "props: COUNT=%ld SIZE=%zu", &r->said_count,
		           &r->said_size) == 0) {
			parse_row(r, line);
			parse_counts(r, line);
		}
		l += len + (l[len] != '\0');
	}
}

/* ---- the comparison -------------------------------------------------------- */

#define PROPS_CMD "props -n %ld -s %zu"

static unsigned pick(unsigned lo, unsigned hi)
{
	static bool seeded;

	if (!seeded) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		srandom((unsigned)(t.tv_nsec ^ getpid()));
		seeded = true;
	}
	return lo + (unsigned)random() % (hi - lo + 1);
}

/* Close enough to the grader's figure WANT? */
static bool near(long long got, long long want, int percent)
{
	long long slack = want * percent / 100 + 2;

	return got >= want - slack && got <= want + slack;
}

/* Cell C's counts must come from the experiment with the grader's COUNT
 * and SIZE: its sends add up to COUNT, its bytes to what that many sends
 * of SIZE carry, and where the kernel decides alone (the AF_UNIX queues,
 * UDP sending everything), they are the grader's own figures.  A table
 * printed from memory fails here. */
static void expect_measured(const struct props_run *r, int c)
{
	const struct counts *g = &r->mine[c], *k = &r->theirs[c];
	const char *line = r->line[c];
	long long sz = (long long)r->size;
	int type = type_ids[c % TYPES];

	if (g->na || k->na) {
		if (g->na != k->na)
			fail(r->p, "expected %s to be %s; props printed \"%s\"",
			     cell_name(c), g->na ? "n/a (SOCK_SEQPACKET over IP is "
			     "SCTP; or no ::1 on this host)" : "measured (this host "
			     "has it)", line);
		return;
	}
	if (k->sent + k->blocked != r->count)
		fail(r->p, "expected %s's sent + blocked to be COUNT, %ld (each send "
		     "either sends or would block, with MSG_DONTWAIT); props "
		     "printed \"%s\" (" PROPS_CMD ": TODO 11, flood())",
		     cell_name(c), r->count, line, r->count, r->size);
	/* (a stream's last send may have taken part of SIZE) */
	if (type == SOCK_STREAM ? k->bytes > k->sent * sz || k->bytes <= (k->sent - 1) * sz
	                        : k->bytes != k->sent * sz)
		fail(r->p, "expected %s's bytes to be what %ld sends of SIZE %zu "
		     "bytes carry; props printed \"%s\" (TODO 11)", cell_name(c),
		     k->sent, r->size, line);
	if (c / TYPES == 0 && !near(k->sent, g->sent, 2))
		fail(r->p, "expected %s to send about %ld of the %ld (the grader's "
		     "own measurement: the kernel takes that many before EAGAIN "
		     "here); props printed \"%s\". Each send is one message of SIZE "
		     "bytes, MSG_DONTWAIT, to a receiver that does not read yet ("
		     PROPS_CMD ", TODO 10-11)", cell_name(c), g->sent, r->count,
		     line, r->count, r->size);
	if (c / TYPES > 0 && type == SOCK_DGRAM && k->sent != g->sent)
		fail(r->p, "expected %s to send %ld of the %ld (the grader's own "
		     "measurement: UDP takes every datagram and drops later); "
		     "props printed \"%s\" (" PROPS_CMD ")", cell_name(c), g->sent,
		     r->count, line, r->count, r->size);
}

/* Run props with a COUNT and SIZE of the grader's choosing (BIG: enough
 * to fill every queue; else a few small messages) and measure the same
 * here.  Fails unless props exits 0 with those numbers and the counts of
 * every cell, measured (expect_measured()). */
static void props_run(struct props_run *r, bool big)
{
	char n[16], s[16], *out;

	memset(r, 0, sizeof *r);
	r->count = big ? pick(300, 900) : pick(3, 9);
	r->size = big ? pick(500, 3000) : pick(1, 200);
	snprintf(n, sizeof n, "%ld", r->count);
	snprintf(s, sizeof s, "%zu", r->size);
	for (int c = 0; c < CELLS; c++)
		r->mine[c].na = (c >= TYPES && type_ids[c % TYPES] == SOCK_SEQPACKET)
		                || !measure(domain_ids[c / TYPES], type_ids[c % TYPES],
		                            r->count, r->size, &r->mine[c]);
	step("the grader measured every cell with COUNT=%ld SIZE=%zu (a %s run, "
	     "numbers chosen at random)", r->count, r->size, big ? "big" : "small");
	r->p = run("props", NULL, "-n", n, "-s", s, NULL);
	expect_exit(r->p, 0, ms(15000), "props measures and prints its table");
	out = proc_stdout(r->p, NULL);
	parse_props(r, out);
	if (r->said_count != r->count || r->said_size != r->size)
		fail(r->p, "expected props to start with the line \"props: COUNT=%ld "
		     "SIZE=%zu ...\" (the numbers it was given); it printed %s",
		     r->count, r->size, quote(out, strlen(out) < 200 ? strlen(out) : 200, 200));
	free(out);
	for (int c = 0; c < CELLS; c++) {
		if (!r->have_cell[c])
			fail(r->p, "expected props to print the counts of %s, a line "
			     "\"%s sent=N blocked=N bytes=N arrived=N reads=N sendto=R\" "
			     "(or \"... n/a: why\"); there is none", cell_name(c),
			     cell_name(c));
		expect_measured(r, c);
	}
}

/* The table's row ROW must say what the grader's counts say, cell by
 * cell.  WHAT: the TODO behind it. */
static void expect_row(const struct props_run *r, int row, const char *what)
{
	for (int c = 0; c < CELLS; c++) {
		const struct counts *g = &r->mine[c];
		const char *want = verdict(row, g, r->size);

		if (!r->have_row[c / TYPES][row])
			fail(r->p, "expected props's table to have the row \"| %s | %s "
			     "| ... |\"; it has none", domain_names[c / TYPES],
			     row_names[row]);
		if (strcmp(r->said[c][row], want) != 0)
			fail(r->p, "expected the table to say \"%s\" for %s of %s, as "
			     "the grader measured it (with COUNT=%ld SIZE=%zu: sent=%ld "
			     "blocked=%ld bytes=%lld arrived=%lld reads=%ld sendto=%s); "
			     "props says \"%s\", from its counts \"%s\" (%s)", want,
			     row_names[row], cell_name(c), r->count, r->size, g->sent,
			     g->blocked, g->bytes, g->arrived, g->reads, g->sendto,
			     r->said[c][row], r->line[c], what);
	}
}

/* One test: a run (BIG or small, props_run()), CHECK on each cell the
 * grader measured (NULL: none), then each of the table's ROWS (a bit per
 * row) as the grader measured it (WHAT: where the row comes from); NOTE
 * under the test's name. */
static void props_test(bool big, void (*check)(const struct props_run *, int),
                       unsigned rows, const char *what, const char *note)
{
	struct props_run r;

	props_run(&r, big);
	for (int c = 0; c < CELLS; c++)
		if (check != NULL && !r.mine[c].na)
			check(&r, c);
	for (int row = 0; row < ROWS; row++)
		if (rows & 1u << row)
			expect_row(&r, row, what);
	report_note(PROPS_CMD ": %s", r.count, r.size, note);
}

/* ---- the tests -------------------------------------------------------------- */

void props_counts_test(void)
{
	props_test(true, NULL, 0, NULL, "every cell's counts follow them, as the "
	           "grader measured");
}

/* Bytes arrived as the grader measured, lost and not. */
static void expect_arrivals(const struct props_run *r, int c)
{
	const struct counts *g = &r->mine[c], *k = &r->theirs[c];
	bool lost = g->arrived < g->bytes;

	if (lost ? !(k->arrived < k->bytes && near(k->arrived, g->arrived, 25))
	         : k->arrived != k->bytes)
		fail(r->p, "expected %s to show %lld of %lld bytes arriving, as the "
		     "grader measured (%s); props printed \"%s\". The receiver reads "
		     "everything, waiting up to 200 ms for more before it calls the "
		     "rest lost (" PROPS_CMD ", TODO 12, drain())", cell_name(c),
		     g->arrived, g->bytes, lost ? "some were dropped" : "none lost",
		     r->line[c], r->count, r->size);
}

void props_reliability_test(void)
{
	for (int big = 1; big >= 0; big--)
		props_test(big, expect_arrivals, 1u << 0, "TODO 12, drain(): every "
		           "byte sent must be read", "the arrivals match the "
		           "grader's, lost and not, here and in a big run before");
}

/* One read per message where boundaries are kept, fewer on streams. */
static void expect_reads(const struct props_run *r, int c)
{
	const struct counts *k = &r->theirs[c];
	long long msgs = k->arrived / (long long)r->size;
	bool stream = type_ids[c % TYPES] == SOCK_STREAM;

	if (stream ? k->reads >= msgs
	           : k->reads != msgs || k->arrived % (long long)r->size)
		fail(r->p, "expected %s to take %s; props printed \"%s\": the "
		     "receiver must read with one buffer of 1 MiB (DRAIN_BUFSIZE), "
		     "never SIZE bytes at a time, which makes a stream look like "
		     "messages (" PROPS_CMD ", TODO 12)", cell_name(c), stream
		     ? "fewer reads than messages (a stream read returns whatever "
		       "bytes are there)" : "one read per message of SIZE bytes",
		     r->line[c], r->count, r->size);
}

void props_boundaries_test(void)
{
	props_test(true, expect_reads, 1u << 1, "TODO 12: one read returns one "
	           "message, or every byte there is", "one read per message "
	           "where boundaries are kept, fewer on streams");
}

/* sendto() without a connection as the grader measured. */
static void expect_sendto(const struct props_run *r, int c)
{
	if (strcmp(r->theirs[c].sendto, r->mine[c].sendto) != 0)
		fail(r->p, "expected sendto() without a connection to give \"%s\" "
		     "on %s, as the grader measured; props printed \"%s\": a new "
		     "socket of that type sends one byte to the receiver's address, "
		     "no connect(), no listen() (TODO 13, sendto_unconnected())",
		     r->mine[c].sendto, cell_name(c), r->line[c]);
}

void props_connection_test(void)
{
	props_test(false, expect_sendto, 1u << 2, "TODO 13: refused means "
	           "connection-oriented", "sendto() without a connection as the "
	           "grader measured");
}

/* The table follows props's own counts, whatever they are. */
static void expect_own_verdicts(const struct props_run *r, int c)
{
	for (int row = 0; row < ROWS; row++) {
		const char *own = verdict(row, &r->theirs[c], r->size);

		if (strcmp(own, r->said[c][row]) != 0)
			fail(r->p, "expected the table's \"%s\" for %s to follow from "
			     "the counts under it (\"%s\" gives \"%s\"); it says \"%s\"",
			     row_names[row], cell_name(c), r->line[c], own,
			     r->said[c][row]);
	}
}

void props_table_test(void)
{
	props_test(true, expect_own_verdicts, 7, "props.c prints it from the "
	           "counts", "9 rows, every cell as measured");
}
