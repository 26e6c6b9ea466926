#ifndef LC_BENCH_H
#define LC_BENCH_H

#define LC_BENCH(name, fn, summary) int fn(int argc, char **argv);
#include "bench/benches.def"
#undef LC_BENCH

/* Sorts v[0..n) and writes its min, median and max into out (zeros for n <= 0): what a benchmark prints of
 * its rounds, so that one disturbed round on a shared machine shows as a spread, not as the figure. */
void lc_bench_spread(double *v, int n, double out[3]);

#endif
