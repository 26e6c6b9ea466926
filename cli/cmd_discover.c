/* lanecert discover: list the LXI instruments liblxi finds (VXI-11 broadcast, mDNS), the USBTMC devices
 * (with *IDN? where they can be opened) and the serial ports. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include <lanecert/hal.h>

#define CMD "discover"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert discover [--timeout MS] [--json] [--no-vxi11] [--no-mdns] [--no-usb] [--no-serial] [-v]\n"
		"\n"
		"Looks for LXI instruments: a VXI-11 portmapper broadcast on every IPv4 interface that has a broadcast\n"
		"address (then *IDN? over VXI-11), and mDNS/DNS-SD services through the Avahi daemon (then *IDN? over\n"
		"the service found); USBTMC devices on every USB bus (then *IDN? where they can be opened) and the\n"
		"serial ports libserialport lists (never probed: their line settings are unknown).\n"
		"Discovery depends on the network passing broadcasts and multicast; a station file listing resource\n"
		"strings always works.\n"
		"  --timeout MS   wait per interface and per answering instrument (default 1000; rounded up to\n"
		"                 whole seconds, the granularity liblxi keeps)\n"
		"  --json         one JSON object on stdout\n");
}

/* *IDN? of an mDNS-found service; "" when it cannot be read. */
static void identify(lc_discovered *d, int timeout)
{
	lc_scpi_options o;
	lc_scpi *s = NULL;
	if (d->method != LC_DISCOVER_MDNS || !d->resource[0])
		return;
	lc_scpi_options_init(&o);
	o.timeout_ms = timeout;
	o.open_timeout_ms = timeout;
	if (lc_scpi_open(d->resource, &o, &s, NULL) < 0)
		return;
	char idn[sizeof(d->id)];
	if (lc_scpi_query(s, "*IDN?", idn, sizeof(idn)) >= 0)
		snprintf(d->id, sizeof(d->id), "%s", idn);
	lc_scpi_close(s);
}

/* *IDN? of a USBTMC device that could be opened; "" when it cannot be read. */
static void identify_usb(const lc_usb_found *f, int timeout, char *idn, size_t cap)
{
	lc_scpi_options o;
	lc_scpi *s = NULL;
	idn[0] = '\0';
	if (f->error || !f->resource[0])
		return;
	lc_scpi_options_init(&o);
	o.timeout_ms = timeout;
	o.open_timeout_ms = timeout;
	if (lc_scpi_open(f->resource, &o, &s, NULL) < 0)
		return;
	if (lc_scpi_query(s, "*IDN?", idn, cap) < 0)
		idn[0] = '\0';
	lc_scpi_close(s);
}

struct local_found {
	bool usb, serial;
	lc_usb_found *u;
	char (*u_idn)[256];
	size_t nu;
	lc_serial_found *sp;
	size_t ns;
};

static json_t *local_json(const struct local_found *l, json_t **serial)
{
	json_t *usb = json_array();
	*serial = json_array();
	for (size_t i = 0; i < l->nu; i++) {
		json_t *o = json_object();
		char id[16];
		snprintf(id, sizeof(id), "%04x:%04x", l->u[i].vid, l->u[i].pid);
		json_object_set_new(o, "resource", json_string(l->u[i].resource));
		json_object_set_new(o, "usb_id", json_string(id));
		json_object_set_new(o, "bus", json_integer(l->u[i].bus));
		json_object_set_new(o, "address", json_integer(l->u[i].address));
		json_object_set_new(o, "usb488", json_boolean(l->u[i].protocol == 1));
		json_object_set_new(o, "manufacturer", json_string(l->u[i].manufacturer));
		json_object_set_new(o, "product", json_string(l->u[i].product));
		json_object_set_new(o, "idn", json_string(l->u_idn[i]));
		json_object_set_new(o, "problem", json_string(l->u[i].problem));
		json_array_append_new(usb, o);
	}
	for (size_t i = 0; i < l->ns; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "resource", json_string(l->sp[i].resource));
		json_object_set_new(o, "description", json_string(l->sp[i].description));
		json_object_set_new(o, "transport", json_string(l->sp[i].transport));
		if (l->sp[i].vid >= 0) {
			char id[16];
			snprintf(id, sizeof(id), "%04x:%04x", (unsigned)l->sp[i].vid, (unsigned)l->sp[i].pid);
			json_object_set_new(o, "usb_id", json_string(id));
			json_object_set_new(o, "manufacturer", json_string(l->sp[i].manufacturer));
			json_object_set_new(o, "product", json_string(l->sp[i].product));
			json_object_set_new(o, "serial", json_string(l->sp[i].serial));
		}
		json_array_append_new(*serial, o);
	}
	return usb;
}

