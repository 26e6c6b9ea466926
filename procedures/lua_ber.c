/*
 * BER measurements for procedures: ctx:ber{} (the sequential BER step on every wired lane of the slot) and
 * ctx:lane_map{} (which far-end lane each near-end lane arrives at, by BERT). The BERT's lanes are tied to
 * DUT ports by the station wiring: a to_dut wire from the BERT names the PPG lane feeding a DUT port, a
 * from_dut wire the ED lane reading one; the channel model says where each DUT lane should arrive.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "procedures/measure/ber_sequential.h"
#include "instruments/bert/bert.h"
#include "instruments/bert/lane_map.h"
#include "procedures/measure/map.h"
#include "procedures/diagnosis.h"
#include "procedures/module_soak.h"
#include "procedures/run_priv.h"

struct bert_lanes {
	lc_instrument *bert;
	size_t n;
	unsigned ppg[LC_BERT_LANES_MAX];          /* BERT lane numbers (1-based) feeding the DUT */
	char port[LC_BERT_LANES_MAX][LC_PORT_NAME_MAX];
	int expected_ed[LC_BERT_LANES_MAX];       /* 0-based BERT lane expected to receive it, or LC_LANE_DARK */
	unsigned dut_lane[LC_BERT_LANES_MAX];     /* the DUT map entry + 1 (the lane people talk about) */
};

/* A BERT's ports as a station wires them: 1..N its PPG outputs, N+1..2N its ED inputs, in lane order
 * (docs/fixtures.md); an ED wire may also name the lane itself (1..N). */
static unsigned ed_lane(unsigned port, unsigned lanes)
{
	return lanes && port > lanes ? port - lanes : port;
}

/* The slot's BERT lanes from the wiring, with the far-end lane the channel expects for each. */
static void bert_lanes(lua_State *L, lc_run *run, const char *role, struct bert_lanes *bl)
{
	const lc_station *st = run->setup->station;
	memset(bl, 0, sizeof(*bl));
	if (!st || !run->setup->channel)
		luaL_error(L, "this run has no station or channel model");
	bl->bert = lc_instrument_set_get(run->setup->instruments, role);
	if (!bl->bert || !lc_instrument_has_class(bl->bert, LC_CLASS_BERT))
		luaL_error(L, "the station has no BERT in the role '%s'", role);
	lc_bert_caps caps;
	unsigned lanes = lc_bert_caps_get(bl->bert, &caps, NULL) == 0 ? caps.lanes : 0;
	for (size_t i = 0; i < st->n_wires && bl->n < LC_BERT_LANES_MAX; i++) {
		const lc_station_wire *w = &st->wires[i];
		if (w->slot != run->setup->slot || w->direction != LC_WIRE_TO_DUT || strcmp(w->instrument, role) != 0)
			continue;
		size_t k = bl->n++;
		bl->ppg[k] = w->instrument_port;
		snprintf(bl->port[k], sizeof(bl->port[k]), "%s", w->dut_port);
		bl->expected_ed[k] = LC_LANE_DARK;
		size_t map_index = 0;
		int to = lc_channel_route(run->setup->channel, w->dut_port, &map_index);
		bl->dut_lane[k] = to >= 0 ? (unsigned)map_index + 1 : 0;
		if (to < 0)
			continue;
		const char *far = lc_channel_port(run->setup->channel, (size_t)to)->name;
		const lc_station_wire *rx = lc_station_wire_for(st, run->setup->slot, far, LC_WIRE_FROM_DUT);
		if (rx && strcmp(rx->instrument, role) == 0)
			bl->expected_ed[k] = ed_lane(rx->instrument_port, lanes) - 1;
	}
	if (bl->n == 0)
		luaL_error(L, "station '%s' wires no lane of slot %d to the BERT '%s'", st->name, (int)run->setup->slot,
			   role);
}

