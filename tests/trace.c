/*
 * trace.c - reading the socket recorder's record of a program under test
 * (see trace.h; the format is described at the top of
 * tools/trace/record.c).
 */
#define _GNU_SOURCE     /* getdelim */
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS 10

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1     /* as in harness.c */
#else
#define SANITIZED 0
#endif

/* Split LINE at its TABs into F (FIELDS of them); false if it has not
 * exactly that many (a line cut short: the program was killed mid-write). */
static bool split_fields(char *line, char *f[FIELDS])
{
	int n = 0;

	for (char *c = line; n < FIELDS; n++) {
		f[n] = c;
		c = strchr(c, '\t');
		if (c == NULL)
			return n == FIELDS - 1;
		*c++ = '\0';
	}
	return false;
}

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

struct trace *trace_of(struct proc *p)
{
	struct trace *t = calloc(1, sizeof *t);
	int cap = 64, pending[32], npending = 0, lineno = 0;
	char *text = NULL;
	size_t size = 0;
	FILE *f;

	ck_assert_msg(p->trace_path != NULL, "harness: trace_of(%s): not run "
	              "with .trace = true", p->name);
	if (running(p))
		stop(p, ms(1000));
	t->p = p;
	t->calls = malloc(cap * sizeof *t->calls);
	f = fopen(p->trace_path, "r");
	if (f == NULL || getdelim(&text, &size, '\0', f) < 0)
		text = strdup("");
	if (f)
		fclose(f);

	for (char *line = text, *next; *line; line = next) {
		char *fl[FIELDS];
		struct trace_call *c;

		next = strchr(line, '\n');
		if (next == NULL)
			break;          /* a line counts once it is whole */
		*next++ = '\0';
		lineno++;
		/* P's own calls only: not those of children it forked */
		if (!split_fields(line, fl) || atoi(fl[1]) != p->pid)
			continue;
		if (is(fl[3], "end")) {
			/* the latest call still waiting with that name and fd */
			for (int k = npending - 1; k >= 0; k--) {
				c = &t->calls[pending[k]];
				if (!is(c->call, fl[4]) || c->fd != (is(fl[5], "-") ? -1 : atoi(fl[5])))
					continue;
				if (!is(fl[7], "-"))
					c->addr = fl[7];
				c->result = fl[8];
				c->info = fl[9];
				c->returned = true;
				memmove(&pending[k], &pending[k + 1],
				        (size_t)(npending - k - 1) * sizeof pending[0]);
				npending--;
				break;
			}
			continue;
		}
		if (t->n == cap)
			t->calls = realloc(t->calls, (size_t)(cap *= 2) * sizeof *t->calls);
		c = &t->calls[t->n];
		c->line = lineno;
		c->event = is(fl[3], "begin") ? "call" : fl[3];
		/* exec, exit and fork records have no call: name them */
		c->call = is(fl[4], "-") ? fl[3] : fl[4];
		c->fd = is(fl[5], "-") ? -1 : atoi(fl[5]);
		c->args = fl[6];
		c->addr = fl[7];
		c->result = fl[8];
		c->info = fl[9];
		c->returned = !is(fl[3], "begin");
		if (is(fl[3], "begin") && npending < 32)
			pending[npending++] = t->n;
		t->n++;
	}
	if (t->n == 0 && SANITIZED)
		skip("the socket recorder recorded nothing of the program in this "
		     "SANITIZE=1 build (a sanitizer runtime that refuses a "
		     "preloaded library?); make test without SANITIZE=1 runs this "
		     "test");
	if (t->n == 0)
		fail(p, "expected the socket recorder to record the %s's calls; "
		     "its record holds none: is the program a dynamic executable? "
		     "(the recorder is an LD_PRELOAD library)", p->name);
	return t;
}

bool trace_is(const struct trace *t, int i, const char *calls)
{
	const char *name = t->calls[i].call;
	size_t len = strlen(name);

	for (const char *w = calls; *w;) {
		size_t n = strcspn(w, " ");

		if (n == len && strncmp(w, name, n) == 0)
			return true;
		w += n;
		w += strspn(w, " ");
	}
	return false;
}

int trace_find(const struct trace *t, int from, const char *calls, int fd)
{
	for (int i = from < 0 ? 0 : from; i < t->n; i++)
		if ((fd < 0 || t->calls[i].fd == fd) && trace_is(t, i, calls))
			return i;
	return -1;
}

