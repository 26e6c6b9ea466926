/* BER confidence math: the lambda table of domain-facts §4a, Garwood bounds, the planner, bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "instruments/bert/ber_math.h"

static double lam_u(uint64_t k, double cl)
{
	double l = -1;
	cr_assert_eq(lc_ber_lambda_upper(k, cl, &l, NULL), 0);
	return l;
}

static double lam_l(uint64_t k, double cl)
{
	double l = -1;
	cr_assert_eq(lc_ber_lambda_lower(k, cl, &l, NULL), 0);
	return l;
}

/* The table of domain-facts §4a, to 3 decimals. */
Test(ber_math, lambda_table_domain_facts)
{
	static const struct { uint64_t k; double l90, l95, l99; } rows[] = {
		{0, 2.303, 2.996, 4.605},   {1, 3.890, 4.744, 6.638},    {2, 5.322, 6.296, 8.406},
		{3, 6.681, 7.754, 10.045},  {5, 9.275, 10.513, 13.108},  {10, 15.407, 16.962, 20.145},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		cr_expect_float_eq(round(lam_u(rows[i].k, 0.90) * 1000) / 1000, rows[i].l90, 1e-9, "k=%llu 90%%",
				   (unsigned long long)rows[i].k);
		cr_expect_float_eq(round(lam_u(rows[i].k, 0.95) * 1000) / 1000, rows[i].l95, 1e-9, "k=%llu 95%%",
				   (unsigned long long)rows[i].k);
		cr_expect_float_eq(round(lam_u(rows[i].k, 0.99) * 1000) / 1000, rows[i].l99, 1e-9, "k=%llu 99%%",
				   (unsigned long long)rows[i].k);
	}
}

Test(ber_math, lambda_inverts_cdf)
{
	for (uint64_t k = 0; k < 60; k += 7) {
		double l = lam_u(k, 0.95), p;
		cr_assert_eq(lc_ber_poisson_cdf(k, l, &p), 0);
		cr_expect_float_eq(p, 0.05, 1e-10, "k=%llu", (unsigned long long)k);
	}
	double p;
	cr_assert_eq(lc_ber_poisson_cdf(3, 0.0, &p), 0);
	cr_expect_float_eq(p, 1.0, 1e-15);
	cr_assert_eq(lc_ber_poisson_cdf(0, 2.0, &p), 0);
	cr_expect_float_eq(p, exp(-2.0), 1e-15);
	cr_assert_eq(lc_ber_poisson_cdf(2, 1.5, &p), 0);
	cr_expect_float_eq(p, exp(-1.5) * (1 + 1.5 + 1.125), 1e-14);
}

/* Above LC_BER_DIRECT_MAX the incomplete gamma takes over: both sides of the switch agree. */
Test(ber_math, direct_and_gamma_agree)
{
	uint64_t k = LC_BER_DIRECT_MAX;
	double lam = (double)k + 10.0, a, b, pmf;
	cr_assert_eq(lc_ber_poisson_cdf(k, lam, &a), 0);
	cr_assert_eq(lc_ber_poisson_cdf(k + 1, lam, &b), 0);
	int sign;
	pmf = exp(-lam + (double)(k + 1) * log(lam) - lgamma_r((double)k + 2.0, &sign));
	cr_expect_float_eq(b, a + pmf, 1e-10);
}

/* Large counts (a bad lane at a pre-FEC target): Wilson-Hilferty is accurate to ~1e-7 there. */
Test(ber_math, large_counts)
{
	uint64_t k = 1000000;
	double n = (double)k + 1.0, z = 1.6448536269514722;
	double wh = n * pow(1.0 - 1.0 / (9.0 * n) + z / (3.0 * sqrt(n)), 3);
	cr_expect_float_eq(lam_u(k, 0.95) / wh, 1.0, 1e-5);
	double lo = lam_l(k, 0.95);
	double nl = (double)k, whl = nl * pow(1.0 - 1.0 / (9.0 * nl) - z / (3.0 * sqrt(nl)), 3);
	cr_expect_float_eq(lo / whl, 1.0, 1e-5);
}

Test(ber_math, garwood_bounds)
{
	lc_ber_interval iv;
	/* two-sided 95 %: k=0 -> [0, 3.689]; k=1 -> [0.0253, 5.572]; k=10 -> [4.795, 18.390] (chi-square tables) */
	cr_assert_eq(lc_ber_bounds(0, 1e12, 0.95, LC_BER_TWO_SIDED, &iv, NULL), 0);
	cr_expect_float_eq(iv.lower, 0.0, 1e-30);
	cr_expect_float_eq(iv.upper * 1e12, 3.689, 5e-4);
	cr_expect_float_eq(iv.estimate, 0.0, 1e-30);
	cr_assert_eq(lc_ber_bounds(1, 1e12, 0.95, LC_BER_TWO_SIDED, &iv, NULL), 0);
	cr_expect_float_eq(iv.lower * 1e12, 0.0253, 5e-5);
	cr_expect_float_eq(iv.upper * 1e12, 5.572, 5e-4);
	cr_assert_eq(lc_ber_bounds(10, 1e9, 0.95, LC_BER_TWO_SIDED, &iv, NULL), 0);
	cr_expect_float_eq(iv.lower * 1e9, 4.795, 5e-4);
	cr_expect_float_eq(iv.upper * 1e9, 18.390, 5e-4);
	cr_expect_float_eq(iv.estimate, 1e-8, 1e-20);
	/* one-sided 95 %: k=10 -> lower chi2(0.05, 20)/2 = 5.425, upper 16.962 */
	cr_assert_eq(lc_ber_bounds(10, 1e9, 0.95, LC_BER_ONE_SIDED, &iv, NULL), 0);
	cr_expect_float_eq(iv.lower * 1e9, 5.425, 5e-4);
	cr_expect_float_eq(iv.upper * 1e9, 16.962, 5e-4);
}

