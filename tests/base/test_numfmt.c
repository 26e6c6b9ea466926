/* lc_fmt_exp (base/numfmt.h) writes the bytes snprintf writes, for every kind of double: checked against
 * snprintf itself on millions of values from a fixed-seed generator (every bit pattern, the range the fast
 * path covers, values with few decimals as instruments print them, exact rounding ties), at each precision
 * and flag. The fuzz target tests/fuzz/fuzz_numfmt.c keeps looking beyond these. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/numfmt.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

static double from_bits(uint64_t b)
{
	double v;
	memcpy(&v, &b, sizeof(v));
	return v;
}

/* printf's text for the flags; LC_FMT_EXP3 widens a two-digit exponent, as Keysight prints it. */
static int reference(char *buf, size_t cap, double v, int prec, unsigned flags)
{
	static const char *const fmt[4] = {"%.*e", "%+.*e", "%.*E", "%+.*E"};
	int n = snprintf(buf, cap, fmt[flags & 3], prec, v);
	if ((flags & LC_FMT_EXP3) && isfinite(v) && (size_t)n + 1 < cap && (buf[n - 4] == 'e' || buf[n - 4] == 'E') &&
	    (buf[n - 3] == '+' || buf[n - 3] == '-')) {
		memmove(buf + n - 1, buf + n - 2, 3);
		buf[n - 2] = '0';
		n++;
	}
	return n;
}

static long mismatches;

static void check(double v, int prec, unsigned flags)
{
	char want[64], got[64];
	int nw = reference(want, sizeof(want), v, prec, flags);
	int ng = lc_fmt_exp(got, sizeof(got), v, prec, flags);
	if (nw != ng || strcmp(want, got) != 0) {
		if (mismatches++ < 10)
			cr_log_error("%a prec %d flags %u: printf \"%s\", lc_fmt_exp \"%s\"", v, prec, flags, want, got);
	}
}

Test(numfmt, nr3_matches_printf_on_random_bit_patterns)
{
	mismatches = 0;
	for (long i = 0; i < 500000; i++)
		check(from_bits(next()), 8, LC_FMT_PLUS | LC_FMT_UPPER);
	cr_expect_eq(mismatches, 0, "%ld of 500000 differ", mismatches);
}

Test(numfmt, nr3_matches_printf_over_the_fast_range)
{
	/* log-uniform over 1e-30 .. 1e40, past both ends of the exact integer path */
	mismatches = 0;
	for (long i = 0; i < 800000; i++) {
		double v = pow(10.0, -30.0 + 70.0 * (double)(next() >> 11) / 9007199254740992.0);
		check(next() & 1 ? -v : v, 8, LC_FMT_PLUS | LC_FMT_UPPER);
	}
	cr_expect_eq(mismatches, 0, "%ld of 800000 differ", mismatches);
}

Test(numfmt, instrument_readings_with_few_decimals)
{
	/* dBm with 0..4 decimals and the watts they stand for: the simulated instruments' own values */
	mismatches = 0;
	for (long i = 0; i < 200000; i++) {
		double dbm = (double)((long)(next() % 2000001) - 1000000) / pow(10.0, (double)(next() % 5));
		check(dbm, 8, LC_FMT_PLUS | LC_FMT_UPPER);
		check(1e-3 * pow(10.0, dbm / 1e4), 8, LC_FMT_PLUS | LC_FMT_UPPER | LC_FMT_EXP3);
	}
	cr_expect_eq(mismatches, 0, "%ld differ", mismatches);
}

Test(numfmt, every_precision_and_flag)
{
	mismatches = 0;
	for (long i = 0; i < 150000; i++) {
		uint64_t r = next();
		int prec = (int)(r % (LC_FMT_EXP_MAX_PREC + 1));
		unsigned flags = (unsigned)(r >> 8) & 7;
		double v = (r >> 12) & 1 ? from_bits(next())
					 : ldexp((double)(next() >> 11), (int)(next() % 200) - 150);
		check(v, prec, flags);
	}
	cr_expect_eq(mismatches, 0, "%ld differ", mismatches);
}

