/*
 * The BER step, the drivers and the simulated BERTs together over loopback sockets. Instrument time is a
 * manual clock that the step's sleep hook advances by exactly one gate per poll, so every figure asserted
 * here (decision times, counts) is a value of the run, independent of the machine's speed.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <jansson.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "instruments/bert/ber_math.h"
#include "procedures/measure/ber_sequential.h"
#include "instruments/bert/bert.h"
#include "instruments/bert/lane_map.h"
#include "sim/net/endpoint.h"
#include "sim/inst/inst_anritsu_mp1900.h"

static _Atomic int64_t manual_us;
static atomic_bool racing; /* every reading of the clock moves it by one update period */
static lc_sim_scpi *push_to; /* engine that gets an error pushed at poll push_at */
static int poll_no, push_at;

static int64_t manual_now(void *user)
{
	(void)user;
	if (atomic_load(&racing))
		return atomic_fetch_add(&manual_us, 1000000) + 1000000;
	return atomic_load(&manual_us);
}

/* The step's and the lane mapper's "sleep": one gate (1 s) of instrument time, no wall time. */
static void step_clock(void *user, int64_t ms)
{
	(void)user;
	(void)ms;
	atomic_fetch_add(&manual_us, 1000000);
	if (push_to && ++poll_no == push_at)
		lc_sim_push_error(push_to, -222, "Data out of range;simulated fault");
}

struct rig {
	bool keysight;
	lc_sim_scpi *engine;
	void *state;
	lc_sim_endpoint *ep;
	lc_instrument *inst;
};

static void rig_start(struct rig *r, bool keysight, const lc_simb_truth *t)
{
	memset(r, 0, sizeof *r);
	atomic_store(&manual_us, 0);
	atomic_store(&racing, false);
	push_to = NULL;
	poll_no = push_at = 0;
	r->keysight = keysight;
	lc_sim_bert_opts o = {.lanes = t->lanes, .truth = t, .seed = 42, .scale = 1, .now_us = manual_now};
	lc_diag d;
	int rc = keysight ? lc_sim_m8040a_create(&o, &r->engine, &r->state, &d)
			  : lc_sim_mp1900_create(&o, &r->engine, &r->state, &d);
	cr_assert_eq(rc, 0, "%s", d.text);
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.port = 0;
	cr_assert_eq(lc_sim_socket_start(r->engine, &eo, &r->ep, &d), 0, "%s", d.text);
	char res[96], layout[512] = "";
	snprintf(res, sizeof res, "TCPIP0::127.0.0.1::%d::SOCKET", lc_sim_endpoint_port(r->ep));
	for (unsigned k = 1; k <= t->lanes; k++) {
		size_t len = strlen(layout);
		if (keysight)
			snprintf(layout + len, sizeof layout - len, "%sM1.DataOut%u>M1.DataIn%u", k > 1 ? "," : "", k, k);
		else
			snprintf(layout + len, sizeof layout - len, "%s1.1.%u>1.3.%u", k > 1 ? "," : "", k, k);
	}
	if (keysight)
		strcat(layout, ",group=Lanes");
	lc_instrument_opts io;
	lc_instrument_opts_init(&io);
	io.layout = layout;
	io.timeout_ms = 2000;
	cr_assert_eq(lc_instrument_open(res, &io, &r->inst, &d), 0, "%s", d.text);
}

static void rig_stop(struct rig *r)
{
	lc_instrument_close(r->inst);
	lc_sim_endpoint_stop(r->ep);
	lc_sim_scpi_destroy(r->engine);
	if (r->keysight)
		lc_sim_m8040a_free(r->state);
	else
		lc_sim_mp1900_free(r->state);
}

static void setup_nrz(struct rig *r, double rate)
{
	lc_diag d;
	cr_assert_eq(lc_bert_set_pattern(r->inst, LC_BERT_BOTH, 0, LC_BERT_PRBS31, false, &d), 0, "%s", d.text);
	cr_assert_eq(lc_bert_set_bit_rate(r->inst, rate, &d), 0, "%s", d.text);
	cr_assert_eq(lc_bert_set_output(r->inst, 0, true, &d), 0, "%s", d.text);
}

