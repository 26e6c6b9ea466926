# I2C bus and adapters (issue 7): each adapter against a model of what is behind it.
lc_test(NAME hal_i2c_linux SOURCES tests/hal/test_i2c_linux.c LIBS lc_hal)
lc_test(NAME hal_i2c_hid SOURCES tests/hal/test_i2c_hid.c tests/hal/hid_bridge_model.c LIBS lc_hal)
