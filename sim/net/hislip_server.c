/*
 * HiSLIP server (IVI-6.1, version 1.0, synchronized mode) for a simulated instrument's engine, written
 * from the specification's message layouts on its own (it shares no code with the client in hal/, so a
 * mistake in one cannot hide behind the same mistake in the other; tests/sim checks it byte by byte).
 *
 * Every message is a 16-byte header ("HS", type, control code, u32 parameter, u64 payload length, network
 * byte order) and its payload. A connection's first message says which channel it is: Initialize (sync:
 * version, vendor id, sub-address "hislip0" -> InitializeResponse with version 1.0, the session id and
 * synchronized mode) or AsyncInitialize(session id) -> AsyncInitializeResponse (vendor "LC").
 *
 * Synchronous channel: each Data/DataEnd message is fed to the engine once it arrived whole (one cut short
 * by the peer closing is never executed); DataEnd ends a program message (a newline inside a block stays
 * data); the response goes back as Data messages no larger than
 * the client's maximum message size (and than the server's own) and a final DataEnd, each carrying the message id of the DataEnd that
 * asked. A message larger than the server's maximum (opts.max_recv_size, default 1 MiB, header included)
 * gets Error 4 "message too large" and is discarded. Data before the asynchronous channel exists is
 * FatalError 2. Trigger runs *TRG. DeviceClearComplete -> DeviceClearAcknowledge (synchronized); the
 * session's message ids start again as after Initialize (the client's next message is 0xffffff00, and no
 * message since the clear has been executed yet), so that an AsyncStatusQuery naming it waits for it.
 * Asynchronous channel: AsyncMaximumMessageSize, AsyncDeviceClear (-> Acknowledge; input dropped, the
 * engine's device clear), AsyncStatusQuery (the status byte once the message whose id it carries was
 * executed, waiting up to a second for it; the status right after that message when a later one has
 * begun since: status_after), AsyncLock with a timeout (exclusive locks;
 * a shared lock string is answered "error": not simulated), AsyncLockInfo, AsyncRemoteLocalControl.
 * An AsyncServiceRequest is sent when a message sets the status byte's RQS/MSS bit (bit 6).
 * A bad prologue is FatalError 1 and the connection closes; unknown types get Error 1. More sessions than
 * max_connections / 2 (at most 32) get FatalError 4.
 *
 * Faults: a silent instrument sends nothing; a cut reply goes out as Data without DataEnd and the
 * connection closes; "close" sends the reply and closes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/net/endpoint_priv.h"

#define HS_HEADER 16
#define HS_SESSIONS 32
#define HS_DEFAULT_MAX (1u << 20)
#define HS_CONTROL_MAX 4096u

enum { T_INIT = 0, T_INIT_RESP = 1, T_FATAL = 2, T_ERROR = 3, T_LOCK = 4, T_LOCK_RESP = 5, T_DATA = 6,
       T_DATA_END = 7, T_DC_COMPLETE = 8, T_DC_ACK = 9, T_RL_CONTROL = 10, T_RL_RESP = 11, T_TRIGGER = 12,
       T_MAXSIZE = 15, T_MAXSIZE_RESP = 16, T_ASYNC_INIT = 17, T_ASYNC_INIT_RESP = 18, T_ASYNC_DC = 19,
       T_SRQ = 20, T_STATUS = 21, T_STATUS_RESP = 22, T_ASYNC_DC_ACK = 23, T_LOCK_INFO = 24,
       T_LOCK_INFO_RESP = 25 };

struct hs_session {
	bool used, sync_open, async_open;
	uint16_t id;
	int async_fd;
	uint64_t client_max;
	bool clearing;
	uint8_t last_stb;
	uint32_t done_id; /* message id of the last DataEnd executed */
	/* for AsyncStatusQuery: the status byte right after the last two DataEnds were executed, and whether a
	 * later message is being executed now */
	uint32_t prev_done_id;
	uint8_t done_stb, prev_done_stb;
	bool executing;
};

