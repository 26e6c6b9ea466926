/*
 * The simulated module memories end to end: a scenario served by the simulator's runner, each end read
 * through the I2C::sim adapter and the module class, saved as a dump and decoded again; the values are
 * those the scenario and the world set (launch power less the world's DUT loss, the defect's temperature,
 * the DUT's serial). Also the sim adapter's status codes against a bare I2C service.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "base/utf8.h"
#include "instruments/module/module.h"
#include "instruments/module/module_diag.h"
#include "base/clock.h"
#include "sim/net/endpoint.h"
#include "sim/net/i2c_service.h"
#include "tests/port_range.h"
#include "sim/runner.h"
#include "sim/world/scenario.h"

static lc_sim_scenario *sc;
static lc_sim_runner *runner;
static char resource[128];
static lc_diag d;


static void serve(const char *scenario)
{
	cr_assert_eq(lc_sim_scenario_load(scenario, NULL, &sc, &d), 0, "%s", d.text);
	lc_sim_runner_opts ro;
	lc_sim_runner_opts_init(&ro);
	ro.time_scale = 0;
	ro.no_control = true;
	int rc = LC_ERR_BUSY;
	for (unsigned i = 0; i < TP_ATTEMPTS && rc == LC_ERR_BUSY; i++) {
		ro.port_base = tp_port_base(16, i);
		rc = lc_sim_runner_start(sc, &ro, &runner, &d);
	}
	cr_assert_eq(rc, 0, "%s", d.text);
	for (size_t i = 0; i < lc_sim_runner_count(runner); i++) {
		lc_sim_runner_info info;
		lc_sim_runner_info_at(runner, i, &info);
		unsigned port;
		/* the I2C service is a raw socket: the runner names it TCPIP0::H::P::SOCKET, or (once it knows
		 * module kinds) I2C::sim::H:P */
		if (strcmp(info.role, "i2c"))
			continue;
		if (sscanf(info.resource, "TCPIP0::127.0.0.1::%u::SOCKET", &port) == 1)
			snprintf(resource, sizeof(resource), "I2C::sim::127.0.0.1:%u", port);
		else
			snprintf(resource, sizeof(resource), "%s", info.resource);
	}
	cr_assert(resource[0]);
}

static void stop(void)
{
	lc_sim_runner_stop(runner);
	lc_sim_scenario_free(sc);
	runner = NULL;
	sc = NULL;
	resource[0] = 0;
}

TestSuite(module_sim, .fini = stop, .timeout = 60);

static lc_module *open_end(int channel)
{
	lc_module_opts o;
	lc_module_opts_init(&o);
	o.mem.mux_addr = 0x70;
	o.mem.mux_channel = channel;
	lc_module *m;
	cr_assert_eq(lc_module_open(resource, &o, &m, &d), 0, "%s", d.text);
	return m;
}

