/*
 * The OTDR driver (instruments/otdr/anritsu_mt9085.c) against the simulated MT9085 on a loopback socket:
 * bound by *IDN?, an acquisition on the channel of a real scenario's DUT, the trace and the SOR file, and
 * the instrument's refusals. Instrument time runs 1000x faster than wall time.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "instruments/otdr/otdr.h"
#include "instruments/otdr/otdr_analysis.h"
#include "instruments/sim/endpoint.h"
#include "instruments/sim/inst_kind.h"
#include "instruments/sim/sim_clock.h"
#include "tests/sim/simworld_util.h"

static lc_sim_scenario *sc;
static lc_sim_world *world;
static lc_sim_clock *clk;
static lc_sim_scpi *engine;
static void *state;
static lc_sim_endpoint *ep;
static lc_instrument *inst;
static const lc_sim_inst_kind *kind;

static void setup(void)
{
	lc_diag d;
	lc_diag_clear(&d);
	json_t *root = sw_scenario_json("dr4-breakout-apc-upc");
	cr_assert(root, "scenario not found under LC_SOURCE_DIR");
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", d.text);
	cr_assert_eq(lc_sim_world_create(sc, &world, &d), 0, "%s", d.text);
	cr_assert_eq(lc_sim_clock_create(1000.0, &clk), 0);
	kind = lc_sim_kind_find("anritsu_mt9085");
	cr_assert(kind, "the OTDR kind is registered in inst_kinds.def");
	cr_expect_str_eq(kind->instrument_class, "otdr");
	cr_expect_eq(kind->real_port, 2288);
	json_error_t je;
	json_t *opts = json_loads("{\"dut_port\": \"dut:A:1\", \"launch_cord_m\": 150}", 0, &je);
	lc_sim_inst_config cfg = {.role = "otdr", .serial = "6200000042", .world = world, .clock = clk,
				  .options = opts, .where = "test: instruments.otdr"};
	cr_assert_eq(kind->create(&cfg, &engine, &state, &d), 0, "%s", d.text);
	json_decref(opts);
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.port = 0;
	eo.terminator = kind->terminator;
	cr_assert_eq(lc_sim_socket_start(engine, &eo, &ep, &d), 0, "%s", d.text);
	char res[128];
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::%d::SOCKET", lc_sim_endpoint_port(ep));
	lc_instrument_opts io;
	lc_instrument_opts_init(&io);
	io.timeout_ms = 1000; /* a refused query (no reply) times out quickly */
	cr_assert_eq(lc_instrument_open(res, &io, &inst, &d), 0, "%s", d.text);
}

static void teardown(void)
{
	lc_instrument_close(inst);
	lc_sim_endpoint_stop(ep);
	lc_sim_scpi_destroy(engine);
	kind->destroy(state);
	lc_sim_clock_destroy(clk);
	lc_sim_world_destroy(world);
	lc_sim_scenario_free(sc);
}

TestSuite(otdr_sim, .init = setup, .fini = teardown, .timeout = 60);

Test(otdr_sim, bound_by_idn)
{
	cr_expect_str_eq(lc_instrument_driver_name(inst), "anritsu_mt9085");
	cr_expect(lc_instrument_has_class(inst, LC_CLASS_OTDR));
	cr_expect_str_eq(lc_instrument_idn(inst)->vendor, "Anritsu");
	cr_expect_str_eq(lc_instrument_idn(inst)->model, "MT9085A");
}

