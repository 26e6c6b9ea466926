/*
 * The field bench (scenario field-tier1-good): 8163B source, two DiCon GP600 matrices and a Thorlabs PM100,
 * answered over sockets in their dialects (instrument-dialects.md §1.3, §6.2); the Type-B trunk's polarity
 * seen through them, and the wrong-polarity trunk scenario.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <termios.h>

#include "simworld_util.h"

static lc_sim_scenario *sc;
static lc_sim_runner *run;
static int src, near, far, pm, ctl;

static void start(const char *name)
{
	lc_diag d;
	lc_diag_clear(&d);
	json_t *root = sw_scenario_json(name);
	cr_assert(root);
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	run = sw_start(sc, 3, &d);
	cr_assert(run, "runner: %s", lc_diag_message(&d));
	src = sw_connect(sw_port_of(run, "source"));
	near = sw_connect(sw_port_of(run, "switch1"));
	far = sw_connect(sw_port_of(run, "switch2"));
	pm = sw_connect(sw_port_of(run, "meter"));
	ctl = sw_connect(sw_port_of(run, "control"));
	cr_assert(src >= 0 && near >= 0 && far >= 0 && pm >= 0 && ctl >= 0);
}

static void setup(void) { start("field-tier1-good"); }

static void teardown(void)
{
	close(src), close(near), close(far), close(pm), close(ctl);
	lc_sim_runner_stop(run);
	lc_sim_scenario_free(sc);
}

TestSuite(sim_field, .init = setup, .fini = teardown);

Test(sim_field, gp600_dialect)
{
	char b[256];
	cr_assert(!strncmp(sw_query(near, "*IDN?", b, sizeof(b)), "Dicon Fiberoptics Inc, GP600, ", 30), "%s", b);
	cr_assert_str_eq(sw_query(near, "SYST:CONF?", b, sizeof(b)), "X1");
	cr_assert_str_eq(sw_query(near, "X1 DIM?", b, sizeof(b)), "4,16");
	cr_assert_str_eq(sw_query(near, "SYST:ERR?", b, sizeof(b)), "+0, No Error");
	sw_send(near, "X1 CH 1 7");
	cr_assert_str_eq(sw_query(near, "X1 CH 1?", b, sizeof(b)), "1,7");
	/* one output takes one input: connecting another input to a held output is refused, the route kept */
	sw_send(near, "X1 CH 2 7");
	cr_assert(!strncmp(sw_query(near, "SYST:ERR?", b, sizeof(b)), "-221, ", 6), "%s", b);
	cr_assert_str_eq(sw_query(near, "X1 CH 1?", b, sizeof(b)), "1,7");
	cr_assert_str_eq(sw_query(near, "X1 CH 2?", b, sizeof(b)), "2,0");
	sw_send(near, "X1 CH 1 0"); /* park input 1, then input 2 may take output 7 */
	sw_send(near, "X1 CH 2 7");
	cr_assert_str_eq(sw_query(near, "SYST:ERR?", b, sizeof(b)), "+0, No Error");
	cr_assert_str_eq(sw_query(near, "X1 CH 1?", b, sizeof(b)), "1,0");
	cr_assert_str_eq(sw_query(near, "X1 CH 2?", b, sizeof(b)), "2,7");
	sw_send(near, "X1 CH 1 17");
	cr_assert(!strncmp(sw_query(near, "SYST:ERR?", b, sizeof(b)), "-222, ", 6), "%s", b);
	sw_send(near, ":SYST:ERR?"); /* the leading colon is not accepted: no reply, an error */
	cr_assert(!strncmp(sw_query(near, "SYST:ERR?", b, sizeof(b)), "-113, ", 6), "%s", b);
	cr_assert_str_eq(sw_query(near, "X1 W?", b, sizeof(b)), "1550.0");
	sw_send(near, "RESET");
	cr_assert_str_eq(sw_query(near, "X1 CH 2?", b, sizeof(b)), "2,0");
	/* replies end in CR LF */
	sw_send(near, "VER?");
	int n = sw_read_until(near, b, sizeof(b), '\n', 3000);
	cr_assert(n >= 2 && b[n - 2] == '\r' && b[n - 1] == '\n');
}

