/* Module power through the BER soak from several bench supplies (issue 19): the 400G -> 4 x 100G AOC breakout
 * has five ends, more than one dual-output supply feeds, so its station wires three ('supply', 'supply2',
 * 'supply3'); and the supply roles' station faults. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "procedures/instrument_set.h"
#include "procedures/module_soak.h"
#include "sim/scpi/scpi_engine.h"
#include "sim/world/scenario.h"
#include "tests/procedures/e2e_harness.h"

static lc_e2e e;
static const char *const fast[] = {"poll_ms=5", "settle_ms=50", NULL};

static void done(lc_result *r)
{
	lc_result_free(r);
	lc_e2e_stop(&e);
}

/* One end's soak_power: its value, limit, verdict, the supply role and output that fed it. */
typedef struct {
	size_t n; /* how many soak_power measurements name this end */
	double w, limit;
	enum lc_verdict verdict;
	char supply[32];
	double output;
	const char *finding;
} end_power;

static end_power power_of(const lc_result *r, const char *end)
{
	end_power p = {.w = NAN, .limit = NAN, .output = NAN};
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "soak_power"))
			continue;
		const char *fed = lc_e2e_extra_at(r, i, "end");
		if (!fed || strcmp(fed, end))
			continue;
		p.n++;
		p.w = m->value;
		p.limit = m->limit.high;
		p.verdict = m->verdict;
		const char *supply = lc_e2e_extra_at(r, i, "supply");
		if (supply)
			snprintf(p.supply, sizeof(p.supply), "%s", supply);
		p.output = lc_e2e_number_at(r, i, "supply_output");
		p.finding = lc_e2e_extra_at(r, i, "finding");
	}
	return p;
}

static size_t soak_power_count(const lc_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++)
		n += !strcmp(lc_result_measurement_at(r, i, NULL)->name, "soak_power");
	return n;
}

static const char *const ends[] = {"A", "B1", "B2", "B3", "B4"};
static const char *const fed_by[] = {"supply", "supply", "supply2", "supply2", "supply3"};
static const int output_of[] = {1, 2, 1, 2, 1};

/* Every end of the breakout is fed by some supply output and sampled through the soak: five soak_power, each
 * 7.5 W with traffic on, judged against the 10 W each module declares, each naming the output that fed it. */
Test(e2e_supply, breakout_every_end_measured_from_three_supplies)
{
	lc_e2e_start(&e, "aoc-breakout-supply-good");
	lc_result *r = lc_e2e_run(&e, "breakout-aoc-400g-4x100g", fast, 1, lc_e2e_dut_serial(&e));
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(soak_power_count(r), 5ul, "one per end");
	for (size_t i = 0; i < 5; i++) {
		end_power p = power_of(r, ends[i]);
		cr_expect_eq(p.n, 1ul, "end %s", ends[i]);
		cr_expect_float_eq(p.w, 7.5, 1e-6, "end %s: %g W", ends[i], p.w);
		cr_expect_float_eq(p.limit, 10.0, 1e-9, "end %s: the declared maximum", ends[i]);
		cr_expect_eq(p.verdict, LC_VERDICT_PASS, "end %s", ends[i]);
		cr_expect_str_eq(p.supply, fed_by[i], "end %s", ends[i]);
		cr_expect_float_eq(p.output, output_of[i], 1e-9, "end %s", ends[i]);
	}
	done(r);
}

/* One leg drawing 11.6 W under traffic (over its declared 10 W) fails on that leg alone; the legs fed by the
 * same supply and the others keep their 7.5 W passes. */
Test(e2e_supply, breakout_leg_over_draw_fails_that_leg)
{
	lc_e2e_start(&e, "aoc-breakout-supply-over-draw");
	lc_result *r = lc_e2e_run(&e, "breakout-aoc-400g-4x100g", fast, 1, lc_e2e_dut_serial(&e));
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r),
			 "end B3 module draws 11.6 W with traffic on (0 s into the BER soak), over its declared 10.00 W");
	cr_expect_eq(soak_power_count(r), 5ul);
	for (size_t i = 0; i < 5; i++) {
		end_power p = power_of(r, ends[i]);
		bool bad = !strcmp(ends[i], "B3");
		cr_expect_float_eq(p.w, bad ? 11.6 : 7.5, 1e-6, "end %s: %g W", ends[i], p.w);
		cr_expect_eq(p.verdict, bad ? LC_VERDICT_FAIL : LC_VERDICT_PASS, "end %s", ends[i]);
		cr_expect_str_eq(p.supply, fed_by[i], "end %s", ends[i]);
	}
	cr_expect_str_eq(power_of(r, "B3").finding ? power_of(r, "B3").finding : "",
			 "end B3 module draws 11.6 W with traffic on (0 s into the BER soak), over its declared 10.00 W");
	done(r);
}

/* The second supply garbling a reading mid-soak is a station fault as the first's is: the step ends in error
 * naming that supply and end, after the BER results are kept. */