static int print_json(const lc_discovered *f, size_t n, unsigned methods, const char *scanned, const char *problems,
		      const struct local_found *l)
{
	json_t *root = json_object(), *list = json_array(), *sc = json_array(), *not = json_array();
	if (methods & LC_DISCOVER_VXI11)
		json_array_append_new(sc, json_string("vxi11"));
	else
		json_array_append_new(not, json_string("vxi11"));
	if (methods & LC_DISCOVER_MDNS)
		json_array_append_new(sc, json_string("mdns"));
	else
		json_array_append_new(not, json_string("mdns"));
	json_array_append_new(l->usb ? sc : not, json_string("usb"));
	json_array_append_new(l->serial ? sc : not, json_string("serial"));
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "resource", json_string(f[i].resource));
		json_object_set_new(o, "address", json_string(f[i].address));
		json_object_set_new(o, "via", json_string(f[i].method == LC_DISCOVER_VXI11 ? "vxi11" : "mdns"));
		json_object_set_new(o, "service", json_string(f[i].service));
		json_object_set_new(o, "port", json_integer(f[i].port));
		json_object_set_new(o, "idn", json_string(f[i].id));
		json_array_append_new(list, o);
	}
	json_object_set_new(root, "scanned", sc);
	json_object_set_new(root, "not_scanned", not);
	json_object_set_new(root, "interfaces", json_string(scanned));
	json_object_set_new(root, "problems", json_string(problems));
	json_object_set_new(root, "instruments", list);
	json_t *serial;
	json_object_set_new(root, "usb_devices", local_json(l, &serial));
	json_object_set_new(root, "serial_ports", serial);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text) {
		lc_cli_error(CMD, "out of memory");
		return LC_EXIT_SOFTWARE;
	}
	printf("%s\n", text);
	free(text);
	return LC_EXIT_OK;
}

