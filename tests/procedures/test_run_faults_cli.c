/*
 * A verdict can only get worse, seen from the command line: text that an instrument or a procedure sends is
 * made valid UTF-8 before it becomes a reason, so the run ends `error` (exit 3), every --json line is JSON, and
 * the results store keeps the reason (it refuses invalid UTF-8, which once lost the error and signed a pass).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "tests/procedures/run_cli.h"
#include "tests/sim/simworld_util.h"

TestSuite(run_faults_cli, .timeout = 240);

static void expect_error_with_reason(run_cli *c, int code, const char *reason_part)
{
	char verdict[32], why[400];
	cr_expect_eq(code, 3, "exit %d, stdout:\n%s", code, c->out);
	cr_expect(run_cli_json_lines_ok(c, verdict, sizeof(verdict), why, sizeof(why)), "%s", why);
	cr_expect_str_eq(verdict, "error");
	cr_expect_str_eq(c->store_verdict, "error", "the store's row");
	cr_expect(lc_utf8_valid(c->reason, strlen(c->reason)));
	cr_expect(strstr(c->reason, reason_part), "stored reason: %s", c->reason);
}

/* The OTDR's 30th reply (the 5th fiber's file size) starts with the simulator's garbage \xFF\xFE\x07#?\x01. */
Test(run_faults_cli, garbled_otdr_reply_with_ff_bytes_is_an_error)
{
	json_t *sc = sw_scenario_json("field-tier2-good");
	json_t *otdr = json_object_get(json_object_get(sc, "instruments"), "otdr");
	json_object_set_new(otdr, "faults", json_pack("{s:i}", "garbage_at", 30));
	run_cli c;
	run_cli_start(&c, sc, "cli-otdr-garbage");
	int code = run_cli_run(&c, "field-tier2", "GARBLED-1", NULL);
	/* the fault fired: its escaped bytes are what the reason quotes */
	expect_error_with_reason(&c, code, "\\xFF\\xFE");
	cr_expect_null(strstr(c.out, "\"verdict\":\"pass\",\"report\""), "no pass result");
	run_cli_stop(&c);
}

/* A procedure step raising an error of 400 x "é": the 640-byte reason is cut between characters. */
Test(run_faults_cli, a_long_non_ascii_lua_error_is_an_error)
{
	json_t *sc = sw_scenario_json("field-tier1-good");
	run_cli c;
	run_cli_start(&c, sc, "cli-lua-eacute");
	char proc[700];
	snprintf(proc, sizeof(proc), "%s/eacute.lua", c.dir);
	FILE *f = fopen(proc, "w");
	cr_assert(f);
	fputs("return { name = 'eacute', version = '1',\n"
	      "  steps = { { name = 'raise', main = function(ctx) error(string.rep('\xc3\xa9', 400)) end } } }\n",
	      f);
	fclose(f);
	int code = run_cli_run(&c, proc, "EACUTE-1", NULL);
	expect_error_with_reason(&c, code, "step 'raise': ");
	cr_expect(strstr(c.reason, "\xc3\xa9\xc3\xa9\xc3\xa9"), "the text itself is kept: %s", c.reason);
	run_cli_stop(&c);
}

static void meter_errors(const char *faults, const char *tag, const char *reason_part)
{
	json_error_t je;
	json_t *sc = sw_scenario_json("field-tier1-good");
	json_t *meter = json_object_get(json_object_get(sc, "instruments"), "meter");
	cr_assert_str_eq(json_string_value(json_object_get(meter, "kind")), "thorlabs_pm100usb");
	json_object_set_new(meter, "faults", json_loads(faults, 0, &je));
	run_cli c;
	run_cli_start(&c, sc, tag);
	int code = run_cli_run(&c, "field-tier1", "PM100-ERR", NULL);
	expect_error_with_reason(&c, code, reason_part);
	cr_expect_eq(run_cli_lasers_on(&c), 0, "lasers off");
	run_cli_stop(&c);
}

/* The Thorlabs PM100 once never read its error queue: a -222 left a signed pass. Queued before the run, it is
 * the meter's own error (not the answer to lanecert's first command); raised mid-run, the next operation sees
 * it. Both name the error the simulator injected, which proves it fired. */
Test(run_faults_cli, pm100_error_pending_before_the_run_is_an_error)
{
	meter_errors("{\"push_errors\": [-222]}", "cli-pm100-pending",
		     "pending in its queue before lanecert's first command (the instrument's own, now cleared): -222");
}

Test(run_faults_cli, pm100_error_raised_mid_run_is_an_error)
{
	meter_errors("{\"push_errors_at\": 20, \"push_errors\": [-222]}", "cli-pm100-midrun", ": -222,");
}

static void source_fault(run_cli *c, const char *faults, const char *tag)
{
	json_error_t je;
	json_t *sc = sw_scenario_json("dr4-breakout-good");
	json_t *src = json_object_get(json_object_get(sc, "instruments"), "source");
	json_object_set_new(src, "faults", json_loads(faults, 0, &je));
	run_cli_start(c, sc, tag);
}

/* The source drops its connection right after it was told to light its laser (message 20 is
 * ":SOUR1:CHAN1:POW:STAT 1"): the cleanup reaches it on a fresh connection and the laser goes off. */
Test(run_faults_cli, a_source_that_drops_its_connection_is_turned_off_on_a_fresh_one)
{
	run_cli c;
	source_fault(&c, "{\"drop_after\": 20}", "cli-source-drops");
	int code = run_cli_run(&c, "breakout-dr4-4x100g", "DROP-1", NULL);
	/* The drop fired on the command that lights the laser. Which side of that command sees it is the
	 * kernel's timing: the write fails (EPIPE, "write: peer closed the connection") or it still goes out
	 * and the read fails ("connection reset by peer"); both are the fault, on a loaded machine either. */
	expect_error_with_reason(&c, code, "POW:STAT 1: ");
	cr_expect(strstr(c.reason, "POW:STAT 1: connection reset by peer") ||
			  strstr(c.reason, "POW:STAT 1: write: peer closed the connection"),
		  "stored reason: %s", c.reason);
	cr_expect_eq(run_cli_lasers_on(&c), 0, "the laser the dropped session lit is off");
	cr_expect_null(strstr(c.out, "laser may still be on"));
	run_cli_stop(&c);
}

/* A source that stops answering cannot be reached on a fresh connection either: the run says in plain words
 * which laser may still be on, in its --json result, its report and the store (the simulator confirms it). */
Test(run_faults_cli, a_source_out_of_reach_is_shouted)
{
	run_cli c;
	source_fault(&c, "{\"stop_answering_after\": 20}", "cli-source-silent");
	int code = run_cli_run(&c, "breakout-dr4-4x100g", "SILENT-1", NULL);
	expect_error_with_reason(&c, code, "laser may still be on: Keysight 8164B serial ");
	cr_expect(strstr(c.out, "\"reason\":\"laser may still be on: Keysight 8164B"), "%s", c.out);
	cr_expect_eq(run_cli_lasers_on(&c), 1, "the simulator's truth: it is on");
	run_cli_stop(&c);
}
