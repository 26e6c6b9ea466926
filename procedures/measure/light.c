/* Steps shared by the optical measurements: sources on/off, detector set-up, routing, reading. */
#include "procedures/measure/optical_priv.h"

#include <math.h>
#include <string.h>

#include "base/abort.h"
#include "instruments/power_meter/power_meter.h"
#include "instruments/source/source.h"
#include "instruments/switch/switch.h"

int lc_lit_collect(lc_lit *lit, const void *first, size_t n, size_t stride, lc_diag *diag)
{
	memset(lit, 0, sizeof(*lit));
	for (size_t i = 0; i < n; i++) {
		const lc_launch *l = (const lc_launch *)((const char *)first + i * stride);
		if (!l->source)
			return lc_diag_set(diag, LC_ERR_ARG, "launch %zu (%s): no source", i + 1, l->label ? l->label : "?");
		size_t k = 0;
		while (k < lit->n && !(lit->inst[k] == l->source && lit->output[k] == l->source_output))
			k++;
		if (k < lit->n)
			continue;
		if (lit->n == LC_LIGHT_MAX)
			return lc_diag_set(diag, LC_ERR_ARG, "more than %d distinct sources", LC_LIGHT_MAX);
		lit->inst[lit->n] = l->source;
		lit->output[lit->n++] = l->source_output;
	}
	return 0;
}

int lc_lit_on(const lc_lit *lit, double nm, double dbm, lc_diag *diag)
{
	int rc = 0;
	for (size_t k = 0; k < lit->n && rc == 0; k++) {
		rc = lc_source_set_wavelength(lit->inst[k], lit->output[k], nm, diag);
		if (rc == 0 && isfinite(dbm))
			rc = lc_source_set_power(lit->inst[k], lit->output[k], dbm, diag);
		if (rc == 0)
			rc = lc_source_set_output(lit->inst[k], lit->output[k], true, diag);
	}
	return rc;
}

int lc_lit_off(const lc_lit *lit, int rc, lc_diag *diag)
{
	for (size_t k = 0; k < lit->n; k++) {
		lc_diag d;
		int off = lc_source_set_output(lit->inst[k], lit->output[k], false, &d);
		if (off < 0 && rc >= 0) {
			rc = off;
			if (diag)
				*diag = d;
			lc_diag_prefix(diag, "switching the source off: ");
		}
	}
	return rc;
}

int lc_detector_prepare(const lc_detector *d, double nm, double averaging_s, lc_diag *diag)
{
	if (!d->meter)
		return lc_diag_set(diag, LC_ERR_ARG, "detector %s: no meter", d->label ? d->label : "?");
	int rc = lc_power_meter_set_wavelength(d->meter, d->channel, nm, diag);
	if (rc == 0 && averaging_s > 0)
		rc = lc_power_meter_set_averaging(d->meter, d->channel, averaging_s, diag);
	return rc;
}

/* Through a matrix, another input (an RL module's, the other direction's source) may still hold the output:
 * take it. */
int lc_launch_route(const lc_launch *l, lc_diag *diag)
{
	int rc = l->sw ? lc_switch_take(l->sw, l->sw_input, l->sw_output, diag) : 0;
	if (rc < 0)
		lc_diag_prefix(diag, "%s: ", l->label ? l->label : "launch");
	return rc;
}

int lc_launches_release(const void *first, size_t n, size_t stride, int rc, lc_diag *diag)
{
	for (size_t i = 0; i < n; i++) {
		const lc_launch *l = (const lc_launch *)((const char *)first + i * stride);
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++) {
			const lc_launch *o = (const lc_launch *)((const char *)first + k * stride);
			seen = o->sw == l->sw && o->sw_input == l->sw_input;
		}
		if (!l->sw || seen)
			continue;
		lc_diag d;
		int r = lc_switch_release(l->sw, l->sw_input, &d);
		if (r < 0 && rc >= 0) {
			rc = r;
			if (diag)
				*diag = d;
			lc_diag_prefix(diag, "%s: releasing the switch input: ", l->label ? l->label : "launch");
		}
	}
	return rc;
}

int lc_detector_read(const lc_detector *d, double *dbm, lc_diag *diag)
{
	/* Every reading is where a measurement loop (reference, insertion loss, fiber map) looks at Ctrl-C
	 * (base/abort.h): a reading with a long averaging time is a command in flight; the next is not started. */
	if (lc_abort_requested())
		return lc_diag_set(diag, LC_ERR_ABORTED, "aborted by the operator");
	int rc = d->sw ? lc_switch_take(d->sw, d->sw_input, d->sw_output, diag) : 0;
	if (rc == 0)
		rc = lc_power_meter_read_dbm(d->meter, d->channel, dbm, diag);
	return rc;
}
