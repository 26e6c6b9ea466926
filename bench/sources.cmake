# lanecert-bench: the benchmarks, a program of their own (bench/main.c, one bench/bench_NAME.c per line of
# bench/benches.def). They measure internals and serve the simulator, so they link the areas' static libraries
# and lc_sim rather than the public API. Built with the tree, run by `make bench`, not installed.
add_executable(lanecert-bench
  bench/main.c
  bench/bench_ber.c
  bench/bench_fleet.c
  bench/bench_hal.c
  bench/bench_il.c
  bench/bench_reports.c
  bench/bench_reports_sample.c
  bench/bench_run.c
  bench/bench_serve.c
  bench/bench_sim.c
  bench/bench_sor.c
  bench/bench_stats.c
  cli/cli_util.c)
target_link_libraries(lanecert-bench PRIVATE lc_sim lc_procedures lc_reports lc_instruments lc_fixtures
  lc_formats lc_hal lc_base PkgConfig::PQ)
# Where `lanecert-bench sor` finds the samples without --dir: the real SOR files in the source tree.
set_source_files_properties(bench/bench_sor.c PROPERTIES COMPILE_DEFINITIONS "LC_BENCH_SOR_DIR=\"${PROJECT_SOURCE_DIR}/tests/data/sor\"")
add_dependencies(lanecert-bench lanecert) # `lanecert-bench serve` runs the lanecert program beside it
