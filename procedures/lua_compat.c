/*
 * Link compatibility for procedures: ctx:compat{end="B1", with="A"} reads the two ends' module memories
 * through the station's I2C role and judges them with lc_compat_check (procedures/compat.c), the judgement
 * `lanecert compat` gives: the ends of one AOC or DAC (straight, a breakout leg, a leg whose DSP converts),
 * or an optic against its far optic. What the memories say is what was measured: an end that cannot link is
 * a wrong part (the cable is not what its type promises), never a station error.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "instruments/module/module.h"
#include "procedures/compat.h"
#include "procedures/diagnosis.h"
#include "procedures/run_priv.h"

static int read_end(lua_State *L, lc_run *run, const lc_station_instrument *si, const char *end, lc_module_info *info)
{
	lc_module *mod = NULL;
	lc_diag d;
	int rc = lc_module_open_end(si->resource, si->layout, end, NULL, &mod, &d);
	if (rc < 0)
		lc_diag_prefix(&d, "%s: end %s: ", si->role, end);
	if (rc == 0 && (rc = lc_module_read_info(mod, info, &d)) < 0)
		lc_diag_prefix(&d, "end %s: ", end);
	lc_module_close(mod);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "compat");
	return 0;
}

/* The findings of one severity, "; "-joined. */
static void findings(const lc_compat_result *r, enum lc_compat_severity s, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = 0;
	for (size_t i = 0; i < r->n && n < cap; i++) {
		if (r->findings[i].severity != s)
			continue;
		int k = snprintf(out + n, cap - n, "%s%s", n ? "; " : "", r->findings[i].text);
		if (k < 0)
			break;
		n += (size_t)k;
	}
}

/* ctx:compat{end="B1", with="A", role="i2c"} -> verdict, the findings that decided it */
static int ctx_compat(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	const char *end = lc_lua_field_string(L, 2, "end", "B");
	const char *with = lc_lua_field_string(L, 2, "with", "A");
	const char *role = lc_lua_field_string(L, 2, "role", "i2c");
	const lc_station_instrument *si = run->setup->station ? lc_station_instrument_by_role(run->setup->station, role)
							      : NULL;
	if (!si || strncasecmp(si->resource, "I2C::", 5) != 0)
		return luaL_error(L, "the station has no I2C module adapter in the role '%s'", role);
	lc_module_info near, far;
	read_end(L, run, si, with, &near);
	read_end(L, run, si, end, &far);
	lc_compat_result r;
	lc_diag d;
	int rc = lc_compat_check(&near, &far, NULL, NULL, &r, &d);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "compat");
	char errors[600], warnings[600], notes[600];
	findings(&r, LC_COMPAT_ERROR, errors, sizeof(errors));
	findings(&r, LC_COMPAT_WARNING, warnings, sizeof(warnings));
	findings(&r, LC_COMPAT_NOTE, notes, sizeof(notes));
	lc_result_measurement m = {.name = "link_compatibility", .lane = LC_LANE_NONE, .value = r.compatible ? 1 : 0,
				   .unit = "bool", .wavelength_nm = NAN, .margin = NAN,
				   .limit = {.low = 1, .high = NAN, .comparison = LC_LIMIT_GE},
				   .verdict = r.compatible ? LC_VERDICT_PASS : LC_VERDICT_FAIL};
	int idx = lc_run_record(run, &m, &d);
	if (idx < 0)
		return lc_lua_raise(L, run, idx, &d, "compat");
	lc_result_measurement_extra_string(run->result, idx, "end", end, NULL);
	lc_result_measurement_extra_string(run->result, idx, "with", with, NULL);
	if (r.a.known)
		lc_result_measurement_extra_string(run->result, idx, "with_interface", r.a.name, NULL);
	if (r.b.known)
		lc_result_measurement_extra_string(run->result, idx, "interface", r.b.name, NULL);
	lc_result_measurement_extra_string(run->result, idx, "findings", r.compatible ? notes : errors, NULL);
	/* a warning does not decide compatibility, but what the memories disagree on is kept with the result
	 * ("the ends advertise 3.0 m and 5.0 m: not one assembly?") */
	if (warnings[0])
		lc_result_measurement_extra_string(run->result, idx, "warnings", warnings, NULL);
	if (!r.compatible && run->step_rank < LC_DIAGNOSIS_WRONG_PART) {
		lc_utf8_printf(run->step_reason, sizeof(run->step_reason), "wrong part: end %s (%s) cannot link with end %s: %s",
			       end, r.b.known ? r.b.name : "unknown interface", with, errors);
		run->step_rank = LC_DIAGNOSIS_WRONG_PART;
	}
	lua_pushstring(L, lc_verdict_name(m.verdict));
	lua_pushstring(L, r.compatible ? notes : errors);
	return 2;
}

void lc_lua_add_compat(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"compat", ctx_compat},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
