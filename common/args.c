/*
 * args.c - strict number parsing for command lines.
 *
 * atoi("abc") is 0 and atoi("80x") is 80: both would quietly become a
 * port.  strtoul(3) with its end pointer checked refuses them.
 * Also ascii_upper(), the transformation of the echo labs.
 */
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int parse_number(const char *text, unsigned long min, unsigned long max,
                 unsigned long *value)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)text[0]))
		return -1;      /* empty, a sign, or leading space */
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*value = v;
	return 0;
}

int parse_port(const char *text, bool allow_zero, uint16_t *port)
{
	unsigned long v;

	if (parse_number(text, allow_zero ? 0 : 1, 65535, &v) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

void ascii_upper(void *buf, size_t len)
{
	unsigned char *p = buf;

	/* Not toupper(3): its answer depends on the locale, and bytes over
	 * 127 must pass through unchanged whatever the locale says. */
	for (size_t i = 0; i < len; i++)
		if (p[i] >= 'a' && p[i] <= 'z')
			p[i] = (unsigned char)(p[i] - 'a' + 'A');
}
