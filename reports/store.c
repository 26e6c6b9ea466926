/* The results store in SQLite (reports/store.h). */
#include "reports/store.h"
#include "reports/store_priv.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "base/clock.h"
#include "base/utf8.h"

/* One prepared query per combination of filters (a bit each, below), made at its first use: a lookup by
 * serial then costs the index search, not the parsing and planning of the statement every time. */
#define QUERY_SHAPES 8192

struct lc_store {
	sqlite3 *db;
	pthread_mutex_t lock;
	sqlite3_stmt *query[QUERY_SHAPES];
};

/* Schema version 3 (PRAGMA user_version). Version 1 (lanecert 0.1) had no attempt column and indexed only
 * serial and start; version 2 had no job, customer and site; migrate() brings either up to date. */
#define STORE_SCHEMA_VERSION 3

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS runs ("
	" id INTEGER PRIMARY KEY,"
	" serial TEXT, cable_type TEXT, slot INTEGER NOT NULL DEFAULT 0, station TEXT, operator TEXT, procedure TEXT,"
	" start_ms INTEGER, end_ms INTEGER,"
	" status TEXT NOT NULL CHECK (status IN ('incomplete', 'complete')),"
	" verdict TEXT CHECK (verdict IS NULL OR verdict IN ('none','pass','inconclusive','fail','aborted','error')),"
	" reason TEXT, report_path TEXT, report_sha256 TEXT, attempt INTEGER, job TEXT, customer TEXT, site TEXT);";

/* One index per filter of lc_store_query(), each ending in start_ms for the ORDER BY. */
static const char index_sql[] =
	"CREATE INDEX IF NOT EXISTS runs_serial ON runs (serial, start_ms);"
	"CREATE INDEX IF NOT EXISTS runs_start ON runs (start_ms);"
	"CREATE INDEX IF NOT EXISTS runs_station ON runs (station, start_ms);"
	"CREATE INDEX IF NOT EXISTS runs_operator ON runs (operator, start_ms);"
	"CREATE INDEX IF NOT EXISTS runs_cable_type ON runs (cable_type, start_ms);"
	"CREATE INDEX IF NOT EXISTS runs_procedure ON runs (procedure, start_ms);"
	"CREATE INDEX IF NOT EXISTS runs_verdict ON runs (verdict, start_ms);"
	"CREATE INDEX IF NOT EXISTS runs_job ON runs (job, start_ms);";

/* One statement: the attempt number and the row are one atomic write. */
const char lc_store_sql_begin_run[] =
	"INSERT INTO runs (serial, cable_type, slot, station, operator, procedure, start_ms, status,"
	" attempt, job, customer, site) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 'incomplete',"
	" (SELECT COALESCE(MAX(attempt), 0) + 1 FROM runs WHERE serial = ?1), ?8, ?9, ?10";
const char lc_store_sql_attempt[] = "SELECT attempt FROM runs WHERE id = ?";
const char lc_store_sql_finish_run[] =
	"UPDATE runs SET status = 'complete', verdict = ?, end_ms = ?, report_path = ?,"
	" report_sha256 = ?, reason = ? WHERE id = ? AND status = 'incomplete'";

static int db_fail(sqlite3 *db, lc_diag *diag, const char *what)
{
	int e = sqlite3_errcode(db);
	int code = e == SQLITE_BUSY || e == SQLITE_LOCKED ? LC_ERR_BUSY
		   : e == SQLITE_CORRUPT || e == SQLITE_NOTADB ? LC_ERR_FORMAT
		   : e == SQLITE_NOMEM                         ? LC_ERR_NOMEM
		   : e == SQLITE_PERM || e == SQLITE_READONLY || e == SQLITE_CANTOPEN ? LC_ERR_PERMISSION
									       : LC_ERR_IO;
	return lc_diag_set(diag, code, "results store: %s: %s", what, sqlite3_errmsg(db));
}

int lc_store_default_path(char *buf, size_t size, lc_diag *diag)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;
	/* The XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/lanecert/results.db", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.local/share/lanecert/results.db", home);
	else
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no results store location: set XDG_DATA_HOME or HOME, or --db");
	if (n < 0 || (size_t)n >= size)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "results store path too long");
	return 0;
}

static int exec(sqlite3 *db, const char *sql, const char *path, lc_diag *diag)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	int rc = lc_diag_set(diag, LC_ERR_IO, "results store %s: %s", path, err ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	return rc;
}

/* How long opening waits for another process opening the same store (the busy timeout's figure). */
#define STORE_OPEN_WAIT_MS 5000

/* exec(), retried while SQLite answers SQLITE_BUSY. The busy timeout does not cover every case: switching
 * a new file to WAL takes its lock from a read lock, and when two processes open a new store at once
 * SQLite refuses one of them at once, without the busy handler, rather than let both wait on each other
 * (two `lanecert run` on separate slots failed about one time in two on a fresh store, "database is
 * locked"). Retrying the whole statement is what SQLite asks of the caller there. */
static int exec_when_free(sqlite3 *db, const char *sql, const char *path, lc_diag *diag)
{
	int64_t give_up = lc_now_ms() + STORE_OPEN_WAIT_MS;
	for (;;) {
		char *err = NULL;
		int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || lc_now_ms() >= give_up) {
			rc = lc_diag_set(diag, LC_ERR_IO, "results store %s: %s", path, err ? err : sqlite3_errmsg(db));
			sqlite3_free(err);
			return rc;
		}
		sqlite3_free(err);
		lc_sleep_ms(10);
	}
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int v = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bool has_column(sqlite3 *db, const char *column)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT %s FROM runs LIMIT 0", column);
	sqlite3_stmt *st = NULL;
	bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	return ok;
}

