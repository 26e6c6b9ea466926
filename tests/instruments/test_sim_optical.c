/*
 * The optical measurements against the simulator (in-process runner, loopback sockets): the drivers speak
 * to simulated instruments written from the same dialect notes by someone else. Scenario: the simulator's
 * default station with a 400G DR4 breakout (MPO-12 APC -> 4 x LC duplex), defects and faults varied.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fixtures/budget.h"
#include "fixtures/channel.h"
#include "fixtures/limits.h"
#include "fixtures/types.h"
#include "procedures/measure/map_expected.h"
#include "instruments/source/source.h"
#include "instruments/switch/switch.h"
#include "sim_station.h"

#define NM 1310.0

static const char *const a_ports[] = {"A:1", "A:2", "A:3", "A:4"};
static const char *const b_rx[] = {"B1:rx", "B2:rx", "B3:rx", "B4:rx"};

static sim_station st;
static lc_optical_path paths[4];
static lc_limit limits[4];
static const lc_limit *limit_ptrs[4];

/* Limits: the length-based budget of each fiber from the channel model (fixtures/budget.h) at nm. */
static void set_limits(double nm)
{
	lc_channel *ch = NULL;
	lc_limits *lim = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_channel_load("dr4-mpo12apc-4xlc", st.fixtures, &ch, &d), 0, "%s", d.text);
	cr_assert_eq(lc_limits_load(st.fixtures, &lim, &d), 0, "%s", d.text);
	for (int i = 0; i < 4; i++) {
		size_t mi;
		cr_assert_geq(lc_channel_route(ch, a_ports[i], &mi), 0);
		lc_budget b;
		cr_assert_eq(lc_channel_path_budget(ch, lim, lc_channel_map(ch, mi)->path, nm, &b, &d), 0, "%s", d.text);
		lc_limit_init_max(&limits[i], "budget", "channel_il", "dB", b.total_db);
		limit_ptrs[i] = &limits[i];
	}
	lc_limits_free(lim);
	lc_channel_free(ch);
}

static void start_wired(const char *defects, const char *faults, const char *wires)
{
	lc_diag d = {0};
	int rc = sim_station_start_wired(&st, "dr4-breakout-good", defects, faults, wires, 0, &d);
	cr_assert_eq(rc, 0, "simulator: %s (%s)", d.text, lc_strerror_name(rc));
	for (int i = 0; i < 4; i++) {
		paths[i] = (lc_optical_path){
			.launch = {.source = st.source, .source_output = 1, .sw = st.sw1, .sw_input = 1, .sw_output = i + 1,
				   .label = a_ports[i]},
			.detect = {.meter = st.meter, .channel = 1, .sw = st.sw2, .sw_input = 1, .sw_output = i + 1,
				   .label = b_rx[i]},
			.label = a_ports[i],
		};
	}
	set_limits(NM);
}

static void start(const char *defects, const char *faults)
{
	start_wired(defects, faults, NULL);
}

static void stop(void)
{
	sim_station_stop(&st);
}

TestSuite(sim_optical, .fini = stop, .timeout = 60);

static int measure_at(double nm, lc_loss *r, lc_diag *d)
{
	lc_reference ref;
	cr_assert_eq(sim_reference(&st, paths, a_ports, b_rx, 4, nm, &ref, d), 0, "%s", d->text);
	lc_il_opts o;
	lc_il_opts_init(&o, nm);
	o.limits = limit_ptrs;
	o.averaging_s = 0.2;
	return lc_il_measure(paths, 4, &ref, &o, r, d);
}

static int measure(lc_loss *r, lc_diag *d)
{
	return measure_at(NM, r, d);
}

Test(sim_optical, good_cable_passes_with_the_predicted_margins)
{
	start("[]", NULL);
	lc_loss r[4];
	lc_diag d = {0};
	cr_assert_eq(measure(r, &d), 0, "%s", d.text);
	for (int i = 0; i < 4; i++) {
		double model;
		cr_assert_eq(sim_dut_loss(&st, a_ports[i], b_rx[i], NM, &model), 0);
		cr_assert_eq(r[i].verdict, LC_VERDICT_PASS, "%s: %.3f dB against %.3f", a_ports[i], r[i].loss_db,
			     limits[i].high);
		cr_assert_float_eq(r[i].loss_db, model, 0.05, "%s: measured %.3f, model %.3f", a_ports[i], r[i].loss_db,
				   model);
		cr_assert_float_eq(r[i].margin_db, limits[i].high - model, 0.05);
	}
	cr_assert_eq(sim_lasers_on(&st), 0, "lasers off after the measurement");
}

