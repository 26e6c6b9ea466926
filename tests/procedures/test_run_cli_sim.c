/*
 * `lanecert run` and `lanecert results` on the simulated station (issue 12, items 3 and 6): reports land in
 * --out whatever a planted symlink says; a killed run's leftovers are cleaned; the operator and the attempt
 * are recorded; the results store keeps attempts, operators and the reason of a fail; a custom procedure file
 * is recorded with its SHA-256. (The refusals before anything is opened: test_run_cli.c.)
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "reports/result.h"
#include "tests/procedures/e2e_harness.h"
#include "tests/procedures/run_cli_util.h"
#include "tests/reports/helpers.h"

/* A pid no process has now (high ones are handed out last); not by fork(), which would copy the test runner. */
static pid_t unused_pid(void)
{
	long max = 32768;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r"); /* a /proc file has no size: read it as a stream */
	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 32768;
		fclose(f);
	}
	for (pid_t p = (pid_t)max - 1; p > 300; p--)
		if (kill(p, 0) < 0 && errno == ESRCH)
			return p;
	cr_assert_fail("no unused pid below %ld: kill says %s", max, strerror(errno));
	return -1;
}

/* Patch the station file the simulator wrote: add top-level members (a JSON object's text without braces). */
static void station_add(const char *path, const char *members)
{
	size_t n;
	char *text = th_slurp(path, &n);
	cr_assert_not_null(text);
	char *brace = strchr(text, '{');
	cr_assert_not_null(brace);
	FILE *f = fopen(path, "w");
	fprintf(f, "{%s,%s", members, brace + 1);
	fclose(f);
	free(text);
}

/* On the simulator: the station's default operator is recorded everywhere; a symlink planted in --out under
 * the names the report folder would take sends nothing outside; a killed run's staging folder and temporary
 * files are removed, a live writer's are not; the second attempt says so and is numbered in the report and
 * the store. */
