/* Issue 19: the installed 400G DR4 -> 4 x 100G DR1 link with its transceivers (procedures/link-dr4-4xdr1.lua)
 * against its simulated good and faulty links. Every judgement comes from the five modules' memories. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "instruments/module/module.h"
#include "tests/procedures/e2e_harness.h"

static lc_e2e e;

/* procedure on scenario; accuracy: NULL = the UNCONFIRMED default rows (3 dB per monitor), else the run
 * option's value */
static lc_result *certify_with(const char *procedure, const char *scenario, const char *accuracy)
{
	char acc[48];
	/* the modules' PRBS soaked 50 ms each way: a clean 106.25 Gb/s lane proves 2.4e-4 after 12 500 bits */
	const char *opts[6] = {"settle_ms=0", "prbs_soak=0.05", "prbs_settle_ms=0", NULL, NULL, NULL};
	if (accuracy) {
		snprintf(acc, sizeof(acc), "dom_accuracy_db=%s", accuracy);
		opts[3] = acc;
	}
	lc_e2e_start(&e, scenario);
	return lc_e2e_run(&e, procedure, opts, 1, lc_e2e_dut_serial(&e));
}

static lc_result *certify(const char *scenario, const char *accuracy)
{
	return certify_with("link-dr4-4xdr1", scenario, accuracy);
}

static void done(lc_result *r)
{
	lc_result_free(r);
	lc_e2e_stop(&e);
}

/* How many measurements called name have verdict v. */
static size_t count(const lc_result *r, const char *name, enum lc_verdict v)
{
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (!strcmp(m->name, name) && m->verdict == v)
			n++;
	}
	return n;
}

/* The aggregated verdict of step name (LC_VERDICT_NONE when the run has no such step). */
static enum lc_verdict step_verdict(const lc_result *r, const char *name)
{
	for (size_t i = 0; i < lc_result_step_count(r); i++)
		if (!strcmp(lc_result_step_at(r, i)->name, name))
			return lc_result_step_verdict(r, i);
	return LC_VERDICT_NONE;
}

/* A good link: five right parts, every lane where it belongs; with the default monitor accuracy (3 dB each,
 * UNCONFIRMED) a loss from DOM cannot prove the harness budget, so the run is inconclusive, never pass. */
Test(e2e_link, good_link_is_inconclusive_on_dom_accuracy)
{
	lc_result *r = certify("dr4-link-good", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "module_part", LC_VERDICT_PASS), 5ul, "the DR4 and four DR1s are the designed parts");
	cr_expect_eq(count(r, "link_compatibility", LC_VERDICT_PASS), 4ul);
	cr_expect_eq(count(r, "lane_to_leg", LC_VERDICT_PASS), 4ul);
	cr_expect_eq(count(r, "leg_to_lane", LC_VERDICT_PASS), 4ul);
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_INCONCLUSIVE), 8ul, "both directions of 4 lanes");
	cr_expect_eq(count(r, "tx_power", LC_VERDICT_PASS), 8ul, "4 DR4 lanes + 4 DR1 lanes, nothing unused judged");
	cr_expect_eq(count(r, "rx_power", LC_VERDICT_PASS), 8ul);
	cr_expect_str_eq(lc_e2e_extra(r, "lane_to_leg", "difference"), "as expected");
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 8ul, "BER through the modules, 4 lanes both ways");
	cr_expect_str_eq(lc_e2e_why(r), "loss from DOM on 8 lanes cannot be decided within the monitors' \u00b16.0 dB "
					"(up to 0.4 dB against a 1.50 dB budget): measure with a power meter");
	done(r);
}

/* The same link with modules calibrated to 0.25 dB: the loss from DOM now proves the budget. */
Test(e2e_link, good_link_passes_with_calibrated_monitors)
{
	lc_result *r = certify("dr4-link-good", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 8ul);
	done(r);
}

Test(e2e_link, swapped_legs_are_named_by_tx_disable)
{
	lc_result *r = certify("dr4-link-swapped-legs", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "lane map: legs B2 and B3 swapped");
	cr_expect_eq(count(r, "lane_to_leg", LC_VERDICT_FAIL), 2ul);
	cr_expect_eq(count(r, "leg_to_lane", LC_VERDICT_FAIL), 2ul);
	/* the loss follows the light where it really goes: every lane within its budget */
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 8ul);
	done(r);
}