Test(sim_optical, dirty_connector_fails_that_lane_only)
{
	start("[{\"type\": \"dirty_connector\", \"port\": \"A:2\", \"loss_db\": 2.0}]", NULL);
	lc_loss r[4];
	lc_diag d = {0};
	cr_assert_eq(measure(r, &d), 0, "%s", d.text);
	for (int i = 0; i < 4; i++) {
		double model;
		cr_assert_eq(sim_dut_loss(&st, a_ports[i], b_rx[i], NM, &model), 0);
		cr_assert_float_eq(r[i].loss_db, model, 0.05, "%s", a_ports[i]);
		cr_assert_float_eq(r[i].margin_db, limits[i].high - model, 0.05);
		cr_assert_eq(r[i].verdict, i == 1 ? LC_VERDICT_FAIL : LC_VERDICT_PASS, "%s: %.3f dB", a_ports[i],
			     r[i].loss_db);
	}
	cr_assert_lt(r[1].margin_db, -1.0);
}

Test(sim_optical, swapped_legs_fail_mapping_and_are_named)
{
	start("[{\"type\": \"swapped\", \"ports\": [\"B2\", \"B3\"]}]", NULL);
	lc_launch l[4];
	lc_detector det[4];
	for (int i = 0; i < 4; i++) {
		l[i] = paths[i].launch;
		det[i] = paths[i].detect;
	}
	double m[16];
	int map[4], expected[4];
	lc_diag d = {0};
	cr_assert_eq(lc_map_measure(l, 4, det, 4, NM, -40, m, map, &d), 4, "%s", d.text);
	lc_channel *ch = NULL;
	cr_assert_eq(lc_channel_load("dr4-mpo12apc-4xlc", st.fixtures, &ch, &d), 0);
	cr_assert_eq(lc_map_expected(ch, a_ports, 4, b_rx, 4, expected, &d), 0, "%s", d.text);
	lc_channel_free(ch);
	cr_assert_eq(expected[1], 1);
	cr_assert_eq(map[1], 2);
	cr_assert_eq(map[2], 1);
	static const int group[] = {0, 1, 2, 3};
	static const char *const legs[] = {"B1", "B2", "B3", "B4"};
	lc_map_labels lab = {.in = a_ports, .out = b_rx, .out_group = group, .group = legs, .n_groups = 4};
	char buf[128];
	cr_assert_eq(lc_map_describe(map, expected, 4, 4, &lab, buf, sizeof(buf)), 2);
	cr_assert_str_eq(buf, "legs B2 and B3 swapped");
	cr_assert_eq(sim_lasers_on(&st), 0);
}

Test(sim_optical, good_cable_maps_as_expected)
{
	start("[]", NULL);
	lc_launch l[4];
	lc_detector det[4];
	for (int i = 0; i < 4; i++) {
		l[i] = paths[i].launch;
		det[i] = paths[i].detect;
	}
	double m[16];
	int map[4];
	lc_diag d = {0};
	cr_assert_eq(lc_map_measure(l, 4, det, 4, NM, -40, m, map, &d), 4, "%s", d.text);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(map[i], i);
}

Test(sim_optical, expired_reference_is_refused_without_light)
{
	start("[]", NULL);
	lc_reference ref;
	lc_diag d = {0};
	cr_assert_eq(sim_reference(&st, paths, a_ports, b_rx, 4, NM, &ref, &d), 0, "%s", d.text);
	ref.taken_unix -= 7200;
	lc_il_opts o;
	lc_il_opts_init(&o, NM);
	lc_loss r[4];
	cr_assert_eq(lc_il_measure(paths, 4, &ref, &o, r, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "expired"), "%s", d.text);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(r[i].verdict, LC_VERDICT_ERROR);
	cr_assert_eq(sim_lasers_on(&st), 0);
}

Test(sim_optical, meter_fault_ends_in_an_error_not_a_fail)
{
	/* The meter answers the 40 messages of opening it (each operation followed by its error check: the
	 * required query, attach, the two features' probes) and two more, then goes silent. */
	start("[]", "{\"stop_answering_after\": 42}");
	lc_loss r[4];
	lc_diag d = {0};
	int rc = measure(r, &d);
	cr_assert_lt(rc, 0, "a silent meter must be an error");
	cr_assert_neq(rc, LC_ERR_STATE);
	for (int i = 0; i < 4; i++)
		cr_assert_neq(r[i].verdict, LC_VERDICT_FAIL, "%s: a station fault is never the cable's fail", a_ports[i]);
	cr_assert_eq(r[3].verdict, LC_VERDICT_ERROR);
	cr_assert_eq(sim_lasers_on(&st), 0, "the laser is off after the fault");
}

/* The 8164B's RL module (slot 3) on input 2 of the launch matrix (switch1), whose input 1 is the source:
 * both reach A:1 through output 1 (fixtures/scenarios/stations/dr4-bench.json). */
