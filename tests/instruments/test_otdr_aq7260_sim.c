/*
 * The AQ7260 driver against the simulated AQ7260 (sim/inst/inst_otdr_aq7260.c, written from the
 * dialect notes, not from the driver) in the tier-2 scenario fixtures/scenarios/field-tier2-break.json:
 * position 7 is broken 31.5 m into the DUT, behind a 150 m launch cord. The simulator runs in-process with
 * no instrument-time waits; the OTDR is reached on a raw socket (a serial-to-LAN adapter) and, when this
 * build has the serial transport, on its pseudo-terminal (the real RS-232).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "hal/transport.h"
#include "instruments/otdr/otdr.h"
#include "instruments/otdr/otdr_analysis.h"
#include "instruments/otdr/yokogawa_aq7260.h"
#include "instruments/switch/switch.h"
#include "tests/sim/simworld_util.h"

#define BREAK_M (150.0 + 31.5) /* launch cord + the defect's distance */

static lc_sim_scenario *sc;
static lc_sim_runner *runner;
static lc_instrument *inst;
static char resource[256];

static void teardown(void)
{
	lc_instrument_close(inst);
	inst = NULL;
	lc_sim_runner_stop(runner);
	runner = NULL;
	lc_sim_scenario_free(sc);
	sc = NULL;
}

TestSuite(aq7260_sim, .fini = teardown, .timeout = 60);

/* Start the scenario with the OTDR's options and transport replaced; resource gets the OTDR's. */
static void start(const char *scenario, const char *otdr_options, const char *transport)
{
	json_t *root = sw_scenario_json(scenario);
	cr_assert(root, "scenario %s not found under LC_SOURCE_DIR", scenario);
	json_t *otdr = json_object_get(json_object_get(root, "instruments"), "otdr");
	cr_assert_str_eq(json_string_value(json_object_get(otdr, "kind")), "yokogawa_aq7260");
	json_error_t je;
	json_object_set_new(otdr, "options", json_loads(otdr_options, 0, &je));
	if (transport)
		json_object_set_new(otdr, "transport", json_string(transport));
	lc_diag d;
	lc_diag_clear(&d);
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", d.text);
	runner = sw_start(sc, 1, &d);
	cr_assert(runner, "%s", d.text);
	resource[0] = '\0';
	for (size_t i = 0; i < lc_sim_runner_count(runner); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(runner, i, &in) == 0 && !strcmp(in.role, "otdr"))
			snprintf(resource, sizeof(resource), "%s", in.resource);
	}
	cr_assert(resource[0]);
}

static void open_otdr(void)
{
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.driver = "yokogawa_aq7260";
	o.layout = "1310"; /* what the simulator writes into its station file */
	o.timeout_ms = 2000;
	o.transport.serial.baud = 115200;
	lc_diag d;
	cr_assert_eq(lc_instrument_open(resource, &o, &inst, &d), 0, "%s: %s", resource, d.text);
}

static const lc_otdr_settings tier2 = {.wavelength_nm = 1310, .pulse_ns = 10, .range_m = 2000, .averaging_s = 10};

/* The simulator's KeyEvents are the world's truth (never an analysis): the client's analysis of the trace,
 * with the launch cord compensated as field-tier2 does, must find every true event past the front panel
 * within max(2 m, 2 point spacings), the end within a pulse length, and nothing after the end. */
static void agrees_with_truth(const lc_sor *sor, double launch_m)
{
	lc_otdr_config cfg;
	lc_otdr_config_init(&cfg);
	lc_otdr_config_from_sor(&cfg, sor);
	cfg.launch_m = launch_m;
	lc_otdr_analysis *a;
	lc_diag d;
	cr_assert_eq(lc_otdr_analyze_sor(sor, &cfg, &a, &d), 0, "%s", d.text);
	lc_otdr_agreement g;
	cr_assert_eq(lc_otdr_compare_sor(sor, a, &g), 0);
	for (size_t i = 0; i < sor->n_events; i++)
		cr_log_info("truth %zu at %.2f m loss %.3f dB", i, lc_sor_time_to_m(sor, sor->events[i].time),
			    sor->events[i].loss / 1000.0);
	for (size_t k = 0; k < a->n_events; k++)
		cr_log_info("found %zu at %.2f m (%s)", k, a->events[k].position_m, lc_otdr_event_type_name(a->events[k].type));
	cr_log_info("against the truth: %zu of %zu matched within %.1f m, mean offset %.2f spacings, ends %zu/%zu, "
		    "%zu after the end", g.matched, g.stored, g.tolerance_m, lc_otdr_agreement_offset_samples(&g),
		    g.ends_within, g.ends_shown, g.after_end);
	cr_expect_gt(g.stored, 0);
	cr_expect_eq(g.matched, g.stored, "%zu of %zu true events matched within %.1f m", g.matched, g.stored,
		     g.tolerance_m);
	cr_expect_leq(fabs(lc_otdr_agreement_offset_samples(&g)), 1.0, "mean offset %.2f spacings",
		      lc_otdr_agreement_offset_samples(&g));
	cr_expect_eq(g.ends_within, g.ends_shown, "end within a pulse length");
	cr_expect_eq(g.after_end, 0);
	lc_otdr_analysis_free(a);
}

