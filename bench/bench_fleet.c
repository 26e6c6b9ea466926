/*
 * lanecert-bench fleet [--json] [--stations N] [--runs N] [--rows N] [--lookups N] [--no-server-check]: the fleet
 * store on a throwaway PostgreSQL server (initdb and pg_ctl from /usr/lib/postgresql, as the postgres user
 * when run as root, fsync off: the disk is not what is measured).
 *   ingest: N stations (8) sync their journals (--runs each, 250) at once through their own roles, every report
 *           verified (by the sync, then by the server's trigger) and stored once; baseline: a plain COPY of the
 *           very same rows (reports, runs, measurements) into an empty schema without its triggers, in the same
 *           run.
 *   lookup: the runs of one serial among --rows runs (1,000,000), through lc_store_query() (SQLite journal) and
 *           lc_fleet_query() (PostgreSQL), against the bare indexed statement "... WHERE serial = ?" prepared
 *           once, in 5 rounds whose order alternates after one untimed pass of each (ratio: median, min, max
 *           over the rounds), and (SQLite) the old "?1 IS NULL OR serial = ?1" form the store used to run.
 *   The ingest's baseline copies the rows the sync stored, so it can only run after it.
 */
#include <glob.h>
#include <libpq-fe.h>
#include <math.h>
#include <pthread.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "reports/fleet.h"
#include "reports/report.h"
#include "reports/store.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct server {
	char dir[256], bin[256];
	int port;
};

static int sh(const char *cmd, bool as_postgres)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s%s", as_postgres && geteuid() == 0 ? "runuser -u postgres -- " : "", cmd);
	int rc = system(full);
	if (rc != 0)
		lc_cli_error("bench", "'%s' failed", full);
	return rc == 0 ? 0 : -1;
}

static int server_start(struct server *s)
{
	glob_t g;
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
		lc_cli_error("bench", "no PostgreSQL server programs: apt install postgresql-15 (./bootstrap.sh)");
		return -1;
	}
	snprintf(s->bin, sizeof(s->bin), "%s", g.gl_pathv[g.gl_pathc - 1]);
	globfree(&g);
	*strrchr(s->bin, '/') = 0;
	snprintf(s->dir, sizeof(s->dir), "/tmp/lc-bench-pg-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	struct passwd *pw = geteuid() == 0 ? getpwnam("postgres") : NULL;
	if (geteuid() == 0 && (!pw || chown(s->dir, pw->pw_uid, pw->pw_gid) != 0))
		return -1;
	s->port = 5432;
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "%s/initdb -D %s/data -A trust -U lanecert_admin -N -E UTF8 --locale=C >/dev/null",
		 s->bin, s->dir);
	if (sh(cmd, true) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "%s/pg_ctl -D %s/data -l %s/log -w -o \"-c listen_addresses='' -c unix_socket_directories=%s -p %d"
		 " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB\" start >/dev/null",
		 s->bin, s->dir, s->dir, s->dir, s->port);
	return sh(cmd, true);
}

static void server_stop(struct server *s)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s/pg_ctl -D %s/data -m immediate stop >/dev/null", s->bin, s->dir);
	sh(cmd, true);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	sh(cmd, false);
}

static const char *url(const struct server *s, const char *db, const char *user)
{
	static __thread char u[600];
	snprintf(u, sizeof(u), "postgresql:///%s?host=%s&port=%d&user=%s", db, s->dir, s->port, user);
	return u;
}

