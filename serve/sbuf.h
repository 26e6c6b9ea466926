/* A growing text buffer for the pages, with HTML escaping: every string that came from a user, a store or a
 * station file goes through lc_sb_html(), never straight into the page. */
#ifndef LC_SERVE_SBUF_H
#define LC_SERVE_SBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lc_sb {
	char *s;
	size_t len, cap;
	bool failed; /* out of memory or over LC_SB_MAX: the page is not sent (500) */
} lc_sb;

#define LC_SB_MAX (8u << 20) /* no page is larger */

void lc_sb_init(lc_sb *b);
void lc_sb_free(lc_sb *b);
void lc_sb_put(lc_sb *b, const char *s);
void lc_sb_putn(lc_sb *b, const char *s, size_t n);
void lc_sb_printf(lc_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " ' as entities (NULL: nothing); bytes that are not valid UTF-8 become U+FFFD. */
void lc_sb_html(lc_sb *b, const char *s);
/* s percent-encoded for a query string value (unreserved characters kept). */
void lc_sb_url(lc_sb *b, const char *s);
/* s as a JSON string with its quotes. */
void lc_sb_json(lc_sb *b, const char *s);
/* "YYYY-MM-DD HH:MM:SS" UTC, or "-" for LC_TIME_NONE. */
void lc_sb_time(lc_sb *b, int64_t ms);

#endif
