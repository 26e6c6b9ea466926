# simnet: the simulator's SCPI engine, endpoints and interoperability with PyVISA and lxi-tools.
# The tests link lc_simnet (sim/sources.cmake), the engine and endpoints alone on base/.
lc_test(NAME sim_scpi_engine SOURCES tests/sim/test_scpi_engine.c LIBS lc_simnet)
lc_test(NAME sim_scpi_status SOURCES tests/sim/test_scpi_status.c LIBS lc_simnet)
# The test instrument as a program, for the interoperability tests (tests/interop/).
add_executable(sim_echo_server tests/sim/sim_echo_server.c)
target_link_libraries(sim_echo_server PRIVATE lc_simnet)
lc_test(NAME sim_endpoint_socket SOURCES tests/sim/test_endpoint_socket.c LIBS lc_simnet)
lc_test(NAME sim_vxi11_server SOURCES tests/sim/test_vxi11_server.c LIBS lc_simnet)
lc_test(NAME sim_endpoint_pty SOURCES tests/sim/test_endpoint_pty.c LIBS lc_simnet)
# Interoperability: PyVISA (pyvisa-py backend, Debian's /usr/bin/python3) and lxi-tools against the test
# instrument over the raw socket and VXI-11. Each run binds its own 127.77.x.y, with the portmapper on port
# 111 (needs root or CAP_NET_BIND_SERVICE): without that permission the test reports SKIP (77); a missing
# PyVISA/pyvisa-py or lxi-tools (bootstrap.sh installs them) fails it.
if(EXISTS /usr/bin/python3)
  add_test(NAME sim_interop_pyvisa
    COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/interop/interop_pyvisa.py $<TARGET_FILE:sim_echo_server>)
  set(_lc_lxi "")
  if(LC_LXI)
    set(_lc_lxi ${LC_LXI})
  endif()
  add_test(NAME sim_interop_lxi
    COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/interop/interop_lxi.py $<TARGET_FILE:sim_echo_server> "${_lc_lxi}")
  set_tests_properties(sim_interop_pyvisa sim_interop_lxi PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77
    ENVIRONMENT "${LC_SANITIZER_ENV}")
else()
  message(STATUS "/usr/bin/python3 not found: the PyVISA and lxi-tools interoperability tests are not registered")
endif()
lc_fuzz(NAME sim_scpi SOURCES tests/fuzz/fuzz_sim_scpi.c LIBS lc_simnet CORPUS tests/fuzz/corpus/sim_scpi)
# simworld: the simulated world's physics, the simulated optical instruments over real sockets, station
# faults, scenarios, and `lanecert sim`.
lc_test(NAME sim_world SOURCES tests/sim/test_world.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_inst_keysight SOURCES tests/sim/test_inst_keysight.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_inst_field SOURCES tests/sim/test_inst_field.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_faults SOURCES tests/sim/test_faults.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_inst_front SOURCES tests/sim/test_inst_front.c LIBS lc_sim TIMEOUT 90)
lc_test(NAME sim_scenario SOURCES tests/sim/test_scenario.c LIBS lc_sim TIMEOUT 60)
lc_test(NAME sim_cli SOURCES tests/sim/test_cli_sim.c LIBS lc_sim TIMEOUT 60)
add_dependencies(test_sim_cli lanecert)
lc_fuzz(NAME sim_scenario SOURCES tests/sim/fuzz_sim_scenario.c LIBS lc_sim CORPUS tests/sim/corpus/sim_scenario)
lc_test(NAME sim_runner_vxi11 SOURCES tests/sim/test_runner_vxi11.c LIBS lc_sim lc_hal TIMEOUT 60)
# VXI-11 discovery of the simulated station in a loopback-only network namespace (issue 20).
lc_test(NAME sim_discover_netns SOURCES tests/sim/test_discover_netns.c LIBS lc_sim PkgConfig::JANSSON TIMEOUT 60)
add_dependencies(test_sim_discover_netns lanecert)
# HiSLIP server (issue 20): byte layouts from IVI-6.1 and every error path, on plain sockets.
lc_test(NAME sim_hislip_server SOURCES tests/sim/test_hislip_server.c LIBS lc_simnet)
