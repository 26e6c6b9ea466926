/* `lanecert run` against simulated faulty cables, as an operator runs it: the verdict, the exit code and the
 * diagnosis sentence, the same in the JSON lines, the report and the results store. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/procedures/run_cli.h"
#include "tests/reports/helpers.h"
#include "tests/sim/simworld_util.h"

TestSuite(cli_verdicts, .timeout = 300);

typedef struct run_out {
	int exit_code;
	char verdict[32];
	char reason[1024];
	char report_reason[1024];
	char report_verdict[32];
	char store_reason[1024];
	char store_verdict[32];
	bool html_has_reason;
} run_out;

/* The value of "key":"..." in text (escapes kept as written; our sentences hold none). top: the report's
 * top-level key (pretty-printed, two spaces in), not a measurement's. */
static void json_field(const char *text, const char *key, bool top, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof(pat), top ? "\n  \"%s\": \"" : "\"%s\":\"", key);
	const char *s = text ? strstr(text, pat) : NULL;
	out[0] = '\0';
	if (!s)
		return;
	s += strlen(pat);
	size_t n = strcspn(s, "\"");
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), s);
}

static void certify_sc(json_t *sc, const char *procedure, const char *fixtures, run_out *o)
{
	run_cli c;
	/* the serial on the cable's label: an AOC's module memories carry it, and a station stops a cable whose
	 * memory says another serial (module_serial_policy, default stop) */
	char serial[64];
	const char *dut_serial = json_string_value(json_object_get(json_object_get(sc, "dut"), "serial"));
	snprintf(serial, sizeof(serial), "%s", dut_serial ? dut_serial : "T-1");
	run_cli_start(&c, sc, "cli-verdicts");
	const char *extra[] = {"--fixtures", fixtures, NULL};
	o->exit_code = run_cli_run(&c, procedure, serial, fixtures ? extra : NULL);
	snprintf(o->store_reason, sizeof(o->store_reason), "%s", c.reason);
	snprintf(o->store_verdict, sizeof(o->store_verdict), "%s", c.store_verdict);
	const char *res = strstr(c.out, "{\"event\":\"result\"");
	cr_assert_not_null(res, "no result line in:\n%s", c.out);
	json_field(res, "verdict", false, o->verdict, sizeof(o->verdict));
	json_field(res, "reason", false, o->reason, sizeof(o->reason));
	char report[700], html[700];
	json_field(res, "report", false, report, sizeof(report));
	cr_assert(report[0], "no report written: %s", res);
	char *rep = th_slurp(report, NULL);
	cr_assert_not_null(rep, "%s", report);
	json_field(rep, "reason", true, o->report_reason, sizeof(o->report_reason));
	json_field(rep, "verdict", true, o->report_verdict, sizeof(o->report_verdict));
	free(rep);
	/* the HTML view says the same sentence (none of ours needs escaping but the apostrophe-free ones) */
	snprintf(html, sizeof(html), "%.*shtml", (int)(strlen(report) - 4), report);
	char *h = th_slurp(html, NULL);
	o->html_has_reason = h && o->report_reason[0] && strstr(h, o->report_reason) != NULL;
	free(h);
	run_cli_stop(&c);
}

static void certify_with(const char *scenario, const char *procedure, const char *fixtures, run_out *o)
{
	certify_sc(sw_scenario_json(scenario), procedure, fixtures, o);
}

static void certify(const char *scenario, const char *procedure, run_out *o)
{
	certify_with(scenario, procedure, NULL, o);
}

