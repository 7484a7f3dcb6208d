/*
 * echo.c - lab 02, the server's exchange: recvfrom() a datagram, learn
 * who sent it, sendto() the answer back to that sender.
 *
 * One socket serves every client.  There is no connection to tell them
 * apart: the only thing that says where an answer must go is the
 * address recvfrom() returns with each datagram.
 *
 * Man pages: recvfrom(2) (recv(2)), sendto(2) (send(2)), udp(7).
 */
#include "inet_dgram.h"

#include "common.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

ssize_t receive_request(int fd, void *buf, size_t cap, struct sockaddr_in *from)
{
	socklen_t len = sizeof *from;

	/* Wait with SIGINT/SIGTERM open (common.h): Ctrl-C while idle ends
	 * the server at once instead of after the next datagram. */
	if (wait_fd(fd, POLLIN, -1) < 0)
		return -1;
	/* TODO 4: recvfrom(2) one datagram into BUF (CAP bytes), flag
	 * MSG_DONTWAIT (wait_fd() has waited: never block with the stop
	 * signals shut out); return what it returns.  Trap: pass FROM and
	 * &len (in-out, set above), not NULL: the reply goes to that sender.
	 * Tests: sender_address_comes_from_recvfrom,
	 * echo_is_exact_uppercase. */
	(void)buf;
	(void)cap;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int send_reply(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	/* TODO 5: sendto(2) LEN bytes of BUF to *TO, sizeof *to bytes: one
	 * call, one datagram, whole or none (no loop).  0, or -1 with errno.
	 * Trap: no connect(2) and send(2): while connected to one client the
	 * socket drops every other client's datagrams.  udp(7).
	 * Tests: each_reply_goes_to_its_sender,
	 * replies_leave_the_socket_unconnected. */
	(void)fd;
	(void)buf;
	(void)len;
	(void)to;
	errno = ENOSYS;
	return -1;
}
