# End-to-end: procedures against the simulated station, in process.
lc_test(NAME procedures_e2e_optical SOURCES tests/procedures/test_e2e_optical.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_e2e_faults SOURCES tests/procedures/test_e2e_faults.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_e2e_return_loss SOURCES tests/procedures/test_e2e_return_loss.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_e2e_lanes SOURCES tests/procedures/test_e2e_lanes.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
lc_test(NAME procedures_run_faults_cli SOURCES tests/procedures/test_run_faults_cli.c tests/procedures/run_cli.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 300)
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
