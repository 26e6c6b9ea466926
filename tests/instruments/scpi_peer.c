/* Scripted loopback SCPI peer for the driver tests (scpi_peer.h). */
#include "scpi_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_RULES 128
#define LOG_MAX 65536

struct rule {
	char cmd[128];
	char *reply;
	size_t len;
	bool once, used, raw, refuse;
};

struct scpi_peer {
	int lfd;
	volatile int stop;
	pthread_t th;
	pthread_mutex_t mu;
	char resource[64];
	struct rule rules[MAX_RULES];
	int n_rules;
	char log[LOG_MAX], log_nostb[LOG_MAX], unexpected[LOG_MAX];
	char snapshot[LOG_MAX];
	bool bad_term;
	char errq[8][128]; /* what refused lines queued, oldest first (scpi_peer_rule_refuse) */
	int n_err;
};

static void append(char *buf, const char *line)
{
	size_t n = strlen(buf);
	snprintf(buf + n, LOG_MAX - n, "%s%s", n ? "|" : "", line);
}

/* Glob with '*' as the only wildcard ('?' is literal: SCPI queries end in it). */
static bool glob(const char *pat, const char *s)
{
	if (!*pat)
		return !*s;
	if (*pat == '*')
		return glob(pat + 1, s) || (*s && glob(pat, s + 1));
	return *s == *pat && glob(pat + 1, s + 1);
}

static bool match(const struct rule *r, const char *line)
{
	/* "*IDN?" and friends start with a literal '*'. */
	if (r->cmd[0] == '*' && r->cmd[1] && r->cmd[1] != '*' && strchr(r->cmd + 1, '*') == NULL)
		return strcmp(r->cmd, line) == 0;
	if (r->cmd[0] == '*')
		return line[0] == '*' && glob(r->cmd + 1, line + 1);
	return glob(r->cmd, line);
}

static void handle(scpi_peer *p, int fd, const char *line)
{
	pthread_mutex_lock(&p->mu);
	append(p->log, line);
	if (strcmp(line, "*STB?") != 0 && strcmp(line, "SYST:ERR?") != 0)
		append(p->log_nostb, line);
	/* Unused one-shot rules first, so a scripted sequence overrides the standing answers. */
	struct rule *hit = NULL;
	char err_reply[136] = "";
	if (p->n_err > 0 && strcmp(line, "*STB?") == 0) {
		snprintf(err_reply, sizeof err_reply, "4\n"); /* EAV while the queue holds an entry */
	} else if (p->n_err > 0 && strcmp(line, "SYST:ERR?") == 0) {
		snprintf(err_reply, sizeof err_reply, "%s\n", p->errq[0]);
		memmove(p->errq[0], p->errq[1], sizeof p->errq[0] * (size_t)(--p->n_err));
	}
	if (err_reply[0]) {
		pthread_mutex_unlock(&p->mu);
		ssize_t w = write(fd, err_reply, strlen(err_reply));
		(void)w;
		return;
	}
	for (int pass = 0; pass < 2 && !hit; pass++)
		for (int i = 0; i < p->n_rules && !hit; i++)
			if (p->rules[i].once == (pass == 0) && !(p->rules[i].once && p->rules[i].used) &&
			    match(&p->rules[i], line))
				hit = &p->rules[i];
	char *out = NULL;
	size_t len = 0;
	if (!hit) {
		append(p->unexpected, line);
	} else if (hit->refuse) {
		hit->used = true;
		if (p->n_err < 8)
			snprintf(p->errq[p->n_err++], sizeof p->errq[0], "%.*s", (int)hit->len, hit->reply);
	} else {
		hit->used = true;
		if (hit->reply) {
			len = hit->len + (hit->raw ? 0 : 1);
			out = malloc(len);
			memcpy(out, hit->reply, hit->len);
			if (!hit->raw)
				out[hit->len] = '\n';
		}
	}
	pthread_mutex_unlock(&p->mu);
	if (out) {
		ssize_t w = write(fd, out, len);
		(void)w;
		free(out);
	}
}

static void serve(scpi_peer *p, int fd)
{
	char buf[4096];
	size_t have = 0;
	for (;;) {
		struct pollfd pf = {fd, POLLIN, 0};
		if (poll(&pf, 1, 100) == 0) {
			if (p->stop)
				return;
			continue;
		}
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r <= 0)
			return;
		have += (size_t)r;
		char *nl;
		while ((nl = memchr(buf, '\n', have))) {
			*nl = '\0';
			if (nl > buf && nl[-1] == '\r')
				p->bad_term = true;
			handle(p, fd, buf);
			size_t used = (size_t)(nl - buf) + 1;
			memmove(buf, nl + 1, have - used);
			have -= used;
		}
		if (have == sizeof(buf) - 1)
			have = 0;
	}
}

