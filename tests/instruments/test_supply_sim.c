/*
 * The E36xx supply driver (instruments/supply/keysight_e36xx.c) against the simulated E3648A
 * (sim/inst/inst_keysight_e364x.c) in fixtures/scenarios/aoc-400g-supply-over-draw.json: output 1 feeds end A,
 * whose module draws 5 W idle and 12.4 W with traffic on; output 2 feeds end B (5 W idle, 7.5 W with traffic).
 * A garbled or cut reply is an error, never a number; the faults are proven to have fired.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/supply/supply.h"
#include "sim/scpi/scpi_engine.h"
#include "tests/sim/simworld_util.h"

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

TestSuite(supply_sim, .fini = teardown, .timeout = 60);

/* The scenario with the supply's options replaced. */
static void start_on(const char *scenario, const char *supply_options)
{
	json_t *root = sw_scenario_json(scenario);
	cr_assert(root, "scenario %s not found under LC_SOURCE_DIR", scenario);
	json_t *sup = json_object_get(json_object_get(root, "instruments"), "supply");
	cr_assert_str_eq(json_string_value(json_object_get(sup, "kind")), "keysight_e3648a");
	if (supply_options) {
		json_error_t je;
		json_object_set_new(sup, "options", json_loads(supply_options, 0, &je));
	}
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
		if (lc_sim_runner_info_at(runner, i, &in) == 0 && !strcmp(in.role, "supply"))
			snprintf(resource, sizeof(resource), "%s", in.resource);
	}
	cr_assert(resource[0]);
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.layout = "1:A,2:B";
	o.timeout_ms = 3000;
	cr_assert_eq(lc_instrument_open(resource, &o, &inst, &d), 0, "%s: %s", resource, d.text);
}

static void start(const char *supply_options)
{
	start_on("aoc-400g-supply-over-draw", supply_options);
}

static void faults(const char *role, const lc_sim_faults *f)
{
	lc_sim_scpi *e = lc_sim_runner_engine(runner, role);
	cr_assert(e);
	lc_sim_scpi_set_faults(e, f);
}

static uint64_t fired(const char *role, int kind)
{
	uint64_t n[LC_SIM_FAULT_KINDS];
	lc_sim_scpi_fault_counts(lc_sim_runner_engine(runner, role), n);
	return n[kind];
}

Test(supply_sim, identified_and_measures_what_the_modules_draw)
{
	start(NULL);
	cr_expect_str_eq(lc_instrument_driver_name(inst), "keysight_e36xx");
	cr_expect_eq(lc_instrument_class(inst), LC_CLASS_SUPPLY);
	lc_supply_caps c;
	lc_diag d;
	cr_assert_eq(lc_supply_caps_get(inst, &c, &d), 0, "%s", d.text);
	cr_expect_eq(c.outputs, 2);
	bool on = false;
	cr_assert_eq(lc_supply_output_on(inst, 1, &on, &d), 0, "%s", d.text);
	cr_expect(on, "the bench keeps its outputs on");
	double v, a;
	cr_assert_eq(lc_supply_measure(inst, 1, &v, &a, &d), 0, "%s", d.text);
	cr_expect_float_eq(v, 3.3, 1e-9);
	cr_expect_float_eq(v * a, 5.0, 1e-6, "end A idle: %g W", v * a);
	/* the BERT's pattern on: end A's module draws what its defect says, end B its nominal traffic draw */
	lc_sim_world_set_traffic(lc_sim_runner_world(runner), true);
	cr_assert_eq(lc_supply_measure(inst, 1, &v, &a, &d), 0, "%s", d.text);
	cr_expect_float_eq(v * a, 12.4, 1e-6, "end A with traffic: %g W", v * a);
	cr_assert_eq(lc_supply_measure(inst, 2, &v, &a, &d), 0, "%s", d.text);
	cr_expect_float_eq(v * a, 7.5, 1e-6, "end B with traffic: %g W", v * a);
	cr_expect_eq(lc_supply_measure(inst, 3, &v, &a, &d), LC_ERR_ARG, "an E3648A has two outputs");
	cr_expect(strstr(d.text, "output 3 out of range 1..2"), "%s", d.text);
}

Test(supply_sim, output_off_is_read_as_off_and_draws_nothing)
{
	start("{\"output\": 0}");
	lc_diag d;
	bool on = true;
	cr_assert_eq(lc_supply_output_on(inst, 2, &on, &d), 0, "%s", d.text);
	cr_expect(!on);
	double v = 1, a = 1;
	cr_assert_eq(lc_supply_measure(inst, 2, &v, &a, &d), 0, "%s", d.text);
	cr_expect_float_eq(v, 0.0, 1e-12);
	cr_expect_float_eq(a, 0.0, 1e-12);
}

Test(supply_sim, a_garbled_reading_is_a_protocol_error_never_a_number)
{
	start(NULL);
	lc_diag d;
	double v = -1, a = -1;
	/* the reply to the 3rd message from now (INST:NSEL, then MEAS:VOLT?'s *STB? check... counted by the
	 * engine: INST:NSEL 1 = 1, *STB? = 2, MEAS:VOLT? = 3) comes with garbage in front */
	lc_sim_faults f = {.garbage_at = 3, .garbage = "x?"};
	faults("supply", &f);
	int rc = lc_supply_measure(inst, 1, &v, &a, &d);
	cr_expect_eq(fired("supply", LC_SIM_FAULT_GARBAGE), 1u, "the garbage fault fired");
	cr_expect_eq(rc, LC_ERR_PROTOCOL, "%s (%s)", d.text, lc_strerror_name(rc));
	cr_expect(strstr(d.text, "MEAS:VOLT?"), "%s", d.text);
	cr_expect_float_eq(v, -1.0, 1e-12, "no number came out");
}

