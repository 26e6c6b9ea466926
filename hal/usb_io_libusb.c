/*
 * The libusb-1.0 backend of hal/usb_io.h.
 *
 * Each open device has its own libusb context, so sessions share no library state and need no global
 * initialisation. On Linux the kernel's usbtmc driver binds every USBTMC interface: libusb's automatic
 * detach releases it while we hold the interface and gives it back on release.
 */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/usb_io.h"
#include "hal/usbtmc_proto.h"

#define LC_LOG_DOMAIN "usb"

struct lc_usb_dev {
	libusb_context *ctx;
	libusb_device_handle *h;
	int intf;
};

static enum lc_usb_status map(int r)
{
	switch (r) {
	case 0: return LC_USB_OK;
	case LIBUSB_ERROR_TIMEOUT: return LC_USB_TIMEOUT;
	case LIBUSB_ERROR_PIPE: return LC_USB_STALL;
	case LIBUSB_ERROR_NO_DEVICE: return LC_USB_GONE;
	case LIBUSB_ERROR_OVERFLOW: return LC_USB_OVERFLOW;
	default: return LC_USB_IO;
	}
}

/* The USBTMC interface of dev's active configuration: number want; when want is 0 (also the resource
 * string's default) and interface 0 is something else, the first USBTMC interface. */
static bool find_tmc(libusb_device *dev, unsigned want, lc_usb_tmc_intf *info)
{
	struct libusb_config_descriptor *cfg;
	bool found = false;
	if (libusb_get_active_config_descriptor(dev, &cfg) != 0 && libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return false;
	for (int pass = 0; pass < (want == 0 ? 2 : 1) && !found; pass++)
		for (int i = 0; i < cfg->bNumInterfaces && !found; i++) {
			const struct libusb_interface_descriptor *d = cfg->interface[i].altsetting;
			if (cfg->interface[i].num_altsetting < 1 || d->bInterfaceClass != LC_USBTMC_CLASS ||
			    d->bInterfaceSubClass != LC_USBTMC_SUBCLASS || (pass == 0 && d->bInterfaceNumber != want))
				continue;
			memset(info, 0, sizeof(*info));
			info->number = d->bInterfaceNumber;
			info->protocol = d->bInterfaceProtocol;
			for (int k = 0; k < d->bNumEndpoints; k++) {
				const struct libusb_endpoint_descriptor *ep = &d->endpoint[k];
				int type = ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK;
				bool in = (ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) == LIBUSB_ENDPOINT_IN;
				if (type == LIBUSB_TRANSFER_TYPE_BULK && in && !info->ep_bulk_in) {
					info->ep_bulk_in = ep->bEndpointAddress;
					info->max_packet_in = ep->wMaxPacketSize & 0x7FF;
				} else if (type == LIBUSB_TRANSFER_TYPE_BULK && !in && !info->ep_bulk_out) {
					info->ep_bulk_out = ep->bEndpointAddress;
					info->max_packet_out = ep->wMaxPacketSize & 0x7FF;
				} else if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && in && !info->ep_intr_in) {
					info->ep_intr_in = ep->bEndpointAddress;
				}
			}
			found = info->ep_bulk_in && info->ep_bulk_out;
		}
	libusb_free_config_descriptor(cfg);
	return found;
}

static void read_serial(libusb_device_handle *h, const struct libusb_device_descriptor *dd, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (dd->iSerialNumber &&
	    libusb_get_string_descriptor_ascii(h, dd->iSerialNumber, (unsigned char *)buf, (int)cap) < 0)
		buf[0] = '\0';
}

static int claim(struct lc_usb_dev *d, const lc_usb_tmc_intf *info, lc_diag *diag)
{
	libusb_set_auto_detach_kernel_driver(d->h, 1);
	int r = libusb_claim_interface(d->h, info->number);
	if (r == LIBUSB_ERROR_BUSY)
		return lc_diag_set(diag, LC_ERR_BUSY, "USB %04x:%04x interface %u is claimed by another program",
				   info->vid, info->pid, info->number);
	if (r == LIBUSB_ERROR_ACCESS)
		return lc_diag_set(diag, LC_ERR_PERMISSION, "USB %04x:%04x interface %u: permission denied",
				   info->vid, info->pid, info->number);
	if (r != 0)
		return lc_diag_set(diag, LC_ERR_IO, "USB %04x:%04x: claiming interface %u: %s", info->vid, info->pid,
				   info->number, libusb_error_name(r));
	d->intf = info->number;
	return 0;
}

