lc_test(NAME hal_error SOURCES tests/hal/test_error.c LIBS lc_hal)
lc_test(NAME hal_resource SOURCES tests/hal/test_resource.c LIBS lc_hal)
lc_test(NAME hal_scpi_parse SOURCES tests/hal/test_scpi_parse.c LIBS lc_hal)
lc_test(NAME hal_scpi_tcp SOURCES tests/hal/test_scpi_tcp.c tests/hal/loopback_server.c LIBS lc_hal)