/* Bring the schema to STORE_SCHEMA_VERSION in one transaction (two processes opening an old store at once:
 * the second waits, then finds it done). Attempts of the runs already recorded are numbered by id per
 * serial, as they would have been. */
static int migrate(sqlite3 *db, const char *path, lc_diag *diag)
{
	int v = user_version(db);
	if (v > STORE_SCHEMA_VERSION)
		return lc_diag_set(diag, LC_ERR_FORMAT, "results store %s has schema %d: written by a newer lanecert (this one knows %d)",
				   path, v, STORE_SCHEMA_VERSION);
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	int rc = exec_when_free(db, "BEGIN IMMEDIATE", path, diag);
	if (rc < 0)
		return rc;
	if (user_version(db) == STORE_SCHEMA_VERSION)
		return exec(db, "COMMIT", path, diag);
	if ((rc = exec(db, schema_sql, path, diag)) == 0 && !has_column(db, "attempt"))
		rc = exec(db,
			  "ALTER TABLE runs ADD COLUMN attempt INTEGER;"
			  "UPDATE runs SET attempt = (SELECT COUNT(*) FROM runs AS p WHERE p.serial = runs.serial"
			  " AND p.id <= runs.id);",
			  path, diag);
	/* Version 2 -> 3: runs recorded before have no job, customer or site (NULL: not given). */
	static const char *const added[] = {"job", "customer", "site"};
	for (size_t i = 0; rc == 0 && i < 3; i++)
		if (!has_column(db, added[i])) {
			char sql[80];
			snprintf(sql, sizeof(sql), "ALTER TABLE runs ADD COLUMN %s TEXT;", added[i]);
			rc = exec(db, sql, path, diag);
		}
	char set_version[64];
	snprintf(set_version, sizeof(set_version), "PRAGMA user_version = %d;", STORE_SCHEMA_VERSION);
	if (rc == 0 && (rc = exec(db, index_sql, path, diag)) == 0 && (rc = exec(db, set_version, path, diag)) == 0)
		return exec(db, "COMMIT", path, diag);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int lc_store_open_mode(const char *path, enum lc_store_mode mode, lc_store **out, lc_diag *diag)
{
	char def[PATH_MAX];
	int rc;
	if (!path) {
		if ((rc = lc_store_default_path(def, sizeof(def), diag)) < 0)
			return rc;
		path = def;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
	if (mode == LC_STORE_EXISTING) {
		/* A typo in --db must not answer "no runs" from a new empty store: nothing is created. */
		if (access(path, F_OK) != 0)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "%s does not exist", path);
	} else {
		flags |= SQLITE_OPEN_CREATE;
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			if ((rc = lc_mkdir_p(dir, 0700, diag)) < 0)
				return rc;
		}
	}
	lc_store *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "results store: out of memory");
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		rc = s->db ? db_fail(s->db, diag, path) : lc_diag_set(diag, LC_ERR_NOMEM, "results store: out of memory");
		sqlite3_close(s->db);
		free(s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/* WAL: readers never block the writer and a killed writer leaves the database consistent. synchronous
	 * FULL: a completed run survives a power cut too, which a certification record must. */
	if ((rc = exec_when_free(s->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", path, diag)) < 0 ||
	    (rc = migrate(s->db, path, diag)) < 0) {
		sqlite3_close(s->db);
		free(s);
		return rc;
	}
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return 0;
}

int lc_store_open(const char *path, lc_store **out, lc_diag *diag)
{
	return lc_store_open_mode(path, LC_STORE_CREATE, out, diag);
}

void lc_store_close(lc_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < QUERY_SHAPES; i++)
		sqlite3_finalize(s->query[i]);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_time(sqlite3_stmt *st, int i, int64_t ms)
{
	if (ms == INT64_MIN)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, ms);
}

int lc_store_begin_run(lc_store *s, const lc_store_run_info *info, int64_t *run_id, lc_diag *diag)
{
	if (!s || !info || !run_id)
		return lc_diag_set(diag, LC_ERR_ARG, "results store: no store or run");
	pthread_mutex_lock(&s->lock);
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(s->db, lc_store_sql_begin_run, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s->db, diag, "insert");
		goto out;
	}
	bind_text(st, 1, info->serial);
	bind_text(st, 2, info->cable_type);
	sqlite3_bind_int(st, 3, info->slot);
	bind_text(st, 4, info->station);
	bind_text(st, 5, info->operator_name);
	bind_text(st, 6, info->procedure);
	bind_time(st, 7, info->start_ms);
	bind_text(st, 8, info->job);
	bind_text(st, 9, info->customer);
	bind_text(st, 10, info->site);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(s->db, diag, "insert");
	else
		*run_id = sqlite3_last_insert_rowid(s->db);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int lc_store_run_attempt(lc_store *s, int64_t run_id, lc_diag *diag)
{
	if (!s)
		return lc_diag_set(diag, LC_ERR_ARG, "results store: no store");
	pthread_mutex_lock(&s->lock);
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(s->db, lc_store_sql_attempt, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s->db, diag, "attempt");
	} else {
		sqlite3_bind_int64(st, 1, run_id);
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER)
			rc = sqlite3_column_int(st, 0);
		else if (step == SQLITE_ROW || step == SQLITE_DONE)
			rc = lc_diag_set(diag, LC_ERR_STATE, "results store: run %lld is unknown", (long long)run_id);
		else
			rc = db_fail(s->db, diag, "attempt");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int lc_store_finish_run(lc_store *s, int64_t run_id, enum lc_verdict verdict, int64_t end_ms,
			const char *report_path, const char *report_sha256, const char *reason, lc_diag *diag)
{
	if (!s)
		return lc_diag_set(diag, LC_ERR_ARG, "results store: no store");
	pthread_mutex_lock(&s->lock);
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(s->db, lc_store_sql_finish_run, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s->db, diag, "update");
		goto out;
	}
	sqlite3_bind_text(st, 1, lc_verdict_name(verdict), -1, SQLITE_STATIC);
	bind_time(st, 2, end_ms);
	bind_text(st, 3, report_path);
	bind_text(st, 4, report_sha256);
	bind_text(st, 5, reason);
	sqlite3_bind_int64(st, 6, run_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_fail(s->db, diag, "update");
	else if (sqlite3_changes(s->db) != 1)
		rc = lc_diag_set(diag, LC_ERR_STATE, "results store: run %lld is unknown or already complete",
				 (long long)run_id);
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int64_t col_time(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(st, i);
}

int lc_serial_prefix_end(const char *prefix, char *end, size_t cap, lc_diag *diag)
{
	size_t n = prefix ? strlen(prefix) : 0;
	if (n == 0 || cap > 512 || n >= cap || !lc_utf8_valid(prefix, n))
		return lc_diag_set(diag, LC_ERR_ARG, "serial prefix: 1 to %zu bytes of UTF-8", cap ? cap - 1 : 0);
	memcpy(end, prefix, n + 1);
	while (n > 0) {
		size_t at = n - 1;
		while (at > 0 && ((unsigned char)end[at] & 0xC0) == 0x80)
			at--;
		const unsigned char *u = (const unsigned char *)end + at;
		uint32_t cp = u[0] < 0x80 ? u[0]
			      : u[0] < 0xE0 ? (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F)
			      : u[0] < 0xF0 ? (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F)
					    : (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
						      (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
		if (cp >= 0x10FFFF) { /* no next code point: the bound moves to the one before */
			n = at;
			continue;
		}
		cp = cp + 1 == 0xD800 ? 0xE000 : cp + 1;
		unsigned char *o = (unsigned char *)end + at;
		size_t len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (at + len >= cap)
			return lc_diag_set(diag, LC_ERR_ARG, "serial prefix: at most %zu bytes", cap - 5);
		if (len == 1) {
			o[0] = (unsigned char)cp;
		} else if (len == 2) {
			o[0] = (unsigned char)(0xC0 | cp >> 6), o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		} else if (len == 3) {
			o[0] = (unsigned char)(0xE0 | cp >> 12), o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		} else {
			o[0] = (unsigned char)(0xF0 | cp >> 18), o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
			o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)), o[3] = (unsigned char)(0x80 | (cp & 0x3F));
		}
		end[at + len] = 0;
		return 0;
	}
	return lc_diag_set(diag, LC_ERR_ARG, "serial prefix: no serial sorts after \"%s\"", prefix);
}

/* The query for exactly the filters given: "serial = ?" only when a serial is given, so that each filter
 * uses its index ("?1 IS NULL OR serial = ?1" would make SQLite scan the whole table). Only fixed text goes
 * into the SQL; every value is bound. */
struct where {
	char sql[1024];
	const char *text[10];
	int64_t since_ms, until_ms, run_id;
	int n_text, text_at[10], since_at, until_at, id_at, newest_at;
	char prefix_end[LC_SERIAL_PREFIX_MAX];
};

static void add_cond(struct where *w, const char *cond)
{
	size_t n = strlen(w->sql);
	snprintf(w->sql + n, sizeof(w->sql) - n, "%s%s", strstr(w->sql, " WHERE ") ? " AND " : " WHERE ", cond);
}

static void add_text(struct where *w, const char *cond, const char *value, int *param)
{
	if (!value)
		return;
	add_cond(w, cond);
	w->text_at[w->n_text] = ++*param;
	w->text[w->n_text++] = value;
}

static void build_where(struct where *w, const lc_store_filter *f)
{
	int param = 0;
	snprintf(w->sql, sizeof(w->sql),
		 "SELECT id, serial, cable_type, slot, station, operator, procedure, start_ms, end_ms,"
		 " status, verdict, reason, report_path, report_sha256, attempt, job, customer, site FROM runs");
	add_text(w, "serial = ?", f->serial, &param);
	/* A prefix as a range of the serial index (LIKE would scan: SQLite's LIKE is case-insensitive by default
	 * and the index compares bytes). lc_store_query() has checked that the prefix has an end. */
	if (f->serial_prefix && lc_serial_prefix_end(f->serial_prefix, w->prefix_end, sizeof(w->prefix_end), NULL) == 0) {
		add_text(w, "serial >= ?", f->serial_prefix, &param);
		add_text(w, "serial < ?", w->prefix_end, &param);
	}
	w->id_at = 0;
	if (f->run_id) {
		add_cond(w, "id = ?");
		w->id_at = ++param;
		w->run_id = f->run_id;
	}
	add_text(w, "station = ?", f->station, &param);
	add_text(w, "operator = ?", f->operator_name, &param);
	add_text(w, "cable_type = ?", f->cable_type, &param);
	add_text(w, "procedure = ?", f->procedure, &param);
	add_text(w, "job = ?", f->job, &param);
	if (f->verdict == LC_STORE_INCOMPLETE)
		add_cond(w, "status = 'incomplete'");
	else if (f->verdict != -1)
		add_text(w, "verdict = ?", lc_verdict_name((enum lc_verdict)f->verdict), &param);
	w->since_at = 0;
	if (f->since_ms != INT64_MIN) {
		add_cond(w, "start_ms >= ?");
		w->since_at = ++param;
		w->since_ms = f->since_ms;
	}
	w->until_at = 0;
	if (f->until_ms) {
		add_cond(w, "start_ms < ?");
		w->until_at = ++param;
		w->until_ms = f->until_ms;
	}
	w->newest_at = 0;
	size_t n = strlen(w->sql);
	if (f->newest) {
		snprintf(w->sql + n, sizeof(w->sql) - n, " ORDER BY start_ms DESC, id DESC LIMIT ?");
		w->newest_at = ++param;
	} else {
		snprintf(w->sql + n, sizeof(w->sql) - n, " ORDER BY start_ms, id");
	}
}

/* No filter: every run. */
static const lc_store_filter *filter_or_all(const lc_store_filter *f)
{
	static const lc_store_filter all = {.since_ms = INT64_MIN, .verdict = -1};
	return f ? f : &all;
}

void lc_store_query_sql(const lc_store_filter *f, char *buf, size_t cap)
{
	struct where w = {0};
	build_where(&w, filter_or_all(f));
	snprintf(buf, cap, "%s", w.sql);
}

int lc_store_query_plan(lc_store *s, const char *sql, char *out, size_t cap, lc_diag *diag)
{
	if (!s || !sql || !out || cap == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "results store: no store, statement or buffer");
	char eqp[1200];
	if ((size_t)snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql) >= sizeof(eqp))
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "results store: statement too long to explain");
	pthread_mutex_lock(&s->lock);
	sqlite3_stmt *st = NULL;
	int rc = 0, n = 0;
	size_t len = 0;
	out[0] = '\0';
	if (sqlite3_prepare_v2(s->db, eqp, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s->db, diag, "query plan");
		goto out;
	}
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *detail = col_text(st, 3); /* columns: id, parent, notused, detail */
		int w = snprintf(out + len, cap - len, "%s%s", n ? "\n" : "", detail ? detail : "");
		if (w < 0 || (size_t)w >= cap - len) {
			rc = lc_diag_set(diag, LC_ERR_OVERFLOW, "results store: query plan longer than %zu bytes", cap);
			goto out;
		}
		len += (size_t)w;
		n++;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s->db, diag, "query plan");
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc < 0 ? rc : n;
}

