/*
 * signals.c - stopping a server on SIGINT/SIGTERM without losing the signal.
 *
 * The classic bug: a handler sets a flag, the loop tests the flag, then
 * blocks in accept() or recvfrom().  A signal that lands between the test
 * and the call is noted but the call blocks anyway: the server ignores
 * Ctrl-C until the next client.  The fix used here: keep the signals
 * blocked all the time, and unblock them only inside ppoll(2), which
 * swaps the signal mask and waits in one atomic step.  A signal that
 * arrived while the server was busy stays pending and makes the next
 * ppoll() return at once.  See ppoll(2), sigprocmask(2).
 */
#define _GNU_SOURCE     /* ppoll(2) */
#include "common.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_signal;
static sigset_t wait_mask;      /* the mask to wait with: stop signals open */

static void note_stop(int sig)
{
	stop_signal = sig;
}

void stop_signals_init(void)
{
	struct sigaction sa;
	sigset_t stops;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = note_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool stop_requested(void)
{
	return stop_signal != 0;
}

int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	struct timespec ts, *tsp = NULL;
	int n;

	if (stop_signal) {
		errno = EINTR;
		return -1;
	}
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	n = ppoll(&pfd, 1, tsp, &wait_mask);
	if (n < 0 && errno == EINTR && !stop_signal)
		return wait_fd(fd, events, timeout_ms);  /* some other signal */
	if (n < 0)
		return -1;
	return n > 0 ? 1 : 0;
}
