/*
 * draw.c - draw a socket trace: one column per process, time going down,
 * data as arrows from the call that sent it to the call that received it.
 *
 * Usage: draw [-f ascii|mermaid] [-n] [-w WIDTH] [-o NAME,...] [FILE]
 *
 * FILE (default: standard input) is what the recorder wrote (record.c's
 * header describes the format).  Options:
 *   -f ascii     plain text, the default; -f mermaid: a Mermaid
 *                sequenceDiagram, which GitHub renders in Markdown
 *   -n           no times, no pids, and every port named PORT1, PORT2, ...
 *                in order of appearance: a drawing to keep in a document
 *   -w WIDTH     the width of the drawing (default $COLUMNS, or 120)
 *   -o NAMES     the programs to show, comma-separated, left to right
 *                (default: every process that made a socket call, those
 *                that bind or listen first); a name with no record at all
 *                is said so
 *
 * How to read the ASCII drawing:
 *   *  a call            >  a call that waits starts    :  still waiting
 *   <  it returns        +  the process starts          x  it exits
 *   ----->  data, drawn where it is received, from the column that sent
 *   ====>   a connection: connect() reaching the server's accept()
 *   ....>   end of file: the peer's shutdown(SHUT_WR) or close()
 * A process that was still waiting, or was killed, when the record ends
 * says so at the bottom: the place to look in a program that hangs.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
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

static bool mermaid, normalise;
static int width = 0;
static char **only;          /* -o */
static size_t nonly;

/* ---- records ------------------------------------------------------------ */

enum kind { K_CALL, K_BEGIN, K_END, K_EXEC, K_EXIT };
enum arrow { A_NONE, A_DATA, A_CONNECT, A_EOF, A_DGRAM };

