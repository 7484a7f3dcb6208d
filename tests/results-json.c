/*
 * results-json.c - the grader's Gradescope output (results-json.h).
 * Students' programs put any bytes into the failure messages; Gradescope
 * rejects a whole results.json over one byte that is not UTF-8 or one raw
 * control character, and the student would then see no score at all.
 */
#include "results-json.h"

/* The length of the valid UTF-8 sequence at S (2-4), or 0 if none
 * (S[0] is not ASCII).  A sequence cut by the end of the string stops at
 * its NUL, which is no continuation byte. */
static size_t utf8_length(const unsigned char *s)
{
	size_t n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2
	         : s[0] >= 0xe0 && s[0] <= 0xef ? 3
	         : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0)      /* overlong */
	    || (n == 3 && s[0] == 0xed && s[1] >= 0xa0)  /* surrogate */
	    || (n == 4 && s[0] == 0xf0 && s[1] < 0x90)   /* overlong */
	    || (n == 4 && s[0] == 0xf4 && s[1] >= 0x90)) /* past U+10FFFF */
		return 0;
	return n;
}

void results_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	while (*s) {
		const unsigned char *c = (const unsigned char *)s;
		size_t n;

		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else if (*c < 32)       /* tabs, terminal escapes: visible */
			fprintf(f, "\\u%04x", *c);
		else if (*c < 0x80)
			fputc(*c, f);
		else if ((n = utf8_length(c)) > 0) {
			fwrite(s, 1, n, f);
			s += n;
			continue;
		} else          /* a stray byte: U+FFFD, as a terminal shows it */
			fputs("\\ufffd", f);
		s++;
	}
	fputc('"', f);
}

void results_json_test(FILE *f, const struct json_result *r)
{
	fprintf(f, "{\"name\": ");
	results_json_string(f, r->name);
	fprintf(f, ", \"number\": \"%.2s.%02zu\", \"score\": %d, "
	        "\"max_score\": %d, \"status\": \"%s\", \"tags\": [\"lab%.2s\"], "
	        "\"visibility\": \"visible\", \"output\": ", r->lab, r->number,
	        r->score, r->max_score,
	        r->score == r->max_score ? "passed" : "failed", r->lab);
	results_json_string(f, r->output);
	fprintf(f, "}\n");
	fflush(f);
}
