/*
 * BER confidence math (pure, no instrument): how many bits prove BER < target at a confidence level, the
 * exact Poisson (Garwood) confidence bounds of an observed (errors, bits), and a test-time planner.
 *
 * Model: errors in N bits are Poisson with mean lambda = N * BER (bits are many, BER is small). With k errors
 * observed, BER < target is claimed at confidence CL when P(X <= k; N * target) <= 1 - CL, i.e. when N is at
 * least lambda_U(k, CL) / target with lambda_U solving P(X <= k; lambda_U) = 1 - CL (domain-facts §4a).
 *
 * Bounds (Garwood 1936, the "exact" Poisson interval):
 *   one-sided at CL:  upper = lambda_U(k, CL) / N,          lower = lambda_L(k, CL) / N
 *   two-sided at CL:  upper = lambda_U(k, (1+CL)/2) / N,    lower = lambda_L(k, (1+CL)/2) / N
 * with lambda_L solving P(X >= k; lambda_L) = 1 - CL (lambda_L = 0 for k = 0). lambda_U(k, CL) equals
 * chi2_quantile(CL, 2k+2) / 2 and lambda_L equals chi2_quantile(1-CL, 2k) / 2.
 *
 * Numerics: the Poisson CDF is summed in log space for k <= LC_BER_DIRECT_MAX and taken from the regularized
 * upper incomplete gamma function Q(k+1, lambda) above; lambda is found by bisection on log(lambda) to a
 * relative precision of 1e-12, so nothing overflows for k in the millions or BER down to 1e-18.
 *
 * Errors: LC_ERR_ARG (with a detail in diag) for a confidence outside (0, 1), a non-positive or non-finite
 * target, rate or bit count, or more errors than bits.
 *
 * Thread safety: every function is reentrant (lgamma_r, no shared state).
 */
#ifndef LC_BERT_BER_MATH_H
#define LC_BERT_BER_MATH_H

#include <stdint.h>

#include "base/error.h"

/* Largest k summed term by term; above it the incomplete gamma function is used. */
#define LC_BER_DIRECT_MAX 2000u

enum lc_ber_sided {
	LC_BER_ONE_SIDED = 1, /* each bound is a one-sided bound at CL (what a pass/fail claim uses) */
	LC_BER_TWO_SIDED = 2, /* the pair is a two-sided interval at CL ((1-CL)/2 in each tail) */
};

/* P(X <= k) for X ~ Poisson(lambda), lambda >= 0. Returns 0 or LC_ERR_ARG / LC_ERR_PROTOCOL (no convergence,
 * which should not happen for finite input). */
int lc_ber_poisson_cdf(uint64_t k, double lambda, double *p);

/* lambda_U: P(X <= k; lambda_U) = 1 - cl. k = 0 gives -ln(1 - cl) (2.996 at 95 %). */
int lc_ber_lambda_upper(uint64_t k, double cl, double *lambda, lc_diag *diag);
/* lambda_L: P(X >= k; lambda_L) = 1 - cl; 0 for k = 0. */
int lc_ber_lambda_lower(uint64_t k, double cl, double *lambda, lc_diag *diag);

/* Bits needed to claim BER < target at confidence cl if at most `errors` errors are seen. */
int lc_ber_bits_needed(double target, double cl, uint64_t errors, double *bits, lc_diag *diag);

typedef struct lc_ber_interval {
	double estimate; /* errors / bits */
	double lower;    /* lower confidence bound on the BER */
	double upper;    /* upper confidence bound on the BER */
} lc_ber_interval;

/* Garwood bounds of (errors, bits) at cl, one- or two-sided as described above. bits > 0. */
int lc_ber_bounds(uint64_t errors, double bits, double cl, enum lc_ber_sided sided, lc_ber_interval *out,
		  lc_diag *diag);

typedef struct lc_ber_plan {
	double lambda;  /* lambda_U(errors_allowed, cl) */
	double bits;    /* bits each lane must receive */
	double seconds; /* at the lane rate; lanes run in parallel, so this is also the step's time */
} lc_ber_plan;

/* Test time of one lane at lane_rate (bit/s) to claim BER < target at cl with at most errors_allowed
 * errors. Lanes tested in parallel each need this many bits themselves: per-lane certification cannot pool
 * the bits of several lanes (the "aggregate" row of domain-facts §4a is a claim about the link, not a lane). */
int lc_ber_plan_test(double lane_rate, double target, double cl, uint64_t errors_allowed, lc_ber_plan *out,
		     lc_diag *diag);

#endif
