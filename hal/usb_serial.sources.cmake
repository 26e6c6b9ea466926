# USBTMC (through libusb-1.0 behind hal/usb_io.h) and serial (libserialport, termios for ptys) transports,
# and USB/serial discovery (issue 7).
list(APPEND LC_HAL_SOURCES
  hal/usbtmc_proto.c
  hal/usbtmc_quirks.c
  hal/usb_io.c
  hal/usb_io_libusb.c
  hal/transport_usbtmc.c
  hal/serial_port.c
  hal/transport_serial.c
  hal/discover_usb.c
  hal/discover_serial.c
)
