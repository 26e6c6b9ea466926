/* The result model: steps, measurements and their extras, raw data and plot series (reports/result.h). */
#include "reports/result.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "reports/result_priv.h"

static int add_step_impl(lc_result *r, const char *name, int64_t start_ms, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	int rc = lc_result_need(name, "step name", diag);
	const char *copy = NULL;
	if (rc < 0 || (rc = lc_result_setstr(&copy, name, "step name", diag)) < 0)
		return rc;
	pthread_mutex_lock(&r->lock);
	rc = lc_result_grow(&r->steps, r->n_steps, sizeof(*r->steps));
	if (rc == 0) {
		r->steps[r->n_steps] = (lc_result_step){.name = copy, .start_ms = start_ms, .end_ms = LC_TIME_NONE};
		rc = (int)r->n_steps++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc < 0) {
		lc_result_freestr(copy);
		return lc_diag_set(diag, rc, "step: out of memory");
	}
	return rc;
}


static int end_step_impl(lc_result *r, int step, enum lc_verdict verdict, int64_t end_ms, const char *error,
		       lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (!lc_result_verdict_ok(verdict))
		return lc_diag_set(diag, LC_ERR_ARG, "step verdict %d is not a verdict", (int)verdict);
	const char *copy = NULL;
	int rc = lc_result_setstr(&copy, error, "step error", diag);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&r->lock);
	if (step < 0 || (size_t)step >= r->n_steps) {
		rc = lc_diag_set(diag, LC_ERR_ARG, "no step %d", step);
	} else if (r->steps[step].ended) {
		rc = lc_diag_set(diag, LC_ERR_STATE, "step '%s' already ended", r->steps[step].name);
	} else {
		lc_result_step *s = &r->steps[step];
		s->verdict = verdict, s->end_ms = end_ms, s->ended = true;
		s->error = copy;
		copy = NULL;
	}
	pthread_mutex_unlock(&r->lock);
	lc_result_freestr(copy);
	return rc;
}