Test(run_cli, reports_stay_in_out_and_attempts_are_counted, .timeout = 300)
{
	lc_e2e e;
	lc_e2e_start_sim(&e, "dr4-breakout-good");
	char station[300], out[300], outside[300], db[300];
	snprintf(station, sizeof(station), "%s/station.json", e.dir);
	snprintf(out, sizeof(out), "%s/out", e.dir);
	snprintf(outside, sizeof(outside), "%s/outside", e.dir);
	snprintf(db, sizeof(db), "%s/r.db", e.dir);
	station_add(station, "\"station_id\": \"STB-0042\", \"default_operator\": \"j.doe\", \"default_job\": "
			     "\"STOCK\", \"default_customer\": \"Lager Nord\", \"default_site\": \"Halle 2\", "
			     "\"limits_confirmation\": \"site-limits.json\"");
	/* beside the station file: confirms the APC return loss row only */
	static const char confirmation[] =
		"{\"format\": \"lanecert-limits-confirmation/1\", \"confirmed_by\": \"QA\", \"rows\": [{\"id\": "
		"\"tia.return_loss.SM.APC\", \"min\": 55, \"checked_against\": \"TIA-568.3-E, purchased copy\"}]}\n";
	char confirm_path[400], confirm_sha[LC_SHA256_HEX_LEN + 1];
	snprintf(confirm_path, sizeof(confirm_path), "%s/site-limits.json", e.dir);
	th_spit(confirm_path, confirmation, strlen(confirmation));
	lc_result_sha256_hex(confirmation, strlen(confirmation), confirm_sha);
	mkdir(out, 0755);
	mkdir(outside, 0755);

	/* symlinks under every name the folder could get in the next five minutes */
	time_t now = time(NULL);
	for (int s = 0; s < 300; s++) {
		char name[600], stamp[32];
		time_t t = now + s;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(name, sizeof(name), "%s/SN-LINK-%s-slot1", out, stamp);
		cr_assert_eq(symlink(outside, name), 0);
	}
	/* what a killed run left (a pid that has exited), and what a live one (this process) is writing */
	pid_t dead = unused_pid();
	char stale[600], stale_file[700], stale_tmp[600], live[600];
	snprintf(stale, sizeof(stale), "%s/.SN-OLD-20260101T000000Z-slot1.lctmp-%d-0", out, (int)dead);
	mkdir(stale, 0755);
	snprintf(stale_file, sizeof(stale_file), "%s/plots", stale);
	mkdir(stale_file, 0755);
	snprintf(stale_file, sizeof(stale_file), "%s/plots/il.svg", stale);
	th_spit(stale_file, "<svg/>", 6);
	snprintf(stale_file, sizeof(stale_file), "%s/report.json", stale);
	th_spit(stale_file, "{", 1);
	snprintf(stale_tmp, sizeof(stale_tmp), "%s/.x.json.lctmp-%d-abcdefgh", out, (int)dead);
	th_spit(stale_tmp, "x", 1);
	snprintf(live, sizeof(live), "%s/.y.json.lctmp-%d-abcdefgh", out, (int)getpid());
	th_spit(live, "y", 1);

	int rc = rc_lc("run breakout-dr4-4x100g --station '%s' --serial SN-LINK --no-sign --out '%s' --db '%s' "
		    "--non-interactive --json",
		    station, out, db);
	cr_assert_eq(rc, 0, "%s", rc_out);
	cr_expect(strstr(rc_out, "{\"event\":\"attempt\",\"slot\":1,\"serial\":\"SN-LINK\",\"attempt\":1}"), "%s",
		  rc_out);
	cr_expect_eq(rc_entries(outside), 0, "nothing went through the symlink");
	cr_expect(!rc_exists(stale) && !rc_exists(stale_tmp), "a killed run's leftovers are removed");
	cr_expect(rc_exists(live), "a live writer's temporary is kept");
	char report[PATH_MAX], real_out[PATH_MAX], real_report[PATH_MAX];
	rc_report_of(rc_out, report, sizeof(report));
	cr_assert(realpath(out, real_out) && realpath(report, real_report), "%s", rc_out);
	cr_expect(strncmp(real_report, real_out, strlen(real_out)) == 0 && strstr(report, "-slot1-1/report.json"),
		  "%s is in %s, beside the planted symlink", real_report, real_out);
	char *json = th_slurp(report, NULL);
	cr_assert_not_null(json);
	cr_expect(strstr(json, "\"operator\": \"j.doe\""), "%s", json);
	/* the station's asset id, recorded and printed (it read "—" while station files had no id) */
	cr_expect(strstr(json, "\"id\": \"STB-0042\""), "%s", json);
	cr_expect(strstr(json, "\"attempt\": 1"), "%s", json);
	cr_expect(strstr(json, "\"custom\": false"), "%s", json);
	/* the station's defaults for job, customer and site; the cable's identity from its type */
	cr_expect(strstr(json, "\"job\": \"STOCK\"") && strstr(json, "\"customer\": \"Lager Nord\"") &&
			  strstr(json, "\"site\": \"Halle 2\""),
		  "%s", json);
	cr_expect(strstr(json, "\"fiber_mode\": \"SM\"") && strstr(json, "\"end_a\": \"MPO-12 APC"), "%s", json);
	/* the APC return loss row is confirmed by the station's file, with its digest; the UPC one is not */
	char want[200];
	snprintf(want, sizeof(want), "\"limit_confirmed_sha256\": \"%s\"", confirm_sha);
	cr_expect(strstr(json, want) && strstr(json, "\"limit_confirmed_by\": \"site-limits.json\""), "%s", json);
	const char *apc = strstr(json, "\"limit_id\": \"tia.return_loss.SM.APC\""), *upc = strstr(json, "\"limit_id\": \"tia.return_loss.SM.UPC\"");
	cr_assert(apc && upc, "the dr4 run judges return loss on both polishes");
	char window[300];
	snprintf(window, sizeof(window), "%.200s", apc);
	cr_expect(strstr(window, "\"limit_status\": \"confirmed\""), "%s", window);
	snprintf(window, sizeof(window), "%.200s", upc);
	cr_expect(strstr(window, "\"limit_status\": \"unconfirmed\""), "the UPC row stays UNCONFIRMED: %s", window);
	free(json);
	/* the certificate: the file named, the UPC results still not certified */
	char html_path[PATH_MAX];
	snprintf(html_path, sizeof(html_path), "%.*s/report.html", (int)(strrchr(report, '/') - report), report);
	char *html = th_slurp(html_path, NULL);
	cr_assert_not_null(html, "%s", html_path);
	cr_expect(strstr(html, "STB-0042"), "the certificate names the station id");
	cr_expect(strstr(html, "limits file site-limits.json (SHA-256 ") && strstr(html, confirm_sha),
		  "the certificate names the file and its digest");
	cr_expect(strstr(html, "not certified"), "the UPC rows are still not certified");
	/* the fiber map, fiber by fiber: every one where it belongs on a good cable */
	char *fm = strstr(html, "<h2 id=\"fiber-map\">Fiber map</h2>");
	cr_assert_not_null(fm, "no fiber map table");
	cr_expect(strstr(fm, "<tr><td>A:1</td><td>B1:rx</td><td>B1:rx</td><td>\xe2\x9c\x93</td></tr>"), "%.1500s", fm);
	cr_expect_null(strstr(html, "class=\"mismatch\""), "a good cable has no mismatch");
	free(html);

	/* the second attempt, by a named operator, on a terminal (script(1) gives it one) */
	const char *cli = getenv("LC_CLI");
	rc = rc_lc("version >/dev/null; script -qec \"'%s' run breakout-dr4-4x100g --station '%s' --serial SN-LINK "
		"--operator alice --job PO-9 --site 'Bay 4' --no-sign --out '%s' --db '%s' --non-interactive\" /dev/null",
		cli, station, out, db);
	cr_expect(strstr(rc_out, "[slot 1] attempt 2 for SN-LINK (previous: pass at 20"), "%s", rc_out);
	cr_expect(strstr(rc_out, "[slot 1] SN-LINK PASS"), "%s", rc_out);
	cr_expect_eq(rc_entries(outside), 0);
	rc = rc_lc("results --db '%s' --serial SN-LINK --json", db);
	cr_assert_eq(rc, 0, "%s", rc_out);
	json_error_t je;
	json_t *rows = json_loads(rc_out, 0, &je);
	cr_assert(json_is_array(rows) && json_array_size(rows) == 2, "%s", rc_out);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(rows, 0), "attempt")), 1);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(rows, 1), "attempt")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "operator")), "j.doe");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 1), "operator")), "alice");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "job")), "STOCK");
	json_decref(rows);
	/* the options win over the station's defaults; --job finds that job's run only */
	rc = rc_lc("results --db '%s' --job PO-9 --json", db);
	cr_assert_eq(rc, 0, "%s", rc_out);
	rows = json_loads(rc_out, 0, &je);
	cr_assert(json_is_array(rows) && json_array_size(rows) == 1, "%s", rc_out);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "site")), "Bay 4");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "customer")), "Lager Nord");
	json_decref(rows);
	rc = rc_lc("results --db '%s' --operator alice --station sim-dr4-bench --cable dr4-mpo12apc-4xlc "
		"--procedure breakout-dr4-4x100g --csv",
		db);
	cr_expect_eq(rc, 0, "%s", rc_out);
	static const char header[] = "id,start,end,serial,attempt,cable_type,slot,station,operator,procedure,verdict,"
				     "reason,report,report_sha256,job,customer,site\n";
	cr_expect(strncmp(rc_out, header, strlen(header)) == 0, "%s", rc_out);
	cr_expect(strstr(rc_out, ",SN-LINK,2,dr4-mpo12apc-4xlc,1,sim-dr4-bench,alice,breakout-dr4-4x100g,pass,,"),
		  "%s", rc_out);
	cr_expect(strchr(strchr(rc_out, '\n') + 1, '\n') == rc_out + strlen(rc_out) - 1, "one row: %s", rc_out);
	/* each filter filters on its own: one value that matches no run leaves the header only */
	static const char *const none[] = {"--operator nobody", "--station other-bench", "--cable sr8-mpo16-8xlc",
					   "--procedure mpo-trunk", "--serial SN-OTHER", "--verdict fail"};
	for (size_t k = 0; k < sizeof(none) / sizeof(none[0]); k++) {
		rc = rc_lc("results --db '%s' %s", db, none[k]);
		cr_expect_eq(rc, 0, "%s: %s", none[k], rc_out);
		cr_expect(strchr(rc_out, '\n') == rc_out + strlen(rc_out) - 1, "%s: header only: %s", none[k], rc_out);
	}

	/* a --db that names no file: exit 66 and no file made */
	rc = rc_lc("results --db '%s/typo.db'", e.dir);
	cr_expect_eq(rc, 66, "%s", rc_out);
	cr_expect(strstr(rc_out, "typo.db does not exist"), "%s", rc_out);
	char typo[400];
	snprintf(typo, sizeof(typo), "%s/typo.db", e.dir);
	cr_expect(!rc_exists(typo));
	unlink(live);
	lc_e2e_stop(&e);
}

