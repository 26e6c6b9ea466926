/*
 * lc_job_summary_write(): one signed document for a job's cables (issue 21, item 5), from the results store
 * and the reports it names. Each report is read back and checked against the SHA-256 the store recorded
 * before it counts: a batch summary that silently skipped a missing or altered report would certify what
 * nobody can show. The certificate's own word is used for each cable (a pass that rests on an UNCONFIRMED
 * limit reads "not certified", reports/cert_view.c), so the summary never says more than the certificates.
 */
#include "reports/job_summary.h"
#include "reports/job_summary_priv.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "base/strbuf.h"
#include "lc_version.h"
#include "reports/cert_view_priv.h"
#include "reports/json_canon_priv.h"
#include "reports/report_format_priv.h"
#include "reports/report_json.h"
#include "reports/sign.h"

/* One cable of the job: its serial's last run in the job. */
struct cable {
	char *serial, *cable_type, *station, *operator_name, *report_path, *report_sha256, *reason;
	int64_t start_ms, end_ms;
	int attempt, attempts, complete;
	enum lc_verdict verdict;
	lc_result *r; /* the report read back, NULL when the run has none */
};

struct collect {
	struct cable *c;
	size_t n, cap;
	char *customer, *site; /* of the latest run that names them */
	int err;
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static bool dup_failed(const char *src, const char *copy)
{
	return src && !copy;
}

static void cable_free(struct cable *c)
{
	free(c->serial), free(c->cable_type), free(c->station), free(c->operator_name);
	free(c->report_path), free(c->report_sha256), free(c->reason);
	lc_result_free(c->r);
}

static int collect_row(const lc_store_row *row, void *user)
{
	struct collect *k = user;
	const char *serial = row->serial ? row->serial : "";
	struct cable *c = NULL;
	for (size_t i = 0; i < k->n && !c; i++)
		if (strcmp(k->c[i].serial, serial) == 0)
			c = &k->c[i];
	int attempts = 1;
	if (c) { /* rows come oldest first: a later run of the serial replaces the earlier one */
		attempts = c->attempts + 1;
		cable_free(c);
	} else {
		if (k->n == k->cap) {
			size_t cap = k->cap ? 2 * k->cap : 32;
			struct cable *n = realloc(k->c, cap * sizeof(*n));
			if (!n)
				return k->err = LC_ERR_NOMEM;
			k->c = n, k->cap = cap;
		}
		c = &k->c[k->n++];
	}
	*c = (struct cable){
		.serial = strdup(serial), .cable_type = dup_or_null(row->cable_type), .station = dup_or_null(row->station),
		.operator_name = dup_or_null(row->operator_name), .report_path = dup_or_null(row->report_path),
		.report_sha256 = dup_or_null(row->report_sha256), .reason = dup_or_null(row->reason),
		.start_ms = row->start_ms, .end_ms = row->end_ms, .attempt = row->attempt, .attempts = attempts,
		.complete = row->complete, .verdict = row->verdict,
	};
	if (!c->serial || dup_failed(row->cable_type, c->cable_type) || dup_failed(row->station, c->station) ||
	    dup_failed(row->operator_name, c->operator_name) || dup_failed(row->report_path, c->report_path) ||
	    dup_failed(row->report_sha256, c->report_sha256) || dup_failed(row->reason, c->reason))
		return k->err = LC_ERR_NOMEM;
	if (row->customer) {
		free(k->customer);
		if (!(k->customer = strdup(row->customer)))
			return k->err = LC_ERR_NOMEM;
	}
	if (row->site) {
		free(k->site);
		if (!(k->site = strdup(row->site)))
			return k->err = LC_ERR_NOMEM;
	}
	return 0;
}

/* Read a cable's report and check it is the one the store recorded. */
static int read_report(struct cable *c, lc_diag *diag)
{
	if (!c->complete || !c->report_path)
		return 0; /* no report: the cable is listed with its store verdict and no digest */
	char *json;
	size_t len;
	int rc = lc_read_file(c->report_path, LC_REPORT_JSON_MAX, &json, &len, diag);
	if (rc < 0) {
		lc_diag_prefix(diag, "cable %s: report ", c->serial);
		return rc;
	}
	char hex[LC_SHA256_HEX_LEN + 1];
	lc_result_sha256_hex(json, len, hex);
	if (!c->report_sha256 || strcmp(hex, c->report_sha256) != 0) {
		free(json);
		return lc_diag_set(diag, LC_ERR_VERIFY,
				   "cable %s: %s is not the report the results store recorded (SHA-256 %s, recorded %s)",
				   c->serial, c->report_path, hex, c->report_sha256 ? c->report_sha256 : "none");
	}
	rc = lc_report_json_read(json, len, &c->r, diag);
	free(json);
	if (rc < 0)
		lc_diag_prefix(diag, "cable %s: %s: ", c->serial, c->report_path);
	return rc;
}

/* What the cable's certificate says: the verdict, or "not certified" for a pass on an unconfirmed limit;
 * "incomplete" for a run that never finished. */
static const char *certificate_word(const struct cable *c)
{
	if (!c->complete)
		return "incomplete";
	if (c->r && lc_view_run_word(c->r))
		return lc_view_run_word(c->r);
	return lc_verdict_name(c->r ? lc_result_verdict(c->r) : c->verdict);
}

struct ctx {
	int err;
	lc_diag *diag;
};

static json_t *chk(struct ctx *c, json_t *v)
{
	if (!v && !c->err)
		c->err = lc_diag_set(c->diag, LC_ERR_NOMEM, "job summary: out of memory");
	return v;
}

static void set(struct ctx *c, json_t *o, const char *k, json_t *v)
{
	if (json_object_set_new(o, k, v) != 0)
		chk(c, NULL);
}

static void push(struct ctx *c, json_t *a, json_t *v)
{
	if (json_array_append_new(a, v) != 0)
		chk(c, NULL);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jtime(int64_t ms)
{
	char buf[32];
	if (ms == LC_TIME_NONE || lc_time_format(ms, buf, NULL) < 0)
		return json_null();
	return json_string(buf);
}

/* The report folder's name (the part of the path a customer's copy keeps), not the station's path. */
static const char *folder_of(const char *path, char *buf, size_t cap)
{
	if (!path)
		return NULL;
	snprintf(buf, cap, "%s", path);
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	slash = strrchr(buf, '/');
	return slash ? slash + 1 : buf;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Instruments by identity (vendor, model, serial), each with the runs that used it. */
static json_t *instruments(struct ctx *c, const struct cable *cs, size_t n)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; cs[i].r && k < lc_result_instrument_count(cs[i].r); k++) {
			const lc_result_instrument *in = lc_result_instrument_at(cs[i].r, k);
			json_t *found = NULL, *o;
			size_t j;
			json_array_foreach(a, j, o) {
				if (same(json_string_value(json_object_get(o, "vendor")), in->vendor) &&
				    same(json_string_value(json_object_get(o, "model")), in->model) &&
				    same(json_string_value(json_object_get(o, "serial")), in->serial) &&
				    same(json_string_value(json_object_get(o, "firmware")), in->firmware) &&
				    same(json_string_value(json_object_get(o, "calibrated")), in->calibrated) &&
				    same(json_string_value(json_object_get(o, "calibration_due")), in->calibration_due))
					found = o;
			}
			if (found) {
				json_int_t used = json_integer_value(json_object_get(found, "cables"));
				set(c, found, "cables", json_integer(used + 1));
				continue;
			}
			o = chk(c, json_object());
			set(c, o, "role", jstr(in->role));
			set(c, o, "vendor", jstr(in->vendor));
			set(c, o, "model", jstr(in->model));
			set(c, o, "serial", jstr(in->serial));
			set(c, o, "firmware", jstr(in->firmware));
			set(c, o, "calibrated", jstr(in->calibrated));
			set(c, o, "calibration_due", jstr(in->calibration_due));
			set(c, o, "cables", json_integer(1));
			push(c, a, o);
		}
	return a;
}

/* References by method, time, wavelength and cords, each with the runs that used it. */
static json_t *references(struct ctx *c, const struct cable *cs, size_t n)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; cs[i].r && k < lc_result_reference_count(cs[i].r); k++) {
			const lc_result_reference *ref = lc_result_reference_at(cs[i].r, k);
			char cords[1024] = "";
			size_t used = 0;
			for (size_t j = 0; j < ref->n_cords && used < sizeof(cords); j++)
				used += (size_t)snprintf(cords + used, sizeof(cords) - used, "%s%s", j ? ", " : "",
							 ref->cords[j]);
			json_t *t = jtime(ref->time_ms), *found = NULL, *o;
			size_t j;
			json_array_foreach(a, j, o) {
				if (same(json_string_value(json_object_get(o, "method")), ref->method) &&
				    json_equal(json_object_get(o, "time"), t) &&
				    same(json_string_value(json_object_get(o, "cords")), cords) &&
				    ((isnan(ref->wavelength_nm) && json_is_null(json_object_get(o, "wavelength_nm"))) ||
				     json_number_value(json_object_get(o, "wavelength_nm")) == ref->wavelength_nm))
					found = o;
			}
			if (found) {
				json_decref(t);
				set(c, found, "cables", json_integer(json_integer_value(json_object_get(found, "cables")) + 1));
				continue;
			}
			o = chk(c, json_object());
			set(c, o, "method", jstr(ref->method));
			set(c, o, "time", t);
			set(c, o, "wavelength_nm", isnan(ref->wavelength_nm) ? json_null() : json_real(ref->wavelength_nm));
			set(c, o, "cords", json_string(cords));
			set(c, o, "cables", json_integer(1));
			push(c, a, o);
		}
	return a;
}

