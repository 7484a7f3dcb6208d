/*
 * service.c - the test's own server for lab 05's client (service.h): a
 * socket of the test's own on the loopback that the client connects to,
 * what the client sends there, and what it prints.
 */
#include "service.h"

#include "peers.h"
#include "sockets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct proc *client_connected(const struct run_opts *o, int *fd,
                              char *logged)
{
	const char *ip = ipv6_loopback_usable(NULL) ? "::1" : "127.0.0.1";
	int lfd = bound_socket(ip, 0, true);
	const char *port = num_text(local_port(lfd));
	struct proc *cli = run("client", o, ip, port, NULL);

	if (logged != NULL)
		snprintf(logged, 80, ip[0] == ':' ? "connected to [%s]:%s"
		         : "connected to %s:%s", ip, port);
	*fd = accept_client(cli, lfd, SOCK_NONBLOCK, ms(3000), NULL);
	close(lfd);
	step("the test's server accepted the client");
	return cli;
}

char *receive(int fd, size_t want, int timeout_ms, size_t *len, bool *eof)
{
	long long deadline = now_ms() + timeout_ms;
	size_t cap = want + 65536;
	char *buf = malloc(cap + 1);

	*len = 0;
	*eof = false;
	while (*len < want && !*eof && wait_io(fd, false, left_ms(deadline))) {
		ssize_t n = read(fd, buf + *len, cap - *len);

		if (n > 0)
			*len += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			*eof = true;
	}
	buf[*len] = '\0';
	return buf;
}

void expect_printed(struct proc *cli, const char *want, const char *why)
{
	size_t len;
	char *out;

	wait_stdout_size(cli, strlen(want), ms(PROMPT_MS));
	out = proc_stdout(cli, &len);
	if (len != strlen(want) || memcmp(out, want, len) != 0)
		fail(cli, "expected the client to have printed %s (%s); its stdout "
		     "holds %s", quote(want, strlen(want), 120), why,
		     len ? quote(out, len, 120) : "nothing");
	free(out);
}
