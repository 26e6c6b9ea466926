/* Link compatibility of two module ends, with and without the cable between them. */
#include <criterion/criterion.h>
#include <string.h>

#include <stdlib.h>

#include <jansson.h>

#include "procedures/compat.h"
#include "tests/instruments/module_optics.h"

static lc_module_image ia, ib;
static lc_module_info a, b;
static lc_compat_result r;
static lc_diag d;

static void decode_both(void)
{
	cr_assert_eq(lc_module_decode(&ia, &a, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_decode(&ib, &b, &d), 0, "%s", d.text);
}

static bool has(const char *code, enum lc_compat_severity s)
{
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.findings[i].code, code) && r.findings[i].severity == s)
			return true;
	return false;
}

static void dr4_and(uint8_t ext)
{
	tm_cmis_optic(&ia, 0x02, 0x1C, 4, 0x14);
	tm_qsfp28(&ib, ext);
	decode_both();
}

Test(module_compat, dr4_breaks_out_to_dr1)
{
	dr4_and(0x25);
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible);
	cr_assert_str_eq(r.a.name, "400GBASE-DR4");
	cr_assert_eq(r.a.legs, 4);
	cr_assert_eq(r.a.leg_lanes, 1);
	cr_assert(has("breakout", LC_COMPAT_NOTE));
	cr_assert(has("polish", LC_COMPAT_NOTE));
	cr_assert_eq(lc_compat_check(&a, &b, "dr4-mpo12apc-4xlc", NULL, &r, &d), 0, "%s", d.text);
	cr_assert(r.compatible, "%s", r.n ? r.findings[r.n - 1].text : "");
}

Test(module_compat, dr4_through_a_upc_multimode_breakout)
{
	dr4_and(0x25);
	cr_assert_eq(lc_compat_check(&a, &b, "sr4-mpo12-4xlc", NULL, &r, &d), 0, "%s", d.text);
	cr_assert(!r.compatible);
	cr_assert(has("fiber_mode", LC_COMPAT_ERROR));
	cr_assert(has("polish", LC_COMPAT_ERROR));
}

Test(module_compat, dr4_is_not_sr4)
{
	dr4_and(0x02);
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(!r.compatible);
	cr_assert(has("fiber_mode", LC_COMPAT_ERROR));
	cr_assert(has("modulation", LC_COMPAT_ERROR));
	cr_assert(has("lane_rate", LC_COMPAT_ERROR));
	cr_assert(has("wavelength", LC_COMPAT_ERROR));
	char *text = NULL;
	cr_assert_eq(lc_compat_json(&r, &text, &d), 0, "%s", d.text);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	cr_assert_not_null(j);
	cr_assert(json_is_false(json_object_get(j, "compatible")));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "b"), "modulation")), "NRZ");
	json_decref(j);
}

Test(module_compat, dr4_is_not_fr4)
{
	tm_cmis_optic(&ia, 0x02, 0x1C, 4, 0);
	tm_cmis_optic(&ib, 0x02, 0x1D, 4, 0);
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(!r.compatible);
	cr_assert(has("wavelength", LC_COMPAT_ERROR));
	cr_assert(!has("lanes", LC_COMPAT_ERROR));
}

Test(module_compat, aoc_breakout_legs)
{
	tm_cmis_image(&ia, 0); /* 400GAUI-8 AOC with 4 x 100GAUI-2 */
	tm_qsfp28(&ib, 0x33);
	ib.lower[0] = 0x11;
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible);
	cr_assert(has("breakout", LC_COMPAT_NOTE));
	cr_assert(has("ber_class", LC_COMPAT_NOTE)); /* CMIS class 3 and SFF-8636 0x33: both BER < 2.6e-4 */
	ia.lower[87] = 0x01;                          /* end A now claims BER < 1e-12 */
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(has("ber_class", LC_COMPAT_WARNING));
}

/* A QSFP28 AOC leg shows its host 4 x 25G NRZ (SFF-8636 0x18) over end A's 2 x 50G PAM4 leg lanes: its DSP
 * converts, so it links with a 100G port of that kind (issue 19). */
Test(module_compat, aoc_qsfp28_leg_with_a_dsp)
{
	tm_cmis_image(&ia, 0);
	tm_qsfp28(&ib, 0x18);
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible, "%s", r.n ? r.findings[0].text : "");
	cr_assert(has("dsp", LC_COMPAT_NOTE));
	cr_assert(!has("modulation", LC_COMPAT_ERROR));
	bool seen = false;
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.findings[i].code, "dsp"))
			seen = !strcmp(r.findings[i].text, "end B presents 4 x 25G NRZ to its host over a leg of end A's "
							      "2 x 50G PAM4: the AOC end's DSP converts (100 Gb/s each way)");
	cr_assert(seen);
	/* the leg's class (0x18, BER < 1e-12 at its NRZ host) is not end A's (class 3, BER < 2.6e-4 with host FEC):
	 * two host interfaces, each said, no warning (the same-width leg of aoc_breakout_legs still warns) */
	cr_assert(!has("ber_class", LC_COMPAT_WARNING));
	seen = false;
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.findings[i].code, "ber_class"))
			seen = !strcmp(r.findings[i].text, "end A advertises BER < 2.6e-4 to its host (FEC on those lanes), end B "
							      "BER < 1e-12: each DSP end answers for its own host lanes");
	cr_assert(seen);
	/* the same leg against end B: the order of the ends does not matter */
	cr_assert_eq(lc_compat_check(&b, &a, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible);
	cr_assert(has("dsp", LC_COMPAT_NOTE));
	cr_assert(has("ber_class", LC_COMPAT_NOTE) && !has("ber_class", LC_COMPAT_WARNING));
}

