/*
 * Simulated Anritsu MP1900A signal quality analyzer (instrument-dialects.md §4.1), written from the dialect
 * document, not from the driver. Replies of :CALC:DATA:EAL? are quoted ("-------" before the first update
 * period, which the document says some firmware shows before the first gate). Choices where the document
 * is silent (UNCONFIRMED): :CALC:DATA:MON? "PSLoss" answers Occur / Not Occur unquoted; the elapsed time is
 * "d,h,m,s" in whole seconds; the gating modes REP and SING count like UNT (the BER step uses UNT);
 * :SENS:PATT:LOG inverts the ED's expected pattern; CURRent:AINTerval:PSLoss counts update periods without
 * sync after sync was first acquired.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/numfmt.h"
#include "sim/inst/inst_anritsu_mp1900.h"
#include "sim/inst/inst_kind.h"
#include "sim/inst/inst_util.h"

#define PPG_SLOT 1
#define ED_SLOT 3

struct mp {
	lc_simb b;
	long unit, mod, port;
	long units; /* chained units (scenario option "units"); :UENT:ID beyond them is refused */
	int mode; /* 0 REP, 1 SING, 2 UNT */
};

static int sel_lane(lc_sim_call *c, struct mp *m, int slot, unsigned *lane)
{
	if (m->mod != slot)
		return lc_sim_fail(c, -221, "module %ld is not the %s (slot %d)", m->mod, slot == PPG_SLOT ? "PPG" : "ED",
				   slot);
	if (m->port < 1 || m->port > (long)m->b.lanes)
		return lc_sim_fail(c, -222, "port %ld of %u", m->port, m->b.lanes);
	*lane = (unsigned)m->port - 1;
	return 0;
}

/* ---- addressing -------------------------------------------------------------------------------------- */

static int set_id(lc_sim_call *c, long *field, long max)
{
	long long v;
	int e = lc_sim_arg_int(c, 0, 1, max, &v);
	if (!e)
		*field = (long)v;
	return e;
}
/* A unit beyond the chain is refused with -222 "Data out of range", the usual SCPI code for a parameter out of
 * its range (not from the MP1900A manual, which the reference does not quote on this). */
static int unit_set(lc_sim_call *c, void *u) { return set_id(c, &((struct mp *)u)->unit, ((struct mp *)u)->units); }
static int unit_q(lc_sim_call *c, void *u) { lc_sim_out_int(c, ((struct mp *)u)->unit); return 0; }
static int mod_set(lc_sim_call *c, void *u) { return set_id(c, &((struct mp *)u)->mod, 8); }
static int mod_q(lc_sim_call *c, void *u) { lc_sim_out_int(c, ((struct mp *)u)->mod); return 0; }
static int port_set(lc_sim_call *c, void *u) { return set_id(c, &((struct mp *)u)->port, 16); }
static int port_q(lc_sim_call *c, void *u) { lc_sim_out_int(c, ((struct mp *)u)->port); return 0; }
static int int_set(lc_sim_call *c, void *u) { long dummy; (void)u; return set_id(c, &dummy, 16); }

static int sysmod_q(lc_sim_call *c, void *u)
{
	long long slot;
	int e = lc_sim_arg_int(c, 0, 1, 8, &slot);
	if (e)
		return e;
	const struct mp *m = u;
	if (m->unit == 1)
		lc_sim_out_printf(c, "%s", slot == PPG_SLOT ? "MU196020A, 1" : slot == ED_SLOT ? "MU196040A, 1" : "NONE");
	else /* a chained unit: the synthesizer of the reference's inventory example in slot 1 */
		lc_sim_out_printf(c, "%s", slot == 1 ? "MU181000A, 1" : "NONE");
	return 0;
}

/* ---- patterns ---------------------------------------------------------------------------------------- */

static const char *const types[] = {"PRBS", "DATA", NULL};