static int run(struct rig *r, const lc_ber_seq_config *c, unsigned n, lc_ber_lane *out, lc_diag *d)
{
	unsigned lanes[LC_BERT_LANES_MAX];
	for (unsigned i = 0; i < n; i++)
		lanes[i] = i + 1;
	lc_ber_seq_io io = {.poll_ms = 1, .sleep_ms = step_clock};
	return lc_ber_seq_run(r->inst, c, &io, lanes, n, out, d);
}

static lc_ber_seq_config nrz_cfg(double rate)
{
	lc_ber_seq_config c;
	lc_ber_seq_config_init(&c);
	c.target = 1e-12;
	c.cl = 0.95;
	c.max_time_s = 300;
	c.gate_s = 1;
	c.bit_rate = rate;
	return c;
}

/* Instrument time that moves on every look at the clock, as a loaded machine's wall clock moves by whole
 * update periods between the queries of a time-scaled simulator: one program message is answered at one
 * instant, so the driver's one-message reading is consistent at the first try and its counters are those
 * of its elapsed time (read as separate messages, or with the simulator reading the clock per query, the
 * elapsed time moved within every reading and five in a row failed). */

/* lc_instrument_snapshot's text, parsed (NULL on failure, diag set). */
static json_t *snapshot_json(lc_instrument *in, lc_diag *d)
{
	char *text = NULL;
	if (lc_instrument_snapshot(in, &text, d) < 0)
		return NULL;
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	cr_assert_not_null(j, "snapshot is not JSON: %s: %s", e.text, text);
	free(text);
	return j;
}

Test(bert_sim, anritsu_reading_is_one_instant_under_a_racing_clock)
{
	const double rate = 25.78125e9;
	lc_simb_truth t = {.lanes = 2, .map = {0, 1}, .ber = {1e-16, 1e-16}};
	struct rig r;
	rig_start(&r, false, &t);
	setup_nrz(&r, rate);
	lc_diag d;
	cr_assert_eq(lc_bert_start(r.inst, &d), 0, "%s", d.text);
	atomic_store(&racing, true);
	unsigned lanes[2] = {1, 2};
	lc_bert_reading rd[2];
	int rc = lc_bert_read(r.inst, lanes, 2, rd, &d);
	atomic_store(&racing, false);
	cr_assert_eq(rc, 2, "%s", d.text);
	for (int i = 0; i < 2; i++) {
		cr_expect(rd[i].has_result && rd[i].sync, "lane %d", i + 1);
		cr_expect_gt(rd[i].elapsed_s, 0.0, "lane %d", i + 1);
		cr_expect_eq(rd[i].bits, (uint64_t)llround(rd[i].elapsed_s) * (uint64_t)llround(rate),
			     "lane %d: %llu bits in %.0f s", i + 1, (unsigned long long)rd[i].bits, rd[i].elapsed_s);
	}
	cr_expect_gt(rd[1].elapsed_s, rd[0].elapsed_s, "the clock moved between the lanes' messages");
	cr_expect_eq(lc_bert_stop(r.inst, &d), 0, "%s", d.text);
	rig_stop(&r);
}

/* Clean lanes pass as soon as their bits reach -ln(1-CL)/target: within one gate of 116.2 s. */
Test(bert_sim, anritsu_clean_lanes_pass_at_minimum)
{
	const double rate = 25.78125e9;
	lc_simb_truth t = {.lanes = 4, .map = {0, 1, 2, 3}, .ber = {1e-16, 1e-16, 1e-16, 1e-16}};
	struct rig r;
	rig_start(&r, false, &t);
	setup_nrz(&r, rate);
	lc_ber_seq_config c = nrz_cfg(rate);
	lc_ber_lane out[4];
	lc_diag d;
	cr_assert_eq(run(&r, &c, 4, out, &d), 0, "%s", d.text);
	double need, t_min;
	cr_assert_eq(lc_ber_bits_needed(1e-12, 0.95, 0, &need, NULL), 0);
	t_min = need / rate;
	for (int i = 0; i < 4; i++) {
		cr_expect_eq(out[i].verdict, LC_VERDICT_PASS, "lane %d: %s", i + 1, out[i].detail);
		cr_expect_geq((double)out[i].bits, need);
		cr_expect_geq(out[i].decision_s, t_min);
		cr_expect_lt(out[i].decision_s - t_min, c.gate_s, "lane %d decided at %g s", i + 1, out[i].decision_s);
		cr_expect_float_eq(out[i].decision_s, 117.0, 1e-9);
		cr_expect_eq(out[i].errors, 0);
	}
	/* The client could not have its answer before the 117th period ended: the simulator accounts those
	 * 117 s as time it blocked the client, once for the four lanes gating together. */
	lc_sim_time_acc acc;
	lc_sim_scpi_time_spent(r.engine, &acc);
	cr_expect_float_eq(acc.sim_s, 117.0, 1e-9, "blocked %g s of instrument time", acc.sim_s);
	cr_expect_float_eq(acc.wall_s, 117.0, 1e-9, "at time scale 1");
	rig_stop(&r);
}

