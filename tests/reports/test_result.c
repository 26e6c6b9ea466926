#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lc_version.h"
#include "reports/report_json.h"
#include "reports/result.h"

static lc_result_measurement meas(const char *name, int lane, double v, double high, enum lc_verdict verdict)
{
	return (lc_result_measurement){.name = name, .lane = lane, .value = v, .unit = "dB", .wavelength_nm = NAN,
				       .limit = {NAN, high, LC_LIMIT_LE}, .margin = NAN, .verdict = verdict};
}

Test(result, empty_run_is_inconclusive_and_has_version)
{
	lc_result *r = lc_result_new();
	cr_assert_not_null(r);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE);
	cr_expect_str_eq(lc_result_software_version(r), LC_VERSION_STRING);
	cr_expect_eq(lc_result_start_ms(r), LC_TIME_NONE);
	lc_result_free(r);
}

Test(result, verdict_is_max_and_unjudged_step_is_inconclusive)
{
	lc_result *r = lc_result_new();
	int s0 = lc_result_add_step(r, "il", 1000, NULL);
	cr_assert_eq(s0, 0);
	lc_result_measurement m = meas("insertion_loss", 1, 1.25, 1.5, LC_VERDICT_PASS);
	cr_assert_eq(lc_result_add_measurement(r, s0, &m, NULL), 0);
	cr_expect_eq(lc_result_end_step(r, s0, LC_VERDICT_NONE, 2000, NULL, NULL), 0);
	cr_expect_eq(lc_result_step_verdict(r, 0), LC_VERDICT_PASS);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS);
	size_t st = 99;
	const lc_result_measurement *got = lc_result_measurement_at(r, 0, &st);
	cr_expect_eq(st, 0);
	cr_expect_float_eq(got->margin, 0.25, 1e-12);
	cr_expect(isnan(got->limit.low));

	int s1 = lc_result_add_step(r, "map", 2000, NULL);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_INCONCLUSIVE, "a step that judged nothing");
	m = meas("insertion_loss", 2, 1.75, 1.5, LC_VERDICT_FAIL);
	cr_assert_eq(lc_result_add_measurement(r, s1, &m, NULL), 1);
	cr_expect_float_eq(lc_result_measurement_at(r, 1, NULL)->margin, -0.25, 1e-12);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL);
	cr_expect_eq(lc_result_finish(r, LC_VERDICT_ERROR, 3000, "power meter lost", NULL), 0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR);
	lc_diag d;
	cr_expect_eq(lc_result_end_step(r, s0, LC_VERDICT_PASS, 2000, NULL, &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "already ended"));
	lc_result_free(r);
}

Test(result, bad_inputs_are_refused_with_a_reason)
{
	lc_result *r = lc_result_new();
	lc_diag d;
	cr_expect_eq(lc_result_add_step(r, "", 0, &d), LC_ERR_ARG);
	cr_expect_eq(lc_result_add_step(r, "bad\xff", 0, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "UTF-8"));
	int s = lc_result_add_step(r, "s", 0, NULL);
	lc_result_measurement m = meas("x", 1, INFINITY, 1, LC_VERDICT_PASS);
	cr_expect_eq(lc_result_add_measurement(r, s, &m, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "infinite"));
	m = meas("x", 1, 1, NAN, LC_VERDICT_PASS);
	cr_expect_eq(lc_result_add_measurement(r, s, &m, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "lacks a bound"));
	m = meas("x", -1, 1, 2, LC_VERDICT_PASS);
	cr_expect_eq(lc_result_add_measurement(r, s, &m, &d), LC_ERR_ARG);
	m = meas("x", 1, 1, 2, (enum lc_verdict)7);
	cr_expect_eq(lc_result_add_measurement(r, s, &m, &d), LC_ERR_ARG);
	m = meas("x", 1, 1, 2, LC_VERDICT_PASS);
	cr_expect_eq(lc_result_add_measurement(r, 5, &m, &d), LC_ERR_ARG);
	cr_expect_eq(lc_result_measurement_extra_number(r, 0, "ber_upper", 1e-12, &d), LC_ERR_ARG, "no measurement 0");
	cr_expect_eq(lc_result_add_raw_data(r, "../etc", "sor", "x", 1, &d), LC_ERR_ARG);
	cr_expect_eq(lc_result_add_raw_data(r, "report.json", "sor", "x", 1, &d), LC_ERR_ARG);
	lc_result_instrument in = {.role = "pm", .calibration_due = "2026-13-01"};
	cr_expect_eq(lc_result_add_instrument(r, &in, &d), LC_ERR_ARG);
	lc_result_dut dut = {.cable_type = "aoc", .serial = "S1", .channel_digest = "ABC"};
	cr_expect_eq(lc_result_set_dut(r, &dut, &d), LC_ERR_ARG);
	cr_expect_eq(lc_result_set_key_id(r, "abc", &d), LC_ERR_ARG);
	lc_result_free(r);
}