/* A failed run's reason is the sentence the run printed, stored and shown by `lanecert results`; a custom
 * procedure file is recorded as custom with the SHA-256 of its bytes. */
/* --limit-set: the length-based limit of every fiber is priced with the chosen set, which report.json records
 * and the certificate names. The DR4 harness's two ends meet the tester's reference cords: reference-grade
 * prices each at 0.20 dB SM (TIA-526-7 [FLUKE-REF]), not the standard's 0.50 dB, so its 1310 nm limit is
 * 0.20 + 0.20 + 3 m x 0.4 dB/km = 0.4012 dB where the cable's own (no set) gives 1.0012 dB. */
Test(run_cli, limit_set_prices_the_limit_and_is_named, .timeout = 300)
{
	lc_e2e e;
	lc_e2e_start_sim(&e, "dr4-breakout-good");
	char station[300], out[300];
	snprintf(station, sizeof(station), "%s/station.json", e.dir);
	snprintf(out, sizeof(out), "%s/out", e.dir);
	int rc = rc_lc("run breakout-dr4-4x100g --station '%s' --serial SN-SET --operator qa --no-sign --no-db "
		    "--no-publish --out '%s' --non-interactive --json --limit-set reference-grade",
		    station, out);
	cr_assert_eq(rc, 0, "%s", rc_out);
	char report[PATH_MAX];
	rc_report_of(rc_out, report, sizeof(report));
	char *json = th_slurp(report, NULL);
	cr_assert_not_null(json, "%s", report);
	cr_expect(strstr(json, "\"limit_set\": \"reference-grade\""), "%s", json);
	const char *il = strstr(json, "\"name\": \"insertion_loss\"");
	cr_assert_not_null(il, "no insertion loss recorded");
	size_t n_il = 0, n_priced = 0;
	for (const char *m = json; (m = strstr(m, "\"name\": \"insertion_loss\"")); m++) {
		/* the measurement object's limit precedes its name in canonical (sorted) order */
		const char *lim = m;
		while (lim > json && strncmp(lim, "\"limit\": {", 10) != 0)
			lim--;
		n_il++;
		n_priced += strncmp(lim, "\"limit\": {", 10) == 0 && strstr(lim, "\"high\": 0.4012") &&
			    strstr(lim, "\"high\": 0.4012") < m;
	}
	cr_expect_eq(n_il, 8, "8 fibers at 1310 nm");
	cr_expect_eq(n_priced, n_il, "every fiber's limit is the reference-grade budget");
	free(json);
	char html_path[PATH_MAX];
	snprintf(html_path, sizeof(html_path), "%.*s/report.html", (int)(strrchr(report, '/') - report), report);
	char *html = th_slurp(html_path, NULL);
	cr_assert_not_null(html, "%s", html_path);
	cr_expect(strstr(html, "<tr><th>Loss limit set</th><td>reference-grade</td></tr>"), "the certificate names the set");
	free(html);
	lc_e2e_stop(&e);
}

