list(APPEND LC_BENCH_SOURCES bench/bench_sor.c)
# Where `lanecert bench sor` finds the samples when LC_SHARED_DIR is not set: the shared folder beside the tree.
get_filename_component(_lc_bench_shared ${PROJECT_SOURCE_DIR}/../shared ABSOLUTE)
set_source_files_properties(bench/bench_sor.c PROPERTIES COMPILE_DEFINITIONS "LC_BENCH_SHARED_DIR=\"${_lc_bench_shared}\"")
