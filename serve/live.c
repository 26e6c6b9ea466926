#include "serve/live.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <lanecert/results.h>

#include "serve/serve.h"

struct ring_entry {
	uint64_t seq;
	char *text; /* the event as compact JSON */
};

struct lc_live {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t boot, seq;               /* seq: the last event's number */
	struct ring_entry ring[LC_LIVE_RING];
	lc_live_slot slots[LC_LIVE_SLOTS_MAX];
	size_t n_slots;
	bool stopping;
	unsigned long received, rejected;
	/* the receiver */
	int fd, stop_pipe[2];
	pthread_t thread;
	bool listening;
	char path[108];
};

int lc_live_new(lc_live **out, lc_diag *diag)
{
	lc_live *l = calloc(1, sizeof(*l));
	if (!l)
		return lc_diag_set(diag, LC_ERR_NOMEM, "live view");
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cond, &ca);
	pthread_condattr_destroy(&ca);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	l->boot = ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 40);
	l->boot &= 0xffffffffffffULL;
	if (l->boot == 0)
		l->boot = 1;
	l->fd = -1;
	l->stop_pipe[0] = l->stop_pipe[1] = -1;
	*out = l;
	return 0;
}

static void copy_str(char *dst, size_t cap, json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : "";
	snprintf(dst, cap, "%s", s);
}

static double number_or_nan(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static lc_live_slot *slot_of(lc_live *l, const char *station, unsigned slot)
{
	for (size_t i = 0; i < l->n_slots; i++)
		if (l->slots[i].slot == slot && strcmp(l->slots[i].station, station) == 0)
			return &l->slots[i];
	if (l->n_slots == LC_LIVE_SLOTS_MAX)
		return NULL;
	lc_live_slot *s = &l->slots[l->n_slots++];
	memset(s, 0, sizeof(*s));
	snprintf(s->station, sizeof(s->station), "%s", station);
	s->slot = slot;
	s->fraction = NAN;
	s->eta_s = NAN;
	return s;
}

/* What an event does to its slot's state (the same rules as the page's script, serve/assets.c). */
static void apply(lc_live_slot *s, const char *ev, json_t *o)
{
	if (strcmp(ev, "slot_start") == 0) {
		s->running = true;
		copy_str(s->serial, sizeof(s->serial), json_object_get(o, "serial"));
		copy_str(s->operator_name, sizeof(s->operator_name), json_object_get(o, "operator"));
		copy_str(s->procedure, sizeof(s->procedure), json_object_get(o, "procedure"));
		copy_str(s->cable, sizeof(s->cable), json_object_get(o, "cable_type"));
		s->step[0] = '\0';
		s->index = s->total = 0;
		s->fraction = s->eta_s = NAN;
		s->progress_text[0] = '\0';
	} else if (strcmp(ev, "step_start") == 0) {
		s->running = true;
		copy_str(s->step, sizeof(s->step), json_object_get(o, "step"));
		json_int_t i = json_integer_value(json_object_get(o, "index"));
		json_int_t n = json_integer_value(json_object_get(o, "total"));
		s->index = i > 0 && i < 100000 ? (unsigned)i : 0;
		s->total = n > 0 && n < 100000 ? (unsigned)n : 0;
		s->fraction = s->eta_s = NAN;
		s->progress_text[0] = '\0';
	} else if (strcmp(ev, "progress") == 0) {
		double f = number_or_nan(json_object_get(o, "fraction"));
		s->fraction = f >= 0 && f <= 1 ? f : NAN;
		double e = number_or_nan(json_object_get(o, "eta_s"));
		s->eta_s = e >= 0 && e < 1e9 ? e : NAN;
		copy_str(s->progress_text, sizeof(s->progress_text), json_object_get(o, "text"));
	} else if (strcmp(ev, "result") == 0) {
		s->running = false;
		copy_str(s->last_verdict, sizeof(s->last_verdict), json_object_get(o, "verdict"));
		copy_str(s->last_reason, sizeof(s->last_reason), json_object_get(o, "reason"));
		copy_str(s->last_serial, sizeof(s->last_serial), json_object_get(o, "serial"));
		s->step[0] = '\0';
		s->index = s->total = 0;
		s->fraction = s->eta_s = NAN;
		s->progress_text[0] = '\0';
	} else if (strcmp(ev, "attempt") == 0 && !s->serial[0]) {
		copy_str(s->serial, sizeof(s->serial), json_object_get(o, "serial"));
	}
}

static bool known_event(const char *ev)
{
	static const char *const known[] = {"slot_start", "attempt", "step_start", "step_end", "measurement",
					    "progress", "log", "result"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(ev, known[i]) == 0)
			return true;
	return false;
}

int lc_live_ingest(lc_live *l, const char *buf, size_t len)
{
	json_error_t err;
	json_t *o = len <= LC_PUBLISH_DATAGRAM_MAX ? json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err) : NULL;
	json_t *ev = json_object_get(o, "event"), *st = json_object_get(o, "station"), *sl = json_object_get(o, "slot");
	char *text = NULL;
	if (!json_is_object(o) || !json_is_string(ev) || !known_event(json_string_value(ev)) || !json_is_string(st) ||
	    json_string_length(st) >= sizeof(((lc_live_slot *)0)->station) || !json_is_integer(sl) ||
	    json_integer_value(sl) < 1 || json_integer_value(sl) > 9999 ||
	    !(text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII))) {
		json_decref(o);
		pthread_mutex_lock(&l->lock);
		l->rejected++;
		pthread_mutex_unlock(&l->lock);
		return LC_ERR_FORMAT;
	}
	pthread_mutex_lock(&l->lock);
	lc_live_slot *s = slot_of(l, json_string_value(st), (unsigned)json_integer_value(sl));
	if (s) {
		apply(s, json_string_value(ev), o);
		s->updated_ms = lc_result_wall_ms();
	}
	l->seq++;
	struct ring_entry *e = &l->ring[l->seq % LC_LIVE_RING];
	free(e->text);
	e->seq = l->seq;
	e->text = text;
	l->received++;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	json_decref(o);
	return 0;
}