Test(e2e_link, dirty_leg_fails_its_two_fibers_only)
{
	lc_result *r = certify("dr4-link-dirty-leg", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "loss from DOM: leg B3: over its budget in both directions \u2014 its connector "
					"dirty or damaged");
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_FAIL), 2ul, "leg B3, both directions");
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 6ul);
	done(r);
}

/* With the default monitor accuracy the same 3 dB cannot be told from the monitors' error: inconclusive. */
Test(e2e_link, dirty_leg_is_inconclusive_within_dom_accuracy)
{
	lc_result *r = certify("dr4-link-dirty-leg", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_FAIL), 0ul);
	done(r);
}

Test(e2e_link, fr1_where_a_dr1_belongs_is_a_wrong_part)
{
	lc_result *r = certify("dr4-link-fr1-leg", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "wrong part: end B3 holds 100G-FR/100GBASE-FR1 where the link is designed for "
					"100GBASE-DR (xcvr-100g-dr) (the same wavelength band: the part is wrong, not "
					"the wavelength)");
	cr_expect_eq(count(r, "module_part", LC_VERDICT_FAIL), 1ul);
	/* the FR1 links with the DR4 (same lane, same band): compatible, just not the designed part */
	cr_expect_eq(count(r, "link_compatibility", LC_VERDICT_PASS), 4ul);
	cr_expect_eq(step_verdict(r, "parts"), LC_VERDICT_FAIL);
	cr_expect_eq(step_verdict(r, "lane-map"), LC_VERDICT_PASS, "the FR1 is on the right leg");
	/* this link's DR1s are SFF-8636 QSFP28s: no CMIS diagnostics pages, so no BER through them */
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_INCONCLUSIVE), 8ul);
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 0ul);
	cr_expect_eq(step_verdict(r, "ber-through-modules"), LC_VERDICT_INCONCLUSIVE);
	done(r);
}

Test(e2e_link, upc_in_the_apc_path_is_named_at_the_shared_mpo)
{
	lc_result *r = certify("dr4-link-upc-in-apc", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_FAIL), 8ul);
	cr_expect_str_eq(lc_e2e_why(r), "every lane over its budget both ways (+1.9 dB on average): the shared MPO "
					"connection \u2014 a UPC connector in the APC path (reflection and loss) or a dirty "
					"MPO; measure its return loss");
	done(r);
}

/* ---- BER through the modules (their own PRBS generators and checkers, CMIS pages 13h/14h) ---- */

Test(e2e_link, ber_through_the_modules_passes_on_a_good_link)
{
	lc_result *r = certify("dr4-link-ber-good", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 8ul, "4 lanes, both directions");
	cr_expect_eq(step_verdict(r, "ber-through-modules"), LC_VERDICT_PASS);
	cr_expect_str_eq(lc_e2e_extra(r, "module_ber", "pattern"), "PRBS31Q");
	cr_expect_str_eq(lc_e2e_extra(r, "module_ber", "reason"), "proven below target");
	lc_e2e_assert_prbs_off(&e, 4);
	done(r);
}

Test(e2e_link, ber_through_a_dirty_leg_fails_that_leg_both_ways)
{
	lc_result *r = certify("dr4-link-ber-dirty-leg", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_FAIL), 2ul, "A->B2 and B2->A");
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 6ul);
	const char *why = lc_e2e_why(r);
	const char *want = "BER through the modules above 0.00024: A->B2 lane 2: BER > 0.00024 at 95 %: lower bound ";
	cr_expect_eq(strncmp(why, want, strlen(want)), 0, "why: %s", why);
	cr_expect_eq(step_verdict(r, "loss-from-dom"), LC_VERDICT_PASS, "the leg's loss is in budget: only BER finds it");
	lc_e2e_assert_prbs_off(&e, 4);
	done(r);
}

Test(e2e_link, ber_without_a_checker_is_not_measured)
{
	lc_result *r = certify("dr4-link-ber-no-prbs", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_INCONCLUSIVE), 2ul, "leg B3 both ways");
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 6ul);
	cr_expect_str_eq(lc_e2e_why(r), "BER through the modules not measured on 2 lanes: end B3's module has no CMIS "
					"diagnostics pages (no PRBS generator or checker)");
	lc_e2e_assert_prbs_off(&e, 4);
	done(r);
}