static int prbs_len(lc_sim_call *c, int *order)
{
	long long v;
	int e = lc_sim_arg_int(c, 0, 7, 31, &v);
	if (e)
		return e;
	static const int ok[] = {7, 9, 10, 11, 13, 15, 20, 23, 31};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (ok[i] == v) {
			*order = (int)v;
			return 0;
		}
	return lc_sim_fail(c, -222, "PRBS length %lld", v);
}

static int type_set(lc_sim_call *c, struct mp *m, int slot, int *orders)
{
	unsigned l = 0;
	int which = 0, e = sel_lane(c, m, slot, &l);
	if (e || (e = lc_sim_arg_choice(c, 0, types, &which)))
		return e;
	lc_simb_advance(&m->b);
	if (which == 1)
		orders[l] = 0; /* user data: no PRBS sync in this simulation */
	else if (orders[l] == 0)
		orders[l] = 31;
	return 0;
}
static int sour_type_set(lc_sim_call *c, void *u) { struct mp *m = u; return type_set(c, m, PPG_SLOT, m->b.ppg_order); }
static int sens_type_set(lc_sim_call *c, void *u) { struct mp *m = u; return type_set(c, m, ED_SLOT, m->b.ed_order); }

static int type_q(lc_sim_call *c, struct mp *m, int slot, const int *orders)
{
	unsigned l = 0;
	int e = sel_lane(c, m, slot, &l);
	if (!e)
		lc_sim_out_printf(c, "%s", orders[l] ? "PRBS" : "DATA");
	return e;
}
static int sour_type_q(lc_sim_call *c, void *u) { struct mp *m = u; return type_q(c, m, PPG_SLOT, m->b.ppg_order); }
static int sens_type_q(lc_sim_call *c, void *u) { struct mp *m = u; return type_q(c, m, ED_SLOT, m->b.ed_order); }

static int leng_set(lc_sim_call *c, struct mp *m, int slot, int *orders)
{
	unsigned l = 0;
	int order = 0, e = sel_lane(c, m, slot, &l);
	if (e || (e = prbs_len(c, &order)))
		return e;
	lc_simb_advance(&m->b);
	orders[l] = order;
	return 0;
}
static int sour_leng_set(lc_sim_call *c, void *u) { struct mp *m = u; return leng_set(c, m, PPG_SLOT, m->b.ppg_order); }
static int sens_leng_set(lc_sim_call *c, void *u) { struct mp *m = u; return leng_set(c, m, ED_SLOT, m->b.ed_order); }

static int leng_q(lc_sim_call *c, struct mp *m, int slot, const int *orders)
{
	unsigned l = 0;
	int e = sel_lane(c, m, slot, &l);
	if (!e)
		lc_sim_out_int(c, orders[l]);
	return e;
}
static int sour_leng_q(lc_sim_call *c, void *u) { struct mp *m = u; return leng_q(c, m, PPG_SLOT, m->b.ppg_order); }
static int sens_leng_q(lc_sim_call *c, void *u) { struct mp *m = u; return leng_q(c, m, ED_SLOT, m->b.ed_order); }

static const char *const logic[] = {"POSitive", "NEGative", NULL};

static int log_set(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int which = 0, e = sel_lane(c, m, ED_SLOT, &l);
	if (e || (e = lc_sim_arg_choice(c, 0, logic, &which)))
		return e;
	lc_simb_advance(&m->b);
	m->b.ed_invert[l] = which == 1;
	return 0;
}

static int log_q(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int e = sel_lane(c, m, ED_SLOT, &l);
	if (!e)
		lc_sim_out_printf(c, "%s", m->b.ed_invert[l] ? "NEG" : "POS");
	return e;
}

/* ---- PPG: rate and outputs ---------------------------------------------------------------------------- */

