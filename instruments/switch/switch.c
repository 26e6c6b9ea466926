/* Switch class: argument checks, locking, read-back and settling, snapshot. */
#include "instruments/switch/switch.h"

#include "base/abort.h"
#include "instruments/instrument_priv.h"

static int checked(lc_instrument *inst, const lc_switch_ops **ops, lc_switch_caps *c, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL instrument");
	*ops = lc_instrument_class_ops(inst, LC_CLASS_SWITCH);
	if (!*ops)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: not a switch", inst->idn.model);
	int rc = (*ops)->caps(inst, c);
	if (rc < 0)
		return lc_diag_set(diag, rc, "switch %s: capabilities unavailable", inst->idn.model);
	return 0;
}

/* checked() and an input in 1..inputs: what route, get_route and park ask first. */
static int checked_input(lc_instrument *inst, const lc_switch_ops **ops, lc_switch_caps *c, int in, lc_diag *diag)
{
	int rc = checked(inst, ops, c, diag);
	if (rc == 0 && (in < 1 || in > c->inputs))
		rc = lc_diag_set(diag, LC_ERR_ARG, "switch %s: input %d out of range 1..%d", inst->idn.model, in,
				 c->inputs);
	return rc;
}

/* After a route (to `want`) or a park (want 0) the switch acknowledged: completion and read-back, each
 * where the model's quirks ask for it. */
static int confirm(lc_instrument *inst, const lc_switch_ops *ops, int in, int want, bool park, lc_diag *diag)
{
	int rc = 0;
	if (inst->quirks.route_opc)
		rc = lc_inst_wait_opc(inst, diag, 0, park ? "park" : "route");
	if (rc == 0 && inst->quirks.route_readback) {
		int got = -1;
		rc = ops->get_route(inst, in, &got, diag);
		if (rc == 0 && got != want)
			rc = park ? lc_diag_set(diag, LC_ERR_INSTRUMENT, "switch %s: input %d parked, reads back %d",
						inst->idn.model, in, got)
				  : lc_diag_set(diag, LC_ERR_INSTRUMENT,
						"switch %s: input %d routed to %d, reads back %d", inst->idn.model, in,
						want, got);
	}
	return rc;
}

int lc_switch_caps_get(lc_instrument *inst, lc_switch_caps *caps, lc_diag *diag)
{
	if (!caps)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL caps");
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL instrument");
	lc_instrument_lock(inst);
	const lc_switch_ops *ops;
	int rc = checked(inst, &ops, caps, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_switch_route(lc_instrument *inst, int in, int out, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL instrument");
	lc_instrument_lock(inst);
	const lc_switch_ops *ops;
	lc_switch_caps c;
	int rc = checked_input(inst, &ops, &c, in, diag);
	if (rc == 0 && (out < 0 || out > c.outputs))
		rc = lc_diag_set(diag, LC_ERR_ARG, "switch %s: output %d out of range 1..%d", inst->idn.model, out,
				 c.outputs);
	if (rc == 0)
		rc = ops->route(inst, in, out, diag);
	if (rc == 0)
		rc = confirm(inst, ops, in, out, false, diag);
	/* Settling after the switch acknowledged: the light path is only stable after it (model quirk). */
	if (rc == 0 && inst->quirks.settle_ms > 0 && (rc = lc_wait_ms(inst->quirks.settle_ms)) < 0)
		lc_diag_set(diag, rc, "switch %s: aborted while the route settled", inst->idn.model);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_switch_get_route(lc_instrument *inst, int in, int *out, lc_diag *diag)
{
	if (!inst || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL argument");
	lc_instrument_lock(inst);
	const lc_switch_ops *ops;
	lc_switch_caps c;
	int rc = checked_input(inst, &ops, &c, in, diag);
	if (rc == 0)
		rc = ops->get_route(inst, in, out, diag);
	lc_instrument_unlock(inst);
	return rc;
}

/* Park with the instrument locked and ops/caps checked: completion and read-back as for a route. */
static int park_locked(lc_instrument *inst, const lc_switch_ops *ops, int in, lc_diag *diag)
{
	if (!ops->park)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "switch %s (%s): no documented command parks input %d",
				   inst->idn.model, inst->driver->name, in);
	int rc = ops->park(inst, in, diag);
	return rc == 0 ? confirm(inst, ops, in, 0, true, diag) : rc;
}

int lc_switch_park(lc_instrument *inst, int in, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL instrument");
	lc_instrument_lock(inst);
	const lc_switch_ops *ops;
	lc_switch_caps c;
	int rc = checked_input(inst, &ops, &c, in, diag);
	if (rc == 0)
		rc = park_locked(inst, ops, in, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_switch_take(lc_instrument *inst, int in, int out, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL instrument");
	lc_instrument_lock(inst);
	const lc_switch_ops *ops;
	lc_switch_caps c;
	int rc = checked(inst, &ops, &c, diag);
	/* A 1xN switch has no other input and output 0 holds nothing. A model that cannot park has its own
	 * route semantics (an N773x 2xN state moves the other input with it): nothing to release there; the
	 * station design check refuses wiring that would need it (lc_switch_can_park). */
	for (int other = 1; rc == 0 && out > 0 && c.inputs > 1 && ops->park && other <= c.inputs; other++) {
		int held = 0;
		if (other != in && (rc = ops->get_route(inst, other, &held, diag)) == 0 && held == out)
			rc = park_locked(inst, ops, other, diag);
	}
	if (rc == 0)
		rc = lc_switch_route(inst, in, out, diag);
	lc_instrument_unlock(inst);
	return rc;
}

bool lc_switch_can_park(lc_instrument *inst)
{
	const lc_switch_ops *ops = inst ? lc_instrument_class_ops(inst, LC_CLASS_SWITCH) : NULL;
	return ops && ops->park;
}

int lc_switch_release(lc_instrument *inst, int in, lc_diag *diag)
{
	if (!inst)
		return lc_diag_set(diag, LC_ERR_ARG, "switch: NULL instrument");
	lc_instrument_lock(inst);
	const lc_switch_ops *ops;
	lc_switch_caps c;
	int rc = checked(inst, &ops, &c, diag);
	if (rc == 0 && c.inputs > 1 && ops->park && in >= 1 && in <= c.inputs)
		rc = park_locked(inst, ops, in, diag);
	lc_instrument_unlock(inst);
	return rc;
}

int lc_switch_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag)
{
	lc_switch_caps c;
	int rc = lc_switch_caps_get(inst, &c, diag);
	if (rc < 0)
		return rc;
	json_t *sw = json_object();
	json_t *routes = json_array();
	json_object_set_new(sw, "inputs", json_integer(c.inputs));
	json_object_set_new(sw, "outputs", json_integer(c.outputs));
	json_object_set_new(sw, "settle_ms", json_integer(c.settle_ms));
	for (int in = 1; in <= c.inputs; in++) {
		int out;
		if ((rc = lc_switch_get_route(inst, in, &out, diag)) < 0) {
			json_decref(routes);
			json_decref(sw);
			return rc;
		}
		json_t *e = json_object();
		json_object_set_new(e, "input", json_integer(in));
		json_object_set_new(e, "output", json_integer(out));
		json_array_append_new(routes, e);
	}
	json_object_set_new(sw, "routes", routes);
	json_object_set_new(obj, "switch", sw);
	return 0;
}