int lc_cmd_discover(int argc, char **argv)
{
	int timeout = 1000, verbose = 0;
	bool json = false;
	unsigned methods = LC_DISCOVER_VXI11 | LC_DISCOVER_MDNS;
	struct local_found l = {.usb = true, .serial = true};

	static const struct option opts[] = {{"timeout", required_argument, NULL, 't'},
					     {"json", no_argument, NULL, 'j'},
					     {"no-vxi11", no_argument, NULL, 'X'},
					     {"no-mdns", no_argument, NULL, 'M'},
					     {"no-usb", no_argument, NULL, 'U'},
					     {"no-serial", no_argument, NULL, 'S'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt(CMD, argc, argv, "vh", opts)) != -1) {
		char *end;
		long v;
		switch (c) {
		case 'h': usage(stdout); return LC_EXIT_OK;
		case 't':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || v < 1 || v > 60000) {
				lc_cli_error(CMD, "--timeout: '%s' is not a number of milliseconds (1..60000)", optarg);
				return LC_EXIT_USAGE;
			}
			timeout = (int)v;
			break;
		case 'j': json = true; break;
		case 'X': methods &= ~(unsigned)LC_DISCOVER_VXI11; break;
		case 'M': methods &= ~(unsigned)LC_DISCOVER_MDNS; break;
		case 'U': l.usb = false; break;
		case 'S': l.serial = false; break;
		case 'v': verbose++; break;
		default: return LC_EXIT_USAGE;
		}
	}
	if (optind < argc)
		return lc_cli_unexpected(CMD, argv[optind]);
	lc_cli_setup_logging(verbose);

	lc_discovered *found = NULL;
	size_t n = 0;
	char scanned[512] = "";
	lc_diag d;
	int e = lc_discover_lxi(methods, timeout, &found, &n, scanned, sizeof(scanned), &d);
	if (e < 0)
		return lc_cli_fail(CMD, e, &d, "discovery");
	char problems[3 * LC_DIAG_TEXT_MAX];
	snprintf(problems, sizeof(problems), "%s", d.text);
	for (size_t i = 0; i < n; i++)
		identify(&found[i], timeout);
	lc_diag ud, sd;
	lc_diag_clear(&ud);
	lc_diag_clear(&sd);
	if (l.usb && (e = lc_discover_usb(&l.u, &l.nu, &ud)) < 0) {
		free(found);
		return lc_cli_fail(CMD, e, &ud, "USB discovery");
	}
	if (l.serial && (e = lc_discover_serial(&l.sp, &l.ns, &sd)) < 0) {
		free(found);
		free(l.u);
		return lc_cli_fail(CMD, e, &sd, "serial discovery");
	}
	l.u_idn = calloc(l.nu ? l.nu : 1, sizeof(*l.u_idn));
	if (!l.u_idn) {
		free(found);
		free(l.u);
		free(l.sp);
		lc_cli_error(CMD, "out of memory");
		return LC_EXIT_SOFTWARE;
	}
	for (size_t i = 0; i < l.nu; i++)
		identify_usb(&l.u[i], timeout, l.u_idn[i], sizeof(l.u_idn[i]));
	for (const char *t[] = {ud.text, sd.text, NULL}, **p = t; *p; p++)
		if ((*p)[0]) {
			size_t pl = strlen(problems);
			snprintf(problems + pl, sizeof(problems) - pl, "%s%s", pl ? "; " : "", *p);
		}

	int rc = LC_EXIT_OK;
	if (json) {
		rc = print_json(found, n, methods, scanned, problems, &l);
	} else {
		printf("Scanned: %s%s%s%s%s\n", (methods & LC_DISCOVER_VXI11) ? "VXI-11 broadcast" : "",
		       methods == (LC_DISCOVER_VXI11 | LC_DISCOVER_MDNS) ? ", " : "",
		       (methods & LC_DISCOVER_MDNS) ? "mDNS (Avahi)" : "", l.usb ? (methods ? ", USB" : "USB") : "",
		       l.serial ? (methods || l.usb ? ", serial" : "serial") : !methods && !l.usb ? "nothing" : "");
		if (methods & LC_DISCOVER_VXI11)
			printf("Interfaces: %s\n", scanned[0] ? scanned : "none with an IPv4 broadcast address");
		if (!l.usb || !l.serial)
			printf("Not scanned: %s%s%s\n", l.usb ? "" : "USB", !l.usb && !l.serial ? ", " : "",
			       l.serial ? "" : "serial");
		if (problems[0])
			printf("Problems: %s\n", problems);
		printf("%zu instrument%s found\n", n, n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++)
			printf("  %-40s %-8s %s\n", found[i].resource[0] ? found[i].resource : found[i].address,
			       found[i].method == LC_DISCOVER_VXI11 ? "vxi11" : found[i].service,
			       found[i].id[0] ? found[i].id : "(no *IDN? reply)");
		if (l.usb)
			printf("%zu USBTMC device%s found\n", l.nu, l.nu == 1 ? "" : "s");
		for (size_t i = 0; i < l.nu; i++)
			printf("  %-40s %04x:%04x %s\n", l.u[i].resource[0] ? l.u[i].resource : "(no resource string)",
			       l.u[i].vid, l.u[i].pid,
			       l.u_idn[i][0] ? l.u_idn[i] : l.u[i].problem[0] ? l.u[i].problem : "(no *IDN? reply)");
		if (l.serial)
			printf("%zu serial port%s found\n", l.ns, l.ns == 1 ? "" : "s");
		for (size_t i = 0; i < l.ns; i++) {
			char id[16] = "";
			if (l.sp[i].vid >= 0)
				snprintf(id, sizeof(id), "%04x:%04x", (unsigned)l.sp[i].vid, (unsigned)l.sp[i].pid);
			printf("  %-40s %-9s %s\n", l.sp[i].resource, id[0] ? id : l.sp[i].transport, l.sp[i].description);
		}
	}
	free(found);
	free(l.u);
	free(l.u_idn);
	free(l.sp);
	return rc;
}
