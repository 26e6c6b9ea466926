/*
 * lanecert probe RESOURCE [--json] [--layout L] [--timeout MS] [-v]: identify an instrument by *IDN?, name
 * the driver bound to it and print a snapshot in the driver's terms (lc_instrument_snapshot).
 * lanecert probe --list: the drivers and the model patterns they serve.
 *
 * probe only reads: the instrument is opened with opts.restore, so every setting the driver changes at attach
 * (a meter's power unit) is read first and put back by lc_instrument_restore() before the session closes, on
 * the error path too. A setting that could not be put back fails the probe with the library's exit code.
 *
 * Without --layout a mainframe or a BERT whose driver can ask (an 816x, an MP1900A) lists the modules the
 * instrument reports and the layout that would open them; when the instrument cannot say (a query refused or
 * unanswered), probe says which --layout to give and exits 64 (LC_EXIT_USAGE: the command line lacks it).
 *
 * Exit codes: 0 identified, 66 (LC_EXIT_NOINPUT) an instrument that answered *IDN? but no driver knows, 64
 * a mainframe that cannot list its modules without --layout, the library's exit code for any other failure
 * (cli/cli.h).
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include <lanecert/instruments.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: lanecert probe RESOURCE [--json] [--layout LAYOUT] [--timeout MS] [-v]\n"
		     "       lanecert probe --list\n\n"
		     "Identifies the instrument at RESOURCE (e.g. TCPIP::10.0.0.5::5025::SOCKET) by *IDN?, names the\n"
		     "driver bound to it and prints its state: a power meter's wavelength, averaging time and power per\n"
		     "channel, a source's wavelength, power and output, a switch's routes, a supply's volts and amps.\n"
		     "  --layout   module layout of an 8163B/8164B/8166B mainframe, e.g. 1.1:sensor,2:source@1310/1550\n"
		     "  --timeout  per-operation timeout in ms (default: the model's)\n"
		     "Without --layout a mainframe or a BERT lists the modules it reports.\n"
		     "Exit 66 when the instrument answers but no driver knows it; 64 when a mainframe cannot list its\n"
		     "modules and needs --layout.\n");
}

static void list(void)
{
	for (size_t i = 0; lc_registry_driver_at(i); i++) {
		const lc_driver *d = lc_registry_driver_at(i);
		printf("%-16s %s\n", d->name, d->description);
		for (size_t k = 0; lc_registry_model_at(k); k++) {
			const lc_model *m = lc_registry_model_at(k);
			if (strcmp(m->driver, d->name) == 0)
				printf("  %-10s %s\n", m->vendor, m->pattern);
		}
	}
}

static const lc_driver *driver_named(const char *name)
{
	for (size_t i = 0; lc_registry_driver_at(i); i++)
		if (strcmp(lc_registry_driver_at(i)->name, name) == 0)
			return lc_registry_driver_at(i);
	return NULL;
}

/* The modules an instrument opened without a layout reports, and the --layout that opens them. */
static void print_modules(const char *resource, json_t *mods, const char *note, const lc_driver *drv)
{
	size_t i;
	json_t *e;
	char layout[1024] = "";
	size_t n = 0;
	bool all = json_array_size(mods) > 0;
	printf("  modules (no --layout given, so none is opened):\n");
	json_array_foreach(mods, i, e) {
		long long unit = json_integer_value(json_object_get(e, "unit"));
		const char *part = json_string_value(json_object_get(e, "layout"));
		if (unit)
			printf("    unit %lld slot %lld:", unit, json_integer_value(json_object_get(e, "slot")));
		else
			printf("    slot %lld:", json_integer_value(json_object_get(e, "slot")));
		printf(" %s", json_string_value(json_object_get(e, "model")));
		const char *detail = json_string_value(json_object_get(e, "detail"));
		if (detail && *detail)
			printf(" (%s)", detail);
		printf("\n");
		if (!part || !*part)
			all = false;
		else if (n < sizeof layout)
			n += (size_t)snprintf(layout + n, sizeof layout - n, "%s%s", n ? "," : "", part);
	}
	if (json_array_size(mods) == 0)
		printf("    none reported\n");
	if (note)
		printf("    (%s)\n", note);
	if (all && n < sizeof layout)
		printf("  to open them: lanecert probe %s --layout '%s' (NM: the modules' wavelengths)\n", resource, layout);
	else if (drv && drv->layout_example)
		printf("  to open them: lanecert probe %s --layout LAYOUT, e.g. '%s'\n", resource, drv->layout_example);
}

