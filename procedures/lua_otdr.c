/*
 * OTDR measurements for procedures: ctx:otdr{} shoots every fiber of the slot wired to the OTDR (through
 * its switch), keeps the instrument's SOR file beside the report, analyses the trace with lanecert's own
 * event analysis (instruments/otdr/otdr_analysis.h, never the instrument's verdicts), and judges the fiber
 * length against the design, the end-to-end loss against the channel's length-based budget, and every
 * event's loss and reflectance against the limits of fixtures/limits/.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/budget.h"
#include "instruments/otdr/otdr.h"
#include "instruments/otdr/otdr_analysis.h"
#include "instruments/switch/switch.h"
#include "procedures/diagnosis.h"
#include "procedures/limit_record.h"
#include "procedures/run_priv.h"

#define TRACE_POINTS_MAX 2000 /* plotted points per trace; the SOR file keeps them all */

/* Record a judged value with an optional limit row (NULL: informational). */
static int judge(lc_run *run, const char *name, int lane, double value, const char *unit, double nm,
		 const lc_limit *lim, const char *port)
{
	lc_result_measurement m = {.name = name, .lane = lane, .value = value, .unit = unit, .wavelength_nm = nm,
				   .margin = NAN, .limit = {.low = NAN, .high = NAN, .comparison = LC_LIMIT_NONE}};
	lc_check_result cr;
	if (lim && isfinite(value) && lc_limit_check(lim, value, &cr) == 0) {
		m.margin = cr.margin;
		m.verdict = cr.verdict;
		m.limit.comparison = lim->cmp == LC_CMP_MAX ? LC_LIMIT_LE : lim->cmp == LC_CMP_MIN ? LC_LIMIT_GE : LC_LIMIT_BETWEEN;
		m.limit.low = lim->cmp == LC_CMP_MAX ? NAN : lim->low;
		m.limit.high = lim->cmp == LC_CMP_MIN ? NAN : lim->high;
	} else if (lim) {
		m.verdict = LC_VERDICT_ERROR; /* a limit was due and nothing could be judged */
	}
	int idx = lc_run_record(run, &m, NULL);
	if (idx >= 0 && port)
		lc_result_measurement_extra_string(run->result, idx, "port", port, NULL);
	if (idx >= 0)
		lc_record_limit_row(run, idx, lim);
	return idx;
}

/* Keep the SOR file and, for the report's plot, the trace over the link's own length: x in metres from the
 * link's start (the launch cord's end, launch_m into the trace; the same axis as the events' position_m),
 * from the trace's start to a margin past the fiber end the analysis found (end_m, NaN: none found, then the
 * whole trace, whose noise shows where light stopped), decimated to TRACE_POINTS_MAX points. A 200 m link
 * shot with a 2 km range is a plot of 200 m, not 90 % noise. */
static void keep_trace(lc_run *run, const char *port, double nm, const uint8_t *sor_bytes, size_t len,
		       const lc_sor *sor, int lane, double launch_m, double end_m)
{
	char name[48], sname[128];
	size_t k = 0;
	for (const char *p = port; *p && k < 40; p++)
		name[k++] = (*p == ':' ? '-' : *p);
	name[k] = '\0';
	snprintf(sname, sizeof(sname), "otdr-%s-%.0fnm.sor", name, nm);
	lc_result_add_raw_data(run->result, sname, "sor", sor_bytes, len, NULL);
	double *db = NULL;
	int n = lc_sor_trace_db(sor, &db);
	if (n <= 0) {
		free(db);
		return;
	}
	double dx = lc_sor_point_spacing_m(sor), x0 = lc_sor_trace_origin_m(sor);
	size_t shown = (size_t)n;
	if (isfinite(end_m) && dx > 0) {
		double link = end_m - launch_m, last = end_m + (link * 0.15 > 20 ? link * 0.15 : 20);
		double pts = (last - x0) / dx + 1;
		if (pts >= 2 && pts < (double)n)
			shown = (size_t)pts;
	}
	size_t step = shown / TRACE_POINTS_MAX + 1, m = 0;
	double *x = malloc((shown / step + 1) * sizeof(*x)), *y = malloc((shown / step + 1) * sizeof(*y));
	for (size_t i = 0; x && y && i < shown; i += step, m++) {
		x[m] = x0 + (double)i * dx - launch_m;
		y[m] = db[i];
	}
	snprintf(sname, sizeof(sname), "OTDR %s %.0f nm", port, nm);
	if (x && y)
		lc_result_add_series(run->result, sname, "otdr_trace", lane, "m", "dB", x, y, m, NULL);
	free(x), free(y), free(db);
}

