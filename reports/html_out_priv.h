/*
 * A growing HTML text for the report views (report_html.c, job_summary_view.c): literal markup, text from a
 * report escaped as data, and formatted numbers. Errors are sticky: the first failed allocation is kept in
 * o->err and later calls do nothing, so a view writes straight through and checks once at the end.
 *
 * o->p is NUL-terminated whenever o->len > 0; the caller owns it and frees it (also after an error).
 * Thread safety: an lc_html_out belongs to one thread.
 */
#ifndef LC_REPORTS_HTML_OUT_PRIV_H
#define LC_REPORTS_HTML_OUT_PRIV_H

#include <stddef.h>

typedef struct lc_html_out {
	char *p;
	size_t len, cap;
	int err; /* 0, or LC_ERR_NOMEM once an append failed */
} lc_html_out;

/* n bytes of markup as they are. */
void lc_html_raw(lc_html_out *o, const char *s, size_t n);
/* A NUL-terminated string of markup as it is. */
void lc_html_lit(lc_html_out *o, const char *s);
/* Text from a report: &, <, >, " and ' escaped; NULL (not recorded) as an em dash. */
void lc_html_text(lc_html_out *o, const char *s);
/* printf-formatted markup, whatever its length (never cut). */
void lc_html_fmt(lc_html_out *o, const char *f, ...) __attribute__((format(printf, 2, 3)));

#endif
