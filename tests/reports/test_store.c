#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/store.h"
#include "reports/store_priv.h"
#include "tests/reports/helpers.h"

struct seen {
	int n;
	char serials[16][32];
	int complete[16];
	enum lc_verdict verdicts[16];
};

static int collect(const lc_store_row *r, void *user)
{
	struct seen *s = user;
	if (s->n < 16) {
		snprintf(s->serials[s->n], 32, "%s", r->serial ? r->serial : "");
		s->complete[s->n] = r->complete;
		s->verdicts[s->n] = r->verdict;
	}
	s->n++;
	return 0;
}

static int64_t begin(lc_store *s, const char *serial, int64_t start)
{
	lc_store_run_info info = {serial, "aoc", 1, "st", "op", "proc", start, NULL, NULL, NULL};
	int64_t id = -1;
	cr_assert_eq(lc_store_begin_run(s, &info, &id, NULL), 0);
	return id;
}

Test(store, runs_filters_and_states)
{
	char *dir = th_scratch_dir("store");
	char *db = th_path(dir, "sub/dir/results.db");
	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &s, &d), 0, "%s", d.text);
	int64_t a = begin(s, "SN1", 1000), b = begin(s, "SN2", 2000), c = begin(s, "SN1", 3000);
	begin(s, "SN3", 4000);
	cr_expect_eq(lc_store_finish_run(s, a, LC_VERDICT_PASS, 1500, "/r/a.json", "ab", NULL, NULL), 0);
	cr_expect_eq(lc_store_finish_run(s, b, LC_VERDICT_ERROR, 2500, NULL, NULL, "power meter lost", NULL), 0);
	cr_expect_eq(lc_store_finish_run(s, c, LC_VERDICT_FAIL, 3500, "/r/c.json", "cd", NULL, NULL), 0);
	cr_expect_eq(lc_store_finish_run(s, c, LC_VERDICT_PASS, 3600, NULL, NULL, NULL, &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "already complete"));
	cr_expect_eq(lc_store_finish_run(s, 999, LC_VERDICT_PASS, 3600, NULL, NULL, NULL, &d), LC_ERR_STATE);

	struct seen all = {0};
	cr_expect_eq(lc_store_query(s, NULL, collect, &all, NULL), 4);
	cr_expect_str_eq(all.serials[0], "SN1");
	cr_expect_str_eq(all.serials[3], "SN3");
	cr_expect_eq(all.complete[3], 0);
	cr_expect_eq(all.verdicts[1], LC_VERDICT_ERROR);

	struct seen sn1 = {0};
	lc_store_filter f = {.serial = "SN1", .since_ms = INT64_MIN, .verdict = -1};
	cr_expect_eq(lc_store_query(s, &f, collect, &sn1, NULL), 2);
	struct seen since = {0};
	f = (lc_store_filter){.since_ms = 2500, .verdict = -1};
	cr_expect_eq(lc_store_query(s, &f, collect, &since, NULL), 2);
	cr_expect_str_eq(since.serials[0], "SN1");
	struct seen fails = {0};
	f = (lc_store_filter){.since_ms = INT64_MIN, .verdict = LC_VERDICT_FAIL};
	cr_expect_eq(lc_store_query(s, &f, collect, &fails, NULL), 1);
	struct seen inc = {0};
	f = (lc_store_filter){.since_ms = INT64_MIN, .verdict = LC_STORE_INCOMPLETE};
	cr_expect_eq(lc_store_query(s, &f, collect, &inc, NULL), 1);
	cr_expect_str_eq(inc.serials[0], "SN3");
	f = (lc_store_filter){.since_ms = INT64_MIN, .verdict = 7};
	cr_expect_eq(lc_store_query(s, &f, collect, &inc, &d), LC_ERR_ARG);
	cr_expect_eq(lc_store_integrity_check(s, NULL), 0);
	lc_store_close(s);
	free(dir), free(db);
}

