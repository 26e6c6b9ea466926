/*
 * <lanecert/fleet.h>: the fleet store: every station's results in one PostgreSQL database, and the sync that
 * pushes a station's journal (its SQLite results store) there.
 *
 * The server holds, in schema "lanecert" (docs/fleet.md): stations and their registered minisign public keys,
 * reports (the exact bytes of each signed report.json, its signature, unique by SHA-256), runs (one row per
 * report, with the columns the queries filter on) and measurements. Every station writes through its own
 * PostgreSQL role, which row-level security lets insert only rows of its own station, signed with one of its
 * registered, unrevoked keys, and never update or delete; "lanecert_reader" reads everything.
 *
 * Delivery is at-least-once with idempotent ingest: a run is acknowledged in the journal only after the
 * server committed it, and a report the server already holds (same SHA-256) is acknowledged without being
 * stored twice. Before inserting a report the ingest verifies its minisign signature in C (libsodium) against
 * the key the server has registered for the report's station and key id; an unknown key, a revoked key or a
 * tampered report is rejected and nothing of it is stored. The server verifies it again itself (schema 5: a
 * PL/Python trigger on lanecert.reports, whichever client inserts), so a station role with a modified client
 * cannot store a report whose signature does not hold; row-level security lets a station role insert only its
 * own station's rows, and nobody but the database owner can change or delete a row. `lanecert fleet verify`
 * re-checks every stored signature against the registered keys (reports stored before schema 5 included).
 *
 * URLs are libpq connection strings or URIs ("postgresql://user@host/db?sslmode=verify-full"); every libpq
 * parameter passes through, TLS included.
 *
 * Thread safety: an lc_fleet connection is used by one thread at a time; separate connections are independent.
 * The sync functions open their own connections to the journal.
 */
#ifndef LANECERT_FLEET_H
#define LANECERT_FLEET_H

#include <stdint.h>

#include "results.h"

typedef struct lc_fleet lc_fleet;

/*
 * Connect to the server at url (a libpq connection string or URI), with the server's NOTICEs silenced.
 *
 * Returns: 0 with *out a new connection the caller closes with lc_fleet_close(); LC_ERR_ARG for a NULL or
 * empty url or a NULL out, or a malformed url; LC_ERR_IO when the server cannot be reached (the detail has
 * libpq's message); LC_ERR_PERMISSION when authentication fails; LC_ERR_NOMEM. On failure *out is unchanged.
 * Thread safety: reentrant; the connection is then used by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_connect(const char *url, lc_fleet **out, lc_diag *diag);

/*
 * Close the connection and free f. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use f during or after the call.
 * Since: 0.1
 */
LC_API void lc_fleet_close(lc_fleet *f);