size_t lc_live_slots(lc_live *l, lc_live_slot *out, size_t cap, char last_id[40])
{
	pthread_mutex_lock(&l->lock);
	size_t n = l->n_slots < cap ? l->n_slots : cap;
	memcpy(out, l->slots, n * sizeof(*out));
	snprintf(last_id, 40, "%" PRIx64 ".%" PRIu64, l->boot, l->seq);
	pthread_mutex_unlock(&l->lock);
	return n;
}

uint64_t lc_live_resume_point(lc_live *l, const char *last_id, bool *reset)
{
	*reset = false;
	pthread_mutex_lock(&l->lock);
	uint64_t next = l->seq + 1, boot, seq;
	char tail;
	if (last_id && sscanf(last_id, "%" SCNx64 ".%" SCNu64 "%c", &boot, &seq, &tail) == 2) {
		if (boot != l->boot || seq > l->seq)
			*reset = true; /* another server's ids: the page's state is not ours */
		else if (l->seq - seq >= LC_LIVE_RING)
			*reset = true; /* fell out of the ring */
		else
			next = seq + 1;
	}
	pthread_mutex_unlock(&l->lock);
	return next;
}

long lc_live_read(lc_live *l, uint64_t *next, bool *reset, char *buf, size_t cap, int wait_ms)
{
	pthread_mutex_lock(&l->lock);
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!l->stopping && !*reset && *next > l->seq)
		if (pthread_cond_timedwait(&l->cond, &l->lock, &until) == ETIMEDOUT)
			break;
	if (l->stopping) {
		pthread_mutex_unlock(&l->lock);
		return -1;
	}
	if (!*reset && *next <= l->seq && l->seq - *next >= LC_LIVE_RING)
		*reset = true; /* the reader was too slow: the ring moved past it */
	size_t k = 0;
	if (*reset) {
		/* The page reloads: its server-rendered state is then current again. */
		int n = snprintf(buf, cap, "event: reset\ndata: {}\n\n");
		*reset = false;
		*next = l->seq + 1;
		pthread_mutex_unlock(&l->lock);
		return n;
	}
	while (*next <= l->seq) {
		struct ring_entry *e = &l->ring[*next % LC_LIVE_RING];
		char head[64];
		int h = snprintf(head, sizeof(head), "id: %" PRIx64 ".%" PRIu64 "\ndata: ", l->boot, e->seq);
		size_t t = strlen(e->text);
		if (k + (size_t)h + t + 2 > cap)
			break;
		memcpy(buf + k, head, (size_t)h);
		memcpy(buf + k + (size_t)h, e->text, t);
		memcpy(buf + k + (size_t)h + t, "\n\n", 2);
		k += (size_t)h + t + 2;
		(*next)++;
	}
	bool too_large = k == 0 && *next <= l->seq;
	if (too_large)
		(*next)++; /* an event larger than the reader's whole buffer: skipped, said, never a stuck stream */
	pthread_mutex_unlock(&l->lock);
	if (k == 0) /* nothing new in wait_ms */
		k = (size_t)snprintf(buf, cap, too_large ? ": event too large, skipped\n\n" : ": keep-alive\n\n");
	return (long)k;
}

void lc_live_counts(lc_live *l, unsigned long *received, unsigned long *rejected)
{
	pthread_mutex_lock(&l->lock);
	*received = l->received;
	*rejected = l->rejected;
	pthread_mutex_unlock(&l->lock);
}

#define PUBLISHERS_MAX 64 /* runs connected at once; more wait in the backlog, then are refused */

static void count_rejected(lc_live *l)
{
	pthread_mutex_lock(&l->lock);
	l->rejected++;
	pthread_mutex_unlock(&l->lock);
}