static void expect(const char *scenario, const char *procedure, int exit_code, const char *verdict,
		   const char *reason)
{
	run_out o;
	certify(scenario, procedure, &o);
	cr_expect_eq(o.exit_code, exit_code, "%s: exit %d (%s: %s)", scenario, o.exit_code, o.verdict, o.reason);
	cr_expect_str_eq(o.verdict, verdict, "%s", scenario);
	cr_expect_str_eq(o.reason, reason, "%s: the terminal's reason: %s", scenario, o.reason);
	cr_expect_str_eq(o.report_reason, reason, "%s: the report's reason", scenario);
	cr_expect_str_eq(o.report_verdict, verdict, "%s: the report's verdict", scenario);
	cr_expect_str_eq(o.store_reason, reason, "%s: the results store's reason", scenario);
	cr_expect_str_eq(o.store_verdict, verdict, "%s: the results store's verdict", scenario);
	cr_expect(o.html_has_reason, "%s: report.html shows the reason", scenario);
	for (const char *bad = o.reason; *bad; bad++)
		cr_expect(strncmp(bad, "LC_ERR_", 7) != 0 && strncmp(bad, ".lua:", 5) != 0, "internal text: %s", o.reason);
}

static void expect_pass(const char *scenario, const char *procedure)
{
	run_out o;
	certify(scenario, procedure, &o);
	cr_expect_eq(o.exit_code, 0, "%s: exit %d (%s: %s)", scenario, o.exit_code, o.verdict, o.reason);
	cr_expect_str_eq(o.verdict, "pass", "%s", scenario);
	cr_expect_str_eq(o.report_verdict, "pass", "%s", scenario);
	cr_expect_str_eq(o.store_verdict, "pass", "%s", scenario);
}

Test(cli_verdicts, dirty_leg_names_the_leg_and_its_fibers)
{
	expect("dr4-breakout-dirty-leg", "breakout-dr4-4x100g", 1, "fail",
	       "leg B3 (fibers 3 and 10): +0.9 dB in both directions \u2014 connector at B3 dirty or damaged");
}

Test(cli_verdicts, apc_upc_mating_is_named_from_the_return_loss)
{
	expect("dr4-breakout-apc-upc", "breakout-dr4-4x100g", 1, "fail",
	       "RL 27 dB on A:1\u20134, an APC path \u2014 UPC connector mated to APC");
}

Test(cli_verdicts, dirty_cassette_port_names_its_leg)
{
	expect("cassette-mpo-lc-dirty", "mpo-lc-module", 1, "fail",
	       "leg B4 (fibers 7 and 8): +1.2 dB in both directions \u2014 connector at B4 dirty or damaged");
}

Test(cli_verdicts, aoc_swapped_legs_read_as_legs)
{
	expect("aoc-breakout-swapped-legs", "breakout-aoc-400g-4x100g", 1, "fail", "lane map: legs B2 and B3 swapped");
}

Test(cli_verdicts, over_temperature_says_which_end)
{
	expect("aoc-400g-over-temperature", "aoc-400g", 1, "fail", "end B module at 78 \u00b0C, over its 75 \u00b0C limit");
}

Test(cli_verdicts, dr4_swapped_legs_once)
{
	expect("dr4-breakout-swapped-legs", "breakout-dr4-4x100g", 1, "fail", "fiber map: legs B1 and B2 swapped");
}

Test(cli_verdicts, broken_fiber_is_dark)
{
	expect("sr8-breakout-broken-fiber", "breakout-sr8-8x50g", 1, "fail", "fiber map: A:5 dark");
}

Test(cli_verdicts, uniformly_dirty_link_points_at_the_mpo)
{
	expect("field-tier1-dirty", "field-tier1", 1, "fail",
	       "all 12 fibers +0.7 dB \u2014 MPO connector at end A or end B dirty (inspect both)");
}

/* Wrong parts: fail (never error, never "re-reference"), the expected and the found part, the evidence. */
Test(cli_verdicts, type_a_trunk_where_type_b_expected)
{
	expect("mpo-trunk-wrong-polarity", "mpo-trunk", 1, "fail",
	       "wrong part: expected mpo12-trunk-type-b, found mpo12-trunk-type-a (measured map: A:1 lands on B:1: "
	       "Type A trunk where Type B expected)");
}