Test(otdr_sim, acquisition_trace_and_sor_follow_the_channel)
{
	lc_diag d;
	lc_sim_event wev[16];
	int nw = lc_sim_world_events(world, "dut:A:1", 1310, wev, 16);
	cr_assert_gt(nw, 0, "world events: %d", nw);
	/* 3 ns over 500 m: the DUT is 3 m long, its two connectors must stand apart */
	lc_otdr_settings s = {.wavelength_nm = 1310, .pulse_ns = 3, .range_m = 500, .averaging_s = 30};
	cr_assert_eq(lc_otdr_acquire(inst, &s, &d), 0, "%s", d.text);
	lc_otdr_settings g;
	cr_assert_eq(lc_otdr_get_settings(inst, &g, &d), 0, "%s", d.text);
	cr_expect_float_eq(g.wavelength_nm, 1310, 1e-9);
	cr_expect_float_eq(g.pulse_ns, 3, 1e-9);
	cr_expect_float_eq(g.range_m, 500, 1e-6);
	cr_expect_float_eq(g.averaging_s, 30, 1e-9);

	double *y, dx;
	size_t n;
	cr_assert_eq(lc_otdr_read_trace(inst, &y, &n, &dx, &d), 0, "%s", d.text);
	cr_expect_eq(n, 16000);
	cr_expect_float_eq(dx, 500.0 / 16000, 1e-6);
	/* the launch cord's backscatter: -20 dB at the front panel falling 0.33 dB/km */
	cr_expect_float_eq(y[(size_t)(100 / dx)], -20.0 - 0.033, 0.05, "level at 100 m: %g", y[(size_t)(100 / dx)]);

	lc_sor *sor;
	cr_assert_eq(lc_otdr_read_sor(inst, &sor, &d), 0, "%s", d.text);
	cr_expect_str_eq(sor->sup.supplier, "Anritsu");
	cr_expect_str_eq(sor->sup.mainframe_sn, "6200000042");
	cr_expect_float_eq(lc_sor_wavelength_nm(sor), 1310, 1e-9);
	cr_expect_eq(sor->fxd.pulse_width_ns[0], 3);
	cr_expect_eq(lc_sor_trace_length(sor), n);
	cr_expect_eq(sor->cksum, LC_SOR_CKSUM_VALID);
	cr_expect_float_eq(lc_sor_point_spacing_m(sor), dx, 1e-3);
	double *ys;
	cr_assert_eq(lc_sor_trace_db(sor, &ys), (int)n);
	for (size_t i = 0; i < n; i += 97)
		cr_assert_float_eq(ys[i], y[i], 1e-9, "SOR and TRACe:LOAD:DATA? differ at %zu", i);
	free(ys);
	free(y);

	/* the stored events: the DUT's end 3 m after the end of the 150 m launch cord (dr4-mpo12apc-4xlc is
	 * 3 m long) with the far connector's reflection; its first connector (world: 0.175 dB, -65 dB) is
	 * under both SOR default thresholds (0.2 dB, -55 dB), so the instrument does not list it */
	cr_assert(sor->has_events);
	bool conn = false, end = false;
	for (size_t i = 0; i < sor->n_events; i++) {
		double x = lc_sor_time_to_m(sor, sor->events[i].time);
		if (fabs(x - (150 + wev[0].distance_m)) < 1.0)
			conn = true;
		if (sor->events[i].code[1] == 'E' && fabs(x - (150 + wev[nw - 1].distance_m)) < 1.0) {
			end = true;
			cr_expect_float_eq(sor->events[i].reflectance / 1000.0, wev[1].reflectance_db, 3.0,
					   "end reflectance %.2f dB", sor->events[i].reflectance / 1000.0);
		}
	}
	cr_expect(!conn, "an event under the thresholds was listed");
	cr_expect(end, "no end at the DUT's far end");
	/* with thresholds below it, the re-analysis finds the first connector too */
	lc_otdr_config lo;
	lc_otdr_config_init(&lo);
	lo.loss_threshold_db = 0.1;
	lo.refl_threshold_db = -70;
	lc_otdr_analysis *la;
	cr_assert_eq(lc_otdr_analyze_sor(sor, &lo, &la, &d), 0, "%s", d.text);
	bool found = false;
	for (size_t i = 0; i < la->n_events; i++)
		if (fabs(la->events[i].position_m - 150) < 1.0 && la->events[i].reflective)
			found = true;
	cr_expect(found, "the -65 dB connector at 150 m is not found with a -70 dB threshold");
	lc_otdr_analysis_free(la);
	/* re-analysis of the file agrees with its own events */
	lc_otdr_analysis *a;
	cr_assert_eq(lc_otdr_analyze_sor(sor, NULL, &a, &d), 0, "%s", d.text);
	cr_expect(a->end_found);
	cr_expect_float_eq(a->fiber_length_m, 150 + wev[nw - 1].distance_m, 1.0);
	lc_otdr_analysis_free(a);
	lc_sor_free(sor);
}

