/*
 * VXI-11 core channel (program 395183 version 1) over ONC-RPC/TCP, serving a simulated instrument's engine:
 * create_link, device_write (chunks up to maxRecvSize, the message ends with the END flag), device_read
 * (requestSize, termChar, END/CHR/REQCNT reason bits), device_readstb, device_clear, destroy_link, and honest
 * "operation not supported" (8) for locking, triggers, SRQ and docmd. The portmapper is in portmapper.c.
 *
 * Replies wait in the link until device_read takes them (VXI-11 is message based): a new message while a
 * reply is unread discards it with -410 "Query INTERRUPTED"; a read with nothing to read waits io_timeout
 * (a query that produces nothing, or a hung instrument) and then fails with error 15, pushing -420
 * "Query UNTERMINATED" unless the instrument is hung.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sim/net/endpoint_priv.h"
#include "sim/net/oncrpc.h"

#define CORE_PROG 395183u
#define LINKS_MAX 8
#define DEFAULT_MAX_RECV (1u << 20)
#define IO_TIMEOUT_CAP_MS 120000

enum { ERR_OK = 0, ERR_SYNTAX = 1, ERR_NO_DEVICE = 3, ERR_BAD_LINK = 4, ERR_PARAM = 5, ERR_UNSUPPORTED = 8,
       ERR_RESOURCES = 9, ERR_TIMEOUT = 15, ERR_IO = 17 };
enum { FLAG_END = 8, FLAG_TERMCHR = 128 };
enum { REASON_REQCNT = 1, REASON_CHR = 2, REASON_END = 4 };

struct link {
	bool used;
	uint32_t lid;
	lc_sim_lines lines;
	uint8_t *out; /* reply waiting for device_read */
	size_t out_len, out_off, out_cap;
	uint8_t *scratch;
	size_t scratch_cap;
	bool hung, cut;
	int delay_ms;
};

struct vconn {
	lc_sim_endpoint *ep;
	struct link links[LINKS_MAX];
	bool close_after_reply;
	struct link *cur;
};

static uint32_t max_recv(const lc_sim_endpoint *ep)
{
	return ep->o.max_recv_size ? ep->o.max_recv_size : DEFAULT_MAX_RECV;
}

int lc_sim_rpc_read_record(lc_sim_endpoint *ep, int fd, uint8_t **buf, size_t *len, size_t *cap, size_t max)
{
	*len = 0;
	for (int frags = 0;; frags++) {
		uint8_t h[4];
		int r = lc_sim_ep_read_full(ep, fd, h, 4);
		if (r < 0)
			return r == LC_ERR_TRUNCATED && frags == 0 ? LC_ERR_CLOSED : r;
		uint32_t mark = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
		size_t n = mark & 0x7fffffffu;
		if (n > max - *len || frags > 1024)
			return LC_ERR_OVERFLOW;
		if (*len + n > *cap) {
			size_t nc = *cap ? *cap : 1024;
			while (nc < *len + n)
				nc *= 2;
			uint8_t *nb = realloc(*buf, nc);
			if (!nb)
				return LC_ERR_NOMEM;
			*buf = nb;
			*cap = nc;
		}
		if ((r = lc_sim_ep_read_full(ep, fd, *buf + *len, n)) < 0)
			return r;
		*len += n;
		if (mark & 0x80000000u)
			return 0;
	}
}

static struct link *find_link(struct vconn *v, uint32_t lid)
{
	for (int i = 0; i < LINKS_MAX; i++)
		if (v->links[i].used && v->links[i].lid == lid)
			return &v->links[i];
	return NULL;
}

static void link_free(struct link *l)
{
	lc_sim_lines_free(&l->lines);
	free(l->out);
	free(l->scratch);
	memset(l, 0, sizeof(*l));
}

static bool device_name_ok(const uint8_t *s, size_t n)
{
	/* inst0, inst1 ... and gpib0,5 style names; anything else is not a device of this instrument */
	size_t i;
	if (n >= 5 && strncasecmp((const char *)s, "inst", 4) == 0)
		i = 4;
	else if (n >= 5 && strncasecmp((const char *)s, "gpib", 4) == 0)
		i = 4;
	else
		return false;
	bool comma = false;
	size_t digits = 0;
	for (; i < n; i++) {
		if (isdigit(s[i]))
			digits++;
		else if (s[i] == ',' && !comma && digits && s[0] != 'i' && s[0] != 'I')
			comma = true, digits = 0;
		else
			return false;
	}
	return digits > 0;
}

