#include "tests/reports/fleet_fixture.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "reports/report.h"
#include "reports/store.h"
#include "tests/reports/helpers.h"

/* A small run: two steps, eight lanes of insertion loss, one lane over its limit in every seventh run. */
static int one_run(lc_store *store, const lc_sign_key *key, const char *id, const char *out, int i, bool files)
{
	char serial[64];
	snprintf(serial, sizeof(serial), "%s-%04d", id, i);
	int64_t t0 = 1780000000000LL + (int64_t)i * 60000;
	/* Two jobs in turn, for one customer: the fleet's job column and filter. */
	const char *job_id = i % 2 ? "PO-1" : "PO-2";
	lc_store_run_info info = {serial, i % 3 ? "qsfpdd-8x50g-breakout" : "mpo12-trunk", 0, id, "op", "il", t0, job_id,
				  "ACME", NULL};
	int64_t run_id;
	if (lc_store_begin_run(store, &info, &run_id, NULL) < 0)
		return -1;
	lc_result *r = lc_result_new();
	lc_result_dut dut = {info.cable_type, serial, 0, NULL, 0};
	lc_result_set_station(r, id, id, NULL);
	lc_result_set_operator(r, "op", NULL);
	lc_result_set_procedure(r, "il", "1", NULL);
	lc_result_set_dut(r, &dut, NULL);
	lc_result_set_job(r, &(lc_result_job){job_id, "ACME", NULL}, NULL);
	lc_result_start(r, t0, NULL);
	int step = lc_result_add_step(r, "insertion_loss", t0, NULL);
	for (int lane = 1; lane <= 8; lane++) {
		double v = 0.4 + 0.01 * lane + (i % 7 == 3 && lane == 5 ? 2.0 : 0);
		lc_result_measurement m = {"insertion_loss", lane, v, "dB", 1310, {NAN, 1.5, LC_LIMIT_LE}, NAN,
					   v <= 1.5 ? LC_VERDICT_PASS : LC_VERDICT_FAIL};
		lc_result_add_measurement(r, step, &m, NULL);
	}
	if (files) { /* a raw file the report signs, and (below) its HTML rendering */
		char log[64];
		int len = snprintf(log, sizeof(log), "ber log of %s\n", serial);
		lc_result_add_raw_data(r, "ber.log", "ber_log", log, (size_t)len, NULL);
	}
	lc_result_end_step(r, step, LC_VERDICT_NONE, t0 + 1000, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, t0 + 2000, NULL, NULL);
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/run%04d", out, i);
	lc_report_paths p;
	lc_report_options o = {.store = store, .run_id = run_id, .gnuplot = "", .no_html = !files, .no_pdf = true};
	lc_diag d;
	int rc = lc_report_write(r, dir, key, &p, &o, &d);
	if (rc < 0)
		fprintf(stderr, "fleet fixture: %s\n", d.text);
	lc_result_free(r);
	return rc;
}

const char *ff_suite_setup(tpg *pg)
{
	cr_assert_eq(tpg_from_env(pg, "LC_TEST_PG"), 0, "no shared PostgreSQL cluster: see the messages above (initdb, pg_ctl)");
	const char *fx = getenv("LC_TEST_FLEET_DIR");
	cr_assert(fx);
	return fx;
}

