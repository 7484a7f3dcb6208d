/*
 * addr.c - socket addresses as text, and a safe sockaddr_un.
 */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* An abstract name (Linux: sun_path starts with a NUL, and its LEN bytes
 * after that are the name, NULs included, no terminator) as ss(8) shows
 * it: "unix:@name", a byte that is not printable ASCII as '?'. */
static void format_abstract(const char *name, size_t len, char buf[ADDR_STRLEN])
{
	size_t at = (size_t)snprintf(buf, ADDR_STRLEN, "unix:@");

	for (size_t i = 0; i < len && at < ADDR_STRLEN - 1; i++)
		buf[at++] = name[i] > ' ' && name[i] < 127 ? name[i] : '?';
	buf[at] = '\0';
}

const char *format_addr(const struct sockaddr *sa, socklen_t len,
                        char buf[ADDR_STRLEN])
{
	char ip[INET6_ADDRSTRLEN];

	switch (sa->sa_family) {
	case AF_UNIX: {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		/* The kernel may return a sun_path without its NUL (a path of
		 * exactly sizeof sun_path bytes), so bound the copy by LEN. */
		size_t max = len > offsetof(struct sockaddr_un, sun_path)
		             ? len - offsetof(struct sockaddr_un, sun_path) : 0;
		size_t n = strnlen(un->sun_path, max < sizeof un->sun_path
		                                 ? max : sizeof un->sun_path);

		if (n == 0 && max > 1 && max <= sizeof un->sun_path)
			format_abstract(un->sun_path + 1, max - 1, buf);
		else if (n == 0)
			snprintf(buf, ADDR_STRLEN, "unix:(unnamed)");
		else
			snprintf(buf, ADDR_STRLEN, "unix:%.*s", (int)n, un->sun_path);
		break;
	}
	case AF_INET: {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
		snprintf(buf, ADDR_STRLEN, "%s:%u", ip, ntohs(in->sin_port));
		break;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
		snprintf(buf, ADDR_STRLEN, "[%s]:%u", ip, ntohs(in6->sin6_port));
		break;
	}
	default:
		snprintf(buf, ADDR_STRLEN, "(address family %d)", sa->sa_family);
	}
	return buf;
}

int unix_addr(const char *path, struct sockaddr_un *addr, socklen_t *len)
{
	size_t n = strlen(path);

	/* Refuse rather than truncate: a cut path would bind a different
	 * name, and strcpy() would write past the end of sun_path. */
	if (n == 0 || n > UNIX_PATH_MAX_LEN) {
		errno = n == 0 ? ENOENT : ENAMETOOLONG;
		return -1;
	}
	memset(addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, n + 1);
	/* The length covers the path and its NUL, not the whole structure:
	 * see unix(7), "Pathname sockets". */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}
