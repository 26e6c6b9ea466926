/*
 * Module memory for procedures: ctx:module{end="A"} reads one cable end's module (CMIS or SFF-8636) through
 * the station's I2C role, records its identity and judges its monitors (temperature, Vcc, per-lane Tx bias,
 * Tx and Rx power) against the module's own alarm thresholds; it returns the decoded identity to Lua so the
 * procedure can check what the cable type promises (media, length, lanes).
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "instruments/module/module.h"
#include "procedures/limit_record.h"
#include "procedures/module_soak.h"
#include "procedures/run_priv.h"

#define LC_LOG_DOMAIN "module"
#include "base/log.h"

static const lc_station_instrument *i2c_role(const lc_run *run, const char *role)
{
	const lc_station_instrument *si = run->setup->station ? lc_station_instrument_by_role(run->setup->station, role) : NULL;
	return si && strncasecmp(si->resource, "I2C::", 5) == 0 ? si : NULL;
}

/* A monitor against the module's own limits: outside the alarm range fails, outside the warning range is
 * recorded with a warning extra (the module still works). No thresholds: recorded, not judged. Returns the
 * measurement's index, or a negative code when it could not be recorded. */
static int judge(lc_run *run, const char *name, int lane, double value, const char *unit, const lc_module_limits *lim,
		 const char *end)
{
	lc_result_measurement m = {.name = name, .lane = lane, .value = value, .unit = unit, .wavelength_nm = NAN,
				   .margin = NAN, .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	if (lim && lim->valid && isfinite(value)) {
		m.limit = (lc_result_limit){.low = lim->low_alarm, .high = lim->high_alarm, .comparison = LC_LIMIT_BETWEEN};
		m.verdict = value >= lim->low_alarm && value <= lim->high_alarm ? LC_VERDICT_PASS : LC_VERDICT_FAIL;
	}
	int idx = lc_run_record(run, &m, NULL);
	if (idx < 0)
		return idx;
	lc_result_measurement_extra_string(run->result, idx, "end", end, NULL);
	if (lim && lim->valid && m.verdict == LC_VERDICT_PASS && (value < lim->low_warn || value > lim->high_warn))
		lc_result_measurement_extra_string(run->result, idx, "warning", "outside the module's warning range", NULL);
	if (lim && lim->valid)
		lc_result_measurement_extra_string(run->result, idx, "limit_source", "the module's own thresholds", NULL);
	return idx;
}

/* Which host lanes of an end (a leg label, "A", "B2") the channel uses for transmitting and receiving.
 * Without a channel every lane counts. */
static void lanes_of_end(const lc_run *run, const char *end, bool *tx, bool *rx)
{
	const lc_channel *ch = run->setup->channel;
	bool any = false;
	for (size_t i = 0; ch && i < lc_channel_port_count(ch); i++) {
		const lc_port *p = lc_channel_port(ch, i);
		if (p->lane == 0 || p->lane > LC_MODULE_LANES_MAX || strcmp(lc_channel_leg_label(ch, p->end, p->leg), end) != 0)
			continue;
		if (p->role == LC_ROLE_TX)
			tx[p->lane] = true;
		else if (p->role == LC_ROLE_RX)
			rx[p->lane] = true;
		any = true;
	}
	for (unsigned k = 1; !any && k <= LC_MODULE_LANES_MAX; k++)
		tx[k] = rx[k] = true;
}

/*
 * The power class a CMIS module declares and its maximum power against the class's ceiling (a row of
 * fixtures/limits/lanecert-module-power.json, UNCONFIRMED: the certificate never shows it as a certified
 * pass). A module programmed over its class may be refused high power by its host. The power a module
 * draws is not in its memory map (CMIS reports temperature and Vcc, not supply current): where the station
 * feeds an end from a bench supply, the BER soak measures it (soak_power.c).
 */
static void judge_power(lc_run *run, const lc_module_info *info, const char *end)
{
	lc_result_measurement c = {.name = "module_power_class", .lane = LC_LANE_NONE, .value = info->power_class,
				   .unit = "class", .wavelength_nm = NAN, .margin = NAN,
				   .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	int idx = lc_run_record(run, &c, NULL);
	if (idx >= 0)
		lc_result_measurement_extra_string(run->result, idx, "end", end, NULL);
	if (!isfinite(info->max_power_w))
		return;
	char id[48];
	snprintf(id, sizeof(id), "module.power_class.cmis.%d", info->power_class);
	const lc_limit *row = run->setup->limits ? lc_limits_find(run->setup->limits, id) : NULL;
	lc_result_measurement m = {.name = "module_max_power", .lane = LC_LANE_NONE, .value = info->max_power_w,
				   .unit = "W", .wavelength_nm = NAN, .margin = NAN,
				   .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	if (row && row->cmp == LC_CMP_MAX) {
		m.limit = (lc_result_limit){.low = NAN, .high = row->high, .comparison = LC_LIMIT_LE};
		m.verdict = info->max_power_w <= row->high ? LC_VERDICT_PASS : LC_VERDICT_FAIL;
	}
	idx = lc_run_record(run, &m, NULL);
	if (idx < 0)
		return;
	lc_result_measurement_extra_string(run->result, idx, "end", end, NULL);
	lc_result_measurement_extra_number(run->result, idx, "power_class", info->power_class, NULL);
	lc_record_limit_row(run, idx, row);
	if (m.verdict == LC_VERDICT_FAIL) {
		char f[200];
		snprintf(f, sizeof(f), "end %s module declares %.2f W, over the %.2f W of its power class %d%s", end,
			 info->max_power_w, row->high, info->power_class, row->unconfirmed ? " (class ceiling UNCONFIRMED)" : "");
		lc_result_measurement_extra_string(run->result, idx, "finding", f, NULL);
	}
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void set_num(lua_State *L, const char *k, double v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, k);
}

/* A module's memory matches the serial entered when it is that serial, or that serial followed by a
 * separator and a suffix: the end modules of one cable commonly carry the cable's serial plus their end
 * ("SN123-A", "SN123-B1"). Anything else is another cable. */
static bool module_serial_matches(const char *eeprom, const char *entered)
{
	size_t n = strlen(entered);
	if (!n || strncmp(eeprom, entered, n) != 0)
		return false;
	return eeprom[n] == '\0' || strchr("-_. /", eeprom[n]) != NULL;
}

/* Compare the module's serial with the one entered, by the station's policy (fixtures/station.h). Returns
 * the word recorded with the identity; *stop set when the run must not go on (diag says why). */
static const char *check_module_serial(lc_run *run, const char *end, const char *eeprom, bool *stop, lc_diag *diag)
{
	const lc_station *st = run->setup->station;
	enum lc_module_serial_policy p = st ? st->module_serial_policy : LC_MODULE_SERIAL_STOP;
	*stop = false;
	if (p == LC_MODULE_SERIAL_OFF || !run->setup->serial)
		return "not compared";
	if (module_serial_matches(eeprom, run->setup->serial))
		return "match";
	lc_diag_set(diag, LC_ERR_STATE,
		    "serial mismatch: the module at end %s carries serial '%s' in its memory, but the serial entered "
		    "is '%s': check the cable's label and the scanned serial",
		    end, eeprom, run->setup->serial);
	if (p == LC_MODULE_SERIAL_STOP) {
		*stop = true;
	} else {
		lc_warn("slot %u: %s", run->setup->slot, diag->text);
		if (run->setup->events.log)
			run->setup->events.log(run->setup->events.user, run->setup->slot, diag->text);
	}
	return "mismatch";
}

/* ctx:module{end="A", role="i2c", lanes=N} -> {vendor, part_number, serial, identifier, media_type, lanes, cable_length_m,
 * temperature_c, state, apps = {...}} */
static int ctx_module(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_getfield(L, 2, "end");
	const char *end = luaL_optstring(L, -1, "A");
	lua_getfield(L, 2, "role");
	const char *role = luaL_optstring(L, -1, "i2c");
	/* lanes=N: the module's lanes 1..N carry the link (a DR1 module on a harness leg uses 1 of its 4): the
	 * cable's ports cannot say it when the cable is fiber and the modules are separate optics */
	lua_getfield(L, 2, "lanes");
	lua_Integer only = luaL_optinteger(L, -1, 0);
	if (only < 0 || only > LC_MODULE_LANES_MAX)
		return luaL_error(L, "ctx:module: lanes=%d is not 1..%d", (int)only, LC_MODULE_LANES_MAX);
	const lc_station_instrument *si = i2c_role(run, role);
	if (!si)
		return luaL_error(L, "the station has no I2C module adapter in the role '%s'", role);
	lc_module *mod = NULL;
	lc_module_info info;
	lc_diag d;
	int rc = lc_module_open_end(si->resource, si->layout, end, NULL, &mod, &d);
	if (rc < 0)
		lc_diag_prefix(&d, "%s: ", si->role);
	if (rc == 0)
		rc = lc_module_read_info(mod, &info, &d);
	lc_module_close(mod);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "module");

	bool stop;
	lc_diag sd;
	lc_diag_clear(&sd);
	const char *serial_check = check_module_serial(run, end, info.serial, &stop, &sd);
	lc_result_measurement id = {.name = "module_identity", .value = (double)info.identifier, .unit = "id",
				    .wavelength_nm = NAN, .margin = NAN,
				    .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	int idx = lc_run_record(run, &id, NULL);
	if (idx >= 0) {
		lc_result_measurement_extra_string(run->result, idx, "end", end, NULL);
		lc_result_measurement_extra_string(run->result, idx, "identifier", info.identifier_name, NULL);
		lc_result_measurement_extra_string(run->result, idx, "vendor", info.vendor, NULL);
		lc_result_measurement_extra_string(run->result, idx, "part_number", info.part_number, NULL);
		lc_result_measurement_extra_string(run->result, idx, "serial", info.serial, NULL);
		lc_result_measurement_extra_string(run->result, idx, "media_type", info.media_type_name, NULL);
		lc_result_measurement_extra_string(run->result, idx, "serial_check", serial_check, NULL);
	}
	if (stop)
		return lc_lua_raise(L, run, LC_ERR_STATE, &sd, "module");
	if (info.has_temperature)
		judge(run, "module_temperature", LC_LANE_NONE, info.temperature_c, "degC", &info.temperature_limits_c, end);
	if (info.has_vcc)
		judge(run, "module_vcc", LC_LANE_NONE, info.vcc_v, "V", &info.vcc_limits_v, end);
	if (info.has_power_class)
		judge_power(run, &info, end);
	/* Only the lanes this end of the cable uses: a QSFP28 leg of a 4 x 100G breakout carries 2 of its 4. */
	bool tx_used[LC_MODULE_LANES_MAX + 1] = {false}, rx_used[LC_MODULE_LANES_MAX + 1] = {false};
	if (only > 0)
		for (lua_Integer k = 1; k <= LC_MODULE_LANES_MAX; k++)
			tx_used[k] = rx_used[k] = k <= only;
	else
		lanes_of_end(run, end, tx_used, rx_used);
	for (size_t i = 0; i < info.n_lanes; i++) {
		const lc_module_lane *ln = &info.lanes[i];
		if (!tx_used[i + 1] && !rx_used[i + 1])
			continue;
		if (!tx_used[i + 1])
			goto rx;
		if (ln->has_tx_bias)
			judge(run, "tx_bias", (int)i + 1, ln->tx_bias_ma, "mA", &info.tx_bias_limits_ma, end);
		if (ln->has_tx_power)
			judge(run, "tx_power", (int)i + 1, ln->tx_power_mw, "mW", &info.tx_power_limits_mw, end);
	rx:
		if (ln->has_rx_power && rx_used[i + 1])
			judge(run, "rx_power", (int)i + 1, ln->rx_power_mw, "mW", &info.rx_power_limits_mw, end);
	}

	lua_newtable(L);
	set_str(L, "vendor", info.vendor);
	set_str(L, "part_number", info.part_number);
	set_str(L, "serial", info.serial);
	set_str(L, "identifier", info.identifier_name);
	set_str(L, "media_type", info.media_type_name);
	set_str(L, "state", info.module_state_name);
	set_num(L, "lanes", (double)info.n_lanes);
	if (info.has_cable_length)
		set_num(L, "cable_length_m", info.cable_length_m);
	if (info.has_temperature)
		set_num(L, "temperature_c", info.temperature_c);
	if (info.has_power_class) {
		set_num(L, "power_class", info.power_class);
		if (isfinite(info.max_power_w))
			set_num(L, "max_power_w", info.max_power_w);
	}
	lua_createtable(L, (int)info.n_apps, 0);
	for (size_t i = 0; i < info.n_apps; i++) {
		lua_newtable(L);
		set_str(L, "host", info.apps[i].host_name);
		set_str(L, "media", info.apps[i].media_name);
		set_num(L, "host_lanes", info.apps[i].host_lanes);
		set_num(L, "media_lanes", info.apps[i].media_lanes);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "apps");
	return 1;
}

/*
 * Temperature read before and after a BER soak misses a module that heats only while the lanes carry
 * traffic (issue 19): the BER step samples every end through the soak (procedures/module_soak.h). The
 * hottest sample is judged, with the time into the soak named, so the certificate says when, not only that.
 */
void lc_soak_end_init(lc_soak_end *s, const char *end)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->end, sizeof(s->end), "%s", end);
	s->t_max = -INFINITY;
	s->t_min = INFINITY;
	s->declared_w = NAN;
	s->p_max = -INFINITY;
}

int lc_soak_sample(lc_run *run, const char *role, lc_soak_end *s, double at_s, lc_diag *diag)
{
	const lc_station_instrument *si = i2c_role(run, role);
	if (!si)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "the station has no I2C module adapter in the role '%s'", role);
	lc_module *mod = NULL;
	lc_module_info info;
	int rc = lc_module_open_end(si->resource, si->layout, s->end, NULL, &mod, diag);
	if (rc == 0)
		rc = lc_module_read_info(mod, &info, diag);
	lc_module_close(mod);
	if (rc < 0) {
		lc_diag_prefix(diag, "%s: end %s at %.0f s into the BER soak: ", si->role, s->end, at_s);
		return rc;
	}
	s->samples++;
	if (info.has_power_class) {
		s->power_class = info.power_class;
		s->declared_w = info.max_power_w;
	}
	if (info.has_temperature) {
		s->has_temperature = true;
		s->t_limits = info.temperature_limits_c;
		if (info.temperature_c > s->t_max) {
			s->t_max = info.temperature_c;
			s->t_max_at = at_s;
		}
		if (info.temperature_c < s->t_min)
			s->t_min = info.temperature_c;
		size_t n = strlen(s->series);
		if (n + 24 < sizeof(s->series))
			snprintf(s->series + n, sizeof(s->series) - n, "%s%.0f s %.1f", n ? ", " : "", at_s, info.temperature_c);
	}
	bool tx_used[LC_MODULE_LANES_MAX + 1] = {false}, rx_used[LC_MODULE_LANES_MAX + 1] = {false};
	lanes_of_end(run, s->end, tx_used, rx_used);
	s->tx_limits = info.tx_power_limits_mw;
	for (size_t i = 0; i < info.n_lanes && i < LC_MODULE_LANES_MAX; i++) {
		const lc_module_lane *ln = &info.lanes[i];
		if (!tx_used[i + 1] || !ln->has_tx_power)
			continue;
		if (!s->has_tx[i] || ln->tx_power_mw < s->tx_min_mw[i]) {
			s->tx_min_mw[i] = ln->tx_power_mw;
			s->tx_min_at[i] = at_s;
		}
		s->has_tx[i] = true;
	}
	return 0;
}

