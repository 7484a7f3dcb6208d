/*
 * echo.c - lab 06, the server's exchange: recvfrom() a datagram and the
 * address of whoever sent it, sendto() the answer back to that address.
 *
 * In the UNIX domain a sender has an address only if it bound one.  A
 * client that never called bind() still reaches the server (its
 * datagram arrives), but recvfrom() gives nothing to answer: no name
 * after the family, an address length of 0 on Linux ("unnamed" in
 * unix(7)).  Over UDP, the first sendto() binds a free port by itself,
 * so lab 02's client needed no bind; here it does.
 *
 * Man pages: recvfrom(2) (recv(2)), sendto(2) (send(2)), unix(7).
 */
#include "unix_dgram.h"

#include "common.h"

#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

ssize_t receive_datagram(int fd, void *buf, size_t cap,
                         struct sockaddr_un *from, socklen_t *from_len)
{
	// STARTER: /* TODO 3: recvfrom(2) one datagram into BUF (CAP bytes), flags
	// STARTER:  * MSG_DONTWAIT | MSG_TRUNC (the datagram's real size even when it did
	// STARTER:  * not fit), its sender into FROM; return what recvfrom() returns.
	// STARTER:  * Trap: *FROM_LEN is in-out: set it to sizeof *FROM first, then the
	// STARTER:  * kernel sets it to the sender's address length.
	// STARTER:  * Tests: answer_goes_to_the_sender, largest_datagram_is_answered_whole. */
	// STARTER: (void)fd;
	// STARTER: (void)buf;
	// STARTER: (void)cap;
	// STARTER: (void)from;
	// STARTER: (void)from_len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* *FROM_LEN says how big *FROM is, and comes back as the length of
	 * the address the kernel wrote: for an abstract name, the only
	 * place where the name ends (it has no terminating NUL).  Left
	 * uninitialised, the kernel may cut the address short.
	 * MSG_TRUNC: recvfrom() returns the datagram's real size even when
	 * it was longer than CAP, so a cut datagram is seen, not answered
	 * as if it were whole.  MSG_DONTWAIT: server.c waited in wait_fd()
	 * already; never block with the stop signals shut out. */
	*from_len = sizeof *from;
	return recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
	                (struct sockaddr *)from, from_len);
	// END SOLUTION
}

int send_answer(int fd, const void *buf, size_t len,
                const struct sockaddr_un *to, socklen_t to_len)
{
	// STARTER: /* TODO 4: an unbound sender (TO_LEN <= offsetof(struct sockaddr_un,
	// STARTER:  * sun_path): no name after the family) has no address: errno
	// STARTER:  * EDESTADDRREQ, -1.  Else sendto(2) LEN bytes of BUF to TO, TO_LEN bytes
	// STARTER:  * (an abstract name ends where its length says), flag MSG_DONTWAIT.
	// STARTER:  * 0, or -1 with errno.  Trap: a blocking sendto() waits while the
	// STARTER:  * sender's queue is full: one client that never reads stops the server.
	// STARTER:  * Tests: answers_go_to_each_sender, unbound_sender_is_logged_and_dropped,
	// STARTER:  * client_that_never_reads_does_not_block_the_server,
	// STARTER:  * answers_resume_once_the_non_readers_close. */
	// STARTER: (void)fd;
	// STARTER: (void)buf;
	// STARTER: (void)len;
	// STARTER: (void)to;
	// STARTER: (void)to_len;
	// STARTER: errno = ENOSYS;
	// STARTER: return -1;
	// BEGIN SOLUTION
	/* A sender that never bound: recvfrom() gave no name (a length
	 * of 0, or the family alone).  sendto() would say EINVAL; say what
	 * it means instead. */
	if (to_len <= offsetof(struct sockaddr_un, sun_path)) {
		errno = EDESTADDRREQ;
		return -1;
	}
	/* TO_LEN, not sizeof *to: an abstract name is all the bytes the
	 * length covers, NULs included, so sizeof would name another
	 * socket (the name padded with NULs), and sizeof(struct sockaddr)
	 * a name cut to 13 bytes.
	 * MSG_DONTWAIT: UNIX datagrams are not dropped when the receiver's
	 * queue is full; the sender waits for room instead.  A server that
	 * waited on one client that never reads would answer nobody else:
	 * it sends without waiting, and EAGAIN drops this one answer. */
	return sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)to,
	              to_len) < 0 ? -1 : 0;
	// END SOLUTION
}