Test(run_cli, fail_reason_and_custom_procedure_file, .timeout = 300)
{
	lc_e2e e;
	lc_e2e_start_sim(&e, "dr4-breakout-dirty-leg");
	char station[300], out[300], db[300], proc[300], src[1200];
	snprintf(station, sizeof(station), "%s/station.json", e.dir);
	snprintf(out, sizeof(out), "%s/out", e.dir);
	snprintf(db, sizeof(db), "%s/r.db", e.dir);
	snprintf(proc, sizeof(proc), "%s/my-dr4.lua", e.dir);
	snprintf(src, sizeof(src), "%s/procedures/breakout-dr4-4x100g.lua", getenv("LC_SOURCE_DIR"));
	size_t n;
	char *text = th_slurp(src, &n);
	cr_assert_not_null(text, "%s", src);
	th_spit(proc, text, n);
	char sha[LC_SHA256_HEX_LEN + 1];
	lc_result_sha256_hex(text, n, sha);
	free(text);

	int rc = rc_lc("run --procedure-file '%s' --station '%s' --serial DIRTY-1 --operator bob --no-sign --out '%s' "
		    "--db '%s' --non-interactive --json",
		    proc, station, out, db);
	cr_assert_eq(rc, 1, "%s", rc_out);
	const char *line = strstr(rc_out, "{\"event\":\"result\"");
	cr_assert_not_null(line, "%s", rc_out);
	const char *r = strstr(line, "\"reason\":\"");
	cr_assert_not_null(r);
	char reason[512];
	snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(r + 10, "\""), r + 10);
	cr_expect(reason[0], "a fail has a reason: %s", line);
	char report[PATH_MAX];
	rc_report_of(rc_out, report, sizeof(report));
	char *json = th_slurp(report, NULL);
	cr_assert_not_null(json, "%s", report);
	char want[200];
	snprintf(want, sizeof(want), "\"sha256\": \"%s\"", sha);
	cr_expect(strstr(json, "\"custom\": true") && strstr(json, want), "%s", json);
	free(json);

	rc = rc_lc("results --db '%s' --verdict fail --json", db);
	cr_assert_eq(rc, 0, "%s", rc_out);
	json_error_t je;
	json_t *rows = json_loads(rc_out, 0, &je);
	cr_assert(json_is_array(rows) && json_array_size(rows) == 1, "%s", rc_out);
	json_t *row = json_array_get(rows, 0);
	cr_expect_str_eq(json_string_value(json_object_get(row, "reason")), reason);
	cr_expect_str_eq(json_string_value(json_object_get(row, "procedure")), "my-dr4.lua");
	cr_expect_str_eq(json_string_value(json_object_get(row, "operator")), "bob");
	json_decref(rows);
	rc = rc_lc("results --db '%s'", db);
	cr_expect(strstr(rc_out, reason), "the table shows the reason: %s", rc_out);
	lc_e2e_stop(&e);
}

