/* The fleet store's ingest: verify each report a station sends, store it once (reports/fleet_priv.h). */
#include "reports/fleet_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_verify_priv.h"

static int reject(lc_fleet_item *it, const char *fmt, const char *a, const char *b, const char *c)
{
	snprintf(it->error, sizeof(it->error), fmt, a, b, c);
	it->outcome = LC_ERR_VERIFY;
	return 0;
}

/* The key a signature names, as 16 hex digits. */
static int sig_key_id(const lc_fleet_item *it, char kid[LC_KEY_ID_HEX_LEN + 1], lc_diag *diag)
{
	lc_signature *sig = malloc(sizeof(*sig));
	if (!sig)
		return lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
	int rc = lc_signature_parse(it->sig, it->sig_len, sig, diag);
	if (rc == 0) {
		lc_pubkey p;
		memcpy(p.keynum, sig->keynum, sizeof(p.keynum));
		memset(p.pk, 0, sizeof(p.pk));
		lc_pubkey_id(&p, kid);
	}
	free(sig);
	return rc;
}

static void num(char *buf, size_t cap, double v, const char **out)
{
	if (isnan(v)) {
		*out = NULL;
		return;
	}
	snprintf(buf, cap, "%.17g", v);
	*out = buf;
}

/* The run's measurements in one INSERT (one round trip per report, not per measurement). Parameters: $1 the
 * run's id, $2 its station, then M_COLS per measurement. */
#define M_COLS 12
struct m_nums {
	char idx[16], lane[16], value[32], wl[32], low[32], high[32], margin[32];
};

static int insert_measurements(lc_fleet *f, const char *run_id, const char *station, const lc_result *r,
			       lc_diag *diag)
{
	size_t n = lc_result_measurement_count(r);
	if (n == 0)
		return 0;
	if (n > 5000) /* PostgreSQL takes at most 65535 parameters per statement */
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "fleet: a report with %zu measurements (at most 5000)", n);
	const char **v = calloc(2 + n * M_COLS, sizeof(*v));
	struct m_nums *nb = calloc(n, sizeof(*nb));
	size_t cap = 200 + n * 120;
	char *sql = malloc(cap);
	int rc;
	if (!v || !nb || !sql) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
		goto out;
	}
	v[0] = run_id;
	v[1] = station;
	size_t len = (size_t)snprintf(sql, cap,
				      "INSERT INTO lanecert.measurements (run_id, idx, station, step, name, lane, value,"
				      " unit, wavelength_nm, comparison, low, high, margin, verdict) VALUES ");
	for (size_t i = 0; i < n; i++) {
		size_t step = 0;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, &step);
		const lc_result_step *s = lc_result_step_at(r, step);
		const char **row = v + 2 + i * M_COLS;
		struct m_nums *b = &nb[i];
		snprintf(b->idx, sizeof(b->idx), "%zu", i);
		snprintf(b->lane, sizeof(b->lane), "%d", m->lane);
		double margin = isnan(m->margin) ? lc_result_limit_margin(&m->limit, m->value) : m->margin;
		row[0] = b->idx;
		row[1] = s ? s->name : NULL;
		row[2] = m->name;
		row[3] = m->lane == LC_LANE_NONE ? NULL : b->lane;
		num(b->value, sizeof(b->value), m->value, &row[4]);
		row[5] = m->unit;
		num(b->wl, sizeof(b->wl), m->wavelength_nm, &row[6]);
		row[7] = lc_result_cmp_name(m->limit.comparison);
		num(b->low, sizeof(b->low), m->limit.low, &row[8]);
		num(b->high, sizeof(b->high), m->limit.high, &row[9]);
		num(b->margin, sizeof(b->margin), margin, &row[10]);
		row[11] = lc_verdict_name(m->verdict);
		int p = 3 + (int)(i * M_COLS);
		len += (size_t)snprintf(sql + len, cap - len,
					"%s($1::bigint,$%d::int,$2,$%d,$%d,$%d::int,$%d::float8,$%d,$%d::float8,$%d,"
					"$%d::float8,$%d::float8,$%d::float8,$%d)",
					i ? "," : "", p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8, p + 9,
					p + 10, p + 11);
	}
	rc = lc_fleet_run(f, sql, (int)(2 + n * M_COLS), v, "store measurements", diag);
