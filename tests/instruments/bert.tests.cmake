# BERT class: confidence math, sequential step, lane mapping (pure), drivers against a scripted peer.
lc_test(NAME ber_math SOURCES tests/instruments/test_ber_math.c LIBS lc_instruments)
lc_test(NAME ber_sequential SOURCES tests/instruments/test_ber_sequential.c LIBS lc_instruments)
lc_test(NAME ber_lane_map SOURCES tests/instruments/test_ber_lane_map.c LIBS lc_instruments)
lc_test(NAME bert_layout SOURCES tests/instruments/test_bert_layout.c LIBS lc_instruments)
lc_test(NAME bert_anritsu SOURCES tests/instruments/test_bert_anritsu.c tests/instruments/test_bert_peer.c
        LIBS lc_instruments)
lc_test(NAME bert_keysight SOURCES tests/instruments/test_bert_keysight.c tests/instruments/test_bert_peer.c
        LIBS lc_instruments)
lc_test(NAME bert_sim SOURCES tests/instruments/test_bert_sim.c LIBS lc_instruments lc_sim)
lc_test(NAME bert_sim_world SOURCES tests/instruments/test_bert_sim_world.c LIBS lc_instruments lc_sim)
