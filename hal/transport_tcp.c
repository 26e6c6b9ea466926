/*
 * Raw SCPI socket (TCPIP::host::port::SOCKET). A byte stream: this transport never marks message ends;
 * the SCPI session frames replies on the terminator or on a block's announced length.
 *
 * Every operation ends by the caller's absolute deadline, so a peer that trickles bytes cannot stretch an
 * operation past it. MSG_NOSIGNAL keeps a write to a closed peer from raising SIGPIPE.
 *
 * Reads go straight to a blocking recv() whose SO_RCVTIMEO never reaches past the deadline: no poll() before
 * it (a reply after a write costs one system call, as in a bare socket loop; a poll-then-recv read costs
 * two). The option is set only when the time it must allow changes: it stays at RECV_SLICE_MS while the
 * deadline is further away than that (a slice that expires is one more turn of the loop, which then checks
 * the deadline), and follows the time left below it. Writes stay non-blocking per call (MSG_DONTWAIT) and
 * poll only when the send buffer is full.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/net_priv.h"
#include "hal/transport_priv.h"

#define LC_LOG_DOMAIN "tcp"

#define RECV_SLICE_MS 1000

struct tcp_priv {
	int fd;
	int rcvtimeo_ms; /* the SO_RCVTIMEO in force, 0: not set yet */
};

/* Blocking reads with a timeout: the connect was non-blocking, recv() from now on blocks up to SO_RCVTIMEO. */
static int set_blocking(int fd, lc_diag *diag)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return lc_diag_set(diag, LC_ERR_IO, "fcntl: %s", strerror(errno));
	return 0;
}

static int set_rcvtimeo(struct tcp_priv *tcp, int ms, lc_diag *diag)
{
	if (ms == tcp->rcvtimeo_ms)
		return 0;
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
	if (setsockopt(tcp->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
		return lc_diag_set(diag, LC_ERR_IO, "SO_RCVTIMEO: %s", strerror(errno));
	tcp->rcvtimeo_ms = ms;
	return 0;
}

static int tcp_open(void *priv, const lc_resource *res, const lc_transport_opts *opts, int64_t deadline,
		    lc_diag *diag)
{
	struct tcp_priv *tcp = priv;
	int one = 1;
	(void)opts;

	tcp->fd = -1;
	tcp->rcvtimeo_ms = 0;
	int e = lc_net_connect(res->host, res->port, deadline, &tcp->fd, diag);
	if (e == 0)
		e = set_blocking(tcp->fd, diag);
	if (e < 0) {
		if (tcp->fd >= 0)
			close(tcp->fd);
		tcp->fd = -1;
		return e;
	}
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
	int err = 0;

	if (len > INT32_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "message of %zu bytes is too long", len);
	struct iovec v = {(void *)buf, len};
	int rc = lc_net_send(tcp->fd, &v, 1, deadline, &done, &err, diag);
	if (rc == LC_ERR_CLOSED)
		return lc_diag_set(diag, LC_ERR_CLOSED, "write: peer closed the connection (%zu of %zu bytes sent)", done,
				   len);
	if (rc == LC_ERR_IO && err)
		return lc_diag_set(diag, LC_ERR_IO, "write: %s", err > 0 ? strerror(err) : "send returned 0");
	if (rc < 0) {
		lc_diag_prefix(diag, "write (%zu of %zu bytes sent): ", done, len);
		return rc;
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
	for (;;) {
		int left = lc_deadline_left_ms(deadline);
		/* SO_RCVTIMEO 0 would mean "wait forever": with no time left, take only what is already there */
		int flags = left > 0 ? 0 : MSG_DONTWAIT;
		if (left > 0) {
			int e = set_rcvtimeo(tcp, left < RECV_SLICE_MS ? left : RECV_SLICE_MS, diag);
			if (e < 0)
				return e;
		}
		ssize_t n = recv(tcp->fd, buf, cap, flags);
		if (n > 0) {
			lc_spew("received %zd bytes", n);
			return (int)n;
		}
		if (n == 0)
			return lc_diag_set(diag, LC_ERR_CLOSED, "peer closed the connection");
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (left > 0)
				continue; /* a slice (or the last of the time) ran out: the deadline decides */
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "read: deadline passed");
		}
		if (errno == ECONNRESET)
			return lc_diag_set(diag, LC_ERR_CLOSED, "connection reset by peer");
		return lc_diag_set(diag, LC_ERR_IO, "read: %s", strerror(errno));
	}
}

/* Wait until input is there (for the refusal check while a query waits, hal/scpi_refusal.c). */
static int tcp_wait_readable(void *priv, int64_t deadline, lc_diag *diag)
{
	struct tcp_priv *tcp = priv;
	return lc_net_wait(tcp->fd, POLLIN, deadline, diag);
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
	.wait_readable = tcp_wait_readable,
};
