list(APPEND LC_BENCH_SOURCES bench/bench_sor.c)
# Where `lanecert bench sor` finds the samples without --dir: the real SOR files in the source tree.
set_source_files_properties(bench/bench_sor.c PROPERTIES COMPILE_DEFINITIONS "LC_BENCH_SOR_DIR=\"${PROJECT_SOURCE_DIR}/tests/data/sor\"")
