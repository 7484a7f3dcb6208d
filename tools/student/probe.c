/*
 * probe.c - what this machine's network stack offers the labs, for
 * `make doctor`.  Prints one "name: yes|no (detail)" line per fact.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Can a socket of FAMILY bind ADDR (port 0)?  Returns 0 or an errno. */
static int try_bind(int family, const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, SOCK_STREAM, 0), err = 0;

	if (fd < 0)
		return errno;
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof *a;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		err = errno;
	close(fd);
	return err;
}

static void report(const char *what, int err)
{
	printf("%s: %s%s%s\n", what, err ? "no (" : "yes", err ? strerror(err) : "",
	       err ? ")" : "");
}

int main(void)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	report("ipv4 loopback 127.0.0.1", try_bind(AF_INET, "127.0.0.1"));
	report("second loopback host 127.0.0.2", try_bind(AF_INET, "127.0.0.2"));
	report("ipv6 loopback ::1", try_bind(AF_INET6, "::1"));
	report("ipv6 any address ::", try_bind(AF_INET6, "::"));

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo("localhost", "50004", &hints, &res);
	printf("localhost resolves to:");
	if (rc != 0) {
		printf(" nothing (%s)\n", gai_strerror(rc));
		return 0;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		char text[INET6_ADDRSTRLEN];
		void *a = ai->ai_family == AF_INET6
		          ? (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
		          : (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;

		inet_ntop(ai->ai_family, a, text, sizeof text);
		printf(" %s", text);
	}
	printf("\n");
	freeaddrinfo(res);
	return 0;
}
