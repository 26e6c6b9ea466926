/* A growing HTML text for the report views (reports/html_out_priv.h). */
#include "reports/html_out_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

void lc_html_raw(lc_html_out *o, const char *s, size_t n)
{
	if (o->err)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 65536;
		while (o->len + n + 1 > cap)
			cap *= 2;
		char *np = realloc(o->p, cap);
		if (!np) {
			o->err = LC_ERR_NOMEM;
			return;
		}
		o->p = np, o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = 0;
}

void lc_html_lit(lc_html_out *o, const char *s)
{
	lc_html_raw(o, s, strlen(s));
}

/* Text from the report is data: every character that means something to HTML is escaped. */
void lc_html_text(lc_html_out *o, const char *s)
{
	if (!s) {
		lc_html_lit(o, "\xe2\x80\x94"); /* an em dash for "not recorded" */
		return;
	}
	for (; *s; s++) {
		switch (*s) {
		case '&': lc_html_lit(o, "&amp;"); break;
		case '<': lc_html_lit(o, "&lt;"); break;
		case '>': lc_html_lit(o, "&gt;"); break;
		case '"': lc_html_lit(o, "&quot;"); break;
		case '\'': lc_html_lit(o, "&#39;"); break;
		default: lc_html_raw(o, s, 1);
		}
	}
}

void lc_html_fmt(lc_html_out *o, const char *f, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	if (n < 0) {
		o->err = o->err ? o->err : LC_ERR_ARG;
		return;
	}
	if ((size_t)n < sizeof(buf)) {
		lc_html_raw(o, buf, (size_t)n);
		return;
	}
	/* longer than the stack buffer: format again into the room it needs */
	char *big = malloc((size_t)n + 1);
	if (!big) {
		o->err = o->err ? o->err : LC_ERR_NOMEM;
		return;
	}
	va_start(ap, f);
	vsnprintf(big, (size_t)n + 1, f, ap);
	va_end(ap);
	lc_html_raw(o, big, (size_t)n);
	free(big);
}
