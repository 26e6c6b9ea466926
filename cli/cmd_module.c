/*
 * lanecert module RESOURCE|DUMPFILE [--json] [--page N] [--dump FILE] [--mux ADDR:CH] [--tx-disable LANE]
 *                 [--tx-enable LANE] [--timeout MS] [-v]
 * lanecert module --station FILE --end LABEL [--role ROLE] ...   (the end's mux channel from the layout)
 * Reads a module (an I2C resource, live) or a saved dump and prints what `ethtool -m` users expect:
 * identity, DOM per lane, flags and thresholds. --dump saves the raw pages read (docs/module.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/module_source.h"
#include <lanecert/channel.h>
#include <lanecert/module.h>

static void usage(FILE *out)
{
	fprintf(out, "usage: lanecert module RESOURCE|DUMPFILE [--json] [--page N] [--dump FILE] [--mux ADDR:CH]\n"
		     "                      [--tx-disable LANE] [--tx-enable LANE] [--timeout MS] [-v]\n"
		     "       lanecert module --station FILE --end LABEL [--role ROLE] [options as above]\n\n"
		     "Reads a transceiver or cable end through an I2C adapter (I2C::linux::/dev/i2c-3, I2C::cp2112::SERIAL,\n"
		     "I2C::mcp2221::SERIAL, I2C::sim::HOST:PORT) or from a saved dump, and prints its identity, DOM per\n"
		     "lane (Tx bias, Tx and Rx power in mW and dBm), flags and alarm/warning thresholds.\n"
		     "  --json         the decoded module as JSON (docs/module.md)\n"
		     "  --page N       also read upper page N (hex, e.g. 13) and print it in hex\n"
		     "  --dump FILE    save the raw pages read as a dump (lanecert-module-dump/1)\n"
		     "  --mux ADDR:CH  the module sits behind an I2C mux (e.g. 0x70:1)\n"
		     "  --station FILE --end LABEL [--role ROLE]   the end (A, B, B2...) of the station's module\n"
		     "                 instrument (role i2c by default), its mux channel taken from the role's layout\n"
		     "  --tx-disable LANE / --tx-enable LANE   switch a lane's transmitter (before reading)\n");
}

static void flags_text(unsigned f, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s%s", (f & LC_MODULE_HIGH_ALARM) ? " high-alarm" : "",
		 (f & LC_MODULE_LOW_ALARM) ? " low-alarm" : "", (f & LC_MODULE_HIGH_WARN) ? " high-warning" : "",
		 (f & LC_MODULE_LOW_WARN) ? " low-warning" : "");
}

static void power(const char *label, bool has, double mw)
{
	if (!has) {
		printf(" %s -", label);
		return;
	}
	double dbm = lc_module_mw_to_dbm(mw);
	if (isfinite(dbm))
		printf(" %s %.4f mW / %.2f dBm", label, mw, dbm);
	else
		printf(" %s 0 mW / no light", label);
}

static void limits(const char *name, const lc_module_limits *l, const char *unit, bool dbm)
{
	if (!l->valid)
		return;
	printf("\t%-24s: high alarm %.4f, low alarm %.4f, high warning %.4f, low warning %.4f %s", name, l->high_alarm,
	       l->low_alarm, l->high_warn, l->low_warn, unit);
	if (dbm)
		printf(" (%.2f / %.2f / %.2f / %.2f dBm)", lc_module_mw_to_dbm(l->high_alarm), lc_module_mw_to_dbm(l->low_alarm),
		       lc_module_mw_to_dbm(l->high_warn), lc_module_mw_to_dbm(l->low_warn));
	printf("\n");
}

static void print_text(const lc_module_info *m)
{
	char f[96];
	printf("\t%-24s: 0x%02x (%s)\n", "Identifier", m->identifier, m->identifier_name);
	printf("\t%-24s: %s %s%s\n", "Management", m->spec == LC_MODULE_CMIS ? "CMIS" : "SFF-8636", m->revision_text,
	       m->flat_memory ? ", flat memory" : "");
	printf("\t%-24s: %s\n", "Vendor name", m->vendor);
	printf("\t%-24s: %02x:%02x:%02x\n", "Vendor OUI", m->oui[0], m->oui[1], m->oui[2]);
	printf("\t%-24s: %s\n", "Vendor PN", m->part_number);
	printf("\t%-24s: %s\n", "Vendor rev", m->vendor_revision);
	printf("\t%-24s: %s\n", "Vendor SN", m->serial);
	printf("\t%-24s: %s\n", "Date code", m->date_code);
	printf("\t%-24s: 0x%02x (%s)\n", "Connector", m->connector, m->connector_name);
	printf("\t%-24s: 0x%02x (%s)\n", "Media type", m->media_type, m->media_type_name);
	if (m->spec == LC_MODULE_SFF8636)
		printf("\t%-24s: 0x%02x (%s)\n", "Extended compliance", m->ext_compliance, m->ext_compliance_name);
	if (m->has_cable_length)
		printf("\t%-24s: %.1f m\n", "Cable length", m->cable_length_m);
	if (m->has_wavelength)
		printf("\t%-24s: %.2f nm\n", "Wavelength", m->wavelength_nm);
	if (m->module_state > 0)
		printf("\t%-24s: %s\n", "Module state", m->module_state_name);
	for (size_t i = 0; i < m->n_apps; i++)
		printf("\tApplication %zu%-11s: %s / %s, %u host lanes, %u media lanes, start lanes 0x%02x\n", i + 1, "",
		       m->apps[i].host_name, m->apps[i].media_name, m->apps[i].host_lanes, m->apps[i].media_lanes,
		       m->apps[i].host_lane_mask);
	if (m->spec == LC_MODULE_CMIS)
		printf("\t%-24s: near end implementation 0x%02x, far end config 0x%02x (encodings UNCONFIRMED)\n",
		       "Cable lane info", m->near_end_implementation, m->far_end_config);
	if (m->has_temperature) {
		flags_text(m->temperature_flags, f, sizeof(f));
		printf("\t%-24s: %.2f degrees C / %.2f degrees F%s\n", "Module temperature", m->temperature_c,
		       m->temperature_c * 9 / 5 + 32, f);
	}
	if (m->has_vcc) {
		flags_text(m->vcc_flags, f, sizeof(f));
		printf("\t%-24s: %.4f V%s\n", "Module voltage", m->vcc_v, f);
	}
	printf("\t%-24s: %s\n", "Rx power type", m->rx_power_is_average ? "average" : "OMA");
	for (size_t i = 0; i < m->n_lanes; i++) {
		const lc_module_lane *l = &m->lanes[i];
		printf("\tLane %zu:", i + 1);
		if (l->has_tx_bias)
			printf(" Tx bias %.3f mA,", l->tx_bias_ma);
		else
			printf(" Tx bias -,");
		power("Tx", l->has_tx_power, l->tx_power_mw);
		printf(",");
		power("Rx", l->has_rx_power, l->rx_power_mw);
		printf("%s%s%s%s%s%s", l->tx_disabled ? " [tx-disabled]" : "", l->tx_los ? " [tx-los]" : "",
		       l->rx_los ? " [rx-los]" : "", l->tx_fault ? " [tx-fault]" : "", l->tx_lol ? " [tx-lol]" : "",
		       l->rx_lol ? " [rx-lol]" : "");
		char fb[96], ft[96], fr[96];
		flags_text(l->tx_bias_flags, fb, sizeof(fb));
		flags_text(l->tx_power_flags, ft, sizeof(ft));
		flags_text(l->rx_power_flags, fr, sizeof(fr));
		if (fb[0])
			printf(" [tx-bias:%s]", fb);
		if (ft[0])
			printf(" [tx-power:%s]", ft);
		if (fr[0])
			printf(" [rx-power:%s]", fr);
		printf("\n");
	}
	limits("Temperature thresholds", &m->temperature_limits_c, "C", false);
	limits("Voltage thresholds", &m->vcc_limits_v, "V", false);
	limits("Tx bias thresholds", &m->tx_bias_limits_ma, "mA", false);
	limits("Tx power thresholds", &m->tx_power_limits_mw, "mW", true);
	limits("Rx power thresholds", &m->rx_power_limits_mw, "mW", true);
}

static void print_page(const lc_module_image *img, unsigned page)
{
	const uint8_t *p = lc_module_image_page(img, 0, page);
	if (!p)
		return;
	printf("\tPage %02xh:\n", page);
	for (unsigned r = 0; r < 8; r++) {
		printf("\t  %02x:", 128 + r * 16);
		for (unsigned i = 0; i < 16; i++)
			printf(" %02x", p[r * 16 + i]);
		printf("\n");
	}
}

static int parse_mux(const char *s, lc_module_mem_opts *o)
{
	char *end;
	unsigned long a = strtoul(s, &end, 0);
	if (*end != ':' || a < 0x08 || a > 0x77)
		return -1;
	char *e2;
	long ch = strtol(end + 1, &e2, 10);
	if (*e2 || ch < 0 || ch > 7 || e2 == end + 1)
		return -1;
	o->mux_addr = (uint8_t)a;
	o->mux_channel = (int)ch;
	return 0;
}

int lc_cmd_module(int argc, char **argv)
{
	const char *source = NULL, *dump = NULL, *station = NULL, *end_label = NULL, *role = "i2c";
	bool json = false;
	int page = -1, verbosity = 0, tx_lane = 0;
	bool tx_disable = false;
	lc_module_opts o;
	lc_module_opts_init(&o);
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"page", required_argument, NULL, 'P'},
					     {"station", required_argument, NULL, 's'},
					     {"end", required_argument, NULL, 'e'},
					     {"role", required_argument, NULL, 'r'},
					     {"dump", required_argument, NULL, 'd'},
					     {"mux", required_argument, NULL, 'm'},
					     {"tx-disable", required_argument, NULL, 'D'},
					     {"tx-enable", required_argument, NULL, 'E'},
					     {"timeout", required_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = lc_cli_getopt("module", argc, argv, "vh", opts)) != -1) {
		char *end;
		long v;
		switch (c) {
		case 'h': usage(stdout); return LC_EXIT_OK;
		case 'j': json = true; break;
		case 'v': verbosity++; break;
		case 's': station = optarg; break;
		case 'e': end_label = optarg; break;
		case 'r': role = optarg; break;
		case 'd': dump = optarg; break;
		case 'P':
			v = strtol(optarg, &end, 16);
			if (*end || v < 0 || v > 255 || end == optarg) {
				lc_cli_error("module", "--page: '%s' is not a page number 0..FF (hex)", optarg);
				return LC_EXIT_USAGE;
			}
			page = (int)v;
			break;
		case 'm':
			if (parse_mux(optarg, &o.mem) < 0) {
				lc_cli_error("module", "--mux: '%s' is not ADDR:CHANNEL (e.g. 0x70:1)", optarg);
				return LC_EXIT_USAGE;
			}
			break;
		case 'D':
		case 'E':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 8 || end == optarg) {
				lc_cli_error("module", "%s: '%s' is not a lane 1..8", c == 'D' ? "--tx-disable" : "--tx-enable",
					     optarg);
				return LC_EXIT_USAGE;
			}
			tx_lane = (int)v;
			tx_disable = c == 'D';
			break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end || v <= 0 || v > 3600000 || end == optarg) {
				lc_cli_error("module", "--timeout: '%s' is not a number of ms (1..3600000)", optarg);
				return LC_EXIT_USAGE;
			}
			o.i2c.timeout_ms = (int)v;
			break;
		default: return LC_EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (source)
			return lc_cli_unexpected("module", argv[i]);
		source = argv[i];
	}
	if (!source == !station || (station && !end_label) || (end_label && !station)) {
		if (source && station)
			lc_cli_error("module", "give a RESOURCE or DUMPFILE, or --station with --end, not both");
		else
			usage(stderr);
		return LC_EXIT_USAGE;
	}
	lc_cli_setup_logging(verbosity);
	lc_diag d;
	lc_diag_clear(&d);
	char resolved[LC_STATION_RESOURCE_MAX];
	if (station) {
		/* the station names the resource and, in the role's layout, the end's mux channel */
		lc_station *st;
		int rc = lc_station_load(station, NULL, &st, &d);
		if (rc < 0)
			return lc_cli_fail("module", rc, &d, station);
		const lc_station_instrument *si = lc_station_instrument_by_role(st, role);
		if (!si)
			rc = lc_diag_set(&d, LC_ERR_NOT_FOUND, "no role '%s' in the station", role);
		else if ((rc = lc_module_end_opts(si->layout, end_label, &o, &d)) < 0)
			lc_diag_prefix(&d, "%s: ", si->role);
		else
			snprintf(resolved, sizeof(resolved), "%s", si->resource);
		lc_station_free(st);
		if (rc < 0)
			return lc_cli_fail("module", rc, &d, station);
		source = resolved;
	}
	bool live = lc_cli_module_is_live(source);
	if (tx_lane && !live) {
		lc_cli_error("module", "--tx-disable/--tx-enable need a live module, not a dump");
		return LC_EXIT_USAGE;
	}
	lc_module_image *img = malloc(sizeof(*img));
	lc_module_info *info = malloc(sizeof(*info));
	if (!img || !info) {
		free(img);
		free(info);
		return lc_cli_fail("module", LC_ERR_NOMEM, NULL, "memory");
	}
	int rc;
	if (tx_lane) {
		lc_module *m;
		rc = lc_module_open(source, &o, &m, &d);
		if (rc >= 0) {
			rc = lc_module_set_tx_disable(m, (unsigned)tx_lane, tx_disable, &d);
			if (rc >= 0)
				rc = lc_module_read_image(m, page, img, &d);
			lc_module_close(m);
		}
	} else {
		rc = lc_module_read_source(source, &o, page, img, &d);
	}
	if (rc >= 0 && dump)
		rc = lc_module_dump_save(dump, img, source, &d);
	if (rc >= 0)
		rc = lc_module_decode(img, info, &d);
	int ex = LC_EXIT_OK;
	if (rc < 0) {
		rc = lc_cli_module_source_error(source, rc, &d);
		ex = lc_cli_fail("module", rc, &d, live ? source : "dump");
	} else if (json) {
		char *s = NULL;
		if ((rc = lc_module_info_json(info, &s, &d)) < 0)
			ex = lc_cli_fail("module", rc, &d, "JSON");
		else
			printf("%s\n", s);
		free(s);
	} else {
		printf("%s:\n", source);
		print_text(info);
		if (page >= 0)
			print_page(img, (unsigned)page);
	}
	free(img);
	free(info);
	return ex;
}
