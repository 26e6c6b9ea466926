/* Block-aware message splitting for the byte-stream endpoints (see endpoint_lines.h). */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "sim/net/endpoint_lines.h"

enum { S_TEXT, S_QUOTE, S_HASH, S_BLKDIG, S_BLKDATA };

int lc_sim_lines_init(lc_sim_lines *l, size_t max, char term)
{
	memset(l, 0, sizeof(*l));
	l->max = max;
	l->term = term;
	l->cap = max < 4096 ? max : 4096;
	l->buf = malloc(l->cap ? l->cap : 1);
	return l->buf ? 0 : LC_ERR_NOMEM;
}

void lc_sim_lines_free(lc_sim_lines *l)
{
	free(l->buf);
	l->buf = NULL;
}

void lc_sim_lines_reset(lc_sim_lines *l)
{
	l->len = 0;
	l->state = S_TEXT;
	l->overflow = false;
	l->blk_left = 0;
	l->ndig = 0;
}

static void store(lc_sim_lines *l, const uint8_t *p, size_t n)
{
	if (l->overflow)
		return;
	if (l->len + n > l->max) {
		l->overflow = true;
		return;
	}
	if (l->len + n > l->cap) {
		size_t cap = l->cap * 2;
		while (cap < l->len + n)
			cap *= 2;
		if (cap > l->max)
			cap = l->max;
		uint8_t *b = realloc(l->buf, cap);
		if (!b) {
			l->overflow = true; /* treated like a too-long message: discarded, -363 */
			return;
		}
		l->buf = b;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, p, n);
	l->len += n;
}

static bool emit(lc_sim_lines *l, lc_sim_lines_cb cb, void *user)
{
	bool ov = l->overflow;
	size_t len = l->len;
	lc_sim_lines_reset(l);
	return cb(l->buf, len, ov, user);
}

bool lc_sim_lines_feed(lc_sim_lines *l, const uint8_t *data, size_t n, lc_sim_lines_cb cb, void *user)
{
	size_t i = 0;
	while (i < n) {
		if (l->state == S_BLKDATA) {
			size_t k = n - i < l->blk_left ? n - i : l->blk_left;
			store(l, data + i, k);
			i += k;
			l->blk_left -= k;
			if (l->blk_left == 0)
				l->state = S_TEXT;
			continue;
		}
		uint8_t c = data[i];
		if (l->state == S_HASH) {
			if (c >= '1' && c <= '9') {
				l->ndig = c - '0';
				l->blk_left = 0;
				l->state = S_BLKDIG;
				store(l, &c, 1);
				i++;
				continue;
			}
			l->state = S_TEXT; /* #H12, #0 or a malformed block: plain text from here */
		} else if (l->state == S_BLKDIG) {
			if (c >= '0' && c <= '9') {
				l->blk_left = l->blk_left * 10 + (size_t)(c - '0');
				store(l, &c, 1);
				i++;
				if (--l->ndig == 0)
					l->state = l->blk_left ? S_BLKDATA : S_TEXT;
				continue;
			}
			l->state = S_TEXT; /* the engine reports the bad header (-161) */
		}
		i++;
		if (c == (uint8_t)l->term) {
			if (!emit(l, cb, user))
				return false;
			continue;
		}
		store(l, &c, 1);
		if (l->state == S_QUOTE) {
			if (c == (uint8_t)l->quote)
				l->state = S_TEXT;
		} else if (c == '"' || c == '\'') {
			l->state = S_QUOTE;
			l->quote = (char)c;
		} else if (c == '#') {
			l->state = S_HASH;
		}
	}
	return true;
}

bool lc_sim_lines_flush(lc_sim_lines *l, lc_sim_lines_cb cb, void *user)
{
	if (l->len == 0 && !l->overflow) {
		lc_sim_lines_reset(l);
		return true;
	}
	return emit(l, cb, user);
}
