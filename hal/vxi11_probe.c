/*
 * A VXI-11 probe on our own non-blocking sockets, under the caller's deadline: portmapper GETPORT (TCP),
 * then create_link + destroy_link on the core channel, to learn the link's maxRecvSize (liblxi keeps it to
 * itself) and to know the instrument answers before liblxi's blocking connect is started.
 * ONC-RPC (RFC 5531) over TCP with record marking; XDR encoded by hand, it is a handful of words.
 */
#include "hal/vxi11_probe_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "hal/net_priv.h"

#define PMAP_PROG 100000u
#define PMAP_VERS 2u
#define PMAP_GETPORT 3u
#define CORE_PROG 395183u
#define CORE_VERS 1u
#define CREATE_LINK 10u
#define DESTROY_LINK 23u
#define IPPROTO_TCP_NUM 6u

struct msg {
	uint8_t b[512];
	size_t n;
};

static void put(struct msg *m, uint32_t v)
{
	m->b[m->n++] = (uint8_t)(v >> 24);
	m->b[m->n++] = (uint8_t)(v >> 16);
	m->b[m->n++] = (uint8_t)(v >> 8);
	m->b[m->n++] = (uint8_t)v;
}

static uint32_t get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Record mark placeholder, then the call header with AUTH_NONE credentials. */
static void call_header(struct msg *m, uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc)
{
	m->n = 0;
	put(m, 0);
	put(m, xid);
	put(m, 0); /* CALL */
	put(m, 2); /* RPC version */
	put(m, prog);
	put(m, vers);
	put(m, proc);
	put(m, 0); put(m, 0); /* cred AUTH_NONE */
	put(m, 0); put(m, 0); /* verf AUTH_NONE */
}

static int send_msg(int fd, struct msg *m, int64_t deadline, lc_diag *diag)
{
	uint32_t mark = 0x80000000u | (uint32_t)(m->n - 4);
	m->b[0] = (uint8_t)(mark >> 24);
	m->b[1] = (uint8_t)(mark >> 16);
	m->b[2] = (uint8_t)(mark >> 8);
	m->b[3] = (uint8_t)mark;
	size_t done = 0;
	while (done < m->n) {
		ssize_t w = send(fd, m->b + done, m->n - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int e = lc_net_wait(fd, POLLOUT, deadline, diag);
			if (e < 0)
				return e;
			continue;
		}
		return lc_diag_set(diag, LC_ERR_IO, "send: %s", w < 0 ? strerror(errno) : "0 bytes");
	}
	return 0;
}

static int recv_exact(int fd, uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = recv(fd, buf + got, len - got, MSG_DONTWAIT);
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r == 0)
			return lc_diag_set(diag, LC_ERR_CLOSED, "connection closed by the server");
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int e = lc_net_wait(fd, POLLIN, deadline, diag);
			if (e < 0)
				return e;
			continue;
		}
		return lc_diag_set(diag, LC_ERR_IO, "recv: %s", strerror(errno));
	}
	return 0;
}

/* One reply record (fragments joined) into buf; checks xid and MSG_ACCEPTED/SUCCESS; *res points at the
 * procedure's results, *res_len their length. */
static int recv_reply(int fd, uint32_t xid, uint8_t *buf, size_t cap, const uint8_t **res, size_t *res_len,
		      int64_t deadline, lc_diag *diag)
{
	size_t len = 0;
	for (int frag = 0; frag < 16; frag++) {
		uint8_t h[4];
		int e = recv_exact(fd, h, 4, deadline, diag);
		if (e < 0)
			return e;
		uint32_t mark = get(h);
		size_t n = mark & 0x7fffffffu;
		if (n > cap - len)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "RPC reply of more than %zu bytes", cap);
		if ((e = recv_exact(fd, buf + len, n, deadline, diag)) < 0)
			return e;
		len += n;
		if (mark & 0x80000000u)
			break;
		if (frag == 15)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "RPC reply in too many fragments");
	}
	/* xid, REPLY(1), MSG_ACCEPTED(0), verf flavor, verf length, verf body, accept_stat */
	if (len < 24 || get(buf) != xid || get(buf + 4) != 1)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "malformed RPC reply");
	if (get(buf + 8) != 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "RPC call rejected by the server");
	size_t vl = get(buf + 16);
	size_t off = 20 + ((vl + 3) & ~(size_t)3);
	if (vl > 400 || off + 4 > len)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "malformed RPC reply verifier");
	uint32_t st = get(buf + off);
	if (st != 0)
		return lc_diag_set(diag, st == 1 ? LC_ERR_UNSUPPORTED : LC_ERR_PROTOCOL, "RPC call not accepted (status %u)",
				   st);
	*res = buf + off + 4;
	*res_len = len - off - 4;
	return 0;
}

