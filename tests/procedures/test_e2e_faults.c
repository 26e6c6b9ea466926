/*
 * The shipped station-fault scenarios through a procedure. A fault placed in the run must strike in the run
 * (the station opens, nothing has fired yet), end it in `error` whose reason names the instrument and the
 * fault, fire (the simulator's FAULt:COUNt?), and leave no laser on. Faults that belong to opening the
 * station (a wrong identity, errors already queued) are checked as such: the station does not open, and the
 * reason says which instrument and why. A slow *OPC? inside the budget keeps the cable's own verdict.
 * (Every fault kind on every instrument of every procedure: test_fault_matrix.c.)
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "hal/scpi.h"
#include "tests/procedures/e2e_harness.h"

static void fault_counts(lc_e2e *e, char *buf, size_t cap)
{
	lc_diag d;
	lc_scpi *ctl;
	cr_assert_eq(lc_scpi_open(lc_sim_runner_control_resource(e->runner), NULL, &ctl, &d), 0, "%s", d.text);
	cr_assert_geq(lc_scpi_query_string(ctl, "FAULT:COUNT?", buf, cap), 0);
	lc_scpi_close(ctl);
}

/* The fault counter "<counter>:<role>:" is there and not zero. */
static bool fired(lc_e2e *e, const char *counter, const char *role)
{
	char counts[512], key[128];
	fault_counts(e, counts, sizeof(counts));
	snprintf(key, sizeof(key), "%s:%s:", counter, role);
	const char *p = strstr(counts, key);
	return p && strtoul(p + strlen(key), NULL, 10) > 0;
}

/* Does text name one of the words (NULL-terminated)? */
static bool names(const char *text, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strstr(text, words[i]))
			return true;
	return false;
}

struct run_fault {
	const char *scenario, *procedure;
	const char *role, *counter;
	const char *instrument[4]; /* the reason names the instrument: its role or model */
	const char *cause[5];      /* and the fault */
};

static void expect_error_in_run(const struct run_fault *f)
{
	lc_e2e e;
	char counts[512];
	lc_e2e_start(&e, f->scenario);
	cr_assert_eq(e.open_rc, 0, "%s: the fault must strike during the run, not while the station opens: %s",
		     f->scenario, e.open_diag.text);
	fault_counts(&e, counts, sizeof(counts));
	cr_expect_str_empty(counts, "%s: nothing fires while the station opens", f->scenario);
	lc_result *r = lc_e2e_run(&e, f->procedure, NULL, 1, "FAULT-1");
	const char *why = lc_e2e_why(r);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR, "%s: verdict %s (%s)", f->scenario,
		     lc_verdict_name(lc_result_verdict(r)), why);
	cr_expect(names(why, f->instrument), "%s: the reason names the instrument (%s): %s", f->scenario,
		  f->instrument[0], why);
	cr_expect(names(why, f->cause), "%s: the reason names the fault (%s): %s", f->scenario, f->cause[0], why);
	cr_expect(fired(&e, f->counter, f->role), "%s: %s fired on %s", f->scenario, f->counter, f->role);
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0, "%s: lasers off", f->scenario);
	lc_result_free(r);
	lc_e2e_stop(&e);
}

Test(e2e_faults, meter_stops_answering_mid_run)
{
	static const struct run_fault f = {"dr4-station-meter-hangs", "breakout-dr4-4x100g", "meter", "hang",
					   {"meter", "N7745C", NULL}, {"deadline passed", "timed out", "LC_ERR_TIMEOUT", NULL}};
	expect_error_in_run(&f);
}

Test(e2e_faults, switch_drops_the_connection_mid_run)
{
	static const struct run_fault f = {"dr4-station-switch-drops", "breakout-dr4-4x100g", "switch1", "drop",
					   {"switch1", "GP600", NULL}, {"closed the connection", "connection reset", "LC_ERR_CLOSED", NULL}};
	expect_error_in_run(&f);
}

Test(e2e_faults, meter_sends_garbage_mid_run)
{
	static const struct run_fault f = {"dr4-station-meter-garbage", "breakout-dr4-4x100g", "meter", "garbage",
					   {"meter", "N7745C", NULL}, {"\\xFF\\xFE", "is not a number", NULL}};
	expect_error_in_run(&f);
}

Test(e2e_faults, error_queued_mid_run)
{
	static const struct run_fault f = {"dr4-station-errors", "breakout-dr4-4x100g", "source", "errors",
					   {"source", "8164B", NULL}, {"-222", NULL}};
	expect_error_in_run(&f);
}

Test(e2e_faults, module_memory_block_cut_short_mid_run)
{
	static const struct run_fault f = {"aoc-400g-station-truncated-block", "aoc-400g", "i2c", "truncate_block",
					   {"i2c", "I2C", "module", NULL}, {"truncated", "short read", NULL}};
	expect_error_in_run(&f);
}

/* Faults of opening the station: nothing is lit, and the reason names the instrument and the fault. */
static void expect_refused_at_open(const char *scenario, const char *role, const char *counter, const char *cause)
{
	lc_e2e e;
	lc_e2e_start(&e, scenario);
	cr_expect_lt(e.open_rc, 0, "%s: the station must not open", scenario);
	cr_expect(strstr(e.open_diag.text, role) != NULL, "%s: names %s: %s", scenario, role, e.open_diag.text);
	cr_expect(strstr(e.open_diag.text, cause) != NULL, "%s: names %s: %s", scenario, cause, e.open_diag.text);
	cr_expect(fired(&e, counter, role), "%s: %s fired on %s", scenario, counter, role);
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0);
	lc_e2e_stop(&e);
}

Test(e2e_faults, wrong_idn_is_refused_before_anything_is_lit)
{
	expect_refused_at_open("dr4-station-wrong-idn", "meter", "idn", "N7786C");
}

Test(e2e_faults, errors_pending_at_open_are_the_instruments_own)
{
	expect_refused_at_open("dr4-station-errors-at-open", "source", "errors", "-222");
}

Test(e2e_faults, slow_opc_within_budget_keeps_the_cables_verdict)
{
	lc_e2e e;
	lc_e2e_start(&e, "dr4-station-slow-opc");
	lc_result *r = lc_e2e_run(&e, "breakout-dr4-4x100g", NULL, 1, "FAULT-1");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "a slow *OPC? inside its budget is no fault of the cable "
							     "nor of the station: %s",
		     lc_e2e_why(r));
	cr_expect(fired(&e, "opc_delay", "switch2"), "the slow *OPC? was asked for");
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0);
	lc_result_free(r);
	lc_e2e_stop(&e);
}