Test(store, default_path_follows_xdg)
{
	char buf[4096];
	setenv("XDG_DATA_HOME", "/data/x", 1);
	cr_assert_eq(lc_store_default_path(buf, sizeof(buf), NULL), 0);
	cr_expect_str_eq(buf, "/data/x/lanecert/results.db");
	setenv("XDG_DATA_HOME", "relative", 1); /* invalid by the XDG spec: ignored */
	setenv("HOME", "/home/op", 1);
	cr_assert_eq(lc_store_default_path(buf, sizeof(buf), NULL), 0);
	cr_expect_str_eq(buf, "/home/op/.local/share/lanecert/results.db");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	lc_diag d;
	cr_expect_eq(lc_store_default_path(buf, sizeof(buf), &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "--db"));
}

Test(store, not_a_database_is_a_clear_error)
{
	char *dir = th_scratch_dir("store-bad");
	char *db = th_path(dir, "junk.db");
	th_spit(db, "this is not sqlite, just text that is long enough to have a header ..........", 78);
	lc_store *s = NULL;
	lc_diag d;
	cr_expect_lt(lc_store_open(db, &s, &d), 0);
	cr_expect(strstr(d.text, "junk.db"), "%s", d.text);
	free(dir), free(db);
}

struct rows {
	int n;
	int attempts[16];
	char operators[16][32], reasons[16][128], jobs[16][32], customers[16][32], sites[16][32];
};

static int collect_rows(const lc_store_row *r, void *user)
{
	struct rows *s = user;
	if (s->n < 16) {
		s->attempts[s->n] = r->attempt;
		snprintf(s->operators[s->n], 32, "%s", r->operator_name ? r->operator_name : "");
		snprintf(s->reasons[s->n], 128, "%s", r->reason ? r->reason : "");
		snprintf(s->jobs[s->n], 32, "%s", r->job ? r->job : "(null)");
		snprintf(s->customers[s->n], 32, "%s", r->customer ? r->customer : "(null)");
		snprintf(s->sites[s->n], 32, "%s", r->site ? r->site : "(null)");
	}
	s->n++;
	return 0;
}

static int64_t begin_full(lc_store *s, const char *serial, const char *cable, const char *station,
			  const char *op, const char *proc, int64_t start)
{
	lc_store_run_info info = {.serial = serial, .cable_type = cable, .slot = 1, .station = station,
				  .operator_name = op, .procedure = proc, .start_ms = start};
	int64_t id = -1;
	cr_assert_eq(lc_store_begin_run(s, &info, &id, NULL), 0);
	return id;
}

static int query_n(lc_store *s, lc_store_filter f, struct rows *out)
{
	memset(out, 0, sizeof(*out));
	return lc_store_query(s, &f, collect_rows, out, NULL);
}