/* Pattern, rate and outputs on; every failure raises. */
static void bert_prepare(lua_State *L, lc_run *run, int t, lc_instrument *bert)
{
	lc_diag d;
	const char *pname = lc_lua_field_string(L, t, "pattern", "PRBS31");
	int pattern = lc_bert_pattern_parse(pname);
	double rate = lc_lua_field_number(L, t, "bit_rate", NAN);
	if (pattern < 0)
		luaL_error(L, "ber: unknown pattern '%s'", pname);
	if (!(rate > 0))
		luaL_error(L, "ber: bit_rate (bit/s per lane) is required");
	int rc = lc_bert_set_bit_rate(bert, rate, &d);
	if (rc == 0)
		rc = lc_bert_set_pattern(bert, LC_BERT_BOTH, 0, (enum lc_bert_pattern)pattern, false, &d);
	if (rc == 0)
		rc = lc_bert_set_output(bert, 0, true, &d);
	if (rc < 0) {
		lc_bert_set_output(bert, 0, false, NULL);
		lc_lua_raise(L, run, rc, &d, "ber");
	}
}

#define MONITOR_ENDS_MAX 9 /* end A and up to 8 legs */

struct progress_ctx {
	lc_run *run;
	double max_s;
	/* module monitors sampled through the soak (monitor={ends}, monitor_every=s of instrument time) */
	lc_soak_end ends[MONITOR_ENDS_MAX];
	size_t n_ends;
	const char *role;
	double every_s, next_s;
	unsigned samples;
	int monitor_rc;        /* the first failed sample: the step ends in error after the BER results */
	lc_diag monitor_diag;
};

static void sample_modules(struct progress_ctx *p, double t)
{
	for (size_t i = 0; i < p->n_ends && p->monitor_rc == 0; i++) {
		p->monitor_rc = lc_soak_sample(p->run, p->role, &p->ends[i], t, &p->monitor_diag);
		if (p->monitor_rc == 0)
			p->monitor_rc = lc_soak_power_sample(&p->ends[i], t, &p->monitor_diag);
	}
	p->samples++;
}

static void ber_progress(void *user, size_t decided, size_t total, double t)
{
	struct progress_ctx *p = user;
	char text[96];
	const lc_run_events *ev = &p->run->setup->events;
	snprintf(text, sizeof(text), "%zu/%zu lanes decided at %.1f s instrument time", decided, total, t);
	if (ev->progress)
		ev->progress(ev->user, p->run->setup->slot, p->run->step_name, p->max_s > 0 ? t / p->max_s : 0, -1, text);
	/* Samples while the pattern runs: every every_s, and once as the last lane is decided (the outputs go
	 * off only after the step). */
	if (p->n_ends && p->monitor_rc == 0 && (t >= p->next_s || decided == total)) {
		sample_modules(p, t);
		p->next_s = t + p->every_s;
	}
}

/* monitor = {"A", "B1", ...}: the ends whose modules the soak samples. */
static void monitor_ends(lua_State *L, int t, struct progress_ctx *p)
{
	lua_getfield(L, t, "monitor");
	if (lua_istable(L, -1)) {
		lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
		if (n > MONITOR_ENDS_MAX)
			luaL_error(L, "ber: monitor names %d ends (at most %d)", (int)n, MONITOR_ENDS_MAX);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			const char *e = lua_tostring(L, -1);
			if (!e)
				luaL_error(L, "ber: monitor[%d] is not an end label", (int)i);
			lc_soak_end_init(&p->ends[p->n_ends++], e);
			lua_pop(L, 1);
		}
	} else if (!lua_isnil(L, -1)) {
		luaL_error(L, "ber: monitor must be a list of end labels");
	}
	lua_pop(L, 1);
	p->role = lc_lua_field_string(L, t, "monitor_role", "i2c");
	p->every_s = lc_lua_field_number(L, t, "monitor_every", 10);
	if (p->n_ends && !(p->every_s > 0))
		luaL_error(L, "ber: monitor_every must be a positive number of seconds");
}

#define MONITOR_SUPPLIES_MAX 8

/* monitor_supply = role or {roles} (default: every station role "supply", "supply2", ...): the bench supplies
 * whose outputs feed the monitored ends, read at the same moments; a role the station lacks feeds nothing. A
 * bad one, or an end two outputs feed, stops the step before the pattern. */
