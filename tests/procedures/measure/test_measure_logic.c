/* Reference methods and validity, loss judgement, map inference, polarity and wording. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fixtures/limits.h"
#include "procedures/measure/map.h"
#include "procedures/measure/reference.h"
#include "instruments/power_meter/power_meter.h"

static lc_reference ref_at(double nm, int64_t taken, int64_t valid)
{
	lc_reference r = {.method = LC_REF_1_JUMPER, .wavelength_nm = nm, .taken_unix = taken, .valid_s = valid,
			  .n_paths = 2, .ref_dbm = {-3.0, -3.2}};
	return r;
}

Test(reference, methods)
{
	cr_assert_eq(lc_ref_method_connections(LC_REF_1_JUMPER), 2);
	cr_assert_eq(lc_ref_method_connections(LC_REF_2_JUMPER), 1);
	cr_assert_eq(lc_ref_method_connections(LC_REF_3_JUMPER), 0);
	cr_assert_eq(lc_ref_method_connections((enum lc_ref_method)7), LC_ERR_ARG);
	cr_assert_eq(lc_ref_method_parse("1-jumper"), LC_REF_1_JUMPER);
	cr_assert_eq(lc_ref_method_parse("method-2"), LC_REF_1_JUMPER, "IEC 61280-4-1 Method 2 is 1-jumper");
	cr_assert_eq(lc_ref_method_parse("B"), LC_REF_1_JUMPER, "TIA-526-14 Method B is 1-jumper");
	cr_assert_eq(lc_ref_method_parse("two-cord"), LC_REF_2_JUMPER);
	cr_assert_eq(lc_ref_method_parse("3"), LC_REF_3_JUMPER);
	cr_assert_eq(lc_ref_method_parse("4-jumper"), LC_ERR_ARG);
	cr_assert_eq(lc_ref_method_parse(NULL), LC_ERR_ARG);
	cr_assert(strstr(lc_ref_method_standard(LC_REF_1_JUMPER), "Method B"));
}

Test(reference, validity)
{
	lc_diag d;
	lc_reference r = ref_at(1310, 1000, 3600);
	cr_assert_eq(lc_reference_check(&r, 1310, 1000, &d), 0);
	cr_assert_eq(lc_reference_check(&r, 1310, 4600, &d), 0, "valid up to and including valid_s");
	cr_assert_eq(lc_reference_check(&r, 1310, 4601, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "expired") && strstr(d.text, "re-reference"), "%s", d.text);
	cr_assert_eq(lc_reference_check(&r, 1550, 1000, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "1310"), "%s", d.text);
	cr_assert_eq(lc_reference_check(&r, 1310, 999, &d), LC_ERR_STATE, "taken in the future");
	r.ref_dbm[1] = -INFINITY;
	cr_assert_eq(lc_reference_check(&r, 1310, 1000, &d), LC_ERR_ARG);
	r = ref_at(1310, 1000, 0);
	cr_assert_eq(lc_reference_check(&r, 1310, 1000, &d), LC_ERR_ARG);
	r = ref_at(1310, 1000, 10);
	r.n_paths = 0;
	cr_assert_eq(lc_reference_check(&r, 1310, 1000, &d), LC_ERR_ARG);
	cr_assert_eq(lc_reference_check(NULL, 1310, 1000, &d), LC_ERR_ARG);
}

/* A kept reference is reused only for the same method, cords, instruments and paths, while young enough by
 * its own validity and by the station's limit today. */
