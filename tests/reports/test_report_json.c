#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_reports_sample.h"
#include "reports/json_canon_priv.h"
#include "reports/report_json.h"
#include "tests/reports/helpers.h"
#include "tests/reports/schema_check.h"

static char *to_json(const lc_result *r, size_t *len)
{
	char *j = NULL;
	lc_diag d;
	cr_assert_eq(lc_report_json(r, &j, len, &d), 0, "%s", d.text);
	return j;
}

Test(report_json, numbers_shortest_round_trip)
{
	struct { double v; const char *want; } cases[] = {
		{0.1, "0.1"}, {1e-12, "1e-12"}, {2.5e20, "2.5e20"}, {1e15, "1e15"}, {999999999999999, "999999999999999"}, {1e-7, "0.0000001"}, {1.25e-8, "1.25e-8"}, {-0.0, "0"}, {100, "100"},
		{1.0 / 3, "0.3333333333333333"}, {-1.5e-5, "-0.000015"}, {-12.5, "-12.5"}, {1.8, "1.8"}, {5e-324, "5e-324"},
		{1.7976931348623157e308, "1.7976931348623157e308"}, {123456789012, "123456789012"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[32];
		cr_assert_eq(lc_json_format_real(cases[i].v, buf), 0);
		cr_expect_str_eq(buf, cases[i].want);
		cr_expect_eq(strtod(buf, NULL), cases[i].v);
	}
	char buf[32];
	cr_expect_eq(lc_json_format_real(NAN, buf), LC_ERR_ARG);
	cr_expect_eq(lc_json_format_real(INFINITY, buf), LC_ERR_ARG);
}

Test(report_json, times)
{
	char buf[32];
	cr_assert_eq(lc_time_format(0, buf, NULL), 0);
	cr_expect_str_eq(buf, "1970-01-01T00:00:00.000Z");
	cr_assert_eq(lc_time_format(1795000123456LL, buf, NULL), 0);
	cr_expect_str_eq(buf, "2026-11-18T11:08:43.456Z");
	cr_assert_eq(lc_time_format(-1, buf, NULL), 0);
	cr_expect_str_eq(buf, "1969-12-31T23:59:59.999Z");
	int64_t ms;
	cr_assert_eq(lc_time_parse("2026-11-18T11:08:43.456Z", &ms, NULL), 0);
	cr_expect_eq(ms, 1795000123456LL);
	cr_assert_eq(lc_time_parse("2024-02-29T00:00:00.000Z", &ms, NULL), 0);
	lc_diag d;
	cr_expect_eq(lc_time_parse("2023-02-29T00:00:00.000Z", &ms, &d), LC_ERR_FORMAT);
	cr_expect_eq(lc_time_parse("2023-02-28T00:00:00Z", &ms, &d), LC_ERR_FORMAT);
	cr_expect_eq(lc_time_parse("2023-02-28T24:00:00.000Z", &ms, &d), LC_ERR_FORMAT);
	cr_expect_eq(lc_time_format(INT64_MAX, buf, &d), LC_ERR_ARG);
}

Test(report_json, same_result_same_bytes_and_round_trip)
{
	lc_result *a = lc_bench_sample_result(7, 3), *b = lc_bench_sample_result(7, 3);
	size_t la, lb;
	char *ja = to_json(a, &la), *jb = to_json(b, &lb);
	cr_expect_eq(la, lb);
	cr_expect_eq(memcmp(ja, jb, la), 0);
	cr_expect_eq(ja[la - 1], '\n');
	cr_expect(strstr(ja, "\"verdict\": \"fail\"") != NULL);
	lc_result *back;
	lc_diag d;
	cr_assert_eq(lc_report_json_read(ja, la, &back, &d), 0, "%s", d.text);
	size_t lc_;
	char *jc = to_json(back, &lc_);
	cr_expect_eq(lc_, la);
	cr_expect_eq(memcmp(ja, jc, la), 0, "reading and writing again changes the bytes");
	cr_expect_eq(lc_result_verdict(back), LC_VERDICT_FAIL);
	cr_expect_eq(lc_result_measurement_count(back), lc_result_measurement_count(a));
	cr_expect_eq(lc_result_raw_count(back), 2);
	cr_expect_null(lc_result_raw_at(back, 0)->data);
	cr_expect_str_eq(lc_result_raw_at(back, 0)->sha256, lc_result_raw_at(a, 0)->sha256);
	free(ja), free(jb), free(jc);
	lc_result_free(a), lc_result_free(b), lc_result_free(back);
}

/* Large integral values must read back: written plainly they would be integers beyond jansson's 64 bits. */
Test(report_json, large_numbers_round_trip)
{
	lc_result *r = lc_result_new();
	int s = lc_result_add_step(r, "ber", 0, NULL);
	lc_result_measurement m = {"bits", 1, 1e20, "1", NAN, {NAN, NAN, LC_LIMIT_NONE}, NAN, LC_VERDICT_PASS};
	int mi = lc_result_add_measurement(r, s, &m, NULL);
	lc_result_measurement_extra_number(r, mi, "bits", 9.3e18, NULL);
	size_t n;
	char *j = to_json(r, &n);
	cr_expect(strstr(j, "\"value\": 1e20") != NULL, "%s", j);
	lc_result *back;
	lc_diag d;
	cr_assert_eq(lc_report_json_read(j, n, &back, &d), 0, "%s", d.text);
	cr_expect_eq(lc_result_measurement_at(back, 0, NULL)->value, 1e20);
	cr_expect_eq(lc_result_extra_at(back, 0, 0)->number, 9.3e18);
	free(j);
	lc_result_free(r), lc_result_free(back);
}

Test(report_json, strings_are_escaped_minimally)
{
	lc_result *r = lc_result_new();
	lc_result_set_operator(r, "Zoë \"Q\" \\ tab\there\x01", NULL);
	char *j = to_json(r, NULL);
	cr_expect(strstr(j, "\"operator\": \"Zoë \\\"Q\\\" \\\\ tab\\there\\u0001\"") != NULL, "%s", j);
	free(j);
	lc_result_free(r);
}

static void expect_read_error(const char *json, int code, const char *needle)
{
	lc_result *r = NULL;
	lc_diag d;
	lc_diag_clear(&d);
	cr_expect_eq(lc_report_json_read(json, strlen(json), &r, &d), code, "for %.60s: %s", json, d.text);
	cr_expect(strstr(d.text, needle) != NULL, "'%s' not in '%s'", needle, d.text);
	cr_expect_null(r);
}

static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	cr_assert_not_null(p, "'%s' not found", from);
	char *o = malloc(strlen(s) + strlen(to) + 1);
	size_t pre = (size_t)(p - s);
	memcpy(o, s, pre);
	strcpy(o + pre, to);
	strcat(o, p + strlen(from));
	return o;
}