static void monitor_supply(lua_State *L, int t, struct progress_ctx *p)
{
	if (!p->n_ends)
		return;
	const char *roles[MONITOR_SUPPLIES_MAX];
	size_t n = 0;
	lua_getfield(L, t, "monitor_supply");
	if (lua_type(L, -1) == LUA_TSTRING) {
		roles[n++] = lua_tostring(L, -1);
	} else if (lua_istable(L, -1)) {
		lua_Integer k = (lua_Integer)lua_rawlen(L, -1);
		if (k < 1 || k > MONITOR_SUPPLIES_MAX)
			luaL_error(L, "ber: monitor_supply names %d roles (1 to %d)", (int)k, MONITOR_SUPPLIES_MAX);
		for (lua_Integer i = 1; i <= k; i++) {
			lua_rawgeti(L, -1, i);
			if (lua_type(L, -1) != LUA_TSTRING)
				luaL_error(L, "ber: monitor_supply[%d] is not a station role", (int)i);
			roles[n++] = lua_tostring(L, -1);
			lua_pop(L, 1); /* the list on the stack keeps the string alive */
		}
	} else if (!lua_isnil(L, -1)) {
		luaL_error(L, "ber: monitor_supply must be a station role or a list of them");
	}
	lc_diag d;
	int rc = lc_soak_power_bind(p->run, roles, n, p->ends, p->n_ends, &d);
	lua_pop(L, 1);
	if (rc < 0)
		lc_lua_raise(L, p->run, rc, &d, "ber");
}

/* ctx:ber{bit_rate=, pattern=, target=1e-12, cl=0.95, max_time=60, gate=1, role="bert", monitor={ends},
 * monitor_every=10, monitor_role="i2c", monitor_supply=role or {roles}} -> worst verdict */
static int ctx_ber(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	struct bert_lanes bl;
	bert_lanes(L, run, lc_lua_field_string(L, 2, "role", "bert"), &bl);
	lc_ber_seq_config cfg;
	lc_ber_seq_config_init(&cfg);
	cfg.target = lc_lua_field_number(L, 2, "target", cfg.target);
	cfg.cl = lc_lua_field_number(L, 2, "cl", cfg.cl);
	cfg.max_time_s = lc_lua_field_number(L, 2, "max_time", cfg.max_time_s);
	cfg.gate_s = lc_lua_field_number(L, 2, "gate", cfg.gate_s);
	cfg.bit_rate = lc_lua_field_number(L, 2, "bit_rate", 0);
	lc_diag d;
	int rc = lc_ber_seq_config_check(&cfg, &d);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "ber");

	struct progress_ctx pc;
	memset(&pc, 0, sizeof(pc));
	pc.run = run;
	pc.max_s = cfg.max_time_s;
	monitor_ends(L, 2, &pc);
	monitor_supply(L, 2, &pc);
	lc_instrument_lock(bl.bert);
	bert_prepare(L, run, 2, bl.bert);
	/* the first sample as the traffic starts: the idle reading is the modules step's */
	if (pc.n_ends)
		sample_modules(&pc, 0);
	pc.next_s = pc.every_s;
	lc_ber_seq_io io = {.poll_ms = (int)lc_lua_field_number(L, 2, "poll_ms", 0),
			    .progress = ber_progress,
			    .user = &pc};
	lc_ber_lane lanes[LC_BERT_LANES_MAX];
	rc = lc_ber_seq_run(bl.bert, &cfg, &io, bl.ppg, bl.n, lanes, &d);
	lc_diag od;
	int orc = lc_bert_set_output(bl.bert, 0, false, &od);
	lc_instrument_unlock(bl.bert);

	enum lc_verdict worst = LC_VERDICT_NONE;
	for (size_t i = 0; i < bl.n; i++) {
		const lc_ber_lane *ln = &lanes[i];
		lc_result_measurement m = {
			.name = "ber",
			.lane = (int)(bl.dut_lane[i] ? bl.dut_lane[i] : bl.ppg[i]),
			/* The judged quantity is the upper bound at CL; the point estimate is an extra. */
			.value = isfinite(ln->upper) ? ln->upper : NAN,
			.unit = "1",
			.wavelength_nm = NAN,
			.limit = {.low = NAN, .high = cfg.target, .comparison = LC_LIMIT_LT},
			.margin = NAN,
			.verdict = ln->verdict,
		};
		int idx = lc_run_record(run, &m, NULL);
		if (idx < 0)
			continue;
		lc_result_measurement_extra_number(run->result, idx, "bits", (double)ln->bits, NULL);
		lc_result_measurement_extra_number(run->result, idx, "errors", (double)ln->errors, NULL);
		if (isfinite(ln->estimate))
			lc_result_measurement_extra_number(run->result, idx, "estimate", ln->estimate, NULL);
		if (isfinite(ln->lower))
			lc_result_measurement_extra_number(run->result, idx, "lower_bound", ln->lower, NULL);
		lc_result_measurement_extra_number(run->result, idx, "confidence", cfg.cl, NULL);
		if (isfinite(ln->decision_s))
			lc_result_measurement_extra_number(run->result, idx, "decision_s", ln->decision_s, NULL);
		lc_result_measurement_extra_string(run->result, idx, "reason", lc_ber_reason_name(ln->reason), NULL);
		lc_result_measurement_extra_string(run->result, idx, "port", bl.port[i], NULL);
		if (ln->detail[0])
			lc_result_measurement_extra_string(run->result, idx, "detail", ln->detail, NULL);
		worst = lc_verdict_max(worst, ln->verdict);
	}
	/* the modules through the soak, after the lanes: the BER is the step's own result */
	for (size_t i = 0; i < pc.n_ends; i++) {
		lc_soak_record(run, &pc.ends[i]);
		lc_soak_power_record(run, &pc.ends[i]);
	}
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "ber");
	if (orc < 0)
		return lc_lua_raise(L, run, orc, &od, "ber: outputs off");
	/* a module that could not be read through the soak is a station fault, not the cable's */
	if (pc.monitor_rc < 0)
		return lc_lua_raise(L, run, pc.monitor_rc, &pc.monitor_diag, "ber: module monitors");
	lua_pushstring(L, lc_verdict_name(worst));
	return 1;
}

