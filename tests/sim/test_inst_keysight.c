/*
 * The simulated Keysight instruments (N7745C, 8164B with source/sensor/RL modules, N773x) answered over real
 * sockets with plain socket I/O, in the dialect of instrument-dialects.md §1.1, §1.2, §2.1, §3.1, §6.1.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <regex.h>

#include "simworld_util.h"

static lc_sim_scenario *sc;
static lc_sim_runner *run;
static int meter, source, sw1, sw2, sw3, ctl;

static void setup(void)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	cr_assert(root);
	/* the BERT is another engineer's instrument; this test is about the optical ones */
	json_t *insts = json_object_get(root, "instruments");
	json_object_set_new(json_object_get(insts, "bert"), "kind", json_string("none"));
	/* a two-input N773x on the legs' side (only input A is cabled), to see its A,B dialect */
	json_object_set_new(json_object_get(insts, "switch2"), "options", json_pack("{s:i, s:i}", "inputs", 2, "ports", 8));
	lc_diag d;
	lc_diag_clear(&d);
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	run = sw_start(sc, 11, &d);
	cr_assert(run, "runner: %s", lc_diag_message(&d));
	meter = sw_connect(sw_port_of(run, "meter"));
	source = sw_connect(sw_port_of(run, "source"));
	sw1 = sw_connect(sw_port_of(run, "switch1"));
	sw2 = sw_connect(sw_port_of(run, "switch2"));
	sw3 = sw_connect(sw_port_of(run, "switch3"));
	ctl = sw_connect(sw_port_of(run, "control"));
	cr_assert(meter >= 0 && source >= 0 && sw1 >= 0 && sw2 >= 0 && sw3 >= 0 && ctl >= 0);
}

static void teardown(void)
{
	close(meter), close(source), close(sw1), close(sw2), close(sw3), close(ctl);
	lc_sim_runner_stop(run);
	lc_sim_scenario_free(sc);
}

TestSuite(sim_keysight, .init = setup, .fini = teardown);

static void assert_nr3_keysight(const char *s)
{
	regex_t re;
	regcomp(&re, "^[+-][0-9]\\.[0-9]{8}E[+-][0-9]{3}$", REG_EXTENDED);
	cr_assert_eq(regexec(&re, s, 0, NULL, 0), 0, "'%s' is not Keysight's +1.31000000E-006 form", s);
	regfree(&re);
}

Test(sim_keysight, n7745c_identity_settings_and_formats)
{
	char b[256];
	cr_assert(!strncmp(sw_query(meter, "*IDN?", b, sizeof(b)), "Keysight Technologies,N7745C,", 29), "%s", b);
	sw_send(meter, ":SENS1:POW:WAV 1310NM");
	cr_assert_str_eq(sw_query(meter, ":SENS1:POW:WAV?", b, sizeof(b)), "+1.31000000E-006");
	sw_send(meter, ":SENS2:POW:WAV 1.55E-6");
	cr_assert_str_eq(sw_query(meter, ":SENS2:POW:WAV?", b, sizeof(b)), "+1.55000000E-006");
	cr_assert_str_eq(sw_query(meter, ":SENS2:POW:ATIM 100MS;ATIM?", b, sizeof(b)), "+1.00000000E-001");
	cr_assert_str_eq(sw_query(meter, ":SENS1:POW:UNIT?", b, sizeof(b)), "+1", "watts after reset");
	sw_send(meter, ":SENS1:POW:UNIT 0");
	cr_assert_str_eq(sw_query(meter, ":SENS1:POW:UNIT?", b, sizeof(b)), "+0");
	cr_assert_str_eq(sw_query(meter, ":SENS:POW:UNIT:ALL:CSV?", b, sizeof(b)), "0,1,1,1,1,1,1,1");
	sw_send(meter, ":SENS3:POW:RANG -17DBM");
	cr_assert_str_eq(sw_query(meter, ":SENS3:POW:RANG?", b, sizeof(b)), "-2.00000000E+001", "10 dB steps");
	cr_assert_str_eq(sw_query(meter, ":SENS3:POW:RANG:AUTO?", b, sizeof(b)), "0", "a range ends autoranging");
	cr_assert_str_eq(sw_query(meter, ":INIT1:CONT?", b, sizeof(b)), "1");
	assert_nr3_keysight(sw_query(meter, ":READ1:POW?", b, sizeof(b)));
	assert_nr3_keysight(sw_query(meter, ":FETC2:POW?", b, sizeof(b)));
	cr_assert_str_eq(sw_query(meter, ":SYST:ERR?", b, sizeof(b)), "+0,\"No error\"");
}

