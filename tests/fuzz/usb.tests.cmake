# Fuzz target of the USBTMC transport (issue 7): bulk-IN headers, GET_CAPABILITIES replies, quirk specs, and
# arbitrary bulk-IN traffic read through a whole SCPI session.
lc_fuzz(NAME usbtmc SOURCES tests/fuzz/fuzz_usbtmc.c LIBS lc_hal CORPUS tests/fuzz/corpus/usbtmc)
