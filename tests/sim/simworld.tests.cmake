# simworld: the simulated world's physics, the simulated optical instruments over real sockets, station
# faults, scenarios, and `lanecert sim`.
lc_test(NAME sim_world SOURCES tests/sim/test_world.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_inst_keysight SOURCES tests/sim/test_inst_keysight.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_inst_field SOURCES tests/sim/test_inst_field.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_faults SOURCES tests/sim/test_faults.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_scenario SOURCES tests/sim/test_scenario.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_cli SOURCES tests/sim/test_cli_sim.c LIBS lc_sim TIMEOUT 60)
add_dependencies(test_sim_cli lanecert)
lc_fuzz(NAME sim_scenario SOURCES tests/sim/fuzz_sim_scenario.c LIBS lc_sim CORPUS tests/sim/corpus/sim_scenario)
lc_test(NAME sim_runner_vxi11 SOURCES tests/sim/test_runner_vxi11.c LIBS lc_sim TIMEOUT 60)
