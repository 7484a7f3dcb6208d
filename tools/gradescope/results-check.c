/*
 * results-check.c - validate a Gradescope results.json, as `make test
 * RESULTS=file` writes it, against Gradescope's documented format
 * (https://gradescope-autograders.readthedocs.io/en/latest/specs/,
 * "Output format") and against the grader's own contract.
 *
 * Usage: results-check [--full] [--list FILE] [-q] RESULTS.json
 *
 *   --full       every test passed with full points, the top-level score
 *                is the sum of max_score (the reference solutions' run)
 *   --list FILE  FILE is the graders' --list output ("NN  name  points
 *                what"): each lab appears either as all of its tests,
 *                each exactly once with its table's points, or as one
 *                lab-level entry ("lab NN builds", "lab NN is missing")
 *                worth 100 points; nothing else appears
 *   -q           print nothing when it validates
 *
 * The Gradescope format: a JSON object (strict RFC 8259, UTF-8) with
 *   score (number; required unless every test has one), execution_time
 *   (number), output (string), output_format, test_output_format,
 *   test_name_format (text | simple_format | html | md | ansi),
 *   visibility, stdout_visibility (hidden | after_due_date |
 *   after_published | visible), extra_data (object), tests (array),
 *   leaderboard (array of {name, value, order?})
 * and each test an object with
 *   score, max_score (numbers), status (passed | failed), name,
 *   name_format, number, output, output_format, tags (array of strings),
 *   visibility, extra_data.
 * Unknown keys are errors here (Gradescope ignores them: a typo would
 * silently lose a setting).  The grader's contract adds: every test has
 * name, number, score, max_score, status and output; 0 <= score <=
 * max_score; status is "passed" exactly when score == max_score; numbers
 * are unique; the top-level score is the sum of the tests' scores (when
 * no test was skipped; with skips it is scaled so that the runnable tests
 * carry the lab's points, and lies between the sum and the total).
 *
 * Exit status: 0 valid, 1 not valid (each problem on stderr), 2 usage.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small strict JSON parser ------------------------------------------ */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	double num;
	bool boolean;
	char *str;              /* J_STR: UTF-8, NUL-free by construction */
	size_t n;               /* J_ARR, J_OBJ: element count */
	struct jval **items;    /* elements, or object values */
	char **keys;            /* J_OBJ */
};

static const char *src, *pos, *parse_error;
static int errors;

static void problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "results-check: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	errors++;
}

static void ws(void)
{
	while (*pos == ' ' || *pos == '\t' || *pos == '\n' || *pos == '\r')
		pos++;
}

static struct jval *fail_at(const char *what)
{
	if (parse_error == NULL)
		parse_error = what;
	return NULL;
}

static void put_utf8(char **o, unsigned long cp)
{
	unsigned char *p = (unsigned char *)*o;

	if (cp < 0x80) {
		*p++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*p++ = (unsigned char)(0xc0 | (cp >> 6));
		*p++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*p++ = (unsigned char)(0xe0 | (cp >> 12));
		*p++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*p++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*p++ = (unsigned char)(0xf0 | (cp >> 18));
		*p++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		*p++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*p++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o = (char *)p;
}

/* Length of the valid UTF-8 sequence at s, 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
			return 0;       /* overlong, surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80
		    || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

static int hex4(const char *p, unsigned long *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9') *v |= (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f') *v |= (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') *v |= (unsigned long)(c - 'A' + 10);
		else return -1;
	}
	return 0;
}

static char *parse_string(void)
{
	char *out, *o;
	const char *p = pos + 1;

	if (*pos != '"')
		return (char *)fail_at("a string expected");
	out = o = malloc(strlen(pos) + 1);
	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			break;
		if (c == '\0') {
			free(out);
			return (char *)fail_at("a string is not closed");
		}
		if (c < 0x20) {
			free(out);
			return (char *)fail_at("a raw control character in a string "
			                       "(must be escaped)");
		}
		if (c == '\\') {
			unsigned long cp, lo;

			p++;
			switch (*p) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u':
				if (hex4(p + 1, &cp) < 0)
					goto bad_escape;
				p += 4;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (p[1] != '\\' || p[2] != 'u' || hex4(p + 3, &lo) < 0
					    || lo < 0xdc00 || lo > 0xdfff)
						goto bad_escape;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					goto bad_escape;
				}
				if (cp == 0)
					goto bad_escape;    /* a NUL would cut the text */
				put_utf8(&o, cp);
				break;
			default:
				goto bad_escape;
			}
			p++;
			continue;
		}
		int len = utf8_len((const unsigned char *)p);

		if (len == 0) {
			free(out);
			return (char *)fail_at("a string is not valid UTF-8");
		}
		memcpy(o, p, (size_t)len);
		o += len;
		p += len;
	}
	*o = '\0';
	pos = p + 1;
	return out;