Test(ber_math, bits_needed_and_plan)
{
	double bits;
	cr_assert_eq(lc_ber_bits_needed(1e-12, 0.95, 0, &bits, NULL), 0);
	cr_expect_float_eq(bits, 2.9957322735539909e12, 1e3);
	/* domain-facts §4a test-time table (95 %, 0 errors) */
	static const struct { double rate, target, seconds, tol; } rows[] = {
		{10.3125e9, 1e-12, 290, 1},       {25.78125e9, 1e-12, 116, 1},   {53.125e9, 1e-12, 56, 1},
		{106.25e9, 1e-12, 28, 1},         {10.3125e9, 1e-13, 48.4 * 60, 6}, {25.78125e9, 1e-13, 19.4 * 60, 6},
		{53.125e9, 1e-15, 15.7 * 3600, 360}, {106.25e9, 1e-15, 7.8 * 3600, 360},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		lc_ber_plan plan;
		cr_assert_eq(lc_ber_plan_test(rows[i].rate, rows[i].target, 0.95, 0, &plan, NULL), 0);
		cr_expect_float_eq(plan.seconds, rows[i].seconds, rows[i].tol, "row %zu: %g s", i, plan.seconds);
		cr_expect_float_eq(plan.bits, plan.lambda / rows[i].target, 1.0);
	}
	lc_ber_plan plan;
	cr_assert_eq(lc_ber_plan_test(106.25e9, 2.4e-4, 0.95, 5, &plan, NULL), 0);
	cr_expect_float_eq(plan.lambda, 10.513, 1e-3);
}

Test(ber_math, bad_input)
{
	double v;
	lc_diag d;
	lc_ber_interval iv;
	lc_ber_plan plan;
	const double bad_cl[] = {0.0, 1.0, -0.5, 1.5, NAN};
	for (size_t i = 0; i < sizeof bad_cl / sizeof bad_cl[0]; i++) {
		cr_expect_eq(lc_ber_lambda_upper(1, bad_cl[i], &v, &d), LC_ERR_ARG);
		cr_expect(strstr(d.text, "confidence level") != NULL, "%s", d.text);
		cr_expect_eq(lc_ber_lambda_lower(1, bad_cl[i], &v, NULL), LC_ERR_ARG);
		cr_expect_eq(lc_ber_bounds(1, 1e9, bad_cl[i], LC_BER_ONE_SIDED, &iv, NULL), LC_ERR_ARG);
	}
	cr_expect_eq(lc_ber_bits_needed(0.0, 0.95, 0, &v, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "target BER") != NULL);
	cr_expect_eq(lc_ber_bits_needed(-1e-12, 0.95, 0, &v, NULL), LC_ERR_ARG);
	cr_expect_eq(lc_ber_bits_needed(INFINITY, 0.95, 0, &v, NULL), LC_ERR_ARG);
	cr_expect_eq(lc_ber_bits_needed(1e-12, 0.95, 0, NULL, NULL), LC_ERR_ARG);
	cr_expect_eq(lc_ber_bounds(0, 0.0, 0.95, LC_BER_ONE_SIDED, &iv, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "bit count") != NULL);
	cr_expect_eq(lc_ber_bounds(11, 10.0, 0.95, LC_BER_ONE_SIDED, &iv, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "more errors than bits") != NULL, "%s", d.text);
	cr_expect_eq(lc_ber_bounds(1, 10.0, 0.95, (enum lc_ber_sided)7, &iv, NULL), LC_ERR_ARG);
	cr_expect_eq(lc_ber_bounds(1, NAN, 0.95, LC_BER_ONE_SIDED, &iv, NULL), LC_ERR_ARG);
	cr_expect_eq(lc_ber_plan_test(0.0, 1e-12, 0.95, 0, &plan, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "lane rate") != NULL);
	cr_expect_eq(lc_ber_plan_test(1e9, 1e-12, 0.95, 0, NULL, NULL), LC_ERR_ARG);
	cr_expect_eq(lc_ber_poisson_cdf(1, -1.0, &v), LC_ERR_ARG);
	cr_expect_eq(lc_ber_poisson_cdf(1, NAN, &v), LC_ERR_ARG);
	cr_expect_eq(lc_ber_poisson_cdf(1, 1.0, NULL), LC_ERR_ARG);
}