/* The views are rendered by a child process (lanecert-render): one that fails makes the run an error, and
 * no report is published for it, although the cable passed (issue 22). */
Test(run_cli, a_renderer_failure_is_an_error, .timeout = 300)
{
	lc_e2e e;
	lc_e2e_start_sim(&e, "dr4-breakout-good");
	char station[300], out[300], db[300];
	snprintf(station, sizeof(station), "%s/station.json", e.dir);
	snprintf(out, sizeof(out), "%s/out", e.dir);
	snprintf(db, sizeof(db), "%s/r.db", e.dir);
	cr_assert_eq(setenv("LANECERT_RENDERER", "/bin/false", 1), 0);
	int rc = rc_lc("run breakout-dr4-4x100g --station '%s' --serial SN-R --operator op --no-sign --out '%s' "
		       "--db '%s' --non-interactive --json",
		       station, out, db);
	unsetenv("LANECERT_RENDERER");
	cr_expect_eq(rc, LC_EXIT_ERROR, "%s", rc_out);
	cr_expect(strstr(rc_out, "\"verdict\":\"pass\""), "the cable itself passed: %s", rc_out);
	cr_expect(strstr(rc_out, "the renderer (/bin/false) exited 1"), "%s", rc_out);
	cr_expect(strstr(rc_out, "\"report\":\"\""), "a report was published: %s", rc_out);
	cr_expect_eq(rc_entries(out), 0, "the report folder or the views' staging folder was left");
	rc = rc_lc("results --db '%s' --serial SN-R", db);
	cr_expect_eq(rc, 0, "%s", rc_out);
	cr_expect(strstr(rc_out, "error"), "the store does not record an error: %s", rc_out);
	lc_e2e_stop(&e);
}