Test(result, extras_sorted_and_replaced_raw_digest)
{
	lc_result *r = lc_result_new();
	int s = lc_result_add_step(r, "ber", 0, NULL);
	lc_result_measurement m = meas("ber", 1, 1e-13, 1e-12, LC_VERDICT_PASS);
	int mi = lc_result_add_measurement(r, s, &m, NULL);
	cr_assert_eq(lc_result_measurement_extra_number(r, mi, "ber_upper", 3e-13, NULL), 0);
	cr_assert_eq(lc_result_measurement_extra_number(r, mi, "bits", 1e13, NULL), 0);
	cr_assert_eq(lc_result_measurement_extra_string(r, mi, "ber_lower", "0", NULL), 0);
	cr_assert_eq(lc_result_measurement_extra_number(r, mi, "ber_upper", 2e-13, NULL), 0);
	cr_assert_eq(lc_result_extra_count(r, 0), 3);
	cr_expect_str_eq(lc_result_extra_at(r, 0, 0)->key, "ber_lower");
	cr_expect_str_eq(lc_result_extra_at(r, 0, 1)->key, "ber_upper");
	cr_expect_float_eq(lc_result_extra_at(r, 0, 1)->number, 2e-13, 1e-25);
	cr_expect_str_eq(lc_result_extra_at(r, 0, 2)->key, "bits");
	cr_assert_eq(lc_result_add_raw_data(r, "lane1.sor", "sor", "abc", 3, NULL), 0);
	cr_expect_str_eq(lc_result_raw_at(r, 0)->sha256,
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_expect_eq(lc_result_add_raw_data(r, "lane1.sor", "sor", "abc", 3, NULL), LC_ERR_ARG, "duplicate name");
	lc_result_free(r);
}

/* A verdict can only get worse: a record that fails (here a reason quoting an instrument's invalid bytes, and
 * a measurement with an infinite number) makes a measured pass an error, with the failure as its reason, and
 * the canonical JSON says so consistently (it reads back). */
Test(result, a_failed_record_makes_the_run_an_error)
{
	lc_result *r = lc_result_new();
	lc_result_start(r, 1000, NULL);
	lc_result_dut dut = {.cable_type = "aoc", .serial = "S1"};
	cr_assert_eq(lc_result_set_dut(r, &dut, NULL), 0);
	int s = lc_result_add_step(r, "il", 1000, NULL);
	lc_result_measurement m = meas("insertion_loss", 1, 1.25, 1.5, LC_VERDICT_PASS);
	cr_assert_eq(lc_result_add_measurement(r, s, &m, NULL), 0);
	cr_assert_eq(lc_result_end_step(r, s, LC_VERDICT_NONE, 2000, NULL, NULL), 0);
	cr_assert_eq(lc_result_verdict(r), LC_VERDICT_PASS);
	cr_expect_null(lc_result_failure(r));

	m = meas("insertion_loss", 2, INFINITY, 1.5, LC_VERDICT_PASS);
	cr_expect_eq(lc_result_add_measurement(r, s, &m, NULL), LC_ERR_ARG, "refused without a diag to read");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR);
	cr_expect_eq(lc_result_run_verdict(r), LC_VERDICT_ERROR);
	cr_assert_not_null(lc_result_failure(r));
	cr_expect(strstr(lc_result_failure(r), "infinite"), "%s", lc_result_failure(r));
	/* the first failure is kept; a later one does not replace it */
	cr_expect_eq(lc_result_measurement_extra_string(r, 0, "detail", "\xff", NULL), LC_ERR_ARG);
	cr_expect(strstr(lc_result_failure(r), "infinite"), "%s", lc_result_failure(r));
	/* finishing with no verdict of its own does not lower it, and the failure is the reason */
	cr_expect_eq(lc_result_finish(r, LC_VERDICT_NONE, 3000, NULL, NULL), 0);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR);
	cr_expect_str_eq(lc_result_reason(r), lc_result_failure(r));

	char *json;
	size_t len;
	lc_diag d;
	cr_assert_eq(lc_report_json(r, &json, &len, &d), 0, "%s", d.text);
	cr_expect(strstr(json, "\"run_verdict\": \"error\""), "%s", json);
	lc_result *back;
	cr_expect_eq(lc_report_json_read(json, len, &back, &d), 0, "the written report reads back: %s", d.text);
	if (back) {
		cr_expect_eq(lc_result_verdict(back), LC_VERDICT_ERROR);
		cr_expect_null(lc_result_failure(back), "read back, the failure is the run's recorded reason");
		cr_expect_str_eq(lc_result_reason(back), lc_result_failure(r));
		lc_result_free(back);
	}
	free(json);
	lc_result_free(r);
}

