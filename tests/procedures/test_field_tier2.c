/*
 * Field Tier 2 (procedures/field-tier2.lua, ctx:otdr) end to end: the simulated AQ7260 behind switch1 and a
 * 150 m launch cord (fixtures/scenarios/stations/field-tier2-bench.json) traces each fiber of an installed
 * 50 m MPO-12 APC trunk; lanecert analyses the instrument's SOR file and judges length, loss and events.
 *
 * What the figures follow from (docs/simulator.md, domain-facts §2, §6): the trunk's budget at 1310 nm is
 * two reference-standard mated pairs (0.50 dB each) and 50 m of OS2 (0.40 dB/km): 1.02 dB. A good cable
 * shows each mated pair at ~35 % of its limit (0.175 dB) and the simulated OTDR's fiber falls at the
 * Rayleigh 0.33 dB/km. Without a receive cord the far connector ends the trace, so the OTDR's link loss is
 * the first connection plus the fiber: 0.175 + 0.0165 dB.
 *
 * Also the root cause of the tier-2 failures on its own: a finely sampled trace (0.1 m points, an 11-point
 * 10 ns pulse) whose APC connector's reflection (-65 dB: a 2.9 dB peak, under the -55 dB threshold) and
 * receiver recovery outlast the gap between the detection fits.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/budget.h"
#include "instruments/otdr/otdr_analysis.h"
#include "sim/world/otdr_synth.h"
#include "formats/sor.h"
#include "tests/procedures/e2e_harness.h"

#define LANES 12
#define LAUNCH_M 150.0
#define LINK_M 50.0
#define BREAK_M 31.5        /* field-tier2-break: A:7, from end A */
#define TYPICAL_PAIR 0.35   /* a good mated pair's share of its limit (world_dut.c) */
#define RAYLEIGH_DB_KM 0.33 /* the simulated OTDR's fiber at 1310 nm (otdr_sim.c) */

/* The budget of the path that starts at A:lane, and its first mated pair's limit. */
static void budget_of(const lc_e2e *e, int lane, lc_budget *b, double *pair_limit)
{
	char port[16];
	size_t mi;
	lc_diag d;
	snprintf(port, sizeof(port), "A:%d", lane);
	cr_assert_geq(lc_channel_route(e->channel, port, &mi), 0);
	cr_assert_eq(lc_channel_path_budget(e->channel, e->limits, mi, 1310, b, &d), 0, "%s", d.text);
	*pair_limit = NAN;
	for (size_t i = 0; i < b->count && isnan(*pair_limit); i++)
		if (b->items[i].kind == LC_BUDGET_MATED_PAIR)
			*pair_limit = b->items[i].each;
	cr_assert(isfinite(*pair_limit));
}

/* The measurements `name` of one lane. */
static size_t lane_measurements(const lc_result *r, const char *name, int lane, const lc_result_measurement **out,
				size_t *idx, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (m->lane == lane && strcmp(m->name, name) == 0 && n < cap) {
			idx[n] = i;
			out[n++] = m;
		}
	}
	return n;
}

static const lc_result_extra *extra(const lc_result *r, size_t i, const char *key)
{
	for (size_t k = 0; k < lc_result_extra_count(r, i); k++)
		if (strcmp(lc_result_extra_at(r, i, k)->key, key) == 0)
			return lc_result_extra_at(r, i, k);
	return NULL;
}

/* Every fiber of a good link: length, loss and its one event (the launch cord's connection) as the model
 * says, with the margins that follow from the budget. */