/* Read an end, save its dump, load it back and decode: the dump must say what the live module said. */
static void read_end(int channel, lc_module_info *info)
{
	lc_module *m = open_end(channel);
	lc_module_image img, back;
	cr_assert_eq(lc_module_read_image(m, -1, &img, &d), 0, "%s", d.text);
	lc_module_close(m);
	char path[600];
	/* Criterion runs tests in parallel processes: the pid keeps their dumps apart. */
	snprintf(path, sizeof(path), "%s/module-sim-%d-%d.dump", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp",
		 (int)getpid(), channel);
	cr_assert_eq(lc_module_dump_save(path, &img, resource, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_dump_load(path, &back, &d), 0, "%s", d.text);
	unlink(path);
	cr_assert_eq(lc_module_decode(&back, info, &d), 0, "%s", d.text);
}

static double expected_rx_dbm(const char *from, const char *to, double nm)
{
	double loss;
	cr_assert_eq(lc_sim_world_dut_loss(lc_sim_runner_world(runner), from, to, nm, &loss), 0);
	return -1.0 - loss; /* the kind's default launch power */
}

Test(module_sim, aoc_400g_good)
{
	serve("aoc-400g-good");
	lc_module_info a, b;
	read_end(0, &a);
	read_end(1, &b);
	cr_assert_eq(a.identifier, 0x18);
	cr_assert_str_eq(a.serial, "SIM-AOC-0001-A");
	cr_assert_str_eq(b.serial, "SIM-AOC-0001-B");
	cr_assert_str_eq(a.media_type_name, "Active cable");
	cr_assert_float_eq(a.cable_length_m, 5.0, 1e-9);
	cr_assert(a.has_power_class);
	cr_assert_eq(a.power_class, 5);
	cr_assert_float_eq(a.max_power_w, 9.0, 1e-9);
	cr_assert_float_eq(a.wavelength_nm, 850.0, 1e-9);
	cr_assert_float_eq(a.temperature_c, 40.0, 1e-9);
	cr_assert_eq(a.n_apps, 1);
	cr_assert_str_eq(a.apps[0].host_name, "400GAUI-8 C2M (Annex 120E)");
	for (int k = 1; k <= 8; k++) {
		char from[32], to[32];
		snprintf(from, sizeof(from), "dut:B:tx%d", k);
		snprintf(to, sizeof(to), "dut:A:rx%d", k);
		double want = expected_rx_dbm(from, to, 850);
		/* DOM resolution is 0.1 uW: at about 0.8 mW that is far below 0.001 dB */
		cr_assert_float_eq(lc_module_mw_to_dbm(a.lanes[k - 1].rx_power_mw), want, 1e-3);
		cr_assert(!a.lanes[k - 1].rx_los);
		cr_assert_float_eq(b.lanes[k - 1].tx_bias_ma, 7.5, 1e-9);
	}
}

Test(module_sim, tx_disable_darkens_the_far_lane)
{
	serve("aoc-400g-good");
	lc_module *a = open_end(0);
	cr_assert_eq(lc_module_set_tx_disable(a, 3, true, &d), 0, "%s", d.text);
	lc_module *b = open_end(1);
	lc_module_info bi, ai;
	cr_assert_eq(lc_module_read_info(b, &bi, &d), 0, "%s", d.text);
	cr_assert_eq(bi.lanes[2].rx_power_mw, 0.0);
	cr_assert(bi.lanes[2].rx_los);
	cr_assert_eq(bi.lanes[2].rx_power_flags, LC_MODULE_LOW_ALARM | LC_MODULE_LOW_WARN);
	cr_assert_gt(bi.lanes[1].rx_power_mw, 0.5);
	cr_assert_eq(lc_module_read_info(a, &ai, &d), 0);
	cr_assert(ai.lanes[2].tx_disabled);
	cr_assert_eq(ai.lanes[2].tx_power_mw, 0.0);
	cr_assert_eq(lc_module_set_tx_disable(a, 3, false, &d), 0);
	cr_assert_eq(lc_module_read_info(b, &bi, &d), 0);
	cr_assert_gt(bi.lanes[2].rx_power_mw, 0.5);
	lc_module_close(a);
	lc_module_close(b);
}

Test(module_sim, aoc_breakout_lane_to_leg)
{
	serve("aoc-breakout-good");
	lc_module_info a, b2;
	read_end(0, &a);
	read_end(2, &b2);
	cr_assert_eq(a.n_apps, 2);
	cr_assert_eq(a.apps[1].host_lanes, 2);
	cr_assert_eq(a.apps[1].host_lane_mask, 0x55);
	cr_assert_eq(b2.spec, LC_MODULE_SFF8636);
	cr_assert_eq(b2.identifier, 0x11);
	cr_assert_eq(b2.ext_compliance, 0x18, "the QSFP28 leg's DSP: 4 x 25G NRZ to its host");
	cr_assert(!b2.has_power_class, "SFF-8636's power class is not decoded");
	cr_assert_str_eq(b2.serial, "SIM-AOCB-0001-B2");
	cr_assert_float_eq(b2.cable_length_m, 3.0, 1e-9);
	/* A lane 3 feeds leg B2 lane 1 (the cable's lane map) */
	lc_module *am = open_end(0);
	cr_assert_eq(lc_module_set_tx_disable(am, 3, true, &d), 0, "%s", d.text);
	lc_module_close(am);
	read_end(2, &b2);
	cr_assert(b2.lanes[0].rx_los);
	cr_assert(!b2.lanes[1].rx_los);
	lc_module_info b1;
	read_end(1, &b1);
	cr_assert(!b1.lanes[0].rx_los && !b1.lanes[1].rx_los);
	/* and back: leg B2's lane 2 (SFF-8636 byte 86) lights end A's lane 4 */
	lc_module *bm = open_end(2);
	cr_assert_eq(lc_module_set_tx_disable(bm, 2, true, &d), 0, "%s", d.text);
	lc_module_close(bm);
	read_end(0, &a);
	cr_assert(a.lanes[3].rx_los);
	cr_assert(!a.lanes[2].rx_los && !a.lanes[4].rx_los);
	read_end(2, &b2);
	cr_assert(b2.lanes[1].tx_disabled);
}

/* far_cmis on an AOC breakout (issue 19 point 5): each QSFP28 leg is a CMIS module whose DSP advertises
 * CAUI-4 with RS(528,514) FEC on 4 host lanes over 2 media lanes, in end A's BER class, with the PRBS pages. */
Test(module_sim, aoc_breakout_cmis_leg_advertises_caui4)
{
	serve("aoc-400g-4x100g-module-ber-good");
	lc_module_info b3;
	read_end(3, &b3);
	cr_assert_eq(b3.spec, LC_MODULE_CMIS);
	cr_assert_eq(b3.identifier, 0x1E);
	cr_assert_eq(b3.media_type, 0x04, "active cable");
	cr_assert_eq(b3.n_apps, 1);
	cr_assert_eq(b3.apps[0].host_id, 0x42);
	cr_assert_str_eq(b3.apps[0].host_name, "CAUI-4 C2M (Annex 83E) with RS(528,514) FEC");
	cr_assert_eq(b3.apps[0].host_lanes, 4);
	cr_assert_eq(b3.apps[0].media_lanes, 2);
	cr_assert_eq(b3.apps[0].media_id, 0x03, "BER < 2.6e-4, end A's class");
	cr_assert_str_eq(b3.serial, "SIM-AOCB-0101-B3");
	lc_module *m = open_end(3);
	lc_module_diag_caps caps;
	cr_assert_eq(lc_module_diag_caps_read(m, &caps, &d), 0, "%s", d.text);
	cr_assert(caps.present);
	cr_assert(lc_module_diag_can(&caps, LC_PRBS_MEDIA, false, 0), "a media-side PRBS31Q checker");
	lc_module_close(m);
	/* end A is unchanged: its 4 x 100GAUI-2 breakout application */
	lc_module_info a;
	read_end(0, &a);
	cr_assert_eq(a.apps[1].host_lanes, 2);
	cr_assert_eq(a.apps[1].host_lane_mask, 0x55);
}

/* The station the simulator writes names each end's mux channel; lc_module_open_end() follows it. */
Test(module_sim, station_layout_opens_an_end)
{
	serve("aoc-breakout-good");
	char path[600];
	snprintf(path, sizeof(path), "%s/module-sim-station-%d.json", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp",
		 (int)getpid());
	cr_assert_eq(lc_sim_runner_write_station(runner, path, &d), 0, "%s", d.text);
	FILE *f = fopen(path, "r");
	char text[8192];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = 0;
	fclose(f);
	cr_assert(strstr(text, "\"layout\": \"A:0,B1:1,B2:2,B3:3,B4:4\""), "%s", text);
	/* lanecert module --station: the resource from the station (as I2C::sim, whatever form the runner
	 * wrote), the end's channel from the layout */
	json_t *st = json_loads(text, 0, NULL);
	cr_assert_not_null(st);
	size_t i;
	json_t *in;
	json_array_foreach(json_object_get(st, "instruments"), i, in)
		if (!strcmp(json_string_value(json_object_get(in, "role")), "i2c"))
			json_object_set_new(in, "resource", json_string(resource));
	cr_assert_eq(json_dump_file(st, path, JSON_INDENT(2)), 0);
	json_decref(st);
	char cmd[1400], out[8192];
	snprintf(cmd, sizeof(cmd), "'%s' module --station '%s' --end B3 --json", getenv("LC_CLI"), path);
	FILE *p = popen(cmd, "r");
	size_t got = fread(out, 1, sizeof(out) - 1, p);
	out[got] = 0;
	cr_assert_eq(pclose(p), 0, "%s", out);
	cr_assert(strstr(out, "\"serial\": \"SIM-AOCB-0001-B3\""), "%s", out);
	unlink(path);
	lc_station_instrument si;
	memset(&si, 0, sizeof(si));
	snprintf(si.role, sizeof(si.role), "i2c");
	snprintf(si.resource, sizeof(si.resource), "%s", resource);
	snprintf(si.layout, sizeof(si.layout), "A:0,B1:1,B2:2,B3:3,B4:4");
	lc_module *m;
	cr_assert_eq(lc_module_open_end(si.resource, si.layout, "b3", NULL, &m, &d), 0, "%s", d.text);
	lc_module_info info;
	cr_assert_eq(lc_module_read_info(m, &info, &d), 0, "%s", d.text);
	cr_assert_str_eq(info.serial, "SIM-AOCB-0001-B3");
	lc_module_close(m);
	cr_assert_eq(lc_module_open_end(si.resource, si.layout, "B9", NULL, &m, &d), LC_ERR_NOT_FOUND);
	snprintf(si.layout, sizeof(si.layout), "A0,B1");
	cr_assert_eq(lc_module_open_end(si.resource, si.layout, "B1", NULL, &m, &d), LC_ERR_FORMAT);
	si.layout[0] = 0;
	cr_assert_eq(lc_module_open_end(si.resource, si.layout, "B1", NULL, &m, &d), LC_ERR_NOT_FOUND);
}

Test(module_sim, swapped_legs_follow_the_world)
{
	serve("aoc-breakout-swapped-legs");
	lc_module *am = open_end(0);
	cr_assert_eq(lc_module_set_tx_disable(am, 3, true, &d), 0, "%s", d.text);
	lc_module_close(am);
	lc_module_info b2, b3;
	read_end(2, &b2);
	read_end(3, &b3);
	/* legs B2 and B3 are swapped: A lane 3's light arrives at the leg labelled B3 */
	cr_assert(!b2.lanes[0].rx_los);
	cr_assert(b3.lanes[0].rx_los);
}

Test(module_sim, over_temperature)
{
	serve("aoc-400g-over-temperature");
	lc_module_info a, b;
	read_end(0, &a);
	read_end(1, &b);
	cr_assert_float_eq(a.temperature_c, 40.0, 1e-9);
	cr_assert_eq(a.temperature_flags, 0);
	cr_assert_float_eq(b.temperature_c, 78.0, 1e-9);
	cr_assert_eq(b.temperature_flags, LC_MODULE_HIGH_ALARM | LC_MODULE_HIGH_WARN);
	cr_assert_float_eq(b.temperature_limits_c.high_alarm, 75.0, 1e-9);
}

Test(module_sim, dac_breakout)
{
	serve("dac-breakout-good");
	lc_module_info a, b4;
	read_end(0, &a);
	read_end(4, &b4);
	cr_assert(a.flat_memory);
	cr_assert_str_eq(a.media_type_name, "Passive copper");
	cr_assert_float_eq(a.cable_length_m, 2.0, 1e-9);
	cr_assert_str_eq(a.apps[0].media_name, "Copper cable");
	cr_assert(!a.has_temperature && !a.lanes[0].has_rx_power);
	cr_assert_eq(b4.identifier, 0x1E);
	cr_assert_str_eq(b4.serial, "SIM-DACB-0001-B4");
	/* copper has no transmitter to disable: page 10h does not exist */
	lc_module *am = open_end(0);
	cr_assert_eq(lc_module_set_tx_disable(am, 1, true, &d), LC_ERR_UNSUPPORTED);
	lc_module_close(am);
	/* no module on channel 5 */
	lc_module_opts o;
	lc_module_opts_init(&o);
	o.mem.mux_addr = 0x70;
	o.mem.mux_channel = 5;
	lc_module *none;
	cr_assert_eq(lc_module_open(resource, &o, &none, &d), LC_ERR_NOT_FOUND);
}

/* ---- the sim adapter against a bare service ---------------------------------------------------------- */

static uint8_t mem[256];
static uint8_t ptr;
static int dev_write(void *u, const uint8_t *w, size_t n)
{
	(void)u;
	ptr = w[0];
	for (size_t i = 1; i < n; i++)
		mem[ptr++] = w[i];
	return LC_SIM_I2C_OK;
}
static int dev_read(void *u, uint8_t *b, size_t n)
{
	(void)u;
	for (size_t i = 0; i < n; i++)
		b[i] = mem[ptr++];
	return LC_SIM_I2C_OK;
}

Test(i2c_sim, status_codes)
{
	lc_sim_scpi_config cfg = {.idn = "LANECERT,SIM-I2C,T,1"};
	lc_sim_scpi *e;
	lc_sim_i2c_service *svc;
	lc_sim_endpoint *ep;
	cr_assert_eq(lc_sim_scpi_create(&cfg, &e, &d), 0);
	cr_assert_eq(lc_sim_i2c_service_create(e, &svc, &d), 0);
	lc_sim_i2c_device dev = {dev_write, dev_read, NULL};
	cr_assert_eq(lc_sim_i2c_service_attach(svc, -1, 0x50, &dev, &d), 0);
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.port = 0;
	cr_assert_eq(lc_sim_socket_start(e, &eo, &ep, &d), 0, "%s", d.text);
	lc_i2c *bus;
	cr_assert_eq(lc_i2c_sim_open("127.0.0.1", (uint16_t)lc_sim_endpoint_port(ep), NULL, &bus, &d), 0, "%s", d.text);
	uint8_t w[3] = {0x10, 0xC0, 0xFF}, r[2];
	cr_assert_eq(lc_i2c_write(bus, 0x50, w, 3, &d), 0, "%s", d.text);
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0x10, r, 2, &d), 0, "%s", d.text);
	cr_assert_eq(r[0], 0xC0);
	cr_assert_eq(r[1], 0xFF);
	cr_assert_eq(lc_i2c_read_reg(bus, 0x51, 0, r, 2, &d), LC_ERR_NOT_FOUND);
	lc_sim_i2c_service_fault(svc, LC_SIM_I2C_NAK_DATA, 1, 0);
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 2, &d), LC_ERR_IO);
	lc_sim_i2c_service_fault(svc, LC_SIM_I2C_ARB_LOST, 1, 0);
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 2, &d), LC_ERR_BUSY);
	lc_sim_i2c_service_fault(svc, LC_SIM_I2C_STRETCH, 1, 0);
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 2, &d), LC_ERR_TIMEOUT);
	lc_sim_i2c_service_fault(svc, LC_SIM_I2C_OK, 1, 1);
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 2, &d), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "1 of 2"), "%s", d.text);
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0x10, r, 2, &d), 0);
	uint8_t big[129];
	cr_assert_eq(lc_i2c_read(bus, 0x50, big, sizeof(big), &d), LC_ERR_ARG);
	lc_i2c_close(bus);
	lc_sim_endpoint_stop(ep);
	lc_sim_scpi_destroy(e);
	lc_sim_i2c_service_free(svc);
	cr_assert_eq(lc_i2c_sim_open("127.0.0.1", 1, NULL, &bus, &d) < 0, 1);
}

