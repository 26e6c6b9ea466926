/* The result model: accessors, verdict aggregation, limit margins and text checks (reports/result.h). */
#include "reports/result.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "reports/result_priv.h"

const char *lc_result_cmp_name(enum lc_result_cmp c)
{
	switch (c) {
	case LC_LIMIT_NONE: return "none";
	case LC_LIMIT_LE: return "le";
	case LC_LIMIT_LT: return "lt";
	case LC_LIMIT_GE: return "ge";
	case LC_LIMIT_GT: return "gt";
	case LC_LIMIT_BETWEEN: return "between";
	}
	return "none";
}

int lc_result_cmp_parse(const char *s)
{
	for (int c = LC_LIMIT_NONE; c <= LC_LIMIT_BETWEEN; c++)
		if (s && strcmp(s, lc_result_cmp_name((enum lc_result_cmp)c)) == 0)
			return c;
	return -1;
}

double lc_result_limit_margin(const lc_result_limit *limit, double value)
{
	if (!limit || isnan(value))
		return NAN;
	switch (limit->comparison) {
	case LC_LIMIT_LE:
	case LC_LIMIT_LT:
		return limit->high - value;
	case LC_LIMIT_GE:
	case LC_LIMIT_GT:
		return value - limit->low;
	case LC_LIMIT_BETWEEN: {
		double a = value - limit->low, b = limit->high - value;
		return isnan(a) || isnan(b) ? NAN : (a < b ? a : b);
	}
	case LC_LIMIT_NONE:
		break;
	}
	return NAN;
}

const char *lc_result_station_name(const lc_result *r) { return r->station_name; }
const char *lc_result_station_id(const lc_result *r) { return r->station_id; }
const char *lc_result_operator(const lc_result *r) { return r->operator_name; }
const char *lc_result_procedure_name(const lc_result *r) { return r->proc_name; }
const char *lc_result_procedure_version(const lc_result *r) { return r->proc_version; }
const char *lc_result_software_version(const lc_result *r) { return r->software; }
const char *lc_result_procedure_sha256(const lc_result *r, bool *custom)
{
	if (custom)
		*custom = r->proc_custom;
	return r->proc_sha256[0] ? r->proc_sha256 : NULL;
}
const char *lc_result_key_id(const lc_result *r) { return r->key_id; }
lc_result_dut lc_result_get_dut(const lc_result *r) { return r->dut; }
lc_result_job lc_result_get_job(const lc_result *r) { return r->job; }
lc_result_cable lc_result_get_cable(const lc_result *r, bool *known)
{
	if (known)
		*known = r->has_cable;
	return r->cable;
}
int64_t lc_result_start_ms(const lc_result *r) { return r->start_ms; }
int64_t lc_result_end_ms(const lc_result *r) { return r->end_ms; }
const char *lc_result_failure(const lc_result *r)
{
	if (!r->failed)
		return NULL;
	return r->failure ? r->failure : "result not recorded: out of memory";
}

/* A failed record is a reason of its own when the run gave none. */
const char *lc_result_reason(const lc_result *r) { return r->reason ? r->reason : lc_result_failure(r); }

enum lc_verdict lc_result_run_verdict(const lc_result *r)
{
	return r->failed ? lc_verdict_max(r->run_verdict, LC_VERDICT_ERROR) : r->run_verdict;
}
size_t lc_result_instrument_count(const lc_result *r) { return r->n_instruments; }
size_t lc_result_reference_count(const lc_result *r) { return r->n_references; }
size_t lc_result_step_count(const lc_result *r) { return r->n_steps; }
size_t lc_result_measurement_count(const lc_result *r) { return r->n_meas; }
size_t lc_result_raw_count(const lc_result *r) { return r->n_raw; }
size_t lc_result_series_count(const lc_result *r) { return r->n_series; }

const lc_result_series *lc_result_series_at(const lc_result *r, size_t i)
{
	return i < r->n_series ? &r->series[i] : NULL;
}

const lc_result_instrument *lc_result_instrument_at(const lc_result *r, size_t i)
{
	return i < r->n_instruments ? &r->instruments[i] : NULL;
}

const lc_result_reference *lc_result_reference_at(const lc_result *r, size_t i)
{
	return i < r->n_references ? &r->references[i] : NULL;
}

const lc_result_step *lc_result_step_at(const lc_result *r, size_t i)
{
	return i < r->n_steps ? &r->steps[i] : NULL;
}

