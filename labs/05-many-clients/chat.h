/*
 * chat.h - lab 05: many clients at once, a chat server on poll(2).
 *
 * One process, one thread, one poll() loop serves every client: each
 * line a client sends goes to all the others.  No client can make the
 * others wait, whatever it does: send nothing, send a byte at a time,
 * never read, vanish mid-line.  This header is the lab's contract, and
 * declares the functions server.c and client.c call.  (The grader judges
 * the programs from outside; it never calls these.)
 *
 * The server, `server [-a ADDR] [-p PORT] [-m MAX_CLIENTS] [-q
 * QUEUE_BYTES] [-i IDLE_MS]`:
 *
 *   - listens on an AF_INET6 stream socket with IPV6_V6ONLY off, at [::1]
 *     by default (-a :: takes IPv4 clients too, named [::ffff:a.b.c.d]),
 *     port DEFAULT_PORT (-p 0: any free port), and prints
 *     "listening on [ADDRESS]:PORT" once ready;
 *   - names each client by its address, "[::1]:41234" (ADDRESS below);
 *   - sends each complete line a client sends (at most LINE_MAX_BYTES
 *     with its newline) to every other client as "ADDRESS: line\n", in
 *     the order it came; never back to its sender.  A line arrives in
 *     pieces or with others in one read: only complete lines go out, each
 *     once.  The unfinished end of what a client sent when it leaves is
 *     not a line, and goes nowhere;
 *   - tells the others "* ADDRESS joined\n" when a client connects and
 *     "* ADDRESS left\n" when it leaves (its end of file, or a connection
 *     reset);
 *   - a line longer than LINE_MAX_BYTES: its sender gets
 *     "* line too long\n" and is disconnected, the others are told
 *     "* ADDRESS dropped: line too long\n";
 *   - keeps for each client an output queue of at most QUEUE_BYTES
 *     (default DEFAULT_QUEUE_BYTES) of what it has not taken yet: a
 *     client whose queue would pass that, its socket's buffer full as
 *     well, is disconnected at once, the others told "* ADDRESS
 *     dropped: not reading\n".  Nobody ever waits for a client that does
 *     not read;
 *   - at MAX_CLIENTS clients (default DEFAULT_MAX_CLIENTS), or when the
 *     process is out of descriptors (EMFILE), a new client gets
 *     "* server full\n" and is closed; the server carries on (a spare
 *     descriptor kept open for that: see accept.c);
 *   - with -i IDLE_MS, drops a client that has sent nothing for IDLE_MS
 *     ("* ADDRESS dropped: idle\n" to the others).  Without -i, an idle
 *     server never wakes up: no timeout in poll(), no busy loop;
 *   - a client leaving (its end of file, or a line too long) gets what
 *     its queue holds, then the server's end of file; the server reads
 *     and discards what it still sends until its end of file, so that
 *     the close is not a reset that would destroy those last lines, and
 *     gives up after LINGER_MS without a byte from it;
 *   - logs one line per event on stderr: "client ADDRESS joined",
 *     "client ADDRESS left: N lines", "client ADDRESS dropped: REASON,
 *     N lines", "client ADDRESS lost: ERROR, N lines", "client ADDRESS
 *     refused: server full";
 *   - SIGINT or SIGTERM: closes every connection and exits 0.
 *
 * The client, `client [-t MS] HOST PORT`: connects to HOST (a name, an
 * IPv6 or IPv4 address) and PORT, logs "connected to ADDRESS" on stderr,
 * sends the lines of stdin and prints the server's lines on stdout as
 * they come, both at once (one poll() on both).  At the end of stdin it
 * completes an unfinished last line with a newline and half-closes.
 * Exits 0 when the server closes after that; 1 when the server closes
 * first, or does not close within MS ms (default DEFAULT_WAIT_MS) of the
 * half-close, saying so.
 */
#ifndef CHAT_H
#define CHAT_H

#include "common.h"

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEFAULT_PORT 50005
#define DEFAULT_MAX_CLIENTS 1000
#define DEFAULT_QUEUE_BYTES 65536
#define DEFAULT_WAIT_MS 5000

/* The longest line, its newline included. */
#define LINE_MAX_BYTES 4096
/* The longest message the server sends: "ADDRESS: " and a line. */
#define MESSAGE_MAX (ADDR_STRLEN + 2 + LINE_MAX_BYTES)

/* -q's range: a queue must hold at least a message or two. */
#define MIN_QUEUE_BYTES 8192
#define MAX_QUEUE_BYTES (1L << 30)
/* -m's range. */
#define MAX_MAX_CLIENTS 1000000

/* A leaving client is closed after this long without a byte from it. */
#define LINGER_MS 2000

/* ---- the server's state ---------------------------------------------- */

enum client_state {
	ACTIVE,     /* in the chat: its lines go out, the others' come in */
	LEAVING,    /* out of the chat: its queue drains, its input is discarded */
	GONE,       /* to be closed and removed (sweep()) */
};

/* Why a client leaves: what the others and the log are told. */
enum why {
	STAYS,          /* (not leaving) */
	LEFT,           /* its end of file: "left" */
	LOST,           /* a read or send failed (a reset): "left" */
	TOO_LONG,       /* a line over LINE_MAX_BYTES: "dropped: line too long" */
	NOT_READING,    /* its queue would pass QUEUE_BYTES: "dropped: not reading" */
	IDLE,           /* silent for IDLE_MS: "dropped: idle" */
};

