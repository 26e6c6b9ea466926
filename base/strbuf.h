/*
 * A growing byte string (a report's HTML, a gnuplot script, canonical JSON, a CSV export, a child's input):
 * appends never cut, and errors are sticky: the first failed allocation is kept in b->err and later appends do
 * nothing, so a writer writes straight through and checks once at the end.
 *
 * A zeroed lc_strbuf is empty. b->p is NUL-terminated whenever b->len > 0 (and after an append of 0 bytes);
 * the caller owns it and frees it with free(), also after an error.
 * Thread safety: an lc_strbuf belongs to one thread.
 */
#ifndef LC_BASE_STRBUF_H
#define LC_BASE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct lc_strbuf {
	char *p;
	size_t len, cap;
	int err; /* 0, or LC_ERR_NOMEM once an append failed (LC_ERR_ARG for a format vsnprintf refused) */
} lc_strbuf;

/* n bytes as they are. */
void lc_strbuf_put(lc_strbuf *b, const char *s, size_t n);
/* A NUL-terminated string. */
void lc_strbuf_puts(lc_strbuf *b, const char *s);
/* printf-formatted text, whatever its length. */
void lc_strbuf_printf(lc_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lc_strbuf_vprintf(lc_strbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
