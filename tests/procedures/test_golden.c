/* The golden-cable check (procedures/golden.h): baseline, check and gate, on results built here. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procedures/golden.h"
#include "procedures/station_state.h"
#include "tests/reports/helpers.h"

#define T0 1796000000LL /* 2026-11-30 */

static lc_station *golden_station(void)
{
	lc_station *st = lc_station_new("bench 7/A");
	cr_assert_not_null(st);
	snprintf(st->golden.serial, sizeof(st->golden.serial), "GOLD-1");
	st->golden.valid_s = 3600;
	st->golden.tolerance_db = 0.3;
	return st;
}

/* A run of the golden cable: insertion losses of lanes 1-2 forward and reverse, a return loss, a verdict. */
static lc_result *golden_run(double shift_lane2_db, bool with_lane2, enum lc_verdict v)
{
	lc_result *r = lc_result_new();
	cr_assert_not_null(r);
	cr_assert_eq(lc_result_start(r, T0 * 1000, NULL), 0);
	int step = lc_result_add_step(r, "insertion-loss", T0 * 1000, NULL);
	cr_assert_geq(step, 0);
	for (int dir = 0; dir < 2; dir++)
		for (int lane = 1; lane <= 2; lane++) {
			if (lane == 2 && !with_lane2)
				continue;
			lc_result_measurement m = {.name = "insertion_loss", .lane = lane, .value = 0.4 + 0.1 * lane + 0.01 * dir +
										     (lane == 2 ? shift_lane2_db : 0),
						   .unit = "dB", .wavelength_nm = 1310, .limit = {.low = NAN, .high = 2.0,
						   .comparison = LC_LIMIT_LE}, .margin = NAN, .verdict = LC_VERDICT_PASS};
			cr_assert_geq(lc_result_add_measurement(r, step, &m, NULL), 0);
		}
	/* a return loss is not compared: it reads tenths of a dB apart run to run */
	lc_result_measurement rl = {.name = "return_loss", .lane = 1, .value = 55 + shift_lane2_db, .unit = "dB",
				    .wavelength_nm = 1310, .limit = {.low = 35, .high = NAN, .comparison = LC_LIMIT_GE},
				    .margin = NAN, .verdict = LC_VERDICT_PASS};
	cr_assert_geq(lc_result_add_measurement(r, step, &rl, NULL), 0);
	cr_assert_eq(lc_result_end_step(r, step, LC_VERDICT_NONE, T0 * 1000 + 5000, NULL, NULL), 0);
	cr_assert_eq(lc_result_finish(r, v, T0 * 1000 + 6000, v == LC_VERDICT_PASS ? NULL : "leg B2 dirty", NULL), 0);
	return r;
}

static void check_file(const char *dir, const lc_station *st, char *path, size_t cap)
{
	cr_assert_eq(lc_station_state_path(dir, st->name, "golden-check", path, cap, NULL), 0);
}

