/*
 * Lane skew for procedures: ctx:skew{} turns the per-fiber lengths this run measured (the OTDR's
 * fiber_length of each fiber, procedures/lua_otdr.c) into the skew between the lanes of the link: the
 * longest minus the shortest fiber, times the group index, over c (light in the fiber travels at c / n_g).
 * The group index is the OTDR's default of the SOR format, 1.468 (domain-facts §6b), unless the procedure
 * or the operator gives another (option group_index). The limit is the row of quantity "lane_skew" for the
 * link's PMD (fixtures/limits/: 79 ns of cabling skew for 400GBASE-SR8 and SR4.2 [TIAFOTC-SR8]; other
 * PMDs fall back to an UNCONFIRMED default row a site replaces).
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "procedures/limit_record.h"
#include "procedures/run_priv.h"

#define C_M_PER_S 299792458.0

/* Fewer than two lengths: nothing to compare, so never a pass. */
static int not_measured(lua_State *L, lc_run *run)
{
	lc_result_measurement m = {.name = "lane_skew", .lane = LC_LANE_NONE, .value = NAN, .unit = "ns",
				   .wavelength_nm = NAN, .margin = NAN, .verdict = LC_VERDICT_INCONCLUSIVE,
				   .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	lc_diag d;
	int idx = lc_run_record(run, &m, &d);
	if (idx < 0)
		return lc_lua_raise(L, run, idx, &d, "skew");
	lc_result_measurement_extra_string(run->result, idx, "reason", "fewer than two fiber lengths measured in this run",
					   NULL);
	lua_pushstring(L, lc_verdict_name(m.verdict));
	lua_pushnil(L);
	return 2;
}

/* ctx:skew{group_index=1.468, pmd=} -> verdict, skew in ns (nil when fewer than two lengths were measured) */
static int ctx_skew(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	double ng = lc_lua_field_number(L, 2, "group_index", 1.468);
	const char *opt = lc_run_option(run, "group_index");
	if (opt && sscanf(opt, "%lf", &ng) != 1)
		return luaL_error(L, "option group_index: '%s' is not a number", opt);
	if (!(ng >= 1.0 && ng <= 2.0))
		return luaL_error(L, "skew: group index %g is not that of a fiber (1..2)", ng);
	const char *pmd = lc_lua_field_string(L, 2, "pmd", NULL);
	if (!pmd)
		pmd = lc_run_option(run, "pmd");
	if (!pmd && run->setup->channel)
		pmd = lc_channel_pmd(run->setup->channel);

	const lc_result *r = run->result;
	double lo = INFINITY, hi = -INFINITY;
	const char *lo_port = NULL, *hi_port = NULL;
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "fiber_length") || !isfinite(m->value))
			continue;
		/* a fiber shorter than its design ends early: a break, not a longer path (its own finding) */
		if (m->verdict == LC_VERDICT_FAIL && isfinite(m->limit.low) && m->value < m->limit.low)
			continue;
		const char *port = NULL;
		for (size_t k = 0; k < lc_result_extra_count(r, i); k++) {
			const lc_result_extra *e = lc_result_extra_at(r, i, k);
			if (e->is_string && !strcmp(e->key, "port"))
				port = e->string;
		}
		n++;
		if (m->value < lo) {
			lo = m->value;
			lo_port = port;
		}
		if (m->value > hi) {
			hi = m->value;
			hi_port = port;
		}
	}
	if (n < 2)
		return not_measured(L, run);
	double dl = hi - lo, ns = dl * ng / C_M_PER_S * 1e9;
	lc_limit_query q = {.quantity = "lane_skew", .pmd = pmd && *pmd ? pmd : NULL};
	const lc_limit *row = run->setup->limits ? lc_limits_match(run->setup->limits, &q) : NULL;
	lc_result_measurement m = {.name = "lane_skew", .lane = LC_LANE_NONE, .value = ns, .unit = "ns",
				   .wavelength_nm = NAN, .margin = NAN,
				   .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	if (row && row->cmp == LC_CMP_MAX) {
		m.limit = (lc_result_limit){.low = NAN, .high = row->high, .comparison = LC_LIMIT_LE};
		m.margin = row->high - ns;
		m.verdict = ns <= row->high ? LC_VERDICT_PASS : LC_VERDICT_FAIL;
	}
	lc_diag d;
	int idx = lc_run_record(run, &m, &d);
	if (idx < 0)
		return lc_lua_raise(L, run, idx, &d, "skew");
	lc_result_measurement_extra_number(run->result, idx, "length_difference_m", dl, NULL);
	lc_result_measurement_extra_number(run->result, idx, "group_index", ng, NULL);
	lc_result_measurement_extra_number(run->result, idx, "fibers", (double)n, NULL);
	if (hi_port)
		lc_result_measurement_extra_string(run->result, idx, "longest", hi_port, NULL);
	if (lo_port)
		lc_result_measurement_extra_string(run->result, idx, "shortest", lo_port, NULL);
	lc_record_limit_row(run, idx, row);
	if (m.verdict == LC_VERDICT_FAIL) {
		char f[240];
		snprintf(f, sizeof(f), "lane skew %.1f ns over the %.0f ns limit%s: %s is %.1f m longer than %s", ns, row->high,
			 row->unconfirmed ? " (UNCONFIRMED)" : "", hi_port ? hi_port : "a fiber", dl,
			 lo_port ? lo_port : "the shortest");
		lc_result_measurement_extra_string(run->result, idx, "finding", f, NULL);
	}
	lua_pushstring(L, lc_verdict_name(m.verdict));
	lua_pushnumber(L, ns);
	return 2;
}

void lc_lua_add_skew(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"skew", ctx_skew},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
