/* The fleet store's ingest: verify each report a station sends, store it once (reports/fleet_priv.h). */
#include "reports/fleet_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_verify_priv.h"

int lc_fleet_reject(lc_fleet_item *it, const char *fmt, const char *a, const char *b, const char *c)
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

/* The run's measurements in one INSERT (one statement per report, not per measurement), queued in the
 * pipeline after the run's row: the run's id is the server's, read there by the report's SHA-256.
 * Parameters: $1 the report's SHA-256, $2 its station, then M_COLS per measurement. Returns the statements
 * queued (0 or 1) or an LC_ERR_*. */
#define M_COLS 12
struct m_nums {
	char idx[16], lane[16], value[32], wl[32], low[32], high[32], margin[32];
};

static int queue_measurements(lc_fleet *f, const char *report_sha, const char *station, const lc_result *r,
			      lc_diag *diag)
{
	size_t n = lc_result_measurement_count(r);
	if (n == 0)
		return 0;
	if (n > 5000) /* PostgreSQL takes at most 65535 parameters per statement */
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "fleet: a report with %zu measurements (at most 5000)", n);
	const char **v = calloc(2 + n * M_COLS, sizeof(*v));
	struct m_nums *nb = calloc(n, sizeof(*nb));
	size_t cap = 600 + n * 200; /* a row: 12 parameters of at most "$60002::float8," */
	char *sql = malloc(cap);
	int rc;
	if (!v || !nb || !sql) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
		goto out;
	}
	v[0] = report_sha;
	v[1] = station;
	size_t len = (size_t)snprintf(sql, cap,
				      "INSERT INTO lanecert.measurements (run_id, idx, station, step, name, lane, value,"
				      " unit, wavelength_nm, comparison, low, high, margin, verdict) SELECT r.id, m.idx, $2,"
				      " m.step, m.name, m.lane, m.value, m.unit, m.wl, m.cmp, m.low, m.high, m.margin,"
				      " m.verdict FROM lanecert.runs r, (VALUES ");
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
					"%s($%d::int,$%d::text,$%d::text,$%d::int,$%d::float8,$%d::text,$%d::float8,$%d::text,"
					"$%d::float8,$%d::float8,$%d::float8,$%d::text)",
					i ? "," : "", p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8, p + 9,
					p + 10, p + 11);
	}
	snprintf(sql + len, cap - len,
		 ") AS m (idx, step, name, lane, value, unit, wl, cmp, low, high, margin, verdict)"
		 " WHERE r.report_sha256 = $1");
	rc = lc_fleet_pipe_send(f, sql, (int)(2 + n * M_COLS), v, NULL, NULL, diag);
	if (rc == 0)
		rc = 1;
out:
	free(v), free(nb), free(sql);
	return rc;
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

/* An item that passed the station's checks, ready to send. */
struct ready {
	lc_fleet_item *it;
	size_t index;               /* in the items given to lc_fleet_ingest */
	lc_result *r;
	char sha[LC_SHA256_HEX_LEN + 1], kid[LC_KEY_ID_HEX_LEN + 1];
	const char *station;        /* in r */
	bool fresh;                 /* the server did not have it */
};

/* The station's checks of one item: 0 with *out filled (out->r set) when it may be sent, 0 with it rejected
 * (out->r NULL) when not, or an error of the server or memory. */
