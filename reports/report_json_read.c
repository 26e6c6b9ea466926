/* Canonical JSON -> result (reports/report_json.h). Strict: every member of the schema must be there with
 * its type, nothing else may be, and the verdicts must follow from the measurements. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_json.h"

struct rd {
	lc_diag *diag;
	int err;
};

static int fail(struct rd *c, const char *path, const char *key, const char *what)
{
	if (!c->err)
		c->err = lc_diag_set(c->diag, LC_ERR_FORMAT, "%s%s%s: %s", path, *path && key ? "." : "", key ? key : "",
				     what);
	return c->err;
}

/* The listed keys, all of them present, and of the optional ones (NULL: none) those present; nothing else. */
static bool shape_opt(struct rd *c, const json_t *o, const char *path, const char *const *keys,
		      const char *const *optional)
{
	if (!json_is_object(o)) {
		fail(c, path, NULL, "not an object");
		return false;
	}
	size_t n = 0;
	for (; keys[n]; n++)
		if (!json_object_get(o, keys[n])) {
			fail(c, path, keys[n], "missing");
			return false;
		}
	if (json_object_size(o) != n) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)o, k, v) {
			bool known = false;
			for (size_t i = 0; i < n; i++)
				known |= strcmp(k, keys[i]) == 0;
			for (size_t i = 0; optional && optional[i]; i++)
				known |= strcmp(k, optional[i]) == 0;
			if (!known) {
				fail(c, path, k, "unknown member");
				return false;
			}
		}
	}
	return true;
}

static bool shape(struct rd *c, const json_t *o, const char *path, const char *const *keys)
{
	return shape_opt(c, o, path, keys, NULL);
}

static const char *str(struct rd *c, const json_t *o, const char *path, const char *key, bool nullable)
{
	json_t *v = json_object_get(o, key);
	if (nullable && json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		fail(c, path, key, nullable ? "not a string or null" : "not a string");
		return NULL;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		fail(c, path, key, "contains a NUL character");
		return NULL;
	}
	return json_string_value(v);
}

static double num(struct rd *c, const json_t *o, const char *path, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_null(v))
		return NAN;
	if (!json_is_number(v)) {
		fail(c, path, key, "not a number or null");
		return NAN;
	}
	return json_number_value(v);
}

static long long integer(struct rd *c, const json_t *o, const char *path, const char *key, long long min,
			 long long max)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		fail(c, path, key, "not an integer in range");
		return min;
	}
	return json_integer_value(v);
}

static int64_t when(struct rd *c, const json_t *o, const char *path, const char *key)
{
	const char *s = str(c, o, path, key, true);
	int64_t ms = LC_TIME_NONE;
	if (s && lc_time_parse(s, &ms, NULL) < 0) {
		fail(c, path, key, "not a time YYYY-MM-DDTHH:MM:SS.mmmZ");
		return LC_TIME_NONE;
	}
	return ms;
}

static enum lc_verdict verdict(struct rd *c, const json_t *o, const char *path, const char *key)
{
	const char *s = str(c, o, path, key, false);
	int v = s ? lc_verdict_parse(s) : -1;
	/* lc_verdict_parse is case-insensitive; the canonical spelling is lower case. */
	if (v < 0 || strcmp(s, lc_verdict_name((enum lc_verdict)v)) != 0) {
		fail(c, path, key, "not a verdict name");
		return LC_VERDICT_NONE;
	}
	return (enum lc_verdict)v;
}

static const json_t *array(struct rd *c, const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_array(v))
		fail(c, "", key, "not an array");
	return v;
}

/* A builder error becomes a format error naming where it happened. */
static void built(struct rd *c, int rc, lc_diag *d, const char *path)
{
	if (rc < 0 && !c->err)
		c->err = lc_diag_set(c->diag, rc == LC_ERR_NOMEM ? LC_ERR_NOMEM : LC_ERR_FORMAT, "%s: %s", path,
				     lc_diag_message(d));
}