/* ---- measurements.csv ---- */

/* One CSV field (RFC 4180: quoted when it holds a comma, quote or line break), then sep. */
static void field(lc_strbuf *b, const char *s, char sep)
{
	s = s ? s : "";
	if (strpbrk(s, ",\"\r\n")) {
		lc_strbuf_put(b, "\"", 1);
		for (; *s; s++) {
			if (*s == '"')
				lc_strbuf_put(b, "\"", 1); /* a quote is doubled */
			lc_strbuf_put(b, s, 1);
		}
		lc_strbuf_put(b, "\"", 1);
	} else {
		lc_strbuf_put(b, s, strlen(s));
	}
	lc_strbuf_put(b, &sep, 1);
}

static void number_field(lc_strbuf *b, double v, char sep)
{
	char t[32] = "";
	if (!isnan(v))
		lc_json_format_real(v, t); /* the shortest text that reads back as the value, as in report.json */
	field(b, t, sep);
}

static const char csv_header[] = "serial,attempt,report_sha256,step,fiber,measurement,wavelength_nm,value,unit,"
				 "comparison,low,high,margin,verdict,certificate,limit_source,limit_id\n";

static size_t measurements_csv(const struct cable *cs, size_t n, lc_strbuf *b)
{
	size_t rows = 0;
	lc_strbuf_put(b, csv_header, sizeof(csv_header) - 1);
	for (size_t i = 0; i < n; i++) {
		const lc_result *r = cs[i].r;
		char attempt[16];
		snprintf(attempt, sizeof(attempt), "%d", cs[i].attempt);
		for (size_t k = 0; r && k < lc_result_measurement_count(r); k++) {
			size_t st;
			const lc_result_measurement *m = lc_result_measurement_at(r, k, &st);
			char label[160];
			lc_view_label(r, k, label, sizeof(label));
			field(b, cs[i].serial, ',');
			field(b, cs[i].attempt > 0 ? attempt : "", ',');
			field(b, cs[i].report_sha256, ',');
			field(b, lc_result_step_at(r, st)->name, ',');
			field(b, label, ',');
			field(b, m->name, ',');
			number_field(b, m->wavelength_nm, ',');
			number_field(b, m->value, ',');
			field(b, m->unit, ',');
			field(b, lc_result_cmp_name(m->limit.comparison), ',');
			number_field(b, m->limit.low, ',');
			number_field(b, m->limit.high, ',');
			number_field(b, m->margin, ',');
			field(b, lc_verdict_name(m->verdict), ',');
			/* what the certificate shows: never a pass for a result on an unconfirmed limit */
			field(b, lc_view_not_certified(r, k) ? LC_VIEW_NOT_CERTIFIED : lc_verdict_name(m->verdict), ',');
			field(b, lc_view_extra(r, k, "limit_source"), ',');
			field(b, lc_view_extra(r, k, "limit_id"), '\n');
			rows++;
		}
	}
	return rows;
}

