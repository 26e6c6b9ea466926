/*
 * A growing HTML text for the report views (report_html.c, job_summary_view.c): literal markup, text from a
 * report escaped as data, and formatted numbers. It is an lc_strbuf (base/strbuf.h): errors are sticky, o->p
 * is NUL-terminated whenever o->len > 0, and the caller owns it and frees it (also after an error).
 * Thread safety: an lc_html_out belongs to one thread.
 */
#ifndef LC_REPORTS_HTML_OUT_PRIV_H
#define LC_REPORTS_HTML_OUT_PRIV_H

#include <stddef.h>

#include "base/strbuf.h"

typedef lc_strbuf lc_html_out;

/* n bytes of markup as they are. */
void lc_html_raw(lc_html_out *o, const char *s, size_t n);
/* A NUL-terminated string of markup as it is. */
void lc_html_lit(lc_html_out *o, const char *s);
/* Text from a report: &, <, >, " and ' escaped; NULL (not recorded) as an em dash. */
void lc_html_text(lc_html_out *o, const char *s);
/* printf-formatted markup, whatever its length (never cut). */
void lc_html_fmt(lc_html_out *o, const char *f, ...) __attribute__((format(printf, 2, 3)));

#endif