static void *run(void *arg)
{
	scpi_peer *p = arg;
	while (!p->stop) {
		struct pollfd pf = {p->lfd, POLLIN, 0};
		if (poll(&pf, 1, 50) <= 0)
			continue;
		int fd = accept(p->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		serve(p, fd);
		close(fd);
	}
	return NULL;
}

scpi_peer *scpi_peer_start(void)
{
	scpi_peer *p = calloc(1, sizeof(*p));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof(a);
	p->lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(p->lfd, 4) < 0 ||
	    getsockname(p->lfd, (struct sockaddr *)&a, &al) < 0) {
		if (p->lfd >= 0)
			close(p->lfd);
		free(p);
		return NULL;
	}
	snprintf(p->resource, sizeof(p->resource), "TCPIP::127.0.0.1::%u::SOCKET", ntohs(a.sin_port));
	pthread_mutex_init(&p->mu, NULL);
	pthread_create(&p->th, NULL, run, p);
	return p;
}

void scpi_peer_stop(scpi_peer *p)
{
	if (!p)
		return;
	p->stop = 1;
	pthread_join(p->th, NULL);
	close(p->lfd);
	for (int i = 0; i < p->n_rules; i++)
		free(p->rules[i].reply);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

const char *scpi_peer_resource(const scpi_peer *p)
{
	return p->resource;
}

static void add_rule(scpi_peer *p, const char *cmd, const void *reply, size_t len, bool once, bool raw)
{
	pthread_mutex_lock(&p->mu);
	if (p->n_rules < MAX_RULES) {
		struct rule *r = &p->rules[p->n_rules++];
		snprintf(r->cmd, sizeof(r->cmd), "%s", cmd);
		if (reply) {
			r->reply = malloc(len ? len : 1);
			memcpy(r->reply, reply, len);
			r->len = len;
		}
		r->once = once;
		r->raw = raw;
	}
	pthread_mutex_unlock(&p->mu);
}

void scpi_peer_rule(scpi_peer *p, const char *cmd, const char *reply)
{
	add_rule(p, cmd, reply, reply ? strlen(reply) : 0, false, false);
}

void scpi_peer_rule_refuse(scpi_peer *p, const char *cmd, const char *error)
{
	add_rule(p, cmd, error, strlen(error), false, false);
	pthread_mutex_lock(&p->mu);
	if (p->n_rules > 0)
		p->rules[p->n_rules - 1].refuse = true;
	pthread_mutex_unlock(&p->mu);
}

void scpi_peer_rule_once(scpi_peer *p, const char *cmd, const char *reply)
{
	add_rule(p, cmd, reply, reply ? strlen(reply) : 0, true, false);
}

void scpi_peer_rule_bytes(scpi_peer *p, const char *cmd, const void *bytes, size_t len)
{
	add_rule(p, cmd, bytes, len, false, true);
}

void scpi_peer_rule_bytes_once(scpi_peer *p, const char *cmd, const void *bytes, size_t len)
{
	add_rule(p, cmd, bytes, len, true, true);
}

void scpi_peer_rule_common(scpi_peer *p)
{
	scpi_peer_rule(p, "*STB?", "0");
	scpi_peer_rule(p, "*OPC?", "1");
}

static const char *copy_locked(scpi_peer *p, const char *src)
{
	pthread_mutex_lock(&p->mu);
	snprintf(p->snapshot, sizeof(p->snapshot), "%s", src);
	pthread_mutex_unlock(&p->mu);
	return p->snapshot;
}

const char *scpi_peer_log(scpi_peer *p)
{
	return copy_locked(p, p->log);
}

const char *scpi_peer_log_nostb(scpi_peer *p)
{
	return copy_locked(p, p->log_nostb);
}

const char *scpi_peer_unexpected(scpi_peer *p)
{
	return copy_locked(p, p->unexpected);
}

void scpi_peer_clear_log(scpi_peer *p)
{
	pthread_mutex_lock(&p->mu);
	p->log[0] = p->log_nostb[0] = p->unexpected[0] = '\0';
	pthread_mutex_unlock(&p->mu);
}

bool scpi_peer_lf_only(scpi_peer *p)
{
	return !p->bad_term;
}
