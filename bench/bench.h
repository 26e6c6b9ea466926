#ifndef LC_BENCH_H
#define LC_BENCH_H

#define LC_BENCH(name, fn, summary) int fn(int argc, char **argv);
#include "bench/benches.def"
#undef LC_BENCH

#endif
