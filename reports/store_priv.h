/*
 * The results store's statements, for the tests that check their query plans: every lookup a run makes
 * (its serial's history, the attempt number, finishing its row) must use an index, not scan the table,
 * because a station's store grows by thousands of runs a week.
 *
 * Thread safety: as reports/store.h.
 */
#ifndef LC_REPORTS_STORE_PRIV_H
#define LC_REPORTS_STORE_PRIV_H

#include <stddef.h>

#include "reports/store.h"

extern const char lc_store_sql_begin_run[];  /* lc_store_begin_run() */
extern const char lc_store_sql_attempt[];    /* lc_store_run_attempt() */
extern const char lc_store_sql_finish_run[]; /* lc_store_finish_run() */

/* The first string after every string that starts with prefix (valid UTF-8), in byte order, which is code
 * point order in UTF-8: the prefix with its last code point below U+10FFFF incremented (skipping the
 * surrogates) and what followed it dropped, so serial >= prefix AND serial < end selects exactly the serials
 * that start with prefix, as an index range. Returns 0; LC_ERR_ARG for an empty, too long (>= cap, cap <= 512)
 * or invalid UTF-8 prefix, or one made only of U+10FFFF (no such bound). Shared with the fleet's queries. */
#define LC_SERIAL_PREFIX_MAX 256
int lc_serial_prefix_end(const char *prefix, char *end, size_t cap, lc_diag *diag);

/* The SELECT lc_store_query() runs for f (NULL: every run) into buf, cut to cap bytes. */
void lc_store_query_sql(const lc_store_filter *f, char *buf, size_t cap);

/*
 * EXPLAIN QUERY PLAN of sql on s: the plan's lines ("SEARCH runs USING INDEX runs_serial (serial=?)", ...)
 * joined by '\n' into out. Returns the number of lines, or LC_ERR_ARG, LC_ERR_OVERFLOW (out too small: out
 * holds what fitted), LC_ERR_IO (SQLite refused the statement; the detail has its message).
 */
int lc_store_query_plan(lc_store *s, const char *sql, char *out, size_t cap, lc_diag *diag);

#endif
