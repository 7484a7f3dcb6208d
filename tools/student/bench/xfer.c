/*
 * xfer.c - `bench xfer`: lab 01's transfer throughput next to the
 * kernel's limit, and the lab 01 programs' memory.
 *
 * Usage: bench [-n RUNS] xfer [-b BYTES] -r REF -l LAB_DIR
 *                   -v VARIANT_PREFIX [-s SOCAT] SIZE...
 *
 * For every buffer SIZE, three transfers of BYTES (at most CHUNKS, 65536,
 * times SIZE: small buffers are slow, and a rate needs no more), each from
 * a client program to a server program started the way lab 01's are: the
 * server first, on a pathname socket, waited for through its "listening
 * on" line; the clock runs from the client's start until both have
 * exited.
 *
 *   kernel sock only         bench source SIZE ADDRESS BYTES / bench sink
 *                            SIZE PATH -d: write(2) from memory into the
 *                            AF_UNIX stream socket, read(2) into memory:
 *                            the socket alone
 *   kernel file>sock>null    bench source / bench sink: the client read(2)s
 *                            the input file, the server write(2)s to
 *                            /dev/null: lab 01's exact path with nothing
 *                            else, the limit lab 01 is held to
 *   programs                 lab 01's client (stdin: the file) and server
 *                            (stdout: /dev/null), built with DROP_BUFSIZE =
 *                            SIZE: LAB_DIR for the reference size REF,
 *                            VARIANT_PREFIX-SIZE/ for the others; and
 *                            socat -u -b 65536 at both ends, when SOCAT is
 *                            given
 *
 * and, for comparison, kernel sock only over TCP loopback (::1, else
 * 127.0.0.1) at the reference size: the sink's PATH is then "tcp".
 *
 * The input file is BYTES of random data in a memfd: no disk is
 * measured.  The runs are interleaved (run 1 of every configuration, then
 * run 2, ...) so that a change in the machine's load hits all of them,
 * after one warm-up pass that is not counted.  Each figure is the median;
 * a ratio (MB/s, or CPU time: user + system of both programs) is the
 * median of the ratios of runs made side by side.
 *
 * Then the memory of the lab 01 server and client after 1 MiB and after
 * BYTES: peak RSS (VmHWM) and anonymous RSS at exit (RssAnon), the median
 * of MEM_RUNS runs each.  Both programs run under ptrace(2) with no
 * system call traced, only stopped as they exit, before their memory is
 * gone, to read /proc/PID/status.  (The rusage of a child is no use here:
 * its ru_maxrss includes the memory of the process it was forked from,
 * the bench.)
 */
#include "bench.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_RUNS 99
#define MAX_SIZES 16
#define MEM_RUNS 5
#define CHUNKS 65536

enum kind { K_MEM, K_FILE, K_LAB, K_SOCAT, K_TCP };

struct config {
	enum kind kind;
	size_t size;            /* buffer size */
	uint64_t bytes;         /* how much each run moves */
	char server[512], client[512];
	double mbps[MAX_RUNS];
	double cpu[MAX_RUNS];   /* CPU seconds of both processes */
	bool failed;            /* a lab that does not work (yet) */
};

static const char *sock_path;   /* the lab's socket, in a private dir */
static double last_cpu;         /* CPU seconds of the last run's processes */

static double cpu_of(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec)
	       + (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
}

/* The input files, one memfd per distinct size. */
static struct { uint64_t bytes; int fd; } inputs[4];

static int input_of(uint64_t bytes)
{
	size_t i;

	for (i = 0; i < 4 && inputs[i].fd > 0; i++)
		if (inputs[i].bytes == bytes)
			return inputs[i].fd;
	if (i == 4)
		fail("too many input sizes");
	inputs[i].bytes = bytes;
	inputs[i].fd = make_data(bytes);
	return inputs[i].fd;
}

/* Copy BYTES from IN (-1: from memory) to OUT (-1: nowhere) in SIZE
 * pieces, plain read(2)/write(2), until IN's end.  The bytes copied, or
 * -1 on an error. */