static void read_cable(struct rd *c, const json_t *o, lc_result *r)
{
	static const char *const k[] = {"part_number", "description", "fiber_mode", "fiber_category", "length_m",
					"end_a", "end_b", NULL};
	static const char *const opt[] = {"limit_set", NULL}; /* only when a set was chosen */
	if (!shape_opt(c, o, "dut.cable", k, opt))
		return;
	lc_result_cable cb = {.part_number = str(c, o, "dut.cable", "part_number", true),
			      .description = str(c, o, "dut.cable", "description", true),
			      .fiber_mode = str(c, o, "dut.cable", "fiber_mode", true),
			      .fiber_category = str(c, o, "dut.cable", "fiber_category", true),
			      .end_a = str(c, o, "dut.cable", "end_a", true),
			      .end_b = str(c, o, "dut.cable", "end_b", true),
			      .limit_set = json_object_get(o, "limit_set") ? str(c, o, "dut.cable", "limit_set", false) : NULL};
	double len = num(c, o, "dut.cable", "length_m");
	if (!c->err && !isnan(len) && !(len > 0)) /* written only when known: 0 would be a second spelling of null */
		fail(c, "dut.cable", "length_m", "not a positive length or null");
	cb.length_m = isnan(len) ? 0 : len;
	lc_diag d;
	if (!c->err)
		built(c, lc_result_set_cable(r, &cb, &d), &d, "dut.cable");
}

static void read_header(struct rd *c, const json_t *root, lc_result *r)
{
	static const char *const top[] = {"format", "format_version", "software", "station", "operator", "procedure",
					  "key_id", "dut", "start", "end", "verdict", "run_verdict", "reason",
					  "instruments", "references", "steps", "measurements", "raw_data", "series", NULL};
	/* absent in reports written before job and cable identity were recorded (0.2 and later write them) */
	static const char *const top_opt[] = {"job", "customer", "site", NULL};
	static const char *const sw_k[] = {"name", "version", NULL}, *const st_k[] = {"name", "id", NULL};
	static const char *const dut_k[] = {"cable_type", "serial", "slot", "channel_digest", NULL};
	static const char *const dut_opt[] = {"attempt", "cable", NULL}, *const proc_opt[] = {"sha256", "custom", NULL};
	lc_diag d;
	const char *fmt = json_string_value(json_object_get(root, "format"));
	if (!fmt || strcmp(fmt, LC_REPORT_FORMAT) != 0) {
		fail(c, "", "format", "not \"" LC_REPORT_FORMAT "\": this is not a lanecert report");
		return;
	}
	if (!shape_opt(c, root, "", top, top_opt))
		return;
	if (integer(c, root, "", "format_version", 0, 1000) != LC_REPORT_FORMAT_VERSION) {
		fail(c, "", "format_version", "unsupported version (this lanecert reads version 1)");
		return;
	}
	const json_t *sw = json_object_get(root, "software"), *st = json_object_get(root, "station");
	const json_t *proc = json_object_get(root, "procedure"), *dut = json_object_get(root, "dut");
	if (!shape(c, sw, "software", sw_k) || !shape(c, st, "station", st_k) || !shape_opt(c, proc, "procedure", sw_k, proc_opt) ||
	    !shape_opt(c, dut, "dut", dut_k, dut_opt))
		return;
	const char *swname = str(c, sw, "software", "name", false), *swver = str(c, sw, "software", "version", true);
	if (c->err)
		return;
	if (strcmp(swname, "lanecert") != 0) {
		fail(c, "software", "name", "not \"lanecert\"");
		return;
	}
	built(c, lc_result_set_software_version(r, swver, &d), &d, "software.version");
	const char *sn = str(c, st, "station", "name", true), *sid = str(c, st, "station", "id", true);
	if (!c->err && (sn || sid))
		built(c, lc_result_set_station(r, sn, sid, &d), &d, "station");
	const char *op = str(c, root, "", "operator", true);
	if (!c->err && op)
		built(c, lc_result_set_operator(r, op, &d), &d, "operator");
	const char *pn = str(c, proc, "procedure", "name", true), *pv = str(c, proc, "procedure", "version", true);
	if (!c->err && (pn || pv))
		built(c, lc_result_set_procedure(r, pn, pv, &d), &d, "procedure");
	/* Both or neither; absent altogether in reports of versions before 0.2. */
	const json_t *psha = json_object_get(proc, "sha256"), *custom = json_object_get(proc, "custom");
	if (!c->err && ((psha && !json_is_null(psha)) || (custom && !json_is_null(custom)))) {
		const char *hex = str(c, proc, "procedure", "sha256", false);
		if (!c->err && !json_is_boolean(custom))
			fail(c, "procedure", "custom", "not a boolean beside a sha256");
		if (!c->err)
			built(c, lc_result_set_procedure_file(r, json_is_true(custom), hex, &d), &d, "procedure.sha256");
	}
	const char *kid = str(c, root, "", "key_id", true);
	if (!c->err && kid)
		built(c, lc_result_set_key_id(r, kid, &d), &d, "key_id");
	lc_result_dut du = {.cable_type = str(c, dut, "dut", "cable_type", true),
			    .serial = str(c, dut, "dut", "serial", true),
			    .slot = (int)integer(c, dut, "dut", "slot", 0, 1000000),
			    .channel_digest = str(c, dut, "dut", "channel_digest", true),
			    .attempt = json_is_integer(json_object_get(dut, "attempt"))
					       ? (int)integer(c, dut, "dut", "attempt", 1, 1000000000)
					       : 0};
	if (!c->err && json_object_get(dut, "attempt") && !json_is_integer(json_object_get(dut, "attempt")) &&
	    !json_is_null(json_object_get(dut, "attempt")))
		fail(c, "dut", "attempt", "not an integer or null");
	if (!c->err && (du.cable_type || du.serial || du.channel_digest || du.slot))
		built(c, lc_result_set_dut(r, &du, &d), &d, "dut");
	lc_result_job jb = {0};
	if (json_object_get(root, "job"))
		jb.job = str(c, root, "", "job", true);
	if (json_object_get(root, "customer"))
		jb.customer = str(c, root, "", "customer", true);
	if (json_object_get(root, "site"))
		jb.site = str(c, root, "", "site", true);
	if (!c->err && (jb.job || jb.customer || jb.site))
		built(c, lc_result_set_job(r, &jb, &d), &d, "job");
	const json_t *cable = json_object_get(dut, "cable");
	if (!c->err && cable && !json_is_null(cable))
		read_cable(c, cable, r);
	int64_t start = when(c, root, "", "start");
	if (!c->err)
		built(c, lc_result_start(r, start, &d), &d, "start");
}

