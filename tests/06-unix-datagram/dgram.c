/*
 * dgram.c - AF_UNIX datagram addresses and the test's own datagram
 * sockets, for lab 06's grader (dgram.h).
 */
#include "dgram.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

struct uaddr path_addr(const char *path)
{
	struct uaddr a = { .sa.sun_family = AF_UNIX };

	ck_assert_msg(strlen(path) <= LONGEST_PATH, "test: path too long");
	memcpy(a.sa.sun_path, path, strlen(path) + 1);
	a.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	return a;
}

const char *name_of(const struct uaddr *a, size_t *n)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);

	*n = a->len > off ? a->len - off : 0;
	if (*n > sizeof a->sa.sun_path)
		*n = sizeof a->sa.sun_path;
	if (*n > 0 && a->sa.sun_path[0] != '\0')
		*n = strnlen(a->sa.sun_path, *n);
	return a->sa.sun_path;
}

const char *addr_text(const struct uaddr *a)
{
	static char bufs[4][200];
	static int next;
	char *b = bufs[next++ % 4];
	size_t n;
	const char *name = name_of(a, &n);

	if (n == 0) {
		snprintf(b, sizeof bufs[0], "unix:(unnamed)");
	} else if (name[0] != '\0') {
		snprintf(b, sizeof bufs[0], "unix:%.*s", (int)n, name);
	} else {
		size_t at = (size_t)snprintf(b, sizeof bufs[0], "unix:@");

		for (size_t i = 1; i < n && at < sizeof bufs[0] - 1; i++)
			b[at++] = name[i] > ' ' && name[i] < 127 ? name[i] : '?';
		b[at] = '\0';
	}
	return b;
}

bool same_addr(const struct uaddr *a, const struct uaddr *b)
{
	size_t an, bn;
	const char *x = name_of(a, &an), *y = name_of(b, &bn);

	return an == bn && memcmp(x, y, an) == 0;
}

int dgram_socket(void)
{
	struct timeval tv = { .tv_sec = ms(3000) / 1000,
	                      .tv_usec = ms(3000) % 1000 * 1000 };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_msg(fd >= 0, "test: socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return fd;
}

int dgram_bound(const struct uaddr *a)
{
	int fd = dgram_socket();

	ck_assert_msg(bind(fd, (const struct sockaddr *)&a->sa, a->len) == 0,
	              "test: bind %s: %s", addr_text(a), strerror(errno));
	return fd;
}

int dgram_abstract(const char *tag, struct uaddr *a)
{
	int n;

	*a = (struct uaddr){ .sa.sun_family = AF_UNIX };
	n = snprintf(a->sa.sun_path + 1, sizeof a->sa.sun_path - 1,
	             "sl-test-%d-%s", (int)getpid(), tag);
	a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	return dgram_bound(a);
}

int dsend(int fd, const void *buf, size_t len, const struct uaddr *to)
{
	return sendto(fd, buf, len, MSG_NOSIGNAL, (const struct sockaddr *)&to->sa,
	              to->len) < 0 ? -1 : 0;
}

ssize_t drecv(int fd, void *buf, size_t cap, struct uaddr *from,
              int timeout_ms)
{
	struct uaddr dummy;
	struct uaddr *f = from ? from : &dummy;

	if (wait_io(fd, false, timeout_ms) <= 0)
		return -1;
	memset(f, 0, sizeof *f);
	f->len = sizeof f->sa;
	return recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
	                (struct sockaddr *)&f->sa, &f->len);
}