static int exec_sql(const struct server *s, const char *db, const char *sql)
{
	PGconn *c = PQconnectdb(url(s, db, "lanecert_admin"));
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		lc_cli_error("bench", "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static int migrate(const struct server *s, const char *db)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
	lc_fleet *f;
	lc_diag d;
	if (exec_sql(s, "postgres", sql) < 0 || lc_fleet_connect(url(s, db, "lanecert_admin"), &f, &d) < 0)
		return -1;
	int rc = lc_fleet_migrate(f, &d);
	lc_fleet_close(f);
	return rc < 0 ? -1 : 0;
}

/* A station's journal with n signed runs of eight IL measurements each, in dir/ID. */
static int make_station(const char *dir, const char *id, int n, lc_pubkey *pub)
{
	char sdir[512], db[600];
	snprintf(sdir, sizeof(sdir), "%s/%s", dir, id);
	mkdir(sdir, 0755);
	snprintf(db, sizeof(db), "%s/results.db", sdir);
	lc_sign_key *key;
	lc_store *store;
	if (lc_sign_key_generate(&key, NULL) < 0 || lc_store_open(db, &store, NULL) < 0)
		return -1;
	lc_sign_key_public(key, pub);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		char serial[64], out[700];
		snprintf(serial, sizeof(serial), "%s-%06d", id, i);
		int64_t t0 = 1780000000000LL + (int64_t)i * 60000;
		lc_store_run_info info = {serial, "qsfpdd-8x50g-breakout", 0, id, "op", "il", t0, NULL, NULL, NULL};
		int64_t run_id;
		if ((rc = lc_store_begin_run(store, &info, &run_id, NULL)) < 0)
			break;
		lc_result *r = lc_result_new();
		lc_result_dut dut = {info.cable_type, serial, 0, NULL, 0};
		lc_result_set_station(r, id, id, NULL);
		lc_result_set_operator(r, "op", NULL);
		lc_result_set_procedure(r, "il", "1", NULL);
		lc_result_set_dut(r, &dut, NULL);
		lc_result_start(r, t0, NULL);
		int step = lc_result_add_step(r, "insertion_loss", t0, NULL);
		for (int lane = 1; lane <= 8; lane++) {
			lc_result_measurement m = {"insertion_loss", lane, 0.4 + 0.01 * lane, "dB", 1310, {NAN, 1.5, LC_LIMIT_LE},
						   NAN, LC_VERDICT_PASS};
			lc_result_add_measurement(r, step, &m, NULL);
		}
		lc_result_end_step(r, step, LC_VERDICT_NONE, t0 + 1000, NULL, NULL);
		lc_result_finish(r, LC_VERDICT_NONE, t0 + 2000, NULL, NULL);
		snprintf(out, sizeof(out), "%s/run%06d", sdir, i);
		lc_report_paths p;
		lc_report_options o = {.store = store, .run_id = run_id, .gnuplot = "", .no_html = true, .no_pdf = true};
		rc = lc_report_write(r, out, key, &p, &o, NULL);
		lc_result_free(r);
	}
	lc_store_close(store);
	lc_sign_key_free(key);
	return rc < 0 ? -1 : 0;
}

struct station {
	const struct server *srv;
	char id[32], journal[600];
	int rc;
	lc_sync_stats stats;
};

static void *sync_station(void *arg)
{
	struct station *st = arg;
	char role[64];
	snprintf(role, sizeof(role), "lanecert_station_%s", st->id);
	for (char *p = role; *p; p++)
		if (*p == '-')
			*p = '_';
	lc_fleet *f;
	lc_diag d;
	st->rc = lc_fleet_connect(url(st->srv, "ingest", role), &f, &d);
	if (st->rc == 0) {
		st->rc = lc_sync_pass(st->journal, f, 100, &st->stats, NULL, NULL, &d);
		lc_fleet_close(f);
	}
	if (st->rc < 0)
		lc_cli_error("bench", "sync %s: %s", st->id, d.text);
	return NULL;
}

/* COPY table TO STDOUT from one database into COPY table FROM STDIN of another: the rows in memory first, so
 * that only the COPY into the server is timed. */
static char *copy_out(PGconn *c, const char *table, size_t *len)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "COPY lanecert.%s TO STDOUT", table);
	PQclear(PQexec(c, sql));
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap), *row;
	int got;
	while ((got = PQgetCopyData(c, &row, 0)) > 0) {
		if (n + (size_t)got > cap) {
			while (n + (size_t)got > cap)
				cap *= 2;
			buf = realloc(buf, cap);
		}
		memcpy(buf + n, row, (size_t)got);
		n += (size_t)got;
		PQfreemem(row);
	}
	PQclear(PQgetResult(c));
	*len = n;
	return buf;
}