/* The adapter's identity check reads the whole *IDN? reply: bytes that are not printable ASCII before a
 * reply that names the service (the fault matrix's garbage on aoc-400g) or an identity that only contains
 * ",SIM-I2C," are another instrument or a garbled line, and no bus opens. */
Test(i2c_sim, garbled_or_foreign_identity_is_refused)
{
	static const struct {
		const char *idn, *garbage;
	} rows[] = {
		{"LANECERT,SIM-I2C,T,1", ""},               /* the default garbage: 0xFF 0xFE BEL '#' '?' 0x01 */
		{"LANECERT,SIM-I2C,T,1", "ACME,"},          /* printable, but the identity is no longer the service's */
		{"ACME,SIM-I2C-BRIDGE,SIM-I2C,1", NULL},    /* the model field is another one */
		{"LANECERT,SIM-I2C,T,1,extra", NULL},       /* five fields: not an IEEE 488.2 identity */
		{",SIM-I2C,T,1", NULL},                     /* no manufacturer */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		lc_sim_scpi_config cfg = {.idn = rows[i].idn};
		lc_sim_scpi *e;
		lc_sim_i2c_service *svc;
		lc_sim_endpoint *ep;
		cr_assert_eq(lc_sim_scpi_create(&cfg, &e, &d), 0);
		cr_assert_eq(lc_sim_i2c_service_create(e, &svc, &d), 0);
		if (rows[i].garbage) {
			lc_sim_faults f;
			memset(&f, 0, sizeof(f));
			f.garbage_at = 1; /* the adapter's first message is its *IDN? */
			snprintf(f.garbage, sizeof(f.garbage), "%s", rows[i].garbage);
			lc_sim_scpi_set_faults(e, &f);
		}
		lc_sim_endpoint_opts eo;
		lc_sim_endpoint_opts_init(&eo);
		eo.port = 0;
		cr_assert_eq(lc_sim_socket_start(e, &eo, &ep, &d), 0, "%s", d.text);
		lc_i2c *bus = NULL;
		cr_assert_eq(lc_i2c_sim_open("127.0.0.1", (uint16_t)lc_sim_endpoint_port(ep), NULL, &bus, &d),
			     LC_ERR_PROTOCOL, "row %zu", i);
		cr_assert_null(bus);
		cr_assert(strstr(d.text, "is not the simulator's I2C service"), "row %zu: %s", i, d.text);
		cr_assert(lc_utf8_valid(d.text, strlen(d.text)), "row %zu: the reason is valid UTF-8", i);
		uint64_t counts[LC_SIM_FAULT_KINDS];
		lc_sim_scpi_fault_counts(e, counts);
		cr_assert_eq(counts[LC_SIM_FAULT_GARBAGE], rows[i].garbage ? 1u : 0u, "row %zu: the garbage fired", i);
		lc_sim_endpoint_stop(ep);
		lc_sim_scpi_destroy(e);
		lc_sim_i2c_service_free(svc);
	}
}

