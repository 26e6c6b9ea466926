/* The sync: a station's journal (its SQLite results store) pushed to the fleet store (<lanecert/fleet.h>). */
#include "reports/fleet_priv.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"

/* What the sync keeps in the journal, beside the store's own tables: one row per run the server acknowledged
 * or refused, and the last error of a pass. A run is pending until its row has acked_ms. */
static const char sync_schema[] =
	"CREATE TABLE IF NOT EXISTS fleet_sync (run_id INTEGER PRIMARY KEY, acked_ms INTEGER,"
	" tries INTEGER NOT NULL DEFAULT 0, last_error TEXT, error_ms INTEGER);"
	"CREATE TABLE IF NOT EXISTS fleet_sync_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_error TEXT,"
	" last_error_ms INTEGER, last_ack_ms INTEGER);"
	"INSERT OR IGNORE INTO fleet_sync_state (id) VALUES (1);";

static int j_fail(sqlite3 *db, const char *what, lc_diag *diag)
{
	int e = sqlite3_errcode(db);
	int code = e == SQLITE_BUSY || e == SQLITE_LOCKED ? LC_ERR_BUSY
		   : e == SQLITE_CORRUPT || e == SQLITE_NOTADB ? LC_ERR_FORMAT
		   : e == SQLITE_READONLY || e == SQLITE_PERM   ? LC_ERR_PERMISSION
								: LC_ERR_IO;
	return lc_diag_set(diag, code, "journal: %s: %s", what, sqlite3_errmsg(db));
}

/* The journal, migrated by the store first (so its runs table is current), then with the sync's tables. */
static int j_open(const char *path, sqlite3 **out, lc_diag *diag)
{
	lc_store *s;
	int rc = lc_store_open_mode(path, LC_STORE_EXISTING, &s, diag);
	if (rc < 0)
		return rc;
	lc_store_close(s);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		rc = db ? j_fail(db, path, diag) : lc_diag_set(diag, LC_ERR_NOMEM, "journal: out of memory");
		sqlite3_close(db);
		return rc;
	}
	sqlite3_busy_timeout(db, 5000);
	/* synchronous FULL: an acknowledgement that a power cut could undo would only cause a resend (harmless),
	 * but the journal's runs share the file and must survive. */
	if (sqlite3_exec(db, "PRAGMA synchronous = FULL;", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sync_schema, NULL, NULL, NULL) != SQLITE_OK) {
		rc = j_fail(db, "sync tables", diag);
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

static int note_error(sqlite3 *db, const char *msg, lc_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "UPDATE fleet_sync_state SET last_error = ?1, last_error_ms = ?2 WHERE id = 1", -1,
			       &st, NULL) != SQLITE_OK)
		return j_fail(db, "note error", diag);
	if (msg) {
		sqlite3_bind_text(st, 1, msg, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, lc_result_wall_ms());
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = j_fail(db, "note error", diag);
	sqlite3_finalize(st);
	return rc;
}

int lc_sync_note_error(const char *journal_path, const char *msg, lc_diag *diag)
{
	sqlite3 *db;
	int rc = j_open(journal_path, &db, diag);
	if (rc < 0)
		return rc;
	rc = note_error(db, msg, diag);
	sqlite3_close(db);
	return rc;
}

/* The next runs to send, after run id `after`: completed, with a report, not acknowledged. */
static const char pending_sql[] =
	"SELECT r.id, r.report_path, r.report_sha256, r.attempt FROM runs r LEFT JOIN fleet_sync s ON s.run_id = r.id"
	" WHERE r.id > ?1 AND r.status = 'complete' AND r.report_sha256 IS NOT NULL AND s.acked_ms IS NULL"
	" ORDER BY r.id LIMIT ?2";

struct batch {
	lc_fleet_item *items;
	char **json, **sig, **sha, **path;
	size_t n;
	bool with_files;
};

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->json[i]), free(b->sig[i]), free(b->sha[i]), free(b->path[i]);
	b->n = 0;
}

static char *text_dup(const unsigned char *s)
{
	return s ? strdup((const char *)s) : NULL;
}

/* Read the next batch from the journal and its report files. A run whose files cannot be read is rejected
 * here (outcome < 0) and stays pending. */