bad_escape:
	free(out);
	return (char *)fail_at("a bad escape in a string");
}

static struct jval *parse_value(int depth);

static struct jval *new_val(enum jtype t)
{
	struct jval *v = calloc(1, sizeof *v);

	v->type = t;
	return v;
}

static void push(struct jval *v, char *key, struct jval *item)
{
	v->items = realloc(v->items, (v->n + 1) * sizeof *v->items);
	v->items[v->n] = item;
	if (v->type == J_OBJ) {
		v->keys = realloc(v->keys, (v->n + 1) * sizeof *v->keys);
		v->keys[v->n] = key;
	}
	v->n++;
}

static struct jval *parse_number(void)
{
	const char *p = pos;
	struct jval *v;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return fail_at("a value expected");
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail_at("a bad number");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return fail_at("a bad number");
		while (*p >= '0' && *p <= '9')
			p++;
	}
	v = new_val(J_NUM);
	v->num = strtod(pos, NULL);
	pos = p;
	return v;
}

static struct jval *parse_value(int depth)
{
	struct jval *v;

	if (depth > 64)
		return fail_at("nested too deeply");
	ws();
	switch (*pos) {
	case '{':
		v = new_val(J_OBJ);
		pos++;
		ws();
		if (*pos == '}') {
			pos++;
			return v;
		}
		for (;;) {
			char *key;
			struct jval *item;

			ws();
			if ((key = parse_string()) == NULL)
				return fail_at("an object key (a string) expected");
			for (size_t i = 0; i < v->n; i++)
				if (strcmp(v->keys[i], key) == 0)
					return fail_at("a key appears twice in one object");
			ws();
			if (*pos++ != ':')
				return fail_at("':' expected after an object key");
			if ((item = parse_value(depth + 1)) == NULL)
				return NULL;
			push(v, key, item);
			ws();
			if (*pos == ',') { pos++; continue; }
			if (*pos == '}') { pos++; return v; }
			return fail_at("',' or '}' expected in an object");
		}
	case '[':
		v = new_val(J_ARR);
		pos++;
		ws();
		if (*pos == ']') {
			pos++;
			return v;
		}
		for (;;) {
			struct jval *item = parse_value(depth + 1);

			if (item == NULL)
				return NULL;
			push(v, NULL, item);
			ws();
			if (*pos == ',') { pos++; continue; }
			if (*pos == ']') { pos++; return v; }
			return fail_at("',' or ']' expected in an array");
		}
	case '"':
		v = new_val(J_STR);
		if ((v->str = parse_string()) == NULL)
			return NULL;
		return v;
	case 't':
		if (strncmp(pos, "true", 4) != 0)
			return fail_at("a value expected");
		pos += 4;
		v = new_val(J_BOOL);
		v->boolean = true;
		return v;
	case 'f':
		if (strncmp(pos, "false", 5) != 0)
			return fail_at("a value expected");
		pos += 5;
		return new_val(J_BOOL);
	case 'n':
		if (strncmp(pos, "null", 4) != 0)
			return fail_at("a value expected");
		pos += 4;
		return new_val(J_NULL);
	default:
		return parse_number();
	}
}

