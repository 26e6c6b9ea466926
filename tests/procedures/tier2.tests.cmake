# Field Tier 2 (OTDR) end to end: field-tier2.lua against the simulated AQ7260 station, in process, and the
# event analysis on the finely sampled trace that exposed its bugs.
lc_test(NAME procedures_field_tier2 SOURCES tests/procedures/test_field_tier2.c tests/procedures/e2e_harness.c
        LIBS lc_procedures lc_sim lc_instruments TIMEOUT 120)
