/*
 * HiSLIP client (IVI-6.1), TCPIP::host::hislipN[,port]::INSTR: two TCP connections to port 4880, the
 * synchronous channel carrying Data/DataEnd and the asynchronous one carrying locks, status queries, device
 * clear and service requests. Message layouts: hal/hislip_msg.h.
 *
 * Open: Initialize (version 1.0, vendor "LC", payload the sub-address "hislip0") -> InitializeResponse
 * (server version, session id, overlap mode); AsyncInitialize(session id) -> AsyncInitializeResponse;
 * AsyncMaximumMessageSize (what we accept) -> its response (what the server accepts). A message may not
 * exceed the other side's maximum message size, header included.
 *
 * Messages: a write is Data messages of at most the server's maximum and a final DataEnd, all with one
 * message id (0xffffff00 after open and after each device clear, +2 per message); the RMT-delivered control
 * bit tells the server a whole response was read since the previous message. A reply is the Data/DataEnd
 * messages carrying the id of the last message sent (or 0xffffffff); others are stale answers and are
 * skipped. Framing is by headers only: the reply ends with the DataEnd's payload (*end). The last byte of a
 * Data message is held back until the next header shows whether an empty DataEnd ends the reply there.
 * A header or payload cut by the peer closing is LC_ERR_TRUNCATED; a message larger than we announced, a
 * bad prologue or a FatalError breaks the session (LC_ERR_PROTOCOL, or LC_ERR_BUSY for "too many clients");
 * an Error message is reported (LC_ERR_PROTOCOL with its code and text) and the session goes on.
 *
 * Modes: the client is synchronized and serial (one message, then its reply). A server in overlapped mode
 * works the same way (the replies are matched by message id); no pipelining is done, except that a status
 * query may go out just ahead of a message with its answer read later (hislip_stb_ask). Device clear asks
 * for synchronized mode.
 *
 * Reads are resumable: a deadline that passes inside a header or a payload keeps what arrived, so a later
 * read or the device clear continues from there.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/hislip_msg.h"
#include "hal/net_priv.h"
#include "hal/transport_hislip.h"
#include "hal/transport_priv.h"

#define LC_LOG_DOMAIN "hislip"
#define CLIENT_VERSION 0x0100u /* 1.0 */
#define CLIENT_VENDOR ('L' << 8 | 'C')
#define IN_BUF 16384
#define TEXT_MAX 200
#define CONTROL_PAYLOAD_MAX 65536u

struct chan {
	int fd;
	uint8_t in[IN_BUF];
	size_t pos, len;
	uint8_t hdr[LC_HISLIP_HEADER_SIZE];
	size_t have; /* header bytes collected so far */
};

struct hislip_priv {
	struct chan sync, async;
	uint16_t session_id, server_version, server_vendor;
	bool overlap;
	uint64_t server_max; /* largest message the server accepts, header included */
	uint32_t next_id, last_id;
	bool rmt; /* a whole response was delivered since the last message sent */
	/* the reply message being read on the synchronous channel */
	bool in_msg, skip_rest;
	uint8_t msg_type;
	uint64_t msg_len, remaining;
	bool have_carry;
	uint8_t carry;
	bool broken;
	char broken_why[120];
	bool srq_seen;
	uint8_t srq_stb;
	/* status queries sent ahead of a message (hislip_stb_ask) whose AsyncStatusResponse has not been read
	 * yet; the asynchronous channel answers in order, so the last of them answers the latest ask */
	uint32_t stb_asked;
	uint64_t stb_asks; /* all asks so far (lc_hislip_session_info) */
	bool stb_have; /* the latest ask's answer was read: stb_last */
	uint8_t stb_last;
};

static void chan_init(struct chan *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static int broken_error(struct hislip_priv *p, lc_diag *diag)
{
	return lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP session unusable after an earlier failure (%s); reopen it",
			   p->broken_why);
}

static int breaks(struct hislip_priv *p, int code, lc_diag *diag)
{
	p->broken = true;
	const char *why = diag ? diag->text : lc_strerror(code);
	size_t n = strnlen(why, sizeof(p->broken_why) - 1);
	memcpy(p->broken_why, why, n);
	p->broken_why[n] = 0;
	return code;
}

/* At least one byte in c->in, waiting until deadline. 1, or LC_ERR_CLOSED / LC_ERR_TIMEOUT / LC_ERR_IO. */
static int chan_fill(struct chan *c, int64_t deadline, lc_diag *diag)
{
	if (c->pos < c->len)
		return 1;
	c->pos = c->len = 0;
	for (;;) {
		ssize_t n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);
		if (n > 0) {
			c->len = (size_t)n;
			return 1;
		}
		if (n == 0)
			return lc_diag_set(diag, LC_ERR_CLOSED, "peer closed the connection");
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			int w = lc_net_wait(c->fd, POLLIN, deadline, diag);
			if (w < 0)
				return w;
			continue;
		}
		return lc_diag_set(diag, errno == ECONNRESET ? LC_ERR_CLOSED : LC_ERR_IO, "read: %s", strerror(errno));
	}
}