/* Attempts count per serial; each filter alone and combined; the reason of a fail is kept. */
Test(store, attempts_filters_and_reasons)
{
	char *dir = th_scratch_dir("store-attempts");
	char *db = th_path(dir, "r.db");
	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &s, &d), 0, "%s", d.text);
	int64_t a1 = begin_full(s, "SN-A", "dr4", "bench1", "alice", "breakout-dr4-4x100g", 1000);
	int64_t b1 = begin_full(s, "SN-B", "aoc", "bench2", "bob", "aoc-400g", 2000);
	int64_t a2 = begin_full(s, "SN-A", "dr4", "bench2", "bob", "breakout-dr4-4x100g", 3000);
	int64_t a3 = begin_full(s, "SN-A", "dr4", "bench1", "alice", "breakout-dr4-4x100g", 4000);
	cr_expect_eq(lc_store_run_attempt(s, a1, NULL), 1);
	cr_expect_eq(lc_store_run_attempt(s, b1, NULL), 1);
	cr_expect_eq(lc_store_run_attempt(s, a2, NULL), 2);
	cr_expect_eq(lc_store_run_attempt(s, a3, NULL), 3);
	cr_expect_eq(lc_store_run_attempt(s, 999, &d), LC_ERR_STATE);
	cr_assert_eq(lc_store_finish_run(s, a1, LC_VERDICT_FAIL, 1500, NULL, NULL,
					 "insertion-loss: insertion_loss lane 3 at 1310 nm = 1.2 dB (margin -0.3)", NULL),
		     0);
	cr_assert_eq(lc_store_finish_run(s, a2, LC_VERDICT_PASS, 3500, NULL, NULL, NULL, NULL), 0);

	struct rows r;
	cr_expect_eq(query_n(s, (lc_store_filter){.serial = "SN-A", .since_ms = INT64_MIN, .verdict = -1}, &r), 3);
	cr_expect_eq(r.attempts[0], 1);
	cr_expect_eq(r.attempts[1], 2);
	cr_expect_eq(r.attempts[2], 3);
	cr_expect_str_eq(r.reasons[0], "insertion-loss: insertion_loss lane 3 at 1310 nm = 1.2 dB (margin -0.3)");
	cr_expect_eq(query_n(s, (lc_store_filter){.station = "bench2", .since_ms = INT64_MIN, .verdict = -1}, &r), 2);
	cr_expect_eq(query_n(s, (lc_store_filter){.operator_name = "alice", .since_ms = INT64_MIN, .verdict = -1}, &r), 2);
	cr_expect_str_eq(r.operators[1], "alice");
	cr_expect_eq(query_n(s, (lc_store_filter){.cable_type = "aoc", .since_ms = INT64_MIN, .verdict = -1}, &r), 1);
	cr_expect_eq(query_n(s, (lc_store_filter){.procedure = "breakout-dr4-4x100g", .since_ms = INT64_MIN, .verdict = -1},
			     &r),
		     3);
	cr_expect_eq(query_n(s, (lc_store_filter){.station = "bench1", .operator_name = "alice", .since_ms = 2000,
						  .verdict = LC_STORE_INCOMPLETE},
			     &r),
		     1);
	cr_expect_eq(r.attempts[0], 3);
	cr_expect_eq(query_n(s, (lc_store_filter){.station = "bench1", .verdict = LC_VERDICT_FAIL, .since_ms = INT64_MIN},
			     &r),
		     1);
	cr_expect_eq(query_n(s, (lc_store_filter){.station = "nowhere", .since_ms = INT64_MIN, .verdict = -1}, &r), 0);

	/* job, customer and site are kept with the run; --job finds exactly that job's runs */
	lc_store_run_info ji = {.serial = "SN-J1", .cable_type = "dr4", .slot = 1, .station = "bench1",
				.operator_name = "alice", .procedure = "p", .start_ms = 5000, .job = "JOB-7",
				.customer = "ACME Networks", .site = "Hall 3"};
	int64_t j1, j2, j3;
	cr_assert_eq(lc_store_begin_run(s, &ji, &j1, NULL), 0);
	ji.serial = "SN-J2", ji.start_ms = 6000;
	cr_assert_eq(lc_store_begin_run(s, &ji, &j2, NULL), 0);
	ji.serial = "SN-J3", ji.job = "JOB-8", ji.site = NULL, ji.start_ms = 7000;
	cr_assert_eq(lc_store_begin_run(s, &ji, &j3, NULL), 0);
	cr_expect_eq(query_n(s, (lc_store_filter){.job = "JOB-7", .since_ms = INT64_MIN, .verdict = -1}, &r), 2);
	cr_expect_str_eq(r.jobs[1], "JOB-7");
	cr_expect_str_eq(r.customers[0], "ACME Networks");
	cr_expect_str_eq(r.sites[0], "Hall 3");
	cr_expect_eq(query_n(s, (lc_store_filter){.job = "JOB-8", .since_ms = INT64_MIN, .verdict = -1}, &r), 1);
	cr_expect_str_eq(r.sites[0], "(null)");
	cr_expect_eq(query_n(s, (lc_store_filter){.job = "JOB-7", .station = "bench2", .since_ms = INT64_MIN,
						  .verdict = -1},
			     &r),
		     0);
	cr_expect_eq(query_n(s, (lc_store_filter){.serial = "SN-A", .since_ms = INT64_MIN, .verdict = -1}, &r), 3);
	cr_expect_str_eq(r.jobs[0], "(null)", "a run given no job has none");
	lc_store_close(s);

	/* an index per filter, so that a large store answers a filter without a scan */
	sqlite3 *raw;
	cr_assert_eq(sqlite3_open_v2(db, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	static const char *const want[] = {"runs_serial", "runs_station", "runs_operator", "runs_cable_type",
					   "runs_procedure", "runs_verdict", "runs_job"};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		sqlite3_stmt *st;
		cr_assert_eq(sqlite3_prepare_v2(raw, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", -1,
						&st, NULL),
			     SQLITE_OK);
		sqlite3_bind_text(st, 1, want[i], -1, SQLITE_STATIC);
		cr_expect_eq(sqlite3_step(st), SQLITE_ROW, "index %s", want[i]);
		sqlite3_finalize(st);
	}
	sqlite3_close(raw);
	free(dir), free(db);
}

