# Benchmarks are subcommands of the CLI (lanecert bench ...), linked into the lanecert executable.
set(LC_BENCH_SOURCES
  bench/bench_ber.c
  bench/bench_hal.c
  bench/bench_il.c
  bench/bench_reports.c
  bench/bench_reports_sample.c
  bench/bench_run.c
  bench/bench_sim.c
  bench/bench_sor.c
)
# Where `lanecert bench sor` finds the samples without --dir: the real SOR files in the source tree.
set_source_files_properties(bench/bench_sor.c PROPERTIES COMPILE_DEFINITIONS "LC_BENCH_SOR_DIR=\"${PROJECT_SOURCE_DIR}/tests/data/sor\"")
