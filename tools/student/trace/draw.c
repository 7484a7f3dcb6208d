/*
 * draw.c - draw a socket trace: one column per process, time going down,
 * data as arrows from the call that sent it to the call that received it.
 *
 * Usage: draw [-f ascii|mermaid] [-n] [-w WIDTH] [-o NAME,...] FILE
 *
 * FILE is what the recorder wrote (record.c's header describes the
 * format).  Options:
 *   -f ascii     plain text, the default; -f mermaid: a Mermaid
 *                sequenceDiagram, which GitHub renders in Markdown
 *   -n           no times, no pids, and every port named PORT1, PORT2, ...
 *                in order of appearance: a drawing to keep in a document
 *   -w WIDTH     the width of the drawing (default 120)
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
#define _DEFAULT_SOURCE     /* getline, open_memstream, strtok_r, strsep */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* P, unless memory ran out: then the drawing is over. */
static void *need(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "draw: out of memory\n");
		exit(1);
	}
	return p;
}

/* Array P, of N elements of SIZE, with room for one more. */
static void *grow(void *p, size_t n, size_t size)
{
	return need(realloc(p, (n + 1) * size));
}

/* ---- options ------------------------------------------------------------- */

static bool mermaid, normalise;
static int width = 120;
static char **only;          /* -o */
static size_t nonly;

/* ---- records ------------------------------------------------------------ */

enum kind { K_CALL, K_BEGIN, K_END, K_EXEC, K_EXIT };
enum arrow { A_NONE, A_DATA, A_CONNECT, A_EOF, A_DGRAM };

struct ev {
	double t;                /* seconds */
	int pid, proc, fd;
	int order;               /* in the file: what breaks a tie in time */
	enum kind kind;
	char *prog, *call, *args, *addr, *result;
	long long ret;           /* RESULT as a number (of a send: bytes sent) */
	bool ret_known;
	const char *err;         /* the errno name after "-1 ", or NULL */
	char *local, *peer, *fds, *addrs, *data;   /* INFO's, or NULL */
	bool is_send, is_recv;
	int partner;             /* begin <-> end */
	int sock, newsock;
	int from;                /* the arrow's source event, -1: none */
	enum arrow arrow;
	int arrow_sends;
	bool lost;               /* a datagram no traced process received */
	bool eof_death;          /* end of file because the peer died */
};

static struct ev *ev;
static size_t nev;
static int malformed;

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

/* Split LINE into its 10 fields, or return false. */
static bool split(char *line, char *f[10])
{
	int k = 0;

	while (k < 10 && line)
		f[k++] = strsep(&line, "\t");
	return k == 10 && line == NULL;
}

/* INFO's facts: key=value words, and last data="...", which may hold
 * spaces (or what looks like a key). */