Test(result, a_reason_that_is_not_utf8_still_ends_in_error)
{
	lc_result *r = lc_result_new();
	int s = lc_result_add_step(r, "otdr", 1000, NULL);
	lc_result_measurement m = meas("insertion_loss", 1, 1.25, 1.5, LC_VERDICT_PASS);
	lc_result_add_measurement(r, s, &m, NULL);
	lc_diag d;
	cr_expect_eq(lc_result_end_step(r, s, LC_VERDICT_ERROR, 2000, "reply '\xff\xfe'", &d), LC_ERR_ARG);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "the refused error text did not lose the error");
	lc_result_free(r);
}

/* lc_result_explain cuts on a character: a failed measurement in a step named in UTF-8, explained into
 * buffers of every size, is always valid UTF-8 and a prefix of the whole text (the measurement path cut
 * bytes with snprintf and could end inside a character). */
Test(result, explain_cuts_on_a_character)
{
	lc_result *r = lc_result_new();
	int s = lc_result_add_step(r, "Dämpfung – Länge", 1000, NULL);
	cr_assert_eq(s, 0);
	lc_result_measurement m = meas("insertion_loss", 2, 2.5, 1.5, LC_VERDICT_FAIL);
	cr_assert_eq(lc_result_add_measurement(r, s, &m, NULL), 0);
	cr_assert_eq(lc_result_end_step(r, s, LC_VERDICT_NONE, 2000, NULL, NULL), 0);
	char whole[256], cut[256];
	lc_result_explain(r, whole, sizeof(whole));
	cr_assert_str_eq(whole, "Dämpfung – Länge: insertion_loss lane 2 = 2.5 dB (margin -1)");
	for (size_t cap = 1; cap <= strlen(whole) + 1; cap++) {
		lc_result_explain(r, cut, cap);
		cr_assert(lc_utf8_valid(cut, strlen(cut)), "cap %zu: '%s' is not valid UTF-8", cap, cut);
		cr_assert_eq(strncmp(cut, whole, strlen(cut)), 0, "cap %zu: '%s'", cap, cut);
		cr_assert_lt(strlen(cut), cap);
	}
	lc_result_free(r);
}

/* The trusted comment names the serial whole or fails: a 300-byte serial was cut at 255 bytes, signing a
 * name that is not the cable's. */
Test(result, trusted_comment_never_cuts_the_serial)
{
	lc_result *r = lc_result_new();
	char serial[301], tc[LC_TRUSTED_COMMENT_MAX + 1];
	memset(serial, 'S', 300);
	serial[300] = 0;
	lc_result_dut dut = {.cable_type = "c", .serial = serial};
	cr_assert_eq(lc_result_set_dut(r, &dut, NULL), 0);
	lc_diag d;
	cr_expect_eq(lc_report_trusted_comment(r, tc, sizeof(tc), &d), LC_ERR_OVERFLOW);
	serial[255] = 0;
	cr_assert_eq(lc_result_set_dut(r, &dut, NULL), 0);
	cr_assert_eq(lc_report_trusted_comment(r, tc, sizeof(tc), &d), 0, "%s", d.text);
	cr_expect(strstr(tc, serial) != NULL);
	lc_result_free(r);
}