static void print_num(const char *label, json_t *v, const char *unit, const char *fmt)
{
	if (json_is_number(v)) {
		printf(" %s ", label);
		printf(fmt, json_number_value(v));
		printf(" %s", unit);
	} else {
		printf(" %s -", label);
	}
}

/* Human-readable rendering of the snapshot keys the optical classes define; other classes' keys (bert,
 * otdr ...) are printed as compact JSON so a new class shows up without a change here. */
static void print_text(const char *resource, json_t *snap, const lc_driver *drv)
{
	json_t *idn = json_object_get(snap, "idn");
	printf("%s: %s %s, serial %s, firmware %s\n", resource, json_string_value(json_object_get(idn, "vendor")),
	       json_string_value(json_object_get(idn, "model")), json_string_value(json_object_get(idn, "serial")),
	       json_string_value(json_object_get(idn, "firmware")));
	printf("driver %s, class %s\n", json_string_value(json_object_get(snap, "driver")),
	       json_string_value(json_object_get(snap, "class")));
	const char *key;
	json_t *v;
	json_object_foreach(snap, key, v) {
		size_t i;
		json_t *e;
		if (!strcmp(key, "driver") || !strcmp(key, "class") || !strcmp(key, "idn") || !strcmp(key, "classes") ||
		    !strcmp(key, "resource") || !strcmp(key, "modules_note"))
			continue;
		if (!strcmp(key, "modules")) {
			print_modules(resource, v, json_string_value(json_object_get(snap, "modules_note")), drv);
		} else if (!strcmp(key, "features")) {
			/* the driver's optional features as detected at attach: what is absent is said by name */
			const char *fk;
			json_t *fv;
			printf("  features:");
			json_object_foreach(v, fk, fv)
				printf(" %s %s", fk, json_is_true(fv) ? "present" : "ABSENT");
			printf("\n");
		} else if (!strcmp(key, "channels")) {
			json_array_foreach(v, i, e) {
				printf("  channel %lld:", json_integer_value(json_object_get(e, "channel")));
				print_num("wavelength", json_object_get(e, "wavelength_nm"), "nm,", "%.3f");
				print_num("averaging", json_object_get(e, "averaging_s"), "s,", "%.6g");
				json_t *p = json_object_get(e, "power_dbm");
				if (json_is_number(p))
					printf(" power %.3f dBm\n", json_number_value(p));
				else
					printf(" power below range\n");
			}
		} else if (!strcmp(key, "outputs")) {
			json_array_foreach(v, i, e) {
				printf("  output %lld:", json_integer_value(json_object_get(e, "output")));
				print_num("wavelength", json_object_get(e, "wavelength_nm"), "nm,", "%.3f");
				print_num("power", json_object_get(e, "power_dbm"), "dBm,", "%.2f");
				printf(" %s\n", json_is_true(json_object_get(e, "on")) ? "on" : "off");
			}
		} else if (!strcmp(key, "supply_outputs")) {
			json_array_foreach(v, i, e) {
				/* the supply's own measurements at its terminals (lc_supply_snapshot always gives them) */
				printf("  output %lld: %.3f V, %.4f A (%.3f W), %s\n",
				       json_integer_value(json_object_get(e, "output")),
				       json_number_value(json_object_get(e, "volts")), json_number_value(json_object_get(e, "amps")),
				       json_number_value(json_object_get(e, "watts")),
				       json_is_true(json_object_get(e, "on")) ? "on" : "off");
			}
		} else if (!strcmp(key, "switch")) {
			printf("  switch %lldx%lld, settling %lld ms\n", json_integer_value(json_object_get(v, "inputs")),
			       json_integer_value(json_object_get(v, "outputs")),
			       json_integer_value(json_object_get(v, "settle_ms")));
			json_array_foreach(json_object_get(v, "routes"), i, e) {
				long long out = json_integer_value(json_object_get(e, "output"));
				printf("  input %lld -> ", json_integer_value(json_object_get(e, "input")));
				if (out)
					printf("output %lld\n", out);
				else
					printf("parked\n");
			}
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
			printf("  %s: %s\n", key, s ? s : "?");
			free(s);
		}
	}
}

static json_t *idn_json(const lc_idn *idn)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "vendor", idn->vendor, "manufacturer", idn->vendor_raw, "model",
			 idn->model, "serial", idn->serial, "firmware", idn->firmware);
}