/*
 * Create or upgrade the schema (needs a role that may create schemas and roles; schema 5, the server's
 * signature check in PL/Python, needs a superuser). Each migration runs in its own transaction and is recorded
 * in lanecert.schema_migrations; running it again applies nothing.
 *
 * Returns: the number of migrations applied (0 when up to date); LC_ERR_ARG for a NULL f; LC_ERR_FORMAT when the
 * database has a newer schema than this lanecert knows; for schema 5, LC_ERR_UNSUPPORTED when the server has
 * no PL/Python (postgresql-plpython3) and LC_ERR_PERMISSION when the role is not a superuser, diag saying
 * what to do; the server's refusal (LC_ERR_STATE, LC_ERR_PERMISSION) or LC_ERR_IO for a lost connection: the
 * migrations before the failing one stay applied.
 * Thread safety: f by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_migrate(lc_fleet *f, lc_diag *diag);

/*
 * The schema version of the database.
 *
 * Returns: the version (0: not migrated); LC_ERR_ARG for a NULL f; LC_ERR_IO, LC_ERR_PERMISSION or LC_ERR_STATE
 * when the server cannot be asked.
 * Thread safety: f by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_schema_version(lc_fleet *f, lc_diag *diag);

/*
 * Register a station's public key (the station is created at its first key, with its PostgreSQL role: role
 * NULL gives "lanecert_station_" + the station id in lower case with other characters than a-z0-9_ as '_').
 * The role gets LOGIN and membership of lanecert_station; its password or certificate is set by the
 * database's administrator (docs/fleet.md).
 *
 * Returns: 0, also for a key already registered for this station and not revoked; LC_ERR_ARG for a NULL f,
 * station or pub, or a role name not of 1 to 63 bytes; LC_ERR_STATE for a key that is revoked or belongs to
 * another station, or another refusal of the server; LC_ERR_PERMISSION, LC_ERR_IO. Nothing is registered on
 * failure (one transaction).
 * Thread safety: f by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_register_station(lc_fleet *f, const char *station, const lc_pubkey *pub, const char *role,
				     lc_diag *diag);

/*
 * Revoke a station's key (key_id: 16 hex digits) or, key_id NULL, all its keys: reports signed with them are
 * refused from now on, those already stored stay.
 *
 * Returns: the number of keys revoked now (0 when they were revoked already); LC_ERR_ARG for a NULL f or
 * station; LC_ERR_NOT_FOUND for an unknown station or key; the server's errors (LC_ERR_STATE,
 * LC_ERR_PERMISSION, LC_ERR_IO).
 * Thread safety: f by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_revoke_station(lc_fleet *f, const char *station, const char *key_id, lc_diag *diag);

/*
 * The runs of the fleet that match filter (NULL: all), in the same rows and order as lc_store_query() (the
 * row's id is the server's; report_path is NULL: the report is in the database), each passed to fn with user.
 * The row and its strings are valid during the call only. The fleet holds completed runs only: a filter on
 * LC_STORE_INCOMPLETE matches nothing.
 *
 * Returns: the callback contract of lc_store_query(): the number of rows, or fn's non-zero return that
 * stopped the query; LC_ERR_ARG for a NULL f or fn, a filter verdict that is no verdict, or a serial_prefix
 * lc_store_query() refuses; the server's errors (LC_ERR_IO, LC_ERR_PERMISSION, LC_ERR_STATE).
 * Thread safety: f by one thread at a time; fn runs on the calling thread.
 * Since: 0.1
 */
LC_API int lc_fleet_query(lc_fleet *f, const lc_store_filter *filter, int (*fn)(const lc_store_row *row, void *user),
			  void *user, lc_diag *diag);

/* One run's stored report, checked again now against its station's registered key (lc_fleet_report_get). */
typedef struct lc_fleet_report {
	char *json;             /* the exact bytes of the signed report.json (json_len of them, then a NUL) */
	size_t json_len;
	char *signature;        /* its minisign signature as the station sent it (then a NUL) */
	size_t signature_len;
	char station[128];      /* the station whose key signed it */
	char key_id[LC_KEY_ID_HEX_LEN + 1];
	bool key_revoked;       /* revoked since: the report was accepted while the key was valid */
	int verify;             /* 0: the signature verifies against the registered key; else the LC_ERR_* */
	char verify_error[256]; /* why it does not verify ("" when it does) */
	bool has_html, has_pdf; /* uploaded with it (lanecert sync --with-files): lc_fleet_report_file() */
} lc_fleet_report;

/*
 * The stored report of the fleet's run run_id (the id lc_fleet_query() gives) into *out: its exact bytes, its
 * signature, the station and key that signed it, and the result of verifying them now against that key
 * (out->verify; a report that does not verify is still returned, with 0).
 *
 * Returns: 0; LC_ERR_NOT_FOUND for no such run (or one this role may not read); LC_ERR_ARG for a NULL f or
 * out or a run_id <= 0; LC_ERR_NOMEM; the server's errors (LC_ERR_IO for a lost server, LC_ERR_PERMISSION).
 * *out is zeroed first, so lc_fleet_report_clear() is always safe; on success the caller frees the two
 * buffers with it.
 * Thread safety: f by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_report_get(lc_fleet *f, int64_t run_id, lc_fleet_report *out, lc_diag *diag);
/*
 * A file uploaded with the report of the fleet's run run_id (lc_sync_opts.with_files): "report.html",
 * "report.pdf" or a raw file's name, into *data (malloc'ed, *len bytes, then a NUL). The server checked its
 * SHA-256 against its bytes when it was stored, and the sync a raw file's against the signed report.
 *
 * Returns: 0; LC_ERR_NOT_FOUND when the run or the file is not there (uploaded without --with-files, or
 * absent on the station); LC_ERR_ARG for a NULL f, name, data or len or a run_id <= 0; LC_ERR_NOMEM; the
 * server's errors. *data is NULL on failure.
 * Thread safety: f by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_report_file(lc_fleet *f, int64_t run_id, const char *name, char **data, size_t *len,
				lc_diag *diag);
/*
 * Free what lc_fleet_report_get() allocated and zero *r.
 *
 * Returns: nothing; r NULL is a no-op.
 * Thread safety: r by one thread at a time.
 * Since: 0.1
 */
