/* Power meter class: argument checks, locking and the snapshot, over the driver's operations table. */
#include "instruments/power_meter/power_meter.h"

#include <math.h>
#include <stdlib.h>

#include "instruments/instrument_priv.h"

static const lc_power_meter_ops *ops_of(lc_instrument *inst, lc_diag *diag)
{
	const lc_power_meter_ops *ops = lc_instrument_class_ops(inst, LC_CLASS_POWER_METER);
	if (!ops)
		lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: not a power meter",
			    inst ? inst->idn.model : "(null instrument)");
	return ops;
}

double lc_watt_to_dbm(double watt)
{
	if (!(watt > 0)) /* also NaN */
		return -INFINITY;
	return 10.0 * log10(watt * 1000.0);
}

double lc_dbm_to_watt(double dbm)
{
	return pow(10.0, dbm / 10.0) / 1000.0;
}

int lc_power_meter_caps_get(lc_instrument *inst, lc_power_meter_caps *caps, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL instrument");
	const lc_power_meter_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	if (!caps)
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL caps");
	lc_instrument_lock(inst);
	int rc = ops->caps(inst, caps);
	lc_instrument_unlock(inst);
	return rc;
}

/* Look up the ops and check the channel against the capabilities. */
static int checked(lc_instrument *inst, int ch, bool allow_all, const lc_power_meter_ops **ops, lc_diag *diag)
{
	*ops = ops_of(inst, diag);
	if (!*ops)
		return LC_ERR_UNSUPPORTED;
	lc_power_meter_caps c;
	int rc = (*ops)->caps(inst, &c);
	if (rc < 0)
		return lc_diag_set(diag, rc, "power meter %s: capabilities unavailable", inst->idn.model);
	if ((ch == 0 && allow_all) || (ch >= 1 && ch <= c.channels))
		return 0;
	return lc_diag_set(diag, LC_ERR_ARG, "power meter %s: channel %d out of range 1..%d", inst->idn.model, ch,
			   c.channels);
}

/* Lock, check, call the driver, unlock. */
#define PM_CALL(inst, ch, allow_all, diag, call)                                                          \
	do {                                                                                               \
		if (!(inst))                                                                               \
			return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL instrument");              \
		lc_instrument_lock(inst);                                                                  \
		const lc_power_meter_ops *ops;                                                             \
		int rc_ = checked(inst, ch, allow_all, &ops, diag);                                        \
		if (rc_ == 0)                                                                              \
			rc_ = (call);                                                                      \
		lc_instrument_unlock(inst);                                                                \
		return rc_;                                                                                \
	} while (0)

int lc_power_meter_set_wavelength(lc_instrument *inst, int ch, double nm, lc_diag *diag)
{
	if (!(nm > 0 && nm < 10000))
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: wavelength %g nm out of range", nm);
	PM_CALL(inst, ch, false, diag, ops->set_wavelength(inst, ch, nm, diag));
}

int lc_power_meter_get_wavelength(lc_instrument *inst, int ch, double *nm, lc_diag *diag)
{
	if (!nm)
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL output");
	PM_CALL(inst, ch, false, diag, ops->get_wavelength(inst, ch, nm, diag));
}

int lc_power_meter_set_wavelength_all(lc_instrument *inst, double nm, lc_diag *diag)
{
	lc_power_meter_caps c;
	int rc = lc_power_meter_caps_get(inst, &c, diag);
	if (rc < 0)
		return rc;
	lc_instrument_lock(inst);
	for (int ch = 1; ch <= c.channels && rc >= 0; ch++)
		rc = lc_power_meter_set_wavelength(inst, ch, nm, diag);
	lc_instrument_unlock(inst);
	return rc < 0 ? rc : 0;
}

int lc_power_meter_set_averaging(lc_instrument *inst, int ch, double seconds, lc_diag *diag)
{
	if (!(seconds > 0 && seconds <= 3600))
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: averaging time %g s out of range", seconds);
	PM_CALL(inst, ch, false, diag, ops->set_averaging(inst, ch, seconds, diag));
}

int lc_power_meter_get_averaging(lc_instrument *inst, int ch, double *seconds, lc_diag *diag)
{
	if (!seconds)
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL output");
	PM_CALL(inst, ch, false, diag, ops->get_averaging(inst, ch, seconds, diag));
}

int lc_power_meter_read_dbm(lc_instrument *inst, int ch, double *dbm, lc_diag *diag)
{
	if (!dbm)
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL output");
	PM_CALL(inst, ch, false, diag, ops->read_dbm(inst, ch, dbm, diag));
}

int lc_power_meter_read_each(lc_instrument *inst, int channels, double *dbm, size_t cap, lc_diag *diag)
{
	const lc_power_meter_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	if (channels < 0 || (size_t)channels > cap)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "power meter: %d channels, room for %zu", channels, cap);
	for (int ch = 1; ch <= channels; ch++) {
		int rc = ops->read_dbm(inst, ch, &dbm[ch - 1], diag);
		if (rc < 0)
			return rc;
	}
	return channels;
}

int lc_power_meter_read_all_dbm(lc_instrument *inst, double *dbm, size_t cap, lc_diag *diag)
{
	if (!dbm)
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL output");
	lc_power_meter_caps c;
	int rc = lc_power_meter_caps_get(inst, &c, diag);
	if (rc < 0)
		return rc;
	if ((size_t)c.channels > cap)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "power meter: %d channels, room for %zu", c.channels, cap);
	const lc_power_meter_ops *ops = ops_of(inst, diag);
	if (!ops)
		return LC_ERR_UNSUPPORTED;
	lc_instrument_lock(inst);
	rc = ops->read_all_dbm ? ops->read_all_dbm(inst, dbm, cap, diag)
			       : lc_power_meter_read_each(inst, c.channels, dbm, cap, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_power_meter_zero(lc_instrument *inst, int ch, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "power meter: NULL instrument");
	const lc_power_meter_ops *pm = ops_of(inst, diag);
	if (!pm)
		return LC_ERR_UNSUPPORTED;
	if (!pm->zero || inst->quirks.no_zero)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "power meter %s: zeroing not supported", inst->idn.model);
	PM_CALL(inst, ch, true, diag, ops->zero(inst, ch, diag));
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

int lc_power_meter_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	lc_power_meter_caps c;
	int rc = lc_power_meter_caps_get(inst, &c, diag);
	if (rc < 0)
		return rc;
	json_t *arr = json_array();
	if (!arr)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	for (int ch = 1; ch <= c.channels; ch++) {
		double nm, avg, dbm;
		if ((rc = lc_power_meter_get_wavelength(inst, ch, &nm, diag)) < 0 ||
		    (rc = lc_power_meter_get_averaging(inst, ch, &avg, diag)) < 0 ||
		    (rc = lc_power_meter_read_dbm(inst, ch, &dbm, diag)) < 0) {
			json_decref(arr);
			return rc;
		}
		json_t *o = json_object();
		json_object_set_new(o, "channel", json_integer(ch));
		json_object_set_new(o, "wavelength_nm", num_or_null(nm));
		json_object_set_new(o, "averaging_s", num_or_null(avg));
		json_object_set_new(o, "power_dbm", num_or_null(dbm));
		json_array_append_new(arr, o);
	}
	json_object_set_new(obj, "channels", arr);
	return 0;
}