/* The ids as before the first message: after Initialize and after each device clear the client numbers its
 * messages from 0xffffff00 again (+2 each), so "the last one executed" is the one before it. Clients reset
 * theirs there too (hal/transport_hislip.c; pyvisa-py's hislip.py, _reset_protocol_state after
 * device_clear_complete, with 0xfffffefe as its "no message" id). Kept from before the clear, a status
 * query naming the first message after it would find a later id executed and answer at once, before that
 * message ran. */
static void restart_ids(struct hs_session *s)
{
	s->done_id = 0xfffffefeu;
	s->prev_done_id = 0xfffffefcu;
	s->done_stb = s->prev_done_stb = 0;
}

struct lc_sim_hislip {
	pthread_mutex_t mu;
	pthread_mutex_t write_mu; /* the async channel is written by its own thread and by SRQs */
	struct hs_session s[HS_SESSIONS];
	uint16_t next_id;
	uint16_t lock_owner; /* session holding the exclusive lock, 0: none */
};

struct hs_hdr {
	uint8_t type, control;
	uint32_t param;
	uint64_t len;
};

static void put_header(uint8_t *o, uint8_t type, uint8_t control, uint32_t param, uint64_t len)
{
	o[0] = 'H';
	o[1] = 'S';
	o[2] = type;
	o[3] = control;
	o[4] = (uint8_t)(param >> 24);
	o[5] = (uint8_t)(param >> 16);
	o[6] = (uint8_t)(param >> 8);
	o[7] = (uint8_t)param;
	for (int i = 0; i < 8; i++)
		o[8 + i] = (uint8_t)(len >> (56 - 8 * i));
}

static uint64_t server_max(const lc_sim_endpoint *ep)
{
	return ep->o.max_recv_size ? ep->o.max_recv_size : HS_DEFAULT_MAX;
}

static int send_msg(int fd, uint8_t type, uint8_t control, uint32_t param, const void *payload, size_t len)
{
	uint8_t h[HS_HEADER];
	put_header(h, type, control, param, len);
	if (len == 0 || len > 4096) {
		int r = lc_sim_ep_write(fd, h, sizeof(h));
		return r < 0 || len == 0 ? r : lc_sim_ep_write(fd, payload, len);
	}
	/* one write, so a short reply is one segment */
	uint8_t buf[HS_HEADER + 4096];
	memcpy(buf, h, HS_HEADER);
	memcpy(buf + HS_HEADER, payload, len);
	return lc_sim_ep_write(fd, buf, HS_HEADER + len);
}

static int send_text(int fd, uint8_t type, uint8_t code, const char *text)
{
	return send_msg(fd, type, code, 0, text, strlen(text));
}

/* A connection's input, read in large pieces: one read usually brings a header and its payload. */
struct rd {
	lc_sim_endpoint *ep;
	int fd;
	size_t pos, len;
	uint8_t b[16384];
};

/* Bytes available (waiting for some): > 0, 0 on EOF, or LC_ERR_CLOSED / LC_ERR_IO. */
static ssize_t rd_fill(struct rd *r)
{
	if (r->pos < r->len)
		return (ssize_t)(r->len - r->pos);
	r->pos = r->len = 0;
	ssize_t n = lc_sim_ep_read(r->ep, r->fd, r->b, sizeof(r->b));
	if (n > 0)
		r->len = (size_t)n;
	return n;
}

/* Exactly n bytes into dst (NULL: dropped). 0, LC_ERR_TRUNCATED on EOF, or another error. */
static int rd_full(struct rd *r, void *dst, uint64_t n)
{
	uint8_t *o = dst;
	while (n) {
		ssize_t a = rd_fill(r);
		if (a <= 0)
			return a == 0 ? LC_ERR_TRUNCATED : (int)a;
		size_t k = (uint64_t)a < n ? (size_t)a : (size_t)n;
		if (o) {
			memcpy(o, r->b + r->pos, k);
			o += k;
		}
		r->pos += k;
		n -= k;
	}
	return 0;
}