Test(report_json, bad_reports_are_refused_with_the_path)
{
	lc_result *a = lc_bench_sample_result(1, 0);
	size_t n;
	char *j = to_json(a, &n);
	lc_result *r = NULL;
	lc_diag d;
	cr_expect_eq(lc_report_json_read(j, 0, &r, &d), LC_ERR_TRUNCATED);
	cr_expect_eq(lc_report_json_read(j, n / 2, &r, &d), LC_ERR_TRUNCATED, "%s", d.text);
	expect_read_error("[1]", LC_ERR_FORMAT, "not a JSON object");
	expect_read_error("{\"format\": \"other\"}", LC_ERR_FORMAT, "not a lanecert report");
	expect_read_error("{\"a\": NaN}", LC_ERR_FORMAT, "line 1");
	char *t;
	t = replace(j, "\"format_version\": 1", "\"format_version\": 2");
	expect_read_error(t, LC_ERR_FORMAT, "unsupported version");
	free(t);
	t = replace(j, "\"verdict\": \"pass\"\n}", "\"verdict\": \"fail\"\n}");
	expect_read_error(t, LC_ERR_FORMAT, "verdict: does not follow");
	free(t);
	t = replace(j, "\"comparison\": \"le\"", "\"comparison\": \"below\"");
	expect_read_error(t, LC_ERR_FORMAT, "measurements[0].limit.comparison");
	free(t);
	t = replace(j, "\"operator\": ", "\"surprise\": 1, \"operator\": ");
	expect_read_error(t, LC_ERR_FORMAT, "surprise: unknown member");
	free(t);
	t = replace(j, "\"slot\": ", "\"slot\": -");
	expect_read_error(t, LC_ERR_FORMAT, "dut.slot");
	free(t);
	t = replace(j, "\"sha256\": \"", "\"sha256\": \"X");
	expect_read_error(t, LC_ERR_FORMAT, "raw_data[0]");
	free(t);
	t = replace(j, "\"step\": \"insertion_loss\"", "\"step\": \"ber\"");
	expect_read_error(t, LC_ERR_FORMAT, "does not name the step");
	free(t);
	t = replace(j, "\"start\": \"", "\"start\": \"x");
	expect_read_error(t, LC_ERR_FORMAT, "start");
	free(t);
	free(j);
	lc_result_free(a);
}

