/*
 * What every endpoint shares: loopback-only binding, the listener thread with its connection cap, one thread
 * per connection, and a shutdown that wakes every blocked poll() through one pipe and joins every thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "sim/net/endpoint_priv.h"

#define LC_LOG_DOMAIN "sim-net"
#define DEFAULT_MAX_CONN 256
#define DEFAULT_MAX_MESSAGE (1u << 20)
#define CONN_STACK (256 * 1024)

void lc_sim_endpoint_opts_init(lc_sim_endpoint_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->address = "127.0.0.1";
	o->input_terminator = '\n';
}

int lc_sim_ep_new(lc_sim_scpi *e, enum lc_sim_endpoint_kind kind, const lc_sim_endpoint_opts *opts,
		  lc_sim_endpoint **out, lc_diag *diag)
{
	if (!e || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "endpoint: engine and out are required");
	lc_sim_endpoint_opts o;
	if (opts)
		o = *opts;
	else
		lc_sim_endpoint_opts_init(&o);
	if (!o.address)
		o.address = "127.0.0.1";
	if (o.max_connections < 0 || o.max_connections > 4096)
		return lc_diag_set(diag, LC_ERR_ARG, "endpoint: max_connections %d not in 0..4096", o.max_connections);
	if (o.port < 0 || o.port > 65535 || o.portmapper_port < -1 || o.portmapper_port > 65535)
		return lc_diag_set(diag, LC_ERR_ARG, "endpoint: port out of range");
	if (!o.max_connections)
		o.max_connections = DEFAULT_MAX_CONN;
	if (!o.max_message)
		o.max_message = DEFAULT_MAX_MESSAGE;
	if (!o.input_terminator)
		o.input_terminator = '\n';
	struct in_addr a;
	if (inet_pton(AF_INET, o.address, &a) != 1)
		return lc_diag_set(diag, LC_ERR_ARG, "endpoint: '%s' is not an IPv4 address", o.address);
	if ((ntohl(a.s_addr) >> 24) != 127)
		return lc_diag_set(diag, LC_ERR_ARG, "endpoint: '%s' is not a loopback address (127.x.y.z)", o.address);
	const char *term = o.terminator ? o.terminator : "\n";
	if (strlen(term) == 0 || strlen(term) >= 8)
		return lc_diag_set(diag, LC_ERR_ARG, "endpoint: terminator must be 1..7 bytes");
	lc_sim_endpoint *ep = calloc(1, sizeof(*ep));
	if (!ep)
		return lc_diag_set(diag, LC_ERR_NOMEM, "endpoint: out of memory");
	if (pipe2(ep->wake, O_CLOEXEC) != 0) {
		free(ep);
		return lc_diag_set(diag, LC_ERR_IO, "endpoint: pipe: %s", strerror(errno));
	}
	ep->kind = kind;
	ep->e = e;
	ep->o = o;
	snprintf(ep->address, sizeof(ep->address), "%s", o.address);
	ep->o.address = ep->address;
	snprintf(ep->terminator, sizeof(ep->terminator), "%s", term);
	ep->o.terminator = ep->terminator;
	ep->udp_fd = -1;
	ep->pty_master = ep->pty_slave = -1;
	ep->pm_port = -1;
	ep->next_lid = 1;
	pthread_mutex_init(&ep->mu, NULL);
	*out = ep;
	return 0;
}

static int bind_addr(lc_sim_endpoint *ep, int type, int port, int *bound, lc_diag *diag)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lc_diag_set(diag, LC_ERR_IO, "socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, ep->address, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int err = errno;
		close(fd);
		return lc_diag_set(diag, err == EADDRINUSE ? LC_ERR_BUSY : err == EACCES ? LC_ERR_PERMISSION : LC_ERR_IO,
				   "bind %s:%d (%s): %s", ep->address, port, type == SOCK_STREAM ? "tcp" : "udp",
				   strerror(err));
	}
	socklen_t sl = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*bound = ntohs(sa.sin_port);
	return fd;
}

int lc_sim_ep_listen_tcp(lc_sim_endpoint *ep, int port, int *bound_port, lc_diag *diag)
{
	int fd = bind_addr(ep, SOCK_STREAM, port, bound_port, diag);
	if (fd < 0)
		return fd;
	if (listen(fd, 512) != 0) {
		close(fd);
		return lc_diag_set(diag, LC_ERR_IO, "listen %s:%d: %s", ep->address, port, strerror(errno));
	}
	return fd;
}

int lc_sim_ep_bind_udp(lc_sim_endpoint *ep, int port, lc_diag *diag)
{
	int bound;
	return bind_addr(ep, SOCK_DGRAM, port, &bound, diag);
}

int lc_sim_ep_add_listener(lc_sim_endpoint *ep, int fd, lc_sim_conn_fn serve)
{
	if (ep->nlisten >= LC_SIM_MAX_LISTEN)
		return LC_ERR_OVERFLOW;
	ep->listen[ep->nlisten].fd = fd;
	ep->listen[ep->nlisten].serve = serve;
	ep->nlisten++;
	return 0;
}

static void *conn_main(void *arg)
{
	struct lc_sim_conn *c = arg;
	c->serve(c);
	pthread_mutex_lock(&c->ep->mu);
	c->done = true;
	pthread_mutex_unlock(&c->ep->mu);
	return NULL;
}

/* Join the threads of finished connections (listener thread, or stop after the listener ended). */
static void reap(lc_sim_endpoint *ep, bool all)
{
	for (;;) {
		struct lc_sim_conn *victim = NULL;
		pthread_mutex_lock(&ep->mu);
		for (struct lc_sim_conn **pp = &ep->conns; *pp; pp = &(*pp)->next) {
			if ((*pp)->done || all) {
				victim = *pp;
				*pp = victim->next;
				break;
			}
		}
		pthread_mutex_unlock(&ep->mu);
		if (!victim)
			return;
		pthread_join(victim->thread, NULL);
		close(victim->fd);
		pthread_mutex_lock(&ep->mu);
		ep->stats.open--;
		pthread_mutex_unlock(&ep->mu);
		free(victim);
	}
}