Test(cli_verdicts, standard_cassette_where_method_b_expected)
{
	expect("cassette-wrong-part-standard-for-method-b", "mpo-lc-module", 1, "fail",
	       "wrong part: expected cassette-mpo12-6lc-inverted, found cassette-mpo12-6lc (measured map: legs B1 and B6 "
	       "swapped; legs B2 and B5 swapped; legs B3 and B4 swapped)");
}

Test(cli_verdicts, u1_module_where_standard_expected)
{
	run_out o;
	certify("cassette-wrong-part-u1", "mpo-lc-module", &o);
	cr_expect_eq(o.exit_code, 1, "exit %d (%s: %s)", o.exit_code, o.verdict, o.reason);
	cr_expect_str_eq(o.verdict, "fail");
	cr_expect_str_eq(o.reason, "wrong part: expected cassette-mpo12-6lc, found cassette-mpo12-6lc-u1 (measured map: "
				   "A:2, A:4, A:6, B2:tx, B4:tx and B6:tx dark; A:8 lands on B5:rx instead of B4:rx; A:10 "
				   "lands on B3:rx instead of B5:rx; and more)");
	cr_expect_str_eq(o.report_reason, o.reason);
	cr_expect_str_eq(o.store_reason, o.reason);
	cr_expect(strstr(o.reason, "LC_ERR_") == NULL && strstr(o.reason, "re-reference") == NULL, "%s", o.reason);
}

/* The 2 x 200G harness (MPO-12 legs) in the SR8 8 x LC slot lights no LC leg: the bench reads what an empty
 * slot reads and names no part. */
Test(cli_verdicts, harness_with_legs_the_bench_does_not_reach_reads_as_no_light)
{
	expect("sr8-wrong-part-2x200g", "breakout-sr8-8x50g", 1, "fail",
	       "no light at any port: the slot is empty, the cable is not seated, or the part is not a sr8-mpo16-8xlc "
	       "and this bench does not reach its legs");
}

/* The 400G SR8 to 2 x 200G SR4 harness on its own bench (MPO-16 to two MPO-12 legs), through the general
 * breakout procedure: a good one passes, each fault is named; the 8 x 50G harness, whose LC legs the bench
 * does not reach, lights nothing and is worded as an empty slot is (no part is named from no light). */
Test(cli_verdicts, sr8_2x200g_good_passes)
{
	expect_pass("sr8-2x200g-good", "breakout-mpo");
}

Test(cli_verdicts, sr8_2x200g_faults_are_named)
{
	expect("sr8-2x200g-swapped-legs", "breakout-mpo", 1, "fail", "fiber map: legs B1 and B2 swapped");
	expect("sr8-2x200g-broken-fiber", "breakout-mpo", 1, "fail", "fiber map: A:6 dark");
	/* a dirty MPO-12 leg: its eight fibers, numbered at the MPO-16, its excess over the other leg's fibers */
	expect("sr8-2x200g-dirty-leg", "breakout-mpo", 1, "fail",
	       "leg B2 (fibers 5\u201312): +1.0 dB in both directions \u2014 connector at B2 dirty or "
	       "damaged");
}

Test(cli_verdicts, sr8_8x50g_harness_on_the_2x200g_bench_reads_as_no_light)
{
	expect("sr8-2x200g-wrong-part-8xlc", "breakout-mpo", 1, "fail",
	       "no light at any port: the slot is empty, the cable is not seated, or the part is not a sr8-mpo16-2xmpo12-200g "
	       "and this bench does not reach its legs");
}

/* A part of the same connectors the bench does light: the MPO-16 to 2 x MPO-12 conversion cord splits the
 * ribbon in halves (1-8 to B1, 9-16 to B2), so MPO-16 lanes 0-3 land where the 2 x 200G harness puts them and
 * lanes 4-7 fall on leg B1's transmit positions, which no meter watches. Named from the light it routes. */