static void expect_good_lane(const lc_e2e *e, const lc_result *r, int lane)
{
	lc_budget b;
	double pair;
	budget_of(e, lane, &b, &pair);
	cr_assert_float_eq(b.total_db, 1.02, 1e-9);
	const lc_result_measurement *m[8];
	size_t idx[8];

	cr_assert_eq(lane_measurements(r, "fiber_length", lane, m, idx, 8), 1);
	cr_expect_eq(m[0]->verdict, LC_VERDICT_PASS);
	/* the end is where the trace leaves the backscatter: within a pulse length (1 m) of the design */
	cr_expect_float_eq(m[0]->value, LINK_M, 1.0, "A:%d length %.2f m", lane, m[0]->value);
	cr_expect_float_eq(m[0]->margin, LINK_M * 0.05 + 2.0 - fabs(m[0]->value - LINK_M), 1e-6);

	cr_assert_eq(lane_measurements(r, "otdr_loss", lane, m, idx, 8), 1);
	double expect = TYPICAL_PAIR * pair + LINK_M / 1000.0 * RAYLEIGH_DB_KM;
	cr_expect_eq(m[0]->verdict, LC_VERDICT_PASS);
	cr_expect_float_eq(m[0]->value, expect, 0.03, "A:%d loss %.3f dB, model %.3f dB", lane, m[0]->value, expect);
	cr_expect_float_eq(m[0]->margin, b.total_db - m[0]->value, 1e-9);
	cr_expect_float_eq(m[0]->margin, b.total_db - expect, 0.03, "A:%d margin %.3f dB", lane, m[0]->margin);

	/* the same cable as a power meter sees it (the world's typical loss of the whole fiber, with its
	 * +-0.04 dB per-fiber spread): the OTDR's link loss plus the far connection it cannot see */
	char from[16];
	snprintf(from, sizeof(from), "A:%d", lane);
	int to = lc_channel_route(e->channel, from, NULL);
	cr_assert_geq(to, 0);
	double pm;
	cr_assert_eq(lc_sim_world_dut_loss(lc_sim_runner_world(e->runner), from,
					   lc_channel_port(e->channel, (size_t)to)->name, 1310, &pm), 0);
	cr_expect_float_eq(m[0]->value + TYPICAL_PAIR * pair, pm, 0.05, "A:%d OTDR %.3f + far pair vs meter %.3f dB",
			   lane, m[0]->value, pm);

	/* one event: the launch cord's connection to the link, judged as the reference-standard pair it is;
	 * nothing else (no spurious events) */
	size_t n = lane_measurements(r, "event_loss", lane, m, idx, 8);
	cr_assert_eq(n, 1, "A:%d: %zu events", lane, n);
	cr_expect_eq(m[0]->verdict, LC_VERDICT_PASS);
	cr_expect_float_eq(m[0]->value, TYPICAL_PAIR * pair, 0.03, "A:%d connector %.3f dB", lane, m[0]->value);
	cr_expect_float_eq(m[0]->limit.high, pair, 1e-9);
	const lc_result_extra *x = extra(r, idx[0], "design_event");
	cr_expect(x && x->is_string && !strcmp(x->string, "connector"));
	x = extra(r, idx[0], "limit_id");
	cr_expect(x && !strcmp(x->string, "tia.mated_pair.reference-standard"), "%s", x ? x->string : "none");
	x = extra(r, idx[0], "position_m");
	cr_expect(x && !x->is_string && fabs(x->number) <= 1.0, "at %.2f m", x ? x->number : NAN);
	/* an APC pair at -65 dB stays under the -55 dB reflectance threshold */
	cr_expect_eq(lane_measurements(r, "reflectance", lane, m, idx, 8), 0);
}

/* The SOR file of every fiber is in the result, parses, and decodes to what the simulator synthesized:
 * 20000 points 0.1 m apart over the 2 km range, the backscatter falling at the Rayleigh slope. */
