# `lanecert run` end to end: the built executable against `lanecert sim`, one row per promised exit code.
lc_test(NAME cli_run SOURCES tests/cli/test_cmd_run.c LIBS PkgConfig::JANSSON TIMEOUT 300)
add_dependencies(test_cli_run lanecert)