static int64_t copy(int in, int out, size_t size, uint64_t bytes)
{
	char *buf = malloc(size);
	uint64_t done = 0;

	if (buf == NULL)
		return -1;
	memset(buf, 'x', size);
	for (;;) {
		ssize_t n;

		if (in < 0)
			n = bytes - done < size ? (ssize_t)(bytes - done) : (ssize_t)size;
		else
			n = read(in, buf, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return n == 0 ? (int64_t)done : -1;
		}
		if (out >= 0 && write_all(out, buf, (size_t)n) < 0) {
			free(buf);
			return -1;
		}
		done += (uint64_t)n;
	}
}

/* The sink's listening socket: on PATH, or on TCP loopback (::1, else
 * 127.0.0.1, port 0) when PATH is "tcp"; its address said as lab 01's
 * server says it. */
static int sink_listen(const char *path)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char text[ADDR_STRLEN];
	int l;

	if (strcmp(path, "tcp") == 0)
		l = bound_loopback(loopback_family(), SOCK_STREAM, &ss, &len);
	else if (unix_addr(path, (struct sockaddr_un *)&ss, &len) < 0
	           || (l = socket(AF_UNIX, SOCK_STREAM, 0)) < 0
	           || bind(l, (struct sockaddr *)&ss, len) < 0)
		l = -1;
	if (l < 0 || listen(l, 1) < 0)
		fail("listen on %s: %s", path, strerror(errno));
	fprintf(stderr, "listening on %s\n",
	        format_addr((struct sockaddr *)&ss, len, text));
	return l;
}

/* `bench sink SIZE PATH [-d]`: the minimal server of "kernel ...": listen
 * on PATH, accept one client, copy what it sends to stdout (-d: read it
 * and drop it) in SIZE pieces, log the count as lab 01 does. */
int cmd_sink(int argc, char *argv[])
{
	bool drop = argc == 4 && strcmp(argv[3], "-d") == 0;
	int64_t got;
	int l, c;

	if (argc != 3 + drop)
		fail("usage: bench sink SIZE PATH [-d]");
	l = sink_listen(argv[2]);
	c = accept(l, NULL, NULL);
	if (c < 0)
		fail("accept: %s", strerror(errno));
	got = copy(c, drop ? -1 : 1, (size_t)parse_size(argv[1], "SIZE"), 0);
	if (got < 0)
		fail("copying: %s", strerror(errno));
	fprintf(stderr, "client 1: %lld bytes\n", (long long)got);
	if (strcmp(argv[2], "tcp") != 0)
		unlink(argv[2]);
	return 0;
}

/* `bench source SIZE ADDRESS [BYTES]`: the minimal client: connect to
 * ADDRESS as the sink said it ("unix:PATH", "[::1]:PORT",
 * "127.0.0.1:PORT"), copy stdin (or BYTES from memory) to it in SIZE
 * pieces. */
int cmd_source(int argc, char *argv[])
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *addr = argc > 2 ? argv[2] : "";
	int s;

	if (argc != 3 && argc != 4)
		fail("usage: bench source SIZE ADDRESS [BYTES]");
	if (strncmp(addr, "unix:", 5) == 0) {
		if (unix_addr(addr + 5, (struct sockaddr_un *)&ss, &len) < 0)
			fail("%s: %s", addr, strerror(errno));
	} else {
		len = loopback_addr(&ss, addr[0] == '[' ? AF_INET6 : AF_INET,
		                    port_of(addr));
	}
	s = socket(ss.ss_family, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&ss, len) < 0)
		fail("connect %s: %s", addr, strerror(errno));
	if (copy(argc == 4 ? -1 : 0, s, (size_t)parse_size(argv[1], "SIZE"),
	         argc == 4 ? parse_size(argv[3], "BYTES") : 0) < 0)
		fail("copying: %s", strerror(errno));
	return 0;
}

