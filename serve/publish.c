/*
 * The run side of the live view: each event `lanecert run` prints with --json goes, as one message, to an
 * AF_UNIX SOCK_SEQPACKET socket the server may or may not be listening on. A message socket because an
 * event is a message (no framing to get wrong, no half-sent line); a connection rather than datagrams because
 * Linux caps a datagram socket's receive queue at net.unix.max_dgram_qlen (10 by default), and a burst of
 * four slots starting at once overflows it: on a connection the limit is the send buffer (some 200 KiB, a few
 * hundred events). Everything is non-blocking: connect() on a local socket succeeds or fails at once, and a
 * send either queues the whole event or fails, so the run never waits for the server and never sees SIGPIPE.
 * No server (ENOENT, ECONNREFUSED), a full backlog or a full buffer (EAGAIN), a server that went away (EPIPE):
 * the event is dropped and counted, and a new connection is tried at most every RECONNECT_MS.
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
#include <time.h>
#include <unistd.h>

#include <lanecert/results.h>

#define RECONNECT_MS 500

struct lc_publisher {
	int fd;                 /* -1: not connected */
	int64_t next_try_ms;    /* monotonic: no connection attempt before */
	struct sockaddr_un addr;
	socklen_t addr_len;
	char prefix[256];   /* {"station":"NAME","pid":N, */
	size_t prefix_len;
	unsigned long dropped;
	pthread_mutex_t lock; /* the connection and the counter: slots publish from their own threads */
};

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Connect if not connected and the last attempt is old enough; false when there is no connection. Called
 * with the lock held. */
static bool connected(lc_publisher *p)
{
	if (p->fd >= 0)
		return true;
	int64_t now = mono_ms();
	if (now < p->next_try_ms)
		return false;
	p->next_try_ms = now + RECONNECT_MS;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (const struct sockaddr *)&p->addr, p->addr_len) < 0) {
		close(fd);
		return false;
	}
	p->fd = fd;
	return true;
}

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
	p->fd = -1;
	p->addr.sun_family = AF_UNIX;
	memcpy(p->addr.sun_path, path, strlen(path) + 1);
	p->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return 0;
}

void lc_publish_line(lc_publisher *p, const char *json, size_t len)
{
	if (!p)
		return;
	while (len && (json[len - 1] == '\n' || json[len - 1] == '\r'))
		len--;
	pthread_mutex_lock(&p->lock);
	/* The event's own '{' is replaced by the prefix, which opens the object. */
	if (len < 2 || json[0] != '{' || p->prefix_len + len - 1 > LC_PUBLISH_DATAGRAM_MAX || !connected(p)) {
		p->dropped++;
		pthread_mutex_unlock(&p->lock);
		return;
	}
	char buf[LC_PUBLISH_DATAGRAM_MAX];
	memcpy(buf, p->prefix, p->prefix_len);
	memcpy(buf + p->prefix_len, json + 1, len - 1);
	if (send(p->fd, buf, p->prefix_len + len - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		p->dropped++;
		if (errno != EAGAIN && errno != EWOULDBLOCK) { /* the server went away: try a new one later */
			close(p->fd);
			p->fd = -1;
		}
	}
	pthread_mutex_unlock(&p->lock);
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
	if (p->fd >= 0)
		close(p->fd);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
