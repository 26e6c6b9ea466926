/* What every benchmark reports of its rounds (min, median and max), and where it runs (bench/bench.h). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int lc_bench_pin_one_cpu(const char *who)
{
	int cpu = sched_getcpu();
	if (cpu >= 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) == 0)
			return cpu;
	}
	fprintf(stderr, "lanecert-bench %s: cannot pin to one CPU (%s): the figures depend on where threads land\n", who,
		strerror(errno));
	return -1;
}
