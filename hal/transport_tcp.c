/*
 * Raw SCPI socket (TCPIP::host::port::SOCKET). A byte stream: this transport never marks message ends;
 * the SCPI session frames replies on the terminator or on a block's announced length.
 *
 * Every operation polls against the caller's absolute deadline, so a peer that trickles bytes cannot
 * stretch an operation past it. MSG_NOSIGNAL keeps a write to a closed peer from raising SIGPIPE.
 */
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/net_priv.h"
#include "hal/transport_priv.h"

#define LC_LOG_DOMAIN "tcp"

struct tcp_priv {
	int fd;
	bool ready; /* the last recv filled the caller's buffer: more is probably waiting */
};

static int tcp_open(void *priv, const lc_resource *res, const lc_transport_opts *opts, int64_t deadline,
		    lc_diag *diag)
{
	struct tcp_priv *tcp = priv;
	int one = 1;
	(void)opts;

	tcp->fd = -1;
	int e = lc_net_connect(res->host, res->port, deadline, &tcp->fd, diag);
	if (e < 0)
		return e;
	/* SCPI is request/response with small messages: Nagle would add a delayed-ACK round trip to each. */
	if (setsockopt(tcp->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		lc_dbg("TCP_NODELAY: %s", strerror(errno));
	lc_dbg("connected to %s:%u", res->host, res->port);
	return 0;
}

static int tcp_write(void *priv, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag)
{
	struct tcp_priv *tcp = priv;
	size_t done = 0;

	if (len > INT32_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "message of %zu bytes is too long", len);
	while (done < len) {
		ssize_t n = send(tcp->fd, buf + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int w = lc_net_wait(tcp->fd, POLLOUT, deadline, diag);
			if (w < 0) {
				lc_diag_prefix(diag, "write (%zu of %zu bytes sent): ", done, len);
				return w;
			}
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return lc_diag_set(diag, LC_ERR_CLOSED, "write: peer closed the connection (%zu of %zu bytes sent)",
					   done, len);
		return lc_diag_set(diag, LC_ERR_IO, "write: %s", n < 0 ? strerror(errno) : "send returned 0");
	}
	lc_spew("sent %zu bytes", len);
	return (int)len;
}

static int tcp_read(void *priv, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag)
{
	struct tcp_priv *tcp = priv;

	*end = false;
	if (cap > INT32_MAX)
		cap = INT32_MAX;
	/* When the socket was drained last time (a reply after a write, the next part of a large block), the
	 * data is not there yet: poll first instead of a recv that would only say EAGAIN. */
	if (!tcp->ready) {
		int w = lc_net_wait(tcp->fd, POLLIN, deadline, diag);
		if (w < 0) {
			lc_diag_prefix(diag, "read: ");
			return w;
		}
	}
	for (;;) {
		ssize_t n = recv(tcp->fd, buf, cap, MSG_DONTWAIT);
		if (n > 0) {
			tcp->ready = (size_t)n == cap;
			lc_spew("received %zd bytes", n);
			return (int)n;
		}
		if (n == 0)
			return lc_diag_set(diag, LC_ERR_CLOSED, "peer closed the connection");
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int w = lc_net_wait(tcp->fd, POLLIN, deadline, diag);
			if (w < 0) {
				lc_diag_prefix(diag, "read: ");
				return w;
			}
			continue;
		}
		if (errno == ECONNRESET)
			return lc_diag_set(diag, LC_ERR_CLOSED, "connection reset by peer");
		return lc_diag_set(diag, LC_ERR_IO, "read: %s", strerror(errno));
	}
}

static int tcp_drain(void *priv)
{
	struct tcp_priv *tcp = priv;
	uint8_t junk[4096];
	int dropped = 0;

	/* Bounded: a peer flooding us must not keep us here forever. */
	for (int i = 0; i < 1024; i++) {
		ssize_t n = recv(tcp->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n > 0) {
			dropped += (int)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	tcp->ready = false;
	return dropped;
}

static void tcp_close(void *priv)
{
	struct tcp_priv *tcp = priv;
	if (tcp->fd >= 0)
		close(tcp->fd);
	tcp->fd = -1;
}

const lc_transport_ops lc_transport_tcp_ops = {
	.name = "tcp-raw",
	.kind = LC_RES_TCPIP_SOCKET,
	.marks_end = false,
	.priv_size = sizeof(struct tcp_priv),
	.open = tcp_open,
	.write = tcp_write,
	.read = tcp_read,
	.clear = NULL, /* a raw socket has no device clear; the session drops buffered input instead */
	.read_stb = NULL,
	.close = tcp_close,
	.drain = tcp_drain,
};
