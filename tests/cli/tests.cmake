# `lanecert run` end to end: the built executable against `lanecert sim`, one row per promised exit code.
lc_test(NAME cli_run SOURCES tests/cli/test_cmd_run.c LIBS PkgConfig::JANSSON TIMEOUT 300)
add_dependencies(test_cli_run lanecert)
# Every command's bad options: exit 64 and one wording naming the option (cli/cli.h, lc_cli_getopt).
find_program(LC_PYTHON3 NAMES python3 REQUIRED)
add_test(NAME cli_options COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/cli/test_options.py)
set_tests_properties(cli_options PROPERTIES TIMEOUT 60
  ENVIRONMENT "LC_SOURCE_DIR=${PROJECT_SOURCE_DIR};LC_CLI=$<TARGET_FILE:lanecert>;${LC_SANITIZER_ENV}")
# The programs' DT_NEEDED lists: no library a program does not use (docs/HACKING.md, "The programs").
add_test(NAME cli_programs_needed COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/cli/test_programs_needed.py)
set_tests_properties(cli_programs_needed PROPERTIES TIMEOUT 30
  ENVIRONMENT "LC_CLI=$<TARGET_FILE:lanecert>;LC_RENDER=$<TARGET_FILE:lanecert-render>;LC_RENDER_PLOTS=$<TARGET_FILE:lanecert-render-plots>")
# lanecert run's renderers: lanecert-render --serve renders folder after folder, each the same bytes as alone.
add_test(NAME cli_render_serve COMMAND ${LC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/cli/test_render_serve.py)
set_tests_properties(cli_render_serve PROPERTIES TIMEOUT 60
  ENVIRONMENT "LC_SOURCE_DIR=${PROJECT_SOURCE_DIR};LC_RENDER=$<TARGET_FILE:lanecert-render>;LC_RENDER_PLOTS=$<TARGET_FILE:lanecert-render-plots>;${LC_SANITIZER_ENV}")
