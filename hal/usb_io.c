/* The backend USBTMC sessions open through (hal/usb_io.h). */
#include "hal/usb_io.h"

#include <stdatomic.h>

static _Atomic(const lc_usb_backend *) current;

void lc_usb_set_backend(const lc_usb_backend *b)
{
	atomic_store(&current, b);
}

const lc_usb_backend *lc_usb_get_backend(void)
{
	const lc_usb_backend *b = atomic_load(&current);
	return b ? b : lc_usb_libusb_backend();
}

const char *lc_usb_status_name(enum lc_usb_status s)
{
	switch (s) {
	case LC_USB_OK: return "ok";
	case LC_USB_TIMEOUT: return "timeout";
	case LC_USB_STALL: return "stall";
	case LC_USB_GONE: return "device gone";
	case LC_USB_OVERFLOW: return "overflow";
	case LC_USB_IO: return "I/O error";
	}
	return "unknown";
}
