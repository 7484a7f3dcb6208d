/*
 * xfer.c - `bench xfer`: lab 01's transfer throughput next to the
 * kernel's limit, and the lab 01 programs' memory.
 *
 * Usage: bench xfer [-b BYTES] [-n RUNS] [-c CHUNKS] -r REF -l LAB_DIR
 *                   -v VARIANT_PREFIX [-s SOCAT] SIZE...
 *
 * For every buffer SIZE, three transfers of BYTES (at most CHUNKS times
 * SIZE, default 65536: small buffers are slow, and a rate needs no more),
 * each from a client program to a server program started the way lab 01's
 * are: the server first, on a pathname socket, waited for through its
 * "listening on" line; the clock runs from the client's start until both
 * have exited.
 *
 *   kernel sock only         bench source -m / bench sink -d: write(2)
 *                            from memory into the AF_UNIX stream socket,
 *                            read(2) into memory: the socket alone
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
 * 127.0.0.1) at the reference size (two forked processes).
 *
 * The input file is BYTES of pseudo-random data in a memfd: no disk is
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
 *
 * BENCH_VERBOSE=1 in the environment: every run's figure on stderr.
 */
#include "bench.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_RUNS 99
#define MAX_SIZES 16
#define MEM_RUNS 5

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

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static double cpu_of(const struct rusage *ru)
{
	return seconds(ru->ru_utime) + seconds(ru->ru_stime);
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

static void rewind_fd(int fd)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		fail("lseek: %s", strerror(errno));
}

/* A connected TCP pair over ::1 (127.0.0.1 when ::1 is unusable):
 * SV[0] accepted, SV[1] connected.  Its family. */
static int tcp_pair(int sv[2])
{
	if (loopback_pair(AF_INET6, SOCK_STREAM, sv) == 0)
		return AF_INET6;
	if (loopback_pair(AF_INET, SOCK_STREAM, sv) == 0)
		return AF_INET;
	fail("no TCP loopback: %s", strerror(errno));
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

/* `bench sink [-d] SIZE PATH`: the minimal server of "kernel ...": listen
 * on PATH, say so as lab 01 does, accept one client, copy what it sends
 * to stdout (-d: read it and drop it) in SIZE pieces, log the count. */
int cmd_sink(int argc, char *argv[])
{
	struct sockaddr_un a;
	socklen_t len;
	bool drop = argc > 1 && strcmp(argv[1], "-d") == 0;
	int64_t got;
	int l, c;

	if (argc != 3 + drop || unix_addr(argv[2 + drop], &a, &len) < 0)
		fail("usage: bench sink [-d] SIZE PATH");
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, len) < 0 || listen(l, 1) < 0)
		fail("listen on unix:%s: %s", a.sun_path, strerror(errno));
	fprintf(stderr, "listening on unix:%s\n", a.sun_path);
	c = accept(l, NULL, NULL);
	if (c < 0)
		fail("accept: %s", strerror(errno));
	got = copy(c, drop ? -1 : 1, (size_t)parse_size(argv[1 + drop], "SIZE"), 0);
	if (got < 0)
		fail("copying: %s", strerror(errno));
	fprintf(stderr, "client 1: %lld bytes\n", (long long)got);
	unlink(a.sun_path);
	return 0;
}

/* `bench source [-m BYTES] SIZE PATH`: the minimal client: connect to
 * PATH, copy stdin (-m: BYTES from memory) to it in SIZE pieces. */
int cmd_source(int argc, char *argv[])
{
	struct sockaddr_un a;
	socklen_t len;
	bool mem = argc > 2 && strcmp(argv[1], "-m") == 0;
	uint64_t bytes = mem ? parse_size(argv[2], "-m") : 0;
	int s;

	if (argc != 3 + 2 * mem || unix_addr(argv[2 + 2 * mem], &a, &len) < 0)
		fail("usage: bench source [-m BYTES] SIZE PATH");
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, len) < 0)
		fail("connect unix:%s: %s", a.sun_path, strerror(errno));
	if (copy(mem ? -1 : 0, s, (size_t)parse_size(argv[1 + 2 * mem], "SIZE"),
	         bytes) < 0)
		fail("copying: %s", strerror(errno));
	return 0;
}