static int sleeps;

static void count_sleep(void *user, int64_t ms)
{
	(void)user;
	sleeps++;
	lc_sleep_ms(ms);
}

/* A lane-map round ends as soon as one ED lane syncs (the simulated EDs sync at once): no wait at all on a
 * good cable; only the dark lane's round waits for its bound, read every 10 ms. */
Test(bert_sim, lane_map_round_ends_at_sync)
{
	lc_simb_truth good = {.lanes = 4, .map = {0, 1, 2, 3}, .ber = {1e-16, 1e-16, 1e-16, 1e-16}};
	lc_simb_truth dark = {.lanes = 4, .map = {0, 1, 2, -1}, .ber = {1e-16, 1e-16, 1e-16, 1e-16}};
	const lc_simb_truth *truths[2] = {&good, &dark};
	for (int k = 0; k < 2; k++) {
		struct rig r;
		rig_start(&r, false, truths[k]);
		lc_diag d;
		cr_assert_eq(lc_bert_set_bit_rate(r.inst, 25.78125e9, &d), 0, "%s", d.text);
		lc_lane_map_config mc;
		lc_lane_map_config_init(&mc);
		mc.settle_ms = 40;
		mc.sleep_ms = count_sleep;
		lc_lane_obs obs;
		int map[4];
		sleeps = 0;
		int64_t t0 = lc_now_ms();
		lc_bert_map_lanes(r.inst, &mc, &obs, map, &d);
		int64_t took = lc_now_ms() - t0;
		cr_expect_eq(map[0], 0);
		cr_expect_eq(map[2], 2);
		if (k == 0) {
			cr_expect_eq(map[3], 3);
			cr_expect_eq(sleeps, 0, "a good cable's rounds end at their first reading, %d waits", sleeps);
		} else {
			/* the bound is wall time: on a loaded machine (ASan beside other tests) one read may take
			 * the whole 40 ms, so the number of waits is only bounded above; the round itself never
			 * ends before its bound */
			cr_expect_eq(map[3], LC_LANE_DARK);
			cr_expect(took >= 40, "the dark lane's round waits its 40 ms bound: %lld ms", (long long)took);
			cr_expect(sleeps <= 5, "the dark lane's round waits in 10 ms reads: %d waits", sleeps);
		}
		rig_stop(&r);
	}
}

/* A high-BER lane fails at the first gate with bounds around its BER; a dark lane never passes. */
Test(bert_sim, anritsu_bad_and_dark_lanes)
{
	const double rate = 25.78125e9;
	lc_simb_truth t = {.lanes = 4, .map = {0, 1, 2, -1}, .ber = {1e-16, 1e-9, 1e-16, 1e-16}};
	struct rig r;
	rig_start(&r, false, &t);
	setup_nrz(&r, rate);
	lc_ber_seq_config c = nrz_cfg(rate);
	c.sync_timeout_s = 5;
	lc_ber_lane out[4];
	lc_diag d;
	cr_assert_eq(run(&r, &c, 4, out, &d), 0, "%s", d.text);
	cr_expect_eq(out[1].verdict, LC_VERDICT_FAIL, "%s", out[1].detail);
	cr_expect_float_eq(out[1].decision_s, 1.0, 1e-9);
	cr_expect_gt(out[1].lower, 1e-12);
	cr_expect_lt(out[1].lower, 1e-9);
	cr_expect_gt(out[1].upper, 1e-9);
	cr_expect_eq(out[1].bits, (uint64_t)rate);
	cr_expect_eq(out[3].verdict, LC_VERDICT_INCONCLUSIVE, "%s", out[3].detail);
	cr_expect_eq(out[3].reason, LC_BER_REASON_NO_SYNC);
	cr_expect_float_eq(out[3].decision_s, 5.0, 1e-9);
	cr_expect_eq(out[0].verdict, LC_VERDICT_PASS);
	cr_expect_eq(out[2].verdict, LC_VERDICT_PASS);
	rig_stop(&r);
}

