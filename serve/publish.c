/*
 * The run side of the live view: each event `lanecert run` prints with --json goes, as one datagram, to an
 * AF_UNIX socket the server may or may not be bound to. Datagrams because an event is a message (no framing
 * to get wrong, no half-sent line) and because a non-blocking sendto() on a datagram socket either queues the
 * whole event at once or fails at once: the run never waits for the server, never sees SIGPIPE, and a server
 * that is absent (ENOENT, ECONNREFUSED) or behind (EAGAIN) costs it one failed system call.
 */
#include "serve/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <lanecert/results.h>

struct lc_publisher {
	int fd;
	struct sockaddr_un addr;
	socklen_t addr_len;
	char prefix[256];   /* {"station":"NAME","pid":N, */
	size_t prefix_len;
	unsigned long dropped;
	pthread_mutex_t lock; /* only for the counter */
};

int lc_publish_default_path(const char *db, char *buf, size_t size, lc_diag *diag)
{
	char store[4096];
	if (!db) {
		int rc = lc_store_default_path(store, sizeof(store), diag);
		if (rc < 0)
			return rc;
		db = store;
	}
	struct sockaddr_un a;
	int n = snprintf(buf, size, "%s.live", db);
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof(a.sun_path))
		return lc_diag_set(diag, LC_ERR_ARG, "events socket '%s.live': longer than an AF_UNIX address (%zu bytes)",
				   db, sizeof(a.sun_path) - 1);
	return 0;
}

/* JSON-escape s into out (no quotes); false when it does not fit. */
static bool json_escape(const char *s, char *out, size_t cap)
{
	size_t k = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char tmp[8];
		const char *piece = tmp;
		if (c == '"' || c == '\\')
			snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c < 0x20)
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
		else
			tmp[0] = (char)c, tmp[1] = '\0';
		size_t l = strlen(piece);
		if (k + l + 1 > cap)
			return false;
		memcpy(out + k, piece, l);
		k += l;
	}
	out[k] = '\0';
	return true;
}

int lc_publish_open(const char *path, const char *station, lc_publisher **out, lc_diag *diag)
{
	*out = NULL;
	lc_publisher *p = calloc(1, sizeof(*p));
	if (!p)
		return lc_diag_set(diag, LC_ERR_NOMEM, "publisher");
	if (strlen(path) >= sizeof(p->addr.sun_path)) {
		free(p);
		return lc_diag_set(diag, LC_ERR_ARG, "events socket '%s': longer than an AF_UNIX address", path);
	}
	char st[160];
	if (!json_escape(station ? station : "", st, sizeof(st))) {
		free(p);
		return lc_diag_set(diag, LC_ERR_ARG, "station name too long for an event");
	}
	p->prefix_len = (size_t)snprintf(p->prefix, sizeof(p->prefix), "{\"station\":\"%s\",\"pid\":%ld,", st,
					 (long)getpid());
	p->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		int e = errno;
		free(p);
		return lc_diag_set(diag, LC_ERR_IO, "events socket: %s", strerror(e));
	}
	p->addr.sun_family = AF_UNIX;
	memcpy(p->addr.sun_path, path, strlen(path) + 1);
	p->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return 0;
}

static void count_drop(lc_publisher *p)
{
	pthread_mutex_lock(&p->lock);
	p->dropped++;
	pthread_mutex_unlock(&p->lock);
}

void lc_publish_line(lc_publisher *p, const char *json, size_t len)
{
	if (!p)
		return;
	while (len && (json[len - 1] == '\n' || json[len - 1] == '\r'))
		len--;
	/* The event's own '{' is replaced by the prefix, which opens the object. */
	if (len < 2 || json[0] != '{' || p->prefix_len + len - 1 > LC_PUBLISH_DATAGRAM_MAX) {
		count_drop(p);
		return;
	}
	char buf[LC_PUBLISH_DATAGRAM_MAX];
	memcpy(buf, p->prefix, p->prefix_len);
	memcpy(buf + p->prefix_len, json + 1, len - 1);
	ssize_t n = sendto(p->fd, buf, p->prefix_len + len - 1, MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&p->addr, p->addr_len);
	if (n < 0)
		count_drop(p);
}

unsigned long lc_publish_dropped(const lc_publisher *p)
{
	if (!p)
		return 0;
	lc_publisher *m = (lc_publisher *)p;
	pthread_mutex_lock(&m->lock);
	unsigned long d = m->dropped;
	pthread_mutex_unlock(&m->lock);
	return d;
}

void lc_publish_close(lc_publisher *p)
{
	if (!p)
		return;
	close(p->fd);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