/* Collect the next header (resumable). 0, or an error: a connection closed inside a header is TRUNCATED. */
static int read_header(struct hislip_priv *p, struct chan *c, lc_hislip_header *h, int64_t deadline,
		       lc_diag *diag)
{
	while (c->have < LC_HISLIP_HEADER_SIZE) {
		int e = chan_fill(c, deadline, diag);
		if (e == LC_ERR_CLOSED && c->have > 0)
			return breaks(p, lc_diag_set(diag, LC_ERR_TRUNCATED, "HiSLIP: peer closed the connection after %zu of "
						   "16 header bytes", c->have), diag);
		if (e < 0)
			return e;
		size_t k = c->len - c->pos;
		if (k > LC_HISLIP_HEADER_SIZE - c->have)
			k = LC_HISLIP_HEADER_SIZE - c->have;
		memcpy(c->hdr + c->have, c->in + c->pos, k);
		c->pos += k;
		c->have += k;
	}
	c->have = 0;
	int e = lc_hislip_decode(c->hdr, LC_HISLIP_HEADER_SIZE, h, diag);
	if (e < 0)
		return breaks(p, e, diag);
	return 0;
}

/* Read exactly n payload bytes of a control message. */
static int read_payload(struct hislip_priv *p, struct chan *c, uint8_t *buf, size_t n, int64_t deadline,
			const char *what, lc_diag *diag)
{
	size_t got = 0;
	while (got < n) {
		int e = chan_fill(c, deadline, diag);
		if (e == LC_ERR_CLOSED)
			e = lc_diag_set(diag, LC_ERR_TRUNCATED, "HiSLIP %s: peer closed the connection after %zu of %zu "
					"payload bytes", what, got, n);
		if (e < 0)
			return breaks(p, e, diag); /* the channel is out of step now */
		size_t k = c->len - c->pos < n - got ? c->len - c->pos : n - got;
		if (buf)
			memcpy(buf + got, c->in + c->pos, k);
		c->pos += k;
		got += k;
	}
	return 0;
}

/* The text of an Error/FatalError (at most TEXT_MAX bytes kept, printable ASCII, the rest skipped). */
static int read_text(struct hislip_priv *p, struct chan *c, const lc_hislip_header *h, char *text, int64_t deadline,
		     lc_diag *diag)
{
	uint8_t tmp[TEXT_MAX];
	text[0] = 0;
	if (h->len > CONTROL_PAYLOAD_MAX)
		return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP %s with a %llu-byte payload",
					     lc_hislip_type_name(h->type), (unsigned long long)h->len), diag);
	size_t keep = h->len < TEXT_MAX - 1 ? (size_t)h->len : TEXT_MAX - 1;
	int e = read_payload(p, c, tmp, keep, deadline, lc_hislip_type_name(h->type), diag);
	if (e == 0)
		e = read_payload(p, c, NULL, (size_t)h->len - keep, deadline, lc_hislip_type_name(h->type), diag);
	if (e < 0)
		return e;
	for (size_t i = 0; i < keep; i++)
		text[i] = tmp[i] >= 0x20 && tmp[i] < 0x7f ? (char)tmp[i] : '?';
	text[keep] = 0;
	return 0;
}

/* Error or FatalError received: read its text and return the error it means. */
static int peer_error(struct hislip_priv *p, struct chan *c, const lc_hislip_header *h, int64_t deadline,
		      lc_diag *diag)
{
	char text[TEXT_MAX];
	int e = read_text(p, c, h, text, deadline, diag);
	if (e < 0)
		return e;
	if (h->type == LC_HS_ERROR)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "instrument sent HiSLIP Error %u (%s)%s%s", h->control,
				   lc_hislip_error_text(h->control), text[0] ? ": " : "", text);
	int code = h->control == LC_HS_FATAL_TOO_MANY_CLIENTS ? LC_ERR_BUSY : LC_ERR_PROTOCOL;
	lc_diag_set(diag, code, "instrument sent HiSLIP FatalError %u (%s)%s%s", h->control,
		    lc_hislip_fatal_text(h->control), text[0] ? ": " : "", text);
	return breaks(p, code, diag);
}

