/* SCPI sessions (hal/scpi.h): writes, reply framing through the pure framer of scpi_parse.h, and recovery
 * after an abandoned reply. Typed queries and the error queue live in scpi_query.c. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/scpi_priv.h"

#define LC_LOG_DOMAIN "scpi"

#define INPUT_CAP (64 * 1024)
#define FIRST_READ 4096

void lc_scpi_options_init(lc_scpi_options *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 2000;
	o->open_timeout_ms = 5000;
	o->opc_timeout_ms = 10000;
	strcpy(o->write_term, "\n");
	o->read_term = '\n';
	o->max_reply = 256u * 1024 * 1024;
	/* The longest text reply of a supported instrument is a list of a few thousand numbers: 1 MiB is
	 * generous, and a line that never ends stops there instead of at the block limit. */
	o->max_line = 1024u * 1024;
	o->max_error_drain = 64;
	lc_transport_opts_init(&o->transport);
}

int lc_scpi_fail(lc_scpi *s, int code, const lc_diag *d)
{
	s->last_err = code;
	snprintf(s->detail, sizeof(s->detail), "%s", d && d->text[0] ? d->text : lc_strerror(code));
	lc_dbg("%s: %s (%s)", s->resource, s->detail, lc_strerror_name(code));
	return code;
}

int lc_scpi_open(const char *resource, const lc_scpi_options *opts, lc_scpi **out, lc_diag *diag)
{
	lc_resource r;
	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "NULL session pointer");
	*out = NULL;
	int e = lc_resource_parse(resource, &r, diag);
	if (e)
		return e;
	return lc_scpi_open_resource(&r, opts, out, diag);
}