Test(reference, reusable_only_when_it_matches_and_is_young)
{
	lc_diag d;
	lc_reference kept = ref_at(1310, 1000, 3600);
	snprintf(kept.cords, sizeof(kept.cords), "trc-a,trc-b");
	snprintf(kept.instruments, sizeof(kept.instruments), "Keysight 8163B #MY1; Thorlabs PM100USB #P1");
	lc_reference want = kept;
	cr_assert_eq(lc_reference_reusable(&kept, &want, 3600, 2000, &d), 0, "%s", d.text);
	cr_assert_eq(lc_reference_reusable(&kept, &want, 600, 2000, &d), LC_ERR_STATE, "the station's limit is shorter");
	cr_assert(strstr(d.text, "expired"), "%s", d.text);
	cr_assert_eq(lc_reference_reusable(&kept, &want, 7200, 4601, &d), LC_ERR_STATE, "its own validity is shorter");
	want.wavelength_nm = 1550;
	cr_assert_eq(lc_reference_reusable(&kept, &want, 3600, 2000, &d), LC_ERR_STATE);
	want = kept;
	want.method = LC_REF_2_JUMPER;
	cr_assert_eq(lc_reference_reusable(&kept, &want, 3600, 2000, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "1-jumper") && strstr(d.text, "2-jumper"), "%s", d.text);
	want = kept;
	snprintf(want.cords, sizeof(want.cords), "trc-c,trc-b");
	cr_assert_eq(lc_reference_reusable(&kept, &want, 3600, 2000, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "cords 'trc-a,trc-b'"), "%s", d.text);
	want = kept;
	snprintf(want.instruments, sizeof(want.instruments), "Keysight 8163B #MY2; Thorlabs PM100USB #P1");
	cr_assert_eq(lc_reference_reusable(&kept, &want, 3600, 2000, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "other instruments (Keysight 8163B #MY1; "), "%s", d.text);
	want = kept;
	want.n_paths = kept.n_paths + 1;
	cr_assert_eq(lc_reference_reusable(&kept, &want, 3600, 2000, &d), LC_ERR_STATE);
	/* a kept reference that does not say its instruments (lanecert 0.1) is never reused */
	want = kept;
	kept.instruments[0] = '\0';
	cr_assert_eq(lc_reference_reusable(&kept, &want, 3600, 2000, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "unknown"), "%s", d.text);
	cr_assert_eq(lc_reference_reusable(&kept, &want, 0, 2000, &d), LC_ERR_ARG);
	cr_assert_eq(lc_reference_reusable(NULL, &want, 3600, 2000, &d), LC_ERR_ARG);
}

Test(loss, judged_against_a_max_limit)
{
	lc_limit lim;
	lc_limit_init_max(&lim, "test.il", "channel_il", "dB", 1.9);
	lc_loss l;
	cr_assert_eq(lc_loss_judge(-3.0, -4.2, &lim, 0, 0, &l), 0);
	cr_assert_float_eq(l.loss_db, 1.2, 1e-9);
	cr_assert_float_eq(l.margin_db, 0.7, 1e-9);
	cr_assert_eq(l.verdict, LC_VERDICT_PASS);
	cr_assert_eq(lc_loss_judge(-3.0, -5.5, &lim, 0, 0, &l), 0);
	cr_assert_float_eq(l.margin_db, -0.6, 1e-9);
	cr_assert_eq(l.verdict, LC_VERDICT_FAIL);
	cr_assert_eq(lc_loss_judge(-3.0, -4.9, &lim, 0, 0, &l), 0);
	cr_assert_eq(l.verdict, LC_VERDICT_PASS, "exactly on the limit passes");
	cr_assert_eq(lc_loss_judge(-3.0, -4.85, &lim, 0, 0.1, &l), 0);
	cr_assert_eq(l.verdict, LC_VERDICT_INCONCLUSIVE, "within the uncertainty");
	cr_assert_eq(lc_loss_judge(-3.0, -4.2, NULL, 0, 0, &l), 0);
	cr_assert_eq(l.verdict, LC_VERDICT_NONE, "not judged without a limit");
}

Test(loss, negative_loss_asks_for_a_new_reference)
{
	lc_limit lim;
	lc_limit_init_max(&lim, "test.il", "channel_il", "dB", 1.9);
	lc_loss l;
	cr_assert_eq(lc_loss_judge(-3.0, -2.9, &lim, 0, 0, &l), 0);
	cr_assert_float_eq(l.loss_db, -0.1, 1e-9);
	cr_assert(l.rereference);
	cr_assert_eq(l.verdict, LC_VERDICT_ERROR, "never a pass");
	cr_assert_eq(lc_loss_judge(-3.0, -2.95, &lim, 0.1, 0, &l), 0);
	cr_assert_not(l.rereference, "within the tolerance");
	cr_assert_eq(l.verdict, LC_VERDICT_PASS);
}

