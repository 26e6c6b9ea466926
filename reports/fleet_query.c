/* The fleet store's queries: the runs lc_store_query() would list, from every station (<lanecert/fleet.h>). */
#include "reports/fleet_priv.h"
#include "reports/fleet_query_priv.h"
#include "reports/store_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* As the SQLite store: a condition only for each filter given, every value a parameter, so each filter uses
 * its index (no "$1 IS NULL OR serial = $1", which would make the planner scan). */
struct where {
	char sql[1024];
	const char *vals[14];
	char since[24], until[24], newest[16], id[24], prefix_end[LC_SERIAL_PREFIX_MAX];
	int n;
};

static void add_op(struct where *w, const char *col, const char *op, const char *value)
{
	size_t len = strlen(w->sql);
	w->vals[w->n++] = value;
	snprintf(w->sql + len, sizeof(w->sql) - len, "%s%s %s $%d", w->n > 1 ? " AND " : " WHERE ", col, op, w->n);
}

static void add(struct where *w, const char *col, const char *value)
{
	add_op(w, col, "=", value);
}

static void build(struct where *w, const lc_store_filter *flt)
{
	snprintf(w->sql, sizeof(w->sql),
		 "SELECT id, serial, cable_type, slot, station, operator, procedure, start_ms, end_ms, verdict, reason,"
		 " report_sha256, attempt, job, customer, site FROM lanecert.runs");
	if (flt->serial)
		add(w, "serial", flt->serial);
	/* A prefix as a range in byte order: the index runs_serial_c (migration 2) is on serial COLLATE "C", so
	 * the range is the same whatever the database's collation (in a linguistic one, "A-C" sorts between "AB"
	 * and "AC"). lc_fleet_query() has checked that the prefix has an end. */
	if (flt->serial_prefix &&
	    lc_serial_prefix_end(flt->serial_prefix, w->prefix_end, sizeof(w->prefix_end), NULL) == 0) {
		add_op(w, "(serial COLLATE \"C\")", ">=", flt->serial_prefix);
		add_op(w, "(serial COLLATE \"C\")", "<", w->prefix_end);
	}
	if (flt->run_id) {
		snprintf(w->id, sizeof(w->id), "%lld", (long long)flt->run_id);
		add_op(w, "id", "=", w->id);
		size_t len = strlen(w->sql);
		snprintf(w->sql + len, sizeof(w->sql) - len, "::bigint");
	}
	if (flt->job)
		add(w, "job", flt->job);
	if (flt->station)
		add(w, "station", flt->station);
	if (flt->operator_name)
		add(w, "operator", flt->operator_name);
	if (flt->cable_type)
		add(w, "cable_type", flt->cable_type);
	if (flt->procedure)
		add(w, "procedure", flt->procedure);
	if (flt->verdict != -1)
		add(w, "verdict", lc_verdict_name((enum lc_verdict)flt->verdict));
	if (flt->since_ms != INT64_MIN) {
		snprintf(w->since, sizeof(w->since), "%lld", (long long)flt->since_ms);
		w->vals[w->n++] = w->since;
		size_t len = strlen(w->sql);
		snprintf(w->sql + len, sizeof(w->sql) - len, "%sstart_ms >= $%d::bigint", w->n > 1 ? " AND " : " WHERE ",
			 w->n);
	}
	if (flt->until_ms) {
		snprintf(w->until, sizeof(w->until), "%lld", (long long)flt->until_ms);
		w->vals[w->n++] = w->until;
		size_t len = strlen(w->sql);
		snprintf(w->sql + len, sizeof(w->sql) - len, "%sstart_ms < $%d::bigint", w->n > 1 ? " AND " : " WHERE ",
			 w->n);
	}
	size_t len = strlen(w->sql);
	if (flt->newest) {
		snprintf(w->newest, sizeof(w->newest), "%u", flt->newest);
		w->vals[w->n++] = w->newest;
		snprintf(w->sql + len, sizeof(w->sql) - len, " ORDER BY start_ms DESC, id DESC LIMIT $%d::bigint", w->n);
	} else {
		snprintf(w->sql + len, sizeof(w->sql) - len, " ORDER BY start_ms, id");
	}
}

int lc_fleet_query_sql(const lc_store_filter *flt, char *buf, size_t cap)
{
	struct where w = {.n = 0};
	build(&w, flt);
	snprintf(buf, cap, "%s", w.sql);
	return w.n;
}

