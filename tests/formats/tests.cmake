lc_test(NAME module_dump SOURCES tests/formats/test_module_dump.c LIBS lc_formats)
# SOR reader/writer (formats/sor*.c) on the real samples of tests/data/sor (README there).
lc_test(NAME sor_read SOURCES tests/formats/test_sor_read.c tests/formats/test_sor_util.c LIBS lc_formats)
lc_test(NAME sor_corrupt SOURCES tests/formats/test_sor_corrupt.c tests/formats/test_sor_util.c LIBS lc_formats)
lc_test(NAME sor_roundtrip SOURCES tests/formats/test_sor_roundtrip.c tests/formats/test_sor_util.c LIBS lc_formats)