/* A store written by lanecert 0.1 (schema 1: no attempt column, user_version 1) is migrated when opened:
 * its runs keep everything and get their attempt numbers; new runs go on counting. */
Test(store, old_schema_is_migrated)
{
	char *dir = th_scratch_dir("store-v1");
	char *db = th_path(dir, "old.db");
	sqlite3 *raw;
	cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(raw,
				  "CREATE TABLE runs (id INTEGER PRIMARY KEY, serial TEXT, cable_type TEXT,"
				  " slot INTEGER NOT NULL DEFAULT 0, station TEXT, operator TEXT, procedure TEXT,"
				  " start_ms INTEGER, end_ms INTEGER,"
				  " status TEXT NOT NULL CHECK (status IN ('incomplete', 'complete')),"
				  " verdict TEXT CHECK (verdict IS NULL OR verdict IN"
				  " ('none','pass','inconclusive','fail','aborted','error')),"
				  " reason TEXT, report_path TEXT, report_sha256 TEXT);"
				  "CREATE INDEX runs_serial ON runs (serial, start_ms);"
				  "CREATE INDEX runs_start ON runs (start_ms);"
				  "INSERT INTO runs (serial, station, start_ms, status, verdict, reason) VALUES"
				  " ('OLD-1', 'b', 10, 'complete', 'fail', 'old reason'),"
				  " ('OLD-2', 'b', 20, 'complete', 'pass', NULL),"
				  " ('OLD-1', 'b', 30, 'complete', 'pass', NULL);"
				  "PRAGMA user_version = 1;",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(raw);

	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open_mode(db, LC_STORE_EXISTING, &s, &d), 0, "%s", d.text);
	struct rows r;
	cr_expect_eq(query_n(s, (lc_store_filter){.serial = "OLD-1", .since_ms = INT64_MIN, .verdict = -1}, &r), 2);
	cr_expect_eq(r.attempts[0], 1);
	cr_expect_eq(r.attempts[1], 2);
	cr_expect_str_eq(r.reasons[0], "old reason");
	int64_t id = begin_full(s, "OLD-1", "dr4", "b", "carol", "mpo-trunk", 40);
	cr_expect_eq(lc_store_run_attempt(s, id, NULL), 3);
	cr_expect_eq(query_n(s, (lc_store_filter){.station = "b", .since_ms = INT64_MIN, .verdict = -1}, &r), 4);
	lc_store_close(s);

	cr_assert_eq(sqlite3_open_v2(db, &raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_eq(sqlite3_column_int(st, 0), 3);
	sqlite3_finalize(st);
	/* a store from a newer lanecert is refused, not half-understood */
	cr_assert_eq(sqlite3_exec(raw, "PRAGMA user_version = 9", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	cr_expect_eq(lc_store_open(db, &s, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "schema 9") && strstr(d.text, "newer lanecert"), "%s", d.text);
	free(dir), free(db);
}

/* A store of schema 2 (attempts, no job) is migrated to 3 when opened: its runs keep everything, with no
 * job, customer or site; new runs record theirs and --job finds them through its index. */
Test(store, schema_2_gets_job_columns)
{
	char *dir = th_scratch_dir("store-v2");
	char *db = th_path(dir, "v2.db");
	sqlite3 *raw;
	cr_assert_eq(sqlite3_open(db, &raw), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(raw,
				  "CREATE TABLE runs (id INTEGER PRIMARY KEY, serial TEXT, cable_type TEXT,"
				  " slot INTEGER NOT NULL DEFAULT 0, station TEXT, operator TEXT, procedure TEXT,"
				  " start_ms INTEGER, end_ms INTEGER,"
				  " status TEXT NOT NULL CHECK (status IN ('incomplete', 'complete')),"
				  " verdict TEXT CHECK (verdict IS NULL OR verdict IN"
				  " ('none','pass','inconclusive','fail','aborted','error')),"
				  " reason TEXT, report_path TEXT, report_sha256 TEXT, attempt INTEGER);"
				  "CREATE INDEX runs_serial ON runs (serial, start_ms);"
				  "INSERT INTO runs (serial, station, start_ms, status, verdict, attempt) VALUES"
				  " ('V2-1', 'b', 10, 'complete', 'pass', 1);"
				  "PRAGMA user_version = 2;",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(raw);
	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &s, &d), 0, "%s", d.text);
	struct rows r;
	cr_expect_eq(query_n(s, (lc_store_filter){.serial = "V2-1", .since_ms = INT64_MIN, .verdict = -1}, &r), 1);
	cr_expect_eq(r.attempts[0], 1);
	cr_expect_str_eq(r.jobs[0], "(null)");
	lc_store_run_info ji = {.serial = "V2-1", .station = "b", .start_ms = 20, .job = "J-9", .customer = "C"};
	int64_t id;
	cr_assert_eq(lc_store_begin_run(s, &ji, &id, &d), 0, "%s", d.text);
	cr_expect_eq(lc_store_run_attempt(s, id, NULL), 2);
	cr_expect_eq(query_n(s, (lc_store_filter){.job = "J-9", .since_ms = INT64_MIN, .verdict = -1}, &r), 1);
	cr_expect_str_eq(r.customers[0], "C");
	char sql[1024], plan[2048];
	lc_store_query_sql(&(lc_store_filter){.job = "J-9", .since_ms = INT64_MIN, .verdict = -1}, sql, sizeof(sql));
	cr_assert_gt(lc_store_query_plan(s, sql, plan, sizeof(plan), &d), 0, "%s", d.text);
	cr_expect(strstr(plan, "runs_job"), "the job filter uses its index:\n%s", plan);
	lc_store_close(s);
	free(dir), free(db);
}

/* Reading a store that does not exist is an error and creates nothing (a typo in --db must not answer "no
 * runs" from a new empty store); opening it for a run creates it. */
Test(store, existing_mode_creates_nothing)
{
	char *dir = th_scratch_dir("store-existing");
	char *db = th_path(dir, "sub/typo.db");
	lc_store *s = NULL;
	lc_diag d;
	cr_expect_eq(lc_store_open_mode(db, LC_STORE_EXISTING, &s, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "does not exist"), "%s", d.text);
	struct stat st;
	cr_expect_neq(stat(db, &st), 0);
	char *sub = th_path(dir, "sub");
	cr_expect_neq(stat(sub, &st), 0, "not even its folder");
	cr_assert_eq(lc_store_open_mode(db, LC_STORE_CREATE, &s, &d), 0, "%s", d.text);
	lc_store_close(s);
	cr_expect_eq(stat(db, &st), 0);
	cr_assert_eq(lc_store_open_mode(db, LC_STORE_EXISTING, &s, &d), 0, "%s", d.text);
	lc_store_close(s);
	free(dir), free(db), free(sub);
}

/* A plan uses an index for every access to runs: a SEARCH (or an ordered SCAN ... USING INDEX), never a
 * bare "SCAN runs" that reads the whole table. */
static bool plan_indexed(const char *plan)
{
	bool searched = false;
	for (const char *l = plan; l && *l;) {
		size_t n = strcspn(l, "\n");
		char line[300];
		snprintf(line, sizeof(line), "%.*s", (int)n, l);
		if (strstr(line, " runs") && !strstr(line, "USING INDEX") && !strstr(line, "USING COVERING INDEX") &&
		    !strstr(line, "USING INTEGER PRIMARY KEY"))
			return false;
		searched |= strstr(line, "USING") != NULL;
		l += n + (l[n] == '\n');
	}
	return searched;
}

static void expect_indexed(lc_store *s, const char *what, const char *sql)
{
	char plan[2048];
	lc_diag d;
	cr_assert_gt(lc_store_query_plan(s, sql, plan, sizeof(plan), &d), 0, "%s: %s", what, d.text);
	cr_expect(plan_indexed(plan), "%s scans the table:\n%s\n(%s)", what, plan, sql);
}

/* Every query a run makes on the store, and every filter of `lanecert results`, uses an index. */
Test(store, every_lookup_of_a_run_uses_an_index)
{
	char *dir = th_scratch_dir("store-plan");
	char *db = th_path(dir, "results.db");
	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &s, &d), 0, "%s", d.text);
	for (int i = 0; i < 300; i++) {
		char sn[32];
		snprintf(sn, sizeof(sn), "SN%d", i % 97);
		int64_t id = begin(s, sn, 1000 + i);
		cr_assert_eq(lc_store_finish_run(s, id, i % 5 ? LC_VERDICT_PASS : LC_VERDICT_FAIL, 2000 + i, NULL, NULL,
						 NULL, NULL), 0);
	}

	/* the checker sees a scan: a lookup by reason has no index */
	char plan[2048];
	cr_assert_gt(lc_store_query_plan(s, "SELECT id FROM runs WHERE reason = ?", plan, sizeof(plan), &d), 0, "%s",
		     d.text);
	cr_expect(!plan_indexed(plan), "an unindexed lookup passed the check:\n%s", plan);

	expect_indexed(s, "begin_run (the serial's attempt count)", lc_store_sql_begin_run);
	expect_indexed(s, "run_attempt", lc_store_sql_attempt);
	expect_indexed(s, "finish_run", lc_store_sql_finish_run);

	char sql[1024];
	lc_store_filter f[] = {
		{.serial = "SN3", .since_ms = INT64_MIN, .verdict = -1},
		{.station = "st", .since_ms = INT64_MIN, .verdict = -1},
		{.operator_name = "op", .since_ms = INT64_MIN, .verdict = -1},
		{.cable_type = "aoc", .since_ms = INT64_MIN, .verdict = -1},
		{.procedure = "proc", .since_ms = INT64_MIN, .verdict = -1},
		{.since_ms = INT64_MIN, .verdict = LC_VERDICT_FAIL},
		{.since_ms = 1200, .verdict = -1},
		{.serial = "SN3", .station = "st", .since_ms = 1100, .verdict = LC_VERDICT_PASS},
		{.job = "JOB-1", .since_ms = INT64_MIN, .verdict = -1},
		{.serial_prefix = "SN1", .since_ms = INT64_MIN, .verdict = -1},
		{.run_id = 7, .since_ms = INT64_MIN, .verdict = -1},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		lc_store_query_sql(&f[i], sql, sizeof(sql));
		expect_indexed(s, "a results filter", sql);
	}
	lc_store_query_sql(NULL, sql, sizeof(sql));
	expect_indexed(s, "every run, in time order", sql);

	/* The newest N are read backwards along the filter's index: a sort of every matching row first (a temp
	 * b-tree) would make the dashboard's last-runs page cost the whole store. */
	lc_store_filter newest[] = {
		{.since_ms = INT64_MIN, .verdict = -1, .newest = 100},
		{.serial = "SN3", .since_ms = INT64_MIN, .verdict = -1, .newest = 10},
		{.station = "st", .since_ms = 1100, .until_ms = 1200, .verdict = -1, .newest = 10},
	};
	/* (A serial prefix is a range of the serial index, whose rows are then sorted by time: the range bounds
	 * what is read, as in the oldest-first query.) */
	for (size_t i = 0; i < sizeof(newest) / sizeof(newest[0]); i++) {
		lc_store_query_sql(&newest[i], sql, sizeof(sql));
		expect_indexed(s, "the newest runs", sql);
		cr_assert_gt(lc_store_query_plan(s, sql, plan, sizeof(plan), &d), 0, "%s", d.text);
		cr_expect(!strstr(plan, "TEMP B-TREE"), "the newest runs are sorted, not read along an index:\n%s\n(%s)",
			  plan, sql);
	}
	lc_store_close(s);
	free(dir), free(db);
}

struct ids {
	int n;
	int64_t id[16];
};

static int collect_ids(const lc_store_row *r, void *user)
{
	struct ids *k = user;
	if (k->n < 16)
		k->id[k->n] = r->id;
	k->n++;
	return 0;
}

/* --until and --last: runs before a time, and the newest N newest first (by start, then id), each with the
 * other filters. */
Test(store, until_and_newest)
{
	char *dir = th_scratch_dir("store-newest");
	char *db = th_path(dir, "r.db");
	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &s, &d), 0, "%s", d.text);
	int64_t id[6];
	int64_t start[6] = {1000, 2000, 2000, 3000, 4000, 5000}; /* two runs start at the same time: id breaks it */
	for (int i = 0; i < 6; i++)
		id[i] = begin(s, i % 2 ? "SN-B" : "SN-A", start[i]);
	struct ids k = {0};
	cr_expect_eq(lc_store_query(s, &(lc_store_filter){.since_ms = INT64_MIN, .verdict = -1, .newest = 3},
				    collect_ids, &k, &d), 3);
	cr_expect_eq(k.n, 3);
	cr_expect_eq(k.id[0], id[5]);
	cr_expect_eq(k.id[1], id[4]);
	cr_expect_eq(k.id[2], id[3]);
	k = (struct ids){0};
	cr_expect_eq(lc_store_query(s, &(lc_store_filter){.since_ms = INT64_MIN, .until_ms = 3000, .verdict = -1},
				    collect_ids, &k, &d), 3, "runs before 3000 (3000 itself excluded)");
	cr_expect_eq(k.id[0], id[0]);
	cr_expect_eq(k.id[2], id[2]);
	k = (struct ids){0};
	cr_expect_eq(lc_store_query(s, &(lc_store_filter){.since_ms = INT64_MIN, .until_ms = 3000, .verdict = -1,
							   .newest = 2},
				    collect_ids, &k, &d), 2);
	cr_expect_eq(k.id[0], id[2], "same start: the larger id is the newer");
	cr_expect_eq(k.id[1], id[1]);
	k = (struct ids){0};
	cr_expect_eq(lc_store_query(s, &(lc_store_filter){.serial = "SN-A", .since_ms = 1500, .verdict = -1, .newest = 5},
				    collect_ids, &k, &d), 2, "the serial's runs since 1500: 2000 and 4000");
	cr_expect_eq(k.id[0], id[4]);
	cr_expect_eq(k.id[1], id[2]);
	lc_store_close(s);
	free(dir), free(db);
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* A serial's start as an index range: exactly the serials that begin with it, byte for byte (case, UTF-8,
 * a last character that is the largest of its encoded length), and a run by its id. */
