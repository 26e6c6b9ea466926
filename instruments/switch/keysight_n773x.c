/*
 * Keysight N773x optical switches (and the same :ROUT tree of 816x switch modules), instrument-dialects.md
 * §6.1. Inputs are the lettered ports on the left (A, B, ...), outputs the numbered ports on the right, as
 * :ROUT<n>:CONF? reports them ("A,B;1,2"). The guide gives the route syntax `:ROUT<n> A,<port>` and says
 * :ROUT<n>? returns a "route string"; its exact form is not shown, so the reply is parsed as the same
 * "A,3" pairs, several joined by ';' (the separator the :CONF:ROUT? states use). The slot suffix is 1
 * (a stand-alone N773x is one module; UNCONFIRMED).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/instrument_priv.h"
#include "instruments/switch/switch.h"

#define N773X_SLOT 1

struct n773x {
	int inputs, outputs;
};

static struct n773x *st(lc_instrument *inst)
{
	return inst->priv;
}

/* "A,B;1,2,...,N": letters before ';', numbers after. */
static int parse_conf(const char *s, int *inputs, int *outputs)
{
	const char *semi = strchr(s, ';');
	if (!semi)
		return LC_ERR_PROTOCOL;
	int n_in = 0, n_out = 0;
	for (const char *p = s; p < semi; p++) {
		if (isalpha((unsigned char)*p))
			n_in++;
		else if (*p != ',' && *p != ' ')
			return LC_ERR_PROTOCOL;
	}
	const char *p = semi + 1;
	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 1)
			return LC_ERR_PROTOCOL;
		n_out++;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p)
			return LC_ERR_PROTOCOL;
	}
	if (n_in < 1 || n_in > 26 || n_out < 1)
		return LC_ERR_PROTOCOL;
	*inputs = n_in;
	*outputs = n_out;
	return 0;
}

static int n773x_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	char reply[512];
	int rc = lc_inst_query(inst, diag, reply, sizeof(reply), ":ROUT%d:CONF?", N773X_SLOT);
	if (rc < 0)
		return rc;
	struct n773x *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	if (parse_conf(reply, &s->inputs, &s->outputs) < 0) {
		free(s);
		return lc_diag_set(diag, LC_ERR_PROTOCOL, ":ROUT%d:CONF?: '%.80s' is not 'A[,B...];1,2,...'",
				   N773X_SLOT, reply);
	}
	inst->priv = s;
	return 0;
}

static void n773x_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static int n773x_caps(lc_instrument *inst, lc_switch_caps *c)
{
	*c = (lc_switch_caps){st(inst)->inputs, st(inst)->outputs, inst->quirks.settle_ms};
	return 0;
}

static int n773x_route(lc_instrument *inst, int in, int out, lc_diag *diag)
{
	if (out == 0)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "N773x: no parked state documented");
	return lc_inst_write(inst, diag, ":ROUT%d %c,%d", N773X_SLOT, 'A' + in - 1, out);
}

static int n773x_get_route(lc_instrument *inst, int in, int *out, lc_diag *diag)
{
	char reply[512];
	int rc = lc_inst_query(inst, diag, reply, sizeof(reply), ":ROUT%d?", N773X_SLOT);
	if (rc < 0)
		return rc;
	char want = (char)('A' + in - 1);
	for (const char *p = reply; *p;) {
		while (*p == ' ' || *p == '"')
			p++;
		char letter = (char)toupper((unsigned char)*p);
		if (!isalpha((unsigned char)letter) || p[1] != ',')
			break;
		char *end;
		long v = strtol(p + 2, &end, 10);
		if (end == p + 2 || v < 0)
			break;
		if (letter == want) {
			*out = (int)v;
			return 0;
		}
		p = end;
		while (*p == ' ' || *p == '"')
			p++;
		if (*p == ';')
			p++;
		else if (*p)
			break;
	}
	return lc_diag_set(diag, LC_ERR_PROTOCOL, ":ROUT%d?: no route of input %c in '%.80s'", N773X_SLOT, want, reply);
}

static const lc_switch_ops n773x_sw = {
	.base = {LC_CLASS_SWITCH, lc_switch_snapshot},
	.caps = n773x_caps,
	.route = n773x_route,
	.get_route = n773x_get_route,
	/* no park: §6.1 documents no disconnected state (lc_switch_park is LC_ERR_UNSUPPORTED) */
};

static const lc_class_ops *const n773x_classes[] = {&n773x_sw.base, NULL};

/* No lc_driver.required: attach itself sends ":ROUT1:CONF?" (instrument-dialects.md §6.1 "Port layout") and
 * fails on a refusal naming it; no optional feature is used. */
const lc_driver lc_driver_keysight_n773x = {
	.name = "keysight_n773x",
	.description = "Keysight N773x optical switch",
	.classes = n773x_classes,
	.attach = n773x_attach,
	.detach = n773x_detach,
};
