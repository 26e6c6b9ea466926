# Module class (issue 7): decoders, dumps, memory over a modelled bus, the simulated modules, the CLI.
lc_test(NAME module_decode SOURCES tests/instruments/test_module_decode.c LIBS lc_instruments)
lc_test(NAME module_dump SOURCES tests/instruments/test_module_dump.c LIBS lc_instruments)
lc_test(NAME module_memory SOURCES tests/instruments/test_module_memory.c tests/instruments/module_bus_model.c LIBS lc_instruments)
lc_test(NAME module_sim SOURCES tests/instruments/test_module_sim.c LIBS lc_instruments lc_sim)
lc_test(NAME module_compat SOURCES tests/instruments/test_module_compat.c LIBS lc_instruments)
lc_test(NAME module_cli SOURCES tests/instruments/test_module_cli.c LIBS lc_instruments)
