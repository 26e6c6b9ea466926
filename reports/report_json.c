/* Result -> canonical JSON (reports/report_json.h). */
#include "reports/report_json.h"
#include "reports/report_format_priv.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/date.h"
#include "reports/json_canon_priv.h"

/* Days since 1970-01-01 -> civil date (the inverse of lc_days_from_civil, fixtures/date.h). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

#define MS_MIN (-62167219200000LL) /* 0000-01-01T00:00:00.000Z */
#define MS_MAX (253402300799999LL) /* 9999-12-31T23:59:59.999Z */

int lc_time_format(int64_t ms, char buf[32], lc_diag *diag)
{
	if (ms < MS_MIN || ms > MS_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "time %lld ms is outside the years 0000..9999", (long long)ms);
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t rem = ms - days * 86400000;
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	/* The range check above bounds every field; the large buffer only keeps the compiler's checker calm. */
	char tmp[96];
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, m, d, (int)(rem / 3600000),
		 (int)(rem / 60000 % 60), (int)(rem / 1000 % 60), (int)(rem % 1000));
	memcpy(buf, tmp, 25);
	return 0;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int lc_time_parse(const char *s, int64_t *ms, lc_diag *diag)
{
	/* Exactly the form lc_time_format() writes: a report has one spelling of each instant. */
	if (!s || strlen(s) != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
	    s[19] != '.' || s[23] != 'Z')
		return lc_diag_set(diag, LC_ERR_FORMAT, "time '%s' is not YYYY-MM-DDTHH:MM:SS.mmmZ", s ? s : "");
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = digits(s + 11, 2);
	int mi = digits(s + 14, 2), se = digits(s + 17, 2), f = digits(s + 20, 3);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 ||
	    f < 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "time '%s' has a field out of range", s);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
		return lc_diag_set(diag, LC_ERR_FORMAT, "time '%s': no such day", s);
	*ms = ((lc_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + se * 1000LL + f;
	return 0;
}

struct ctx {
	int err;
	lc_diag *diag;
};

static json_t *chk(struct ctx *c, json_t *v)
{
	if (!v && !c->err)
		c->err = lc_diag_set(c->diag, LC_ERR_NOMEM, "JSON: out of memory");
	return v;
}

/* jansson's *_new calls take the value's reference even when they fail (NULL container included), so an
 * out-of-memory anywhere leaks nothing; the first failure is remembered. */
static void set(struct ctx *c, json_t *obj, const char *key, json_t *v)
{
	if (json_object_set_new(obj, key, v) != 0)
		chk(c, NULL);
}

static void push(struct ctx *c, json_t *arr, json_t *v)
{
	if (json_array_append_new(arr, v) != 0)
		chk(c, NULL);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jnum(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *jtime(struct ctx *c, int64_t ms, const char *what)
{
	if (ms == LC_TIME_NONE)
		return json_null();
	char buf[32];
	int rc = lc_time_format(ms, buf, c->diag);
	if (rc < 0) {
		if (!c->err) {
			c->err = rc;
			lc_diag_prefix(c->diag, "%s: ", what);
		}
		return json_null();
	}
	return json_string(buf);
}

static json_t *jverdict(enum lc_verdict v)
{
	return json_string(lc_verdict_name(v));
}

static json_t *instruments(struct ctx *c, const lc_result *r)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < lc_result_instrument_count(r); i++) {
		const lc_result_instrument *in = lc_result_instrument_at(r, i);
		json_t *o = chk(c, json_object());
		set(c, o, "role", jstr(in->role));
		set(c, o, "resource", jstr(in->resource));
		set(c, o, "vendor", jstr(in->vendor));
		set(c, o, "model", jstr(in->model));
		set(c, o, "serial", jstr(in->serial));
		set(c, o, "firmware", jstr(in->firmware));
		set(c, o, "calibration_due", jstr(in->calibration_due));
		/* Written only when known, so reports of stations that do not track them read as before. */
		if (in->calibrated)
			set(c, o, "calibrated", jstr(in->calibrated));
		if (in->calibration_override)
			set(c, o, "calibration_override", jstr(in->calibration_override));
		if (in->features_absent) { /* only when some are: reports of complete instruments read as before */
			json_t *f = chk(c, json_array());
			for (const char *p = in->features_absent; f && *p;) {
				size_t n = strcspn(p, ",");
				json_array_append_new(f, json_stringn(p, n));
				p += n + (p[n] == ',');
			}
			set(c, o, "features_absent", f);
		}
		push(c, a, o);
	}
	return a;
}

static json_t *references(struct ctx *c, const lc_result *r)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < lc_result_reference_count(r); i++) {
		const lc_result_reference *ref = lc_result_reference_at(r, i);
		json_t *o = chk(c, json_object()), *cords = chk(c, json_array()), *vals = chk(c, json_array());
		for (size_t k = 0; k < ref->n_cords; k++)
			push(c, cords, jstr(ref->cords[k]));
		for (size_t k = 0; k < ref->n_values; k++) {
			json_t *v = chk(c, json_object());
			set(c, v, "name", jstr(ref->values[k].name));
			set(c, v, "value", jnum(ref->values[k].value));
			set(c, v, "unit", jstr(ref->values[k].unit));
			push(c, vals, v);
		}
		set(c, o, "method", jstr(ref->method));
		set(c, o, "time", jtime(c, ref->time_ms, "reference time"));
		set(c, o, "wavelength_nm", jnum(ref->wavelength_nm));
		set(c, o, "cords", cords);
		set(c, o, "values", vals);
		push(c, a, o);
	}
	return a;
}

