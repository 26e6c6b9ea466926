/* The result model's builder and accessors (reports/result.h). */
#include "reports/result.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lc_version.h"
#include "reports/result_priv.h"

struct meas {
	lc_result_measurement pub;
	size_t step;
	lc_result_extra *extras; /* sorted by key */
	size_t n_extras;
};

struct lc_result {
	pthread_mutex_t lock;
	char *station_name, *station_id, *operator_name, *proc_name, *proc_version, *software, *key_id, *reason;
	lc_result_dut dut;
	int64_t start_ms, end_ms;
	enum lc_verdict run_verdict;
	lc_result_instrument *instruments;
	size_t n_instruments;
	lc_result_reference *references;
	size_t n_references;
	lc_result_step *steps;
	size_t n_steps;
	struct meas *meas;
	size_t n_meas;
	lc_result_raw *raw;
	size_t n_raw;
	lc_result_series *series;
	size_t n_series;
};

/* Arrays grow by doubling, so their capacity is implied by their count: 4 slots at first, twice as many
 * whenever the count reaches a power of two from 4 on. Called before appending element number `count`. */
static int grow(void *arrayp, size_t count, size_t elem)
{
	void **array = arrayp;
	size_t cap;
	if (count == 0)
		cap = 4;
	else if (count >= 4 && (count & (count - 1)) == 0)
		cap = count * 2;
	else
		return 0;
	void *p = realloc(*array, cap * elem);
	if (!p)
		return LC_ERR_NOMEM;
	*array = p;
	return 0;
}

static void freestr(const char *s)
{
	free((char *)s);
}

/* Copies s into *dst; NULL stays NULL. Fails on invalid UTF-8, which no JSON writer could emit. */
static int setstr(const char **dst, const char *s, const char *what, lc_diag *diag)
{
	if (s && !lc_result_utf8_valid(s, strlen(s)))
		return lc_diag_set(diag, LC_ERR_ARG, "%s: not valid UTF-8", what);
	char *copy = NULL;
	if (s && !(copy = strdup(s)))
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", what);
	freestr(*dst);
	*dst = copy;
	return 0;
}

static int need(const char *s, const char *what, lc_diag *diag)
{
	if (!s || !*s)
		return lc_diag_set(diag, LC_ERR_ARG, "%s is required", what);
	return 0;
}

static int finite_or_absent(double v, const char *what, lc_diag *diag)
{
	if (isinf(v))
		return lc_diag_set(diag, LC_ERR_ARG, "%s is infinite", what);
	return 0;
}

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

int64_t lc_result_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

lc_result *lc_result_new(void)
{
	lc_result *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r);
		return NULL;
	}
	r->software = strdup(LC_VERSION_STRING);
	if (!r->software) {
		pthread_mutex_destroy(&r->lock);
		free(r);
		return NULL;
	}
	r->start_ms = r->end_ms = LC_TIME_NONE;
	r->dut.slot = 0;
	return r;
}

static void free_instrument(lc_result_instrument *in)
{
	freestr(in->role), freestr(in->resource), freestr(in->vendor), freestr(in->model);
	freestr(in->serial), freestr(in->firmware), freestr(in->calibration_due);
}

static void free_reference(lc_result_reference *ref)
{
	freestr(ref->method);
	for (size_t i = 0; i < ref->n_cords; i++)
		freestr(ref->cords[i]);
	free((void *)ref->cords);
	for (size_t i = 0; i < ref->n_values; i++)
		freestr(ref->values[i].name), freestr(ref->values[i].unit);
	free((void *)ref->values);
}

static void free_extra(lc_result_extra *e)
{
	freestr(e->key);
	freestr(e->string);
}

static void free_series(lc_result_series *s)
{
	freestr(s->name), freestr(s->kind), freestr(s->x_unit), freestr(s->y_unit);
	free((void *)s->x), free((void *)s->y);
}

