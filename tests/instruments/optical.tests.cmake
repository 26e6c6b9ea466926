# Tests of the optical instrument classes, drivers, registry and measurements (owner: optical).
lc_test(NAME instruments_registry SOURCES tests/instruments/test_registry.c LIBS lc_instruments)
lc_test(NAME instruments_measure_logic SOURCES tests/instruments/test_measure_logic.c LIBS lc_instruments)
lc_test(NAME instruments_drv_n774x SOURCES tests/instruments/test_drv_n774x.c tests/instruments/scpi_peer.c
        LIBS lc_instruments)
lc_test(NAME instruments_drv_misc SOURCES tests/instruments/test_drv_misc.c tests/instruments/scpi_peer.c
        LIBS lc_instruments)
lc_test(NAME instruments_probe_cli SOURCES tests/instruments/test_probe_cli.c tests/instruments/scpi_peer.c
        LIBS PkgConfig::JANSSON Threads::Threads)
add_dependencies(test_instruments_probe_cli lanecert)
lc_test(NAME instruments_measure_station SOURCES tests/instruments/test_measure_station.c tests/instruments/scpi_peer.c
        LIBS lc_instruments)
if(TARGET lc_sim)
  lc_test(NAME instruments_sim_optical SOURCES tests/instruments/test_sim_optical.c tests/instruments/sim_station.c
          LIBS lc_sim lc_instruments)
endif()
lc_fuzz(NAME optical_parsers SOURCES tests/instruments/fuzz_optical_parsers.c LIBS lc_instruments
        CORPUS tests/instruments/corpus/optical_parsers)
lc_test(NAME instruments_reference_json SOURCES tests/instruments/test_reference_json.c LIBS lc_instruments)