/* An error-queue entry in the middle of the run ends every undecided lane in error. */
Test(bert_sim, anritsu_instrument_error_is_error)
{
	const double rate = 25.78125e9;
	lc_simb_truth t = {.lanes = 2, .map = {0, 1}, .ber = {1e-16, 1e-9}};
	struct rig r;
	rig_start(&r, false, &t);
	setup_nrz(&r, rate);
	push_to = r.engine;
	push_at = 3;
	lc_ber_seq_config c = nrz_cfg(rate);
	lc_ber_lane out[2];
	lc_diag d;
	cr_expect_eq(run(&r, &c, 2, out, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "-222") != NULL, "%s", d.text);
	cr_expect_eq(out[0].verdict, LC_VERDICT_ERROR);
	cr_expect_eq(out[0].reason, LC_BER_REASON_INSTRUMENT);
	cr_expect_eq(out[1].verdict, LC_VERDICT_FAIL, "decided at the first gate, before the fault");
	rig_stop(&r);
}

/* Lanes 2 and 3 swapped in the cable: the map by patterns names them. */
Test(bert_sim, anritsu_swapped_lanes_named)
{
	lc_simb_truth t = {.lanes = 4, .map = {0, 2, 1, 3}, .ber = {1e-16, 1e-16, 1e-16, 1e-16}};
	struct rig r;
	rig_start(&r, false, &t);
	lc_diag d;
	cr_assert_eq(lc_bert_set_bit_rate(r.inst, 25.78125e9, &d), 0, "%s", d.text);
	lc_lane_map_config mc;
	lc_lane_map_config_init(&mc);
	mc.settle_ms = 0;
	mc.sleep_ms = step_clock;
	lc_lane_obs obs;
	int map[4];
	cr_assert_eq(lc_bert_map_lanes(r.inst, &mc, &obs, map, &d), 0, "%s", d.text);
	cr_expect_arr_eq(map, t.map, sizeof map);
	const int expected[4] = {0, 1, 2, 3};
	char text[128];
	cr_expect_eq(lc_lane_map_diff(expected, map, 4, NULL, 0, text, sizeof text), 1);
	cr_expect_str_eq(text, "lanes 2 and 3 swapped");
	/* outputs cannot be switched per lane on this model */
	mc.method = LC_LANE_MAP_BY_ENABLE;
	cr_expect_eq(lc_bert_map_lanes(r.inst, &mc, &obs, map, &d), LC_ERR_UNSUPPORTED);
	rig_stop(&r);
}