/* Issue 19: separate optics on a fiber DUT (the DR4 -> 4 x DR1 link): a CMIS DR4 at end A, an SFF-8636 QSFP28
 * on each leg (an FR1 on B3 in this scenario), monitors following the harness's losses. */
Test(module_sim, dr4_link_optics_on_a_harness)
{
	serve("dr4-link-fr1-leg");
	lc_module_info a, b1, b3;
	read_end(0, &a);
	read_end(1, &b1);
	read_end(3, &b3);
	cr_assert_eq(a.identifier, 0x18);
	cr_assert_eq(a.media_type, 0x02, "single-mode optics");
	cr_assert_eq(a.n_apps, 2, "400GBASE-DR4 and its 4 x 100GBASE-DR breakout");
	cr_assert_str_eq(a.apps[0].host_name, "400GAUI-8 C2M (Annex 120E)");
	cr_assert_str_eq(a.apps[0].media_name, "400GBASE-DR4 (Clause 124)");
	cr_assert_eq(a.apps[1].media_lanes, 1);
	cr_assert_float_eq(a.wavelength_nm, 1310.0, 1e-9);
	cr_assert_str_eq(a.serial, "SIM-DRL-0004-A");
	cr_assert_eq(b1.identifier, 0x11);
	cr_assert_eq(b1.ext_compliance, 0x25, "100GBASE-DR");
	cr_assert_eq(b3.ext_compliance, 0x26, "100GBASE-FR1 where the DR1 belongs");
	cr_assert_float_eq(b3.wavelength_nm, 1311.0, 1e-9);
	cr_assert_str_eq(b3.serial, "SIM-DRL-0004-B3");
	/* DR4 lane 2 -> leg B2 (A:2 -> B2:rx), leg B2 -> DR4 lane 2 (B2:tx -> A:11) */
	lc_module_info b2;
	read_end(2, &b2);
	cr_assert_float_eq(lc_module_mw_to_dbm(b2.lanes[0].rx_power_mw), expected_rx_dbm("dut:A:2", "dut:B2:rx", 1310), 1e-3);
	cr_assert_float_eq(lc_module_mw_to_dbm(a.lanes[1].rx_power_mw), expected_rx_dbm("dut:B2:tx", "dut:A:11", 1310), 1e-3);
	/* a DR1 drives one lane of its four */
	cr_assert_gt(b2.lanes[0].tx_power_mw, 0.5);
	cr_assert_eq(b2.lanes[1].tx_power_mw, 0.0);
}

