# simnet: the simulator's SCPI engine, its clock and its network/serial endpoints. Kept in their own list too,
# so tests/sim/simnet.tests.cmake can build them as lc_simnet (depending on hal only) for their tests.
set(LC_SIMNET_SOURCES
  instruments/sim/sim_clock.c
  instruments/sim/scpi_error_queue.c
  instruments/sim/scpi_tree.c
  instruments/sim/scpi_params.c
  instruments/sim/scpi_args.c
  instruments/sim/scpi_out.c
  instruments/sim/scpi_common.c
  instruments/sim/scpi_engine.c
  instruments/sim/endpoint_lines.c
  instruments/sim/endpoint_common.c
  instruments/sim/endpoint_socket.c
  instruments/sim/endpoint_pty.c
  instruments/sim/oncrpc.c
  instruments/sim/portmapper.c
  instruments/sim/vxi11_server.c
  instruments/sim/testinst.c
)
list(APPEND LC_SIM_SOURCES ${LC_SIMNET_SOURCES})