static int bitr_set(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	double gbps;
	/* MP1900A NRZ PPG range 0.1..64.2 Gb/s: UNCONFIRMED, a conservative envelope of the family */
	static const lc_sim_numspec spec = {"", 0.1, 64.2, 25.78125};
	int e = sel_lane(c, m, PPG_SLOT, &l);
	if (e || (e = lc_sim_arg_double(c, 0, &spec, &gbps)))
		return e;
	lc_simb_advance(&m->b);
	m->b.rate = gbps * 1e9; /* one clock for every lane of the simulated PPG */
	return 0;
}

static int bitr_q(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int e = sel_lane(c, m, PPG_SLOT, &l);
	if (!e)
		lc_sim_out_printf(c, "%.6f", m->b.rate / 1e9);
	return e;
}

static int aset_set(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	bool on;
	int e = sel_lane(c, m, PPG_SLOT, &l);
	if (e || (e = lc_sim_arg_bool(c, 0, &on)))
		return e;
	lc_simb_advance(&m->b);
	m->b.global_on = on;
	if (m->b.world)
		lc_sim_world_set_traffic(m->b.world, on);
	return 0;
}

static int aset_q(lc_sim_call *c, void *u)
{
	lc_sim_out_bool(c, ((struct mp *)u)->b.global_on);
	return 0;
}

/* ---- ED: gating and results --------------------------------------------------------------------------- */

static const char *const modes[] = {"REPeat", "SINGle", "UNTimed", NULL};

static int mode_set(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int e = sel_lane(c, m, ED_SLOT, &l);
	return e ? e : lc_sim_arg_choice(c, 0, modes, &m->mode);
}

static int mode_q(lc_sim_call *c, void *u)
{
	static const char *const out[] = {"REP", "SING", "UNT"};
	lc_sim_out_printf(c, "%s", out[((struct mp *)u)->mode]);
	return 0;
}

static int star_set(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int e = sel_lane(c, m, ED_SLOT, &l);
	if (!e) {
		lc_simb_advance(&m->b);
		lc_simb_start(&m->b, l);
	}
	return e;
}

static int stop_set(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int e = sel_lane(c, m, ED_SLOT, &l);
	if (!e)
		lc_simb_stop(&m->b, l);
	return e;
}

static int stat_q(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int e = sel_lane(c, m, ED_SLOT, &l);
	if (!e)
		lc_sim_out_int(c, m->b.m[l].running ? 1 : 0);
	return e;
}

/* A client reading lane l's result has waited for its periods to end: that wait is the instrument's
 * (lc_simb_observe), counted once for lanes gating together. */
static void account_wait(lc_sim_call *c, struct mp *m, unsigned l)
{
	double s = lc_simb_observe(&m->b, l);
	if (s > 0)
		lc_sim_account(c, s, s / m->b.scale);
}