static struct jval *get(const struct jval *obj, const char *key)
{
	for (size_t i = 0; obj && obj->type == J_OBJ && i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return obj->items[i];
	return NULL;
}

/* ---- the Gradescope schema ----------------------------------------------- */

static const char *const formats[] = { "text", "simple_format", "html", "md",
	"ansi", NULL };
static const char *const visibilities[] = { "hidden", "after_due_date",
	"after_published", "visible", NULL };
static const char *const statuses[] = { "passed", "failed", NULL };

static const char *type_name(enum jtype t)
{
	static const char *const names[] = { "null", "a boolean", "a number",
		"a string", "an array", "an object" };
	return names[t];
}

static bool want_type(const char *where, const char *key,
                      const struct jval *v, enum jtype t)
{
	if (v->type == t)
		return true;
	problem("%s: \"%s\" must be %s, not %s", where, key, type_name(t),
	        type_name(v->type));
	return false;
}

static void want_enum(const char *where, const char *key,
                      const struct jval *v, const char *const *allowed)
{
	if (!want_type(where, key, v, J_STR))
		return;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(v->str, allowed[i]) == 0)
			return;
	problem("%s: \"%s\" is \"%s\", not one of Gradescope's values", where,
	        key, v->str);
}

static void check_test(const struct jval *t, const char *where)
{
	static const char *const required[] = { "name", "number", "score",
		"max_score", "status", "output", NULL };

	if (!want_type(where, "tests[]", t, J_OBJ))
		return;
	for (size_t i = 0; i < t->n; i++) {
		const char *k = t->keys[i];
		const struct jval *v = t->items[i];

		if (strcmp(k, "score") == 0 || strcmp(k, "max_score") == 0) {
			if (want_type(where, k, v, J_NUM) && (v->num < 0 || !isfinite(v->num)))
				problem("%s: \"%s\" is negative", where, k);
		} else if (strcmp(k, "status") == 0) {
			want_enum(where, k, v, statuses);
		} else if (strcmp(k, "name") == 0 || strcmp(k, "output") == 0) {
			want_type(where, k, v, J_STR);
		} else if (strcmp(k, "number") == 0) {
			if (v->type != J_STR && v->type != J_NUM)
				problem("%s: \"number\" must be a string such as \"1.1\"", where);
		} else if (strcmp(k, "name_format") == 0 || strcmp(k, "output_format") == 0) {
			want_enum(where, k, v, formats);
		} else if (strcmp(k, "visibility") == 0) {
			want_enum(where, k, v, visibilities);
		} else if (strcmp(k, "tags") == 0) {
			if (want_type(where, k, v, J_ARR))
				for (size_t j = 0; j < v->n; j++)
					want_type(where, "tags[]", v->items[j], J_STR);
		} else if (strcmp(k, "extra_data") == 0) {
			want_type(where, k, v, J_OBJ);
		} else {
			problem("%s: unknown key \"%s\"", where, k);
		}
	}
	for (int i = 0; required[i]; i++)
		if (get(t, required[i]) == NULL)
			problem("%s: no \"%s\" (the grader always writes it)", where,
			        required[i]);
}

static void check_top(const struct jval *top)
{
	if (top->type != J_OBJ) {
		problem("the top level must be an object, not %s", type_name(top->type));
		return;
	}
	for (size_t i = 0; i < top->n; i++) {
		const char *k = top->keys[i];
		const struct jval *v = top->items[i];

		if (strcmp(k, "score") == 0 || strcmp(k, "execution_time") == 0) {
			if (want_type("top level", k, v, J_NUM) && (v->num < 0 || !isfinite(v->num)))
				problem("top level: \"%s\" is negative", k);
		} else if (strcmp(k, "output") == 0) {
			want_type("top level", k, v, J_STR);
		} else if (strcmp(k, "output_format") == 0
		           || strcmp(k, "test_output_format") == 0
		           || strcmp(k, "test_name_format") == 0) {
			want_enum("top level", k, v, formats);
		} else if (strcmp(k, "visibility") == 0
		           || strcmp(k, "stdout_visibility") == 0) {
			want_enum("top level", k, v, visibilities);
		} else if (strcmp(k, "extra_data") == 0) {
			want_type("top level", k, v, J_OBJ);
		} else if (strcmp(k, "tests") == 0) {
			if (want_type("top level", k, v, J_ARR))
				for (size_t j = 0; j < v->n; j++) {
					char where[64];

					snprintf(where, sizeof where, "tests[%zu]", j);
					check_test(v->items[j], where);
				}
		} else if (strcmp(k, "leaderboard") == 0) {
			if (want_type("top level", k, v, J_ARR))
				for (size_t j = 0; j < v->n; j++) {
					const struct jval *e = v->items[j], *o;

					if (!want_type("leaderboard", "leaderboard[]", e, J_OBJ))
						continue;
					if (get(e, "name") == NULL || get(e, "value") == NULL)
						problem("leaderboard[%zu]: needs name and value", j);
					if ((o = get(e, "order")) != NULL && (o->type != J_STR
					    || (strcmp(o->str, "asc") && strcmp(o->str, "desc"))))
						problem("leaderboard[%zu]: order is asc or desc", j);
				}
		} else {
			problem("top level: unknown key \"%s\"", k);
		}
	}
}