Test(loss, no_light_is_a_fail_of_the_cable)
{
	lc_limit lim;
	lc_limit_init_max(&lim, "test.il", "channel_il", "dB", 1.9);
	lc_loss l;
	cr_assert_eq(lc_loss_judge(-3.0, -INFINITY, &lim, 0, 0, &l), 0);
	cr_assert(l.dark);
	cr_assert_eq(l.verdict, LC_VERDICT_FAIL);
	cr_assert(isinf(l.loss_db));
	/* a meter's floor is a finite reading and no light either: not a 77 dB loss, whose digits are noise */
	cr_assert_eq(lc_loss_judge(-3.0, -80.0, &lim, 0, 0, &l), 0);
	cr_assert(l.dark);
	cr_assert_eq(l.verdict, LC_VERDICT_FAIL);
	cr_assert(isinf(l.loss_db) && l.loss_db > 0);
	cr_assert_float_eq(l.dbm, -80.0, 1e-12, "the reading is kept");
	cr_assert(isnan(l.margin_db));
	/* a lossy fiber that still brings light is measured */
	cr_assert_eq(lc_loss_judge(-3.0, -45.0, &lim, 0, 0, &l), 0);
	cr_assert_not(l.dark);
	cr_assert_float_eq(l.loss_db, 42.0, 1e-9);
	cr_assert_eq(l.verdict, LC_VERDICT_FAIL);
}

Test(loss, bad_inputs)
{
	lc_loss l;
	cr_assert_eq(lc_loss_judge(NAN, -3, NULL, 0, 0, &l), LC_ERR_ARG);
	cr_assert_eq(lc_loss_judge(-3, NAN, NULL, 0, 0, &l), LC_ERR_ARG);
	cr_assert_eq(lc_loss_judge(-3, -3, NULL, -1, 0, &l), LC_ERR_ARG);
	cr_assert_eq(lc_loss_judge(-3, -3, NULL, 0, -1, &l), LC_ERR_ARG);
	cr_assert_eq(lc_loss_judge(-3, -3, NULL, 0, 0, NULL), LC_ERR_ARG);
}

Test(units, watt_dbm)
{
	cr_assert_float_eq(lc_watt_to_dbm(1e-3), 0.0, 1e-12);
	cr_assert_float_eq(lc_watt_to_dbm(1.31e-6), -28.827287, 1e-5);
	cr_assert(isinf(lc_watt_to_dbm(0)) && lc_watt_to_dbm(0) < 0);
	cr_assert(isinf(lc_watt_to_dbm(-1e-9)));
	cr_assert(isinf(lc_watt_to_dbm(NAN)));
	cr_assert_float_eq(lc_dbm_to_watt(-30), 1e-6, 1e-15);
}

Test(map, infer_with_dark_threshold)
{
	const double I = -INFINITY;
	/* 3 inputs x 3 outputs: 0->2, 1->dark, 2->both 0 and 1 */
	double m[] = {-60, -55, -3.1, -70, I, -65, -4, -5, I};
	int map[3];
	cr_assert_eq(lc_map_infer(m, 3, 3, -40, map), 1);
	cr_assert_eq(map[0], 2);
	cr_assert_eq(map[1], LC_MAP_DARK);
	cr_assert_eq(map[2], LC_MAP_MULTI);
	cr_assert_eq(lc_map_infer(NULL, 3, 3, -40, map), LC_ERR_ARG);
	cr_assert_eq(lc_map_infer(m, 0, 3, -40, map), LC_ERR_ARG);
}

Test(map, polarity_types)
{
	int a[12], b[12], c[12], x[12];
	for (int i = 0; i < 12; i++) {
		a[i] = i;
		b[i] = 11 - i;
		c[i] = i ^ 1;
		x[i] = i;
	}
	x[3] = 4;
	x[4] = 3;
	cr_assert_eq(lc_map_polarity(a, 12), 'A');
	cr_assert_eq(lc_map_polarity(b, 12), 'B');
	cr_assert_eq(lc_map_polarity(c, 12), 'C');
	cr_assert_eq(lc_map_polarity(x, 12), 0);
	cr_assert_eq(lc_map_polarity(c, 11), 0, "pair flip needs an even count");
}

static const char *const tx[] = {"Tx1", "Tx2", "Tx3", "Tx4", "Tx5", "Tx6", "Tx7", "Tx8"};