/* 0, LC_ERR_CLOSED (clean end between messages), LC_ERR_TRUNCATED, or LC_ERR_PROTOCOL (bad prologue). */
static int read_header(struct rd *r, struct hs_hdr *h)
{
	uint8_t b[HS_HEADER];
	ssize_t a = rd_fill(r);
	if (a <= 0)
		return a == 0 ? LC_ERR_CLOSED : (int)a;
	int e = rd_full(r, b, HS_HEADER);
	if (e < 0)
		return e;
	if (b[0] != 'H' || b[1] != 'S')
		return LC_ERR_PROTOCOL;
	h->type = b[2];
	h->control = b[3];
	h->param = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	h->len = 0;
	for (int i = 0; i < 8; i++)
		h->len = h->len << 8 | b[8 + i];
	return 0;
}

static struct lc_sim_hislip *hs_of(lc_sim_endpoint *ep)
{
	return ep->proto;
}

static struct hs_session *find_session(struct lc_sim_hislip *hs, uint16_t id)
{
	for (int i = 0; i < HS_SESSIONS; i++)
		if (hs->s[i].used && hs->s[i].id == id)
			return &hs->s[i];
	return NULL;
}

/* A channel of session id closed: its lock goes, and the session when both channels are gone. */
static void channel_closed(struct lc_sim_hislip *hs, uint16_t id, bool sync)
{
	pthread_mutex_lock(&hs->mu);
	pthread_mutex_lock(&hs->write_mu);
	struct hs_session *s = find_session(hs, id);
	if (s) {
		if (sync) {
			s->sync_open = false;
		} else {
			s->async_open = false;
			s->async_fd = -1;
		}
		if (hs->lock_owner == id)
			hs->lock_owner = 0;
		if (!s->sync_open && !s->async_open) {
			memset(s, 0, sizeof(*s));
			s->async_fd = -1;
		}
	}
	pthread_mutex_unlock(&hs->write_mu);
	pthread_mutex_unlock(&hs->mu);
}

/* ---- synchronous channel ------------------------------------------------------------------------------ */

struct hs_sync {
	struct lc_sim_conn *c;
	struct lc_sim_hislip *hs;
	uint16_t id;
	uint32_t msg_id; /* of the DataEnd being executed */
	uint8_t *reply;
	size_t len, cap;
	bool closing;
};

/* The response: Data messages of at most the client's maximum, then DataEnd (or, cut, no DataEnd). */
static bool send_reply(struct hs_sync *y, const uint8_t *p, size_t n, bool cut)
{
	pthread_mutex_lock(&y->hs->mu);
	struct hs_session *s = find_session(y->hs, y->id);
	uint64_t max = s && s->client_max > HS_HEADER ? s->client_max - HS_HEADER : HS_DEFAULT_MAX - HS_HEADER;
	pthread_mutex_unlock(&y->hs->mu);
	/* never larger than what the server itself takes either (a server may always send smaller messages) */
	if (max > server_max(y->c->ep) - HS_HEADER)
		max = server_max(y->c->ep) - HS_HEADER;
	do {
		size_t k = n > max ? (size_t)max : n;
		bool last = k == n && !cut;
		if (send_msg(y->c->fd, last ? T_DATA_END : T_DATA, 0, y->msg_id, p, k) < 0)
			return false;
		p += k;
		n -= k;
	} while (n > 0);
	return true;
}

