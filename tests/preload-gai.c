/*
 * preload-gai.c - an LD_PRELOAD shim for getaddrinfo(3), so that the
 * lab 04 grader can offer a client a name with several addresses (the
 * first of which refuses) without root or an /etc/hosts entry, and see
 * how the client asked and whether it freed the answer.
 *
 * Environment:
 *   SOCKLAB_GAI_HOST   the name to answer from SOCKLAB_GAI_ADDRS; every
 *                      other name goes to the real resolver
 *   SOCKLAB_GAI_ADDRS  numeric addresses, in order, separated by spaces
 *                      or commas ("::1 127.0.0.2 127.0.0.1"); the
 *                      hints' family filters them as a resolver would
 *   SOCKLAB_GAI_LOG    a file: one line per call, appended with one
 *                      write(2) each:
 *     getaddrinfo node=N service=S family=F socktype=T protocol=P
 *       flags=X hints_dirty=D rc=R list=0xADDR
 *     freeaddrinfo list=0xADDR
 *   (hints_dirty=1: a hints field POSIX wants zero was not: ai_addrlen,
 *   ai_addr, ai_canonname or ai_next, the sign of unzeroed hints.)
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int gai_fn(const char *, const char *, const struct addrinfo *,
                   struct addrinfo **);
typedef void freeai_fn(struct addrinfo *);

/* The lists this shim made, so freeaddrinfo() knows which are its own. */
#define MAX_OWN 64
static struct addrinfo *own[MAX_OWN];

/* Append one line to SOCKLAB_GAI_LOG, leaving errno as it was. */
__attribute__((format(printf, 1, 2)))
static void log_call(const char *fmt, ...)
{
	const char *path = getenv("SOCKLAB_GAI_LOG");
	char line[1024];
	va_list ap;
	int fd, n, saved = errno;

	if (path == NULL || *path == '\0')
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, line, (size_t)n) < 0) {
			/* the log is the grader's; nothing to tell the program */
		}
		close(fd);
	}
	errno = saved;
}

/* One entry for address TEXT, or NULL if TEXT is not of FAMILY (0: any). */
static struct addrinfo *make_entry(const char *text, int family, int socktype,
                                   uint16_t port)
{
	struct {
		struct addrinfo ai;
		struct sockaddr_storage ss;
	} *e;
	struct in_addr v4;
	struct in6_addr v6;

	e = calloc(1, sizeof *e);
	if (e == NULL)
		return NULL;
	if (inet_pton(AF_INET, text, &v4) == 1 && family != AF_INET6) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&e->ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = v4;
		e->ai.ai_family = AF_INET;
		e->ai.ai_addrlen = sizeof *sin;
	} else if (inet_pton(AF_INET6, text, &v6) == 1 && family != AF_INET) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&e->ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = v6;
		e->ai.ai_family = AF_INET6;
		e->ai.ai_addrlen = sizeof *sin6;
	} else {
		free(e);
		return NULL;
	}
	e->ai.ai_socktype = socktype ? socktype : SOCK_STREAM;
	e->ai.ai_protocol = e->ai.ai_socktype == SOCK_STREAM ? IPPROTO_TCP
	                                                     : IPPROTO_UDP;
	e->ai.ai_addr = (struct sockaddr *)&e->ss;
	return &e->ai;
}

/* Answer NODE from SOCKLAB_GAI_ADDRS. */
static int fake_answer(const char *service, const struct addrinfo *hints,
                       struct addrinfo **res)
{
	const char *addrs = getenv("SOCKLAB_GAI_ADDRS");
	int family = hints ? hints->ai_family : AF_UNSPEC;
	int socktype = hints ? hints->ai_socktype : 0;
	struct addrinfo *head = NULL, **tail = &head;
	char copy[1024], *save = NULL;
	unsigned long port = 0;
	char *end;

	if (service != NULL) {
		port = strtoul(service, &end, 10);
		if (*service == '\0' || *end != '\0' || port > 65535)
			return EAI_SERVICE;
	}
	snprintf(copy, sizeof copy, "%s", addrs ? addrs : "");
	for (char *t = strtok_r(copy, " ,", &save); t != NULL;
	     t = strtok_r(NULL, " ,", &save)) {
		struct addrinfo *ai = make_entry(t, family, socktype,
		                                 (uint16_t)port);

		if (ai != NULL) {
			*tail = ai;
			tail = &ai->ai_next;
		}
	}
	if (head == NULL)
		return EAI_NONAME;
	for (int i = 0; i < MAX_OWN; i++)
		if (own[i] == NULL) {
			own[i] = head;
			break;
		}
	*res = head;
	return 0;
}

int getaddrinfo(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
	static gai_fn *real;
	const char *fake = getenv("SOCKLAB_GAI_HOST");
	int rc, dirty = 0;

	if (real == NULL)
		real = (gai_fn *)dlsym(RTLD_NEXT, "getaddrinfo");
	if (hints != NULL)
		dirty = hints->ai_addrlen != 0 || hints->ai_addr != NULL
		        || hints->ai_canonname != NULL || hints->ai_next != NULL;
	if (node != NULL && fake != NULL && strcmp(node, fake) == 0)
		rc = fake_answer(service, hints, res);
	else
		rc = real(node, service, hints, res);
	log_call("getaddrinfo node=%s service=%s family=%d socktype=%d "
	         "protocol=%d flags=%d hints_dirty=%d rc=%d list=%p",
	         node ? node : "(null)", service ? service : "(null)",
	         hints ? hints->ai_family : -1, hints ? hints->ai_socktype : -1,
	         hints ? hints->ai_protocol : -1, hints ? hints->ai_flags : -1,
	         dirty, rc, rc == 0 ? (void *)*res : NULL);
	return rc;
}

void freeaddrinfo(struct addrinfo *list)
{
	static freeai_fn *real;

	if (real == NULL)
		real = (freeai_fn *)dlsym(RTLD_NEXT, "freeaddrinfo");
	log_call("freeaddrinfo list=%p", (void *)list);
	for (int i = 0; list != NULL && i < MAX_OWN; i++)
		if (own[i] == list) {
			own[i] = NULL;
			while (list != NULL) {
				struct addrinfo *next = list->ai_next;

				free(list);     /* entry and address: one block */
				list = next;
			}
			return;
		}
	real(list);
}
