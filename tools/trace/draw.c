/*
 * draw.c - draw a socket trace: one column per process, time going down,
 * data as arrows from the call that sent it to the call that received it.
 *
 * Usage: draw [-f ascii|mermaid] [-n] [-c] [-u] [-w WIDTH] [-o NAME,...]
 *             [-r FROM=TO]... [-k PORT=SHOWN]... [FILE]
 *
 * FILE (default: standard input) is what the recorder wrote (record.c's
 * header describes the format).  Options:
 *   -f ascii     plain text, the default; -f mermaid: a Mermaid
 *                sequenceDiagram, which GitHub renders in Markdown
 *   -n           normalise, for output that is the same on every run: no
 *                times, no pids, every port replaced by PORT1, PORT2, ...
 *                in order of appearance (but see -k), and the order of
 *                events across processes made canonical (-c)
 *   -c           canonical order: instead of the order of the clock, each
 *                process runs until it has to wait for another (its call
 *                receives data not yet sent, or it waits with nothing to
 *                wait for), the leftmost first.  Causality is kept.
 *   -u           Unicode lines and arrows (the default on a UTF-8 terminal)
 *   -a           ASCII only, even on a UTF-8 terminal
 *   -w WIDTH     the width of the drawing (default $COLUMNS, or 120)
 *   -o NAMES     the programs to show, comma-separated, left to right
 *                (default: every process that made a socket call, those
 *                that bind or listen first)
 *   -r FROM=TO   show the text FROM as TO (a temp dir as /tmp)
 *   -k PORT=TO   with -n: show port PORT as TO instead of PORTn
 *
 * How to read the ASCII drawing:
 *   *  a call            >  a call that waits starts    :  still waiting
 *   <  it returns        =  many calls summarised       |  running
 *   ----->  data, drawn where it is received, from the column that sent
 *   ====>   a connection: connect() reaching the server's accept()
 *   ....>   end of file: the peer's shutdown(SHUT_WR) or close()
 * A process that was still waiting, or was killed, when the record ends
 * says so at the bottom: the place to look in a program that hangs.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- small helpers ------------------------------------------------------ */

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "draw: out of memory\n");
		exit(1);
	}
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fprintf(stderr, "draw: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* A growing string. */
struct str {
	char *s;
	size_t n, cap;
};

static void sadd(struct str *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sputs(struct str *b, const char *s)
{
	sadd(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sprintf_(struct str *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof tmp)
		n = sizeof tmp - 1;
	sadd(b, tmp, (size_t)n);
}

static char *sdone(struct str *b)
{
	if (b->s == NULL)
		return xstrdup("");
	return b->s;
}

/* ---- options ------------------------------------------------------------- */

static bool mermaid, normalise, canonical, unicode;
static int width = 0;
static char **only;          /* -o */
static size_t nonly;
static struct repl { char *from, *to; } *repls, *keeps;
static size_t nrepls, nkeeps;

/* ---- records ------------------------------------------------------------ */

enum kind { K_CALL, K_BEGIN, K_END, K_RUN, K_EXEC, K_EXIT, K_FORK };
enum arrow { A_NONE, A_DATA, A_CONNECT, A_EOF, A_DGRAM };

struct ev {
	long long t, t_last;     /* ns; t_last: a run's last call */
	int pid, proc;
	enum kind kind;
	char *call, *args, *addr, *result, *info, *prog;
	int fd;
	long long ret;           /* RESULT as a number */
	bool ret_known;
	const char *err;         /* the errno name after "-1 ", or NULL */
	long long bytes;         /* data moved */
	long calls, polls;       /* a run's */
	char *data, *local, *peer, *revents, *fds, *addrs;
	int peerpid, parent;
	int order;               /* in the file */
	int partner;             /* begin <-> end */
	int sock, newsock;
	int pred;                /* must be drawn after this event */
	int from;                /* the arrow's source event, -1: none */
	enum arrow arrow;
	long long arrow_bytes;
	int arrow_sends;
	bool dead;               /* merged into another */
	bool is_send, is_recv;
	bool lost;               /* a datagram no traced process received */
	bool eof_death;          /* end of file because the peer died */
	bool shown;
};

static struct ev *ev;
static size_t nev;
static int malformed;

/* Split LINE into its 10 fields, or return false. */
static bool split(char *line, char *f[10])
{
	int k = 0;

	f[k++] = line;
	for (char *p = line; *p; p++)
		if (*p == '\t') {
			if (k == 10)
				return false;
			*p = '\0';
			f[k++] = p + 1;
		}
	return k == 10;
}

static long long parse_time(const char *s)
{
	long long sec = 0, ns = 0;
	int digits = 0;

	while (isdigit((unsigned char)*s))
		sec = sec * 10 + (*s++ - '0');
	if (*s == '.')
		s++;
	while (isdigit((unsigned char)*s) && digits < 9) {
		ns = ns * 10 + (*s++ - '0');
		digits++;
	}
	while (digits++ < 9)
		ns *= 10;
	return sec * 1000000000LL + ns;
}

/* The value of KEY= in an INFO field, allocated, or NULL.  data="..." keeps
 * its quotes and a trailing "...". */
static char *info_get(const char *info, const char *key)
{
	size_t klen = strlen(key);
	const char *p = info;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1, *e = v;

			if (*v == '"') {
				for (e = v + 1; *e && *e != '"'; e++)
					if (*e == '\\' && e[1])
						e++;
				if (*e == '"')
					e++;
				if (strncmp(e, "...", 3) == 0)
					e += 3;
			} else {
				while (*e && *e != ' ')
					e++;
			}
			{
				char *out = xmalloc((size_t)(e - v) + 1);

				memcpy(out, v, (size_t)(e - v));
				out[e - v] = '\0';
				return out;
			}
		}
		/* skip this token (a quoted value may hold spaces) */
		while (*p && *p != ' ') {
			if (*p == '"') {
				for (p++; *p && *p != '"'; p++)
					if (*p == '\\' && p[1])
						p++;
				if (*p)
					p++;
				continue;
			}
			p++;
		}
	}
	return NULL;
}

static bool is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static const char *const send_calls[] = { "write", "send", "sendto", "sendmsg", NULL };
static const char *const recv_calls[] = { "read", "recv", "recvfrom", "recvmsg", NULL };
static const char *const wait_calls[] = { "read", "recv", "recvfrom", "recvmsg",
                                          "poll", "ppoll", "accept", "accept4",
                                          NULL };

static void add_record(char *f[10], int order)
{
	struct ev e;
	const char *kinds[] = { "call", "begin", "end", "run", "exec", "exit", "fork" };
	int k;

	memset(&e, 0, sizeof e);
	for (k = 0; k < 7 && strcmp(f[3], kinds[k]) != 0; k++)
		;
	if (k == 7) {
		malformed++;
		return;
	}
	e.kind = (enum kind)k;
	e.t = parse_time(f[0]);
	e.pid = atoi(f[1]);
	e.prog = xstrdup(f[2]);
	e.call = xstrdup(f[4]);
	e.fd = strcmp(f[5], "-") ? atoi(f[5]) : -1;
	e.args = xstrdup(f[6]);
	e.addr = xstrdup(f[7]);
	e.result = xstrdup(f[8]);
	e.info = xstrdup(f[9]);
	e.order = order;
	e.partner = e.sock = e.newsock = e.pred = e.from = -1;
	e.proc = -1;
	if (isdigit((unsigned char)e.result[0])
	    || (e.result[0] == '-' && isdigit((unsigned char)e.result[1]))) {
		e.ret_known = true;
		e.ret = strtoll(e.result, NULL, 10);
		if (e.ret < 0) {
			const char *sp = strchr(e.result, ' ');

			e.err = sp ? sp + 1 : "?";
		}
	}
	e.data = info_get(e.info, "data");
	e.local = info_get(e.info, "local");
	e.peer = info_get(e.info, "peer");
	e.revents = info_get(e.info, "revents");
	e.fds = info_get(e.info, "fds");
	e.addrs = info_get(e.info, "addrs");
	{
		char *v = info_get(e.info, "peerpid");

		e.peerpid = v ? atoi(v) : 0;
		free(v);
		v = info_get(e.info, "parent");
		e.parent = v ? atoi(v) : 0;
		free(v);
	}
	if (e.kind == K_RUN) {
		char *v = info_get(e.info, "calls");

		e.calls = v ? atol(v) : 0;
		free(v);
		v = info_get(e.info, "polls");
		e.polls = v ? atol(v) : 0;
		free(v);
		v = info_get(e.info, "last");
		e.t_last = v ? parse_time(v) : e.t;
		free(v);
		e.bytes = e.ret_known ? e.ret : 0;
		e.is_send = is_one_of(e.call, send_calls);
		e.is_recv = is_one_of(e.call, recv_calls);
	} else {
		e.is_send = e.kind == K_CALL && is_one_of(e.call, send_calls);
		e.is_recv = e.kind == K_END && is_one_of(e.call, recv_calls);
		if ((e.is_send || e.is_recv) && e.ret_known && e.ret > 0)
			e.bytes = e.ret;
	}
	nev++;
	ev = xrealloc(ev, nev * sizeof *ev);
	ev[nev - 1] = e;
}

static void read_records(FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int order = 0;

	while ((len = getline(&line, &cap, in)) > 0) {
		char *f[10];

		if (line[len - 1] != '\n') {
			malformed++;   /* a partial last line: a writer was killed */
			continue;
		}
		line[len - 1] = '\0';
		if (!split(line, f) || !isdigit((unsigned char)f[0][0])
		    || atoi(f[1]) <= 0) {
			malformed++;
			continue;
		}
		add_record(f, order++);
	}
	free(line);
}

static int by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->order - y->order;
}