int lc_fleet_query(lc_fleet *f, const lc_store_filter *flt, int (*fn)(const lc_store_row *row, void *user),
		   void *user, lc_diag *diag)
{
	if (!f || !fn)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection or callback");
	static const lc_store_filter all = {.since_ms = INT64_MIN, .verdict = -1};
	if (!flt)
		flt = &all;
	/* The fleet holds completed runs only: a run is sent once its report is signed. */
	if (flt->verdict == LC_STORE_INCOMPLETE)
		return 0;
	if (flt->verdict != -1 && lc_verdict_parse(lc_verdict_name((enum lc_verdict)flt->verdict)) != flt->verdict)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: %d is not a verdict", flt->verdict);
	char end[LC_SERIAL_PREFIX_MAX];
	int prc;
	if (flt->serial_prefix && (prc = lc_serial_prefix_end(flt->serial_prefix, end, sizeof(end), diag)) < 0)
		return prc;
	struct where w = {.n = 0};
	build(&w, flt);
	/* Prepared once per connection and combination of filters: a lookup then costs the index search, not
	 * the parsing and planning of the statement every time. */
	unsigned shape = (flt->serial ? 1u : 0) | (flt->station ? 2u : 0) | (flt->operator_name ? 4u : 0) |
			 (flt->cable_type ? 8u : 0) | (flt->procedure ? 16u : 0) | (flt->verdict != -1 ? 32u : 0) |
			 (flt->since_ms != INT64_MIN ? 64u : 0) | (flt->serial_prefix ? 128u : 0) | (flt->run_id ? 256u : 0) |
			 (flt->job ? 512u : 0) | (flt->until_ms ? 1024u : 0) | (flt->newest ? 2048u : 0);
	char name[16];
	snprintf(name, sizeof(name), "lc_query_%u", shape);
	if (!(f->prepared[shape / 8] & (1u << (shape % 8)))) {
		PGresult *p = PQprepare(f->conn, name, w.sql, w.n, NULL);
		if (!p || PQresultStatus(p) != PGRES_COMMAND_OK) {
			int rc = lc_fleet_fail(f, p, "query", diag);
			PQclear(p);
			return rc;
		}
		PQclear(p);
		f->prepared[shape / 8] |= (unsigned char)(1u << (shape % 8));
	}
	/* Single-row mode: a million rows stream through the callback instead of being held in memory at once. */
	if (!PQsendQueryPrepared(f->conn, name, w.n, w.vals, NULL, NULL, 0) || !PQsetSingleRowMode(f->conn))
		return lc_fleet_fail(f, NULL, "query", diag);
	int rc = 0, count = 0;
	PGresult *res;
	while ((res = PQgetResult(f->conn))) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE && rc == 0) {
			int vi = lc_verdict_parse(PQgetvalue(res, 0, 9));
			lc_store_row row = {
				.id = atoll(PQgetvalue(res, 0, 0)),
				.serial = PQgetvalue(res, 0, 1),
				.cable_type = PQgetvalue(res, 0, 2),
				.slot = atoi(PQgetvalue(res, 0, 3)),
				.station = PQgetvalue(res, 0, 4),
				.operator_name = PQgetisnull(res, 0, 5) ? NULL : PQgetvalue(res, 0, 5),
				.procedure = PQgetisnull(res, 0, 6) ? NULL : PQgetvalue(res, 0, 6),
				.start_ms = PQgetisnull(res, 0, 7) ? LC_TIME_NONE : atoll(PQgetvalue(res, 0, 7)),
				.end_ms = PQgetisnull(res, 0, 8) ? LC_TIME_NONE : atoll(PQgetvalue(res, 0, 8)),
				.complete = 1,
				.verdict = vi < 0 ? LC_VERDICT_NONE : (enum lc_verdict)vi,
				.reason = PQgetisnull(res, 0, 10) ? NULL : PQgetvalue(res, 0, 10),
				.report_path = NULL,
				.report_sha256 = PQgetvalue(res, 0, 11),
				.attempt = PQgetisnull(res, 0, 12) ? 0 : atoi(PQgetvalue(res, 0, 12)),
				.job = PQgetisnull(res, 0, 13) ? NULL : PQgetvalue(res, 0, 13),
				.customer = PQgetisnull(res, 0, 14) ? NULL : PQgetvalue(res, 0, 14),
				.site = PQgetisnull(res, 0, 15) ? NULL : PQgetvalue(res, 0, 15),
			};
			count++;
			rc = fn(&row, user); /* on a stop, the remaining rows are drained and dropped */
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && rc == 0) {
			rc = lc_fleet_fail(f, res, "query", diag);
		}
		PQclear(res);
	}
	return rc != 0 ? rc : count;
}
