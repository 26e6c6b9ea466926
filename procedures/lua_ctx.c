/* The ctx table handed to procedure functions: run facts and the core methods (check, record, verdict,
 * prompt, log, progress, sleep, option). Measurement methods are added by lua_optical.c and friends. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "procedures/limit_record.h"
#include "procedures/run_priv.h"
#include "procedures/sandbox.h"

#define LC_LOG_DOMAIN "procedure"
#include "base/log.h"

lc_run *lc_run_from_upvalue(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

int lc_lua_raise(lua_State *L, lc_run *run, int code, const lc_diag *diag, const char *what)
{
	run->last_error = code;
	/* A wait that saw Ctrl-C ends the step aborted, not in error. Only while aborting is allowed can a
	 * library wait return LC_ERR_ABORTED for the flag; an operator who declines a prompt aborts as well. */
	if (code == LC_ERR_ABORTED)
		return lc_sandbox_raise_abort(L);
	luaL_where(L, 1);
	lua_pushfstring(L, "%s: %s (%s)", what, diag && diag->text[0] ? diag->text : lc_strerror(code),
			lc_strerror_name(code));
	lua_concat(L, 2);
	return lua_error(L);
}

const char *lc_run_option(const lc_run *run, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < run->setup->n_options; i++) {
		const char *o = run->setup->options[i];
		if (strncmp(o, key, klen) == 0 && o[klen] == '=')
			return o + klen + 1;
	}
	return NULL;
}

int lc_run_record(lc_run *run, const lc_result_measurement *m, lc_diag *diag)
{
	if (run->step < 0)
		return lc_diag_set(diag, LC_ERR_STATE, "measurements are recorded inside a step's main function");
	int idx = lc_result_add_measurement(run->result, run->step, m, diag);
	if (idx >= 0 && run->setup->events.measurement) {
		const lc_result_measurement *rec = lc_result_measurement_at(run->result, (size_t)idx, NULL);
		run->setup->events.measurement(run->setup->events.user, run->setup->slot, run->step_name, rec);
	}
	return idx;
}

static enum lc_result_cmp to_result_cmp(enum lc_limit_cmp c)
{
	switch (c) {
	case LC_CMP_MAX: return LC_LIMIT_LE;
	case LC_CMP_MIN: return LC_LIMIT_GE;
	case LC_CMP_RANGE: return LC_LIMIT_BETWEEN;
	}
	return LC_LIMIT_NONE;
}

/* A limit given to ctx:check: a row id of fixtures/limits, or a table {max=, min=, unit=, id=}. */
static int limit_from_lua(lua_State *L, lc_run *run, int idx, lc_limit *out)
{
	if (lua_type(L, idx) == LUA_TSTRING) {
		const lc_limit *row = run->setup->limits ? lc_limits_find(run->setup->limits, lua_tostring(L, idx)) : NULL;
		if (!row)
			return luaL_error(L, "check: no limit row '%s' in fixtures/limits", lua_tostring(L, idx));
		*out = *row;
		return 0;
	}
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_getfield(L, idx, "max");
	lua_getfield(L, idx, "min");
	lua_getfield(L, idx, "unit");
	lua_getfield(L, idx, "id");
	int has_max = lua_isnumber(L, -4), has_min = lua_isnumber(L, -3);
	if (!has_max && !has_min)
		return luaL_error(L, "check: a limit table needs 'max' and/or 'min'");
	lc_limit_init_max(out, lua_isstring(L, -1) ? lua_tostring(L, -1) : "custom", "custom",
			  lua_isstring(L, -2) ? lua_tostring(L, -2) : "", has_max ? lua_tonumber(L, -4) : NAN);
	if (has_min) {
		out->low = lua_tonumber(L, -3);
		out->cmp = has_max ? LC_CMP_RANGE : LC_CMP_MIN;
	}
	lua_pop(L, 4);
	return 0;
}

double lc_lua_field_number(lua_State *L, int t, const char *key, double dflt)
{
	double v = dflt;
	if (lua_istable(L, t)) {
		lua_getfield(L, t, key);
		if (lua_isnumber(L, -1))
			v = lua_tonumber(L, -1);
		lua_pop(L, 1);
	}
	return v;
}

const char *lc_lua_field_string(lua_State *L, int t, const char *key, const char *dflt)
{
	const char *v = dflt;
	if (lua_istable(L, t)) {
		lua_getfield(L, t, key);
		if (lua_type(L, -1) == LUA_TSTRING)
			v = lua_tostring(L, -1); /* still referenced by the options table */
		lua_pop(L, 1);
	}
	return v;
}

