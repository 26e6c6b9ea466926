lc_test(NAME hal_error SOURCES tests/hal/test_error.c LIBS lc_hal)
