/* A minimal ONC-RPC client for the VXI-11 server tests: builds calls by hand (independently of the server's
 * own XDR code) and parses replies word by word. */
#ifndef LC_TESTS_SIM_RPC_TEST_CLIENT_H
#define LC_TESTS_SIM_RPC_TEST_CLIENT_H

#include "tests/sim/net_test_util.h"

typedef struct rpc_msg {
	uint8_t b[1 << 17];
	size_t len, off;
} rpc_msg;

static inline void rpc_put(rpc_msg *m, uint32_t v)
{
	m->b[m->len++] = (uint8_t)(v >> 24);
	m->b[m->len++] = (uint8_t)(v >> 16);
	m->b[m->len++] = (uint8_t)(v >> 8);
	m->b[m->len++] = (uint8_t)v;
}

static inline void rpc_put_opaque(rpc_msg *m, const void *p, size_t n)
{
	rpc_put(m, (uint32_t)n);
	memcpy(m->b + m->len, p, n);
	m->len += n;
	while (m->len % 4)
		m->b[m->len++] = 0;
}

/* Start a call (with a zero TCP record mark, filled in when sent). */
static inline void rpc_call(rpc_msg *m, bool tcp, uint32_t xid, uint32_t prog, uint32_t vers, uint32_t proc)
{
	m->len = m->off = 0;
	if (tcp)
		rpc_put(m, 0);
	rpc_put(m, xid);
	rpc_put(m, 0);
	rpc_put(m, 2);
	rpc_put(m, prog);
	rpc_put(m, vers);
	rpc_put(m, proc);
	rpc_put(m, 0); /* AUTH_NONE credentials and verifier */
	rpc_put(m, 0);
	rpc_put(m, 0);
	rpc_put(m, 0);
}

static inline uint32_t rpc_get(rpc_msg *m)
{
	if (m->off + 4 > m->len)
		return 0xdeadbeef;
	const uint8_t *p = m->b + m->off;
	m->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Send a TCP call (one record) and read the reply record into m. Returns the accept_stat, or -1 on EOF,
 * -2 for MSG_DENIED. After success m->off points at the results. */
static inline int rpc_tcp(int fd, rpc_msg *m)
{
	uint32_t mark = (uint32_t)(m->len - 4) | 0x80000000u;
	m->b[0] = (uint8_t)(mark >> 24);
	m->b[1] = (uint8_t)(mark >> 16);
	m->b[2] = (uint8_t)(mark >> 8);
	m->b[3] = (uint8_t)mark;
	if (net_send(fd, m->b, m->len) < 0)
		return -1;
	m->len = m->off = 0;
	for (;;) {
		uint8_t h[4];
		if (net_read_n(fd, h, 4) != 4)
			return -1;
		uint32_t fm = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
		size_t n = fm & 0x7fffffffu;
		if (m->len + n > sizeof(m->b) || net_read_n(fd, m->b + m->len, n) != (ssize_t)n)
			return -1;
		m->len += n;
		if (fm & 0x80000000u)
			break;
	}
	rpc_get(m); /* xid */
	rpc_get(m); /* REPLY */
	if (rpc_get(m) != 0)
		return -2;
	rpc_get(m); /* verifier */
	rpc_get(m);
	return (int)rpc_get(m);
}

#define VXI_CORE 395183u

/* create_link; returns the VXI-11 error, *lid and *max_recv. */
static inline uint32_t vxi_create_link(int fd, const char *dev, bool lock, uint32_t *lid, uint32_t *max_recv)
{
	static rpc_msg m;
	rpc_call(&m, true, 1, VXI_CORE, 1, 10);
	rpc_put(&m, 7);
	rpc_put(&m, lock);
	rpc_put(&m, 0);
	rpc_put_opaque(&m, dev, strlen(dev));
	if (rpc_tcp(fd, &m) != 0)
		return 0xffff;
	uint32_t err = rpc_get(&m);
	*lid = rpc_get(&m);
	rpc_get(&m); /* abort port */
	*max_recv = rpc_get(&m);
	return err;
}

static inline uint32_t vxi_write(int fd, uint32_t lid, const void *data, size_t n, bool end, uint32_t *size)
{
	static rpc_msg m;
	rpc_call(&m, true, 2, VXI_CORE, 1, 11);
	rpc_put(&m, lid);
	rpc_put(&m, 1000);
	rpc_put(&m, 0);
	rpc_put(&m, end ? 8 : 0);
	rpc_put_opaque(&m, data, n);
	if (rpc_tcp(fd, &m) != 0)
		return 0xffff;
	uint32_t err = rpc_get(&m);
	*size = rpc_get(&m);
	return err;
}

/* device_read: data copied to buf (NUL-terminated), *n its length, *reason the reason bits. */
static inline uint32_t vxi_read(int fd, uint32_t lid, uint32_t request, uint32_t io_timeout, int termchar,
				char *buf, size_t *n, uint32_t *reason)
{
	static rpc_msg m;
	rpc_call(&m, true, 3, VXI_CORE, 1, 12);
	rpc_put(&m, lid);
	rpc_put(&m, request);
	rpc_put(&m, io_timeout);
	rpc_put(&m, 0);
	rpc_put(&m, termchar >= 0 ? 128 : 0);
	rpc_put(&m, termchar >= 0 ? (uint32_t)termchar : 0);
	if (rpc_tcp(fd, &m) != 0)
		return 0xffff;
	uint32_t err = rpc_get(&m);
	*reason = rpc_get(&m);
	uint32_t len = rpc_get(&m);
	if (len > m.len - m.off)
		return 0xfffe;
	memcpy(buf, m.b + m.off, len);
	buf[len] = '\0';
	*n = len;
	return err;
}

/* A procedure whose arguments are Device_GenericParms; returns the error, *extra the next word. */
static inline uint32_t vxi_generic(int fd, uint32_t proc, uint32_t lid, uint32_t *extra)
{
	static rpc_msg m;
	rpc_call(&m, true, 4, VXI_CORE, 1, proc);
	rpc_put(&m, lid);
	rpc_put(&m, 0);
	rpc_put(&m, 0);
	rpc_put(&m, 1000);
	int st = rpc_tcp(fd, &m);
	if (st != 0)
		return 0x10000u + (uint32_t)st;
	uint32_t err = rpc_get(&m);
	if (extra)
		*extra = rpc_get(&m);
	return err;
}

static inline uint32_t vxi_destroy_link(int fd, uint32_t lid)
{
	static rpc_msg m;
	rpc_call(&m, true, 5, VXI_CORE, 1, 23);
	rpc_put(&m, lid);
	if (rpc_tcp(fd, &m) != 0)
		return 0xffff;
	return rpc_get(&m);
}

#endif
