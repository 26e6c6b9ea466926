# Simulated BERTs: Anritsu MP1900A and Keysight M8040A dialects on the simulator's SCPI engine.
list(APPEND LC_SIM_SOURCES
  instruments/sim/inst_anritsu_lanes.c
  instruments/sim/inst_anritsu_mp1900.c
  instruments/sim/inst_keysight_m8040a.c
)
