# Simulated module memories on the simulator's I2C service (issue 7).
list(APPEND LC_SIM_SOURCES
  instruments/sim/i2c_service.c
  instruments/sim/inst_module.c
  instruments/sim/inst_module_mem.c
)
