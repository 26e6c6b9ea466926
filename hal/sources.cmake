set(LC_HAL_SOURCES
  hal/error.c
  hal/utf8.c
  hal/log.c
  hal/clock.c
  hal/abort.c
  hal/atomic_file.c
  hal/resource.c
  hal/net.c
  hal/transport.c
  hal/transport_tcp.c
  hal/transport_vxi11.c
  hal/vxi11_probe.c
  hal/lxi_quiet.c
  hal/discover_lxi.c
  hal/scpi.c
  hal/scpi_query.c
  hal/scpi_framer.c
  hal/scpi_parse.c
)
lc_area_fragments(HAL hal)
lc_area(hal
  SOURCES ${LC_HAL_SOURCES}
  PKGS PkgConfig::LIBUSB PkgConfig::LIBSERIALPORT PkgConfig::LIBLXI PkgConfig::LIBTIRPC)