static json_t *steps(struct ctx *c, const lc_result *r)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < lc_result_step_count(r); i++) {
		const lc_result_step *s = lc_result_step_at(r, i);
		json_t *o = chk(c, json_object());
		set(c, o, "name", jstr(s->name));
		set(c, o, "verdict", jverdict(lc_result_step_verdict(r, i)));
		set(c, o, "recorded_verdict", jverdict(s->verdict));
		set(c, o, "ended", json_boolean(s->ended));
		set(c, o, "start", jtime(c, s->start_ms, "step start"));
		set(c, o, "end", jtime(c, s->end_ms, "step end"));
		set(c, o, "error", jstr(s->error));
		push(c, a, o);
	}
	return a;
}

static json_t *measurements(struct ctx *c, const lc_result *r)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		size_t st;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, &st);
		json_t *o = chk(c, json_object()), *lim = chk(c, json_object()), *ex = chk(c, json_object());
		set(c, o, "step", jstr(lc_result_step_at(r, st)->name));
		set(c, o, "step_index", json_integer((json_int_t)st));
		set(c, o, "name", jstr(m->name));
		set(c, o, "lane", m->lane == LC_LANE_NONE ? json_null() : json_integer(m->lane));
		set(c, o, "value", jnum(m->value));
		set(c, o, "unit", jstr(m->unit));
		set(c, o, "wavelength_nm", jnum(m->wavelength_nm));
		set(c, lim, "comparison", json_string(lc_result_cmp_name(m->limit.comparison)));
		set(c, lim, "low", jnum(m->limit.low));
		set(c, lim, "high", jnum(m->limit.high));
		set(c, o, "limit", lim);
		set(c, o, "margin", jnum(m->margin));
		set(c, o, "verdict", jverdict(m->verdict));
		for (size_t k = 0; k < lc_result_extra_count(r, i); k++) {
			const lc_result_extra *e = lc_result_extra_at(r, i, k);
			set(c, ex, e->key, e->is_string ? json_string(e->string) : json_real(e->number));
		}
		set(c, o, "extra", ex);
		push(c, a, o);
	}
	return a;
}

static json_t *raw_data(struct ctx *c, const lc_result *r)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < lc_result_raw_count(r); i++) {
		const lc_result_raw *raw = lc_result_raw_at(r, i);
		json_t *o = chk(c, json_object());
		set(c, o, "name", jstr(raw->name));
		set(c, o, "kind", jstr(raw->kind));
		set(c, o, "size", json_integer((json_int_t)raw->size));
		set(c, o, "sha256", json_string(raw->sha256));
		push(c, a, o);
	}
	return a;
}

static json_t *series(struct ctx *c, const lc_result *r)
{
	json_t *a = chk(c, json_array());
	for (size_t i = 0; i < lc_result_series_count(r); i++) {
		const lc_result_series *s = lc_result_series_at(r, i);
		json_t *o = chk(c, json_object()), *pts = chk(c, json_array());
		set(c, o, "name", jstr(s->name));
		set(c, o, "kind", jstr(s->kind));
		set(c, o, "lane", s->lane == LC_LANE_NONE ? json_null() : json_integer(s->lane));
		set(c, o, "x_unit", jstr(s->x_unit));
		set(c, o, "y_unit", jstr(s->y_unit));
		for (size_t k = 0; k < s->n && !c->err; k++) {
			json_t *p = chk(c, json_array());
			push(c, p, json_real(s->x[k]));
			push(c, p, json_real(s->y[k]));
			push(c, pts, p);
		}
		set(c, o, "points", pts);
		push(c, a, o);
	}
	return a;
}

