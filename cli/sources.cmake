# The lanecert command: one file per subcommand, each listed in cli/commands.def and in a fragment
# cli/<name>.sources.cmake doing list(APPEND LC_CLI_SOURCES cli/cmd_<name>.c).
set(LC_CLI_SOURCES
  cli/main.c
  cli/cli_util.c
  cli/cmd_version.c
)
lc_area_fragments(CLI cli)
add_executable(lanecert ${LC_CLI_SOURCES} ${LC_BENCH_SOURCES})
target_link_libraries(lanecert PRIVATE lanecert_static
  PkgConfig::LUA PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE PkgConfig::LIBUSB)
install(TARGETS lanecert RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