Test(sim_keysight, n7745c_error_queue)
{
	char b[256];
	sw_send(meter, ":SENS1:POW:ATIM 100"); /* 100 s: beyond 10 s */
	cr_assert(!strncmp(sw_query(meter, ":SYST:ERR?", b, sizeof(b)), "-222,\"Data out of range", 23), "%s", b);
	sw_send(meter, ":SENS9:POW:WAV?"); /* an N7745C has 8 channels: no reply */
	cr_assert(!strncmp(sw_query(meter, ":SYST:ERR?", b, sizeof(b)), "-114,", 5), "%s", b);
	sw_send(meter, ":SENS1:POW:FOO 1");
	cr_assert(!strncmp(sw_query(meter, ":SYST:ERR?", b, sizeof(b)), "-113,", 5), "%s", b);
	sw_send(meter, ":SENS1:POW:UNIT PARSEC");
	cr_assert(!strncmp(sw_query(meter, ":SYST:ERR?", b, sizeof(b)), "-224,", 5), "%s", b);
	cr_assert_str_eq(sw_query(meter, ":SYST:ERR?", b, sizeof(b)), "+0,\"No error\"");
}

Test(sim_keysight, insertion_loss_through_switches_matches_the_world)
{
	char b[256];
	sw_send(source, ":SOUR1:WAV 1310NM");
	sw_send(source, ":SOUR1:POW -7DBM");
	sw_send(source, ":SOUR1:POW:STAT 1");
	cr_assert_str_eq(sw_query(source, ":SOUR1:POW:STAT?", b, sizeof(b)), "1"); /* also syncs the source */
	cr_assert_str_eq(sw_query(source, ":SOUR1:WAV?", b, sizeof(b)), "+1.31000000E-006");
	sw_send(sw1, "X1 CH 1 1"); /* switch1 is the GP600 launch matrix: the source on input 1 */
	sw_send(sw2, ":ROUT1 A,1");
	cr_assert_str_eq(sw_query(sw2, "*OPC?", b, sizeof(b)), "1");
	sw_sync(sw1);
	sw_send(meter, ":SENS1:POW:UNIT 0;:SENS1:POW:WAV 1310NM;:SENS1:POW:ATIM 0.5S");
	double got = sw_query_num(meter, ":READ1:POW?");
	double loss;
	cr_assert_eq(lc_sim_world_dut_loss(lc_sim_runner_world(run), "dut:A:1", "dut:B1:rx", 1310, &loss), 0);
	cr_assert_float_eq(got, -7.0 - 0.2 - loss, 0.02, "read %g dBm", got);
	/* the simulator knows the laser is on, and that it is off once turned off */
	cr_assert_eq((int)sw_query_num(ctl, "SIM:LAS:COUN?"), 1);
	cr_assert_str_eq(sw_query(ctl, "SIM:LAS?", b, sizeof(b)), "\"source:1\"");
	/* the other lane's meter route is dark: far below the floor */
	sw_send(sw2, ":ROUT1 A,3"); /* B3:rx (port 2 belongs to input B) */
	sw_sync(sw2);
	cr_assert(sw_query_num(meter, ":READ1:POW?") < -75);
	sw_send(source, ":SOUR1:POW:STAT 0");
	sw_sync(source);
	cr_assert_eq((int)sw_query_num(ctl, "SIM:LAS:COUN?"), 0);
	cr_assert_str_eq(sw_query(ctl, "SIM:LAS?", b, sizeof(b)), "\"\"");
	/* the meter spent its averaging time as instrument time: 3 x 0.5 s and more, at time scale 0 */
	double t = sw_query_num(ctl, "SIM:TIME? \"meter\"");
	cr_assert(t >= 1.0, "simulated meter time %g s", t);
}

Test(sim_keysight, relative_reference_gives_zero_db)
{
	char b[256];
	sw_send(source, ":SOUR1:WAV 1550NM;:SOUR1:POW -5DBM;:SOUR1:POW:STAT 1");
	sw_send(sw1, "X1 CH 1 5"); /* B1:tx -> A:12 -> switch3 ch 4 -> meter input 2 */
	sw_send(sw3, ":ROUT1 A,4");
	sw_sync(source), sw_sync(sw1), sw_sync(sw3);
	sw_send(meter, ":SENS2:POW:ATIM 1S;:SENS2:POW:REF:DISP;:SENS2:POW:REF:STAT 1");
	cr_assert_str_eq(sw_query(meter, ":SENS2:POW:REF:STAT?", b, sizeof(b)), "1");
	double rel = sw_query_num(meter, ":READ2:POW?");
	cr_assert_float_eq(rel, 0.0, 0.01, "relative %g dB, light %s dBm", rel, sw_query(ctl, "SIM:POW? \"meter:2\"", b, sizeof(b)));
	sw_send(meter, ":SENS2:POW:REF TOREF,-10DBM;:SENS2:POW:UNIT 0");
	cr_assert_str_eq(sw_query(meter, ":SENS2:POW:REF? TOREF", b, sizeof(b)), "-1.00000000E+001");
	cr_assert_str_eq(sw_query(meter, ":SENS2:POW:REF:STAT:RAT?", b, sizeof(b)), "+255,+0");
	sw_send(source, ":SOUR1:POW:STAT 0");
}