out:
	free(v), free(nb), free(sql);
	return rc;
}

/* ---- the files beside a report (lc_sync_opts.with_files) ---- */

#define FILE_UPLOAD_MAX (64u << 20) /* per file: a SOR trace is kilobytes, a PDF report a few megabytes */
#define FILES_MAX 64

struct upload {
	char name[256];
	const char *kind;
	char *bytes;
	size_t len;
	char sha[LC_SHA256_HEX_LEN + 1];
};

struct uploads {
	struct upload f[FILES_MAX];
	size_t n;
};

static void uploads_free(struct uploads *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->f[i].bytes);
	u->n = 0;
}

/* Read one file of the report's folder into u; absent: nothing added, 0. Refuses (it->error, LC_ERR_VERIFY)
 * a raw file whose digest is not want, or any file over FILE_UPLOAD_MAX. */
static int read_upload(lc_fleet_item *it, const char *dir, const char *name, const char *kind, const char *want,
		       struct uploads *u)
{
	if (u->n == FILES_MAX) {
		reject(it, "more than %s files beside report %s%s", "64", it->report_path, "");
		return LC_ERR_VERIFY;
	}
	char path[4400];
	if (!name[0] || name[0] == '.' || strchr(name, '/') || strlen(name) >= sizeof(u->f[0].name) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		reject(it, "the report names a raw file \"%.200s\" that cannot be a file of its folder%s%s", name, "", "");
		return LC_ERR_VERIFY;
	}
	struct upload *up = &u->f[u->n];
	lc_diag d;
	int rc = lc_read_file(path, FILE_UPLOAD_MAX, &up->bytes, &up->len, &d);
	if (rc == LC_ERR_NOT_FOUND)
		return 0;
	if (rc < 0) {
		reject(it, "%s: %s%s", name, lc_diag_message(&d), "");
		return LC_ERR_VERIFY;
	}
	lc_result_sha256_hex(up->bytes, up->len, up->sha);
	if (want && strcmp(want, up->sha) != 0) {
		free(up->bytes);
		reject(it, "raw file %s is not the one the report signed (its SHA-256 is %s, the report has %s)", name,
		       up->sha, want);
		return LC_ERR_VERIFY;
	}
	snprintf(up->name, sizeof(up->name), "%s", name);
	up->kind = kind;
	u->n++;
	return 0;
}

/* The files to upload with a verified report r: its renderings, and its raw files checked against the
 * digests it signed. LC_ERR_VERIFY (it rejected) when a raw file differs; LC_ERR_NOMEM. */
static int read_uploads(lc_fleet_item *it, const lc_result *r, struct uploads *u)
{
	char dir[4200];
	const char *slash = it->report_path ? strrchr(it->report_path, '/') : NULL;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - it->report_path) : 1, slash ? it->report_path : ".");
	int rc = read_upload(it, dir, "report.html", "html", NULL, u);
	if (rc == 0)
		rc = read_upload(it, dir, "report.pdf", "pdf", NULL, u);
	for (size_t i = 0; i < lc_result_raw_count(r) && rc == 0; i++) {
		const lc_result_raw *raw = lc_result_raw_at(r, i);
		rc = read_upload(it, dir, raw->name, "raw", raw->sha256, u);
	}
	if (rc < 0)
		uploads_free(u);
	return rc;
}

static int insert_uploads(lc_fleet *f, const char *report_sha, const char *station, const struct uploads *u,
			  lc_diag *diag)
{
	for (size_t i = 0; i < u->n; i++) {
		const struct upload *up = &u->f[i];
		const char *v[] = {report_sha, up->name, up->kind, station, up->sha, up->bytes};
		int lens[] = {0, 0, 0, 0, 0, (int)up->len}, fmts[] = {0, 0, 0, 0, 0, 1};
		int rc;
		PGresult *res = lc_fleet_exec_binary(f,
						     "INSERT INTO lanecert.report_files (report_sha256, name, kind, station,"
						     " sha256, bytes) VALUES ($1, $2, $3, $4, $5, $6)",
						     6, v, lens, fmts, false, "store file", &rc, diag);
		if (!res)
			return rc;
		PQclear(res);
	}
	return 0;
}