const lc_result_measurement *lc_result_measurement_at(const lc_result *r, size_t i, size_t *step)
{
	if (i >= r->n_meas)
		return NULL;
	if (step)
		*step = r->meas[i].step;
	return &r->meas[i].pub;
}

size_t lc_result_extra_count(const lc_result *r, size_t measurement)
{
	return measurement < r->n_meas ? r->meas[measurement].n_extras : 0;
}

const lc_result_extra *lc_result_extra_at(const lc_result *r, size_t measurement, size_t i)
{
	if (measurement >= r->n_meas || i >= r->meas[measurement].n_extras)
		return NULL;
	return &r->meas[measurement].extras[i];
}

const lc_result_raw *lc_result_raw_at(const lc_result *r, size_t i)
{
	return i < r->n_raw ? &r->raw[i] : NULL;
}

static enum lc_verdict step_verdict_locked(const lc_result *r, size_t i)
{
	enum lc_verdict v = r->steps[i].verdict;
	for (size_t k = 0; k < r->n_meas; k++)
		if (r->meas[k].step == i)
			v = lc_verdict_max(v, r->meas[k].pub.verdict);
	return v;
}

enum lc_verdict lc_result_step_verdict(const lc_result *r, size_t i)
{
	if (!r || i >= r->n_steps)
		return LC_VERDICT_NONE;
	pthread_mutex_lock((pthread_mutex_t *)&r->lock);
	enum lc_verdict v = step_verdict_locked(r, i);
	pthread_mutex_unlock((pthread_mutex_t *)&r->lock);
	return v;
}

enum lc_verdict lc_result_verdict(const lc_result *r)
{
	if (!r)
		return LC_VERDICT_ERROR;
	pthread_mutex_lock((pthread_mutex_t *)&r->lock);
	enum lc_verdict v = r->failed ? lc_verdict_max(r->run_verdict, LC_VERDICT_ERROR) : r->run_verdict;
	if (r->n_steps == 0)
		v = lc_verdict_max(v, LC_VERDICT_INCONCLUSIVE);
	for (size_t i = 0; i < r->n_steps; i++) {
		enum lc_verdict s = step_verdict_locked(r, i);
		v = lc_verdict_max(v, s == LC_VERDICT_NONE ? LC_VERDICT_INCONCLUSIVE : s);
	}
	pthread_mutex_unlock((pthread_mutex_t *)&r->lock);
	return v;
}

void lc_result_explain(const lc_result *r, char *buf, size_t cap)
{
	enum lc_verdict v = lc_result_verdict(r);
	buf[0] = '\0';
	if (lc_result_reason(r)) {
		lc_utf8_printf(buf, cap, "%s", lc_result_reason(r));
		return;
	}
	for (size_t i = 0; i < lc_result_step_count(r); i++) {
		const lc_result_step *s = lc_result_step_at(r, i);
		if (lc_result_step_verdict(r, i) == v && s->error && v != LC_VERDICT_PASS) {
			lc_utf8_printf(buf, cap, "%s", s->error);
			return;
		}
	}
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		size_t step;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, &step);
		if (m->verdict != v || v == LC_VERDICT_PASS)
			continue;
		/* Whole in a buffer of its own, then cut on a character: the names are UTF-8, and a byte cut
		 * (snprintf into buf) could end the text inside one. */
		char whole[3 * LC_DIAG_TEXT_MAX], part[96];
		snprintf(whole, sizeof(whole), "%s: %s", lc_result_step_at(r, step)->name, m->name);
		if (m->lane) {
			snprintf(part, sizeof(part), " lane %d", m->lane);
			strncat(whole, part, sizeof(whole) - strlen(whole) - 1);
		}
		if (isfinite(m->wavelength_nm)) {
			snprintf(part, sizeof(part), " at %.0f nm", m->wavelength_nm);
			strncat(whole, part, sizeof(whole) - strlen(whole) - 1);
		}
		if (isfinite(m->value)) {
			snprintf(part, sizeof(part), " = %.3g ", m->value);
			strncat(whole, part, sizeof(whole) - strlen(whole) - 1);
			strncat(whole, m->unit ? m->unit : "", sizeof(whole) - strlen(whole) - 1);
		}
		if (isfinite(m->margin)) {
			snprintf(part, sizeof(part), " (margin %+.3g)", m->margin);
			strncat(whole, part, sizeof(whole) - strlen(whole) - 1);
		}
		lc_utf8_printf(buf, cap, "%s", whole);
		return;
	}
	if (v == LC_VERDICT_INCONCLUSIVE || v == LC_VERDICT_NONE)
		snprintf(buf, cap, "not everything was measured to a decision");
}
