# Tests of the optical instrument classes, drivers, registry and measurements (owner: optical).
lc_test(NAME instruments_registry SOURCES tests/instruments/test_registry.c LIBS lc_instruments)
lc_test(NAME instruments_drv_n774x SOURCES tests/instruments/test_drv_n774x.c tests/instruments/scpi_peer.c
        LIBS lc_instruments)
lc_test(NAME instruments_drv_misc SOURCES tests/instruments/test_drv_misc.c tests/instruments/scpi_peer.c
        LIBS lc_instruments)
lc_test(NAME instruments_probe_cli SOURCES tests/instruments/test_probe_cli.c tests/instruments/scpi_peer.c
        LIBS PkgConfig::JANSSON Threads::Threads)
add_dependencies(test_instruments_probe_cli lanecert)
if(TARGET lc_sim)
  # probe only reads: the units the drivers set at attach read the same after `lanecert probe` (issue 20).
  lc_test(NAME instruments_probe_sim SOURCES tests/instruments/test_probe_sim.c LIBS lc_sim lc_instruments
          PkgConfig::JANSSON)
  add_dependencies(test_instruments_probe_sim lanecert)
  lc_test(NAME instruments_sim_optical SOURCES tests/instruments/test_sim_optical.c tests/instruments/sim_station.c
          LIBS lc_procedures lc_sim lc_instruments)
endif()
# BERT class: confidence math, sequential step, lane mapping (pure), drivers against a scripted peer.
lc_test(NAME ber_math SOURCES tests/instruments/test_ber_math.c LIBS lc_instruments)
lc_test(NAME ber_lane_map SOURCES tests/instruments/test_ber_lane_map.c LIBS lc_instruments)
lc_test(NAME bert_layout SOURCES tests/instruments/test_bert_layout.c LIBS lc_instruments)
lc_test(NAME bert_anritsu SOURCES tests/instruments/test_bert_anritsu.c tests/instruments/test_bert_peer.c
        LIBS lc_instruments)
lc_test(NAME bert_keysight SOURCES tests/instruments/test_bert_keysight.c tests/instruments/test_bert_peer.c
        LIBS lc_instruments)
lc_test(NAME bert_sim SOURCES tests/instruments/test_bert_sim.c LIBS lc_procedures lc_instruments lc_sim)
lc_test(NAME bert_sim_world SOURCES tests/instruments/test_bert_sim_world.c LIBS lc_procedures lc_instruments lc_sim)
# Module class (issue 7): decoders, dumps, memory over a modelled bus, the simulated modules, the CLI.
lc_test(NAME module_decode SOURCES tests/instruments/test_module_decode.c LIBS lc_instruments)
lc_test(NAME module_memory SOURCES tests/instruments/test_module_memory.c tests/instruments/module_bus_model.c LIBS lc_instruments)
lc_test(NAME module_sim SOURCES tests/instruments/test_module_sim.c LIBS lc_instruments lc_sim)
lc_test(NAME module_cli SOURCES tests/instruments/test_module_cli.c LIBS lc_instruments)
# OTDR event analysis on traces synthesized by the simulator's sim/world/otdr_synth.c, and its agreement with the samples' stored KeyEvents.
lc_test(NAME otdr_analysis SOURCES tests/instruments/test_otdr_analysis.c LIBS lc_instruments lc_sim)
lc_test(NAME otdr_samples SOURCES tests/instruments/test_otdr_samples.c tests/formats/test_sor_util.c LIBS lc_instruments)
lc_test(NAME otdr_synthetic SOURCES tests/instruments/test_otdr_synthetic.c LIBS lc_instruments lc_sim)
lc_test(NAME sor_cli SOURCES tests/instruments/test_sor_cli.c tests/formats/test_sor_util.c LIBS lc_instruments)
# Yokogawa AQ7260 driver: against a scripted loopback peer, and against the simulated AQ7260 (tier-2 scenario).
lc_test(NAME otdr_aq7260 SOURCES tests/instruments/test_otdr_aq7260.c tests/instruments/scpi_peer.c
        LIBS lc_instruments TIMEOUT 60)
# The E36xx supply driver against the simulated E3648A, and `lanecert probe` on it.
lc_test(NAME supply_sim SOURCES tests/instruments/test_supply_sim.c LIBS lc_instruments lc_sim PkgConfig::JANSSON
        TIMEOUT 60)
add_dependencies(test_supply_sim lanecert)
lc_test(NAME otdr_aq7260_sim SOURCES tests/instruments/test_otdr_aq7260_sim.c
        LIBS lc_instruments lc_sim TIMEOUT 60)
