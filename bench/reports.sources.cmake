list(APPEND LC_BENCH_SOURCES bench/bench_reports.c bench/bench_reports_sample.c)
