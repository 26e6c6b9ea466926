/*
 * The fleet store against a real PostgreSQL server (tests/reports/pg_cluster.h): schema and migrations,
 * station keys, ingest with signature checks, per-station rights, at-least-once sync without loss or
 * duplicates when the sync is killed, two stations at once, queries. One cluster and two stations' journals
 * (made once, before the tests) serve every case; each case has its own database.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reports/fleet.h"
#include "reports/fleet_priv.h"
#include "reports/fleet_query_priv.h"
#include "tests/reports/fleet_fixture.h"
#include "tests/reports/helpers.h"

#define RUNS 150 /* per station */

static tpg shared, spare, tls;
static char fixture_dir[512];

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
	(void)set;
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Two servers from one initdb: the shared one, and a spare the fault test stops and starts at will. */
	if (tpg_create(&shared, "fleet") < 0 || tpg_clone(&shared, &spare, "fleet2") < 0 ||
	    tpg_clone(&shared, &tls, "fleettls") < 0 || tpg_start(&shared) < 0 || tpg_start(&spare) < 0)
		return; /* each test then fails on tpg_from_env, saying why */
	lc_fleet *f;
	lc_diag d;
	if (tpg_sql(&shared, "postgres", "CREATE DATABASE fleet_template") < 0 ||
	    lc_fleet_connect(tpg_url(&shared, "fleet_template", "lanecert_admin"), &f, &d) < 0)
		return;
	int rc = lc_fleet_migrate(f, &d);
	lc_fleet_close(f);
	if (rc != LC_FLEET_SCHEMA_VERSION)
		return;
	char *fd = ff_scratch("fleet-fixture");
	if (!fd)
		return;
	snprintf(fixture_dir, sizeof(fixture_dir), "%s", fd);
	free(fd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ff_make_station(fixture_dir, "st-a", RUNS) < 0 ||
	    ff_make_station(fixture_dir, "st-b", RUNS) < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	if (getenv("LC_TEST_FLEET_TIMES"))
		fprintf(stderr, "cluster %.2f s, journals %.2f s\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
			(double)(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9);
	tpg_to_env(&shared, "LC_TEST_PG");
	tpg_to_env(&spare, "LC_TEST_PG2");
	tpg_to_env(&tls, "LC_TEST_PG3"); /* started by its test, with TLS */
	setenv("LC_TEST_FLEET_DIR", fixture_dir, 1);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	(void)stats;
	tpg_destroy(&shared);
	tpg_destroy(&spare);
	tpg_destroy(&tls);
	if (fixture_dir[0])
		ff_remove(fixture_dir);
}

static tpg pg;
static const char *fx;

static void setup(void)
{
	fx = ff_suite_setup(&pg);
}

/* No Criterion .timeout: its sandbox library (BoxFort, inside libcriterion 2.4.1) leaks the 48-byte request
 * bxfi_push_timeout() allocates when sandboxes with timeouts overlap (these long tests run two at a time),
 * which LeakSanitizer reports. Every wait here is bounded by the test itself (counted polls, 30 s waits), and
 * ctest's TIMEOUT (tests/reports/tests.cmake) stops the binary if something still hangs. */
TestSuite(fleet, .init = setup);

static const char *admin(const char *db)
{
	return tpg_url(&pg, db, "lanecert_admin");
}

static lc_fleet *connect_as(const char *url)
{
	lc_fleet *f;
	lc_diag d;
	cr_assert_eq(lc_fleet_connect(url, &f, &d), 0, "%s", d.text);
	return f;
}

/* A login role in the read-only group, as docs/fleet.md makes one for quality engineers (cluster-wide, so the
 * first test to need it makes it; another's attempt fails harmlessly). */
static void reader_login(void)
{
	tpg_sql(&pg, "postgres", "CREATE ROLE quality LOGIN IN ROLE lanecert_reader");
	cr_assert_eq(ff_count(&pg, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'quality'"), 1);
}

Test(fleet, migrate_is_versioned_and_idempotent)
{
	cr_assert_eq(tpg_sql(&pg, "postgres", "CREATE DATABASE mig"), 0);
	lc_fleet *f = connect_as(admin("mig"));
	lc_diag d;
	cr_assert_eq(lc_fleet_schema_version(f, &d), 0);
	cr_assert_eq(lc_fleet_migrate(f, &d), LC_FLEET_SCHEMA_VERSION, "%s", d.text);
	cr_assert_eq(lc_fleet_migrate(f, &d), 0, "%s", d.text);
	cr_assert_eq(lc_fleet_schema_version(f, &d), LC_FLEET_SCHEMA_VERSION);
	lc_fleet_close(f);
	cr_assert_eq(ff_count(&pg, "mig", "SELECT count(*) FROM lanecert.schema_migrations"), LC_FLEET_SCHEMA_VERSION);
	cr_assert_eq(ff_count(&pg, "mig", "SELECT count(*) FROM pg_indexes WHERE schemaname = 'lanecert'"
					  " AND indexname IN ('runs_serial', 'runs_station_day', 'runs_cable_day', 'runs_serial_c',"
					  " 'runs_job')"),
		     5);
	/* A database at schema 1 (as lanecert 0.1's first fleet release left it) is brought up to date. */
	cr_assert_eq(tpg_sql(&pg, "mig", "ALTER TABLE lanecert.runs DROP COLUMN job, DROP COLUMN customer, DROP COLUMN site;"
					 " DROP TABLE lanecert.report_files; DROP INDEX lanecert.runs_serial_c;"
					 " DROP TRIGGER verify_report ON lanecert.reports; DROP TRIGGER runs_match_report ON lanecert.runs;"
					 " DROP FUNCTION lanecert.verify_report(), lanecert.runs_match_report(), lanecert.verifier_ready();"
					 " DELETE FROM lanecert.schema_migrations WHERE version > 1"),
		     0);
	f = connect_as(admin("mig"));
	cr_assert_eq(lc_fleet_migrate(f, &d), LC_FLEET_SCHEMA_VERSION - 1, "%s", d.text);
	lc_fleet_close(f);
	cr_assert_eq(ff_count(&pg, "mig", "SELECT count(*) FROM pg_indexes WHERE indexname = 'runs_serial_c'"), 1);
	cr_assert_eq(ff_count(&pg, "mig", "SELECT count(*) FROM pg_trigger WHERE tgname IN ('verify_report',"
					  " 'runs_match_report') AND tgenabled = 'O'"),
		     2);
	/* A database migrated by a newer lanecert is refused, not downgraded. */
	cr_assert_eq(tpg_sql(&pg, "mig",
			     "INSERT INTO lanecert.schema_migrations (version, lanecert_version) VALUES (99, 'x')"),
		     0);
	f = connect_as(admin("mig"));
	cr_assert_eq(lc_fleet_migrate(f, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "newer"), "%s", d.text);
	lc_fleet_close(f);
	/* The command, twice: exit 65 on the newer database; a fresh one migrates once. */
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "%s fleet migrate '%s' >/dev/null 2>&1", getenv("LC_CLI"), admin("mig"));
	cr_assert_eq(th_run(cmd), 65);
}

/* Schema 5 creates PL/Python functions, which only a superuser may: a migrating role that is not one gets the
 * schema up to 4 and a clear error, and the database stays usable at 4 until a superuser migrates it. */
Test(fleet, migrate_without_superuser_says_what_to_do)
{
	tpg_sql(&pg, "postgres", "CREATE ROLE lanecert_notsuper LOGIN CREATEROLE"); /* cluster-wide: maybe made */
	cr_assert_eq(tpg_sql(&pg, "postgres", "CREATE DATABASE nosuper OWNER lanecert_notsuper"), 0);
	lc_fleet *f = connect_as(tpg_url(&pg, "nosuper", "lanecert_notsuper"));
	lc_diag d;
	cr_assert_eq(lc_fleet_migrate(f, &d), LC_ERR_PERMISSION);
	cr_assert(strstr(d.text, "only a superuser") && strstr(d.text, "lanecert_notsuper is not one"), "%s", d.text);
	cr_assert_eq(lc_fleet_schema_version(f, &d), LC_FLEET_SCHEMA_VERSION - 1);
	lc_fleet_close(f);
	f = connect_as(admin("nosuper"));
	cr_assert_eq(lc_fleet_migrate(f, &d), 1, "%s", d.text);
	lc_fleet_close(f);
	cr_assert_eq(ff_count(&pg, "nosuper", "SELECT count(*) FROM pg_extension WHERE extname = 'plpython3u'"), 1);
}

/* Every filter's query uses its index on the server, as in the SQLite store: with sequential scans priced out,
 * a query that could only scan would still say "Seq Scan". */
Test(fleet, every_filter_uses_an_index)
{
	cr_assert_eq(ff_new_db(&pg, "plans"), 0);
	PGconn *conn = PQconnectdb(admin("plans"));
	cr_assert_eq(PQstatus(conn), CONNECTION_OK);
	PQclear(PQexec(conn, "SET enable_seqscan = off"));
	PQclear(PQexec(conn, "SET enable_sort = off")); /* an empty table makes any sort look free */
	lc_store_filter filters[] = {
		{.serial = "SN1", .since_ms = INT64_MIN, .verdict = -1},
		{.station = "st-a", .since_ms = INT64_MIN, .verdict = -1},
		{.cable_type = "mpo12-trunk", .since_ms = 1780000000000LL, .verdict = -1},
		{.operator_name = "op", .since_ms = INT64_MIN, .verdict = -1},
		{.procedure = "il", .since_ms = INT64_MIN, .verdict = -1},
		{.since_ms = INT64_MIN, .verdict = LC_VERDICT_FAIL},
		{.since_ms = 1780000000000LL, .verdict = -1},
		{.serial_prefix = "st-a-00", .since_ms = INT64_MIN, .verdict = -1},
		{.run_id = 42, .since_ms = INT64_MIN, .verdict = -1},
		{.job = "PO-1", .since_ms = INT64_MIN, .verdict = -1},
		/* the newest N (the dashboard's history, results --last): read backwards along the index, no sort */
		{.since_ms = INT64_MIN, .verdict = -1, .newest = 100},
		{.station = "st-a", .since_ms = INT64_MIN, .until_ms = 1790000000000LL, .verdict = -1, .newest = 10},
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		char sql[1100], eq[1200];
		int n = lc_fleet_query_sql(&filters[i], sql, sizeof(sql));
		cr_assert_gt(n, 0);
		cr_assert_null(strstr(sql, "IS NULL"), "%s", sql);
		snprintf(eq, sizeof(eq), "EXPLAIN %s", sql);
		const char *vals[10] = {"x", "x", "x", "x", "x", "x", "x", "x", "x", "x"};
		for (int k = 0; k < n; k++) {
			char num[24];
			snprintf(num, sizeof(num), "$%d::bigint", k + 1);
			if (strstr(sql, num))
				vals[k] = "1780000000000";
		}
		PGresult *res = PQexecParams(conn, eq, n, NULL, vals, NULL, NULL, 0);
		cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(conn));
		char plan[4096] = "";
		for (int r = 0; r < PQntuples(res); r++) {
			strncat(plan, PQgetvalue(res, r, 0), sizeof(plan) - strlen(plan) - 2);
			strcat(plan, "\n");
		}
		PQclear(res);
		cr_expect(strstr(plan, "Index") && !strstr(plan, "Seq Scan"), "%s\n%s", sql, plan);
		/* The newest N: read backwards along the index; ties of start_ms (the index's last column) ordered by
		 * id within each tie (an Incremental Sort), never a sort of every matching row first. */
		if (filters[i].newest) {
			bool full_sort = false;
			for (const char *p = plan; (p = strstr(p, "Sort  (")); p++)
				full_sort |= p - plan < 12 || strncmp(p - 12, "Incremental ", 12) != 0;
			cr_expect(strstr(plan, "Backward") && !full_sort, "%s\n%s", sql, plan);
		}
	}
	PQfinish(conn);
}

Test(fleet, sync_stores_each_run_once_and_resends_only_what_is_unacknowledged)
{
	cr_assert_eq(ff_new_db(&pg, "once"), 0);
	cr_assert_eq(ff_register(&pg, "once", fx, "st-a"), 0);
	char *tmp = ff_scratch("fleet-once"), *journal = ff_copy_journal(fx, "st-a", tmp);
	lc_fleet *f = connect_as(admin("once"));
	lc_sync_stats s;
	lc_diag d;
	cr_assert_eq(lc_sync_pass(journal, f, 64, &s, NULL, NULL, &d), 0, "%s", d.text);
	cr_assert_eq(s.sent, RUNS);
	cr_assert_eq(s.duplicate, 0);
	cr_assert_eq(s.batches, (RUNS + 63) / 64);
	/* Nothing pending: a second pass sends nothing. */
	cr_assert_eq(lc_sync_pass(journal, f, 64, &s, NULL, NULL, &d), 0, "%s", d.text);
	cr_assert_eq(s.sent + s.duplicate + s.batches, 0);
	/* The same runs again, as after acknowledgements lost (a sync killed between the server's commit and the
	 * journal's write): acknowledged as already there, never stored twice. */
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "sqlite3 %s 'DELETE FROM fleet_sync'", journal);
	th_require("sqlite3", "sqlite3");
	cr_assert_eq(th_run(cmd), 0);
	cr_assert_eq(lc_sync_pass(journal, f, 100, &s, NULL, NULL, &d), 0, "%s", d.text);
	cr_assert_eq(s.sent, 0);
	cr_assert_eq(s.duplicate, RUNS);
	lc_fleet_close(f);
	ff_assert_delivered(&pg, "once", journal, "st-a", RUNS);
	/* What the server holds is what the station measured: the failing lane's run is a fail with its reason. */
	cr_assert_eq(ff_count(&pg, "once", "SELECT count(*) FROM lanecert.runs WHERE verdict = 'fail'"
					   " AND reason IS NOT NULL"),
		     (RUNS + 3) / 7);
	/* --status says so. */
	snprintf(cmd, sizeof(cmd), "%s sync --db %s --status > %s/status.txt", getenv("LC_CLI"), journal, tmp);
	cr_assert_eq(th_run(cmd), 0);
	char *p = th_path(tmp, "status.txt"), *text = th_slurp(p, NULL);
	cr_assert(strstr(text, "pending:      0\n") && strstr(text, "acknowledged: 150\n"), "%s", text);
	free(text), free(p), free(journal), ff_remove(tmp), free(tmp);
}

