/*
 * Simulated Keysight M8040A under M8070B (instrument-dialects.md §4.2), written from the dialect document,
 * not from the driver. Module M1 holds DataOut1..n, DataIn1..n, ClkGen and System; the group 'Lanes' names
 * every DataIn. The analyzers run continuously from power-on (no start command is documented), so
 * :FETC:BCO? counters grow from creation; each tuple is (time stamp, "location", compared ones, compared
 * zeros, errored ones, errored zeros) — the count order is UNCONFIRMED (see the driver's note). The time
 * stamp is a fixed Unix epoch plus instrument time at the last whole update period. An unsynchronized
 * input compares noise: its bits advance with half of them errored. PAM4 line coding doubles the bit rate
 * of the clock (:SOUR:FREQ is the symbol rate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/inst/inst_anritsu_mp1900.h"
#include "sim/inst/inst_kind.h"
#include "sim/inst/inst_util.h"

#define EPOCH 1.7e9

struct m8 {
	lc_simb b;
	double clock_hz;
	bool pam4;
};

enum idkind { ID_BAD = 0, ID_OUT, ID_IN, ID_CLK, ID_SYS, ID_GROUP };

/* 'M1.DataOut3' -> ID_OUT, lane 2. */
static enum idkind parse_id(const struct m8 *m, const char *s, size_t len, unsigned *lane)
{
	char id[48];
	unsigned k;
	char tail;
	if (len >= sizeof id)
		return ID_BAD;
	memcpy(id, s, len);
	id[len] = '\0';
	if (!strcasecmp(id, "Lanes"))
		return ID_GROUP;
	if (!strcasecmp(id, "M1.ClkGen"))
		return ID_CLK;
	if (!strcasecmp(id, "M1.System"))
		return ID_SYS;
	if (sscanf(id, "M1.DataOut%u%c", &k, &tail) == 1 && k >= 1 && k <= m->b.lanes) {
		*lane = k - 1;
		return ID_OUT;
	}
	if (sscanf(id, "M1.DataIn%u%c", &k, &tail) == 1 && k >= 1 && k <= m->b.lanes) {
		*lane = k - 1;
		return ID_IN;
	}
	return ID_BAD;
}

static int arg_id(lc_sim_call *c, struct m8 *m, enum idkind want, unsigned *lane)
{
	const char *s;
	size_t len;
	int e = lc_sim_arg_string(c, 0, &s, &len);
	if (e)
		return e;
	enum idkind k = parse_id(m, s, len, lane);
	if (k != want && !(want == ID_IN && k == ID_GROUP))
		return lc_sim_fail(c, -224, "identifier '%.*s'", (int)len, s);
	return k == ID_GROUP ? 1 : 0;
}

/* ---- outputs ------------------------------------------------------------------------------------------ */

static int stat_set(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	bool on;
	int e = arg_id(c, m, ID_OUT, &l);
	if (e || (e = lc_sim_arg_bool(c, 1, &on)))
		return e;
	lc_simb_advance(&m->b);
	m->b.ppg_on[l] = on;
	return 0;
}

static int stat_q(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	int e = arg_id(c, m, ID_OUT, &l);
	if (!e)
		lc_sim_out_bool(c, m->b.ppg_on[l]);
	return e;
}

static int glob_set(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	bool on;
	int e = arg_id(c, m, ID_SYS, &l);
	if (e || (e = lc_sim_arg_bool(c, 1, &on)))
		return e;
	lc_simb_advance(&m->b);
	m->b.global_on = on;
	if (m->b.world)
		lc_sim_world_set_traffic(m->b.world, on);
	return 0;
}

static int coup_set(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	static const char *const coup[] = {"AC", "DC", NULL};
	int which = 0, e = arg_id(c, m, ID_OUT, &l);
	return e ? e : lc_sim_arg_choice(c, 1, coup, &which);
}

/* ---- patterns, coding, clock -------------------------------------------------------------------------- */

