list(APPEND LC_INSTRUMENTS_SOURCES instruments/measure/reference.c instruments/measure/map.c
  instruments/measure/map_expected.c instruments/measure/light.c instruments/measure/il.c
  instruments/measure/map_measure.c instruments/measure/rl.c instruments/measure/reference_json.c)
