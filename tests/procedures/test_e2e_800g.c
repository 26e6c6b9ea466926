/* Issue 19 point 8: the 800G DR8 -> 8 x 100G DR1 breakout (MPO-16 APC to 8 x LC, single-mode) certified on its
 * bench by the general breakout procedure, against its good and faulty simulated harnesses. Every 800G number
 * is UNCONFIRMED (fixtures/limits/lanecert-800g.json, cables/dr8-mpo16apc-8xlc.json). */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/procedures/e2e_harness.h"

static lc_e2e e;

static lc_result *certify(const char *scenario)
{
	lc_e2e_start(&e, scenario);
	return lc_e2e_run(&e, "breakout-mpo", NULL, 1, lc_e2e_dut_serial(&e));
}

/* Insertion losses measured and within their limit (every fiber, every wavelength, one each). */
static size_t il_passes(const lc_result *r)
{
	size_t il = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (!strcmp(m->name, "insertion_loss") && m->verdict == LC_VERDICT_PASS)
			il++;
	}
	return il;
}

static void done(lc_result *r)
{
	lc_result_free(r);
	lc_e2e_stop(&e);
}

Test(e2e_800g, dr8_breakout_good_passes_all_sixteen_fibers)
{
	lc_result *r = certify("dr8-breakout-good");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(il_passes(r), 32ul, "16 fibers at 1310 and 1550 nm");
	done(r);
}

Test(e2e_800g, dr8_breakout_swapped_legs_are_named)
{
	lc_result *r = certify("dr8-breakout-swapped-legs");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "fiber map: legs B4 and B5 swapped");
	done(r);
}

Test(e2e_800g, dr8_breakout_dirty_leg_is_located)
{
	lc_result *r = certify("dr8-breakout-dirty-leg");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "leg B6 (fibers 6 and 11): +1.0 dB in both directions \u2014 connector at B6 dirty or "
					"damaged");
	done(r);
}

Test(e2e_800g, dr8_breakout_broken_fiber_is_dark)
{
	lc_result *r = certify("dr8-breakout-broken-fiber");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "fiber map: B6:tx dark", "leg B6's return fiber, named at the leg");
	done(r);
}

/* The eight-slot DR8 factory bench (32 instruments, 8 switches): slot 1's harness passes, slot 8's dirty leg is
 * named, each through its own slot's instruments. */
Test(e2e_800g, dr8_eight_slot_bench_certifies_each_slot_on_its_own_instruments)
{
	lc_e2e_start(&e, "dr8-eight-slots");
	lc_result *r = lc_e2e_run(&e, "breakout-mpo", NULL, 1, "SIM-DR8-0801");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "slot 1: %s", lc_e2e_why(r));
	lc_result_free(r);
	r = lc_e2e_run(&e, "breakout-mpo", NULL, 8, "SIM-DR8-0808");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "slot 8: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "leg B6 (fibers 6 and 11): +1.0 dB in both directions \u2014 connector at B6 dirty or "
					"damaged");
	done(r);
}

/* 800G 2 x DR4 -> 2 x 400G DR4: the DR8 port's MPO-16 APC broken out to two MPO-12 APC legs (lanes 1-4 and
 * 5-8), on its own bench, by the same general breakout procedure. Each leg's four Tx lanes land on its Rx
 * positions 12..9, the DR4 module's order (cables/dr8-mpo16apc-2xmpo12apc.json, UNCONFIRMED). */
Test(e2e_800g, two_dr4_breakout_good_passes_all_sixteen_fibers)
{
	lc_result *r = certify("dr8-2xdr4-good");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(il_passes(r), 32ul, "16 fibers at 1310 and 1550 nm");
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "difference"), "as expected");
	done(r);
}