Test(sim_keysight, blocks_logging_and_channel_map)
{
	char b[512];
	uint8_t raw[64];
	sw_send(meter, ":READ:POW:ALL?");
	cr_assert_eq(sw_read_n(meter, raw, 4 + 32 + 1, 3000), 37);
	cr_assert_eq(memcmp(raw, "#232", 4), 0, "8 channels x float32");
	cr_assert_eq(raw[36], '\n');
	float w1;
	memcpy(&w1, raw + 4, 4); /* little-endian, as the host running these tests */
	cr_assert(w1 > 0 && w1 < 1e-7, "channel 1 is dark: %g W", w1);
	sw_send(meter, ":READ1:POW:ALL:CONF?");
	cr_assert_eq(sw_read_n(meter, raw, 4 + 32 + 1, 3000), 37);
	cr_assert_eq(memcmp(raw, "#232", 4), 0, "8 (slot, channel) pairs of uint16");
	cr_assert(raw[4] == 1 && raw[5] == 0 && raw[6] == 1 && raw[8] == 2 && raw[10] == 1 && raw[32] == 8);
	sw_send(meter, ":SENS1:FUNC:PAR:LOGG 10,1MS");
	cr_assert_str_eq(sw_query(meter, ":SENS1:FUNC:PAR:LOGG?", b, sizeof(b)), "+10,+1.00000000E-003");
	cr_assert_str_eq(sw_query(meter, ":SENS1:FUNC:STAT?", b, sizeof(b)), "NONE,COMPLETE");
	sw_send(meter, ":SENS1:FUNC:STAT LOGG,STAR");
	cr_assert_str_eq(sw_query(meter, ":SENS1:FUNC:STAT?", b, sizeof(b)), "LOGGING_STABILITY,COMPLETE");
	sw_send(meter, ":SENS1:FUNC:RES?");
	cr_assert_eq(sw_read_n(meter, raw, 4 + 40 + 1, 3000), 45);
	cr_assert_eq(memcmp(raw, "#240", 4), 0, "10 float32 values");
}

Test(sim_keysight, mainframe_modules_and_errors)
{
	char b[256];
	cr_assert(!strncmp(sw_query(source, "*IDN?", b, sizeof(b)), "Keysight Technologies,8164B,", 28), "%s", b);
	sw_send(source, ":SOUR2:POW:STAT 1"); /* slot 2 holds a sensor */
	cr_assert(!strncmp(sw_query(source, ":SYST:ERR?", b, sizeof(b)), "-241,", 5), "%s", b);
	sw_send(source, ":SOUR1:WAV 1400NM"); /* an 81657A emits at 1310 and 1550 */
	cr_assert(!strncmp(sw_query(source, ":SYST:ERR?", b, sizeof(b)), "-222,", 5), "%s", b);
	sw_send(source, ":SOUR7:POW:STAT 1");
	cr_assert(!strncmp(sw_query(source, ":SYST:ERR?", b, sizeof(b)), "-114,", 5), "%s", b);
	cr_assert_str_eq(sw_query(source, ":SOUR1:POW:UNIT?", b, sizeof(b)), "+1");
	sw_send(source, ":SOUR1:POW -7DBM");
	cr_assert_float_eq(sw_query_num(source, ":SOUR1:POW?"), 1e-3 * pow(10, -0.7), 1e-9, "watts after reset");
	/* the RL module in slot 3: its source must be on; its port leads nowhere here, so it reads its floor */
	sw_send(source, ":FETC3:RET?");
	cr_assert(!strncmp(sw_query(source, ":SYST:ERR?", b, sizeof(b)), "-221,", 5), "%s", b);
	sw_send(source, ":SOUR3:POW:STAT 1");
	cr_assert_float_eq(sw_query_num(source, ":FETC3:RET?"), 70.0, 1e-9);
	sw_send(source, ":SOUR1:POW:STAT 1");
	sw_send(source, ":SYST:PRES");
	cr_assert_str_eq(sw_query(source, ":SOUR1:POW:STAT?", b, sizeof(b)), "0", ":SYST:PRES turns lasers off");
	sw_send(source, "*RST");
	cr_assert_str_eq(sw_query(source, ":SOUR3:POW:STAT?", b, sizeof(b)), "0", "*RST turns lasers off"); /* synced */
	cr_assert_eq((int)sw_query_num(ctl, "SIM:LAS:COUN?"), 0);
}