static void expect_sor_files(const lc_result *r, int broken_lane)
{
	int seen = 0;
	for (size_t i = 0; i < lc_result_raw_count(r); i++) {
		const lc_result_raw *raw = lc_result_raw_at(r, i);
		int lane;
		if (strcmp(raw->kind, "sor") != 0 || sscanf(raw->name, "otdr-A-%d-1310nm.sor", &lane) != 1)
			continue;
		seen |= 1 << lane;
		cr_assert_not_null(raw->data);
		lc_sor *sor;
		lc_diag d;
		cr_assert_eq(lc_sor_read(raw->data, raw->size, &sor, &d), 0, "%s: %s", raw->name, d.text);
		cr_expect_str_eq(sor->sup.supplier, "YOKOGAWA");
		cr_expect_eq(sor->n_points, 20000);
		cr_expect_float_eq(lc_sor_point_spacing_m(sor), 0.1, 1e-4);
		cr_expect_eq(sor->fxd.pulse_width_ns[0], 10);
		double *y;
		cr_assert_eq(lc_sor_trace_db(sor, &y), 20000);
		/* 20 m to 140 m, inside the launch cord: the means of 10 m (100 points) at either end, since the
		 * trace carries the receiver's ripple (0.005 dB, correlated over a pulse length: 0.03 dB/km rms on
		 * this slope, 3 sigma allowed) */
		double m0 = 0, m1 = 0;
		for (int j = 0; j < 100; j++)
			m0 += y[150 + j] / 100, m1 += y[1350 + j] / 100;
		double slope = (m0 - m1) / 0.120;
		cr_expect_float_eq(slope, RAYLEIGH_DB_KM, 0.1, "%s: %.3f dB/km", raw->name, slope);
		free(y);
		lc_otdr_config cfg;
		lc_otdr_config_init(&cfg);
		cfg.launch_m = LAUNCH_M;
		lc_otdr_analysis *a;
		cr_assert_eq(lc_otdr_analyze_sor(sor, &cfg, &a, &d), 0, "%s", d.text);
		double end = LAUNCH_M + (lane == broken_lane ? BREAK_M : LINK_M);
		cr_expect(a->end_found);
		cr_expect_float_eq(a->fiber_length_m, end, 1.0, "%s ends at %.2f m", raw->name, a->fiber_length_m);
		/* the section's LS slope over some 150 m of a trace whose backscatter carries the receiver's 0.005 dB
		 * ripple: known to a few hundredths of a dB/km (3 sigma allowed) */
		cr_expect_float_eq(a->attenuation_db_km, RAYLEIGH_DB_KM, 0.08, "%s: %.3f dB/km", raw->name, a->attenuation_db_km);
		lc_otdr_analysis_free(a);
		lc_sor_free(sor);
	}
	cr_expect_eq(seen, 0x1ffe, "SOR files of lanes %#x", seen);
}

Test(field_tier2, good_link_passes_with_the_models_margins, .timeout = 120)
{
	lc_e2e e;
	lc_e2e_start(&e, "field-tier2-good");
	lc_result *r = lc_e2e_run(&e, "field-tier2", NULL, 1, "SITE-LINK-0003");
	/* Tier 2 = Tier 1 + OTDR: the bench's source and meter measure polarity and loss, then the OTDR traces. */
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "%s", lc_e2e_why(r));
	cr_assert_eq(lc_result_step_count(r), 2);
	cr_expect_eq(lc_result_step_verdict(r, 0), LC_VERDICT_PASS, "tier1");
	cr_expect_eq(lc_result_step_verdict(r, 1), LC_VERDICT_PASS, "otdr");
	int maps = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		maps += !strcmp(m->name, "fiber_map") && m->verdict == LC_VERDICT_PASS && m->value == 0;
	}
	cr_expect_eq(maps, 1, "the polarity was measured: %d fiber maps without a wrong fiber", maps);
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0x1ffeul, "Tier 1 loss of every fiber");
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_FAIL), 0ul);
	for (int lane = 1; lane <= LANES; lane++)
		expect_good_lane(&e, r, lane);
	expect_sor_files(r, 0);
	/* Each plotted trace spans its own link: from inside the launch cord (x < 0: metres from the link's start,
	 * the events' axis) to a margin past the fiber end, not the OTDR's whole range. */
	size_t traces = 0;
	for (size_t k = 0; k < lc_result_series_count(r); k++) {
		const lc_result_series *ser = lc_result_series_at(r, k);
		if (strcmp(ser->kind, "otdr_trace") != 0)
			continue;
		traces++;
		double len = NAN;
		for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
			const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
			if (!strcmp(m->name, "fiber_length") && m->lane == ser->lane)
				len = m->value;
		}
		cr_assert(isfinite(len) && ser->n > 100, "lane %d", ser->lane);
		double margin = len * 0.15 > 20 ? len * 0.15 : 20;
		cr_expect_leq(ser->x[0], 0.0, "lane %d starts at %.1f m", ser->lane, ser->x[0]);
		cr_expect(ser->x[ser->n - 1] >= len && ser->x[ser->n - 1] <= len + margin + 5,
			  "lane %d: trace to %.1f m for a %.1f m fiber", ser->lane, ser->x[ser->n - 1], len);
	}
	cr_expect_gt(traces, 0);
	lc_result_free(r);
	lc_e2e_stop(&e);
}

