/* ctx:insertion_loss's limits and wired paths, worked out once per run (procedures/lua_optical.c): a second
 * measurement in the same run gets the same paths and the same budget limits, a named limit row applies to
 * every path, and a missing row or a missing reference is still an error of the step that names it. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procedures/cable_identity.h"
#include "procedures/channel_digest.h"
#include "tests/procedures/e2e_harness.h"
#include "tests/reports/helpers.h"

static const char procedure[] =
	"return {\n"
	"  name = 'il-setup', version = '1', summary = 'insertion loss twice, then against a named row',\n"
	"  steps = {\n"
	"    { name = 'budget', main = function(ctx)\n"
	"        ctx:reference { wavelength = 1310 }\n"
	"        ctx:insertion_loss { wavelength = 1310 }\n"
	"        ctx:insertion_loss { wavelength = 1310 }\n"
	"      end },\n"
	"    { name = 'named', main = function(ctx)\n"
	"        ctx:insertion_loss { wavelength = 1310, limit = 'ieee.400GBASE-DR4.channel_il' }\n"
	"      end },\n"
	"    { name = 'missing', main = function(ctx)\n"
	"        ctx:insertion_loss { wavelength = 1310, limit = 'no.such.row' }\n"
	"      end },\n"
	"  },\n"
	"}\n";

/* String extra key of measurement i, or "". */
static const char *extra(const lc_result *r, size_t i, const char *key)
{
	for (size_t k = 0; k < lc_result_extra_count(r, i); k++) {
		const lc_result_extra *x = lc_result_extra_at(r, i, k);
		if (x->is_string && strcmp(x->key, key) == 0)
			return x->string;
	}
	return "";
}

