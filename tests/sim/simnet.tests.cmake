# simnet: the simulator's SCPI engine, endpoints and interoperability with PyVISA and lxi-tools.
lc_test(NAME sim_scpi_engine SOURCES tests/sim/test_scpi_engine.c LIBS lc_sim)
