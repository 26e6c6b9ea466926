# simnet: the simulator's SCPI engine, its clock and its network/serial endpoints.
list(APPEND LC_SIM_SOURCES
  instruments/sim/sim_clock.c
  instruments/sim/scpi_error_queue.c
  instruments/sim/scpi_tree.c
  instruments/sim/scpi_params.c
  instruments/sim/scpi_args.c
  instruments/sim/scpi_out.c
  instruments/sim/scpi_common.c
  instruments/sim/scpi_engine.c
)
