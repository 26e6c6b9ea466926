# I2C bus and its adapters (issue 7): Linux i2c-dev, CP2112 and MCP2221A over hidraw, the simulator's service.
list(APPEND LC_HAL_SOURCES
  hal/i2c.c
  hal/i2c_linux.c
  hal/i2c_hidraw.c
  hal/i2c_cp2112.c
  hal/i2c_mcp2221.c
  hal/i2c_sim.c
)
