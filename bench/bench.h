#ifndef LC_BENCH_H
#define LC_BENCH_H

#define LC_BENCH(name, fn, summary) int fn(int argc, char **argv);
#include "bench/benches.def"
#undef LC_BENCH

/* Sorts v[0..n) and writes its min, median and max into out (zeros for n <= 0): what a benchmark prints of
 * its rounds, so that one disturbed round on a shared machine shows as a spread, not as the figure. */
void lc_bench_spread(double *v, int n, double out[3]);

/* Pins the calling thread, and so every thread and child process it starts afterwards, to the CPU it runs
 * on: loopback benchmarks call it before their servers start. Each round trip wakes the other side, and where
 * the scheduler puts a server thread (beside its client or on another core, then kept there) moved their
 * rows by up to 4x from one run to the next on an idle 2-core machine; on one CPU a row measures the
 * software's cost per query. Returns the CPU, or -1 (said on stderr as `who` with the reason). */
int lc_bench_pin_one_cpu(const char *who);

/* What a benchmark's heading says of where it ran (pinned: lc_bench_pin_one_cpu's result). */
#define LC_BENCH_PLACEMENT(cpu) ((cpu) >= 0 ? "clients and servers on one CPU" : "not pinned: threads where the scheduler puts them")

#endif