/* ---- 800G DR8 -> 8 x 100G DR1 (procedures/link-dr8-8xdr1.lua): nine modules, the ninth (leg B8) behind the
 * second I2C mux at 0x71, so every fault on B8 also proves the driver releases the first mux's channel. */

static lc_result *certify_dr8(const char *scenario, const char *accuracy)
{
	return certify_with("link-dr8-8xdr1", scenario, accuracy);
}

Test(e2e_link, dr8_good_link_is_inconclusive_on_dom_accuracy)
{
	lc_result *r = certify_dr8("dr8-link-good", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "module_part", LC_VERDICT_PASS), 9ul, "the DR8 and eight DR1s are the designed parts");
	cr_expect_eq(count(r, "link_compatibility", LC_VERDICT_PASS), 8ul);
	cr_expect_eq(count(r, "lane_to_leg", LC_VERDICT_PASS), 8ul);
	cr_expect_eq(count(r, "leg_to_lane", LC_VERDICT_PASS), 8ul);
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_INCONCLUSIVE), 16ul, "both directions of 8 lanes");
	cr_expect_eq(count(r, "tx_power", LC_VERDICT_PASS), 16ul, "8 DR8 lanes + 8 DR1 lanes");
	cr_expect_str_eq(lc_e2e_extra(r, "module_part", "interface"), "800GBASE-DR8", "SMF code 0x56 in the DR8's memory");
	cr_expect_str_eq(lc_e2e_extra(r, "lane_to_leg", "difference"), "as expected");
	cr_expect_str_eq(lc_e2e_why(r), "loss from DOM on 16 lanes cannot be decided within the monitors' \u00b16.0 dB "
					"(up to 0.4 dB against a 1.50 dB budget): measure with a power meter");
	done(r);
}

Test(e2e_link, dr8_good_link_passes_with_calibrated_monitors)
{
	lc_result *r = certify_dr8("dr8-link-good", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 16ul);
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 16ul, "BER through the modules: 8 lanes both ways");
	done(r);
}

Test(e2e_link, dr8_swapped_legs_across_the_two_muxes_are_named)
{
	lc_result *r = certify_dr8("dr8-link-swapped-legs", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "lane map: legs B7 and B8 swapped");
	cr_expect_eq(count(r, "lane_to_leg", LC_VERDICT_FAIL), 2ul);
	cr_expect_eq(count(r, "leg_to_lane", LC_VERDICT_FAIL), 2ul);
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 16ul, "the loss follows the light where it goes");
	done(r);
}

Test(e2e_link, dr8_dirty_leg_on_the_second_mux_fails_its_two_fibers_only)
{
	lc_result *r = certify_dr8("dr8-link-dirty-leg", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "loss from DOM: leg B8: over its budget in both directions \u2014 its connector "
					"dirty or damaged");
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_FAIL), 2ul, "leg B8, both directions");
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 14ul);
	done(r);
}

/* 100GBASE-FR1 and 100GBASE-DR share the 1310 nm band (compat_media.def: 1311 and 1310 nm), so an FR1 on a
 * DR1's leg is a wrong part, not a wrong wavelength, and the sentence says so. */
Test(e2e_link, dr8_fr1_where_a_dr1_belongs_is_a_wrong_part)
{
	lc_result *r = certify_dr8("dr8-link-fr1-leg", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "wrong part: end B5 holds 100G-FR/100GBASE-FR1 where the link is designed for "
					"100GBASE-DR (xcvr-100g-dr) (the same wavelength band: the part is wrong, not "
					"the wavelength)");
	cr_expect_eq(count(r, "module_part", LC_VERDICT_FAIL), 1ul);
	cr_expect_eq(count(r, "link_compatibility", LC_VERDICT_PASS), 8ul);
	cr_expect_eq(step_verdict(r, "lane-map"), LC_VERDICT_PASS, "the FR1 is on the right leg");
	done(r);
}

Test(e2e_link, dr8_upc_in_the_apc_path_is_named_at_the_shared_mpo)
{
	lc_result *r = certify_dr8("dr8-link-upc-in-apc", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_FAIL), 16ul);
	cr_expect_str_eq(lc_e2e_why(r), "every lane over its budget both ways (+1.9 dB on average): the shared MPO "
					"connection \u2014 a UPC connector in the APC path (reflection and loss) or a dirty "
					"MPO; measure its return loss");
	done(r);
}


