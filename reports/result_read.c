/* The result model: accessors, verdict aggregation, limit margins and text checks (reports/result.h). */
#include "reports/result.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "reports/result_priv.h"

bool lc_result_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		size_t len;
		unsigned min;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, min = 0x80, c &= 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, min = 0x800, c &= 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, min = 0x10000, c &= 0x07;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		/* Overlong forms, surrogates and values past U+10FFFF are what jansson refuses too. */
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

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
const char *lc_result_key_id(const lc_result *r) { return r->key_id; }
lc_result_dut lc_result_get_dut(const lc_result *r) { return r->dut; }
int64_t lc_result_start_ms(const lc_result *r) { return r->start_ms; }
int64_t lc_result_end_ms(const lc_result *r) { return r->end_ms; }
const char *lc_result_reason(const lc_result *r) { return r->reason; }
enum lc_verdict lc_result_run_verdict(const lc_result *r) { return r->run_verdict; }
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
	enum lc_verdict v = r->run_verdict;
	if (r->n_steps == 0)
		v = lc_verdict_max(v, LC_VERDICT_INCONCLUSIVE);
	for (size_t i = 0; i < r->n_steps; i++) {
		enum lc_verdict s = step_verdict_locked(r, i);
		v = lc_verdict_max(v, s == LC_VERDICT_NONE ? LC_VERDICT_INCONCLUSIVE : s);
	}
	pthread_mutex_unlock((pthread_mutex_t *)&r->lock);
	return v;
}
