/*
 * Simulated DiCon GP600 3D-MEMS matrix switch in its "X1" configuration (instrument-dialects.md §6.2), on a
 * raw socket at its real port 10001. Commands are words separated by spaces ("X1 CH 3 5", "X1 CH 3?"), not
 * SCPI; translate() rewrites them into SCPI form for the engine ("X1:CH 3,5", "X1:CH? 3"), and replies
 * follow the DiCon manual's forms: "3,5", "+0, No Error" (no quotes, a space after the comma).
 * ":SYST:ERR?" with a leading colon is refused (-113) as the real unit refuses it.
 *
 * World ports: inputs "ROLE:in1".., outputs "ROLE:out1"..; output 0 parks an input (no light through).
 * An output held by another input is refused with -221 (see h_ch): park the holder first.
 * Options: {"inputs": 16, "outputs": 16, "settle_s": 0.02, "insertion_loss_db": 0}.
 * Reply terminator CR LF: the notes do not give it (UNCONFIRMED); CR LF reads correctly with clients that
 * end lines at LF and strip CR, as serial-heritage devices like this answer.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/inst/inst_util.h"

#define MAX_PORTS 64

struct gp600 {
	char role[64];
	lc_sim_world *world;
	lc_sim_scpi *engine;
	int inputs, outputs;
	int out_of[MAX_PORTS + 1]; /* input -> output, 0 parked */
	double settle_s, wav_nm;
};

static int translate(const char *msg, size_t len, char *out, size_t cap)
{
	while (len && (msg[len - 1] == '\r' || isspace((unsigned char)msg[len - 1])))
		len--;
	if (len && msg[0] == ':')
		return -113;
	if (len < 2 || toupper((unsigned char)msg[0]) != 'X' || !isdigit((unsigned char)msg[1]))
		return 0; /* "*IDN?", "SYST:CONF?", "RESET", ...: already in SCPI form */
	char tok[8][32];
	int n = 0;
	for (size_t i = 0; i < len && n < 8;) {
		while (i < len && isspace((unsigned char)msg[i]))
			i++;
		size_t s = i;
		while (i < len && !isspace((unsigned char)msg[i]))
			i++;
		if (i > s) {
			if (i - s >= sizeof(tok[0]))
				return -112; /* program mnemonic too long */
			memcpy(tok[n], msg + s, i - s);
			tok[n++][i - s] = '\0';
		}
	}
	if (n < 2)
		return -113;
	bool query = false;
	for (int i = 1; i < n; i++) {
		size_t l = strlen(tok[i]);
		if (l && tok[i][l - 1] == '?') {
			tok[i][l - 1] = '\0';
			query = true;
		}
	}
	int k = snprintf(out, cap, "%s:%s%s", tok[0], tok[1], query ? "?" : "");
	for (int i = 2; i < n && k > 0 && (size_t)k < cap; i++)
		if (tok[i][0])
			k += snprintf(out + k, cap - (size_t)k, "%s%s", i == 2 ? " " : ",", tok[i]);
	return k > 0 && (size_t)k < cap ? k : -112;
}

static int check_x(lc_sim_call *c)
{
	return lc_sim_suffix(c, 0) == 1 ? 0 : lc_sim_fail(c, -114, "configuration X%d (this unit is X1)", lc_sim_suffix(c, 0));
}

static void publish(struct gp600 *g, int in)
{
	char a[LC_SIM_PORT_MAX], b[LC_SIM_PORT_MAX];
	snprintf(a, sizeof(a), "%s:in%d", g->role, in);
	snprintf(b, sizeof(b), "%s:out%d", g->role, g->out_of[in]);
	lc_sim_world_switch_route(g->world, a, g->out_of[in] ? b : NULL);
}

static int h_ch(lc_sim_call *c, void *u)
{
	struct gp600 *g = u;
	long long in, outp;
	int rc = check_x(c);
	if (!rc && !(rc = lc_sim_arg_int(c, 0, 1, g->inputs, &in)) && !(rc = lc_sim_arg_int(c, 1, 0, g->outputs, &outp)))
		rc = lc_sim_arg_max(c, 2);
	if (rc)
		return rc;
	/* A 3D-MEMS matrix is non-blocking but one output takes one input. §6.2 does not say what the unit does
	 * when asked for an output another input holds; this simulation refuses (SCPI -221 "Settings conflict",
	 * the route unchanged, which the driver's read-back catches) rather than move the other input silently,
	 * so a client that forgets to park ("X1 CH <in> 0") the holder fails loudly. */
	for (int i = 1; i <= g->inputs && outp; i++)
		if (i != in && g->out_of[i] == outp)
			return lc_sim_fail(c, -221, "Settings conflict;output %lld is held by input %d", outp, i);
	g->out_of[in] = (int)outp;
	lc_sim_spend(c, g->settle_s);
	publish(g, (int)in);
	return 0;
}