static void accept_one(lc_sim_endpoint *ep, struct lc_sim_listen *l)
{
	int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		/* Out of descriptors: the pending connection stays readable, so pause instead of spinning; other
		 * errors (ECONNABORTED) concern that one connection only. */
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			lc_sim_ep_sleep(ep, 50);
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	pthread_mutex_lock(&ep->mu);
	bool full = ep->stats.open >= ep->o.max_connections;
	if (full)
		ep->stats.refused++;
	pthread_mutex_unlock(&ep->mu);
	if (full) {
		/* Refused cleanly: the client sees EOF at once instead of hanging in the backlog. */
		lc_warn("%s: connection refused, %d open already", ep->address, ep->o.max_connections);
		close(fd);
		return;
	}
	struct lc_sim_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->ep = ep;
	c->fd = fd;
	c->serve = l->serve;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CONN_STACK);
	pthread_mutex_lock(&ep->mu);
	int r = pthread_create(&c->thread, &attr, conn_main, c);
	if (r == 0) {
		c->next = ep->conns;
		ep->conns = c;
		ep->stats.accepted++;
		ep->stats.open++;
	}
	pthread_mutex_unlock(&ep->mu);
	pthread_attr_destroy(&attr);
	if (r != 0) {
		lc_warn("%s: no thread for a connection: %s", ep->address, strerror(r));
		close(fd);
		free(c);
	}
}

static void *listener_main(void *arg)
{
	lc_sim_endpoint *ep = arg;
	struct pollfd p[LC_SIM_MAX_LISTEN + 1];
	for (;;) {
		int n = 0;
		for (int i = 0; i < ep->nlisten; i++)
			p[n++] = (struct pollfd){.fd = ep->listen[i].fd, .events = POLLIN};
		p[n++] = (struct pollfd){.fd = ep->wake[0], .events = POLLIN};
		/* the timeout only bounds how long finished connection threads wait to be joined */
		int r = poll(p, (nfds_t)n, 200);
		if (p[n - 1].revents)
			break;
		if (r > 0)
			for (int i = 0; i < ep->nlisten; i++)
				if (p[i].revents & POLLIN)
					accept_one(ep, &ep->listen[i]);
		reap(ep, false);
	}
	return NULL;
}

