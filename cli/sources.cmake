# The lanecert command: one file per subcommand (cli/cmd_NAME.c), each listed in cli/commands.def.
add_executable(lanecert
  cli/cli_util.c
  cli/cmd_approve.c
  cli/cmd_compat.c
  cli/cmd_discover.c
  cli/cmd_fleet.c
  cli/cmd_keygen.c
  cli/cmd_module.c
  cli/cmd_plan.c
  cli/cmd_probe.c
  cli/cmd_report.c
  cli/cmd_results.c
  cli/cmd_run.c
  cli/cmd_scpi.c
  cli/cmd_serve.c
  cli/cmd_sign.c
  cli/cmd_sim.c
  cli/cmd_sor.c
  cli/cmd_sor_compare.c
  cli/cmd_sync.c
  cli/cmd_verify.c
  cli/cmd_version.c
  cli/key_password.c
  cli/limit_set.c
  cli/main.c
  cli/module_source.c
  cli/run_abort.c
  cli/run_inputs.c
  cli/run_output.c)
# The command uses the public API (<lanecert/...>) and, for `lanecert sim` only, the simulator's entry
# point (sim/sim.h, from the static lc_sim, which is not part of liblanecert), and for `lanecert serve` and
# the events `lanecert run` publishes, the dashboard's entry point (serve/serve.h, from the static lc_serve).
target_link_libraries(lanecert PRIVATE lc_sim lc_serve lanecert_static
  PkgConfig::LUA PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE PkgConfig::PQ PkgConfig::LIBUSB)
install(TARGETS lanecert RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
