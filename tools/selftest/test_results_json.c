/*
 * test_results_json.c - unit tests of the grader's Gradescope writer
 * (tests/results-json.c), run by `make check`.
 *
 * What reaches results.json from a test's output is whatever a student's
 * program printed: these feed the writer such bytes and compare its exact
 * text, then check over many random strings that the result is always one
 * well-formed JSON string of valid UTF-8 (Gradescope refuses the whole
 * file otherwise, and the student sees no score).
 */
#define _GNU_SOURCE     /* open_memstream */
#include "results-json.h"

#include <check.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the writer writes, as a string (allocated): R's test object, or
 * with no R, S as a JSON string. */
static char *written(const struct json_result *r, const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	if (r != NULL)
		results_json_test(f, r);
	else
		results_json_string(f, s);
	fclose(f);
	return text;
}

static char *json_of(const char *s)
{
	return written(NULL, s);
}

#define EXPECT_JSON(input, expected) do {                                  \
		char *got_ = json_of(input);                               \
		ck_assert_str_eq(got_, expected);                          \
		free(got_);                                                \
	} while (0)

static void expect_test_object(const struct json_result *r, const char *expected)
{
	char *got = written(r, NULL);

	ck_assert_str_eq(got, expected);
	free(got);
}

START_TEST(a_passed_test_is_one_line_with_every_field_gradescope_shows)
{
	struct json_result r = { "01-unix-stream", 3, "stale_socket_is_replaced",
		10, 10, "the server replaced it" };

	expect_test_object(&r, "{\"name\": \"stale_socket_is_replaced\", "
	                   "\"number\": \"01.03\", \"score\": 10, \"max_score\": 10, "
	                   "\"status\": \"passed\", \"tags\": [\"lab01\"], "
	                   "\"visibility\": \"visible\", "
	                   "\"output\": \"the server replaced it\"}\n");
}
END_TEST

START_TEST(a_failed_test_scores_0_of_its_points)
{
	struct json_result r = { "04-ipv6", 12, "v6only", 0, 15,
		"expected \"::1\", got nothing\n  look at: TODO 3" };

	expect_test_object(&r, "{\"name\": \"v6only\", \"number\": \"04.12\", "
	                   "\"score\": 0, \"max_score\": 15, \"status\": \"failed\", "
	                   "\"tags\": [\"lab04\"], \"visibility\": \"visible\", "
	                   "\"output\": \"expected \\\"::1\\\", got nothing\\n"
	                   "  look at: TODO 3\"}\n");
}
END_TEST

/* A test this machine cannot run (no ::1) leaves the total: 0 of 0,
 * which Gradescope shows as passed, with the reason. */
START_TEST(a_skipped_test_scores_0_of_0_and_says_why)
{
	struct json_result r = { "04-ipv6", 1, "loopback", 0, 0,
		"skipped: this machine has no ::1" };

	expect_test_object(&r, "{\"name\": \"loopback\", \"number\": \"04.01\", "
	                   "\"score\": 0, \"max_score\": 0, \"status\": \"passed\", "
	                   "\"tags\": [\"lab04\"], \"visibility\": \"visible\", "
	                   "\"output\": \"skipped: this machine has no ::1\"}\n");
}
END_TEST

START_TEST(quotes_and_backslashes_are_escaped)
{
	EXPECT_JSON("say \"hi\"", "\"say \\\"hi\\\"\"");
	EXPECT_JSON("C:\\dir\\", "\"C:\\\\dir\\\\\"");
	EXPECT_JSON("\\\"", "\"\\\\\\\"\"");
	EXPECT_JSON("", "\"\"");
	EXPECT_JSON("/ ' < > &", "\"/ ' < > &\"");
}
END_TEST

START_TEST(control_characters_are_escaped)
{
	EXPECT_JSON("a\nb", "\"a\\nb\"");
	EXPECT_JSON("a\tb\rc", "\"a\\u0009b\\u000dc\"");
	EXPECT_JSON("\x01\x08\x0b\x0c\x1f", "\"\\u0001\\u0008\\u000b\\u000c\\u001f\"");
	EXPECT_JSON("del\x7f", "\"del\x7f\"");  /* DEL is no JSON control */
}
END_TEST

/* A program's colours or cursor moves reach the student as text. */
START_TEST(terminal_escapes_become_visible_text)
{
	EXPECT_JSON("\033[31mred\033[0m", "\"\\u001b[31mred\\u001b[0m\"");
	EXPECT_JSON("\033]0;title\007", "\"\\u001b]0;title\\u0007\"");
}
END_TEST

START_TEST(valid_utf8_is_kept_as_it_is)
{
	EXPECT_JSON("caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5 \xf0\x9f\x98\x80",
	            "\"caf\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5 \xf0\x9f\x98\x80\"");
	/* the extremes: U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF */
	EXPECT_JSON("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
	            "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");
}
END_TEST

/* Each byte that starts no valid sequence becomes one U+FFFD; the bytes
 * after it are read afresh. */
