/*
 * DiCon GP600/GP700 3D MEMS matrix switches in the "X1" configuration (instrument-dialects.md §6.2), raw
 * socket on port 10001. Commands have no leading colon (the switch rejects ":SYST:ERR?"). The route is read
 * back after every switch (models.def: route_readback) because the driver author found the commands
 * "unreliable"; output 0 parks an input: lc_switch_park() sends "X1 CH <in> 0" (§6.2: "out 0 = park/off").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/instrument_priv.h"
#include "instruments/switch/switch.h"

struct gp600 {
	int inputs, outputs;
};

static struct gp600 *st(lc_instrument *inst)
{
	return inst->priv;
}

/* "<a>,<b>" with optional spaces; both non-negative. */
static int parse_pair(const char *s, int *a, int *b)
{
	char tail;
	if (sscanf(s, " %d , %d %c", a, b, &tail) != 2 || *a < 0 || *b < 0)
		return LC_ERR_PROTOCOL;
	return 0;
}

static int gp600_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	char reply[64];
	int rc = lc_inst_query(inst, diag, reply, sizeof(reply), "SYST:CONF?");
	if (rc < 0)
		return rc;
	if (strcmp(reply, "X1") != 0)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "configuration '%s': only X1 is supported", reply);
	struct gp600 *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	rc = lc_inst_query(inst, diag, reply, sizeof(reply), "X1 DIM?");
	if (rc >= 0 && (parse_pair(reply, &s->inputs, &s->outputs) < 0 || s->inputs < 1 || s->outputs < 1))
		rc = lc_diag_set(diag, LC_ERR_PROTOCOL, "X1 DIM?: '%s' is not '<inputs>,<outputs>'", reply);
	if (rc < 0) {
		free(s);
		return rc;
	}
	inst->priv = s;
	return 0;
}

static void gp600_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static int gp600_caps(lc_instrument *inst, lc_switch_caps *c)
{
	*c = (lc_switch_caps){st(inst)->inputs, st(inst)->outputs, inst->quirks.settle_ms};
	return 0;
}

static int gp600_route(lc_instrument *inst, int in, int out, lc_diag *diag)
{
	return lc_inst_write(inst, diag, "X1 CH %d %d", in, out);
}

static int gp600_park(lc_instrument *inst, int in, lc_diag *diag)
{
	return lc_inst_write(inst, diag, "X1 CH %d 0", in);
}

static int gp600_get_route(lc_instrument *inst, int in, int *out, lc_diag *diag)
{
	char reply[64];
	int rc = lc_inst_query(inst, diag, reply, sizeof(reply), "X1 CH %d?", in);
	if (rc < 0)
		return rc;
	int a, b;
	if (parse_pair(reply, &a, &b) < 0 || a != in)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "X1 CH %d?: '%s' is not '%d,<output>'", in, reply, in);
	*out = b;
	return 0;
}

static const lc_switch_ops gp600_sw = {
	.base = {LC_CLASS_SWITCH, lc_switch_snapshot},
	.caps = gp600_caps,
	.route = gp600_route,
	.get_route = gp600_get_route,
	.park = gp600_park,
};

static const lc_class_ops *const gp600_classes[] = {&gp600_sw.base, NULL};

/* No lc_driver.required: attach itself sends what routing needs first (instrument-dialects.md §6.2:
 * "Configuration", "Size") and fails on a refusal naming it; no optional feature is used. */
const lc_driver lc_driver_dicon_gp600 = {
	.name = "dicon_gp600",
	.description = "DiCon GP600/GP700 MEMS matrix switch (X1 configuration)",
	.classes = gp600_classes,
	.attach = gp600_attach,
	.detach = gp600_detach,
};
