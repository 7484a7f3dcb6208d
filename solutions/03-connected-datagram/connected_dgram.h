/*
 * connected_dgram.h - lab 03: connected datagram sockets, a UDP session
 * server and a connected client.
 *
 * The socket work of the lab, in small functions that server.c and
 * client.c call: one step of the lab each, to read and write on its own.
 * (The grader judges the programs from outside; it never calls these.)
 */
#ifndef CONNECTED_DGRAM_H
#define CONNECTED_DGRAM_H

#include "inet.h"       /* UDP_MAX_PAYLOAD, deadlines, addresses */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The datagram that ends a session, and its answer: exactly these 3
 * bytes, no newline. */
#define BYE "BYE"
#define BYE_LEN 3

/* bind.c: the server's socket. */

/* An AF_INET datagram socket bound to *ADDR.  Port 0 means "any free
 * port", chosen here and bound explicitly, so that it survives
 * dissolve() (see bind.c).  On return *ADDR holds the port bound.
 * Returns the fd, or -1 with errno (EADDRINUSE: the port is taken). */
int session_bind(struct sockaddr_in *addr);

/* session.c: the server's sessions. */

/* Wait for a datagram from anyone on the unconnected socket FD; receive
 * it into BUF (CAP bytes) and its sender into *PEER.  Returns its size,
 * or -1 with errno: EINTR when a stop signal arrived (common.h). */
ssize_t wait_for_peer(int fd, void *buf, size_t cap, struct sockaddr_in *peer);

/* Connect FD to *PEER: from now on only PEER's datagrams arrive, and
 * send()/write() go to PEER.  Anyone else who sends to the port is
 * refused by the kernel (ICMP "port unreachable"): a second client sees
 * ECONNREFUSED, as if no server listened.  0, or -1 with errno. */
int connect_peer(int fd, const struct sockaddr_in *peer);

/* Send LEN bytes of BUF to the connected peer, one datagram (LEN 0: an
 * empty one), without naming an address.  0, or -1 with errno. */
int session_send(int fd, const void *buf, size_t len);

/* Receive the peer's next datagram into BUF (CAP bytes), waiting until
 * DEADLINE at most.  Datagrams that other senders queued before
 * connect_peer() are discarded, each logged with its size and sender,
 * and do not move DEADLINE.  Returns the size, or -1 with errno:
 * ETIMEDOUT (the peer was silent until DEADLINE), EINTR (a stop signal),
 * ECONNREFUSED (the peer's port is closed), ... */
ssize_t session_receive(int fd, const struct sockaddr_in *peer, void *buf,
                        size_t cap, int64_t deadline);

/* Dissolve FD's association with its peer: it receives from anyone
 * again.  0, or -1 with errno. */
int dissolve(int fd);

/* Answer BYE to *PEER on the dissolved (unconnected) socket FD.  0, or -1
 * with errno. */
int send_bye(int fd, const struct sockaddr_in *peer);

/* The whole session opened by FIRST (N bytes) from *PEER: connect,
 * answer, talk until BYE, silence for IDLE_MS, or a refused port, then
 * dissolve.  Logs its start and end.  Returns false when a stop signal
 * ended it (the server must stop), true otherwise. */
bool serve_session(int fd, const struct sockaddr_in *peer, void *first,
                   size_t n, int idle_ms);

/* talk.c: the client. */

/* An AF_INET datagram socket connected to *SERVER, or -1 with errno (no
 * socket left open).  Nothing is sent: an absent server is not seen yet. */
int connect_server(const struct sockaddr_in *server);

/* Send MSG (LEN bytes) on the connected socket FD and wait up to
 * TIMEOUT_MS for the server's reply, read into REPLY (UDP_MAX_PAYLOAD
 * bytes).  Returns the reply's size (0: an empty datagram), or -1 with
 * errno: ETIMEDOUT (no reply in time), ECONNREFUSED (nobody listens on
 * the server's port, or the server is in a session with another client:
 * the kernel refuses for it; reported at once, not after TIMEOUT_MS),
 * EMSGSIZE (MSG is longer than a datagram holds: not sent), ... */
ssize_t exchange(int fd, const void *msg, size_t len, void *reply,
                 int timeout_ms);

#endif