/* ctx:check(name, value, limit [, {lane=, unit=, wavelength=, uncertainty=}]) -> verdict name, index */
static int ctx_check(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	const char *name = luaL_checkstring(L, 2);
	lc_limit lim;
	lc_check_result cr;
	lc_diag d;
	limit_from_lua(L, run, 4, &lim);
	lc_result_measurement m = {
		.name = name,
		.lane = (int)lc_lua_field_number(L, 5, "lane", LC_LANE_NONE),
		.unit = lc_lua_field_string(L, 5, "unit", lim.unit[0] ? lim.unit : NULL),
		.wavelength_nm = lc_lua_field_number(L, 5, "wavelength", NAN),
		.margin = NAN,
	};
	m.limit.low = lim.cmp == LC_CMP_MAX ? NAN : lim.low;
	m.limit.high = lim.cmp == LC_CMP_MIN ? NAN : lim.high;
	m.limit.comparison = to_result_cmp(lim.cmp);
	if (lua_isnoneornil(L, 3)) {
		/* Not measured: never a pass. */
		m.value = NAN;
		m.verdict = LC_VERDICT_ERROR;
	} else {
		m.value = luaL_checknumber(L, 3);
		if (lc_limit_check_u(&lim, m.value, lc_lua_field_number(L, 5, "uncertainty", 0), &cr) < 0)
			return luaL_error(L, "check '%s': value %f cannot be judged against limit '%s'", name, m.value,
					  lim.id);
		m.margin = cr.margin;
		m.verdict = cr.verdict;
	}
	int idx = lc_run_record(run, &m, &d);
	if (idx < 0)
		return lc_lua_raise(L, run, idx, &d, "check");
	lc_record_limit_row(run, idx, &lim);
	lua_pushstring(L, lc_verdict_name(m.verdict));
	lua_pushinteger(L, idx);
	return 2;
}

/* ctx:record(name, value, unit [, {lane=, wavelength=}]) -> index. Informational, no verdict. */
static int ctx_record(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	lc_diag d;
	lc_result_measurement m = {
		.name = luaL_checkstring(L, 2),
		.value = luaL_checknumber(L, 3),
		.unit = luaL_optstring(L, 4, NULL),
		.lane = (int)lc_lua_field_number(L, 5, "lane", LC_LANE_NONE),
		.wavelength_nm = lc_lua_field_number(L, 5, "wavelength", NAN),
		.margin = NAN,
		.limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE},
		.verdict = LC_VERDICT_NONE,
	};
	int idx = lc_run_record(run, &m, &d);
	if (idx < 0)
		return lc_lua_raise(L, run, idx, &d, "record");
	lua_pushinteger(L, idx);
	return 1;
}

/* ctx:extra(index, key, value): a named extra field of a measurement (number or string). */
static int ctx_extra(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	int idx = (int)luaL_checkinteger(L, 2);
	const char *key = luaL_checkstring(L, 3);
	lc_diag d;
	int rc = lua_type(L, 4) == LUA_TNUMBER
			 ? lc_result_measurement_extra_number(run->result, idx, key, lua_tonumber(L, 4), &d)
			 : lc_result_measurement_extra_string(run->result, idx, key, luaL_checkstring(L, 4), &d);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "extra");
	return 0;
}

/* ctx:verdict("fail"|"inconclusive"|"error"|"pass", reason): the step's own verdict (maximum is kept). */
static int ctx_verdict(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	int v = lc_verdict_parse(luaL_checkstring(L, 2));
	if (v < 0 || v == LC_VERDICT_NONE)
		return luaL_error(L, "verdict: '%s' is not pass, inconclusive, fail, aborted or error", lua_tostring(L, 2));
	if (run->step < 0)
		return luaL_error(L, "verdict: only inside a step");
	if ((enum lc_verdict)v >= run->step_verdict) {
		run->step_verdict = (enum lc_verdict)v;
		/* the procedure's text: valid UTF-8, cut on a character */
		lc_utf8_printf(run->step_reason, sizeof(run->step_reason), "%s", luaL_optstring(L, 3, ""));
	}
	return 0;
}

