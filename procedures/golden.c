/* The golden-cable check (golden.h). */
#include "procedures/golden.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "base/utf8.h"
#include "procedures/station_state.h"
#include "reports/report_json.h"

#define GOLDEN_FORMAT "lanecert-golden/1"
#define CHECK_FORMAT "lanecert-golden-check/1"
#define FILE_MAX (4 << 20)

/* Losses only: a return loss or a reflectance of 50-65 dB reads a few tenths of a dB apart run to run
 * (the reflectometer's own spread), which would fail a loss tolerance on a good station. */
static bool compared(const lc_result_measurement *m)
{
	return m->unit && strcmp(m->unit, "dB") == 0 && isfinite(m->value) &&
	       (strcmp(m->name, "insertion_loss") == 0 || strcmp(m->name, "otdr_loss") == 0);
}

/* How many measurements before index i of r have m's name, lane and wavelength: the order of appearance
 * tells a forward loss from the reverse one of the same lane. */
static int occurrence(const lc_result *r, size_t i)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
	int n = 0;
	for (size_t k = 0; k < i; k++) {
		const lc_result_measurement *o = lc_result_measurement_at(r, k, NULL);
		n += compared(o) && !strcmp(o->name, m->name) && o->lane == m->lane &&
		     (o->wavelength_nm == m->wavelength_nm || (isnan(o->wavelength_nm) && isnan(m->wavelength_nm)));
	}
	return n;
}

/* "insertion_loss lane 3 at 1310 nm (#2)" */
static void value_name(char *buf, size_t cap, const char *name, int lane, double nm, int nth)
{
	char l[24] = "", w[24] = "", o[16] = "";
	if (lane != LC_LANE_NONE)
		snprintf(l, sizeof(l), " lane %d", lane);
	if (isfinite(nm))
		snprintf(w, sizeof(w), " at %.0f nm", nm);
	if (nth > 0)
		snprintf(o, sizeof(o), " (#%d)", nth + 1);
	lc_utf8_printf(buf, cap, "%s%s%s%s", name, l, w, o);
}

static int write_json(const char *path, json_t *j, lc_diag *diag)
{
	char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(j);
	if (!text)
		return lc_diag_set(diag, LC_ERR_NOMEM, "golden cable: out of memory");
	int rc = lc_atomic_write(path, text, strlen(text), 0644, 0, diag);
	free(text);
	return rc;
}

static json_t *load_json(const char *path, const char *format, lc_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	if (lc_read_file(path, FILE_MAX, &text, &len, diag) < 0)
		return NULL;
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	const char *f = j ? json_string_value(json_object_get(j, "format")) : NULL;
	if (!f || strcmp(f, format) != 0) {
		lc_diag_set(diag, LC_ERR_FORMAT, "%s: not a %s file%s%s", path, format, j ? "" : ": ", j ? "" : je.text);
		json_decref(j);
		return NULL;
	}
	return j;
}

int lc_golden_record(const lc_station *st, const char *state_dir, const lc_result *r, lc_diag *diag)
{
	char path[1200];
	int rc = lc_station_state_path(state_dir, st->name, "golden-baseline", path, sizeof(path), diag);
	if (rc < 0)
		return rc;
	if (lc_result_verdict(r) != LC_VERDICT_PASS)
		return lc_diag_set(diag, LC_ERR_STATE, "golden cable %s: its run is %s, not pass: no baseline recorded",
				   st->golden.serial, lc_verdict_name(lc_result_verdict(r)));
	json_t *vals = json_array();
	size_t n = 0;
	for (size_t i = 0; vals && i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (!compared(m))
			continue;
		json_t *v = json_pack("{s:s, s:i, s:o, s:i, s:f}", "name", m->name, "lane", m->lane, "wavelength_nm",
				      isfinite(m->wavelength_nm) ? json_real(m->wavelength_nm) : json_null(), "nth",
				      occurrence(r, i), "value", m->value);
		if (!v || json_array_append_new(vals, v) < 0) {
			json_decref(vals);
			return lc_diag_set(diag, LC_ERR_NOMEM, "golden cable: out of memory");
		}
		n++;
	}
	if (!vals)
		return lc_diag_set(diag, LC_ERR_NOMEM, "golden cable: out of memory");
	if (n == 0) {
		json_decref(vals);
		return lc_diag_set(diag, LC_ERR_STATE, "golden cable %s: its run measured no loss to record (insertion_loss, otdr_loss)",
				   st->golden.serial);
	}
	const char *proc = lc_result_procedure_name(r);
	return write_json(path,
			  json_pack("{s:s, s:s, s:s, s:s, s:I, s:o}", "format", GOLDEN_FORMAT, "station", st->name, "serial",
				    st->golden.serial, "procedure", proc ? proc : "", "recorded_ms",
				    (json_int_t)lc_result_start_ms(r), "values", vals),
			  diag);
}