static int load_batch(sqlite3 *db, int64_t after, int cap, struct batch *b, int64_t *last, lc_diag *diag)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, pending_sql, -1, &st, NULL) != SQLITE_OK)
		return j_fail(db, "pending runs", diag);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, cap);
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		size_t i = b->n++;
		lc_fleet_item *it = &b->items[i];
		memset(it, 0, sizeof(*it));
		b->json[i] = b->sig[i] = NULL;
		it->journal_id = sqlite3_column_int64(st, 0);
		it->attempt = sqlite3_column_int(st, 3);
		*last = it->journal_id;
		char *path = b->path[i] = text_dup(sqlite3_column_text(st, 1));
		it->report_path = path;
		it->with_files = b->with_files;
		b->sha[i] = text_dup(sqlite3_column_text(st, 2));
		it->sha256 = b->sha[i];
		lc_diag d;
		char sigpath[4200];
		if (!path) {
			snprintf(it->error, sizeof(it->error), "the journal names no report file");
			it->outcome = LC_ERR_NOT_FOUND;
		} else if (lc_read_file(path, LC_REPORT_JSON_MAX, &b->json[i], &it->json_len, &d) < 0) {
			snprintf(it->error, sizeof(it->error), "%s", lc_diag_message(&d));
			it->outcome = d.code < 0 ? d.code : LC_ERR_IO;
		} else if ((size_t)snprintf(sigpath, sizeof(sigpath), "%s.minisig", path) >= sizeof(sigpath) ||
			   lc_read_file(sigpath, 64 * 1024, &b->sig[i], &it->sig_len, &d) < 0) {
			snprintf(it->error, sizeof(it->error), "no signature %.300s: an unsigned report cannot be sent",
				 sigpath);
			it->outcome = LC_ERR_VERIFY;
		}
		it->json = b->json[i];
		it->sig = b->sig[i];
	}
	if (step != SQLITE_DONE)
		rc = j_fail(db, "pending runs", diag);
	sqlite3_finalize(st);
	return rc;
}

/* The batch's outcomes into the journal, in one transaction: acknowledged runs, and the reason of each refusal. */
static int record(sqlite3 *db, const struct batch *b, lc_diag *diag)
{
	int64_t now = lc_result_wall_ms();
	sqlite3_stmt *ack = NULL, *rej = NULL;
	int rc = 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return j_fail(db, "acknowledge", diag);
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO fleet_sync (run_id, acked_ms, tries) VALUES (?1, ?2, 1) ON CONFLICT (run_id)"
			       " DO UPDATE SET acked_ms = ?2, tries = tries + 1",
			       -1, &ack, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO fleet_sync (run_id, tries, last_error, error_ms) VALUES (?1, 1, ?3, ?2)"
			       " ON CONFLICT (run_id) DO UPDATE SET tries = tries + 1, last_error = ?3, error_ms = ?2",
			       -1, &rej, NULL) != SQLITE_OK) {
		rc = j_fail(db, "acknowledge", diag);
		goto out;
	}
	bool acked = false;
	for (size_t i = 0; i < b->n && rc == 0; i++) {
		const lc_fleet_item *it = &b->items[i];
		sqlite3_stmt *st = it->outcome > 0 ? ack : rej;
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, it->journal_id);
		sqlite3_bind_int64(st, 2, now);
		if (it->outcome <= 0)
			sqlite3_bind_text(st, 3, it->error, -1, SQLITE_STATIC);
		else
			acked = true;
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = j_fail(db, "acknowledge", diag);
	}
	if (rc == 0 && acked) {
		char sql[96];
		snprintf(sql, sizeof(sql), "UPDATE fleet_sync_state SET last_ack_ms = %lld WHERE id = 1", (long long)now);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = j_fail(db, "acknowledge", diag);
	}
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = j_fail(db, "acknowledge", diag);
out:
	sqlite3_finalize(ack);
	sqlite3_finalize(rej);
	if (rc < 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int lc_sync_pass(const char *journal_path, lc_fleet *f, int batch, lc_sync_stats *stats, lc_sync_progress_fn progress,
		 void *user, lc_diag *diag)
{
	lc_sync_opts o = {.batch = batch};
	return lc_sync_pass_opts(journal_path, f, &o, stats, progress, user, diag);
}

int lc_sync_pass_opts(const char *journal_path, lc_fleet *f, const lc_sync_opts *opts, lc_sync_stats *stats,
		      lc_sync_progress_fn progress, void *user, lc_diag *diag)
{
	static const lc_sync_opts defaults = {.batch = 100};
	if (!opts)
		opts = &defaults;
	int batch = opts->batch;
	lc_sync_stats local;
	lc_diag local_diag;
	if (!diag)
		diag = &local_diag;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (!journal_path || !f)
		return lc_diag_set(diag, LC_ERR_ARG, "sync: no journal or server");
	if (batch < 1 || batch > 1000)
		return lc_diag_set(diag, LC_ERR_ARG, "sync: a batch has 1 to 1000 runs, not %d", batch);
	sqlite3 *db;
	int rc = j_open(journal_path, &db, diag);
	if (rc < 0)
		return rc;
	struct batch b = {0};
	b.items = calloc((size_t)batch, sizeof(*b.items));
	b.json = calloc((size_t)batch, sizeof(char *));
	b.sig = calloc((size_t)batch, sizeof(char *));
	b.sha = calloc((size_t)batch, sizeof(char *));
	b.path = calloc((size_t)batch, sizeof(char *));
	b.with_files = opts->with_files;
	char first_rejection[600] = "";
	if (!b.items || !b.json || !b.sig || !b.sha || !b.path) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "sync: out of memory");
		goto out;
	}
	int64_t after = 0;
	for (;;) {
		int64_t last = after;
		if ((rc = load_batch(db, after, batch, &b, &last, diag)) < 0 || b.n == 0)
			break;
		/* Only the readable ones go to the server; the others keep the reason load_batch gave. */
		lc_fleet_item *send = calloc(b.n, sizeof(*send));
		size_t *where = calloc(b.n, sizeof(*where)), ns = 0;
		if (!send || !where) {
			free(send), free(where);
			rc = lc_diag_set(diag, LC_ERR_NOMEM, "sync: out of memory");
			break;
		}
		for (size_t i = 0; i < b.n; i++)
			if (b.items[i].outcome == 0) {
				where[ns] = i;
				send[ns++] = b.items[i];
			}
		rc = ns ? lc_fleet_ingest(f, send, ns, diag) : 0;
		for (size_t k = 0; k < ns && rc == 0; k++)
			b.items[where[k]] = send[k];
		free(send), free(where);
		if (rc < 0)
			break;
		/* Committed on the server: now, and only now, acknowledged in the journal. */
		if ((rc = record(db, &b, diag)) < 0)
			break;
		for (size_t i = 0; i < b.n; i++) {
			const lc_fleet_item *it = &b.items[i];
			if (it->outcome == 1) {
				stats->sent++;
				stats->files += it->files;
			}
			else if (it->outcome == 2)
				stats->duplicate++;
			else {
				stats->rejected++;
				if (!first_rejection[0])
					snprintf(first_rejection, sizeof(first_rejection), "run %lld: %s",
						 (long long)it->journal_id, it->error);
			}
		}
		stats->batches++;
		batch_free(&b);
		after = last;
		if (progress && (rc = progress(stats, user)) != 0)
			break;
	}