Test(map, wording_as_expected_and_swaps)
{
	static const char *const rx[] = {"Rx1", "Rx2", "Rx3", "Rx4", "Rx5", "Rx6", "Rx7", "Rx8"};
	lc_map_labels lab = {.in = tx, .out = rx};
	int exp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	int act[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	char buf[256];
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "as expected");
	act[1] = 2;
	act[2] = 1;
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), 2);
	cr_assert_str_eq(buf, "Tx2 and Tx3 swapped");
	act[5] = LC_MAP_DARK;
	act[6] = 4;
	act[4] = LC_MAP_MULTI;
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "Tx2 and Tx3 swapped; Tx5 lights several ports; Tx6 dark; Tx7 lands on Rx5 instead of Rx7");
	act[7] = LC_MAP_MULTI;
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), 6);
	cr_assert_str_eq(buf, "Tx2 and Tx3 swapped; Tx5 and Tx8 light several ports; Tx6 dark; Tx7 lands on Rx5 instead of Rx7");
}

Test(map, wording_polarity_type)
{
	/* MPO-16 SR8 seen at the far end: expected Type B (p -> 17-p), measured Type A */
	static const char *const in[] = {"A:1", "A:2", "A:3", "A:4", "A:5", "A:6", "A:7", "A:8",
					 "A:9", "A:10", "A:11", "A:12", "A:13", "A:14", "A:15", "A:16"};
	static const char *const out[] = {"B:1", "B:2", "B:3", "B:4", "B:5", "B:6", "B:7", "B:8",
					  "B:9", "B:10", "B:11", "B:12", "B:13", "B:14", "B:15", "B:16"};
	lc_map_labels lab = {.in = in, .out = out};
	int exp[16], act[16];
	for (int i = 0; i < 16; i++) {
		exp[i] = 15 - i;
		act[i] = i;
	}
	char buf[256];
	cr_assert_eq(lc_map_describe(act, exp, 16, 16, &lab, buf, sizeof(buf)), 16);
	cr_assert_str_eq(buf, "A:1 lands on B:1: Type A trunk where Type B expected");
}

Test(map, wording_swapped_legs)
{
	/* 4 legs of 2 fibers (tx, rx): outputs 0,1 = B1, 2,3 = B2, 4,5 = B3, 6,7 = B4 */
	static const char *const out[] = {"B1:rx", "B1:tx", "B2:rx", "B2:tx", "B3:rx", "B3:tx", "B4:rx", "B4:tx"};
	static const int group[] = {0, 0, 1, 1, 2, 2, 3, 3};
	static const char *const legs[] = {"B1", "B2", "B3", "B4"};
	lc_map_labels lab = {.in = tx, .out = out, .out_group = group, .group = legs, .n_groups = 4};
	int exp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	int act[8] = {0, 1, 4, 5, 2, 3, 6, 7};
	char buf[256];
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), 4);
	cr_assert_str_eq(buf, "legs B2 and B3 swapped");
}

Test(map, wording_bad_input_and_overflow)
{
	static const char *const rx[] = {"Rx1", "Rx2", "Rx3", "Rx4", "Rx5", "Rx6", "Rx7", "Rx8"};
	lc_map_labels lab = {.in = tx, .out = rx};
	int exp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	int act[8] = {1, 2, 3, 4, 5, 6, 7, 0};
	char buf[256], small[24];
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, small, sizeof(small)), LC_ERR_OVERFLOW);
	cr_assert(strlen(small) < sizeof(small));
	cr_assert(strstr(small, "..."), "%s", small);
	exp[0] = 9;
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), LC_ERR_ARG, "expected out of range");
	exp[0] = 0;
	act[0] = -7;
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), LC_ERR_ARG);
	act[0] = 0;
	lc_map_labels nolab = {.in = tx};
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &nolab, buf, sizeof(buf)), LC_ERR_ARG);
	static const int badgroup[] = {0, 0, 1, 1, 2, 2, 3, 9};
	static const char *const legs[] = {"B1", "B2", "B3", "B4"};
	lc_map_labels gl = {.in = tx, .out = rx, .out_group = badgroup, .group = legs, .n_groups = 4};
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &gl, buf, sizeof(buf)), LC_ERR_ARG);
}

