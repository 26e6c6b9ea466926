/*
 * `lanecert run` and `lanecert results` as an operator meets them, on the simulated station (issue 12, items 3
 * and 6): serials, procedure names and the operator are checked before anything is opened; reports land in
 * --out whatever the serial or a planted symlink says; a killed run's leftovers are cleaned; the results store
 * keeps attempts, operators and the reason of a fail.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reports/result.h"
#include "tests/procedures/e2e_harness.h"
#include "tests/reports/helpers.h"

static char out_text[1 << 17];

/* Run `lanecert ARGS` (a shell fragment) with stdout and stderr into out_text; the exit code. */
static int lc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int lc(const char *fmt, ...)
{
	const char *cli = getenv("LC_CLI");
	cr_assert(cli && access(cli, X_OK) == 0, "LC_CLI (the lanecert executable) is not built");
	char args[8192], cmd[9000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s' %s 2>&1 </dev/null", cli, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out_text, 1, sizeof(out_text) - 1, p);
	out_text[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Entries of a folder, not counting . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* The "report" of the result line of a --json run ("" when none). */
static void report_of(const char *text, char *buf, size_t cap)
{
	buf[0] = '\0';
	const char *r = strstr(text, "{\"event\":\"result\"");
	const char *p = r ? strstr(r, "\"report\":\"") : NULL;
	if (p) {
		p += 10;
		size_t n = strcspn(p, "\"");
		snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), p);
	}
}

/* Serials that are not identifiers exit 64 with the rule, before anything is created: no --out folder, no
 * results store, nothing beside the jail. */
Test(run_cli, bad_serials_exit_64_and_write_nothing, .timeout = 120)
{
	char *dir = th_scratch_dir("run-serial");
	char *jail = th_path(dir, "jail");
	mkdir(jail, 0755);
	char long_sn[70];
	memset(long_sn, 'A', 65);
	long_sn[65] = '\0';
	static const char *const why[] = {"contains '/'", "contains '/'", "contains '/'", "65 characters long",
					  "contains a control character", "not ASCII", "starts with a dot",
					  "contains a control character"};
	/* printf(1) formats: \t, \n and the UTF-8 of e-acute in octal (dash's printf knows no \x) */
	const char *serials[] = {"../x", "/abs", "a/b", long_sn, "SN\\t1", "caf\\303\\251", ".hidden", "SN\\0332"};
	for (size_t i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
		int rc = lc("run breakout-dr4-4x100g --station sim-default --serial \"$(printf '%s')\" --operator op "
			    "--no-sign --out '%s/out' --db '%s/r.db' --non-interactive",
			    serials[i], jail, jail);
		cr_expect_eq(rc, 64, "%s: %s", serials[i], out_text);
		cr_expect(strstr(out_text, why[i]) != NULL, "%s: %s", serials[i], out_text);
		cr_expect(strstr(out_text, "a serial number is 1-64 characters of A-Za-z0-9._-, not starting with a dot"),
			  "%s: %s", serials[i], out_text);
	}
	cr_expect_eq(entries(jail), 0, "nothing created in the jail");
	cr_expect_eq(entries(dir), 1, "nothing created beside it");
	cr_expect(!exists("/abs"));
	free(dir), free(jail);
}

/* A station's own pattern: what it does not match exits 64 naming the pattern; the safety rules still hold
 * when the pattern would let a '/' or a leading dot through. */
Test(run_cli, station_serial_pattern, .timeout = 120)
{
	char *dir = th_scratch_dir("run-pattern");
	char *station = th_path(dir, "st.json");
	FILE *f = fopen(station, "w");
	cr_assert_not_null(f);
	fputs("{\"format\":\"lanecert-station/1\",\"name\":\"p\",\"serial_pattern\":\"LC[0-9]{6}|[a-z./]+\","
	      "\"instruments\":[],\"slots\":[{\"number\":1,\"cable\":\"dr4-mpo12apc-4xlc\"}]}",
	      f);
	fclose(f);
	int rc = lc("run mpo-trunk --station '%s' --serial AB12 --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 64, "%s", out_text);
	cr_expect(strstr(out_text, "serial 'AB12' does not match the station's pattern LC[0-9]{6}|[a-z./]+"), "%s",
		  out_text);
	cr_expect(strstr(out_text, "matches the station's pattern LC[0-9]{6}|[a-z./]+ and is 1-64 printable ASCII"),
		  "%s", out_text);
	rc = lc("run mpo-trunk --station '%s' --serial a/b --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 64, "%s", out_text);
	cr_expect(strstr(out_text, "contains '/'"), "%s", out_text);
	rc = lc("run mpo-trunk --station '%s' --serial .ab --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 64, "%s", out_text);
	cr_expect(strstr(out_text, "starts with a dot"), "%s", out_text);
	cr_expect(!exists(th_path(dir, "o")));

	/* a pattern that does not compile is the station file's error */
	f = fopen(station, "w");
	fputs("{\"format\":\"lanecert-station/1\",\"name\":\"p\",\"serial_pattern\":\"LC[0-9\",\"instruments\":[]}", f);
	fclose(f);
	rc = lc("run mpo-trunk --station '%s' --serial LC1 --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 65, "%s", out_text);
	cr_expect(strstr(out_text, "serial_pattern") && strstr(out_text, "not a POSIX extended regular expression"),
		  "%s", out_text);
	free(dir), free(station);
}

/* A procedure is a name of the installed ones, checked before anything is opened: an unknown name or a path
 * exits 66 with the list, records no run and writes no report. */
Test(run_cli, unknown_procedure_exits_66_with_the_list, .timeout = 120)
{
	char *dir = th_scratch_dir("run-proc");
	const char *bad[] = {"no-such-procedure", "../../../../etc/passwd", "/etc/passwd", "mpo-trunk.lua"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = lc("run '%s' --station sim-default --serial SN1 --operator op --no-sign --out '%s/out' "
			    "--db '%s/r.db' --non-interactive",
			    bad[i], dir, dir);
		cr_expect_eq(rc, 66, "%s: %s", bad[i], out_text);
		cr_expect(strstr(out_text, i == 0 ? "unknown procedure 'no-such-procedure'" : "is not a procedure name"),
			  "%s: %s", bad[i], out_text);
		cr_expect(strstr(out_text, "installed procedures (") &&
				  strstr(out_text, "breakout-dr4-4x100g, breakout-sr8-8x50g, field-tier1, field-tier2"),
			  "%s", out_text);
		cr_expect(strstr(out_text, "--procedure-file PATH"), "%s", out_text);
	}
	cr_expect_eq(entries(dir), 0, "no report folder, no results store");
	int rc = lc("run mpo-trunk --procedure-file /etc/hostname --station sim-default --serial SN1 --operator op "
		    "--no-sign --no-db --out '%s/out'",
		    dir);
	cr_expect_eq(rc, 64, "a name and a file: %s", out_text);
	rc = lc("run --procedure-file '%s/none.lua' --station sim-default --serial SN1 --operator op --no-sign --no-db "
		"--out '%s/out'",
		dir, dir);
	cr_expect_eq(rc, 66, "%s", out_text);
	cr_expect(strstr(out_text, "none.lua: no such file"), "%s", out_text);
	cr_expect_eq(entries(dir), 0);
	free(dir);
}

/* No operator, no terminal: exit 64 and how to give one. */
Test(run_cli, an_operator_is_required, .timeout = 120)
{
	char *dir = th_scratch_dir("run-operator");
	int rc = lc("run mpo-trunk --station sim-default --serial SN1 --no-sign --out '%s/out' --db '%s/r.db' "
		    "--non-interactive",
		    dir, dir);
	cr_expect_eq(rc, 64, "%s", out_text);
	cr_expect(strstr(out_text, "a certification needs an operator: --operator NAME, or \"default_operator\" in the "
				   "station file (no terminal to ask on)"),
		  "%s", out_text);
	rc = lc("run mpo-trunk --station sim-default --serial SN1 --operator \"$(printf 'a\\tb')\" --no-sign --no-db "
		"--out '%s/out'",
		dir);
	cr_expect_eq(rc, 64, "%s", out_text);
	cr_expect(strstr(out_text, "is not an operator name"), "%s", out_text);
	cr_expect_eq(entries(dir), 0);
	free(dir);
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
	station_add(station, "\"default_operator\": \"j.doe\"");
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
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
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

	int rc = lc("run breakout-dr4-4x100g --station '%s' --serial SN-LINK --no-sign --out '%s' --db '%s' "
		    "--non-interactive --json",
		    station, out, db);
	cr_assert_eq(rc, 0, "%s", out_text);
	cr_expect(strstr(out_text, "{\"event\":\"attempt\",\"slot\":1,\"serial\":\"SN-LINK\",\"attempt\":1}"), "%s",
		  out_text);
	cr_expect_eq(entries(outside), 0, "nothing went through the symlink");
	cr_expect(!exists(stale) && !exists(stale_tmp), "a killed run's leftovers are removed");
	cr_expect(exists(live), "a live writer's temporary is kept");
	char report[PATH_MAX], real_out[PATH_MAX], real_report[PATH_MAX];
	report_of(out_text, report, sizeof(report));
	cr_assert(realpath(out, real_out) && realpath(report, real_report), "%s", out_text);
	cr_expect(strncmp(real_report, real_out, strlen(real_out)) == 0 && strstr(report, "-slot1-1/report.json"),
		  "%s is in %s, beside the planted symlink", real_report, real_out);
	char *json = th_slurp(report, NULL);
	cr_assert_not_null(json);
	cr_expect(strstr(json, "\"operator\": \"j.doe\""), "%s", json);
	cr_expect(strstr(json, "\"attempt\": 1"), "%s", json);
	cr_expect(strstr(json, "\"custom\": false"), "%s", json);
	free(json);

	/* the second attempt, by a named operator, on a terminal (script(1) gives it one) */
	const char *cli = getenv("LC_CLI");
	rc = lc("version >/dev/null; script -qec \"'%s' run breakout-dr4-4x100g --station '%s' --serial SN-LINK "
		"--operator alice --no-sign --out '%s' --db '%s' --non-interactive\" /dev/null",
		cli, station, out, db);
	cr_expect(strstr(out_text, "[slot 1] attempt 2 for SN-LINK (previous: pass at 20"), "%s", out_text);
	cr_expect(strstr(out_text, "[slot 1] SN-LINK PASS"), "%s", out_text);
	cr_expect_eq(entries(outside), 0);
	rc = lc("results --db '%s' --serial SN-LINK --json", db);
	cr_assert_eq(rc, 0, "%s", out_text);
	json_error_t je;
	json_t *rows = json_loads(out_text, 0, &je);
	cr_assert(json_is_array(rows) && json_array_size(rows) == 2, "%s", out_text);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(rows, 0), "attempt")), 1);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(rows, 1), "attempt")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "operator")), "j.doe");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rows, 1), "operator")), "alice");
	json_decref(rows);
	rc = lc("results --db '%s' --operator alice --station sim-dr4-bench --cable dr4-mpo12apc-4xlc "
		"--procedure breakout-dr4-4x100g --csv",
		db);
	cr_expect_eq(rc, 0, "%s", out_text);
	static const char header[] = "id,start,end,serial,attempt,cable_type,slot,station,operator,procedure,verdict,"
				     "reason,report,report_sha256\n";
	cr_expect(strncmp(out_text, header, strlen(header)) == 0, "%s", out_text);
	cr_expect(strstr(out_text, ",SN-LINK,2,dr4-mpo12apc-4xlc,1,sim-dr4-bench,alice,breakout-dr4-4x100g,pass,,"),
		  "%s", out_text);
	cr_expect(strchr(strchr(out_text, '\n') + 1, '\n') == out_text + strlen(out_text) - 1, "one row: %s", out_text);
	rc = lc("results --db '%s' --operator nobody", db);
	cr_expect_eq(rc, 0, "%s", out_text);
	cr_expect(strchr(out_text, '\n') == out_text + strlen(out_text) - 1, "header only: %s", out_text);

	/* a --db that names no file: exit 66 and no file made */
	rc = lc("results --db '%s/typo.db'", e.dir);
	cr_expect_eq(rc, 66, "%s", out_text);
	cr_expect(strstr(out_text, "typo.db does not exist"), "%s", out_text);
	char typo[400];
	snprintf(typo, sizeof(typo), "%s/typo.db", e.dir);
	cr_expect(!exists(typo));
	unlink(live);
	lc_e2e_stop(&e);
}

