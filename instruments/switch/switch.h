/*
 * Optical switch class: inputs 1..inputs routed to outputs 1..outputs (1xN switches have one input).
 * Output 0 means "parked / not connected" where the switch supports it (DiCon).
 *
 * lc_switch_route() returns after the route is set, the instrument reported it complete where it can (*OPC?,
 * quirks.route_opc), verified where the model needs a read-back (DiCon: quirks.route_readback) and the model's
 * settling time has passed, so a reading taken next sees the new path.
 *
 * Releasing. A matrix connects one input to an output at a time: before it routes an input to an output,
 * lc_switch_take() releases (parks) any other input that holds that output, and callers release their own
 * input when done (lc_switch_release) so the next user of the output does not find it held. A model with no
 * documented park (N773x) cannot release: lc_switch_park() is LC_ERR_UNSUPPORTED, lc_switch_take() just
 * routes (the model's own states decide), and whoever builds paths from a station refuses wiring two inputs
 * of such a switch to one DUT port (lc_switch_can_park false) with a station-design error.
 *
 * Snapshot keys added: "switch": {"inputs", "outputs", "settle_ms", "routes": [{"input", "output"}]}.
 *
 * Thread safety: each function takes the instrument lock for the whole operation (instrument.h).
 */
#ifndef LC_INSTRUMENTS_SWITCH_H
#define LC_INSTRUMENTS_SWITCH_H

#include <stdbool.h>

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
	/* Disconnect an input from every output (NULL: the model has no documented way). */
	int (*park)(lc_instrument *inst, int in, lc_diag *diag);
} lc_switch_ops;

int lc_switch_caps_get(lc_instrument *inst, lc_switch_caps *caps, lc_diag *diag);
int lc_switch_route(lc_instrument *inst, int in, int out, lc_diag *diag);
int lc_switch_get_route(lc_instrument *inst, int in, int *out, lc_diag *diag);
/* Disconnect input in (read back and completed like a route). LC_ERR_UNSUPPORTED when the model cannot. */
int lc_switch_park(lc_instrument *inst, int in, lc_diag *diag);
/* Route in -> out after parking any other input that holds out (a switch with more than one input that can
 * park asks every other input's route; one that cannot park is only routed). */
int lc_switch_take(lc_instrument *inst, int in, int out, lc_diag *diag);
/* Whether the model can park an input (has a documented way to release one). */
bool lc_switch_can_park(lc_instrument *inst);
/* Park in when the switch has more than one input and can park; 0 (nothing to do) otherwise. */
int lc_switch_release(lc_instrument *inst, int in, lc_diag *diag);

int lc_switch_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

#endif
