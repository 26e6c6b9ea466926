# USBTMC (against the device model of usbtmc_device_model.c) and serial (on pseudo-terminals, with the
# simulator's serial endpoint) transports, issue 7.
lc_test(NAME hal_usbtmc_proto SOURCES tests/hal/test_usbtmc_proto.c LIBS lc_hal)
lc_test(NAME hal_usbtmc SOURCES tests/hal/test_usbtmc.c tests/hal/usbtmc_device_model.c LIBS lc_hal)
lc_test(NAME hal_serial SOURCES tests/hal/test_serial.c LIBS lc_hal lc_simnet)
lc_test(NAME hal_discover_local SOURCES tests/hal/test_discover_local.c LIBS lc_hal)
