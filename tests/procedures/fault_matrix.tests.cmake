# The fault matrix: lanecert run (LC_CLI) per cell against the simulator served in the test process.
lc_test(NAME procedures_fault_matrix
        SOURCES tests/procedures/test_fault_matrix.c tests/procedures/fault_matrix.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 1500)
add_dependencies(test_procedures_fault_matrix lanecert)
