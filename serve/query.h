/*
 * What the pages read, behind one small interface so that either store serves the same pages: the local
 * SQLite results store (query_sqlite.c, through the public lc_store_query()) and the fleet's PostgreSQL store
 * (query_fleet.c, through lc_fleet_query(), which gives the same rows in the same order); lc_sq_open() picks
 * the fleet for a postgresql:// or postgres:// URL.
 *
 * Rows are the public lc_store_row: a backend fills one per run, with strings valid during the callback.
 * Thread safety: a lc_sq may be used from every request thread at once (the backend serializes what it must).
 */
#ifndef LC_SERVE_QUERY_H
#define LC_SERVE_QUERY_H

#include <stdint.h>

#include <lanecert/fleet.h>
#include <lanecert/results.h>

typedef struct lc_sq_filter {
	const char *serial, *cable_type, *operator_name, *station; /* NULL: any */
	const char *serial_prefix; /* NULL: any; serials that start with it (an index range in both stores) */
	int verdict;          /* -1: any; an enum lc_verdict; LC_STORE_INCOMPLETE: unfinished runs */
	int64_t since_ms;     /* LC_TIME_NONE: any; runs that started at or after it */
	int64_t until_ms;     /* LC_TIME_NONE: any; runs that started before it */
	int64_t id;           /* 0: any; else that run only (the store's primary key) */
	unsigned newest;      /* 0: every matching run, oldest first; N: the N newest, newest first */
} lc_sq_filter;

#define LC_SQ_FILTER_ANY {.verdict = -1, .since_ms = LC_TIME_NONE, .until_ms = LC_TIME_NONE}

typedef int (*lc_sq_row_fn)(const lc_store_row *row, void *user);

typedef struct lc_sq_backend {
	const char *name; /* "sqlite" */
	/* Each matching run, oldest first (by start, then id; newest first with f->newest); fn returns non-zero to stop (that value is returned);
	 * otherwise the number of rows, or a negative LC_ERR_*. */
	int (*each)(void *impl, const lc_sq_filter *f, lc_sq_row_fn fn, void *user, lc_diag *diag);
	void (*close)(void *impl);
	/* The stored report of run id with its verification now (the fleet; NULL for the SQLite store, whose
	 * reports are files): 0, or LC_ERR_NOT_FOUND / LC_ERR_IO / ... (lc_fleet_report_get()). */
	int (*report)(void *impl, int64_t id, lc_fleet_report *out, lc_diag *diag);
	/* A file uploaded with that report (lc_fleet_report_file()); NULL for the SQLite store. */
	int (*report_file)(void *impl, int64_t id, const char *name, char **data, size_t *len, lc_diag *diag);
} lc_sq_backend;

typedef struct lc_sq {
	const lc_sq_backend *backend;
	void *impl;
	char where[1100]; /* what the pages say they read: the store's path, or the fleet's host and database */
	bool fleet;       /* rows from the fleet: their reports are in its database (report_path NULL), the report
	                   * files stay on the stations */
} lc_sq;

/* Open the store named by db (NULL: the default SQLite store). A SQLite store that does not exist yet is not
 * an error: the pages say there are no runs until `lanecert run` creates it. A fleet URL is connected at once
 * (LC_ERR_IO when the server cannot be reached, LC_ERR_PERMISSION when it refuses the login). */
int lc_sq_open(const char *db, lc_sq **out, lc_diag *diag);
int lc_sq_each(lc_sq *q, const lc_sq_filter *f, lc_sq_row_fn fn, void *user, lc_diag *diag);
void lc_sq_close(lc_sq *q);
/* The report of run id from a store that keeps reports in its database (the fleet): as the backend's report;
 * LC_ERR_NOT_FOUND from a store that has none. */
int lc_sq_report(lc_sq *q, int64_t id, lc_fleet_report *out, lc_diag *diag);
/* A file stored with it (the fleet with `sync --with-files`): *data malloc'ed; LC_ERR_NOT_FOUND otherwise. */
int lc_sq_report_file(lc_sq *q, int64_t id, const char *name, char **data, size_t *len, lc_diag *diag);

/* A deep copy of a row (for results kept past the callback); free with lc_sq_row_free. NULL: no memory. */
lc_store_row *lc_sq_row_dup(const lc_store_row *r);
void lc_sq_row_free(lc_store_row *r);

#endif