Test(e2e_800g, two_dr4_breakout_faults_are_named)
{
	lc_result *r = certify("dr8-2xdr4-swapped-legs");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "fiber map: legs B1 and B2 swapped");
	done(r);
	r = certify("dr8-2xdr4-broken-fiber");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "fiber map: A:6 dark", "DR8 lane 6, to leg B2's Rx lane 2");
	done(r);
	/* the MPO-12 APC of leg B2: its eight fibers numbered at the MPO-16, the excess over leg B1's */
	r = certify("dr8-2xdr4-dirty-leg");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), "leg B2 (fibers 5\u201312): +1.0 dB in both directions \u2014 connector at B2 dirty or "
					"damaged");
	done(r);
}

/* What a bench reads when no port sees light, worded as measured: no part is named from the absence of light. */
#define NO_LIGHT(part)                                                                                              \
	"no light at any port: the slot is empty, the cable is not seated, or the part is not a " part " and this "  \
	"bench does not reach its legs"

/* Nothing plugged in after the reference: the map is dark at every port, a fail that names no part (an empty
 * slot once read "wrong part: ... found dr8-mpo16apc-8xlc", a claim the bench never measured), and no loss is
 * recorded as a measurement of a fiber that was not there. */
Test(e2e_800g, an_empty_two_dr4_slot_fails_naming_no_part)
{
	lc_result *r = certify("dr8-2xdr4-empty-slot");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), NO_LIGHT("dr8-mpo16apc-2xmpo12apc"));
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "found_part"), "", "no part found");
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "difference"), "16 fibers dark: A:1\u20138, B1:1\u20134 and B2:1\u20134",
			 "every launch dark: %s", lc_e2e_extra(r, "fiber_map", "difference"));
	cr_expect_eq(il_passes(r), 0ul, "nothing passes");
	done(r);
}

/* The DR8 -> 8 x LC and 2 x DR4 harnesses share their MPO-16 APC end: either plugged in the other's slot
 * lights none of the expected legs' positions. That is the empty slot's map, so the sentence is the empty
 * slot's: the bench cannot tell the other harness from nothing and names no part (fail, never an error or a
 * re-reference: the reference follows the slot's design, whatever is plugged in). */
Test(e2e_800g, the_two_800g_harnesses_in_each_others_slot_read_as_no_light)
{
	lc_result *r = certify("dr8-2xdr4-wrong-part-8xlc");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), NO_LIGHT("dr8-mpo16apc-2xmpo12apc"));
	cr_expect_eq(il_passes(r), 0ul, "nothing of a wrong part passes");
	done(r);
	r = certify("dr8-breakout-wrong-part-2xdr4");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_why(r), NO_LIGHT("dr8-mpo16apc-8xlc"));
	cr_expect_eq(il_passes(r), 0ul, "nothing of a wrong part passes");
	done(r);
}

/* Insertion losses failed at one wavelength. */
static size_t il_fails_at(const lc_result *r, double nm)
{
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (!strcmp(m->name, "insertion_loss") && m->wavelength_nm == nm && m->verdict == LC_VERDICT_FAIL)
			n++;
	}
	return n;
}

/* The 400G SR8 -> 2 x 200G harness (OM4, UPC) on the single-mode 2 x DR4 bench: routed as the DR4 harness, so
 * the map passes, and every fiber fails at 1310 and 1550 nm alike by the loss its multimode core gives up into
 * the bench's single-mode cords (once it failed at 1550 nm only, where OM4 has no attenuation row), 20 dB,
 * plus its two UPC MPOs against the bench's APC cords, 3 dB each (world.apc_upc_mate.loss): +26.5 dB, was
 * +20.5 dB before the APC/UPC gap was priced. */
Test(e2e_800g, a_multimode_harness_on_the_two_dr4_bench_fails_at_every_wavelength)
{
	lc_result *r = certify("dr8-2xdr4-wrong-fiber-sr8");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "difference"), "as expected", "routed as designed");
	cr_expect_eq(il_fails_at(r, 1310), 16ul, "every fiber at 1310 nm");
	cr_expect_eq(il_fails_at(r, 1550), 16ul, "every fiber at 1550 nm");
	cr_expect_str_eq(lc_e2e_why(r), "all 16 fibers +26.5 dB \u2014 far more than a dirty connector loses: fiber of the "
					"other mode (a multimode part on this single-mode bench) or a wrong reference");
	done(r);
}