static void maybe_srq(struct hs_sync *y)
{
	lc_sim_endpoint *ep = y->c->ep;
	uint8_t stb = lc_sim_scpi_stb(ep->e, false);
	pthread_mutex_lock(&y->hs->mu);
	struct hs_session *s = find_session(y->hs, y->id);
	bool rise = s && (stb & 0x40) && !(s->last_stb & 0x40);
	if (s)
		s->last_stb = stb;
	pthread_mutex_unlock(&y->hs->mu);
	if (!rise)
		return;
	pthread_mutex_lock(&y->hs->write_mu);
	if (s->used && s->id == y->id && s->async_fd >= 0)
		send_msg(s->async_fd, T_SRQ, stb, 0, NULL, 0);
	pthread_mutex_unlock(&y->hs->write_mu);
}

static bool on_message(const uint8_t *msg, size_t len, bool overflowed, void *user)
{
	struct hs_sync *y = user;
	lc_sim_endpoint *ep = y->c->ep;
	if (overflowed) {
		lc_sim_push_error(ep->e, -363, "Input buffer overrun;message longer than the input buffer");
		return true;
	}
	if (lc_sim_blank(msg, len))
		return true;
	y->len = 0;
	int delay = 0;
	int action = lc_sim_scpi_execute(ep->e, (const char *)msg, len, &y->reply, &y->len, &y->cap, &delay);
	if (action < 0)
		return true;
	maybe_srq(y);
	if (action == LC_SIM_SILENT)
		return true;
	lc_sim_ep_sleep(ep, delay);
	if (y->len > 0) {
		size_t tl = action == LC_SIM_CUT ? 0 : strlen(ep->terminator);
		if (y->len + tl > y->cap) {
			uint8_t *nb = realloc(y->reply, y->len + tl);
			if (!nb)
				return false;
			y->reply = nb;
			y->cap = y->len + tl;
		}
		memcpy(y->reply + y->len, ep->terminator, tl);
		if (!send_reply(y, y->reply, y->len + tl, action == LC_SIM_CUT))
			return false;
	}
	if (action == LC_SIM_CLOSE || action == LC_SIM_CUT) {
		y->closing = true;
		return false;
	}
	return true;
}

static bool sub_address_ok(const uint8_t *p, size_t n)
{
	return n == 7 && strncasecmp((const char *)p, "hislip0", 7) == 0;
}

/* Initialize: check it, make the session. Returns the session id, or 0 after a FatalError was sent. */
static uint16_t initialize(struct lc_sim_conn *c, struct rd *rd, const struct hs_hdr *h)
{
	lc_sim_endpoint *ep = c->ep;
	struct lc_sim_hislip *hs = hs_of(ep);
	uint8_t sub[256];
	char text[160];
	if (h->len > sizeof(sub) || rd_full(rd, sub, h->len) < 0) {
		send_text(c->fd, T_FATAL, 3, "Initialize: sub-address longer than 256 bytes");
		return 0;
	}
	unsigned major = h->param >> 24;
	uint8_t v1 = (uint8_t)(h->param >> 8), v2 = (uint8_t)h->param;
	if (major == 0) {
		snprintf(text, sizeof(text), "HiSLIP version %u.%u is not supported (1.0 is)", major, (h->param >> 16) & 0xff);
		send_text(c->fd, T_FATAL, 0, text);
		return 0;
	}
	if (v1 < 0x21 || v1 > 0x7e || v2 < 0x21 || v2 > 0x7e) {
		snprintf(text, sizeof(text), "vendor id 0x%02x%02x is not two ASCII characters", v1, v2);
		send_text(c->fd, T_FATAL, 3, text);
		return 0;
	}
	if (!sub_address_ok(sub, (size_t)h->len)) {
		snprintf(text, sizeof(text), "no sub-address '%.*s' on this instrument (hislip0)",
			 (int)(h->len > 64 ? 64 : h->len), (const char *)sub);
		send_text(c->fd, T_FATAL, 0, text);
		return 0;
	}
	int cap = ep->o.max_connections / 2 < HS_SESSIONS ? ep->o.max_connections / 2 : HS_SESSIONS;
	pthread_mutex_lock(&hs->mu);
	struct hs_session *s = NULL;
	int open = 0;
	for (int i = 0; i < HS_SESSIONS; i++) {
		if (hs->s[i].used)
			open++;
		else if (!s)
			s = &hs->s[i];
	}
	uint16_t id = 0;
	if (s && open < cap) {
		do
			id = ++hs->next_id;
		while (id == 0 || find_session(hs, id));
		*s = (struct hs_session){.used = true, .sync_open = true, .id = id, .async_fd = -1,
					 .client_max = HS_DEFAULT_MAX};
		restart_ids(s);
	}
	pthread_mutex_unlock(&hs->mu);
	if (!id) {
		send_text(c->fd, T_FATAL, 4, "maximum number of clients exceeded");
		return 0;
	}
	/* version 1.0, session id; control 0: synchronized mode */
	if (send_msg(c->fd, T_INIT_RESP, 0, 0x0100u << 16 | id, NULL, 0) < 0) {
		channel_closed(hs, id, true);
		return 0;
	}
	return id;
}