int lc_store_query(lc_store *s, const lc_store_filter *f, int (*fn)(const lc_store_row *row, void *user),
		   void *user, lc_diag *diag)
{
	if (!s || !fn)
		return lc_diag_set(diag, LC_ERR_ARG, "results store: no store or callback");
	f = filter_or_all(f);
	if (f->verdict != -1 && f->verdict != LC_STORE_INCOMPLETE && lc_verdict_parse(lc_verdict_name(f->verdict)) != f->verdict)
		return lc_diag_set(diag, LC_ERR_ARG, "results store: %d is not a verdict", f->verdict);
	char end[LC_SERIAL_PREFIX_MAX];
	int prc;
	if (f->serial_prefix && (prc = lc_serial_prefix_end(f->serial_prefix, end, sizeof(end), diag)) < 0)
		return prc;
	struct where w = {0};
	build_where(&w, f);
	unsigned shape = (f->serial ? 1u : 0) | (f->station ? 2u : 0) | (f->operator_name ? 4u : 0) |
			 (f->cable_type ? 8u : 0) | (f->procedure ? 16u : 0) |
			 (f->verdict == LC_STORE_INCOMPLETE ? 32u : f->verdict != -1 ? 64u : 0) |
			 (f->since_ms != INT64_MIN ? 128u : 0) | (f->job ? 256u : 0) | (f->serial_prefix ? 512u : 0) |
			 (f->run_id ? 1024u : 0) | (f->until_ms ? 2048u : 0) | (f->newest ? 4096u : 0);
	pthread_mutex_lock(&s->lock);
	sqlite3_stmt *st = s->query[shape];
	int rc = 0, count = 0;
	if (!st) {
		if (sqlite3_prepare_v2(s->db, w.sql, -1, &st, NULL) != SQLITE_OK) {
			rc = db_fail(s->db, diag, "query");
			st = NULL;
			goto out;
		}
		s->query[shape] = st;
	}
	sqlite3_clear_bindings(st);
	for (int i = 0; i < w.n_text; i++)
		bind_text(st, w.text_at[i], w.text[i]);
	if (w.since_at)
		sqlite3_bind_int64(st, w.since_at, w.since_ms);
	if (w.id_at)
		sqlite3_bind_int64(st, w.id_at, w.run_id);
	if (w.until_at)
		sqlite3_bind_int64(st, w.until_at, w.until_ms);
	if (w.newest_at)
		sqlite3_bind_int64(st, w.newest_at, (sqlite3_int64)f->newest);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = col_text(st, 9), *v = col_text(st, 10);
		int vi = v ? lc_verdict_parse(v) : -1;
		lc_store_row row = {
			.id = sqlite3_column_int64(st, 0), .serial = col_text(st, 1), .cable_type = col_text(st, 2),
			.slot = sqlite3_column_int(st, 3), .station = col_text(st, 4), .operator_name = col_text(st, 5),
			.procedure = col_text(st, 6), .start_ms = col_time(st, 7), .end_ms = col_time(st, 8),
			.complete = status && strcmp(status, "complete") == 0,
			.verdict = vi < 0 ? LC_VERDICT_NONE : (enum lc_verdict)vi, .reason = col_text(st, 11),
			.report_path = col_text(st, 12), .report_sha256 = col_text(st, 13),
			.attempt = sqlite3_column_int(st, 14), .job = col_text(st, 15), .customer = col_text(st, 16),
			.site = col_text(st, 17),
		};
		count++;
		if ((rc = fn(&row, user)) != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s->db, diag, "query");
out:
	/* Reset, also after a stop: a statement left running would hold its read snapshot open. */
	if (st)
		sqlite3_reset(st);
	pthread_mutex_unlock(&s->lock);
	return rc != 0 ? rc : count;
}

int lc_store_integrity_check(lc_store *s, lc_diag *diag)
{
	if (!s)
		return lc_diag_set(diag, LC_ERR_ARG, "results store: no store");
	pthread_mutex_lock(&s->lock);
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(s->db, diag, "integrity check");
	} else if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_fail(s->db, diag, "integrity check");
	} else {
		const char *res = col_text(st, 0);
		if (!res || strcmp(res, "ok") != 0)
			rc = lc_diag_set(diag, LC_ERR_FORMAT, "results store is damaged: %s", res ? res : "?");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->lock);
	return rc;
}
