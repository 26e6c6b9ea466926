/* Private to the OTDR analysis: least-squares line fits over any window of a trace in O(1), from prefix sums. */
#ifndef LC_OTDR_PRIV_H
#define LC_OTDR_PRIV_H

#include <stddef.h>

typedef struct lc_otdr_sums {
	size_t n;
	double *s1, *sx, *sxx, *sxy, *syy; /* prefix sums, n + 1 entries each */
} lc_otdr_sums;

/* y = a + b * i over the window, with the RMS of the residuals. */
typedef struct lc_otdr_line {
	double a, b, rms;
	size_t n;
} lc_otdr_line;

int lc_otdr_sums_init(lc_otdr_sums *s, const double *y, size_t n);
void lc_otdr_sums_free(lc_otdr_sums *s);
/* Fit points [lo, hi). Returns 0, or -1 if the window has fewer than 2 points (line is then flat through
 * the one point there is, or zero). */
int lc_otdr_fit(const lc_otdr_sums *s, size_t lo, size_t hi, lc_otdr_line *line);
/* The k-th smallest of v[0..n) (n > 0, k < n); reorders v. */
double lc_otdr_select(double *v, size_t n, size_t k);
static inline double lc_otdr_line_at(const lc_otdr_line *l, double i) { return l->a + l->b * i; }

#endif