Test(field_tier2, break_fails_lane_7_only_at_its_position, .timeout = 120)
{
	lc_e2e e;
	lc_e2e_start(&e, "field-tier2-break");
	lc_result *r = lc_e2e_run(&e, "field-tier2", NULL, 1, "SITE-LINK-0004");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "%s", lc_e2e_why(r));
	/* Tier 1 sees no light through fiber 7, and measures the others */
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0x1ffeul & ~(1ul << 7));
	cr_expect_eq(lc_e2e_lanes(r, "fiber_length", LC_VERDICT_FAIL), 1ul << 7);
	cr_expect_eq(lc_e2e_lanes(r, "fiber_length", LC_VERDICT_PASS), 0x1ffeul & ~(1ul << 7));
	/* the loss up to the break is within the budget: the length is what fails */
	cr_expect_eq(lc_e2e_lanes(r, "otdr_loss", LC_VERDICT_PASS), 0x1ffeul);
	const char *why = NULL;
	for (size_t i = 0; i < lc_result_step_count(r); i++)
		if (!strcmp(lc_result_step_at(r, i)->name, "otdr"))
			why = lc_result_step_at(r, i)->error;
	cr_assert_not_null(why);
	double at = NAN, of = NAN;
	cr_assert_eq(sscanf(why, "fiber at A:7 ends at %lf m of %lf m: broken", &at, &of), 2, "%s", why);
	cr_expect_float_eq(at, BREAK_M, 1.0, "%s", why);
	cr_expect_float_eq(of, LINK_M, 1e-9);
	/* the OTDR's place of the break is the run's reason: it explains why Tier 1 saw A:7 dark */
	cr_expect_str_eq(lc_result_reason(r), why);
	for (int lane = 1; lane <= LANES; lane++)
		if (lane != 7)
			expect_good_lane(&e, r, lane);
	expect_sor_files(r, 7);
	lc_result_free(r);
	lc_e2e_stop(&e);
}

/* The analysis alone on the trace that broke it: 150 m launch cord, a 0.175 dB APC connection at -65 dB,
 * 50 m of link, the far APC connector as the end; 2 km over 20000 points. */
Test(field_tier2, analysis_of_a_finely_sampled_link)
{
	lc_otdr_synth p;
	lc_otdr_synth_init(&p);
	p.n = 20000;
	p.dx_m = 0.1;
	p.averages = 10000;
	const lc_otdr_synth_event ev[] = {
		{LAUNCH_M, 0.175, -65, false},
		{LAUNCH_M + LINK_M, 0.175, -65, false},
		{LAUNCH_M + LINK_M, 0, NAN, true},
	};
	double *y = malloc(p.n * sizeof(double));
	cr_assert_eq(lc_otdr_synth_trace(&p, ev, 3, y), 0);
	lc_otdr_trace t = {y, p.n, p.dx_m, 0, 10, 1.468};
	lc_otdr_config cfg;
	lc_otdr_config_init(&cfg);
	cfg.backscatter_db = -79.5;
	lc_otdr_analysis *a;
	lc_diag d;
	/* without the launch cord: the launch settles past its recovery tail (front panel at -45 dB) and the
	 * end is found; the 0.175 dB connection is under both thresholds and is not an event */
	cr_assert_eq(lc_otdr_analyze(&t, &cfg, &a, &d), 0, "%s", d.text);
	cr_expect_float_eq(a->events[0].reflectance_db, -45.0, 1.0);
	cr_expect(a->events[0].atten_dead_zone_m > 1.0 && a->events[0].atten_dead_zone_m < 8.0, "ADZ %.2f m",
		  a->events[0].atten_dead_zone_m);
	cr_expect(a->end_found);
	cr_expect_float_eq(a->fiber_length_m, LAUNCH_M + LINK_M, 1.0);
	/* the section's LS slope, from the launch zone to the end: the 0.175 dB connection is not an event, so
	 * its step lies inside the section and tilts the line (by 0.13 dB/km over these 195 m, as it would an
	 * instrument's section attenuation) */
	cr_expect_float_eq(a->attenuation_db_km, 0.33, 0.2, "%.3f dB/km", a->attenuation_db_km);
	cr_expect_eq(a->launch_event, -1);
	cr_expect(isnan(a->link_loss_db));
	lc_otdr_analysis_free(a);
	/* with a larger connection loss it is an event of its own, found through its sub-threshold peak */
	lc_otdr_synth_event ev2[3];
	memcpy(ev2, ev, sizeof(ev));
	ev2[0].loss_db = 0.4;
	cr_assert_eq(lc_otdr_synth_trace(&p, ev2, 3, y), 0);
	cr_assert_eq(lc_otdr_analyze(&t, &cfg, &a, &d), 0, "%s", d.text);
	cr_assert_eq(a->n_events, 3, "%zu events", a->n_events);
	cr_expect_eq(a->events[1].type, LC_OTDR_EVENT_NONREFLECTIVE);
	cr_expect_float_eq(a->events[1].position_m, LAUNCH_M, 1.0);
	cr_expect_float_eq(a->events[1].loss_db, 0.4, 0.02);
	cr_expect_float_eq(a->total_loss_db, 0.4 + 0.2 * 0.33, 0.03, "total %.3f", a->total_loss_db);
	lc_otdr_analysis_free(a);
	/* launch compensation: the connection is reported whatever its size, the link's loss counts from it */
	cfg.launch_m = LAUNCH_M;
	cr_assert_eq(lc_otdr_synth_trace(&p, ev, 3, y), 0);
	cr_assert_eq(lc_otdr_analyze(&t, &cfg, &a, &d), 0, "%s", d.text);
	cr_assert_eq(a->n_events, 3, "%zu events", a->n_events);
	cr_expect_eq(a->launch_event, 1);
	cr_expect_float_eq(a->events[1].position_m, LAUNCH_M, 1.0);
	cr_expect_float_eq(a->events[1].loss_db, 0.175, 0.02, "connection %.3f dB", a->events[1].loss_db);
	cr_expect_float_eq(a->link_loss_db, 0.175 + 0.05 * 0.33, 0.02, "link %.3f dB", a->link_loss_db);
	cr_expect_eq(a->events[2].type, LC_OTDR_EVENT_END);
	lc_otdr_analysis_free(a);
	free(y);
}