/* K_TCP: memory to memory over TCP loopback, two forked processes. */
static double run_tcp(const struct config *cf)
{
	int sv[2], status;
	struct rusage ru;
	pid_t writer, reader;
	double t0, t1;
	bool ok = true;

	tcp_pair(sv);
	t0 = now_s();
	writer = fork();
	if (writer < 0)
		fail("fork: %s", strerror(errno));
	if (writer == 0) {
		close(sv[0]);
		_exit(copy(-1, sv[1], cf->size, cf->bytes) < 0 ? 5 : 0);
	}
	reader = fork();
	if (reader < 0)
		fail("fork: %s", strerror(errno));
	if (reader == 0) {
		close(sv[1]);
		_exit(copy(sv[0], -1, cf->size, 0) == (int64_t)cf->bytes ? 0 : 6);
	}
	close(sv[0]);
	close(sv[1]);
	last_cpu = 0;
	for (int i = 0; i < 2; i++) {
		while (wait4(i == 0 ? writer : reader, &status, 0, &ru) < 0
		       && errno == EINTR)
			;
		ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
		last_cpu += cpu_of(&ru);
	}
	t1 = now_s();
	if (!ok)
		fail("the %zu-byte TCP transfer failed", cf->size);
	return (double)cf->bytes / (t1 - t0) / 1e6;
}

/* Start a server and wait for its ready line: false (said why) if it
 * never comes. */
static bool start_server(struct child *srv, char *const argv[], int flags)
{
	unlink(sock_path);
	if (child_start_server(srv, argv, flags))
		return true;
	child_explain(srv, argv[0]);
	fprintf(stderr, "bench: %s: no \"listening on\" line\n", argv[0]);
	return false;
}

/* The lab 01 pair, or socat at both ends: MB/s, or -1 when the transfer
 * failed (said why on stderr).  TRACE: stop both at their exit and put
 * their peak RSS and their anonymous RSS at exit (KiB) in SRV_KIB[0..1]
 * and CLI_KIB[0..1]; -2 when ptrace(2) is not allowed. */
static double run_programs(const struct config *cf, bool trace,
                           long srv_kib[2], long cli_kib[2])
{
	struct child srv, cli;
	char size[32], listen_at[256], connect_to[256], expect[64];
	int in = input_of(cf->bytes);
	double t0, t1;

	snprintf(size, sizeof size, "%zu", cf->size);
	snprintf(listen_at, sizeof listen_at, "UNIX-LISTEN:%s", sock_path);
	snprintf(connect_to, sizeof connect_to, "UNIX-CONNECT:%s", sock_path);
	char *lab_srv[] = { (char *)cf->server, "-n", "1", (char *)sock_path, NULL };
	char *lab_cli[] = { (char *)cf->client, (char *)sock_path, NULL };
	char *socat_srv[] = { (char *)cf->server, "-d", "-d", "-u", "-b", size,
	                      listen_at, "STDOUT", NULL };
	char *socat_cli[] = { (char *)cf->client, "-u", "-b", size, "STDIN",
	                      connect_to, NULL };
	char count[32];
	char *sink[] = { "/proc/self/exe", "sink", size, (char *)sock_path, NULL };
	char *sink_drop[] = { "/proc/self/exe", "sink", "-d", size,
	                      (char *)sock_path, NULL };
	char *source[] = { "/proc/self/exe", "source", size, (char *)sock_path,
	                   NULL };
	char *source_mem[] = { "/proc/self/exe", "source", "-m", count, size,
	                       (char *)sock_path, NULL };
	char **srv_argv = cf->kind == K_LAB ? lab_srv : cf->kind == K_SOCAT
	                  ? socat_srv : cf->kind == K_FILE ? sink : sink_drop;
	char **cli_argv = cf->kind == K_LAB ? lab_cli : cf->kind == K_SOCAT
	                  ? socat_cli : cf->kind == K_FILE ? source : source_mem;
	bool lab = cf->kind == K_LAB, logs = cf->kind != K_SOCAT;

	snprintf(count, sizeof count, "%" PRIu64, cf->bytes);
	rewind_fd(in);
	if (!start_server(&srv, srv_argv, trace ? CHILD_TRACE : 0))
		return -1;
	t0 = now_s();
	child_start(&cli, cli_argv, cf->kind == K_MEM ? -1 : in, -1,
	            CHILD_CAPTURE | (trace ? CHILD_TRACE : 0));
	child_reap(&cli);
	child_reap(&srv);
	t1 = now_s();
	last_cpu = cpu_of(&cli.ru) + cpu_of(&srv.ru);
	if (getenv("BENCH_VERBOSE"))
		fprintf(stderr, "bench: CPU s: client %.3f+%.3f server %.3f+%.3f\n",
		        seconds(cli.ru.ru_utime), seconds(cli.ru.ru_stime),
		        seconds(srv.ru.ru_utime), seconds(srv.ru.ru_stime));
	unlink(sock_path);
	if (!child_ok(&cli) || !child_ok(&srv)) {
		child_explain(&cli, lab ? "lab 01 client" : cli_argv[0]);
		child_explain(&srv, lab ? "lab 01 server" : srv_argv[0]);
		fprintf(stderr, "bench: the transfer through %s failed\n",
		        cf->server);
		return -1;
	}
	snprintf(expect, sizeof expect, "client 1: %" PRIu64 " bytes\n", cf->bytes);
	if (logs && strstr(srv.tail, expect) == NULL) {
		child_explain(&srv, srv_argv[0]);
		fprintf(stderr, "bench: %s did not log \"%.*s\"\n", srv_argv[0],
		        (int)strlen(expect) - 1, expect);
		return -1;
	}
	if (trace) {
		if (!srv.traced || !cli.traced)
			return -2;
		srv_kib[0] = srv.hwm_kib;
		srv_kib[1] = srv.anon_kib;
		cli_kib[0] = cli.hwm_kib;
		cli_kib[1] = cli.anon_kib;
	}
	return (double)cf->bytes / (t1 - t0) / 1e6;
}

