/* The reply framer of hal/scpi_parse.h: a byte-driven state machine, bulk copies inside text and blocks. */
#include <stdlib.h>
#include <string.h>

#include "hal/scpi_parse.h"

enum {
	S_START,
	S_HASH,   /* after '#' */
	S_LEN,    /* length digits of a definite block */
	S_DATA,   /* definite block data */
	S_AFTER,  /* after the data of a definite block: terminator expected */
	S_TEXT,
	S_INDEF,  /* indefinite block data */
	S_DONE,
};

int lc_scpi_buf_reserve(lc_scpi_buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return 0;
	if (extra > SIZE_MAX / 2 - b->len)
		return LC_ERR_NOMEM;
	size_t want = b->len + extra;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return LC_ERR_NOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int lc_scpi_buf_reserve_exact(lc_scpi_buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return 0;
	if (extra > SIZE_MAX / 2 - b->len)
		return LC_ERR_NOMEM;
	uint8_t *p = realloc(b->p, b->len + extra);
	if (!p)
		return LC_ERR_NOMEM;
	b->p = p;
	b->cap = b->len + extra;
	return 0;
}

void lc_scpi_buf_free(lc_scpi_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void lc_scpi_framer_init(lc_scpi_framer *f, uint8_t term, bool eom_transport, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->term = term;
	f->no_term = term == '\0' && eom_transport;
	f->eom_transport = eom_transport;
	f->max = max;
	f->line_max = max;
	f->state = S_START;
}

size_t lc_scpi_framer_limit(const lc_scpi_framer *f)
{
	return f->is_block ? f->max : f->line_max < f->max ? f->line_max : f->max;
}

bool lc_scpi_framer_started(const lc_scpi_framer *f)
{
	return f->seen > 0;
}

/* Store bytes unless the reply already exceeds max; past max we only count them. */
static int store(lc_scpi_framer *f, lc_scpi_buf *out, const uint8_t *p, size_t n)
{
	if (f->overflow || n == 0)
		return 0; /* n == 0: out->p may still be NULL, and memcpy(NULL, .., 0) is undefined */
	if (out->len + n > lc_scpi_framer_limit(f)) {
		f->overflow = true;
		return 0;
	}
	if (lc_scpi_buf_reserve(out, n) != 0)
		return LC_ERR_NOMEM;
	memcpy(out->p + out->len, p, n);
	out->len += n;
	return 0;
}

static int finish(lc_scpi_framer *f, lc_scpi_buf *out, lc_diag *diag)
{
	f->state = S_DONE;
	/* "\r\n"-terminated instruments: drop the '\r' of a text reply (never inside block data). */
	if (!f->overflow && !f->is_block && !f->no_term && out->len > 0 && out->p[out->len - 1] == '\r' &&
	    f->term == '\n')
		out->len--;
	if (f->indefinite && f->eom_transport && !f->no_term && !f->overflow && out->len > f->data_off &&
	    out->p[out->len - 1] == f->term)
		out->len--;
	if (f->overflow)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "%s of %llu bytes exceeds the limit of %zu bytes (discarded)",
				   f->is_block ? "block reply" : "reply", (unsigned long long)f->seen,
				   lc_scpi_framer_limit(f));
	return 1;
}

static int begin_block(lc_scpi_framer *f, lc_scpi_buf *out)
{
	f->block_left = f->block_len;
	f->data_off = out->len;
	if (f->block_len > f->max || out->len + f->block_len > f->max)
		f->overflow = true;
	/* exactly what the header announced: doubling past it would cross glibc's mmap threshold (32 MiB)
	 * for a 16 MiB block and page-fault a fresh mapping on every transfer */
	else if (lc_scpi_buf_reserve_exact(out, (size_t)f->block_len + 1) != 0)
		return LC_ERR_NOMEM;
	f->state = f->block_len ? S_DATA : S_AFTER;
	return 0;
}

int lc_scpi_framer_feed(lc_scpi_framer *f, const uint8_t *in, size_t n, bool end, lc_scpi_buf *out,
			size_t *consumed, lc_diag *diag)
{
	size_t i = 0;
	int e;

	*consumed = 0;
	if (n == 0 && end && f->state != S_DONE) {
		/* the transport marked the end after bytes already fed */
		if (f->state == S_AFTER || f->state == S_TEXT || f->state == S_INDEF)
			return finish(f, out, diag);
		if (f->state == S_START)
			return finish(f, out, diag); /* an empty message */
		if (f->state == S_DATA)
			return lc_diag_set(diag, LC_ERR_TRUNCATED, "message ended after %llu of %llu block bytes",
					   (unsigned long long)(f->block_len - f->block_left),
					   (unsigned long long)f->block_len);
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "message ended inside a block header");
	}
	while (i < n && f->state != S_DONE) {
		uint8_t c = in[i];
		bool last = end && i + 1 == n;
		switch (f->state) {
		case S_START:
			if (c == '#') {
				f->state = S_HASH;
				if (!f->data_only)
					goto store1;
				f->seen++;
				i++;
				if (last)
					return *consumed = i, lc_diag_set(diag, LC_ERR_TRUNCATED, "message ended after '#'");
				continue;
			}
			f->state = S_TEXT;
			continue; /* the byte is text */
		case S_HASH:
			if (c == '0') {
				f->is_block = f->indefinite = true;
				f->data_off = f->data_only ? out->len : out->len + 1;
				f->state = S_INDEF;
				if (!f->data_only)
					goto store1;
				f->seen++;
				i++;
				if (last)
					return *consumed = i, finish(f, out, diag);
				continue;
			}
			if (c >= '1' && c <= '9') {
				f->is_block = true;
				f->hdr_digits = c - '0';
				f->state = S_LEN;
				if (!f->data_only)
					goto store1;
				f->seen++;
				i++;
				if (last)
					return *consumed = i, lc_diag_set(diag, LC_ERR_TRUNCATED,
									  "message ended inside a block header");
				continue;
			}
			/* "#H1F", "#B101": SCPI non-decimal numbers, text after all */
			f->state = S_TEXT;
			continue;
		case S_LEN:
			if (c < '0' || c > '9') {
				*consumed = i + 1;
				return lc_diag_set(diag, LC_ERR_PROTOCOL,
						   "block header: byte 0x%02x at offset %llu is not a length digit", c,
						   (unsigned long long)f->seen);
			}
			f->block_len = f->block_len * 10 + (uint64_t)(c - '0');
			if (!f->data_only && store(f, out, &c, 1) != 0)
				return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
			f->seen++;
			i++;
			if (++f->hdr_got == f->hdr_digits && (e = begin_block(f, out)) != 0)
				return lc_diag_set(diag, e, "out of memory for a %llu-byte block",
						   (unsigned long long)f->block_len);
			if (last && f->state != S_DONE) {
				if (f->state == S_AFTER)
					return *consumed = i, finish(f, out, diag);
				*consumed = i;
				return lc_diag_set(diag, LC_ERR_TRUNCATED, "message ended inside a block header");
			}
			continue;
		case S_DATA: {
			size_t k = n - i;
			if (k > f->block_left)
				k = (size_t)f->block_left;
			if (store(f, out, in + i, k) != 0)
				return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
			i += k;
			f->seen += k;
			f->block_left -= k;
			if (f->block_left == 0)
				f->state = S_AFTER;
			if (end && i == n) {
				*consumed = i;
				if (f->state == S_AFTER)
					return finish(f, out, diag);
				return lc_diag_set(diag, LC_ERR_TRUNCATED,
						   "message ended after %llu of %llu block bytes",
						   (unsigned long long)(f->block_len - f->block_left),
						   (unsigned long long)f->block_len);
			}
			continue;
		}
		case S_AFTER:
			if (c == '\r' && !f->cr && f->term == '\n') {
				f->cr = true;
				f->seen++;
				i++;
				if (last)
					return *consumed = i, finish(f, out, diag);
				continue;
			}
			if (c == f->term && !f->no_term) {
				f->seen++;
				*consumed = i + 1;
				return finish(f, out, diag);
			}
			*consumed = i + 1;
			return lc_diag_set(diag, LC_ERR_PROTOCOL,
					   "byte 0x%02x at offset %llu follows a %llu-byte block; expected the terminator",
					   c, (unsigned long long)f->seen, (unsigned long long)f->block_len);
		case S_TEXT: {
			const uint8_t *t = f->no_term ? NULL : memchr(in + i, f->term, n - i);
			size_t k = t ? (size_t)(t - (in + i)) : n - i;
			if (store(f, out, in + i, k) != 0)
				return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
			i += k;
			f->seen += k;
			if (t) {
				i++;
				f->seen++;
				*consumed = i;
				return finish(f, out, diag);
			}
			if (end) {
				*consumed = i;
				return finish(f, out, diag);
			}
			continue;
		}
		case S_INDEF: {
			/* With an end mark the block runs to it; a byte stream can only end it at term. */
			size_t k;
			const uint8_t *t = NULL;
			if (f->eom_transport) {
				k = n - i;
			} else {
				t = memchr(in + i, f->term, n - i);
				k = t ? (size_t)(t - (in + i)) : n - i;
			}
			if (store(f, out, in + i, k) != 0)
				return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
			i += k;
			f->seen += k;
			if (t) {
				i++;
				f->seen++;
				*consumed = i;
				return finish(f, out, diag);
			}
			if (end && i == n) {
				*consumed = i;
				return finish(f, out, diag);
			}
			continue;
		}
		}
		continue;
store1:
		if (store(f, out, &c, 1) != 0)
			return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
		f->seen++;
		i++;
		if (last) {
			*consumed = i;
			if (f->state == S_INDEF)
				return finish(f, out, diag);
			if (f->state == S_TEXT)
				return finish(f, out, diag); /* "#H..." ended by the end mark */
			return lc_diag_set(diag, LC_ERR_TRUNCATED, "message ended inside a block header");
		}
	}
	*consumed = i;
	return f->state == S_DONE ? 1 : 0;
}

uint64_t lc_scpi_framer_direct(const lc_scpi_framer *f)
{
	if (f->state != S_DATA || f->overflow)
		return 0;
	return f->block_left;
}

void lc_scpi_framer_advance(lc_scpi_framer *f, size_t n)
{
	f->seen += n;
	f->block_left -= n;
	if (f->block_left == 0)
		f->state = S_AFTER;
}
