/* Hand-written XDR and ONC-RPC framing for the VXI-11 server and the portmapper (see oncrpc.h). */
#include <stdlib.h>
#include <string.h>

#include "sim/net/oncrpc.h"

uint32_t lc_xdr_u32(lc_xdr_in *x)
{
	if (x->bad || x->len - x->off < 4) {
		x->bad = true;
		return 0;
	}
	const uint8_t *p = x->p + x->off;
	x->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const uint8_t *lc_xdr_opaque(lc_xdr_in *x, size_t *len, size_t max)
{
	uint32_t n = lc_xdr_u32(x);
	size_t padded = ((size_t)n + 3) & ~(size_t)3;
	if (x->bad || n > max || padded > x->len - x->off) {
		x->bad = true;
		*len = 0;
		return NULL;
	}
	const uint8_t *p = x->p + x->off;
	x->off += padded;
	*len = n;
	return p;
}

static void reserve(lc_xdr_out *o, size_t more)
{
	if (o->oom || o->len + more <= o->cap)
		return;
	size_t cap = o->cap ? o->cap : 256;
	while (cap < o->len + more)
		cap *= 2;
	uint8_t *n = realloc(o->p, cap);
	if (!n) {
		o->oom = true;
		return;
	}
	o->p = n;
	o->cap = cap;
}

void lc_xdr_put_u32(lc_xdr_out *o, uint32_t v)
{
	reserve(o, 4);
	if (o->oom)
		return;
	uint8_t *p = o->p + o->len;
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	o->len += 4;
}

void lc_xdr_put_opaque(lc_xdr_out *o, const void *data, size_t len)
{
	lc_xdr_put_u32(o, (uint32_t)len);
	size_t padded = (len + 3) & ~(size_t)3;
	reserve(o, padded);
	if (o->oom)
		return;
	if (len)
		memcpy(o->p + o->len, data, len);
	memset(o->p + o->len + len, 0, padded - len);
	o->len += padded;
}

void lc_xdr_out_free(lc_xdr_out *o)
{
	free(o->p);
	memset(o, 0, sizeof(*o));
}

bool lc_rpc_parse_call(lc_xdr_in *x, lc_rpc_call *c)
{
	c->xid = lc_xdr_u32(x);
	if (lc_xdr_u32(x) != LC_RPC_CALL || x->bad)
		return false;
	c->rpcvers_ok = lc_xdr_u32(x) == 2;
	c->prog = lc_xdr_u32(x);
	c->vers = lc_xdr_u32(x);
	c->proc = lc_xdr_u32(x);
	size_t n;
	for (int i = 0; i < 2; i++) { /* credentials, verifier: flavor + opaque body of at most 400 bytes */
		lc_xdr_u32(x);
		lc_xdr_opaque(x, &n, 400);
	}
	return !x->bad;
}

static void header(lc_xdr_out *o, bool tcp, uint32_t xid, uint32_t reply_stat)
{
	o->len = 0;
	if (tcp)
		lc_xdr_put_u32(o, 0); /* record mark, filled in at the end */
	lc_xdr_put_u32(o, xid);
	lc_xdr_put_u32(o, LC_RPC_REPLY);
	lc_xdr_put_u32(o, reply_stat);
}

void lc_rpc_reply_accepted(lc_xdr_out *o, bool tcp, uint32_t xid, uint32_t stat)
{
	header(o, tcp, xid, LC_RPC_MSG_ACCEPTED);
	lc_xdr_put_u32(o, 0); /* verifier AUTH_NONE */
	lc_xdr_put_u32(o, 0);
	lc_xdr_put_u32(o, stat);
}

void lc_rpc_reply_denied(lc_xdr_out *o, bool tcp, uint32_t xid)
{
	header(o, tcp, xid, LC_RPC_MSG_DENIED);
	lc_xdr_put_u32(o, LC_RPC_MISMATCH);
	lc_xdr_put_u32(o, 2);
	lc_xdr_put_u32(o, 2);
}

void lc_rpc_finish_record(lc_xdr_out *o)
{
	if (o->oom || o->len < 4)
		return;
	uint32_t n = (uint32_t)(o->len - 4) | 0x80000000u;
	o->p[0] = (uint8_t)(n >> 24);
	o->p[1] = (uint8_t)(n >> 16);
	o->p[2] = (uint8_t)(n >> 8);
	o->p[3] = (uint8_t)n;
}