/* ---- processes -------------------------------------------------------- */

struct proc {
	int pid;
	char *name, *cmd;
	int col;                 /* -1: not shown */
	bool server, socket_calls, exited;
	char *status;
	int parent;              /* proc index, -1 */
	long long first;
	int *evs;                /* its events, in time order */
	size_t nevs;
};

static struct proc *procs;
static size_t nprocs;
static int ncols;
static int *col_proc;        /* column -> proc */

static int proc_of(int pid)
{
	for (size_t i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return (int)i;
	procs = xrealloc(procs, (nprocs + 1) * sizeof *procs);
	memset(&procs[nprocs], 0, sizeof *procs);
	procs[nprocs].pid = pid;
	procs[nprocs].parent = -1;
	procs[nprocs].col = -1;
	return (int)nprocs++;
}

static void build_procs(void)
{
	for (size_t i = 0; i < nev; i++) {
		struct ev *e = &ev[i];
		struct proc *p;

		e->proc = proc_of(e->pid);
		p = &procs[e->proc];
		if (p->nevs == 0)
			p->first = e->t;
		p->evs = xrealloc(p->evs, (p->nevs + 1) * sizeof *p->evs);
		p->evs[p->nevs++] = (int)i;
		if (e->kind == K_EXEC || p->name == NULL) {
			free(p->name);
			p->name = xstrdup(e->prog);
		}
		if (e->kind == K_EXEC) {
			free(p->cmd);
			p->cmd = xstrdup(e->args);
		}
		if (e->kind == K_EXIT) {
			p->exited = true;
			p->status = e->result;
		}
		if (e->kind == K_FORK && e->parent)
			p->parent = proc_of(e->parent);
		if (e->kind != K_EXEC && e->kind != K_EXIT && e->kind != K_FORK)
			p->socket_calls = true;
		if (!strcmp(e->call, "listen") || !strcmp(e->call, "bind"))
			p->server = true;
	}
}

/* Which processes get a column, in which order. */
static void choose_columns(void)
{
	col_proc = xmalloc((nprocs + 1) * sizeof *col_proc);
	ncols = 0;
	if (nonly) {
		for (size_t k = 0; k < nonly; k++)
				for (size_t i = 0; i < nprocs; i++)
					if (procs[i].col < 0
					    && !strcmp(procs[i].name, only[k])) {
						procs[i].col = ncols;
						col_proc[ncols++] = (int)i;
					}
		return;
	}
	/* servers first, then the rest, each by first appearance */
	for (int pass = 0; pass < 2; pass++) {
		for (;;) {
			int best = -1;

			for (size_t i = 0; i < nprocs; i++) {
				struct proc *p = &procs[i];

				if (p->col >= 0 || !p->socket_calls
				    || (pass == 0) != p->server)
					continue;
				if (best < 0 || p->first < procs[best].first)
					best = (int)i;
			}
			if (best < 0)
				break;
			procs[best].col = ncols;
			col_proc[ncols++] = best;
		}
	}
}

/* ---- sockets and connections ------------------------------------------- */

struct sock {
	int type;                /* 1 stream, 2 datagram, 0 unknown */
	char *local, *peer;      /* as last known */
	int peerpid;
	int conn;                /* the other end's sock, -1 */
	int owner;               /* proc that created it */
};

static struct sock *socks;
static size_t nsocks;

struct fdmap {
	int proc, fd, sock;
};
static struct fdmap *fdm;
static size_t nfdm;

static int new_sock(int type, int owner)
{
	socks = xrealloc(socks, (nsocks + 1) * sizeof *socks);
	memset(&socks[nsocks], 0, sizeof *socks);
	socks[nsocks].type = type;
	socks[nsocks].conn = -1;
	socks[nsocks].owner = owner;
	return (int)nsocks++;
}

static int fd_get(int proc, int fd)
{
	for (size_t i = 0; i < nfdm; i++)
		if (fdm[i].proc == proc && fdm[i].fd == fd)
			return fdm[i].sock;
	return -1;
}

static void fd_set(int proc, int fd, int sock)
{
	for (size_t i = 0; i < nfdm; i++)
		if (fdm[i].proc == proc && fdm[i].fd == fd) {
			fdm[i].sock = sock;
			return;
		}
	fdm = xrealloc(fdm, (nfdm + 1) * sizeof *fdm);
	fdm[nfdm].proc = proc;
	fdm[nfdm].fd = fd;
	fdm[nfdm].sock = sock;
	nfdm++;
}

static int type_of_args(const char *args)
{
	if (strstr(args, "SOCK_STREAM") || strstr(args, "SOCK_SEQPACKET"))
		return 1;
	if (strstr(args, "SOCK_DGRAM"))
		return 2;
	return 0;
}

/* Give each event its socket, following socket/accept/close/fork. */
static void track_sockets(void)
{
	for (size_t i = 0; i < nev; i++) {
		struct ev *e = &ev[i];

		if (e->kind == K_FORK && procs[e->proc].parent >= 0) {
			int parent = procs[e->proc].parent;

			for (size_t k = 0; k < nfdm; k++)
				if (fdm[k].proc == parent && fdm[k].sock >= 0)
					fd_set(e->proc, fdm[k].fd, fdm[k].sock);
			continue;
		}
		if (e->kind == K_EXEC || e->kind == K_EXIT || e->kind == K_FORK)
			continue;
		if (!strcmp(e->call, "socket") && e->ret_known && e->ret >= 0) {
			e->sock = new_sock(type_of_args(e->args), e->proc);
			fd_set(e->proc, (int)e->ret, e->sock);
			continue;
		}
		if (!strcmp(e->call, "socketpair") && e->ret == 0 && e->fds) {
			int a, b;

			if (sscanf(e->fds, "%d,%d", &a, &b) == 2) {
				int sa = new_sock(type_of_args(e->args), e->proc);
				int sb = new_sock(type_of_args(e->args), e->proc);

				socks[sa].conn = sb;
				socks[sb].conn = sa;
				fd_set(e->proc, a, sa);
				fd_set(e->proc, b, sb);
				e->sock = sa;
			}
			continue;
		}
		if (e->fd < 0)
			continue;
		e->sock = fd_get(e->proc, e->fd);
		if (e->sock < 0) {
			/* a socket we did not see made (inherited, or made by
			 * libc): guess its type from what is done with it */
			int type = 0;

			if (!strcmp(e->call, "sendto") || !strcmp(e->call, "recvfrom"))
				type = (strcmp(e->addr, "-") != 0) ? 2 : 0;
			e->sock = new_sock(type, e->proc);
			fd_set(e->proc, e->fd, e->sock);
		}
		if (e->kind == K_END && (!strcmp(e->call, "accept")
		                         || !strcmp(e->call, "accept4"))
		    && e->ret_known && e->ret >= 0) {
			e->newsock = new_sock(1, e->proc);
			socks[e->newsock].local = e->local;
			socks[e->newsock].peer = e->peer;
			socks[e->newsock].peerpid = e->peerpid;
			fd_set(e->proc, (int)e->ret, e->newsock);
		}
		if (e->kind == K_END && !strcmp(e->call, "connect")) {
			struct sock *s = &socks[e->sock];

			if (e->local)
				s->local = e->local;
			if (!strcmp(e->addr, "AF_UNSPEC"))
				s->peer = NULL;
			else if (e->peer)
				s->peer = e->peer;
			else if (e->ret == 0)
				s->peer = e->addr;
			s->peerpid = e->peerpid;
		}
		if ((!strcmp(e->call, "bind") || !strcmp(e->call, "listen"))
		    && e->local)
			socks[e->sock].local = e->local;
		if (!strcmp(e->call, "close") && e->ret == 0)
			fd_set(e->proc, e->fd, -1);
	}
}

/* begin <-> end, per process and fd. */
static void pair_blocking(void)
{
	for (size_t i = 0; i < nev; i++) {
		if (ev[i].kind != K_END)
			continue;
		for (size_t j = i; j-- > 0;) {
			if (ev[j].proc == ev[i].proc && ev[j].kind == K_BEGIN
			    && ev[j].partner < 0 && ev[j].fd == ev[i].fd
			    && !strcmp(ev[j].call, ev[i].call)) {
				ev[j].partner = (int)i;
				ev[i].partner = (int)j;
				break;
			}
		}
	}
}

/* Consecutive run summaries of one process, fd and call become one. */
static void merge_runs(void)
{
	for (size_t p = 0; p < nprocs; p++) {
		int keep = -1;

		for (size_t k = 0; k < procs[p].nevs; k++) {
			struct ev *e = &ev[procs[p].evs[k]];

			if (e->kind != K_RUN) {
				keep = -1;
				continue;
			}
			if (keep >= 0 && ev[keep].fd == e->fd
			    && !strcmp(ev[keep].call, e->call)) {
				ev[keep].calls += e->calls;
				ev[keep].polls += e->polls;
				ev[keep].bytes += e->bytes;
				ev[keep].t_last = e->t_last;
				e->dead = true;
				continue;
			}
			keep = procs[p].evs[k];
		}
	}
}

/* Addresses: the same endpoint?  An IPv4-mapped IPv6 address is its IPv4
 * address; 0.0.0.0 and [::] match any address with the same port. */
static const char *canon(const char *a, char *buf, size_t n)
{
	if (a && strncmp(a, "[::ffff:", 8) == 0 && strchr(a, '.')) {
		const char *close = strchr(a, ']');

		if (close) {
			snprintf(buf, n, "%.*s%s", (int)(close - a - 8), a + 8,
			         close + 1);
			return buf;
		}
	}
	return a ? a : "";
}

static bool same_endpoint(const char *x, const char *y, bool wildcard)
{
	char bx[160], by[160];
	const char *a = canon(x, bx, sizeof bx), *b = canon(y, by, sizeof by);
	const char *pa, *pb;

	if (!*a || !*b)
		return false;
	if (!strcmp(a, b))
		return true;
	if (!wildcard)
		return false;
	pa = strrchr(a, ':');
	pb = strrchr(b, ':');
	if (!pa || !pb || strcmp(pa, pb) != 0 || !strncmp(a, "unix:", 5))
		return false;
	return !strncmp(a, "0.0.0.0:", 8) || !strncmp(b, "0.0.0.0:", 8)
	       || !strncmp(a, "[::]:", 5) || !strncmp(b, "[::]:", 5);
}

/* connect() on the client meets accept() on the server. */
static void match_connections(void)
{
	bool *used = xmalloc(nev * sizeof *used);

	memset(used, 0, nev * sizeof *used);
	for (size_t i = 0; i < nev; i++) {
		struct ev *a = &ev[i];

		if (a->kind != K_END || a->newsock < 0)
			continue;
		for (size_t j = 0; j < nev; j++) {
			struct ev *c = &ev[j];
			long long start;
			bool ok;

			if (used[j] || c->kind != K_END || strcmp(c->call, "connect")
			    || c->sock < 0 || socks[c->sock].type == 2
			    || !(c->ret == 0 || (c->err && !strcmp(c->err, "EINPROGRESS"))))
				continue;
			start = c->partner >= 0 ? ev[c->partner].t : c->t;
			if (start > a->t)
				continue;
			if (!strncmp(c->addr, "unix:", 5))
				ok = a->local && !strcmp(a->local, c->addr)
				     && (!c->peerpid || c->peerpid == a->pid
				         || procs[a->proc].parent >= 0)
				     && (!a->peerpid || a->peerpid == c->pid
				         || procs[c->proc].parent >= 0);
			else
				ok = same_endpoint(c->local, a->peer, false)
				     && same_endpoint(c->peer, a->local, false);
			if (!ok)
				continue;
			used[j] = true;
			socks[c->sock].conn = a->newsock;
			socks[a->newsock].conn = c->sock;
			a->from = c->partner >= 0 ? c->partner : (int)j;
			a->pred = a->from;
			a->arrow = A_CONNECT;
			break;
		}
	}
	free(used);
}

/* Stream data: the bytes a receive returned were sent by the sends that
 * cover the same offsets of the other end's stream. */
static void match_stream_data(void)
{
	for (size_t s = 0; s < nsocks; s++) {
		int peer = socks[s].conn;
		long long off = 0, roff = 0;
		size_t si = 0;
		int *sends = NULL;
		long long *start = NULL;
		size_t ns = 0;

		if (peer < 0 || socks[s].type == 2)
			continue;
		/* the sends on s, with their offsets */
		for (size_t i = 0; i < nev; i++) {
			struct ev *e = &ev[i];

			if (e->dead || e->sock != (int)s || !e->is_send || e->bytes <= 0)
				continue;
			sends = xrealloc(sends, (ns + 1) * sizeof *sends);
			start = xrealloc(start, (ns + 1) * sizeof *start);
			sends[ns] = (int)i;
			start[ns] = off;
			off += e->bytes;
			ns++;
		}
		/* the receives on its peer */
		for (size_t i = 0; i < nev; i++) {
			struct ev *e = &ev[i];

			if (e->dead || e->sock != peer || !e->is_recv)
				continue;
			if (e->bytes > 0) {
				long long last = roff + e->bytes - 1;
				size_t first_i, last_i;

				while (si + 1 < ns && start[si + 1] <= roff)
					si++;
				if (ns == 0 || start[si] > roff) {
					roff += e->bytes;
					continue;   /* sent by someone untraced */
				}
				first_i = si;
				last_i = si;
				while (last_i + 1 < ns && start[last_i + 1] <= last)
					last_i++;
				e->from = sends[first_i];
				e->pred = sends[last_i];
				e->arrow = A_DATA;
				e->arrow_bytes = e->bytes;
				e->arrow_sends = (int)(last_i - first_i + 1);
				roff += e->bytes;
			} else if (e->kind == K_END && e->ret == 0) {
				/* end of file: the other end's shutdown or close
				 * after its last send */
				long long after = ns ? ev[sends[ns - 1]].t : 0;

				for (size_t k = 0; k < nev; k++) {
					struct ev *c = &ev[k];

					if (c->sock != (int)s || c->t < after || c->t > e->t)
						continue;
					if ((!strcmp(c->call, "shutdown")
					     && strcmp(c->args, "SHUT_RD") != 0)
					    || !strcmp(c->call, "close")) {
						e->from = e->pred = (int)k;
						e->arrow = A_EOF;
						break;
					}
				}
				/* no close: its process died (killed) */
				if (e->arrow == A_NONE && !procs[socks[s].owner].exited) {
					struct proc *o = &procs[socks[s].owner];

					if (o->nevs) {
						e->from = e->pred = o->evs[o->nevs - 1];
						e->arrow = A_EOF;
						e->eof_death = true;
					}
				}
			}
		}
		free(sends);
		free(start);
	}
}

/* The address a datagram went to, and the one it came from. */
static const char *dgram_dest(const struct ev *e)
{
	if (strcmp(e->addr, "-") != 0)
		return e->addr;
	if (e->peer)
		return e->peer;
	return e->sock >= 0 ? socks[e->sock].peer : NULL;
}

static void match_datagrams(void)
{
	bool *used = xmalloc(nev * sizeof *used);
	size_t lo = 0;      /* every send before it is matched or no send */

	memset(used, 0, nev * sizeof *used);
	for (size_t i = 0; i < nev; i++) {
		struct ev *r = &ev[i];

		if (!r->is_recv || r->kind != K_END || r->sock < 0
		    || socks[r->sock].type != 2 || !r->ret_known || r->ret < 0)
			continue;
		while (lo < nev && (used[lo] || !ev[lo].is_send || ev[lo].kind != K_CALL))
			lo++;
		/* events are in time order: no send after the receive */
		for (size_t j = lo; j < nev && ev[j].t <= r->t; j++) {
			struct ev *s = &ev[j];
			bool ok;

			if (used[j] || !s->is_send || s->kind != K_CALL || s->sock < 0
			    || socks[s->sock].type != 2 || !s->ret_known || s->ret < 0)
				continue;
			if (socks[s->sock].conn >= 0)   /* a socketpair */
				ok = socks[s->sock].conn == r->sock;
			else
				ok = same_endpoint(s->local, r->addr, true)
				     && same_endpoint(dgram_dest(s), r->local, true);
			if (!ok || s->ret < r->ret)
				continue;
			used[j] = true;
			r->from = r->pred = (int)j;
			r->arrow = A_DGRAM;
			r->arrow_bytes = r->ret;
			break;
		}
	}
	for (size_t j = 0; j < nev; j++)
		if (ev[j].is_send && ev[j].kind == K_CALL && ev[j].sock >= 0
		    && socks[ev[j].sock].type == 2 && ev[j].ret_known
		    && ev[j].ret >= 0 && !used[j])
			ev[j].lost = true;
	free(used);
}

/* A poll that returns readable waited for what the next receive (or
 * accept) on that socket gets. */
static void explain_polls(void)
{
	for (size_t p = 0; p < nprocs; p++) {
		for (size_t k = 0; k < procs[p].nevs; k++) {
			struct ev *e = &ev[procs[p].evs[k]];

			if (e->kind != K_END || (strcmp(e->call, "poll")
			                         && strcmp(e->call, "ppoll"))
			    || !e->ret_known || e->ret <= 0)
				continue;
			for (size_t m = k + 1; m < procs[p].nevs; m++) {
				struct ev *n = &ev[procs[p].evs[m]];

				if (n->sock != e->sock || n->kind == K_BEGIN)
					continue;
				if (n->kind == K_END && (n->is_recv || n->newsock >= 0
				                         || !strcmp(n->call, "accept")
				                         || !strcmp(n->call, "accept4")))
					e->pred = n->pred;
				else if (n->kind == K_RUN && n->is_recv)
					e->pred = n->pred;
				break;
			}
		}
	}
}

/* ---- order ----------------------------------------------------------- */

static int *order;
static size_t norder;

static bool shown_proc(const struct ev *e)
{
	return procs[e->proc].col >= 0;
}

static int *emitted_at;      /* event -> its place in order, -1 */

static void emit(int i)
{
	ev[i].shown = true;
	if (emitted_at)
		emitted_at[i] = (int)norder;
	order[norder++] = i;
}

/* The clock's order (already sorted). */
static void time_order(void)
{
	for (size_t i = 0; i < nev; i++)
		if (!ev[i].dead && shown_proc(&ev[i]))
			emit((int)i);
}

static bool waits(const struct ev *e)
{
	return e->kind == K_END && is_one_of(e->call, wait_calls) && e->pred < 0;
}

/* Each process runs until it must wait for another; the one whose cause
 * (the data it receives, the connect it accepts) came last goes first, so
 * a reply is drawn right after its request; then the leftmost.  An end
 * that nothing explains (a timeout, a signal) comes when nothing else
 * can. */
static void causal_order(void)
{
	size_t *next = xmalloc(nprocs * sizeof *next);

	emitted_at = xmalloc(nev * sizeof *emitted_at);
	for (size_t i = 0; i < nev; i++)
		emitted_at[i] = -1;
	memset(next, 0, nprocs * sizeof *next);
	for (;;) {
		int pick = -1, deferred = -1, fallback = -1, best_cause = -2;

		for (int c = 0; c < ncols; c++) {
			int p = col_proc[c];
			struct ev *e;

			while (next[p] < procs[p].nevs && ev[procs[p].evs[next[p]]].dead)
				next[p]++;
			if (next[p] >= procs[p].nevs)
				continue;
			e = &ev[procs[p].evs[next[p]]];
			if (fallback < 0 || e->t < ev[procs[col_proc[fallback]].evs
			                                 [next[col_proc[fallback]]]].t)
				fallback = c;
			if (e->pred >= 0 && !ev[e->pred].shown
			    && shown_proc(&ev[e->pred]))
				continue;
			if (waits(e)) {
				if (deferred < 0)
					deferred = c;
				continue;
			}
			{
				/* a blocking call starts when what ends it is
				 * there: its end's cause is its own */
				int pred = e->pred >= 0 ? e->pred
				           : (e->kind == K_BEGIN && e->partner >= 0)
				             ? ev[e->partner].pred : -1;
				int cause = pred >= 0 ? emitted_at[pred] : -1;

				if (cause > best_cause) {
					best_cause = cause;
					pick = c;
				}
			}
		}
		if (pick < 0)
			pick = deferred >= 0 ? deferred : fallback;
		if (pick < 0)
			break;
		emit(procs[col_proc[pick]].evs[next[col_proc[pick]]++]);
	}
	free(next);
	free(emitted_at);
	emitted_at = NULL;
}

/* ---- text of an event -------------------------------------------------- */

/* Port names under -n, in order of first use. */
static struct { char port[8]; char name[24]; } *ports;
static size_t nports;

static void port_name(const char *port, struct str *out)
{
	for (size_t i = 0; i < nkeeps; i++)
		if (!strcmp(keeps[i].from, port)) {
			sputs(out, keeps[i].to);
			return;
		}
	if (!strcmp(port, "0")) {
		sputs(out, "0");
		return;
	}
	for (size_t i = 0; i < nports; i++)
		if (!strcmp(ports[i].port, port)) {
			sputs(out, ports[i].name);
			return;
		}
	ports = xrealloc(ports, (nports + 1) * sizeof *ports);
	snprintf(ports[nports].port, sizeof ports[nports].port, "%s", port);
	snprintf(ports[nports].name, sizeof ports[nports].name, "PORT%zu",
	         nports + 1);
	sputs(out, ports[nports].name);
	nports++;
}

/* S as shown: -r replacements; under -n, ports named. */
static char *show(const char *s)
{
	struct str out = { 0 };

	if (s == NULL)
		return xstrdup("");
	while (*s) {
		bool done = false;

		for (size_t i = 0; i < nrepls && !done; i++) {
			size_t n = strlen(repls[i].from);

			if (n && !strncmp(s, repls[i].from, n)) {
				sputs(&out, repls[i].to);
				s += n;
				done = true;
			}
		}
		if (done)
			continue;
		/* a port: ":digits" after an IPv4 address's digit or "]" */
		if (normalise && *s == ':' && out.n > 0
		    && (isdigit((unsigned char)out.s[out.n - 1]) || out.s[out.n - 1] == ']')
		    && isdigit((unsigned char)s[1])) {
			char port[8];
			size_t k = 0;
			const char *q = s + 1;
			bool ipv4 = out.s[out.n - 1] == ']';

			/* only after a dotted quad or a bracketed IPv6 */
			if (!ipv4) {
				size_t b = out.n, dots = 0;

				while (b > 0 && (isdigit((unsigned char)out.s[b - 1])
				                 || out.s[b - 1] == '.'))
					dots += out.s[--b] == '.';
				ipv4 = dots == 3;
			}
			while (isdigit((unsigned char)*q) && k < sizeof port - 1)
				port[k++] = *q++;
			port[k] = '\0';
			if (ipv4 && !isdigit((unsigned char)*q)) {
				sadd(&out, ":", 1);
				port_name(port, &out);
				s = q;
				continue;
			}
		}
		/* a port already named, as a word of its own: a command
		 * line's "127.0.0.1 44006", getaddrinfo's "44006" */
		if (normalise && isdigit((unsigned char)*s)
		    && (out.n == 0 || !(isalnum((unsigned char)out.s[out.n - 1])
		                        || out.s[out.n - 1] == '.'
		                        || out.s[out.n - 1] == ':'))) {
			size_t k = strspn(s, "0123456789");
			bool named = false;

			if (!isalnum((unsigned char)s[k]) && s[k] != '.' && s[k] != ':'
			    && k < 8)
				for (size_t i = 0; i < nports && !named; i++)
					if (strlen(ports[i].port) == k
					    && !strncmp(ports[i].port, s, k)) {
						sputs(&out, ports[i].name);
						named = true;
					}
			if (named) {
				s += k;
				continue;
			}
			sadd(&out, s, k);   /* a number: copied whole */
			s += k;
			continue;
		}
		sadd(&out, s, 1);
		s++;
	}
	return sdone(&out);
}

static void sshow(struct str *b, const char *s)
{
	char *t = show(s);

	sputs(b, t);
	free(t);
}

/* "ARGS" without the leading "len=N, " part; the flags alone. */
static const char *after_len(const char *args)
{
	const char *p = strstr(args, "len=");
	const char *comma;

	if (p == NULL)
		return "";
	comma = strchr(p, ',');
	return comma ? comma + 2 : "";
}

static long long len_arg(const char *args)
{
	const char *p = strstr(args, "len=");

	return p ? strtoll(p + 4, NULL, 10) : -1;
}

/* Mode: 0 whole call, 1 begin ("... waits"), 2 end (the return). */
static void call_args(struct str *b, const struct ev *e)
{
	const char *c = e->call;

	if (!strcmp(c, "socket") || !strcmp(c, "socketpair")
	    || !strcmp(c, "getaddrinfo")) {
		sshow(b, e->args);
		return;
	}
	if (!strcmp(c, "freeaddrinfo")) {
		char *id = info_get(e->info, "list");

		sprintf_(b, "list %s", id ? id : "?");
		free(id);
		return;
	}
	if (e->fd >= 0)
		sprintf_(b, "%d", e->fd);
	if (!strcmp(c, "bind") || !strcmp(c, "connect")) {
		sputs(b, ", ");
		sshow(b, e->addr);
	} else if (!strcmp(c, "listen") || !strcmp(c, "shutdown")
	           || !strcmp(c, "setsockopt")) {
		sputs(b, ", ");
		sshow(b, e->args);
	} else if (!strcmp(c, "accept4")) {
		const char *f = strchr(e->args, ',');

		if (f)
			sputs(b, f);
	} else if (!strcmp(c, "poll") || !strcmp(c, "ppoll")) {
		/* "[3:POLLIN], 1, NULL, sigmask" -> "[3:POLLIN]" + a limit */
		const char *end = strchr(e->args, ']');
		const char *t = end ? strchr(end, ',') : NULL;

		b->n = 0;
		if (b->s)
			b->s[0] = '\0';
		if (end)
			sadd(b, e->args, (size_t)(end - e->args + 1));
		if (t && (t = strchr(t + 1, ',')) != NULL) {
			long v;

			t += 2;
			v = strtol(t, NULL, 10);
			if (strncmp(t, "NULL", 4) && v >= 0)
				sprintf_(b, ", %ldms", v);
		}
	} else if (e->is_send || (e->kind == K_CALL
	                          && is_one_of(c, send_calls))) {
		const char *flags = after_len(e->args);

		if (e->data) {
			sputs(b, ", ");
			sputs(b, e->data);
		}
		sprintf_(b, ", %lld", len_arg(e->args));
		if (*flags && strcmp(flags, "0"))
			sprintf_(b, ", %s", flags);
		if (strcmp(e->addr, "-")) {
			sputs(b, ", ");
			sshow(b, e->addr);
		}
	} else if (is_one_of(c, recv_calls)) {
		const char *flags = after_len(e->args);

		sprintf_(b, ", %lld", len_arg(e->args));
		if (*flags && strcmp(flags, "0"))
			sprintf_(b, ", %s", flags);
	}
}

static void call_result(struct str *b, const struct ev *e)
{
	const char *c = e->call;

	if (!strcmp(c, "socketpair") && e->fds) {
		sprintf_(b, " = [%s]", e->fds);
		return;
	}
	if (!strcmp(c, "getaddrinfo")) {
		sputs(b, " = ");
		if (e->addrs)
			sshow(b, e->addrs);
		else
			sputs(b, e->result);
		return;
	}
	if (!strcmp(c, "freeaddrinfo"))
		return;
	if (e->ret_known && e->ret >= 0
	    && (!strcmp(c, "getsockname") || !strcmp(c, "getpeername"))) {
		sputs(b, " = ");
		sshow(b, e->addr);
		return;
	}
	sputs(b, " = ");
	sputs(b, e->result);
	if (e->ret_known && e->ret < 0)
		return;
	if (!strcmp(c, "bind") && e->local && strcmp(e->local, e->addr)) {
		sputs(b, ", bound to ");
		sshow(b, e->local);
	}
	if ((!strcmp(c, "accept") || !strcmp(c, "accept4")) && e->peer
	    && strcmp(e->peer, "unix:(unnamed)")) {
		sputs(b, " from ");
		sshow(b, e->peer);
	}
	if ((!strcmp(c, "poll") || !strcmp(c, "ppoll"))) {
		if (e->revents)
			sprintf_(b, " [%s]", e->revents);
		else if (e->ret == 0)
			sputs(b, " (timed out)");
	}
	if (e->is_recv) {
		if (e->data) {
			sputs(b, " ");
			sputs(b, e->data);
		}
		if (e->ret == 0 && e->sock >= 0 && socks[e->sock].type != 2)
			sputs(b, " (end of file)");
		if (strcmp(e->addr, "-") && e->sock >= 0 && socks[e->sock].type == 2) {
			sputs(b, " from ");
			sshow(b, e->addr);
		}
	}
	if (e->lost)
		sputs(b, " (no traced process received it)");
}

/* MODE 0: the whole call; 1: its start; 2: its return. */
static char *event_text(const struct ev *e, int mode)
{
	struct str b = { 0 };

	switch (e->kind) {
	case K_EXEC: {
		/* the command line, its program by its name alone */
		const char *sp = strchr(e->args, ' ');
		const char *slash;
		size_t n = sp ? (size_t)(sp - e->args) : strlen(e->args);

		for (slash = e->args + n; slash > e->args && slash[-1] != '/';)
			slash--;
		sputs(&b, "$ ");
		sadd(&b, slash, (size_t)(e->args + n - slash));
		if (sp)
			sshow(&b, sp);
		return sdone(&b);
	}
	case K_EXIT:
		sprintf_(&b, "exit(%s)", e->result);
		return sdone(&b);
	case K_FORK:
		if (normalise)
			sputs(&b, "forked");
		else
			sprintf_(&b, "forked from pid %d", e->parent);
		return sdone(&b);
	case K_RUN:
		if (e->polls && e->calls)
			sprintf_(&b, "%s() x%ld, with poll() x%ld: %lld bytes",
			         e->call, e->calls, e->polls, e->bytes);
		else if (e->calls)
			sprintf_(&b, "%s() x%ld: %lld bytes", e->call, e->calls,
			         e->bytes);
		else
			sprintf_(&b, "poll() x%ld", e->polls);
		return sdone(&b);
	default:
		break;
	}
	if (mode == 2) {
		sprintf_(&b, "%s", e->call);
		call_result(&b, e);
		return sdone(&b);
	}
	{
		struct str a = { 0 };

		call_args(&a, e);
		sprintf_(&b, "%s(%s)", e->call, a.s ? a.s : "");
		free(a.s);
	}
	if (mode == 1)
		sputs(&b, " ...");
	else
		call_result(&b, e);
	return sdone(&b);
}

/* A blocking call drawn on one line: the begin's arguments, the end's
 * result. */
static char *merged_text(const struct ev *begin, const struct ev *end)
{
	struct str b = { 0 }, a = { 0 };

	call_args(&a, begin);
	sprintf_(&b, "%s(%s)", begin->call, a.s ? a.s : "");
	free(a.s);
	call_result(&b, end);
	return sdone(&b);
}

static char *arrow_label(const struct ev *e)
{
	struct str b = { 0 };

	switch (e->arrow) {
	case A_CONNECT:
		sputs(&b, "connect");
		break;
	case A_EOF:
		sputs(&b, e->eof_death ? "end of file: the process died" : "end of file");
		break;
	case A_DGRAM:
		sprintf_(&b, "datagram, %lld bytes", e->arrow_bytes);
		break;
	case A_DATA:
		sprintf_(&b, "%lld bytes", e->arrow_bytes);
		if (e->arrow_sends > 1)
			sprintf_(&b, " (from %d sends)", e->arrow_sends);
		break;
	default:
		break;
	}
	if ((e->arrow == A_DATA || e->arrow == A_DGRAM) && e->kind != K_RUN
	    && e->data) {
		sputs(&b, " ");
		sputs(&b, e->data);
	}
	return sdone(&b);
}

/* ---- ASCII ------------------------------------------------------------ */

/* Is order[K] a begin drawn on one line with its end, order[K + 1]?  In
 * the clock's order, only when the wait was short: a long one shows. */
static bool mergeable(size_t k)
{
	const struct ev *e = &ev[order[k]];

	return e->kind == K_BEGIN && e->partner >= 0 && k + 1 < norder
	       && order[k + 1] == e->partner
	       && (canonical || ev[e->partner].t - e->t < 2000000);
}

/* Glyphs, as codes in the grid and as ASCII or Unicode in the output. */
enum { G_LIFE = 1, G_WAIT, G_SHAFT, G_HEADR, G_HEADL, G_DSHAFT, G_DHEADR,
       G_DHEADL, G_ESHAFT, G_EHEADR, G_EHEADL, G_RULE };
static const char *const glyph_ascii[] = { "", "|", ":", "-", ">", "<", "=",
                                           ">", "<", ".", ">", "<", "-" };
static const char *const glyph_utf8[] = { "", "\u2502", "\u250a", "\u2500",
                                          "\u25b6", "\u25c0", "\u2550",
                                          "\u25b6", "\u25c0", "\u2508",
                                          "\u25b7", "\u25c1", "\u2500" };

static int colw, margin;
static char *linebuf;
static int linelen;

static void grid_start(void)
{
	linelen = margin + ncols * colw;
	linebuf = xrealloc(linebuf, (size_t)linelen + 1);
	memset(linebuf, ' ', (size_t)linelen);
	linebuf[linelen] = '\0';
}

static void grid_out(void)
{
	int end = linelen;

	while (end > 0 && linebuf[end - 1] == ' ')
		end--;
	for (int i = 0; i < end; i++) {
		unsigned char c = (unsigned char)linebuf[i];

		if (c >= G_LIFE && c <= G_RULE)
			fputs(unicode ? glyph_utf8[c] : glyph_ascii[c], stdout);
		else
			putchar(c);
	}
	putchar('\n');
}

/* Per column: 0 not started or gone, 1 running, 2 waiting. */
static int *state;

static void lifelines(void)
{
	for (int c = 0; c < ncols; c++)
		if (state[c])
			linebuf[margin + c * colw] = (char)(state[c] == 2 ? G_WAIT : G_LIFE);
}

static void put_text(int col, int off, const char *s, size_t n)
{
	int x = margin + col * colw + off;

	for (size_t i = 0; i < n && x < linelen; i++, x++)
		linebuf[x] = s[i];
}

/* A row for one event: MARK then TEXT, wrapped within the column. */
static void row(int col, char mark, const char *text, const char *time)
{
	size_t len = strlen(text), room = (size_t)(colw > 4 ? colw - 3 : 1);
	bool first = true;

	do {
		size_t n = len < room ? len : room;

		/* break after a space or comma when one is near the end */
		if (n < len) {
			size_t b = n;

			while (b > n / 2 && text[b - 1] != ' ' && text[b - 1] != ','
			       && text[b - 1] != '/')
				b--;
			if (b > n / 2)
				n = b;
		}

		grid_start();
		lifelines();
		if (first && time)
			memcpy(linebuf, time, strlen(time) < (size_t)margin
			                      ? strlen(time) : (size_t)margin);
		linebuf[margin + col * colw] = first ? mark
		                               : (char)(state[col] == 2 ? G_WAIT : G_LIFE);
		put_text(col, first ? 2 : 4, text, n);
		grid_out();
		text += n;
		len -= n;
		first = false;
		room = (size_t)(colw > 6 ? colw - 5 : 1);
	} while (len > 0);
}

static void arrow_row(int from, int to, enum arrow kind, const char *label)
{
	int a = margin + from * colw, b = margin + to * colw;
	int lo = a < b ? a : b, hi = a < b ? b : a;
	char shaft = (char)(kind == A_CONNECT ? G_DSHAFT
	                    : kind == A_EOF ? G_ESHAFT : G_SHAFT);
	char head = (char)(kind == A_CONNECT ? (a < b ? G_DHEADR : G_DHEADL)
	                   : kind == A_EOF ? (a < b ? G_EHEADR : G_EHEADL)
	                   : (a < b ? G_HEADR : G_HEADL));
	int span, llen;

	if (from == to)
		return;     /* a process talking to itself: the rows say it */
	grid_start();
	lifelines();
	for (int x = lo + 1; x < hi; x++)
		linebuf[x] = shaft;
	if (a < b)
		linebuf[hi - 1] = head;
	else
		linebuf[lo + 1] = head;
	span = hi - lo - 5;
	llen = (int)strlen(label);
	if (span > 2) {
		int n = llen < span ? llen : span;
		int x = lo + 3 + (span - n) / 2;

		linebuf[x - 1] = ' ';
		memcpy(linebuf + x, label, (size_t)n);
		if (n < llen && n > 3)
			memcpy(linebuf + x + n - 3, "...", 3);
		linebuf[x + n] = ' ';
	}
	grid_out();
}

static int term_width(void)
{
	const char *c = getenv("COLUMNS");

	if (width > 0)
		return width;
	if (c && atoi(c) >= 40)
		return atoi(c);
	return 120;
}

static void draw_ascii(void)
{
	long long t0 = norder ? ev[order[0]].t : 0;
	int total = term_width();

	margin = normalise ? 0 : 11;
	colw = (total - margin) / (ncols ? ncols : 1);
	if (colw < 24)
		colw = 24;
	state = xmalloc((size_t)(ncols ? ncols : 1) * sizeof *state);
	memset(state, 0, (size_t)(ncols ? ncols : 1) * sizeof *state);

	/* header: each column's program */
	grid_start();
	if (!normalise)
		put_text(0, -margin, "  time (s)", 10);
	for (int c = 0; c < ncols; c++) {
		struct proc *p = &procs[col_proc[c]];
		char head[128];

		if (normalise)
			snprintf(head, sizeof head, "%s", p->name);
		else
			snprintf(head, sizeof head, "%s (pid %d)", p->name, p->pid);
		put_text(c, 0, head, strlen(head));
	}
	grid_out();
	grid_start();
	for (int c = 0; c < ncols; c++)
		for (int x = 0; x < colw - 2; x++)
			linebuf[margin + c * colw + x] = (char)G_RULE;
	grid_out();

	for (size_t k = 0; k < norder; k++) {
		struct ev *e = &ev[order[k]], *arrow_ev = e;
		int col = procs[e->proc].col;
		char tbuf[32], *text;
		char mark = '*';
		bool merged = mergeable(k);

		snprintf(tbuf, sizeof tbuf, "%10.6f", (double)(e->t - t0) / 1e9);
		if (merged)
			arrow_ev = &ev[e->partner];   /* the end's arrow, first */
		if (state[col] == 0)
			state[col] = 1;
		if (arrow_ev->arrow != A_NONE && arrow_ev->from >= 0
		    && shown_proc(&ev[arrow_ev->from])) {
			char *label = arrow_label(arrow_ev);

			arrow_row(procs[ev[arrow_ev->from].proc].col, col,
			          arrow_ev->arrow, label);
			free(label);
		}
		if (merged) {
			text = merged_text(e, &ev[e->partner]);
			k++;
		} else {
			switch (e->kind) {
			case K_BEGIN: mark = '>'; break;
			case K_END:   mark = '<'; state[col] = 1; break;
			case K_RUN:   mark = '='; break;
			case K_EXEC:
			case K_FORK:  mark = '+'; break;
			case K_EXIT:  mark = 'x'; break;
			default:      break;
			}
			text = event_text(e, e->kind == K_BEGIN ? 1
			                     : e->kind == K_END ? 2 : 0);
		}
		row(col, mark, text, normalise ? NULL : tbuf);
		free(text);
		if (e->kind == K_BEGIN && !merged)
			state[col] = 2;
		if (e->kind == K_EXIT)
			state[col] = 0;
	}

	/* where each process stopped */
	grid_start();
	grid_out();
	for (int c = 0; c < ncols; c++) {
		struct proc *p = &procs[col_proc[c]];
		int last_begin = -1;

		for (size_t k = 0; k < p->nevs; k++) {
			struct ev *e = &ev[p->evs[k]];

			if (e->kind == K_BEGIN && e->partner < 0)
				last_begin = p->evs[k];
		}
		if (p->exited) {
			printf("%s: exit(%s)\n", p->name, p->status);
		} else if (last_begin >= 0) {
			char *t = event_text(&ev[last_begin], 1);

			printf("%s: never returned from %s (still waiting when the "
			       "record ends, or killed there)\n", p->name, t);
			free(t);
		} else if (p->nevs) {
			printf("%s: no exit recorded (killed by a signal?)\n", p->name);
		}
	}
	for (size_t i = 0; i < nonly; i++) {
		bool found = false;

		for (size_t p = 0; p < nprocs; p++)
			found |= !strcmp(procs[p].name, only[i]);
		if (!found)
			printf("%s: no record at all (did it start? is it linked "
			       "dynamically?)\n", only[i]);
	}
	if (malformed)
		printf("(%d malformed lines skipped)\n", malformed);
	free(state);
}

/* ---- Mermaid ------------------------------------------------------------ */

static void mm_text(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '#': fputs("#35;", stdout); break;
		case ';': fputs("#59;", stdout); break;
		case '<': fputs("#lt;", stdout); break;
		case '>': fputs("#gt;", stdout); break;
		default: putchar(*s);
		}
	}
}