/* ---- job.json ---- */

static int build_json(const struct collect *k, const char *job, int64_t t, const lc_sign_key *key,
		      const lc_strbuf *csv, size_t rows, bool with_csv, char **out, size_t *len, int *certified,
		      lc_diag *diag)
{
	struct ctx c = {0, diag};
	json_t *root = chk(&c, json_object()), *cables = chk(&c, json_array()), *sw = chk(&c, json_object());
	json_t *counts = chk(&c, json_object());
	static const char *const words[] = {"pass", LC_VIEW_NOT_CERTIFIED, "fail", "inconclusive", "error",
					    "aborted", "none", "incomplete"};
	int count[8] = {0};
	for (size_t i = 0; i < k->n; i++) {
		const struct cable *cb = &k->c[i];
		const char *word = certificate_word(cb);
		for (size_t w = 0; w < 8; w++)
			count[w] += strcmp(word, words[w]) == 0;
		json_t *o = chk(&c, json_object());
		char folder[4096];
		lc_result_cable id = {0};
		if (cb->r)
			id = lc_result_get_cable(cb->r, NULL);
		set(&c, o, "serial", json_string(cb->serial));
		set(&c, o, "cable_type", jstr(cb->cable_type));
		set(&c, o, "part_number", jstr(id.part_number));
		set(&c, o, "attempt", cb->attempt > 0 ? json_integer(cb->attempt) : json_null());
		set(&c, o, "attempts_in_job", json_integer(cb->attempts));
		set(&c, o, "certificate", json_string(word));
		set(&c, o, "verdict", cb->complete ? json_string(lc_verdict_name(cb->r ? lc_result_verdict(cb->r) : cb->verdict))
						   : json_null());
		set(&c, o, "reason", jstr(cb->reason));
		set(&c, o, "report", jstr(folder_of(cb->report_path, folder, sizeof(folder))));
		set(&c, o, "report_sha256", cb->r ? jstr(cb->report_sha256) : json_null());
		set(&c, o, "station", jstr(cb->station));
		set(&c, o, "operator", jstr(cb->operator_name));
		set(&c, o, "start", jtime(cb->start_ms));
		set(&c, o, "end", jtime(cb->end_ms));
		push(&c, cables, o);
	}
	for (size_t w = 0; w < 8; w++)
		set(&c, counts, words[w], json_integer(count[w]));
	set(&c, root, "format", json_string(LC_JOB_SUMMARY_FORMAT));
	set(&c, root, "format_version", json_integer(1));
	set(&c, sw, "name", json_string("lanecert"));
	set(&c, sw, "version", json_string(LC_VERSION_STRING));
	set(&c, root, "software", sw);
	set(&c, root, "job", json_string(job));
	set(&c, root, "customer", jstr(k->customer));
	set(&c, root, "site", jstr(k->site));
	set(&c, root, "created", jtime(t));
	char kid[LC_KEY_ID_HEX_LEN + 1];
	lc_pubkey pub;
	lc_sign_key_public(key, &pub);
	lc_pubkey_id(&pub, kid);
	set(&c, root, "key_id", json_string(kid));
	set(&c, root, "cables", cables);
	set(&c, root, "counts", counts);
	/* certified passes of all cables listed: what a customer accepts, in [0, 1] */
	set(&c, root, "yield", k->n ? json_real((double)count[0] / (double)k->n) : json_null());
	set(&c, root, "instruments", instruments(&c, k->c, k->n));
	set(&c, root, "references", references(&c, k->c, k->n));
	if (with_csv) {
		char hex[LC_SHA256_HEX_LEN + 1];
		lc_result_sha256_hex(csv->p, csv->len, hex);
		json_t *m = chk(&c, json_object());
		set(&c, m, "name", json_string("measurements.csv"));
		set(&c, m, "sha256", json_string(hex));
		set(&c, m, "rows", json_integer((json_int_t)rows));
		set(&c, m, "size", json_integer((json_int_t)csv->len));
		set(&c, root, "measurements_csv", m);
	} else {
		set(&c, root, "measurements_csv", json_null());
	}
	set(&c, root, "measurements", json_integer((json_int_t)rows));
	int rc = c.err;
	if (rc == 0)
		rc = lc_json_canonical(root, out, len, diag);
	json_decref(root);
	*certified = count[0];
	return rc;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len, char *path, size_t cap,
		      lc_diag *diag)
{
	if ((size_t)snprintf(path, cap, "%s/%s", dir, name) >= cap)
		return lc_diag_set(diag, LC_ERR_ARG, "job summary: path too long");
	int rc = lc_atomic_write(path, data, len, 0644, LC_ATOMIC_NOREPLACE, diag);
	if (rc == LC_ERR_BUSY)
		lc_diag_set(diag, rc, "%s exists: a job summary is written once (choose another --out)", path);
	return rc;
}