bool trace_ok(const struct trace *t, int i)
{
	return i >= 0 && i < t->n && t->calls[i].returned
	       && strncmp(t->calls[i].result, "-1", 2) != 0;
}

char *trace_info(const struct trace *t, int i, const char *key)
{
	size_t klen = strlen(key);
	const char *c = t->calls[i].info;

	while (*c) {
		const char *eq = strchr(c, '='), *v, *end;
		bool quoted;

		if (eq == NULL)
			break;
		v = eq + 1;
		quoted = *v == '"';
		if (quoted) {
			for (end = ++v; *end && *end != '"'; end++)
				if (*end == '\\' && end[1])
					end++;
		} else {
			end = v + strcspn(v, " ");
		}
		if ((size_t)(eq - c) == klen && strncmp(c, key, klen) == 0)
			return strndup(v, (size_t)(end - v));
		c = end + (quoted && *end == '"');
		c += strcspn(c, " ");   /* a preview's "..." */
		c += strspn(c, " ");
	}
	return NULL;
}

/* Calls whose ADDR field is what they returned, not what they were given. */
static bool addr_is_result(const char *call)
{
	static const char *const out[] = { "accept", "accept4", "recvfrom",
		"recvmsg", "recv", "read", "getsockname", "getpeername",
		"getaddrinfo", NULL };

	for (int k = 0; out[k]; k++)
		if (is(call, out[k]))
			return true;
	return false;
}

const char *trace_text(const struct trace *t, int i)
{
	static char buf[4][400];
	static int next;
	char *b = buf[next++ % 4], *data;
	const struct trace_call *c = &t->calls[i];
	size_t used;
	bool out = addr_is_result(c->call), any = false;

	if (is(c->event, "exec"))
		return snprintf(b, sizeof buf[0], "$ %s", c->args), b;
	if (is(c->event, "exit"))
		return snprintf(b, sizeof buf[0], "exit(%s)", c->result), b;
	if (is(c->event, "fork"))
		return snprintf(b, sizeof buf[0], "forked (%s)", c->info), b;
	if (is(c->event, "run"))
		return snprintf(b, sizeof buf[0], "%s(%d, ...), summarised: %s",
		                c->call, c->fd, c->args), b;
	used = (size_t)snprintf(b, sizeof buf[0], "%s(", c->call);
#define ADD(...) (used += (size_t)snprintf(b + used, used < sizeof buf[0] \
                  ? sizeof buf[0] - used : 0, __VA_ARGS__))
	if (c->fd >= 0 && !is(c->call, "socket") && !is(c->call, "socketpair"))
		ADD("%d", c->fd), any = true;
	if (!is(c->args, "-"))
		ADD("%s%s", any ? ", " : "", c->args), any = true;
	if (!out && !is(c->addr, "-"))
		ADD("%s%s", any ? ", " : "", c->addr);
	if (!c->returned)
		ADD(") ... still waiting when the test stopped the program");
	else if (!is(c->result, "-"))
		ADD(") = %s", c->result);
	else
		ADD(")");
	if (c->returned && out && !is(c->addr, "-"))
		ADD(is(c->call, "accept") || is(c->call, "accept4")
		    || is(c->call, "getaddrinfo") || is(c->call, "getsockname")
		    || is(c->call, "getpeername") ? ", %s" : " from %s", c->addr);
	if ((data = trace_info(t, i, "data")) != NULL) {
		ADD(" \"%.24s%s\"", data, strlen(data) > 24 ? "..." : "");
		free(data);
	}
#undef ADD
	return b;
}

char *trace_excerpt(const struct trace *t, int at, int max)
{
	int first = at < 0 ? 0 : at - max + 3, last;
	size_t size = 256 + (size_t)max * 170, used;
	char *out = malloc(size);

	if (first < 0)
		first = 0;
	last = first + max < t->n ? first + max : t->n;
	used = (size_t)snprintf(out, size, "  the %s's calls, as the recorder "
	                        "saw them:", t->p->name);
	if (first > 0)
		used += (size_t)snprintf(out + used, size - used, "\n       ...");
	for (int i = first; i < last && used < size; i++) {
		const char *text = trace_text(t, i);

		used += (size_t)snprintf(out + used, size - used, "\n    %s %.150s%s",
		                         i == at ? "->" : "  ", text,
		                         strlen(text) > 150 ? "..." : "");
	}
	if (last < t->n && used < size)
		snprintf(out + used, size - used, "\n       ...");
	return out;
}
