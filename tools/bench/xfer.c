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
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
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

static double cpu_of(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6
	       + (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
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
	static const int families[2] = { AF_INET6, AF_INET };

	for (int i = 0; i < 2; i++) {
		struct sockaddr_storage ss;
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		socklen_t len;
		int l = socket(families[i], SOCK_STREAM | SOCK_CLOEXEC, 0);

		memset(&ss, 0, sizeof ss);
		if (families[i] == AF_INET6) {
			a6->sin6_family = AF_INET6;
			a6->sin6_addr = in6addr_loopback;
			len = sizeof *a6;
		} else {
			a4->sin_family = AF_INET;
			a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			len = sizeof *a4;
		}
		if (l < 0 || bind(l, (struct sockaddr *)&ss, len) < 0
		    || listen(l, 1) < 0
		    || getsockname(l, (struct sockaddr *)&ss, &len) < 0) {
			if (l >= 0)
				close(l);
			continue;
		}
		sv[1] = socket(families[i], SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sv[1] < 0 || connect(sv[1], (struct sockaddr *)&ss, len) < 0)
			fail("connect over TCP loopback: %s", strerror(errno));
		sv[0] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		if (sv[0] < 0)
			fail("accept: %s", strerror(errno));
		close(l);
		return families[i];
	}
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
		if (out >= 0)
			for (ssize_t off = 0; off < n;) {
				ssize_t w = write(out, buf + off, (size_t)(n - off));

				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0) {
					free(buf);
					return -1;
				}
				off += w;
			}
		done += (uint64_t)n;
	}
}

/* `bench sink [-d] SIZE PATH`: the minimal server of "kernel ...": listen
 * on PATH, say so as lab 01 does, accept one client, copy what it sends
 * to stdout (-d: read it and drop it) in SIZE pieces, log the count. */
int cmd_sink(int argc, char *argv[])
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	bool drop = argc > 1 && strcmp(argv[1], "-d") == 0;
	int64_t got;
	int l, c;

	if (argc != 3 + drop || strlen(argv[2 + drop]) >= sizeof a.sun_path)
		fail("usage: bench sink [-d] SIZE PATH");
	strcpy(a.sun_path, argv[2 + drop]);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0)
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
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	bool mem = argc > 2 && strcmp(argv[1], "-m") == 0;
	uint64_t bytes = mem ? parse_size(argv[2], "-m") : 0;
	int s;

	if (argc != 3 + 2 * mem || strlen(argv[2 + 2 * mem]) >= sizeof a.sun_path)
		fail("usage: bench source [-m BYTES] SIZE PATH");
	strcpy(a.sun_path, argv[2 + 2 * mem]);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0)
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
	child_start(srv, argv, -1, -1, CHILD_CAPTURE | flags);
	if (child_wait_ready(srv, 10000) == 0)
		return true;
	kill(srv->pid, SIGTERM);
	child_reap(srv);
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
		        cli.ru.ru_utime.tv_sec + cli.ru.ru_utime.tv_usec / 1e6,
		        cli.ru.ru_stime.tv_sec + cli.ru.ru_stime.tv_usec / 1e6,
		        srv.ru.ru_utime.tv_sec + srv.ru.ru_utime.tv_usec / 1e6,
		        srv.ru.ru_stime.tv_sec + srv.ru.ru_stime.tv_usec / 1e6);
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
 * of both saw the same load), the median of those. */
static double paired_ratio(const struct config *a, const struct config *b,
                           int runs)
{
	double r[MAX_RUNS];

	for (int i = 0; i < runs; i++)
		r[i] = 100 * a->mbps[i] / b->mbps[i];
	return median(r, (size_t)runs);
}

