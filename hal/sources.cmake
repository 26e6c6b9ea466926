# hal/: how bytes reach an instrument: resource strings, transports (raw socket, VXI-11, HiSLIP, USBTMC, serial),
# SCPI sessions, I2C adapters, discovery.
lc_area(hal DEPS base SOURCES
  hal/discover_lxi.c
  hal/discover_serial.c
  hal/discover_usb.c
  hal/hislip_msg.c
  hal/i2c.c
  hal/i2c_cp2112.c
  hal/i2c_hidraw.c
  hal/i2c_linux.c
  hal/i2c_mcp2221.c
  hal/i2c_sim.c
  hal/lxi_quiet.c
  hal/net.c
  hal/resource.c
  hal/scpi.c
  hal/scpi_framer.c
  hal/scpi_parse.c
  hal/scpi_query.c
  hal/scpi_raw.c
  hal/scpi_refusal.c
  hal/serial_port.c
  hal/transport.c
  hal/transport_serial.c
  hal/transport_hislip.c
  hal/transport_tcp.c
  hal/transport_usbtmc.c
  hal/transport_vxi11.c
  hal/usb_io.c
  hal/usb_io_libusb.c
  hal/usbtmc_proto.c
  hal/usbtmc_quirks.c
  hal/vxi11_probe.c
  PKGS PkgConfig::LIBUSB PkgConfig::LIBSERIALPORT PkgConfig::LIBLXI PkgConfig::LIBTIRPC)