static void serve_sync(struct lc_sim_conn *c, struct rd *rd, const struct hs_hdr *first)
{
	lc_sim_endpoint *ep = c->ep;
	struct lc_sim_hislip *hs = hs_of(ep);
	uint16_t id = initialize(c, rd, first);
	if (!id)
		return;
	lc_sim_lines lines;
	if (lc_sim_lines_init(&lines, ep->o.max_message, '\n') < 0) {
		channel_closed(hs, id, true);
		return;
	}
	struct hs_sync y = {.c = c, .hs = hs, .id = id};
	uint8_t *msg = NULL; /* a message that did not arrive in one read */
	size_t msg_cap = 0;
	for (;;) {
		struct hs_hdr h;
		int r = read_header(rd, &h);
		if (r == LC_ERR_PROTOCOL) {
			send_text(c->fd, T_FATAL, 1, "poorly formed message header: prologue is not \"HS\"");
			break;
		}
		if (r < 0)
			break;
		if (h.type == T_DATA || h.type == T_DATA_END) {
			pthread_mutex_lock(&hs->mu);
			struct hs_session *s = find_session(hs, id);
			bool both = s && s->async_open, clearing = s && s->clearing;
			pthread_mutex_unlock(&hs->mu);
			if (!both) {
				send_text(c->fd, T_FATAL, 2, "Data before the asynchronous channel was initialized");
				break;
			}
			if (h.len > server_max(ep) - HS_HEADER) {
				char text[96];
				snprintf(text, sizeof(text), "message of %llu bytes exceeds the maximum message size %llu",
					 (unsigned long long)(h.len + HS_HEADER), (unsigned long long)server_max(ep));
				if (send_text(c->fd, T_ERROR, 4, text) < 0 || rd_full(rd, NULL, h.len) < 0)
					break;
				lc_sim_lines_reset(&lines);
				continue;
			}
			y.msg_id = h.param;
			bool ok = true;
			/* the whole message first: one cut short by the peer closing is never executed */
			const uint8_t *data = NULL;
			if (rd->len - rd->pos >= h.len) {
				data = rd->b + rd->pos; /* already here: no copy */
				rd->pos += (size_t)h.len;
			} else if (h.len > msg_cap) {
				uint8_t *nb = realloc(msg, (size_t)h.len);
				if (!nb)
					break;
				msg = nb;
				msg_cap = (size_t)h.len;
			}
			if (!data) {
				if (rd_full(rd, msg, h.len) < 0)
					break;
				data = msg;
			}
			pthread_mutex_lock(&hs->mu);
			if ((s = find_session(hs, id)))
				s->executing = true;
			pthread_mutex_unlock(&hs->mu);
			if (!clearing && h.len)
				ok = lc_sim_lines_feed(&lines, data, (size_t)h.len, on_message, &y);
			if (ok && h.type == T_DATA_END && !clearing)
				ok = lc_sim_lines_flush(&lines, on_message, &y);
			uint8_t stb = h.type == T_DATA_END ? lc_sim_scpi_stb(ep->e, false) : 0;
			pthread_mutex_lock(&hs->mu);
			if ((s = find_session(hs, id))) {
				s->executing = false;
				if (h.type == T_DATA_END) {
					s->prev_done_id = s->done_id;
					s->prev_done_stb = s->done_stb;
					s->done_id = h.param;
					s->done_stb = stb;
				}
			}
			pthread_mutex_unlock(&hs->mu);
			if (!ok)
				break;
			continue;
		}
		if (h.len > HS_CONTROL_MAX) {
			send_text(c->fd, T_FATAL, 1, "poorly formed message header: payload too long for its type");
			break;
		}
		if (rd_full(rd, NULL, h.len) < 0)
			break;
		if (h.type == T_DC_COMPLETE) {
			lc_sim_lines_reset(&lines);
			pthread_mutex_lock(&hs->mu);
			struct hs_session *s = find_session(hs, id);
			if (s) {
				s->clearing = false;
				restart_ids(s);
			}
			pthread_mutex_unlock(&hs->mu);
			if (send_msg(c->fd, T_DC_ACK, 0, 0, NULL, 0) < 0)
				break;
		} else if (h.type == T_TRIGGER) {
			y.msg_id = h.param;
			if (!on_message((const uint8_t *)"*TRG", 4, false, &y))
				break;
		} else if (h.type == T_FATAL) {
			break;
		} else if (h.type != T_ERROR) {
			char text[64];
			snprintf(text, sizeof(text), "message type %u is not served on the synchronous channel", h.type);
			if (send_text(c->fd, T_ERROR, 1, text) < 0)
				break;
		}
	}
	lc_sim_lines_free(&lines);
	free(y.reply);
	free(msg);
	channel_closed(hs, id, true);
}