static int copy_in(PGconn *c, const char *table, const char *data, size_t len)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "COPY lanecert.%s FROM STDIN", table);
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	if (!ok || PQputCopyData(c, data, (int)len) != 1 || PQputCopyEnd(c, NULL) != 1)
		return -1;
	r = PQgetResult(c);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		lc_cli_error("bench", "COPY %s: %s", table, PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

static int count_rows(const lc_store_row *row, void *user)
{
	(void)row;
	++*(int *)user;
	return 0;
}

/* K lookups of random serials through fn; returns seconds. */
struct lookup {
	double ours, bare, old; /* seconds for all k lookups: medians over the rounds (old: one pass) */
	double r[3];            /* ours / bare per round: min, median, max */
	int found;
};

#define LOOKUP_ROUNDS 5

/* The serial of lookup i of a seeded sequence: both sides look up the same serials in the same order. */
static void nth_serial(unsigned *seed, int rows, char *serial, size_t cap)
{
	snprintf(serial, cap, "SN%07d", (int)(rand_r(seed) % (unsigned)rows));
}

/* ours(ctx, serial) and bare(ctx, serial) in LOOKUP_ROUNDS rounds of k / LOOKUP_ROUNDS lookups each, after one
 * untimed pass of each (the page cache, the server's buffers); the order alternates with the round, the
 * ratio is taken per round. */
static void alternate(void *ctx, void (*ours)(void *, const char *), void (*bare)(void *, const char *), int rows,
		      int k, struct lookup *out)
{
	char serial[32];
	unsigned seed = 7;
	for (int i = 0; i < k; i++) {
		nth_serial(&seed, rows, serial, sizeof(serial));
		ours(ctx, serial);
		bare(ctx, serial);
	}
	double to[LOOKUP_ROUNDS], tb[LOOKUP_ROUNDS], q[LOOKUP_ROUNDS], m[3];
	int per = k / LOOKUP_ROUNDS;
	for (int r = 0; r < LOOKUP_ROUNDS; r++) {
		for (int pass = 0; pass < 2; pass++) {
			bool bare_turn = (pass == 0) == (r % 2 == 1); /* ours first in even rounds */
			seed = 7 + (unsigned)r;
			double t = now_s();
			for (int i = 0; i < per; i++) {
				nth_serial(&seed, rows, serial, sizeof(serial));
				(bare_turn ? bare : ours)(ctx, serial);
			}
			*(bare_turn ? &tb[r] : &to[r]) = (now_s() - t) * LOOKUP_ROUNDS;
		}
		q[r] = to[r] / tb[r];
	}
	lc_bench_spread(q, LOOKUP_ROUNDS, out->r);
	lc_bench_spread(to, LOOKUP_ROUNDS, m);
	out->ours = m[1];
	lc_bench_spread(tb, LOOKUP_ROUNDS, m);
	out->bare = m[1];
}

struct sqlite_ctx {
	lc_store *store;
	sqlite3_stmt *bare;
	int *found;
};

static void sqlite_ours(void *ctx, const char *serial)
{
	struct sqlite_ctx *c = ctx;
	lc_store_filter f = {.serial = serial, .since_ms = LC_TIME_NONE, .verdict = -1};
	lc_store_query(c->store, &f, count_rows, c->found, NULL);
}

static void sqlite_bare(void *ctx, const char *serial)
{
	struct sqlite_ctx *c = ctx;
	sqlite3_bind_text(c->bare, 1, serial, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(c->bare) == SQLITE_ROW)
		;
	sqlite3_reset(c->bare);
}

struct pg_ctx {
	lc_fleet *f;
	PGconn *c;
	int *found;
};

static void pg_ours(void *ctx, const char *serial)
{
	struct pg_ctx *c = ctx;
	lc_store_filter flt = {.serial = serial, .since_ms = LC_TIME_NONE, .verdict = -1};
	lc_fleet_query(c->f, &flt, count_rows, c->found, NULL);
}

static void pg_bare(void *ctx, const char *serial)
{
	struct pg_ctx *c = ctx;
	const char *v[] = {serial};
	PQclear(PQexecPrepared(c->c, "bare", 1, v, NULL, NULL, 0));
}

static int bench_sqlite_lookup(const char *dir, int rows, int k, struct lookup *out)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/million.db", dir);
	lc_store *store;
	if (lc_store_open(path, &store, NULL) < 0)
		return -1;
	lc_store_close(store);
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL, NULL);
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(db,
			   "INSERT INTO runs (serial, cable_type, slot, station, operator, procedure, start_ms, end_ms, status,"
			   " verdict, attempt) VALUES (?1, 'dr4', 0, 'st', 'op', 'il', ?2, ?2 + 1000, 'complete', 'pass', 1)",
			   -1, &ins, NULL);
	for (int i = 0; i < rows; i++) {
		char serial[32];
		snprintf(serial, sizeof(serial), "SN%07d", i);
		sqlite3_bind_text(ins, 1, serial, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 2, 1780000000000LL + i);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (lc_store_open_mode(path, LC_STORE_EXISTING, &store, NULL) < 0)
		return -1;
	const char *bare_sql = "SELECT id, serial, cable_type, slot, station, operator, procedure, start_ms, end_ms, status,"
			       " verdict, reason, report_path, report_sha256, attempt FROM runs WHERE serial = ?1"
			       " ORDER BY start_ms, id";
	const char *old_sql = "SELECT id, serial, cable_type, slot, station, operator, procedure, start_ms, end_ms, status,"
			      " verdict, reason, report_path, report_sha256, attempt FROM runs WHERE (?1 IS NULL OR serial = ?1)"
			      " ORDER BY start_ms, id";
	struct sqlite_ctx c = {store, NULL, &out->found};
	sqlite3_prepare_v2(db, bare_sql, -1, &c.bare, NULL);
	alternate(&c, sqlite_ours, sqlite_bare, rows, k, out);
	sqlite3_finalize(c.bare);
	lc_store_close(store);
	/* the old form scans the table: a few lookups are enough, scaled to k */
	sqlite3_stmt *q;
	sqlite3_prepare_v2(db, old_sql, -1, &q, NULL);
	c.bare = q;
	unsigned seed = 7;
	int kk = k < 20 ? k : 20;
	char serial[32];
	double t = now_s();
	for (int i = 0; i < kk; i++) {
		nth_serial(&seed, rows, serial, sizeof(serial));
		sqlite_bare(&c, serial);
	}
	out->old = (now_s() - t) / kk * k;
	sqlite3_finalize(q);
	sqlite3_close(db);
	return 0;
}