/* The design's event (fixtures/budget.h) an analysed event stands for: the nearest connector, module or
 * splice of the path within tol_m of its position in the link. Returns its index or -1. */
static int design_event(const lc_event *dev, int ndev, double at_m, double tol_m)
{
	int best = -1;
	for (int k = 0; k < ndev; k++) {
		if (dev[k].type == LC_EVENT_END)
			continue;
		double d = fabs(dev[k].position_m - at_m);
		if (d <= tol_m && (best < 0 || d < fabs(dev[best].position_m - at_m)))
			best = k;
	}
	return best;
}

/* The limit of a design event: the budget line of the same mated pair / splice / module (its limit row and
 * per-item value), so the launch cord's connection is judged as the reference-standard pair it is. */
static bool design_event_limit(const lc_budget *b, const lc_event *e, lc_limit *out)
{
	enum lc_budget_kind want = e->type == LC_EVENT_SPLICE ? LC_BUDGET_SPLICE
				   : e->type == LC_EVENT_MODULE ? LC_BUDGET_MODULE
								: LC_BUDGET_MATED_PAIR;
	for (size_t i = 0; i < b->count; i++) {
		const lc_budget_item *it = &b->items[i];
		if (it->kind != want)
			continue;
		bool same = (!strcmp(it->component, e->component) && !strcmp(it->other, e->other)) ||
			    (!strcmp(it->component, e->other) && !strcmp(it->other, e->component));
		if (!same && want != LC_BUDGET_SPLICE)
			continue;
		if (want == LC_BUDGET_SPLICE && strcmp(it->component, e->component) != 0)
			continue;
		lc_limit_init_max(out, it->limit_id, "event_loss", "dB", it->each);
		out->unconfirmed = it->unconfirmed;
		return true;
	}
	return false;
}

/* The limit row for an event the design does not have: a mated pair where it reflects, a splice where it
 * does not. */
static const lc_limit *event_limit(const lc_run *run, const lc_otdr_event *ev)
{
	lc_limit_query q = {.quantity = ev->reflective ? LC_Q_MATED_PAIR : LC_Q_SPLICE,
			    .mode = lc_channel_mode(run->setup->channel),
			    .grade = ev->reflective ? "standard" : NULL};
	return run->setup->limits ? lc_limits_match(run->setup->limits, &q) : NULL;
}

static const lc_limit *reflectance_limit(const lc_run *run)
{
	size_t nc = lc_channel_component_count(run->setup->channel);
	const lc_component *c = nc ? lc_channel_component(run->setup->channel, 0) : NULL;
	lc_limit_query q = {.quantity = LC_Q_REFLECTANCE,
			    .mode = lc_channel_mode(run->setup->channel),
			    .polish = c ? c->conn[0].polish : LC_POLISH_NONE};
	return run->setup->limits ? lc_limits_match(run->setup->limits, &q) : NULL;
}