static void create_link(struct vconn *v, lc_xdr_in *x, lc_xdr_out *o, uint32_t xid)
{
	lc_xdr_u32(x); /* clientId */
	uint32_t lock = lc_xdr_u32(x);
	lc_xdr_u32(x); /* lock_timeout */
	size_t n;
	const uint8_t *name = lc_xdr_opaque(x, &n, 256);
	if (x->bad) {
		lc_rpc_reply_accepted(o, true, xid, LC_RPC_GARBAGE_ARGS);
		return;
	}
	lc_rpc_reply_accepted(o, true, xid, LC_RPC_SUCCESS);
	uint32_t err = ERR_OK, lid = 0;
	struct link *l = NULL;
	if (!device_name_ok(name, n))
		err = ERR_NO_DEVICE;
	else if (lock)
		err = ERR_UNSUPPORTED;
	else {
		for (int i = 0; i < LINKS_MAX && !l; i++)
			if (!v->links[i].used)
				l = &v->links[i];
		if (!l || lc_sim_lines_init(&l->lines, v->ep->o.max_message, '\n') < 0) {
			l = NULL;
			err = ERR_RESOURCES;
		}
	}
	if (l) {
		pthread_mutex_lock(&v->ep->mu);
		lid = v->ep->next_lid++;
		pthread_mutex_unlock(&v->ep->mu);
		l->used = true;
		l->lid = lid;
	}
	lc_xdr_put_u32(o, err);
	lc_xdr_put_u32(o, lid);
	lc_xdr_put_u32(o, 0); /* abortPort: no abort channel */
	lc_xdr_put_u32(o, max_recv(v->ep));
}

static bool out_append(struct link *l, const uint8_t *p, size_t n)
{
	if (l->out_len + n > l->out_cap) {
		size_t nc = l->out_cap ? l->out_cap : 256;
		while (nc < l->out_len + n)
			nc *= 2;
		uint8_t *nb = realloc(l->out, nc);
		if (!nb)
			return false;
		l->out = nb;
		l->out_cap = nc;
	}
	memcpy(l->out + l->out_len, p, n);
	l->out_len += n;
	return true;
}

static bool on_message(const uint8_t *msg, size_t len, bool overflowed, void *user)
{
	struct vconn *v = user;
	struct link *l = v->cur;
	lc_sim_endpoint *ep = v->ep;
	if (overflowed) {
		lc_sim_push_error(ep->e, -363, "Input buffer overrun;message longer than the input buffer");
		return true;
	}
	if (lc_sim_blank(msg, len))
		return true;
	if (l->out_off < l->out_len) {
		lc_sim_push_error(ep->e, -410, NULL);
		l->cut = false;
	}
	l->out_len = l->out_off = 0;
	size_t rlen = 0;
	int delay = 0;
	int action = lc_sim_scpi_execute(ep->e, (const char *)msg, len, &l->scratch, &rlen, &l->scratch_cap, &delay);
	if (action < 0)
		return true;
	if (action == LC_SIM_SILENT) {
		l->hung = true;
		return true;
	}
	l->delay_ms = delay;
	if (rlen > 0) {
		if (!out_append(l, l->scratch, rlen))
			return false;
		if (action != LC_SIM_CUT && !out_append(l, (const uint8_t *)ep->terminator, strlen(ep->terminator)))
			return false;
	}
	if (action == LC_SIM_CUT)
		l->cut = true;
	if (action == LC_SIM_CLOSE)
		v->close_after_reply = true;
	return true;
}

static void device_write(struct vconn *v, lc_xdr_in *x, lc_xdr_out *o, uint32_t xid)
{
	uint32_t lid = lc_xdr_u32(x);
	lc_xdr_u32(x); /* io_timeout */
	lc_xdr_u32(x); /* lock_timeout */
	uint32_t flags = lc_xdr_u32(x);
	size_t n;
	const uint8_t *data = lc_xdr_opaque(x, &n, SIZE_MAX);
	if (x->bad) {
		lc_rpc_reply_accepted(o, true, xid, LC_RPC_GARBAGE_ARGS);
		return;
	}
	lc_rpc_reply_accepted(o, true, xid, LC_RPC_SUCCESS);
	struct link *l = find_link(v, lid);
	uint32_t err = ERR_OK, size = 0;
	if (!l)
		err = ERR_BAD_LINK;
	else if (n > max_recv(v->ep))
		err = ERR_PARAM; /* the client must split its message into chunks of maxRecvSize */
	else {
		v->cur = l;
		bool ok = lc_sim_lines_feed(&l->lines, data, n, on_message, v);
		if (ok && (flags & FLAG_END))
			ok = lc_sim_lines_flush(&l->lines, on_message, v);
		err = ok ? ERR_OK : ERR_IO;
		size = (uint32_t)n;
	}
	lc_xdr_put_u32(o, err);
	lc_xdr_put_u32(o, size);
}