static int check_one(lc_fleet *f, const char *my_station, lc_fleet_item *it, struct key_cache *kc,
		     struct ready *out, lc_diag *diag)
{
	char *sha = out->sha, *kid = out->kid;
	lc_diag d;
	out->r = NULL;
	lc_result_sha256_hex(it->json, it->json_len, sha);
	if (!it->sha256 || strcmp(sha, it->sha256) != 0)
		return lc_fleet_reject(it, "report.json is not the file the run wrote (its SHA-256 is %s, the journal has %s)%s", sha,
			      it->sha256 ? it->sha256 : "none", "");
	if (sig_key_id(it, kid, &d) < 0)
		return lc_fleet_reject(it, "the signature is malformed: %s%s%s", lc_diag_message(&d), "", "");
	int rc;
	/* The key, from the batch's cache or the server: a batch is one station's reports, so one lookup per key
	 * and batch instead of one round trip per report. (A key revoked while the batch runs may still pass here
	 * for the rest of it; the server's own check refuses it, and lc_fleet_ingest then refuses that item.) */
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
		return lc_fleet_reject(it, "the report is signed with key %s, which no station registered%s%s", kid, "", "");
	char key_station[256];
	snprintf(key_station, sizeof(key_station), "%s", ck->station);
	if (ck->revoked)
		return lc_fleet_reject(it, "the report is signed with key %s of station %s, which is revoked", kid, key_station, "");
	if (ck->bad[0])
		return lc_fleet_reject(it, "the registered key %s is unreadable: %s%s", kid, ck->bad, "");
	lc_pubkey pub = ck->pub;
	lc_report_verify_info info;
	memset(&info, 0, sizeof(info));
	lc_result *r = NULL;
	if (lc_report_verify_mem(it->json, it->json_len, it->sig, it->sig_len, &pub, &info, &r, &d) < 0)
		return lc_fleet_reject(it, "the report does not verify against key %s of station %s: %s", kid, key_station,
			      lc_diag_message(&d));
	const char *station = lc_result_station_id(r) ? lc_result_station_id(r) : lc_result_station_name(r);
	if (!station || strcmp(station, key_station) != 0) {
		lc_fleet_reject(it, "the report of station %s is signed with key %s of station %s", station ? station : "(none)",
		       kid, key_station);
		lc_result_free(r);
		return 0;
	}
	if (my_station && strcmp(my_station, station) != 0) {
		lc_fleet_reject(it, "the report of station %s cannot be sent with the role of station %s%s", station, my_station,
		       "");
		lc_result_free(r);
		return 0;
	}
	out->it = it;
	out->r = r;
	out->station = station;
	return 0;
}

/* The run's row, its measurements and (with_files) its files, queued in the pipeline: nq statements. */
struct run_params {
	char jid[24], att[16], slot[16], st[24], en[24], reason[1024];
	const char *v[16];
};

static int queue_run(lc_fleet *f, const struct ready *rd, struct run_params *p, int *nq, lc_diag *diag)
{
	const lc_fleet_item *it = rd->it;
	const lc_result *r = rd->r;
	lc_result_dut dut = lc_result_get_dut(r);
	lc_result_job job = lc_result_get_job(r); /* as signed in the report, not as the journal says */
	snprintf(p->jid, sizeof(p->jid), "%lld", (long long)it->journal_id);
	snprintf(p->att, sizeof(p->att), "%d", it->attempt > 0 ? it->attempt : dut.attempt);
	snprintf(p->slot, sizeof(p->slot), "%d", dut.slot);
	snprintf(p->st, sizeof(p->st), "%lld", (long long)lc_result_start_ms(r));
	snprintf(p->en, sizeof(p->en), "%lld", (long long)lc_result_end_ms(r));
	enum lc_verdict verdict = lc_result_verdict(r);
	lc_result_explain(r, p->reason, sizeof(p->reason));
	const char *runv[] = {rd->sha,
			      rd->station,
			      p->jid,
			      dut.serial,
			      (it->attempt > 0 || dut.attempt > 0) ? p->att : NULL,
			      dut.cable_type,
			      p->slot,
			      lc_result_operator(r),
			      lc_result_procedure_name(r),
			      lc_result_start_ms(r) == LC_TIME_NONE ? NULL : p->st,
			      lc_result_end_ms(r) == LC_TIME_NONE ? NULL : p->en,
			      lc_verdict_name(verdict),
			      verdict == LC_VERDICT_PASS || !p->reason[0] ? NULL : p->reason,
			      job.job,
			      job.customer,
			      job.site};
	memcpy(p->v, runv, sizeof(runv));
	int rc = lc_fleet_pipe_send(f,
			   "INSERT INTO lanecert.runs (report_sha256, station, journal_id, serial, attempt, cable_type,"
			   " slot, operator, procedure, start_ms, end_ms, verdict, reason, job, customer, site)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
			   16, p->v, NULL, NULL, diag);
	if (rc < 0)
		return rc;
	(*nq)++;
	if ((rc = queue_measurements(f, rd->sha, rd->station, r, diag)) < 0)
		return rc;
	*nq += rc;
	return 0;
}

