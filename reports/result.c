/* The result model: creation, run-level fields, instruments and references (reports/result.h). */
#include "reports/result.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures/date.h"
#include "lc_version.h"
#include "base/utf8.h"
#include "reports/result_priv.h"

/* Arrays grow by doubling, so their capacity is implied by their count: 4 slots at first, twice as many
 * whenever the count reaches a power of two from 4 on. Called before appending element number `count`. */
int lc_result_grow(void *arrayp, size_t count, size_t elem)
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

void lc_result_freestr(const char *s)
{
	free((char *)s);
}

/* Copies s into *dst; NULL stays NULL. Fails on invalid UTF-8, which no JSON writer could emit. */
int lc_result_setstr(const char **dst, const char *s, const char *what, lc_diag *diag)
{
	if (s && !lc_utf8_valid(s, strlen(s)))
		return lc_diag_set(diag, LC_ERR_ARG, "%s: not valid UTF-8", what);
	char *copy = NULL;
	if (s && !(copy = strdup(s)))
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", what);
	lc_result_freestr(*dst);
	*dst = copy;
	return 0;
}

int lc_result_note(lc_result *r, int rc, const lc_diag *d, lc_diag *diag)
{
	if (rc >= 0)
		return rc;
	if (diag)
		*diag = *d;
	if (!r)
		return rc;
	char text[LC_DIAG_TEXT_MAX + 32];
	snprintf(text, sizeof(text), "result not recorded: %s", lc_diag_message(d));
	pthread_mutex_lock(&r->lock);
	if (!r->failure)
		r->failure = strdup(text); /* NULL when out of memory: lc_result_failure() then names that */
	r->failed = true;
	pthread_mutex_unlock(&r->lock);
	return rc;
}

int lc_result_need(const char *s, const char *what, lc_diag *diag)
{
	if (!s || !*s)
		return lc_diag_set(diag, LC_ERR_ARG, "%s is required", what);
	return 0;
}

int lc_result_finite_or_absent(double v, const char *what, lc_diag *diag)
{
	if (isinf(v))
		return lc_diag_set(diag, LC_ERR_ARG, "%s is infinite", what);
	return 0;
}

void lc_result_free_extra(lc_result_extra *e)
{
	lc_result_freestr(e->key);
	lc_result_freestr(e->string);
}

void lc_result_free_series(lc_result_series *s)
{
	lc_result_freestr(s->name), lc_result_freestr(s->kind), lc_result_freestr(s->x_unit), lc_result_freestr(s->y_unit);
	free((void *)s->x), free((void *)s->y);
}

bool lc_result_verdict_ok(enum lc_verdict v)
{
	return v == LC_VERDICT_NONE || v == LC_VERDICT_PASS || v == LC_VERDICT_INCONCLUSIVE ||
	       v == LC_VERDICT_FAIL || v == LC_VERDICT_ABORTED || v == LC_VERDICT_ERROR;
}