static double run(const struct config *cf)
{
	return cf->kind == K_TCP ? run_tcp(cf)
	                         : run_programs(cf, false, NULL, NULL);
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

static void size_label(char *buf, size_t len, size_t size)
{
	if (size >= 1048576 && size % 1048576 == 0)
		snprintf(buf, len, "%zu MiB", size / 1048576);
	else if (size >= 1024 && size % 1024 == 0)
		snprintf(buf, len, "%zu KiB", size / 1024);
	else
		snprintf(buf, len, "%zu B", size);
}

static void bytes_label(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= 1ull << 30 && bytes % (1ull << 30) == 0)
		snprintf(buf, len, "%llu GiB", (unsigned long long)(bytes >> 30));
	else if (bytes >= 1ull << 20 && bytes % (1ull << 18) == 0)
		snprintf(buf, len, "%g MiB", (double)bytes / (1 << 20));
	else
		size_label(buf, len, (size_t)bytes);
}

/* What the command line asks for. */
struct xfer_args {
	uint64_t bytes, chunks;
	size_t ref, nsizes, sizes[MAX_SIZES];
	int runs;
	const char *lab_dir, *variant, *socat;
};

static void parse_xfer_args(int argc, char *argv[], struct xfer_args *a)
{
	int opt;

	*a = (struct xfer_args){ .bytes = 1ull << 30, .chunks = 65536, .runs = 5 };
	while ((opt = getopt(argc, argv, "b:n:c:r:l:v:s:")) != -1) {
		switch (opt) {
		case 'b': a->bytes = parse_size(optarg, "-b"); break;
		case 'n': a->runs = (int)parse_size(optarg, "-n"); break;
		case 'c': a->chunks = parse_size(optarg, "-c"); break;
		case 'r': a->ref = (size_t)parse_size(optarg, "-r"); break;
		case 'l': a->lab_dir = optarg; break;
		case 'v': a->variant = optarg; break;
		case 's': a->socat = optarg[0] ? optarg : NULL; break;
		default: fail("xfer: bad option");
		}
	}
	if (a->runs < 1 || a->runs > MAX_RUNS || a->bytes < 1 || a->chunks < 1
	    || a->ref == 0 || !a->lab_dir || !a->variant || optind == argc)
		fail("usage: bench xfer [-b BYTES] [-n RUNS] [-c CHUNKS] -r REF "
		     "-l LAB_DIR -v VARIANT_PREFIX [-s SOCAT] SIZE...");
	for (int i = optind; i < argc && a->nsizes < MAX_SIZES; i++)
		a->sizes[a->nsizes++] = (size_t)parse_size(argv[i], "SIZE");
}

/* The configurations measured, in the table's order: for every buffer
 * size kernel sock only, kernel file>sock>null and lab 01; then socat,
 * then TCP.  Each row is one of them. */
struct plan {
	struct config cf[MAX_SIZES * 3 + 2];
	size_t ncf;
	struct config *ref_file, *ref_lab;      /* at the reference size */
	int tcp_family;
};

static struct config *add_config(struct plan *p, enum kind kind, size_t size,
                                 uint64_t bytes)
{
	struct config *c = &p->cf[p->ncf++];

	c->kind = kind;
	c->size = size;
	c->bytes = bytes;
	return c;
}

