# Exactly-n-byte replies for non-IEEE-488.2 instruments (hal/scpi_raw.h).
list(APPEND LC_HAL_SOURCES hal/scpi_raw.c)
