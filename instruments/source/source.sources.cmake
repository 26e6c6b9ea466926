list(APPEND LC_INSTRUMENTS_SOURCES instruments/source/source.c)
