/*
 * Station faults declared in a scenario, each observed over a plain socket: a hung instrument, a dropped
 * connection, garbage bytes, a truncated block, errors in the queue, a slow *OPC?, a wrong *IDN?, and the
 * simulator's record of lasers left on.
 */
#include <criterion/criterion.h>

#include "simworld_util.h"

static lc_sim_scenario *sc;
static lc_sim_runner *run;

/* Start dr4-breakout-good with `faults` (JSON) on instrument `role`. */
static int start_with(const char *role, const char *faults)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	json_t *insts = json_object_get(root, "instruments");
	json_object_set_new(json_object_get(insts, "bert"), "kind", json_string("none"));
	json_error_t je;
	json_object_set_new(json_object_get(insts, role), "faults", json_loads(faults, 0, &je));
	lc_diag d;
	lc_diag_clear(&d);
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	run = sw_start(sc, 1, &d);
	cr_assert(run, "%s", lc_diag_message(&d));
	int fd = sw_connect(sw_port_of(run, role));
	cr_assert(fd >= 0);
	return fd;
}

static void stop(int fd)
{
	close(fd);
	lc_sim_runner_stop(run);
	lc_sim_scenario_free(sc);
}

Test(sim_faults, stops_answering_after_n_messages)
{
	int fd = start_with("meter", "{\"stop_answering_after\": 2}");
	char b[256];
	cr_assert(sw_query(fd, "*IDN?", b, sizeof(b))[0]);
	cr_assert(sw_query(fd, "*IDN?", b, sizeof(b))[0]);
	sw_send(fd, "*IDN?");
	cr_assert_eq(sw_read_until(fd, b, sizeof(b), '\n', 300), 0, "a hung instrument answers nothing");
	stop(fd);
}

Test(sim_faults, drops_the_connection)
{
	int fd = start_with("meter", "{\"drop_after\": 1}");
	char b[256];
	cr_assert(!strncmp(sw_query(fd, "*IDN?", b, sizeof(b)), "Keysight", 8), "answered before the drop");
	cr_assert_eq(read(fd, b, 1), 0, "then EOF");
	stop(fd);
}

Test(sim_faults, garbage_before_a_reply)
{
	int fd = start_with("meter", "{\"garbage_at\": 2, \"garbage\": \"\\u0007#?\"}");
	char b[256];
	cr_assert(!strncmp(sw_query(fd, "*IDN?", b, sizeof(b)), "Keysight", 8));
	sw_query(fd, "*IDN?", b, sizeof(b));
	cr_assert(!strncmp(b, "\a#?Keysight", 11), "'%s'", b);
	stop(fd);
}

Test(sim_faults, truncated_block)
{
	int fd = start_with("meter", "{\"truncate_block_at\": 1, \"truncate_block_keep\": 5}");
	uint8_t raw[64];
	sw_send(fd, ":READ:POW:ALL?");
	cr_assert_eq(sw_read_n(fd, raw, sizeof(raw), 2000), 4 + 5, "header and 5 of 32 bytes, then EOF");
	cr_assert_eq(memcmp(raw, "#232", 4), 0);
	stop(fd);
}

Test(sim_faults, errors_in_the_queue)
{
	int fd = start_with("source", "{\"push_errors\": [-222, -113], \"push_errors_at\": 0}");
	char b[256];
	cr_assert(!strncmp(sw_query(fd, ":SYST:ERR?", b, sizeof(b)), "-222,", 5), "%s", b);
	cr_assert(!strncmp(sw_query(fd, ":SYST:ERR?", b, sizeof(b)), "-113,", 5), "%s", b);
	cr_assert_str_eq(sw_query(fd, ":SYST:ERR?", b, sizeof(b)), "+0,\"No error\"");
	stop(fd);
}