static int elap_q(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	int e = sel_lane(c, m, ED_SLOT, &l);
	if (e)
		return e;
	lc_simb_advance(&m->b);
	account_wait(c, m, l);
	long long s = (long long)floor(lc_simb_elapsed(&m->b, l));
	lc_sim_out_printf(c, "%lld,%lld,%lld,%lld", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
	return 0;
}

static const char *const items[] = {"CURRent:ER:TOTal", "CURRent:EC:TOTal", "CURRent:CC:TOTal",
				    "CURRent:AINTerval:PSLoss", "CURRent:AINTerval:CLOSs", NULL};

static int eal_q(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	const char *item;
	size_t len;
	int e = sel_lane(c, m, ED_SLOT, &l);
	if (e || (e = lc_sim_arg_string(c, 0, &item, &len)))
		return e;
	int which = -1;
	for (int i = 0; items[i]; i++)
		if (strlen(items[i]) == len && strncasecmp(items[i], item, len) == 0)
			which = i;
	if (which < 0)
		return lc_sim_fail(c, -224, "result item \"%.*s\"", (int)len, item);
	lc_simb_advance(&m->b);
	account_wait(c, m, l);
	const struct lc_simb_meas *r = &m->b.m[l];
	if (!lc_simb_has_result(&m->b, l) || (which == 0 && r->bits == 0)) {
		lc_sim_out_printf(c, "\"-------\"");
		return 0;
	}
	switch (which) {
	case 0:
		lc_sim_out_raw(c, "\"", 1);
		lc_sim_out_exp(c, (double)r->errors / (double)r->bits, 4, LC_FMT_UPPER);
		lc_sim_out_raw(c, "\"", 1);
		break;
	case 1: lc_sim_out_printf(c, "\"%llu\"", (unsigned long long)r->errors); break;
	case 2: lc_sim_out_printf(c, "\"%llu\"", (unsigned long long)r->bits); break;
	case 3: lc_sim_out_printf(c, "\"%llu\"", (unsigned long long)r->loss_periods); break;
	default: lc_sim_out_printf(c, "\"0\""); break;
	}
	return 0;
}

static int mon_q(lc_sim_call *c, void *u)
{
	struct mp *m = u;
	unsigned l = 0;
	const char *item;
	size_t len;
	int e = sel_lane(c, m, ED_SLOT, &l);
	if (e || (e = lc_sim_arg_string(c, 0, &item, &len)))
		return e;
	if (len != 6 || strncasecmp(item, "PSLoss", 6) != 0)
		return lc_sim_fail(c, -224, "monitor item \"%.*s\"", (int)len, item);
	lc_simb_advance(&m->b);
	lc_sim_out_printf(c, "%s", lc_simb_sync(&m->b, l) ? "Not Occur" : "Occur");
	return 0;
}

static const lc_sim_cmd cmds[] = {
	{"UENT:ID", unit_set, unit_q},
	{"MODule:ID", mod_set, mod_q},
	{"PORT:ID", port_set, port_q},
	{"INTerface:ID", int_set, NULL},
	{"SYSTem:MODule", NULL, sysmod_q},
	{"SOURce:PATTern:TYPE", sour_type_set, sour_type_q},
	{"SOURce:PATTern:PRBS:LENGth", sour_leng_set, sour_leng_q},
	{"SENSe:PATTern:TYPE", sens_type_set, sens_type_q},
	{"SENSe:PATTern:PRBS:LENGth", sens_leng_set, sens_leng_q},
	{"SENSe:PATTern:LOGic", log_set, log_q},
	{"OUTPut:DATA:BITRate", bitr_set, bitr_q},
	{"SOURce:OUTPut:ASET", aset_set, aset_q},
	{"SENSe:MEASure:EALarm:MODE", mode_set, mode_q},
	{"SENSe:MEASure:STARt", star_set, NULL},
	{"SENSe:MEASure:STOP", stop_set, NULL},
	{"SENSe:MEASure:EALarm:STATe", NULL, stat_q},
	{"SENSe:MEASure:EALarm:ELAPsed", NULL, elap_q},
	{"CALCulate:DATA:EALarm", NULL, eal_q},
	{"CALCulate:DATA:MONitor", NULL, mon_q},
};

static void reset(void *user)
{
	struct mp *m = user;
	lc_simb_advance(&m->b);
	for (unsigned i = 0; i < m->b.lanes; i++) {
		m->b.ppg_order[i] = m->b.ed_order[i] = 31;
		m->b.ppg_invert[i] = m->b.ed_invert[i] = false;
		m->b.m[i].running = false;
	}
	m->b.global_on = false;
	m->unit = m->mod = m->port = 1;
	m->mode = 0;
}

/* One program message is answered at one instant of instrument time (inst_anritsu_lanes.h). */
static void latch(void *u)
{
	struct mp *m = u;
	lc_simb_latch(&m->b);
}

void lc_sim_mp1900_free(void *state)
{
	free(state);
}

int lc_sim_mp1900_create(const lc_sim_bert_opts *o, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	*state = NULL;
	struct mp *m = calloc(1, sizeof *m);
	if (!m)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = lc_sim_bert_lanes_init(&m->b, o, "MP1900A", diag);
	if (rc < 0) {
		free(m);
		return rc;
	}
	m->unit = m->mod = m->port = 1;
	m->units = o->units ? (long)o->units : 1;
	char idn[128];
	/* "Anritsu doesn't return firmware" (§4.1): manufacturer, model and serial only */
	snprintf(idn, sizeof idn, "ANRITSU,MP1900A,%s", o->serial ? o->serial : "SIM0001");
	lc_sim_scpi_config ec = {.idn = idn, .clock = o->clock, .reset = reset, .message = latch, .user = m};
	rc = lc_sim_scpi_create(&ec, engine, diag);
	if (rc == 0)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof cmds / sizeof cmds[0], m, diag);
	if (rc < 0) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		free(m);
		return rc;
	}
	*state = m;
	return 0;
}