/* The measurement of r matching the baseline entry v, or NULL. */
static const lc_result_measurement *find_again(const lc_result *r, const json_t *v)
{
	const char *name = json_string_value(json_object_get(v, "name"));
	json_t *wl = json_object_get(v, "wavelength_nm");
	int lane = (int)json_integer_value(json_object_get(v, "lane"));
	int nth = (int)json_integer_value(json_object_get(v, "nth"));
	double nm = json_is_number(wl) ? json_number_value(wl) : NAN;
	for (size_t i = 0; name && i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (compared(m) && !strcmp(m->name, name) && m->lane == lane &&
		    (isnan(nm) ? isnan(m->wavelength_nm) : fabs(m->wavelength_nm - nm) < 0.5) && occurrence(r, i) == nth)
			return m;
	}
	return NULL;
}

/* 1 when every baseline value is found again within tolerance; else 0 with the worst deviation in why. */
static int compare(const lc_station *st, const json_t *base, const lc_result *r, char *why, size_t cap,
		   lc_diag *diag)
{
	json_t *vals = json_object_get(base, "values"), *v;
	size_t i;
	double worst = -1;
	if (!json_is_array(vals) || json_array_size(vals) == 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "golden-cable baseline: no values");
	json_array_foreach(vals, i, v) {
		json_t *val = json_object_get(v, "value");
		const char *name = json_string_value(json_object_get(v, "name"));
		if (!name || !json_is_number(val) || !json_is_integer(json_object_get(v, "lane")) ||
		    !json_is_integer(json_object_get(v, "nth")))
			return lc_diag_set(diag, LC_ERR_FORMAT, "golden-cable baseline: values[%zu] malformed", i);
		json_t *wl = json_object_get(v, "wavelength_nm");
		char what[128];
		value_name(what, sizeof(what), name, (int)json_integer_value(json_object_get(v, "lane")),
			   json_is_number(wl) ? json_number_value(wl) : NAN, (int)json_integer_value(json_object_get(v, "nth")));
		const lc_result_measurement *m = find_again(r, v);
		if (!m) {
			lc_utf8_printf(why, cap, "%s was recorded (%.2f dB) but not measured again", what, json_number_value(val));
			return 0;
		}
		double dev = fabs(m->value - json_number_value(val));
		if (dev > st->golden.tolerance_db && dev > worst) {
			worst = dev;
			lc_utf8_printf(why, cap, "%s %.2f dB, recorded %.2f dB: %.2f dB off, tolerance %.2f dB", what, m->value,
				       json_number_value(val), dev, st->golden.tolerance_db);
		}
	}
	return worst < 0;
}