/* The two programs of a configuration: MB/s, or -1 when the transfer
 * failed (said why on stderr).  KIB: when given, both are stopped at
 * their exit, and their peak RSS and anonymous RSS at exit (KiB) go to
 * KIB[0..1] (server) and KIB[2..3] (client); -2 when ptrace(2) is not
 * allowed. */
static double run(const struct config *cf, long kib[4])
{
	struct child srv, cli;
	char size[32], count[32], listen_at[300], connect_to[300], expect[64];
	char *exe = "/proc/self/exe", *path = (char *)sock_path;
	char *lab_srv[] = { (char *)cf->server, "-n", "1", path, NULL };
	char *lab_cli[] = { (char *)cf->client, path, NULL };
	char *socat_srv[] = { (char *)cf->server, "-d", "-d", "-u", "-b", size,
	                      listen_at, "STDOUT", NULL };
	char *socat_cli[] = { (char *)cf->client, "-u", "-b", size, "STDIN",
	                      connect_to, NULL };
	/* The kernel's: the source connects to where the sink said it listens. */
	char *sink[] = { exe, "sink", size, cf->kind == K_TCP ? "tcp" : path,
	                 cf->kind == K_FILE ? NULL : "-d", NULL };
	char *source[] = { exe, "source", size, srv.ready,
	                   cf->kind == K_FILE ? NULL : count, NULL };
	char **srv_argv = cf->kind == K_LAB ? lab_srv : cf->kind == K_SOCAT ? socat_srv : sink;
	char **cli_argv = cf->kind == K_LAB ? lab_cli : cf->kind == K_SOCAT ? socat_cli : source;
	int in = input_of(cf->bytes), trace = kib ? CHILD_TRACE : 0;
	double t0, t1;

	snprintf(size, sizeof size, "%zu", cf->size);
	snprintf(count, sizeof count, "%" PRIu64, cf->bytes);
	snprintf(listen_at, sizeof listen_at, "UNIX-LISTEN:%s", sock_path);
	snprintf(connect_to, sizeof connect_to, "UNIX-CONNECT:%s", sock_path);
	if (lseek(in, 0, SEEK_SET) < 0)
		fail("lseek: %s", strerror(errno));
	unlink(sock_path);
	if (!child_start_server(&srv, srv_argv, trace))
		return -1;
	t0 = now_s();
	child_start(&cli, cli_argv, cf->kind == K_MEM || cf->kind == K_TCP ? -1 : in,
	            -1, CHILD_CAPTURE | trace);
	child_reap(&cli);
	child_reap(&srv);
	t1 = now_s();
	last_cpu = cpu_of(&cli.ru) + cpu_of(&srv.ru);
	unlink(sock_path);
	if (!child_ok(&cli) || !child_ok(&srv)) {
		child_explain(&cli, cf->kind == K_LAB ? "lab 01 client" : cli_argv[0]);
		child_explain(&srv, cf->kind == K_LAB ? "lab 01 server" : srv_argv[0]);
		fprintf(stderr, "bench: the transfer through %s failed\n", srv_argv[0]);
		return -1;
	}
	snprintf(expect, sizeof expect, "client 1: %" PRIu64 " bytes\n", cf->bytes);
	if (cf->kind != K_SOCAT && strstr(srv.tail, expect) == NULL) {
		child_explain(&srv, srv_argv[0]);
		fprintf(stderr, "bench: %s did not log \"%.*s\"\n", srv_argv[0],
		        (int)strlen(expect) - 1, expect);
		return -1;
	}
	if (kib != NULL) {
		if (!srv.traced || !cli.traced)
			return -2;
		kib[0] = srv.hwm_kib, kib[1] = srv.anon_kib;
		kib[2] = cli.hwm_kib, kib[3] = cli.anon_kib;
	}
	return (double)cf->bytes / (t1 - t0) / 1e6;
}

/* A as a percentage of B, run by run (the runs were interleaved: run r
 * of both saw the same load), the median of those: MB/s (a->mbps,
 * b->mbps) or CPU time (a->cpu, b->cpu). */
