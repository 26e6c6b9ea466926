/*
 * The simulated MP1900A on the simulator's world, built from the project's scenarios: lane BER and lane map
 * come from the DUT instance (defects included). Verdicts and maps are asserted, never times: instrument time
 * runs compressed on the wall clock here, and every assertion holds whichever gate a poll lands on.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procedures/measure/ber_sequential.h"
#include "instruments/bert/bert.h"
#include "instruments/bert/lane_map.h"
#include "sim/net/endpoint.h"
#include "sim/inst/inst_kind.h"
#include "sim/world/scenario.h"
#include "sim/sim_clock.h"

struct wrig {
	lc_sim_scenario *sc;
	lc_sim_world *world;
	lc_sim_clock *clock;
	const lc_sim_inst_kind *kind;
	lc_sim_scpi *engine;
	void *state;
	lc_sim_endpoint *ep;
	lc_instrument *inst;
	int lanes;
	int truth[LC_BERT_LANES_MAX];
};

static void wrig_start(struct wrig *r, const char *scenario)
{
	memset(r, 0, sizeof *r);
	char fx[1024];
	const char *src = getenv("LC_SOURCE_DIR");
	cr_assert_not_null(src);
	snprintf(fx, sizeof fx, "%s/fixtures", src);
	lc_diag d;
	cr_assert_eq(lc_sim_scenario_load(scenario, fx, &r->sc, &d), 0, "%s", d.text);
	cr_assert_eq(lc_sim_world_create(r->sc, &r->world, &d), 0, "%s", d.text);
	/* 20x: an update period is 50 ms of wall time, long beside one lane's read (eight queries) */
	cr_assert_eq(lc_sim_clock_create(20.0, &r->clock), 0);
	r->kind = lc_sim_kind_find("anritsu_mp1900a");
	cr_assert_not_null(r->kind);
	cr_expect_str_eq(r->kind->instrument_class, "bert");
	lc_sim_inst_config cfg = {.role = "bert", .serial = "SIMBERT1", .world = r->world, .clock = r->clock,
				  .where = scenario};
	cr_assert_eq(r->kind->create(&cfg, &r->engine, &r->state, &d), 0, "%s", d.text);
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.port = 0;
	cr_assert_eq(lc_sim_socket_start(r->engine, &eo, &r->ep, &d), 0, "%s", d.text);
	r->lanes = lc_sim_world_lane_map(r->world, r->truth, LC_BERT_LANES_MAX);
	cr_assert_gt(r->lanes, 0);
	char res[96], layout[512] = "";
	snprintf(res, sizeof res, "TCPIP0::127.0.0.1::%d::SOCKET", lc_sim_endpoint_port(r->ep));
	for (int k = 1; k <= r->lanes; k++) {
		size_t len = strlen(layout);
		snprintf(layout + len, sizeof layout - len, "%s1.1.%d>1.3.%d", k > 1 ? "," : "", k, k);
	}
	lc_instrument_opts io;
	lc_instrument_opts_init(&io);
	io.layout = layout;
	cr_assert_eq(lc_instrument_open(res, &io, &r->inst, &d), 0, "%s", d.text);
}

static void wrig_stop(struct wrig *r)
{
	lc_instrument_close(r->inst);
	lc_sim_endpoint_stop(r->ep);
	lc_sim_scpi_destroy(r->engine);
	r->kind->destroy(r->state);
	lc_sim_clock_destroy(r->clock);
	lc_sim_world_destroy(r->world);
	lc_sim_scenario_free(r->sc);
}

/* aoc-400g-high-ber: Tx lane 5 runs at BER 1e-5 (below the pre-FEC 2.4e-4), so the step is judged against
 * 1e-9: that lane fails with bounds around 1e-5 while the clean lanes pass. */
Test(bert_sim_world, high_ber_lane_from_the_dut_defect)
{
	struct wrig r;
	wrig_start(&r, "aoc-400g-high-ber");
	cr_assert_eq(r.lanes, 8);
	lc_diag d;
	cr_assert_eq(lc_bert_set_pattern(r.inst, LC_BERT_BOTH, 0, LC_BERT_PRBS31, false, &d), 0, "%s", d.text);
	cr_assert_eq(lc_bert_set_bit_rate(r.inst, 53.125e9, &d), 0, "%s", d.text);
	cr_assert_eq(lc_bert_set_output(r.inst, 0, true, &d), 0, "%s", d.text);
	lc_ber_seq_config c;
	lc_ber_seq_config_init(&c);
	c.target = 1e-9;
	c.max_time_s = 60;
	c.bit_rate = 53.125e9;
	lc_ber_seq_io io = {.poll_ms = 1, .wall_timeout_ms = 20000};
	unsigned lanes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	lc_ber_lane out[8];
	cr_assert_eq(lc_ber_seq_run(r.inst, &c, &io, lanes, 8, out, &d), 0, "%s", d.text);
	/* the defect is on Tx lane 5; it arrives at ED lane map(5) */
	int bad = r.truth[4];
	cr_assert_geq(bad, 0);
	for (int e = 0; e < 8; e++) {
		if (e == bad) {
			cr_expect_eq(out[e].verdict, LC_VERDICT_FAIL, "ED lane %d: %s", e + 1, out[e].detail);
			cr_expect_gt(out[e].lower, 1e-9);
			/* ~1e6 errors: the bounds sit within 0.2 % of the estimate, so 1 % around the true BER
			 * is ten standard deviations whichever gate the decision fell on */
			cr_expect_lt(out[e].lower, 1.01e-5, "%s", out[e].detail);
			cr_expect_gt(out[e].upper, 0.99e-5, "%s", out[e].detail);
		} else {
			cr_expect_eq(out[e].verdict, LC_VERDICT_PASS, "ED lane %d: %s", e + 1, out[e].detail);
		}
	}
	lc_bert_set_output(r.inst, 0, false, NULL);
	wrig_stop(&r);
}

/* aoc-breakout-swapped-legs: the BERT's lane map equals the DUT's, and differs from a straight cable. */
Test(bert_sim_world, swapped_legs_are_named)
{
	struct wrig r;
	wrig_start(&r, "aoc-breakout-swapped-legs");
	lc_diag d;
	cr_assert_eq(lc_bert_set_bit_rate(r.inst, 25.78125e9, &d), 0, "%s", d.text);
	lc_lane_map_config mc;
	lc_lane_map_config_init(&mc);
	mc.settle_ms = 2;
	lc_lane_obs obs;
	int map[LC_BERT_LANES_MAX];
	int bad = lc_bert_map_lanes(r.inst, &mc, &obs, map, &d);
	cr_assert_geq(bad, 0, "%s", d.text);
	for (int i = 0; i < r.lanes; i++)
		cr_expect_eq(map[i], r.truth[i], "PPG lane %d: measured ED %d, world %d", i + 1, map[i], r.truth[i]);
	int straight[LC_BERT_LANES_MAX];
	for (int i = 0; i < r.lanes; i++)
		straight[i] = i;
	char text[256];
	int n = lc_lane_map_diff(straight, map, (unsigned)r.lanes, NULL, 0, text, sizeof text);
	cr_expect_gt(n, 0, "%s", text);
	cr_expect(strstr(text, "swapped") != NULL, "%s", text);
	cr_log_info("swapped legs: %s", text);
	wrig_stop(&r);
}
