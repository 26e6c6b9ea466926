# Benchmarks are subcommands of the CLI (lanecert bench ...). Fragments bench/*.sources.cmake append to
# LC_BENCH_SOURCES; the files are linked into the lanecert executable.
set(LC_BENCH_SOURCES)
lc_area_fragments(BENCH bench)