Test(otdr_sim, noise_falls_with_averaging)
{
	lc_diag d;
	double rms[2];
	double avg[2] = {1, 100};
	for (int k = 0; k < 2; k++) {
		lc_otdr_settings s = {.wavelength_nm = 1550, .pulse_ns = 10, .range_m = 20000, .averaging_s = avg[k]};
		cr_assert_eq(lc_otdr_acquire(inst, &s, &d), 0, "%s", d.text);
		double *y, dx;
		size_t n;
		cr_assert_eq(lc_otdr_read_trace(inst, &y, &n, &dx, &d), 0, "%s", d.text);
		/* the launch cord (150 m) is the only fiber: noise from 1 km on. The receiver clips the log of
		 * negative noise at its floor (-65 dB), so compare the unclipped samples: their level falls
		 * 5 dB (one-way) per 10x of noise power, i.e. per 100x averaging */
		double m = 0;
		size_t cnt = 0;
		for (size_t i = (size_t)(1000 / dx); i < n; i++)
			if (y[i] > -64.9) {
				m += y[i];
				cnt++;
			}
		cr_assert_gt(cnt, 1000);
		rms[k] = m / (double)cnt;
		free(y);
	}
	cr_expect_float_eq(rms[0] - rms[1], 5.0, 1.0, "noise level %.2f dB at 100 s vs %.2f dB at 1 s", rms[1], rms[0]);
}

Test(otdr_sim, refusals_are_errors)
{
	lc_diag d;
	lc_otdr_settings s = {.wavelength_nm = 1310, .pulse_ns = 7, .range_m = 1000, .averaging_s = 1};
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "-224") != NULL, "%s", d.text);
	s.pulse_ns = 10;
	s.wavelength_nm = 1625; /* not fitted in this unit */
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_INSTRUMENT);
	s.wavelength_nm = 1310;
	s.range_m = 1e9;
	cr_expect_eq(lc_otdr_configure(inst, &s, &d), LC_ERR_ARG);
	cr_expect_eq(lc_otdr_acquire(NULL, &s, &d), LC_ERR_ARG);
	/* no acquisition yet: the instrument refuses to send a trace */
	lc_diag_clear(&d);
	lc_sor *sor = NULL;
	cr_expect_eq(lc_otdr_read_sor(inst, &sor, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "-230") != NULL, "%s", d.text);
	cr_expect(sor == NULL);
}

/* The field tier-2 scenario with a broken fiber: the simulated OTDR, as the scenario configures it, shows
 * the break where the world has it, and the analysis of its SOR file finds it as the end. */
Test(otdr_sim_field, break_in_the_field_scenario, .timeout = 60)
{
	lc_diag d;
	lc_diag_clear(&d);
	json_t *root = sw_scenario_json("field-tier2-break");
	cr_assert(root);
	lc_sim_scenario *fsc = sw_scenario_from(root, &d);
	cr_assert(fsc, "%s", d.text);
	json_t *opts = json_incref(json_object_get(json_object_get(json_object_get(root, "instruments"), "otdr"), "options"));
	json_decref(root);
	lc_sim_world *w;
	cr_assert_eq(lc_sim_world_create(fsc, &w, &d), 0, "%s", d.text);
	lc_sim_clock *ck;
	cr_assert_eq(lc_sim_clock_create(0, &ck), 0);
	const lc_sim_inst_kind *k = lc_sim_kind_find("anritsu_mt9085");
	cr_assert(k);
	lc_sim_inst_config cfg = {.role = "otdr", .serial = "1", .world = w, .clock = ck, .options = opts,
				  .where = "field-tier2-break: instruments.otdr"};
	lc_sim_scpi *e;
	void *st;
	cr_assert_eq(k->create(&cfg, &e, &st, &d), 0, "%s", d.text);
	const char *port = json_string_value(json_object_get(opts, "dut_port"));
	lc_sim_event wev[16];
	int nw = lc_sim_world_events(w, port, 1310, wev, 16);
	cr_assert_gt(nw, 0);
	double brk = -1;
	for (int i = 0; i < nw && brk < 0; i++)
		if (strcmp(wev[i].kind, "break") == 0 || strcmp(wev[i].kind, "end") == 0)
			brk = wev[i].distance_m;
	cr_assert_geq(brk, 0, "the world has no break or end on %s", port);
	/* drive the engine directly: settings, acquisition, SOR */
	const char *cmds[] = {"SOUR:WAV 1310", "SENS:PULS:WIDT 3", "SENS:RANG 0.5", "SENS:AVER:TIME 30", "INIT", "*OPC?"};
	uint8_t *reply = NULL;
	size_t rlen = 0, rcap = 0;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		cr_assert_geq(lc_sim_scpi_execute(e, cmds[i], strlen(cmds[i]), &reply, &rlen, &rcap, NULL), 0);
	cr_expect(rlen == 1 && reply[0] == '1', "*OPC? answered %.*s", (int)rlen, reply);
	rlen = 0;
	cr_assert_geq(lc_sim_scpi_execute(e, "TRAC:LOAD:SOR?", 14, &reply, &rlen, &rcap, NULL), 0);
	cr_assert(rlen > 2 && reply[0] == '#', "no block: %.*s", (int)(rlen < 40 ? rlen : 40), reply);
	size_t nd = (size_t)(reply[1] - '0');
	size_t blen = (size_t)strtoul((const char *)reply + 2, NULL, 10);
	cr_assert_eq(rlen, 2 + nd + blen);
	lc_sor *sor;
	cr_assert_eq(lc_sor_read(reply + 2 + nd, blen, &sor, &d), 0, "%s", d.text);
	bool seen = false;
	for (size_t i = 0; i < sor->n_events; i++)
		if (sor->events[i].code[1] == 'E' && fabs(lc_sor_time_to_m(sor, sor->events[i].time) - (150 + brk)) < 1.0)
			seen = true;
	cr_expect(seen, "no end event at the break (%.2f m into the DUT)", brk);
	cr_expect_eq(lc_sim_error_count(e), 0);
	lc_sor_free(sor);
	free(reply);
	lc_sim_scpi_destroy(e);
	k->destroy(st);
	json_decref(opts);
	lc_sim_clock_destroy(ck);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(fsc);
}