START_TEST(invalid_utf8_becomes_replacement_characters)
{
	EXPECT_JSON("a\xff" "b", "\"a\\ufffdb\"");
	EXPECT_JSON("\x80", "\"\\ufffd\"");                    /* continuation */
	EXPECT_JSON("\xc0\xaf", "\"\\ufffd\\ufffd\"");         /* overlong '/' */
	EXPECT_JSON("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* overlong */
	EXPECT_JSON("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	EXPECT_JSON("\xf0\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	EXPECT_JSON("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	EXPECT_JSON("\xf5\x80\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* no such lead */
	EXPECT_JSON("\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* a character cut by the end of the text (a message cut short) */
	EXPECT_JSON("ok \xe2\x82", "\"ok \\ufffd\\ufffd\"");
	EXPECT_JSON("\xc3" "A", "\"\\ufffdA\"");
}
END_TEST

START_TEST(very_long_text_is_written_whole)
{
	size_t n = 1 << 20;
	char *s = malloc(n + 1), *got;

	memset(s, 'x', n);
	s[n] = '\0';
	s[0] = '"';
	s[n - 1] = '\xff';
	got = json_of(s);
	/* one byte for each x, two for the quote, six for the stray byte */
	ck_assert_uint_eq(strlen(got), 1 + 2 + (n - 2) + 6 + 1);
	ck_assert(strncmp(got, "\"\\\"xxx", 6) == 0);
	ck_assert_str_eq(got + strlen(got) - 9, "xx\\ufffd\"");
	free(got);
	free(s);
}
END_TEST

/* ---- every string, well formed ------------------------------------------- */

/* Is TEXT valid UTF-8 by iconv (which lets UTF-8 past U+10FFFF pass: the
 * lead bytes above 0xf4 are checked apart)? */
static int valid_utf8(const char *text)
{
	iconv_t cd = iconv_open("UTF-8", "UTF-8");
	char out[8192], *in = (char *)text, *o = out;
	size_t inleft = strlen(text), outleft = sizeof out;
	int ok;

	ck_assert(cd != (iconv_t)-1);
	ok = iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1 && inleft == 0;
	iconv_close(cd);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p >= 0xf5 || (p[0] == 0xf4 && p[1] >= 0x90))
			ok = 0;
	return ok;
}

/* TEXT is one JSON string: quoted, no raw control byte, no quote inside
 * that is not escaped, every escape one JSON has. */
static void assert_one_json_string(const char *text, const char *input)
{
	size_t len = strlen(text);

	ck_assert_msg(len >= 2 && text[0] == '"' && text[len - 1] == '"',
	              "not quoted: %s", text);
	for (size_t i = 1; i < len - 1; i++) {
		unsigned char c = (unsigned char)text[i];

		ck_assert_msg(c >= 0x20, "a raw control byte 0x%02x", c);
		ck_assert_msg(c != '"', "an unescaped quote in %s", text);
		if (c != '\\')
			continue;
		i++;
		ck_assert_msg(i < len - 1 && strchr("\"\\nu", text[i]) != NULL,
		              "a bad escape in %s", text);
		if (text[i] == 'u')
			i += 4;
	}
	ck_assert_msg(valid_utf8(text), "not valid UTF-8 for input of %zu bytes",
	              strlen(input));
}

START_TEST(random_bytes_always_make_one_valid_json_string)
{
	unsigned seed = 20240601;       /* the same strings every run */
	char s[65];

	for (int round = 0; round < 5000; round++) {
		size_t n = (size_t)(rand_r(&seed) % 64);
		char *got;

		for (size_t i = 0; i < n; i++) {
			int r = rand_r(&seed);

			/* bytes of every kind, lead bytes more often */
			s[i] = (char)(r % 4 == 0 ? 0xc0 + (r >> 8) % 0x40 : 1 + (r >> 8) % 255);
		}
		s[n] = '\0';
		got = json_of(s);
		assert_one_json_string(got, s);
		free(got);
	}
}
END_TEST

START_TEST(every_byte_value_makes_one_valid_json_string)
{
	char s[256], *got;

	for (int i = 1; i < 256; i++)
		s[i - 1] = (char)i;
	s[255] = '\0';
	got = json_of(s);
	assert_one_json_string(got, s);
	free(got);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("results-json");
	TCase *tc = tcase_create("results-json");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 20);     /* the random strings, under valgrind */
	tcase_add_test(tc, a_passed_test_is_one_line_with_every_field_gradescope_shows);
	tcase_add_test(tc, a_failed_test_scores_0_of_its_points);
	tcase_add_test(tc, a_skipped_test_scores_0_of_0_and_says_why);
	tcase_add_test(tc, quotes_and_backslashes_are_escaped);
	tcase_add_test(tc, control_characters_are_escaped);
	tcase_add_test(tc, terminal_escapes_become_visible_text);
	tcase_add_test(tc, valid_utf8_is_kept_as_it_is);
	tcase_add_test(tc, invalid_utf8_becomes_replacement_characters);
	tcase_add_test(tc, very_long_text_is_written_whole);
	tcase_add_test(tc, random_bytes_always_make_one_valid_json_string);
	tcase_add_test(tc, every_byte_value_makes_one_valid_json_string);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
