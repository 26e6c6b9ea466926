/* Typed queries, blocks, the error queue and *OPC? of hal/scpi.h, on top of the framing in scpi.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/scpi_priv.h"

#define LC_LOG_DOMAIN "scpi"

/* Write cmd and frame its reply into s->reply under one deadline. Mutex held. */
static int exchange(lc_scpi *s, const char *cmd, int64_t deadline, bool data_only, bool *is_block, lc_diag *d)
{
	lc_scpi_refusal_prepare(s, cmd);
	int e = lc_scpi_write_locked(s, cmd, deadline, d);
	if (e < 0)
		return e;
	/* a query the instrument refuses gets no reply: say so instead of a bare timeout (scpi_refusal.c) */
	if ((e = lc_scpi_refusal_wait(s, cmd, deadline, d)) < 0)
		return e;
	e = lc_scpi_read_locked(s, s->o.max_reply, data_only, deadline, is_block, d);
	if (e == LC_ERR_TIMEOUT && !s->in_error_check)
		e = lc_scpi_explain_timeout(s, cmd, e, d);
	if (e >= 0)
		lc_scpi_refusal_replied(s);
	return e;
}

static int text_query(lc_scpi *s, const char *cmd, int64_t deadline, lc_diag *d)
{
	return exchange(s, cmd, deadline, false, NULL, d);
}

#define TYPED_QUERY(s, cmd, parse_call)                                                                   \
	do {                                                                                               \
		lc_diag d;                                                                                 \
		int e;                                                                                     \
		if (!(s) || !(cmd))                                                                        \
			return LC_ERR_ARG;                                                                 \
		lc_scpi_lock(s);                                                                           \
		e = text_query((s), (cmd), lc_scpi_deadline(s), &d);                                       \
		if (e >= 0) {                                                                              \
			const char *txt = (const char *)(s)->reply.p;                                      \
			size_t tl = (s)->reply.len;                                                        \
			e = (parse_call);                                                                  \
			if (e < 0)                                                                         \
				lc_diag_prefix(&d, "%s: ", (cmd));                                         \
		}                                                                                          \
		if (e < 0)                                                                                 \
			e = lc_scpi_fail((s), e, &d);                                                      \
		lc_scpi_unlock(s);                                                                         \
		return e < 0 ? e : 0;                                                                      \
	} while (0)

int lc_scpi_query_double(lc_scpi *s, const char *cmd, double *value)
{
	TYPED_QUERY(s, cmd, lc_scpi_parse_double(txt, tl, value, &d));
}

int lc_scpi_query_int(lc_scpi *s, const char *cmd, long long *value)
{
	TYPED_QUERY(s, cmd, lc_scpi_parse_int(txt, tl, value, &d));
}

int lc_scpi_query_bool(lc_scpi *s, const char *cmd, bool *value)
{
	TYPED_QUERY(s, cmd, lc_scpi_parse_bool(txt, tl, value, &d));
}