static void plan_sweep(struct plan *p, const struct xfer_args *a)
{
	for (size_t i = 0; i < a->nsizes; i++) {
		size_t size = a->sizes[i];
		/* Small buffers are slow: at most CHUNKS buffers' worth. */
		uint64_t b = size * a->chunks < a->bytes ? size * a->chunks : a->bytes;
		struct config *c;

		add_config(p, K_MEM, size, b);
		c = add_config(p, K_FILE, size, b);
		if (size == a->ref)
			p->ref_file = c;
		c = add_config(p, K_LAB, size, b);
		if (size == a->ref) {
			snprintf(c->server, sizeof c->server, "%s/server", a->lab_dir);
			snprintf(c->client, sizeof c->client, "%s/client", a->lab_dir);
			p->ref_lab = c;
		} else {
			snprintf(c->server, sizeof c->server, "%s%zu/server",
			         a->variant, size);
			snprintf(c->client, sizeof c->client, "%s%zu/client",
			         a->variant, size);
		}
	}
	if (p->ref_lab == NULL)
		fail("xfer: the reference size %zu is not among the sizes", a->ref);
}

static void plan_others(struct plan *p, const struct xfer_args *a)
{
	int sv[2];

	if (a->socat != NULL) {
		struct config *c = add_config(p, K_SOCAT, 65536, a->bytes);

		snprintf(c->server, sizeof c->server, "%s", a->socat);
		snprintf(c->client, sizeof c->client, "%s", a->socat);
	}
	/* For comparison: the socket-only transfer over TCP loopback, in
	 * the family this machine has (the row's name says which). */
	add_config(p, K_TCP, a->ref, a->bytes);
	p->tcp_family = tcp_pair(sv);
	close(sv[0]);
	close(sv[1]);
}

/* Every configuration RUNS times, interleaved, after a warm-up. */
static void measure_transfers(struct plan *p, int runs)
{
	static const char *kind_name[] = { "kernel mem", "kernel file",
	                                   "lab 01", "socat", "tcp mem" };
	bool verbose = getenv("BENCH_VERBOSE") && *getenv("BENCH_VERBOSE");

	/* Warm-up, not counted: the input in memory, caches, clocks. */
	run(p->ref_file);
	p->ref_lab->failed = run(p->ref_lab) < 0;
	for (int r = 0; r < runs; r++)
		for (size_t i = 0; i < p->ncf; i++) {
			struct config *c = &p->cf[i];

			if (c->failed)
				continue;       /* a lab that does not work (yet) */
			c->mbps[r] = run(c);
			c->cpu[r] = last_cpu;
			c->failed = c->mbps[r] < 0;
			if (verbose)
				fprintf(stderr, "bench: run %d: %zu-byte %s: %.0f MB/s\n",
				        r + 1, c->size, kind_name[c->kind], c->mbps[r]);
		}
}

/* The row's name: the buffer size, and what is not the default. */
static void item_name(char *item, size_t len, const struct config *c,
                      const struct xfer_args *a, int tcp_family)
{
	char sz[32], amount[32];

	size_label(sz, sizeof sz, c->size);
	bytes_label(amount, sizeof amount, c->bytes);
	if (c->kind == K_SOCAT)
		snprintf(item, len, "socat -u -b %zu", c->size);
	else if (c->kind == K_TCP)
		snprintf(item, len, "%s over TCP/IPv%c loopback", sz,
		         tcp_family == AF_INET6 ? '6' : '4');
	else
		snprintf(item, len, "%s%s%s%s%s", sz,
		         c->size == a->ref ? " (lab 01 ref)" : "",
		         c->bytes != a->bytes ? " [" : "",
		         c->bytes != a->bytes ? amount : "",
		         c->bytes != a->bytes ? " moved]" : "");
}

/* The table: one row per buffer size.  The kernel's best
 * file>sock>null configuration, the limit lab 01 is held to. */