int lc_cmd_probe(int argc, char **argv)
{
	const char *resource = NULL;
	bool json = false;
	int verbosity = 0;
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.restore = true;
	static const struct option opts[] = {{"list", no_argument, NULL, 'l'},
					     {"json", no_argument, NULL, 'j'},
					     {"layout", required_argument, NULL, 'L'},
					     {"timeout", required_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("probe", argc, argv, "vh", opts)) != -1) {
		char *end;
		long ms;
		switch (c) {
		case 'h': usage(stdout); return LC_EXIT_OK;
		case 'l': list(); return LC_EXIT_OK;
		case 'j': json = true; break;
		case 'v': verbosity++; break;
		case 'L': o.layout = optarg; break;
		case 't':
			ms = strtol(optarg, &end, 10);
			if (*end || end == optarg || ms <= 0 || ms > 3600000) {
				lc_cli_error("probe", "--timeout '%s': milliseconds 1..3600000", optarg);
				return LC_EXIT_USAGE;
			}
			o.timeout_ms = (int)ms;
			break;
		default: return LC_EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (resource)
			return lc_cli_unexpected("probe", argv[i]);
		resource = argv[i];
	}
	if (!resource) {
		usage(stderr);
		return LC_EXIT_USAGE;
	}
	lc_cli_setup_logging(verbosity);
	lc_idn idn;
	memset(&idn, 0, sizeof(idn));
	o.idn_out = &idn;
	lc_instrument *inst = NULL;
	lc_diag d;
	lc_diag_clear(&d);
	int rc = lc_instrument_open(resource, &o, &inst, &d);
	if (rc == LC_ERR_NOT_FOUND && idn.model[0]) {
		if (json) {
			json_t *j = json_pack("{s:s, s:n, s:n, s:o, s:s}", "resource", resource, "driver", "class", "idn",
					      idn_json(&idn), "error", "unknown instrument");
			char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			printf("%s\n", s);
			free(s);
			json_decref(j);
		}
		lc_cli_error("probe", "unknown instrument at %s: IDN '%s,%s,%s,%s' matches no driver (lanecert probe --list)",
			     resource, idn.vendor_raw, idn.model, idn.serial, idn.firmware);
		return LC_EXIT_NOINPUT;
	}
	if (rc < 0) /* the detail names the resource already */
		return lc_cli_fail("probe", rc, &d, NULL);
	char *text = NULL;
	const lc_driver *drv = driver_named(lc_instrument_driver_name(inst));
	if ((rc = lc_instrument_snapshot(inst, &text, &d)) < 0) {
		lc_diag rd;
		lc_diag_clear(&rd);
		int rrc = lc_instrument_restore(inst, &rd);
		lc_instrument_close(inst);
		if (!o.layout && drv && drv->inventory && strstr(d.text, "listing the modules")) {
			/* the modules could not be listed: the remedy is on the command line */
			lc_cli_error("probe", "%s identified as %s %s (driver %s), but it cannot list its modules: %s", resource,
				     idn.vendor, idn.model, drv->name, lc_diag_message(&d));
			lc_cli_error("probe", "give its layout: lanecert probe %s --layout LAYOUT, e.g. --layout '%s'", resource,
				     drv->layout_example ? drv->layout_example : "?");
			if (rrc < 0)
				lc_cli_error("probe", "%s: %s", resource, lc_diag_message(&rd));
			return LC_EXIT_USAGE;
		}
		lc_cli_error("probe", "%s identified as %s %s (driver %s), but its state could not be read:", resource,
			     idn.vendor, idn.model, drv ? drv->name : "?");
		if (rrc < 0) /* the read's failure is the exit code; this one is said */
			lc_cli_error("probe", "%s: %s", resource, lc_diag_message(&rd));
		return lc_cli_fail("probe", rc, &d, resource);
	}
	rc = lc_instrument_restore(inst, &d);
	lc_instrument_close(inst);
	if (rc < 0) {
		free(text);
		lc_cli_error("probe", "%s: its state was read, but a setting probe changed could not be put back:", resource);
		return lc_cli_fail("probe", rc, &d, resource);
	}
	/* the library hands JSON out as text; the CLI reads it back to add the resource and to print it */
	json_error_t je;
	json_t *snap = json_loads(text, 0, &je);
	free(text);
	if (!snap) {
		lc_cli_error("probe", "%s: the snapshot is not JSON (%s)", resource, je.text);
		return LC_EXIT_SOFTWARE;
	}
	if (json) {
		json_object_set_new(snap, "resource", json_string(resource));
		char *s = json_dumps(snap, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		printf("%s\n", s);
		free(s);
	} else {
		print_text(resource, snap, drv);
	}
	json_decref(snap);
	return LC_EXIT_OK;
}
