/* Every optical procedure against its good and faulty simulated cables: the right verdict, on the right lane,
 * for the right reason. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/procedures/e2e_harness.h"

static lc_e2e e;

static lc_result *certify(const char *scenario, const char *procedure)
{
	lc_e2e_start(&e, scenario);
	return lc_e2e_run(&e, procedure, NULL, 1, "E2E-1");
}

static void done(lc_result *r)
{
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0, "every laser off at the end");
	lc_result_free(r);
	lc_e2e_stop(&e);
}

Test(e2e, dr4_good_passes_with_margin)
{
	lc_result *r = certify("dr4-breakout-good", "breakout-dr4-4x100g");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0x1FEul, "8 fibers pass IL");
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "insertion_loss") == 0)
			cr_expect(m->value > 0.1 && m->value < 0.6 && m->margin > 0.4, "lane %d: %.3f dB, margin %.3f",
				  m->lane, m->value, m->margin);
	}
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "difference"), "as expected");
	done(r);
}

Test(e2e, dr4_dirty_leg_fails_il_on_that_leg_only)
{
	lc_result *r = certify("dr4-breakout-dirty-leg", "breakout-dr4-4x100g");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "verdict %s: %s", lc_verdict_name(lc_result_verdict(r)), lc_e2e_why(r));
	/* Leg B3 carries lane 3 (A:3 -> B3:rx) and lane 6 (B3:tx -> A:10). */
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_FAIL), (1ul << 3) | (1ul << 6));
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0x1FEul & ~((1ul << 3) | (1ul << 6)));
	done(r);
}

Test(e2e, dr4_swapped_legs_fail_the_map_and_are_named)
{
	lc_result *r = certify("dr4-breakout-swapped-legs", "breakout-dr4-4x100g");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "verdict %s: %s", lc_verdict_name(lc_result_verdict(r)), lc_e2e_why(r));
	const char *diff = lc_e2e_extra(r, "fiber_map", "difference");
	cr_expect_str_eq(diff, "legs B1 and B2 swapped");
	/* The swapped legs' losses were read on ports their fibers do not reach: not measured, never IL fails. */
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_FAIL), 0ul);
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_INCONCLUSIVE), 0x186ul, "lanes 1, 2, 7, 8");
	cr_expect_str_eq(lc_result_reason(r), "fiber map: legs B1 and B2 swapped");
	done(r);
}

Test(e2e, sr8_good_passes_at_850_and_1300)
{
	lc_result *r = certify("sr8-breakout-good", "breakout-sr8-8x50g");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	size_t n850 = 0, n1300 = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "insertion_loss") == 0) {
			n850 += m->wavelength_nm == 850;
			n1300 += m->wavelength_nm == 1300;
		}
	}
	cr_expect_eq(n850, 16);
	cr_expect_eq(n1300, 16);
	done(r);
}

Test(e2e, sr8_broken_fiber_fails_and_names_it)
{
	lc_result *r = certify("sr8-breakout-broken-fiber", "breakout-sr8-8x50g");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "verdict %s: %s", lc_verdict_name(lc_result_verdict(r)), lc_e2e_why(r));
	const char *diff = lc_e2e_extra(r, "fiber_map", "difference");
	cr_expect(strstr(diff, "A:5 dark") != NULL, "difference: %s", diff);
	done(r);
}

Test(e2e, cassette_good_passes_and_dirty_fails_its_lane)
{
	lc_result *r = certify("cassette-mpo-lc-good", "mpo-lc-module");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	done(r);
	r = certify("cassette-mpo-lc-dirty", "mpo-lc-module");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "verdict %s: %s", lc_verdict_name(lc_result_verdict(r)), lc_e2e_why(r));
	cr_expect_neq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_FAIL), 0ul);
	cr_expect_neq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0ul, "the clean fibers pass");
	done(r);
}

Test(e2e, trunk_of_the_wrong_polarity_type_is_named)
{
	lc_result *r = certify("mpo-trunk-good", "mpo-trunk");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	done(r);
	r = certify("mpo-trunk-wrong-polarity", "mpo-trunk");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "verdict %s: %s", lc_verdict_name(lc_result_verdict(r)), lc_e2e_why(r));
	const char *diff = lc_e2e_extra(r, "fiber_map", "difference");
	cr_expect(strstr(diff, "Type A trunk where Type B expected") != NULL, "difference: %s", diff);
	done(r);
}

Test(e2e, dr4_good_passes_with_meter_and_mainframe_over_hislip)
{
	lc_e2e_start(&e, "dr4-breakout-hislip");
	int hislip = 0;
	for (size_t i = 0; i < lc_sim_runner_count(e.runner); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(e.runner, i, &in) == 0 && strstr(in.resource, "::hislip0"))
			hislip += !strcmp(in.role, "meter") || !strcmp(in.role, "source");
	}
	cr_assert_eq(hislip, 2, "meter and source served over HiSLIP");
	lc_result *r = lc_e2e_run(&e, "breakout-dr4-4x100g", NULL, 1, "E2E-1");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0x1FEul, "8 fibers pass IL");
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "difference"), "as expected");
	done(r);
}
