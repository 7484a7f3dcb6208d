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
	// STARTER: /* TODO 4: receive one datagram with recvfrom(2) into BUF
	// STARTER:  * (CAP bytes), and its sender's address into *FROM.  LEN is
	// STARTER:  * in-out: it must hold sizeof *from before the call (it does,
	// STARTER:  * see above).  A datagram larger than CAP is cut, silently:
	// STARTER:  * the caller's buffer holds UDP_MAX_PAYLOAD bytes.  A return
	// STARTER:  * of 0 is an empty datagram, not an end of file: there is
	// STARTER:  * none in UDP.  Pass the flag MSG_DONTWAIT: wait_fd() has
	// STARTER:  * already waited, and recvfrom() must never block with the
	// STARTER:  * stop signals shut out.  Return what recvfrom() returns.
	// STARTER:  * Tests: sender_address_comes_from_recvfrom,
	// STARTER:  * echo_is_exact_uppercase, empty_datagram_is_answered,
	// STARTER:  * largest_datagram_is_answered_whole,
	// STARTER:  * datagram_boundaries_are_kept. */
	// STARTER: (void)buf;
	// STARTER: (void)cap;
	// STARTER: (void)len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* recvfrom() returns one whole datagram per call (the stream/datagram
	 * table: boundaries are kept) and fills *FROM with its sender.  LEN
	 * says how big *FROM is; left uninitialised, the kernel may find it
	 * too small (EINVAL) or write a cut address.  MSG_DONTWAIT: poll()
	 * said "readable", but a datagram can still vanish before we read it
	 * (a bad checksum is found only now; see BUGS in select(2)); EAGAIN
	 * then beats blocking with Ctrl-C shut out. */
	return recvfrom(fd, buf, cap, MSG_DONTWAIT, (struct sockaddr *)from,
	                &len);
	// END SOLUTION
}

int send_reply(int fd, const void *buf, size_t len, const struct sockaddr_in *to)
{
	// STARTER: /* TODO 5: send LEN bytes of BUF back to *TO with sendto(2):
	// STARTER:  * one call, one datagram (never a loop: a datagram is sent
	// STARTER:  * whole or not at all).  Pass the address recvfrom() gave you,
	// STARTER:  * not a fixed one: every client has its own port.  Return 0,
	// STARTER:  * or -1 with errno.
	// STARTER:  * Tests: echo_is_exact_uppercase,
	// STARTER:  * each_reply_goes_to_its_sender,
	// STARTER:  * replies_leave_the_socket_unconnected. */
	// STARTER: (void)fd;
	// STARTER: (void)buf;
	// STARTER: (void)len;
	// STARTER: (void)to;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* sendto() names the destination on every call: the socket is not
	 * connected to anyone.  A datagram goes whole or not at all, so
	 * there is no short count to loop on; a zero-length one is a real
	 * datagram too. */
	return sendto(fd, buf, len, 0, (const struct sockaddr *)to,
	              sizeof *to) < 0 ? -1 : 0;
	// END SOLUTION
}
