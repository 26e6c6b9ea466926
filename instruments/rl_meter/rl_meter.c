/* RL meter class: argument checks, locking, snapshot. */
#include "instruments/rl_meter/rl_meter.h"

#include "instruments/instrument_priv.h"

static int checked(lc_instrument *inst, int ch, const lc_rl_meter_ops **ops, lc_rl_meter_caps *c, lc_diag *diag)
{
	*ops = lc_instrument_class_ops(inst, LC_CLASS_RL_METER);
	if (!*ops)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: not a return-loss meter", inst->idn.model);
	int rc = (*ops)->caps(inst, c);
	if (rc < 0)
		return lc_diag_set(diag, rc, "RL meter %s: capabilities unavailable", inst->idn.model);
	if (ch < 1 || ch > c->channels)
		return lc_diag_set(diag, LC_ERR_ARG, "RL meter %s: channel %d out of range 1..%d", inst->idn.model, ch,
				   c->channels);
	return 0;
}

int lc_rl_meter_caps_get(lc_instrument *inst, lc_rl_meter_caps *caps, lc_diag *diag)
{
	if (!inst || !caps)
		return lc_diag_set(diag, LC_ERR_ARG, "RL meter: NULL argument");
	const lc_rl_meter_ops *ops = lc_instrument_class_ops(inst, LC_CLASS_RL_METER);
	if (!ops)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: not a return-loss meter", inst->idn.model);
	lc_instrument_lock(inst);
	int rc = ops->caps(inst, caps);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_rl_meter_measure(lc_instrument *inst, int ch, double nm, double *rl_db, lc_diag *diag)
{
	if (!inst || !rl_db)
		return lc_diag_set(diag, LC_ERR_ARG, "RL meter: NULL argument");
	lc_instrument_lock(inst);
	const lc_rl_meter_ops *ops;
	lc_rl_meter_caps c;
	int rc = checked(inst, ch, &ops, &c, diag);
	if (rc == 0) {
		bool known = false;
		for (int i = 0; i < c.n_wavelengths; i++)
			known |= c.wavelengths_nm[i] == nm;
		if (!known)
			rc = lc_diag_set(diag, LC_ERR_ARG, "RL meter %s: %g nm is not one of its wavelengths",
					 inst->idn.model, nm);
	}
	if (rc == 0)
		rc = ops->measure(inst, ch, nm, rl_db, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_rl_meter_source_off(lc_instrument *inst, int ch, lc_diag *diag)
{
	if (!inst)
		return 0;
	lc_instrument_lock(inst);
	const lc_rl_meter_ops *ops;
	lc_rl_meter_caps c;
	int rc = checked(inst, ch, &ops, &c, diag);
	if (rc == 0)
		rc = ops->source_off(inst, ch, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_rl_meter_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	lc_rl_meter_caps c;
	int rc = lc_rl_meter_caps_get(inst, &c, diag);
	if (rc < 0)
		return rc;
	json_t *arr = json_array();
	if (!arr)
		return lc_diag_set(diag, LC_ERR_NOMEM, "snapshot: out of memory");
	for (int ch = 1; ch <= c.channels; ch++) {
		json_t *e = json_object();
		json_t *wl = json_array();
		for (int i = 0; i < c.n_wavelengths; i++)
			json_array_append_new(wl, json_real(c.wavelengths_nm[i]));
		json_object_set_new(e, "channel", json_integer(ch));
		json_object_set_new(e, "wavelengths_nm", wl);
		json_array_append_new(arr, e);
	}
	json_object_set_new(obj, "rl_channels", arr);
	return 0;
}