static int q_ch(lc_sim_call *c, void *u)
{
	struct gp600 *g = u;
	long long in;
	int rc = check_x(c);
	if (!rc)
		rc = lc_sim_arg_int(c, 0, 1, g->inputs, &in);
	if (!rc)
		lc_sim_out_printf(c, "%lld,%d", in, g->out_of[in]);
	return rc;
}

static int q_dim(lc_sim_call *c, void *u)
{
	struct gp600 *g = u;
	int rc = check_x(c);
	if (!rc)
		lc_sim_out_printf(c, "%d,%d", g->inputs, g->outputs);
	return rc;
}

static int q_waves(lc_sim_call *c, void *u)
{
	int rc = check_x(c);
	if (!rc)
		lc_sim_out_printf(c, "1310.0,1550.0");
	return rc;
}

static int h_w(lc_sim_call *c, void *u)
{
	int rc = check_x(c);
	lc_sim_numspec ns = {"", 1260, 1625, 1550};
	if (!rc)
		rc = lc_sim_arg_double(c, 0, &ns, &((struct gp600 *)u)->wav_nm);
	return rc;
}

static int q_w(lc_sim_call *c, void *u)
{
	int rc = check_x(c);
	if (!rc)
		lc_sim_out_printf(c, "%.1f", ((struct gp600 *)u)->wav_nm);
	return rc;
}

static int q_conf(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "X1");
	return 0;
}

static void reset(void *user)
{
	struct gp600 *g = user;
	for (int i = 1; i <= g->inputs; i++) {
		g->out_of[i] = 0;
		publish(g, i);
	}
	g->wav_nm = 1550;
}

static int h_reset(lc_sim_call *c, void *u)
{
	reset(u);
	return 0;
}

static int q_ver(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "7.0");
	return 0;
}

static int h_wen(lc_sim_call *c, void *u)
{
	bool v;
	return lc_sim_arg_bool(c, 0, &v);
}

static int q_err(lc_sim_call *c, void *u)
{
	char text[256];
	int code = lc_sim_pop_error(((struct gp600 *)u)->engine, text, sizeof(text));
	if (code == 0)
		lc_sim_out_printf(c, "+0, No Error");
	else
		lc_sim_out_printf(c, "%+d, %s", code, text);
	return 0;
}

static int create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	struct gp600 *g = calloc(1, sizeof(*g));
	if (!g)
		return LC_ERR_NOMEM;
	snprintf(g->role, sizeof(g->role), "%s", cfg->role);
	g->world = cfg->world;
	long ni = 16, no = 16;
	int rc = lc_sim_opt_int(cfg, "inputs", 16, 1, MAX_PORTS, &ni, diag);
	if (!rc)
		rc = lc_sim_opt_int(cfg, "outputs", 16, 1, MAX_PORTS, &no, diag);
	if (!rc)
		rc = lc_sim_opt_double(cfg, "settle_s", 0.02, 0, 10, &g->settle_s, diag);
	g->inputs = (int)ni, g->outputs = (int)no;
	char idn[160];
	snprintf(idn, sizeof(idn), "Dicon Fiberoptics Inc, GP600, %s, 7.0", cfg->serial);
	lc_sim_scpi_config ec = {.idn = idn, .clock = cfg->clock, .reset = reset, .user = g};
	if (!rc)
		rc = lc_sim_scpi_create(&ec, engine, diag);
	static const lc_sim_cmd cmds[] = {
		{"X#:CH", h_ch, q_ch},
		{"X#:DIM", NULL, q_dim},
		{"X#:WAVESAVAIL", NULL, q_waves},
		{"X#:W", h_w, q_w},
		{"SYSTem:CONFig", NULL, q_conf},
		{"SYSTem:ERRor[:NEXT]", NULL, q_err},
		{"RESET", h_reset, NULL},
		{"VER", NULL, q_ver},
		{"WEN", h_wen, NULL},
	};
	if (!rc)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof(cmds) / sizeof(cmds[0]), g, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		free(g);
		return rc;
	}
	g->engine = *engine;
	reset(g);
	*state = g;
	return 0;
}

const lc_sim_inst_kind lc_sim_kind_dicon_gp600 = {
	.name = "dicon_gp600", .summary = "DiCon GP600 MEMS matrix switch (X1 configuration)",
	.instrument_class = "switch", .transport = LC_SIM_TR_SOCKET, .real_port = 10001, .terminator = "\r\n",
	.switch_kind = LC_SIM_SWITCH_MATRIX, .switch_il_db = 0.0,
	.translate = translate, .create = create, .destroy = free,
};