int lc_scpi_query_string(lc_scpi *s, const char *cmd, char *buf, size_t cap)
{
	lc_diag d;
	int e;
	if (!s || !cmd || !buf || cap == 0)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	e = text_query(s, cmd, lc_scpi_deadline(s), &d);
	if (e >= 0)
		e = lc_scpi_parse_string((const char *)s->reply.p, s->reply.len, buf, cap, &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_query_doubles(lc_scpi *s, const char *cmd, double **values, size_t *count)
{
	lc_diag d;
	int e;
	if (!s || !cmd || !values || !count)
		return LC_ERR_ARG;
	*values = NULL;
	*count = 0;
	lc_scpi_lock(s);
	e = text_query(s, cmd, lc_scpi_deadline(s), &d);
	if (e >= 0)
		e = lc_scpi_parse_doubles((const char *)s->reply.p, s->reply.len, values, count, &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}

/* The reply's block data, handed over without a copy: the session's reply buffer becomes the caller's. */
static int block_query(lc_scpi *s, const char *cmd, uint8_t **data, size_t *len, lc_diag *d)
{
	bool is_block = false;
	int e = exchange(s, cmd, lc_scpi_deadline(s), true, &is_block, d);
	if (e < 0)
		return e;
	if (!is_block)
		return lc_diag_set(d, LC_ERR_PROTOCOL, "reply is not an IEEE 488.2 block: '%.*s'",
				   (int)(s->reply.len > 40 ? 40 : s->reply.len), (const char *)s->reply.p);
	*len = s->reply.len;
	if (s->reply.len == 0) {
		*data = malloc(1);
		if (!*data)
			return lc_diag_set(d, LC_ERR_NOMEM, "out of memory");
		return 0;
	}
	*data = s->reply.p;
	s->reply = (lc_scpi_buf){0};
	return 0;
}

int lc_scpi_query_block(lc_scpi *s, const char *cmd, uint8_t **data, size_t *len)
{
	lc_diag d;
	int e;
	if (!s || !cmd || !data || !len)
		return LC_ERR_ARG;
	*data = NULL;
	*len = 0;
	lc_scpi_lock(s);
	e = block_query(s, cmd, data, len, &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e < 0 ? e : (*len > (size_t)INT32_MAX ? INT32_MAX : (int)*len);
}

int lc_scpi_query_block_into(lc_scpi *s, const char *cmd, void *buf, size_t cap, size_t *len)
{
	lc_diag d;
	bool is_block = false;
	int e;
	if (!s || !cmd || !buf || cap < 2 || !len)
		return LC_ERR_ARG;
	*len = 0;
	lc_scpi_lock(s);
	/* Frame straight into the caller's memory: with a limit below cap the framer never grows it. */
	lc_scpi_buf saved = s->reply;
	s->reply = (lc_scpi_buf){.p = buf, .len = 0, .cap = cap};
	size_t max = cap - 1 < s->o.max_reply ? cap - 1 : s->o.max_reply;
	int64_t deadline = lc_scpi_deadline(s);
	lc_scpi_refusal_prepare(s, cmd);
	e = lc_scpi_write_locked(s, cmd, deadline, &d);
	if (e >= 0)
		e = lc_scpi_refusal_wait(s, cmd, deadline, &d);
	if (e >= 0)
		e = lc_scpi_read_locked(s, max, true, deadline, &is_block, &d);
	size_t got = s->reply.len;
	s->reply = saved; /* before the error queue is read through it */
	if (e == LC_ERR_TIMEOUT && !s->in_error_check)
		e = lc_scpi_explain_timeout(s, cmd, e, &d);
	if (e >= 0)
		lc_scpi_refusal_replied(s);
	if (e >= 0 && !is_block)
		e = lc_diag_set(&d, LC_ERR_PROTOCOL, "reply is not an IEEE 488.2 block");
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	else
		*len = got;
	lc_scpi_unlock(s);
	return e < 0 ? e : (got > (size_t)INT32_MAX ? INT32_MAX : (int)got);
}

int lc_scpi_query_block_values(lc_scpi *s, const char *cmd, enum lc_block_type type, enum lc_byte_order order,
			       double **values, size_t *count)
{
	lc_diag d;
	uint8_t *data = NULL;
	size_t len = 0;
	int e;
	if (!s || !cmd || !values || !count)
		return LC_ERR_ARG;
	*values = NULL;
	*count = 0;
	lc_scpi_lock(s);
	e = block_query(s, cmd, &data, &len, &d);
	if (e >= 0)
		e = lc_scpi_block_decode(data, len, type, order, values, count, &d);
	free(data);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}

static int stb_locked(lc_scpi *s, uint8_t *stb, lc_diag *d)
{
	int64_t deadline = lc_scpi_deadline(s);
	long long v;
	/* A transport-level status read where there is one (VXI-11 readstb, USB488 READ_STATUS_BYTE); a
	 * transport that has the operation but not this device (a plain USBTMC interface) falls back to *STB?. */
	if (lc_transport_get_ops(s->t)->read_stb) {
		int e = lc_transport_read_stb(s->t, stb, deadline, d);
		if (e != LC_ERR_UNSUPPORTED)
			return e;
	}
	int e = text_query(s, "*STB?", deadline, d);
	if (e < 0)
		return e;
	e = lc_scpi_parse_int((const char *)s->reply.p, s->reply.len, &v, d);
	if (e < 0) {
		lc_diag_prefix(d, "*STB?: ");
		return e;
	}
	if (v < 0 || v > 255)
		return lc_diag_set(d, LC_ERR_PROTOCOL, "*STB?: %lld is not a status byte", v);
	*stb = (uint8_t)v;
	return 0;
}

int lc_scpi_read_stb(lc_scpi *s, uint8_t *stb)
{
	lc_diag d;
	if (!s || !stb)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	int e = stb_locked(s, stb, &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e < 0 ? e : 0;
}

/* The queue was read to its end: empty now, which spares the next watched query its status asked ahead
 * (scpi_refusal.c). */
static void known_empty(lc_scpi *s)
{
	s->ref = LC_REF_CLEAR;
	s->clean_since = true;
}

/* Read entries while *STB? bit 2 (error/event queue not empty) is set, at most max_error_drain. Stores up
 * to cap of them; returns how many were read in all. */
int lc_scpi_drain_locked(lc_scpi *s, lc_scpi_error *errs, size_t cap, lc_diag *d)
{
	int total = 0;
	for (int i = 0; i < s->o.max_error_drain; i++) {
		uint8_t stb = 0x04;
		lc_scpi_error err;
		int e = s->o.errors_without_stb ? 0 : stb_locked(s, &stb, d);
		if (e < 0)
			return e;
		if (!(stb & 0x04)) {
			known_empty(s);
			break;
		}
		e = text_query(s, "SYST:ERR?", lc_scpi_deadline(s), d);
		if (e < 0)
			return e;
		e = lc_scpi_parse_error((const char *)s->reply.p, s->reply.len, &err, d);
		if (e < 0)
			return e;
		if (err.code == 0) {
			known_empty(s);
			break;
		}
		lc_info("%s: instrument error %d,\"%s\"", s->resource, err.code, err.text);
		if ((size_t)total < cap)
			errs[total] = err;
		total++;
	}
	return total;
}

int lc_scpi_drain_errors(lc_scpi *s, lc_scpi_error *errs, size_t cap)
{
	lc_diag d;
	if (!s || (!errs && cap))
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	int e = lc_scpi_drain_locked(s, errs, cap, &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	else if ((size_t)e > cap)
		e = (int)cap;
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_check_errors(lc_scpi *s)
{
	lc_diag d;
	lc_scpi_error first;
	if (!s)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	int e = lc_scpi_drain_locked(s, &first, 1, &d);
	if (e > 0) {
		if (e > 1)
			lc_diag_set(&d, LC_ERR_INSTRUMENT, "%d,\"%s\" (and %d more)", first.code, first.text, e - 1);
		else
			lc_diag_set(&d, LC_ERR_INSTRUMENT, "%d,\"%s\"", first.code, first.text);
		e = LC_ERR_INSTRUMENT;
	}
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_wait_opc(lc_scpi *s)
{
	lc_diag d;
	long long v = 0;
	if (!s)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	int e = text_query(s, "*OPC?", lc_deadline_in(s->o.opc_timeout_ms), &d);
	if (e >= 0)
		e = lc_scpi_parse_int((const char *)s->reply.p, s->reply.len, &v, &d);
	if (e >= 0 && v != 1)
		e = lc_diag_set(&d, LC_ERR_PROTOCOL, "*OPC? answered %lld, not 1", v);
	if (e < 0) {
		lc_diag_prefix(&d, "*OPC? (budget %d ms): ", s->o.opc_timeout_ms);
		e = lc_scpi_fail(s, e, &d);
	}
	lc_scpi_unlock(s);
	return e < 0 ? e : 0;
}