/* Without options.dut_port the OTDR follows the station: its port otdr:1 through switch1's route. */
Test(otdr_sim_field, follows_the_switch_route, .timeout = 60)
{
	lc_diag d;
	lc_diag_clear(&d);
	json_t *root = sw_scenario_json("field-tier2-break");
	cr_assert(root);
	lc_sim_scenario *fsc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(fsc, "%s", d.text);
	lc_sim_world *w;
	cr_assert_eq(lc_sim_world_create(fsc, &w, &d), 0, "%s", d.text);
	const lc_sim_inst_kind *k = lc_sim_kind_find("anritsu_mt9085");
	lc_sim_inst_config cfg = {.role = "otdr", .serial = "1", .world = w, .options = NULL, .where = "test"};
	lc_sim_scpi *e;
	void *st;
	cr_assert_eq(k->create(&cfg, &e, &st, &d), 0, "%s", d.text);
	char reached[LC_SIM_PORT_MAX];
	double loss;
	/* route the OTDR (switch input 1) to the broken fiber 7, then to the good fiber 1 */
	const char *outs[2] = {"switch1:out7", "switch1:out1"};
	double ends[2];
	for (int r = 0; r < 2; r++) {
		cr_assert_eq(lc_sim_world_switch_route(w, "switch1:in1", outs[r]), 0);
		int rc = lc_sim_world_reach(w, "otdr:1", 1310, reached, sizeof(reached), &loss);
		cr_assert_eq(rc, 0, "otdr:1 reaches nothing through %s", outs[r]);
		const char *cmds[] = {"SOUR:WAV 1310", "SENS:PULS:WIDT 3", "SENS:RANG 0.5", "SENS:AVER:TIME 30", "INIT"};
		uint8_t *reply = NULL;
		size_t rlen = 0, rcap = 0;
		for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			cr_assert_geq(lc_sim_scpi_execute(e, cmds[i], strlen(cmds[i]), &reply, &rlen, &rcap, NULL), 0);
		cr_assert_geq(lc_sim_scpi_execute(e, "TRAC:LOAD:SOR?", 14, &reply, &rlen, &rcap, NULL), 0);
		size_t nd = (size_t)(reply[1] - '0');
		lc_sor *sor;
		cr_assert_eq(lc_sor_read(reply + 2 + nd, rlen - 2 - nd, &sor, &d), 0, "%s", d.text);
		ends[r] = -1;
		for (size_t i = 0; i < sor->n_events; i++)
			if (sor->events[i].code[1] == 'E')
				ends[r] = lc_sor_time_to_m(sor, sor->events[i].time);
		lc_sor_free(sor);
		free(reply);
	}
	/* fiber 7 breaks 31.5 m into the DUT, fiber 1 runs to the trunk's far end */
	cr_expect_float_eq(ends[0], 150 + 31.5, 1.0, "end on fiber 7 at %.2f m", ends[0]);
	cr_expect_gt(ends[1], ends[0] + 5, "end on fiber 1 at %.2f m", ends[1]);
	lc_sim_scpi_destroy(e);
	k->destroy(st);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(fsc);
}
