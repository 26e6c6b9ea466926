/* USBTMC devices on every USB bus, through libusb (hal/discover_local.h). */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/discover_local.h"
#include "hal/log.h"
#include "hal/usbtmc_proto.h"

#define LC_LOG_DOMAIN "discover"

static void note(lc_diag *diag, const char *fmt, const char *a)
{
	if (!diag)
		return;
	size_t l = strlen(diag->text);
	snprintf(diag->text + l, sizeof(diag->text) - l, "%s", l ? "; " : "");
	l = strlen(diag->text);
	snprintf(diag->text + l, sizeof(diag->text) - l, fmt, a);
}

static void string_of(libusb_device_handle *h, uint8_t index, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (index && libusb_get_string_descriptor_ascii(h, index, (unsigned char *)buf, (int)cap) < 0)
		buf[0] = '\0';
}

/* Fill f from an open handle (strings) and form the resource string. */
static void describe(libusb_device_handle *h, const struct libusb_device_descriptor *dd, lc_usb_found *f)
{
	lc_resource r;
	string_of(h, dd->iSerialNumber, f->serial, sizeof(f->serial));
	string_of(h, dd->iManufacturer, f->manufacturer, sizeof(f->manufacturer));
	string_of(h, dd->iProduct, f->product, sizeof(f->product));
	memset(&r, 0, sizeof(r));
	r.kind = LC_RES_USBTMC;
	r.vid = f->vid;
	r.pid = f->pid;
	r.usb_interface = f->interface;
	snprintf(r.serial, sizeof(r.serial), "%s", f->serial);
	if (!f->serial[0] || strstr(f->serial, "::")) {
		f->error = LC_ERR_UNSUPPORTED;
		snprintf(f->problem, sizeof(f->problem), "no usable serial number string: a resource string cannot "
			 "name this device");
		return;
	}
	if (lc_resource_format(&r, f->resource, sizeof(f->resource)) < 0)
		f->resource[0] = '\0';
}

/* The USBTMC interfaces of one device, appended to *v. Returns 0 or LC_ERR_NOMEM. */
static int scan_device(libusb_device *dev, lc_usb_found **v, size_t *n, size_t *cap, lc_diag *diag)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cfg;
	if (libusb_get_device_descriptor(dev, &dd) != 0)
		return 0;
	if (libusb_get_active_config_descriptor(dev, &cfg) != 0 && libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return 0;
	int e = 0;
	for (int i = 0; i < cfg->bNumInterfaces && e == 0; i++) {
		const struct libusb_interface_descriptor *d = cfg->interface[i].altsetting;
		if (cfg->interface[i].num_altsetting < 1 || d->bInterfaceClass != LC_USBTMC_CLASS ||
		    d->bInterfaceSubClass != LC_USBTMC_SUBCLASS)
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 8;
			lc_usb_found *p = realloc(*v, nc * sizeof(*p));
			if (!p) {
				e = LC_ERR_NOMEM;
				break;
			}
			*v = p;
			*cap = nc;
		}
		lc_usb_found *f = &(*v)[(*n)++];
		memset(f, 0, sizeof(*f));
		f->vid = dd.idVendor;
		f->pid = dd.idProduct;
		f->bus = libusb_get_bus_number(dev);
		f->address = libusb_get_device_address(dev);
		f->interface = d->bInterfaceNumber;
		f->protocol = d->bInterfaceProtocol;
		libusb_device_handle *h;
		int r = libusb_open(dev, &h);
		if (r == 0) {
			describe(h, &dd, f);
			libusb_close(h);
			continue;
		}
		f->error = r == LIBUSB_ERROR_ACCESS ? LC_ERR_PERMISSION : LC_ERR_IO;
		snprintf(f->problem, sizeof(f->problem), "%s%s", r == LIBUSB_ERROR_ACCESS ? "permission denied" :
			 libusb_error_name(r), r == LIBUSB_ERROR_ACCESS ? " (udev rule: contrib/udev/99-lanecert-usbtmc."
			 "rules)" : "");
		char what[64];
		snprintf(what, sizeof(what), "%04x:%04x", f->vid, f->pid);
		note(diag, r == LIBUSB_ERROR_ACCESS ? "USB %s: no permission to open it" : "USB %s: cannot open it", what);
	}
	libusb_free_config_descriptor(cfg);
	return e;
}

int lc_discover_usb(lc_usb_found **found, size_t *count, lc_diag *diag)
{
	libusb_context *ctx = NULL;
	libusb_device **list = NULL;
	lc_usb_found *v = NULL;
	size_t n = 0, cap = 0;

	if (!found || !count)
		return lc_diag_set(diag, LC_ERR_ARG, "discover usb: NULL argument");
	*found = NULL;
	*count = 0;
	lc_diag_clear(diag);
	int r = libusb_init(&ctx);
	if (r != 0) {
		/* containers and CI machines often have no USB bus at all: not an error of the scan */
		note(diag, "USB: %s (no USB bus reachable)", libusb_error_name(r));
		return 0;
	}
	ssize_t nd = libusb_get_device_list(ctx, &list);
	if (nd < 0) {
		note(diag, "USB: cannot list devices: %s", libusb_error_name((int)nd));
		libusb_exit(ctx);
		return 0;
	}
	if (nd == 0)
		note(diag, "USB: %s", "no USB device is visible (no USB bus, or /dev/bus/usb not reachable)");
	int e = 0;
	for (ssize_t i = 0; i < nd && e == 0; i++)
		e = scan_device(list[i], &v, &n, &cap, diag);
	libusb_free_device_list(list, 1);
	libusb_exit(ctx);
	if (e < 0) {
		free(v);
		return lc_diag_set(diag, e, "out of memory while listing USB devices");
	}
	lc_dbg("%zu USBTMC interface(s) among %zd USB devices", n, nd);
	*found = v;
	*count = n;
	return (int)n;
}