static void rl_case(const char *defects, enum lc_verdict want, double *rl)
{
	start(defects, NULL);
	lc_channel *ch = NULL;
	lc_limits *lims = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_channel_load("dr4-mpo12apc-4xlc", st.fixtures, &ch, &d), 0);
	cr_assert_eq(lc_limits_load(st.fixtures, &lims, &d), 0);
	lc_limit_query q = {.quantity = LC_Q_RETURN_LOSS, .mode = lc_channel_mode(ch), .polish = LC_POLISH_APC};
	const lc_limit *lim = lc_limits_match(lims, &q);
	cr_assert_not_null(lim, "no return-loss row for SM APC");
	enum lc_inst_class cls;
	int channel;
	cr_assert_eq(lc_instrument_port_class(st.source, 3, &cls, &channel, &d), 0, "%s", d.text);
	cr_assert_eq(cls, LC_CLASS_RL_METER);
	lc_rl_port port = {.meter = st.source, .channel = channel, .sw = st.sw1, .sw_input = 2, .sw_output = 1,
			   .label = "A:1"};
	/* the source's input holds A:1 from an earlier launch: the measurement parks it and releases its own */
	cr_assert_eq(lc_switch_route(st.sw1, 1, 1, &d), 0, "%s", d.text);
	lc_rl_result r;
	cr_assert_eq(lc_rl_measure(&port, 1, NM, lim, 0, &r, &d), 0, "%s", d.text);
	cr_assert_eq(r.verdict, want, "RL %.2f dB against >= %.2f dB", r.rl_db, lim->low);
	cr_assert(r.rl_db < 69, "%.2f dB is the RL meter's floor, not a connector", r.rl_db);
	*rl = r.rl_db;
	int out = -1;
	cr_assert_eq(lc_switch_get_route(st.sw1, 1, &out, &d), 0, "%s", d.text);
	cr_assert_eq(out, 0, "the source's input was parked");
	cr_assert_eq(lc_switch_get_route(st.sw1, 2, &out, &d), 0, "%s", d.text);
	cr_assert_eq(out, 0, "the RL module's input is released");
	cr_assert_eq(sim_lasers_on(&st), 0, "the RL module's source is off");
	lc_limits_free(lims);
	lc_channel_free(ch);
}

Test(sim_optical, apc_connector_passes_return_loss)
{
	double rl;
	rl_case("[]", LC_VERDICT_PASS, &rl);
	cr_assert(rl > 60, "APC-APC at the MPO: %.2f dB", rl);
}

Test(sim_optical, apc_upc_mismatch_fails_return_loss)
{
	double rl;
	rl_case("[{\"type\": \"apc_upc_mate\", \"port\": \"A\"}]", LC_VERDICT_FAIL, &rl);
	cr_assert_lt(rl, 55);
}

/* The 8164B of the bench (layout 1:source, 2:sensor, 3:rl): each physical slot is its class's channel. */
Test(sim_optical, mainframe_ports_are_classes_by_layout)
{
	start("[]", NULL);
	lc_diag d = {0};
	enum lc_inst_class cls;
	int ch;
	cr_assert_eq(lc_instrument_port_class(st.source, 1, &cls, &ch, &d), 0);
	cr_assert(cls == LC_CLASS_SOURCE && ch == 1);
	cr_assert_eq(lc_instrument_port_class(st.source, 2, &cls, &ch, &d), 0);
	cr_assert(cls == LC_CLASS_POWER_METER && ch == 1);
	cr_assert_eq(lc_instrument_port_class(st.source, 3, &cls, &ch, &d), 0);
	cr_assert(cls == LC_CLASS_RL_METER && ch == 1);
	cr_assert_eq(lc_instrument_port_class(st.source, 301, &cls, &ch, &d), 0, "slot*100+1 is the first head");
	cr_assert(cls == LC_CLASS_RL_METER && ch == 1);
	cr_assert_eq(lc_instrument_port_class(st.source, 4, &cls, &ch, &d), LC_ERR_NOT_FOUND);
	cr_assert(strstr(d.text, "port 4") != NULL, "%s", d.text);
	cr_assert_eq(lc_instrument_port_class(st.source, 202, &cls, &ch, &d), LC_ERR_NOT_FOUND, "slot 2 has one head");
	/* a single-class instrument: the port is the channel of its class */
	cr_assert_eq(lc_instrument_port_class(st.meter, 2, &cls, &ch, &d), 0);
	cr_assert(cls == LC_CLASS_POWER_METER && ch == 2);
	cr_assert_eq(lc_instrument_port_class(st.sw1, 5, &cls, &ch, &d), 0);
	cr_assert(cls == LC_CLASS_SWITCH && ch == 5);
}

/* IL after the RL module left A:2's output held: the launch takes it back (parks input 2) and releases
 * input 1 when done. */