/*
 * The difference in the cable's labels: each ED lane is named by the DUT port the station wires to it and
 * grouped by that port's leg, so a breakout reads "legs B2 and B3 swapped" as the fiber map does, not
 * "lanes 3 and 5 swapped". Returns what lc_map_describe() returns; LC_ERR_NOT_FOUND when an expected lane is
 * not wired to a DUT port (the caller keeps the lane-number wording then).
 */
static int lane_map_in_legs(const lc_run *run, const char *role, const struct bert_lanes *bl, const int *actual,
			    unsigned ed_lanes, char *text, size_t cap)
{
	const lc_station *st = run->setup->station;
	const lc_channel *ch = run->setup->channel;
	const char *in[LC_BERT_LANES_MAX], *out[LC_BERT_LANES_MAX], *glabel[LC_BERT_LANES_MAX + 1];
	int group[LC_BERT_LANES_MAX];
	size_t ng = 0;
	if (ed_lanes == 0 || ed_lanes > LC_BERT_LANES_MAX)
		return LC_ERR_NOT_FOUND;
	for (unsigned j = 0; j < ed_lanes; j++) {
		out[j] = NULL;
		for (size_t i = 0; i < st->n_wires && !out[j]; i++) {
			const lc_station_wire *w = &st->wires[i];
			if (w->slot == run->setup->slot && w->direction == LC_WIRE_FROM_DUT && !strcmp(w->instrument, role) &&
			    ed_lane(w->instrument_port, ed_lanes) == j + 1)
				out[j] = w->dut_port;
		}
		int pi = out[j] ? lc_channel_port_find(ch, out[j]) : -1;
		const lc_port *p = pi >= 0 ? lc_channel_port(ch, (size_t)pi) : NULL;
		const char *leg = p ? lc_channel_leg_label(ch, p->end, p->leg) : "unwired";
		if (!out[j])
			out[j] = "an unwired lane";
		size_t g = 0;
		while (g < ng && strcmp(glabel[g], leg) != 0)
			g++;
		if (g == ng)
			glabel[ng++] = leg;
		group[j] = (int)g;
	}
	for (size_t k = 0; k < bl->n; k++) {
		in[k] = bl->port[k];
		if (bl->expected_ed[k] < 0 || bl->expected_ed[k] >= (int)ed_lanes || actual[k] >= (int)ed_lanes)
			return LC_ERR_NOT_FOUND;
	}
	lc_map_labels labels = {.in = in, .out = out, .out_group = group, .group = glabel, .n_groups = ng};
	return lc_map_describe(actual, bl->expected_ed, bl->n, ed_lanes, &labels, text, cap);
}

