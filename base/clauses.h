/*
 * A sentence of clauses joined by "; ", written into a caller's buffer: a run's diagnosis ("fiber 3 (A:3 ->
 * B:3): no light ...; RL 31 dB on A:1 ...") and a fiber map's description ("legs 1 and 2 swapped; A:5 dark").
 * Each clause is formatted whole before it is placed, and the buffer is always NUL-terminated. There are two
 * ways to meet the end:
 *   - a cap on clauses (max > 0): clauses past it are only counted, and lc_clauses_end() appends
 *     "; and N more"; a clause longer than the room left is cut before the first character that does not
 *     fit (lc_utf8_printf), so the text stays valid UTF-8;
 *   - LC_CLAUSES_ELLIPSIS: a clause that does not fit whole is left out, "..." marks where the text stops,
 *     `overflow` is set and every later clause is ignored (the caller returns LC_ERR_OVERFLOW).
 *
 * Thread safety: an lc_clauses is used by one thread at a time; no global state.
 * Since 0.1.
 */
#ifndef LC_BASE_CLAUSES_H
#define LC_BASE_CLAUSES_H

#include <stdbool.h>
#include <stddef.h>

enum lc_clauses_flags {
	LC_CLAUSES_CUT = 0,      /* a clause that does not fit is cut on a character */
	LC_CLAUSES_ELLIPSIS = 1, /* a clause that does not fit ends the text with "..." */
};

typedef struct lc_clauses {
	char *buf;
	size_t cap, len;
	int count;     /* clauses written */
	int more;      /* clauses left out by the cap */
	int max;       /* cap on clauses, 0 for none */
	int flags;
	bool overflow; /* LC_CLAUSES_ELLIPSIS: a clause did not fit */
} lc_clauses;

/* Start an empty sentence in buf (cap >= 1; buf[0] is set to NUL). The caller keeps buf. */
void lc_clauses_init(lc_clauses *c, char *buf, size_t cap, int max, int flags);

/* Append one clause (printf format), behind "; " unless it is the first. */
void lc_clauses_add(lc_clauses *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append "; and N more" when the cap left N clauses out and it fits with room to spare. Returns the length. */
size_t lc_clauses_end(lc_clauses *c);

#endif
