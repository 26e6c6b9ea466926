/* A growing byte string with a sticky error (base/strbuf.h). */
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

/* Room for n more bytes and a NUL; 0 or the (sticky) error. */
static int reserve(lc_strbuf *b, size_t n)
{
	if (b->err)
		return b->err;
	if (b->len + n + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (b->len + n + 1 > cap)
		cap *= 2;
	char *np = realloc(b->p, cap);
	if (!np)
		return b->err = LC_ERR_NOMEM;
	b->p = np, b->cap = cap;
	return 0;
}

void lc_strbuf_put(lc_strbuf *b, const char *s, size_t n)
{
	if (reserve(b, n) < 0)
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void lc_strbuf_puts(lc_strbuf *b, const char *s)
{
	lc_strbuf_put(b, s, strlen(s));
}

void lc_strbuf_vprintf(lc_strbuf *b, const char *fmt, va_list ap)
{
	if (b->err)
		return;
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0) {
		b->err = LC_ERR_ARG;
	} else if (reserve(b, (size_t)n) == 0) {
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void lc_strbuf_printf(lc_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lc_strbuf_vprintf(b, fmt, ap);
	va_end(ap);
}