/* Keysight: PAM4 at 53.125 Gb/s per lane through the 'Lanes' group; map by enabling one output at a time. */
Test(bert_sim, keysight_pam4_pass_and_map)
{
	const double rate = 53.125e9;
	lc_simb_truth t = {.lanes = 4, .map = {1, 0, 2, 3}, .ber = {1e-16, 1e-16, 1e-16, 1e-16}};
	struct rig r;
	rig_start(&r, true, &t);
	lc_diag d;
	cr_assert_eq(lc_bert_set_pattern(r.inst, LC_BERT_BOTH, 0, LC_BERT_PRBS31Q, false, &d), 0, "%s", d.text);
	cr_assert_eq(lc_bert_set_bit_rate(r.inst, rate, &d), 0, "%s", d.text);
	lc_lane_map_config mc;
	lc_lane_map_config_init(&mc);
	mc.method = LC_LANE_MAP_BY_ENABLE;
	mc.marker = LC_BERT_PRBS31Q;
	/* The M8040A documents no sync status: a lane syncs in the driver's eyes once a period has compared
	 * bits, so a round reads, finds none, lets a period pass (step_clock) and reads again. */
	mc.settle_ms = 10;
	mc.sleep_ms = step_clock;
	lc_lane_obs obs;
	int map[4];
	cr_assert_eq(lc_bert_map_lanes(r.inst, &mc, &obs, map, &d), 0, "%s", d.text);
	cr_expect_arr_eq(map, t.map, sizeof map);
	const int expected[4] = {0, 1, 2, 3};
	char text[128];
	lc_lane_map_diff(expected, map, 4, NULL, 0, text, sizeof text);
	cr_expect_str_eq(text, "lanes 1 and 2 swapped");

	cr_assert_eq(lc_bert_set_output(r.inst, 0, true, &d), 0, "%s", d.text);
	lc_ber_seq_config c = nrz_cfg(rate);
	lc_ber_lane out[4];
	cr_assert_eq(run(&r, &c, 4, out, &d), 0, "%s", d.text);
	double need;
	cr_assert_eq(lc_ber_bits_needed(1e-12, 0.95, 0, &need, NULL), 0);
	for (int i = 0; i < 4; i++) {
		cr_expect_eq(out[i].verdict, LC_VERDICT_PASS, "lane %d: %s", i + 1, out[i].detail);
		cr_expect_geq((double)out[i].bits, need);
		cr_expect_lt(out[i].decision_s - need / rate, c.gate_s, "lane %d at %g s", i + 1, out[i].decision_s);
	}
	cr_expect_eq(lc_bert_set_output(r.inst, 0, false, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_output(r.inst, 0, false, &d), 0, "idempotent: %s", d.text);
	rig_stop(&r);
}

/* Pre-FEC target (KP4 RS(544,514)): 2.4e-4. A 1e-6 lane passes and a 1e-3 lane fails at the first gate. */
Test(bert_sim, keysight_pre_fec_target)
{
	const double rate = 53.125e9;
	lc_simb_truth t = {.lanes = 3, .map = {0, 1, 2}, .ber = {1e-6, 1e-3, 1e-16}};
	struct rig r;
	rig_start(&r, true, &t);
	lc_diag d;
	cr_assert_eq(lc_bert_set_pattern(r.inst, LC_BERT_BOTH, 0, LC_BERT_PRBS31Q, false, &d), 0, "%s", d.text);
	cr_assert_eq(lc_bert_set_bit_rate(r.inst, rate, &d), 0, "%s", d.text);
	cr_assert_eq(lc_bert_set_output(r.inst, 0, true, &d), 0, "%s", d.text);
	lc_ber_seq_config c = nrz_cfg(rate);
	c.target = 2.4e-4;
	lc_ber_lane out[3];
	cr_assert_eq(run(&r, &c, 3, out, &d), 0, "%s", d.text);
	cr_expect_eq(out[0].verdict, LC_VERDICT_PASS, "%s", out[0].detail);
	cr_expect_eq(out[1].verdict, LC_VERDICT_FAIL, "%s", out[1].detail);
	cr_expect_eq(out[2].verdict, LC_VERDICT_PASS, "%s", out[2].detail);
	for (int i = 0; i < 3; i++) {
		cr_expect_float_eq(out[i].decision_s, 1.0, 1e-9, "lane %d", i + 1);
		cr_expect_eq(out[i].bits, (uint64_t)rate);
	}
	/* the counts of a pre-FEC lane are large: the bounds hug the estimate */
	cr_expect_float_eq(out[1].estimate, 1e-3, 1e-5);
	cr_expect_gt(out[1].lower, 0.99e-3);
	cr_expect_lt(out[1].upper, 1.01e-3);
	rig_stop(&r);
}

/* `lanecert probe`: the snapshot lists the layout and the counters as they stand. */
Test(bert_sim, snapshot)
{
	lc_simb_truth t = {.lanes = 2, .map = {0, 1}, .ber = {1e-16, 1e-16}};
	struct rig r;
	rig_start(&r, false, &t);
	lc_diag d;
	json_t *snap = snapshot_json(r.inst, &d);
	cr_assert_not_null(snap, "%s", d.text);
	json_t *b = json_object_get(snap, "bert");
	cr_assert(json_is_object(b), "%s", json_dumps(snap, 0));
	cr_expect_eq(json_integer_value(json_object_get(b, "lanes")), 2);
	json_t *l2 = json_array_get(json_object_get(b, "layout"), 1);
	cr_expect_str_eq(json_string_value(json_object_get(l2, "ppg")), "1.1.2");
	cr_expect_str_eq(json_string_value(json_object_get(l2, "ed")), "1.3.2");
	json_t *r1 = json_array_get(json_object_get(b, "readings"), 0);
	cr_expect(json_is_false(json_object_get(r1, "has_result")), "never started: no result");
	cr_expect(json_is_null(json_object_get(r1, "ber")));
	json_decref(snap);
	rig_stop(&r);
}