static void device_read(struct vconn *v, lc_xdr_in *x, lc_xdr_out *o, uint32_t xid)
{
	uint32_t lid = lc_xdr_u32(x), req = lc_xdr_u32(x), io_timeout = lc_xdr_u32(x);
	lc_xdr_u32(x); /* lock_timeout */
	uint32_t flags = lc_xdr_u32(x), term = lc_xdr_u32(x);
	if (x->bad) {
		lc_rpc_reply_accepted(o, true, xid, LC_RPC_GARBAGE_ARGS);
		return;
	}
	struct link *l = find_link(v, lid);
	uint32_t err = ERR_OK, reason = 0;
	const uint8_t *data = NULL;
	size_t n = 0;
	if (!l) {
		err = ERR_BAD_LINK;
	} else if (l->out_off >= l->out_len) {
		/* Nothing will come: wait the client's io_timeout as a real instrument would, then time out. */
		if (!l->hung)
			lc_sim_push_error(v->ep->e, -420, NULL);
		lc_sim_ep_sleep(v->ep, io_timeout > IO_TIMEOUT_CAP_MS ? IO_TIMEOUT_CAP_MS : (int)io_timeout);
		err = ERR_TIMEOUT;
	} else {
		if (l->delay_ms) {
			lc_sim_ep_sleep(v->ep, l->delay_ms);
			l->delay_ms = 0;
		}
		size_t avail = l->out_len - l->out_off;
		n = avail < req ? avail : req;
		data = l->out + l->out_off;
		if (flags & FLAG_TERMCHR) {
			const uint8_t *t = memchr(data, (int)(term & 0xff), n);
			if (t) {
				n = (size_t)(t - data) + 1;
				reason |= REASON_CHR;
			}
		}
		l->out_off += n;
		if (l->out_off == l->out_len) {
			if (l->cut)
				v->close_after_reply = true; /* a cut block: no END, then the connection drops */
			else
				reason |= REASON_END;
			l->out_len = l->out_off = 0;
			l->cut = false;
		} else if (n == req) {
			reason |= REASON_REQCNT;
		}
	}
	lc_rpc_reply_accepted(o, true, xid, LC_RPC_SUCCESS);
	lc_xdr_put_u32(o, err);
	lc_xdr_put_u32(o, reason);
	lc_xdr_put_opaque(o, data, n);
}

/* Every remaining procedure's arguments start with the link id (Device_GenericParms, Device_LockParms,
 * Device_Link); the rest (flags, timeouts) does not matter to a simulator. */
static struct link *link_arg(struct vconn *v, lc_xdr_in *x)
{
	return find_link(v, lc_xdr_u32(x));
}