/* The break is the end of the fiber in lanecert's analysis of the instrument's SOR file, in the file's own
 * KeyEvents, in EDR's E point, and DBIR's trace has the SOR trace's shape. */
static void break_found(void)
{
	lc_diag d;
	cr_assert_eq(lc_otdr_acquire(inst, &tier2, &d), 0, "%s", d.text);
	lc_sor *sor;
	cr_assert_eq(lc_otdr_read_sor(inst, &sor, &d), 0, "%s", d.text);
	cr_expect_str_eq(sor->sup.supplier, "YOKOGAWA");
	lc_otdr_analysis *a;
	cr_assert_eq(lc_otdr_analyze_sor(sor, NULL, &a, &d), 0, "%s", d.text);
	cr_expect_float_eq(a->fiber_length_m, BREAK_M, 1.0, "fiber ends at %.2f m", a->fiber_length_m);
	lc_otdr_analysis_free(a);
	cr_assert_gt(sor->n_events, 0);
	agrees_with_truth(sor, 150.0);
	/* the acquisition time is the simulated clock's, not 1970 */
	cr_expect_geq((long long)sor->fxd.timestamp, (long long)time(NULL) - 600, "acquired at %u", sor->fxd.timestamp);
	double stored_end = lc_sor_time_to_m(sor, sor->events[sor->n_events - 1].time);
	cr_expect_float_eq(stored_end, BREAK_M, 1.0, "KeyEvents end at %.2f m", stored_end);

	lc_aq7260_event ev;
	cr_assert_eq(lc_aq7260_read_event(inst, 0, &ev, &d), 0, "%s", d.text);
	cr_expect(ev.end);
	cr_expect_float_eq(ev.distance_m, stored_end, 0.02, "EDR E point at %.3f m", ev.distance_m);
	cr_assert_eq(lc_aq7260_read_event(inst, 1, &ev, &d), 0, "%s", d.text);
	cr_expect_eq(ev.number, 1);

	double *db, dx, *sor_db = NULL;
	size_t n;
	cr_assert_eq(lc_otdr_read_trace(inst, &db, &n, &dx, &d), 0, "%s", d.text);
	cr_expect_eq(n, 20000, "the simulator's default data size is DSR 1");
	cr_expect_eq(n, sor->n_points);
	cr_expect_float_eq(dx, 0.1, 1e-9);
	cr_assert_geq(lc_sor_trace_db(sor, &sor_db), 0);
	/* both encode the same levels: differences agree within the two quantizations (0.004 + 0.001 dB) */
	size_t i0 = (size_t)(160.0 / dx), i1 = (size_t)(175.0 / dx);
	double dbir_drop = db[i0] - db[i1], sor_drop = sor_db[i0] - sor_db[i1];
	cr_expect_float_eq(dbir_drop, sor_drop, 0.006, "DBIR %.4f dB, SOR %.4f dB", dbir_drop, sor_drop);
	free(sor_db);
	free(db);
	lc_sor_free(sor);
}

Test(aq7260_sim, break_found_over_a_serial_to_lan_socket)
{
	start("field-tier2-break", "{\"dut_port\": \"dut:A:7\"}", "socket");
	open_otdr();
	const lc_idn *idn = lc_instrument_idn(inst);
	cr_expect_str_eq(idn->vendor, "Yokogawa");
	cr_expect_str_eq(idn->model, "AQ7260");
	break_found();
}

Test(aq7260_sim, break_found_over_rs232)
{
	/* libserialport is a required dependency: a build without the serial transport is broken */
	cr_assert(lc_transport_find(LC_RES_ASRL), "no serial transport in this build");
	start("field-tier2-break", "{\"dut_port\": \"dut:A:7\"}", NULL);
	cr_assert(!strncmp(resource, "ASRL", 4), "%s", resource);
	open_otdr();
	break_found();
}

Test(aq7260_sim, the_client_analysis_agrees_with_the_truth_on_a_good_fiber)
{
	start("field-tier2-good", "{\"dut_port\": \"dut:A:1\"}", "socket");
	open_otdr();
	for (int k = 0; k < 2; k++) { /* two acquisitions: different noise */
		lc_diag d;
		cr_assert_eq(lc_otdr_acquire(inst, &tier2, &d), 0, "%s", d.text);
		lc_sor *sor;
		cr_assert_eq(lc_otdr_read_sor(inst, &sor, &d), 0, "%s", d.text);
		agrees_with_truth(sor, 150.0);
		lc_sor_free(sor);
	}
}

Test(aq7260_sim, an_unrouted_switch_is_no_fiber)
{
	/* without dut_port the OTDR follows the station; switch1 routes nothing yet */
	start("field-tier2-good", "{}", "socket");
	open_otdr();
	lc_diag d;
	cr_expect_eq(lc_otdr_acquire(inst, &tier2, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "no fiber"), "%s", d.text);
}

/* Without dut_port the OTDR traces whatever fiber switch1 routes its input 2 (the OTDR's; input 1 is the
 * Tier 1 source's) to: fiber 7 shows the break, fiber 1 runs on to the trunk's far end. */