static json_t *load_schema(void)
{
	const char *src = getenv("LC_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/reports/schema/report.schema.json", src ? src : ".");
	json_error_t e;
	json_t *s = json_load_file(path, 0, &e);
	cr_assert_not_null(s, "schema %s: %s", path, e.text);
	return s;
}

static void expect_valid(const json_t *schema, const lc_result *r)
{
	char *j = to_json(r, NULL);
	json_error_t e;
	json_t *inst = json_loads(j, 0, &e);
	cr_assert_not_null(inst);
	char err[512];
	cr_expect_eq(th_schema_validate(schema, inst, err, sizeof(err)), 0, "%s", err);
	json_decref(inst);
	free(j);
}

Test(report_json, every_report_validates_against_the_schema)
{
	json_t *schema = load_schema();
	for (unsigned seed = 0; seed < 6; seed++) {
		lc_result *r = lc_bench_sample_result(seed, (int)(seed % 9));
		expect_valid(schema, r);
		lc_result_free(r);
	}
	lc_result *empty = lc_result_new();
	expect_valid(schema, empty);
	lc_result_free(empty);
	lc_result *err = lc_result_new();
	int s = lc_result_add_step(err, "connect", 1000, NULL);
	lc_result_end_step(err, s, LC_VERDICT_ERROR, 2000, "power meter: timeout", NULL);
	lc_result_finish(err, LC_VERDICT_ERROR, 2000, "instrument error", NULL);
	expect_valid(schema, err);
	lc_result_free(err);
	/* the cable's identity, with and without the limit set its budget was priced with */
	lc_result *cab = lc_result_new();
	lc_result_cable cable = {.part_number = "P-1", .fiber_mode = "MM", .length_m = 3, .limit_set = "reference-grade"};
	cr_assert_eq(lc_result_set_cable(cab, &cable, NULL), 0);
	expect_valid(schema, cab);
	cable.limit_set = NULL;
	cr_assert_eq(lc_result_set_cable(cab, &cable, NULL), 0);
	expect_valid(schema, cab);
	char *j = to_json(cab, NULL);
	cr_expect(strstr(j, "\"end_b\": null") && !strstr(j, "limit_set"), "no set chosen, no member: %s", j);
	free(j);
	lc_result_free(cab);
	/* The validator really rejects: a report with a wrong type fails. */
	json_t *bad = json_pack("{s:s}", "format", "x");
	char msg[512];
	cr_expect_eq(th_schema_validate(schema, bad, msg, sizeof(msg)), -1);
	json_decref(bad);
	json_decref(schema);
}

/* An instrument's absent optional features (issue 20): written as an array only when there are some, read back
 * to the same bytes, valid against the schema; names other than [a-z0-9_] joined by ',' are refused. */
Test(report_json, absent_features_round_trip)
{
	lc_result *r = lc_bench_sample_result(7, 3);
	lc_diag d;
	lc_result_instrument in = {.role = "meter2", .features_absent = "read_all,zero"};
	cr_assert_geq(lc_result_add_instrument(r, &in, &d), 0, "%s", d.text);
	static const char *const bad[] = {"", "read all", ",zero", "zero,", "a,,b", "Zero"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lc_result *t = lc_result_new();
		lc_result_instrument b = {.role = "m", .features_absent = bad[i]};
		cr_expect_eq(lc_result_add_instrument(t, &b, &d), LC_ERR_ARG, "'%s'", bad[i]);
		lc_result_free(t);
	}
	size_t la;
	char *ja = to_json(r, &la);
	cr_assert(strstr(ja, "\"features_absent\": [\n        \"read_all\",\n        \"zero\"\n      ],"), "%s", ja);
	cr_expect_null(strstr(strstr(ja, "features_absent") + 1, "features_absent"), "only the instrument lacking some");
	lc_result *back;
	cr_assert_eq(lc_report_json_read(ja, la, &back, &d), 0, "%s", d.text);
	size_t lb;
	char *jb = to_json(back, &lb);
	cr_expect(lb == la && memcmp(ja, jb, la) == 0, "reading and writing again changes the bytes");
	cr_expect_str_eq(lc_result_instrument_at(back, lc_result_instrument_count(back) - 1)->features_absent,
			 "read_all,zero");
	json_t *schema = load_schema();
	expect_valid(schema, r);
	json_decref(schema);
	free(ja), free(jb);
	lc_result_free(r), lc_result_free(back);
}
