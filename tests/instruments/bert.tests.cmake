# BERT class: confidence math, sequential step, lane mapping (pure), drivers against a scripted peer.
lc_test(NAME ber_math SOURCES tests/instruments/test_ber_math.c LIBS lc_instruments)
