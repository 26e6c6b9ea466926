#include "loopback_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_STEPS 64
#define WAIT_MS 15000

struct lb_server {
	int lfd, cfd;
	int pty_slave; /* lb_start_pty: the pty's slave kept open in raw mode (no echo of the client's lines); else -1 */
	uint16_t port;
	char resource[96];
	pthread_t th;
	lb_step steps[MAX_STEPS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int signals;
	int releases;
	int failures;
	char failure[256];
	volatile int stop;
	int finished;
	volatile int accepted;
	char line[1 << 16];
	size_t have; /* bytes buffered in line[] */
};

static void fail(lb_server *s, const char *fmt, const char *a, const char *b)
{
	if (s->failures++ == 0)
		snprintf(s->failure, sizeof(s->failure), fmt, a, b);
}

/* A pty master is no socket: read/write there, recv/send (no SIGPIPE) on a connection. */
static ssize_t lb_recv(lb_server *s, void *buf, size_t len)
{
	return s->pty_slave >= 0 ? read(s->cfd, buf, len) : recv(s->cfd, buf, len, 0);
}

static ssize_t lb_send(lb_server *s, const void *buf, size_t len)
{
	return s->pty_slave >= 0 ? write(s->cfd, buf, len) : send(s->cfd, buf, len, MSG_NOSIGNAL);
}

static int wait_in(lb_server *s)
{
	struct pollfd p = {.fd = s->cfd, .events = POLLIN};
	for (int waited = 0; waited < WAIT_MS && !s->stop; waited += 50) {
		int r = poll(&p, 1, 50);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
	return -1;
}

static int fill(lb_server *s)
{
	if (s->have == sizeof(s->line))
		return -1;
	if (wait_in(s) != 0)
		return -1;
	ssize_t n = lb_recv(s, s->line + s->have, sizeof(s->line) - s->have);
	if (n <= 0)
		return -1;
	s->have += (size_t)n;
	return 0;
}

/* One line without its '\n' into out; -1 on EOF/timeout. */
static int read_line(lb_server *s, char *out, size_t cap)
{
	for (;;) {
		char *nl = memchr(s->line, '\n', s->have);
		if (nl) {
			size_t l = (size_t)(nl - s->line);
			size_t k = l < cap - 1 ? l : cap - 1;
			memcpy(out, s->line, k);
			out[k] = '\0';
			memmove(s->line, nl + 1, s->have - l - 1);
			s->have -= l + 1;
			return 0;
		}
		if (fill(s) != 0)
			return -1;
	}
}

static int read_bytes(lb_server *s, char *out, size_t len)
{
	while (s->have < len)
		if (fill(s) != 0)
			return -1;
	memcpy(out, s->line, len);
	memmove(s->line, s->line + len, s->have - len);
	s->have -= len;
	return 0;
}

static void send_all(lb_server *s, const char *p, size_t len, size_t chunk)
{
	size_t done = 0;
	if (chunk == 0)
		chunk = len;
	while (done < len && !s->stop) {
		size_t k = len - done < chunk ? len - done : chunk;
		ssize_t n = lb_send(s, p + done, k);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		done += (size_t)n;
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void echo_loop(lb_server *s)
{
	char l[1 << 12];
	while (!s->stop && read_line(s, l, sizeof(l)) == 0) {
		const char *arg = strncmp(l, "ECHO? ", 6) == 0 ? l + 6 : l;
		char out[(1 << 12) + 2];
		int n = snprintf(out, sizeof(out), "%s\n", arg);
		send_all(s, out, (size_t)n, 0);
	}
}

static void play(lb_server *s);

static void *server_main(void *arg)
{
	lb_server *s = arg;
	play(s);
	pthread_mutex_lock(&s->mu);
	s->finished = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static void play(lb_server *s)
{
	if (s->pty_slave < 0) {
		struct pollfd p = {.fd = s->lfd, .events = POLLIN};
		int waited = 0;
		while (!s->stop && waited < WAIT_MS) {
			if (poll(&p, 1, 50) > 0)
				break;
			waited += 50;
		}
		if (s->stop || waited >= WAIT_MS)
			return;
		s->cfd = accept(s->lfd, NULL, NULL);
		s->accepted = 1;
		if (s->cfd < 0)
			return;
		int one = 1;
		setsockopt(s->cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	for (int i = 0; i < MAX_STEPS && s->steps[i].op != LB_END && !s->stop; i++) {
		const lb_step *st = &s->steps[i];
		char buf[1 << 12];
		switch (st->op) {
		case LB_EXPECT:
			if (read_line(s, buf, sizeof(buf)) != 0)
				fail(s, "expected '%.100s', got nothing%s", st->data, "");
			else if (strcmp(buf, st->data) != 0)
				fail(s, "expected '%.100s', got '%.100s'", st->data, buf);
			break;
		case LB_EXPECT_BYTES: {
			char *b = malloc(st->len);
			if (!b || read_bytes(s, b, st->len) != 0)
				fail(s, "expected %s bytes%s, got fewer", "raw", "");
			else if (memcmp(b, st->data, st->len) != 0)
				fail(s, "raw bytes differ%s%s", "", "");
			free(b);
			break;
		}
		case LB_SEND:
			send_all(s, st->data, st->len ? st->len : strlen(st->data), (size_t)st->arg);
			break;
		case LB_SLEEP:
			sleep_ms(st->arg);
			break;
		case LB_CLOSE:
			close(s->cfd);
			s->cfd = -1;
			return;
		case LB_HOLD: {
			/* in slices, so that lb_stop() (s->stop) ends the wait too */
			int released = 0;
			for (int held = 0; !released && !s->stop && held < WAIT_MS; held += 50) {
				pthread_mutex_lock(&s->mu);
				if (s->releases > 0) {
					s->releases--;
					released = 1;
				}
				pthread_mutex_unlock(&s->mu);
				if (!released)
					sleep_ms(50);
			}
			if (!released && !s->stop)
				fail(s, "held %s: the test never called lb_release()%s", "15 s", "");
			break;
		}
		case LB_SIGNAL:
			pthread_mutex_lock(&s->mu);
			s->signals++;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
			break;
		case LB_FLOOD: {
			/* arg bytes of 'x', or (arg < 0) until the client goes away or the test stops us */
			static char x[1 << 16];
			memset(x, 'x', sizeof(x));
			size_t left = st->arg < 0 ? SIZE_MAX : (size_t)st->arg;
			while (left > 0 && !s->stop) {
				size_t k = left < sizeof(x) ? left : sizeof(x);
				ssize_t n = lb_send(s, x, k);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					break;
				left -= (size_t)n;
			}
			break;
		}
		case LB_ECHO:
			echo_loop(s);
			break;
		case LB_SINK: {
			size_t left = (size_t)st->arg;
			size_t k = s->have < left ? s->have : left;
			memmove(s->line, s->line + k, s->have - k);
			s->have -= k;
			left -= k;
			while (left > 0) {
				if (wait_in(s) != 0)
					break;
				ssize_t n = lb_recv(s, s->line, left < sizeof(s->line) ? left : sizeof(s->line));
				if (n <= 0)
					break;
				left -= (size_t)n;
			}
			if (left)
				fail(s, "sink: %s bytes missing%s", "some", "");
			break;
		}
		case LB_END:
			break;
		}
	}
	return;
}

lb_server *lb_start(const lb_step *steps)
{
	lb_server *s = calloc(1, sizeof(*s));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	if (!s)
		return NULL;
	s->cfd = -1;
	s->pty_slave = -1;
	for (int i = 0; i < MAX_STEPS - 1 && steps[i].op != LB_END; i++)
		s->steps[i] = steps[i];
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->lfd, 4) != 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0) {
		free(s);
		return NULL;
	}
	s->port = ntohs(a.sin_port);
	snprintf(s->resource, sizeof(s->resource), "TCPIP::127.0.0.1::%u::SOCKET", s->port);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_create(&s->th, NULL, server_main, s);
	return s;
}

lb_server *lb_start_pty(const lb_step *steps)
{
	lb_server *s = calloc(1, sizeof(*s));
	char path[64];
	if (!s)
		return NULL;
	s->lfd = -1;
	s->cfd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->cfd < 0 || grantpt(s->cfd) != 0 || unlockpt(s->cfd) != 0 || ptsname_r(s->cfd, path, sizeof(path)) != 0)
		goto fail;
	/* raw before any input arrives, or the line discipline would echo the client's lines back to it */
	s->pty_slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios t;
	if (s->pty_slave < 0 || tcgetattr(s->pty_slave, &t) != 0)
		goto fail;
	cfmakeraw(&t);
	if (tcsetattr(s->pty_slave, TCSANOW, &t) != 0)
		goto fail;
	for (int i = 0; i < MAX_STEPS - 1 && steps[i].op != LB_END; i++)
		s->steps[i] = steps[i];
	s->accepted = 1;
	snprintf(s->resource, sizeof(s->resource), "ASRL%s::INSTR", path);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_create(&s->th, NULL, server_main, s);
	return s;
fail:
	if (s->cfd >= 0)
		close(s->cfd);
	if (s->pty_slave > 0)
		close(s->pty_slave);
	free(s);
	return NULL;
}

uint16_t lb_port(const lb_server *s)
{
	return s->port;
}

const char *lb_resource(const lb_server *s)
{
	return s->resource;
}

void lb_release(lb_server *s)
{
	pthread_mutex_lock(&s->mu);
	s->releases++;
	pthread_mutex_unlock(&s->mu);
}

int lb_wait_signal(lb_server *s)
{
	struct timespec ts;
	int rc = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&s->mu);
	while (s->signals == 0 && rc == 0)
		rc = pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	if (s->signals > 0)
		s->signals--;
	pthread_mutex_unlock(&s->mu);
	return rc == 0 ? 0 : -1;
}

int lb_stop(lb_server *s)
{
	struct timespec ts;
	/* let the script finish on its own first (the client's last bytes may still be in flight; on a loaded
	 * machine they may take seconds) */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	pthread_mutex_lock(&s->mu);
	while (!s->finished && s->accepted && pthread_cond_timedwait(&s->cv, &s->mu, &ts) == 0)
		;
	pthread_mutex_unlock(&s->mu);
	s->stop = 1;
	if (s->cfd >= 0 && s->pty_slave < 0)
		shutdown(s->cfd, SHUT_RDWR);
	pthread_join(s->th, NULL);
	if (s->cfd >= 0)
		close(s->cfd);
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->pty_slave >= 0)
		close(s->pty_slave);
	int f = s->failures;
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
	return f;
}

const char *lb_failure(const lb_server *s)
{
	return s->failure;
}
