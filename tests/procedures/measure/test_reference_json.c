/* References written to and read from files: round trip, atomic replacement, every bad key named. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procedures/measure/reference_json.h"

static lc_reference sample(void)
{
	lc_reference r = {.method = LC_REF_2_JUMPER, .wavelength_nm = 1550, .taken_unix = 1795000000,
			  .valid_s = 28800, .cords = "trc-mpo,trc-lc", .instruments = "Keysight 8164B #DE1; Keysight N7745C #MY2",
			  .n_paths = 3, .ref_dbm = {-3.012, -3.1085, -2.9}};
	return r;
}

static void scratch(char *path, size_t cap, const char *name)
{
	const char *dir = getenv("LC_BUILD_DIR");
	snprintf(path, cap, "%s/optical-%ld-%s", dir ? dir : "/tmp", (long)getpid(), name);
}

Test(reference_json, round_trip_through_a_file)
{
	char path[512];
	scratch(path, sizeof(path), "ref.json");
	lc_reference r = sample(), back;
	lc_diag d = {0};
	cr_assert_eq(lc_reference_save(&r, path, &d), 0, "%s", d.text);
	cr_assert_eq(lc_reference_load(path, &back, &d), 0, "%s", d.text);
	cr_assert_eq(back.method, LC_REF_2_JUMPER);
	cr_assert_float_eq(back.wavelength_nm, 1550, 1e-12);
	cr_assert_eq(back.taken_unix, 1795000000);
	cr_assert_eq(back.valid_s, 28800);
	cr_assert_str_eq(back.cords, "trc-mpo,trc-lc");
	cr_assert_str_eq(back.instruments, r.instruments);
	cr_assert_eq(back.n_paths, 3);
	for (int i = 0; i < 3; i++)
		cr_assert_float_eq(back.ref_dbm[i], r.ref_dbm[i], 1e-9);
	cr_assert_eq(lc_reference_check(&back, 1550, 1795000000 + 100, &d), 0);
	cr_assert_eq(lc_reference_check(&back, 1550, 1795000000 + 28801, &d), LC_ERR_STATE, "still expires");
	r.ref_dbm[0] = -4;
	cr_assert_eq(lc_reference_save(&r, path, &d), 0, "replacing");
	cr_assert_eq(lc_reference_load(path, &back, &d), 0);
	cr_assert_float_eq(back.ref_dbm[0], -4, 1e-12);
	unlink(path);
}

Test(reference_json, refuses_to_store_an_incomplete_reference)
{
	char path[512];
	scratch(path, sizeof(path), "bad.json");
	lc_reference r = sample();
	r.ref_dbm[1] = -INFINITY;
	lc_diag d = {0};
	cr_assert_eq(lc_reference_save(&r, path, &d), LC_ERR_ARG);
	cr_assert_neq(access(path, F_OK), 0, "nothing written");
	r = sample();
	r.method = (enum lc_ref_method)0;
	cr_assert_null(lc_reference_to_json(&r));
	cr_assert_eq(lc_reference_save(&r, NULL, &d), LC_ERR_ARG);
}

Test(reference_json, missing_and_malformed_files)
{
	lc_reference r;
	lc_diag d = {0};
	cr_assert_eq(lc_reference_load("/nonexistent/ref.json", &r, &d), LC_ERR_NOT_FOUND);
	char path[512];
	scratch(path, sizeof(path), "garbage.json");
	FILE *f = fopen(path, "w");
	fputs("{\"format\": ", f);
	fclose(f);
	cr_assert_eq(lc_reference_load(path, &r, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, path), "%s", d.text);
	unlink(path);
}

Test(reference_json, every_bad_key_is_named)
{
	static const struct {
		const char *json, *key;
	} bad[] = {
		{"[]", "object"},
		{"{\"format\":\"other/1\",\"method\":\"1-jumper\",\"wavelength_nm\":1310,\"taken_unix\":1,\"valid_s\":1,\"ref_dbm\":[-3]}", "format"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"4-jumper\",\"wavelength_nm\":1310,\"taken_unix\":1,\"valid_s\":1,\"ref_dbm\":[-3]}", "method"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"1-jumper\",\"wavelength_nm\":13,\"taken_unix\":1,\"valid_s\":1,\"ref_dbm\":[-3]}", "wavelength_nm"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"1-jumper\",\"wavelength_nm\":1310,\"taken_unix\":-1,\"valid_s\":1,\"ref_dbm\":[-3]}", "taken_unix"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"1-jumper\",\"wavelength_nm\":1310,\"taken_unix\":1,\"valid_s\":0,\"ref_dbm\":[-3]}", "valid_s"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"1-jumper\",\"wavelength_nm\":1310,\"taken_unix\":1,\"valid_s\":1,\"ref_dbm\":[]}", "ref_dbm"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"1-jumper\",\"wavelength_nm\":1310,\"taken_unix\":1,\"valid_s\":1,\"ref_dbm\":[-3,\"x\"]}", "ref_dbm[1]"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"1-jumper\",\"wavelength_nm\":1310,\"taken_unix\":1,\"valid_s\":1,\"ref_dbm\":[-3],\"cords\":5}", "cords"},
		{"{\"format\":\"lanecert-reference/1\",\"method\":\"1-jumper\",\"wavelength_nm\":1310,\"taken_unix\":1,\"valid_s\":1,\"ref_dbm\":[-3],\"extra\":1}", "extra"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = json_loads(bad[i].json, 0, NULL);
		cr_assert_not_null(j, "case %zu", i);
		lc_reference r;
		lc_diag d = {0};
		cr_assert_eq(lc_reference_from_json(j, "ref.json", &r, &d), LC_ERR_FORMAT, "case %zu accepted", i);
		cr_assert(strstr(d.text, bad[i].key) && strstr(d.text, "ref.json"), "case %zu: %s", i, d.text);
		json_decref(j);
	}
}