int lc_scpi_open_resource(const lc_resource *res, const lc_scpi_options *opts, lc_scpi **out, lc_diag *diag)
{
	lc_scpi_options defaults;
	pthread_mutexattr_t attr;
	int e;

	if (!res || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "NULL argument");
	*out = NULL;
	if (!opts) {
		lc_scpi_options_init(&defaults);
		opts = &defaults;
	}
	if (opts->max_reply == 0 || opts->max_reply > (size_t)INT32_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "max_reply must be in 1..%d bytes", INT32_MAX);
	if (opts->max_line == 0 || opts->max_line > (size_t)INT32_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "max_line must be in 1..%d bytes", INT32_MAX);
	lc_scpi *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	s->o = *opts;
	s->o.write_term[sizeof(s->o.write_term) - 1] = '\0';
	s->o.transport.open_timeout_ms = opts->open_timeout_ms;
	if (lc_resource_format(res, s->resource, sizeof(s->resource)) < 0)
		snprintf(s->resource, sizeof(s->resource), "(resource)");
	s->in = malloc(INPUT_CAP);
	if (!s->in) {
		free(s);
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	}
	e = lc_transport_open(res, &s->o.transport, &s->t, diag);
	if (e < 0) {
		lc_diag_prefix(diag, "%s: ", s->resource);
		free(s->in);
		free(s);
		return e;
	}
	if (s->o.read_term == '\0' && !lc_transport_has_eom(s->t)) {
		lc_transport_close(s->t);
		free(s->in);
		free(s);
		return lc_diag_set(diag, LC_ERR_ARG, "read_term '\\0' needs a transport that marks message ends");
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
	if (s->o.clear_on_open && (e = lc_scpi_write(s, "*CLS")) < 0) {
		lc_diag_set(diag, e, "%s: *CLS after connecting: %s", s->resource, s->detail);
		lc_scpi_close(s);
		return e;
	}
	*out = s;
	return 0;
}

void lc_scpi_close(lc_scpi *s)
{
	if (!s)
		return;
	lc_transport_close(s->t);
	pthread_mutex_destroy(&s->mu);
	lc_scpi_buf_free(&s->reply);
	lc_scpi_buf_free(&s->wbuf);
	free(s->in);
	free(s);
}

const char *lc_scpi_resource(const lc_scpi *s)
{
	return s->resource;
}

void lc_scpi_set_timeout(lc_scpi *s, int timeout_ms)
{
	lc_scpi_lock(s);
	s->o.timeout_ms = timeout_ms;
	lc_scpi_unlock(s);
}

int lc_scpi_get_timeout(const lc_scpi *s)
{
	return s->o.timeout_ms;
}

void lc_scpi_set_opc_timeout(lc_scpi *s, int timeout_ms)
{
	lc_scpi_lock(s);
	s->o.opc_timeout_ms = timeout_ms;
	lc_scpi_unlock(s);
}

int lc_scpi_set_max_reply(lc_scpi *s, size_t max_line, size_t max_block)
{
	if (!s || max_line > (size_t)INT32_MAX || max_block > (size_t)INT32_MAX)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	if (max_line)
		s->o.max_line = max_line;
	if (max_block)
		s->o.max_reply = max_block;
	lc_scpi_unlock(s);
	return 0;
}

void lc_scpi_set_errors_without_stb(lc_scpi *s, bool without_stb)
{
	lc_scpi_lock(s);
	s->o.errors_without_stb = without_stb;
	lc_scpi_unlock(s);
}

void lc_scpi_lock(lc_scpi *s)
{
	pthread_mutex_lock(&s->mu);
}

void lc_scpi_unlock(lc_scpi *s)
{
	pthread_mutex_unlock(&s->mu);
}

int lc_scpi_last_error(const lc_scpi *s)
{
	return s->last_err;
}

const char *lc_scpi_last_detail(const lc_scpi *s)
{
	return s->detail;
}

/* Drop what is left of an abandoned reply: device clear where the transport has one, else the buffered
 * bytes and whatever the socket already holds (again before the next write, for bytes still in flight). */
void lc_scpi_discard_locked(lc_scpi *s)
{
	s->in_pos = s->in_len = 0;
	s->in_end = false;
	if (lc_transport_get_ops(s->t)->clear) {
		lc_diag d;
		if (lc_transport_clear(s->t, lc_deadline_in(s->o.timeout_ms < 0 ? 2000 : s->o.timeout_ms), &d) < 0)
			lc_warn("%s: device clear after an abandoned reply failed: %s", s->resource, d.text);
		s->stale = false;
		return;
	}
	int n = lc_transport_drain(s->t);
	if (n > 0)
		lc_dbg("%s: dropped %d stale bytes", s->resource, n);
	s->stale = true;
}

int lc_scpi_send_locked(lc_scpi *s, const uint8_t *msg, size_t len, int64_t deadline, lc_diag *d)
{
	if (s->marker_pending) { /* its answer never came in time: it may still, so drop what arrives */
		s->marker_pending = false;
		s->stale = true;
	}
	if (s->stale) {
		int n = lc_transport_drain(s->t);
		if (n > 0)
			lc_dbg("%s: dropped %d stale bytes before writing", s->resource, n);
		s->stale = false;
	}
	lc_spew("%s <- %.*s", s->resource, (int)(len > 200 ? 200 : len), (const char *)msg);
	s->clean_since = false; /* any message may queue an error (scpi_refusal.c) */
	int e = lc_transport_write(s->t, msg, len, deadline, d);
	return e < 0 ? e : 0;
}

/* cmd + write terminator, in the session's scratch buffer. */
int lc_scpi_write_locked(lc_scpi *s, const char *cmd, int64_t deadline, lc_diag *d)
{
	size_t cl = strlen(cmd), tl = strlen(s->o.write_term);
	s->wbuf.len = 0;
	if (lc_scpi_buf_reserve(&s->wbuf, cl + tl) != 0)
		return lc_diag_set(d, LC_ERR_NOMEM, "out of memory");
	memcpy(s->wbuf.p, cmd, cl);
	memcpy(s->wbuf.p + cl, s->o.write_term, tl);
	return lc_scpi_send_locked(s, s->wbuf.p, cl + tl, deadline, d);
}

static int abandon(lc_scpi *s, const lc_scpi_framer *f, int code, lc_diag *d)
{
	s->abandoned_seen = f->seen; /* 0: no byte of the reply came (scpi_refusal.c) */
	if (code == LC_ERR_OVERFLOW)
		return code; /* the framer consumed the whole reply: still in step */
	if (f->overflow && code == LC_ERR_TIMEOUT)
		code = lc_diag_set(d, LC_ERR_OVERFLOW,
				   "reply exceeds the limit of %zu bytes (%llu received%s) and did not end before the "
				   "deadline; the rest was discarded", lc_scpi_framer_limit(f), (unsigned long long)f->seen,
				   f->block_len ? ", block header announced more" : "");
	if (code == LC_ERR_CLOSED && lc_scpi_framer_started(f))
		code = lc_diag_set(d, LC_ERR_TRUNCATED, "peer closed the connection after %llu bytes of the reply",
				   (unsigned long long)f->seen);
	if (code != LC_ERR_CLOSED)
		lc_scpi_discard_locked(s);
	return code;
}

int lc_scpi_read_locked(lc_scpi *s, size_t max, bool data_only, int64_t deadline, bool *is_block, lc_diag *d)
{
	lc_scpi_framer f;
	bool eom = lc_transport_has_eom(s->t);
	int r;

	lc_scpi_framer_init(&f, (uint8_t)s->o.read_term, eom, max);
	f.line_max = max < s->o.max_line ? max : s->o.max_line;
	f.data_only = data_only;
	s->reply.len = 0;
	if (lc_scpi_buf_reserve(&s->reply, 1) != 0) /* the parsers get a buffer even for an empty reply */
		return lc_diag_set(d, LC_ERR_NOMEM, "out of memory");
	for (;;) {
		if (s->in_pos < s->in_len) {
			size_t used;
			r = lc_scpi_framer_feed(&f, s->in + s->in_pos, s->in_len - s->in_pos, s->in_end, &s->reply, &used,
						d);
			s->in_pos += used;
			if (s->in_pos == s->in_len) {
				s->in_pos = s->in_len = 0;
				s->in_end = false;
			}
			if (r == 1)
				break;
			if (r < 0)
				return abandon(s, &f, r, d);
			continue;
		}
		bool end = false;
		/* a peer that never stops sending would otherwise keep every read instantly satisfied */
		if (deadline != INT64_MAX && lc_now_ms() >= deadline)
			return abandon(s, &f, lc_diag_set(d, LC_ERR_TIMEOUT, "reply not complete after %llu bytes "
							   "when the deadline passed", (unsigned long long)f.seen), d);
		uint64_t direct = lc_scpi_framer_direct(&f);
		if (direct >= 4096) {
			/* Large block: straight into the reply (room for data + 1 was reserved), one byte more so
			 * that a message-based transport can deliver the terminator with the last data bytes. */
			size_t want = direct + 1 > (uint64_t)INT32_MAX ? (size_t)INT32_MAX : (size_t)direct + 1;
			int n = lc_transport_read(s->t, s->reply.p + s->reply.len, want, &end, deadline, d);
			if (n < 0)
				return abandon(s, &f, n, d);
			size_t k = (uint64_t)n > direct ? (size_t)direct : (size_t)n;
			s->reply.len += k;
			lc_scpi_framer_advance(&f, k);
			if ((size_t)n > k) {
				memcpy(s->in, s->reply.p + s->reply.len, (size_t)n - k);
				s->in_pos = 0;
				s->in_len = (size_t)n - k;
				s->in_end = end;
			} else if (end) {
				size_t used;
				r = lc_scpi_framer_feed(&f, NULL, 0, true, &s->reply, &used, d);
				if (r == 1)
					break;
				return abandon(s, &f, r < 0 ? r : LC_ERR_TRUNCATED, d);
			}
			continue;
		}
		/* The first read of a reply is small: if it is a block, the rest goes straight into the reply
		 * above (direct), so at most this much is copied through the input buffer. */
		size_t cap = lc_scpi_framer_started(&f) ? INPUT_CAP : FIRST_READ;
		int n = lc_transport_read(s->t, s->in, cap, &end, deadline, d);
		if (n < 0)
			return abandon(s, &f, n, d);
		s->in_pos = 0;
		s->in_len = (size_t)n;
		s->in_end = end;
	}
	if (is_block)
		*is_block = f.is_block;
	if (s->idn_learning) {
		s->idn_learning = false;
		if (!f.is_block && s->reply.len > 0 && s->reply.len < sizeof(s->idn_line) &&
		    !memchr(s->reply.p, s->o.read_term, s->reply.len)) {
			memcpy(s->idn_line, s->reply.p, s->reply.len);
			s->idn_line[s->reply.len] = '\0';
		}
	}
	lc_spew("%s -> %zu bytes", s->resource, s->reply.len);
	return (int)s->reply.len;
}

int64_t lc_scpi_deadline(const lc_scpi *s)
{
	return lc_deadline_in(s->o.timeout_ms);
}

int lc_scpi_write(lc_scpi *s, const char *cmd)
{
	lc_diag d;
	int e;
	if (!s || !cmd)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	e = lc_scpi_write_locked(s, cmd, lc_scpi_deadline(s), &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	else if (s->o.check_errors)
		e = lc_scpi_check_errors(s);
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_writef(lc_scpi *s, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	char *cmd = small;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return LC_ERR_ARG;
	if ((size_t)n >= sizeof(small)) {
		cmd = malloc((size_t)n + 1);
		if (!cmd)
			return LC_ERR_NOMEM;
		va_start(ap, fmt);
		vsnprintf(cmd, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	int e = lc_scpi_write(s, cmd);
	if (cmd != small)
		free(cmd);
	return e;
}

int lc_scpi_write_block(lc_scpi *s, const char *cmd, const void *data, size_t len)
{
	char hdr[32];
	lc_diag d;
	int e;
	if (!s || !cmd || (!data && len))
		return LC_ERR_ARG;
	if (len > 999999999)
		return LC_ERR_OVERFLOW;
	char digits[16];
	int nd = snprintf(digits, sizeof(digits), "%zu", len);
	int hl = snprintf(hdr, sizeof(hdr), " #%d%s", nd, digits);
	size_t cl = strlen(cmd), tl = strlen(s->o.write_term);
	lc_scpi_lock(s);
	s->wbuf.len = 0;
	if (lc_scpi_buf_reserve(&s->wbuf, cl + (size_t)hl + len + tl) != 0) {
		e = lc_scpi_fail(s, lc_diag_set(&d, LC_ERR_NOMEM, "out of memory"), &d);
		goto out;
	}
	memcpy(s->wbuf.p, cmd, cl);
	memcpy(s->wbuf.p + cl, hdr, (size_t)hl);
	if (len)
		memcpy(s->wbuf.p + cl + hl, data, len);
	memcpy(s->wbuf.p + cl + hl + len, s->o.write_term, tl);
	e = lc_scpi_send_locked(s, s->wbuf.p, cl + (size_t)hl + len + tl, lc_scpi_deadline(s), &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	else if (s->o.check_errors)
		e = lc_scpi_check_errors(s);
out:
	lc_scpi_unlock(s);
	return e;
}

/* Copy the framed reply into a caller's buffer, NUL-terminated. */
static int copy_out(lc_scpi *s, char *buf, size_t cap)
{
	memcpy(buf, s->reply.p, s->reply.len);
	buf[s->reply.len] = '\0';
	return (int)s->reply.len;
}

static size_t limit(const lc_scpi *s, size_t cap)
{
	return cap - 1 < s->o.max_reply ? cap - 1 : s->o.max_reply;
}

int lc_scpi_query(lc_scpi *s, const char *cmd, char *buf, size_t cap)
{
	lc_diag d;
	int e;
	if (!s || !cmd || !buf || cap == 0)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	int64_t deadline = lc_scpi_deadline(s);
	lc_scpi_refusal_prepare(s, cmd);
	e = lc_scpi_write_locked(s, cmd, deadline, &d);
	if (e >= 0)
		e = lc_scpi_refusal_wait(s, cmd, deadline, &d); /* scpi_refusal.c */
	if (e >= 0)
		e = lc_scpi_read_locked(s, limit(s, cap), false, deadline, NULL, &d);
	if (e == LC_ERR_TIMEOUT && !s->in_error_check)
		e = lc_scpi_explain_timeout(s, cmd, e, &d);
	if (e >= 0)
		e = copy_out(s, buf, cap);
	if (e >= 0)
		lc_scpi_refusal_replied(s);
	else
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_read(lc_scpi *s, char *buf, size_t cap)
{
	lc_diag d;
	int e;
	if (!s || !buf || cap == 0)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	e = lc_scpi_read_locked(s, limit(s, cap), false, lc_scpi_deadline(s), NULL, &d);
	if (e >= 0)
		e = copy_out(s, buf, cap);
	else
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_query_alloc(lc_scpi *s, const char *cmd, char **reply, size_t *len)
{
	lc_diag d;
	int e;
	if (!s || !cmd || !reply)
		return LC_ERR_ARG;
	*reply = NULL;
	lc_scpi_lock(s);
	int64_t deadline = lc_scpi_deadline(s);
	/* the same watch and error-queue check as lc_scpi_query (scpi_refusal.c): a refused or unanswered
	 * query says what the instrument queued, not only that it timed out */
	lc_scpi_refusal_prepare(s, cmd);
	e = lc_scpi_write_locked(s, cmd, deadline, &d);
	if (e >= 0)
		e = lc_scpi_refusal_wait(s, cmd, deadline, &d);
	if (e >= 0)
		e = lc_scpi_read_locked(s, s->o.max_reply, false, deadline, NULL, &d);
	if (e == LC_ERR_TIMEOUT && !s->in_error_check)
		e = lc_scpi_explain_timeout(s, cmd, e, &d);
	if (e >= 0) {
		char *r = malloc(s->reply.len + 1);
		if (!r) {
			e = lc_scpi_fail(s, LC_ERR_NOMEM, NULL);
		} else {
			e = copy_out(s, r, s->reply.len + 1);
			*reply = r;
			if (len)
				*len = s->reply.len;
			lc_scpi_refusal_replied(s);
		}
	} else {
		e = lc_scpi_fail(s, e, &d);
	}
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_clear(lc_scpi *s)
{
	lc_diag d;
	int e = 0;
	if (!s)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	s->in_pos = s->in_len = 0;
	s->in_end = false;
	if (lc_transport_get_ops(s->t)->clear)
		e = lc_transport_clear(s->t, lc_scpi_deadline(s), &d);
	else
		lc_transport_drain(s->t);
	s->stale = false;
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}
