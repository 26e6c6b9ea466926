lc_test(NAME hal_resource SOURCES tests/hal/test_resource.c LIBS lc_hal)
lc_test(NAME hal_scpi_parse SOURCES tests/hal/test_scpi_parse.c LIBS lc_hal)
lc_test(NAME hal_scpi_tcp SOURCES tests/hal/test_scpi_tcp.c tests/hal/loopback_server.c LIBS lc_hal)
lc_test(NAME hal_vxi11 SOURCES tests/hal/test_vxi11.c LIBS lc_hal lc_simnet)
lc_test(NAME hal_cli_scpi SOURCES tests/hal/test_cli_scpi.c tests/hal/loopback_server.c LIBS lc_hal)
# I2C bus and adapters (issue 7): each adapter against a model of what is behind it.
lc_test(NAME hal_i2c_linux SOURCES tests/hal/test_i2c_linux.c LIBS lc_hal)
lc_test(NAME hal_i2c_hid SOURCES tests/hal/test_i2c_hid.c tests/hal/hid_bridge_model.c LIBS lc_hal)
# USBTMC (against the device model of usbtmc_device_model.c) and serial (on pseudo-terminals, with the
# simulator's serial endpoint) transports, issue 7.
lc_test(NAME hal_usbtmc_proto SOURCES tests/hal/test_usbtmc_proto.c LIBS lc_hal)
lc_test(NAME hal_usbtmc SOURCES tests/hal/test_usbtmc.c tests/hal/usbtmc_device_model.c LIBS lc_hal)
lc_test(NAME hal_serial SOURCES tests/hal/test_serial.c LIBS lc_hal lc_simnet)
lc_test(NAME hal_discover_local SOURCES tests/hal/test_discover_local.c LIBS lc_hal)
# HiSLIP client (issue 20): scripted peer for the byte layouts and error paths, the simulator's server for sessions.
lc_test(NAME hal_hislip SOURCES tests/hal/test_hislip.c LIBS lc_hal lc_simnet)
# Fail fast, say why (issue 20): a refused query named with the instrument's error, not a bare timeout.
lc_test(NAME hal_scpi_refusal SOURCES tests/hal/test_scpi_refusal.c tests/hal/loopback_server.c LIBS lc_hal lc_simnet)