static double paired_ratio(const double *a, const double *b, int runs)
{
	double r[MAX_RUNS];

	for (int i = 0; i < runs; i++)
		r[i] = 100 * a[i] / b[i];
	return median(r, (size_t)runs);
}

/* "100 B", "64 KiB", "1 MiB", "6.25 MiB", "1 GiB". */
static void size_label(char *buf, size_t len, uint64_t n)
{
	if (n >= 1ull << 30 && n % (1ull << 30) == 0)
		snprintf(buf, len, "%llu GiB", (unsigned long long)(n >> 30));
	else if (n >= 1ull << 20 && n % (1ull << 18) == 0)
		snprintf(buf, len, "%g MiB", (double)n / (1 << 20));
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(buf, len, "%llu KiB", (unsigned long long)(n >> 10));
	else
		snprintf(buf, len, "%llu B", (unsigned long long)n);
}

/* What the command line asks for, and the configurations measured, in
 * the table's order: for every buffer size kernel sock only, kernel
 * file>sock>null and lab 01; then socat, then TCP.  Each row is one of
 * them. */
struct plan {
	uint64_t bytes;
	size_t ref;
	int runs, tcp_family;
	const char *lab_dir, *variant, *socat;
	struct config cf[MAX_SIZES * 3 + 2];
	size_t ncf;
	struct config *ref_file, *ref_lab;      /* at the reference size */
};

static void parse_xfer_args(int argc, char *argv[], struct plan *p)
{
	int opt;

	p->bytes = 1ull << 30;
	p->runs = bench_runs;
	while ((opt = getopt(argc, argv, "b:r:l:v:s:")) != -1) {
		switch (opt) {
		case 'b': p->bytes = parse_size(optarg, "-b"); break;
		case 'r': p->ref = (size_t)parse_size(optarg, "-r"); break;
		case 'l': p->lab_dir = optarg; break;
		case 'v': p->variant = optarg; break;
		case 's': p->socat = optarg[0] ? optarg : NULL; break;
		default: fail("xfer: bad option");
		}
	}
	if (p->bytes < 1 || p->ref == 0 || !p->lab_dir || !p->variant
	    || optind == argc || argc - optind > MAX_SIZES)
		fail("usage: bench [-n RUNS] xfer [-b BYTES] -r REF -l LAB_DIR "
		     "-v VARIANT_PREFIX [-s SOCAT] SIZE...");
}

static struct config *add_config(struct plan *p, enum kind kind, size_t size,
                                 uint64_t bytes, const char *program)
{
	struct config *c = &p->cf[p->ncf++];

	c->kind = kind;
	c->size = size;
	c->bytes = bytes;
	snprintf(c->server, sizeof c->server, "%s%s", program, kind == K_LAB ? "/server" : "");
	snprintf(c->client, sizeof c->client, "%s%s", program, kind == K_LAB ? "/client" : "");
	return c;
}

/* The configurations of the SIZES, then socat's and TCP's. */
static void plan_configs(struct plan *p, char *sizes[], int nsizes)
{
	struct config *file, *lab;
	char variant[400];

	for (int i = 0; i < nsizes; i++) {
		size_t size = (size_t)parse_size(sizes[i], "SIZE");
		/* Small buffers are slow: at most CHUNKS buffers' worth. */
		uint64_t b = size * CHUNKS < p->bytes ? size * CHUNKS : p->bytes;
		bool ref = size == p->ref;

		snprintf(variant, sizeof variant, "%s%zu", p->variant, size);
		add_config(p, K_MEM, size, b, "");
		file = add_config(p, K_FILE, size, b, "");
		lab = add_config(p, K_LAB, size, b, ref ? p->lab_dir : variant);
		if (ref)
			p->ref_file = file, p->ref_lab = lab;
	}
	if (p->ref_lab == NULL)
		fail("xfer: the reference size %zu is not among the sizes", p->ref);
	if (p->socat != NULL)
		add_config(p, K_SOCAT, 65536, p->bytes, p->socat);
	/* For comparison: the socket-only transfer over TCP loopback, in
	 * the family this machine has (the row's name says which; the sink
	 * chooses the same way). */
	add_config(p, K_TCP, p->ref, p->bytes, "");
	p->tcp_family = loopback_family();
}