/* A failed run's reason is the sentence the run printed, stored and shown by `lanecert results`; a custom
 * procedure file is recorded as custom with the SHA-256 of its bytes. */
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

	int rc = lc("run --procedure-file '%s' --station '%s' --serial DIRTY-1 --operator bob --no-sign --out '%s' "
		    "--db '%s' --non-interactive --json",
		    proc, station, out, db);
	cr_assert_eq(rc, 1, "%s", out_text);
	const char *line = strstr(out_text, "{\"event\":\"result\"");
	cr_assert_not_null(line, "%s", out_text);
	const char *r = strstr(line, "\"reason\":\"");
	cr_assert_not_null(r);
	char reason[512];
	snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(r + 10, "\""), r + 10);
	cr_expect(reason[0], "a fail has a reason: %s", line);
	char report[PATH_MAX];
	report_of(out_text, report, sizeof(report));
	char *json = th_slurp(report, NULL);
	cr_assert_not_null(json, "%s", report);
	char want[200];
	snprintf(want, sizeof(want), "\"sha256\": \"%s\"", sha);
	cr_expect(strstr(json, "\"custom\": true") && strstr(json, want), "%s", json);
	free(json);

	rc = lc("results --db '%s' --verdict fail --json", db);
	cr_assert_eq(rc, 0, "%s", out_text);
	json_error_t je;
	json_t *rows = json_loads(out_text, 0, &je);
	cr_assert(json_is_array(rows) && json_array_size(rows) == 1, "%s", out_text);
	json_t *row = json_array_get(rows, 0);
	cr_expect_str_eq(json_string_value(json_object_get(row, "reason")), reason);
	cr_expect_str_eq(json_string_value(json_object_get(row, "procedure")), "my-dr4.lua");
	cr_expect_str_eq(json_string_value(json_object_get(row, "operator")), "bob");
	json_decref(rows);
	rc = lc("results --db '%s'", db);
	cr_expect(strstr(out_text, reason), "the table shows the reason: %s", out_text);
	lc_e2e_stop(&e);
}