int lc_sim_ep_start(lc_sim_endpoint *ep, lc_diag *diag)
{
	if (ep->nlisten == 0)
		return 0;
	int r = pthread_create(&ep->listener, NULL, listener_main, ep);
	if (r != 0)
		return lc_diag_set(diag, LC_ERR_IO, "listener thread: %s", strerror(r));
	ep->listener_started = true;
	return 0;
}

int lc_sim_ep_wait(lc_sim_endpoint *ep, int fd, int timeout_ms)
{
	struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = ep->wake[0], .events = POLLIN}};
	for (;;) {
		int r = poll(p, 2, timeout_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return LC_ERR_IO;
		if (p[1].revents)
			return LC_ERR_CLOSED;
		return r > 0 ? 1 : 0;
	}
}

ssize_t lc_sim_ep_read(lc_sim_endpoint *ep, int fd, void *buf, size_t cap)
{
	int w = lc_sim_ep_wait(ep, fd, -1);
	if (w < 0)
		return w;
	for (;;) {
		ssize_t n = read(fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EIO || errno == ECONNRESET ? 0 : LC_ERR_IO;
		return n;
	}
}

int lc_sim_ep_read_full(lc_sim_endpoint *ep, int fd, void *buf, size_t n)
{
	uint8_t *p = buf;
	while (n > 0) {
		ssize_t r = lc_sim_ep_read(ep, fd, p, n);
		if (r < 0)
			return (int)r;
		if (r == 0)
			return LC_ERR_TRUNCATED;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int lc_sim_ep_write(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	while (n > 0) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0 && errno == ENOTSOCK)
			r = write(fd, p, n); /* the pty */
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			struct pollfd pf = {.fd = fd, .events = POLLOUT};
			poll(&pf, 1, 100);
			continue;
		}
		if (r <= 0)
			return LC_ERR_IO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

void lc_sim_ep_sleep(lc_sim_endpoint *ep, int ms)
{
	if (ms > 0)
		lc_sim_ep_wait(ep, ep->wake[0], ms);
}

bool lc_sim_blank(const uint8_t *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i] > 0x20)
			return false;
	return true;
}

void lc_sim_endpoint_stop(lc_sim_endpoint *ep)
{
	if (!ep)
		return;
	pthread_mutex_lock(&ep->mu);
	ep->stopping = true;
	pthread_mutex_unlock(&ep->mu);
	if (write(ep->wake[1], "x", 1) < 0) {
		/* cannot happen with an empty pipe; the shutdowns below still unblock the readers */
	}
	if (ep->listener_started)
		pthread_join(ep->listener, NULL);
	if (ep->udp_started)
		pthread_join(ep->udp_thread, NULL);
	pthread_mutex_lock(&ep->mu);
	for (struct lc_sim_conn *c = ep->conns; c; c = c->next)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&ep->mu);
	reap(ep, true);
	if (ep->proto_free)
		ep->proto_free(ep->proto);
	for (int i = 0; i < ep->nlisten; i++)
		close(ep->listen[i].fd);
	if (ep->udp_fd >= 0)
		close(ep->udp_fd);
	if (ep->pty_slave >= 0)
		close(ep->pty_slave);
	if (ep->pty_master >= 0)
		close(ep->pty_master);
	close(ep->wake[0]);
	close(ep->wake[1]);
	pthread_mutex_destroy(&ep->mu);
	free(ep);
}

enum lc_sim_endpoint_kind lc_sim_endpoint_kind(const lc_sim_endpoint *ep)
{
	return ep->kind;
}

int lc_sim_endpoint_port(const lc_sim_endpoint *ep)
{
	return ep->kind == LC_SIM_EP_PTY ? 0 : ep->port;
}

int lc_sim_endpoint_portmapper_port(const lc_sim_endpoint *ep)
{
	return ep->pm_port;
}

const char *lc_sim_endpoint_address(const lc_sim_endpoint *ep)
{
	return ep->address;
}

const char *lc_sim_endpoint_pty_path(const lc_sim_endpoint *ep)
{
	return ep->kind == LC_SIM_EP_PTY ? ep->pty_path : NULL;
}

void lc_sim_endpoint_get_stats(lc_sim_endpoint *ep, lc_sim_endpoint_stats *out)
{
	pthread_mutex_lock(&ep->mu);
	*out = ep->stats;
	pthread_mutex_unlock(&ep->mu);
}