Test(sim_faults, slow_opc)
{
	int fd = start_with("switch2", "{\"opc_delay_ms\": 1500}"); /* an N773x: IEEE 488.2 *OPC? */
	char b[256];
	sw_send(fd, "*OPC?");
	cr_assert_eq(sw_read_until(fd, b, sizeof(b), '\n', 100), 0, "no answer at once");
	cr_assert(sw_read_until(fd, b, sizeof(b), '\n', 5000) > 0);
	cr_assert_str_eq(b, "1\n");
	stop(fd);
}

Test(sim_faults, wrong_idn)
{
	int fd = start_with("meter", "{\"idn\": \"Agilent Technologies,N7745C,WRONG,0\"}");
	char b[256];
	cr_assert_str_eq(sw_query(fd, "*IDN?", b, sizeof(b)), "Agilent Technologies,N7745C,WRONG,0");
	lc_sim_runner_info in;
	for (size_t i = 0; i < lc_sim_runner_count(run); i++)
		if (lc_sim_runner_info_at(run, i, &in) == 0 && !strcmp(in.role, "meter"))
			cr_assert_str_eq(in.idn, "Agilent Technologies,N7745C,WRONG,0", "the runner prints what it answers");
	stop(fd);
}

Test(sim_faults, lasers_left_on_after_a_dropped_connection_are_recorded)
{
	int fd = start_with("source", "{\"drop_after\": 2}");
	int ctl = sw_connect(sw_port_of(run, "control"));
	char b[256];
	sw_send(fd, ":SOUR1:POW:STAT 1");
	cr_assert_str_eq(sw_query(fd, "*OPC?", b, sizeof(b)), "1");
	cr_assert_eq(read(fd, b, 1), 0, "dropped");
	cr_assert_eq((int)sw_query_num(ctl, "SIM:LAS:COUN?"), 1, "the simulator knows the laser stayed on");
	cr_assert_str_eq(sw_query(ctl, "SIM:LAS?", b, sizeof(b)), "\"source:1\"");
	cr_assert_eq((int)sw_query_num(ctl, "SIM:MESS? \"source\""), 2);
	close(ctl);
	stop(fd);
}

Test(sim_faults, truncated_reply)
{
	int fd = start_with("meter", "{\"truncate_at\": 1, \"truncate_keep\": 9}");
	char raw[64];
	sw_send(fd, "*IDN?");
	cr_assert_eq(sw_read_n(fd, (uint8_t *)raw, sizeof(raw), 2000), 9, "9 bytes, no terminator, then EOF");
	cr_assert_eq(memcmp(raw, "Keysight ", 9), 0);
	stop(fd);
}

/* FAULT:COUNT? says what fired, per instrument and kind; a fault whose message never comes counts nothing. */
Test(sim_faults, the_control_instrument_counts_what_fired)
{
	int fd = start_with("meter", "{\"garbage_at\": 1, \"latency_ms\": 1, \"push_errors\": [-222, -113], "
				     "\"push_errors_at\": 2, \"truncate_block_at\": 1, \"stop_answering_after\": 3}");
	int ctl = sw_connect(sw_port_of(run, "control"));
	char b[256];
	cr_assert_str_eq(sw_query(ctl, "FAULT:COUNT?", b, sizeof(b)), "\"\"", "nothing yet");
	sw_query(fd, "*IDN?", b, sizeof(b)); /* 1: garbage, late */
	sw_query(fd, "*OPC?", b, sizeof(b)); /* 2: two errors pushed, late */
	sw_send(fd, "*IDN?");                /* 3: answered, late */
	cr_assert(sw_read_until(fd, b, sizeof(b), '\n', 2000) > 0);
	sw_send(fd, "*IDN?"); /* 4: hangs */
	cr_assert_eq(sw_read_until(fd, b, sizeof(b), '\n', 200), 0);
	cr_assert_str_eq(sw_query(ctl, "FAULT:COUNT?", b, sizeof(b)),
			 "\"hang:meter:1,garbage:meter:1,errors:meter:2,latency:meter:3\"",
			 "no block was sent: truncate_block never fired");
	cr_assert_str_eq(sw_query(ctl, "FAUL:COUN?", b, sizeof(b)), "\"hang:meter:1,garbage:meter:1,errors:meter:2,"
								       "latency:meter:3\"");
	close(ctl);
	stop(fd);
}

