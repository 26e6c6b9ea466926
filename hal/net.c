#include "hal/net_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"

int lc_net_wait(int fd, short events, int64_t deadline, lc_diag *diag)
{
	struct pollfd p = {.fd = fd, .events = events};
	for (;;) {
		int left = lc_deadline_left_ms(deadline);
		int r = poll(&p, 1, left);
		if (r > 0)
			return 1;
		if (r == 0) {
			if (lc_deadline_left_ms(deadline) > 0)
				continue; /* poll rounds down; the deadline is what counts */
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "deadline passed");
		}
		if (errno != EINTR)
			return lc_diag_set(diag, LC_ERR_IO, "poll: %s", strerror(errno));
	}
}

static int try_connect(const struct addrinfo *ai, int64_t deadline, int *fd, lc_diag *diag)
{
	int s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (s < 0)
		return lc_diag_set(diag, LC_ERR_IO, "socket: %s", strerror(errno));
	if (connect(s, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS && errno != EINTR) {
			int e = errno;
			close(s);
			return lc_diag_set(diag, LC_ERR_IO, "connect: %s", strerror(e));
		}
		int w = lc_net_wait(s, POLLOUT, deadline, diag);
		if (w < 0) {
			close(s);
			lc_diag_prefix(diag, "connect: ");
			return w;
		}
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err) {
			close(s);
			return lc_diag_set(diag, LC_ERR_IO, "connect: %s", strerror(err));
		}
	}
	*fd = s;
	return 0;
}

int lc_net_send(int fd, const struct iovec *iov, int n, int64_t deadline, size_t *sent, int *err, lc_diag *diag)
{
	size_t total = 0, done = 0;
	for (int i = 0; i < n; i++)
		total += iov[i].iov_len;
	*sent = 0;
	*err = 0;
	while (done < total) {
		/* what is left: the buffers from the one the last send stopped in */
		struct iovec v[8];
		int nv = 0;
		size_t skip = done;
		for (int i = 0; i < n && nv < 8; i++) {
			if (skip >= iov[i].iov_len) {
				skip -= iov[i].iov_len;
				continue;
			}
			v[nv].iov_base = (uint8_t *)iov[i].iov_base + skip;
			v[nv++].iov_len = iov[i].iov_len - skip;
			skip = 0;
		}
		struct msghdr m = {.msg_iov = v, .msg_iovlen = (size_t)nv};
		ssize_t k = sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k > 0) {
			done += (size_t)k;
			*sent = done;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int w = lc_net_wait(fd, POLLOUT, deadline, diag);
			if (w < 0)
				return w;
			continue;
		}
		if (k < 0 && (errno == EPIPE || errno == ECONNRESET))
			return LC_ERR_CLOSED;
		*err = k < 0 ? errno : -1;
		return LC_ERR_IO;
	}
	return 0;
}

int lc_net_connect(const char *host, unsigned port, int64_t deadline, int *fd, lc_diag *diag)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	char service[8];
	int e;

	snprintf(service, sizeof(service), "%u", port);
	/* getaddrinfo cannot be given a deadline; for the numeric addresses of a station file it never blocks. */
	e = getaddrinfo(host, service, &hints, &res);
	if (e != 0)
		return lc_diag_set(diag, e == EAI_NONAME ? LC_ERR_NOT_FOUND : LC_ERR_IO, "%s: %s", host,
				   gai_strerror(e));
	e = LC_ERR_IO;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		e = try_connect(ai, deadline, fd, diag);
		if (e == 0 || e == LC_ERR_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (e < 0)
		lc_diag_prefix(diag, "%s:%u: ", host, port);
	return e;
}
