# BERT class: confidence math, the sequential BER step, lane mapping, the class interface and its drivers.
list(APPEND LC_INSTRUMENTS_SOURCES
  instruments/bert/ber_math.c
  instruments/bert/ber_sequential.c
  instruments/bert/ber_seq_run.c
  instruments/bert/bert.c
  instruments/bert/bert_layout.c
  instruments/bert/bert_pattern.c
  instruments/bert/bert_count.c
  instruments/bert/anritsu_mp1900.c
  instruments/bert/keysight_m8040a.c
  instruments/bert/lane_map.c
  instruments/bert/lane_map_run.c
)
