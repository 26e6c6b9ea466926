/* Serial ports through libserialport's sp_list_ports (hal/discover_local.h). */
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/discover_local.h"

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int lc_discover_serial(lc_serial_found **found, size_t *count, lc_diag *diag)
{
	struct sp_port **ports = NULL;

	if (!found || !count)
		return lc_diag_set(diag, LC_ERR_ARG, "discover serial: NULL argument");
	*found = NULL;
	*count = 0;
	lc_diag_clear(diag);
	if (sp_list_ports(&ports) != SP_OK) {
		char *m = sp_last_error_message();
		if (diag)
			snprintf(diag->text, sizeof(diag->text), "serial: cannot list ports: %s", m ? m : "unknown error");
		sp_free_error_message(m);
		return 0;
	}
	size_t n = 0;
	while (ports[n])
		n++;
	lc_serial_found *v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		sp_free_port_list(ports);
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory while listing serial ports");
	}
	for (size_t i = 0; i < n; i++) {
		lc_serial_found *f = &v[i];
		lc_resource r;
		copy(f->path, sizeof(f->path), sp_get_port_name(ports[i]));
		copy(f->description, sizeof(f->description), sp_get_port_description(ports[i]));
		enum sp_transport t = sp_get_port_transport(ports[i]);
		f->transport = t == SP_TRANSPORT_USB ? "usb" : t == SP_TRANSPORT_BLUETOOTH ? "bluetooth" : "native";
		f->vid = f->pid = -1;
		if (t == SP_TRANSPORT_USB) {
			sp_get_port_usb_vid_pid(ports[i], &f->vid, &f->pid);
			copy(f->manufacturer, sizeof(f->manufacturer), sp_get_port_usb_manufacturer(ports[i]));
			copy(f->product, sizeof(f->product), sp_get_port_usb_product(ports[i]));
			copy(f->serial, sizeof(f->serial), sp_get_port_usb_serial(ports[i]));
		}
		memset(&r, 0, sizeof(r));
		r.kind = LC_RES_ASRL;
		copy(r.path, sizeof(r.path), f->path);
		if (lc_resource_format(&r, f->resource, sizeof(f->resource)) < 0)
			f->resource[0] = '\0';
	}
	sp_free_port_list(ports);
	*found = v;
	*count = n;
	return (int)n;
}