/* ---- the grader's contract ----------------------------------------------- */

struct listed {
	char lab[3], name[128];
	int points, seen;
};

static struct listed *listed;
static size_t nlisted;

static void read_list(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof line, f)) {
		struct listed l = { 0 };

		if (sscanf(line, "%2[0-9] %127s %d", l.lab, l.name, &l.points) != 3
		    || strlen(l.lab) != 2) {
			fprintf(stderr, "results-check: %s: not a --list line: %s", path,
			        line);
			exit(2);
		}
		listed = realloc(listed, (nlisted + 1) * sizeof *listed);
		listed[nlisted++] = l;
	}
	fclose(f);
}

static double num_of(const struct jval *t, const char *key)
{
	const struct jval *v = get(t, key);

	return v && v->type == J_NUM ? v->num : 0;
}

static const char *str_of(const struct jval *t, const char *key)
{
	const struct jval *v = get(t, key);

	return v && v->type == J_STR ? v->str : "";
}

static void check_contract(const struct jval *top, bool full, bool quiet)
{
	const struct jval *tests = get(top, "tests"), *score = get(top, "score");
	double sum = 0, max = 0;
	bool skips = false, all_scored = true;

	if (tests == NULL || tests->type != J_ARR) {
		if (score == NULL)
			problem("neither a top-level score nor tests");
		if (tests == NULL)
			problem("no tests: the grader lists every test");
		return;
	}
	for (size_t i = 0; i < tests->n; i++) {
		const struct jval *t = tests->items[i];
		double s = num_of(t, "score"), m = num_of(t, "max_score");
		const char *status = str_of(t, "status"), *number = str_of(t, "number");
		/* A test this machine could not run (no ::1): 0/0, said so. */
		bool skipped = m == 0 && strncmp(str_of(t, "output"), "skipped", 7) == 0;

		if (t->type != J_OBJ)
			continue;
		if (get(t, "score") == NULL)
			all_scored = false;
		if (s > m)
			problem("test \"%s\": score %g above max_score %g", str_of(t, "name"),
			        s, m);
		if (*status && (strcmp(status, "passed") == 0) != (s == m))
			problem("test \"%s\": status \"%s\" with %g/%g", str_of(t, "name"),
			        status, s, m);
		if (m == 0)
			skips = true;
		if (*str_of(t, "name") == '\0')
			problem("tests[%zu]: an empty name", i);
		for (size_t j = 0; j < i && *number; j++)
			if (strcmp(number, str_of(tests->items[j], "number")) == 0)
				problem("test number \"%s\" appears twice", number);
		if (full && !skipped && (strcmp(status, "passed") != 0 || s != m || m == 0))
			problem("test %s \"%s\": %g/%g, %s (a full-marks run was expected)",
			        number, str_of(t, "name"), s, m, status);
		sum += s;
		max += m;
	}
	if (score == NULL && !all_scored)
		problem("no top-level score, and not every test has one");
	if (score && score->type == J_NUM) {
		if (!skips && fabs(score->num - sum) > 0.005)
			problem("top-level score %g is not the sum of the tests' scores, %g",
			        score->num, sum);
		if (skips && score->num + 0.005 < sum)
			problem("top-level score %g is below the sum of the tests' scores, %g",
			        score->num, sum);
		/* With skips the score is scaled up to the tables' total. */
		double full_marks = max;

		if (skips && nlisted) {
			full_marks = 0;
			for (size_t j = 0; j < nlisted; j++)
				full_marks += listed[j].points;
		}
		if (full && fabs(score->num - full_marks) > 0.005)
			problem("top-level score %g, not full marks (%g)", score->num,
			        full_marks);
	}

	/* --list: every lab's tests, each exactly once with its points, or
	 * one lab-level entry for a lab that did not build or is missing. */
	if (nlisted) {
		for (size_t i = 0; i < tests->n; i++) {
			const struct jval *t = tests->items[i];
			const char *number = str_of(t, "number"), *name = str_of(t, "name");
			bool found = false;

			for (size_t j = 0; j < nlisted; j++) {
				if (strncmp(number, listed[j].lab, 2) != 0 || number[2] != '.'
				    || strcmp(name, listed[j].name) != 0)
					continue;
				found = true;
				if (listed[j].seen++)
					problem("test %s %s appears twice", listed[j].lab, name);
				if (num_of(t, "max_score") != listed[j].points
				    && !(num_of(t, "max_score") == 0 && strncmp(str_of(t, "output"),
				         "skipped", 7) == 0))
					problem("test %s %s: max_score %g, the table says %d",
					        listed[j].lab, name, num_of(t, "max_score"),
					        listed[j].points);
			}
			if (!found && !(strncmp(name, "lab ", 4) == 0
			                && strncmp(name + 4, number, 2) == 0 && !full))
				problem("test %s \"%s\" is not in the tables", number, name);
		}
		for (size_t j = 0; j < nlisted; j++) {
			bool lab_entry = false;

			if (listed[j].seen)
				continue;
			for (size_t i = 0; i < tests->n; i++) {
				const char *name = str_of(tests->items[i], "name");

				if (strncmp(name, "lab ", 4) == 0
				    && strncmp(name + 4, listed[j].lab, 2) == 0)
					lab_entry = true;
			}
			if (!lab_entry || full)
				problem("test %s %s is missing", listed[j].lab, listed[j].name);
		}
	}
	if (errors == 0 && !quiet)
		printf("results.json valid: %zu tests, score %g of %g%s\n", tests->n,
		       score && score->type == J_NUM ? score->num : sum, max,
		       skips ? " (some tests skipped)" : "");
}

