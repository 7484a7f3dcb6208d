/*
 * preload-gai.c - an LD_PRELOAD shim for getaddrinfo(3): a resolver the
 * graders of labs 02 and 04 control, so that a client can be offered a
 * name with several addresses (the first of which refuses) without root
 * or an /etc/hosts entry.
 *
 * The shim only shapes the client's surroundings; it tells the grader
 * nothing.  Whatever it does must show in what the client itself does:
 * which address it connects to, whether it connects at all, its exit
 * status.
 *
 * The name SOCKLAB_GAI_HOST is answered from SOCKLAB_GAI_ADDRS as glibc
 * would answer it on a host whose only IPv6 address is the loopback's,
 * a common case:
 * - the hints' ai_family keeps the addresses of that family (AF_UNSPEC:
 *   all), in the order given;
 * - ai_socktype 0 gives each address three times, for SOCK_STREAM,
 *   SOCK_DGRAM and SOCK_RAW, in that order;
 * - AI_ADDRCONFIG keeps only the families this host has an address of
 *   beyond loopback: IPv4, so every IPv6 address is dropped;
 * - no address left: EAI_NONAME;
 * - hints whose fields POSIX wants zero (ai_addrlen, ai_addr,
 *   ai_canonname, ai_next) are not, or that carry flags or a protocol no
 *   resolver knows: EAI_BADFLAGS, as POSIX lets a resolver do.  glibc
 *   itself refuses unknown flags that way.
 * - a list freeaddrinfo() gives back is scribbled over before it is
 *   freed, as a debugging allocator does: code that still reads it reads
 *   garbage.
 * Every other name goes to the real resolver.
 *
 * Environment:
 *   SOCKLAB_GAI_HOST     the name to answer
 *   SOCKLAB_GAI_ADDRS    its numeric addresses, in order, separated by
 *                        spaces or commas ("::1 127.0.0.2 127.0.0.1")
 *   SOCKLAB_GAI_GARBAGE  1: before main() runs, fill the stack it will
 *                        use with 0xa5 bytes, as a long start-up might
 *                        leave it, so that a local variable left
 *                        uninitialised holds garbage, not zeros
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int gai_fn(const char *, const char *, const struct addrinfo *,
                   struct addrinfo **);
typedef void freeai_fn(struct addrinfo *);

#define GARBAGE 0xa5

/* One entry of a list this shim made: the addrinfo and its address. */
struct entry {
	struct addrinfo ai;
	struct sockaddr_storage ss;
};

/* The lists this shim made, so freeaddrinfo() knows which are its own. */
#define MAX_OWN 64
static struct addrinfo *own[MAX_OWN];

/* Leave GARBAGE in the stack below this frame: main() and the functions
 * it calls reuse that memory. */
__attribute__((noinline)) static void paint_stack(void)
{
	volatile unsigned char area[64 * 1024];

	for (size_t i = 0; i < sizeof area; i++)
		area[i] = GARBAGE;
}

__attribute__((constructor)) static void init(void)
{
	const char *garbage = getenv("SOCKLAB_GAI_GARBAGE");

	if (garbage != NULL && strcmp(garbage, "1") == 0)
		paint_stack();
}

/* Does HINTS carry anything a resolver must refuse? */
static int hints_refused(const struct addrinfo *hints)
{
	const int known = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST
	                  | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG
	                  | AI_NUMERICSERV;

	if (hints == NULL)
		return 0;
	return hints->ai_addrlen != 0 || hints->ai_addr != NULL
	       || hints->ai_canonname != NULL || hints->ai_next != NULL
	       || (hints->ai_flags & ~known) != 0
	       || (hints->ai_protocol != 0 && hints->ai_protocol != IPPROTO_TCP
	           && hints->ai_protocol != IPPROTO_UDP);
}

/* One entry for address TEXT of socket type SOCKTYPE, or NULL if TEXT is
 * not of FAMILY (0: any). */
static struct addrinfo *make_entry(const char *text, int family, int socktype,
                                   uint16_t port)
{
	struct entry *e = calloc(1, sizeof *e);
	struct in_addr v4;
	struct in6_addr v6;

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
	e->ai.ai_socktype = socktype;
	e->ai.ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP
	                    : socktype == SOCK_DGRAM ? IPPROTO_UDP : 0;
	e->ai.ai_addr = (struct sockaddr *)&e->ss;
	return &e->ai;
}

/* Append TEXT's entries for HINTS at *TAIL; returns the new tail. */
static struct addrinfo **add_address(struct addrinfo **tail, const char *text,
                                     const struct addrinfo *hints,
                                     uint16_t port)
{
	static const int every_type[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW };
	int family = hints ? hints->ai_family : AF_UNSPEC;
	int socktype = hints ? hints->ai_socktype : 0;
	int flags = hints ? hints->ai_flags : AI_V4MAPPED | AI_ADDRCONFIG;
	struct in6_addr v6;

	if ((flags & AI_ADDRCONFIG) && inet_pton(AF_INET6, text, &v6) == 1)
		return tail;    /* this host's IPv6 is on loopback only */
	for (size_t i = 0; i < 3; i++) {
		int type = socktype != 0 ? socktype : every_type[i];
		struct addrinfo *ai = make_entry(text, family, type, port);

		if (ai != NULL) {
			*tail = ai;
			tail = &ai->ai_next;
		}
		if (socktype != 0)
			break;
	}
	return tail;
}

/* Answer the shim's name from SOCKLAB_GAI_ADDRS. */
static int fake_answer(const char *service, const struct addrinfo *hints,
                       struct addrinfo **res)
{
	const char *addrs = getenv("SOCKLAB_GAI_ADDRS");
	struct addrinfo *head = NULL, **tail = &head;
	char copy[1024], *save = NULL;
	unsigned long port = 0;
	char *end;

	if (hints_refused(hints))
		return EAI_BADFLAGS;
	if (hints != NULL && hints->ai_family != AF_UNSPEC
	    && hints->ai_family != AF_INET && hints->ai_family != AF_INET6)
		return EAI_FAMILY;
	if (service != NULL) {
		port = strtoul(service, &end, 10);
		if (*service == '\0' || *end != '\0' || port > 65535)
			return EAI_SERVICE;
	}
	snprintf(copy, sizeof copy, "%s", addrs ? addrs : "");
	for (char *t = strtok_r(copy, " ,", &save); t != NULL;
	     t = strtok_r(NULL, " ,", &save))
		tail = add_address(tail, t, hints, (uint16_t)port);
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

	if (real == NULL)
		real = (gai_fn *)dlsym(RTLD_NEXT, "getaddrinfo");
	if (node != NULL && fake != NULL && strcmp(node, fake) == 0)
		return fake_answer(service, hints, res);
	return real(node, service, hints, res);
}

void freeaddrinfo(struct addrinfo *list)
{
	static freeai_fn *real;

	if (real == NULL)
		real = (freeai_fn *)dlsym(RTLD_NEXT, "freeaddrinfo");
	for (int i = 0; list != NULL && i < MAX_OWN; i++)
		if (own[i] == list) {
			own[i] = NULL;
			while (list != NULL) {
				struct addrinfo *next = list->ai_next;

				/* entry and address: one block, scribbled over */
				memset(list, GARBAGE, sizeof(struct entry));
				free(list);
				list = next;
			}
			return;
		}
	real(list);
}