static void dispatch(struct vconn *v, const lc_rpc_call *c, lc_xdr_in *x, lc_xdr_out *o)
{
	if (!c->rpcvers_ok) {
		lc_rpc_reply_denied(o, true, c->xid);
		return;
	}
	if (c->prog != CORE_PROG) {
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_PROG_UNAVAIL);
		return;
	}
	if (c->vers != 1) {
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_PROG_MISMATCH);
		lc_xdr_put_u32(o, 1);
		lc_xdr_put_u32(o, 1);
		return;
	}
	struct link *l;
	uint32_t err;
	switch (c->proc) {
	case 0: /* NULL */
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_SUCCESS);
		return;
	case 10:
		create_link(v, x, o, c->xid);
		return;
	case 11:
		device_write(v, x, o, c->xid);
		return;
	case 12:
		device_read(v, x, o, c->xid);
		return;
	case 13: /* device_readstb */
		l = link_arg(v, x);
		if (x->bad)
			break;
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_SUCCESS);
		lc_xdr_put_u32(o, l ? ERR_OK : ERR_BAD_LINK);
		lc_xdr_put_u32(o, l ? lc_sim_scpi_stb(v->ep->e, l->out_off < l->out_len) : 0);
		return;
	case 15: /* device_clear: drop unread output and partial input */
		l = link_arg(v, x);
		if (x->bad)
			break;
		if (l) {
			l->out_len = l->out_off = 0;
			l->cut = false;
			lc_sim_lines_reset(&l->lines);
			lc_sim_scpi_device_clear(v->ep->e);
		}
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_SUCCESS);
		lc_xdr_put_u32(o, l ? ERR_OK : ERR_BAD_LINK);
		return;
	case 23: /* destroy_link */
		l = link_arg(v, x);
		if (x->bad)
			break;
		if (l)
			link_free(l);
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_SUCCESS);
		lc_xdr_put_u32(o, l ? ERR_OK : ERR_BAD_LINK);
		return;
	case 14: /* device_trigger */
	case 16: /* device_remote, device_local: a simulator has no front panel to lock out */
	case 17:
	case 18: /* device_lock, device_unlock: not simulated */
	case 19:
		l = link_arg(v, x);
		if (x->bad)
			break;
		err = !l ? ERR_BAD_LINK : (c->proc == 16 || c->proc == 17) ? ERR_OK : ERR_UNSUPPORTED;
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_SUCCESS);
		lc_xdr_put_u32(o, err);
		return;
	case 20: /* device_enable_srq, device_docmd, create/destroy_intr_chan: no interrupt channel */
	case 22:
	case 25:
	case 26:
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_SUCCESS);
		lc_xdr_put_u32(o, ERR_UNSUPPORTED);
		if (c->proc == 22)
			lc_xdr_put_opaque(o, NULL, 0); /* Device_DocmdResp carries data_out */
		return;
	default:
		lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_PROC_UNAVAIL);
		return;
	}
	lc_rpc_reply_accepted(o, true, c->xid, LC_RPC_GARBAGE_ARGS);
}

void lc_sim_vxi11_serve(struct lc_sim_conn *conn)
{
	struct vconn *v = calloc(1, sizeof(*v));
	if (!v)
		return;
	v->ep = conn->ep;
	uint8_t *rec = NULL;
	size_t len = 0, cap = 0;
	lc_xdr_out o = {0};
	size_t max = (size_t)max_recv(v->ep) + 1024;
	while (!v->close_after_reply && lc_sim_rpc_read_record(v->ep, conn->fd, &rec, &len, &cap, max) == 0) {
		lc_xdr_in x = {rec, len, 0, false};
		lc_rpc_call c;
		if (!lc_rpc_parse_call(&x, &c))
			break; /* not ONC-RPC: hang up rather than guess */
		dispatch(v, &c, &x, &o);
		lc_rpc_finish_record(&o);
		if (o.oom || lc_sim_ep_write(conn->fd, o.p, o.len) < 0)
			break;
	}
	for (int i = 0; i < LINKS_MAX; i++)
		if (v->links[i].used)
			link_free(&v->links[i]);
	free(rec);
	lc_xdr_out_free(&o);
	free(v);
}

int lc_sim_vxi11_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag)
{
	lc_sim_endpoint *ep;
	int r = lc_sim_ep_new(e, LC_SIM_EP_VXI11, opts, &ep, diag);
	if (r < 0)
		return r;
	int fd = lc_sim_ep_listen_tcp(ep, ep->o.port, &ep->port, diag);
	if (fd < 0)
		goto fail_fd;
	lc_sim_ep_add_listener(ep, fd, lc_sim_vxi11_serve);
	if (ep->o.portmapper_port >= 0) {
		fd = lc_sim_ep_listen_tcp(ep, ep->o.portmapper_port, &ep->pm_port, diag);
		if (fd < 0)
			goto fail_fd;
		lc_sim_ep_add_listener(ep, fd, lc_sim_portmapper_serve_tcp);
		/* UDP on the same port number as the TCP portmapper */
		ep->udp_fd = lc_sim_ep_bind_udp(ep, ep->pm_port, diag);
		if (ep->udp_fd < 0) {
			r = ep->udp_fd;
			ep->udp_fd = -1;
			goto fail;
		}
		r = pthread_create(&ep->udp_thread, NULL, lc_sim_portmapper_udp_main, ep);
		if (r != 0) {
			r = lc_diag_set(diag, LC_ERR_IO, "portmapper thread: %s", strerror(r));
			goto fail;
		}
		ep->udp_started = true;
	}
	r = lc_sim_ep_start(ep, diag);
	if (r < 0)
		goto fail;
	*out = ep;
	return 0;
fail_fd:
	r = fd;
fail:
	lc_sim_endpoint_stop(ep);
	return r;
}