Test(cli_verdicts, conversion_cord_on_the_2x200g_bench_is_a_wrong_part)
{
	expect("sr8-2x200g-wrong-part-conversion", "breakout-mpo", 1, "fail",
	       "wrong part: expected sr8-mpo16-2xmpo12-200g, found mpo16-2xmpo12-conversion (measured map: 8 fibers dark: "
	       "A:5\u20138 and B1:1\u20134; B2:1 lands on A:16 instead of A:12; B2:2 lands on A:15 instead of A:11; B2:3 "
	       "lands on A:14 instead of A:10; and more)");
}

/* A harness of the other fiber type, routed like the bench's own part (the 800G 2 x DR4 harness, OS2): the map
 * passes, and every fiber loses tens of dB where the bench's multimode cords feed its single-mode cores, at both
 * wavelengths (the simulator's mode-mismatch rows, fixtures/limits/lanecert-fiber-mode-mismatch.json,
 * UNCONFIRMED). The opposite case is test_e2e_800g's. */
Test(cli_verdicts, a_single_mode_harness_on_the_multimode_2x200g_bench)
{
	expect("sr8-2x200g-wrong-fiber-dr8", "breakout-mpo", 1, "fail",
	       "all 16 fibers +26.5 dB \u2014 far more than a dirty connector loses: fiber of the other mode (a "
	       "single-mode part on this multimode bench) or a wrong reference");
}

/* 400G SR16 to 16 x 25G (MPO-32, two rows of 16, to 16 LC duplex legs) on its bench: a 1x32 switch on the
 * 16 Tx positions and the 16 legs' tx fibers, four 8-channel meters on the 32 returning fibers. A good one
 * passes; each fault is named with the two-row numbering (leg n: Tx position n, Rx position 16+n); the SR8
 * 8 x 50G harness (MPO-16) plugged in its place is a wrong part. */
Test(cli_verdicts, sr16_16x25g_good_passes)
{
	expect_pass("sr16-breakout-good", "breakout-sr16-16x25g");
}

Test(cli_verdicts, sr16_16x25g_faults_are_named)
{
	expect("sr16-breakout-swapped-legs", "breakout-sr16-16x25g", 1, "fail", "fiber map: legs B3 and B4 swapped");
	/* the fiber of row 2 that returns leg B4's Rx lane to position 20, broken: dark from its launch at B4:tx */
	expect("sr16-breakout-broken-fiber", "breakout-sr16-16x25g", 1, "fail", "fiber map: B4:tx dark");
	expect("sr16-breakout-dirty-leg", "breakout-sr16-16x25g", 1, "fail",
	       "leg B7 (fibers 7 and 23): +0.9 dB in both directions \u2014 connector at B7 dirty or damaged");
}

Test(cli_verdicts, sr8_8x50g_harness_on_the_sr16_bench_is_a_wrong_part)
{
	expect("sr16-wrong-part-8x50g", "breakout-sr16-16x25g", 1, "fail",
	       "wrong part: expected sr16-mpo32-16xlc, found sr8-mpo16-8xlc (measured map: 24 fibers dark: A:9\u201316 "
	       "and B1:tx\u2013B16:tx)");
}

/* An MPO-32 slot that lights nothing (the harness not seated: its MPO-32 end dark) is no wrong part, although
 * every smaller harness, whose ports the bench does not all watch, would light nothing there either: no part is
 * named from the absence of light, the sentence says what was measured (the map keeps every dark fiber). */
Test(cli_verdicts, a_dark_sr16_slot_is_no_smaller_part)
{
	json_t *sc = sw_scenario_json("sr16-breakout-good");
	sw_add_defect(sc, "{\"type\": \"dirty_connector\", \"port\": \"A\", \"loss_db\": 60}");
	run_out o;
	certify_sc(sc, "breakout-sr16-16x25g", NULL, &o);
	cr_expect_eq(o.exit_code, 1, "exit %d (%s: %s)", o.exit_code, o.verdict, o.reason);
	cr_expect_str_eq(o.verdict, "fail");
	cr_expect_str_eq(o.reason, "no light at any port: the slot is empty, the cable is not seated, or the part is not "
				   "a sr16-mpo32-16xlc and this bench does not reach its legs");
}

