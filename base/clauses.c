/* Sentences of clauses (base/clauses.h). */
#include "base/clauses.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

/* The longest clause placed whole; a diagnosis clause names a few ports and a cause. */
#define CLAUSE_MAX 400

void lc_clauses_init(lc_clauses *c, char *buf, size_t cap, int max, int flags)
{
	*c = (lc_clauses){.buf = buf, .cap = cap, .max = max, .flags = flags};
	if (cap)
		buf[0] = '\0';
}

void lc_clauses_add(lc_clauses *c, const char *fmt, ...)
{
	if (c->overflow)
		return;
	if (c->max > 0 && c->count >= c->max) {
		c->more++;
		return;
	}
	char tmp[CLAUSE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	const char *sep = c->count ? "; " : "";
	if (c->flags & LC_CLAUSES_ELLIPSIS) {
		if (c->len + strlen(sep) + strlen(tmp) + 1 > c->cap) {
			c->overflow = true;
			if (c->cap >= 4)
				strcpy(c->buf + (c->len + 4 <= c->cap ? c->len : c->cap - 4), "...");
			return;
		}
		c->len += (size_t)snprintf(c->buf + c->len, c->cap - c->len, "%s%s", sep, tmp);
	} else {
		int n = lc_utf8_printf(c->buf + c->len, c->cap - c->len, "%s%s", sep, tmp);
		if (n > 0)
			c->len += (size_t)n;
	}
	c->count++;
}

size_t lc_clauses_end(lc_clauses *c)
{
	if (c->more && c->len + 32 < c->cap) {
		int n = lc_utf8_printf(c->buf + c->len, c->cap - c->len, "; and %d more", c->more);
		if (n > 0)
			c->len += (size_t)n;
	}
	return c->len;
}
