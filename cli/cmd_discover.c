/* lanecert discover: list the LXI instruments liblxi finds (VXI-11 broadcast, mDNS) with their *IDN?. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hal/discover.h"
#include "hal/scpi.h"

#define CMD "discover"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lanecert discover [--timeout MS] [--json] [--no-vxi11] [--no-mdns] [-v]\n"
		"\n"
		"Looks for LXI instruments: a VXI-11 portmapper broadcast on every IPv4 interface that has a broadcast\n"
		"address (then *IDN? over VXI-11), and mDNS/DNS-SD services through the Avahi daemon (then *IDN? over\n"
		"the service found). USB and serial instruments are not scanned yet (their transports come later).\n"
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

static int print_json(const lc_discovered *f, size_t n, unsigned methods, const char *scanned, const char *problems)
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
	json_array_append_new(not, json_string("usb"));
	json_array_append_new(not, json_string("serial"));
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

	for (int i = 1; i < argc; i++) {
		if (lc_cli_is_help(argv[i])) {
			usage(stdout);
			return LC_EXIT_OK;
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			long v = strtol(argv[++i], &end, 10);
			if (errno || end == argv[i] || *end || v < 1 || v > 60000) {
				lc_cli_error(CMD, "--timeout: '%s' is not a number of milliseconds (1..60000)", argv[i]);
				return LC_EXIT_USAGE;
			}
			timeout = (int)v;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--no-vxi11") == 0) {
			methods &= ~(unsigned)LC_DISCOVER_VXI11;
		} else if (strcmp(argv[i], "--no-mdns") == 0) {
			methods &= ~(unsigned)LC_DISCOVER_MDNS;
		} else if (strncmp(argv[i], "-v", 2) == 0 && strspn(argv[i] + 1, "v") == strlen(argv[i] + 1)) {
			verbose += (int)strlen(argv[i] + 1);
		} else {
			lc_cli_error(CMD, "unknown argument '%s' (lanecert discover --help)", argv[i]);
			return LC_EXIT_USAGE;
		}
	}
	lc_cli_setup_logging(verbose);

	lc_discovered *found = NULL;
	size_t n = 0;
	char scanned[512] = "";
	lc_diag d;
	int e = lc_discover_lxi(methods, timeout, &found, &n, scanned, sizeof(scanned), &d);
	if (e < 0)
		return lc_cli_fail(CMD, e, &d, "discovery");
	const char *problems = d.text;
	for (size_t i = 0; i < n; i++)
		identify(&found[i], timeout);

	int rc = LC_EXIT_OK;
	if (json) {
		rc = print_json(found, n, methods, scanned, problems);
	} else {
		printf("Scanned: %s%s%s\n", (methods & LC_DISCOVER_VXI11) ? "VXI-11 broadcast" : "",
		       methods == (LC_DISCOVER_VXI11 | LC_DISCOVER_MDNS) ? ", " : "",
		       (methods & LC_DISCOVER_MDNS) ? "mDNS (Avahi)" : "");
		if (methods & LC_DISCOVER_VXI11)
			printf("Interfaces: %s\n", scanned[0] ? scanned : "none with an IPv4 broadcast address");
		printf("Not scanned: USB, serial (not implemented yet)\n");
		if (problems[0])
			printf("Problems: %s\n", problems);
		printf("%zu instrument%s found\n", n, n == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++)
			printf("  %-40s %-8s %s\n", found[i].resource[0] ? found[i].resource : found[i].address,
			       found[i].method == LC_DISCOVER_VXI11 ? "vxi11" : found[i].service,
			       found[i].id[0] ? found[i].id : "(no *IDN? reply)");
	}
	free(found);
	return rc;
}