/* One transaction: the station's checks of every item not refused yet, then the reports in one pipeline (the
 * server says which it did not have), then the runs, measurements and files of those in a second one.
 * Returns 0 once committed; LC_ERR_VERIFY with *refused_at the item the server refused; another error. */
static int ingest_tx(lc_fleet *f, lc_fleet_item *items, size_t n, const bool *refused, struct ready *rd,
		     PGresult **res, size_t *refused_at, lc_diag *diag)
{
	int rc, failed;
	size_t nr = 0;
	if ((rc = lc_fleet_run(f, "BEGIN", 0, NULL, "ingest", diag)) < 0)
		return rc;
	PGresult *me = lc_fleet_exec(f, "SELECT lanecert.my_station()", 0, NULL, "ingest", &rc, diag);
	if (!me)
		return rc;
	char mine[256] = "";
	bool is_station = !PQgetisnull(me, 0, 0);
	if (is_station)
		snprintf(mine, sizeof(mine), "%s", PQgetvalue(me, 0, 0));
	PQclear(me);
	struct key_cache kc = {.n = 0};
	for (size_t i = 0; i < n; i++) {
		if (refused[i])
			continue;
		items[i].outcome = 0;
		items[i].error[0] = 0;
		if ((rc = check_one(f, is_station ? mine : NULL, &items[i], &kc, &rd[nr], diag)) < 0)
			goto out;
		if (rd[nr].r) {
			rd[nr].index = i;
			rd[nr].fresh = false;
			nr++;
		}
	}
	/* 1: the reports; stored once, a report the server has (same SHA-256) is acknowledged as already there. */
	if (nr && (rc = lc_fleet_pipe_enter(f, diag)) < 0)
		goto out;
	for (size_t k = 0; k < nr; k++) {
		const lc_fleet_item *it = rd[k].it;
		const char *v[] = {rd[k].sha, rd[k].station, rd[k].kid, it->json, it->sig};
		int lens[] = {0, 0, 0, (int)it->json_len, 0}, fmts[] = {0, 0, 0, 1, 0};
		if ((rc = lc_fleet_pipe_send(f,
				    "INSERT INTO lanecert.reports (sha256, station, key_id, report, signature)"
				    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING RETURNING 1",
				    5, v, lens, fmts, diag)) < 0)
			break;
	}
	if (nr) {
		int frc = lc_fleet_pipe_finish(f, (int)nr, res, &failed, "store report", diag);
		if (frc == LC_ERR_VERIFY && failed >= 0 && rc == 0)
			*refused_at = rd[failed].index;
		if (rc == 0)
			rc = frc;
	}
	if (rc < 0)
		goto out;
	for (size_t k = 0; k < nr; k++) {
		rd[k].fresh = PQntuples(res[k]) == 1;
		PQclear(res[k]);
		if (!rd[k].fresh)
			rd[k].it->outcome = 2;
	}
	/* 2: the runs of the new reports, their measurements and files; which item each statement is of. */
	size_t cap = 16, nq = 0;
	size_t *owner = malloc(cap * sizeof(*owner));
	struct run_params *rp = calloc(nr ? nr : 1, sizeof(*rp));
	if (!owner || !rp) {
		free(owner), free(rp);
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
		goto out;
	}
	bool piped = false;
	for (size_t k = 0; k < nr && rc == 0; k++) {
		if (!rd[k].fresh)
			continue;
		lc_fleet_item *it = rd[k].it;
		/* The files are read and checked before anything of the run is sent: a raw file that is not the
		 * signed one refuses the run as a whole (and so the batch is sent again without it). */
		struct lc_fleet_uploads up = {.n = 0};
		if (it->with_files && (rc = lc_fleet_read_uploads(it, rd[k].r, &up)) < 0) {
			if (rc == LC_ERR_VERIFY) {
				*refused_at = rd[k].index;
				lc_diag_set(diag, LC_ERR_VERIFY, "%s", it->error);
			} else {
				lc_diag_set(diag, rc, "fleet: out of memory");
			}
			break;
		}
		if (!piped && (rc = lc_fleet_pipe_enter(f, diag)) == 0)
			piped = true;
		int q = 0;
		if (rc == 0)
			rc = queue_run(f, &rd[k], &rp[k], &q, diag);
		if (rc == 0)
			rc = lc_fleet_queue_uploads(f, rd[k].sha, rd[k].station, &up, &q, diag);
		it->files = (int)up.n;
		lc_fleet_uploads_free(&up);
		if (nq + (size_t)q > cap) {
			size_t *grown = realloc(owner, (cap = 2 * (nq + (size_t)q)) * sizeof(*owner));
			if (!grown) {
				rc = lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
				break;
			}
			owner = grown;
		}
		for (int j = 0; j < q; j++)
			owner[nq++] = k;
	}
	if (piped) {
		PGresult **r2 = calloc(nq ? nq : 1, sizeof(*r2));
		int frc = r2 ? lc_fleet_pipe_finish(f, (int)nq, r2, &failed, "store run", diag)
			     : lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
		if (r2)
			for (size_t q = 0; q < nq; q++)
				PQclear(r2[q]);
		free(r2);
		if (rc == 0)
			rc = frc;
		if (frc == LC_ERR_VERIFY && failed >= 0)
			*refused_at = rd[owner[failed]].index;
	}
	free(owner), free(rp);
	if (rc < 0)
		goto out;
	for (size_t k = 0; k < nr; k++)
		if (rd[k].fresh)
			rd[k].it->outcome = 1;
	rc = lc_fleet_run(f, "COMMIT", 0, NULL, "ingest commit", diag);
out:
	for (size_t k = 0; k < nr; k++) {
		lc_result_free(rd[k].r);
		rd[k].r = NULL;
	}
	return rc;
}