/* Every configuration RUNS times, interleaved, after a warm-up. */
static void measure_transfers(struct plan *p)
{
	/* Warm-up, not counted: the input in memory, caches, clocks. */
	run(p->ref_file, NULL);
	p->ref_lab->failed = run(p->ref_lab, NULL) < 0;
	for (int r = 0; r < p->runs; r++)
		for (size_t i = 0; i < p->ncf; i++) {
			struct config *c = &p->cf[i];

			if (c->failed)
				continue;       /* a lab that does not work (yet) */
			c->mbps[r] = run(c, NULL);
			c->cpu[r] = last_cpu;
			c->failed = c->mbps[r] < 0;
		}
}

/* The row's name: the buffer size, and what is not the default. */
static void item_name(char *item, size_t len, const struct config *c,
                      const struct plan *p)
{
	char sz[32], amount[32];

	size_label(sz, sizeof sz, c->size);
	size_label(amount, sizeof amount, c->bytes);
	if (c->kind == K_SOCAT)
		snprintf(item, len, "socat -u -b %zu", c->size);
	else if (c->kind == K_TCP)
		snprintf(item, len, "%s over TCP/IPv%c loopback", sz,
		         p->tcp_family == AF_INET6 ? '6' : '4');
	else
		snprintf(item, len, "%s%s%s%s%s", sz,
		         c->size == p->ref ? " (lab 01 ref)" : "",
		         c->bytes != p->bytes ? " [" : "",
		         c->bytes != p->bytes ? amount : "",
		         c->bytes != p->bytes ? " moved]" : "");
}

/* The table: one row per buffer size.  The kernel's best
 * file>sock>null configuration, the limit lab 01 is held to. */
static const struct config *transfer_rows(const struct plan *p)
{
	static const char *metric[] = {
		"kernel sock only", "kernel file>sock>null",
		"programs", "programs", "kernel sock only",
	};
	const struct config *best = NULL;
	int runs = p->runs;

	for (size_t i = 0; i < p->ncf; i++) {
		const struct config *c = &p->cf[i];
		char item[128], text[200];
		double m = median(c->mbps, (size_t)runs);

		item_name(item, sizeof item, c, p);
		if (c->failed) {
			snprintf(text, sizeof text, "%s failed: see the messages above",
			         c->server);
			row_text("note", item, "failed", text);
			continue;
		}
		row("transfer", item, metric[c->kind], m, 0, "MB/s", runs);
		if (c->kind == K_LAB) {
			/* c[-1]: the kernel file>sock>null at the same size. */
			row("transfer", item, "lab 01/kernel",
			    paired_ratio(c->mbps, c[-1].mbps, runs), 1, "%", runs);
			row("transfer", item, "CPU lab 01/kernel",
			    paired_ratio(c->cpu, c[-1].cpu, runs), 0, "%", runs);
		}
		if (c->kind == K_FILE
		    && (best == NULL || m > median(best->mbps, (size_t)runs)))
			best = c;
	}
	return best;
}

/* The target: lab 01 (reference size) >= 90% of the kernel's best. */
static void transfer_target(const struct config *lab_cf,
                            const struct config *best, size_t ref, int runs)
{
	char sz[32], text[256];
	double lab = median(lab_cf->mbps, (size_t)runs);
	double lim = median(best->mbps, (size_t)runs);
	double pct = paired_ratio(lab_cf->mbps, best->mbps, runs);
	double top_lab = percentile(lab_cf->mbps, (size_t)runs, 100);
	double top_lim = percentile(best->mbps, (size_t)runs, 100);

	size_label(sz, sizeof sz, best->size);
	row("target", "lab 01 transfer", "% of the kernel limit", pct, 1,
	    "%", runs);
	snprintf(text, sizeof text,
	         "%s: lab 01 (%zu-byte buffer) %.0f MB/s; kernel limit "
	         "file>sock>null %.0f MB/s at its best buffer (%s): "
	         "%.0f%% (fastest runs: %.0f%%); target >= 90%%",
	         pct >= 90 ? "MET" : "MISSED", ref, lab, lim, sz, pct,
	         100 * top_lab / top_lim);
	row_text("target", "lab 01 transfer", "verdict", text);
}

