/* Least-squares straight lines over windows of a trace, each fit O(1) from prefix sums, so that the
 * detector can fit a line before and after every point of a 250 000-point trace. Coordinates are point
 * indices relative to the window start inside the fit, which keeps the sums well conditioned. */
#include <math.h>
#include <stdlib.h>

#include "base/error.h"
#include "instruments/otdr/otdr_priv.h"

int lc_otdr_sums_init(lc_otdr_sums *s, const double *y, size_t n)
{
	s->n = n;
	double *all = malloc(5 * (n + 1) * sizeof(double));
	if (!all)
		return LC_ERR_NOMEM;
	s->s1 = all;
	s->sx = all + (n + 1);
	s->sxx = all + 2 * (n + 1);
	s->sxy = all + 3 * (n + 1);
	s->syy = all + 4 * (n + 1);
	s->s1[0] = s->sx[0] = s->sxx[0] = s->sxy[0] = s->syy[0] = 0;
	for (size_t i = 0; i < n; i++) {
		double x = (double)i;
		s->s1[i + 1] = s->s1[i] + y[i];
		s->sx[i + 1] = s->sx[i] + x;
		s->sxx[i + 1] = s->sxx[i] + x * x;
		s->sxy[i + 1] = s->sxy[i] + x * y[i];
		s->syy[i + 1] = s->syy[i] + y[i] * y[i];
	}
	return 0;
}

void lc_otdr_sums_free(lc_otdr_sums *s)
{
	free(s->s1);
	s->s1 = NULL;
}

int lc_otdr_fit(const lc_otdr_sums *s, size_t lo, size_t hi, lc_otdr_line *l)
{
	if (hi > s->n)
		hi = s->n;
	l->a = l->b = l->rms = 0;
	l->n = hi > lo ? hi - lo : 0;
	if (l->n == 0)
		return -1;
	double n = (double)l->n;
	double sy = s->s1[hi] - s->s1[lo];
	if (l->n < 2) {
		l->a = sy;
		return -1;
	}
	/* shift x by lo: sums of (x - lo) */
	double x0 = (double)lo;
	double sx = s->sx[hi] - s->sx[lo] - n * x0;
	double sxx = (s->sxx[hi] - s->sxx[lo]) - 2 * x0 * (s->sx[hi] - s->sx[lo]) + n * x0 * x0;
	double sxy = (s->sxy[hi] - s->sxy[lo]) - x0 * sy;
	double syy = s->syy[hi] - s->syy[lo];
	double den = n * sxx - sx * sx;
	double b = den > 0 ? (n * sxy - sx * sy) / den : 0;
	double a = (sy - b * sx) / n;
	/* residual sum of squares from the sums: syy - a sy - b sxy (x shifted) */
	double rss = syy - a * sy - b * sxy;
	l->rms = rss > 0 ? sqrt(rss / n) : 0;
	l->a = a - b * x0;
	l->b = b;
	return 0;
}

double lc_otdr_select(double *v, size_t n, size_t k)
{
	/* Hoare's quickselect with a median-of-three pivot: O(n) on average, where a sort would be O(n log n) */
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		double a = v[lo], b = v[mid], c = v[hi];
		double pivot = (a < b) ? ((b < c) ? b : (a < c ? c : a)) : ((a < c) ? a : (b < c ? c : b));
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}
