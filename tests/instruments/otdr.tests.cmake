# OTDR: SOR reader/writer, event analysis (all on lc_otdr_core: hal only), the agreement with the samples'
# stored KeyEvents. The samples are read from tests/data/sor (README there).
lc_test(NAME sor_read SOURCES tests/instruments/test_sor_read.c tests/instruments/test_sor_util.c LIBS lc_otdr_core)
lc_test(NAME sor_corrupt SOURCES tests/instruments/test_sor_corrupt.c tests/instruments/test_sor_util.c LIBS lc_otdr_core)
lc_test(NAME sor_roundtrip SOURCES tests/instruments/test_sor_roundtrip.c tests/instruments/test_sor_util.c LIBS lc_otdr_core)
lc_test(NAME otdr_analysis SOURCES tests/instruments/test_otdr_analysis.c LIBS lc_otdr_core)
lc_test(NAME otdr_samples SOURCES tests/instruments/test_otdr_samples.c tests/instruments/test_sor_util.c LIBS lc_otdr_core)
lc_test(NAME sor_cli SOURCES tests/instruments/test_sor_cli.c tests/instruments/test_sor_util.c LIBS lc_otdr_core)
# Yokogawa AQ7260 driver: against a scripted loopback peer, and against the simulated AQ7260 (tier-2 scenario).
lc_test(NAME otdr_aq7260 SOURCES tests/instruments/test_otdr_aq7260.c tests/instruments/scpi_peer.c
        LIBS lc_instruments lc_otdr_core TIMEOUT 60)
lc_test(NAME otdr_aq7260_sim SOURCES tests/instruments/test_otdr_aq7260_sim.c
        LIBS lc_instruments lc_sim lc_otdr_core TIMEOUT 60)
