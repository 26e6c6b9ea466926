/* The active-cable and field procedures against their good and faulty simulated cables. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/procedures/e2e_harness.h"

static lc_e2e e;

/* The simulator runs 50 times faster than real time: poll and settle in wall milliseconds to match. */
static lc_result *certify(const char *scenario, const char *procedure, const char *const *options)
{
	const char *all[8] = {"poll_ms=5", "settle_ms=50"};
	size_t n = 2;
	for (size_t i = 0; options && options[i] && n < 7; i++)
		all[n++] = options[i];
	lc_e2e_start(&e, scenario);
	/* the serial on the label: the module memories carry it (the station's module_serial_policy is stop) */
	return lc_e2e_run(&e, procedure, all, 1, lc_e2e_dut_serial(&e));
}

static void done(lc_result *r)
{
	lc_result_free(r);
	lc_e2e_stop(&e);
}

Test(e2e_lanes, aoc_good_passes_every_lane)
{
	lc_result *r = certify("aoc-400g-good", "aoc-400g", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "ber", LC_VERDICT_PASS), 0x1FEul, "8 lanes proven below the target");
	cr_expect_str_eq(lc_e2e_extra(r, "lane_map", "difference"), "as expected");
	done(r);
}

Test(e2e_lanes, aoc_high_ber_lane_fails_early_against_a_strict_target)
{
	static const char *const opts[] = {"target=1e-12", NULL};
	lc_result *r = certify("aoc-400g-high-ber", "aoc-400g", opts);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "ber", LC_VERDICT_FAIL), 1ul << 5, "lane 5 (1e-5) fails; the others pass");
	/* the ber step's sentence names the lane and its port */
	for (size_t i = 0; i < lc_result_step_count(r); i++) {
		const lc_result_step *s = lc_result_step_at(r, i);
		if (!strcmp(s->name, "ber"))
			cr_expect(s->error && !strncmp(s->error, "lane 5 (A:tx5): BER ", 20) && strstr(s->error, ", above the 1e-12 target"),
				  "ber step: %s", s->error ? s->error : "(none)");
	}
	done(r);
}

Test(e2e_lanes, aoc_over_temperature_fails_on_the_modules_own_alarm)
{
	lc_result *r = certify("aoc-400g-over-temperature", "aoc-400g", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	const char *why = lc_e2e_why(r);
	cr_expect_str_eq(why, "end B module at 78 \u00b0C, over its 75 \u00b0C limit", "the end, in the cable's labels");
	done(r);
}

Test(e2e_lanes, aoc_breakout_swapped_legs_are_named)
{
	lc_result *r = certify("aoc-breakout-swapped-legs", "breakout-aoc-400g-4x100g", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	const char *diff = lc_e2e_extra(r, "lane_map", "difference");
	cr_expect_str_eq(diff, "legs B2 and B3 swapped", "the legs, as the fiber map says them");
	done(r);
}

Test(e2e_lanes, dac_breakout_good_is_passive_copper_and_passes)
{
	lc_result *r = certify("dac-breakout-good", "breakout-dac-400g-4x100g", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_neq(lc_e2e_lanes(r, "ber", LC_VERDICT_PASS), 0ul);
	done(r);
}

Test(e2e_lanes, field_tier1_good_passes_and_dirty_fails_its_fiber)
{
	lc_result *r = certify("field-tier1-good", "field-tier1", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	done(r);
	r = certify("field-tier1-dirty", "field-tier1", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_neq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_FAIL), 0ul);
	cr_expect_neq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0ul, "the clean fibers pass");
	done(r);
}

Test(e2e_lanes, dac_breakout_high_ber_lane_fails_against_a_strict_target)
{
	static const char *const opts[] = {"target=1e-12", NULL};
	lc_result *r = certify("dac-breakout-high-ber", "breakout-dac-400g-4x100g", opts);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "ber", LC_VERDICT_FAIL), 1ul << 3, "lane 3 (leg B2, 3e-6) fails; the others pass");
	done(r);
}