void lc_soak_record(lc_run *run, const lc_soak_end *s)
{
	if (!s->samples)
		return;
	if (s->has_temperature) {
		int idx = judge(run, "soak_temperature", LC_LANE_NONE, s->t_max, "degC", &s->t_limits, s->end);
		if (idx >= 0) {
			lc_result_measurement_extra_number(run->result, idx, "at_s", s->t_max_at, NULL);
			lc_result_measurement_extra_number(run->result, idx, "min_c", s->t_min, NULL);
			lc_result_measurement_extra_number(run->result, idx, "samples", s->samples, NULL);
			lc_result_measurement_extra_string(run->result, idx, "series", s->series, NULL);
			const lc_module_limits *l = &s->t_limits;
			if (l->valid && (s->t_max > l->high_alarm || s->t_min < l->low_alarm)) {
				bool over = s->t_max > l->high_alarm;
				char f[160];
				snprintf(f, sizeof(f), "end %s module at %.0f \u00b0C with traffic on (%.0f s into the BER soak), %s "
					 "its %.0f \u00b0C limit", s->end, over ? s->t_max : s->t_min, s->t_max_at,
					 over ? "over" : "under", over ? l->high_alarm : l->low_alarm);
				lc_result_measurement_extra_string(run->result, idx, "finding", f, NULL);
			}
		}
	}
	for (size_t i = 0; i < LC_MODULE_LANES_MAX; i++) {
		if (!s->has_tx[i])
			continue;
		int idx = judge(run, "soak_tx_power", (int)i + 1, s->tx_min_mw[i], "mW", &s->tx_limits, s->end);
		if (idx >= 0)
			lc_result_measurement_extra_number(run->result, idx, "at_s", s->tx_min_at[i], NULL);
	}
}

void lc_lua_add_module(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"module", ctx_module},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
