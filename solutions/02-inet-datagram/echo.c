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
	// STARTER: /* TODO 4: recvfrom(2) one datagram into BUF (CAP bytes), flag
	// STARTER:  * MSG_DONTWAIT (wait_fd() has waited: never block with the stop
	// STARTER:  * signals shut out); return what it returns.  Trap: pass FROM and
	// STARTER:  * &len (in-out, set above), not NULL: the reply goes to that sender.
	// STARTER:  * Tests: sender_address_comes_from_recvfrom,
	// STARTER:  * echo_is_exact_uppercase. */
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
	// STARTER: /* TODO 5: sendto(2) LEN bytes of BUF to *TO, sizeof *to bytes: one
	// STARTER:  * call, one datagram, whole or none (no loop).  0, or -1 with errno.
	// STARTER:  * Trap: no connect(2) and send(2): while connected to one client the
	// STARTER:  * socket drops every other client's datagrams.  udp(7).
	// STARTER:  * Tests: each_reply_goes_to_its_sender,
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
