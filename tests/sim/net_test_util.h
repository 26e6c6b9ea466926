/* Plain-socket client helpers for the endpoint tests. Deadlines only keep a broken server from hanging a
 * test; no test asserts on how long anything took. */
#ifndef LC_TESTS_SIM_NET_TEST_UTIL_H
#define LC_TESTS_SIM_NET_TEST_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NET_WAIT_MS 20000

static inline int net_connect(const char *addr, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static inline int net_send(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	while (n > 0) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static inline int net_send_str(int fd, const char *s)
{
	return net_send(fd, s, strlen(s));
}

/* Wait for data: 1 readable (or EOF pending), 0 nothing within ms. */
static inline int net_readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) > 0;
}

/* Read until '\n' (kept) or EOF; returns the length, -1 on timeout or error. NUL-terminates. */
static inline ssize_t net_read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n + 1 < cap) {
		if (!net_readable(fd, NET_WAIT_MS))
			return -1;
		ssize_t r = recv(fd, buf + n, 1, 0);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n++;
		if (buf[n - 1] == '\n')
			break;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

/* Read exactly n bytes; returns the count read before EOF (< n on EOF), -1 on timeout. */
static inline ssize_t net_read_n(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		if (!net_readable(fd, NET_WAIT_MS))
			return -1;
		ssize_t r = recv(fd, (uint8_t *)buf + got, n - got, 0);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* True when the peer has closed: the next read returns 0 (or ECONNRESET). */
static inline int net_eof(int fd)
{
	char c;
	if (!net_readable(fd, NET_WAIT_MS))
		return 0;
	ssize_t r = recv(fd, &c, 1, 0);
	return r == 0 || (r < 0 && errno == ECONNRESET);
}

/* Query: send cmd + "\n", read one line, strip the terminator. */
static inline const char *net_query(int fd, const char *cmd, char *buf, size_t cap)
{
	if (net_send_str(fd, cmd) < 0 || net_send_str(fd, "\n") < 0)
		return "<send failed>";
	ssize_t n = net_read_line(fd, buf, cap);
	if (n < 0)
		return "<timeout>";
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

#endif
