set(LC_HAL_SOURCES
  hal/error.c
  hal/log.c
  hal/clock.c
)
lc_area_fragments(HAL hal)
lc_area(hal
  SOURCES ${LC_HAL_SOURCES}
  PKGS PkgConfig::LIBUSB PkgConfig::LIBSERIALPORT PkgConfig::LIBLXI PkgConfig::LIBTIRPC)
