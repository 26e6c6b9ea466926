/* The simulated world's physics: light through cords, switches and the DUT; defects; noise; determinism. */
#include <criterion/criterion.h>
#include <math.h>

#include "sim/world/world_priv.h"
#include "simworld_util.h"

static lc_sim_world *world_of(json_t *root, uint64_t seed, lc_sim_scenario **keep)
{
	lc_diag d;
	lc_diag_clear(&d);
	lc_sim_scenario *sc = sw_scenario_from(root, &d);
	cr_assert(sc, "scenario: %s", lc_diag_message(&d));
	sc->seed = seed;
	lc_sim_world *w = NULL;
	cr_assert_eq(lc_sim_world_create(sc, &w, &d), 0, "world: %s", lc_diag_message(&d));
	*keep = sc;
	return w;
}

static lc_sim_world *dr4(const char *defect, uint64_t seed, lc_sim_scenario **keep)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	cr_assert(root);
	if (defect)
		sw_add_defect(root, defect);
	lc_sim_world *w = world_of(root, seed, keep);
	json_decref(root);
	return w;
}

static double dut_loss(lc_sim_world *w, const char *a, const char *b, double nm)
{
	double l = -1;
	cr_assert_eq(lc_sim_world_dut_loss(w, a, b, nm, &l), 0, "%s -> %s", a, b);
	return l;
}

static void route(lc_sim_world *w, const char *a, const char *b)
{
	cr_assert_eq(lc_sim_world_switch_route(w, a, b), 0);
}

Test(sim_world, meter_reads_source_minus_predicted_loss)
{
	lc_sim_scenario *sc;
	lc_sim_world *w = dr4(NULL, 1, &sc);
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, "switch1:in1", "switch1:out1"); /* source -> A:1 */
	route(w, "switch2:A", "switch2:1"); /* B1:rx -> meter:1 */
	double loss = dut_loss(w, "dut:A:1", "dut:B1:rx", 1310);
	cr_assert(loss > 0.05 && loss < 3.0, "a good DR4 harness loses a little: %g dB", loss);
	double dbm;
	lc_sim_world_power_true(w, "meter:1", &dbm);
	/* two reference cords of 0.1 dB each (sim-default station), switches ideal */
	cr_assert_float_eq(dbm, -7.0 - 0.1 - 0.1 - loss, 1e-9);
	double watts;
	lc_sim_world_power_read_w(w, "meter:1", 0.1, -80, &watts);
	cr_assert_float_eq(10 * log10(watts / 1e-3), dbm, 0.02, "noise at 100 ms stays within 0.02 dB");
	/* a meter told 1550 nm sees 1310 nm light through its responsivity: 10 log10(0.9/1.0) low */
	double cal, right;
	lc_sim_world_power_read_cal(w, "meter:1", 1550, 1.0, -80, &cal);
	lc_sim_world_power_read_cal(w, "meter:1", 1310, 1.0, -80, &right);
	cr_assert_float_eq(10 * log10(cal / right), 10 * log10(0.9), 0.01);
	/* at 1550 nm the same path loses a different amount (fiber attenuation per wavelength) */
	cr_assert(fabs(dut_loss(w, "dut:A:1", "dut:B1:rx", 1550) - loss) < 0.5);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