static int add_measurement_impl(lc_result *r, int step, const lc_result_measurement *m, lc_diag *diag)
{
	if (!r || !m)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or measurement");
	int rc = lc_result_need(m->name, "measurement name", diag);
	if (rc < 0)
		return rc;
	if (!lc_result_verdict_ok(m->verdict))
		return lc_diag_set(diag, LC_ERR_ARG, "measurement '%s': %d is not a verdict", m->name, (int)m->verdict);
	if (m->lane < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "measurement '%s': lane %d is negative", m->name, m->lane);
	if (isinf(m->value) || isinf(m->wavelength_nm) || isinf(m->margin) || isinf(m->limit.low) ||
	    isinf(m->limit.high))
		return lc_diag_set(diag, LC_ERR_ARG, "measurement '%s': a number is infinite", m->name);
	if (lc_result_cmp_parse(lc_result_cmp_name(m->limit.comparison)) != (int)m->limit.comparison)
		return lc_diag_set(diag, LC_ERR_ARG, "measurement '%s': bad limit comparison %d", m->name,
				   (int)m->limit.comparison);
	bool need_low = m->limit.comparison == LC_LIMIT_GE || m->limit.comparison == LC_LIMIT_GT ||
			m->limit.comparison == LC_LIMIT_BETWEEN;
	bool need_high = m->limit.comparison == LC_LIMIT_LE || m->limit.comparison == LC_LIMIT_LT ||
			 m->limit.comparison == LC_LIMIT_BETWEEN;
	if ((need_low && isnan(m->limit.low)) || (need_high && isnan(m->limit.high)))
		return lc_diag_set(diag, LC_ERR_ARG, "measurement '%s': limit '%s' lacks a bound", m->name,
				   lc_result_cmp_name(m->limit.comparison));
	struct lc_result_meas n = {.pub = *m};
	n.pub.name = n.pub.unit = NULL;
	/* An unused bound is dropped so that the same judgement always serializes the same way. */
	if (!need_low)
		n.pub.limit.low = NAN;
	if (!need_high)
		n.pub.limit.high = NAN;
	if (isnan(n.pub.margin))
		n.pub.margin = lc_result_limit_margin(&n.pub.limit, n.pub.value);
	if ((rc = lc_result_setstr(&n.pub.name, m->name, "measurement name", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.pub.unit, m->unit, "measurement unit", diag)) < 0) {
		lc_result_freestr(n.pub.name);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	if (step < 0 || (size_t)step >= r->n_steps) {
		rc = lc_diag_set(diag, LC_ERR_ARG, "measurement '%s': no step %d", m->name, step);
	} else if ((rc = lc_result_grow(&r->meas, r->n_meas, sizeof(*r->meas))) < 0) {
		lc_diag_set(diag, rc, "measurement: out of memory");
	} else {
		n.step = (size_t)step;
		r->meas[r->n_meas] = n;
		rc = (int)r->n_meas++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc < 0)
		lc_result_freestr(n.pub.name), lc_result_freestr(n.pub.unit);
	return rc;
}

static bool key_ok(const char *k)
{
	return k && *k && strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(k);
}

static int set_extra(lc_result *r, int mi, const char *key, bool is_string, double num, const char *str,
		     lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (!key_ok(key))
		return lc_diag_set(diag, LC_ERR_ARG, "extra key '%s' is not [a-z0-9_]+", key ? key : "(null)");
	if (!is_string && !isfinite(num))
		return lc_diag_set(diag, LC_ERR_ARG, "extra '%s' is not a finite number", key);
	if (is_string && !str)
		return lc_diag_set(diag, LC_ERR_ARG, "extra '%s' has no value", key);
	lc_result_extra e = {.is_string = is_string, .number = is_string ? 0 : num};
	int rc;
	if ((rc = lc_result_setstr(&e.key, key, "extra key", diag)) < 0 ||
	    (rc = lc_result_setstr(&e.string, is_string ? str : NULL, "extra value", diag)) < 0) {
		lc_result_free_extra(&e);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	if (mi < 0 || (size_t)mi >= r->n_meas) {
		rc = lc_diag_set(diag, LC_ERR_ARG, "no measurement %d", mi);
		goto out;
	}
	struct lc_result_meas *m = &r->meas[mi];
	size_t pos = 0;
	while (pos < m->n_extras && strcmp(m->extras[pos].key, key) < 0)
		pos++;
	if (pos < m->n_extras && strcmp(m->extras[pos].key, key) == 0) {
		lc_result_free_extra(&m->extras[pos]);
		m->extras[pos] = e;
		e = (lc_result_extra){0};
		goto out;
	}
	if ((rc = lc_result_grow(&m->extras, m->n_extras, sizeof(*m->extras))) < 0) {
		lc_diag_set(diag, rc, "extra: out of memory");
		goto out;
	}
	memmove(&m->extras[pos + 1], &m->extras[pos], (m->n_extras - pos) * sizeof(*m->extras));
	m->extras[pos] = e;
	m->n_extras++;
	e = (lc_result_extra){0};
out:
	pthread_mutex_unlock(&r->lock);
	lc_result_free_extra(&e);
	return rc;
}

static int measurement_extra_number_impl(lc_result *r, int measurement, const char *key, double value,
				       lc_diag *diag)
{
	return set_extra(r, measurement, key, false, value, NULL, diag);
}

static int measurement_extra_string_impl(lc_result *r, int measurement, const char *key, const char *value,
				       lc_diag *diag)
{
	return set_extra(r, measurement, key, true, 0, value, diag);
}

bool lc_result_raw_name_ok(const char *name)
{
	if (!name || !*name || name[0] == '.' || strlen(name) > 128)
		return false;
	if (strncmp(name, "report.", 7) == 0)
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == strlen(name);
}

static int add_raw(lc_result *r, const char *name, const char *kind, unsigned char *data, size_t size,
		   const char *hex, lc_diag *diag)
{
	lc_result_raw n = {.size = size, .data = data};
	memcpy(n.sha256, hex, LC_SHA256_HEX_LEN + 1);
	int rc;
	if ((rc = lc_result_setstr(&n.name, name, "raw name", diag)) < 0 || (rc = lc_result_setstr(&n.kind, kind, "raw kind", diag)) < 0)
		goto fail;
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->n_raw; i++)
		if (strcmp(r->raw[i].name, name) == 0)
			rc = lc_diag_set(diag, LC_ERR_ARG, "raw data '%s' recorded twice", name);
	if (rc == 0 && (rc = lc_result_grow(&r->raw, r->n_raw, sizeof(*r->raw))) < 0)
		lc_diag_set(diag, rc, "raw data: out of memory");
	if (rc == 0) {
		r->raw[r->n_raw] = n;
		rc = (int)r->n_raw++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc >= 0)
		return rc;
fail:
	lc_result_freestr(n.name), lc_result_freestr(n.kind);
	free(data);
	return rc;
}

static int add_raw_data_impl(lc_result *r, const char *name, const char *kind, const void *data, size_t len,
			   lc_diag *diag)
{
	if (!r || (!data && len))
		return lc_diag_set(diag, LC_ERR_ARG, "no result or data");
	if (!lc_result_raw_name_ok(name))
		return lc_diag_set(diag, LC_ERR_ARG, "raw data name '%s' is not a plain file name",
				   name ? name : "(null)");
	int rc = lc_result_need(kind, "raw data kind", diag);
	if (rc < 0)
		return rc;
	unsigned char *copy = malloc(len ? len : 1);
	if (!copy)
		return lc_diag_set(diag, LC_ERR_NOMEM, "raw data '%s': out of memory", name);
	if (len)
		memcpy(copy, data, len);
	char hex[LC_SHA256_HEX_LEN + 1];
	lc_result_sha256_hex(copy, len, hex);
	return add_raw(r, name, kind, copy, len, hex, diag);
}

static int add_raw_digest_impl(lc_result *r, const char *name, const char *kind, size_t size,
			     const char *sha256_hex, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (!lc_result_raw_name_ok(name))
		return lc_diag_set(diag, LC_ERR_ARG, "raw data name '%s' is not a plain file name",
				   name ? name : "(null)");
	int rc = lc_result_need(kind, "raw data kind", diag);
	if (rc < 0)
		return rc;
	if (!lc_result_hex_lower(sha256_hex, LC_SHA256_HEX_LEN))
		return lc_diag_set(diag, LC_ERR_ARG, "raw data '%s': digest is not 64 lowercase hex digits", name);
	return add_raw(r, name, kind, NULL, size, sha256_hex, diag);
}

static int add_series_impl(lc_result *r, const char *name, const char *kind, int lane, const char *x_unit,
			 const char *y_unit, const double *x, const double *y, size_t n, lc_diag *diag)
{
	if (!r || (n && (!x || !y)))
		return lc_diag_set(diag, LC_ERR_ARG, "no result or points");
	int rc;
	if ((rc = lc_result_need(name, "series name", diag)) < 0 || (rc = lc_result_need(kind, "series kind", diag)) < 0)
		return rc;
	if (lane < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "series '%s': lane %d is negative", name, lane);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return lc_diag_set(diag, LC_ERR_ARG, "series '%s': point %zu is not finite", name, i);
	lc_result_series s = {.lane = lane, .n = n};
	double *xs = malloc((n ? n : 1) * sizeof(double)), *ys = malloc((n ? n : 1) * sizeof(double));
	s.x = xs, s.y = ys;
	if (!xs || !ys) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "series: out of memory");
		goto fail;
	}
	if (n) {
		memcpy(xs, x, n * sizeof(double));
		memcpy(ys, y, n * sizeof(double));
	}
	if ((rc = lc_result_setstr(&s.name, name, "series name", diag)) < 0 || (rc = lc_result_setstr(&s.kind, kind, "series kind", diag)) < 0 ||
	    (rc = lc_result_setstr(&s.x_unit, x_unit, "series x unit", diag)) < 0 ||
	    (rc = lc_result_setstr(&s.y_unit, y_unit, "series y unit", diag)) < 0)
		goto fail;
	pthread_mutex_lock(&r->lock);
	rc = lc_result_grow(&r->series, r->n_series, sizeof(*r->series));
	if (rc == 0) {
		r->series[r->n_series] = s;
		rc = (int)r->n_series++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc >= 0)
		return rc;
	lc_diag_set(diag, rc, "series: out of memory");