int lc_golden_check(const lc_station *st, const char *state_dir, const lc_result *r, int64_t now_unix, char *why,
		    size_t cap, lc_diag *diag)
{
	char base_path[1200], check_path[1200], dev[LC_GOLDEN_WHY_MAX] = "";
	int rc;
	why[0] = '\0';
	if ((rc = lc_station_state_path(state_dir, st->name, "golden-baseline", base_path, sizeof(base_path), diag)) < 0 ||
	    (rc = lc_station_state_path(state_dir, st->name, "golden-check", check_path, sizeof(check_path), diag)) < 0)
		return rc;
	lc_diag ld;
	json_t *base = load_json(base_path, GOLDEN_FORMAT, &ld);
	if (!base) {
		if (ld.code == LC_ERR_NOT_FOUND)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "golden cable %s has no recorded values in %s: record them "
								   "first (--golden record)", st->golden.serial, state_dir);
		return lc_diag_set(diag, ld.code, "%s", ld.text);
	}
	int ok = compare(st, base, r, dev, sizeof(dev), diag);
	json_decref(base);
	if (ok < 0)
		return ok;
	enum lc_verdict v = lc_result_verdict(r);
	if (ok && v != LC_VERDICT_PASS) {
		const char *rr = lc_result_reason(r);
		lc_utf8_printf(dev, sizeof(dev), "the golden cable's own run is %s%s%s", lc_verdict_name(v), rr ? ": " : "",
			       rr ? rr : "");
		ok = 0;
	}
	if (!ok)
		lc_utf8_printf(why, cap, "%s", dev);
	json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:b, s:s}", "format", CHECK_FORMAT, "station", st->name, "serial",
			      st->golden.serial, "checked_unix", (json_int_t)now_unix, "passed", ok, "reason", ok ? "" : dev);
	if ((rc = write_json(check_path, j, diag)) < 0)
		return rc;
	return ok;
}

static void gate_time(int64_t unix_s, char *buf)
{
	if (lc_time_format(unix_s * 1000, buf, NULL) < 0)
		snprintf(buf, 32, "%lld", (long long)unix_s);
	else
		buf[16] = '\0'; /* "YYYY-MM-DDTHH:MM": the minute is enough to find it */
}

int lc_golden_gate(const lc_station *st, const char *state_dir, int64_t now_unix, char *why, size_t cap)
{
	char path[1200], when[32];
	lc_diag d;
	why[0] = '\0';
	if (!st->golden.serial[0])
		return 1;
	if (lc_station_state_path(state_dir, st->name, "golden-check", path, sizeof(path), &d) < 0) {
		lc_utf8_printf(why, cap, "golden-cable check required: %s", lc_diag_message(&d));
		return 0;
	}
	json_t *j = load_json(path, CHECK_FORMAT, &d);
	if (!j) {
		if (d.code == LC_ERR_NOT_FOUND)
			lc_utf8_printf(why, cap, "golden-cable check required: no check of golden cable %s yet on station '%s' "
						 "(run its procedure with --golden check --serial %s)",
				       st->golden.serial, st->name, st->golden.serial);
		else
			lc_utf8_printf(why, cap, "golden-cable check required: the last check cannot be read (%s)",
				       lc_diag_message(&d));
		return 0;
	}
	json_t *t = json_object_get(j, "checked_unix"), *p = json_object_get(j, "passed");
	const char *serial = json_string_value(json_object_get(j, "serial"));
	const char *reason = json_string_value(json_object_get(j, "reason"));
	int ok = 0;
	if (!json_is_integer(t) || !json_is_boolean(p) || !serial) {
		lc_utf8_printf(why, cap, "golden-cable check required: %s is malformed", path);
	} else if (strcmp(serial, st->golden.serial) != 0) {
		lc_utf8_printf(why, cap, "golden-cable check required: the last check was of %s, the station's golden cable is %s",
			       serial, st->golden.serial);
	} else {
		int64_t at = json_integer_value(t);
		gate_time(at, when);
		if (!json_is_true(p))
			/* the block first, the check's own reason last: a run's reason is cut at its end */
			lc_utf8_printf(why, cap, "golden-cable check of %s at %s UTC failed: certification is blocked until a "
						 "check passes (%s)",
				       serial, when, reason && *reason ? reason : "no reason recorded");
		else if (at > now_unix)
			lc_utf8_printf(why, cap, "golden-cable check of %s at %s UTC is in the future (clock changed?): check again",
				       serial, when);
		else if (now_unix - at > (int64_t)st->golden.valid_s)
			lc_utf8_printf(why, cap, "golden-cable check of %s at %s UTC expired (valid %u min): check the golden "
						 "cable again (--golden check)",
				       serial, when, st->golden.valid_s / 60);
		else
			ok = 1;
	}
	json_decref(j);
	return ok;
}
