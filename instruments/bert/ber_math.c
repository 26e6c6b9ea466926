/* BER confidence math: Poisson CDF, its inverse in lambda, Garwood bounds, test-time planning. */
#include "instruments/bert/ber_math.h"

#include <float.h>
#include <math.h>

/* Iteration cap of the incomplete gamma evaluations: both converge in O(sqrt(a)) steps near x = a, so this
 * covers k up to ~1e13 errors; beyond it the result is reported as a failure instead of a wrong number. */
#define GAMMA_MAXIT 10000000L
#define GAMMA_EPS 1e-15
#define TINY 1e-300

static double log_gamma(double x)
{
	int sign;
	return lgamma_r(x, &sign); /* lgamma() writes the global signgam: not reentrant */
}

/* Sum of e^-l l^i / i! for i = 0..k, term by term in log space around the largest term. */
static double poisson_cdf_direct(uint64_t k, double lambda)
{
	double ll = log(lambda);
	uint64_t mode = lambda >= (double)k ? k : (uint64_t)floor(lambda);
	double tmax = -lambda + (double)mode * ll - log_gamma((double)mode + 1.0);
	double t = -lambda, sum = 0.0;
	for (uint64_t i = 0; i <= k; i++) {
		if (i > 0)
			t += ll - log((double)i);
		sum += exp(t - tmax);
	}
	double p = exp(tmax + log(sum));
	return p > 1.0 ? 1.0 : p;
}

/* Regularized upper incomplete gamma Q(a, x) (series for P below a+1, Lentz continued fraction above). */
static int gamma_q(double a, double x, double *q)
{
	if (x <= 0.0) {
		*q = 1.0;
		return 0;
	}
	double lpre = -x + a * log(x) - log_gamma(a);
	if (x < a + 1.0) {
		double ap = a, del = 1.0 / a, sum = del;
		for (long n = 1; n < GAMMA_MAXIT; n++) {
			ap += 1.0;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * GAMMA_EPS) {
				double p = sum * exp(lpre);
				*q = p >= 1.0 ? 0.0 : 1.0 - p;
				return 0;
			}
		}
		return LC_ERR_PROTOCOL;
	}
	double b = x + 1.0 - a, c = 1.0 / DBL_MIN, d = 1.0 / b, h = d;
	for (long i = 1; i < GAMMA_MAXIT; i++) {
		double an = -(double)i * ((double)i - a);
		b += 2.0;
		d = an * d + b;
		if (fabs(d) < DBL_MIN)
			d = DBL_MIN;
		c = b + an / c;
		if (fabs(c) < DBL_MIN)
			c = DBL_MIN;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < GAMMA_EPS) {
			double v = exp(lpre) * h;
			*q = v > 1.0 ? 1.0 : v;
			return 0;
		}
	}
	return LC_ERR_PROTOCOL;
}

int lc_ber_poisson_cdf(uint64_t k, double lambda, double *p)
{
	if (!p || !(lambda >= 0.0) || !isfinite(lambda))
		return LC_ERR_ARG;
	if (lambda == 0.0) {
		*p = 1.0;
		return 0;
	}
	if (k <= LC_BER_DIRECT_MAX) {
		*p = poisson_cdf_direct(k, lambda);
		return 0;
	}
	return gamma_q((double)k + 1.0, lambda, p);
}

static int check_cl(double cl, lc_diag *diag)
{
	if (!(cl > 0.0 && cl < 1.0))
		return lc_diag_set(diag, LC_ERR_ARG, "confidence level %g is not inside (0, 1)", cl);
	return 0;
}

/* lambda with P(X <= k; lambda) = p, by bisection on log(lambda): the CDF falls monotonically in lambda. */
static int solve_lambda(uint64_t k, double p, double *lambda, lc_diag *diag)
{
	double lo, hi, v;
	int rc;
	double start = (double)k + 1.0;
	if ((rc = lc_ber_poisson_cdf(k, start, &v)) < 0)
		goto fail;
	if (v > p) {
		hi = start;
		do {
			lo = hi;
			hi *= 2.0;
			if (!isfinite(hi))
				return lc_diag_set(diag, LC_ERR_ARG, "no finite lambda for k=%llu, p=%g",
						   (unsigned long long)k, p);
			if ((rc = lc_ber_poisson_cdf(k, hi, &v)) < 0)
				goto fail;
		} while (v > p);
	} else {
		lo = start;
		do {
			hi = lo;
			lo *= 0.5;
			if (lo < TINY) {
				*lambda = 0.0;
				return 0;
			}
			if ((rc = lc_ber_poisson_cdf(k, lo, &v)) < 0)
				goto fail;
		} while (v < p);
	}
	for (int i = 0; i < 200 && hi / lo - 1.0 > 1e-13; i++) {
		double mid = sqrt(lo * hi);
		if ((rc = lc_ber_poisson_cdf(k, mid, &v)) < 0)
			goto fail;
		if (v > p)
			lo = mid;
		else
			hi = mid;
	}
	*lambda = sqrt(lo * hi);
	return 0;
fail:
	return lc_diag_set(diag, rc, "Poisson CDF did not converge for k=%llu", (unsigned long long)k);
}