static int send_msg(struct hislip_priv *p, struct chan *c, uint8_t type, uint8_t control, uint32_t param,
		    const uint8_t *payload, size_t len, int64_t deadline, lc_diag *diag)
{
	uint8_t h[LC_HISLIP_HEADER_SIZE];
	lc_hislip_encode(h, type, control, param, len);
	struct iovec iov[2] = {{h, sizeof(h)}, {(void *)payload, len}};
	size_t total = sizeof(h) + len, done = 0;
	int err = 0;
	int rc = lc_net_send(c->fd, iov, 2, deadline, &done, &err, diag);
	if (rc == LC_ERR_CLOSED)
		return breaks(p, lc_diag_set(diag, LC_ERR_CLOSED, "HiSLIP %s: peer closed the connection",
					     lc_hislip_type_name(type)), diag);
	if (rc == LC_ERR_IO && err)
		return breaks(p, lc_diag_set(diag, LC_ERR_IO, "HiSLIP %s: %s", lc_hislip_type_name(type),
					     err > 0 ? strerror(err) : "send returned 0"), diag);
	if (rc < 0) {
		/* the deadline passed (or poll failed): a message cut in the middle breaks the session */
		lc_diag_prefix(diag, "HiSLIP %s (%zu of %zu bytes sent): ", lc_hislip_type_name(type), done, total);
		return done ? breaks(p, rc, diag) : rc;
	}
	return 0;
}

/* An AsyncStatusResponse while status queries sent ahead are unanswered is the answer to the oldest of
 * them (the channel answers in order): counted off, the latest one's kept. True when h was one. */
static bool asked_answer(struct hislip_priv *p, const lc_hislip_header *h)
{
	if (h->type != LC_HS_ASYNC_STATUS_RESPONSE || p->stb_asked == 0)
		return false;
	if (--p->stb_asked == 0) {
		p->stb_have = true;
		p->stb_last = h->control;
	}
	return true;
}

/* Send one asynchronous request and wait for its response (header into *r; a payload of at most cap bytes
 * into buf). Service requests that arrive meanwhile are kept for wait_srq. */
static int async_transact(struct hislip_priv *p, uint8_t type, uint8_t control, uint32_t param,
			  const uint8_t *payload, size_t len, uint8_t expect, lc_hislip_header *r, uint8_t *buf,
			  size_t cap, int64_t deadline, lc_diag *diag)
{
	int e = send_msg(p, &p->async, type, control, param, payload, len, deadline, diag);
	if (e < 0)
		return e;
	for (;;) {
		e = read_header(p, &p->async, r, deadline, diag);
		if (e == LC_ERR_TIMEOUT)
			return breaks(p, lc_diag_set(diag, LC_ERR_TIMEOUT, "HiSLIP %s: no %s before the deadline",
						     lc_hislip_type_name(type), lc_hislip_type_name(expect)), diag);
		if (e < 0)
			return e;
		if (r->type == LC_HS_ERROR || r->type == LC_HS_FATAL_ERROR) {
			e = peer_error(p, &p->async, r, deadline, diag);
			lc_diag_prefix(diag, "%s: ", lc_hislip_type_name(type));
			return e;
		}
		if (r->len > CONTROL_PAYLOAD_MAX || (r->type == expect && r->len > cap))
			return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP %s with an unexpected %llu-byte payload",
						     lc_hislip_type_name(r->type), (unsigned long long)r->len), diag);
		bool asked = asked_answer(p, r), ours = !asked && r->type == expect;
		if (r->type == LC_HS_ASYNC_SERVICE_REQUEST) {
			p->srq_seen = true;
			p->srq_stb = r->control;
		} else if (!asked && !ours && r->type != LC_HS_ASYNC_INTERRUPTED) {
			return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP %s answered by %s (type %u)",
						     lc_hislip_type_name(type), lc_hislip_type_name(r->type), r->type), diag);
		}
		e = read_payload(p, &p->async, ours ? buf : NULL, (size_t)r->len, deadline, lc_hislip_type_name(r->type),
				 diag);
		if (e < 0 || ours)
			return e;
	}
}

static void reset_ids(struct hislip_priv *p)
{
	p->next_id = LC_HISLIP_FIRST_MSGID;
	p->last_id = LC_HISLIP_FIRST_MSGID - 2;
	p->rmt = false;
	p->in_msg = p->skip_rest = p->have_carry = false;
	p->remaining = 0;
}