Test(sim_world, switch_routing_moves_light)
{
	lc_sim_scenario *sc;
	lc_sim_world *w = dr4(NULL, 1, &sc);
	double dbm;
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, "switch1:in1", "switch1:out1");
	route(w, "switch2:A", "switch2:2"); /* B2:rx: not where A:1's light goes */
	lc_sim_world_power_true(w, "meter:1", &dbm);
	cr_assert_eq(dbm, LC_SIM_DARK_DBM);
	route(w, "switch1:in1", "switch1:out2"); /* now A:2 -> B2:rx */
	lc_sim_world_power_true(w, "meter:1", &dbm);
	cr_assert(dbm > -10);
	char reached[LC_SIM_PORT_MAX];
	double to_dut;
	cr_assert_eq(lc_sim_world_reach(w, "source:1", 1310, reached, sizeof(reached), &to_dut), 0);
	cr_assert_str_eq(reached, "dut:A:2");
	cr_assert_float_eq(to_dut, 0.1, 1e-9, "the reference cord");
	route(w, "switch1:in1", NULL); /* parked */
	cr_assert_eq(lc_sim_world_reach(w, "source:1", 1310, reached, sizeof(reached), &to_dut), LC_ERR_NOT_FOUND);
	lc_sim_world_power_true(w, "meter:1", &dbm);
	cr_assert_eq(dbm, LC_SIM_DARK_DBM);
	/* the return direction: B1:tx (switch1 ch 5) comes back on A:12 (switch3 ch 4, into meter input 2) */
	route(w, "switch1:in1", "switch1:out5");
	route(w, "switch3:A", "switch3:4");
	lc_sim_world_power_true(w, "meter:2", &dbm);
	cr_assert_float_eq(dbm, -7.0 - 0.2 - dut_loss(w, "dut:B1:tx", "dut:A:12", 1310), 1e-9);
	/* the source off: dark everywhere */
	lc_sim_world_source_set(w, "source:1", false, 1310, -7.0);
	lc_sim_world_power_true(w, "meter:2", &dbm);
	cr_assert_eq(dbm, LC_SIM_DARK_DBM);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

static const char *const paths[][2] = {
	{"dut:A:1", "dut:B1:rx"}, {"dut:B1:tx", "dut:A:12"}, {"dut:A:2", "dut:B2:rx"}, {"dut:B2:tx", "dut:A:11"},
	{"dut:A:3", "dut:B3:rx"}, {"dut:B3:tx", "dut:A:10"}, {"dut:A:4", "dut:B4:rx"}, {"dut:B4:tx", "dut:A:9"},
};

Test(sim_world, dirty_connector_changes_exactly_that_lane)
{
	lc_sim_scenario *s1, *s2;
	lc_sim_world *good = dr4(NULL, 1, &s1);
	lc_sim_world *dirty = dr4("{\"type\": \"dirty_connector\", \"port\": \"B2\", \"loss_db\": 0.8}", 1, &s2);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		double g = dut_loss(good, paths[i][0], paths[i][1], 1310);
		double d = dut_loss(dirty, paths[i][0], paths[i][1], 1310);
		bool leg_b2 = strstr(paths[i][0], "B2") || strstr(paths[i][1], "B2");
		cr_assert_float_eq(d - g, leg_b2 ? 0.8 : 0.0, 1e-9, "%s -> %s", paths[i][0], paths[i][1]);
	}
	lc_sim_world_destroy(good);
	lc_sim_world_destroy(dirty);
	lc_sim_scenario_free(s1);
	lc_sim_scenario_free(s2);
}

Test(sim_world, swapped_legs_move_light)
{
	lc_sim_scenario *sc;
	lc_sim_world *w = dr4("{\"type\": \"swapped\", \"ports\": [\"B1\", \"B2\"]}", 1, &sc);
	double l;
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:1", "dut:B1:rx", 1310, &l), LC_ERR_NOT_FOUND);
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:1", "dut:B2:rx", 1310, &l), 0);
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:2", "dut:B1:rx", 1310, &l), 0);
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:3", "dut:B3:rx", 1310, &l), 0, "other legs stay");
	double dbm;
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, "switch1:in1", "switch1:out1");
	route(w, "switch2:A", "switch2:1");
	lc_sim_world_power_true(w, "meter:1", &dbm);
	cr_assert_eq(dbm, LC_SIM_DARK_DBM, "A:1's light no longer reaches B1:rx");
	route(w, "switch2:A", "switch2:2");
	lc_sim_world_power_true(w, "meter:1", &dbm);
	cr_assert(dbm > -10, "it arrives at B2:rx");
	int map[8];
	cr_assert_eq(lc_sim_world_lane_map(w, map, 8), 4);
	cr_assert_eq(map[0], 1);
	cr_assert_eq(map[1], 0);
	cr_assert_eq(map[2], 2);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