int lc_report_json(const lc_result *r, char **json, size_t *len, lc_diag *diag)
{
	if (!r || !json)
		return lc_diag_set(diag, LC_ERR_ARG, "report JSON: no result");
	struct ctx c = {0, diag};
	json_t *root = chk(&c, json_object());
	json_t *sw = chk(&c, json_object()), *station = chk(&c, json_object()), *proc = chk(&c, json_object());
	json_t *dut = chk(&c, json_object());
	set(&c, root, "format", json_string(LC_REPORT_FORMAT));
	set(&c, root, "format_version", json_integer(LC_REPORT_FORMAT_VERSION));
	set(&c, sw, "name", json_string("lanecert"));
	set(&c, sw, "version", jstr(lc_result_software_version(r)));
	set(&c, root, "software", sw);
	set(&c, station, "name", jstr(lc_result_station_name(r)));
	set(&c, station, "id", jstr(lc_result_station_id(r)));
	set(&c, root, "station", station);
	set(&c, root, "operator", jstr(lc_result_operator(r)));
	set(&c, proc, "name", jstr(lc_result_procedure_name(r)));
	set(&c, proc, "version", jstr(lc_result_procedure_version(r)));
	bool custom;
	const char *psha = lc_result_procedure_sha256(r, &custom);
	set(&c, proc, "sha256", jstr(psha));
	set(&c, proc, "custom", psha ? json_boolean(custom) : json_null());
	set(&c, root, "procedure", proc);
	set(&c, root, "key_id", jstr(lc_result_key_id(r)));
	lc_result_dut d = lc_result_get_dut(r);
	set(&c, dut, "cable_type", jstr(d.cable_type));
	set(&c, dut, "serial", jstr(d.serial));
	set(&c, dut, "slot", json_integer(d.slot));
	set(&c, dut, "channel_digest", jstr(d.channel_digest));
	/* known only when the run was recorded in a results store */
	set(&c, dut, "attempt", d.attempt > 0 ? json_integer(d.attempt) : json_null());
	bool has_cable;
	lc_result_cable cb = lc_result_get_cable(r, &has_cable);
	if (has_cable) {
		json_t *co = chk(&c, json_object());
		set(&c, co, "part_number", jstr(cb.part_number));
		set(&c, co, "description", jstr(cb.description));
		set(&c, co, "fiber_mode", jstr(cb.fiber_mode));
		set(&c, co, "fiber_category", jstr(cb.fiber_category));
		set(&c, co, "length_m", cb.length_m > 0 ? json_real(cb.length_m) : json_null());
		set(&c, co, "end_a", jstr(cb.end_a));
		set(&c, co, "end_b", jstr(cb.end_b));
		if (cb.limit_set) /* written only when a set was chosen: reports without one keep their shape */
			set(&c, co, "limit_set", jstr(cb.limit_set));
		set(&c, dut, "cable", co);
	} else {
		set(&c, dut, "cable", json_null());
	}
	set(&c, root, "dut", dut);
	lc_result_job jb = lc_result_get_job(r);
	set(&c, root, "job", jstr(jb.job));
	set(&c, root, "customer", jstr(jb.customer));
	set(&c, root, "site", jstr(jb.site));
	set(&c, root, "start", jtime(&c, lc_result_start_ms(r), "run start"));
	set(&c, root, "end", jtime(&c, lc_result_end_ms(r), "run end"));
	set(&c, root, "verdict", jverdict(lc_result_verdict(r)));
	set(&c, root, "run_verdict", jverdict(lc_result_run_verdict(r)));
	set(&c, root, "reason", jstr(lc_result_reason(r)));
	set(&c, root, "instruments", instruments(&c, r));
	set(&c, root, "references", references(&c, r));
	set(&c, root, "steps", steps(&c, r));
	set(&c, root, "measurements", measurements(&c, r));
	set(&c, root, "raw_data", raw_data(&c, r));
	set(&c, root, "series", series(&c, r));
	int rc = c.err;
	if (rc == 0)
		rc = lc_json_canonical(root, json, len, diag);
	json_decref(root);
	return rc;
}

/* report.json itself: the job's bytes, already made (the signature and every view come from them). */
static int json_render(lc_report_job *job, lc_report_bytes *out, lc_diag *diag)
{
	(void)diag;
	*out = (lc_report_bytes){.data = job->json, .len = job->json_len};
	return 0;
}

const lc_report_format lc_report_format_json = {
	.name = "json",
	.file = "report.json",
	.media_type = "application/json",
	.path_offset = offsetof(lc_report_paths, json),
	.render = json_render,
};