/* One thread takes the runs' connections and their messages: a poll over the stop pipe, the listening socket
 * and the connected runs. */
static void *receiver(void *arg)
{
	lc_live *l = arg;
	char buf[LC_PUBLISH_DATAGRAM_MAX + 1];
	struct pollfd p[2 + PUBLISHERS_MAX];
	size_t n_conn = 0;
	p[0] = (struct pollfd){.fd = l->stop_pipe[0], .events = POLLIN};
	p[1] = (struct pollfd){.fd = l->fd, .events = POLLIN};
	for (;;) {
		p[1].events = n_conn < PUBLISHERS_MAX ? POLLIN : 0;
		if (poll(p, 2 + n_conn, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN) {
			int c = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (c >= 0)
				p[2 + n_conn++] = (struct pollfd){.fd = c, .events = POLLIN};
		}
		for (size_t i = 0; i < n_conn; i++) {
			if (!p[2 + i].revents)
				continue;
			ssize_t n = recv(p[2 + i].fd, buf, sizeof(buf), MSG_TRUNC | MSG_DONTWAIT);
			if (n > 0 && (size_t)n > LC_PUBLISH_DATAGRAM_MAX)
				count_rejected(l); /* cut by the kernel: never read as a shorter event */
			else if (n > 0)
				lc_live_ingest(l, buf, (size_t)n);
			else if (n == 0 || (errno != EAGAIN && errno != EINTR)) { /* the run ended */
				close(p[2 + i].fd);
				p[2 + i] = p[2 + --n_conn];
				i--;
			}
		}
	}
	for (size_t i = 0; i < n_conn; i++)
		close(p[2 + i].fd);
	return NULL;
}

int lc_live_listen(lc_live *l, const char *path, lc_diag *diag)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return lc_diag_set(diag, LC_ERR_ARG, "events socket '%s': longer than an AF_UNIX address", path);
	strcpy(a.sun_path, path);
	struct stat st;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return lc_diag_set(diag, LC_ERR_BUSY, "events socket '%s': a file that is not a socket is there", path);
		int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		int c = probe >= 0 ? connect(probe, (struct sockaddr *)&a, sizeof(a)) : -1;
		int e = errno;
		if (probe >= 0)
			close(probe);
		if (c == 0 || e == EAGAIN) /* accepted, or a backlog full of waiting runs: a server is there */
			return lc_diag_set(diag, LC_ERR_BUSY, "events socket '%s': another server receives on it", path);
		if (e == ECONNREFUSED)
			unlink(path); /* left by a server that died */
		else if (e == EPROTOTYPE)
			return lc_diag_set(diag, LC_ERR_BUSY, "events socket '%s': a socket of another kind is there", path);
	}
	l->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return lc_diag_set(diag, LC_ERR_IO, "events socket: %s", strerror(errno));
	if (bind(l->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;
		close(l->fd);
		l->fd = -1;
		return lc_diag_set(diag, e == EADDRINUSE ? LC_ERR_BUSY : LC_ERR_IO, "events socket '%s': %s", path,
				   strerror(e));
	}
	/* Runs of the station's users (the group of the store's folder) may connect; nobody else. */
	chmod(path, 0660);
	if (listen(l->fd, 64) < 0) {
		int e = errno;
		close(l->fd);
		unlink(path);
		l->fd = -1;
		return lc_diag_set(diag, LC_ERR_IO, "events socket '%s': listen: %s", path, strerror(e));
	}
	if (pipe2(l->stop_pipe, O_CLOEXEC) < 0) {
		int e = errno;
		close(l->fd);
		unlink(path);
		l->fd = -1;
		return lc_diag_set(diag, LC_ERR_IO, "pipe: %s", strerror(e));
	}
	snprintf(l->path, sizeof(l->path), "%s", path);
	int e = pthread_create(&l->thread, NULL, receiver, l);
	if (e) {
		close(l->fd);
		unlink(path);
		close(l->stop_pipe[0]);
		close(l->stop_pipe[1]);
		l->fd = l->stop_pipe[0] = l->stop_pipe[1] = -1;
		return lc_diag_set(diag, LC_ERR_IO, "thread: %s", strerror(e));
	}
	l->listening = true;
	return 0;
}

void lc_live_shutdown(lc_live *l)
{
	pthread_mutex_lock(&l->lock);
	l->stopping = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	if (l->listening) {
		ssize_t w = write(l->stop_pipe[1], "x", 1);
		(void)w;
		pthread_join(l->thread, NULL);
		close(l->fd);
		close(l->stop_pipe[0]);
		close(l->stop_pipe[1]);
		unlink(l->path);
		l->listening = false;
		l->fd = -1;
	}
}

void lc_live_free(lc_live *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < LC_LIVE_RING; i++)
		free(l->ring[i].text);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