static int seq_set(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	const char *who, *poly;
	size_t wl, pl;
	int kind = 0, order = 0;
	static const char *const kinds[] = {"PRBS", NULL};
	int e = lc_sim_arg_string(c, 0, &who, &wl);
	if (e || (e = lc_sim_arg_choice(c, 1, kinds, &kind)) || (e = lc_sim_arg_string(c, 2, &poly, &pl)))
		return e;
	char buf[16], tail;
	if (pl >= sizeof buf)
		return lc_sim_fail(c, -224, "polynomial '%.*s'", (int)pl, poly);
	memcpy(buf, poly, pl);
	buf[pl] = '\0';
	if (sscanf(buf, "2^%d-1%c", &order, &tail) != 1 || order < 7 || order > 31)
		return lc_sim_fail(c, -224, "polynomial '%s'", buf);
	bool gen = wl == 9 && !strncasecmp(who, "Generator", 9), ana = wl == 8 && !strncasecmp(who, "Analyzer", 8);
	if (!gen && !ana)
		return lc_sim_fail(c, -224, "sequence '%.*s'", (int)wl, who);
	lc_simb_advance(&m->b);
	for (unsigned i = 0; i < m->b.lanes; i++)
		(gen ? m->b.ppg_order : m->b.ed_order)[i] = order;
	return 0;
}

static int seq_q(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	const char *who;
	size_t wl;
	int e = lc_sim_arg_string(c, 0, &who, &wl);
	if (e)
		return e;
	bool gen = wl == 9 && !strncasecmp(who, "Generator", 9);
	lc_sim_out_printf(c, "PRBS,\"2^%d-1\"", gen ? m->b.ppg_order[0] : m->b.ed_order[0]);
	return 0;
}

static int lin_set(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	static const char *const codings[] = {"NRZ", "PAM4", NULL};
	int which = 0, e = arg_id(c, m, ID_OUT, &l);
	if (e || (e = lc_sim_arg_choice(c, 1, codings, &which)))
		return e;
	lc_simb_advance(&m->b);
	m->b.ppg_pam4[l] = which == 1;
	/* the analyzers decode what the generators send: one line coding for the whole (simulated) system */
	m->pam4 = which == 1;
	for (unsigned i = 0; i < m->b.lanes; i++)
		m->b.ed_pam4[i] = m->pam4;
	m->b.rate = m->clock_hz * (m->pam4 ? 2.0 : 1.0);
	return 0;
}

static int mapp_set(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	static const char *const maps[] = {"NONE", "GRAY", "CUSTom", NULL};
	int which = 0, e = arg_id(c, m, ID_OUT, &l);
	return e ? e : lc_sim_arg_choice(c, 1, maps, &which);
}

static int freq_set(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	double hz;
	/* M8040A symbol rate range 2..64 GBd: UNCONFIRMED, an envelope of the data sheet figures */
	static const lc_sim_numspec spec = {"HZ", 2e9, 64.1e9, 26.5625e9};
	int e = arg_id(c, m, ID_CLK, &l);
	if (e || (e = lc_sim_arg_double(c, 1, &spec, &hz)))
		return e;
	lc_simb_advance(&m->b);
	m->clock_hz = hz;
	m->b.rate = hz * (m->pam4 ? 2.0 : 1.0);
	return 0;
}

/* ---- status and counters ------------------------------------------------------------------------------ */

static int run_q(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	const char *s;
	size_t len;
	unsigned l = 0;
	int e = lc_sim_arg_string(c, 0, &s, &len);
	if (e)
		return e;
	if (parse_id(m, s, len, &l) == ID_BAD)
		return lc_sim_fail(c, -224, "identifier '%.*s'", (int)len, s);
	lc_sim_out_int(c, 1);
	return 0;
}

static void tuple(lc_sim_call *c, struct m8 *m, unsigned l, bool first)
{
	const struct lc_simb_meas *r = &m->b.m[l];
	uint64_t e1 = r->errors / 2 + r->errors % 2, b1 = r->bits / 2 + r->bits % 2;
	lc_sim_out_printf(c, "%s(%.12e,\"M1.DataIn%u\",%llu,%llu,%llu,%llu)", first ? "" : ",",
			  EPOCH + lc_simb_elapsed(&m->b, l), l + 1, (unsigned long long)b1,
			  (unsigned long long)(r->bits - b1), (unsigned long long)e1,
			  (unsigned long long)(r->errors - e1));
}