Test(e2e_supply, second_supply_garbled_mid_soak_is_a_station_error)
{
	lc_e2e_start(&e, "aoc-breakout-supply-good");
	lc_sim_scpi *eng = lc_sim_runner_engine(e.runner, "supply2");
	cr_assert(eng);
	/* counted from here: each sample of an end is OUTP?, INST:NSEL, MEAS:VOLT?, MEAS:CURR?, each followed by
	 * the driver's *STB? check; supply2 feeds B2 and B3, so 17 is B2's OUTP? at the soak's second sample */
	lc_sim_faults f = {.garbage_at = 17, .garbage = "x?"};
	lc_sim_scpi_set_faults(eng, &f);
	lc_result *r = lc_e2e_run(&e, "breakout-aoc-400g-4x100g", fast, 1, lc_e2e_dut_serial(&e));
	uint64_t n[LC_SIM_FAULT_KINDS];
	lc_sim_scpi_fault_counts(eng, n);
	cr_expect_eq(n[LC_SIM_FAULT_GARBAGE], 1u, "the garbage fault fired");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "why: %s", lc_e2e_why(r));
	cr_expect(strstr(lc_e2e_why(r), "supply2 E3648A: end B2 at ") && strstr(lc_e2e_why(r), "s into the BER soak: OUTP?"),
		  "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "ber", LC_VERDICT_PASS), 0x1FEul, "the BER results are kept");
	cr_expect_eq(soak_power_count(r), 5ul, "what was read before the fault is on the record");
	done(r);
}

static lc_station_instrument *station_role(lc_sim_scenario *sc, const char *role)
{
	for (size_t i = 0; i < sc->station->n_instruments; i++)
		if (!strcmp(sc->station->instruments[i].role, role))
			return &sc->station->instruments[i];
	return NULL;
}

/* Two outputs feeding one end: refused when the station is checked (before anything opens), naming both;
 * and, through the run API that skips that check, the BER step refuses it before the pattern starts. */
Test(e2e_supply, an_end_fed_by_two_supplies_is_refused)
{
	lc_sim_scenario *sc = NULL;
	lc_diag d;
	cr_assert_eq(lc_sim_scenario_load("aoc-breakout-supply-good", NULL, &sc, &d), 0, "%s", d.text);
	lc_station_instrument *s3 = station_role(sc, "supply3");
	cr_assert(s3);
	cr_expect_eq(lc_instrument_set_check(sc->station, &d), 0, "the scenario's own station: %s", d.text);
	snprintf(s3->layout, sizeof(s3->layout), "1:B4,2:B3");
	cr_expect_eq(lc_instrument_set_check(sc->station, &d), LC_ERR_FORMAT);
	cr_expect_str_eq(d.text, "instrument 'supply3': output 2 feeds end B3, which 'supply2' output 2 already feeds (a "
				 "module has one supply)");
	lc_e2e_start_with(&e, sc, 50, true);
	lc_result *r = lc_e2e_run(&e, "breakout-aoc-400g-4x100g", fast, 1, lc_e2e_dut_serial(&e));
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "why: %s", lc_e2e_why(r));
	cr_expect(strstr(lc_e2e_why(r), "end B3 is fed by both supply2 output 2 and supply3 output 2: a module has one "
				       "supply"),
		  "why: %s", lc_e2e_why(r));
	cr_expect_eq(soak_power_count(r), 0ul, "nothing sampled");
	done(r);
}

/* A station instrument in a supply role that is not a supply (here a power meter): the BER step stops in
 * error before its pattern, saying so, and claims no soak_power. */
Test(e2e_supply, a_supply_role_that_is_not_a_supply_is_a_station_error)
{
	lc_sim_scenario *sc = NULL;
	lc_diag d;
	cr_assert_eq(lc_sim_scenario_load("aoc-400g-supply-good", NULL, &sc, &d), 0, "%s", d.text);
	lc_station_instrument *si = station_role(sc, "supply");
	cr_assert(si);
	si->driver[0] = 0;
	si->layout[0] = 0;
	for (size_t i = 0; i < sc->n_insts; i++)
		if (!strcmp(sc->insts[i].role, "supply"))
			snprintf(sc->insts[i].kind, sizeof(sc->insts[i].kind), "keysight_n7744c");
	lc_e2e_start_with(&e, sc, 50, true);
	cr_assert_eq(e.open_rc, 0, "the meter opens: %s", e.open_diag.text);
	lc_result *r = lc_e2e_run(&e, "aoc-400g", fast, 1, lc_e2e_dut_serial(&e));
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "why: %s", lc_e2e_why(r));
	cr_expect(strstr(lc_e2e_why(r), "the station's 'supply' is not an opened power supply"), "why: %s",
		  lc_e2e_why(r));
	cr_expect_eq(soak_power_count(r), 0ul);
	done(r);
}

/* The role convention the soak reads by default. */
Test(supply_roles, names)
{
	static const char *const yes[] = {"supply", "supply2", "supply3", "supply10", NULL};
	static const char *const no[] = {"supply1", "supply0", "supply02", "supplyB", "supply2x", "psu", "", NULL};
	for (size_t i = 0; yes[i]; i++)
		cr_expect(lc_soak_supply_role(yes[i]), "%s", yes[i]);
	for (size_t i = 0; no[i]; i++)
		cr_expect(!lc_soak_supply_role(no[i]), "%s", no[i]);
	cr_expect(!lc_soak_supply_role(NULL));
}