/* "features_absent": ["read_all","zero"] back into "read_all,zero" (the names are checked when added). */
static bool read_feature_list(struct rd *c, const json_t *fa, const char *path, char *out, size_t cap)
{
	size_t len = 0;
	for (size_t i = 0; json_is_array(fa) && i < json_array_size(fa); i++) {
		const char *s = json_string_value(json_array_get(fa, i));
		if (!s)
			break;
		int n = snprintf(out + len, cap - len, "%s%s", i ? "," : "", s);
		if (n < 0 || (size_t)n >= cap - len)
			break;
		len += (size_t)n;
		if (i + 1 == json_array_size(fa))
			return true;
	}
	lc_diag d;
	built(c, lc_diag_set(&d, LC_ERR_FORMAT, "features_absent: a non-empty array of feature names is expected"), &d,
	      path);
	return false;
}

static void read_instruments(struct rd *c, const json_t *a, lc_result *r)
{
	static const char *const optional[] = {"calibrated", "calibration_override", "features_absent"};
	for (size_t i = 0; !c->err && i < json_array_size(a); i++) {
		char path[64];
		snprintf(path, sizeof(path), "instruments[%zu]", i);
		const json_t *o = json_array_get(a, i);
		/* the optional keys are part of the shape when present */
		const char *k[10] = {"role", "resource", "vendor", "model", "serial", "firmware", "calibration_due"};
		size_t nk = 7;
		for (size_t j = 0; j < 3; j++)
			if (json_is_object(o) && json_object_get(o, optional[j]))
				k[nk++] = optional[j];
		if (!shape(c, o, path, k))
			return;
		lc_result_instrument in = {.role = str(c, o, path, "role", false),
					   .resource = str(c, o, path, "resource", true),
					   .vendor = str(c, o, path, "vendor", true),
					   .model = str(c, o, path, "model", true),
					   .serial = str(c, o, path, "serial", true),
					   .firmware = str(c, o, path, "firmware", true),
					   .calibration_due = str(c, o, path, "calibration_due", true)};
		if (json_object_get(o, "calibrated"))
			in.calibrated = str(c, o, path, "calibrated", false);
		if (json_object_get(o, "calibration_override"))
			in.calibration_override = str(c, o, path, "calibration_override", false);
		char absent[512] = "";
		const json_t *fa = json_object_get(o, "features_absent");
		if (fa && !c->err && !read_feature_list(c, fa, path, absent, sizeof(absent)))
			return;
		if (fa)
			in.features_absent = absent;
		lc_diag d;
		if (!c->err)
			built(c, lc_result_add_instrument(r, &in, &d), &d, path);
	}
}