Test(numfmt, rounding_ties_go_to_even)
{
	/* exact halves: integers of prec + 2 digits ending in 5, and dyadic fractions */
	char got[64];
	lc_fmt_exp(got, sizeof(got), 1234567885.0, 8, LC_FMT_PLUS | LC_FMT_UPPER);
	cr_expect_str_eq(got, "+1.23456788E+09");
	lc_fmt_exp(got, sizeof(got), 1234567895.0, 8, LC_FMT_PLUS | LC_FMT_UPPER);
	cr_expect_str_eq(got, "+1.23456790E+09");
	lc_fmt_exp(got, sizeof(got), 0.125, 1, 0);
	cr_expect_str_eq(got, "1.2e-01");
	lc_fmt_exp(got, sizeof(got), 0.375, 1, 0);
	cr_expect_str_eq(got, "3.8e-01");
	lc_fmt_exp(got, sizeof(got), 2.5, 0, LC_FMT_UPPER);
	cr_expect_str_eq(got, "2E+00");
	lc_fmt_exp(got, sizeof(got), 9.5, 0, LC_FMT_UPPER);
	cr_expect_str_eq(got, "1E+01", "a tie that rounds up carries into the exponent");
	mismatches = 0;
	for (long i = 0; i < 100000; i++) {
		int prec = (int)(next() % 16);
		uint64_t lim = prec + 2 <= 16 ? 9 * (uint64_t)pow(10.0, prec + 1) : 9000000000000000ULL;
		double v = (double)((next() % lim) * 10 + 5) * ldexp(1.0, (int)(next() % 40) - 20);
		check(v, prec, LC_FMT_PLUS | LC_FMT_UPPER);
		check(-v, prec, 0);
	}
	cr_expect_eq(mismatches, 0, "%ld differ", mismatches);
}

Test(numfmt, zeros_infinities_nan_and_extremes)
{
	char got[64];
	lc_fmt_exp(got, sizeof(got), 0.0, 8, LC_FMT_PLUS | LC_FMT_UPPER);
	cr_expect_str_eq(got, "+0.00000000E+00");
	lc_fmt_exp(got, sizeof(got), -0.0, 8, LC_FMT_PLUS | LC_FMT_UPPER);
	cr_expect_str_eq(got, "-0.00000000E+00");
	lc_fmt_exp(got, sizeof(got), 1.5e-7, 8, LC_FMT_PLUS | LC_FMT_UPPER | LC_FMT_EXP3);
	cr_expect_str_eq(got, "+1.50000000E-007");
	lc_fmt_exp(got, sizeof(got), INFINITY, 8, LC_FMT_PLUS | LC_FMT_UPPER);
	cr_expect_str_eq(got, "+INF");
	lc_fmt_exp(got, sizeof(got), -INFINITY, 4, 0);
	cr_expect_str_eq(got, "-inf");
	const double special[] = {0.0,	    -0.0,	   INFINITY,	   -INFINITY, NAN,	  -NAN,
				  DBL_MIN,  -DBL_MIN,	   DBL_TRUE_MIN,   DBL_MAX,   -DBL_MAX,	  DBL_EPSILON,
				  1.0,	    9.999999995,   9.9999999949999, 99999999.95, 1e-24,	  1e38,
				  1e22,	    1e23,	   5e-324,	   4.9406564584124654e-324};
	mismatches = 0;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		for (int prec = 0; prec <= LC_FMT_EXP_MAX_PREC; prec++)
			for (unsigned flags = 0; flags < 8; flags++)
				check(special[i], prec, flags);
	/* each power of ten and its neighbours, where floor(log10) changes */
	for (int p = -330; p <= 308; p++) {
		double v = pow(10.0, p);
		for (int prec = 0; prec <= LC_FMT_EXP_MAX_PREC; prec++) {
			check(v, prec, LC_FMT_UPPER);
			check(nextafter(v, 0), prec, LC_FMT_UPPER);
			check(nextafter(v, INFINITY), prec, LC_FMT_UPPER);
		}
	}
	cr_expect_eq(mismatches, 0, "%ld differ", mismatches);
}

Test(numfmt, cuts_like_snprintf_and_refuses_a_bad_precision)
{
	char got[8];
	memset(got, 'x', sizeof(got));
	cr_expect_eq(lc_fmt_exp(got, 6, -1.25, 8, LC_FMT_UPPER), 15);
	cr_expect_str_eq(got, "-1.25");
	cr_expect_eq(got[6], 'x', "nothing written past cap");
	cr_expect_eq(lc_fmt_exp(NULL, 0, 3.0, 2, 0), 8, "cap 0 only measures");
	cr_expect_eq(lc_fmt_exp(got, sizeof(got), 1.0, -1, 0), LC_ERR_ARG);
	cr_expect_eq(lc_fmt_exp(got, sizeof(got), 1.0, LC_FMT_EXP_MAX_PREC + 1, 0), LC_ERR_ARG);
}
