# Fuzz target of the module decoders and dump parser (issue 7).
lc_fuzz(NAME module SOURCES tests/fuzz/fuzz_module.c LIBS lc_instruments CORPUS tests/fuzz/corpus/module)
