/* USBTMC devices on every USB bus, through the USB backend of hal/usb_io.h (hal/discover_local.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/discover_local.h"
#include "hal/usb_io.h"

/* The resource string of a listed interface, or why there is none. */
static void finish(lc_usb_found *f, lc_diag *diag)
{
	lc_resource r;
	char what[32];
	snprintf(what, sizeof(what), "%04x:%04x", f->vid, f->pid);
	if (f->error) {
		if (f->error == LC_ERR_PERMISSION)
			snprintf(f->problem, sizeof(f->problem), "permission denied: install the udev rule "
				 "contrib/udev/70-lanecert.rules (docs/hal.md) and replug");
		if (diag) {
			size_t l = strlen(diag->text);
			snprintf(diag->text + l, sizeof(diag->text) - l, "%sUSB %s: %s", l ? "; " : "", what,
				 f->error == LC_ERR_PERMISSION ? "no permission to open it" : "cannot open it");
		}
		return;
	}
	if (!f->serial[0] || strstr(f->serial, "::")) {
		f->error = LC_ERR_UNSUPPORTED;
		snprintf(f->problem, sizeof(f->problem), "no usable serial number string: a resource string cannot "
			 "name this device");
		return;
	}
	memset(&r, 0, sizeof(r));
	r.kind = LC_RES_USBTMC;
	r.vid = f->vid;
	r.pid = f->pid;
	r.usb_interface = f->interface;
	snprintf(r.serial, sizeof(r.serial), "%s", f->serial);
	if (lc_resource_format(&r, f->resource, sizeof(f->resource)) < 0)
		f->resource[0] = '\0';
}

int lc_discover_usb(lc_usb_found **found, size_t *count, lc_diag *diag)
{
	if (!found || !count)
		return lc_diag_set(diag, LC_ERR_ARG, "discover usb: NULL argument");
	*found = NULL;
	*count = 0;
	lc_diag_clear(diag);
	const lc_usb_backend *b = lc_usb_get_backend();
	if (!b->list) {
		if (diag)
			snprintf(diag->text, sizeof(diag->text), "USB: the %s backend cannot list devices", b->name);
		return 0;
	}
	int e = b->list(b->user, found, count, diag);
	if (e < 0)
		return e;
	for (size_t i = 0; i < *count; i++)
		finish(&(*found)[i], diag);
	return (int)*count;
}