Test(sim_keysight, n773x_routes)
{
	char b[512];
	cr_assert(!strncmp(sw_query(sw2, "*IDN?", b, sizeof(b)), "Keysight Technologies,N7734A,", 29), "%s", b);
	cr_assert_str_eq(sw_query(sw2, ":ROUT1:CONF?", b, sizeof(b)), "A,B;1,2,3,4,5,6,7,8");
	cr_assert_str_eq(sw_query(sw1, "X1 DIM?", b, sizeof(b)), "2,8"); /* the GP600 launch matrix */
	cr_assert_str_eq(sw_query(sw3, ":ROUT1:CONF?", b, sizeof(b)), "A;1,2,3,4");
	sw_send(sw2, ":ROUT1 A,3");
	cr_assert_str_eq(sw_query(sw2, ":ROUT1?", b, sizeof(b)), "A,3;B,2");
	sw_send(sw2, ":ROUT1 B,3");
	cr_assert(!strncmp(sw_query(sw2, ":SYST:ERR?", b, sizeof(b)), "-221,", 5), "%s", b);
	sw_send(sw2, ":ROUT1 A,9");
	cr_assert(!strncmp(sw_query(sw2, ":SYST:ERR?", b, sizeof(b)), "-222,", 5), "%s", b);
	cr_assert(!strncmp(sw_query(sw3, ":ROUT1:CONF:ROUT?", b, sizeof(b)), "A,1.A,2.A,3", 11), "%s", b);
}

/* Readings over the wire from a station started with `seed`: the same seed gives the same bytes. */
static void readings(uint64_t seed, char out[4][64])
{
	lc_diag d;
	lc_sim_runner *r = sw_start(sc, seed, &d);
	cr_assert(r, "%s", lc_diag_message(&d));
	int m = sw_connect(sw_port_of(r, "meter"));
	sw_send(m, ":SENS1:POW:UNIT 0;:SENS1:POW:ATIM 1MS");
	for (int i = 0; i < 4; i++)
		sw_query(m, ":READ1:POW?", out[i], 64);
	close(m);
	lc_sim_runner_stop(r);
}

Test(sim_keysight, same_seed_same_readings_over_the_wire)
{
	char a[4][64], b[4][64], c[4][64];
	readings(21, a);
	readings(21, b);
	readings(22, c);
	for (int i = 0; i < 4; i++) {
		cr_assert_str_eq(a[i], b[i]);
		assert_nr3_keysight(a[i]);
	}
	cr_assert(strcmp(a[0], c[0]) || strcmp(a[1], c[1]), "another seed, other noise");
}

/* The mainframe's modules as a station "layout", and the other way round. */
static void layout_of(const char *station_layout, char *out, size_t cap)
{
	const lc_sim_inst_kind *k = lc_sim_kind_find("keysight_8164b");
	cr_assert(k && k->layout);
	lc_sim_world *w = lc_sim_runner_world(run);
	lc_sim_inst_config cfg = {.role = "mf9", .serial = "S1", .world = w, .options = NULL, .where = "test",
				  .station_layout = station_layout};
	lc_sim_scpi *e = NULL;
	void *st = NULL;
	lc_diag d;
	cr_assert_eq(k->create(&cfg, &e, &st, &d), 0, "%s", d.text);
	cr_assert(k->layout(st, out, cap) > 0);
	lc_sim_scpi_destroy(e);
	k->destroy(st);
}

Test(sim_keysight, mainframe_layout_for_the_station_file)
{
	char b[256];
	layout_of("", b, sizeof(b));
	/* dual-wavelength modules say they select with :SOUR<n>:WAV LOWER|UPPER, which the simulator implements */
	cr_assert_str_eq(b, "1:source@1310/1550!wavsel,2:sensor,3:rl@1310/1550!wavsel");
	layout_of("1:source@850/1300,3:sensor,4.1:sensor,4.2:sensor", b, sizeof(b));
	cr_assert_str_eq(b, "1:source@850/1300!wavsel,3:sensor,4.1:sensor,4.2:sensor");
}
