/*
 * The narrow interface through which the USBTMC transport reaches USB: open a device by vid/pid/serial and
 * claim its USBTMC interface, bulk and interrupt transfers with a timeout, control transfers, clear halt,
 * close. The libusb-1.0 implementation is hal/usb_io_libusb.c; tests put a USBTMC device model behind the
 * same interface (tests/hal/usbtmc_device_model.c), since CI machines have no USB bus.
 *
 * Transfer functions return an lc_usb_status (not an LC_ERR_*): the transport must tell a stall from a
 * timeout from a vanished device to recover the right way (USBTMC 1.0 §4.2.1.2-§4.2.1.7).
 *
 * Thread safety: lc_usb_set_backend() is meant for program start or a test's setup (before any USBTMC
 * session opens); the backend pointer itself is read atomically. One lc_usb_dev is used by one thread at a
 * time (the SCPI session's mutex guarantees it).
 */
#ifndef LC_HAL_USB_IO_H
#define LC_HAL_USB_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/discover_local.h"
#include "base/error.h"

enum lc_usb_status {
	LC_USB_OK = 0,
	LC_USB_TIMEOUT = -1,  /* nothing (or not everything) moved before the timeout; *done says how much did */
	LC_USB_STALL = -2,    /* the endpoint is halted (or the control request was refused with a STALL) */
	LC_USB_GONE = -3,     /* the device was unplugged */
	LC_USB_OVERFLOW = -4, /* the device sent more than the buffer holds (babble) */
	LC_USB_IO = -5,       /* any other failure */
};

/* What the transport needs to know about the claimed USBTMC interface. */
typedef struct lc_usb_tmc_intf {
	uint16_t vid, pid;
	char serial[128];
	uint8_t number;       /* bInterfaceNumber */
	uint8_t protocol;     /* bInterfaceProtocol: 1 = USB488 */
	uint8_t ep_bulk_out, ep_bulk_in;
	uint8_t ep_intr_in;   /* 0: none */
	uint16_t max_packet_in, max_packet_out;
	int bus, address;     /* for messages */
} lc_usb_tmc_intf;

typedef struct lc_usb_dev lc_usb_dev;

typedef struct lc_usb_backend {
	const char *name;
	void *user;
	/*
	 * Find the device vid:pid whose serial number is serial ("" = the first one), pick its USBTMC interface
	 * (class 0xFE subclass 3): number intf; intf 0 (the resource string's default) also accepts the first
	 * USBTMC interface when interface 0 is another class. Detach a kernel driver,
	 * optionally reset the device, claim the interface. Errors: LC_ERR_NOT_FOUND (no such device, or no
	 * USBTMC interface), LC_ERR_PERMISSION (it exists but cannot be opened), LC_ERR_BUSY (claimed by
	 * another program), LC_ERR_IO; diag says which device.
	 */
	int (*open)(void *user, uint16_t vid, uint16_t pid, const char *serial, unsigned intf, bool reset,
		    lc_usb_dev **dev, lc_usb_tmc_intf *info, lc_diag *diag);
	/* Bulk or interrupt transfer on endpoint ep (direction in its bit 7). timeout_ms 0 = no limit. */
	enum lc_usb_status (*bulk)(lc_usb_dev *dev, uint8_t ep, uint8_t *buf, size_t len, size_t *done,
				   unsigned timeout_ms);
	enum lc_usb_status (*interrupt)(lc_usb_dev *dev, uint8_t ep, uint8_t *buf, size_t len, size_t *done,
					unsigned timeout_ms);
	/* Control transfer; *done receives the bytes of the data stage moved. */
	enum lc_usb_status (*control)(lc_usb_dev *dev, uint8_t request_type, uint8_t request, uint16_t value,
				      uint16_t index, uint8_t *data, uint16_t len, size_t *done, unsigned timeout_ms);
	enum lc_usb_status (*clear_halt)(lc_usb_dev *dev, uint8_t ep);
	/* Release the interface and close. */
	void (*close)(lc_usb_dev *dev);
	/*
	 * Every USBTMC interface the backend can see (discovery): *found malloc'ed, *count entries, with
	 * vid, pid, bus, address, interface, protocol and, when the device could be opened, its strings;
	 * otherwise error (LC_ERR_PERMISSION, LC_ERR_IO) and a short problem. Returns the count. A bus that
	 * cannot be reached is not an error: it is said in diag->text (appended) and nothing is found.
	 */
	int (*list)(void *user, lc_usb_found **found, size_t *count, lc_diag *diag);
} lc_usb_backend;

/* The libusb-1.0 backend (the default). */
const lc_usb_backend *lc_usb_libusb_backend(void);
/* The backend USBTMC sessions open through; NULL restores the default. */
void lc_usb_set_backend(const lc_usb_backend *b);
const lc_usb_backend *lc_usb_get_backend(void);

/* "timeout", "stall", ... */
const char *lc_usb_status_name(enum lc_usb_status s);

#endif
