/*
 * Simulated Keysight N773x optical switch (instrument-dialects.md §6.1): inputs A, B.. on the left, ports
 * 1..N on the right (":ROUT1:CONF?" "A,B;1,2,...,N"); ":ROUT1 A,<port>" joins input A to a port, ":ROUT1?"
 * answers the routes as "A,3;B,5" (pairs joined by ';', the separator of the allowed-state list). Two inputs
 * cannot share a port (-221). World ports "ROLE:A", "ROLE:B" and "ROLE:1".."ROLE:N".
 *
 * Options: {"model": "N7734A", "inputs": 2, "ports": 8, "settle_s": 0.025, "insertion_loss_db": 0}.
 * Only switch 1 (ROUT1, CHAN1) exists: the notes give the syntax but not how many switches each model has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/inst/inst_util.h"

struct n773x {
	char role[64];
	lc_sim_world *world;
	int inputs, ports;
	int route[2]; /* port joined to input A, B */
	double settle_s;
	struct lc_sim_reset_hook preset;
};

static int check_switch(lc_sim_call *c)
{
	if (lc_sim_suffix(c, 0) != 1 || lc_sim_suffix(c, 1) != 1)
		return lc_sim_fail(c, -114, "switch %d channel %d (this model has ROUT1:CHAN1)", lc_sim_suffix(c, 0),
				   lc_sim_suffix(c, 1));
	return 0;
}

static void publish(struct n773x *s, int in)
{
	char a[LC_SIM_PORT_MAX], b[LC_SIM_PORT_MAX];
	snprintf(a, sizeof(a), "%s:%c", s->role, 'A' + in);
	snprintf(b, sizeof(b), "%s:%d", s->role, s->route[in]);
	lc_sim_world_switch_route(s->world, a, b);
}

static const char *const input_names[] = {"A", "B", NULL};

static int h_route(lc_sim_call *c, void *u)
{
	struct n773x *s = u;
	int rc = check_switch(c);
	if (rc)
		return rc;
	int in;
	long long port;
	if ((rc = lc_sim_arg_choice(c, 0, input_names, &in)) || (rc = lc_sim_arg_int(c, 1, 1, s->ports, &port)) ||
	    (rc = lc_sim_arg_max(c, 2)))
		return rc;
	if (in >= s->inputs)
		return lc_sim_fail(c, -224, "input %c (this switch has %d)", 'A' + in, s->inputs);
	for (int i = 0; i < s->inputs; i++)
		if (i != in && s->route[i] == port)
			return lc_sim_fail(c, -221, "port %lld is routed to input %c", port, 'A' + i);
	if (port != s->route[in])
		lc_sim_pending(c, s->settle_s); /* the mirror settles; *OPC? waits for it */
	s->route[in] = (int)port;
	publish(s, in);
	return 0;
}

static int q_route(lc_sim_call *c, void *u)
{
	struct n773x *s = u;
	int rc = check_switch(c);
	for (int i = 0; !rc && i < s->inputs; i++)
		lc_sim_out_printf(c, "%s%c,%d", i ? ";" : "", 'A' + i, s->route[i]);
	return rc;
}

static int q_conf(lc_sim_call *c, void *u)
{
	struct n773x *s = u;
	int rc = check_switch(c);
	if (rc)
		return rc;
	lc_sim_out_printf(c, s->inputs == 2 ? "A,B;" : "A;");
	for (int i = 1; i <= s->ports; i++)
		lc_sim_out_printf(c, "%s%d", i > 1 ? "," : "", i);
	return 0;
}

static int q_conf_route(lc_sim_call *c, void *u)
{
	struct n773x *s = u;
	int rc = check_switch(c);
	if (rc)
		return rc;
	/* every state: A on any port, and B (if present) on any other port */
	int k = 0;
	for (int a = 1; a <= s->ports; a++) {
		if (s->inputs == 1) {
			lc_sim_out_printf(c, "%sA,%d", k++ ? "." : "", a);
			continue;
		}
		for (int b = 1; b <= s->ports; b++)
			if (b != a)
				lc_sim_out_printf(c, "%sA,%d;B,%d", k++ ? "." : "", a, b);
	}
	return 0;
}

static void reset(void *user)
{
	struct n773x *s = user;
	for (int i = 0; i < s->inputs; i++) {
		s->route[i] = i + 1;
		publish(s, i);
	}
}

static int create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	struct n773x *s = calloc(1, sizeof(*s));
	if (!s)
		return LC_ERR_NOMEM;
	snprintf(s->role, sizeof(s->role), "%s", cfg->role);
	s->world = cfg->world;
	long ports = 8, inputs = 2;
	const char *model;
	int rc = lc_sim_opt_int(cfg, "ports", 8, 2, 64, &ports, diag);
	if (!rc)
		rc = lc_sim_opt_int(cfg, "inputs", 2, 1, 2, &inputs, diag);
	s->inputs = (int)inputs;
	if (!rc)
		rc = lc_sim_opt_string(cfg, "model", "N7734A", &model, diag);
	/* switching time of a MEMS 1xN: tens of ms (UNCONFIRMED for N773x) */
	if (!rc)
		rc = lc_sim_opt_double(cfg, "settle_s", 0.025, 0, 10, &s->settle_s, diag);
	s->ports = (int)ports;
	if (!rc)
		rc = lc_sim_engine_new(cfg, "Keysight Technologies", model, "V1.0.0", reset, s, engine, diag);
	static const lc_sim_cmd cmds[] = {
		{"ROUTe#[:CHANnel#]", h_route, q_route},
		{"ROUTe#[:CHANnel#]:CONFig", NULL, q_conf},
		{"ROUTe#[:CHANnel#]:CONFig:ROUTe", NULL, q_conf_route},
	};
	if (!rc)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof(cmds) / sizeof(cmds[0]), s, diag);
	if (!rc)
		rc = lc_sim_add_keysight_errors(*engine, diag);
	s->preset = (struct lc_sim_reset_hook){reset, s};
	if (!rc)
		rc = lc_sim_add_keysight_system(*engine, &s->preset, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		free(s);
		return rc;
	}
	reset(s);
	*state = s;
	return 0;
}

const lc_sim_inst_kind lc_sim_kind_keysight_n773x = {
	.name = "keysight_n773x", .summary = "Keysight N773x 1xN optical switch",
	.instrument_class = "switch", .transport = LC_SIM_TR_VXI11,
	.switch_kind = LC_SIM_SWITCH_1XN, .switch_il_db = 0.0,
	.create = create, .destroy = free,
};