/* ---- asynchronous channel ----------------------------------------------------------------------------- */

static int async_send(struct lc_sim_hislip *hs, int fd, uint8_t type, uint8_t control, uint32_t param,
		      const void *payload, size_t len)
{
	pthread_mutex_lock(&hs->write_mu);
	int r = send_msg(fd, type, control, param, payload, len);
	pthread_mutex_unlock(&hs->write_mu);
	return r;
}

/* Exclusive lock within timeout_ms (instrument waits in slices so the endpoint can stop). */
static uint8_t lock_request(lc_sim_endpoint *ep, struct lc_sim_hislip *hs, uint16_t id, uint32_t timeout_ms)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pthread_mutex_lock(&hs->mu);
		bool got = hs->lock_owner == 0 || hs->lock_owner == id;
		if (got)
			hs->lock_owner = id;
		pthread_mutex_unlock(&hs->mu);
		pthread_mutex_lock(&ep->mu);
		bool stopping = ep->stopping;
		pthread_mutex_unlock(&ep->mu);
		if (got)
			return 1;
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		int64_t spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (stopping || spent >= timeout_ms)
			return 0;
		int64_t left = timeout_ms - spent;
		lc_sim_ep_sleep(ep, left < 10 ? (int)left : 10);
	}
}

/* The status byte for an AsyncStatusQuery naming message msg_id, the last one the client sent: the live
 * one, unless the synchronous channel has since begun a later message (a client that sends the query
 * right before its next message): then the status as it was once msg_id was executed, as an instrument
 * that answers status queries before it reads on would give. The engine's lock is taken under hs->mu (never
 * the other way round), so no later message starts between the check and the reading. */
static uint8_t status_after(lc_sim_endpoint *ep, struct lc_sim_hislip *hs, uint16_t id, uint32_t msg_id)
{
	pthread_mutex_lock(&hs->mu);
	struct hs_session *s = find_session(hs, id);
	uint8_t stb;
	if (s && s->done_id == msg_id && s->executing)
		stb = s->done_stb;
	else if (s && s->prev_done_id == msg_id && s->done_id != msg_id)
		stb = s->prev_done_stb;
	else
		stb = lc_sim_scpi_stb(ep->e, false);
	pthread_mutex_unlock(&hs->mu);
	return stb;
}

