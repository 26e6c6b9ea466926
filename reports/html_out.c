/* A growing HTML text for the report views (reports/html_out_priv.h). */
#include "reports/html_out_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

void lc_html_raw(lc_html_out *o, const char *s, size_t n)
{
	lc_strbuf_put(o, s, n);
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
	va_list ap;
	va_start(ap, f);
	lc_strbuf_vprintf(o, f, ap);
	va_end(ap);
}