static void mm_note(int col, const char *text)
{
	if (ncols == 1)
		printf("    Note right of P%d: ", col + 1);
	else if (col == 0)
		printf("    Note left of P%d: ", col + 1);
	else if (col == ncols - 1)
		printf("    Note right of P%d: ", col + 1);
	else
		printf("    Note over P%d: ", col + 1);
	mm_text(text);
	putchar('\n');
}

static void draw_mermaid(void)
{
	bool *active = xmalloc((size_t)(ncols ? ncols : 1) * sizeof *active);

	memset(active, 0, (size_t)(ncols ? ncols : 1) * sizeof *active);
	printf("sequenceDiagram\n");
	for (int c = 0; c < ncols; c++) {
		struct proc *p = &procs[col_proc[c]];

		if (normalise)
			printf("    participant P%d as %s\n", c + 1, p->name);
		else
			printf("    participant P%d as %s (pid %d)\n", c + 1, p->name,
			       p->pid);
	}
	for (size_t k = 0; k < norder; k++) {
		struct ev *e = &ev[order[k]];
		int col = procs[e->proc].col;
		char *text;
		bool merged = false;

		if (e->kind == K_EXEC) {
			text = event_text(e, 0);
			mm_note(col, text);
			free(text);
			continue;
		}
		if (e->kind == K_END && k > 0 && mergeable(k - 1))
			merged = true;
		if (mergeable(k))
			continue;      /* drawn with its end */
		if (e->arrow != A_NONE && e->from >= 0 && shown_proc(&ev[e->from])) {
			char *label = arrow_label(e);
			int fc = procs[ev[e->from].proc].col;
			const char *style = e->arrow == A_CONNECT ? "-)"
			                    : e->arrow == A_EOF ? "--)" : "->>";

			printf("    P%d%sP%d: ", fc + 1, style, col + 1);
			mm_text(label);
			putchar('\n');
			free(label);
		}
		if (merged) {
			text = merged_text(&ev[e->partner], e);
			mm_note(col, text);
			free(text);
			continue;
		}
		if (e->kind == K_END && active[col]) {
			printf("    deactivate P%d\n", col + 1);
			active[col] = false;
		}
		text = event_text(e, e->kind == K_BEGIN ? 1 : e->kind == K_END ? 2 : 0);
		mm_note(col, text);
		free(text);
		if (e->kind == K_BEGIN && !active[col]) {
			printf("    activate P%d\n", col + 1);
			active[col] = true;
		}
	}
	for (int c = 0; c < ncols; c++) {
		struct proc *p = &procs[col_proc[c]];

		if (!p->exited && p->nevs)
			mm_note(c, "(no exit: still waiting, or killed)");
	}
	free(active);
}