static const struct config *transfer_rows(const struct plan *p,
                                          const struct xfer_args *a)
{
	static const char *metric[] = {
		"kernel sock only", "kernel file>sock>null",
		"programs", "programs", "kernel sock only",
	};
	const struct config *best = NULL;

	for (size_t i = 0; i < p->ncf; i++) {
		const struct config *c = &p->cf[i];
		char item[128], text[200];
		double m = median(c->mbps, (size_t)a->runs);

		item_name(item, sizeof item, c, a, p->tcp_family);
		if (c->failed) {
			snprintf(text, sizeof text, "%s failed: see the messages above",
			         c->server);
			row_text("note", item, "failed", text);
			continue;
		}
		row("transfer", item, metric[c->kind], m, 0, "MB/s", a->runs);
		if (c->kind == K_LAB) {
			/* c[-1]: the kernel file>sock>null at the same size. */
			row("transfer", item, "lab 01/kernel",
			    paired_ratio(c->mbps, c[-1].mbps, a->runs), 1, "%", a->runs);
			row("transfer", item, "CPU lab 01/kernel",
			    paired_ratio(c->cpu, c[-1].cpu, a->runs), 0, "%", a->runs);
		}
		if (c->kind == K_FILE
		    && (best == NULL || m > median(best->mbps, (size_t)a->runs)))
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

/* [amount: 1 MiB, BYTES][program: server, client][VmHWM, RssAnon][run] */
typedef double mem_runs[2][2][2][MEM_RUNS];

/* MEM_RUNS traced runs of the reference lab 01 after 1 MiB and after
 * BYTES, into V: false (a note says why) when there are no figures. */
static bool measure_memory(const struct config *lab_cf, uint64_t bytes,
                           mem_runs v)
{
	struct config c = *lab_cf;

	for (int a = 0; a < 2; a++) {
		c.bytes = a == 0 ? 1 << 20 : bytes;
		for (int r = 0; r < MEM_RUNS; r++) {
			long sk[2], ck[2];
			double got = run_programs(&c, true, sk, ck);

			if (got < 0) {
				row_text("note", "lab 01 memory", "skipped",
				         got == -2 ? "ptrace(2) is not allowed "
				         "here: no peak RSS at exit"
				         : "lab 01 failed (see above)");
				return false;
			}
			for (int m = 0; m < 2; m++) {
				v[a][0][m][r] = (double)sk[m];
				v[a][1][m][r] = (double)ck[m];
			}
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
	double med[2][2][2], top[2][2];
	char amount[32], hwm_metric[64], anon_metric[64], text[400];
	bool met = true;

	for (int a = 0; a < 2; a++)
		for (int p = 0; p < 2; p++) {
			for (int m = 0; m < 2; m++)
				med[a][p][m] = median(v[a][p][m], MEM_RUNS);
			top[a][p] = percentile(v[a][p][0], MEM_RUNS, 100);
		}
	bytes_label(amount, sizeof amount, bytes);
	snprintf(hwm_metric, sizeof hwm_metric, "peak after %s", amount);
	snprintf(anon_metric, sizeof anon_metric, "anon after %s", amount);
	for (int p = 0; p < 2; p++) {
		row("memory", who[p], "peak after 1 MiB", med[0][p][0], 0, "KiB",
		    MEM_RUNS);
		row("memory", who[p], hwm_metric, med[1][p][0], 0, "KiB",
		    MEM_RUNS);
		row("memory", who[p], "anon after 1 MiB", med[0][p][1], 0,
		    "KiB", MEM_RUNS);
		row("memory", who[p], anon_metric, med[1][p][1], 0, "KiB",
		    MEM_RUNS);
		if (med[1][p][0] > top[0][p])
			met = false;
	}
	snprintf(text, sizeof text,
	         "%s: median peak RSS after %s: server %.0f KiB, client "
	         "%.0f KiB; the largest after 1 MiB: %.0f and %.0f KiB "
	         "(%d runs each); target: no higher",
	         met ? "MET" : "MISSED", amount, med[1][0][0], med[1][1][0],
	         top[0][0], top[0][1], MEM_RUNS);
	row_text("target", "lab 01 memory", "verdict", text);
}

int cmd_xfer(int argc, char *argv[])
{
	struct xfer_args a;
	static struct plan p;
	static char path[300];
	const struct config *best;
	mem_runs mem;

	parse_xfer_args(argc, argv, &a);
	snprintf(path, sizeof path, "%s/drop.sock", make_tmpdir());
	sock_path = path;
	plan_sweep(&p, &a);
	plan_others(&p, &a);
	measure_transfers(&p, a.runs);
	best = transfer_rows(&p, &a);
	if (p.ref_lab->failed) {
		row_text("target", "lab 01 transfer", "verdict",
		         "MISSED: lab 01 does not transfer (see the messages above)");
		return 0;
	}
	transfer_target(p.ref_lab, best, a.ref, a.runs);
	/* Memory after 1 MiB and after BYTES: the peak RSS (VmHWM) and the
	 * anonymous memory at exit (RssAnon: heap, stack, buffers). */
	if (measure_memory(p.ref_lab, a.bytes, mem))
		memory_rows(mem, a.bytes);
	return 0;
}