struct ev {
	long long t;             /* ns */
	int pid, proc;
	enum kind kind;
	char *call, *args, *addr, *result, *info, *prog;
	int fd;
	long long ret;           /* RESULT as a number */
	bool ret_known;
	const char *err;         /* the errno name after "-1 ", or NULL */
	long long bytes;         /* data moved */
	char *data, *local, *peer, *revents, *fds, *addrs;
	int order;               /* in the file */
	int partner;             /* begin <-> end */
	int sock, newsock;
	int from;                /* the arrow's source event, -1: none */
	enum arrow arrow;
	long long arrow_bytes;
	int arrow_sends;
	bool is_send, is_recv;
	bool lost;               /* a datagram no traced process received */
	bool eof_death;          /* end of file because the peer died */
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

/* Past the value at V: a word, or a quoted string (escapes inside) with
 * data's trailing "..." */
static const char *value_end(const char *v)
{
	const char *e = v;

	if (*v != '"')
		return v + strcspn(v, " ");
	for (e = v + 1; *e && *e != '"'; e++)
		if (*e == '\\' && e[1])
			e++;
	if (*e == '"')
		e++;
	return strncmp(e, "...", 3) == 0 ? e + 3 : e;
}

/* The value of KEY= in an INFO field, allocated, or NULL.  data="..." keeps
 * its quotes and a trailing "...". */
static char *info_get(const char *info, const char *key)
{
	size_t klen = strlen(key);
	const char *p = info;

	while (*p) {
		const char *v = strchr(p, '=');
		const char *e;

		if (v == NULL)
			return NULL;
		e = value_end(v + 1);
		if ((size_t)(v - p) == klen && strncmp(p, key, klen) == 0) {
			char *out = xmalloc((size_t)(e - v));

			memcpy(out, v + 1, (size_t)(e - v - 1));
			out[e - v - 1] = '\0';
			return out;
		}
		p = e + strspn(e, " ");
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

static bool is_call(const struct ev *e, const char *a, const char *b)
{
	return !strcmp(e->call, a) || (b && !strcmp(e->call, b));
}

/* RESULT as a number, and the errno name after a failure. */
static void parse_result(struct ev *e)
{
	const char *r = e->result;

	if (!isdigit((unsigned char)r[0])
	    && !(r[0] == '-' && isdigit((unsigned char)r[1])))
		return;
	e->ret_known = true;
	e->ret = strtoll(r, NULL, 10);
	if (e->ret < 0)
		e->err = strchr(r, ' ') ? strchr(r, ' ') + 1 : "?";
}

static void add_record(char *f[10], int order)
{
	static const char *const kinds[] = { "call", "begin", "end", "exec", "exit" };
	struct ev e = { .order = order, .partner = -1, .sock = -1,
	                .newsock = -1, .from = -1, .proc = -1 };
	int k;

	for (k = 0; k < 5 && strcmp(f[3], kinds[k]) != 0; k++)
		;
	if (k == 5) {
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
	parse_result(&e);
	e.data = info_get(e.info, "data");
	e.local = info_get(e.info, "local");
	e.peer = info_get(e.info, "peer");
	e.revents = info_get(e.info, "revents");
	e.fds = info_get(e.info, "fds");
	e.addrs = info_get(e.info, "addrs");
	e.is_send = e.kind == K_CALL && is_one_of(e.call, send_calls);
	e.is_recv = e.kind == K_END && is_one_of(e.call, recv_calls);
	if ((e.is_send || e.is_recv) && e.ret_known && e.ret > 0)
		e.bytes = e.ret;
	ev = xrealloc(ev, (nev + 1) * sizeof *ev);
	ev[nev++] = e;
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
	char *name;
	int col;                 /* -1: not shown */
	bool server, socket_calls, exited;
	char *status;
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
		if (e->kind == K_EXEC || p->name == NULL)
			p->name = e->prog;
		if (e->kind == K_EXIT) {
			p->exited = true;
			p->status = e->result;
		}
		if (e->kind != K_EXEC && e->kind != K_EXIT)
			p->socket_calls = true;
		if (is_call(e, "listen", "bind"))
			p->server = true;
	}
}

/* Which processes get a column, in which order. */
static void choose_columns(void)
{
	col_proc = xmalloc((nprocs + 1) * sizeof *col_proc);
	for (size_t k = 0; k < nonly; k++)
		for (size_t i = 0; i < nprocs; i++)
			if (procs[i].col < 0 && !strcmp(procs[i].name, only[k])) {
				procs[i].col = ncols;
				col_proc[ncols++] = (int)i;
			}
	/* without -o: servers first, then the rest, each by first appearance */
	for (int pass = 0; pass < 2 && nonly == 0; pass++) {
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
	char *peer;              /* as last known */
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

/* socket() and socketpair(): new sockets.  True if E was one. */
static bool track_new_sockets(struct ev *e)
{
	int a, b, type = type_of_args(e->args);

	if (!strcmp(e->call, "socket") && e->ret_known && e->ret >= 0) {
		e->sock = new_sock(type, e->proc);
		fd_set(e->proc, (int)e->ret, e->sock);
		return true;
	}
	if (!strcmp(e->call, "socketpair")) {
		if (e->ret == 0 && e->fds && sscanf(e->fds, "%d,%d", &a, &b) == 2) {
			e->sock = new_sock(type, e->proc);
			fd_set(e->proc, a, e->sock);
			fd_set(e->proc, b, new_sock(type, e->proc));
			socks[e->sock].conn = e->sock + 1;
			socks[e->sock + 1].conn = e->sock;
		}
		return true;
	}
	return false;
}

/* Give each event its socket, following socket/accept/connect/close. */
static void track_sockets(void)
{
	for (size_t i = 0; i < nev; i++) {
		struct ev *e = &ev[i];

		if (e->kind == K_EXEC || e->kind == K_EXIT || track_new_sockets(e)
		    || e->fd < 0)
			continue;
		e->sock = fd_get(e->proc, e->fd);
		if (e->sock < 0) {
			/* a socket we did not see made (inherited): guess its
			 * type from what is done with it */
			e->sock = new_sock(is_call(e, "sendto", "recvfrom")
			                   && strcmp(e->addr, "-") ? 2 : 0, e->proc);
			fd_set(e->proc, e->fd, e->sock);
		}
		if (e->kind == K_END && is_call(e, "accept", "accept4")
		    && e->ret_known && e->ret >= 0) {
			e->newsock = new_sock(1, e->proc);
			socks[e->newsock].peer = e->peer;
			fd_set(e->proc, (int)e->ret, e->newsock);
		}
		if (e->kind == K_END && is_call(e, "connect", NULL))
			socks[e->sock].peer = !strcmp(e->addr, "AF_UNSPEC") ? NULL
			                      : e->peer ? e->peer
			                      : e->ret == 0 ? e->addr : socks[e->sock].peer;
		if (is_call(e, "close", NULL) && e->ret == 0)
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

/* Addresses: the same endpoint?  An IPv4-mapped IPv6 address is its IPv4
 * address; with WILDCARD, 0.0.0.0 and [::] match any address with the
 * same port. */
static const char *canon(const char *a, char *buf, size_t n)
{
	const char *close = a ? strchr(a, ']') : NULL;

	if (close && strncmp(a, "[::ffff:", 8) == 0 && strchr(a, '.')) {
		snprintf(buf, n, "%.*s%s", (int)(close - a - 8), a + 8, close + 1);
		return buf;
	}
	return a ? a : "";
}

static bool same_endpoint(const char *x, const char *y, bool wildcard)
{
	char bx[160], by[160];
	const char *a = canon(x, bx, sizeof bx), *b = canon(y, by, sizeof by);
	const char *pa = strrchr(a, ':'), *pb = strrchr(b, ':');

	if (!*a || !*b)
		return false;
	if (!strcmp(a, b))
		return true;
	if (!wildcard || !pa || !pb || strcmp(pa, pb) != 0 || !strncmp(a, "unix:", 5))
		return false;
	return !strncmp(a, "0.0.0.0:", 8) || !strncmp(b, "0.0.0.0:", 8)
	       || !strncmp(a, "[::]:", 5) || !strncmp(b, "[::]:", 5);
}

/* Did connect() C reach the server whose accept() returned A? */
static bool connect_meets_accept(const struct ev *c, const struct ev *a)
{
	long long start = c->partner >= 0 ? ev[c->partner].t : c->t;

	if (c->kind != K_END || !is_call(c, "connect", NULL) || c->sock < 0
	    || socks[c->sock].type == 2 || start > a->t
	    || !(c->ret == 0 || (c->err && !strcmp(c->err, "EINPROGRESS"))))
		return false;
	if (!strncmp(c->addr, "unix:", 5))
		return a->local && !strcmp(a->local, c->addr);
	return same_endpoint(c->local, a->peer, false)
	       && same_endpoint(c->peer, a->local, false);
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

			if (used[j] || !connect_meets_accept(c, a))
				continue;
			used[j] = true;
			socks[c->sock].conn = a->newsock;
			socks[a->newsock].conn = c->sock;
			a->from = c->partner >= 0 ? c->partner : (int)j;
			a->arrow = A_CONNECT;
			break;
		}
	}
	free(used);
}

/* The sends on socket S, in order, with the stream offset each starts at. */
struct sends {
	int *ev;
	long long *start;
	size_t n;
};

static struct sends sends_on(int s)
{
	struct sends out = { NULL, NULL, 0 };
	long long off = 0;

	for (size_t i = 0; i < nev; i++) {
		if (ev[i].sock != s || !ev[i].is_send || ev[i].bytes <= 0)
			continue;
		out.ev = xrealloc(out.ev, (out.n + 1) * sizeof *out.ev);
		out.start = xrealloc(out.start, (out.n + 1) * sizeof *out.start);
		out.ev[out.n] = (int)i;
		out.start[out.n++] = off;
		off += ev[i].bytes;
	}
	return out;
}

/* Receive E got the bytes at offsets ROFF.. of the stream: the sends that
 * cover them (from *SI on) are its arrow's source. */
static void data_arrow(struct ev *e, const struct sends *s, size_t *si,
                       long long roff)
{
	long long last = roff + e->bytes - 1;
	size_t last_i;

	while (*si + 1 < s->n && s->start[*si + 1] <= roff)
		(*si)++;
	if (s->n == 0 || s->start[*si] > roff)
		return;     /* sent by someone untraced */
	for (last_i = *si; last_i + 1 < s->n && s->start[last_i + 1] <= last;)
		last_i++;
	e->from = s->ev[*si];
	e->arrow = A_DATA;
	e->arrow_bytes = e->bytes;
	e->arrow_sends = (int)(last_i - *si + 1);
}

/* Receive E on the peer of socket S returned 0: end of file, from S's
 * shutdown or close after its last send, or from its process's death. */
static void eof_arrow(struct ev *e, int s, const struct sends *sent)
{
	long long after = sent->n ? ev[sent->ev[sent->n - 1]].t : 0;
	struct proc *o = &procs[socks[s].owner];

	for (size_t k = 0; k < nev; k++) {
		struct ev *c = &ev[k];

		if (c->sock != s || c->t < after || c->t > e->t)
			continue;
		if ((is_call(c, "shutdown", NULL) && strcmp(c->args, "SHUT_RD") != 0)
		    || is_call(c, "close", NULL)) {
			e->from = (int)k;
			e->arrow = A_EOF;
			return;
		}
	}
	if (!o->exited && o->nevs) {
		e->from = o->evs[o->nevs - 1];
		e->arrow = A_EOF;
		e->eof_death = true;
	}
}

/* Stream data: the bytes a receive returned were sent by the sends that
 * cover the same offsets of the other end's stream. */
static void match_stream_data(void)
{
	for (size_t s = 0; s < nsocks; s++) {
		int peer = socks[s].conn;
		struct sends sent;
		long long roff = 0;
		size_t si = 0;

		if (peer < 0 || socks[s].type == 2)
			continue;
		sent = sends_on((int)s);
		for (size_t i = 0; i < nev; i++) {
			struct ev *e = &ev[i];

			if (e->sock != peer || !e->is_recv)
				continue;
			if (e->bytes > 0) {
				data_arrow(e, &sent, &si, roff);
				roff += e->bytes;
			} else if (e->ret == 0) {
				eof_arrow(e, (int)s, &sent);
			}
		}
		free(sent.ev);
		free(sent.start);
	}
}

/* The address a datagram went to. */
static const char *dgram_dest(const struct ev *e)
{
	if (strcmp(e->addr, "-") != 0)
		return e->addr;
	if (e->peer)
		return e->peer;
	return e->sock >= 0 ? socks[e->sock].peer : NULL;
}

static bool is_dgram(const struct ev *e, bool send)
{
	return (send ? e->is_send : e->is_recv) && e->sock >= 0
	       && socks[e->sock].type == 2 && e->ret_known && e->ret >= 0;
}

/* No name: never bound (a UNIX socket), or none reported. */
static bool unnamed(const char *addr)
{
	return addr == NULL || !*addr || !strcmp(addr, "-")
	       || !strcmp(addr, "unix:(unnamed)");
}

/* Could datagram send S be what receive R got? */
static bool dgram_matches(const struct ev *s, const struct ev *r)
{
	if (!is_dgram(s, true) || s->ret < r->ret)
		return false;
	if (socks[s->sock].conn >= 0)   /* a socketpair */
		return socks[s->sock].conn == r->sock;
	/* A UNIX socket that never bound a name sends from nowhere: the
	 * receiver is told no source, and only the destination can match. */
	if (unnamed(s->local) && unnamed(r->addr))
		return same_endpoint(dgram_dest(s), r->local, true);
	return same_endpoint(s->local, r->addr, true)
	       && same_endpoint(dgram_dest(s), r->local, true);
}

/* Each datagram received: the earliest unmatched send that fits. */
static void match_datagrams(void)
{
	bool *used = xmalloc(nev * sizeof *used);

	memset(used, 0, nev * sizeof *used);
	for (size_t i = 0; i < nev; i++) {
		struct ev *r = &ev[i];

		if (!is_dgram(r, false))
			continue;
		/* events are in time order: no send after the receive */
		for (size_t j = 0; j < nev && ev[j].t <= r->t; j++) {
			if (used[j] || !dgram_matches(&ev[j], r))
				continue;
			used[j] = true;
			r->from = (int)j;
			r->arrow = A_DGRAM;
			r->arrow_bytes = r->ret;
			break;
		}
	}
	for (size_t j = 0; j < nev; j++)
		ev[j].lost = is_dgram(&ev[j], true) && !used[j];
	free(used);
}

static bool shown_proc(const struct ev *e)
{
	return procs[e->proc].col >= 0;
}

/* ---- text of an event -------------------------------------------------- */

/* Under -n, the ports named PORT1, PORT2, ... in order of first use. */
static char ports[32][8];
static size_t nports;

/* The name of port DIGITS (K of them); DEFINE: give it one if it has none.
 * NULL: not a port. */
static const char *port_name(const char *digits, size_t k, bool define)
{
	static char name[16];
	size_t i;

	if (k >= sizeof ports[0] || (k == 1 && digits[0] == '0'))
		return NULL;
	for (i = 0; i < nports; i++)
		if (strlen(ports[i]) == k && !strncmp(ports[i], digits, k))
			break;
	if (i == nports && (!define || nports == sizeof ports / sizeof ports[0]))
		return NULL;
	if (i == nports)
		snprintf(ports[nports++], sizeof ports[0], "%.*s", (int)k, digits);
	snprintf(name, sizeof name, "PORT%zu", i + 1);
	return name;
}

/* S as shown: under -n, ports named.  A port is the number after the ':'
 * of an address ("127.0.0.1:44006", "[::1]:44006"), and any word that is
 * a port already named (a command line's "127.0.0.1 44006"). */
static char *show(const char *s)
{
	struct str out = { 0 };
	const char *start = s;

	if (s == NULL)
		return xstrdup("");
	while (*s) {
		size_t k = strspn(s, "0123456789");
		char before = s > start ? s[-1] : ' ';
		const char *name = NULL;

		if (normalise && k && !isalnum((unsigned char)before) && before != '.'
		    && !isalnum((unsigned char)s[k]) && (!s[k] || !strchr(".:]", s[k]))) {
			bool addr = before == ':' && s - start >= 2
			            && (isdigit((unsigned char)s[-2]) || s[-2] == ']');

			name = port_name(s, k, addr);
		}
		if (name)
			sputs(&out, name);
		else
			sadd(&out, s, k ? k : 1);   /* a number is copied whole */
		s += k ? k : 1;
	}
	return sdone(&out);
}

static void sshow(struct str *b, const char *s)
{
	char *t = show(s);

	sputs(b, t);
	free(t);
}

/* ", LEN" and the flags after it, from ARGS "len=N, FLAGS". */
static void len_and_flags(struct str *b, const char *args)
{
	const char *p = strstr(args, "len=");
	const char *flags = p ? strchr(p, ',') : NULL;

	sprintf_(b, ", %lld", p ? strtoll(p + 4, NULL, 10) : -1);
	if (flags && strcmp(flags + 2, "0"))
		sprintf_(b, ", %s", flags + 2);
}

/* poll's "[3:POLLIN], 1, 30000ms, NULL" as "[3:POLLIN], 30000ms". */
static void poll_args(struct str *b, const char *args)
{
	const char *end = strchr(args, ']');
	const char *t = end ? strchr(end, ',') : NULL;

	if (end)
		sadd(b, args, (size_t)(end - args + 1));
	if (t && (t = strchr(t + 1, ',')) != NULL && strncmp(t + 2, "NULL", 4)
	    && strtol(t + 2, NULL, 10) >= 0)
		sprintf_(b, ", %ldms", strtol(t + 2, NULL, 10));
}

/* The arguments of a call as drawn: the socket first, then what matters. */
static void call_args(struct str *b, const struct ev *e)
{
	if (is_call(e, "socket", "socketpair") || is_call(e, "getaddrinfo", NULL)) {
		sshow(b, e->args);
		return;
	}
	if (is_call(e, "freeaddrinfo", NULL)) {
		sputs(b, e->args);
		return;
	}
	if (is_call(e, "poll", "ppoll")) {
		poll_args(b, e->args);
		return;
	}
	if (e->fd >= 0)
		sprintf_(b, "%d", e->fd);
	if (is_call(e, "bind", "connect")) {
		sputs(b, ", ");
		sshow(b, e->addr);
	} else if (is_call(e, "listen", "shutdown") || is_call(e, "setsockopt", NULL)) {
		sputs(b, ", ");
		sshow(b, e->args);
	} else if (is_call(e, "accept4", NULL) && strchr(e->args, ',')) {
		sputs(b, strchr(e->args, ','));
	} else if (e->is_send) {
		if (e->data)
			sprintf_(b, ", %s", e->data);
		len_and_flags(b, e->args);
		if (strcmp(e->addr, "-")) {
			sputs(b, ", ");
			sshow(b, e->addr);
		}
	} else if (is_one_of(e->call, recv_calls)) {
		len_and_flags(b, e->args);
	}
}

/* What a receive got: the data, end of file, a datagram's source. */
static void recv_result(struct str *b, const struct ev *e)
{
	bool dgram = e->sock >= 0 && socks[e->sock].type == 2;

	if (e->data)
		sprintf_(b, " %s", e->data);
	if (e->ret == 0 && !dgram)
		sputs(b, " (end of file)");
	if (strcmp(e->addr, "-") && dgram) {
		sputs(b, " from ");
		sshow(b, e->addr);
	}
}

static void call_result(struct str *b, const struct ev *e)
{
	if (is_call(e, "freeaddrinfo", NULL))
		return;
	sputs(b, " = ");
	if (is_call(e, "socketpair", NULL) && e->fds) {
		sprintf_(b, "[%s]", e->fds);
	} else if (is_call(e, "getaddrinfo", NULL) && e->addrs) {
		sshow(b, e->addrs);
	} else if (e->ret_known && e->ret >= 0
	           && is_call(e, "getsockname", "getpeername")) {
		sshow(b, e->addr);
	} else {
		sputs(b, e->result);
		if (e->ret_known && e->ret < 0)
			return;
	}
	if (is_call(e, "bind", NULL) && e->local && strcmp(e->local, e->addr)) {
		sputs(b, ", bound to ");
		sshow(b, e->local);
	}
	if (is_call(e, "accept", "accept4") && e->peer
	    && strcmp(e->peer, "unix:(unnamed)")) {
		sputs(b, " from ");
		sshow(b, e->peer);
	}
	if (is_call(e, "poll", "ppoll") && e->revents)
		sprintf_(b, " [%s]", e->revents);
	else if (is_call(e, "poll", "ppoll") && e->ret == 0)
		sputs(b, " (timed out)");
	if (e->is_recv)
		recv_result(b, e);
	if (e->lost)
		sputs(b, " (no traced process received it)");
}

/* The command line, its program by its name alone. */
static void exec_text(struct str *b, const char *args)
{
	size_t n = strcspn(args, " ");
	const char *name = args + n;

	while (name > args && name[-1] != '/')
		name--;
	sputs(b, "$ ");
	sadd(b, name, (size_t)(args + n - name));
	sshow(b, args + n);
}

enum mode { WHOLE, START, RETURN };

/* A row's text: the whole call, its start ("... "), or its return. */
static char *event_text(const struct ev *e, enum mode mode)
{
	struct str b = { 0 };

	if (e->kind == K_EXEC) {
		exec_text(&b, e->args);
	} else if (e->kind == K_EXIT) {
		sprintf_(&b, "exit(%s)", e->result);
	} else if (mode == RETURN) {
		sputs(&b, e->call);
		call_result(&b, e);
	} else {
		sprintf_(&b, "%s(", e->call);
		call_args(&b, e);
		sputs(&b, ")");
		if (mode == START)
			sputs(&b, " ...");
		else
			call_result(&b, e);
	}
	return sdone(&b);
}

/* A blocking call drawn on one row: the begin's arguments, the end's
 * result. */
static char *merged_text(const struct ev *begin, const struct ev *end)
{
	struct str b = { 0 };

	sprintf_(&b, "%s(", begin->call);
	call_args(&b, begin);
	sputs(&b, ")");
	call_result(&b, end);
	return sdone(&b);
}

static char *arrow_label(const struct ev *e)
{
	struct str b = { 0 };

	if (e->arrow == A_CONNECT)
		sputs(&b, "connect");
	else if (e->arrow == A_EOF)
		sputs(&b, e->eof_death ? "end of file: the process died" : "end of file");
	else if (e->arrow == A_DGRAM)
		sprintf_(&b, "datagram, %lld bytes", e->arrow_bytes);
	else
		sprintf_(&b, "%lld bytes", e->arrow_bytes);
	if (e->arrow == A_DATA && e->arrow_sends > 1)
		sprintf_(&b, " (from %d sends)", e->arrow_sends);
	if ((e->arrow == A_DATA || e->arrow == A_DGRAM) && e->data)
		sprintf_(&b, " %s", e->data);
	return sdone(&b);
}

/* Events of shown processes, in time order. */
static int *order;
static size_t norder;

/* A begin whose call did not wait for another process is drawn on one
 * row with its end, where it returned: what it received was sent before
 * it started, or nothing happened elsewhere meanwhile.  One that waited
 * shows as two rows.  A connect() stays where it started: the server's
 * accept() points there. */
static bool quick(const struct ev *begin)
{
	const struct ev *end = begin->partner >= 0 ? &ev[begin->partner] : NULL;

	if (begin->kind != K_BEGIN || end == NULL || is_call(begin, "connect", NULL))
		return false;
	if (end->arrow != A_NONE && end->from >= 0)
		return ev[end->from].t <= begin->t;
	for (const struct ev *o = begin + 1; o < end; o++)
		if (shown_proc(o))
			return false;
	return true;
}

/* The begin drawn with end E, or NULL. */
static const struct ev *merged_with(const struct ev *e)
{
	return e->kind == K_END && e->partner >= 0 && quick(&ev[e->partner])
	       ? &ev[e->partner] : NULL;
}

/* The arrow into event E, if it has one from a shown process. */
static bool has_arrow(const struct ev *e)
{
	return e->arrow != A_NONE && e->from >= 0 && shown_proc(&ev[e->from]);
}

/* ---- ASCII ------------------------------------------------------------ */

static int colw, margin;
static char *linebuf;
static int linelen;
/* Per column: 0 not started or gone, 1 running, 2 waiting. */
static int *state;

/* A blank row with every column's life line. */
static void grid_start(void)
{
	linelen = margin + ncols * colw;
	linebuf = xrealloc(linebuf, (size_t)linelen + 1);
	memset(linebuf, ' ', (size_t)linelen);
	linebuf[linelen] = '\0';
	for (int c = 0; c < ncols && state; c++)
		if (state[c])
			linebuf[margin + c * colw] = state[c] == 2 ? ':' : '|';
}

static void grid_out(void)
{
	int end = linelen;

	while (end > 0 && linebuf[end - 1] == ' ')
		end--;
	printf("%.*s\n", end, linebuf);
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

			while (b > n / 2 && !strchr(" ,/", text[b - 1]))
				b--;
			if (b > n / 2)
				n = b;
		}
		grid_start();
		if (first && time)
			memcpy(linebuf, time, strlen(time) < (size_t)margin
			                      ? strlen(time) : (size_t)margin);
		if (first)
			linebuf[margin + col * colw] = mark;
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
	int span = hi - lo - 5, llen = (int)strlen(label);

	if (from == to)
		return;     /* a process talking to itself: the rows say it */
	grid_start();
	memset(linebuf + lo + 1, kind == A_CONNECT ? '=' : kind == A_EOF ? '.' : '-',
	       (size_t)(hi - lo - 1));
	linebuf[a < b ? hi - 1 : lo + 1] = a < b ? '>' : '<';
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

/* Each column's program, and a rule under it. */
static void draw_header(void)
{
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
		memset(linebuf + margin + c * colw, '-', (size_t)colw - 2);
	grid_out();
}

/* The rows of event E: its arrow first, then the call. */
static void draw_event(const struct ev *e, long long t0)
{
	const struct ev *begin = merged_with(e);
	int col = procs[e->proc].col;
	static const char marks[] = { [K_CALL] = '*', [K_BEGIN] = '>',
	                              [K_END] = '<', [K_EXEC] = '+', [K_EXIT] = 'x' };
	char tbuf[32], *text;

	snprintf(tbuf, sizeof tbuf, "%10.6f", (double)(e->t - t0) / 1e9);
	if (state[col] == 0)
		state[col] = 1;
	if (has_arrow(e)) {
		char *label = arrow_label(e);

		arrow_row(procs[ev[e->from].proc].col, col, e->arrow, label);
		free(label);
	}
	if (e->kind == K_END)
		state[col] = 1;
	if (begin)
		text = merged_text(begin, e);
	else
		text = event_text(e, e->kind == K_BEGIN ? START
		                     : e->kind == K_END ? RETURN : WHOLE);
	row(col, begin ? '*' : marks[e->kind], text, normalise ? NULL : tbuf);
	free(text);
	if (e->kind == K_BEGIN)
		state[col] = 2;
	if (e->kind == K_EXIT)
		state[col] = 0;
}

/* How each process ended: its exit, or the call it never returned from. */
static void draw_endings(void)
{
	for (int c = 0; c < ncols; c++) {
		struct proc *p = &procs[col_proc[c]];
		int last_begin = -1;

		for (size_t k = 0; k < p->nevs; k++)
			if (ev[p->evs[k]].kind == K_BEGIN && ev[p->evs[k]].partner < 0)
				last_begin = p->evs[k];
		if (p->exited) {
			printf("%s: exit(%s)\n", p->name, p->status);
		} else if (last_begin >= 0) {
			char *t = event_text(&ev[last_begin], START);

			printf("%s: never returned from %s (still waiting when the "
			       "record ends, or killed there)\n", p->name, t);
			free(t);
		} else if (p->nevs) {
			printf("%s: no exit recorded (killed by a signal?)\n", p->name);
		}
	}
}

static void draw_ascii(void)
{
	const char *columns = getenv("COLUMNS");
	int total = width > 0 ? width
	            : columns && atoi(columns) >= 40 ? atoi(columns) : 120;

	margin = normalise ? 0 : 11;
	colw = (total - margin) / ncols;
	if (colw < 24)
		colw = 24;
	draw_header();
	state = xmalloc((size_t)ncols * sizeof *state);
	memset(state, 0, (size_t)ncols * sizeof *state);
	for (size_t k = 0; k < norder; k++)
		draw_event(&ev[order[k]], ev[order[0]].t);
	free(state);
	state = NULL;
	grid_start();
	grid_out();
	draw_endings();
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
	if (ncols == 1 || col == ncols - 1)
		printf("    Note right of P%d: ", col + 1);
	else if (col == 0)
		printf("    Note left of P%d: ", col + 1);
	else
		printf("    Note over P%d: ", col + 1);
	mm_text(text);
	putchar('\n');
}

static void mm_arrow(const struct ev *e, int col)
{
	char *label = arrow_label(e);
	const char *style = e->arrow == A_CONNECT ? "-)"
	                    : e->arrow == A_EOF ? "--)" : "->>";

	printf("    P%d%sP%d: ", procs[ev[e->from].proc].col + 1, style, col + 1);
	mm_text(label);
	putchar('\n');
	free(label);
}

/* A call that waits activates its column until it returns. */
static void draw_mermaid(void)
{
	bool *active = xmalloc((size_t)ncols * sizeof *active);

	memset(active, 0, (size_t)ncols * sizeof *active);
	printf("sequenceDiagram\n");
	for (int c = 0; c < ncols; c++) {
		struct proc *p = &procs[col_proc[c]];

		printf("    participant P%d as %s", c + 1, p->name);
		printf(normalise ? "\n" : " (pid %d)\n", p->pid);
	}
	for (size_t k = 0; k < norder; k++) {
		struct ev *e = &ev[order[k]];
		const struct ev *begin = merged_with(e);
		int col = procs[e->proc].col;
		char *text;

		if (has_arrow(e))
			mm_arrow(e, col);
		if (e->kind == K_END && active[col] && !begin) {
			printf("    deactivate P%d\n", col + 1);
			active[col] = false;
		}
		text = begin ? merged_text(begin, e)
		       : event_text(e, e->kind == K_BEGIN ? START
		                       : e->kind == K_END ? RETURN : WHOLE);
		mm_note(col, text);
		free(text);
		if (e->kind == K_BEGIN && !active[col]) {
			printf("    activate P%d\n", col + 1);
			active[col] = true;
		}
	}
	for (int c = 0; c < ncols; c++)
		if (!procs[col_proc[c]].exited)
			mm_note(c, "(no exit: still waiting, or killed)");
	free(active);
}

/* ---- main ----------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: draw [-f ascii|mermaid] [-n] [-w WIDTH] "
	        "[-o NAME,...] [FILE]\n");
	exit(2);
}

/* The options; the record file to read. */
static FILE *parse_options(int argc, char **argv)
{
	FILE *in = stdin;
	char *tok, *save;
	int opt;

	while ((opt = getopt(argc, argv, "f:nw:o:")) != -1) {
		if (opt == 'f' && (!strcmp(optarg, "mermaid") || !strcmp(optarg, "ascii")))
			mermaid = !strcmp(optarg, "mermaid");
		else if (opt == 'n')
			normalise = true;
		else if (opt == 'w')
			width = atoi(optarg);
		else if (opt == 'o')
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				only = xrealloc(only, (nonly + 1) * sizeof *only);
				only[nonly++] = tok;
			}
		else
			usage();
	}
	if (argc - optind > 1)
		usage();
	if (argc - optind == 1 && strcmp(argv[optind], "-") != 0
	    && (in = fopen(argv[optind], "r")) == NULL) {
		fprintf(stderr, "draw: %s: %s\n", argv[optind], strerror(errno));
		exit(1);
	}
	return in;
}

/* Programs named with -o that left no record: the starter's client, a
 * static binary. */
static void say_missing(void)
{
	for (size_t i = 0; i < nonly; i++) {
		bool found = false;

		for (size_t p = 0; p < nprocs; p++)
			found |= !strcmp(procs[p].name, only[i]);
		if (!found && !mermaid)
			printf("%s: no record at all (did it start? is it linked "
			       "dynamically?)\n", only[i]);
	}
	if (malformed && !mermaid)
		printf("(%d malformed lines skipped)\n", malformed);
}

int main(int argc, char **argv)
{
	FILE *in = parse_options(argc, argv);

	read_records(in);
	qsort(ev, nev, sizeof *ev, by_time);
	build_procs();
	choose_columns();
	if (ncols == 0) {
		printf(mermaid ? "sequenceDiagram\n    Note over nobody: no socket "
		                 "call was recorded\n"
		               : "(no socket call was recorded)\n");
		say_missing();
		return 0;
	}
	track_sockets();
	pair_blocking();
	match_connections();
	match_stream_data();
	match_datagrams();
	order = xmalloc(nev * sizeof *order);
	for (size_t i = 0; i < nev; i++)
		if (shown_proc(&ev[i]) && !quick(&ev[i]))
			order[norder++] = (int)i;
	if (mermaid)
		draw_mermaid();
	else
		draw_ascii();
	say_missing();
	return 0;
}
