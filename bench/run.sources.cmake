list(APPEND LC_BENCH_SOURCES bench/bench_run.c)