bool lc_result_hex_lower(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789abcdef") == n;
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

static void free_job(lc_result_job *j)
{
	lc_result_freestr(j->job), lc_result_freestr(j->customer), lc_result_freestr(j->site);
}

static void free_cable(lc_result_cable *c)
{
	lc_result_freestr(c->part_number), lc_result_freestr(c->description), lc_result_freestr(c->fiber_mode);
	lc_result_freestr(c->fiber_category), lc_result_freestr(c->end_a), lc_result_freestr(c->end_b);
	lc_result_freestr(c->limit_set);
}

static void free_instrument(lc_result_instrument *in)
{
	lc_result_freestr(in->role), lc_result_freestr(in->resource), lc_result_freestr(in->vendor), lc_result_freestr(in->model);
	lc_result_freestr(in->serial), lc_result_freestr(in->firmware), lc_result_freestr(in->calibration_due);
	lc_result_freestr(in->calibrated), lc_result_freestr(in->calibration_override);
	lc_result_freestr(in->features_absent);
}

static void free_reference(lc_result_reference *ref)
{
	lc_result_freestr(ref->method);
	for (size_t i = 0; i < ref->n_cords; i++)
		lc_result_freestr(ref->cords[i]);
	free((void *)ref->cords);
	for (size_t i = 0; i < ref->n_values; i++)
		lc_result_freestr(ref->values[i].name), lc_result_freestr(ref->values[i].unit);
	free((void *)ref->values);
}



void lc_result_free(lc_result *r)
{
	if (!r)
		return;
	lc_result_freestr(r->station_name), lc_result_freestr(r->station_id), lc_result_freestr(r->operator_name), lc_result_freestr(r->proc_name);
	lc_result_freestr(r->proc_version), lc_result_freestr(r->software), lc_result_freestr(r->key_id), lc_result_freestr(r->reason);
	free(r->failure);
	lc_result_freestr(r->dut.cable_type), lc_result_freestr(r->dut.serial), lc_result_freestr(r->dut.channel_digest);
	free_job(&r->job);
	free_cable(&r->cable);
	for (size_t i = 0; i < r->n_instruments; i++)
		free_instrument(&r->instruments[i]);
	free(r->instruments);
	for (size_t i = 0; i < r->n_references; i++)
		free_reference(&r->references[i]);
	free(r->references);
	for (size_t i = 0; i < r->n_steps; i++)
		lc_result_freestr(r->steps[i].name), lc_result_freestr(r->steps[i].error);
	free(r->steps);
	for (size_t i = 0; i < r->n_meas; i++) {
		lc_result_freestr(r->meas[i].pub.name), lc_result_freestr(r->meas[i].pub.unit);
		for (size_t k = 0; k < r->meas[i].n_extras; k++)
			lc_result_free_extra(&r->meas[i].extras[k]);
		free(r->meas[i].extras);
	}
	free(r->meas);
	for (size_t i = 0; i < r->n_raw; i++)
		lc_result_freestr(r->raw[i].name), lc_result_freestr(r->raw[i].kind), free((void *)r->raw[i].data);
	free(r->raw);
	for (size_t i = 0; i < r->n_series; i++)
		lc_result_free_series(&r->series[i]);
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
	int rc = lc_result_setstr(&na, va, wa, diag);
	if (rc == 0)
		rc = lc_result_setstr(&nb, vb, wb, diag);
	if (rc < 0) {
		lc_result_freestr(na), lc_result_freestr(nb);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	lc_result_freestr(*a), lc_result_freestr(*b);
	*a = na, *b = nb;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static int set_station_impl(lc_result *r, const char *name, const char *id, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	int rc = lc_result_need(name, "station name", diag);
	if (rc < 0)
		return rc;
	return set_two(r, (const char **)&r->station_name, name, "station name", (const char **)&r->station_id,
		       id, "station id", diag);
}

static int set_procedure_impl(lc_result *r, const char *name, const char *version, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	int rc = lc_result_need(name, "procedure name", diag);
	if (rc < 0)
		return rc;
	return set_two(r, (const char **)&r->proc_name, name, "procedure name", (const char **)&r->proc_version,
		       version, "procedure version", diag);
}

static int set_procedure_file_impl(lc_result *r, bool custom, const char *sha256_hex, lc_diag *diag)
{
	if (!r || !sha256_hex || !lc_result_hex_lower(sha256_hex, LC_SHA256_HEX_LEN))
		return lc_diag_set(diag, LC_ERR_ARG, "procedure file digest is not 64 lowercase hex digits");
	pthread_mutex_lock(&r->lock);
	memcpy(r->proc_sha256, sha256_hex, sizeof(r->proc_sha256));
	r->proc_custom = custom;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static int set_operator_impl(lc_result *r, const char *operator_name, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	LOCKED(r, lc_result_setstr((const char **)&r->operator_name, operator_name, "operator", diag));
}

static int set_software_version_impl(lc_result *r, const char *version, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	LOCKED(r, lc_result_setstr((const char **)&r->software, version, "software version", diag));
}

static int set_key_id_impl(lc_result *r, const char *key_id_hex, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (key_id_hex) {
		size_t n = strlen(key_id_hex);
		if (n != 16 || strspn(key_id_hex, "0123456789ABCDEF") != 16)
			return lc_diag_set(diag, LC_ERR_ARG, "key id '%s' is not 16 uppercase hex digits", key_id_hex);
	}
	LOCKED(r, lc_result_setstr((const char **)&r->key_id, key_id_hex, "key id", diag));
}

/* A job field: absent, or 1-200 bytes without control characters (it is printed on a certificate's one line
 * and stored as a filter key: a newline or a tab would forge a row of the CSV or a line of the page). */
static int job_field_ok(const char *s, const char *what, lc_diag *diag)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	if (n == 0 || n > 200)
		return lc_diag_set(diag, LC_ERR_ARG, "%s must be 1-200 bytes, is %zu", what, n);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return lc_diag_set(diag, LC_ERR_ARG, "%s holds a control character", what);
	return 0;
}

static int set_job_impl(lc_result *r, const lc_result_job *job, lc_diag *diag)
{
	if (!r || !job)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or job");
	int rc;
	if ((rc = job_field_ok(job->job, "job", diag)) < 0 || (rc = job_field_ok(job->customer, "customer", diag)) < 0 ||
	    (rc = job_field_ok(job->site, "site", diag)) < 0)
		return rc;
	lc_result_job n = {0};
	if ((rc = lc_result_setstr(&n.job, job->job, "job", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.customer, job->customer, "customer", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.site, job->site, "site", diag)) < 0) {
		free_job(&n);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	free_job(&r->job);
	r->job = n;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static int set_cable_impl(lc_result *r, const lc_result_cable *c, lc_diag *diag)
{
	if (!r || !c)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or cable");
	if (!isfinite(c->length_m) || c->length_m < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "cable length %g m is not a length", c->length_m);
	lc_result_cable n = {.length_m = c->length_m};
	int rc;
	if ((rc = lc_result_setstr(&n.part_number, c->part_number, "part number", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.description, c->description, "cable description", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.fiber_mode, c->fiber_mode, "fiber mode", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.fiber_category, c->fiber_category, "fiber category", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.end_a, c->end_a, "end A", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.end_b, c->end_b, "end B", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.limit_set, c->limit_set, "limit set", diag)) < 0) {
		free_cable(&n);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	free_cable(&r->cable);
	r->cable = n;
	r->has_cable = true;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static int set_dut_impl(lc_result *r, const lc_result_dut *dut, lc_diag *diag)
{
	if (!r || !dut)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or DUT");
	int rc;
	if ((rc = lc_result_need(dut->cable_type, "DUT cable type", diag)) < 0 || (rc = lc_result_need(dut->serial, "DUT serial", diag)) < 0)
		return rc;
	if (dut->slot < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "DUT slot %d is negative", dut->slot);
	if (dut->attempt < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "attempt %d is negative", dut->attempt);
	if (dut->channel_digest && !lc_result_hex_lower(dut->channel_digest, LC_SHA256_HEX_LEN))
		return lc_diag_set(diag, LC_ERR_ARG, "channel digest is not 64 lowercase hex digits");
	lc_result_dut n = {.slot = dut->slot, .attempt = dut->attempt};
	if ((rc = lc_result_setstr(&n.cable_type, dut->cable_type, "DUT cable type", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.serial, dut->serial, "DUT serial", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.channel_digest, dut->channel_digest, "channel digest", diag)) < 0) {
		lc_result_freestr(n.cable_type), lc_result_freestr(n.serial), lc_result_freestr(n.channel_digest);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	lc_result_freestr(r->dut.cable_type), lc_result_freestr(r->dut.serial), lc_result_freestr(r->dut.channel_digest);
	r->dut = n;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

static int start_impl(lc_result *r, int64_t start_ms, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	pthread_mutex_lock(&r->lock);
	r->start_ms = start_ms;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* "read_all,zero": names of [a-z0-9_], none empty */
static bool feature_list_ok(const char *s)
{
	bool empty = true;
	for (; *s; s++) {
		if (*s == ',') {
			if (empty)
				return false;
			empty = true;
		} else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_') {
			empty = false;
		} else {
			return false;
		}
	}
	return !empty;
}

static bool date_ok(const char *s)
{
	int64_t days;
	return lc_date_parse(s, &days) == 0;
}

static int add_instrument_impl(lc_result *r, const lc_result_instrument *in, lc_diag *diag)
{
	if (!r || !in)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or instrument");
	int rc = lc_result_need(in->role, "instrument role", diag);
	if (rc < 0)
		return rc;
	if (in->calibration_due && !date_ok(in->calibration_due))
		return lc_diag_set(diag, LC_ERR_ARG, "instrument '%s': calibration due date '%s' is not YYYY-MM-DD",
				   in->role, in->calibration_due);
	if (in->calibrated && !date_ok(in->calibrated))
		return lc_diag_set(diag, LC_ERR_ARG, "instrument '%s': calibration date '%s' is not YYYY-MM-DD", in->role,
				   in->calibrated);
	if (in->features_absent && !feature_list_ok(in->features_absent))
		return lc_diag_set(diag, LC_ERR_ARG, "instrument '%s': features '%.80s' are not names of [a-z0-9_] joined "
				   "by ','", in->role, in->features_absent);
	lc_result_instrument n = {0};
	if ((rc = lc_result_setstr(&n.role, in->role, "instrument role", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.features_absent, in->features_absent, "absent features", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.resource, in->resource, "instrument resource", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.vendor, in->vendor, "instrument vendor", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.model, in->model, "instrument model", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.serial, in->serial, "instrument serial", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.firmware, in->firmware, "instrument firmware", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.calibration_due, in->calibration_due, "calibration due", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.calibrated, in->calibrated, "calibrated", diag)) < 0 ||
	    (rc = lc_result_setstr(&n.calibration_override, in->calibration_override, "calibration override",
				   diag)) < 0) {
		free_instrument(&n);
		return rc;
	}
	pthread_mutex_lock(&r->lock);
	rc = lc_result_grow(&r->instruments, r->n_instruments, sizeof(*r->instruments));
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

static int add_reference_impl(lc_result *r, const lc_result_reference *ref, lc_diag *diag)
{
	if (!r || !ref)
		return lc_diag_set(diag, LC_ERR_ARG, "no result or reference");
	int rc = lc_result_need(ref->method, "reference method", diag);
	if (rc < 0 || (rc = lc_result_finite_or_absent(ref->wavelength_nm, "reference wavelength", diag)) < 0)
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
	if ((rc = lc_result_setstr(&n.method, ref->method, "reference method", diag)) < 0)
		goto fail;
	for (; n.n_cords < ref->n_cords; n.n_cords++)
		if ((rc = lc_result_need(ref->cords[n.n_cords], "reference cord id", diag)) < 0 ||
		    (rc = lc_result_setstr(&cords[n.n_cords], ref->cords[n.n_cords], "reference cord", diag)) < 0)
			goto fail;
	for (; n.n_values < ref->n_values; n.n_values++) {
		const lc_result_value *v = &ref->values[n.n_values];
		if ((rc = lc_result_need(v->name, "reference value name", diag)) < 0)
			goto fail;
		if (!isfinite(v->value)) {
			rc = lc_diag_set(diag, LC_ERR_ARG, "reference value '%s' is not finite", v->name);
			goto fail;
		}
		values[n.n_values].value = v->value;
		if ((rc = lc_result_setstr(&values[n.n_values].name, v->name, "reference value name", diag)) < 0 ||
		    (rc = lc_result_setstr(&values[n.n_values].unit, v->unit, "reference value unit", diag)) < 0) {
			n.n_values++; /* so that its strings are freed */
			goto fail;
		}
	}
	pthread_mutex_lock(&r->lock);
	rc = lc_result_grow(&r->references, r->n_references, sizeof(*r->references));
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

static int finish_impl(lc_result *r, enum lc_verdict verdict, int64_t end_ms, const char *reason, lc_diag *diag)
{
	if (!r)
		return lc_diag_set(diag, LC_ERR_ARG, "no result");
	if (!lc_result_verdict_ok(verdict))
		return lc_diag_set(diag, LC_ERR_ARG, "run verdict %d is not a verdict", (int)verdict);
	const char *copy = NULL;
	int rc = lc_result_setstr(&copy, reason, "reason", diag);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&r->lock);
	r->run_verdict = verdict, r->end_ms = end_ms;
	lc_result_freestr(r->reason);
	r->reason = (char *)copy;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* ---- reading ---- */

/* The public builders: each remembers its failure in the result (lc_result_note). */

int lc_result_set_station(lc_result *r, const char *name, const char *id, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_station_impl(r, name, id, &d), &d, diag);
}

int lc_result_set_procedure(lc_result *r, const char *name, const char *version, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_procedure_impl(r, name, version, &d), &d, diag);
}

int lc_result_set_procedure_file(lc_result *r, bool custom, const char *sha256_hex, lc_diag *diag)
{
	lc_diag d;
	return lc_result_note(r, set_procedure_file_impl(r, custom, sha256_hex, &d), &d, diag);
}

int lc_result_set_operator(lc_result *r, const char *operator_name, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_operator_impl(r, operator_name, &d), &d, diag);
}

int lc_result_set_software_version(lc_result *r, const char *version, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_software_version_impl(r, version, &d), &d, diag);
}

int lc_result_set_key_id(lc_result *r, const char *key_id_hex, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_key_id_impl(r, key_id_hex, &d), &d, diag);
}

int lc_result_set_dut(lc_result *r, const lc_result_dut *dut, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_dut_impl(r, dut, &d), &d, diag);
}

int lc_result_set_job(lc_result *r, const lc_result_job *job, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_job_impl(r, job, &d), &d, diag);
}

int lc_result_set_cable(lc_result *r, const lc_result_cable *cable, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, set_cable_impl(r, cable, &d), &d, diag);
}

int lc_result_start(lc_result *r, int64_t start_ms, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, start_impl(r, start_ms, &d), &d, diag);
}

int lc_result_add_instrument(lc_result *r, const lc_result_instrument *in, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, add_instrument_impl(r, in, &d), &d, diag);
}

int lc_result_add_reference(lc_result *r, const lc_result_reference *ref, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, add_reference_impl(r, ref, &d), &d, diag);
}

int lc_result_finish(lc_result *r, enum lc_verdict verdict, int64_t end_ms, const char *reason, lc_diag *diag)
{
	lc_diag d = {0};
	return lc_result_note(r, finish_impl(r, verdict, end_ms, reason, &d), &d, diag);
}
