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
	/* TODO 3: recvfrom(2) one datagram into BUF (CAP bytes), flags
	 * MSG_DONTWAIT | MSG_TRUNC (the datagram's real size even when it did
	 * not fit), its sender into FROM; return what recvfrom() returns.
	 * Trap: *FROM_LEN is in-out: set it to sizeof *FROM first, then the
	 * kernel sets it to the sender's address length.
	 * Tests: answer_goes_to_the_sender, largest_datagram_is_answered_whole. */
	(void)fd;
	(void)buf;
	(void)cap;
	(void)from;
	(void)from_len;
	errno = ENOSYS;
	return -1;
}

int send_answer(int fd, const void *buf, size_t len,
                const struct sockaddr_un *to, socklen_t to_len)
{
	/* TODO 4: an unbound sender (TO_LEN <= offsetof(struct sockaddr_un,
	 * sun_path): no name after the family) has no address: errno
	 * EDESTADDRREQ, -1.  Else sendto(2) LEN bytes of BUF to TO, TO_LEN bytes
	 * (an abstract name ends where its length says), flag MSG_DONTWAIT.
	 * 0, or -1 with errno.  Trap: a blocking sendto() waits while the
	 * sender's queue is full: one client that never reads stops the server.
	 * Tests: answers_go_to_each_sender, unbound_sender_is_logged_and_dropped,
	 * client_that_never_reads_does_not_block_the_server,
	 * answers_resume_once_the_non_readers_close. */
	(void)fd;
	(void)buf;
	(void)len;
	(void)to;
	(void)to_len;
	errno = ENOSYS;
	return -1;
}