static int hislip_open(void *priv, const lc_resource *res, const lc_transport_opts *opts, int64_t deadline,
		       lc_diag *diag)
{
	struct hislip_priv *p = priv;
	lc_hislip_header h;
	int one = 1;
	(void)opts;

	chan_init(&p->sync);
	chan_init(&p->async);
	reset_ids(p);
	const char *sub = res->lan_name[0] ? res->lan_name : "hislip0";
	unsigned port = res->port ? res->port : LC_HISLIP_PORT;
	int e = lc_net_connect(res->host, port, deadline, &p->sync.fd, diag);
	if (e < 0)
		goto fail;
	setsockopt(p->sync.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	e = send_msg(p, &p->sync, LC_HS_INITIALIZE, 0, CLIENT_VERSION << 16 | CLIENT_VENDOR, (const uint8_t *)sub,
		     strlen(sub), deadline, diag);
	if (e == 0)
		e = read_header(p, &p->sync, &h, deadline, diag);
	if (e == 0 && (h.type == LC_HS_FATAL_ERROR || h.type == LC_HS_ERROR))
		e = peer_error(p, &p->sync, &h, deadline, diag);
	else if (e == 0 && h.type != LC_HS_INITIALIZE_RESPONSE)
		e = lc_diag_set(diag, LC_ERR_PROTOCOL, "Initialize answered by %s (type %u)", lc_hislip_type_name(h.type),
				h.type);
	if (e < 0)
		goto fail_prefix;
	p->server_version = (uint16_t)(h.param >> 16);
	p->session_id = (uint16_t)h.param;
	p->overlap = h.control & 1;
	if (p->server_version >> 8 != 1) {
		e = lc_diag_set(diag, LC_ERR_PROTOCOL, "server speaks HiSLIP %u.%u; this client speaks 1.x",
				p->server_version >> 8, p->server_version & 0xff);
		goto fail_prefix;
	}
	if (h.len) {
		e = lc_diag_set(diag, LC_ERR_PROTOCOL, "InitializeResponse with a %llu-byte payload",
				(unsigned long long)h.len);
		goto fail_prefix;
	}
	if ((e = lc_net_connect(res->host, port, deadline, &p->async.fd, diag)) < 0)
		goto fail;
	setsockopt(p->async.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	e = async_transact(p, LC_HS_ASYNC_INITIALIZE, 0, p->session_id, NULL, 0, LC_HS_ASYNC_INITIALIZE_RESPONSE, &h,
			   NULL, 0, deadline, diag);
	if (e < 0)
		goto fail_prefix;
	p->server_vendor = (uint16_t)h.param;
	uint8_t size[8], got[8];
	uint64_t ours = LC_HISLIP_CLIENT_MAX_MESSAGE;
	for (int i = 0; i < 8; i++)
		size[i] = (uint8_t)(ours >> (56 - 8 * i));
	e = async_transact(p, LC_HS_ASYNC_MAXIMUM_MESSAGE_SIZE, 0, 0, size, 8, LC_HS_ASYNC_MAXIMUM_MESSAGE_SIZE_RESPONSE,
			   &h, got, sizeof(got), deadline, diag);
	if (e == 0 && h.len != 8)
		e = lc_diag_set(diag, LC_ERR_PROTOCOL, "AsyncMaximumMessageSizeResponse with %llu payload bytes, not 8",
				(unsigned long long)h.len);
	if (e < 0)
		goto fail_prefix;
	p->server_max = 0;
	for (int i = 0; i < 8; i++)
		p->server_max = p->server_max << 8 | got[i];
	if (p->server_max <= LC_HISLIP_HEADER_SIZE) {
		e = lc_diag_set(diag, LC_ERR_PROTOCOL, "server's maximum message size %llu leaves no room for data",
				(unsigned long long)p->server_max);
		goto fail_prefix;
	}
	p->broken = false;
	lc_dbg("%s:%u %s: session %u, server HiSLIP %u.%u vendor %c%c, %s mode, max message %llu", res->host, port,
	       sub, p->session_id, p->server_version >> 8, p->server_version & 0xff, (p->server_vendor >> 8) & 0x7f,
	       p->server_vendor & 0x7f, p->overlap ? "overlapped" : "synchronized", (unsigned long long)p->server_max);
	return 0;
fail_prefix:
	lc_diag_prefix(diag, "%s:%u %s: ", res->host, port, sub);
fail:
	if (p->sync.fd >= 0)
		close(p->sync.fd);
	if (p->async.fd >= 0)
		close(p->async.fd);
	p->sync.fd = p->async.fd = -1;
	return e;
}

static int hislip_write(void *priv, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag)
{
	struct hislip_priv *p = priv;
	if (p->broken)
		return broken_error(p, diag);
	if (len > INT32_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "message of %zu bytes is too long", len);
	/* what is left of an unread reply belongs to the previous message: skip it when it comes */
	if (p->in_msg)
		p->skip_rest = true;
	p->have_carry = false;
	uint64_t chunk = p->server_max - LC_HISLIP_HEADER_SIZE;
	uint32_t id = p->next_id;
	size_t done = 0;
	do {
		size_t n = len - done > chunk ? (size_t)chunk : len - done;
		bool last = done + n == len;
		int e = send_msg(p, &p->sync, last ? LC_HS_DATA_END : LC_HS_DATA, p->rmt ? 1 : 0, id, buf + done, n,
				 deadline, diag);
		if (e < 0)
			return e;
		p->rmt = false;
		done += n;
	} while (done < len);
	p->last_id = id;
	p->next_id = id + 2;
	return (int)len;
}

/* The header of the next message of the reply to the last message sent. */
static int next_reply_header(struct hislip_priv *p, int64_t deadline, lc_diag *diag)
{
	lc_hislip_header h;
	for (;;) {
		int e = read_header(p, &p->sync, &h, deadline, diag);
		if (e < 0)
			return e;
		switch (h.type) {
		case LC_HS_DATA:
		case LC_HS_DATA_END:
			if (h.len > LC_HISLIP_CLIENT_MAX_MESSAGE - LC_HISLIP_HEADER_SIZE)
				return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP %s of %llu payload bytes exceeds the "
							     "negotiated maximum message size of %llu bytes",
							     lc_hislip_type_name(h.type), (unsigned long long)h.len,
							     (unsigned long long)LC_HISLIP_CLIENT_MAX_MESSAGE), diag);
			p->in_msg = true;
			p->msg_type = h.type;
			p->msg_len = p->remaining = h.len;
			p->skip_rest = h.param != p->last_id && h.param != LC_HISLIP_ANY_MSGID;
			if (p->skip_rest)
				lc_dbg("skipping a stale %s of message 0x%08x", lc_hislip_type_name(h.type), h.param);
			else
				return 0;
			break;
		case LC_HS_INTERRUPTED:
			/* the server dropped the rest of a response: nothing held back belongs to a reply any more */
			p->have_carry = false;
			if ((e = read_payload(p, &p->sync, NULL, (size_t)h.len, deadline, "Interrupted", diag)) < 0)
				return e;
			break;
		case LC_HS_ERROR:
		case LC_HS_FATAL_ERROR:
			return peer_error(p, &p->sync, &h, deadline, diag);
		default:
			return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "unexpected HiSLIP %s (type %u) on the "
						     "synchronous channel", lc_hislip_type_name(h.type), h.type), diag);
		}
		/* skip the payload of a stale message */
		while (p->remaining) {
			int f = chan_fill(&p->sync, deadline, diag);
			if (f < 0)
				return f == LC_ERR_CLOSED ? breaks(p, lc_diag_set(diag, LC_ERR_TRUNCATED, "HiSLIP: peer closed "
									      "the connection inside a stale message"), diag) : f;
			size_t k = p->sync.len - p->sync.pos;
			if (k > p->remaining)
				k = (size_t)p->remaining;
			p->sync.pos += k;
			p->remaining -= k;
		}
		p->in_msg = p->skip_rest = false;
	}
}