out:
	batch_free(&b);
	free(b.items), free(b.json), free(b.sig), free(b.sha), free(b.path);
	if (rc < 0) {
		note_error(db, lc_diag_message(diag), NULL);
	} else {
		note_error(db, NULL, NULL);
		if (rc == 0 && stats->rejected)
			rc = lc_diag_set(diag, LC_ERR_VERIFY, "sync: %d report%s refused (still pending); first: %s",
					 stats->rejected, stats->rejected == 1 ? "" : "s", first_rejection);
	}
	sqlite3_close(db);
	return rc;
}

static int64_t count(sqlite3 *db, const char *sql, int *rc, lc_diag *diag)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		*rc = j_fail(db, "status", diag);
	else
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

int lc_sync_status_get(const char *journal_path, lc_sync_status *out, lc_diag *diag)
{
	if (!journal_path || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "sync: no journal");
	memset(out, 0, sizeof(*out));
	sqlite3 *db;
	int rc = j_open(journal_path, &db, diag);
	if (rc < 0)
		return rc;
	out->acknowledged = count(db, "SELECT count(*) FROM fleet_sync WHERE acked_ms IS NOT NULL", &rc, diag);
	out->pending = count(db,
			     "SELECT count(*) FROM runs r LEFT JOIN fleet_sync s ON s.run_id = r.id WHERE r.status ="
			     " 'complete' AND r.report_sha256 IS NOT NULL AND s.acked_ms IS NULL",
			     &rc, diag);
	out->rejected = count(db, "SELECT count(*) FROM fleet_sync WHERE acked_ms IS NULL AND last_error IS NOT NULL",
			      &rc, diag);
	out->unsendable = count(db, "SELECT count(*) FROM runs WHERE status = 'complete' AND report_sha256 IS NULL",
				&rc, diag);
	out->incomplete = count(db, "SELECT count(*) FROM runs WHERE status = 'incomplete'", &rc, diag);
	out->last_ack_ms = out->last_error_ms = LC_TIME_NONE;
	sqlite3_stmt *st = NULL;
	if (rc == 0 && sqlite3_prepare_v2(db, "SELECT last_error, last_error_ms, last_ack_ms FROM fleet_sync_state",
					  -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			snprintf(out->last_error, sizeof(out->last_error), "%s", sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL)
			out->last_error_ms = sqlite3_column_int64(st, 1);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			out->last_ack_ms = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0 && sqlite3_prepare_v2(db,
					  "SELECT run_id, last_error FROM fleet_sync WHERE acked_ms IS NULL AND last_error"
					  " IS NOT NULL ORDER BY error_ms DESC, run_id DESC LIMIT 1",
					  -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		snprintf(out->last_rejection, sizeof(out->last_rejection), "run %lld: %s",
			 (long long)sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