/* One fiber: route, shoot, fetch, analyse, judge. Returns the worst verdict, or raises. */
static enum lc_verdict shoot(lua_State *L, lc_run *run, int t, lc_instrument *otdr, const lc_station_wire *w,
			     const lc_otdr_settings *s, const lc_otdr_config *cfg)
{
	lc_diag d;
	int rc = 0;
	lc_instrument *sw = w->switch_role[0] ? lc_instrument_set_get(run->setup->instruments, w->switch_role) : NULL;
	if (w->switch_role[0] && !sw)
		luaL_error(L, "otdr: wire of %s names switch '%s', which is not open", w->dut_port, w->switch_role);
	const lc_otdr_ops *ops = lc_instrument_class_ops(otdr, LC_CLASS_OTDR);
	uint8_t *bytes = NULL;
	size_t len = 0;
	lc_sor *sor = NULL;
	if (sw)
		lc_instrument_lock(sw);
	lc_instrument_lock(otdr);
	if (sw)
		rc = lc_switch_route(sw, (int)(w->switch_input ? w->switch_input : 1), (int)w->switch_channel, &d);
	if (rc == 0)
		rc = lc_otdr_acquire(otdr, s, &d);
	if (rc == 0)
		rc = ops->read_sor(otdr, &bytes, &len, &d);
	lc_instrument_unlock(otdr);
	if (sw)
		lc_instrument_unlock(sw);
	if (rc == 0 && (rc = lc_sor_read(bytes, len, &sor, &d)) < 0)
		rc = lc_diag_set(&d, LC_ERR_PROTOCOL, "the OTDR's SOR file is malformed: %s", lc_diag_message(&d));
	/* The launch cord is the wire's reference cord: what the OTDR sees before the DUT starts. The analysis
	 * is told where it ends, so the link's first connector is reported and its loss counted from there
	 * (launch compensation) even when a good connector stays under the detection thresholds. */
	const lc_reference_cord *cord = w->reference_cord[0] ? lc_station_refcord(run->setup->station, w->reference_cord) : NULL;
	double launch_m = cord && isfinite(cord->length_m) ? cord->length_m : lc_lua_field_number(L, t, "launch_m", 0);
	lc_otdr_config acfg = *cfg;
	acfg.launch_m = launch_m > 0 ? launch_m : 0;
	lc_otdr_analysis *a = NULL;
	if (rc == 0 && (rc = lc_otdr_analyze_sor(sor, &acfg, &a, &d)) < 0)
		lc_diag_prefix(&d, "analysis of the trace at %s: ", w->dut_port);
	if (rc < 0) {
		free(bytes);
		lc_sor_free(sor);
		lc_lua_raise(L, run, rc, &d, "otdr");
	}

	size_t map_index = 0;
	int lane = lc_channel_route(run->setup->channel, w->dut_port, &map_index) >= 0 ? (int)map_index + 1 : 0;
	keep_trace(run, w->dut_port, s->wavelength_nm, bytes, len, sor, lane, launch_m > 0 ? launch_m : 0,
		   a->end_found ? a->fiber_length_m : NAN);
	free(bytes);

	enum lc_verdict worst = LC_VERDICT_NONE;
	lc_budget b;
	bool have_budget = lane > 0 && lc_channel_path_budget(run->setup->channel, run->setup->limits, map_index,
							       s->wavelength_nm, &b, &d) == 0;
	/* Length: the design's within a tolerance (a break ends the fiber early). */
	double tol = lc_lua_field_number(L, t, "length_tolerance", 0.05);
	lc_limit len_lim;
	const lc_limit *lenp = NULL;
	if (have_budget && b.length_m > 0) {
		lc_limit_init_max(&len_lim, "design.length", "fiber_length", "m", b.length_m * (1 + tol) + 2.0);
		len_lim.cmp = LC_CMP_RANGE;
		len_lim.low = b.length_m * (1 - tol) - 2.0;
		lenp = &len_lim;
	}
	double length = a->end_found ? a->fiber_length_m - launch_m : NAN;
	int idx = judge(run, "fiber_length", lane, length, "m", s->wavelength_nm, lenp, w->dut_port);
	if (idx >= 0 && !a->end_found)
		lc_result_measurement_extra_string(run->result, idx, "finding", "no fiber end found in the trace", NULL);
	if (idx >= 0) /* a failed record is already the run's error (reports/result.h) */
		worst = lc_verdict_max(worst, lc_result_measurement_at(run->result, (size_t)idx, NULL)->verdict);
	/* Loss from the launch cord's end (its connection to the link included, its own fiber not) to the
	 * end against the length-based budget. Without a receive cord the far connector's loss cannot be
	 * seen (the trace ends there), so this is the link less its far connection: within the budget, which
	 * counts both ends, a bad far connector still needs Tier 1 or a receive cord to be caught. */
	lc_limit loss_lim;
	if (have_budget)
		lc_limit_init_max(&loss_lim, "budget", "otdr_loss", "dB", b.total_db);
	double link_loss = !a->end_found ? NAN : launch_m > 0 ? a->link_loss_db : a->total_loss_db;
	idx = judge(run, "otdr_loss", lane, link_loss, "dB", s->wavelength_nm, have_budget ? &loss_lim : NULL,
		    w->dut_port);
	if (idx >= 0 && launch_m > 0 && a->end_found && !isfinite(a->link_loss_db))
		lc_result_measurement_extra_string(run->result, idx, "finding",
						   "the launch cord's connection to the link was not found in the trace", NULL);
	if (idx >= 0) /* a failed record is already the run's error (reports/result.h) */
		worst = lc_verdict_max(worst, lc_result_measurement_at(run->result, (size_t)idx, NULL)->verdict);
	judge(run, "orl", lane, a->orl_db, "dB", s->wavelength_nm, NULL, w->dut_port);
	/* Events of the link (from the launch cord's far connector on, before the end), each judged against
	 * the design's event at that place (its budget line), or, where the design has none, as a mated pair
	 * (reflective) or a splice. Events inside the launch cord are the station's, not the link's. */
	const lc_limit *rlim = reflectance_limit(run);
	lc_event dev[64];
	int ndev = 0;
	int pidx = lc_channel_port_find(run->setup->channel, w->dut_port);
	if (lane > 0 && pidx >= 0)
		ndev = lc_channel_path_events(run->setup->channel, run->setup->limits, map_index, s->wavelength_nm,
					      lc_channel_port(run->setup->channel, (size_t)pidx)->end, dev, 64, NULL);
	if (ndev > 64)
		ndev = 64;
	double pw_m = s->pulse_ns * 1e-9 * LC_SOR_C_M_PER_S / lc_sor_group_index(sor) / 2.0;
	double tol_m = pw_m + 2.0;
	for (size_t i = 0; i < a->n_events; i++) {
		const lc_otdr_event *ev = &a->events[i];
		if (ev->type == LC_OTDR_EVENT_LAUNCH || ev->type == LC_OTDR_EVENT_END)
			continue;
		if (launch_m > 0 && (int)i != a->launch_event && ev->position_m < launch_m - tol_m)
			continue;
		int k = design_event(dev, ndev, ev->position_m - launch_m, tol_m);
		lc_limit dlim;
		const lc_limit *elim = k >= 0 && have_budget && design_event_limit(&b, &dev[k], &dlim) ? &dlim
											     : event_limit(run, ev);
		int e1 = judge(run, "event_loss", lane, ev->loss_db, "dB", s->wavelength_nm, elim, w->dut_port);
		if (e1 >= 0) {
			lc_result_measurement_extra_number(run->result, e1, "position_m", ev->position_m - launch_m, NULL);
			lc_result_measurement_extra_string(run->result, e1, "event", ev->reflective ? "reflective" : "non-reflective", NULL);
			if (k >= 0)
				lc_result_measurement_extra_string(run->result, e1, "design_event", lc_event_type_name(dev[k].type), NULL);
			else
				lc_result_measurement_extra_string(run->result, e1, "finding", "an event the design does not have", NULL);
			worst = lc_verdict_max(worst, lc_result_measurement_at(run->result, (size_t)e1, NULL)->verdict);
		}
		if (ev->reflective && isfinite(ev->reflectance_db)) {
			int e2 = judge(run, "reflectance", lane, ev->reflectance_db, "dB", s->wavelength_nm, rlim, w->dut_port);
			if (e2 >= 0) {
				lc_result_measurement_extra_number(run->result, e2, "position_m", ev->position_m - launch_m, NULL);
				worst = lc_verdict_max(worst, lc_result_measurement_at(run->result, (size_t)e2, NULL)->verdict);
			}
		}
	}
	if (worst == LC_VERDICT_FAIL && !run->step_reason[0] && isfinite(length) && lenp && length < lenp->low) {
		snprintf(run->step_reason, sizeof(run->step_reason), "fiber at %s ends at %.1f m of %.1f m: broken",
			 w->dut_port, length, b.length_m);
		/* the place of the break explains what Tier 1 saw of that fiber (dark): the run's reason */
		run->step_rank = LC_DIAGNOSIS_CAUSE;
	}
	lc_otdr_analysis_free(a);
	lc_sor_free(sor);
	return worst;
}