static int hislip_read(void *priv, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag)
{
	struct hislip_priv *p = priv;
	*end = false;
	if (p->broken)
		return broken_error(p, diag);
	if (cap > INT32_MAX)
		cap = INT32_MAX;
	for (;;) {
		if (!p->in_msg || p->skip_rest) {
			int e = next_reply_header(p, deadline, diag);
			if (e < 0)
				return e;
			if (p->msg_type == LC_HS_DATA_END && p->remaining == 0) {
				p->in_msg = false;
				if (!p->have_carry)
					return lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP: empty DataEnd: the response has no bytes");
				buf[0] = p->carry;
				p->have_carry = false;
				p->rmt = *end = true;
				return 1;
			}
		}
		size_t off = 0;
		if (p->have_carry) {
			buf[off++] = p->carry;
			p->have_carry = false;
		}
		size_t want = cap - off < p->remaining ? cap - off : (size_t)p->remaining;
		size_t got = 0;
		while (got == 0 && want > 0) {
			struct chan *c = &p->sync;
			if (c->pos < c->len) {
				got = c->len - c->pos < want ? c->len - c->pos : want;
				memcpy(buf + off, c->in + c->pos, got);
				c->pos += got;
				break;
			}
			/* large payloads go straight into the caller's buffer */
			ssize_t n = want >= 4096 ? recv(c->fd, buf + off, want, MSG_DONTWAIT) : -2;
			if (n > 0) {
				got = (size_t)n;
				break;
			}
			int e = n == 0 ? LC_ERR_CLOSED : 0;
			if (n == -2 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
				e = chan_fill(c, deadline, diag);
			else if (n < 0 && errno != EINTR)
				e = lc_diag_set(diag, LC_ERR_IO, "read: %s", strerror(errno));
			if (e == LC_ERR_CLOSED || (n == 0))
				e = breaks(p, lc_diag_set(diag, LC_ERR_TRUNCATED, "HiSLIP: peer closed the connection after %llu "
							  "of %llu payload bytes of a %s", (unsigned long long)(p->msg_len - p->remaining),
							  (unsigned long long)p->msg_len, lc_hislip_type_name(p->msg_type)), diag);
			if (e < 0) {
				if (off) {
					/* the held-back byte is delivered; the error comes again on the next read */
					return (int)off;
				}
				return e;
			}
		}
		p->remaining -= got;
		size_t total = off + got;
		if (p->remaining == 0) {
			p->in_msg = false;
			if (p->msg_type == LC_HS_DATA_END) {
				p->rmt = *end = true;
				return (int)total;
			}
			if (total > 0) {
				p->carry = buf[total - 1];
				p->have_carry = true;
				total--;
			}
			if (total == 0)
				continue;
		}
		return (int)total;
	}
}

static int hislip_clear(void *priv, int64_t deadline, lc_diag *diag)
{
	struct hislip_priv *p = priv;
	lc_hislip_header h;
	if (p->broken)
		return broken_error(p, diag);
	int e = async_transact(p, LC_HS_ASYNC_DEVICE_CLEAR, 0, 0, NULL, 0, LC_HS_ASYNC_DEVICE_CLEAR_ACKNOWLEDGE, &h, NULL,
			       0, deadline, diag);
	if (e < 0)
		return e;
	/* feature request: synchronized mode (bit 0 clear), whatever the server offered */
	if ((e = send_msg(p, &p->sync, LC_HS_DEVICE_CLEAR_COMPLETE, 0, 0, NULL, 0, deadline, diag)) < 0)
		return e;
	/* everything before the acknowledge on the synchronous channel is dropped, a half-read message too */
	if (p->in_msg && (e = read_payload(p, &p->sync, NULL, (size_t)p->remaining, deadline, "Data", diag)) < 0)
		return e;
	p->in_msg = false;
	for (;;) {
		if ((e = read_header(p, &p->sync, &h, deadline, diag)) < 0)
			return e == LC_ERR_TIMEOUT ? breaks(p, lc_diag_set(diag, LC_ERR_TIMEOUT, "HiSLIP device clear: no "
									      "DeviceClearAcknowledge before the deadline"), diag) : e;
		if (h.type == LC_HS_FATAL_ERROR)
			return peer_error(p, &p->sync, &h, deadline, diag);
		if (h.len > LC_HISLIP_CLIENT_MAX_MESSAGE)
			return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP %s of %llu bytes during device clear",
						     lc_hislip_type_name(h.type), (unsigned long long)h.len), diag);
		if ((e = read_payload(p, &p->sync, NULL, (size_t)h.len, deadline, lc_hislip_type_name(h.type), diag)) < 0)
			return e;
		if (h.type == LC_HS_DEVICE_CLEAR_ACKNOWLEDGE)
			break;
	}
	p->overlap = h.control & 1;
	reset_ids(p);
	return 0;
}