fail:
	lc_result_free_series(&s);
	return rc;
}

/* The public builders: each remembers its failure in the result (lc_result_note). */

int lc_result_add_step(lc_result *r, const char *name, int64_t start_ms, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, add_step_impl(r, name, start_ms, &d), &d, diag);
}

int lc_result_end_step(lc_result *r, int step, enum lc_verdict verdict, int64_t end_ms, const char *error,
		       lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, end_step_impl(r, step, verdict, end_ms, error, &d), &d, diag);
}

int lc_result_add_measurement(lc_result *r, int step, const lc_result_measurement *m, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, add_measurement_impl(r, step, m, &d), &d, diag);
}

int lc_result_measurement_extra_number(lc_result *r, int measurement, const char *key, double value,
				       lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, measurement_extra_number_impl(r, measurement, key, value, &d), &d, diag);
}

int lc_result_measurement_extra_string(lc_result *r, int measurement, const char *key, const char *value,
				       lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, measurement_extra_string_impl(r, measurement, key, value, &d), &d, diag);
}

int lc_result_add_raw_data(lc_result *r, const char *name, const char *kind, const void *data, size_t len,
			   lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, add_raw_data_impl(r, name, kind, data, len, &d), &d, diag);
}

int lc_result_add_raw_digest(lc_result *r, const char *name, const char *kind, size_t size,
			     const char *sha256_hex, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, add_raw_digest_impl(r, name, kind, size, sha256_hex, &d), &d, diag);
}

int lc_result_add_series(lc_result *r, const char *name, const char *kind, int lane, const char *x_unit,
			 const char *y_unit, const double *x, const double *y, size_t n, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, add_series_impl(r, name, kind, lane, x_unit, y_unit, x, y, n, &d), &d, diag);
}
