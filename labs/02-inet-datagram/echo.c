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
	/* TODO 4: receive one datagram with recvfrom(2) into BUF
	 * (CAP bytes), and its sender's address into *FROM.  LEN is
	 * in-out: it must hold sizeof *from before the call (it does,
	 * see above).  A datagram larger than CAP is cut, silently:
	 * the caller's buffer holds UDP_MAX_PAYLOAD bytes.  A return
	 * of 0 is an empty datagram, not an end of file: there is
	 * none in UDP.  Pass the flag MSG_DONTWAIT: wait_fd() has
	 * already waited, and recvfrom() must never block with the
	 * stop signals shut out.  Return what recvfrom() returns.
	 * Tests: sender_address_comes_from_recvfrom,
	 * echo_is_exact_uppercase, empty_datagram_is_answered,
	 * largest_datagram_is_answered_whole,
	 * datagram_boundaries_are_kept. */
	(void)buf;
	(void)cap;
	(void)len;
	errno = ENOSYS;
	return -1;
}

int send_reply(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	/* TODO 5: send LEN bytes of BUF back to *TO with sendto(2):
	 * one call, one datagram (never a loop: a datagram is sent
	 * whole or not at all).  Pass the address recvfrom() gave you,
	 * not a fixed one: every client has its own port.  Return 0,
	 * or -1 with errno.
	 * Tests: echo_is_exact_uppercase,
	 * each_reply_goes_to_its_sender,
	 * replies_leave_the_socket_unconnected. */
	(void)fd;
	(void)buf;
	(void)len;
	(void)to;
	errno = ENOSYS;
	return -1;
}