static int hislip_read_stb(void *priv, uint8_t *stb, int64_t deadline, lc_diag *diag)
{
	struct hislip_priv *p = priv;
	lc_hislip_header h;
	if (p->broken)
		return broken_error(p, diag);
	int e = async_transact(p, LC_HS_ASYNC_STATUS_QUERY, p->rmt ? 1 : 0, p->last_id, NULL, 0,
			       LC_HS_ASYNC_STATUS_RESPONSE, &h, NULL, 0, deadline, diag);
	if (e < 0)
		return e;
	p->rmt = false;
	*stb = h.control;
	return 0;
}

/* The status query a watched query is preceded by (hal/scpi_refusal.c): AsyncStatusQuery on the
 * asynchronous channel right before the query's DataEnd goes out on the synchronous one, its answer read
 * only when the session needs it. It carries the id of the last message sent before the query, so it asks
 * for the status once the messages before the query were executed; a server that answers only after it
 * executed the query too reports the query's own error as well, and the session then counts nothing (see
 * scpi_refusal.c). No round trip is added to a query: answers not needed are read and dropped with the
 * next asynchronous exchange, or a bunch at a time here without waiting. */
/* Read the asynchronous channel until no status query sent ahead is unanswered (service requests are kept
 * for wait_srq). LC_ERR_TIMEOUT when no header came by header_deadline (the read resumes where it stopped);
 * a message's payload is waited for until deadline. */
static int read_asked(struct hislip_priv *p, int64_t header_deadline, int64_t deadline, lc_diag *diag)
{
	lc_hislip_header h;
	while (p->stb_asked > 0) {
		int e = read_header(p, &p->async, &h, header_deadline, diag);
		if (e < 0)
			return e;
		if (h.type == LC_HS_ERROR || h.type == LC_HS_FATAL_ERROR)
			return peer_error(p, &p->async, &h, deadline, diag);
		if (h.len > CONTROL_PAYLOAD_MAX)
			return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP %s with a %llu-byte payload",
						     lc_hislip_type_name(h.type), (unsigned long long)h.len), diag);
		if (h.type == LC_HS_ASYNC_SERVICE_REQUEST) {
			p->srq_seen = true;
			p->srq_stb = h.control;
		} else if (!asked_answer(p, &h) && h.type != LC_HS_ASYNC_INTERRUPTED) {
			return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "unexpected HiSLIP %s (type %u) on the "
						     "asynchronous channel", lc_hislip_type_name(h.type), h.type), diag);
		}
		if ((e = read_payload(p, &p->async, NULL, (size_t)h.len, deadline, lc_hislip_type_name(h.type), diag)) < 0)
			return e;
	}
	return 0;
}