/* A station whose journal holds n runs, made for this test only (its reports are changed). */
static char *small_station(const char *tmp, const char *id, int n)
{
	cr_assert_eq(ff_make_station(tmp, id, n), 0);
	char *j = malloc(4300);
	snprintf(j, 4300, "%s/%s/results.db", tmp, id);
	return j;
}

static int sync_once(const char *url, const char *journal, lc_sync_stats *s, lc_diag *d)
{
	lc_fleet *f = connect_as(url);
	int rc = lc_sync_pass(journal, f, 10, s, NULL, NULL, d);
	lc_fleet_close(f);
	return rc;
}

Test(fleet, tampered_unknown_and_revoked_are_refused_and_nothing_is_stored)
{
	cr_assert_eq(ff_new_db(&pg, "refuse"), 0);
	char *tmp = ff_scratch("fleet-refuse");
	lc_sync_stats s;
	lc_diag d;
	/* Unknown key: the station never registered. */
	char *j = small_station(tmp, "st-unknown", 2);
	cr_assert_eq(sync_once(admin("refuse"), j, &s, &d), LC_ERR_VERIFY);
	cr_assert_eq(s.rejected, 2);
	cr_assert(strstr(d.text, "which no station registered"), "%s", d.text);
	lc_sync_status st;
	cr_assert_eq(lc_sync_status_get(j, &st, &d), 0);
	cr_assert_eq(st.pending, 2);
	cr_assert_eq(st.rejected, 2);
	cr_assert(strstr(st.last_rejection, "no station registered"), "%s", st.last_rejection);
	free(j);
	/* Tampered: one byte of a report changed, and the journal's digest changed with it, so that only the
	 * signature can tell. */
	j = small_station(tmp, "st-tamper", 3);
	cr_assert_eq(ff_register(&pg, "refuse", tmp, "st-tamper"), 0);
	char path[4400];
	snprintf(path, sizeof(path), "%s/st-tamper/run0001/report.json", tmp);
	size_t len;
	char *json = th_slurp(path, &len), *at = strstr(json, "\"value\": 0.4");
	cr_assert(at, "no measured value in the report");
	at[10] = '9';
	th_spit(path, json, len);
	char sha[65], cmd[9000];
	lc_result_sha256_hex(json, len, sha);
	free(json);
	snprintf(cmd, sizeof(cmd), "sqlite3 %s \"UPDATE runs SET report_sha256 = '%s' WHERE report_path = '%s'\"", j, sha,
		 path);
	cr_assert_eq(th_run(cmd), 0);
	cr_assert_eq(sync_once(admin("refuse"), j, &s, &d), LC_ERR_VERIFY);
	cr_assert_eq(s.sent, 2);
	cr_assert_eq(s.rejected, 1);
	cr_assert(strstr(d.text, "does not verify"), "%s", d.text);
	cr_assert_eq(ff_count(&pg, "refuse", "SELECT count(*) FROM lanecert.reports WHERE station = 'st-tamper'"), 2);
	cr_assert_eq(ff_count(&pg, "refuse", "SELECT count(*) FROM lanecert.runs WHERE serial = 'st-tamper-0001'"), 0);
	free(j);
	/* Revoked: registered, then revoked before the sync. */
	j = small_station(tmp, "st-revoked", 2);
	cr_assert_eq(ff_register(&pg, "refuse", tmp, "st-revoked"), 0);
	snprintf(cmd, sizeof(cmd), "%s fleet revoke-station '%s' --station st-revoked >/dev/null", getenv("LC_CLI"),
		 admin("refuse"));
	cr_assert_eq(th_run(cmd), 0);
	cr_assert_eq(sync_once(admin("refuse"), j, &s, &d), LC_ERR_VERIFY);
	cr_assert_eq(s.rejected, 2);
	cr_assert(strstr(d.text, "revoked"), "%s", d.text);
	cr_assert_eq(ff_count(&pg, "refuse", "SELECT count(*) FROM lanecert.reports WHERE station = 'st-revoked'"), 0);
	/* The command's exit code for a refused report is 1, and the reason is on stderr. */
	snprintf(cmd, sizeof(cmd), "%s sync --db %s --to '%s' 2>%s/err.txt >/dev/null", getenv("LC_CLI"), j,
		 admin("refuse"), tmp);
	cr_assert_eq(th_run(cmd), 1);
	free(j), ff_remove(tmp), free(tmp);
}