static int bco_q(lc_sim_call *c, void *u)
{
	struct m8 *m = u;
	unsigned l = 0;
	int e = arg_id(c, m, ID_IN, &l);
	if (e < 0)
		return e;
	lc_simb_advance(&m->b);
	if (e == 1)
		for (unsigned i = 0; i < m->b.lanes; i++)
			tuple(c, m, i, i == 0);
	else
		tuple(c, m, l, true);
	return 0;
}

static const lc_sim_cmd cmds[] = {
	{"OUTPut:STATe", stat_set, stat_q},
	{"OUTPut:GLOBal", glob_set, NULL},
	{"OUTPut:COUPling", coup_set, NULL},
	{"DATA:SEQuence:SET", seq_set, seq_q},
	{"DATA:LINecoding", lin_set, NULL},
	{"DATA:LINecoding:PAM4:MAPPing", mapp_set, NULL},
	{"SOURce:FREQuency", freq_set, NULL},
	{"STATus:INSTrument:RUN", NULL, run_q},
	{"FETCh:BCOunt", NULL, bco_q},
};

/* One program message is answered at one instant of instrument time (inst_anritsu_lanes.h). */
static void latch(void *u)
{
	struct m8 *m = u;
	lc_simb_latch(&m->b);
}

void lc_sim_m8040a_free(void *state)
{
	free(state);
}

int lc_sim_m8040a_create(const lc_sim_bert_opts *o, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	*state = NULL;
	struct m8 *m = calloc(1, sizeof *m);
	if (!m)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = lc_sim_bert_lanes_init(&m->b, o, "M8040A", diag);
	if (rc < 0) {
		free(m);
		return rc;
	}
	m->b.unsynced_counts = true;
	m->clock_hz = m->b.rate;
	for (unsigned i = 0; i < m->b.lanes; i++) {
		m->b.ppg_on[i] = false;
		lc_simb_start(&m->b, i);
	}
	char idn[128];
	snprintf(idn, sizeof idn, "Keysight Technologies,M8040A,%s,6.5.202.3", o->serial ? o->serial : "SIM0001");
	lc_sim_scpi_config ec = {.idn = idn, .clock = o->clock, .message = latch, .user = m};
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

static int kind_create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	lc_sim_bert_opts o;
	int rc = lc_sim_bert_opts_from_config(cfg, &o, diag);
	return rc < 0 ? rc : lc_sim_m8040a_create(&o, engine, state, diag);
}

/* The lanes as a station file states them (instruments/bert/bert.h). */
static int layout(void *state, char *buf, size_t cap)
{
	const struct m8 *m = state;
	size_t n = 0;
	for (unsigned k = 1; k <= m->b.lanes; k++) {
		int w = snprintf(buf + n, cap - n, "%sM1.DataOut%u>M1.DataIn%u", k > 1 ? "," : "", k, k);
		if (w < 0 || (size_t)w >= cap - n)
			return LC_ERR_OVERFLOW;
		n += (size_t)w;
	}
	int w = snprintf(buf + n, cap - n, ",group=Lanes");
	if (w < 0 || (size_t)w >= cap - n)
		return LC_ERR_OVERFLOW;
	return (int)(n + (size_t)w);
}

const lc_sim_inst_kind lc_sim_kind_keysight_m8040a = {
	.name = "keysight_m8040a", .summary = "Keysight M8040A BERT (M1.DataOutk -> M1.DataInk, group 'Lanes')",
	/* The real instrument is reached over HiSLIP (instrument-dialects.md §4.2: TCPIP0::<host>::hislip0::INSTR),
	 * so that is the default; "transport": "socket" serves a raw socket instead (port 5025, UNCONFIRMED for
	 * the M8070B software). */
	.instrument_class = "bert", .transport = LC_SIM_TR_HISLIP, .real_port = 5025,
	.create = kind_create, .destroy = lc_sim_m8040a_free, .layout = layout,
};