/* ctx:lane_map{bit_rate=, role="bert", method="pattern"|"enable"} -> verdict, difference text */
static int ctx_lane_map(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	struct bert_lanes bl;
	bert_lanes(L, run, lc_lua_field_string(L, 2, "role", "bert"), &bl);
	lc_lane_map_config cfg;
	lc_lane_map_config_init(&cfg);
	const char *method = lc_lua_field_string(L, 2, "method", NULL);
	if (method)
		cfg.method = strcmp(method, "enable") == 0 ? LC_LANE_MAP_BY_ENABLE : LC_LANE_MAP_BY_PATTERN;
	else {
		lc_bert_caps caps;
		/* Per-lane outputs make the cleaner test; pattern marking works on every BERT. */
		if (lc_bert_caps_get(bl.bert, &caps, NULL) == 0 && caps.per_lane_output)
			cfg.method = LC_LANE_MAP_BY_ENABLE;
	}
	cfg.settle_ms = (int)lc_lua_field_number(L, 2, "settle_ms", cfg.settle_ms);
	lc_diag d;
	lc_lane_obs obs;
	int map[LC_BERT_LANES_MAX];
	lc_instrument_lock(bl.bert);
	double rate = lc_lua_field_number(L, 2, "bit_rate", NAN);
	int rc = rate > 0 ? lc_bert_set_bit_rate(bl.bert, rate, &d) : lc_diag_set(&d, LC_ERR_ARG, "bit_rate is required");
	if (rc == 0)
		rc = lc_bert_map_lanes(bl.bert, &cfg, &obs, map, &d);
	lc_diag od;
	int orc = lc_bert_set_output(bl.bert, 0, false, &od);
	lc_instrument_unlock(bl.bert);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "lane_map");
	if (orc < 0)
		return lc_lua_raise(L, run, orc, &od, "lane_map: outputs off");

	/* The BERT mapped every PPG lane; keep the slot's lanes, in wiring order. */
	int actual[LC_BERT_LANES_MAX];
	for (size_t i = 0; i < bl.n; i++)
		actual[i] = bl.ppg[i] - 1 < obs.n_ppg ? map[bl.ppg[i] - 1] : LC_LANE_DARK;
	char text[512];
	int diff = lc_lane_map_diff(bl.expected_ed, actual, (unsigned)bl.n, NULL, 0, text, sizeof(text));
	if (diff < 0)
		return lc_lua_raise(L, run, diff, NULL, "lane_map");
	char legs[512];
	if (diff > 0 && lane_map_in_legs(run, lc_lua_field_string(L, 2, "role", "bert"), &bl, actual, obs.n_ed, legs,
					 sizeof(legs)) > 0)
		snprintf(text, sizeof(text), "%s", legs);
	lc_result_measurement m = {
		.name = "lane_map",
		.lane = LC_LANE_NONE,
		.value = diff,
		.unit = "lanes",
		.wavelength_nm = NAN,
		.limit = {.low = NAN, .high = 0, .comparison = LC_LIMIT_LE},
		.margin = NAN,
		.verdict = diff == 0 ? LC_VERDICT_PASS : LC_VERDICT_FAIL,
	};
	int idx = lc_run_record(run, &m, &d);
	if (idx < 0)
		return lc_lua_raise(L, run, idx, &d, "lane_map");
	lc_result_measurement_extra_string(run->result, idx, "difference", text, NULL);
	if (diff) {
		snprintf(run->step_reason, sizeof(run->step_reason), "lane map: %.200s", text);
		run->step_rank = LC_DIAGNOSIS_MAP;
	}
	lua_pushstring(L, lc_verdict_name(m.verdict));
	lua_pushstring(L, text);
	return 2;
}

void lc_lua_add_ber(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"ber", ctx_ber},
		{"lane_map", ctx_lane_map},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