/* A role of its own per station: it inserts its station's rows only, and nobody's rows change. */
Test(fleet, a_station_role_writes_only_its_own_rows_and_never_changes_history)
{
	cr_assert_eq(ff_new_db(&pg, "rights"), 0);
	cr_assert_eq(ff_register(&pg, "rights", fx, "st-a"), 0);
	cr_assert_eq(ff_register(&pg, "rights", fx, "st-b"), 0);
	char *tmp = ff_scratch("fleet-rights"), *ja = ff_copy_journal(fx, "st-a", tmp),
	     *jb = ff_copy_journal(fx, "st-b", tmp);
	char url_a[1024], url_b[1024];
	snprintf(url_a, sizeof(url_a), "%s", tpg_url(&pg, "rights", "lanecert_station_st_a"));
	snprintf(url_b, sizeof(url_b), "%s", tpg_url(&pg, "rights", "lanecert_station_st_b"));
	lc_sync_stats s;
	lc_diag d;
	/* Station a's role sends a's journal; b's journal through a's role is refused run by run. */
	cr_assert_eq(sync_once(url_a, ja, &s, &d), 0, "%s", d.text);
	cr_assert_eq(s.sent, RUNS);
	cr_assert_eq(sync_once(url_a, jb, &s, &d), LC_ERR_VERIFY);
	cr_assert_eq(s.rejected, RUNS);
	cr_assert(strstr(d.text, "cannot be sent with the role of station st-a"), "%s", d.text);
	cr_assert_eq(sync_once(url_b, jb, &s, &d), 0, "%s", d.text);
	cr_assert_eq(s.sent, RUNS);
	/* Directly in SQL, as station a's role. */
	PGconn *conn = PQconnectdb(url_a);
	cr_assert_eq(PQstatus(conn), CONNECTION_OK, "%s", PQerrorMessage(conn));
	const char *denied[] = {
		"UPDATE lanecert.runs SET verdict = 'pass' WHERE station = 'st-a'",
		"DELETE FROM lanecert.runs WHERE station = 'st-a'",
		"DELETE FROM lanecert.measurements",
		"UPDATE lanecert.reports SET signature = 'x'",
		"TRUNCATE lanecert.runs CASCADE",
		"UPDATE lanecert.station_keys SET revoked_at = NULL",
		/* a row of station b, even with b's key id and an existing report: refused by the schema's checks of
		 * what the report says and what its signature holds (SQLSTATE LC001), which come before row-level
		 * security; a row whose report verifies meets row-level security (test_fleet_server_check.c) */
		"INSERT INTO lanecert.runs (report_sha256, station, journal_id, serial, cable_type, slot, verdict)"
		" SELECT report_sha256, 'st-b', 9999, 'forged', 'x', 0, 'pass' FROM lanecert.runs LIMIT 1",
		"INSERT INTO lanecert.reports (sha256, station, key_id, report, signature) SELECT"
		" encode(sha256('forged'::bytea), 'hex'), 'st-b', key_id, 'forged'::bytea, 'x'"
		" FROM lanecert.station_keys WHERE station = 'st-b'",
	};
	for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		PGresult *res = PQexec(conn, denied[i]);
		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "allowed: %s", denied[i]);
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *want = strncmp(denied[i], "INSERT", 6) == 0 ? LC_FLEET_REFUSED_STATE : "42501";
		cr_expect(state && strcmp(state, want) == 0, "%s: %s", denied[i], PQresultErrorMessage(res));
		PQclear(res);
	}
	/* It sees its own rows only. */
	PGresult *res = PQexec(conn, "SELECT count(*), count(*) FILTER (WHERE station <> 'st-a') FROM lanecert.runs");
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	cr_expect_eq(atoi(PQgetvalue(res, 0, 0)), RUNS);
	cr_expect_eq(atoi(PQgetvalue(res, 0, 1)), 0);
	PQclear(res);
	PQfinish(conn);
	/* The reader role reads everything and writes nothing. */
	reader_login();
	conn = PQconnectdb(tpg_url(&pg, "rights", "quality"));
	res = PQexec(conn, "SELECT count(*) FROM lanecert.runs");
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	cr_expect_eq(atoi(PQgetvalue(res, 0, 0)), 2 * RUNS);
	PQclear(res);
	res = PQexec(conn, "DELETE FROM lanecert.runs");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	PQfinish(conn);
	ff_assert_delivered(&pg, "rights", ja, "st-a", RUNS);
	ff_assert_delivered(&pg, "rights", jb, "st-b", RUNS);
	free(ja), free(jb), ff_remove(tmp), free(tmp);
}