Test(il_setup, paths_and_limits_once_per_run_same_results, .timeout = 300)
{
	lc_e2e e;
	lc_e2e_start(&e, "dr4-breakout-good");
	char file[300];
	snprintf(file, sizeof(file), "%s/il-setup.lua", e.dir);
	th_spit(file, procedure, strlen(procedure));
	lc_result *r = lc_result_new();
	cr_assert_not_null(r);
	lc_run_setup s = {.procedure_file = file, .station = e.station, .instruments = e.set, .channel = e.channel,
			  .cable_type = e.cable, .limits = e.limits, .serial = "IL-1", .slot = 1, .operator_name = "t",
			  .prompter = &e.prompter};
	lc_diag d;
	cr_assert_eq(lc_procedure_run(&s, r, &d), 0, "%s", d.text);

	/* The report names the expectation it was judged against: the digest of the channel's map and budgets,
	 * the same for the same channel, another for another cable type. */
	lc_result_dut dut = lc_result_get_dut(r);
	char want[LC_SHA256_HEX_LEN + 1], other[LC_SHA256_HEX_LEN + 1];
	cr_assert_eq(lc_channel_digest(e.channel, e.limits, want), 0);
	cr_expect(dut.channel_digest && strcmp(dut.channel_digest, want) == 0, "%s", dut.channel_digest);
	lc_channel *sr8;
	cr_assert_eq(lc_channel_load("sr8-mpo16-8xlc", NULL, &sr8, &d), 0, "%s", d.text);
	cr_assert_eq(lc_channel_digest(sr8, e.limits, other), 0);
	cr_expect_str_neq(want, other);
	/* The cable's identity, for the certificate: its ends in a data sheet's words, its fiber and length. */
	char end[96];
	lc_cable_end_text(sr8, 0, end, sizeof(end));
	cr_expect_str_eq(end, "MPO-16 UPC female");
	lc_cable_end_text(sr8, 1, end, sizeof(end));
	cr_expect_str_eq(end, "8 \xc3\x97 LC duplex UPC");
	lc_channel_free(sr8);
	bool known = false;
	lc_result_cable cable = lc_result_get_cable(r, &known);
	cr_assert(known, "the run records what the cable is");
	lc_cable_end_text(e.channel, 0, end, sizeof(end));
	cr_expect(cable.end_a && strcmp(cable.end_a, end) == 0 && strstr(end, "MPO-12"), "%s", end);
	lc_cable_end_text(e.channel, 1, end, sizeof(end));
	cr_expect(cable.end_b && strcmp(cable.end_b, end) == 0 && strstr(end, "LC duplex"), "%s", end);
	cr_expect(cable.fiber_mode && strcmp(cable.fiber_mode, "SM") == 0, "%s", cable.fiber_mode);
	cr_expect_gt(cable.length_m, 0);
	cr_expect_str_eq(cable.description, lc_channel_description(e.channel));

	const lc_limit *row = lc_limits_find(e.limits, "ieee.400GBASE-DR4.channel_il");
	cr_assert_not_null(row);
	size_t first[9] = {0}; /* measurement index + 1 of each lane's first budget measurement */
	size_t n_budget = 0, n_named = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		size_t step;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, &step);
		if (strcmp(m->name, "insertion_loss") != 0)
			continue;
		cr_assert(m->lane >= 1 && m->lane <= 8, "lane %d", m->lane);
		const char *sname = lc_result_step_at(r, step)->name;
		if (strcmp(sname, "budget") == 0) {
			cr_expect_str_eq(extra(r, i, "limit_source"),
					 "TIA-568.3 length-based limit (Tier 1): connections, splices and fiber attenuation");
			cr_expect_neq(extra(r, i, "from")[0], '\0', "lane %d: from", m->lane);
			/* The arithmetic that gives the limit, ending in the limit itself. */
			const char *basis = extra(r, i, "limit_basis");
			char total[64];
			snprintf(total, sizeof(total), "= %.4g dB at %.0f nm", m->limit.high, m->wavelength_nm);
			cr_expect(basis && strstr(basis, "mated pair") && strstr(basis, "dB/km fiber") &&
					  strstr(basis, total), "lane %d: %s (want %s)", m->lane, basis ? basis : "(none)", total);
			cr_expect(isfinite(m->limit.high) && m->limit.high > 0.5, "lane %d: budget %.3f", m->lane,
				  m->limit.high);
			if (!first[m->lane]) {
				first[m->lane] = i + 1;
			} else {
				/* The second measurement: the same path and the same limit as the first. */
				size_t f = first[m->lane] - 1;
				cr_expect_str_eq(extra(r, i, "from"), extra(r, f, "from"), "lane %d", m->lane);
				cr_expect_str_eq(extra(r, i, "to"), extra(r, f, "to"), "lane %d", m->lane);
				cr_expect_eq(m->limit.high, lc_result_measurement_at(r, f, NULL)->limit.high, "lane %d",
					     m->lane);
			}
			n_budget++;
		} else if (strcmp(sname, "named") == 0) {
			cr_expect_str_eq(extra(r, i, "limit_source"), row->standard, "the row's standard and clause");
			cr_expect_str_eq(extra(r, i, "limit_id"), row->id);
			cr_expect_eq(m->limit.high, row->high, "lane %d: %.3f, the row's %.3f", m->lane, m->limit.high,
				     row->high);
			n_named++;
		}
	}
	cr_expect_eq(n_budget, 16, "8 fibers measured twice");
	cr_expect_eq(n_named, 8, "8 fibers against the named row");
	const lc_result_step *missing = NULL;
	for (size_t i = 0; i < lc_result_step_count(r); i++)
		if (strcmp(lc_result_step_at(r, i)->name, "missing") == 0)
			missing = lc_result_step_at(r, i);
	cr_assert_not_null(missing);
	cr_expect_eq(missing->verdict, LC_VERDICT_ERROR);
	cr_expect(missing->error && strstr(missing->error, "no limit row 'no.such.row'"), "%s",
		  missing->error ? missing->error : "(none)");
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_ERROR);
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0, "every laser off at the end");
	lc_result_free(r);
	lc_e2e_stop(&e);
}