/* ---- main ----------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: draw [-f ascii|mermaid] [-n] [-c] [-u|-a] "
	        "[-w WIDTH] [-o NAME,...] [-r FROM=TO]... [-k PORT=SHOWN]... "
	        "[FILE]\n");
	exit(2);
}

static void add_pair(struct repl **list, size_t *n, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg)
		usage();
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[*n].from = xmalloc((size_t)(eq - arg) + 1);
	memcpy((*list)[*n].from, arg, (size_t)(eq - arg));
	(*list)[*n].from[eq - arg] = '\0';
	(*list)[*n].to = xstrdup(eq + 1);
	(*n)++;
}

int main(int argc, char **argv)
{
	const char *lang = getenv("LC_ALL");
	bool force_ascii = false, force_unicode = false;
	FILE *in = stdin;
	int opt;

	while ((opt = getopt(argc, argv, "f:ncuaw:o:r:k:h")) != -1) {
		switch (opt) {
		case 'f':
			if (!strcmp(optarg, "mermaid"))
				mermaid = true;
			else if (strcmp(optarg, "ascii") != 0)
				usage();
			break;
		case 'n': normalise = canonical = true; break;
		case 'c': canonical = true; break;
		case 'u': force_unicode = true; break;
		case 'a': force_ascii = true; break;
		case 'w': width = atoi(optarg); break;
		case 'o': {
			char *s = xstrdup(optarg), *tok, *save;

			for (tok = strtok_r(s, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				only = xrealloc(only, (nonly + 1) * sizeof *only);
				only[nonly++] = xstrdup(tok);
			}
			free(s);
			break;
		}
		case 'r': add_pair(&repls, &nrepls, optarg); break;
		case 'k': add_pair(&keeps, &nkeeps, optarg); break;
		default: usage();
		}
	}
	if (argc - optind > 1)
		usage();
	if (argc - optind == 1 && strcmp(argv[optind], "-") != 0) {
		in = fopen(argv[optind], "r");
		if (in == NULL) {
			fprintf(stderr, "draw: %s: %s\n", argv[optind], strerror(errno));
			return 1;
		}
	}
	if (lang == NULL || *lang == '\0')
		lang = getenv("LC_CTYPE");
	if (lang == NULL || *lang == '\0')
		lang = getenv("LANG");
	unicode = force_unicode
	          || (!force_ascii && !normalise && isatty(STDOUT_FILENO) && lang
	              && (strstr(lang, "UTF-8") || strstr(lang, "utf8")
	                  || strstr(lang, "UTF8") || strstr(lang, "utf-8")));

	read_records(in);
	if (in != stdin)
		fclose(in);
	qsort(ev, nev, sizeof *ev, by_time);
	build_procs();
	choose_columns();
	if (nev == 0 || ncols == 0) {
		if (mermaid)
			printf("sequenceDiagram\n    Note over nobody: no socket call was recorded\n");
		else
			printf("(no socket call was recorded%s)\n",
			       malformed ? "; the file holds no valid record" : "");
		for (size_t i = 0; i < nonly; i++)
			printf("%s: no record at all (did it start? is it linked "
			       "dynamically?)\n", only[i]);
		return 0;
	}
	track_sockets();
	pair_blocking();
	merge_runs();
	match_connections();
	match_stream_data();
	match_datagrams();
	explain_polls();
	order = xmalloc(nev * sizeof *order);
	if (canonical)
		causal_order();
	else
		time_order();
	if (mermaid)
		draw_mermaid();
	else
		draw_ascii();
	return 0;
}