/* MPO breakout modules of 8, 16 and 24 fibers, each on its bench: a good one passes, a dirty LC port is
 * named with its two fibers. */
Test(cli_verdicts, mpo_modules_of_8_16_and_24_fibers)
{
	static const char *const sizes[] = {"8", "16", "24"};
	for (size_t i = 0; i < 3; i++) {
		char good[64], dirty[64];
		snprintf(good, sizeof(good), "cassette-mpo%s-good", sizes[i]);
		snprintf(dirty, sizeof(dirty), "cassette-mpo%s-dirty", sizes[i]);
		expect_pass(good, "mpo-lc-module");
		expect(dirty, "mpo-lc-module", 1, "fail",
		       "leg B2 (fibers 3 and 4): +1.2 dB in both directions \u2014 connector at B2 dirty or damaged");
	}
}

/* Method B: the standard module mounted inverted is what its bench certifies. */
Test(cli_verdicts, method_b_module_mounted_inverted_passes)
{
	expect_pass("cassette-method-b-good", "mpo-lc-module");
}

/* Tier 2 is Tier 1 plus the OTDR: a bench with both passes a good link on what it measured... */
Test(cli_verdicts, tier2_with_tier1_and_otdr_passes)
{
	run_out o;
	certify("field-tier2-good", "field-tier2", &o);
	cr_expect_eq(o.exit_code, 0, "exit %d (%s: %s)", o.exit_code, o.verdict, o.reason);
	cr_expect_str_eq(o.verdict, "pass");
	cr_expect_str_eq(o.report_verdict, "pass");
	cr_expect_str_eq(o.store_verdict, "pass");
}

/* A broken fiber: Tier 1 sees it dark, the OTDR places the break, and the place is the reason. */
Test(cli_verdicts, tier2_break_is_placed_by_the_otdr)
{
	expect("field-tier2-break", "field-tier2", 1, "fail", "fiber at A:7 ends at 31.5 m of 50.0 m: broken");
}

/* ... and a bench without a source and meter certifies nothing. */
Test(cli_verdicts, tier2_without_tier1_is_not_a_certificate)
{
	expect("field-tier2-otdr-only", "field-tier2", 2, "inconclusive",
	       "Tier 1 not measured: no source and meter wired to this link; without Tier 1 loss this is not a Tier 2 "
	       "certificate");
}

/* LC/APC legs on a bench whose LC cords are UPC: every UPC connector of end B reads the APC-on-UPC window. */
Test(cli_verdicts, apc_where_upc_expected)
{
	expect("dr4-wrong-part-apc-legs", "breakout-dr4-4x100g", 1, "fail",
	       "wrong part: expected UPC connectors at end B, found APC (RL 27 dB on B1:tx, B2:tx, B3:tx, B4:tx)");
}

/* A dirty far-end MPO on a 24-fiber trunk: one conclusion, not 24 marginal fails. A loss measurement cannot
 * tell the two MPO ends apart, so the sentence names both. */
Test(cli_verdicts, dirty_mpo_of_a_24_fiber_trunk)
{
	expect("mpo24-trunk-dirty-far-end", "mpo-trunk", 1, "fail",
	       "all 24 fibers +0.7 dB \u2014 MPO connector at end A or end B dirty (inspect both)");
}

/* The part found is looked for in the run's own --fixtures folder: a site that names its Type A trunk
 * otherwise hears its own name, never one from the default fixtures. */