int lc_job_summary_write(lc_store *s, const char *job, const char *out_dir, const lc_sign_key *key,
			 const lc_job_summary_options *opt, lc_job_summary_paths *paths, lc_diag *diag)
{
	static const lc_job_summary_options defaults = {.time_ms = LC_TIME_NONE};
	lc_job_summary_paths local;
	if (!s || !job || !*job || !out_dir || !key)
		return lc_diag_set(diag, LC_ERR_ARG, "job summary: no store, job, folder or key");
	opt = opt ? opt : &defaults;
	paths = paths ? paths : &local;
	memset(paths, 0, sizeof(*paths));
	struct collect k = {0};
	lc_store_filter f = {.job = job, .since_ms = LC_TIME_NONE, .verdict = -1};
	int rc = lc_store_query(s, &f, collect_row, &k, diag);
	if (rc >= 0 && k.err)
		rc = lc_diag_set(diag, k.err, "job summary: out of memory");
	if (rc >= 0 && k.n == 0)
		rc = lc_diag_set(diag, LC_ERR_NOT_FOUND, "the results store has no run of job '%s'", job);
	for (size_t i = 0; rc >= 0 && i < k.n; i++)
		rc = read_report(&k.c[i], diag);
	lc_strbuf csv = {0};
	char *json = NULL, *sig = NULL, *html = NULL, *pdf = NULL;
	size_t jlen = 0, hlen = 0, plen = 0;
	json_t *root = NULL;
	if (rc < 0)
		goto out;
	size_t rows = measurements_csv(k.c, k.n, &csv);
	if (csv.err) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "job summary: out of memory");
		goto out;
	}
	int certified = 0;
	int64_t t = opt->time_ms != LC_TIME_NONE ? opt->time_ms : lc_result_wall_ms();
	if ((rc = build_json(&k, job, t, key, &csv, rows, opt->csv, &json, &jlen, &certified, diag)) < 0)
		goto out;
	/* Every view is rendered from job.json's bytes, as a report's are from report.json's. */
	json_error_t je;
	if (!(root = json_loadb(json, jlen, 0, &je))) {
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "job summary: %s", je.text);
		goto out;
	}
	char comment[LC_TRUSTED_COMMENT_MAX + 1], pk[128];
	lc_report_public_key_line(key, pk, sizeof(pk));
	if ((rc = lc_job_summary_comment(root, comment, sizeof(comment), diag)) < 0 ||
	    (rc = lc_sign_buffer(key, json, jlen, comment, &sig, diag)) < 0 ||
	    (rc = lc_job_summary_html(root, opt->pubkey_hint, pk, &html, &hlen, diag)) < 0 ||
	    (!opt->no_pdf && (rc = lc_job_summary_pdf(root, opt->pubkey_hint, pk, &pdf, &plen, diag)) < 0))
		goto out;
	if ((rc = lc_mkdir_p(out_dir, 0755, diag)) < 0)
		goto out;
	/* The signature first, as for a report: a job.json that exists always has its signature; the CSV it
	 * names before it too. */
	if ((opt->csv && (rc = write_file(out_dir, "measurements.csv", csv.p, csv.len, paths->csv, sizeof(paths->csv),
					  diag)) < 0) ||
	    (rc = write_file(out_dir, "job.json.minisig", sig, strlen(sig), paths->sig, sizeof(paths->sig), diag)) < 0 ||
	    (rc = write_file(out_dir, "job.json", json, jlen, paths->json, sizeof(paths->json), diag)) < 0 ||
	    (rc = write_file(out_dir, "job.html", html, hlen, paths->html, sizeof(paths->html), diag)) < 0 ||
	    (pdf && (rc = write_file(out_dir, "job.pdf", pdf, plen, paths->pdf, sizeof(paths->pdf), diag)) < 0))
		goto out;
	paths->cables = (int)k.n;
	paths->certified = certified;
	paths->measurements = rows;
out:
	json_decref(root);
	free(json), free(sig), free(html), free(pdf), free(csv.p);
	for (size_t i = 0; i < k.n; i++)
		cable_free(&k.c[i]);
	free(k.c), free(k.customer), free(k.site);
	return rc < 0 ? rc : 0;
}
