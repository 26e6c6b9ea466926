/*
 * Discovery of instruments on the local buses: USBTMC devices (interface class 0xFE subclass 3) through
 * the USB backend of hal/usb_io.h (libusb unless a test installed another) and serial ports through libserialport (sp_list_ports, with USB VID:PID and strings for
 * USB adapters). Enumeration only: nothing is written to any device here (the CLI asks *IDN? of the
 * USBTMC devices it can open; serial ports are never probed, since their line settings are unknown and
 * an instrument might act on stray bytes).
 *
 * Problems that do not stop the scan (no USB bus, a device that cannot be opened) are reported per entry
 * and summed up in diag->text when diag is given, without failing the call.
 *
 * Thread safety: reentrant (each call has its own libusb context); call from any thread.
 */
#ifndef LC_HAL_DISCOVER_LOCAL_H
#define LC_HAL_DISCOVER_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hal/resource.h"

typedef struct lc_usb_found {
	char resource[LC_RESOURCE_MAX]; /* "" when the serial number could not be read (see problem) */
	uint16_t vid, pid;
	int bus, address;
	uint8_t interface, protocol;    /* protocol 1: USB488 */
	char serial[128], manufacturer[128], product[128];
	int error;                      /* 0, or why the device could not be opened (LC_ERR_PERMISSION, ...) */
	char problem[160];
} lc_usb_found;

/* USBTMC interfaces on every USB bus. *found is malloc'ed (caller frees). Returns the count. */
int lc_discover_usb(lc_usb_found **found, size_t *count, lc_diag *diag);

typedef struct lc_serial_found {
	char resource[LC_RESOURCE_MAX];
	char path[256];
	char description[128];
	const char *transport;          /* "native", "usb", "bluetooth" */
	int vid, pid;                   /* -1 unless a USB adapter */
	char manufacturer[128], product[128], serial[128];
} lc_serial_found;

/* The serial ports libserialport lists (pseudo-terminals are not listed). Returns the count. */
int lc_discover_serial(lc_serial_found **found, size_t *count, lc_diag *diag);

#endif