Test(cli_verdicts, wrong_part_is_looked_up_in_the_runs_fixtures)
{
	char fx[] = "/tmp/cli-verdicts-fx-XXXXXX", cmd[1024];
	cr_assert_not_null(mkdtemp(fx));
	snprintf(cmd, sizeof(cmd),
		 "cp -r '%s/fixtures/cables' '%s/fixtures/limits' '%s/' && "
		 "sed 's/\"name\": \"mpo12-trunk-type-a\"/\"name\": \"site-trunk-straight\"/' "
		 "'%s/cables/mpo12-trunk-type-a.json' > '%s/cables/site-trunk-straight.json' && "
		 "rm '%s/cables/mpo12-trunk-type-a.json'",
		 sw_source_dir(), sw_source_dir(), fx, fx, fx, fx);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	run_out o;
	certify_with("mpo-trunk-wrong-polarity", "mpo-trunk", fx, &o);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx);
	cr_expect_eq(system(cmd), 0);
	cr_expect_eq(o.exit_code, 1, "exit %d (%s: %s)", o.exit_code, o.verdict, o.reason);
	cr_expect_str_eq(o.reason,
			 "wrong part: expected mpo12-trunk-type-b, found site-trunk-straight (measured map: A:1 lands on "
			 "B:1: Type A trunk where Type B expected)");
}

/* Two cable types that route the bench's ports alike (a site's copy of the Type A trunk under another name
 * beside the shipped one): the measured map fits both, so the bench cannot say which part it is and names
 * neither; the map difference is the sentence. */
Test(cli_verdicts, two_parts_that_route_alike_are_not_named)
{
	char fx[] = "/tmp/cli-verdicts-fx-XXXXXX", cmd[1024];
	cr_assert_not_null(mkdtemp(fx));
	snprintf(cmd, sizeof(cmd),
		 "cp -r '%s/fixtures/cables' '%s/fixtures/limits' '%s/' && "
		 "sed 's/\"name\": \"mpo12-trunk-type-a\"/\"name\": \"site-trunk-straight\"/' "
		 "'%s/cables/mpo12-trunk-type-a.json' > '%s/cables/site-trunk-straight.json'",
		 sw_source_dir(), sw_source_dir(), fx, fx, fx);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	run_out o;
	certify_with("mpo-trunk-wrong-polarity", "mpo-trunk", fx, &o);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx);
	cr_expect_eq(system(cmd), 0);
	cr_expect_eq(o.exit_code, 1, "exit %d (%s: %s)", o.exit_code, o.verdict, o.reason);
	cr_expect_str_eq(o.verdict, "fail");
	cr_expect_str_eq(o.reason, "fiber map: A:1 lands on B:1: Type A trunk where Type B expected");
}

/* A run of one slot of a bench whose slots have their own instruments opens, records and (at cleanup)
 * turns off that slot's instruments only: two `lanecert run --slot N` on one station used to open all of
 * them, list them all in each report, and turn off each other's sources mid-measurement, failing good
 * cables with "no light". */
Test(cli_verdicts, a_slot_run_uses_its_own_slots_instruments_only, .timeout = 300)
{
	run_cli c;
	run_cli_start(&c, sw_scenario_json("dr4-four-slots"), "cli-slot2");
	const char *extra[] = {"--slot", "2", NULL};
	int code = run_cli_run(&c, "breakout-dr4-4x100g", "SLOT2-1", extra);
	cr_assert_eq(code, 0, "slot 2 of four good cables: exit %d\n%s", code, c.out);
	const char *res = strstr(c.out, "{\"event\":\"result\"");
	cr_assert_not_null(res, "no result line in:\n%s", c.out);
	char report[700];
	json_field(res, "report", false, report, sizeof(report));
	json_error_t je;
	json_t *rep = json_load_file(report, 0, &je);
	cr_assert_not_null(rep, "%s: %s", report, je.text);
	json_t *insts = json_object_get(rep, "instruments");
	cr_assert(json_is_array(insts), "no instruments in %s", report);
	/* the bench's slot 2: source, meter and three switches, all named -s2 */
	cr_expect_eq(json_array_size(insts), 5, "instruments recorded: %zu", json_array_size(insts));
	size_t i;
	json_t *it;
	json_array_foreach(insts, i, it) {
		const char *role = json_string_value(json_object_get(it, "role"));
		cr_expect(role && strlen(role) > 3 && strcmp(role + strlen(role) - 3, "-s2") == 0,
			  "the slot 2 run recorded '%s'", role ? role : "(no role)");
	}
	json_decref(rep);
	run_cli_stop(&c);
}