/* The same leg CMIS-managed (issue 19 point 5): CAUI-4 with RS(528,514) FEC (0x42) on 4 host lanes over 2 media
 * lanes, in end A's BER class: its DSP converts, the classes agree (no warning); without FEC (0x41) too. */
Test(module_compat, aoc_cmis_qsfp28_leg_presents_caui4)
{
	tm_cmis_image(&ia, 0);
	tm_cmis_image(&ib, 0);
	ib.lower[0] = 0x1E;
	((uint8_t *)lc_module_image_page(&ib, 0, 0x00))[0] = 0x1E;
	uint8_t *ab = ib.lower + 86;
	memset(ab, 0xFF, 32);
	ab[0] = 0x42, ab[1] = 0x03, ab[2] = 0x42, ab[3] = 0x01;
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible, "%s", r.n ? r.findings[0].text : "");
	cr_assert(has("dsp", LC_COMPAT_NOTE));
	cr_assert(has("ber_class", LC_COMPAT_NOTE));
	cr_assert(!has("ber_class", LC_COMPAT_WARNING));
	ab[0] = 0x41;
	decode_both();
	cr_assert_eq(lc_compat_check(&b, &a, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible);
	cr_assert(has("dsp", LC_COMPAT_NOTE));
	/* a host code lanecert has no row for is not taken for CAUI-4 */
	ab[0] = 0x43;
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(!r.compatible);
	cr_assert(has("unknown_interface", LC_COMPAT_ERROR));
}

/* A passive DAC has no DSP: a QSFP28 copper leg (100GBASE-CR4, 4 x 25G NRZ) against a 400G CR8 end whose legs
 * are 2 x 50G PAM4 cannot link; the leg needs QSFP56. */
Test(module_compat, dac_leg_cannot_convert)
{
	tm_cmis_image(&ia, 0);
	ia.lower[85] = 0x03;
	uint8_t apps[8] = {0x1D, 0x01, 0x88, 0x01, 0x1B, 0x01, 0x22, 0x55}; /* 400G CR8, 4 x 100GBASE-CR2 */
	memcpy(ia.lower + 86, apps, sizeof(apps));
	tm_qsfp28(&ib, 0x0B);
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(!r.compatible);
	cr_assert(has("dsp", LC_COMPAT_ERROR));
	bool seen = false;
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.findings[i].code, "dsp"))
			seen = !strcmp(r.findings[i].text, "a passive DAC cannot convert lanes: each leg of end A is 2 x 50G "
							      "PAM4 (it needs a QSFP56 end), end B 4 x 25G NRZ");
	cr_assert(seen);
	tm_qsfp28(&ib, 0x40); /* 100GBASE-CR2: the QSFP56-style leg links */
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible, "%s", r.n ? r.findings[0].text : "");
	cr_assert(has("breakout", LC_COMPAT_NOTE));
}

/* Neither the lane count nor the data rate of a leg fits: no conversion can help. */
Test(module_compat, aoc_leg_of_the_wrong_rate)
{
	tm_cmis_image(&ia, 0);
	tm_qsfp28(&ib, 0x02 /* SR4 optic */);
	ib.lower[0] = 0x11;
	((uint8_t *)lc_module_image_page(&ib, 0, 0x00))[64] = 0x31; /* 2 x 50G AOC: fits */
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(r.compatible);
	ia.lower[86 + 6] = 0x11; /* end A's legs are now 1 lane of 50G: 50 Gb/s against 100 */
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(!r.compatible);
	cr_assert(has("lanes", LC_COMPAT_ERROR));
}

Test(module_compat, aoc_against_an_optic_and_unknowns)
{
	tm_cmis_image(&ia, 0);
	tm_qsfp28(&ib, 0x25);
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(!r.compatible);
	cr_assert(has("medium", LC_COMPAT_ERROR));
	tm_qsfp28(&ib, 0x00);
	decode_both();
	cr_assert_eq(lc_compat_check(&a, &b, NULL, NULL, &r, &d), 0);
	cr_assert(has("unknown_interface", LC_COMPAT_ERROR));
	cr_assert_eq(lc_compat_check(&a, &b, "no-such-cable", NULL, &r, &d), LC_ERR_NOT_FOUND);
}