Test(sim_world, fiber_break_darkens_one_lane_and_shows_in_events)
{
	lc_sim_scenario *sc;
	lc_sim_world *w = dr4("{\"type\": \"fiber_break\", \"port\": \"A:3\", \"distance_m\": 1.2}", 1, &sc);
	cr_assert_eq(lc_sim_world_lane_dark(w, 2), 1);
	cr_assert_eq(lc_sim_world_lane_dark(w, 1), 0);
	double l;
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:3", "dut:B3:rx", 1310, &l), LC_ERR_NOT_FOUND);
	lc_sim_event ev[16];
	int n = lc_sim_world_events(w, "dut:A:3", 1310, ev, 16);
	cr_assert(n >= 1);
	cr_assert_str_eq(ev[n - 1].kind, "break");
	cr_assert_float_eq(ev[n - 1].distance_m, 1.2, 1e-9);
	n = lc_sim_world_events(w, "dut:A:2", 1310, ev, 16);
	cr_assert(n >= 1 && strcmp(ev[n - 1].kind, "break") != 0);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

Test(sim_world, high_ber_and_temperature_defects)
{
	lc_sim_scenario *sc;
	json_t *root = sw_scenario_json("dr4-breakout-good");
	/* an AOC: lanes and modules at both ends (the DR4 station's cords then lead nowhere, which is fine) */
	json_object_set_new(json_object_get(root, "dut"), "cable", json_string("aoc-400g-qsfpdd"));
	sw_add_defect(root, "{\"type\": \"high_ber\", \"port\": \"A:tx2\", \"ber\": 2e-5}");
	sw_add_defect(root, "{\"type\": \"over_temperature\", \"port\": \"A\", \"temperature_c\": 78.5}");
	lc_sim_world *w = world_of(root, 1, &sc);
	json_decref(root);
	double ber, t;
	cr_assert_eq(lc_sim_world_lane_ber(w, 1, &ber), 0);
	cr_assert_float_eq(ber, 2e-5, 1e-12);
	cr_assert_eq(lc_sim_world_lane_ber(w, 0, &ber), 0);
	cr_assert(ber < 1e-12);
	lc_sim_world_module_temp(w, 'A', &t);
	cr_assert_float_eq(t, 78.5, 1e-9);
	lc_sim_world_module_temp(w, 'B', &t);
	cr_assert_float_eq(t, 40.0, 1e-9);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

/* A module that heats only under traffic (issue 19): cool at idle, hot while a BERT's outputs are on; a
 * defect on a leg heats that leg's module only. */
Test(sim_world, module_hot_under_load)
{
	lc_sim_scenario *sc;
	json_t *root = sw_scenario_json("dr4-breakout-good");
	json_object_set_new(json_object_get(root, "dut"), "cable", json_string("aoc-400g-qsfpdd-4xqsfp28"));
	sw_add_defect(root, "{\"type\": \"over_temperature\", \"port\": \"B3\", \"temperature_c\": 79, "
			    "\"under_load\": true}");
	lc_sim_world *w = world_of(root, 1, &sc);
	json_decref(root);
	double t;
	cr_assert_eq(lc_sim_world_module_temp_at(w, "B3", &t), 0);
	cr_assert_float_eq(t, 40.0, 1e-9, "idle: cool");
	lc_sim_world_set_traffic(w, true);
	cr_assert_eq(lc_sim_world_module_temp_at(w, "B3", &t), 0);
	cr_assert_float_eq(t, 79.0, 1e-9, "under traffic: hot");
	cr_assert_eq(lc_sim_world_module_temp_at(w, "B2", &t), 0);
	cr_assert_float_eq(t, 40.0, 1e-9, "another leg stays cool");
	lc_sim_world_set_traffic(w, false);
	cr_assert_eq(lc_sim_world_module_temp_at(w, "B3", &t), 0);
	cr_assert_float_eq(t, 40.0, 1e-9);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

static void reads(uint64_t seed, double *out, int n)
{
	lc_sim_scenario *sc;
	lc_sim_world *w = dr4(NULL, seed, &sc);
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, "switch1:in1", "switch1:out1");
	route(w, "switch2:A", "switch2:1");
	for (int i = 0; i < n; i++)
		lc_sim_world_power_read_w(w, i % 2 ? "meter:1" : "meter:2", 0.01, -80, &out[i]);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

Test(sim_world, deterministic_per_seed)
{
	double a[10], b[10], c[10];
	reads(7, a, 10);
	reads(7, b, 10);
	reads(8, c, 10);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0, "same seed, same readings");
	cr_assert_neq(memcmp(a, c, sizeof(a)), 0, "another seed, other noise");
	cr_assert_float_eq(10 * log10(a[1] / 1e-3), 10 * log10(c[1] / 1e-3), 0.1, "but the same light");
}

static double spread_db(lc_sim_world *w, const char *port, double atime)
{
	double s = 0, s2 = 0;
	const int n = 200;
	for (int i = 0; i < n; i++) {
		double watts;
		lc_sim_world_power_read_w(w, port, atime, -80, &watts);
		double v = 10 * log10(watts / 1e-3);
		s += v, s2 += v * v;
	}
	return sqrt(s2 / n - (s / n) * (s / n));
}

Test(sim_world, noise_falls_with_averaging_time_and_dark_is_below_floor)
{
	lc_sim_scenario *sc;
	lc_sim_world *w = dr4(NULL, 3, &sc);
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, "switch1:in1", "switch1:out1");
	route(w, "switch2:A", "switch2:1");
	double fast = spread_db(w, "meter:1", 1e-4), slow = spread_db(w, "meter:1", 1.0);
	cr_assert(fast > 50 * slow, "sigma %g dB at 100 us vs %g dB at 1 s", fast, slow);
	for (int i = 0; i < 50; i++) {
		double watts;
		lc_sim_world_power_read_w(w, "meter:3", 0.1, -80, &watts); /* meter 3 is not cabled: dark */
		cr_assert(watts > 0 && 10 * log10(watts / 1e-3) < -75, "dark reading %g W", watts);
	}
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

/* A bench with the RL module of slot 3 on the MPO end and an RL module of slot 4 on leg B1. */
static const char *rl_station =
	"{\"format\": \"lanecert-station/1\", \"name\": \"rl-bench\","
	" \"instruments\": [{\"role\": \"source\", \"resource\": \"TCPIP::127.0.0.1::1::SOCKET\"}],"
	" \"slots\": [{\"number\": 1, \"name\": \"s\"}],"
	" \"reference_cords\": [{\"id\": \"apc\", \"type\": \"MPO-12 APC female\", \"loss_db\": {\"1310\": 0.1}},"
	"                      {\"id\": \"upc\", \"type\": \"LC UPC\", \"loss_db\": {\"1310\": 0.1}}],"
	" \"wiring\": [{\"slot\": 1, \"dut_port\": \"A:1\", \"direction\": \"to_dut\", \"instrument\": \"source\","
	"               \"instrument_port\": 3, \"reference_cord\": \"apc\"},"
	"              {\"slot\": 1, \"dut_port\": \"B1:rx\", \"direction\": \"to_dut\", \"instrument\": \"source\","
	"               \"instrument_port\": 4, \"reference_cord\": \"upc\"}]}";

static lc_sim_world *rl_world(const char *defect, lc_sim_scenario **keep)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	json_error_t je;
	json_object_set_new(root, "station", json_loads(rl_station, 0, &je));
	json_t *insts = json_pack("{s:{s:s, s:{s:{s:s, s:s}}}}", "source", "kind", "keysight_8164b", "options", "slots",
				  "3", "81610A", "4", "81610A");
	json_object_set_new(root, "instruments", insts);
	if (defect)
		sw_add_defect(root, defect);
	lc_sim_world *w = world_of(root, 1, keep);
	json_decref(root);
	return w;
}

Test(sim_world, return_loss_follows_the_mated_polishes)
{
	lc_sim_scenario *s1, *s2;
	lc_sim_world *good = rl_world(NULL, &s1);
	lc_sim_world *bad = rl_world("{\"type\": \"apc_upc_mate\", \"port\": \"A\"}", &s2);
	double apc, upc, mismatch;
	cr_assert_eq(lc_sim_world_return_loss(good, "source:3", 1310, 70, &apc), 0);
	cr_assert_eq(lc_sim_world_return_loss(good, "source:4", 1310, 70, &upc), 0);
	cr_assert_eq(lc_sim_world_return_loss(bad, "source:3", 1310, 70, &mismatch), 0);
	cr_assert(apc >= 60, "APC to APC: %g dB", apc);
	cr_assert(upc >= 45 && upc < 58, "UPC to UPC: %g dB", upc);
	cr_assert(mismatch < 35, "APC mated to UPC: %g dB", mismatch);
	double l;
	cr_assert_eq(lc_sim_world_dut_loss(bad, "dut:A:1", "dut:B1:rx", 1310, &l), 0);
	cr_assert(l > 2.5, "the mismatch also costs loss: %g dB", l);
	lc_sim_world_destroy(good);
	lc_sim_world_destroy(bad);
	lc_sim_scenario_free(s1);
	lc_sim_scenario_free(s2);
}

Test(sim_world, two_slots_two_duts)
{
	json_t *root = sw_scenario_json("dr4-breakout-two-slots");
	cr_assert(root);
	lc_sim_scenario *sc;
	lc_sim_world *w = world_of(root, 1, &sc);
	json_decref(root);
	double dirty = dut_loss(w, "dut2:A:1", "dut2:B1:rx", 1310), clean = dut_loss(w, "dut2:A:2", "dut2:B2:rx", 1310);
	cr_assert_float_eq(dirty - clean, 1.1, 0.09, "slot 2's leg B1 is dirty: %g vs %g", dirty, clean);
	cr_assert(dut_loss(w, "dut:A:1", "dut:B1:rx", 1310) < 1.0, "slot 1 is clean");
	double l;
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:1", "dut2:B1:rx", 1310, &l), LC_ERR_NOT_FOUND, "no fiber between slots");
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, "switch1:in1", "switch1:out9"); /* slot 2's A:1 */
	route(w, "switch2:A", "switch2:5"); /* slot 2's B1:rx */
	double dbm;
	lc_sim_world_power_true(w, "meter:1", &dbm);
	cr_assert_float_eq(dbm, -7.0 - 0.2 - dirty, 1e-9);
	route(w, "switch2:A", "switch2:1"); /* slot 1's B1:rx: dark, the light went to slot 2 */
	lc_sim_world_power_true(w, "meter:1", &dbm);
	cr_assert_eq(dbm, LC_SIM_DARK_DBM);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

Test(sim_world, aoc_breakout_lane_map_and_swapped_legs)
{
	lc_sim_scenario *s1, *s2;
	json_t *g = sw_scenario_json("aoc-breakout-good"), *b = sw_scenario_json("aoc-breakout-swapped-legs");
	lc_sim_world *good = world_of(g, 1, &s1), *bad = world_of(b, 1, &s2);
	json_decref(g);
	json_decref(b);
	int m[16];
	cr_assert_eq(lc_sim_world_lane_map(good, m, 16), 8);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(m[i], i, "lane %d", i);
	cr_assert_eq(lc_sim_world_lane_map(bad, m, 16), 8);
	static const int want[8] = {0, 1, 4, 5, 2, 3, 6, 7}; /* legs B2 and B3 exchanged */
	for (int i = 0; i < 8; i++)
		cr_assert_eq(m[i], want[i], "lane %d -> %d", i, m[i]);
	double ber;
	cr_assert_eq(lc_sim_world_lane_ber(bad, 2, &ber), 0);
	cr_assert(ber < 1e-12, "a swap is a map fault, not an error-rate fault");
	lc_sim_world_destroy(good);
	lc_sim_world_destroy(bad);
	lc_sim_scenario_free(s1);
	lc_sim_scenario_free(s2);
}

/* The DR4 bench's launch matrix: the source (slot 1) on switch1 input 1, the RL module (slot 3) on input 2, as
 * the wires' switch_input say, both reaching every lit DUT port through the same outputs. */
Test(sim_world, switch_input_names_the_matrix_input)
{
	lc_sim_scenario *sc;
	lc_sim_world *w = dr4(NULL, 1, &sc);
	cr_assert_str_eq(lc_sim_world_link_peer(w, "source:1"), "switch1:in1");
	cr_assert_str_eq(lc_sim_world_link_peer(w, "source:3"), "switch1:in2");
	cr_assert_str_eq(lc_sim_world_link_peer(w, "switch1:out1"), "dut:A:1");
	cr_assert_str_eq(lc_sim_world_link_peer(w, "switch1:out5"), "dut:B1:tx");
	double rl;
	/* parked: the RL module's port leads nowhere */
	cr_assert_eq(lc_sim_world_return_loss(w, "source:3", 1310, 70, &rl), LC_ERR_NOT_FOUND);
	route(w, "switch1:in2", "switch1:out1");
	cr_assert_eq(lc_sim_world_return_loss(w, "source:3", 1310, 70, &rl), 0);
	cr_assert(rl > 60 && rl < 69, "APC at A:1: %g dB", rl);
	route(w, "switch1:in2", "switch1:out5");
	cr_assert_eq(lc_sim_world_return_loss(w, "source:3", 1310, 70, &rl), 0);
	cr_assert(rl > 45 && rl < 58, "UPC at B1:tx: %g dB", rl);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

/* Two instrument ports on one switch input is a cabling the simulator cannot build. */
Test(sim_world, switch_input_cabled_twice_is_refused)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	char fx[512], path[1024];
	snprintf(path, sizeof(path), "%s/scenarios/%s", sw_fixtures(fx, sizeof(fx)),
		 json_string_value(json_object_get(root, "station")));
	json_error_t je;
	json_t *station = json_load_file(path, 0, &je);
	cr_assert(station, "%s: %s", path, je.text);
	json_object_set_new(root, "station", station);
	json_t *w1 = json_array_get(json_object_get(station, "wiring"), 1); /* the RL module's wire of A:1 */
	cr_assert_eq(json_integer_value(json_object_get(w1, "instrument_port")), 3);
	cr_assert_eq(json_integer_value(json_object_get(w1, "switch_input")), 2);
	/* the RL module cabled to input 1, which the source's cord already takes */
	json_object_set_new(w1, "switch_input", json_integer(1));
	json_object_set_new(w1, "switch_channel", json_integer(9));
	json_object_set_new(w1, "dut_port", json_string("A:5"));
	lc_diag d;
	lc_diag_clear(&d);
	lc_sim_scenario *sc = sw_scenario_from(root, &d);
	lc_sim_world *w = NULL;
	int rc = sc ? lc_sim_world_create(sc, &w, &d) : -1;
	cr_assert_lt(rc, 0);
	cr_assert(strstr(lc_diag_message(&d), "switch1:in1") != NULL, "%s", lc_diag_message(&d));
	lc_sim_scenario_free(sc);
	json_decref(root);
}

/* A reference is taken without the DUT, the cords joined as the slot's design maps them: it cannot depend on
 * the cable plugged in afterwards. With a wrong part in the slot (the DR8 8 x LC harness on the 2 x DR4
 * bench, which has no MPO-12 legs), the thru still joins leg B1's position 1 to A:16, as the 2 x DR4 design
 * does; with the DUT back in, that port leads nowhere and the meter reads dark. */
Test(sim_world, reference_thru_follows_the_slot_design_not_the_dut)
{
	lc_sim_scenario *sc;
	json_t *root = sw_scenario_json("dr8-2xdr4-wrong-part-8xlc");
	lc_sim_world *w = world_of(root, 1, &sc);
	json_decref(root);
	const char *launch = lc_sim_world_link_peer(w, "dut:B1:1"), *common = lc_sim_world_link_peer(w, "source:1");
	cr_assert(launch && common, "B1:1 and the source are cabled to switch1");
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, common, launch);
	cr_assert_str_eq(lc_sim_world_link_peer(w, "dut:A:16"), "meter2:8");
	double dbm;
	cr_assert_eq(lc_sim_world_set_reference_thru(w, 1, true), 0);
	lc_sim_world_power_true(w, "meter2:8", &dbm);
	/* two 0.15 dB reference cords and the thru's reference-grade pair, nothing of the 8 x LC harness */
	cr_assert(dbm < -7.0 - 0.3 && dbm > -7.0 - 1.0, "the thru of the design lights A:16: %g dBm", dbm);
	cr_assert_eq(lc_sim_world_set_reference_thru(w, 1, false), 0);
	lc_sim_world_power_true(w, "meter2:8", &dbm);
	cr_assert_eq(dbm, LC_SIM_DARK_DBM, "the 8 x LC harness has no B1:1");
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

/* "slot_empty": the operator takes the reference (the thru joins the cords as the slot's design maps them),
 * then plugs nothing in: the same port that the thru lit reads dark, as a slot with no DUT does. */
Test(sim_world, an_empty_slot_lights_its_reference_thru_and_nothing_after)
{
	lc_sim_scenario *sc;
	json_t *root = sw_scenario_json("dr8-2xdr4-empty-slot");
	lc_sim_world *w = world_of(root, 1, &sc);
	json_decref(root);
	cr_assert(sc->slot_empty);
	const char *launch = lc_sim_world_link_peer(w, "dut:B1:1"), *common = lc_sim_world_link_peer(w, "source:1");
	cr_assert(launch && common, "B1:1 and the source are cabled to switch1");
	lc_sim_world_source_set(w, "source:1", true, 1310, -7.0);
	route(w, common, launch);
	double dbm;
	cr_assert_eq(lc_sim_world_set_reference_thru(w, 1, true), 0, "a reference needs no cable in the slot");
	lc_sim_world_power_true(w, "meter2:8", &dbm);
	cr_assert(dbm < -7.0 - 0.3 && dbm > -7.0 - 1.0, "the thru lights A:16: %g dBm", dbm);
	cr_assert_eq(lc_sim_world_set_reference_thru(w, 1, false), 0);
	lc_sim_world_power_true(w, "meter2:8", &dbm);
	cr_assert_eq(dbm, LC_SIM_DARK_DBM, "nothing in the slot: %g dBm", dbm);
	int map[16];
	cr_assert_eq(lc_sim_world_lane_map(w, map, 16), LC_ERR_NOT_FOUND, "no cable, no lane map");
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
}

/* A part of the other fiber type between the station's cords: multimode light into a single-mode core loses
 * the "world.mode_mismatch.mm_into_sm" figure (20 dB, UNCONFIRMED, fixtures/limits), single-mode light into a
 * multimode core the small "sm_into_mm" one (0.5 dB); a thru (no part) loses neither. The SR8 harness (OM4)
 * on the single-mode 2 x DR4 bench loses the big one where its fibers exit into the bench's SM cords; the DR8
 * harness (OS2) on the multimode 2 x 200G bench where the MM cords feed it: both, whichever way light runs. */
static double mismatch_loss(const char *scenario, double nm, const char *launch, const char *meter)
{
	lc_sim_scenario *sc;
	json_t *root = sw_scenario_json(scenario);
	lc_sim_world *w = world_of(root, 1, &sc);
	json_decref(root);
	const char *sw = lc_sim_world_link_peer(w, launch), *common = lc_sim_world_link_peer(w, "source:1");
	cr_assert(sw && common, "%s: %s and the source are cabled to switch1", scenario, launch);
	lc_sim_world_source_set(w, "source:1", true, nm, -7.0);
	route(w, common, sw);
	double thru, dbm;
	cr_assert_eq(lc_sim_world_set_reference_thru(w, 1, true), 0);
	lc_sim_world_power_true(w, meter, &thru);
	cr_assert_eq(lc_sim_world_set_reference_thru(w, 1, false), 0);
	lc_sim_world_power_true(w, meter, &dbm);
	double part = dut_loss(w, launch, lc_sim_world_link_peer(w, meter), nm);
	lc_sim_world_destroy(w);
	lc_sim_scenario_free(sc);
	/* what the junctions add: the reading against the thru, less the part's own fiber loss and the thru's pair */
	return thru - dbm - part + 0.05;
}

Test(sim_world, a_part_of_the_other_fiber_type_loses_at_the_mm_into_sm_junction)
{
	for (int i = 0; i < 2; i++) {
		double nm = i ? 1550 : 1310;
		double ab = mismatch_loss("dr8-2xdr4-wrong-fiber-sr8", nm, "dut:A:1", "meter1:4");
		double ba = mismatch_loss("dr8-2xdr4-wrong-fiber-sr8", nm, "dut:B1:1", "meter2:8");
		/* 20 + 0.5 dB of mode mismatch, and the harness's UPC MPOs against the bench's APC cords at both
		 * ends: 3.0 dB each (world.apc_upc_mate.loss) */
		cr_expect_float_eq(ab, 26.5, 1e-6, "SR8 harness on the SM bench, A->B at %g nm: %g dB", nm, ab);
		cr_expect_float_eq(ba, 26.5, 1e-6, "SR8 harness on the SM bench, B->A at %g nm: %g dB", nm, ba);
	}
	double mm = mismatch_loss("sr8-2x200g-wrong-fiber-dr8", 850, "dut:A:1", "meter1:4");
	cr_expect_float_eq(mm, 26.5, 1e-6, "DR8 harness (APC) on the MM bench (UPC) at 850 nm: %g dB", mm);
	cr_expect_float_eq(mismatch_loss("sr8-2x200g-good", 850, "dut:A:1", "meter1:4"), 0.0, 1e-6,
			   "the bench's own fiber type: no junction loss");
}