struct client {
	int fd;                         /* its connected, non-blocking socket */
	enum client_state state;
	enum why why;                   /* LEAVING, GONE: why */
	int err;                        /* LOST: the errno */
	bool announced;                 /* the others were told it went */
	bool eof;                       /* its end of file has been read */
	bool shut;                      /* our shutdown(SHUT_WR) is done */
	char name[ADDR_STRLEN];         /* "[::1]:41234" */
	char in[LINE_MAX_BYTES];        /* the unfinished line so far */
	size_t in_len;
	char *out;                      /* queued for it: out[out_off ..] */
	size_t out_off, out_len, out_cap;
	long long heard;                /* when it last sent a byte (now_ms()) */
	unsigned long lines;            /* lines it sent that went out */
};

struct chat {
	int listen_fd;                  /* non-blocking, listening */
	int spare_fd;                   /* held for EMFILE (accept.c), or -1 */
	size_t max_clients, queue_bytes;
	int idle_ms;                    /* 0: clients never time out */
	struct client **clients;        /* clients[0 .. n) */
	size_t n;
	struct pollfd *pfds;            /* [0]: the listener; [1 + i]: clients[i] */
};

/* Milliseconds on the monotonic clock. */
long long now_ms(void);

/* ---- listen.c ---------------------------------------------------------- */

/* A passive AF_INET6 stream socket at ADDR and PORT (0: any), dual stack
 * (IPV6_V6ONLY 0), SO_REUSEADDR, backlog SOMAXCONN, and non-blocking
 * (accept.c says why).  The fd, or -1 with errno (the socket closed). */
int chat_listen(const struct in6_addr *addr, uint16_t port);

/* ---- accept.c ------------------------------------------------------------ */

/* An empty chat around LISTEN_FD, room for MAX_CLIENTS, with its spare
 * descriptor open.  0, or -1 with errno. */
int chat_init(struct chat *chat, int listen_fd, size_t max_clients,
              size_t queue_bytes, int idle_ms);
/* Close every client, the spare and the listener; free it all. */
void chat_free(struct chat *chat);

/* Accept every client waiting at the listener, without ever blocking:
 * each joins the chat (add_client()), or is refused when the chat is
 * full or the process is out of descriptors. */
void accept_clients(struct chat *chat);
/* Out of descriptors: accept one client with the room the spare
 * descriptor leaves, refuse it, and open the spare again.  0, or -1 with
 * errno (EAGAIN: nobody was waiting). */
int refuse_with_spare(struct chat *chat);
/* "* server full\n" to FD, closed. */
void refuse_client(int fd, const char *name);
/* FD, connected to PEER, joins the chat: the others are told.  The new
 * client, or NULL (FD closed) when memory runs out. */
struct client *add_client(struct chat *chat, int fd,
                          const struct sockaddr_in6 *peer);

/* ---- input.c ------------------------------------------------------------- */

/* C's socket is readable: read once what has come, send on every
 * complete line (frame_lines()); its end of file or a failure makes it
 * leave. */
void read_input(struct chat *chat, struct client *c);
/* Send on every complete line of C's input buffer, keep the rest; a
 * buffer full without a newline is a line too long. */
void frame_lines(struct chat *chat, struct client *c);
/* A leaving client's socket is readable: read and discard. */
void discard_input(struct client *c);

/* ---- output.c ------------------------------------------------------------ */

/* Add LEN bytes of MSG to C's output queue.  A queue that would pass
 * QUEUE_BYTES first gives C's socket what it takes now (send_queued());
 * if it still would, C is dropped instead (NOT_READING).  0, or -1
 * (dropped). */
int enqueue(struct chat *chat, struct client *c, const char *msg, size_t len);
/* LINE (LEN bytes, its newline included), sent by FROM: to every other
 * client in the chat, as "NAME: line". */
void fan_out(struct chat *chat, const struct client *from, const char *line,
             size_t len);
/* "* NAME TEXT\n" to every client in the chat but ABOUT. */
void tell_others(struct chat *chat, const struct client *about, const char *text);
/* C's socket has room: send what fits of its queue.  A failure drops it
 * (LOST). */
void send_queued(struct client *c);

/* ---- loop.c ------------------------------------------------------------- */

/* C leaves the chat (WHY: LEFT, TOO_LONG): the others are told, its
 * queue drains, then it is closed. */
void leave_chat(struct chat *chat, struct client *c, enum why why);
/* C must go at once (WHY); ERR: the errno for LOST. */
void drop_client(struct client *c, enum why why, int err);

/* Fill chat->pfds for the next poll(): the listener, then each client,
 * asking for what it can use now.  Returns how many entries. */
nfds_t set_events(struct chat *chat);
/* Act on what poll() said about the COUNT entries of chat->pfds. */
void handle_events(struct chat *chat, nfds_t count);
/* Close and remove every GONE client, telling the others. */
void sweep(struct chat *chat);
/* The loop: until a stop signal (0), or a failure (-1 with errno). */
int serve(struct chat *chat);

/* ---- connect.c, relay.c: the client ----------------------------------- */

/* Resolve HOST and PORT (getaddrinfo(3), any family) and connect to the
 * first address that accepts, logging each that does not.  The fd, its
 * address in CONNECTED; or -1 with *GAI_ERROR the resolver's EAI_* code,
 * or 0 when every address failed. */
int connect_to_server(const char *host, const char *port,
                      char connected[ADDR_STRLEN], int *gai_error);

/* Send IN_FD's lines to SOCK and copy what the server sends to OUT_FD,
 * both at once; at IN_FD's end, complete an unfinished last line with a
 * newline and half-close; return when the server closes.  WAIT_MS: how
 * long to wait for that after the half-close.  0; or -1 with errno:
 * EPIPE, the server closed first; ETIMEDOUT, it did not close in time;
 * ECONNRESET, it reset the connection; another, a call failed.  Makes
 * SOCK non-blocking; never raises SIGPIPE. */
int chat_relay(int sock, int in_fd, int out_fd, int wait_ms);

#endif