/* ---- 800G 2 x DR4 -> 2 x 400G DR4 (procedures/link-800g-2xdr4.lua): three modules, each leg's DR4 carrying
 * four of the 800G module's eight lanes (lanes 1-4 to B1, 5-8 to B2). */

static lc_result *certify_2xdr4(const char *scenario, const char *accuracy)
{
	return certify_with("link-800g-2xdr4", scenario, accuracy);
}

Test(e2e_link, two_dr4_good_link)
{
	lc_result *r = certify_2xdr4("dr8-2xdr4-link-good", NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "module_part", LC_VERDICT_PASS), 3ul, "the 800G module and two 400G DR4s");
	cr_expect_eq(count(r, "link_compatibility", LC_VERDICT_PASS), 2ul);
	cr_expect_eq(count(r, "lane_to_leg", LC_VERDICT_PASS), 8ul, "eight lanes, four per leg");
	cr_expect_eq(count(r, "leg_to_lane", LC_VERDICT_PASS), 8ul);
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_INCONCLUSIVE), 16ul, "both directions of 8 lanes");
	cr_expect_eq(count(r, "tx_power", LC_VERDICT_PASS), 16ul, "8 lanes at end A + 4 on each DR4");
	cr_expect_str_eq(lc_e2e_extra(r, "lane_to_leg", "difference"), "as expected");
	cr_expect_str_eq(lc_e2e_why(r), "loss from DOM on 16 lanes cannot be decided within the monitors' \u00b16.0 dB "
					"(up to 0.4 dB against a 1.50 dB budget): measure with a power meter");
	done(r);
}

Test(e2e_link, two_dr4_good_link_passes_with_calibrated_monitors)
{
	lc_result *r = certify_2xdr4("dr8-2xdr4-link-good", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 16ul);
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 16ul, "BER through the modules: 4 lanes of each DR4, both ways");
	done(r);
}

Test(e2e_link, two_dr4_swapped_legs_are_named_as_legs)
{
	lc_result *r = certify_2xdr4("dr8-2xdr4-link-swapped-legs", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "lane map: legs B1 and B2 swapped");
	cr_expect_eq(count(r, "lane_to_leg", LC_VERDICT_FAIL), 8ul);
	cr_expect_eq(count(r, "leg_to_lane", LC_VERDICT_FAIL), 8ul);
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 16ul, "the loss follows the light where it goes");
	done(r);
}

Test(e2e_link, two_dr4_dirty_leg_fails_its_eight_fibers_only)
{
	lc_result *r = certify_2xdr4("dr8-2xdr4-link-dirty-leg", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "loss from DOM: leg B2: over its budget in both directions \u2014 its connector "
					"dirty or damaged");
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_FAIL), 8ul, "leg B2's four lanes, both directions");
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 8ul);
	done(r);
}

Test(e2e_link, two_dr4_upc_in_the_apc_path_is_named_at_the_shared_mpo)
{
	lc_result *r = certify_2xdr4("dr8-2xdr4-link-upc-in-apc", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_FAIL), 16ul);
	cr_expect_str_eq(lc_e2e_why(r), "every lane over its budget both ways (+1.9 dB on average): the shared MPO "
					"connection \u2014 a UPC connector in the APC path (reflection and loss) or a dirty "
					"MPO; measure its return loss");
	done(r);
}

/* One fiber inside a four-lane leg: lane 6 of end A is lane 2 of B2's DR4, and only that lane's light is lost
 * (the other three of B2 and all of B1 map and measure as designed). */
Test(e2e_link, two_dr4_broken_fiber_is_one_lane_of_leg_b2)
{
	lc_result *r = certify_2xdr4("dr8-2xdr4-link-broken-fiber", "0.25");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "lane map: lane 6 of end A reaches no leg (no receiver went dark)");
	cr_expect_eq(count(r, "lane_to_leg", LC_VERDICT_FAIL), 1ul, "lane 6 only");
	cr_expect_eq(count(r, "leg_to_lane", LC_VERDICT_PASS), 8ul, "the way back is whole");
	cr_expect_eq(count(r, "dom_loss", LC_VERDICT_PASS), 15ul);
	/* the broken fiber's lane: its checker never locks (not measured), the other 15 lane directions pass */
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_INCONCLUSIVE), 1ul);
	cr_expect_eq(count(r, "module_ber", LC_VERDICT_PASS), 15ul);
	done(r);
}