/* The CPU time A took as a percentage of B's, run by run, the median. */
static double cpu_ratio(const struct config *a, const struct config *b,
                        int runs)
{
	double r[MAX_RUNS];

	for (int i = 0; i < runs; i++)
		r[i] = 100 * a->cpu[i] / b->cpu[i];
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

int cmd_xfer(int argc, char *argv[])
{
	uint64_t bytes = 1ull << 30, chunks = 65536;
	size_t ref = 0, nsizes = 0, sizes[MAX_SIZES], ncf = 0;
	int runs = 5, opt;
	const char *lab_dir = NULL, *variant = NULL, *socat = NULL;
	static struct config cf[MAX_SIZES * 3 + 2];
	struct config *ref_file = NULL, *ref_lab = NULL, *best = NULL;
	static const char *kind_name[] = { "kernel mem", "kernel file",
	                                   "lab 01", "socat", "tcp mem" };
	bool verbose = getenv("BENCH_VERBOSE") && *getenv("BENCH_VERBOSE");
	int tcp_family = AF_INET6;

	while ((opt = getopt(argc, argv, "b:n:c:r:l:v:s:")) != -1) {
		switch (opt) {
		case 'b': bytes = parse_size(optarg, "-b"); break;
		case 'n': runs = (int)parse_size(optarg, "-n"); break;
		case 'c': chunks = parse_size(optarg, "-c"); break;
		case 'r': ref = (size_t)parse_size(optarg, "-r"); break;
		case 'l': lab_dir = optarg; break;
		case 'v': variant = optarg; break;
		case 's': socat = optarg[0] ? optarg : NULL; break;
		default: fail("xfer: bad option");
		}
	}
	if (runs < 1 || runs > MAX_RUNS || bytes < 1 || chunks < 1 || ref == 0 || !lab_dir
	    || !variant || optind == argc)
		fail("usage: bench xfer [-b BYTES] [-n RUNS] [-c CHUNKS] -r REF "
		     "-l LAB_DIR -v VARIANT_PREFIX [-s SOCAT] SIZE...");
	for (int i = optind; i < argc && nsizes < MAX_SIZES; i++)
		sizes[nsizes++] = (size_t)parse_size(argv[i], "SIZE");

	sock_path = make_tmpdir();
	{
		static char path[300];

		snprintf(path, sizeof path, "%s/drop.sock", sock_path);
		sock_path = path;
	}

	for (size_t i = 0; i < nsizes; i++) {
		/* Small buffers are slow: at most CHUNKS buffers' worth. */
		uint64_t b = sizes[i] * chunks < bytes ? sizes[i] * chunks : bytes;

		for (enum kind k = K_MEM; k <= K_LAB; k++) {
			struct config *c = &cf[ncf++];

			c->kind = k;
			c->size = sizes[i];
			c->bytes = b;
			if (k == K_LAB && sizes[i] == ref) {
				snprintf(c->server, sizeof c->server, "%s/server", lab_dir);
				snprintf(c->client, sizeof c->client, "%s/client", lab_dir);
				ref_lab = c;
			} else if (k == K_LAB) {
				snprintf(c->server, sizeof c->server, "%s%zu/server",
				         variant, sizes[i]);
				snprintf(c->client, sizeof c->client, "%s%zu/client",
				         variant, sizes[i]);
			}
			if (k == K_FILE && sizes[i] == ref)
				ref_file = c;
		}
	}
	if (ref_lab == NULL)
		fail("xfer: the reference size %zu is not among the sizes", ref);
	if (socat != NULL) {
		struct config *c = &cf[ncf++];

		c->kind = K_SOCAT;
		c->size = 65536;
		c->bytes = bytes;
		snprintf(c->server, sizeof c->server, "%s", socat);
		snprintf(c->client, sizeof c->client, "%s", socat);
	}
	{
		/* For comparison: the socket-only transfer over TCP loopback. */
		struct config *c = &cf[ncf++];
		int sv[2];

		c->kind = K_TCP;
		c->size = ref;
		c->bytes = bytes;
		tcp_family = tcp_pair(sv);
		close(sv[0]);
		close(sv[1]);
	}

	/* Warm-up, not counted: the input in memory, caches, clocks. */
	run(ref_file);
	ref_lab->failed = run(ref_lab) < 0;
	for (int r = 0; r < runs; r++)
		for (size_t i = 0; i < ncf; i++) {
			if (cf[i].failed)
				continue;       /* a lab that does not work (yet) */
			cf[i].mbps[r] = run(&cf[i]);
			cf[i].cpu[r] = last_cpu;
			cf[i].failed = cf[i].mbps[r] < 0;
			if (verbose)
				fprintf(stderr, "bench: run %d: %zu-byte %s: %.0f MB/s\n",
				        r + 1, cf[i].size, kind_name[cf[i].kind],
				        cf[i].mbps[r]);
		}

	/* The table: one row per buffer size. */
	for (size_t i = 0; i < ncf; i++) {
		char item[128], sz[32], amount[32];
		double m = median(cf[i].mbps, (size_t)runs);
		static const char *metric[] = {
			"kernel sock only", "kernel file>sock>null",
			"programs", "programs", "kernel sock only",
		};

		size_label(sz, sizeof sz, cf[i].size);
		bytes_label(amount, sizeof amount, cf[i].bytes);
		if (cf[i].kind == K_SOCAT)
			snprintf(item, sizeof item, "socat -u -b %zu", cf[i].size);
		else if (cf[i].kind == K_TCP)
			snprintf(item, sizeof item, "%s over TCP/IPv%c loopback", sz,
			         tcp_family == AF_INET6 ? '6' : '4');
		else
			snprintf(item, sizeof item, "%s%s%s%s%s", sz,
			         cf[i].size == ref ? " (lab 01 ref)" : "",
			         cf[i].bytes != bytes ? " [" : "",
			         cf[i].bytes != bytes ? amount : "",
			         cf[i].bytes != bytes ? " moved]" : "");
		if (cf[i].failed) {
			char text[200];

			snprintf(text, sizeof text, "%s failed: see the messages above",
			         cf[i].server);
			row_text("note", item, "failed", text);
			continue;
		}
		row("transfer", item, metric[cf[i].kind], m, 0, "MB/s", runs);
		if (cf[i].kind == K_LAB) {
			row("transfer", item, "lab 01/kernel",
			    paired_ratio(&cf[i], &cf[i - 1], runs), 1, "%", runs);
			row("transfer", item, "CPU lab 01/kernel",
			    cpu_ratio(&cf[i], &cf[i - 1], runs), 0, "%", runs);
		}
		if (cf[i].kind == K_FILE
		    && (best == NULL || m > median(best->mbps, (size_t)runs)))
			best = &cf[i];
	}

	if (ref_lab->failed) {
		row_text("target", "lab 01 transfer", "verdict",
		         "MISSED: lab 01 does not transfer (see the messages above)");
		return 0;
	}

	/* The target: lab 01 (reference size) >= 90% of the kernel's best. */
	{
		char sz[32], text[256];
		double lab = median(ref_lab->mbps, (size_t)runs);
		double lim = median(best->mbps, (size_t)runs);
		double pct = paired_ratio(ref_lab, best, runs);
		double top_lab = percentile(ref_lab->mbps, (size_t)runs, 100);
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

	/* Memory after 1 MiB and after BYTES, MEM_RUNS runs each: the
	 * peak RSS (VmHWM) and the anonymous memory at exit (RssAnon: heap,
	 * stack, buffers).  VmHWM also counts the shared library pages the
	 * program mapped, which vary by some 100 KiB from run to run with
	 * the page cache: the verdict compares the median after BYTES with
	 * the largest seen after 1 MiB. */
	{
		const char *who[2] = { "lab 01 server", "lab 01 client" };
		double v[2][2][2][MEM_RUNS];    /* [amount][program][hwm, anon][run] */
		double med[2][2][2], top[2][2];
		char amount[32], hwm_metric[64], anon_metric[64], text[400];
		struct config c = *ref_lab;
		bool met = true;

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
					return 0;
				}
				for (int m = 0; m < 2; m++) {
					v[a][0][m][r] = (double)sk[m];
					v[a][1][m][r] = (double)ck[m];
				}
			}
			for (int p = 0; p < 2; p++) {
				for (int m = 0; m < 2; m++)
					med[a][p][m] = median(v[a][p][m], MEM_RUNS);
				top[a][p] = percentile(v[a][p][0], MEM_RUNS, 100);
			}
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
	return 0;
}
