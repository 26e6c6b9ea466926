/* Source class: argument checks, locking, all-off for cleanup and the snapshot. */
#include "instruments/source/source.h"

#include <math.h>

#include "instruments/instrument_priv.h"

static int checked(lc_instrument *inst, int out, const lc_source_ops **ops, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "source: NULL instrument");
	*ops = lc_instrument_class_ops(inst, LC_CLASS_SOURCE);
	if (!*ops)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: not a source", inst->idn.model);
	lc_source_caps c;
	int rc = (*ops)->caps(inst, 1, &c);
	if (rc < 0)
		return lc_diag_set(diag, rc, "source %s: capabilities unavailable", inst->idn.model);
	if (out < 1 || out > c.outputs)
		return lc_diag_set(diag, LC_ERR_ARG, "source %s: output %d out of range 1..%d", inst->idn.model, out,
				   c.outputs);
	return 0;
}

#define SRC_CALL(inst, out, diag, call)                                                                    \
	do {                                                                                               \
		if (!(inst))                                                                               \
			return lc_diag_set(diag, LC_ERR_ARG, "source: NULL instrument");                   \
		lc_instrument_lock(inst);                                                                  \
		const lc_source_ops *ops;                                                                  \
		int rc_ = checked(inst, out, &ops, diag);                                                  \
		if (rc_ == 0)                                                                              \
			rc_ = (call);                                                                      \
		lc_instrument_unlock(inst);                                                                \
		return rc_;                                                                                \
	} while (0)

int lc_source_caps_get(lc_instrument *inst, int out, lc_source_caps *caps, lc_diag *diag)
{
	if (!caps)
		return lc_diag_set(diag, LC_ERR_ARG, "source: NULL caps");
	SRC_CALL(inst, out, diag, ops->caps(inst, out, caps));
}

int lc_source_set_wavelength(lc_instrument *inst, int out, double nm, lc_diag *diag)
{
	if (!(nm > 0 && nm < 10000))
		return lc_diag_set(diag, LC_ERR_ARG, "source: wavelength %g nm out of range", nm);
	SRC_CALL(inst, out, diag, ops->set_wavelength(inst, out, nm, diag));
}

int lc_source_get_wavelength(lc_instrument *inst, int out, double *nm, lc_diag *diag)
{
	if (!nm)
		return lc_diag_set(diag, LC_ERR_ARG, "source: NULL output");
	SRC_CALL(inst, out, diag, ops->get_wavelength(inst, out, nm, diag));
}

int lc_source_set_power(lc_instrument *inst, int out, double dbm, lc_diag *diag)
{
	if (!isfinite(dbm) || dbm < -100 || dbm > 30)
		return lc_diag_set(diag, LC_ERR_ARG, "source: power %g dBm out of range", dbm);
	SRC_CALL(inst, out, diag,
		 ops->set_power ? ops->set_power(inst, out, dbm, diag)
				: lc_diag_set(diag, LC_ERR_UNSUPPORTED, "source %s: power is not settable",
					      inst->idn.model));
}

int lc_source_get_power(lc_instrument *inst, int out, double *dbm, lc_diag *diag)
{
	if (!dbm)
		return lc_diag_set(diag, LC_ERR_ARG, "source: NULL output");
	SRC_CALL(inst, out, diag, ops->get_power(inst, out, dbm, diag));
}

int lc_source_set_output(lc_instrument *inst, int out, bool on, lc_diag *diag)
{
	SRC_CALL(inst, out, diag, ops->set_output(inst, out, on, diag));
}

int lc_source_get_output(lc_instrument *inst, int out, bool *on, lc_diag *diag)
{
	if (!on)
		return lc_diag_set(diag, LC_ERR_ARG, "source: NULL output");
	SRC_CALL(inst, out, diag, ops->get_output(inst, out, on, diag));
}

int lc_source_all_off(lc_instrument *inst, lc_diag *diag)
{
	if (!inst)
		return 0;
	const lc_source_ops *ops = lc_instrument_class_ops(inst, LC_CLASS_SOURCE);
	if (!ops)
		return 0;
	lc_instrument_lock(inst);
	lc_source_caps c;
	int first = ops->caps(inst, 1, &c);
	if (first >= 0) {
		first = 0;
		for (int o = 1; o <= c.outputs; o++) {
			lc_diag d;
			int rc = ops->set_output(inst, o, false, &d);
			if (rc < 0 && first == 0) {
				first = rc;
				if (diag)
					*diag = d;
			}
		}
	}
	lc_instrument_unlock(inst);
	return first;
}

int lc_source_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	lc_source_caps c;
	int rc = lc_source_caps_get(inst, 1, &c, diag);
	if (rc < 0)
		return rc;
	json_t *arr = json_array();
	if (!arr)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	for (int o = 1; o <= c.outputs; o++) {
		double nm, dbm;
		bool on;
		if ((rc = lc_source_get_wavelength(inst, o, &nm, diag)) < 0 ||
		    (rc = lc_source_get_power(inst, o, &dbm, diag)) < 0 ||
		    (rc = lc_source_get_output(inst, o, &on, diag)) < 0) {
			json_decref(arr);
			return rc;
		}
		json_t *e = json_object();
		json_object_set_new(e, "output", json_integer(o));
		json_object_set_new(e, "wavelength_nm", isfinite(nm) ? json_real(nm) : json_null());
		json_object_set_new(e, "power_dbm", isfinite(dbm) ? json_real(dbm) : json_null());
		json_object_set_new(e, "on", json_boolean(on));
		json_array_append_new(arr, e);
	}
	json_object_set_new(obj, "outputs", arr);
	return 0;
}
