/*
 * `lanecert run` refusing its inputs before anything is opened (issue 12, item 3): serials that are not
 * identifiers, unknown procedure names and paths, a missing operator. No simulator is needed: nothing may get
 * as far as the instruments. The runs on the simulator are in test_run_cli_sim.c (a separate executable:
 * Criterion 2.4's runner leaks 48 bytes when these and those share one runner with --jobs=2).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/procedures/run_cli_util.h"
#include "tests/reports/helpers.h"

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
		int rc = rc_lc("run breakout-dr4-4x100g --station sim-default --serial \"$(printf '%s')\" --operator op "
			    "--no-sign --out '%s/out' --db '%s/r.db' --non-interactive",
			    serials[i], jail, jail);
		cr_expect_eq(rc, 64, "%s: %s", serials[i], rc_out);
		cr_expect(strstr(rc_out, why[i]) != NULL, "%s: %s", serials[i], rc_out);
		cr_expect(strstr(rc_out, "a serial number is 1-64 characters of A-Za-z0-9._-, not starting with a dot"),
			  "%s: %s", serials[i], rc_out);
	}
	cr_expect_eq(rc_entries(jail), 0, "nothing created in the jail");
	cr_expect_eq(rc_entries(dir), 1, "nothing created beside it");
	cr_expect(!rc_exists("/abs"));
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
	int rc = rc_lc("run mpo-trunk --station '%s' --serial AB12 --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 64, "%s", rc_out);
	cr_expect(strstr(rc_out, "serial 'AB12' does not match the station's pattern LC[0-9]{6}|[a-z./]+"), "%s",
		  rc_out);
	cr_expect(strstr(rc_out, "matches the station's pattern LC[0-9]{6}|[a-z./]+ and is 1-64 printable ASCII"),
		  "%s", rc_out);
	rc = rc_lc("run mpo-trunk --station '%s' --serial a/b --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 64, "%s", rc_out);
	cr_expect(strstr(rc_out, "contains '/'"), "%s", rc_out);
	rc = rc_lc("run mpo-trunk --station '%s' --serial .ab --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 64, "%s", rc_out);
	cr_expect(strstr(rc_out, "starts with a dot"), "%s", rc_out);
	char *o = th_path(dir, "o");
	cr_expect(!rc_exists(o));
	free(o);

	/* a pattern that does not compile is the station file's error */
	f = fopen(station, "w");
	fputs("{\"format\":\"lanecert-station/1\",\"name\":\"p\",\"serial_pattern\":\"LC[0-9\",\"instruments\":[]}", f);
	fclose(f);
	rc = rc_lc("run mpo-trunk --station '%s' --serial LC1 --operator op --no-sign --out '%s/o' --no-db", station, dir);
	cr_expect_eq(rc, 65, "%s", rc_out);
	cr_expect(strstr(rc_out, "serial_pattern") && strstr(rc_out, "not a POSIX extended regular expression"),
		  "%s", rc_out);
	free(dir), free(station);
}

/* A procedure is a name of the installed ones, checked before anything is opened: an unknown name or a path
 * exits 66 with the list, records no run and writes no report. */
Test(run_cli, unknown_procedure_exits_66_with_the_list, .timeout = 120)
{
	char *dir = th_scratch_dir("run-proc");
	const char *bad[] = {"no-such-procedure", "../../../../etc/passwd", "/etc/passwd", "mpo-trunk.lua"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = rc_lc("run '%s' --station sim-default --serial SN1 --operator op --no-sign --out '%s/out' "
			    "--db '%s/r.db' --non-interactive",
			    bad[i], dir, dir);
		cr_expect_eq(rc, 66, "%s: %s", bad[i], rc_out);
		cr_expect(strstr(rc_out, i == 0 ? "unknown procedure 'no-such-procedure'" : "is not a procedure name"),
			  "%s: %s", bad[i], rc_out);
		cr_expect(strstr(rc_out, "installed procedures (") &&
				  strstr(rc_out, "breakout-dr4-4x100g, breakout-mpo, breakout-sr16-16x25g, breakout-sr8-8x50g, field-tier1, "
						 "field-tier2"),
			  "%s", rc_out);
		cr_expect(strstr(rc_out, "--procedure-file PATH"), "%s", rc_out);
	}
	cr_expect_eq(rc_entries(dir), 0, "no report folder, no results store");
	int rc = rc_lc("run mpo-trunk --procedure-file /etc/hostname --station sim-default --serial SN1 --operator op "
		    "--no-sign --no-db --out '%s/out'",
		    dir);
	cr_expect_eq(rc, 64, "a name and a file: %s", rc_out);
	rc = rc_lc("run --procedure-file '%s/none.lua' --station sim-default --serial SN1 --operator op --no-sign --no-db "
		"--out '%s/out'",
		dir, dir);
	cr_expect_eq(rc, 66, "%s", rc_out);
	cr_expect(strstr(rc_out, "none.lua: no such file"), "%s", rc_out);
	cr_expect_eq(rc_entries(dir), 0);
	free(dir);
}

/* No operator, no terminal: exit 64 and how to give one. */
Test(run_cli, an_operator_is_required, .timeout = 120)
{
	char *dir = th_scratch_dir("run-operator");
	int rc = rc_lc("run mpo-trunk --station sim-default --serial SN1 --no-sign --out '%s/out' --db '%s/r.db' "
		    "--non-interactive",
		    dir, dir);
	cr_expect_eq(rc, 64, "%s", rc_out);
	cr_expect(strstr(rc_out, "a certification needs an operator: --operator NAME, or \"default_operator\" in the "
				   "station file (no terminal to ask on)"),
		  "%s", rc_out);
	rc = rc_lc("run mpo-trunk --station sim-default --serial SN1 --operator \"$(printf 'a\\tb')\" --no-sign --no-db "
		"--out '%s/out'",
		dir);
	cr_expect_eq(rc, 64, "%s", rc_out);
	cr_expect(strstr(rc_out, "is not an operator name"), "%s", rc_out);
	cr_expect_eq(rc_entries(dir), 0);
	free(dir);
}

