/*
 * What the pages read, behind one small interface so that another store can serve the same pages: the local
 * SQLite results store today (query_sqlite.c, through the public lc_store_query()), the fleet's PostgreSQL
 * store once its query API is public (a second lc_sq_backend; lc_sq_open() picks it by the postgresql://
 * prefix and says it is not supported until then).
 *
 * Rows are the public lc_store_row: a backend fills one per run, with strings valid during the callback.
 * Thread safety: a lc_sq may be used from every request thread at once (the backend serializes what it must).
 */
#ifndef LC_SERVE_QUERY_H
#define LC_SERVE_QUERY_H

#include <stdint.h>

#include <lanecert/results.h>

typedef struct lc_sq_filter {
	const char *serial, *cable_type, *operator_name, *station; /* NULL: any */
	int verdict;          /* -1: any; an enum lc_verdict; LC_STORE_INCOMPLETE: unfinished runs */
	int64_t since_ms;     /* LC_TIME_NONE: any; runs that started at or after it */
	int64_t until_ms;     /* LC_TIME_NONE: any; runs that started before it */
	int64_t id;           /* 0: any; else that run only */
} lc_sq_filter;

#define LC_SQ_FILTER_ANY {.verdict = -1, .since_ms = LC_TIME_NONE, .until_ms = LC_TIME_NONE}

typedef int (*lc_sq_row_fn)(const lc_store_row *row, void *user);

typedef struct lc_sq_backend {
	const char *name; /* "sqlite" */
	/* Each matching run, oldest first (by start, then id); fn returns non-zero to stop (that value is returned);
	 * otherwise the number of rows, or a negative LC_ERR_*. */
	int (*each)(void *impl, const lc_sq_filter *f, lc_sq_row_fn fn, void *user, lc_diag *diag);
	void (*close)(void *impl);
} lc_sq_backend;

typedef struct lc_sq {
	const lc_sq_backend *backend;
	void *impl;
	char where[1100]; /* what the pages say they read: the store's path */
} lc_sq;

/* Open the store named by db (NULL: the default SQLite store). A store that does not exist yet is not an
 * error: the pages say there are no runs until `lanecert run` creates it. postgresql://... is
 * LC_ERR_UNSUPPORTED for now. */
int lc_sq_open(const char *db, lc_sq **out, lc_diag *diag);
int lc_sq_each(lc_sq *q, const lc_sq_filter *f, lc_sq_row_fn fn, void *user, lc_diag *diag);
void lc_sq_close(lc_sq *q);

/* A deep copy of a row (for results kept past the callback); free with lc_sq_row_free. NULL: no memory. */
lc_store_row *lc_sq_row_dup(const lc_store_row *r);
void lc_sq_row_free(lc_store_row *r);

#endif