Test(sim_optical, launch_takes_an_output_the_rl_module_holds)
{
	start("[]", NULL);
	lc_diag d = {0};
	cr_assert_eq(lc_switch_route(st.sw1, 2, 2, &d), 0, "%s", d.text);
	lc_loss r[4];
	cr_assert_eq(measure(r, &d), 0, "%s", d.text);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(r[i].verdict, LC_VERDICT_PASS, "%s: %.3f dB", a_ports[i], r[i].loss_db);
	int out = -1;
	cr_assert_eq(lc_switch_get_route(st.sw1, 2, &out, &d), 0);
	cr_assert_eq(out, 0, "the RL module's input was parked");
	cr_assert_eq(lc_switch_get_route(st.sw1, 1, &out, &d), 0);
	cr_assert_eq(out, 0, "the source's input is released after the measurement");
}

Test(sim_optical, both_directions_where_the_station_is_wired)
{
	start("[{\"type\": \"dirty_connector\", \"port\": \"B3\", \"loss_db\": 2.5}]", NULL);
	/* B -> A: the legs' tx fibers through switch1 channels 5..8, arriving at MPO positions that switch3
	 * collects into meter channel 2, channels 1..4 = A:9..A:12 (fixtures/scenarios/stations/dr4-bench.json). */
	static const char *const b_tx[] = {"B1:tx", "B2:tx", "B3:tx", "B4:tx"};
	static const char *const a_rx[] = {"A:9", "A:10", "A:11", "A:12"};
	lc_channel *ch = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_channel_load("dr4-mpo12apc-4xlc", st.fixtures, &ch, &d), 0);
	int far[4];
	cr_assert_eq(lc_map_expected(ch, b_tx, 4, a_rx, 4, far, &d), 0, "%s", d.text);
	lc_channel_free(ch);
	lc_optical_path back[4];
	const char *to[4];
	for (int i = 0; i < 4; i++) {
		back[i] = (lc_optical_path){
			.launch = {.source = st.source, .source_output = 1, .sw = st.sw1, .sw_input = 1, .sw_output = 5 + i,
				   .label = b_tx[i]},
			.detect = {.meter = st.meter, .channel = 2, .sw = st.sw3, .sw_input = 1, .sw_output = 1 + far[i],
				   .label = a_rx[far[i]]},
			.label = b_tx[i],
		};
		to[i] = a_rx[far[i]];
	}
	lc_loss fwd[4], rev[4];
	cr_assert_eq(measure(fwd, &d), 0, "%s", d.text);
	lc_reference ref;
	cr_assert_eq(sim_reference(&st, back, b_tx, to, 4, NM, &ref, &d), 0, "%s", d.text);
	lc_il_opts o;
	lc_il_opts_init(&o, NM);
	o.limits = limit_ptrs; /* every fiber of this cable has the same budget (checked: one cable type, one chain) */
	cr_assert_eq(lc_il_measure(back, 4, &ref, &o, rev, &d), 0, "%s", d.text);
	for (int i = 0; i < 4; i++) {
		double model;
		cr_assert_eq(sim_dut_loss(&st, b_tx[i], to[i], NM, &model), 0);
		cr_assert_float_eq(rev[i].loss_db, model, 0.05, "%s -> %s", b_tx[i], to[i]);
		/* Leg B3 is dirty: its fibers fail in both directions, the others pass. */
		cr_assert_eq(rev[i].verdict, i == 2 ? LC_VERDICT_FAIL : LC_VERDICT_PASS, "%s: %.3f", b_tx[i], rev[i].loss_db);
		cr_assert_eq(fwd[i].verdict, i == 2 ? LC_VERDICT_FAIL : LC_VERDICT_PASS, "%s: %.3f", a_ports[i],
			     fwd[i].loss_db);
	}
	cr_assert_eq(sim_lasers_on(&st), 0);
}

Test(sim_optical, good_cable_at_1550_selects_the_upper_wavelength)
{
	start("[]", NULL);
	set_limits(1550);
	lc_loss r[4];
	lc_diag d = {0};
	cr_assert_eq(measure_at(1550, r, &d), 0, "%s", d.text);
	for (int i = 0; i < 4; i++) {
		double model;
		cr_assert_eq(sim_dut_loss(&st, a_ports[i], b_rx[i], 1550, &model), 0);
		cr_assert_eq(r[i].verdict, LC_VERDICT_PASS);
		cr_assert_float_eq(r[i].loss_db, model, 0.05, "%s at 1550 nm", a_ports[i]);
	}
	double nm = 0;
	cr_assert_eq(lc_source_get_wavelength(st.source, 1, &nm, &d), 0);
	cr_assert_float_eq(nm, 1550, 1e-9);
}