char *ff_scratch(const char *tag)
{
	/* The journals and reports are written with fsync (a certification record must survive a power cut):
	 * on a RAM file system that costs nothing, which keeps these tests to seconds. A small /dev/shm (a
	 * container's 64 MB) is not used. */
	struct statvfs v;
	const char *base = statvfs("/dev/shm", &v) == 0 && (uint64_t)v.f_bavail * v.f_frsize > (512ull << 20)
				   ? "/dev/shm"
				   : "/tmp";
	char *p = malloc(4200);
	snprintf(p, 4200, "%s/lc-%s-XXXXXX", base, tag);
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

void ff_remove(const char *dir)
{
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	th_run(cmd);
}

int ff_make_station(const char *dir, const char *id, int n)
{
	return ff_make_station_files(dir, id, n, false);
}

int ff_make_station_files(const char *dir, const char *id, int n, bool files)
{
	char sdir[4096], db[4200], pub[4200], keyp[4200];
	snprintf(sdir, sizeof(sdir), "%s/%s", dir, id);
	mkdir(sdir, 0755);
	snprintf(db, sizeof(db), "%s/results.db", sdir);
	snprintf(pub, sizeof(pub), "%s/station.pub", sdir);
	snprintf(keyp, sizeof(keyp), "%s/station.key", sdir);
	lc_sign_key *key;
	lc_store *store;
	if (lc_sign_key_generate(&key, NULL) < 0)
		return -1;
	if (lc_keypair_write(pub, keyp, key, NULL, lc_kdf_minimum(), NULL) < 0 || lc_store_open(db, &store, NULL) < 0) {
		lc_sign_key_free(key);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = one_run(store, key, id, sdir, i, files);
	lc_store_close(store);
	lc_sign_key_free(key);
	return rc < 0 ? -1 : 0;
}

char *ff_copy_journal(const char *dir, const char *id, const char *to_dir)
{
	char *to = malloc(4200), cmd[9000];
	snprintf(to, 4200, "%s/%s.db", to_dir, id);
	/* The store is closed: the WAL was checkpointed into the file, which is all there is to copy. */
	snprintf(cmd, sizeof(cmd), "cp %s/%s/results.db %s", dir, id, to);
	cr_assert_eq(th_run(cmd), 0, "%s", cmd);
	return to;
}

int ff_new_db(const tpg *c, const char *db)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE fleet_template", db);
	/* PostgreSQL copies a template only while nobody else is connected to it, and another test may be copying
	 * it right now: try again for a while. */
	for (int i = 0; i < 200; i++) {
		if (tpg_sql(c, "postgres", sql) == 0)
			return 0;
		usleep(20000);
	}
	return -1;
}

int ff_register(const tpg *c, const char *db, const char *dir, const char *id)
{
	char pubp[4200];
	snprintf(pubp, sizeof(pubp), "%s/%s/station.pub", dir, id);
	lc_pubkey pub;
	lc_fleet *f;
	lc_diag d;
	int rc = lc_pubkey_load(pubp, &pub, &d);
	if (rc == 0 && (rc = lc_fleet_connect(tpg_url(c, db, "lanecert_admin"), &f, &d)) == 0) {
		rc = lc_fleet_register_station(f, id, &pub, NULL, &d);
		lc_fleet_close(f);
	}
	if (rc < 0)
		fprintf(stderr, "register %s: %s\n", id, d.text);
	return rc;
}

int64_t ff_count(const tpg *c, const char *db, const char *sql)
{
	PGconn *conn = PQconnectdb(tpg_url(c, db, "lanecert_admin"));
	int64_t v = -1;
	PGresult *res = PQexec(conn, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = atoll(PQgetvalue(res, 0, 0));
	else
		fprintf(stderr, "ff_count %s: %s\n", sql, PQerrorMessage(conn));
	PQclear(res);
	PQfinish(conn);
	return v;
}

void ff_assert_delivered(const tpg *c, const char *db, const char *journal, const char *id, int n)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM lanecert.runs WHERE station = '%s'", id);
	cr_assert_eq(ff_count(c, db, sql), n, "runs of %s on the server", id);
	snprintf(sql, sizeof(sql), "SELECT count(DISTINCT journal_id) FROM lanecert.runs WHERE station = '%s'", id);
	cr_assert_eq(ff_count(c, db, sql), n, "distinct journal runs of %s (a duplicate?)", id);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM lanecert.reports WHERE station = '%s'", id);
	cr_assert_eq(ff_count(c, db, sql), n, "reports of %s", id);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM lanecert.measurements WHERE station = '%s'", id);
	cr_assert_eq(ff_count(c, db, sql), 8 * n, "measurements of %s", id);
	lc_fleet *f;
	lc_diag d;
	cr_assert_eq(lc_fleet_connect(tpg_url(c, db, "lanecert_admin"), &f, &d), 0, "%s", d.text);
	int checked = lc_fleet_verify_all(f, &d);
	lc_fleet_close(f);
	cr_assert_geq(checked, n, "signatures: %s", checked < 0 ? d.text : "too few");
	lc_sync_status st;
	cr_assert_eq(lc_sync_status_get(journal, &st, &d), 0, "%s", d.text);
	cr_assert_eq(st.pending, 0);
	cr_assert_eq(st.acknowledged, n);
	lc_store *s;
	cr_assert_eq(lc_store_open_mode(journal, LC_STORE_EXISTING, &s, &d), 0, "%s", d.text);
	cr_assert_eq(lc_store_integrity_check(s, &d), 0, "%s", d.text);
	lc_store_close(s);
}
