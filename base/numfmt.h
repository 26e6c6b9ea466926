/* Exact decimal exponent notation without printf's cost.
 *
 * The simulator answers every measurement query with a number in exponent notation (SCPI NR3, "%+.8E");
 * glibc's printf spends about 1,900 instructions on one, more than half of a query's whole cost in the
 * simulator. lc_fmt_exp() produces the same bytes as snprintf(buf, cap, "%[+].<prec>[eE]", v) in the default
 * rounding mode (round to nearest, ties to even on the exact binary value), computed with exact 128-bit
 * integer arithmetic where the value allows it (about 1e-24 .. 1e38 at 8 digits, every value the simulated
 * instruments print) and by snprintf itself elsewhere (subnormals, the far ranges, infinities, NaN), so the
 * output is printf's for every double. tests/base/test_numfmt.c and tests/fuzz/fuzz_numfmt.c compare the two.
 */
#ifndef LC_BASE_NUMFMT_H
#define LC_BASE_NUMFMT_H

#include <stddef.h>

enum {
	LC_FMT_PLUS = 1,  /* '+' flag: a plus sign before non-negative values */
	LC_FMT_UPPER = 2, /* 'E' (and INF/NAN) rather than 'e' */
	LC_FMT_EXP3 = 4,  /* at least three exponent digits ("E+003"), as Keysight's instruments print them;
			     not a printf format: without it the exponent has printf's two digits at least */
};

/* Largest precision lc_fmt_exp accepts (digits after the point). */
#define LC_FMT_EXP_MAX_PREC 17

/* Formats v with prec (0..LC_FMT_EXP_MAX_PREC) digits after the point into buf (cap bytes, NUL-terminated,
 * cut like snprintf). Returns the length of the whole text (which may be >= cap), or LC_ERR_ARG for a prec
 * out of range. Thread-safe. */
int lc_fmt_exp(char *buf, size_t cap, double v, int prec, unsigned flags);

#endif