static int bench_pg_lookup(const struct server *s, int rows, int k, struct lookup *out)
{
	if (migrate(s, "million") < 0)
		return -1;
	char sql[1024];
	/* The lookup's rows are synthetic, not signed reports: the server's signature check (schema 5) is off for
	 * them, in this database only. */
	snprintf(sql, sizeof(sql),
		 "ALTER TABLE lanecert.reports DISABLE TRIGGER verify_report;"
		 "ALTER TABLE lanecert.runs DISABLE TRIGGER runs_match_report;"
		 "INSERT INTO lanecert.stations VALUES ('st', 'lanecert_station_st');"
		 "INSERT INTO lanecert.station_keys (key_id, station, pubkey) VALUES ('0000000000000000', 'st', 'x');"
		 "INSERT INTO lanecert.reports (sha256, station, key_id, report, signature) SELECT"
		 " encode(sha256(('r' || g)::bytea), 'hex'), 'st', '0000000000000000', ('r' || g)::bytea, 'x'"
		 " FROM generate_series(0, %d) g;"
		 "INSERT INTO lanecert.runs (report_sha256, station, journal_id, serial, attempt, cable_type, slot, operator,"
		 " procedure, start_ms, end_ms, verdict) SELECT encode(sha256(('r' || g)::bytea), 'hex'), 'st', g,"
		 " 'SN' || lpad(g::text, 7, '0'), 1, 'dr4', 0, 'op', 'il', 1780000000000 + g, 1780000001000 + g, 'pass'"
		 " FROM generate_series(0, %d) g; ANALYZE lanecert.runs;",
		 rows - 1, rows - 1);
	if (exec_sql(s, "million", sql) < 0)
		return -1;
	lc_fleet *f;
	if (lc_fleet_connect(url(s, "million", "lanecert_admin"), &f, NULL) < 0)
		return -1;
	PGconn *c = PQconnectdb(url(s, "million", "lanecert_admin"));
	PQclear(PQprepare(c, "bare",
			  "SELECT id, serial, cable_type, slot, station, operator, procedure, start_ms, end_ms, verdict, reason,"
			  " report_sha256, attempt FROM lanecert.runs WHERE serial = $1 ORDER BY start_ms, id",
			  1, NULL));
	struct pg_ctx pc = {f, c, &out->found};
	alternate(&pc, pg_ours, pg_bare, rows, k, out);
	lc_fleet_close(f);
	PQfinish(c);
	return 0;
}