static int usb_open(void *user, uint16_t vid, uint16_t pid, const char *serial, unsigned intf, bool reset,
		    lc_usb_dev **out, lc_usb_tmc_intf *info, lc_diag *diag);

/* The reset-on-open quirk: reset the device, then find it again, since a reset may re-enumerate it (new
 * address, old handle invalid). Re-enumeration takes up to a second or two: look for it for 3 s. */
static int reset_and_reopen(struct lc_usb_dev *d, uint16_t vid, uint16_t pid, const char *serial, unsigned intf,
			    lc_usb_dev **out, lc_usb_tmc_intf *info, lc_diag *diag)
{
	int r = libusb_reset_device(d->h);
	libusb_close(d->h);
	libusb_exit(d->ctx);
	free(d);
	if (r != 0 && r != LIBUSB_ERROR_NOT_FOUND)
		return lc_diag_set(diag, LC_ERR_IO, "USB %04x:%04x: reset on open failed: %s", vid, pid,
				   libusb_error_name(r));
	int e = LC_ERR_NOT_FOUND;
	for (int i = 0; i < 30 && e == LC_ERR_NOT_FOUND; i++) {
		if (i)
			lc_sleep_ms(100);
		e = usb_open(NULL, vid, pid, serial, intf, false, out, info, diag);
	}
	if (e < 0)
		lc_diag_prefix(diag, "after the reset on open: ");
	return e;
}

static int usb_open(void *user, uint16_t vid, uint16_t pid, const char *serial, unsigned intf, bool reset,
		    lc_usb_dev **out, lc_usb_tmc_intf *info, lc_diag *diag)
{
	libusb_device **list = NULL;
	struct lc_usb_dev *d = calloc(1, sizeof(*d));
	int e = 0, denied_bus = -1, denied_addr = -1, matches = 0;
	char seen[128] = "";
	(void)user;

	*out = NULL;
	if (!d)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int r = libusb_init(&d->ctx);
	if (r != 0) {
		free(d);
		return lc_diag_set(diag, LC_ERR_IO, "libusb_init: %s", libusb_error_name(r));
	}
	ssize_t n = libusb_get_device_list(d->ctx, &list);
	if (n < 0) {
		e = lc_diag_set(diag, LC_ERR_IO, "cannot list USB devices: %s", libusb_error_name((int)n));
		goto fail;
	}
	for (ssize_t i = 0; i < n && !d->h; i++) {
		struct libusb_device_descriptor dd;
		lc_usb_tmc_intf found;
		if (libusb_get_device_descriptor(list[i], &dd) != 0 || dd.idVendor != vid || dd.idProduct != pid)
			continue;
		matches++;
		if (!find_tmc(list[i], intf, &found))
			continue;
		libusb_device_handle *h;
		r = libusb_open(list[i], &h);
		if (r == LIBUSB_ERROR_ACCESS) {
			denied_bus = libusb_get_bus_number(list[i]);
			denied_addr = libusb_get_device_address(list[i]);
			continue;
		}
		if (r != 0) {
			lc_dbg("%04x:%04x: open: %s", vid, pid, libusb_error_name(r));
			continue;
		}
		read_serial(h, &dd, found.serial, sizeof(found.serial));
		if (serial[0] && strcmp(serial, found.serial) != 0) {
			size_t l = strlen(seen);
			snprintf(seen + l, sizeof(seen) - l, "%s'%s'", l ? ", " : "", found.serial);
			libusb_close(h);
			continue;
		}
		found.vid = vid;
		found.pid = pid;
		found.bus = libusb_get_bus_number(list[i]);
		found.address = libusb_get_device_address(list[i]);
		d->h = h;
		*info = found;
	}
	libusb_free_device_list(list, 1);
	if (!d->h) {
		if (denied_bus >= 0)
			e = lc_diag_set(diag, LC_ERR_PERMISSION,
					"USB %04x:%04x (bus %d address %d) exists but cannot be opened: permission denied",
					vid, pid, denied_bus, denied_addr);
		else if (seen[0])
			e = lc_diag_set(diag, LC_ERR_NOT_FOUND, "USB %04x:%04x with serial '%s' not found (serials seen: %s)",
					vid, pid, serial, seen);
		else if (matches)
			e = lc_diag_set(diag, LC_ERR_NOT_FOUND,
					"USB %04x:%04x has no USBTMC interface (class 0xFE subclass 3) with bulk endpoints",
					vid, pid);
		else
			e = lc_diag_set(diag, LC_ERR_NOT_FOUND, "no USB device %04x:%04x is connected", vid, pid);
		goto fail;
	}
	if (reset)
		return reset_and_reopen(d, vid, pid, serial, intf, out, info, diag);
	if ((e = claim(d, info, diag)) < 0) {
		libusb_close(d->h);
		goto fail;
	}
	*out = d;
	return 0;
fail:
	libusb_exit(d->ctx);
	free(d);
	return e;
}