Test(supply_sim, a_cut_reply_is_an_error)
{
	start(NULL);
	lc_diag d;
	double v = -1, a = -1;
	/* MEAS:VOLT? (the 3rd message, as above) answered "3.3" without its line end, then the link closes */
	lc_sim_faults f = {.truncate_at = 3, .truncate_keep = 3};
	faults("supply", &f);
	int rc = lc_supply_measure(inst, 1, &v, &a, &d);
	cr_expect_eq(fired("supply", LC_SIM_FAULT_TRUNCATE), 1u, "the truncate fault fired");
	cr_expect_lt(rc, 0, "a cut reply is no reading: %s", d.text);
	cr_expect(strstr(d.text, "MEAS:VOLT?"), "%s", d.text);
	cr_expect_float_eq(v, -1.0, 1e-12, "no number came out");
}

Test(supply_layout, parses_and_refuses)
{
	lc_supply_feed f[4];
	lc_diag d;
	cr_assert_eq(lc_supply_layout_parse("1:A,2:B3", f, 4, &d), 2, "%s", d.text);
	cr_expect_eq(f[0].output, 1);
	cr_expect_str_eq(f[0].end, "A");
	cr_expect_eq(f[1].output, 2);
	cr_expect_str_eq(f[1].end, "B3");
	static const char *const bad[] = {"", "1", "A:1", "0:A", "9:A", "1:A,1:B", "1:A,2:A", "1:A,", "1:A-B", "x:A",
					  "1:"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(lc_supply_layout_parse(bad[i], f, 4, &d), LC_ERR_ARG, "'%s' accepted", bad[i]);
	cr_expect_eq(lc_supply_layout_parse("1:A,2:B,3:C", f, 2, &d), LC_ERR_ARG, "more than cap");
}

/* The snapshot (what `lanecert probe` shows) reads each output's own measurement; probe prints it in volts,
 * amps and watts (LC_CLI: the built lanecert, as the probe tests use it). */
Test(supply_sim, snapshot_and_probe_show_each_output)
{
	start(NULL);
	char *text = NULL;
	lc_diag d;
	cr_assert_eq(lc_instrument_snapshot(inst, &text, &d), 0, "%s", d.text);
	json_error_t je;
	json_t *snap = json_loads(text, 0, &je);
	free(text);
	cr_assert(snap);
	json_t *outs = json_object_get(snap, "supply_outputs");
	cr_assert_eq(json_array_size(outs), 2u);
	json_t *o1 = json_array_get(outs, 0);
	cr_expect_eq(json_integer_value(json_object_get(o1, "output")), 1);
	cr_expect(json_is_true(json_object_get(o1, "on")));
	cr_expect_float_eq(json_number_value(json_object_get(o1, "watts")), 5.0, 1e-6);
	json_decref(snap);
	const char *cli = getenv("LC_CLI");
	cr_assert_not_null(cli, "LC_CLI not set (ctest sets it)");
	char cmd[1024], out[2048];
	snprintf(cmd, sizeof(cmd), "'%s' probe '%s' 2>&1", cli, resource);
	FILE *f = popen(cmd, "r");
	cr_assert(f);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	cr_expect_eq(pclose(f), 0, "%s", out);
	cr_expect(strstr(out, "driver keysight_e36xx, class supply\n"), "%s", out);
	cr_expect(strstr(out, "  output 1: 3.300 V, 1.5152 A (5.000 W), on\n"), "%s", out);
	cr_expect(strstr(out, "  output 2: 3.300 V, 1.5152 A (5.000 W), on\n"), "%s", out);
}

/* A station layout naming an output the model lacks is refused when the instrument opens (the station's
 * error, before anything runs), naming the output and the model's range. */
Test(supply_sim, a_layout_beyond_the_models_outputs_is_refused_at_open)
{
	start(NULL);
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.layout = "1:A,3:B";
	o.timeout_ms = 3000;
	lc_instrument *other = NULL;
	lc_diag d;
	cr_expect_eq(lc_instrument_open(resource, &o, &other, &d), LC_ERR_ARG, "%s", d.text);
	cr_expect_null(other);
	cr_expect(strstr(d.text, "output 3 feeds end B, but the E3648A has outputs 1..2"), "%s", d.text);
}

/* What the simulated supply reads is the world's draw of the module at each end: a passive DAC's plugs hold
 * only their memories, nothing a supply resolves, idle or with traffic (the AOC ends above: 5 and 7.5 W). */
Test(supply_sim, a_passive_dac_end_draws_nothing)
{
	lc_diag d;
	lc_diag_clear(&d);
	json_t *root = sw_scenario_json("dac-breakout-good");
	cr_assert(root);
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", d.text);
	runner = sw_start(sc, 1, &d);
	cr_assert(runner, "%s", d.text);
	lc_sim_world *w = lc_sim_runner_world(runner);
	static const char *const ends[] = {"A", "B1", "B4"};
	for (int traffic = 0; traffic < 2; traffic++) {
		lc_sim_world_set_traffic(w, traffic);
		for (size_t k = 0; k < 3; k++) {
			double watts = -1;
			cr_assert_eq(lc_sim_world_module_power_at(w, ends[k], &watts), 0);
			cr_expect_float_eq(watts, 0.0, 1e-12, "end %s, traffic %d: %g W", ends[k], traffic, watts);
		}
	}
}
