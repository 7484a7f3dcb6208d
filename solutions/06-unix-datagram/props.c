/*
 * props.c - lab 06: the property table of sockets, measured.
 *
 * Usage: props [-n COUNT] [-s SIZE]
 *
 * For each domain (AF_UNIX, AF_INET, AF_INET6) and type (SOCK_STREAM,
 * SOCK_DGRAM, SOCK_SEQPACKET), measure_cell() runs the experiment of
 * measure.c: COUNT non-blocking sends of SIZE bytes to a receiver that
 * reads only afterwards, then a sendto() without a connection.  Prints
 * the course's property table as measured, and under it the counts it
 * was decided from.  SOCK_SEQPACKET over IP would be SCTP, another
 * protocol: n/a.  Try it with other numbers: what does UDP look like
 * with -n 5?
 *
 *     ./props                 # COUNT 1000, SIZE 1000
 *     ./props -n 5 -s 10
 */
#define _GNU_SOURCE     /* strerrorname_np(3): "ENOTCONN" for ENOTCONN */
#include "unix_dgram.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define USAGE "[-n COUNT] [-s SIZE]"
#define MAX_COUNT 100000
#define MAX_SIZE 65507          /* the largest UDP/IPv4 payload */

static const struct { int id; const char *name; } domains[] = {
	{ AF_UNIX, "AF_UNIX" }, { AF_INET, "AF_INET" }, { AF_INET6, "AF_INET6" },
};
static const struct { int id; const char *name; } types[] = {
	{ SOCK_STREAM, "SOCK_STREAM" }, { SOCK_DGRAM, "SOCK_DGRAM" },
	{ SOCK_SEQPACKET, "SOCK_SEQPACKET" },
};
#define NDOMAINS (sizeof domains / sizeof domains[0])
#define NTYPES (sizeof types / sizeof types[0])

/* One cell: its counts, or why it was not measured. */
struct cell {
	struct cell_counts c;
	const char *not_measured;       /* NULL: measured */
};

/* The table's rows: what each says of a cell's counts. */
static const char *reliable(const struct cell_counts *c, size_t size)
{
	(void)size;
	/* Every byte the kernel took arrived: nothing was lost. */
	return c->arrived == c->bytes ? "yes" : "no";
}

static const char *boundaries(const struct cell_counts *c, size_t size)
{
	/* One message arrived, or none: one read says nothing. */
	if (c->arrived < 2 * (long long)size)
		return "?";
	/* Every read returned exactly one message of SIZE bytes. */
	return c->arrived == (long long)c->reads * (long long)size ? "yes" : "no";
}

static const char *connection(const struct cell_counts *c, size_t size)
{
	(void)size;
	/* sendto() without a connection refused: connection-oriented. */
	return c->sendto_errno != 0 ? "yes" : "no";
}

static const struct {
	const char *name;
	const char *(*verdict)(const struct cell_counts *, size_t);
} rows[] = {
	{ "reliable delivery", reliable },
	{ "message boundaries preserved", boundaries },
	{ "connection-oriented", connection },
};

static void print_table(struct cell cells[NDOMAINS][NTYPES], long count,
                        size_t size)
{
	printf("props: COUNT=%ld SIZE=%zu: COUNT non-blocking sends of SIZE "
	       "bytes per socket, measured on this host\n\n", count, size);
	printf("| %-8s | %-28s | %-6s | %-8s | %-9s |\n", "domain", "property",
	       "stream", "datagram", "seqpacket");
	printf("|----------|------------------------------|--------|----------|-----------|\n");
	for (size_t d = 0; d < NDOMAINS; d++)
		for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
			const char *v[NTYPES];

			for (size_t t = 0; t < NTYPES; t++)
				v[t] = cells[d][t].not_measured ? "n/a"
				       : rows[r].verdict(&cells[d][t].c, size);
			printf("| %-8s | %-28s | %-6s | %-8s | %-9s |\n",
			       domains[d].name, rows[r].name, v[0], v[1], v[2]);
		}
	printf("\nThe counts: sent + blocked (EAGAIN) = COUNT sends; the bytes "
	       "sent, the bytes\nthat arrived, and the reads it took; sendto() "
	       "without a connection.\n");
	for (size_t d = 0; d < NDOMAINS; d++)
		for (size_t t = 0; t < NTYPES; t++) {
			const struct cell *x = &cells[d][t];

			printf("%-8s %-14s ", domains[d].name, types[t].name);
			if (x->not_measured) {
				printf("n/a: %s\n", x->not_measured);
				continue;
			}
			printf("sent=%ld blocked=%ld bytes=%lld arrived=%lld reads=%ld "
			       "sendto=%s\n", x->c.sent, x->c.blocked, x->c.bytes,
			       x->c.arrived, x->c.reads, x->c.sendto_errno == 0 ? "ok"
			       : strerrorname_np(x->c.sendto_errno));
		}
}

/* FAILED (measure_cell()'s) still fails with ENOSYS, as the starter's
 * stubs do: say which TODO is next. */
static void die_if_stub(const char *failed)
{
	static const char *const steps[] = { "open_pair", "flood", "drain",
	                                     "sendto_unconnected" };

	if (errno != ENOSYS)
		return;
	for (int i = 0; i < 4; i++)
		if (strcmp(failed, steps[i]) == 0)
			die_msg("%s: TODO %d is not written yet", failed, 10 + i);
}

int main(int argc, char *argv[])
{
	static struct cell cells[NDOMAINS][NTYPES];
	unsigned long count = 1000, size = 1000;
	int opt;

	set_progname(argv[0]);
	reserve_std_fds();
	help_if_asked(argc, argv, USAGE, NULL);
	while ((opt = getopt(argc, argv, ":n:s:")) != -1) {
		if (opt == 'n') {
			/* Two at least: one message shows no boundary. */
			if (parse_number(optarg, 2, MAX_COUNT, &count) < 0)
				die_usage(USAGE, "-n: not a count of sends (2-%d): '%s'",
				          MAX_COUNT, optarg);
		} else if (opt == 's') {
			if (parse_number(optarg, 1, MAX_SIZE, &size) < 0)
				die_usage(USAGE, "-s: not a size in bytes (1-%d): '%s'",
				          MAX_SIZE, optarg);
		} else {
			die_bad_option(USAGE, opt);
		}
	}
	if (optind != argc)
		die_usage(USAGE, "unexpected operand '%s'", argv[optind]);

	for (size_t d = 0; d < NDOMAINS; d++)
		for (size_t t = 0; t < NTYPES; t++) {
			struct cell *x = &cells[d][t];
			const char *failed;

			if (domains[d].id != AF_UNIX && types[t].id == SOCK_SEQPACKET) {
				x->not_measured = "SOCK_SEQPACKET over IP is SCTP, "
				                  "another protocol";
				continue;
			}
			if (measure_cell(domains[d].id, types[t].id, (long)count,
			                 size, &x->c, &failed) == 0)
				continue;
			die_if_stub(failed);
			/* No loopback of that family here (IPv6 switched off,
			 * as in many containers): n/a, not a failure. */
			if (domains[d].id == AF_INET6 && (errno == EADDRNOTAVAIL
			    || errno == EAFNOSUPPORT)) {
				x->not_measured = "no usable IPv6 loopback (::1) here";
				continue;
			}
			die("%s %s: %s", domains[d].name, types[t].name, failed);
		}
	print_table(cells, (long)count, (size_t)size);
	if (fflush(stdout) == EOF || ferror(stdout))
		die("writing stdout");
	return 0;
}