Test(aq7260_sim, follows_the_switch_route)
{
	start("field-tier2-break", "{}", "socket");
	open_otdr();
	char sw_res[256] = "";
	for (size_t i = 0; i < lc_sim_runner_count(runner); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(runner, i, &in) == 0 && !strcmp(in.role, "switch1"))
			snprintf(sw_res, sizeof(sw_res), "%s", in.resource);
	}
	lc_instrument *sw;
	lc_diag d;
	cr_assert_eq(lc_instrument_open(sw_res, NULL, &sw, &d), 0, "%s", d.text);
	double end_m[2];
	const int fiber[2] = {7, 1};
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(lc_switch_route(sw, 2, fiber[k], &d), 0, "%s", d.text);
		cr_assert_eq(lc_otdr_acquire(inst, &tier2, &d), 0, "%s", d.text);
		lc_sor *sor;
		cr_assert_eq(lc_otdr_read_sor(inst, &sor, &d), 0, "%s", d.text);
		lc_otdr_analysis *a;
		cr_assert_eq(lc_otdr_analyze_sor(sor, NULL, &a, &d), 0, "%s", d.text);
		end_m[k] = a->fiber_length_m;
		lc_otdr_analysis_free(a);
		lc_sor_free(sor);
	}
	lc_instrument_close(sw);
	cr_expect_float_eq(end_m[0], BREAK_M, 1.0, "fiber 7 ends at %.2f m", end_m[0]);
	cr_expect_gt(end_m[1], BREAK_M + 10, "fiber 1 runs past the break: %.2f m", end_m[1]);
}

Test(aq7260_sim, plug_check_error)
{
	start("field-tier2-good", "{\"dut_port\": \"dut:A:1\", \"status_fault\": 7}", "socket");
	open_otdr();
	lc_diag d;
	cr_expect_eq(lc_otdr_acquire(inst, &tier2, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "plug-check error"), "%s", d.text);
}

Test(aq7260_sim, settings_the_instrument_has_no_code_for)
{
	start("field-tier2-good", "{\"dut_port\": \"dut:A:1\"}", "socket");
	open_otdr();
	lc_otdr_settings s = tier2;
	s.range_m = 1000;
	lc_diag d;
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "allowed: 2, 5,"), "%s", d.text);
}

/* A module that cannot measure 20 km keeps the range it had (the simulator refuses the R code, as the
 * manual's "the distance range that can be set varies with the wavelength" allows): the driver's read-back
 * names it, and nothing is started on the old range. */
Test(aq7260_sim, a_range_the_module_cannot_take_is_named)
{
	start("field-tier2-good", "{\"dut_port\": \"dut:A:1\", \"max_range_km\": 10}", "socket");
	open_otdr();
	lc_diag d;
	cr_assert_eq(lc_otdr_configure(inst, &tier2, &d), 0, "%s", d.text); /* 2 km: taken */
	lc_otdr_settings s = tier2;
	s.range_m = 20000;
	cr_expect_eq(lc_otdr_acquire(inst, &s, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "RR 7 (2 km) for R 1 (20 km)"), "%s", d.text);
	lc_otdr_settings got;
	cr_assert_eq(lc_otdr_get_settings(inst, &got, &d), 0, "%s", d.text);
	cr_expect_eq(got.range_m, 2000, "the unit still holds %g m", got.range_m);
	cr_expect_eq(got.pulse_ns, 10);
	cr_expect_eq(got.averaging_s, 10);
}

/* lanecert probe, with no driver hint: *IDN? goes unanswered, IDER identifies; the class snapshot shows. */
Test(aq7260_sim, probe_shows_the_otdr)
{
	const char *cli = getenv("LC_CLI");
	cr_assert(cli && *cli, "LC_CLI is not set: run the test through ctest");
	start("field-tier2-good", "{\"dut_port\": \"dut:A:1\"}", "socket");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' probe '%s' --layout 1310 --timeout 500 --json 2>&1", cli, resource);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	char out[8192];
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit %d: %s", WEXITSTATUS(st), out);
	json_error_t je;
	json_t *j = json_loads(out, 0, &je);
	cr_assert_not_null(j, "%s", out);
	cr_expect_str_eq(json_string_value(json_object_get(j, "driver")), "yokogawa_aq7260");
	json_t *o = json_object_get(j, "otdr");
	cr_expect_str_eq(json_string_value(json_object_get(o, "status")), "standby");
	cr_expect_float_eq(json_number_value(json_object_get(o, "wavelength_nm")), 1310, 1e-9);
	/* what the simulated unit holds after power-on (its reset: R 0, PW 1, AVD 1, NUM 0), read back */
	cr_expect_float_eq(json_number_value(json_object_get(o, "pulse_ns")), 10, 1e-9, "%s", out);
	cr_expect_float_eq(json_number_value(json_object_get(o, "range_m")), 10000, 1e-9, "%s", out);
	cr_expect_float_eq(json_number_value(json_object_get(o, "averaging_s")), 10, 1e-9, "%s", out);
	json_decref(j);
}