int lc_ber_lambda_upper(uint64_t k, double cl, double *lambda, lc_diag *diag)
{
	int rc = check_cl(cl, diag);
	if (rc < 0)
		return rc;
	if (!lambda)
		return lc_diag_set(diag, LC_ERR_ARG, "lambda output is NULL");
	if (k == 0) {
		*lambda = -log1p(-cl); /* exact, and accurate for cl close to 1 */
		return 0;
	}
	return solve_lambda(k, 1.0 - cl, lambda, diag);
}

int lc_ber_lambda_lower(uint64_t k, double cl, double *lambda, lc_diag *diag)
{
	int rc = check_cl(cl, diag);
	if (rc < 0)
		return rc;
	if (!lambda)
		return lc_diag_set(diag, LC_ERR_ARG, "lambda output is NULL");
	if (k == 0) {
		*lambda = 0.0;
		return 0;
	}
	/* P(X >= k) = 1 - cl  <=>  P(X <= k-1) = cl */
	return solve_lambda(k - 1, cl, lambda, diag);
}

static int check_positive(double v, const char *what, lc_diag *diag)
{
	if (!(v > 0.0) || !isfinite(v))
		return lc_diag_set(diag, LC_ERR_ARG, "%s %g is not a positive finite number", what, v);
	return 0;
}

int lc_ber_bits_needed(double target, double cl, uint64_t errors, double *bits, lc_diag *diag)
{
	int rc = check_positive(target, "target BER", diag);
	if (rc < 0)
		return rc;
	if (!bits)
		return lc_diag_set(diag, LC_ERR_ARG, "bits output is NULL");
	double lambda;
	if ((rc = lc_ber_lambda_upper(errors, cl, &lambda, diag)) < 0)
		return rc;
	*bits = lambda / target;
	return 0;
}

int lc_ber_bounds(uint64_t errors, double bits, double cl, enum lc_ber_sided sided, lc_ber_interval *out,
		  lc_diag *diag)
{
	int rc = check_positive(bits, "bit count", diag);
	if (rc < 0)
		return rc;
	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "interval output is NULL");
	if ((double)errors > bits)
		return lc_diag_set(diag, LC_ERR_ARG, "%llu errors in %.0f bits: more errors than bits",
				   (unsigned long long)errors, bits);
	if ((rc = check_cl(cl, diag)) < 0)
		return rc;
	double tail_cl;
	if (sided == LC_BER_ONE_SIDED)
		tail_cl = cl;
	else if (sided == LC_BER_TWO_SIDED)
		tail_cl = 0.5 * (1.0 + cl);
	else
		return lc_diag_set(diag, LC_ERR_ARG, "sidedness %d is neither one- nor two-sided", (int)sided);
	double lu, ll;
	if ((rc = lc_ber_lambda_upper(errors, tail_cl, &lu, diag)) < 0 ||
	    (rc = lc_ber_lambda_lower(errors, tail_cl, &ll, diag)) < 0)
		return rc;
	out->estimate = (double)errors / bits;
	out->upper = lu / bits;
	out->lower = ll / bits;
	return 0;
}

int lc_ber_plan_test(double lane_rate, double target, double cl, uint64_t errors_allowed, lc_ber_plan *out,
		     lc_diag *diag)
{
	int rc = check_positive(lane_rate, "lane rate (bit/s)", diag);
	if (rc < 0)
		return rc;
	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "plan output is NULL");
	if ((rc = check_positive(target, "target BER", diag)) < 0 ||
	    (rc = lc_ber_lambda_upper(errors_allowed, cl, &out->lambda, diag)) < 0)
		return rc;
	out->bits = out->lambda / target;
	out->seconds = out->bits / lane_rate;
	return 0;
}
