# sim/: the simulated station, server side only. Not part of liblanecert: lc_sim (with lc_simnet) is a static
# library of its own, linked by the programs that serve the simulator (lanecert sim, lanecert-bench, tests).
# simnet: the simulator's clock, SCPI engine (sim/scpi) and network, serial and I2C servers (sim/net), on base/
# alone (the simulator needs nothing of the HAL), so their tests and the interop echo server build without the
# world.
lc_area(simnet NOT_IN_LIBRARY DEPS base SOURCES
  sim/sim_clock.c
  sim/net/endpoint_common.c
  sim/net/endpoint_lines.c
  sim/net/endpoint_pty.c
  sim/net/endpoint_socket.c
  sim/net/hislip_server.c
  sim/net/i2c_service.c
  sim/net/oncrpc.c
  sim/net/portmapper.c
  sim/net/vxi11_server.c
  sim/scpi/scpi_args.c
  sim/scpi/scpi_common.c
  sim/scpi/scpi_engine.c
  sim/scpi/scpi_error_queue.c
  sim/scpi/scpi_out.c
  sim/scpi/scpi_params.c
  sim/scpi/scpi_tree.c
  sim/scpi/testinst.c
)
# sim: the world built from a scenario (sim/world), the simulated instruments (sim/inst) and the runner.
lc_area(sim NOT_IN_LIBRARY DEPS simnet fixtures formats PKGS PkgConfig::JANSSON SOURCES
  sim/runner.c
  sim/runner_control.c
  sim/inst/inst_anritsu_lanes.c
  sim/inst/inst_anritsu_mp1900.c
  sim/inst/inst_dicon_gp600.c
  sim/inst/inst_front.c
  sim/inst/inst_keysight_816x.c
  sim/inst/inst_keysight_m8040a.c
  sim/inst/inst_keysight_n773x.c
  sim/inst/inst_keysight_n774x.c
  sim/inst/inst_kinds.c
  sim/inst/inst_module.c
  sim/inst/inst_module_mem.c
  sim/inst/inst_module_diag.c
  sim/inst/inst_otdr_aq7260.c
  sim/inst/inst_sensor.c
  sim/inst/inst_sensor_func.c
  sim/inst/inst_thorlabs_pm100.c
  sim/inst/inst_keysight_e364x.c
  sim/inst/inst_util.c
  sim/world/otdr_sim.c
  sim/world/otdr_synth.c
  sim/world/scenario.c
  sim/world/world.c
  sim/world/world_build.c
  sim/world/world_dut.c
  sim/world/world_noise.c
)