Test(store, serial_prefix_and_run_id)
{
	char *dir = th_scratch_dir("store-prefix");
	char *db = th_path(dir, "results.db");
	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &s, &d), 0, "%s", d.text);
	static const char *const serials[] = {"AB", "AB-1", "ABC", "AC", "A-C", "ab", "A", "AB\x7f", "AB\x7fZ", "AC0",
					      "Z\xc3\xa9", "Z\xc3\xa9x", "Z\xc3\xaa", "Z\xf4\x8f\xbf\xbf", "Z\xf4\x8f\xbf\xbfq", "[", "ZZ"};
	size_t n = sizeof(serials) / sizeof(serials[0]);
	int64_t ids[32];
	for (size_t i = 0; i < n; i++)
		ids[i] = begin(s, serials[i], 1000 + (int64_t)i);
	static const char *const prefixes[] = {"AB", "A", "AB\x7f", "Z\xc3\xa9", "Z\xf4\x8f\xbf\xbf", "Z", "ABC", "b"};
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
		struct seen got = {0};
		lc_store_filter f = {.serial_prefix = prefixes[k], .since_ms = INT64_MIN, .verdict = -1};
		int rows = lc_store_query(s, &f, collect, &got, &d);
		int want = 0;
		for (size_t i = 0; i < n; i++)
			want += starts(serials[i], prefixes[k]);
		cr_expect_eq(rows, want, "prefix %zu: %d rows, %d serials start with it", k, rows, want);
		for (int j = 0; j < got.n && j < 16; j++)
			cr_expect(starts(got.serials[j], prefixes[k]), "prefix %zu matched %s", k, got.serials[j]);
	}
	/* With another filter, and refused when it is no prefix at all. */
	struct seen got = {0};
	lc_store_filter f = {.serial_prefix = "AB", .since_ms = 1002, .verdict = -1};
	cr_expect_eq(lc_store_query(s, &f, collect, &got, &d), 3); /* ABC, AB\x7f, AB\x7fZ: started at or after 1002 */
	f = (lc_store_filter){.serial_prefix = "", .since_ms = INT64_MIN, .verdict = -1};
	cr_expect_eq(lc_store_query(s, &f, collect, &got, &d), LC_ERR_ARG);
	f.serial_prefix = "\xc3";
	cr_expect_eq(lc_store_query(s, &f, collect, &got, &d), LC_ERR_ARG);
	f.serial_prefix = "\xf4\x8f\xbf\xbf";
	cr_expect_eq(lc_store_query(s, &f, collect, &got, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "no serial sorts after"), "%s", d.text);
	/* By id: that run, and nothing for an id that is not there. */
	memset(&got, 0, sizeof(got));
	f = (lc_store_filter){.run_id = ids[3], .since_ms = INT64_MIN, .verdict = -1};
	cr_expect_eq(lc_store_query(s, &f, collect, &got, &d), 1);
	cr_expect_str_eq(got.serials[0], "AC");
	f.run_id = ids[n - 1] + 1000;
	cr_expect_eq(lc_store_query(s, &f, collect, &got, &d), 0);
	lc_store_close(s);
	free(dir), free(db);
}

/* Two processes opening a new store at the same moment (two `lanecert run --slot N` started together):
 * both get it. Switching a new file to WAL is refused at once, without the busy handler, to the second of
 * two openers that hold read locks; opening retries it (one in two runs failed "database is locked"). */
Test(store, two_processes_open_a_new_store_at_once)
{
	char dir[] = "/tmp/lc-store-race-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	int failures = 0;
	for (int round = 0; round < 20; round++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/r%d.db", dir, round);
		pid_t kids[2];
		for (int k = 0; k < 2; k++) {
			kids[k] = fork();
			cr_assert_neq(kids[k], -1);
			if (kids[k] == 0) {
				lc_store *s;
				lc_diag d;
				int rc = lc_store_open(path, &s, &d);
				if (rc == 0)
					lc_store_close(s);
				else
					fprintf(stderr, "round %d: %s\n", round, d.text);
				_exit(rc == 0 ? 0 : 1);
			}
		}
		for (int k = 0; k < 2; k++) {
			int st = 0;
			cr_assert_eq(waitpid(kids[k], &st, 0), kids[k]);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				failures++;
		}
	}
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	cr_expect_eq(failures, 0, "%d of 40 openings failed", failures);
}