Test(map, wording_swapped_legs_both_directions_once)
{
	/* DR4: A:1..A:4 feed the legs' rx, the legs' tx (inputs 4..7, legs B1..B4) return on A:12..A:9
	 * (outputs 4..7 of leg "A"). Legs B1 and B2 swapped: both directions move, one clause says it. */
	static const char *const in[] = {"A:1", "A:2", "A:3", "A:4", "B1:tx", "B2:tx", "B3:tx", "B4:tx"};
	static const char *const out[] = {"B1:rx", "B2:rx", "B3:rx", "B4:rx", "A:12", "A:11", "A:10", "A:9"};
	static const int out_group[] = {0, 1, 2, 3, 4, 4, 4, 4}, in_group[] = {4, 4, 4, 4, 0, 1, 2, 3};
	static const char *const legs[] = {"B1", "B2", "B3", "B4", "A"};
	lc_map_labels lab = {.in = in, .out = out, .out_group = out_group, .group = legs, .n_groups = 5};
	int exp[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	int act[8] = {1, 0, 2, 3, 5, 4, 6, 7};
	char buf[256];
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), 4);
	cr_assert_str_eq(buf, "legs B1 and B2 swapped; B1:tx and B2:tx swapped", "without input legs: both said");
	lab.in_group = in_group;
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), 4);
	cr_assert_str_eq(buf, "legs B1 and B2 swapped");
	static const int bad_in[] = {4, 4, 4, 4, 0, 1, 2, 5};
	lab.in_group = bad_in;
	cr_assert_eq(lc_map_describe(act, exp, 8, 8, &lab, buf, sizeof(buf)), LC_ERR_ARG, "input leg out of range");
}

Test(map, wording_expected_dark_is_not_bad_input)
{
	/* Another part's design routes Tx3 to no port the station has: not LC_ERR_ARG, a difference. */
	static const char *const rx[] = {"Rx1", "Rx2", "Rx3", "Rx4"};
	lc_map_labels lab = {.in = tx, .out = rx};
	int exp[4] = {0, 1, LC_MAP_DARK, 3};
	int act[4] = {0, 1, LC_MAP_DARK, 3};
	char buf[256];
	cr_assert_eq(lc_map_describe(act, exp, 4, 4, &lab, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "as expected");
	act[2] = 2;
	cr_assert_eq(lc_map_describe(act, exp, 4, 4, &lab, buf, sizeof(buf)), 1);
	cr_assert_str_eq(buf, "Tx3 lands on Rx3 where no light is expected");
	exp[2] = -5;
	cr_assert_eq(lc_map_describe(act, exp, 4, 4, &lab, buf, sizeof(buf)), LC_ERR_ARG);
}

Test(map, wording_many_dark_fibers_as_ranges)
{
	/* The SR8 8 x 50G harness in an SR16 slot: A:1..A:8 land as designed, A:9..A:16 and all sixteen legs' tx
	 * fibers are dark. One clause, every fiber named through its range, the count in front. */
	const char *in[32], *out[32];
	char names[64][12];
	int exp[32], act[32];
	for (int i = 0; i < 16; i++) {
		snprintf(names[i], sizeof(names[i]), "A:%d", i + 1);
		snprintf(names[16 + i], sizeof(names[16 + i]), "B%d:tx", i + 1);
		snprintf(names[32 + i], sizeof(names[32 + i]), "B%d:rx", i + 1);
		snprintf(names[48 + i], sizeof(names[48 + i]), "A:%d", i + 17);
		in[i] = names[i], in[16 + i] = names[16 + i];
		out[i] = names[32 + i], out[16 + i] = names[48 + i];
		exp[i] = i, exp[16 + i] = 16 + i;
		act[i] = i < 8 ? i : LC_MAP_DARK, act[16 + i] = LC_MAP_DARK;
	}
	lc_map_labels lab = {.in = in, .out = out};
	char buf[256];
	cr_assert_eq(lc_map_describe(act, exp, 32, 32, &lab, buf, sizeof(buf)), 24);
	cr_assert_str_eq(buf, "24 fibers dark: A:9\u201316 and B1:tx\u2013B16:tx");
	/* runs shorter than three and gaps stay single names; other clauses keep their place */
	act[9] = 9, act[11] = 11, act[12] = 12, act[13] = 13, act[14] = 14, act[15] = 15;
	for (int i = 16; i < 32; i++)
		act[i] = exp[i];
	act[17] = LC_MAP_DARK, act[18] = LC_MAP_DARK, act[20] = 21, act[21] = 20;
	cr_assert_eq(lc_map_describe(act, exp, 32, 32, &lab, buf, sizeof(buf)), 6);
	cr_assert_str_eq(buf, "B5:tx and B6:tx swapped; A:9, A:11, B2:tx and B3:tx dark", "%s", buf);
}
