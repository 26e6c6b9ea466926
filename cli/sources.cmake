# The lanecert command: one file per subcommand (cli/cmd_NAME.c), each listed in cli/commands.def. Two
# programs are built from them (cli/full_program.h): lanecert-full runs every command and lanecert run's
# renderer (render-views), linking every library; lanecert runs the commands that certify and inspect, links
# none of the report renderers (cairo, pango, librsvg), libpq or libmicrohttpd (--as-needed drops what its
# objects do not reference), and execs lanecert-full for approve, report, sync, fleet, serve and results --db
# postgresql:// (cli/results.h). A certifying process thus loads only what certifying needs (issue 22: peak
# RSS).
set(LC_CLI_COMMON
  cli/cli_util.c
  cli/cmd_compat.c
  cli/cmd_discover.c
  cli/cmd_keygen.c
  cli/cmd_module.c
  cli/cmd_plan.c
  cli/cmd_probe.c
  cli/cmd_results.c
  cli/cmd_run.c
  cli/cmd_scpi.c
  cli/cmd_sign.c
  cli/cmd_sim.c
  cli/cmd_sor.c
  cli/cmd_sor_compare.c
  cli/cmd_verify.c
  cli/cmd_version.c
  cli/full_program.c
  cli/key_password.c
  cli/limit_set.c
  cli/module_source.c
  cli/run_abort.c
  cli/run_inputs.c
  cli/run_output.c
  cli/run_reports.c)
set(LC_CLI_FULL_ONLY
  cli/cmd_approve.c
  cli/cmd_fleet.c
  cli/cmd_report.c
  cli/cmd_serve.c
  cli/cmd_sync.c
  cli/results_fleet.c)
set(LC_HELPER_DIR ${CMAKE_INSTALL_FULL_LIBEXECDIR}/lanecert)
add_library(lc_cli_common OBJECT ${LC_CLI_COMMON})
target_compile_definitions(lc_cli_common PRIVATE "LC_HELPER_DIR=\"${LC_HELPER_DIR}\"")
# The objects see what the programs link: the public API, sim/sim.h and serve/serve.h.
target_link_libraries(lc_cli_common PUBLIC lc_sim lc_serve lanecert_static
  PkgConfig::LUA PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE PkgConfig::PQ PkgConfig::LIBUSB)

add_executable(lanecert cli/main.c cli/full_exec.c $<TARGET_OBJECTS:lc_cli_common>)
target_compile_definitions(lanecert PRIVATE LC_CLI_LEAN)
target_link_options(lanecert PRIVATE "LINKER:--as-needed")
# The command uses the public API (<lanecert/...>) and, for `lanecert sim` only, the simulator's entry
# point (sim/sim.h, from the static lc_sim, which is not part of liblanecert), and for the events `lanecert run`
# publishes, the dashboard's entry point (serve/serve.h, from the static lc_serve).
target_link_libraries(lanecert PRIVATE lc_sim lc_serve lanecert_static
  PkgConfig::LUA PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE PkgConfig::LIBUSB)
install(TARGETS lanecert RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

add_executable(lanecert-full cli/main.c ${LC_CLI_FULL_ONLY} $<TARGET_OBJECTS:lc_cli_common>)
target_link_options(lanecert-full PRIVATE "LINKER:--as-needed")
target_link_libraries(lanecert-full PRIVATE lc_sim lc_serve lanecert_static
  PkgConfig::LUA PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE PkgConfig::PQ PkgConfig::LIBUSB)
# lanecert finds it beside itself in the build tree and here once installed (cli/full_program.c).
install(TARGETS lanecert-full RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/lanecert)

add_executable(lanecert-render cli/render_main.c cli/cli_util.c cli/full_program.c)
target_compile_definitions(lanecert-render PRIVATE "LC_HELPER_DIR=\"${LC_HELPER_DIR}\"")
target_link_options(lanecert-render PRIVATE "LINKER:--as-needed")
target_include_directories(lanecert-render PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(lanecert-render PRIVATE lanecert_static)
install(TARGETS lanecert-render RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/lanecert)
# The PDF's plot drawer, spawned by lanecert-render (reports/render_plots_main.c, reports/pdf_plot_child.c):
# cairo and librsvg only, so that no process holds both pango's text layout and librsvg (issue 22).
add_executable(lanecert-render-plots reports/render_plots_main.c reports/pdf_svg_draw.c)
target_link_options(lanecert-render-plots PRIVATE "LINKER:--as-needed")
target_include_directories(lanecert-render-plots PRIVATE ${PROJECT_SOURCE_DIR})
target_link_libraries(lanecert-render-plots PRIVATE PkgConfig::CAIRO PkgConfig::RSVG)
install(TARGETS lanecert-render-plots RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/lanecert)
# lanecert execs and spawns them: building lanecert builds them (tests run lanecert from the build tree).
add_dependencies(lanecert lanecert-full lanecert-render lanecert-render-plots)