/* Issue 19: lane skew from the traces' fiber lengths. The good link's fibers are of one length: a skew of
 * a fraction of a ns, judged against the UNCONFIRMED default row (the trunk has no PMD). A fiber 20 m longer
 * fails its length and gives 20 m x 1.468 / c = 97.9 ns of skew, over the 79 ns limit. */
static const lc_result_measurement *skew_of(const lc_result *r, size_t *idx)
{
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (!strcmp(m->name, "lane_skew")) {
			*idx = i;
			return m;
		}
	}
	return NULL;
}

Test(field_tier2, lane_skew_from_the_fiber_lengths, .timeout = 120)
{
	lc_e2e e;
	lc_e2e_start(&e, "field-tier2-good");
	lc_result *r = lc_e2e_run(&e, "field-tier2", NULL, 1, "SITE-LINK-0003");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "%s", lc_e2e_why(r));
	size_t i = 0;
	const lc_result_measurement *m = skew_of(r, &i);
	cr_assert_not_null(m);
	cr_expect_eq(m->verdict, LC_VERDICT_PASS);
	cr_expect_lt(m->value, 5.0, "one length: %.2f ns", m->value);
	cr_expect_float_eq(m->limit.high, 79.0, 1e-9);
	cr_expect_str_eq(lc_e2e_extra(r, "lane_skew", "limit_status"), "unconfirmed");
	lc_result_free(r);
	lc_e2e_stop(&e);

	lc_e2e_start(&e, "field-tier2-long-fiber");
	r = lc_e2e_run(&e, "field-tier2", NULL, 1, "SITE-LINK-0005");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "%s", lc_e2e_why(r));
	m = skew_of(r, &i);
	cr_assert_not_null(m);
	cr_expect_eq(m->verdict, LC_VERDICT_FAIL);
	cr_expect_float_eq(m->value, 20.0 * 1.468 / 299792458.0 * 1e9, 3.0, "%.1f ns", m->value);
	cr_expect_str_eq(lc_e2e_extra(r, "lane_skew", "longest"), "A:3");
	const char *f = lc_e2e_extra(r, "lane_skew", "finding");
	cr_expect(!strncmp(f, "lane skew ", 10) && strstr(f, " ns over the 79 ns limit (UNCONFIRMED): A:3 is "), "%s", f);
	lc_result_free(r);
	lc_e2e_stop(&e);
}