int lc_bench_fleet(int argc, char **argv)
{
	bool json = false, server_check = true;
	int stations = 8, runs = 250, rows = 1000000, lookups = 2000;
	for (int i = 1; i < argc; i++) {
		int *opt = strcmp(argv[i], "--stations") == 0 ? &stations
			   : strcmp(argv[i], "--runs") == 0   ? &runs
			   : strcmp(argv[i], "--rows") == 0   ? &rows
			   : strcmp(argv[i], "--lookups") == 0 ? &lookups
							      : NULL;
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--no-server-check") == 0) {
			server_check = false; /* what the server's signature check (schema 5) costs the ingest */
		} else if (opt && i + 1 < argc && atoi(argv[i + 1]) > 0) {
			*opt = atoi(argv[++i]);
		} else {
			lc_cli_error("bench", "usage: lanecert-bench fleet [--json] [--stations N] [--runs N] [--rows N] [--lookups N]"
					      " [--no-server-check]");
			return LC_EXIT_USAGE;
		}
	}
	if (stations > 64)
		stations = 64;
	if (lookups < LOOKUP_ROUNDS)
		lookups = LOOKUP_ROUNDS; /* at least one lookup per round */
	struct server srv;
	if (server_start(&srv) < 0)
		return LC_EXIT_UNAVAILABLE;
	/* The journals are written with fsync: on a RAM file system when there is one, the disk is not measured. */
	char dir[64];
	snprintf(dir, sizeof(dir), "%s/lc-bench-fleet-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	int rc = LC_EXIT_SOFTWARE;
	if (!mkdtemp(dir) || migrate(&srv, "ingest") < 0 || migrate(&srv, "copied") < 0)
		goto out;
	if (!server_check && exec_sql(&srv, "ingest",
				      "ALTER TABLE lanecert.reports DISABLE TRIGGER verify_report;"
				      "ALTER TABLE lanecert.runs DISABLE TRIGGER runs_match_report") < 0)
		goto out;
	/* Stations, their keys registered. */
	struct station st[64];
	lc_fleet *admin;
	if (lc_fleet_connect(url(&srv, "ingest", "lanecert_admin"), &admin, NULL) < 0)
		goto out;
	for (int i = 0; i < stations; i++) {
		lc_pubkey pub;
		st[i].srv = &srv;
		snprintf(st[i].id, sizeof(st[i].id), "bench-%d", i);
		/* from i, not from st[i].id: gcc -O0 reads a member of st as overlapping st (-Wrestrict) */
		snprintf(st[i].journal, sizeof(st[i].journal), "%s/bench-%d/results.db", dir, i);
		if (make_station(dir, st[i].id, runs, &pub) < 0 || lc_fleet_register_station(admin, st[i].id, &pub, NULL, NULL) < 0) {
			lc_fleet_close(admin);
			goto out;
		}
	}
	lc_fleet_close(admin);
	/* Ingest: every station at once. */
	pthread_t th[64];
	double t = now_s();
	for (int i = 0; i < stations; i++)
		pthread_create(&th[i], NULL, sync_station, &st[i]);
	int sent = 0;
	for (int i = 0; i < stations; i++) {
		pthread_join(th[i], NULL);
		if (st[i].rc < 0)
			goto out;
		sent += st[i].stats.sent;
	}
	double t_sync = now_s() - t;
	/* Baseline: the same rows by COPY into an empty schema (stations and keys first, untimed). */
	PGconn *from = PQconnectdb(url(&srv, "ingest", "lanecert_admin")), *to = PQconnectdb(url(&srv, "copied", "lanecert_admin"));
	const char *tables[] = {"stations", "station_keys", "reports", "runs", "measurements"};
	char *data[5];
	size_t len[5];
	for (int i = 0; i < 5; i++)
		data[i] = copy_out(from, tables[i], &len[i]);
	/* Plain: without the schema's triggers (COPY fires them too), so the baseline stays the bare write. */
	PQclear(PQexec(to, "ALTER TABLE lanecert.reports DISABLE TRIGGER USER; ALTER TABLE lanecert.runs DISABLE TRIGGER USER"));
	bool ok = copy_in(to, "stations", data[0], len[0]) == 0 && copy_in(to, "station_keys", data[1], len[1]) == 0;
	t = now_s();
	PQclear(PQexec(to, "BEGIN"));
	for (int i = 2; i < 5 && ok; i++)
		ok = copy_in(to, tables[i], data[i], len[i]) == 0;
	PQclear(PQexec(to, "COMMIT"));
	double t_copy = now_s() - t;
	for (int i = 0; i < 5; i++)
		free(data[i]);
	PQfinish(from);
	PQfinish(to);
	if (!ok || sent != stations * runs) {
		lc_cli_error("bench", "ingest: %d of %d runs stored", sent, stations * runs);
		goto out;
	}
	struct lookup lq = {0}, lp = {0};
	if (bench_sqlite_lookup(dir, rows, lookups, &lq) < 0 || bench_pg_lookup(&srv, rows, lookups, &lp) < 0)
		goto out;
	if (json) {
		printf("{\"stations\": %d, \"runs\": %d, \"sync_runs_per_s\": %.1f, \"copy_runs_per_s\": %.1f,"
		       " \"sync_vs_copy\": %.2f, \"rows\": %d, \"lookups\": %d,"
		       " \"sqlite_query_us\": %.1f, \"sqlite_bare_us\": %.1f, \"sqlite_ratio\": %.2f, \"sqlite_ratio_min\": %.2f,"
		       " \"sqlite_ratio_max\": %.2f, \"sqlite_old_form_ratio\": %.1f,"
		       " \"pg_query_us\": %.1f, \"pg_bare_us\": %.1f, \"pg_ratio\": %.2f, \"pg_ratio_min\": %.2f,"
		       " \"pg_ratio_max\": %.2f}\n",
		       stations, sent, sent / t_sync, sent / t_copy, t_sync / t_copy, rows, lookups, 1e6 * lq.ours / lookups,
		       1e6 * lq.bare / lookups, lq.r[1], lq.r[0], lq.r[2], lq.old / lq.bare, 1e6 * lp.ours / lookups,
		       1e6 * lp.bare / lookups, lp.r[1], lp.r[0], lp.r[2]);
	} else {
		printf("ingest, %d stations at once, %d runs (8 measurements each), every signature verified"
		       " (%s):\n",
		       stations, sent, server_check ? "station and server" : "station only: --no-server-check");
		printf("  lanecert sync        %8.1f runs/s\n  plain COPY, same rows %8.1f runs/s   (sync takes %.1fx the COPY's time)\n",
		       sent / t_sync, sent / t_copy, t_sync / t_copy);
		printf("lookup by serial among %d runs, %d lookups in %d rounds, the order alternating, after one untimed\n"
		       "pass of each; baseline: the bare statement; ratio median (min..max) over the rounds:\n",
		       rows, lookups, LOOKUP_ROUNDS);
		printf("  SQLite  lc_store_query %7.1f us   bare indexed statement %7.1f us   ratio %.2f (%.2f..%.2f)"
		       "   (the old '?1 IS NULL OR serial = ?1' form: %.0fx)\n",
		       1e6 * lq.ours / lookups, 1e6 * lq.bare / lookups, lq.r[1], lq.r[0], lq.r[2], lq.old / lq.bare);
		printf("  Postgres lc_fleet_query %6.1f us   bare prepared statement %6.1f us   ratio %.2f (%.2f..%.2f)\n",
		       1e6 * lp.ours / lookups, 1e6 * lp.bare / lookups, lp.r[1], lp.r[0], lp.r[2]);
	}
	rc = LC_EXIT_OK;
out:
	server_stop(&srv);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	sh(cmd, false);
	return rc;
}