struct station_sync {
	char url[1024];
	const char *journal;
	int rc;
	lc_sync_stats s;
	lc_diag d;
};

static void *sync_thread(void *arg)
{
	struct station_sync *t = arg;
	lc_fleet *f;
	t->rc = lc_fleet_connect(t->url, &f, &t->d);
	if (t->rc == 0) {
		t->rc = lc_sync_pass(t->journal, f, 20, &t->s, NULL, NULL, &t->d);
		lc_fleet_close(f);
	}
	return NULL;
}

#define BIG_RUNS 1000 /* per station, as the two stations syncing at once */

Test(fleet, two_stations_sync_1000_runs_each_at_once)
{
	cr_assert_eq(ff_new_db(&pg, "pair"), 0);
	char *tmp = ff_scratch("fleet-both");
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Their own stations: the shared ones have RUNS runs, and these journals are made for this test only. */
	cr_assert_eq(ff_make_station(tmp, "st-c", BIG_RUNS), 0);
	cr_assert_eq(ff_make_station(tmp, "st-d", BIG_RUNS), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_eq(ff_register(&pg, "pair", tmp, "st-c"), 0);
	cr_assert_eq(ff_register(&pg, "pair", tmp, "st-d"), 0);
	struct station_sync t[2] = {{.journal = ff_copy_journal(tmp, "st-c", tmp)},
				    {.journal = ff_copy_journal(tmp, "st-d", tmp)}};
	snprintf(t[0].url, sizeof(t[0].url), "%s", tpg_url(&pg, "pair", "lanecert_station_st_c"));
	snprintf(t[1].url, sizeof(t[1].url), "%s", tpg_url(&pg, "pair", "lanecert_station_st_d"));
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		cr_assert_eq(pthread_create(&th[i], NULL, sync_thread, &t[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		cr_assert_eq(t[i].rc, 0, "%s", t[i].d.text);
		cr_assert_eq(t[i].s.sent, BIG_RUNS);
		cr_assert_eq(t[i].s.duplicate, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t2);
	if (getenv("LC_TEST_FLEET_TIMES"))
		fprintf(stderr, "1000 runs x 2: journals %.2f s, sync %.2f s\n",
			(double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
			(double)(t2.tv_sec - t1.tv_sec) + (t2.tv_nsec - t1.tv_nsec) / 1e9);
	/* Both were in flight together: the server's run ids (one sequence, drawn as rows arrive) of each station
	 * begin before the other's end. */
	cr_assert_eq(t[0].s.batches, BIG_RUNS / 20);
	cr_assert_eq(ff_count(&pg, "pair",
			      "SELECT ((SELECT min(id) FROM lanecert.runs WHERE station = 'st-c') < (SELECT max(id) FROM"
			      " lanecert.runs WHERE station = 'st-d') AND (SELECT min(id) FROM lanecert.runs WHERE station ="
			      " 'st-d') < (SELECT max(id) FROM lanecert.runs WHERE station = 'st-c'))::int"),
		     1, "one station's sync ran before the other's");
	cr_assert_eq(ff_count(&pg, "pair", "SELECT count(*) FROM lanecert.runs"), 2 * BIG_RUNS);
	ff_assert_delivered(&pg, "pair", t[0].journal, "st-c", BIG_RUNS);
	ff_assert_delivered(&pg, "pair", t[1].journal, "st-d", BIG_RUNS);
	free((char *)t[0].journal), free((char *)t[1].journal), ff_remove(tmp), free(tmp);
}

/* lanecert with argv, as a child of this test (posix_spawn: a fork of a Criterion worker that outlives a
 * test step confuses Criterion's runner, which then leaks under LeakSanitizer). */
static pid_t spawn(char **argv)
{
	pid_t pid;
	extern char **environ;
	cr_assert_eq(posix_spawn(&pid, getenv("LC_CLI"), NULL, NULL, argv, environ), 0);
	return pid;
}

/* SIGKILL in the middle of `lanecert sync`: whatever it was doing, the next sync completes the delivery
 * without loss or duplicate. */
Test(fleet, sync_killed_mid_batch_loses_and_duplicates_nothing)
{
	cr_assert_eq(ff_new_db(&pg, "killed"), 0);
	cr_assert_eq(ff_register(&pg, "killed", fx, "st-a"), 0);
	char *tmp = ff_scratch("fleet-killed"), *journal = ff_copy_journal(fx, "st-a", tmp);
	char url[1024];
	snprintf(url, sizeof(url), "%s", tpg_url(&pg, "killed", "lanecert_station_st_a"));
	char *argv[] = {"lanecert", "sync", "--db", journal, "--to", url, "--batch", "1", NULL};
	pid_t pid = spawn(argv);
	/* Wait until the server has some of the runs, then kill. */
	PGconn *conn = PQconnectdb(admin("killed"));
	int64_t on_server = 0;
	for (int i = 0; i < 20000 && on_server < 20; i++) {
		PGresult *res = PQexec(conn, "SELECT count(*) FROM lanecert.runs");
		on_server = atoll(PQgetvalue(res, 0, 0));
		PQclear(res);
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the sync ended before it was killed (status %d)",
		  status);
	PGresult *res = PQexec(conn, "SELECT count(*) FROM lanecert.runs");
	int64_t at_kill = atoll(PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(conn);
	cr_assert(at_kill >= 20 && at_kill < RUNS, "killed with %lld of %d runs on the server", (long long)at_kill, RUNS);
	lc_sync_status st;
	lc_diag d;
	cr_assert_eq(lc_sync_status_get(journal, &st, &d), 0, "%s", d.text);
	cr_assert_gt(st.pending, 0);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "%s sync --db %s --to '%s' >/dev/null", getenv("LC_CLI"), journal, url);
	cr_assert_eq(th_run(cmd), 0);
	ff_assert_delivered(&pg, "killed", journal, "st-a", RUNS);
	free(journal), ff_remove(tmp), free(tmp);
}

struct collected {
	int n, fails;
	char first_serial[64];
};

static int collect(const lc_store_row *r, void *user)
{
	struct collected *c = user;
	if (c->n++ == 0)
		snprintf(c->first_serial, sizeof(c->first_serial), "%s", r->serial);
	c->fails += r->verdict == LC_VERDICT_FAIL;
	return 0;
}

Test(fleet, queries_match_the_journal)
{
	cr_assert_eq(ff_new_db(&pg, "query"), 0);
	cr_assert_eq(ff_register(&pg, "query", fx, "st-a"), 0);
	char *tmp = ff_scratch("fleet-query"), *journal = ff_copy_journal(fx, "st-a", tmp);
	lc_diag d;
	lc_sync_stats s;
	cr_assert_eq(sync_once(admin("query"), journal, &s, &d), 0, "%s", d.text);
	lc_store *store;
	cr_assert_eq(lc_store_open_mode(journal, LC_STORE_EXISTING, &store, &d), 0);
	reader_login();
	lc_fleet *f = connect_as(tpg_url(&pg, "query", "quality"));
	lc_store_filter filters[] = {
		{.serial = "st-a-0010", .since_ms = INT64_MIN, .verdict = -1},
		{.cable_type = "mpo12-trunk", .since_ms = INT64_MIN, .verdict = -1},
		{.since_ms = 1780000000000LL + 100 * 60000, .verdict = LC_VERDICT_FAIL},
		{.station = "st-a", .since_ms = INT64_MIN, .verdict = -1},
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		struct collected a = {0}, b = {0};
		cr_assert_geq(lc_store_query(store, &filters[i], collect, &a, &d), 0, "%s", d.text);
		cr_assert_geq(lc_fleet_query(f, &filters[i], collect, &b, &d), 0, "%s", d.text);
		cr_expect_gt(a.n, 0);
		cr_expect_eq(a.n, b.n, "filter %zu: journal %d, fleet %d", i, a.n, b.n);
		cr_expect_eq(a.fails, b.fails);
		cr_expect_str_eq(a.first_serial, b.first_serial);
	}
	/* Every cable of job J: the job the signed report names, the same runs as the journal's. */
	struct collected ja = {0}, jf = {0};
	lc_store_filter byjob = {.job = "PO-1", .since_ms = INT64_MIN, .verdict = -1};
	cr_assert_geq(lc_store_query(store, &byjob, collect, &ja, &d), 0, "%s", d.text);
	cr_assert_geq(lc_fleet_query(f, &byjob, collect, &jf, &d), 0, "%s", d.text);
	cr_expect_eq(ja.n, RUNS / 2);
	cr_expect_eq(jf.n, ja.n);
	cr_expect_str_eq(jf.first_serial, "st-a-0001");
	lc_fleet_close(f);
	lc_store_close(store);
	/* The command with a postgresql:// --db: the same JSON rows. */
	char cmd[9000], out[4400];
	snprintf(out, sizeof(out), "%s/q.json", tmp);
	snprintf(cmd, sizeof(cmd), "%s results --db '%s' --serial st-a-0003 --json > %s", getenv("LC_CLI"),
		 tpg_url(&pg, "query", "quality"), out);
	cr_assert_eq(th_run(cmd), 0);
	char *text = th_slurp(out, NULL);
	cr_assert(strstr(text, "\"serial\": \"st-a-0003\"") && strstr(text, "\"verdict\": \"fail\"") &&
			  strstr(text, "\"job\": \"PO-1\"") && strstr(text, "\"customer\": \"ACME\""),
		  "%s", text);
	free(text);
	/* results --job on the fleet: PO-2's runs only */
	snprintf(cmd, sizeof(cmd), "%s results --db '%s' --job PO-2 --csv > %s", getenv("LC_CLI"),
		 tpg_url(&pg, "query", "quality"), out);
	cr_assert_eq(th_run(cmd), 0);
	text = th_slurp(out, NULL);
	int lines = 0;
	for (const char *p = text; (p = strchr(p, '\n')); p++)
		lines++;
	cr_expect_eq(lines, 1 + (RUNS + 1) / 2, "%s", text);
	cr_expect_null(strstr(text, "PO-1"), "%s", text);
	free(text);
	/* Yield and Pareto: the same from the journal and from the fleet, and what the fixture put in. */
	const char *modes[] = {"--yield", "--pareto"};
	for (int m = 0; m < 2; m++) {
		char a_path[4400], b_path[4400];
		snprintf(a_path, sizeof(a_path), "%s/a%d.csv", tmp, m);
		snprintf(b_path, sizeof(b_path), "%s/b%d.csv", tmp, m);
		snprintf(cmd, sizeof(cmd), "%s results --db %s %s --csv > %s && %s results --db '%s' %s --csv > %s",
			 getenv("LC_CLI"), journal, modes[m], a_path, getenv("LC_CLI"), tpg_url(&pg, "query", "quality"),
			 modes[m], b_path);
		cr_assert_eq(th_run(cmd), 0, "%s", cmd);
		char *a = th_slurp(a_path, NULL), *b = th_slurp(b_path, NULL);
		cr_expect_str_eq(a, b, "%s: the journal and the fleet differ", modes[m]);
		if (m == 0) /* i % 3 == 0: the trunks, 50 of 150, one in seven of them failing (i % 7 == 3: 7) */
			cr_expect(strstr(a, ",mpo12-trunk,st-a,50,43,7,0,0.8600\n"), "%s", a);
		else /* every failure is lane 5's insertion loss: one cause, 21 runs */
			cr_expect_str_eq(a, "verdict,cause,runs,cumulative\nfail,insertion_loss: insertion_loss,21,1.0000\n");
		free(a), free(b);
	}
	free(journal), ff_remove(tmp), free(tmp);
}

/* ---- the spare server: stopped and started by this one test, which nothing else uses ---- */

/* Kill the server while a batch's transaction is open. After the batches-th batch is committed, an admin
 * connection locks the measurements table; the next batch then inserts its first report and run and waits on
 * that lock inside its transaction. A thread watches pg_stat_activity for exactly that backend (waiting on a
 * lock, with a transaction id: it has written) and then stops the server immediately, as in a crash. */
struct kill_after {
	tpg *server;
	char url[1024];
	int batches;
	PGconn *locker;
	pthread_t watcher;
	bool watching, saw_open_tx, fired;
};

static void *kill_when_blocked(void *arg)
{
	struct kill_after *k = arg;
	PGconn *conn = PQconnectdb(k->url);
	for (int i = 0; i < 30000 && PQstatus(conn) == CONNECTION_OK && !k->saw_open_tx; i++) {
		PGresult *res = PQexec(conn, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
					     " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()");
		k->saw_open_tx = PQresultStatus(res) == PGRES_TUPLES_OK && atoi(PQgetvalue(res, 0, 0)) == 1;
		PQclear(res);
		if (!k->saw_open_tx) {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	PQfinish(conn);
	/* Killed either way, so that the sync cannot wait forever; saw_open_tx tells the test what it killed. */
	k->fired = tpg_stop(k->server, true) == 0;
	return NULL;
}

static int kill_server_after(const lc_sync_stats *so_far, void *user)
{
	struct kill_after *k = user;
	if (so_far->batches == k->batches && !k->watching) {
		k->locker = PQconnectdb(k->url);
		PGresult *res = PQexec(k->locker, "BEGIN; LOCK TABLE lanecert.measurements IN EXCLUSIVE MODE");
		bool locked = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (!locked)
			return 1; /* stops the pass: the test then fails on its status */
		k->watching = pthread_create(&k->watcher, NULL, kill_when_blocked, k) == 0;
		return k->watching ? 0 : 1;
	}
	return 0;
}

/* Spawn `lanecert ARGV...` with its output to /dev/null. */
static pid_t spawn_quiet(char **argv)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	extern char **environ;
	int e = posix_spawn(&pid, getenv("LC_CLI"), &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(e, 0, "posix_spawn: %s", strerror(e));
	return pid;
}

static void wait_for(const char *journal, bool (*done)(const lc_sync_status *), const char *what)
{
	lc_sync_status st;
	lc_diag d;
	for (int i = 0; i < 3000; i++) {
		if (lc_sync_status_get(journal, &st, &d) == 0 && done(&st))
			return;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	cr_assert_fail("waited 30 s for %s", what);
}

static bool has_error(const lc_sync_status *st)
{
	return st->last_error[0] != 0;
}

static bool all_acked(const lc_sync_status *st)
{
	return st->pending == 0;
}

Test(fleet, server_killed_mid_sync_and_down_for_a_while_loses_and_duplicates_nothing)
{
	tpg spare_pg;
	cr_assert_eq(tpg_from_env(&spare_pg, "LC_TEST_PG2"), 0);
	/* 0. Three `lanecert fleet migrate` at once on a cluster that has none of lanecert's roles yet (this one
	 * was copied before the shared one was migrated): two on one database (the advisory lock lets one apply
	 * the migration, the other finds it done), one on another (roles are cluster-wide, the lock is not: the
	 * loser of the CREATE ROLE race uses the winner's role). */
	cr_assert_eq(ff_count(&spare_pg, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'lanecert\\_%'"),
		     1 /* lanecert_admin */);
	cr_assert_eq(tpg_sql(&spare_pg, "postgres", "CREATE DATABASE faults"), 0);
	cr_assert_eq(tpg_sql(&spare_pg, "postgres", "CREATE DATABASE faults2"), 0);
	char u1[1024], u2[1024];
	snprintf(u1, sizeof(u1), "%s", tpg_url(&spare_pg, "faults", "lanecert_admin"));
	snprintf(u2, sizeof(u2), "%s", tpg_url(&spare_pg, "faults2", "lanecert_admin"));
	char *m1[] = {"lanecert", "fleet", "migrate", u1, NULL}, *m2[] = {"lanecert", "fleet", "migrate", u2, NULL};
	pid_t mig[3] = {spawn_quiet(m1), spawn_quiet(m2), spawn_quiet(m1)};
	for (int i = 0; i < 3; i++) {
		int st;
		cr_assert_eq(waitpid(mig[i], &st, 0), mig[i]);
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "concurrent migrate %d: status %d", i, st);
	}
	cr_assert_eq(ff_count(&spare_pg, "faults", "SELECT count(*) FROM lanecert.schema_migrations"),
		     LC_FLEET_SCHEMA_VERSION);
	cr_assert_eq(ff_count(&spare_pg, "faults2", "SELECT count(*) FROM lanecert.schema_migrations"),
		     LC_FLEET_SCHEMA_VERSION);
	cr_assert_eq(ff_count(&spare_pg, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname IN"
						     " ('lanecert_station', 'lanecert_reader')"),
		     2);
	lc_fleet *f;
	lc_diag d;
	cr_assert_eq(ff_register(&spare_pg, "faults", fx, "st-a"), 0);
	cr_assert_eq(ff_register(&spare_pg, "faults", fx, "st-b"), 0);
	char *tmp = ff_scratch("fleet-faults"), *ja = ff_copy_journal(fx, "st-a", tmp),
	     *jb = ff_copy_journal(fx, "st-b", tmp);
	char url[1024];
	snprintf(url, sizeof(url), "%s", tpg_url(&spare_pg, "faults", "lanecert_admin"));

	/* 1. The server dies in the middle of the third batch, its transaction open: the pass stops with
	 * LC_ERR_IO, the two committed batches stay acknowledged, the rest pending, the error recorded. */
	struct kill_after k = {.server = &spare_pg, .batches = 2};
	snprintf(k.url, sizeof(k.url), "%s", url);
	f = connect_as(url);
	lc_sync_stats s;
	int rc = lc_sync_pass(ja, f, 25, &s, kill_server_after, &k, &d);
	lc_fleet_close(f);
	cr_assert(k.watching, "could not lock the table");
	pthread_join(k.watcher, NULL);
	PQfinish(k.locker);
	cr_assert(k.fired, "could not kill the server");
	cr_assert(k.saw_open_tx, "the server was killed, but not while a batch's transaction was open");
	cr_assert_eq(rc, LC_ERR_IO, "%d %s", rc, d.text);
	cr_assert_eq(s.batches, 2);
	lc_sync_status st;
	cr_assert_eq(lc_sync_status_get(ja, &st, &d), 0);
	cr_assert_eq(st.acknowledged, 50);
	cr_assert_eq(st.pending, RUNS - 50);
	cr_assert(st.last_error[0], "no error recorded");
	lc_store *js;
	cr_assert_eq(lc_store_open_mode(ja, LC_STORE_EXISTING, &js, &d), 0, "%s", d.text);
	cr_assert_eq(lc_store_integrity_check(js, &d), 0, "%s", d.text);
	lc_store_close(js);

	/* 2. While it is down: a one-shot sync exits 69 and says why; the service keeps trying. */
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "%s sync --db %s --to '%s' 2>%s/down.txt", getenv("LC_CLI"), jb, url, tmp);
	cr_assert_eq(th_run(cmd), 69);
	char *argv[] = {"lanecert", "sync", "--db", jb, "--to", url, "--service", "--interval", "1", "--max-backoff", "1",
			NULL};
	pid_t pid = spawn(argv);
	wait_for(jb, has_error, "the service to find the server down");
	cr_assert_eq(tpg_start(&spare_pg), 0);
	/* What the killed transaction had written is gone: the server holds the two committed batches only. */
	cr_assert_eq(ff_count(&spare_pg, "faults", "SELECT count(*) FROM lanecert.runs WHERE station = 'st-a'"), 50);
	cr_assert_eq(ff_count(&spare_pg, "faults", "SELECT count(*) FROM lanecert.reports WHERE station = 'st-a'"), 50);
	wait_for(jb, all_acked, "the service to deliver once the server is back");
	kill(pid, SIGTERM);
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the service's status after SIGTERM: %d", status);

	/* 3. The killed pass's journal, once more: the rest goes, nothing twice. */
	f = connect_as(url);
	cr_assert_eq(lc_sync_pass(ja, f, 25, &s, NULL, NULL, &d), 0, "%s", d.text);
	lc_fleet_close(f);
	cr_assert_eq(s.sent + s.duplicate, RUNS - 50);
	ff_assert_delivered(&spare_pg, "faults", ja, "st-a", RUNS);
	ff_assert_delivered(&spare_pg, "faults", jb, "st-b", RUNS);
	cr_assert_eq(lc_sync_status_get(jb, &st, &d), 0);
	cr_assert_eq(st.last_error[0], 0, "a successful pass clears the error: %s", st.last_error);
	free(ja), free(jb), ff_remove(tmp), free(tmp);
}

/* --with-files: each new report's HTML and its raw file go with it, stored under their SHA-256 (the raw file's
 * the one the report signed); a raw file changed on the station refuses its run; without the option only the
 * report (which carries the digests) goes. */
Test(fleet, with_files_uploads_the_files_the_report_signed)
{
	cr_assert_eq(ff_new_db(&pg, "files"), 0);
	char *tmp = ff_scratch("fleet-files");
	cr_assert_eq(ff_make_station_files(tmp, "st-f", 3, true), 0);
	cr_assert_eq(ff_register(&pg, "files", tmp, "st-f"), 0);
	char *j = ff_copy_journal(tmp, "st-f", tmp);
	/* Run 2's raw file changed after it was signed. */
	char path[4400];
	snprintf(path, sizeof(path), "%s/st-f/run0002/ber.log", tmp);
	th_spit(path, "not the signed log\n", 19);
	char url[1024];
	snprintf(url, sizeof(url), "%s", tpg_url(&pg, "files", "lanecert_station_st_f"));
	lc_fleet *f = connect_as(url);
	lc_sync_opts o = {.batch = 10, .with_files = true};
	lc_sync_stats s;
	lc_diag d;
	cr_assert_eq(lc_sync_pass_opts(j, f, &o, &s, NULL, NULL, &d), LC_ERR_VERIFY);
	lc_fleet_close(f);
	cr_assert_eq(s.sent, 2);
	cr_assert_eq(s.rejected, 1);
	cr_assert_eq(s.files, 4, "two runs, each with its HTML and its raw file");
	cr_assert(strstr(d.text, "raw file ber.log is not the one the report signed"), "%s", d.text);
	cr_assert_eq(ff_count(&pg, "files", "SELECT count(*) FROM lanecert.runs WHERE serial = 'st-f-0002'"), 0);
	cr_assert_eq(ff_count(&pg, "files", "SELECT count(*) FROM lanecert.report_files WHERE kind = 'raw'"), 2);
	cr_assert_eq(ff_count(&pg, "files", "SELECT count(*) FROM lanecert.report_files WHERE kind = 'html'"
					    " AND convert_from(bytes, 'UTF8') LIKE '%<html%'"),
		     2);
	/* Each stored raw file is the one its stored, signed report names by digest. */
	cr_assert_eq(ff_count(&pg, "files",
			      "SELECT count(*) FROM lanecert.report_files f JOIN lanecert.reports r ON r.sha256 ="
			      " f.report_sha256 WHERE f.kind = 'raw' AND position(f.sha256 IN convert_from(r.report, 'UTF8')) > 0"
			      " AND convert_from(f.bytes, 'UTF8') LIKE 'ber log of st-f-000%'"),
		     2);
	/* A station's role cannot store a file whose bytes are not its digest (the server's own check). */
	PGconn *conn = PQconnectdb(url);
	PGresult *res = PQexec(conn, "INSERT INTO lanecert.report_files (report_sha256, name, kind, station, sha256, bytes)"
				     " SELECT report_sha256, 'x.log', 'raw', station, encode(sha256('a'), 'hex'), 'b'::bytea"
				     " FROM lanecert.runs LIMIT 1");
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
	PQclear(res);
	PQfinish(conn);
	/* The command without --with-files: the remaining run goes (once its file is put back), with no files. */
	snprintf(path, sizeof(path), "%s/st-f/run0002/ber.log", tmp);
	th_spit(path, "ber log of st-f-0002\n", 21);
	char cmd[9000];
	snprintf(cmd, sizeof(cmd), "%s sync --db %s --to '%s' >/dev/null", getenv("LC_CLI"), j, url);
	cr_assert_eq(th_run(cmd), 0);
	cr_assert_eq(ff_count(&pg, "files", "SELECT count(*) FROM lanecert.runs"), 3);
	cr_assert_eq(ff_count(&pg, "files", "SELECT count(*) FROM lanecert.report_files"), 4);
	free(j), ff_remove(tmp), free(tmp);
}

/* TLS through libpq's sslmode in the URL: a server with TLS on 127.0.0.1 (tests/data/tls/localhost.crt, the
 * dashboard's test certificate, for 127.0.0.1 and localhost), `lanecert fleet migrate` and a sync over
 * sslmode=verify-full, the server's own view of the connection (pg_stat_ssl), and verify-full refusing a
 * server it cannot check. */
Test(fleet, tls_through_sslmode)
{
	tpg t;
	cr_assert_eq(tpg_from_env(&t, "LC_TEST_PG3"), 0);
	char crt[4200], key[4200];
	snprintf(crt, sizeof(crt), "%s/tests/data/tls/localhost.crt", getenv("LC_SOURCE_DIR"));
	snprintf(key, sizeof(key), "%s/tests/data/tls/localhost.key", getenv("LC_SOURCE_DIR"));
	cr_assert_eq(tpg_start_tls(&t, crt, key), 0, "could not start a server with TLS: see above");
	cr_assert_eq(tpg_sql(&t, "postgres", "CREATE DATABASE tlsdb"), 0);
	char url[5000], cmd[9000];
	snprintf(url, sizeof(url), "postgresql://lanecert_admin@127.0.0.1:%d/tlsdb?sslmode=verify-full&sslrootcert=%s",
		 t.port, crt);
	snprintf(cmd, sizeof(cmd), "%s fleet migrate '%s' >/dev/null", getenv("LC_CLI"), url);
	cr_assert_eq(th_run(cmd), 0, "%s", cmd);
	/* The session is encrypted, as the server sees it. */
	PGconn *conn = PQconnectdb(url);
	cr_assert_eq(PQstatus(conn), CONNECTION_OK, "%s", PQerrorMessage(conn));
	PGresult *res = PQexec(conn, "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
	cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	cr_expect_str_eq(PQgetvalue(res, 0, 0), "t");
	cr_expect(strncmp(PQgetvalue(res, 0, 1), "TLS", 3) == 0, "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	PQfinish(conn);
	/* A station's runs over it. */
	cr_assert_eq(ff_register(&t, "tlsdb", fx, "st-a"), 0);
	char *tmp = ff_scratch("fleet-tls"), *j = ff_copy_journal(fx, "st-a", tmp);
	lc_fleet *f = connect_as(url);
	lc_sync_stats s;
	lc_diag d;
	cr_assert_eq(lc_sync_pass(j, f, 100, &s, NULL, NULL, &d), 0, "%s", d.text);
	lc_fleet_close(f);
	cr_assert_eq(s.sent, RUNS);
	/* verify-full with no root certificate to check the server against: refused, not sent in the clear. */
	snprintf(url, sizeof(url), "postgresql://lanecert_admin@127.0.0.1:%d/tlsdb?sslmode=verify-full&sslrootcert=%s/none.crt",
		 t.port, tmp);
	cr_assert_lt(lc_fleet_connect(url, &f, &d), 0);
	cr_expect(strstr(d.text, "none.crt"), "%s", d.text);
	/* the server stays up until POST_ALL removes its cluster */
	free(j), ff_remove(tmp), free(tmp);
}