void lc_result_free(lc_result *r)
{
	if (!r)
		return;
	freestr(r->station_name), freestr(r->station_id), freestr(r->operator_name), freestr(r->proc_name);
	freestr(r->proc_version), freestr(r->software), freestr(r->key_id), freestr(r->reason);
	freestr(r->dut.cable_type), freestr(r->dut.serial), freestr(r->dut.channel_digest);
	for (size_t i = 0; i < r->n_instruments; i++)
		free_instrument(&r->instruments[i]);
	free(r->instruments);
	for (size_t i = 0; i < r->n_references; i++)
		free_reference(&r->references[i]);
	free(r->references);
	for (size_t i = 0; i < r->n_steps; i++)
		freestr(r->steps[i].name), freestr(r->steps[i].error);
	free(r->steps);
	for (size_t i = 0; i < r->n_meas; i++) {
		freestr(r->meas[i].pub.name), freestr(r->meas[i].pub.unit);
		for (size_t k = 0; k < r->meas[i].n_extras; k++)
			free_extra(&r->meas[i].extras[k]);
		free(r->meas[i].extras);
	}
	free(r->meas);
	for (size_t i = 0; i < r->n_raw; i++)
		freestr(r->raw[i].name), freestr(r->raw[i].kind), free((void *)r->raw[i].data);
	free(r->raw);
	for (size_t i = 0; i < r->n_series; i++)
		free_series(&r->series[i]);
	free(r->series);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

#define LOCKED(r, expr)                                                                                       \
	do {                                                                                                  \
		pthread_mutex_lock(&(r)->lock);                                                               \
		int rc_ = (expr);                                                                             \
		pthread_mutex_unlock(&(r)->lock);                                                             \
		return rc_;                                                                                   \
	} while (0)

static int set_two(lc_result *r, const char **a, const char *va, const char *wa, const char **b,
		   const char *vb, const char *wb, lc_diag *diag)
{
	const char *na = NULL, *nb = NULL;
	int rc = setstr(&na, va, wa, diag);
	if (rc == 0)
		rc = setstr(&nb, vb, wb, diag);
	if (rc < 0) {
		freestr(na), freestr(nb);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	freestr(*a), freestr(*b);
	*a = na, *b = nb;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int lc_result_set_station(lc_result *r, const char *name, const char *id, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	int rc = need(name, "station name", diag);
	if (rc < 0)
		return rc;
	return set_two(r, (const char **)&r->station_name, name, "station name", (const char **)&r->station_id,
		       id, "station id", diag);
}

int lc_result_set_procedure(lc_result *r, const char *name, const char *version, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	int rc = need(name, "procedure name", diag);
	if (rc < 0)
		return rc;
	return set_two(r, (const char **)&r->proc_name, name, "procedure name", (const char **)&r->proc_version,
		       version, "procedure version", diag);
}

int lc_result_set_operator(lc_result *r, const char *operator_name, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	LOCKED(r, setstr((const char **)&r->operator_name, operator_name, "operator", diag));
}

int lc_result_set_software_version(lc_result *r, const char *version, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	LOCKED(r, setstr((const char **)&r->software, version, "software version", diag));
}

int lc_result_set_key_id(lc_result *r, const char *key_id_hex, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (key_id_hex) {
		size_t n = strlen(key_id_hex);
		if (n != 16 || strspn(key_id_hex, "0123456789ABCDEF") != 16)
			return lc_diag_set(diag, LC_ERR_ARG, "key id '%s' is not 16 uppercase hex digits", key_id_hex);
	}
	LOCKED(r, setstr((const char **)&r->key_id, key_id_hex, "key id", diag));
}

static bool hex_lower(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

int lc_result_set_dut(lc_result *r, const lc_result_dut *dut, lc_diag *diag)
{
	if (!r || !dut)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or DUT");
	int rc;
	if ((rc = need(dut->cable_type, "DUT cable type", diag)) < 0 || (rc = need(dut->serial, "DUT serial", diag)) < 0)
		return rc;
	if (dut->slot < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "DUT slot %d is negative", dut->slot);
	if (dut->channel_digest && !hex_lower(dut->channel_digest, LC_SHA256_HEX_LEN))
		return lc_diag_set(diag, LC_ERR_ARG, "channel digest is not 64 lowercase hex digits");
	lc_result_dut n = {.slot = dut->slot};
	if ((rc = setstr(&n.cable_type, dut->cable_type, "DUT cable type", diag)) < 0 ||
	    (rc = setstr(&n.serial, dut->serial, "DUT serial", diag)) < 0 ||
	    (rc = setstr(&n.channel_digest, dut->channel_digest, "channel digest", diag)) < 0) {
		freestr(n.cable_type), freestr(n.serial), freestr(n.channel_digest);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	freestr(r->dut.cable_type), freestr(r->dut.serial), freestr(r->dut.channel_digest);
	r->dut = n;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

int lc_result_start(lc_result *r, int64_t start_ms, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	pthread_mutex_lock(&r->lock);
	r->start_ms = start_ms;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static bool date_ok(const char *s)
{
	/* YYYY-MM-DD with a plausible month and day: a calibration date is compared by people, not parsed. */
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int mon = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31;
}

int lc_result_add_instrument(lc_result *r, const lc_result_instrument *in, lc_diag *diag)
{
	if (!r || !in)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or instrument");
	int rc = need(in->role, "instrument role", diag);
	if (rc < 0)
		return rc;
	if (in->calibration_due && !date_ok(in->calibration_due))
		return lc_diag_set(diag, LC_ERR_ARG, "instrument '%s': calibration due date '%s' is not YYYY-MM-DD",
				   in->role, in->calibration_due);
	lc_result_instrument n = {0};
	if ((rc = setstr(&n.role, in->role, "instrument role", diag)) < 0 ||
	    (rc = setstr(&n.resource, in->resource, "instrument resource", diag)) < 0 ||
	    (rc = setstr(&n.vendor, in->vendor, "instrument vendor", diag)) < 0 ||
	    (rc = setstr(&n.model, in->model, "instrument model", diag)) < 0 ||
	    (rc = setstr(&n.serial, in->serial, "instrument serial", diag)) < 0 ||
	    (rc = setstr(&n.firmware, in->firmware, "instrument firmware", diag)) < 0 ||
	    (rc = setstr(&n.calibration_due, in->calibration_due, "calibration due", diag)) < 0) {
		free_instrument(&n);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	rc = grow(&r->instruments, r->n_instruments, sizeof(*r->instruments));
	if (rc == 0) {
		r->instruments[r->n_instruments] = n;
		rc = (int)r->n_instruments++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc < 0) {
		free_instrument(&n);
		return lc_diag_set(diag, rc, "instrument: out of memory");
	}
	return rc;
}

int lc_result_add_reference(lc_result *r, const lc_result_reference *ref, lc_diag *diag)
{
	if (!r || !ref)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or reference");
	int rc = need(ref->method, "reference method", diag);
	if (rc < 0 || (rc = finite_or_absent(ref->wavelength_nm, "reference wavelength", diag)) < 0)
		return rc;
	if ((ref->n_cords && !ref->cords) || (ref->n_values && !ref->values))
		return lc_diag_set(diag, LC_ERR_ARG, "reference: cords or values missing");
	lc_result_reference n = {.time_ms = ref->time_ms, .wavelength_nm = ref->wavelength_nm};
	const char **cords = calloc(ref->n_cords ? ref->n_cords : 1, sizeof(*cords));
	lc_result_value *values = calloc(ref->n_values ? ref->n_values : 1, sizeof(*values));
	n.cords = cords, n.values = values;
	if (!cords || !values) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "reference: out of memory");
		goto fail;
	}
	if ((rc = setstr(&n.method, ref->method, "reference method", diag)) < 0)
		goto fail;
	for (; n.n_cords < ref->n_cords; n.n_cords++)
		if ((rc = need(ref->cords[n.n_cords], "reference cord id", diag)) < 0 ||
		    (rc = setstr(&cords[n.n_cords], ref->cords[n.n_cords], "reference cord", diag)) < 0)
			goto fail;
	for (; n.n_values < ref->n_values; n.n_values++) {
		const lc_result_value *v = &ref->values[n.n_values];
		if ((rc = need(v->name, "reference value name", diag)) < 0)
			goto fail;
		if (!isfinite(v->value)) {
			rc = lc_diag_set(diag, LC_ERR_ARG, "reference value '%s' is not finite", v->name);
			goto fail;
		}
		values[n.n_values].value = v->value;
		if ((rc = setstr(&values[n.n_values].name, v->name, "reference value name", diag)) < 0 ||
		    (rc = setstr(&values[n.n_values].unit, v->unit, "reference value unit", diag)) < 0) {
			n.n_values++; /* so that its strings are freed */
			goto fail;
		}
	}
	pthread_mutex_lock(&r->lock);
	rc = grow(&r->references, r->n_references, sizeof(*r->references));
	if (rc == 0) {
		r->references[r->n_references] = n;
		rc = (int)r->n_references++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc >= 0)
		return rc;
	lc_diag_set(diag, rc, "reference: out of memory");
fail:
	free_reference(&n);
	return rc;
}

int lc_result_add_step(lc_result *r, const char *name, int64_t start_ms, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	int rc = need(name, "step name", diag);
	const char *copy = NULL;
	if (rc < 0 || (rc = setstr(&copy, name, "step name", diag)) < 0)
		return rc;
	pthread_mutex_lock(&r->lock);
	rc = grow(&r->steps, r->n_steps, sizeof(*r->steps));
	if (rc == 0) {
		r->steps[r->n_steps] = (lc_result_step){.name = copy, .start_ms = start_ms, .end_ms = LC_TIME_NONE};
		rc = (int)r->n_steps++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc < 0) {
		freestr(copy);
		return lc_diag_set(diag, rc, "step: out of memory");
	}
	return rc;
}

static bool verdict_ok(enum lc_verdict v)
{
	return v == LC_VERDICT_NONE || v == LC_VERDICT_PASS || v == LC_VERDICT_INCONCLUSIVE ||
	       v == LC_VERDICT_FAIL || v == LC_VERDICT_ABORTED || v == LC_VERDICT_ERROR;
}

int lc_result_end_step(lc_result *r, int step, enum lc_verdict verdict, int64_t end_ms, const char *error,
		       lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (!verdict_ok(verdict))
		return lc_diag_set(diag, LC_ERR_ARG, "step verdict %d is not a verdict", (int)verdict);
	const char *copy = NULL;
	int rc = setstr(&copy, error, "step error", diag);
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
	freestr(copy);
	return rc;
}

int lc_result_add_measurement(lc_result *r, int step, const lc_result_measurement *m, lc_diag *diag)
{
	if (!r || !m)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or measurement");
	int rc = need(m->name, "measurement name", diag);
	if (rc < 0)
		return rc;
	if (!verdict_ok(m->verdict))
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
	struct meas n = {.pub = *m};
	n.pub.name = n.pub.unit = NULL;
	/* An unused bound is dropped so that the same judgement always serializes the same way. */
	if (!need_low)
		n.pub.limit.low = NAN;
	if (!need_high)
		n.pub.limit.high = NAN;
	if (isnan(n.pub.margin))
		n.pub.margin = lc_result_limit_margin(&n.pub.limit, n.pub.value);
	if ((rc = setstr(&n.pub.name, m->name, "measurement name", diag)) < 0 ||
	    (rc = setstr(&n.pub.unit, m->unit, "measurement unit", diag)) < 0) {
		freestr(n.pub.name);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	if (step < 0 || (size_t)step >= r->n_steps) {
		rc = lc_diag_set(diag, LC_ERR_ARG, "measurement '%s': no step %d", m->name, step);
	} else if ((rc = grow(&r->meas, r->n_meas, sizeof(*r->meas))) < 0) {
		lc_diag_set(diag, rc, "measurement: out of memory");
	} else {
		n.step = (size_t)step;
		r->meas[r->n_meas] = n;
		rc = (int)r->n_meas++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc < 0)
		freestr(n.pub.name), freestr(n.pub.unit);
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
	if ((rc = setstr(&e.key, key, "extra key", diag)) < 0 ||
	    (rc = setstr(&e.string, is_string ? str : NULL, "extra value", diag)) < 0) {
		free_extra(&e);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	if (mi < 0 || (size_t)mi >= r->n_meas) {
		rc = lc_diag_set(diag, LC_ERR_ARG, "no measurement %d", mi);
		goto out;
	}
	struct meas *m = &r->meas[mi];
	size_t pos = 0;
	while (pos < m->n_extras && strcmp(m->extras[pos].key, key) < 0)
		pos++;
	if (pos < m->n_extras && strcmp(m->extras[pos].key, key) == 0) {
		free_extra(&m->extras[pos]);
		m->extras[pos] = e;
		e = (lc_result_extra){0};
		goto out;
	}
	if ((rc = grow(&m->extras, m->n_extras, sizeof(*m->extras))) < 0) {
		lc_diag_set(diag, rc, "extra: out of memory");
		goto out;
	}
	memmove(&m->extras[pos + 1], &m->extras[pos], (m->n_extras - pos) * sizeof(*m->extras));
	m->extras[pos] = e;
	m->n_extras++;
	e = (lc_result_extra){0};
out:
	pthread_mutex_unlock(&r->lock);
	free_extra(&e);
	return rc;
}

int lc_result_measurement_extra_number(lc_result *r, int measurement, const char *key, double value,
				       lc_diag *diag)
{
	return set_extra(r, measurement, key, false, value, NULL, diag);
}

int lc_result_measurement_extra_string(lc_result *r, int measurement, const char *key, const char *value,
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
	if ((rc = setstr(&n.name, name, "raw name", diag)) < 0 || (rc = setstr(&n.kind, kind, "raw kind", diag)) < 0)
		goto fail;
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->n_raw; i++)
		if (strcmp(r->raw[i].name, name) == 0)
			rc = lc_diag_set(diag, LC_ERR_ARG, "raw data '%s' recorded twice", name);
	if (rc == 0 && (rc = grow(&r->raw, r->n_raw, sizeof(*r->raw))) < 0)
		lc_diag_set(diag, rc, "raw data: out of memory");
	if (rc == 0) {
		r->raw[r->n_raw] = n;
		rc = (int)r->n_raw++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc >= 0)
		return rc;
fail:
	freestr(n.name), freestr(n.kind);
	free(data);
	return rc;
}

int lc_result_add_raw_data(lc_result *r, const char *name, const char *kind, const void *data, size_t len,
			   lc_diag *diag)
{
	if (!r || (!data && len))
		return lc_diag_set(diag, LC_ERR_ARG, "no result or data");
	if (!lc_result_raw_name_ok(name))
		return lc_diag_set(diag, LC_ERR_ARG, "raw data name '%s' is not a plain file name",
				   name ? name : "(null)");
	int rc = need(kind, "raw data kind", diag);
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

int lc_result_add_raw_digest(lc_result *r, const char *name, const char *kind, size_t size,
			     const char *sha256_hex, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (!lc_result_raw_name_ok(name))
		return lc_diag_set(diag, LC_ERR_ARG, "raw data name '%s' is not a plain file name",
				   name ? name : "(null)");
	int rc = need(kind, "raw data kind", diag);
	if (rc < 0)
		return rc;
	if (!hex_lower(sha256_hex, LC_SHA256_HEX_LEN))
		return lc_diag_set(diag, LC_ERR_ARG, "raw data '%s': digest is not 64 lowercase hex digits", name);
	return add_raw(r, name, kind, NULL, size, sha256_hex, diag);
}

int lc_result_add_series(lc_result *r, const char *name, const char *kind, int lane, const char *x_unit,
			 const char *y_unit, const double *x, const double *y, size_t n, lc_diag *diag)
{
	if (!r || (n && (!x || !y)))
		return lc_diag_set(diag, LC_ERR_ARG, "no result or points");
	int rc;
	if ((rc = need(name, "series name", diag)) < 0 || (rc = need(kind, "series kind", diag)) < 0)
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
	if ((rc = setstr(&s.name, name, "series name", diag)) < 0 || (rc = setstr(&s.kind, kind, "series kind", diag)) < 0 ||
	    (rc = setstr(&s.x_unit, x_unit, "series x unit", diag)) < 0 ||
	    (rc = setstr(&s.y_unit, y_unit, "series y unit", diag)) < 0)
		goto fail;
	pthread_mutex_lock(&r->lock);
	rc = grow(&r->series, r->n_series, sizeof(*r->series));
	if (rc == 0) {
		r->series[r->n_series] = s;
		rc = (int)r->n_series++;
	}
	pthread_mutex_unlock(&r->lock);
	if (rc >= 0)
		return rc;
	lc_diag_set(diag, rc, "series: out of memory");
fail:
	free_series(&s);
	return rc;
}

int lc_result_finish(lc_result *r, enum lc_verdict verdict, int64_t end_ms, const char *reason, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (!verdict_ok(verdict))
		return lc_diag_set(diag, LC_ERR_ARG, "run verdict %d is not a verdict", (int)verdict);
	const char *copy = NULL;
	int rc = setstr(&copy, reason, "reason", diag);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&r->lock);
	r->run_verdict = verdict, r->end_ms = end_ms;
	freestr(r->reason);
	r->reason = (char *)copy;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* ---- reading ---- */

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