static enum lc_usb_status usb_bulk(lc_usb_dev *d, uint8_t ep, uint8_t *buf, size_t len, size_t *done,
				   unsigned timeout_ms)
{
	int got = 0;
	int r = libusb_bulk_transfer(d->h, ep, buf, len > INT32_MAX ? INT32_MAX : (int)len, &got, timeout_ms);
	*done = got > 0 ? (size_t)got : 0;
	return map(r);
}

static enum lc_usb_status usb_interrupt(lc_usb_dev *d, uint8_t ep, uint8_t *buf, size_t len, size_t *done,
					unsigned timeout_ms)
{
	int got = 0;
	int r = libusb_interrupt_transfer(d->h, ep, buf, len > INT32_MAX ? INT32_MAX : (int)len, &got, timeout_ms);
	*done = got > 0 ? (size_t)got : 0;
	return map(r);
}

static enum lc_usb_status usb_control(lc_usb_dev *d, uint8_t type, uint8_t request, uint16_t value, uint16_t index,
				      uint8_t *data, uint16_t len, size_t *done, unsigned timeout_ms)
{
	int r = libusb_control_transfer(d->h, type, request, value, index, data, len, timeout_ms);
	*done = r > 0 ? (size_t)r : 0;
	return r >= 0 ? LC_USB_OK : map(r);
}

static enum lc_usb_status usb_clear_halt(lc_usb_dev *d, uint8_t ep)
{
	return map(libusb_clear_halt(d->h, ep));
}

static void usb_close(lc_usb_dev *d)
{
	if (!d)
		return;
	libusb_release_interface(d->h, d->intf); /* gives the interface back to the kernel driver */
	libusb_close(d->h);
	libusb_exit(d->ctx);
	free(d);
}

/* Discovery: append a note to diag->text. */
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

/* The USBTMC interfaces of one device, appended to *v. Returns 0 or LC_ERR_NOMEM. */
static int list_device(libusb_device *dev, lc_usb_found **v, size_t *n, size_t *cap, lc_diag *diag)
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
			string_of(h, dd.iSerialNumber, f->serial, sizeof(f->serial));
			string_of(h, dd.iManufacturer, f->manufacturer, sizeof(f->manufacturer));
			string_of(h, dd.iProduct, f->product, sizeof(f->product));
			libusb_close(h);
			continue;
		}
		f->error = r == LIBUSB_ERROR_ACCESS ? LC_ERR_PERMISSION : LC_ERR_IO;
		snprintf(f->problem, sizeof(f->problem), "%s", r == LIBUSB_ERROR_ACCESS ? "permission denied" :
			 libusb_error_name(r));
	}
	libusb_free_config_descriptor(cfg);
	return e;
}

static int usb_list(void *user, lc_usb_found **found, size_t *count, lc_diag *diag)
{
	libusb_context *ctx = NULL;
	libusb_device **list = NULL;
	lc_usb_found *v = NULL;
	size_t n = 0, cap = 0;
	(void)user;

	*found = NULL;
	*count = 0;
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
		e = list_device(list[i], &v, &n, &cap, diag);
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

static const lc_usb_backend libusb_backend = {
	.name = "libusb-1.0",
	.open = usb_open,
	.bulk = usb_bulk,
	.interrupt = usb_interrupt,
	.control = usb_control,
	.clear_halt = usb_clear_halt,
	.close = usb_close,
	.list = usb_list,
};

const lc_usb_backend *lc_usb_libusb_backend(void)
{
	return &libusb_backend;
}
