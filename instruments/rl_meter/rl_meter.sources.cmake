list(APPEND LC_INSTRUMENTS_SOURCES instruments/rl_meter/rl_meter.c)
