/* Station faults in the middle of a run end in error, never in a verdict on the cable, and the lasers are
 * off afterwards. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/procedures/e2e_harness.h"

static void expect_error_run(const char *scenario)
{
	lc_e2e e;
	lc_e2e_start(&e, scenario);
	if (e.open_rc < 0) {
		/* The fault showed while identifying the station: the run never starts (lanecert run records it as an
		 * error run); nothing may be lit. */
		cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0);
		lc_e2e_stop(&e);
		return;
	}
	lc_result *r = lc_e2e_run(&e, "breakout-dr4-4x100g", NULL, 1, "FAULT-1");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "%s: verdict %s (%s)", scenario,
		     lc_verdict_name(lc_result_verdict(r)), lc_result_reason(r) ? lc_result_reason(r) : "");
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0, "%s: lasers off", scenario);
	lc_result_free(r);
	lc_e2e_stop(&e);
}

Test(e2e_faults, meter_stops_answering) { expect_error_run("dr4-station-meter-hangs"); }
Test(e2e_faults, switch_drops_the_connection) { expect_error_run("dr4-station-switch-drops"); }
Test(e2e_faults, meter_sends_garbage) { expect_error_run("dr4-station-meter-garbage"); }
Test(e2e_faults, instrument_error_queue) { expect_error_run("dr4-station-errors"); }

Test(e2e_faults, wrong_idn_is_refused_before_anything_is_lit)
{
	lc_e2e e;
	lc_e2e_start(&e, "dr4-station-wrong-idn");
	cr_expect_lt(e.open_rc, 0, "a meter that is not what the station says is not used");
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0);
	lc_e2e_stop(&e);
}