static void serve_async(struct lc_sim_conn *c, struct rd *rd, const struct hs_hdr *first)
{
	lc_sim_endpoint *ep = c->ep;
	struct lc_sim_hislip *hs = hs_of(ep);
	uint16_t id = (uint16_t)first->param;
	pthread_mutex_lock(&hs->mu);
	struct hs_session *s = find_session(hs, id);
	bool ok = s && !s->async_open && first->len == 0;
	if (ok) {
		s->async_open = true;
		pthread_mutex_lock(&hs->write_mu);
		s->async_fd = c->fd;
		pthread_mutex_unlock(&hs->write_mu);
	}
	pthread_mutex_unlock(&hs->mu);
	if (!ok) {
		send_text(c->fd, T_FATAL, 3, "AsyncInitialize: no such session, or its asynchronous channel exists");
		return;
	}
	if (async_send(hs, c->fd, T_ASYNC_INIT_RESP, 0, 'L' << 8 | 'C', NULL, 0) < 0) {
		channel_closed(hs, id, false);
		return;
	}
	uint8_t payload[HS_CONTROL_MAX];
	for (;;) {
		struct hs_hdr h;
		int r = read_header(rd, &h);
		if (r == LC_ERR_PROTOCOL) {
			async_send(hs, c->fd, T_FATAL, 1, 0, "poorly formed message header", 28);
			break;
		}
		if (r < 0)
			break;
		if (h.len > HS_CONTROL_MAX) {
			async_send(hs, c->fd, T_FATAL, 1, 0, "payload too long for its type", 29);
			break;
		}
		if (rd_full(rd, payload, h.len) < 0)
			break;
		uint8_t out[8];
		switch (h.type) {
		case T_MAXSIZE: {
			if (h.len != 8) {
				r = async_send(hs, c->fd, T_ERROR, 0, 0, "AsyncMaximumMessageSize needs 8 bytes", 37);
				break;
			}
			uint64_t v = 0;
			for (int i = 0; i < 8; i++)
				v = v << 8 | payload[i];
			pthread_mutex_lock(&hs->mu);
			if ((s = find_session(hs, id)))
				s->client_max = v;
			pthread_mutex_unlock(&hs->mu);
			uint64_t m = server_max(ep);
			for (int i = 0; i < 8; i++)
				out[i] = (uint8_t)(m >> (56 - 8 * i));
			r = async_send(hs, c->fd, T_MAXSIZE_RESP, 0, 0, out, 8);
			break;
		}
		case T_ASYNC_DC:
			pthread_mutex_lock(&hs->mu);
			if ((s = find_session(hs, id)))
				s->clearing = true;
			pthread_mutex_unlock(&hs->mu);
			lc_sim_scpi_device_clear(ep->e);
			r = async_send(hs, c->fd, T_ASYNC_DC_ACK, 0, 0, NULL, 0);
			break;
		case T_STATUS:
			/* the status after the message the client names (its last one) was executed, if it comes soon */
			for (int i = 0; i < 1000; i++) {
				pthread_mutex_lock(&hs->mu);
				s = find_session(hs, id);
				bool pending = s && (int32_t)(h.param - s->done_id) > 0 && s->sync_open;
				pthread_mutex_unlock(&hs->mu);
				if (!pending)
					break;
				lc_sim_ep_sleep(ep, 1);
			}
			r = async_send(hs, c->fd, T_STATUS_RESP, status_after(ep, hs, id, h.param), 0, NULL, 0);
			break;
		case T_LOCK:
			if (h.control == 1 && h.len > 0) {
				r = async_send(hs, c->fd, T_LOCK_RESP, 3, 0, NULL, 0); /* shared locks: not simulated */
			} else if (h.control == 1) {
				r = async_send(hs, c->fd, T_LOCK_RESP, lock_request(ep, hs, id, h.param), 0, NULL, 0);
			} else {
				pthread_mutex_lock(&hs->mu);
				bool held = hs->lock_owner == id;
				if (held)
					hs->lock_owner = 0;
				pthread_mutex_unlock(&hs->mu);
				r = async_send(hs, c->fd, T_LOCK_RESP, held ? 1 : 3, 0, NULL, 0);
			}
			break;
		case T_LOCK_INFO: {
			pthread_mutex_lock(&hs->mu);
			bool held = hs->lock_owner != 0;
			pthread_mutex_unlock(&hs->mu);
			r = async_send(hs, c->fd, T_LOCK_INFO_RESP, held, held ? 1 : 0, NULL, 0);
			break;
		}
		case T_RL_CONTROL: /* no front panel to lock out */
			r = async_send(hs, c->fd, T_RL_RESP, 0, 0, NULL, 0);
			break;
		case T_FATAL:
			r = -1;
			break;
		case T_ERROR:
			r = 0;
			break;
		default: {
			char text[64];
			int n = snprintf(text, sizeof(text), "message type %u is not served on the asynchronous channel",
					 h.type);
			r = async_send(hs, c->fd, T_ERROR, 1, 0, text, (size_t)n);
		}
		}
		if (r < 0)
			break;
	}
	channel_closed(hs, id, false);
}