/* The keys a batch has looked up (lc_fleet_ingest: one transaction). */
#define KEY_CACHE 4
struct cached_key {
	char kid[LC_KEY_ID_HEX_LEN + 1], station[256], bad[200];
	bool known, revoked;
	lc_pubkey pub;
};
struct key_cache {
	struct cached_key k[KEY_CACHE];
	size_t n;
};

static int ingest_one(lc_fleet *f, const char *my_station, lc_fleet_item *it, struct key_cache *kc, lc_diag *diag)
{
	char sha[LC_SHA256_HEX_LEN + 1], kid[LC_KEY_ID_HEX_LEN + 1];
	lc_diag d;
	lc_result_sha256_hex(it->json, it->json_len, sha);
	if (!it->sha256 || strcmp(sha, it->sha256) != 0)
		return reject(it, "report.json is not the file the run wrote (its SHA-256 is %s, the journal has %s)%s", sha,
			      it->sha256 ? it->sha256 : "none", "");
	if (sig_key_id(it, kid, &d) < 0)
		return reject(it, "the signature is malformed: %s%s%s", lc_diag_message(&d), "", "");
	int rc;
	/* The key, from the batch's cache or the server: a batch is one station's reports, so one lookup per key
	 * and batch instead of one round trip per report. (A key revoked while the batch runs may still pass here
	 * for the rest of it; a station role's inserts are checked against revocation by row-level security.) */
	struct cached_key *ck = NULL;
	for (size_t i = 0; i < kc->n && !ck; i++)
		if (strcmp(kc->k[i].kid, kid) == 0)
			ck = &kc->k[i];
	if (!ck) {
		const char *kv[] = {kid};
		PGresult *res = lc_fleet_exec(f,
					      "SELECT station, pubkey, revoked_at IS NOT NULL FROM lanecert.station_keys"
					      " WHERE key_id = $1",
					      1, kv, "station key", &rc, diag);
		if (!res)
			return rc;
		ck = &kc->k[kc->n < KEY_CACHE ? kc->n++ : KEY_CACHE - 1];
		memset(ck, 0, sizeof(*ck));
		snprintf(ck->kid, sizeof(ck->kid), "%s", kid);
		ck->known = PQntuples(res) == 1;
		if (ck->known) {
			snprintf(ck->station, sizeof(ck->station), "%s", PQgetvalue(res, 0, 0));
			ck->revoked = PQgetvalue(res, 0, 2)[0] == 't';
			if (lc_pubkey_parse(PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1), &ck->pub, &d) < 0)
				snprintf(ck->bad, sizeof(ck->bad), "%s", lc_diag_message(&d));
		}
		PQclear(res);
	}
	if (!ck->known)
		return reject(it, "the report is signed with key %s, which no station registered%s%s", kid, "", "");
	char key_station[256];
	snprintf(key_station, sizeof(key_station), "%s", ck->station);
	if (ck->revoked)
		return reject(it, "the report is signed with key %s of station %s, which is revoked", kid, key_station, "");
	if (ck->bad[0])
		return reject(it, "the registered key %s is unreadable: %s%s", kid, ck->bad, "");
	lc_pubkey pub = ck->pub;
	lc_report_verify_info info;
	memset(&info, 0, sizeof(info));
	lc_result *r = NULL;
	if (lc_report_verify_mem(it->json, it->json_len, it->sig, it->sig_len, &pub, &info, &r, &d) < 0)
		return reject(it, "the report does not verify against key %s of station %s: %s", kid, key_station,
			      lc_diag_message(&d));
	const char *station = lc_result_station_id(r) ? lc_result_station_id(r) : lc_result_station_name(r);
	if (!station || strcmp(station, key_station) != 0) {
		reject(it, "the report of station %s is signed with key %s of station %s", station ? station : "(none)",
		       kid, key_station);
		lc_result_free(r);
		return 0;
	}
	if (my_station && strcmp(my_station, station) != 0) {
		reject(it, "the report of station %s cannot be sent with the role of station %s%s", station, my_station,
		       "");
		lc_result_free(r);
		return 0;
	}
	/* The files are read and checked before anything is stored: a raw file that is not the signed one refuses
	 * the run as a whole. */
	struct uploads up = {.n = 0};
	if (it->with_files) {
		int urc = read_uploads(it, r, &up);
		if (urc < 0) {
			lc_result_free(r);
			return urc == LC_ERR_VERIFY ? 0 : lc_diag_set(diag, urc, "fleet: out of memory");
		}
	}
	/* Stored once: a report the server has (same SHA-256) is acknowledged, not stored again. */
	const char *rv[] = {sha, station, kid, it->json, it->sig};
	int lens[] = {0, 0, 0, (int)it->json_len, 0}, fmts[] = {0, 0, 0, 1, 0};
	PGresult *res = lc_fleet_exec_binary(f,
					     "INSERT INTO lanecert.reports (sha256, station, key_id, report, signature)"
					     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING RETURNING 1",
					     5, rv, lens, fmts, false, "store report", &rc, diag);
	if (!res) {
		lc_result_free(r);
		uploads_free(&up);
		return rc;
	}
	bool fresh = PQntuples(res) == 1;
	PQclear(res);
	if (!fresh) {
		it->outcome = 2;
		lc_result_free(r);
		uploads_free(&up);
		return 0;
	}
	lc_result_dut dut = lc_result_get_dut(r);
	lc_result_job job = lc_result_get_job(r); /* as signed in the report, not as the journal says */
	char jid[24], att[16], slot[16], st[24], en[24], reason[1024];
	snprintf(jid, sizeof(jid), "%lld", (long long)it->journal_id);
	snprintf(att, sizeof(att), "%d", it->attempt > 0 ? it->attempt : dut.attempt);
	snprintf(slot, sizeof(slot), "%d", dut.slot);
	snprintf(st, sizeof(st), "%lld", (long long)lc_result_start_ms(r));
	snprintf(en, sizeof(en), "%lld", (long long)lc_result_end_ms(r));
	enum lc_verdict verdict = lc_result_verdict(r);
	lc_result_explain(r, reason, sizeof(reason));
	const char *runv[] = {sha,
			      station,
			      jid,
			      dut.serial,
			      (it->attempt > 0 || dut.attempt > 0) ? att : NULL,
			      dut.cable_type,
			      slot,
			      lc_result_operator(r),
			      lc_result_procedure_name(r),
			      lc_result_start_ms(r) == LC_TIME_NONE ? NULL : st,
			      lc_result_end_ms(r) == LC_TIME_NONE ? NULL : en,
			      lc_verdict_name(verdict),
			      verdict == LC_VERDICT_PASS || !reason[0] ? NULL : reason,
			      job.job,
			      job.customer,
			      job.site};
	res = lc_fleet_exec(f,
			    "INSERT INTO lanecert.runs (report_sha256, station, journal_id, serial, attempt, cable_type,"
			    " slot, operator, procedure, start_ms, end_ms, verdict, reason, job, customer, site)"
			    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
			    16, runv, "store run", &rc, diag);
	if (!res) {
		lc_result_free(r);
		uploads_free(&up);
		return rc;
	}
	char run_id[24];
	snprintf(run_id, sizeof(run_id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	rc = insert_measurements(f, run_id, station, r, diag);
	if (rc == 0)
		rc = insert_uploads(f, sha, station, &up, diag);
	if (rc == 0) {
		it->outcome = 1;
		it->files = (int)up.n;
	}
	lc_result_free(r);
	uploads_free(&up);
	return rc;
}

int lc_fleet_ingest(lc_fleet *f, lc_fleet_item *items, size_t n, lc_diag *diag)
{
	if (!f || (!items && n))
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection or items");
	bool *refused = calloc(n ? n : 1, sizeof(*refused));
	if (!refused)
		return lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
	int rc;
	/* The server checks every signature again (schema 5) and refuses, with the whole transaction, a report
	 * that passed here only by a race (its key revoked meanwhile) or a row that does not hold: that item is
	 * then refused with the server's reason and the batch sent again without it (at most n times). */
again:
	if ((rc = lc_fleet_run(f, "BEGIN", 0, NULL, "ingest", diag)) < 0)
		goto out;
	PGresult *res = lc_fleet_exec(f, "SELECT lanecert.my_station()", 0, NULL, "ingest", &rc, diag);
	if (!res)
		goto fail;
	char mine[256] = "";
	bool is_station = !PQgetisnull(res, 0, 0);
	if (is_station)
		snprintf(mine, sizeof(mine), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	struct key_cache kc = {.n = 0};
	for (size_t i = 0; i < n; i++) {
		if (refused[i])
			continue;
		items[i].outcome = 0;
		items[i].error[0] = 0;
		if ((rc = ingest_one(f, is_station ? mine : NULL, &items[i], &kc, diag)) == LC_ERR_VERIFY) {
			refused[i] = true;
			items[i].outcome = LC_ERR_VERIFY;
			snprintf(items[i].error, sizeof(items[i].error), "%s", lc_diag_message(diag));
			PQclear(PQexec(f->conn, "ROLLBACK"));
			goto again;
		}
		if (rc < 0)
			goto fail;
	}
	if ((rc = lc_fleet_run(f, "COMMIT", 0, NULL, "ingest commit", diag)) == 0)
		goto out;
fail:
	PQclear(PQexec(f->conn, "ROLLBACK"));
	for (size_t i = 0; i < n; i++)
		items[i].outcome = 0;
out:
	free(refused);
	return rc;
}

int lc_fleet_verify_all(lc_fleet *f, lc_diag *diag)
{
	if (!f)
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection");
	int rc, checked = 0;
	/* A cursor: the reports are read a few hundred at a time, never all at once. */
	if ((rc = lc_fleet_run(f, "BEGIN", 0, NULL, "verify", diag)) < 0)
		return rc;
	if ((rc = lc_fleet_run(f,
			       "DECLARE lc_verify NO SCROLL CURSOR FOR SELECT r.sha256, r.station, k.station, k.pubkey,"
			       " r.report, r.signature FROM lanecert.reports r JOIN lanecert.station_keys k"
			       " ON k.key_id = r.key_id ORDER BY r.received_at, r.sha256",
			       0, NULL, "verify", diag)) < 0)
		goto out;
	for (;;) {
		PGresult *res = lc_fleet_exec_binary(f, "FETCH 200 FROM lc_verify", 0, NULL, NULL, NULL, true, "verify", &rc,
						     diag);
		if (!res)
			goto out;
		int rows = PQntuples(res);
		for (int i = 0; i < rows && rc == 0; i++) {
			/* Binary results: text columns are their bytes without NUL; copy them out. */
			char sha[LC_SHA256_HEX_LEN + 1], st[256], kst[256];
			snprintf(sha, sizeof(sha), "%.*s", PQgetlength(res, i, 0), PQgetvalue(res, i, 0));
			snprintf(st, sizeof(st), "%.*s", PQgetlength(res, i, 1), PQgetvalue(res, i, 1));
			snprintf(kst, sizeof(kst), "%.*s", PQgetlength(res, i, 2), PQgetvalue(res, i, 2));
			lc_pubkey pub;
			lc_report_verify_info info;
			memset(&info, 0, sizeof(info));
			lc_result *r = NULL;
			lc_diag d;
			if (strcmp(st, kst) != 0)
				rc = lc_diag_set(diag, LC_ERR_VERIFY, "fleet: report %s of station %s names a key of station %s",
						 sha, st, kst);
			else if (lc_pubkey_parse(PQgetvalue(res, i, 3), (size_t)PQgetlength(res, i, 3), &pub, &d) < 0 ||
				 lc_report_verify_mem(PQgetvalue(res, i, 4), (size_t)PQgetlength(res, i, 4),
						      PQgetvalue(res, i, 5), (size_t)PQgetlength(res, i, 5), &pub, &info, &r,
						      &d) < 0)
				rc = lc_diag_set(diag, LC_ERR_VERIFY, "fleet: report %s of station %s does not verify: %s", sha,
						 st, lc_diag_message(&d));
			else
				checked++;
			lc_result_free(r);
		}
		PQclear(res);
		if (rc < 0 || rows == 0)
			break;
	}
out:
	PQclear(PQexec(f->conn, rc < 0 ? "ROLLBACK" : "COMMIT"));
	return rc < 0 ? rc : checked;
}