/* The DR8 link's nine modules: the DR8's memory (800GBASE-DR8, SMF 0x56, with its 8 x 100GBASE-DR breakout
 * on 100GAUI-1 host lanes, MPO 1x16), and leg B8 behind the second mux (0x71 channel 0): opened from the
 * station's layout, the driver releases 0x70 first, so B8 reads as B8 even after B7 was selected. */
Test(module_sim, dr8_link_nine_modules_behind_two_muxes)
{
	serve("dr8-link-fr1-leg");
	lc_module_info a;
	read_end(0, &a);
	cr_assert_eq(a.identifier, 0x19, "OSFP");
	cr_assert_eq(a.media_type, 0x02);
	cr_assert_eq(a.n_apps, 3, "800GBASE-DR8, its 2 x 400GBASE-DR4 and its 8 x 100GBASE-DR breakouts");
	cr_assert_eq(a.apps[0].host_id, 0x51);
	cr_assert_eq(a.apps[0].media_id, 0x56);
	cr_assert_str_eq(a.apps[0].host_name, "800GAUI-8 S C2M (Annex 120G)");
	cr_assert_str_eq(a.apps[0].media_name, "800GBASE-DR8");
	cr_assert_eq(a.apps[1].host_id, 0x4F, "400GAUI-4-S");
	cr_assert_eq(a.apps[1].media_id, 0x1C);
	cr_assert_eq(a.apps[1].host_lanes, 4);
	cr_assert_eq(a.apps[1].media_lanes, 4);
	cr_assert_eq(a.apps[1].host_lane_mask, 0x11, "starting on host lanes 1 and 5");
	cr_assert_eq(a.apps[2].host_id, 0x4B);
	cr_assert_eq(a.apps[2].media_id, 0x14);
	cr_assert_eq(a.apps[2].host_lanes, 1);
	cr_assert_eq(a.apps[2].media_lanes, 1);
	cr_assert_eq(a.apps[2].host_lane_mask, 0xFF);
	cr_assert_eq(a.connector, 0x28, "MPO 1x16");
	cr_assert_eq(a.n_lanes, 8);
	char layout[128];
	snprintf(layout, sizeof(layout), "A:0,B1:1,B2:2,B3:3,B4:4,B5:5,B6:6,B7:7,B8:8");
	lc_module *m;
	lc_module_info b7, b8, b5;
	cr_assert_eq(lc_module_open_end(resource, layout, "B7", NULL, &m, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_read_info(m, &b7, &d), 0, "%s", d.text);
	lc_module_close(m);
	cr_assert_eq(lc_module_open_end(resource, layout, "B8", NULL, &m, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_read_info(m, &b8, &d), 0, "%s", d.text);
	lc_module_close(m);
	cr_assert_str_eq(b7.serial, "SIM-D8L-0004-B7");
	cr_assert_str_eq(b8.serial, "SIM-D8L-0004-B8", "0x70 channel 7 released before 0x71 channel 0 is selected");
	/* and back to the first mux: 0x71 released */
	cr_assert_eq(lc_module_open_end(resource, layout, "B5", NULL, &m, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_read_info(m, &b5, &d), 0, "%s", d.text);
	lc_module_close(m);
	cr_assert_eq(b5.ext_compliance, 0x26, "the FR1 on leg B5");
	/* DR8 lane 8 -> leg B8 (A:8 -> B8:rx) */
	cr_assert_float_eq(lc_module_mw_to_dbm(b8.lanes[0].rx_power_mw), expected_rx_dbm("dut:A:8", "dut:B8:rx", 1310), 1e-3);
	/* a layout channel past the eighth mux is refused */
	cr_assert_eq(lc_module_open_end(resource, "A:0,B1:64", "B1", NULL, &m, &d), LC_ERR_FORMAT);
	/* a channel or a label named twice would read one module as another end's; the grammar is strict (found
	 * by reading the parser for fuzz_module_layout: strtol took " +1") */
	const char *bad[] = {"A:0,B1:0", "A:0,a:1", "A:0,B1: 1", "A:0,B1:+1", "A:0,B1:1,", ":0,B1:1", "A:0,B 1:1", "A:0,,B1:1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lc_diag_clear(&d);
		cr_assert_eq(lc_module_open_end(resource, bad[i], "B1", NULL, &m, &d), LC_ERR_FORMAT, "%s", bad[i]);
		cr_assert(strstr(d.text, "is not LABEL:CHANNEL"), "%s: %s", bad[i], d.text);
		cr_assert_null(m);
	}
}

static int id_write(void *user, const uint8_t *data, size_t len)
{
	(void)user;
	(void)data;
	(void)len;
	return LC_SIM_I2C_OK;
}

static int id_read(void *user, uint8_t *buf, size_t len)
{
	memset(buf, *(const uint8_t *)user, len);
	return LC_SIM_I2C_OK;
}

/* Channels 8 and up are a second mux at 0x71. Two muxes with a channel each open put two modules at 0x50 on
 * the bus (the model answers with the first, as lc_module_mem's release of the other muxes avoids). */
Test(i2c_sim, two_muxes_select_their_own_channels)
{
	lc_sim_scpi_config cfg = {.idn = "LANECERT,SIM-I2C,T,1"};
	lc_sim_scpi *e;
	lc_sim_i2c_service *svc;
	lc_sim_endpoint *ep;
	static const uint8_t seven = 7, eight = 8;
	cr_assert_eq(lc_sim_scpi_create(&cfg, &e, &d), 0);
	cr_assert_eq(lc_sim_i2c_service_create(e, &svc, &d), 0);
	lc_sim_i2c_device d7 = {id_write, id_read, (void *)&seven}, d8 = {id_write, id_read, (void *)&eight};
	cr_assert_eq(lc_sim_i2c_service_attach(svc, 7, 0x50, &d7, &d), 0, "%s", d.text);
	cr_assert_eq(lc_sim_i2c_service_attach(svc, 8, 0x50, &d8, &d), 0, "%s", d.text);
	cr_assert_eq(lc_sim_i2c_service_attach(svc, 64, 0x50, &d8, &d), LC_ERR_ARG, "no ninth mux");
	cr_assert_eq(lc_sim_i2c_service_attach(svc, 0, 0x71, &d8, &d), LC_ERR_ARG, "0x71 is the second mux");
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.port = 0;
	cr_assert_eq(lc_sim_socket_start(e, &eo, &ep, &d), 0, "%s", d.text);
	lc_i2c *bus;
	cr_assert_eq(lc_i2c_sim_open("127.0.0.1", (uint16_t)lc_sim_endpoint_port(ep), NULL, &bus, &d), 0, "%s", d.text);
	uint8_t ch7 = 0x80, ch0 = 0x01, none = 0, r[1];
	cr_assert_eq(lc_i2c_read(bus, 0x50, r, 1, &d), LC_ERR_NOT_FOUND, "no channel open");
	cr_assert_eq(lc_i2c_write(bus, 0x71, &ch0, 1, &d), 0, "%s", d.text);
	cr_assert_eq(lc_i2c_read(bus, 0x50, r, 1, &d), 0, "%s", d.text);
	cr_assert_eq(r[0], 8, "0x71 channel 0 is channel 8");
	cr_assert_eq(lc_i2c_write(bus, 0x70, &ch7, 1, &d), 0, "%s", d.text);
	cr_assert_eq(lc_i2c_read(bus, 0x50, r, 1, &d), 0, "%s", d.text);
	cr_assert_eq(r[0], 7, "both open: the model answers with the first attached");
	cr_assert_eq(lc_i2c_write(bus, 0x70, &none, 1, &d), 0, "%s", d.text);
	cr_assert_eq(lc_i2c_read(bus, 0x71, r, 1, &d), 0, "%s", d.text);
	cr_assert_eq(r[0], 0x01, "each mux keeps its own control byte");
	cr_assert_eq(lc_i2c_read(bus, 0x50, r, 1, &d), 0, "%s", d.text);
	cr_assert_eq(r[0], 8);
	lc_i2c_close(bus);
	lc_sim_endpoint_stop(ep);
	lc_sim_scpi_destroy(e);
	lc_sim_i2c_service_free(svc);
}

/* A fiber DUT without the optics named, or with a cable type that is not a transceiver, does not start. */
Test(module_sim, dr4_link_optics_bad_options_are_refused)
{
	static const char *const cases[][2] = {
		{"\"cable\":\"dr4-mpo12apc-4xlc\"", "name the modules plugged into it with \"near\" and \"far\""},
		{"\"cable\":\"dr4-mpo12apc-4xlc\",\"near\":\"xcvr-400g-dr4\",\"far\":\"mpo12-trunk-type-a\"",
		 "mpo12-trunk-type-a is not a transceiver"},
		{"\"cable\":\"dr4-mpo12apc-4xlc\",\"near\":\"xcvr-400g-dr4\",\"far\":\"xcvr-100g-sr4\"", "has no media code"},
		{"\"cable\":\"dr4-mpo12apc-4xlc\",\"near\":\"xcvr-400g-dr4\",\"far\":\"no-such-cable\"", "no-such-cable"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1200];
		snprintf(text, sizeof(text),
			 "{\"name\":\"bad\",\"seed\":1,\"station\":\"stations/dr4-link-bench.json\",\"slot\":1,"
			 "\"dut\":{\"cable\":\"dr4-mpo12apc-4xlc\",\"serial\":\"X\",\"defects\":[]},"
			 "\"instruments\":{\"i2c\":{\"kind\":\"cmis_module\",\"options\":{%s}}}}", cases[i][0]);
		lc_sim_scenario *bad = NULL;
		lc_diag bd;
		/* named as if it sat beside the shipped scenarios, so its station resolves as theirs does */
		char origin[700];
		snprintf(origin, sizeof(origin), "%s/fixtures/scenarios/bad.json",
			 getenv("LC_SOURCE_DIR") ? getenv("LC_SOURCE_DIR") : ".");
		int rc = lc_sim_scenario_parse(text, strlen(text), origin, NULL, &bad, &bd);
		cr_assert_eq(rc, 0, "%s", bd.text);
		lc_sim_runner_opts ro;
		lc_sim_runner_opts_init(&ro);
		ro.time_scale = 0;
		ro.no_control = true;
		lc_sim_runner *r = NULL;
		rc = LC_ERR_BUSY;
		for (unsigned k = 0; k < TP_ATTEMPTS && rc == LC_ERR_BUSY; k++) {
			ro.port_base = tp_port_base(16, k);
			rc = lc_sim_runner_start(bad, &ro, &r, &bd);
		}
		cr_expect_lt(rc, 0, "case %zu started", i);
		cr_expect(strstr(bd.text, cases[i][1]) != NULL, "case %zu: %s", i, bd.text);
		lc_sim_runner_stop(r);
		lc_sim_scenario_free(bad);
	}
}

/* CMIS diagnostics pages (issue 19): the DR4's media generator on every lane checked by each CMIS DR1's media
 * checker, through the harness. Clean paths count no errors; the leg the scenario makes err reports the
 * world's BER; a module with prbs_<LEG> false has no page 13h. */
static void prbs_all(lc_module *a, lc_module **b, unsigned legs, int pattern)
{
	cr_assert_eq(lc_module_prbs_set(a, LC_PRBS_MEDIA, true, (uint8_t)((1u << legs) - 1), pattern, true, &d), 0, "%s",
		     d.text);
	for (unsigned n = 0; n < legs; n++)
		if (b[n])
			cr_assert_eq(lc_module_prbs_set(b[n], LC_PRBS_MEDIA, false, 0x01, pattern, true, &d), 0, "%s", d.text);
}

Test(module_sim, prbs_through_the_harness)
{
	serve("dr4-link-ber-dirty-leg");
	lc_module *a = open_end(0), *b[4];
	for (unsigned n = 0; n < 4; n++)
		b[n] = open_end(1 + (int)n);
	lc_module_diag_caps caps;
	cr_assert_eq(lc_module_diag_caps_read(a, &caps, &d), 0, "%s", d.text);
	cr_assert(caps.present);
	cr_assert(lc_module_diag_can(&caps, LC_PRBS_MEDIA, true, 0), "PRBS-31Q generator");
	cr_assert_not(lc_module_diag_can(&caps, LC_PRBS_MEDIA, true, 4), "PRBS-15Q is not advertised");
	cr_assert_eq(lc_module_diag_caps_read(b[2], &caps, &d), 0, "%s", d.text);
	cr_assert(lc_module_diag_can(&caps, LC_PRBS_MEDIA, false, 0), "the CMIS DR1's checker");
	prbs_all(a, b, 4, 0);
	lc_sleep_ms(30);
	for (unsigned n = 0; n < 4; n++) {
		lc_module_prbs_result r;
		cr_assert_eq(lc_module_prbs_read(b[n], LC_PRBS_MEDIA, 0, &r, &d), 0, "%s", d.text);
		cr_assert_eq(r.checker_on, 0x01);
		cr_assert_eq(r.lol & 1, 0, "leg %u locked", n + 1);
		if (n == 1)
			cr_assert(r.ber[0] > 0.9e-3 && r.ber[0] < 1.1e-3, "B2 errs at the world's 1e-3: %g", r.ber[0]);
		else
			cr_assert_eq(r.ber[0], 0.0, "leg %u clean", n + 1);
	}
	/* a checker whose generator is off loses lock, latched until switched on again */
	cr_assert_eq(lc_module_prbs_set(a, LC_PRBS_MEDIA, true, 0x01, 0, false, &d), 0, "%s", d.text);
	lc_module_prbs_result r;
	cr_assert_eq(lc_module_prbs_read(b[0], LC_PRBS_MEDIA, 0, &r, &d), 0, "%s", d.text);
	cr_assert_eq(r.lol & 1, 1, "B1 without its generator");
	cr_assert_eq(lc_module_prbs_set(a, LC_PRBS_MEDIA, true, 0x01, 0, true, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_prbs_read(b[0], LC_PRBS_MEDIA, 0, &r, &d), 0, "%s", d.text);
	cr_assert_eq(r.lol & 1, 1, "the latch holds until the checker restarts");
	/* a different pattern at the checker: no lock */
	cr_assert_eq(lc_module_prbs_set(b[0], LC_PRBS_MEDIA, false, 0x01, 1, true, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_prbs_set(b[0], LC_PRBS_MEDIA, false, 0x01, 0, false, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_prbs_set(b[0], LC_PRBS_MEDIA, false, 0x01, 1, true, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_prbs_read(b[0], LC_PRBS_MEDIA, 0, &r, &d), 0, "%s", d.text);
	cr_assert_eq(r.lol & 1, 1, "PRBS-31 checker on a PRBS-31Q signal");
	/* everything off, read back */
	cr_assert_eq(lc_module_prbs_all_off(a, &d), 0, "%s", d.text);
	for (unsigned n = 0; n < 4; n++) {
		cr_assert_eq(lc_module_prbs_all_off(b[n], &d), 0, "%s", d.text);
		cr_assert_eq(lc_module_prbs_read(b[n], LC_PRBS_MEDIA, 0, &r, &d), 0, "%s", d.text);
		cr_assert_eq(r.checker_on, 0);
		lc_module_close(b[n]);
	}
	lc_module_close(a);
}

Test(module_sim, prbs_absent_is_said)
{
	serve("dr4-link-ber-no-prbs");
	lc_module *b3 = open_end(3), *b1 = open_end(1);
	lc_module_diag_caps caps;
	cr_assert_eq(lc_module_diag_caps_read(b3, &caps, &d), 0, "%s", d.text);
	cr_assert_not(caps.present, "prbs_B3 false: no page 13h");
	cr_assert_not(lc_module_diag_can(&caps, LC_PRBS_MEDIA, false, 0));
	lc_module_prbs_result r;
	cr_assert_eq(lc_module_prbs_read(b3, LC_PRBS_MEDIA, 0, &r, &d), LC_ERR_UNSUPPORTED);
	cr_assert_eq(lc_module_prbs_all_off(b3, &d), 0, "nothing to switch off is not an error");
	cr_assert_eq(lc_module_diag_caps_read(b1, &caps, &d), 0, "%s", d.text);
	cr_assert(caps.present);
	/* the advertisement the driver reads before it asks for page 13h: 01h:142 bit 5 */
	uint8_t adv = 0xFF;
	cr_assert_eq(lc_module_mem_read(lc_module_memory(b3), 0, 0x01, 142, &adv, 1, &d), 0, "%s", d.text);
	cr_assert_eq(adv & 0x20, 0, "prbs_B3 false: pages 13h/14h not advertised");
	cr_assert_eq(lc_module_mem_read(lc_module_memory(b1), 0, 0x01, 142, &adv, 1, &d), 0, "%s", d.text);
	cr_assert_eq(adv & 0x20, 0x20, "B1 advertises pages 13h/14h");
	lc_module_close(b3);
	lc_module_close(b1);
	stop();
	/* SFF-8636 DR1s (this scenario's legs) have no CMIS diagnostics at all */
	serve("dr4-link-fr1-leg");
	lc_module *s = open_end(1);
	cr_assert_eq(lc_module_diag_caps_read(s, &caps, &d), 0, "%s", d.text);
	cr_assert_not(caps.present);
	cr_assert_eq(lc_module_prbs_set(s, LC_PRBS_MEDIA, false, 1, 0, true, &d), LC_ERR_UNSUPPORTED);
	lc_module_close(s);
}
