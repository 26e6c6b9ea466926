# BERT class: confidence math, the sequential BER step, lane mapping, the class interface and its drivers.
list(APPEND LC_INSTRUMENTS_SOURCES
  instruments/bert/ber_math.c
)
