/* The fleet store's pieces shared by its files (reports/fleet_*.c). Thread safety: as <lanecert/fleet.h>. */
#ifndef LC_REPORTS_FLEET_PRIV_H
#define LC_REPORTS_FLEET_PRIV_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/fleet.h"

struct lc_fleet {
	PGconn *conn;
	unsigned char prepared[4096 / 8]; /* lc_fleet_query()'s statements this connection has prepared, by shape */
};

/* The schema version this lanecert writes (lanecert.schema_migrations). */
#define LC_FLEET_SCHEMA_VERSION 5

/* The SQLSTATE the server's signature check (schema 5) raises for a refused report or run. */
#define LC_FLEET_REFUSED_STATE "LC001"

/* Turn a failed result (or a lost connection: res NULL) into an LC_ERR_* with the server's message:
 * a lost connection and SQLSTATE classes 08, 53, 57 -> LC_ERR_IO (retry later); 42501 (row-level security,
 * privileges) and class 28 (invalid authorization) -> LC_ERR_PERMISSION; LC_FLEET_REFUSED_STATE (the server's
 * signature check) -> LC_ERR_VERIFY; anything else (constraints, a
 * statement refused) -> LC_ERR_STATE. */
int lc_fleet_fail(lc_fleet *f, const PGresult *res, const char *what, lc_diag *diag);

/* Run sql with n text parameters (NULL values are SQL NULL). Returns the result (the caller PQclear()s it)
 * when its status is PGRES_COMMAND_OK or PGRES_TUPLES_OK, else NULL with *rc and diag set. */
PGresult *lc_fleet_exec(lc_fleet *f, const char *sql, int n, const char *const *vals, const char *what, int *rc,
			lc_diag *diag);
/* lc_fleet_exec with binary parameters and results: lens/fmts as PQexecParams takes them (NULL: all text),
 * binary_result: the result's columns in binary (a bytea as its bytes, text without NUL). */
PGresult *lc_fleet_exec_binary(lc_fleet *f, const char *sql, int n, const char *const *vals, const int *lens,
			       const int *fmts, bool binary_result, const char *what, int *rc, lc_diag *diag);
/* The same for a statement without a result set worth keeping: 0 or a negative LC_ERR_*. */
int lc_fleet_run(lc_fleet *f, const char *sql, int n, const char *const *vals, const char *what, lc_diag *diag);

/* One report a station sends, and what became of it. */
typedef struct lc_fleet_item {
	int64_t journal_id;
	int attempt;
	const char *json, *sig, *sha256; /* sha256: what the journal recorded for the report */
	size_t json_len, sig_len;
	const char *report_path;         /* the report.json the journal names: its folder holds the files */
	bool with_files;                 /* upload the files beside it (lc_sync_opts.with_files) */
	int files;                       /* files stored with it */
	int outcome;                     /* 1 stored, 2 already there, < 0 rejected (error holds why) */
	char error[400];
} lc_fleet_item;

/* Refuse item it: its error is fmt with a, b, c; its outcome LC_ERR_VERIFY. Returns 0 (the batch goes on). */
int lc_fleet_reject(lc_fleet_item *it, const char *fmt, const char *a, const char *b, const char *c);

/* Pipelines (libpq's pipeline mode): statements sent without waiting for each one's answer, then one sync.
 * enter: the connection into pipeline mode; send: queue one statement (as lc_fleet_exec_binary's
 * parameters, text results); finish: sync, then read the answers of the nq statements sent: out[k] the
 * result of statement k (the caller PQclear()s each), NULL for one that failed or was skipped after a
 * failure (all NULL when the return is an error). Each returns 0 or an LC_ERR_* (lc_fleet_fail); finish
 * sets *failed to the index of the statement that failed (-1: the connection) and always leaves pipeline
 * mode when the connection is alive. */
int lc_fleet_pipe_enter(lc_fleet *f, lc_diag *diag);
int lc_fleet_pipe_send(lc_fleet *f, const char *sql, int n, const char *const *vals, const int *lens,
		       const int *fmts, lc_diag *diag);
int lc_fleet_pipe_finish(lc_fleet *f, int nq, PGresult **out, int *failed, const char *what, lc_diag *diag);

/* The files beside a report (lc_sync_opts.with_files, reports/fleet_files.c). */
#define FILE_UPLOAD_MAX (64u << 20) /* per file: a SOR trace is kilobytes, a PDF report a few megabytes */
#define FILES_MAX 64

struct lc_fleet_upload {
	char name[256];
	const char *kind;
	char *bytes;
	size_t len;
	char sha[LC_SHA256_HEX_LEN + 1];
};

struct lc_fleet_uploads {
	struct lc_fleet_upload f[FILES_MAX];
	size_t n;
};
void lc_fleet_uploads_free(struct lc_fleet_uploads *u);
/* The files to upload with a verified report r: its renderings, and its raw files checked against the
 * digests it signed. 0; LC_ERR_VERIFY (it refused, u empty) when a raw file differs or cannot be read. */
int lc_fleet_read_uploads(lc_fleet_item *it, const lc_result *r, struct lc_fleet_uploads *u);
/* Queue the INSERTs of u's files in the pipeline (*nq counts them). 0 or an LC_ERR_*. */
int lc_fleet_queue_uploads(lc_fleet *f, const char *report_sha, const char *station, const struct lc_fleet_uploads *u,
			   int *nq, lc_diag *diag);

/* Ingest items in one transaction: each report is verified against the registered key of its station, stored
 * with its run and measurements unless the server has it already (same SHA-256), in two pipelines per batch.
 * A rejected item is left out and does not stop the others; one the server refuses (its own signature check,
 * LC_FLEET_REFUSED_STATE) is rejected with the server's reason and the batch sent again without it. Returns 0
 * once committed (each item's outcome set), or the error that rolled the whole batch back (nothing of it is
 * stored). */
int lc_fleet_ingest(lc_fleet *f, lc_fleet_item *items, size_t n, lc_diag *diag);

#endif