static void read_references(struct rd *c, const json_t *a, lc_result *r)
{
	static const char *const k[] = {"method", "time", "wavelength_nm", "cords", "values", NULL};
	static const char *const vk[] = {"name", "value", "unit", NULL};
	for (size_t i = 0; !c->err && i < json_array_size(a); i++) {
		char path[64], vpath[96];
		snprintf(path, sizeof(path), "references[%zu]", i);
		const json_t *o = json_array_get(a, i);
		if (!shape(c, o, path, k))
			return;
		const json_t *cords = json_object_get(o, "cords"), *vals = json_object_get(o, "values");
		if (!json_is_array(cords) || !json_is_array(vals)) {
			fail(c, path, "cords", "cords and values must be arrays");
			return;
		}
		size_t nc = json_array_size(cords), nv = json_array_size(vals);
		const char **cs = calloc(nc + 1, sizeof(*cs));
		lc_result_value *vs = calloc(nv + 1, sizeof(*vs));
		if (!cs || !vs) {
			c->err = lc_diag_set(c->diag, LC_ERR_NOMEM, "out of memory");
		}
		for (size_t j = 0; !c->err && j < nc; j++)
			if (!(cs[j] = json_string_value(json_array_get(cords, j))))
				fail(c, path, "cords", "a cord id is not a string");
		for (size_t j = 0; !c->err && j < nv; j++) {
			snprintf(vpath, sizeof(vpath), "%s.values[%zu]", path, j);
			const json_t *v = json_array_get(vals, j);
			if (!shape(c, v, vpath, vk))
				break;
			vs[j] = (lc_result_value){str(c, v, vpath, "name", false), num(c, v, vpath, "value"),
						  str(c, v, vpath, "unit", true)};
		}
		lc_result_reference ref = {str(c, o, path, "method", false), when(c, o, path, "time"),
					   num(c, o, path, "wavelength_nm"), cs, nc, vs, nv};
		lc_diag d;
		if (!c->err)
			built(c, lc_result_add_reference(r, &ref, &d), &d, path);
		free(cs);
		free(vs);
	}
}

static void read_steps(struct rd *c, const json_t *a, lc_result *r)
{
	static const char *const k[] = {"name", "verdict", "recorded_verdict", "ended", "start", "end", "error", NULL};
	for (size_t i = 0; !c->err && i < json_array_size(a); i++) {
		char path[64];
		snprintf(path, sizeof(path), "steps[%zu]", i);
		const json_t *o = json_array_get(a, i);
		if (!shape(c, o, path, k))
			return;
		const char *name = str(c, o, path, "name", false), *error = str(c, o, path, "error", true);
		enum lc_verdict rv = verdict(c, o, path, "recorded_verdict");
		verdict(c, o, path, "verdict"); /* checked against the measurements once they are read */
		int64_t start = when(c, o, path, "start"), end = when(c, o, path, "end");
		json_t *ended = json_object_get(o, "ended");
		if (!json_is_boolean(ended))
			fail(c, path, "ended", "not a boolean");
		if (c->err)
			return;
		lc_diag d;
		int s = lc_result_add_step(r, name, start, &d);
		built(c, s, &d, path);
		if (c->err)
			return;
		if (json_is_true(ended))
			built(c, lc_result_end_step(r, s, rv, end, error, &d), &d, path);
		else if (rv != LC_VERDICT_NONE || end != LC_TIME_NONE || error)
			fail(c, path, "ended", "false, but the step has a verdict, end or error");
	}
}

static void read_extras(struct rd *c, const json_t *ex, const char *path, lc_result *r, int mi)
{
	if (!json_is_object(ex)) {
		fail(c, path, "extra", "not an object");
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)ex, key, v) {
		lc_diag d;
		if (json_is_string(v))
			built(c, lc_result_measurement_extra_string(r, mi, key, json_string_value(v), &d), &d, path);
		else if (json_is_number(v))
			built(c, lc_result_measurement_extra_number(r, mi, key, json_number_value(v), &d), &d, path);
		else
			fail(c, path, "extra", "a value is neither a string nor a number");
		if (c->err)
			return;
	}
}