Test(golden, record_check_and_gate)
{
	char *dir = th_scratch_dir("golden");
	lc_station *st = golden_station();
	char why[LC_GOLDEN_WHY_MAX], path[1200];
	lc_diag d;

	/* no golden cable: nothing to gate */
	lc_station *plain = lc_station_new("plain");
	cr_assert_eq(lc_golden_gate(plain, dir, T0, why, sizeof(why)), 1);
	lc_station_free(plain);

	cr_assert_eq(lc_golden_gate(st, dir, T0, why, sizeof(why)), 0);
	cr_assert(strstr(why, "golden-cable check required: no check of golden cable GOLD-1 yet on station 'bench 7/A'"),
		  "%s", why);

	lc_result *good = golden_run(0, true, LC_VERDICT_PASS);
	cr_assert_eq(lc_golden_check(st, dir, good, T0, why, sizeof(why), &d), LC_ERR_NOT_FOUND, "no baseline yet");
	cr_assert(strstr(d.text, "record them first"), "%s", d.text);
	lc_result *failing = golden_run(0, true, LC_VERDICT_FAIL);
	cr_assert_eq(lc_golden_record(st, dir, failing, &d), LC_ERR_STATE, "a failing run is no baseline");
	cr_assert_eq(lc_golden_record(st, dir, good, &d), 0, "%s", d.text);

	/* the same values: passed, and the station certifies until valid_s has gone by */
	cr_assert_eq(lc_golden_check(st, dir, good, T0 + 10, why, sizeof(why), &d), 1, "%s %s", why, d.text);
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 10, why, sizeof(why)), 1, "%s", why);
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 10 + 3600, why, sizeof(why)), 1, "valid through valid_s");
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 10 + 3601, why, sizeof(why)), 0);
	cr_assert(strstr(why, "UTC expired (valid 60 min)"), "%s", why);
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 9, why, sizeof(why)), 0);
	cr_assert(strstr(why, "in the future"), "%s", why);

	/* within tolerance (0.25 dB, and a return loss 0.25 dB off): passed */
	lc_result *near = golden_run(0.25, true, LC_VERDICT_PASS);
	cr_assert_eq(lc_golden_check(st, dir, near, T0 + 20, why, sizeof(why), &d), 1, "%s", why);

	/* lane 2 0.5 dB off in both directions: failed, naming the value; the gate blocks with it */
	lc_result *off = golden_run(0.5, true, LC_VERDICT_PASS);
	cr_assert_eq(lc_golden_check(st, dir, off, T0 + 30, why, sizeof(why), &d), 0);
	cr_assert(strstr(why, "insertion_loss lane 2 at 1310 nm") && strstr(why, ": 0.50 dB off, tolerance 0.30 dB"), "%s",
		  why);
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 40, why, sizeof(why)), 0);
	cr_assert(strstr(why, "golden-cable check of GOLD-1 at ") &&
			  strstr(why, " UTC failed: certification is blocked until a check passes (insertion_loss lane 2 at "
				      "1310 nm"),
		  "%s", why);

	/* a value not measured again fails the check, and so does a golden run that is not a pass */
	lc_result *short_run = golden_run(0, false, LC_VERDICT_PASS);
	cr_assert_eq(lc_golden_check(st, dir, short_run, T0 + 50, why, sizeof(why), &d), 0);
	cr_assert_str_eq(why, "insertion_loss lane 2 at 1310 nm was recorded (0.60 dB) but not measured again");
	cr_assert_eq(lc_golden_check(st, dir, failing, T0 + 60, why, sizeof(why), &d), 0);
	cr_assert_str_eq(why, "the golden cable's own run is fail: leg B2 dirty");

	/* a passing check lifts the block */
	cr_assert_eq(lc_golden_check(st, dir, good, T0 + 70, why, sizeof(why), &d), 1);
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 80, why, sizeof(why)), 1, "%s", why);

	/* another golden cable declared since: the last check is not of it */
	snprintf(st->golden.serial, sizeof(st->golden.serial), "GOLD-2");
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 80, why, sizeof(why)), 0);
	cr_assert(strstr(why, "the last check was of GOLD-1, the station's golden cable is GOLD-2"), "%s", why);

	/* an unreadable check blocks too */
	check_file(dir, st, path, sizeof(path));
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("{\"format\": \"lanecert-golden-check/1\", \"passed\": \"yes\"", f);
	fclose(f);
	cr_assert_eq(lc_golden_gate(st, dir, T0 + 80, why, sizeof(why)), 0);
	cr_assert(strstr(why, "the last check cannot be read"), "%s", why);

	lc_result_free(good), lc_result_free(failing), lc_result_free(near), lc_result_free(off);
	lc_result_free(short_run);
	lc_station_free(st);
	free(dir);
}

/* The station file's "golden": every key checked. */
Test(golden, station_file_keys)
{
	static const char head[] = "{\"format\": \"lanecert-station/1\", \"name\": \"g\", \"slots\": [{\"number\": 1}], "
				   "\"golden\": ";
	const struct {
		const char *golden, *error;
	} cases[] = {
		{"{\"serial\": \"G-1\", \"valid_s\": 28800, \"tolerance_db\": 0.3}", NULL},
		{"{\"serial\": \"G-1\", \"valid_s\": 28800}", "tolerance_db"},
		{"{\"serial\": \"G-1\", \"valid_s\": 10, \"tolerance_db\": 0.3}", "valid_s"},
		{"{\"serial\": \"G-1\", \"valid_s\": 28800, \"tolerance_db\": 0}", "tolerance_db"},
		{"{\"serial\": \"\", \"valid_s\": 28800, \"tolerance_db\": 0.3}", "serial"},
		{"{\"serial\": \"G-1\", \"valid_s\": 28800, \"tolerance_db\": 0.3, \"every\": 1}", "every"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), "%s%s}", head, cases[i].golden);
		lc_station *st = NULL;
		lc_diag d;
		int rc = lc_station_parse(text, strlen(text), "g.json", &st, &d);
		if (!cases[i].error) {
			cr_assert_eq(rc, 0, "%s", d.text);
			cr_assert_str_eq(st->golden.serial, "G-1");
			cr_assert_eq(st->golden.valid_s, 28800u);
			cr_assert_float_eq(st->golden.tolerance_db, 0.3, 1e-12);
			lc_station_free(st);
		} else {
			cr_assert_lt(rc, 0, "%s accepted", cases[i].golden);
			cr_assert(strstr(d.text, cases[i].error), "%s: %s", cases[i].golden, d.text);
		}
	}
}
