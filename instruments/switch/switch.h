/*
 * Optical switch class: inputs 1..inputs routed to outputs 1..outputs (1xN switches have one input).
 * Output 0 means "parked / not connected" where the switch supports it (DiCon).
 *
 * lc_switch_route() returns after the route is set, the instrument reported it complete where it can (*OPC?,
 * quirks.route_opc), verified where the model needs a read-back (DiCon: quirks.route_readback) and the model's
 * settling time has passed, so a reading taken next sees the new path.
 *
 * Snapshot keys added: "switch": {"inputs", "outputs", "settle_ms", "routes": [{"input", "output"}]}.
 *
 * Thread safety: each function takes the instrument lock for the whole operation (instrument.h).
 */
#ifndef LC_INSTRUMENTS_SWITCH_H
#define LC_INSTRUMENTS_SWITCH_H

#include "instruments/instrument.h"
#include "instruments/registry.h"

typedef struct lc_switch_caps {
	int inputs;
	int outputs;
	int settle_ms; /* settling time allowed after each route (quirk of the model) */
} lc_switch_caps;

typedef struct lc_switch_ops {
	lc_class_ops base; /* base.cls = LC_CLASS_SWITCH, base.snapshot = lc_switch_snapshot */
	int (*caps)(lc_instrument *inst, lc_switch_caps *caps);
	/* Set the route; the wrapper does read-back and settling. */
	int (*route)(lc_instrument *inst, int in, int out, lc_diag *diag);
	int (*get_route)(lc_instrument *inst, int in, int *out, lc_diag *diag);
} lc_switch_ops;

int lc_switch_caps_get(lc_instrument *inst, lc_switch_caps *caps, lc_diag *diag);
int lc_switch_route(lc_instrument *inst, int in, int out, lc_diag *diag);
int lc_switch_get_route(lc_instrument *inst, int in, int *out, lc_diag *diag);

int lc_switch_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

#endif