int lc_sim_bert_lanes_init(lc_simb *b, const lc_sim_bert_opts *o, const char *model, lc_diag *diag)
{
	if (lc_simb_init(b, o->lanes, o->world, o->truth, o->seed, o->scale, o->now_us, o->now_user) < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "simulated %s: %u lanes need a world or a truth table", model,
				   o->lanes);
	if (o->update_s > 0)
		b->update_s = o->update_s;
	return 0;
}

int lc_sim_bert_opts_from_config(const lc_sim_inst_config *cfg, lc_sim_bert_opts *o, lc_diag *diag)
{
	int map[LC_SIMB_LANES_MAX];
	int n = lc_sim_world_lane_map(cfg->world, map, LC_SIMB_LANES_MAX);
	if (n <= 0)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: the DUT has no lanes for a BERT", cfg->where);
	double update;
	long units = 1;
	int rc = lc_sim_opt_double(cfg, "update_s", 1.0, 1e-3, 3600, &update, diag);
	if (rc == 0)
		rc = lc_sim_opt_int(cfg, "units", 1, 1, 8, &units, diag);
	if (rc < 0)
		return rc;
	*o = (lc_sim_bert_opts){
		.lanes = (unsigned)(n > LC_SIMB_LANES_MAX ? LC_SIMB_LANES_MAX : n),
		.world = cfg->world,
		.seed = lc_sim_world_seed(cfg->world),
		.scale = cfg->clock && lc_sim_clock_scale(cfg->clock) > 0 ? lc_sim_clock_scale(cfg->clock)
									    : lc_sim_world_time_scale(cfg->world),
		.update_s = update,
		.serial = cfg->serial,
		.clock = cfg->clock,
		.units = (unsigned)units,
	};
	return 0;
}

static int kind_create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	lc_sim_bert_opts o;
	int rc = lc_sim_bert_opts_from_config(cfg, &o, diag);
	return rc < 0 ? rc : lc_sim_mp1900_create(&o, engine, state, diag);
}

/* The socket port of the MP1900A is UNCONFIRMED (§4.1): 5025, the raw-socket default, is served. */
/* The lanes as a station file states them (instruments/bert/bert.h): PPG unit 1 slot 1 port k to ED unit 1
 * slot 3 port k. */
static int layout(void *state, char *buf, size_t cap)
{
	const struct mp *m = state;
	size_t n = 0;
	for (unsigned k = 1; k <= m->b.lanes; k++) {
		int w = snprintf(buf + n, cap - n, "%s1.%d.%u>1.%d.%u", k > 1 ? "," : "", PPG_SLOT, k, ED_SLOT, k);
		if (w < 0 || (size_t)w >= cap - n)
			return LC_ERR_OVERFLOW;
		n += (size_t)w;
	}
	return (int)n;
}

const lc_sim_inst_kind lc_sim_kind_anritsu_mp1900a = {
	.name = "anritsu_mp1900a", .summary = "Anritsu MP1900A BERT (PPG slot 1, ED slot 3, one port per lane)",
	.instrument_class = "bert", .transport = LC_SIM_TR_SOCKET, .real_port = 5025,
	.create = kind_create, .destroy = lc_sim_mp1900_free, .layout = layout,
};