int lc_fleet_ingest(lc_fleet *f, lc_fleet_item *items, size_t n, lc_diag *diag)
{
	if (!f || (!items && n))
		return lc_diag_set(diag, LC_ERR_ARG, "fleet: no connection or items");
	bool *refused = calloc(n ? n : 1, sizeof(*refused));
	struct ready *rd = calloc(n ? n : 1, sizeof(*rd));
	PGresult **res = calloc(n ? n : 1, sizeof(*res));
	int rc = 0;
	if (!refused || !rd || !res) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "fleet: out of memory");
		goto out;
	}
	/* The server checks every signature again (schema 5) and refuses, with the whole transaction, a report
	 * that passed here only by a race (its key revoked meanwhile) or a row that does not hold; a raw file that
	 * is not the signed one refuses its run. That item is then refused with the reason and the batch sent
	 * again without it (at most n times). */
	for (;;) {
		size_t at = n;
		rc = ingest_tx(f, items, n, refused, rd, res, &at, diag);
		if (rc == 0)
			break;
		if (PQpipelineStatus(f->conn) != PQ_PIPELINE_OFF)
			PQexitPipelineMode(f->conn);
		PQclear(PQexec(f->conn, "ROLLBACK"));
		if (rc != LC_ERR_VERIFY || at >= n || refused[at])
			break;
		refused[at] = true;
		if (items[at].outcome >= 0) { /* refused by the server (a raw file's refusal set it already) */
			items[at].outcome = LC_ERR_VERIFY;
			snprintf(items[at].error, sizeof(items[at].error), "%s", lc_diag_message(diag));
		}
	}
	if (rc < 0)
		for (size_t i = 0; i < n; i++)
			items[i].outcome = 0;
out:
	free(refused), free(rd), free(res);
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