static int hislip_stb_ask(void *priv, int64_t deadline, lc_diag *diag)
{
	struct hislip_priv *p = priv;
	if (p->broken)
		return broken_error(p, diag);
	/* answers that were not needed must not pile up: read what has come, without waiting */
	if (p->stb_asked >= 32) {
		int e = read_asked(p, lc_now_ms() - 1, deadline, diag);
		if (e < 0 && e != LC_ERR_TIMEOUT)
			return e;
	}
	int e = send_msg(p, &p->async, LC_HS_ASYNC_STATUS_QUERY, p->rmt ? 1 : 0, p->last_id, NULL, 0, deadline, diag);
	if (e < 0)
		return e;
	p->rmt = false;
	p->stb_asked++;
	p->stb_asks++;
	p->stb_have = false;
	return 0;
}

static int hislip_stb_answer(void *priv, uint8_t *stb, int64_t deadline, lc_diag *diag)
{
	struct hislip_priv *p = priv;
	if (p->broken)
		return broken_error(p, diag);
	int e = read_asked(p, deadline, deadline, diag);
	if (e < 0)
		return e;
	if (!p->stb_have)
		return lc_diag_set(diag, LC_ERR_STATE, "HiSLIP: no status query was sent ahead");
	*stb = p->stb_last;
	return 0;
}

static int hislip_drain(void *priv)
{
	(void)priv;
	/* framing is by headers: a stale reply is recognised by its message id, never dropped by timing */
	return 0;
}

static int hislip_wait_readable(void *priv, int64_t deadline, lc_diag *diag)
{
	struct hislip_priv *p = priv;
	if (p->broken)
		return broken_error(p, diag);
	if (p->sync.pos < p->sync.len || p->have_carry)
		return 1;
	/* read first: on loopback the reply is often there already, and one recv is cheaper than a poll */
	struct chan *c = &p->sync;
	ssize_t n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);
	if (n > 0) {
		c->pos = 0;
		c->len = (size_t)n;
		return 1;
	}
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		return 1; /* the read meets the end or the error and reports it */
	return lc_net_wait(c->fd, POLLIN, deadline, diag);
}

static void hislip_close(void *priv)
{
	struct hislip_priv *p = priv;
	if (p->async.fd >= 0)
		close(p->async.fd);
	if (p->sync.fd >= 0)
		close(p->sync.fd);
	p->sync.fd = p->async.fd = -1;
}

const lc_transport_ops lc_transport_hislip_ops = {
	.name = "hislip",
	.kind = LC_RES_TCPIP_HISLIP,
	.marks_end = true,
	.priv_size = sizeof(struct hislip_priv),
	.open = hislip_open,
	.write = hislip_write,
	.read = hislip_read,
	.clear = hislip_clear,
	.read_stb = hislip_read_stb,
	.close = hislip_close,
	.drain = hislip_drain,
	.wait_readable = hislip_wait_readable,
	.stb_ask = hislip_stb_ask,
	.stb_answer = hislip_stb_answer,
};

/* ---- what only HiSLIP has: locks, lock info, service requests, the session's parameters ---------------- */

static struct hislip_priv *hislip_of(lc_transport *t, lc_diag *diag)
{
	struct hislip_priv *p = t ? lc_transport_priv_if(t, &lc_transport_hislip_ops) : NULL;
	if (!p)
		lc_diag_set(diag, LC_ERR_UNSUPPORTED, "not a HiSLIP session");
	else if (p->broken)
		broken_error(p, diag);
	return p && !p->broken ? p : NULL;
}

int lc_hislip_lock(lc_transport *t, uint32_t timeout_ms, int64_t deadline, lc_diag *diag)
{
	lc_hislip_header h;
	struct hislip_priv *p = hislip_of(t, diag);
	if (!p)
		return t && lc_transport_priv_if(t, &lc_transport_hislip_ops) ? LC_ERR_PROTOCOL : LC_ERR_UNSUPPORTED;
	int e = async_transact(p, LC_HS_ASYNC_LOCK, LC_HS_LOCK_REQUEST, timeout_ms, NULL, 0, LC_HS_ASYNC_LOCK_RESPONSE,
			       &h, NULL, 0, deadline, diag);
	if (e < 0)
		return e;
	if (h.control == LC_HS_LOCK_SUCCESS)
		return 0;
	if (h.control == LC_HS_LOCK_FAILURE)
		return lc_diag_set(diag, LC_ERR_BUSY, "HiSLIP lock held by another client; not granted within %u ms",
				   timeout_ms);
	return lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP lock request refused (AsyncLockResponse %u)", h.control);
}

