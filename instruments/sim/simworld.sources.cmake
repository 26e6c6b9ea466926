# The simulated world, scenarios, runner and simulated optical instruments (simworld).
list(APPEND LC_SIM_SOURCES
  instruments/sim/world.c
  instruments/sim/world_noise.c
  instruments/sim/world_dut.c
  instruments/sim/world_build.c
  instruments/sim/scenario.c
  instruments/sim/inst_kinds.c
  instruments/sim/inst_util.c
  instruments/sim/inst_sensor.c
  instruments/sim/inst_sensor_func.c
  instruments/sim/inst_keysight_n774x.c
  instruments/sim/inst_keysight_816x.c
  instruments/sim/inst_keysight_n773x.c
  instruments/sim/inst_thorlabs_pm100.c
  instruments/sim/inst_dicon_gp600.c
  instruments/sim/inst_front.c
  instruments/sim/runner.c
  instruments/sim/runner_control.c
)
