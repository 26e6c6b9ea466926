/* OTDR class wrappers: argument checks, the instrument lock, completion budget, SOR parsing. */
#include <math.h>
#include <stdlib.h>

#include "instruments/instrument_priv.h"
#include "instruments/otdr/otdr.h"

static int ops_of(lc_instrument *inst, const lc_otdr_ops **ops, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: NULL instrument");
	*ops = lc_instrument_class_ops(inst, LC_CLASS_OTDR);
	if (!*ops)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s %s is not an OTDR", inst->idn.vendor, inst->idn.model);
	return 0;
}

static int check_settings(const lc_otdr_settings *s, lc_diag *diag)
{
	if (!s)
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: NULL settings");
	if (!(s->wavelength_nm >= 600 && s->wavelength_nm <= 1700))
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: wavelength %g nm outside 600..1700", s->wavelength_nm);
	if (!(s->pulse_ns > 0 && s->pulse_ns <= 100000))
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: pulse width %g ns outside 0..100000", s->pulse_ns);
	if (!(s->range_m > 0 && s->range_m <= 500000))
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: range %g m outside 0..500 km", s->range_m);
	if (!(s->averaging_s > 0 && s->averaging_s <= 3600))
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: averaging time %g s outside 0..3600", s->averaging_s);
	return 0;
}

int lc_otdr_configure(lc_instrument *inst, const lc_otdr_settings *s, lc_diag *diag)
{
	const lc_otdr_ops *ops;
	int rc = ops_of(inst, &ops, diag);
	if (rc == 0)
		rc = check_settings(s, diag);
	if (rc < 0)
		return rc;
	lc_instrument_lock(inst);
	rc = ops->configure(inst, s, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_otdr_get_settings(lc_instrument *inst, lc_otdr_settings *s, lc_diag *diag)
{
	const lc_otdr_ops *ops;
	int rc = ops_of(inst, &ops, diag);
	if (rc < 0)
		return rc;
	if (!s)
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: NULL settings");
	lc_instrument_lock(inst);
	rc = ops->get_settings(inst, s, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_otdr_acquire(lc_instrument *inst, const lc_otdr_settings *s, lc_diag *diag)
{
	const lc_otdr_ops *ops;
	int rc = ops_of(inst, &ops, diag);
	if (rc == 0)
		rc = check_settings(s, diag);
	if (rc < 0)
		return rc;
	lc_instrument_lock(inst);
	rc = ops->configure(inst, s, diag);
	if (rc == 0)
		rc = ops->start(inst, diag);
	/* the acquisition takes the averaging time: wait that long and a half, plus the usual OPC budget */
	if (rc == 0)
		rc = ops->wait(inst, (int)lround(1500.0 * s->averaging_s) + inst->quirks.opc_timeout_ms, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_otdr_read_trace(lc_instrument *inst, double **db, size_t *n, double *dx_m, lc_diag *diag)
{
	const lc_otdr_ops *ops;
	int rc = ops_of(inst, &ops, diag);
	if (rc < 0)
		return rc;
	if (!db || !n || !dx_m)
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: NULL output");
	lc_instrument_lock(inst);
	rc = ops->read_trace(inst, db, n, dx_m, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_otdr_read_sor(lc_instrument *inst, lc_sor **out, lc_diag *diag)
{
	const lc_otdr_ops *ops;
	int rc = ops_of(inst, &ops, diag);
	if (rc < 0)
		return rc;
	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "otdr: NULL output");
	uint8_t *data = NULL;
	size_t len = 0;
	lc_instrument_lock(inst);
	rc = ops->read_sor(inst, &data, &len, diag);
	lc_instrument_unlock(inst);
	if (rc < 0)
		return rc;
	rc = lc_sor_read(data, len, out, diag);
	free(data);
	if (rc < 0) {
		if (diag) {
			lc_diag_prefix(diag, "%s SOR file: ", inst->idn.model);
			diag->code = LC_ERR_PROTOCOL;
		}
		return LC_ERR_PROTOCOL;
	}
	return 0;
}

int lc_otdr_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	const lc_otdr_ops *ops;
	lc_otdr_settings s;
	int rc = ops_of(inst, &ops, diag);
	if (rc == 0)
		rc = ops->get_settings(inst, &s, diag);
	if (rc < 0)
		return rc;
	json_t *o = json_pack("{s:f,s:f,s:f,s:f}", "wavelength_nm", s.wavelength_nm, "pulse_ns", s.pulse_ns, "range_m",
			      s.range_m, "averaging_s", s.averaging_s);
	if (!o || json_object_set_new(obj, "otdr", o) < 0)
		return lc_diag_set(diag, LC_ERR_NOMEM, "otdr snapshot: out of memory");
	return 0;
}
