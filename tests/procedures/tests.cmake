lc_test(NAME procedures_measure_logic SOURCES tests/procedures/measure/test_measure_logic.c LIBS lc_procedures)
lc_test(NAME procedures_measure_station SOURCES tests/procedures/measure/test_measure_station.c tests/instruments/scpi_peer.c
        LIBS lc_procedures)
lc_fuzz(NAME optical_parsers SOURCES tests/procedures/measure/fuzz_optical_parsers.c LIBS lc_procedures
        CORPUS tests/procedures/measure/corpus/optical_parsers)
lc_test(NAME procedures_reference_json SOURCES tests/procedures/measure/test_reference_json.c LIBS lc_procedures)
lc_test(NAME ber_sequential SOURCES tests/procedures/measure/test_ber_sequential.c LIBS lc_procedures)
lc_test(NAME procedures_engine SOURCES tests/procedures/test_engine.c LIBS lc_procedures)
lc_test(NAME procedures_prompt SOURCES tests/procedures/test_prompt.c LIBS lc_procedures)
lc_test(NAME procedures_diagnosis SOURCES tests/procedures/test_diagnosis.c LIBS lc_procedures)
lc_test(NAME procedures_golden SOURCES tests/procedures/test_golden.c tests/reports/helpers.c LIBS lc_procedures)
# End-to-end: procedures against the simulated station, in process.
lc_test(NAME procedures_e2e_optical SOURCES tests/procedures/test_e2e_optical.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_e2e_faults SOURCES tests/procedures/test_e2e_faults.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_e2e_return_loss SOURCES tests/procedures/test_e2e_return_loss.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_e2e_lanes SOURCES tests/procedures/test_e2e_lanes.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
# Module power from several bench supplies through the BER soak (issue 19 point 7).
lc_test(NAME procedures_e2e_supply SOURCES tests/procedures/test_e2e_supply.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 200)
lc_test(NAME procedures_run_faults_cli SOURCES tests/procedures/test_run_faults_cli.c tests/procedures/run_cli.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
# Required and optional commands of a driver, from the command line (issue 20, item 3).
lc_test(NAME procedures_run_features_cli SOURCES tests/procedures/test_run_features_cli.c tests/procedures/run_cli.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 200)
# `lanecert run` as an operator runs it: verdict, exit code and the diagnosis sentence.
lc_test(NAME procedures_cli_verdicts SOURCES tests/procedures/test_cli_verdicts.c tests/procedures/run_cli.c
        tests/reports/helpers.c LIBS lc_procedures lc_sim lc_instruments TIMEOUT 600)
lc_test(NAME procedures_run_cli SOURCES tests/procedures/test_run_cli.c tests/procedures/run_cli_util.c
        tests/reports/helpers.c LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_run_cli_sim SOURCES tests/procedures/test_run_cli_sim.c tests/procedures/run_cli_util.c
        tests/procedures/e2e_harness.c tests/reports/helpers.c LIBS lc_procedures lc_sim lc_instruments TIMEOUT 600)
# `lanecert run` aborted by Ctrl-C on a pseudo-terminal and by SIGTERM; calibration and module-serial
# checks before measuring; against a simulated station.
lc_test(NAME procedures_cli_trust SOURCES tests/procedures/test_cli_trust.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments lc_reports PkgConfig::JANSSON TIMEOUT 600)
# Field Tier 2 (OTDR) end to end: field-tier2.lua against the simulated AQ7260 station, in process, and the
# event analysis on the finely sampled trace that exposed its bugs.
lc_test(NAME procedures_field_tier2 SOURCES tests/procedures/test_field_tier2.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 120)
# The fault matrix: lanecert run (LC_CLI) per cell against the simulator served in the test process.
lc_test(NAME procedures_fault_matrix
        SOURCES tests/procedures/test_fault_matrix.c tests/procedures/fault_matrix.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 1500)
add_dependencies(test_procedures_fault_matrix lanecert)
lc_test(NAME procedures_il_setup SOURCES tests/procedures/test_il_setup.c tests/procedures/e2e_harness.c
        tests/reports/helpers.c LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
# Link compatibility of two module ends (procedures/compat.c), on decoded images from tests/instruments/.
lc_test(NAME module_compat SOURCES tests/procedures/test_module_compat.c LIBS lc_procedures)
# Issue 19: the DR4 -> 4 x DR1 link with its transceivers, judged from the modules' memories.
lc_test(NAME procedures_e2e_link SOURCES tests/procedures/test_e2e_link.c tests/procedures/test_e2e_800g.c
        tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