LC_API void lc_fleet_report_clear(lc_fleet_report *r);

/*
 * Re-verify every stored report's signature against its station's registered key (revoked keys included:
 * they were valid when the report came).
 *
 * Returns: the number of reports checked when all verify; LC_ERR_VERIFY naming the first bad one (a key of
 * another station, a signature that does not verify); LC_ERR_ARG for a NULL f; the server's errors.
 * Thread safety: f by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_fleet_verify_all(lc_fleet *f, lc_diag *diag);

/* ---- summaries of a query: yield and a Pareto of failure causes ---- */
/*
 * Feed the rows of lc_store_query() or lc_fleet_query() (lc_results_summary_add is their callback, with the
 * summary as user), then read the yield per cable type, station and day (UTC) and the causes of every run
 * that did not pass, most frequent first. A cause is the run's reason without lane, wavelength and values
 * ("insertion_loss: insertion_loss" for every lane's IL failure), or a station's error text (120 bytes).
 * Incomplete runs are not counted. Thread safety: one summary per thread. Since 0.1.
 */
typedef struct lc_results_summary lc_results_summary;
typedef struct lc_yield_row {
	const char *cable_type, *station, *day; /* day: "YYYY-MM-DD" or "unknown" */
	int64_t runs, passed, failed, other;    /* other: error, aborted, inconclusive, none */
} lc_yield_row;
typedef struct lc_pareto_row {
	const char *verdict, *cause;
	int64_t runs;
	double cumulative;                      /* share of all non-passing runs up to this row, 0..1 */
} lc_pareto_row;

/*
 * A new, empty summary.
 *
 * Returns: 0 with *out the summary the caller frees with lc_results_summary_free(); LC_ERR_ARG for a NULL out;
 * LC_ERR_NOMEM with *out NULL.
 * Thread safety: reentrant; a summary is used by one thread at a time.
 * Since: 0.1
 */
LC_API int lc_results_summary_new(lc_results_summary **out);

/*
 * Free s and every row it holds. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: s by one thread.
 * Since: 0.1
 */
LC_API void lc_results_summary_free(lc_results_summary *s);

/*
 * Count one run (a row of lc_store_query() or lc_fleet_query(); summary is the lc_results_summary, so this
 * is their callback). A run that is not complete is not counted.
 *
 * Returns: 0 (the query goes on); LC_ERR_ARG for a NULL summary or row; LC_ERR_OVERFLOW for a cable type and
 * station name together over 1 KiB; LC_ERR_NOMEM. A negative return stops the query; the summary then counts
 * the rows before it.
 * Thread safety: s by one thread.
 * Since: 0.1
 */
LC_API int lc_results_summary_add(const lc_store_row *row, void *summary);

/*
 * Call fn for each yield group (cable type, station, day UTC) in order of day, cable type and station. The
 * row's strings are valid during the call only.
 *
 * Returns: the number of groups; fn's non-zero return, which stops the walk; LC_ERR_ARG for a NULL s or fn.
 * Thread safety: s by one thread.
 * Since: 0.1
 */
LC_API int lc_results_summary_yield(lc_results_summary *s, int (*fn)(const lc_yield_row *row, void *user), void *user);

/*
 * Call fn for each cause of a run that did not pass (verdict and cause), most frequent first (ties by name),
 * with the cumulative share of all non-passing runs. The row's strings are valid during the call only.
 *
 * Returns: the number of causes; fn's non-zero return, which stops the walk; LC_ERR_ARG for a NULL s or fn.
 * Thread safety: s by one thread.
 * Since: 0.1
 */
LC_API int lc_results_summary_pareto(lc_results_summary *s, int (*fn)(const lc_pareto_row *row, void *user),
				     void *user);

/* ---- sync: journal -> server ---- */

typedef struct lc_sync_stats {
	int sent;       /* reports the server stored in this pass */
	int duplicate;  /* reports the server already had (acknowledged without a second copy) */
	int rejected;   /* reports refused (signature, key, unreadable file): still pending, reason in the journal */
	int batches;    /* batches committed */
	int files;      /* files uploaded with their reports (lc_sync_opts.with_files) */
} lc_sync_stats;

/* Called after each committed and acknowledged batch (may be NULL). A non-zero return stops the pass after that
 * batch and is returned. */