Test(sim_field, pm100_dialect)
{
	char b[256];
	cr_assert(!strncmp(sw_query(pm, "*IDN?", b, sizeof(b)), "THORLABS,PM100USB,", 18), "%s", b);
	cr_assert(!strncmp(sw_query(pm, "SYST:SENS:IDN?", b, sizeof(b)), "S122C,", 6), "%s", b);
	sw_send(pm, "SENS:CORR:WAV 1310");
	cr_assert_float_eq(sw_query_num(pm, "SENS:CORR:WAV?"), 1310.0, 1e-9);
	cr_assert_float_eq(sw_query_num(pm, "SENS:CORR:WAV? MAX"), 1800.0, 1e-9);
	sw_send(pm, "SENS:CORR:WAV 2500");
	cr_assert(!strncmp(sw_query(pm, "SYST:ERR?", b, sizeof(b)), "-222,", 5), "%s", b);
	cr_assert_str_eq(sw_query(pm, "SENS:POW:UNIT?", b, sizeof(b)), "W");
	sw_send(pm, "SENS:AVER:COUN 100");
	cr_assert_str_eq(sw_query(pm, "SENS:AVER:COUN?", b, sizeof(b)), "100");
	double dark = sw_query_num(pm, "MEAS:POW?");
	cr_assert(dark >= 0 && dark < 1e-8, "nothing routed: %g W", dark);
	/* 100 samples x 3 ms of instrument time */
	cr_assert(sw_query_num(ctl, "SIM:TIME? \"meter\"") >= 0.3 - 1e-9);
	sw_send(pm, "SENS:CORR:COLL:ZERO:INIT");
	cr_assert_str_eq(sw_query(pm, "*OPC?", b, sizeof(b)), "1");
	cr_assert_str_eq(sw_query(pm, "SYST:ERR?", b, sizeof(b)), "0,\"No error\"");
}

/* Route source -> near matrix output a (A:a), far matrix output b (B:b) -> meter; read dBm. */
static double through(int a, int b)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "X1 CH 1 %d", a);
	sw_send(near, cmd);
	snprintf(cmd, sizeof(cmd), "X1 CH 1 %d", b);
	sw_send(far, cmd);
	sw_sync(near), sw_sync(far);
	return 10 * log10(sw_query_num(pm, "MEAS:POW?") / 1e-3);
}

Test(sim_field, type_b_trunk_lands_position_1_on_12)
{
	sw_send(src, ":SOUR1:WAV 1310NM;:SOUR1:POW -6DBM;:SOUR1:POW:STAT 1");
	sw_send(pm, "SENS:CORR:WAV 1310;:SENS:AVER:COUN 300");
	sw_sync(src), sw_sync(pm);
	double ok = through(1, 12), wrong = through(1, 1);
	double loss;
	cr_assert_eq(lc_sim_world_dut_loss(lc_sim_runner_world(run), "dut:A:1", "dut:B:12", 1310, &loss), 0);
	cr_assert_float_eq(ok, -6.0 - 0.2 - loss, 0.05, "A:1 -> B:12 reads %g dBm", ok);
	cr_assert(wrong < -50, "B:1 is dark: %g dBm", wrong);
	sw_send(src, ":SOUR1:POW:STAT 0");
}

Test(sim_field, wrong_polarity_trunk_lands_position_1_on_1)
{
	/* leave the Type-B bench and start the trunk bench with the Type-A-built trunk */
	teardown();
	lc_diag d;
	json_t *root = sw_scenario_json("mpo-trunk-wrong-polarity");
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	lc_sim_world *w;
	cr_assert_eq(lc_sim_world_create(sc, &w, &d), 0, "%s", lc_diag_message(&d));
	double l;
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:1", "dut:B:1", 850, &l), 0);
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:1", "dut:B:12", 850, &l), LC_ERR_NOT_FOUND);
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:A:5", "dut:B:5", 850, &l), 0);
	cr_assert_eq(lc_sim_world_dut_loss(w, "dut:B:3", "dut:A:3", 850, &l), 0, "both directions");
	lc_sim_world_destroy(w);
	/* give teardown something to stop */
	run = sw_start(sc, 3, &d);
	cr_assert(run, "%s", lc_diag_message(&d));
	src = near = far = pm = ctl = -1;
}

Test(sim_field, gp600_on_a_pseudo_terminal)
{
	teardown();
	lc_diag d;
	json_t *root = sw_scenario_json("field-tier1-good");
	json_object_set_new(json_object_get(json_object_get(root, "instruments"), "switch2"), "transport", json_string("pty"));
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	run = sw_start(sc, 3, &d);
	cr_assert(run, "%s", lc_diag_message(&d));
	src = near = far = pm = ctl = -1;
	const char *res = NULL;
	for (size_t i = 0; i < lc_sim_runner_count(run); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(run, i, &in) == 0 && !strcmp(in.role, "switch2"))
			res = in.resource;
	}
	cr_assert(res && !strncmp(res, "ASRL/dev/", 9) && strstr(res, "::INSTR"), "%s", res ? res : "-");
	char path[128];
	snprintf(path, sizeof(path), "%.*s", (int)(strstr(res, "::") - res - 4), res + 4);
	int fd = open(path, O_RDWR | O_NOCTTY);
	cr_assert(fd >= 0, "%s", path);
	struct termios t;
	tcgetattr(fd, &t);
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
	char b[128];
	cr_assert_str_eq(sw_query(fd, "X1 DIM?", b, sizeof(b)), "4,16");
	sw_send(fd, "X1 CH 2 9");
	cr_assert_str_eq(sw_query(fd, "X1 CH 2?", b, sizeof(b)), "2,9");
	close(fd);
}
