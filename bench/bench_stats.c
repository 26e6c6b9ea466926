/* What every benchmark reports of its rounds: min, median and max (bench/bench.h). */
#include <stdlib.h>

#include "bench/bench.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void lc_bench_spread(double *v, int n, double out[3])
{
	if (n <= 0) {
		out[0] = out[1] = out[2] = 0;
		return;
	}
	qsort(v, (size_t)n, sizeof(double), cmp);
	out[0] = v[0];
	out[1] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	out[2] = v[n - 1];
}