static int getport(const char *host, int64_t deadline, uint16_t *port, lc_diag *diag)
{
	int fd;
	struct msg m;
	uint8_t buf[512];
	const uint8_t *res;
	size_t rl;
	int e = lc_net_connect(host, 111, deadline, &fd, diag);
	if (e < 0) {
		lc_diag_prefix(diag, "portmapper: ");
		return e;
	}
	call_header(&m, 0x4c430001u, PMAP_PROG, PMAP_VERS, PMAP_GETPORT);
	put(&m, CORE_PROG);
	put(&m, CORE_VERS);
	put(&m, IPPROTO_TCP_NUM);
	put(&m, 0);
	e = send_msg(fd, &m, deadline, diag);
	if (e == 0)
		e = recv_reply(fd, 0x4c430001u, buf, sizeof(buf), &res, &rl, deadline, diag);
	close(fd);
	if (e < 0) {
		lc_diag_prefix(diag, "portmapper GETPORT: ");
		return e;
	}
	if (rl < 4 || get(res) == 0 || get(res) > 65535)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "portmapper: no VXI-11 core channel registered on %s", host);
	*port = (uint16_t)get(res);
	return 0;
}

int lc_vxi11_probe(const char *host, const char *device, int64_t deadline, lc_vxi11_probe_result *out,
		   lc_diag *diag)
{
	int fd;
	struct msg m;
	uint8_t buf[512];
	const uint8_t *res;
	size_t rl, dl = strlen(device);
	int e;

	if (dl > 64)
		return lc_diag_set(diag, LC_ERR_ARG, "VXI-11 device name too long");
	e = getport(host, deadline, &out->core_port, diag);
	if (e < 0)
		return e;
	e = lc_net_connect(host, out->core_port, deadline, &fd, diag);
	if (e < 0) {
		lc_diag_prefix(diag, "VXI-11 core channel: ");
		return e;
	}
	call_header(&m, 0x4c430002u, CORE_PROG, CORE_VERS, CREATE_LINK);
	put(&m, 0x4c43); /* clientId */
	put(&m, 0);      /* lockDevice false */
	put(&m, 0);      /* lock_timeout */
	put(&m, (uint32_t)dl);
	memcpy(m.b + m.n, device, dl);
	m.n += dl;
	while (m.n % 4)
		m.b[m.n++] = 0;
	e = send_msg(fd, &m, deadline, diag);
	if (e == 0)
		e = recv_reply(fd, 0x4c430002u, buf, sizeof(buf), &res, &rl, deadline, diag);
	if (e == 0 && rl < 16)
		e = lc_diag_set(diag, LC_ERR_PROTOCOL, "short create_link reply");
	if (e < 0) {
		close(fd);
		lc_diag_prefix(diag, "VXI-11 create_link: ");
		return e;
	}
	uint32_t err = get(res), lid = get(res + 4);
	out->max_recv_size = get(res + 12);
	if (err != 0) {
		close(fd);
		return lc_diag_set(diag, err == 3 ? LC_ERR_NOT_FOUND : LC_ERR_IO,
				   "VXI-11 create_link for '%s' refused with error %u%s", device, err,
				   err == 3 ? " (no such device)" : err == 9 ? " (out of resources)" : "");
	}
	call_header(&m, 0x4c430003u, CORE_PROG, CORE_VERS, DESTROY_LINK);
	put(&m, lid);
	/* the link is of no further use: a failed destroy only costs the instrument a link slot until it
	 * notices the closed connection */
	if (send_msg(fd, &m, deadline, NULL) == 0)
		recv_reply(fd, 0x4c430003u, buf, sizeof(buf), &res, &rl, deadline, NULL);
	close(fd);
	if (out->max_recv_size == 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "VXI-11 create_link announced maxRecvSize 0");
	return 0;
}