static void parse_info(struct ev *e, char *info)
{
	char *data = strstr(info, "data=\""), *save, *w;

	if (data) {
		e->data = data + 5;
		*data = '\0';
	}
	for (w = strtok_r(info, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (!strncmp(w, "local=", 6))
			e->local = w + 6;
		else if (!strncmp(w, "peer=", 5))
			e->peer = w + 5;
		else if (!strncmp(w, "fds=", 4))
			e->fds = w + 4;
		else if (!strncmp(w, "addrs=", 6))
			e->addrs = w + 6;
	}
}

/* The kind of the record in LINE, split into F; -1: a malformed line. */
static int kind_of(char *line, char *f[10])
{
	static const char *const kinds[] = { "call", "begin", "end", "exec", "exit" };

	if (!split(line, f) || !isdigit((unsigned char)f[0][0]) || atoi(f[1]) <= 0)
		return -1;
	for (int k = 0; k < 5; k++)
		if (!strcmp(f[3], kinds[k]))
			return k;
	return -1;
}

/* The record of fields F, of kind KIND, the ORDERth in the file. */
static void add_record(char *f[10], int kind, int order)
{
	struct ev e = { .order = order, .partner = -1, .sock = -1,
	                .newsock = -1, .from = -1, .proc = -1 };
	const char *r = f[8];

	e.kind = (enum kind)kind;
	e.t = strtod(f[0], NULL);
	e.pid = atoi(f[1]);
	e.prog = f[2];
	e.call = f[4];
	e.fd = strcmp(f[5], "-") ? atoi(f[5]) : -1;
	e.args = f[6];
	e.addr = f[7];
	e.result = f[8];
	parse_info(&e, f[9]);
	if (isdigit((unsigned char)r[0]) || (r[0] == '-' && isdigit((unsigned char)r[1]))) {
		e.ret_known = true;
		e.ret = strtoll(r, NULL, 10);
		if (e.ret < 0)
			e.err = strchr(r, ' ') ? strchr(r, ' ') + 1 : "?";
	}
	e.is_send = e.kind == K_CALL && is_one_of(e.call, send_calls);
	e.is_recv = e.kind == K_END && is_one_of(e.call, recv_calls);
	ev = grow(ev, nev, sizeof *ev);
	ev[nev++] = e;
}

/* Every record of IN; each line is kept, as its record's fields. */
static void read_records(FILE *in)
{
	char *line = NULL, *f[10];
	size_t cap = 0;
	ssize_t len;
	int order = 0, kind;

	while ((len = getline(&line, &cap, in)) > 0) {
		kind = -1;
		if (line[len - 1] == '\n') {  /* else a partial line: a writer was killed */
			line[len - 1] = '\0';
			kind = kind_of(line, f);
		}
		if (kind < 0) {
			malformed++;
			continue;
		}
		add_record(f, kind, order++);
		line = NULL;
		cap = 0;
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
	int *evs;                /* its events, in time order */
	size_t nevs;
	int *socks;              /* fd -> the sock it is now, -1: none */
	size_t nfds;
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
	procs = grow(procs, nprocs, sizeof *procs);
	procs[nprocs] = (struct proc){ .pid = pid, .col = -1 };
	return (int)nprocs++;
}

static void build_procs(void)
{
	for (size_t i = 0; i < nev; i++) {
		struct ev *e = &ev[i];
		struct proc *p;

		e->proc = proc_of(e->pid);
		p = &procs[e->proc];
		p->evs = grow(p->evs, p->nevs, sizeof *p->evs);
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

static void add_column(int proc)
{
	procs[proc].col = ncols;
	col_proc[ncols++] = proc;
}

/* Which processes get a column, in which order: those -o names, or else
 * the servers, then the rest, each by first appearance. */
static void choose_columns(void)
{
	col_proc = need(malloc((nprocs + 1) * sizeof *col_proc));
	for (size_t k = 0; k < nonly; k++)
		for (size_t i = 0; i < nprocs; i++)
			if (procs[i].col < 0 && !strcmp(procs[i].name, only[k]))
				add_column((int)i);
	for (int servers = 1; servers >= 0 && nonly == 0; servers--)
		for (size_t i = 0; i < nprocs; i++)   /* procs: by first appearance */
			if (procs[i].socket_calls && procs[i].server == servers)
				add_column((int)i);
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

static int new_sock(int type, int owner)
{
	socks = grow(socks, nsocks, sizeof *socks);
	socks[nsocks] = (struct sock){ .type = type, .conn = -1, .owner = owner };
	return (int)nsocks++;
}

/* Where process PROC keeps which sock its fd FD (>= 0) is now. */
static int *fd_sock(int proc, int fd)
{
	struct proc *p = &procs[proc];
	static int none;

	if (fd >= 1 << 20) {     /* no fd is that high: a damaged record */
		none = -1;
		return &none;
	}
	while (p->nfds <= (size_t)fd) {
		p->socks = grow(p->socks, p->nfds, sizeof *p->socks);
		p->socks[p->nfds++] = -1;
	}
	return &p->socks[fd];
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
		*fd_sock(e->proc, (int)e->ret) = e->sock;
		return true;
	}
	if (!strcmp(e->call, "socketpair")) {
		if (e->ret == 0 && e->fds && sscanf(e->fds, "%d,%d", &a, &b) == 2
		    && a >= 0 && b >= 0) {
			e->sock = new_sock(type, e->proc);
			*fd_sock(e->proc, a) = e->sock;
			*fd_sock(e->proc, b) = new_sock(type, e->proc);
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
		e->sock = *fd_sock(e->proc, e->fd);
		if (e->sock < 0) {
			/* a socket we did not see made (inherited): guess its
			 * type from what is done with it */
			e->sock = new_sock(is_call(e, "sendto", "recvfrom")
			                   && strcmp(e->addr, "-") ? 2 : 0, e->proc);
			*fd_sock(e->proc, e->fd) = e->sock;
		}
		if (e->kind == K_END && is_call(e, "accept", "accept4")
		    && e->ret_known && e->ret >= 0) {
			e->newsock = new_sock(1, e->proc);
			socks[e->newsock].peer = e->peer;
			*fd_sock(e->proc, (int)e->ret) = e->newsock;
		}
		if (e->kind == K_END && is_call(e, "connect", NULL))
			socks[e->sock].peer = !strcmp(e->addr, "AF_UNSPEC") ? NULL
			                      : e->peer ? e->peer
			                      : e->ret == 0 ? e->addr : socks[e->sock].peer;
		if (is_call(e, "close", NULL) && e->ret == 0)
			*fd_sock(e->proc, e->fd) = -1;
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
	double start = c->partner >= 0 ? ev[c->partner].t : c->t;

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
	bool *used = need(calloc(nev + 1, sizeof *used));

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

/* The sends on a socket, in order, with the stream offset each starts at. */
struct sends {
	struct send {
		int ev;
		long long start;
	} *s;
	size_t n;
};

static struct sends sends_on(int sock)
{
	struct sends out = { NULL, 0 };
	long long off = 0;

	for (size_t i = 0; i < nev; i++) {
		if (ev[i].sock != sock || !ev[i].is_send || ev[i].ret <= 0)
			continue;
		out.s = grow(out.s, out.n, sizeof *out.s);
		out.s[out.n++] = (struct send){ (int)i, off };
		off += ev[i].ret;
	}
	return out;
}

/* Receive E got the bytes at offsets ROFF.. of the stream: the sends that
 * cover them (from *SI on) are its arrow's source. */
static void data_arrow(struct ev *e, const struct sends *s, size_t *si,
                       long long roff)
{
	long long last = roff + e->ret - 1;
	size_t last_i;

	while (*si + 1 < s->n && s->s[*si + 1].start <= roff)
		(*si)++;
	if (s->n == 0 || s->s[*si].start > roff)
		return;     /* sent by someone untraced */
	for (last_i = *si; last_i + 1 < s->n && s->s[last_i + 1].start <= last;)
		last_i++;
	e->from = s->s[*si].ev;
	e->arrow = A_DATA;
	e->arrow_sends = (int)(last_i - *si + 1);
}

/* Receive E on the peer of socket S returned 0: end of file, from S's
 * shutdown (not SHUT_RD) or close after its last send, or from its
 * process's death. */
static void eof_arrow(struct ev *e, int s, const struct sends *sent)
{
	double after = sent->n ? ev[sent->s[sent->n - 1].ev].t : 0;
	struct proc *o = &procs[socks[s].owner];

	for (size_t k = 0; k < nev; k++) {
		struct ev *c = &ev[k];
		const char *how = strrchr(c->args, ' ');

		if (c->sock != s || c->t < after || c->t > e->t)
			continue;
		if ((is_call(c, "shutdown", NULL) && how && strcmp(how, " SHUT_RD"))
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
			if (e->ret > 0) {
				data_arrow(e, &sent, &si, roff);
				roff += e->ret;
			} else if (e->ret == 0) {
				eof_arrow(e, (int)s, &sent);
			}
		}
		free(sent.s);
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
	bool *used = need(calloc(nev + 1, sizeof *used));

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

/* TEXT as shown (TEXT freed): under -n, ports named.  A port is the
 * number after the ':' of an address ("127.0.0.1:44006", "[::1]:44006"),
 * and any word that is a port already named (a command line's "127.0.0.1
 * 44006"). */
static char *show(char *text)
{
	char *out;
	size_t len;
	FILE *f;

	if (!normalise)
		return text;
	f = need(open_memstream(&out, &len));
	for (const char *s = text; *s;) {
		size_t k = strspn(s, "0123456789");
		char before = s > text ? s[-1] : ' ';
		const char *name = NULL;

		if (k && !isalnum((unsigned char)before) && before != '.'
		    && !isalnum((unsigned char)s[k]) && (!s[k] || !strchr(".:]", s[k]))) {
			bool addr = before == ':' && s - text >= 2
			            && (isdigit((unsigned char)s[-2]) || s[-2] == ']');

			name = port_name(s, k, addr);
		}
		if (name)
			fputs(name, f);
		else
			fwrite(s, 1, k ? k : 1, f);   /* a number is copied whole */
		s += k ? k : 1;
	}
	fclose(f);
	free(text);
	return out;
}

/* What a receive got: the data, end of file, a datagram's source. */
static void recv_result(FILE *f, const struct ev *e)
{
	bool dgram = e->sock >= 0 && socks[e->sock].type == 2;

	if (e->data)
		fprintf(f, " %s", e->data);
	if (e->ret == 0 && !dgram)
		fputs(" (end of file)", f);
	if (strcmp(e->addr, "-") && dgram)
		fprintf(f, " from %s", e->addr);
}

/* " = " and the result of call E, as it means something. */
static void call_result(FILE *f, const struct ev *e)
{
	if (is_call(e, "freeaddrinfo", NULL))
		return;
	fputs(" = ", f);
	if (is_call(e, "socketpair", NULL) && e->fds)
		fprintf(f, "[%s]", e->fds);
	else if (is_call(e, "getaddrinfo", NULL) && e->addrs)
		fputs(e->addrs, f);
	else if (e->ret_known && e->ret >= 0 && is_call(e, "getsockname", "getpeername"))
		fputs(e->addr, f);
	else {
		fputs(e->result, f);
		if (e->ret_known && e->ret < 0)
			return;
	}
	if (is_call(e, "bind", NULL) && e->local && strcmp(e->local, e->addr))
		fprintf(f, ", bound to %s", e->local);
	if (is_call(e, "accept", "accept4") && e->peer
	    && strcmp(e->peer, "unix:(unnamed)"))
		fprintf(f, " from %s", e->peer);
	if (is_call(e, "poll", "ppoll") && e->ret == 0)
		fputs(" (timed out)", f);
	if (e->is_recv)
		recv_result(f, e);
	if (e->lost)
		fputs(" (no traced process received it)", f);
}

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

/* Is E an end drawn on one row with its begin? */
static bool merged(const struct ev *e)
{
	return e->kind == K_END && e->partner >= 0 && quick(&ev[e->partner]);
}

/* The text of E's row: the whole call, or where one that waits starts
 * ("... ") or returns; an end drawn with its begin is the whole call (an
 * end keeps its begin's arguments). */
static char *event_text(const struct ev *e)
{
	char *text;
	size_t len;
	FILE *f = need(open_memstream(&text, &len));

	if (e->kind == K_EXEC) {
		/* the command line, its program by its name alone */
		size_t n = strcspn(e->args, " ");
		const char *name = e->args + n;

		while (name > e->args && name[-1] != '/')
			name--;
		fprintf(f, "$ %s", name);
	} else if (e->kind == K_EXIT) {
		fprintf(f, "exit(%s)", e->result);
	} else if (e->kind == K_END && !merged(e)) {
		fputs(e->call, f);
		call_result(f, e);
	} else {
		fprintf(f, "%s(%s)", e->call, e->args);
		if (e->kind == K_BEGIN)
			fputs(" ...", f);
		else
			call_result(f, e);
	}
	fclose(f);
	return show(text);
}

static char *arrow_label(const struct ev *e)
{
	char *text;
	size_t len;
	FILE *f = need(open_memstream(&text, &len));

	if (e->arrow == A_CONNECT)
		fputs("connect", f);
	else if (e->arrow == A_EOF)
		fputs(e->eof_death ? "end of file: the process died" : "end of file", f);
	else
		fprintf(f, "%s%lld bytes", e->arrow == A_DGRAM ? "datagram, " : "", e->ret);
	if (e->arrow == A_DATA && e->arrow_sends > 1)
		fprintf(f, " (from %d sends)", e->arrow_sends);
	if ((e->arrow == A_DATA || e->arrow == A_DGRAM) && e->data)
		fprintf(f, " %s", e->data);
	fclose(f);
	return text;
}

/* Events of shown processes, in time order. */
static int *order;
static size_t norder;

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
	linebuf = need(realloc(linebuf, (size_t)linelen + 1));
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
static void draw_event(const struct ev *e, double t0)
{
	int col = procs[e->proc].col;
	static const char marks[] = { [K_CALL] = '*', [K_BEGIN] = '>',
	                              [K_END] = '<', [K_EXEC] = '+', [K_EXIT] = 'x' };
	char tbuf[32], *text;

	snprintf(tbuf, sizeof tbuf, "%10.6f", e->t - t0);
	if (state[col] == 0)
		state[col] = 1;
	if (has_arrow(e)) {
		char *label = arrow_label(e);

		arrow_row(procs[ev[e->from].proc].col, col, e->arrow, label);
		free(label);
	}
	if (e->kind == K_END)
		state[col] = 1;
	text = event_text(e);
	row(col, merged(e) ? '*' : marks[e->kind], text, normalise ? NULL : tbuf);
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
			char *t = event_text(&ev[last_begin]);

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
	margin = normalise ? 0 : 11;
	colw = (width - margin) / ncols;
	if (colw < 24)
		colw = 24;
	draw_header();
	state = need(calloc((size_t)ncols, sizeof *state));
	for (size_t k = 0; k < norder; k++)
		draw_event(&ev[order[k]], ev[order[0]].t);
	free(state);
	state = NULL;
	grid_start();
	grid_out();
	draw_endings();
}

/* ---- Mermaid ------------------------------------------------------------ */

/* Mermaid's escapes for what would end or start markup. */
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
	putchar('\n');
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
}

static void mm_arrow(const struct ev *e, int col)
{
	char *label = arrow_label(e);
	const char *style = e->arrow == A_CONNECT ? "-)"
	                    : e->arrow == A_EOF ? "--)" : "->>";

	printf("    P%d%sP%d: ", procs[ev[e->from].proc].col + 1, style, col + 1);
	mm_text(label);
	free(label);
}

/* A call that waits activates its column until it returns. */
static void draw_mermaid(void)
{
	bool *active = need(calloc((size_t)ncols, sizeof *active));

	printf("sequenceDiagram\n");
	for (int c = 0; c < ncols; c++) {
		struct proc *p = &procs[col_proc[c]];

		printf("    participant P%d as %s", c + 1, p->name);
		printf(normalise ? "\n" : " (pid %d)\n", p->pid);
	}
	for (size_t k = 0; k < norder; k++) {
		struct ev *e = &ev[order[k]];
		int col = procs[e->proc].col;
		char *text;

		if (has_arrow(e))
			mm_arrow(e, col);
		if (e->kind == K_END && active[col] && !merged(e)) {
			printf("    deactivate P%d\n", col + 1);
			active[col] = false;
		}
		text = event_text(e);
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
	        "[-o NAME,...] FILE\n");
	exit(2);
}

/* The options; the record file to read. */
static FILE *parse_options(int argc, char **argv)
{
	FILE *in;
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
				only = grow(only, nonly, sizeof *only);
				only[nonly++] = tok;
			}
		else
			usage();
	}
	if (argc - optind != 1)
		usage();
	if ((in = fopen(argv[optind], "r")) == NULL) {
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
	order = need(malloc((nev + 1) * sizeof *order));
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