int main(int argc, char *argv[])
{
	bool full = false, quiet = false;
	const char *path = NULL;
	struct jval *top;
	FILE *f;
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--full") == 0)
			full = true;
		else if (strcmp(argv[i], "-q") == 0)
			quiet = true;
		else if (strcmp(argv[i], "--list") == 0 && i + 1 < argc)
			read_list(argv[++i]);
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			goto usage;
		else if (path == NULL)
			path = argv[i];
		else
			goto usage;
	}
	if (path == NULL)
		goto usage;
	if ((f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	n = getdelim(&text, &cap, '\0', f);
	if (n < 0) {
		fprintf(stderr, "results-check: %s is empty\n", path);
		return 1;
	}
	if ((size_t)n != strlen(text)) {
		fprintf(stderr, "results-check: %s holds a NUL byte\n", path);
		return 1;
	}
	src = pos = text;
	if (strncmp(pos, "\xef\xbb\xbf", 3) == 0) {
		fprintf(stderr, "results-check: %s starts with a byte order mark\n", path);
		return 1;
	}
	top = parse_value(0);
	if (top) {
		ws();
		if (*pos != '\0')
			top = fail_at("text after the JSON value");
	}
	if (top == NULL) {
		int line = 1;

		for (const char *p = src; p < pos; p++)
			line += *p == '\n';
		fprintf(stderr, "results-check: %s: not valid JSON, line %d: %s\n",
		        path, line, parse_error ? parse_error : "?");
		return 1;
	}
	check_top(top);
	check_contract(top, full, quiet);
	return errors ? 1 : 0;
usage:
	fprintf(stderr, "usage: results-check [--full] [--list FILE] [-q] "
	        "RESULTS.json\n");
	return 2;
}
