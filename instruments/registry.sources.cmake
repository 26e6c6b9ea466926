list(APPEND LC_INSTRUMENTS_SOURCES instruments/registry.c instruments/instrument.c instruments/driver_util.c)