/* [amount: 1 MiB, BYTES][server peak, server anon, client peak, client
 * anon][run], as run() gives them. */
typedef double mem_runs[2][4][MEM_RUNS];

/* MEM_RUNS traced runs of the reference lab 01 after 1 MiB and after
 * BYTES, into V: false (a note says why) when there are no figures. */
static bool measure_memory(const struct config *lab_cf, uint64_t bytes,
                           mem_runs v)
{
	struct config c = *lab_cf;

	for (int a = 0; a < 2; a++) {
		c.bytes = a == 0 ? 1 << 20 : bytes;
		for (int r = 0; r < MEM_RUNS; r++) {
			long kib[4];
			double got = run(&c, kib);

			if (got < 0) {
				row_text("note", "lab 01 memory", "skipped",
				         got == -2 ? "ptrace(2) is not allowed "
				         "here: no peak RSS at exit"
				         : "lab 01 failed (see above)");
				return false;
			}
			for (int f = 0; f < 4; f++)
				v[a][f][r] = (double)kib[f];
		}
	}
	return true;
}

/* The memory rows and their target.  VmHWM also counts the shared
 * library pages the program mapped, which vary by some 100 KiB from run
 * to run with the page cache: the verdict compares the median after
 * BYTES with the largest seen after 1 MiB. */
static void memory_rows(mem_runs v, uint64_t bytes)
{
	const char *who[2] = { "lab 01 server", "lab 01 client" };
	char amount[32], metric[64], text[400];
	double after[2], top[2];

	size_label(amount, sizeof amount, bytes);
	for (int p = 0; p < 2; p++) {
		for (int m = 0; m < 2; m++)
			for (int a = 0; a < 2; a++) {
				snprintf(metric, sizeof metric, "%s after %s",
				         m == 0 ? "peak" : "anon", a == 0 ? "1 MiB" : amount);
				row("memory", who[p], metric, median(v[a][2 * p + m], MEM_RUNS),
				    0, "KiB", MEM_RUNS);
			}
		after[p] = median(v[1][2 * p], MEM_RUNS);
		top[p] = percentile(v[0][2 * p], MEM_RUNS, 100);
	}
	snprintf(text, sizeof text,
	         "%s: median peak RSS after %s: server %.0f KiB, client "
	         "%.0f KiB; the largest after 1 MiB: %.0f and %.0f KiB "
	         "(%d runs each); target: no higher",
	         after[0] <= top[0] && after[1] <= top[1] ? "MET" : "MISSED",
	         amount, after[0], after[1], top[0], top[1], MEM_RUNS);
	row_text("target", "lab 01 memory", "verdict", text);
}

int cmd_xfer(int argc, char *argv[])
{
	static struct plan p;
	static char path[300];
	const struct config *best;
	mem_runs mem;

	parse_xfer_args(argc, argv, &p);
	size_label(path, sizeof path, p.bytes);         /* for the table's title */
	row_text("machine", "transfer", "amount", path);
	snprintf(path, sizeof path, "%s/drop.sock", make_tmpdir());
	sock_path = path;
	plan_configs(&p, argv + optind, argc - optind);
	measure_transfers(&p);
	best = transfer_rows(&p);
	if (p.ref_lab->failed) {
		row_text("target", "lab 01 transfer", "verdict",
		         "MISSED: lab 01 does not transfer (see the messages above)");
		return 0;
	}
	transfer_target(p.ref_lab, best, p.ref, p.runs);
	/* Memory after 1 MiB and after BYTES: the peak RSS (VmHWM) and the
	 * anonymous memory at exit (RssAnon: heap, stack, buffers). */
	if (measure_memory(p.ref_lab, p.bytes, mem))
		memory_rows(mem, p.bytes);
	return 0;
}
