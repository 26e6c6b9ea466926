lc_fuzz(NAME fixtures SOURCES tests/fuzz/fuzz_fixtures.c LIBS lc_fixtures CORPUS tests/fuzz/corpus/fixtures)
