/* Bounds-checked little-endian reading and the growable write buffer of the SOR reader/writer. */
#include <stdlib.h>
#include <string.h>

#include "formats/sor_priv.h"

size_t lc_sor_cur_left(const lc_sor_cursor *c)
{
	return c->pos < c->end ? c->end - c->pos : 0;
}

int lc_sor_cur_need(lc_sor_cursor *c, size_t n, const char *what)
{
	if (lc_sor_cur_left(c) < n)
		return lc_diag_set(c->diag, LC_ERR_FORMAT, "%s: %s at offset %zu needs %zu bytes, block has %zu left",
				   c->block, what, c->pos, n, lc_sor_cur_left(c));
	return 0;
}

int lc_sor_cur_u8(lc_sor_cursor *c, const char *what, uint8_t *v)
{
	int rc = lc_sor_cur_need(c, 1, what);
	if (rc < 0)
		return rc;
	*v = c->base[c->pos++];
	return 0;
}

int lc_sor_cur_u16(lc_sor_cursor *c, const char *what, uint16_t *v)
{
	int rc = lc_sor_cur_need(c, 2, what);
	if (rc < 0)
		return rc;
	const uint8_t *p = c->base + c->pos;
	*v = (uint16_t)(p[0] | (p[1] << 8));
	c->pos += 2;
	return 0;
}

int lc_sor_cur_i16(lc_sor_cursor *c, const char *what, int16_t *v)
{
	uint16_t u;
	int rc = lc_sor_cur_u16(c, what, &u);
	if (rc == 0)
		*v = (int16_t)u;
	return rc;
}

int lc_sor_cur_u32(lc_sor_cursor *c, const char *what, uint32_t *v)
{
	int rc = lc_sor_cur_need(c, 4, what);
	if (rc < 0)
		return rc;
	const uint8_t *p = c->base + c->pos;
	*v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
	c->pos += 4;
	return 0;
}

int lc_sor_cur_i32(lc_sor_cursor *c, const char *what, int32_t *v)
{
	uint32_t u;
	int rc = lc_sor_cur_u32(c, what, &u);
	if (rc == 0)
		*v = (int32_t)u;
	return rc;
}

int lc_sor_cur_chars(lc_sor_cursor *c, size_t n, const char *what, char *out)
{
	int rc = lc_sor_cur_need(c, n, what);
	if (rc < 0)
		return rc;
	memcpy(out, c->base + c->pos, n);
	out[n] = '\0';
	c->pos += n;
	return 0;
}

int lc_sor_cur_string(lc_sor_cursor *c, const char *what, char **out)
{
	size_t left = lc_sor_cur_left(c);
	const uint8_t *p = c->base + c->pos;
	const uint8_t *nul = left ? memchr(p, 0, left) : NULL;
	if (!nul)
		return lc_diag_set(c->diag, LC_ERR_FORMAT, "%s: %s at offset %zu is not NUL-terminated within the block",
				   c->block, what, c->pos);
	size_t n = (size_t)(nul - p);
	char *s = malloc(n + 1);
	if (!s)
		return lc_diag_set(c->diag, LC_ERR_NOMEM, "%s: out of memory", c->block);
	memcpy(s, p, n + 1);
	c->pos += n + 1;
	free(*out);
	*out = s;
	return 0;
}

static void grow(lc_sor_buf *b, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + n)
		cap *= 2;
	uint8_t *d = realloc(b->data, cap);
	if (!d) {
		b->failed = true;
		return;
	}
	b->data = d;
	b->cap = cap;
}

void lc_sor_put_bytes(lc_sor_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	grow(b, n);
	if (b->failed)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void lc_sor_put_u16(lc_sor_buf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	lc_sor_put_bytes(b, x, 2);
}

void lc_sor_put_u32(lc_sor_buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	lc_sor_put_bytes(b, x, 4);
}

void lc_sor_put_string(lc_sor_buf *b, const char *s)
{
	if (!s)
		s = "";
	lc_sor_put_bytes(b, s, strlen(s) + 1);
}

void lc_sor_put_chars(lc_sor_buf *b, const char *s, size_t n)
{
	/* NUL padding (not spaces) so that a short field reads back as the same string. */
	size_t k = s ? strnlen(s, n) : 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = i < k ? (uint8_t)s[i] : 0;
		lc_sor_put_bytes(b, &ch, 1);
	}
}

void lc_sor_patch_u16(lc_sor_buf *b, size_t off, uint16_t v)
{
	if (b->failed || off + 2 > b->len)
		return;
	b->data[off] = (uint8_t)v;
	b->data[off + 1] = (uint8_t)(v >> 8);
}

void lc_sor_patch_u32(lc_sor_buf *b, size_t off, uint32_t v)
{
	if (b->failed || off + 4 > b->len)
		return;
	for (int i = 0; i < 4; i++)
		b->data[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

bool lc_sor_is_standard_block(const char *name)
{
	static const char *const std[] = {"Map", "GenParams", "SupParams", "FxdParams", "KeyEvents",
					  "LnkParams", "DataPts", "Cksum"};
	for (size_t i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (strcmp(name, std[i]) == 0)
			return true;
	return false;
}