static void read_measurements(struct rd *c, const json_t *a, lc_result *r)
{
	static const char *const k[] = {"step", "step_index", "name", "lane", "value", "unit", "wavelength_nm",
					"limit", "margin", "verdict", "extra", NULL};
	static const char *const lk[] = {"comparison", "low", "high", NULL};
	for (size_t i = 0; !c->err && i < json_array_size(a); i++) {
		char path[64], lpath[80];
		snprintf(path, sizeof(path), "measurements[%zu]", i);
		snprintf(lpath, sizeof(lpath), "%s.limit", path);
		const json_t *o = json_array_get(a, i), *lim = json_object_get(o, "limit");
		if (!shape(c, o, path, k) || !shape(c, lim, lpath, lk))
			return;
		size_t si = (size_t)integer(c, o, path, "step_index", 0, 100000000);
		const char *sname = str(c, o, path, "step", false);
		if (c->err)
			return;
		if (si >= lc_result_step_count(r) || strcmp(lc_result_step_at(r, si)->name, sname) != 0) {
			fail(c, path, "step", "does not name the step at step_index");
			return;
		}
		json_t *lane = json_object_get(o, "lane");
		const char *cmp = str(c, lim, lpath, "comparison", false);
		int ci = cmp ? lc_result_cmp_parse(cmp) : -1;
		if (!c->err && ci < 0)
			fail(c, lpath, "comparison", "not a limit comparison");
		lc_result_measurement m = {
			.name = str(c, o, path, "name", false),
			.lane = json_is_null(lane) ? LC_LANE_NONE : (int)integer(c, o, path, "lane", 1, 1 << 20),
			.value = num(c, o, path, "value"),
			.unit = str(c, o, path, "unit", true),
			.wavelength_nm = num(c, o, path, "wavelength_nm"),
			.limit = {num(c, lim, lpath, "low"), num(c, lim, lpath, "high"), (enum lc_result_cmp)(ci < 0 ? 0 : ci)},
			.margin = num(c, o, path, "margin"),
			.verdict = verdict(c, o, path, "verdict"),
		};
		if (c->err)
			return;
		lc_diag d;
		int mi = lc_result_add_measurement(r, (int)si, &m, &d);
		built(c, mi, &d, path);
		if (!c->err)
			read_extras(c, json_object_get(o, "extra"), path, r, mi);
	}
}

static void read_raw(struct rd *c, const json_t *a, lc_result *r)
{
	static const char *const k[] = {"name", "kind", "size", "sha256", NULL};
	for (size_t i = 0; !c->err && i < json_array_size(a); i++) {
		char path[64];
		snprintf(path, sizeof(path), "raw_data[%zu]", i);
		const json_t *o = json_array_get(a, i);
		if (!shape(c, o, path, k))
			return;
		const char *name = str(c, o, path, "name", false), *kind = str(c, o, path, "kind", false);
		long long size = integer(c, o, path, "size", 0, (long long)1 << 50);
		const char *sha = str(c, o, path, "sha256", false);
		lc_diag d;
		if (!c->err)
			built(c, lc_result_add_raw_digest(r, name, kind, (size_t)size, sha, &d), &d, path);
	}
}