/* ctx:otdr{wavelength=1310, pulse_ns=10, range_m=2000, averaging=10, role="otdr", loss_threshold=,
 *          reflectance_threshold=, end_threshold=, length_tolerance=0.05} -> worst verdict */
static int ctx_otdr(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	const char *role = lc_lua_field_string(L, 2, "role", "otdr");
	lc_instrument *otdr = lc_instrument_set_get(run->setup->instruments, role);
	if (!otdr || !lc_instrument_has_class(otdr, LC_CLASS_OTDR))
		return luaL_error(L, "the station has no OTDR in the role '%s'", role);
	if (!run->setup->channel || !run->setup->station)
		return luaL_error(L, "this run has no channel model or station");
	lc_otdr_settings s = {.wavelength_nm = lc_lua_field_number(L, 2, "wavelength", NAN),
			      .pulse_ns = lc_lua_field_number(L, 2, "pulse_ns", 10),
			      .range_m = lc_lua_field_number(L, 2, "range_m", 2000),
			      .averaging_s = lc_lua_field_number(L, 2, "averaging", 10)};
	if (!(s.wavelength_nm > 0))
		return luaL_error(L, "otdr: wavelength (nm) is required");
	lc_otdr_config cfg;
	lc_otdr_config_init(&cfg);
	cfg.loss_threshold_db = lc_lua_field_number(L, 2, "loss_threshold", cfg.loss_threshold_db);
	cfg.refl_threshold_db = lc_lua_field_number(L, 2, "reflectance_threshold", cfg.refl_threshold_db);
	cfg.eof_threshold_db = lc_lua_field_number(L, 2, "end_threshold", cfg.eof_threshold_db);
	const lc_station *st = run->setup->station;
	enum lc_verdict worst = LC_VERDICT_NONE;
	size_t shot = 0, total = 0;
	for (size_t i = 0; i < st->n_wires; i++)
		total += st->wires[i].slot == run->setup->slot && st->wires[i].direction == LC_WIRE_TO_DUT &&
			 strcmp(st->wires[i].instrument, role) == 0;
	if (total == 0)
		return luaL_error(L, "station '%s' wires no fiber of slot %d to the OTDR '%s'", st->name, (int)run->setup->slot,
				  role);
	for (size_t i = 0; i < st->n_wires; i++) {
		const lc_station_wire *w = &st->wires[i];
		if (w->slot != run->setup->slot || w->direction != LC_WIRE_TO_DUT || strcmp(w->instrument, role) != 0)
			continue;
		if (run->setup->events.progress) {
			char text[64];
			snprintf(text, sizeof(text), "OTDR %s", w->dut_port);
			run->setup->events.progress(run->setup->events.user, run->setup->slot, run->step_name,
						    (double)shot / (double)total, -1, text);
		}
		worst = lc_verdict_max(worst, shoot(L, run, 2, otdr, w, &s, &cfg));
		shot++;
	}
	lua_pushstring(L, lc_verdict_name(worst));
	return 1;
}

void lc_lua_add_otdr(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"otdr", ctx_otdr},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