int lc_hislip_unlock(lc_transport *t, int64_t deadline, lc_diag *diag)
{
	lc_hislip_header h;
	struct hislip_priv *p = hislip_of(t, diag);
	if (!p)
		return t && lc_transport_priv_if(t, &lc_transport_hislip_ops) ? LC_ERR_PROTOCOL : LC_ERR_UNSUPPORTED;
	int e = async_transact(p, LC_HS_ASYNC_LOCK, LC_HS_LOCK_RELEASE, p->last_id, NULL, 0, LC_HS_ASYNC_LOCK_RESPONSE,
			       &h, NULL, 0, deadline, diag);
	if (e < 0)
		return e;
	if (h.control == LC_HS_LOCK_SUCCESS || h.control == LC_HS_LOCK_SUCCESS_SHARED)
		return 0;
	return lc_diag_set(diag, LC_ERR_STATE, "HiSLIP lock release refused (AsyncLockResponse %u): this client "
			   "holds no lock", h.control);
}

int lc_hislip_lock_info(lc_transport *t, bool *exclusive, uint32_t *holders, int64_t deadline, lc_diag *diag)
{
	lc_hislip_header h;
	struct hislip_priv *p = hislip_of(t, diag);
	if (!p)
		return t && lc_transport_priv_if(t, &lc_transport_hislip_ops) ? LC_ERR_PROTOCOL : LC_ERR_UNSUPPORTED;
	int e = async_transact(p, LC_HS_ASYNC_LOCK_INFO, 0, 0, NULL, 0, LC_HS_ASYNC_LOCK_INFO_RESPONSE, &h, NULL, 0,
			       deadline, diag);
	if (e < 0)
		return e;
	*exclusive = h.control & 1;
	*holders = h.param;
	return 0;
}

int lc_hislip_wait_srq(lc_transport *t, uint8_t *stb, int64_t deadline, lc_diag *diag)
{
	lc_hislip_header h;
	struct hislip_priv *p = hislip_of(t, diag);
	if (!p)
		return t && lc_transport_priv_if(t, &lc_transport_hislip_ops) ? LC_ERR_PROTOCOL : LC_ERR_UNSUPPORTED;
	while (!p->srq_seen) {
		int e = read_header(p, &p->async, &h, deadline, diag);
		if (e == LC_ERR_TIMEOUT)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "no HiSLIP service request before the deadline");
		if (e < 0)
			return e;
		if (h.type == LC_HS_FATAL_ERROR || h.type == LC_HS_ERROR)
			return peer_error(p, &p->async, &h, deadline, diag);
		if (h.len > CONTROL_PAYLOAD_MAX)
			return breaks(p, lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP %s with a %llu-byte payload",
						     lc_hislip_type_name(h.type), (unsigned long long)h.len), diag);
		if ((e = read_payload(p, &p->async, NULL, (size_t)h.len, deadline, lc_hislip_type_name(h.type), diag)) < 0)
			return e;
		if (h.type == LC_HS_ASYNC_SERVICE_REQUEST) {
			p->srq_seen = true;
			p->srq_stb = h.control;
		} else {
			asked_answer(p, &h);
		}
	}
	p->srq_seen = false;
	*stb = p->srq_stb;
	return 0;
}

int lc_hislip_attach(int sync_fd, int async_fd, uint64_t server_max, lc_transport **out)
{
	if (server_max <= LC_HISLIP_HEADER_SIZE || !out)
		return LC_ERR_ARG;
	struct hislip_priv *p = calloc(1, sizeof(*p));
	if (!p)
		return LC_ERR_NOMEM;
	chan_init(&p->sync);
	chan_init(&p->async);
	p->sync.fd = sync_fd;
	p->async.fd = async_fd;
	p->session_id = 1;
	p->server_version = 0x0100;
	p->server_max = server_max;
	reset_ids(p);
	return lc_transport_adopt(&lc_transport_hislip_ops, p, out);
}

int lc_hislip_session_info(lc_transport *t, lc_hislip_session *out)
{
	struct hislip_priv *p = t ? lc_transport_priv_if(t, &lc_transport_hislip_ops) : NULL;
	if (!p || !out)
		return LC_ERR_ARG;
	*out = (lc_hislip_session){.session_id = p->session_id, .server_version = p->server_version,
				   .server_vendor = p->server_vendor, .overlapped = p->overlap,
				   .server_max_message = p->server_max, .next_message_id = p->next_id,
				   .status_asked = p->stb_asks};
	return 0;
}
