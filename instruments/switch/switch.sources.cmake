list(APPEND LC_INSTRUMENTS_SOURCES instruments/switch/switch.c instruments/switch/dicon_gp600.c
  instruments/switch/keysight_n773x.c)