static void count_messages(void *user, uint64_t n, const char *msg, size_t len, const uint8_t *reply,
			   size_t reply_len)
{
	(void)msg, (void)len, (void)reply;
	unsigned *seen = user;
	seen[0] = (unsigned)n;
	seen[1] += reply_len > 0;
}

Test(sim_faults, an_observer_sees_every_message_and_its_reply)
{
	int fd = start_with("meter", "{}");
	unsigned seen[2] = {0, 0};
	lc_sim_scpi *e = lc_sim_runner_engine(run, "meter");
	cr_assert_not_null(e);
	cr_assert_null(lc_sim_runner_engine(run, "nobody"));
	lc_sim_scpi_set_observer(e, count_messages, seen);
	char b[256];
	sw_query(fd, "*IDN?", b, sizeof(b));
	sw_send(fd, ":SENS1:POW:WAV 1310NM");
	sw_query(fd, "*OPC?", b, sizeof(b));
	lc_sim_scpi_set_observer(e, NULL, NULL);
	sw_query(fd, "*IDN?", b, sizeof(b));
	cr_assert_eq(seen[0], 3, "message numbers");
	cr_assert_eq(seen[1], 2, "two replies");
	stop(fd);
}

/* A command taken away (faults.without) is an undefined header in either form and with any suffix: no reply
 * (the *IDN? after it is answered first), -113 in the queue; the rest of the meter's tree still answers. */
Test(sim_faults, a_command_taken_away_is_an_undefined_header)
{
	int fd = start_with("meter", "{\"without\": [\":SENS:CORR:COLL:ZERO\"]}");
	char b[256];
	sw_send(fd, ":SENS2:CORR:COLL:ZERO?");
	cr_assert(!strncmp(sw_query(fd, "*IDN?", b, sizeof(b)), "Keysight", 8), "no reply came first: %s", b);
	cr_assert(!strncmp(sw_query(fd, ":SYST:ERR?", b, sizeof(b)), "-113,\"Undefined header", 22), "%s", b);
	sw_send(fd, "SENSE1:CORRECTION:COLLECT:ZERO");
	cr_assert(!strncmp(sw_query(fd, ":SYST:ERR?", b, sizeof(b)), "-113,", 5), "the set form too: %s", b);
	cr_assert(!strncmp(sw_query(fd, ":SENS2:POW:WAV?", b, sizeof(b)), "+1.55", 5), "%s", b);
	cr_assert_str_eq(sw_query(fd, ":SYST:ERR?", b, sizeof(b)), "+0,\"No error\"");
	int ctl = sw_connect(sw_port_of(run, "control"));
	cr_assert_str_eq(sw_query(ctl, "FAULT:COUNT?", b, sizeof(b)), "\"without:meter:2\"");
	close(ctl);
	stop(fd);
}

/* A misspelt command would take nothing away and test nothing: the scenario is refused, naming it. */
Test(sim_faults, taking_away_a_command_the_kind_lacks_is_refused)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	json_t *meter = json_object_get(json_object_get(root, "instruments"), "meter");
	json_object_set_new(meter, "faults", json_pack("{s:[s]}", "without", ":SENS:POW:FROB"));
	lc_diag d;
	lc_diag_clear(&d);
	sc = sw_scenario_from(root, &d);
	json_decref(root);
	cr_assert(sc, "%s", lc_diag_message(&d));
	cr_assert_null(sw_start(sc, 1, &d));
	cr_assert(strstr(lc_diag_message(&d), "faults.without[0]: ':SENS:POW:FROB' is no command of keysight_n7745c"),
		  "%s", lc_diag_message(&d));
	lc_sim_scenario_free(sc);
}
