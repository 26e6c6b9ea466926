/* Raw-socket front with a message translator for non-SCPI dialects (see inst_front.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "base/clock.h"
#include "sim/net/endpoint_lines.h"
#include "sim/inst/inst_front.h"

#define MAX_CONNS 16
#define MAX_MESSAGE 65536

struct conn {
	lc_sim_front *f;
	int fd;
	pthread_t thread;
	bool used, done;
	uint8_t *reply;
	size_t len, cap;
	bool closing;
};

struct lc_sim_front {
	lc_sim_scpi *e;
	lc_sim_translate_fn tr;
	char term[8];
	int lfd, port;
	int pty_master, pty_slave; /* -1 for a socket front */
	char pty_path[64];
	int wake[2];
	pthread_t listener;
	pthread_mutex_t mu;
	bool stopping;
	struct conn conns[MAX_CONNS];
};

/*
 * Write all of buf, or give up when the front stops. The connection is non-blocking: a client that stops
 * reading (killed in the middle of a 40 KB trace, its pty never drained) must not leave this thread in a
 * write() that stop() cannot interrupt — a socket could be shut down under it, a pty cannot.
 */
static bool send_all(struct conn *c, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	while (n > 0) {
		ssize_t w = write(c->fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return false;
		struct pollfd pf[2] = {{c->fd, POLLOUT, 0}, {c->f->wake[0], POLLIN, 0}};
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			return false;
		if (pf[1].revents)
			return false; /* stopping: the reply is abandoned */
	}
	return true;
}

static bool on_message(const uint8_t *msg, size_t len, bool overflowed, void *user)
{
	struct conn *c = user;
	if (overflowed) {
		lc_sim_push_error(c->f->e, -363, NULL);
		return true;
	}
	char tr[1024];
	int n = c->f->tr((const char *)msg, len, tr, sizeof(tr));
	if (n < 0) {
		lc_sim_push_error(c->f->e, n, NULL);
		return true;
	}
	const char *m = n > 0 ? tr : (const char *)msg;
	size_t ml = n > 0 ? (size_t)n : len;
	c->len = 0;
	int delay = 0;
	int action = lc_sim_scpi_execute(c->f->e, m, ml, &c->reply, &c->len, &c->cap, &delay);
	if (action < 0 || action == LC_SIM_SILENT)
		return true;
	if (delay > 0)
		lc_sleep_ms(delay);
	if (c->len > 0) {
		size_t tl = action == LC_SIM_CUT ? 0 : strlen(c->f->term);
		if (!send_all(c, c->reply, c->len) || (tl && !send_all(c, c->f->term, tl)))
			return false;
	}
	if (action == LC_SIM_CLOSE || action == LC_SIM_CUT) {
		c->closing = true;
		return false;
	}
	return true;
}

static void *serve(void *arg)
{
	struct conn *c = arg;
	lc_sim_lines lines;
	int fl = fcntl(c->fd, F_GETFL);
	if (fl < 0 || fcntl(c->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		/* without it a blocked reply could hang stop(): serve nothing rather than risk that */
	} else if (lc_sim_lines_init(&lines, MAX_MESSAGE, '\n') == 0) {
		uint8_t buf[4096];
		for (;;) {
			struct pollfd p[2] = {{c->fd, POLLIN, 0}, {c->f->wake[0], POLLIN, 0}};
			if (poll(p, 2, -1) < 0 && errno != EINTR)
				break;
			if (p[1].revents)
				break;
			if (!p[0].revents)
				continue;
			ssize_t n = read(c->fd, buf, sizeof(buf));
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
				continue;
			if (n <= 0 || !lc_sim_lines_feed(&lines, buf, (size_t)n, on_message, c))
				break;
		}
		lc_sim_lines_free(&lines);
	}
	if (c->f->pty_master < 0)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_lock(&c->f->mu);
	c->done = true;
	pthread_mutex_unlock(&c->f->mu);
	return NULL;
}

static void *listener(void *arg)
{
	lc_sim_front *f = arg;
	for (;;) {
		struct pollfd p[2] = {{f->lfd, POLLIN, 0}, {f->wake[0], POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!p[0].revents)
			continue;
		int fd = accept(f->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_mutex_lock(&f->mu);
		struct conn *c = NULL;
		for (int i = 0; i < MAX_CONNS && !c; i++) {
			if (f->conns[i].used && f->conns[i].done) { /* a finished connection: reap it first */
				pthread_join(f->conns[i].thread, NULL);
				close(f->conns[i].fd);
				f->conns[i].used = false;
			}
			if (!f->conns[i].used)
				c = &f->conns[i];
		}
		if (c) {
			c->f = f, c->fd = fd, c->used = true, c->done = false, c->closing = false;
			if (pthread_create(&c->thread, NULL, serve, c) != 0)
				c->used = false, c = NULL;
		}
		pthread_mutex_unlock(&f->mu);
		if (!c)
			close(fd); /* over the cap: the client sees EOF */
	}
	return NULL;
}

int lc_sim_front_start(lc_sim_scpi *e, lc_sim_translate_fn tr, const char *address, int port, const char *term,
		       lc_sim_front **out, lc_diag *diag)
{
	struct in_addr a;
	if (!address || inet_pton(AF_INET, address, &a) != 1 || (ntohl(a.s_addr) >> 24) != 127)
		return lc_diag_set(diag, LC_ERR_ARG, "'%s' is not a loopback IPv4 address", address ? address : "");
	lc_sim_front *f = calloc(1, sizeof(*f));
	if (!f)
		return LC_ERR_NOMEM;
	f->e = e, f->tr = tr;
	f->pty_master = f->pty_slave = -1;
	snprintf(f->term, sizeof(f->term), "%s", term ? term : "\n");
	for (int i = 0; i < MAX_CONNS; i++)
		f->conns[i].fd = -1;
	pthread_mutex_init(&f->mu, NULL);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = a};
	socklen_t sl = sizeof(sa);
	if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(f->lfd, 16) < 0 ||
	    getsockname(f->lfd, (struct sockaddr *)&sa, &sl) < 0 || pipe2(f->wake, O_CLOEXEC) < 0) {
		int err = errno;
		if (f->lfd >= 0)
			close(f->lfd);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return lc_diag_set(diag, err == EADDRINUSE ? LC_ERR_BUSY : err == EACCES ? LC_ERR_PERMISSION : LC_ERR_IO,
				   "%s:%d: %s", address, port, strerror(err));
	}
	f->port = ntohs(sa.sin_port);
	f->pty_master = f->pty_slave = -1;
	if (pthread_create(&f->listener, NULL, listener, f) != 0) {
		close(f->lfd), close(f->wake[0]), close(f->wake[1]);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return lc_diag_set(diag, LC_ERR_NOMEM, "no thread for the listener");
	}
	*out = f;
	return 0;
}

int lc_sim_front_start_pty(lc_sim_scpi *e, lc_sim_translate_fn tr, const char *term, lc_sim_front **out,
			   lc_diag *diag)
{
	lc_sim_front *f = calloc(1, sizeof(*f));
	if (!f)
		return LC_ERR_NOMEM;
	f->e = e, f->tr = tr, f->lfd = -1, f->pty_slave = -1;
	snprintf(f->term, sizeof(f->term), "%s", term ? term : "\n");
	pthread_mutex_init(&f->mu, NULL);
	struct termios t;
	f->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	const char *name = f->pty_master >= 0 && grantpt(f->pty_master) == 0 && unlockpt(f->pty_master) == 0
				   ? ptsname(f->pty_master)
				   : NULL;
	if (name)
		snprintf(f->pty_path, sizeof(f->pty_path), "%s", name);
	/* our own slave descriptor keeps the pty alive between clients and sets raw mode once */
	if (name)
		f->pty_slave = open(f->pty_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (f->pty_slave >= 0 && tcgetattr(f->pty_slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(f->pty_slave, TCSANOW, &t);
	}
	if (f->pty_slave < 0 || pipe2(f->wake, O_CLOEXEC) < 0) {
		int err = errno;
		if (f->pty_slave >= 0)
			close(f->pty_slave);
		if (f->pty_master >= 0)
			close(f->pty_master);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return lc_diag_set(diag, LC_ERR_IO, "pseudo-terminal: %s", strerror(err));
	}
	struct conn *c = &f->conns[0];
	for (int i = 0; i < MAX_CONNS; i++)
		f->conns[i].fd = -1;
	c->f = f, c->fd = f->pty_master, c->used = true;
	if (pthread_create(&c->thread, NULL, serve, c) != 0) {
		close(f->pty_slave), close(f->pty_master), close(f->wake[0]), close(f->wake[1]);
		pthread_mutex_destroy(&f->mu);
		free(f);
		return lc_diag_set(diag, LC_ERR_NOMEM, "no thread for the pseudo-terminal");
	}
	*out = f;
	return 0;
}

int lc_sim_front_port(const lc_sim_front *f) { return f->port; }
const char *lc_sim_front_pty_path(const lc_sim_front *f) { return f->pty_master >= 0 ? f->pty_path : NULL; }

void lc_sim_front_stop(lc_sim_front *f)
{
	if (!f)
		return;
	/* one byte wakes every poll() of the front for good: the pipe is never read */
	if (write(f->wake[1], "x", 1) < 0) {
		/* nothing else can wake them; the fds below are shut down anyway */
	}
	bool pty = f->pty_master >= 0;
	if (!pty)
		pthread_join(f->listener, NULL);
	for (int i = 0; i < MAX_CONNS; i++) {
		if (!f->conns[i].used)
			continue;
		if (!pty)
			shutdown(f->conns[i].fd, SHUT_RDWR);
		pthread_join(f->conns[i].thread, NULL);
		close(f->conns[i].fd);
		free(f->conns[i].reply);
	}
	if (pty)
		close(f->pty_slave);
	else
		close(f->lfd);
	close(f->wake[0]), close(f->wake[1]);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
