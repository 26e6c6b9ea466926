/*
 * The results store: every run, in SQLite (WAL mode), so that a serial number can be traced later. A run is
 * inserted as "incomplete" when it starts and completed when its report is written; a run killed on the way
 * (SIGKILL, power cut) stays "incomplete" in a consistent database. Error and aborted runs are recorded like
 * any other: their verdict says what happened.
 *
 * Default location: $XDG_DATA_HOME/lanecert/results.db, else ~/.local/share/lanecert/results.db.
 *
 * Thread safety: a store may be shared by the threads of several slots: each call holds the store's mutex.
 * Several processes may use the same file (SQLite locking, 5 s busy timeout).
 */
#ifndef LC_REPORTS_STORE_H
#define LC_REPORTS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "fixtures/verdict.h"
#include "base/error.h"

typedef struct lc_store lc_store;

/* The default path (see above) into buf. LC_ERR_NOT_FOUND if neither XDG_DATA_HOME nor HOME is usable. */
int lc_store_default_path(char *buf, size_t size, lc_diag *diag);
enum lc_store_mode {
	LC_STORE_CREATE = 0,   /* create the store (and its folder) when it does not exist */
	LC_STORE_EXISTING = 1, /* the store must exist: LC_ERR_NOT_FOUND otherwise, and nothing is created */
};
/* Open the store at path (NULL: the default). A store written by an older version is migrated to the current
 * schema (PRAGMA user_version 2: the attempt column, an index per filter); one written by a newer version is
 * LC_ERR_FORMAT. Since 0.2. */
int lc_store_open_mode(const char *path, enum lc_store_mode mode, lc_store **out, lc_diag *diag);
/* lc_store_open_mode(path, LC_STORE_CREATE, ...). */
int lc_store_open(const char *path, lc_store **out, lc_diag *diag);
void lc_store_close(lc_store *s);

typedef struct lc_store_run_info {
	const char *serial;
	const char *cable_type;
	int slot;
	const char *station;
	const char *operator_name;
	const char *procedure;
	int64_t start_ms;
} lc_store_run_info;

/* Insert a run as incomplete; *run_id receives its id. The run gets the next attempt number of its serial
 * (1 for a serial never seen), atomically with the insert. */
int lc_store_begin_run(lc_store *s, const lc_store_run_info *info, int64_t *run_id, lc_diag *diag);
/* The attempt number of a run (>= 1), or LC_ERR_STATE for an unknown id. Since 0.2. */
int lc_store_run_attempt(lc_store *s, int64_t run_id, lc_diag *diag);
/* Complete a run: its verdict, end, the report's path and SHA-256 (both may be NULL when no report could be
 * written), and the reason for any verdict but pass (lc_result_explain()). Completing twice or an unknown id is LC_ERR_STATE. */
int lc_store_finish_run(lc_store *s, int64_t run_id, enum lc_verdict verdict, int64_t end_ms,
			const char *report_path, const char *report_sha256, const char *reason, lc_diag *diag);

typedef struct lc_store_row {
	int64_t id;
	const char *serial, *cable_type, *station, *operator_name, *procedure;
	int slot;
	int64_t start_ms, end_ms;     /* LC_TIME_NONE (INT64_MIN) when unknown */
	int complete;                 /* 0: the run never finished (killed, crashed, still running) */
	enum lc_verdict verdict;      /* LC_VERDICT_NONE while incomplete */
	const char *reason, *report_path, *report_sha256;
	int attempt;                  /* the how-manieth run of its serial (from 1); 0 when unknown */
} lc_store_row;

typedef struct lc_store_filter {
	const char *serial;           /* NULL: any */
	int64_t since_ms;             /* LC_TIME_NONE (INT64_MIN): any; else runs that started at or after it */
	int verdict;                  /* -1: any; an enum lc_verdict; LC_STORE_INCOMPLETE: unfinished runs only */
	/* Since 0.2; NULL: any (use designated initialisers: NULL is what they leave). */
	const char *station, *operator_name, *cable_type, *procedure;
} lc_store_filter;
#define LC_STORE_INCOMPLETE 1000

/* Calls fn for each matching run, oldest first; the row's strings are valid during the call only. fn returns
 * 0 to go on, anything else to stop (that value is returned). Returns the number of rows otherwise. fn runs
 * under the store's mutex: it must not call the store. */
int lc_store_query(lc_store *s, const lc_store_filter *f, int (*fn)(const lc_store_row *row, void *user),
		   void *user, lc_diag *diag);

/* PRAGMA integrity_check: 0 if "ok", LC_ERR_FORMAT with SQLite's first complaint otherwise. */
int lc_store_integrity_check(lc_store *s, lc_diag *diag);

#endif
