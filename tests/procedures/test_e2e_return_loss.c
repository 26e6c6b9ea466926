/* Return loss end to end: the DR4 procedure's return-loss step on the simulated DR4 bench (the 8164B's RL
 * module on input 2 of a GP600 matrix whose input 1 is the source) measures every connector the world
 * models — never the RL meter's 70 dB floor through a port that leads nowhere. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/procedures/e2e_harness.h"

static lc_e2e e;

static const char *port_of(const lc_result *r, size_t i)
{
	for (size_t k = 0; k < lc_result_extra_count(r, i); k++) {
		const lc_result_extra *x = lc_result_extra_at(r, i, k);
		if (x->is_string && strcmp(x->key, "port") == 0)
			return x->string;
	}
	return "";
}

/* The RL of each wired connector: A:1..A:4 (end A, MPO APC) then B1..B4:tx (the legs' LC UPC). */
static size_t rl_of(const lc_result *r, double *val, double *margin, enum lc_verdict *v, char (*port)[16])
{
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r) && n < 16; i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "return_loss") != 0)
			continue;
		val[n] = m->value;
		margin[n] = m->margin;
		v[n] = m->verdict;
		snprintf(port[n], sizeof(port[n]), "%s", port_of(r, i));
		n++;
	}
	return n;
}

static lc_result *certify(const char *scenario)
{
	lc_e2e_start(&e, scenario);
	return lc_e2e_run(&e, "breakout-dr4-4x100g", NULL, 1, "E2E-RL");
}

static void done(lc_result *r)
{
	cr_expect_eq(lc_e2e_lasers_on_after_safe(&e), 0, "every laser off at the end (the RL module's too)");
	lc_result_free(r);
	lc_e2e_stop(&e);
}

static const char *const ports[] = {"A:1", "A:2", "A:3", "A:4", "B1:tx", "B2:tx", "B3:tx", "B4:tx"};

Test(e2e_rl, dr4_good_measures_every_connector_for_real)
{
	lc_result *r = certify("dr4-breakout-good");
	double val[16], margin[16];
	enum lc_verdict v[16];
	char port[16][16];
	size_t n = rl_of(r, val, margin, v, port);
	cr_assert_eq(n, 8, "every end-A position and every leg's tx has an RL (got %zu)", n);
	for (size_t i = 0; i < n; i++) {
		cr_expect_str_eq(port[i], ports[i]);
		/* the meter's floor is 70 dB: a reading there is an open port, not a connector */
		cr_expect(val[i] < 69.0, "%s: %.2f dB is the meter's floor", port[i], val[i]);
		if (i < 4) /* APC mated to APC at the MPO */
			cr_expect(val[i] > 60.0 && val[i] < 68.0, "%s (APC): %.2f dB", port[i], val[i]);
		else /* UPC at the legs: well above the UPC minimum, well below APC */
			cr_expect(val[i] > 45.0 && val[i] < 60.0, "%s (UPC): %.2f dB", port[i], val[i]);
		cr_expect_eq(v[i], LC_VERDICT_PASS, "%s: %.2f dB, margin %.2f", port[i], val[i], margin[i]);
		cr_expect_gt(margin[i], 0);
	}
	/* IL and the map still pass with the RL module sharing the launch switch */
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_PASS, "why: %s", lc_e2e_why(r));
	cr_expect_eq(lc_e2e_lanes(r, "insertion_loss", LC_VERDICT_PASS), 0x1FEul, "8 fibers pass IL");
	cr_expect_str_eq(lc_e2e_extra(r, "fiber_map", "difference"), "as expected");
	done(r);
}

Test(e2e_rl, dr4_apc_upc_mate_fails_rl_at_the_mpo_with_its_margin)
{
	lc_result *r = certify("dr4-breakout-apc-upc");
	double val[16], margin[16];
	enum lc_verdict v[16];
	char port[16][16];
	size_t n = rl_of(r, val, margin, v, port);
	cr_assert_eq(n, 8);
	cr_expect_eq(lc_result_verdict(r), LC_VERDICT_FAIL, "why: %s", lc_e2e_why(r));
	for (size_t i = 0; i < n; i++) {
		if (i < 4) {
			cr_expect_eq(v[i], LC_VERDICT_FAIL, "%s: %.2f dB, margin %.2f", port[i], val[i], margin[i]);
			cr_expect_lt(margin[i], 0, "%s: the margin says by how much", port[i]);
			cr_expect(val[i] < 55.0, "%s: %.2f dB", port[i], val[i]);
		} else {
			cr_expect_eq(v[i], LC_VERDICT_PASS, "%s: %.2f dB, margin %.2f", port[i], val[i], margin[i]);
		}
	}
	done(r);
}
