list(APPEND LC_INSTRUMENTS_SOURCES instruments/power_meter/power_meter.c instruments/power_meter/keysight_n774x.c
  instruments/power_meter/keysight_816x.c instruments/power_meter/keysight_816x_layout.c
  instruments/power_meter/thorlabs_pm100.c)