static void read_series(struct rd *c, const json_t *a, lc_result *r)
{
	static const char *const k[] = {"name", "kind", "lane", "x_unit", "y_unit", "points", NULL};
	for (size_t i = 0; !c->err && i < json_array_size(a); i++) {
		char path[64];
		snprintf(path, sizeof(path), "series[%zu]", i);
		const json_t *o = json_array_get(a, i);
		if (!shape(c, o, path, k))
			return;
		const json_t *pts = json_object_get(o, "points"), *lane = json_object_get(o, "lane");
		if (!json_is_array(pts)) {
			fail(c, path, "points", "not an array");
			return;
		}
		size_t n = json_array_size(pts);
		double *x = malloc((n ? n : 1) * sizeof(double)), *y = malloc((n ? n : 1) * sizeof(double));
		if (!x || !y)
			c->err = lc_diag_set(c->diag, LC_ERR_NOMEM, "out of memory");
		for (size_t j = 0; !c->err && j < n; j++) {
			const json_t *p = json_array_get(pts, j);
			if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_number(json_array_get(p, 0)) ||
			    !json_is_number(json_array_get(p, 1))) {
				fail(c, path, "points", "a point is not [x, y]");
				break;
			}
			x[j] = json_number_value(json_array_get(p, 0));
			y[j] = json_number_value(json_array_get(p, 1));
		}
		int ln = json_is_null(lane) ? LC_LANE_NONE : (int)integer(c, o, path, "lane", 1, 1 << 20);
		const char *name = str(c, o, path, "name", false), *kind = str(c, o, path, "kind", false);
		const char *xu = str(c, o, path, "x_unit", true), *yu = str(c, o, path, "y_unit", true);
		lc_diag d;
		if (!c->err)
			built(c, lc_result_add_series(r, name, kind, ln, xu, yu, x, y, n, &d), &d, path);
		free(x);
		free(y);
	}
}

/* The verdicts written are derived data: they must agree with what the measurements say. */
static void check_verdicts(struct rd *c, const json_t *root, lc_result *r)
{
	const json_t *steps = json_object_get(root, "steps");
	for (size_t i = 0; !c->err && i < json_array_size(steps); i++) {
		const char *w = json_string_value(json_object_get(json_array_get(steps, i), "verdict"));
		if (strcmp(w, lc_verdict_name(lc_result_step_verdict(r, i))) != 0) {
			char path[64];
			snprintf(path, sizeof(path), "steps[%zu]", i);
			fail(c, path, "verdict", "does not follow from the step's measurements");
		}
	}
	enum lc_verdict rv = verdict(c, root, "", "run_verdict");
	int64_t end = when(c, root, "", "end");
	const char *reason = str(c, root, "", "reason", true);
	lc_diag d;
	if (!c->err)
		built(c, lc_result_finish(r, rv, end, reason, &d), &d, "run_verdict");
	enum lc_verdict overall = verdict(c, root, "", "verdict");
	if (!c->err && overall != lc_result_verdict(r))
		fail(c, "", "verdict", "does not follow from the steps and measurements");
}

int lc_report_json_read(const char *json, size_t len, lc_result **out, lc_diag *diag)
{
	if (!json || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "report JSON: no input");
	if (len == 0)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "report is empty");
	if (len > LC_REPORT_JSON_MAX)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "report is larger than %u bytes", LC_REPORT_JSON_MAX);
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		/* A document cut short (jansson: "premature end of input", "... near end of file", or a token the
		 * end of the input cut, "invalid token near '-1.'" at its last byte) is a truncation, not bad syntax:
		 * the usual cause is a copy that did not finish. */
		int code = strstr(je.text, "premature end") || strstr(je.text, "end of file") || (size_t)je.position >= len
				   ? LC_ERR_TRUNCATED
				   : LC_ERR_FORMAT;
		return lc_diag_set(diag, code, "report JSON, line %d column %d: %s", je.line, je.column, je.text);
	}
	lc_result *r = lc_result_new();
	struct rd c = {diag, 0};
	if (!r)
		c.err = lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	if (!c.err && !json_is_object(root))
		fail(&c, "", NULL, "the report is not a JSON object");
	if (!c.err)
		read_header(&c, root, r);
	const json_t *ins = c.err ? NULL : array(&c, root, "instruments");
	const json_t *refs = c.err ? NULL : array(&c, root, "references");
	const json_t *steps = c.err ? NULL : array(&c, root, "steps");
	const json_t *meas = c.err ? NULL : array(&c, root, "measurements");
	const json_t *raw = c.err ? NULL : array(&c, root, "raw_data");
	const json_t *ser = c.err ? NULL : array(&c, root, "series");
	if (!c.err)
		read_instruments(&c, ins, r);
	if (!c.err)
		read_references(&c, refs, r);
	if (!c.err)
		read_steps(&c, steps, r);
	if (!c.err)
		read_measurements(&c, meas, r);
	if (!c.err)
		read_raw(&c, raw, r);
	if (!c.err)
		read_series(&c, ser, r);
	if (!c.err)
		check_verdicts(&c, root, r);
	json_decref(root);
	if (c.err) {
		lc_result_free(r);
		return c.err;
	}
	*out = r;
	return 0;
}