static void serve(struct lc_sim_conn *c)
{
	struct hs_hdr h = {0}; /* read_header fills it when it returns 0; gcc -O3 cannot see that */
	struct rd *rd = malloc(sizeof(*rd));
	if (!rd)
		return;
	rd->ep = c->ep;
	rd->fd = c->fd;
	rd->pos = rd->len = 0;
	int r = read_header(rd, &h);
	if (r == LC_ERR_PROTOCOL)
		send_text(c->fd, T_FATAL, 1, "poorly formed message header: prologue is not \"HS\"");
	else if (r < 0)
		;
	else if (h.type == T_INIT)
		serve_sync(c, rd, &h);
	else if (h.type == T_ASYNC_INIT)
		serve_async(c, rd, &h);
	else
		send_text(c->fd, T_FATAL, 3, "the first message must be Initialize or AsyncInitialize");
	free(rd);
}

static void hislip_free(void *p)
{
	struct lc_sim_hislip *hs = p;
	pthread_mutex_destroy(&hs->mu);
	pthread_mutex_destroy(&hs->write_mu);
	free(hs);
}

int lc_sim_hislip_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag)
{
	lc_sim_endpoint *ep;
	int r = lc_sim_ep_new(e, LC_SIM_EP_HISLIP, opts, &ep, diag);
	if (r < 0)
		return r;
	if (ep->o.max_recv_size && ep->o.max_recv_size <= HS_HEADER) {
		lc_sim_endpoint_stop(ep);
		return lc_diag_set(diag, LC_ERR_ARG, "HiSLIP: maximum message size %u leaves no room for data",
				   ep->o.max_recv_size);
	}
	struct lc_sim_hislip *hs = calloc(1, sizeof(*hs));
	if (!hs) {
		lc_sim_endpoint_stop(ep);
		return lc_diag_set(diag, LC_ERR_NOMEM, "HiSLIP: out of memory");
	}
	pthread_mutex_init(&hs->mu, NULL);
	pthread_mutex_init(&hs->write_mu, NULL);
	ep->proto = hs;
	ep->proto_free = hislip_free;
	int fd = lc_sim_ep_listen_tcp(ep, ep->o.port, &ep->port, diag);
	if (fd < 0) {
		lc_sim_endpoint_stop(ep);
		return fd;
	}
	lc_sim_ep_add_listener(ep, fd, serve);
	if ((r = lc_sim_ep_start(ep, diag)) < 0) {
		lc_sim_endpoint_stop(ep);
		return r;
	}
	*out = ep;
	return 0;
}