typedef int (*lc_sync_progress_fn)(const lc_sync_stats *so_far, void *user);

/*
 * One pass: push every completed run of the journal at journal_path that has a signed report and is not yet
 * acknowledged, in batches of at most batch runs (1..1000), each batch one server transaction, acknowledged
 * in the journal after its commit. progress (may be NULL) is called after each acknowledged batch; its
 * non-zero return stops the pass after that batch. stats (may be NULL) receives the counts, also on failure.
 *
 * Returns: 0 when every pending run was delivered; LC_ERR_VERIFY when some were rejected (the others are
 * delivered; stats says how many; each reason is in the journal); progress's non-zero return; the error that
 * stopped the pass (LC_ERR_IO: server unreachable or lost; batches committed before it stay acknowledged);
 * LC_ERR_ARG for a NULL journal_path or f or a batch outside 1..1000; the journal's errors. The error is also
 * recorded in the journal for lc_sync_status_get().
 * Thread safety: f by one thread at a time; the journal is opened by the call itself.
 * Since: 0.1
 */
LC_API int lc_sync_pass(const char *journal_path, lc_fleet *f, int batch, lc_sync_stats *stats,
			lc_sync_progress_fn progress, void *user, lc_diag *diag);

/* What a pass sends beside each report (lc_sync_pass_opts). */
typedef struct lc_sync_opts {
	int batch;       /* runs per batch, each one server transaction: 1..1000 */
	/* Also upload, with each report the server stores, the files beside its report.json: report.html,
	 * report.pdf and the raw files the signed report names. A raw file is sent only when its SHA-256 is the
	 * one the signed report records: a raw file that differs refuses the whole run (nothing of it stored, it
	 * stays pending with the reason); one that is absent is not sent. The HTML and PDF are not covered by the
	 * signature (they are rendered from it); the server keeps each file's SHA-256 and checks it against the
	 * bytes (a constraint). Runs the server already has get no files; a file is at most 64 MiB. */
	bool with_files;
} lc_sync_opts;

/*
 * lc_sync_pass() with options: opts->batch runs per batch and, with opts->with_files, the files beside each
 * new report (stats->files counts them). opts NULL: batches of 100, no files.
 *
 * Returns: as lc_sync_pass(); a run refused because a raw file is not the one its report signed counts in
 * stats->rejected and makes the result LC_ERR_VERIFY like any refusal.
 * Thread safety: f by one thread at a time; the journal is opened by the call itself.
 * Since: 0.1
 */
LC_API int lc_sync_pass_opts(const char *journal_path, lc_fleet *f, const lc_sync_opts *opts, lc_sync_stats *stats,
			     lc_sync_progress_fn progress, void *user, lc_diag *diag);

/*
 * Record msg as the sync's last error in the journal at journal_path, with the time; msg NULL clears it
 * (lc_sync_pass() does both itself; the service mode records connection failures with it).
 *
 * Returns: 0; the journal's errors (LC_ERR_NOT_FOUND, LC_ERR_IO, LC_ERR_FORMAT for a file that is no journal).
 * Thread safety: reentrant (the journal's own locking).
 * Since: 0.1
 */
LC_API int lc_sync_note_error(const char *journal_path, const char *msg, lc_diag *diag);

typedef struct lc_sync_status {
	int64_t pending;       /* completed, signed runs not acknowledged by the server */
	int64_t acknowledged;  /* runs the server holds */
	int64_t rejected;      /* pending runs whose last attempt was refused (their reason: last_rejection) */
	int64_t unsendable;    /* completed runs without a signed report (nothing the server could verify) */
	int64_t incomplete;    /* runs still running or killed (sent once complete) */
	int64_t last_ack_ms;   /* LC_TIME_NONE when never */
	int64_t last_error_ms; /* LC_TIME_NONE when the last pass succeeded */
	char last_error[512];
	char last_rejection[512];
} lc_sync_status;

/*
 * The sync's state of the journal at journal_path: counts of pending, acknowledged, rejected, unsendable and
 * incomplete runs, the times of the last acknowledgement and error, the last error and the newest rejection
 * (both cut at 511 bytes, as display text).
 *
 * Returns: 0 with *out filled; LC_ERR_ARG for a NULL journal_path or out; the journal's errors. On failure
 * *out is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sync_status_get(const char *journal_path, lc_sync_status *out, lc_diag *diag);

#endif