/* ctx:prompt(id, text [, {question=true, default=...}]) -> answer */
static int ctx_prompt(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	const char *id = luaL_checkstring(L, 2);
	const char *text = luaL_checkstring(L, 3);
	bool question = false;
	if (lua_istable(L, 4)) {
		lua_getfield(L, 4, "question");
		question = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	char answer[256];
	lc_diag d;
	if (!run->setup->prompter)
		return luaL_error(L, "prompt '%s': this run has no operator", id);
	int rc = lc_prompt_ask(run->setup->prompter, run->setup->slot, id, text, question ? LC_PROMPT_QUESTION : LC_PROMPT_CONFIRM,
			       lc_lua_field_string(L, 4, "default", NULL), answer, sizeof(answer), &d);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "prompt");
	lua_pushstring(L, answer);
	return 1;
}

static int ctx_log(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	const char *msg = luaL_checkstring(L, 2);
	lc_info("slot %u: %s", run->setup->slot, msg);
	if (run->setup->events.log)
		run->setup->events.log(run->setup->events.user, run->setup->slot, msg);
	return 0;
}

/* ctx:progress(fraction [, text [, eta_seconds]]) */
static int ctx_progress(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	double f = luaL_checknumber(L, 2);
	if (run->setup->events.progress)
		run->setup->events.progress(run->setup->events.user, run->setup->slot, run->step_name,
					    f < 0 ? 0 : f > 1 ? 1 : f, luaL_optnumber(L, 4, -1), luaL_optstring(L, 3, NULL));
	return 0;
}

/* ctx:sleep(seconds): an interruptible wait (base/abort.h); Ctrl-C ends the step aborted. */
static int ctx_sleep(lua_State *L)
{
	double s = luaL_checknumber(L, 2);
	if (lc_wait_ms(s > 0 ? (int64_t)(s * 1000.0) : 0) == LC_ERR_ABORTED)
		return lc_sandbox_raise_abort(L);
	return 0;
}

/* ctx:option(key [, default]) -> string or default */
static int ctx_option(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	const char *v = lc_run_option(run, luaL_checkstring(L, 2));
	if (v)
		lua_pushstring(L, v);
	else
		lua_pushvalue(L, 3);
	return 1;
}

/* ctx:has(role) -> boolean: the station has an instrument in that role. */
static int ctx_has(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	lua_pushboolean(L, lc_instrument_set_get(run->setup->instruments, luaL_checkstring(L, 2)) != NULL);
	return 1;
}

/* Add the core methods to the ctx table on top of the stack. */
void lc_lua_add_core(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"check", ctx_check},	{"record", ctx_record}, {"extra", ctx_extra},	    {"verdict", ctx_verdict},
		{"prompt", ctx_prompt}, {"log", ctx_log},	{"progress", ctx_progress}, {"sleep", ctx_sleep},
		{"option", ctx_option}, {"has", ctx_has},	{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}

void lc_lua_push_ctx(lua_State *L, lc_run *run)
{
	const lc_run_setup *s = run->setup;
	lua_newtable(L);
	lua_pushstring(L, s->serial);
	lua_setfield(L, -2, "serial");
	lua_pushinteger(L, s->slot);
	lua_setfield(L, -2, "slot");
	lua_pushstring(L, s->cable_type ? s->cable_type : (s->channel ? lc_channel_name(s->channel) : ""));
	lua_setfield(L, -2, "cable");
	lua_pushstring(L, s->channel ? lc_channel_pmd(s->channel) : "");
	lua_setfield(L, -2, "pmd");
	lua_pushstring(L, s->station ? s->station->name : "");
	lua_setfield(L, -2, "station");
	/* The channel's test wavelengths (fixtures/channel.h), for procedures that take them from the design. */
	double wl[8];
	size_t n = s->channel ? lc_channel_wavelengths(s->channel, wl, 8) : 0;
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushnumber(L, wl[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "wavelengths");
	/* The connector labels of both ends ("A", "B1".."B4"): one module per label on an AOC or DAC. */
	lua_newtable(L);
	lua_Integer k = 1;
	for (unsigned end = 0; s->channel && end < 2; end++)
		for (unsigned leg = 0; leg < lc_channel_leg_count(s->channel, end); leg++) {
			lua_pushstring(L, lc_channel_leg_label(s->channel, end, leg));
			lua_rawseti(L, -2, k++);
		}
	lua_setfield(L, -2, "ends");
	lc_lua_add_core(L, run);
	lc_lua_add_optical(L, run);
	lc_lua_add_ber(L, run);
	lc_lua_add_otdr(L, run);
	lc_lua_add_module(L, run);
	lc_lua_add_compat(L, run);
	lc_lua_add_link(L, run);
	lc_lua_add_module_ber(L, run);
	lc_lua_add_skew(L, run);
}
